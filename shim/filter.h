/*
 * filter.h - filter programs (docs/sdk-help.md §1): the postfix sequence of FILTEROBJECT2s
 * an expert builds with FilterAddObject, checked as each object is added and evaluated on
 * a frame table (engine.h). Portable C: the exports (filterapi.c) copy the expert's
 * objects in under a guard and hand them over as plain values.
 */
#ifndef NM_FILTER_H
#define NM_FILTER_H

#include "engine.h"

#define NM_FILTER_MAX_OBJECTS 1024

/* One object, copied out of the caller's FILTEROBJECT2 (and what it points to). */
struct nm_fop {
    DWORD action;
    HPROPERTY hprop;                   /* 0 when none */
    DWORD value;                       /* VALUE, AREBITSON/OFF masks */
    struct nm_protocol *proto;         /* PROTOCOLEXIST */
    struct nm_protocol **protos;       /* PROTOCOLSEXIST (malloc) */
    DWORD nprotos;
    int any_protocol;                  /* PROTOCOLSEXIST with PROTOCOL_NUM_ANY */
    BYTE *bytes;                       /* STRING text / ADDR_* address (malloc) */
    DWORD nbytes;
};

/* The object behind an HFILTER: FILTERDESC2 first, because the header's
 * FilterGetUIInstanceData / FilterSetUIInstanceData macros dereference the handle. */
struct nm_filter {
    FILTERDESC2 desc;
    uint32_t magic;
    struct nm_fop *ops;
    DWORD nops, cap;
    DWORD depth;                       /* stack depth after the objects so far */
    int attaches;                      /* uses properties: needs FLAGS_ATTACH-style parsing */
};

struct nm_filter *nm_filter_new(void);          /* registered; NULL when out of memory */
void nm_filter_free(struct nm_filter *f);        /* unregisters first */
struct nm_filter *nm_filter_dup(const struct nm_filter *f);
/* The filter an HFILTER names, or NULL: looked up in the registry, never dereferenced first. */
struct nm_filter *nm_filter_lookup(HFILTER h);
/* Appends op (takes its protos/bytes); NMERR_SUCCESS or the reason it is refused. */
DWORD nm_filter_add(struct nm_filter *f, struct nm_fop *op);
/* 1 passes, 0 fails. Caller holds the table lock; the table is parsed as needed. */
int nm_filter_eval(const struct nm_filter *f, struct nm_ptable *t);

/* The host's display filter (FLAGS_DEFER_TO_UI_FILTER): NULL for none. The host sets
 * it before it starts experts; set replaces (and frees) the previous one. */
struct nm_filter *nm_filter_ui(void);
void nm_filter_set_ui(struct nm_filter *f);

#endif /* NM_FILTER_H */
