/*
 * engine.h - the parser engine (docs/design.md §5): protocols, property databases, and the
 * per-frame property tables that parsers fill through NetMon's own contract
 * (CreateProtocol, AddProperty, AttachPropertyInstance[Ex], ENTRYPOINTS).
 *
 * Portable C: no Win32 here (nmparse.h), so the engine and the built-in parsers can be
 * fuzzed natively. State lives in memory of the engine's own (malloc), never in an
 * expert heap. Registries are filled by nm_engine_init (the built-ins) and by plug-in
 * parser DLLs loaded before any expert runs (shim/plugin.c): a protocol slot is written
 * whole before the count that publishes it (release/acquire), so parse-time reads take
 * no lock. A plug-in protocol's entry points run through the call hook (a guarded call in
 * nmapi.dll, a plain one in the native build); a plug-in that faults or answers garbage
 * is disabled for the rest of the run (nm_engine_plugin_disable).
 *
 * Handles: an HPROTOCOL is the address of an engine protocol slot, an HPROPERTY a
 * cookie (tag, protocol, index), an HFRAME a cookie (slot, generation) of a frame table.
 * Every one is checked against the registries before use (nm_engine_protocol, ...).
 */
#ifndef NM_ENGINE_H
#define NM_ENGINE_H

#include <stddef.h>
#include <stdint.h>
#include "nmparse.h"

#define NM_MAX_PROTOCOLS        64     /* protocols the engine can hold */
#define NM_MAX_FRAME_PROTOCOLS  32     /* protocols recognized in one frame (bounds loops) */
#define NM_MAX_FRAME_PROPS      4096   /* property instances in one frame */
#define NM_MAX_FRAME_SLOTS      256    /* frame tables alive at once (one per running key) */

struct nm_protocol {
    uint32_t magic;                    /* NM_PROTOCOL_MAGIC while created */
    uint32_t index;
    PROTOCOLINFO info;                 /* what GetProtocolInfo hands out */
    ENTRYPOINTS ep;
    PROPERTYINFO *props;               /* engine copies, db_cap entries */
    DWORD db_cap;
    DWORD nprops;                      /* live properties (= the database's nProperties) */
    int registered;
    uint32_t plugin;                   /* 0: built-in; else the plug-in DLL's id (plugin.c) */
    volatile int disabled;             /* a plug-in disabled for the rest of the run */
    uint32_t affected;                 /* frames where it faulted or was skipped disabled */
    uint32_t last_affected;            /* highest frame number + 1 counted (atomics) */
};

/* One call into a plug-in protocol's RecognizeFrame or AttachProperties (the call hook). */
enum { NM_ENTRY_REGISTER, NM_ENTRY_DEREGISTER, NM_ENTRY_RECOGNIZE, NM_ENTRY_ATTACH,
       NM_ENTRY_FORMAT };
struct nm_entry_call {
    struct nm_protocol *proto;
    int entry;                         /* NM_ENTRY_* */
    HFRAME hf;
    const BYTE *frame, *data;
    DWORD mac, left;
    HPROTOCOL prev;
    DWORD prevoff;
    DWORD *status;                     /* RecognizeFrame's out-parameters */
    HPROTOCOL *next;
    DWORD_PTR *inst;
    DWORD_PTR instv;                   /* AttachProperties' instance data */
    LPPROPERTYINST pi;                 /* FormatProperties: the one instance to format */
    LPBYTE ret;                        /* what the entry point returned */
};
/* Runs c (c->ret set); 0, or -1 when the entry point faulted (the hook keeps the fault
 * record for the report). NULL: plain calls (the native build, the built-ins). */
typedef int (*nm_engine_call_hook)(struct nm_entry_call *c);
void nm_engine_set_call_hook(nm_engine_call_hook hook);
/* Plain call of c's entry point (what the hook wraps). */
void nm_engine_entry_call(struct nm_entry_call *c);
/* Told when a plug-in is disabled: its id, the entry point and why ("fault" or what the
 * garbage was); the hook side keeps it for the report. */
typedef void (*nm_engine_disable_hook)(uint32_t plugin, int entry, const char *why,
                                       uint32_t frame_number);
void nm_engine_set_disable_hook(nm_engine_disable_hook hook);
/* Disables every protocol of p's plug-in (once; a built-in is never disabled). */
void nm_engine_plugin_disable(struct nm_protocol *p, int entry, const char *why,
                              uint32_t frame_number);
/* A plug-in protocol's FormatProperties on one instance (GetPropertyText, proptext.c),
 * through the call hook: 0; -1 when it faulted (the plug-in is disabled then); 1 when the
 * plug-in is disabled already (not called). */
int nm_engine_plugin_format(struct nm_protocol *p, HFRAME hf, const BYTE *frame,
                            const BYTE *data, LPPROPERTYINST pi, uint32_t frame_number);
/* CreateProtocol between begin and end marks the new protocols as plug-in id's
 * (DllMain's, under the loader lock); end returns how many were created. */
void nm_engine_plugin_begin(uint32_t plugin);
unsigned nm_engine_plugin_end(void);

/* Hand-off sets (docs/netmon-sdk-help.md §3.2-§3.3): named sets ("TCP_HandoffSet") of
 * value -> protocol name [+ instance data], filled from PF_PARSERDLLINFO and INI files
 * before experts run. lookup gives the enabled protocol handed value in set (instance data
 * through *inst when the entry has one), NULL when none. add: 0, or -1 when full. */
#define NM_MAX_HANDOFFS 1024
int nm_engine_handoff_add(const char *set, DWORD value, const char *protocol,
                          int has_data, DWORD data);
HPROTOCOL nm_engine_handoff_lookup(const char *set, DWORD value, DWORD_PTR *inst);
/* TCP's and UDP's hand-off (the "TCP_HandoffSet" / "UDP_HandoffSet" sets): the source
 * port's entry first, then the destination port's; *inst gets the entry's instance data
 * or 0 when one is found, is untouched otherwise. */
HPROTOCOL nm_engine_handoff_ports(const char *set, DWORD sport, DWORD dport, DWORD_PTR *inst);
/* The index-th entry of set (for CreateHandoffTable); 0, or -1 past the end. */
int nm_engine_handoff_entry(const char *set, unsigned index, DWORD *value, const char **protocol,
                            int *has_data, DWORD *data);

/* The recognized protocols of one frame, in frame order. */
struct nm_frame_proto {
    struct nm_protocol *proto;
    DWORD offset;                      /* from the start of the frame */
    DWORD_PTR instdata;                /* the previous protocol's output (docs/sdk-help.md §3.6) */
};

/* One frame's tables: built by nm_engine_parse, valid until the next parse on the table. */
struct nm_ptable {
    HFRAME hframe;                     /* cookie of this slot and generation */
    uint32_t slot;
    volatile uint32_t gen;             /* bumped by every parse and by release */
    volatile int lock;                 /* spin lock: parse vs lookups from other threads */
    int in_use;
    int building;                      /* attach calls are accepted only while parsing */
    int parsed;                        /* protocols recognized */
    int attached;                      /* properties attached (not only recognized) */
    uint32_t link_type;
    uint32_t frame_number;
    void *hcapture;                    /* HCAPTURE the frame comes from (handles.h), set by
                                        * the table's owner: GetFrameNumber & co. on this HFRAME */
    const BYTE *frame;
    DWORD caplen;
    DWORD mac_type;
    struct nm_frame_proto prot[NM_MAX_FRAME_PROTOCOLS];
    unsigned nprot;
    unsigned cur_prot;                 /* the protocol whose AttachProperties runs */
    PROPERTYINST *insts;
    size_t ninsts, inst_cap;
    BYTE *ex;                          /* PROPERTYINSTEX copies of this frame */
    size_t ex_used, ex_cap;
    PROPERTYTABLE *ptable;             /* header + NM_MAX_FRAME_PROTOCOLS inst tables */
    RECOGNIZEDATATABLE *rtable;        /* header + NM_MAX_FRAME_PROTOCOLS entries */
    int overflow;                      /* some attach was refused (limits, memory) */
    struct nm_protocol *attaching_plugin; /* the plug-in protocol whose AttachProperties runs */
    int bad_attach;                    /* it attached a property it does not own */
};

/* Creates the built-in protocols and registers every protocol; idempotent, thread-safe. */
void nm_engine_init(void);

/* Registries (valid handles only; NULL / 0 otherwise). */
struct nm_protocol *nm_engine_protocol(HPROTOCOL h);
struct nm_protocol *nm_engine_protocol_by_name(const char *name);    /* case-insensitive */
unsigned nm_engine_protocol_count(void);
struct nm_protocol *nm_engine_protocol_at(unsigned i);
PROPERTYINFO *nm_engine_property(HPROPERTY h, struct nm_protocol **owner);
HPROPERTY nm_engine_property_by_label(struct nm_protocol *p, const char *label);
const PROTOCOLTABLE *nm_engine_protocol_table(void);

/* Frame tables: a slot per running key. acquire gives a fresh table (NULL when none is
 * free), release invalidates every handle that pointed into it. */
struct nm_ptable *nm_engine_table_acquire(void);
void nm_engine_table_release(struct nm_ptable *t);
/* The table an HFRAME names, locked; NULL for a forged or stale handle. */
struct nm_ptable *nm_engine_table_lock(HFRAME h);
void nm_engine_table_unlock(struct nm_ptable *t);

/* Points the table at a new frame (caplen bytes of the given pcap link type) and gives
 * it a new generation: the HFRAME returned; every earlier one is stale. Nothing parsed. */
HFRAME nm_engine_table_load(struct nm_ptable *t, const BYTE *frame, DWORD caplen,
                            uint32_t link_type, uint32_t frame_number);
/* Both at once, under one lock (ExpertGetFrame with FLAGS_ATTACH_PROPERTIES, no filter). */
HFRAME nm_engine_table_load_parse(struct nm_ptable *t, const BYTE *frame, DWORD caplen,
                                  uint32_t link_type, uint32_t frame_number, int attach);
/* Recognizes the frame's protocols and, with attach, attaches their properties; nothing
 * when that is done already. Caller holds the table lock (nm_engine_table_lock). */
void nm_engine_table_parse(struct nm_ptable *t, int attach);
/* Reads and writes of a caller's memory by the parser contract's exports (CreateProtocol,
 * AddProperty: a parser DLL is untrusted code): guarded in nmapi.dll (props.c), plain in
 * the native fuzz build. strnlen gives (size_t)-1 and copy -1 for memory that faults. */
size_t nm_engine_in_strnlen(const char *s, size_t max);
int nm_engine_in_copy(void *dst, const void *src, size_t n);

/* The frame number of a live HFRAME and the capture it comes from (the table's
 * hcapture): 0, or -1 for a forged or stale handle. */
int nm_engine_frame_of(HFRAME h, void **capture, uint32_t *n);

/* Lookups on a parsed table (caller holds the table lock). */
LPPROPERTYINST nm_engine_find(struct nm_ptable *t, HPROPERTY h, LPPROPERTYINST after, int forward);
int nm_engine_is_instance(const struct nm_ptable *t, const PROPERTYINST *pi);
int nm_engine_has_protocol(const struct nm_ptable *t, const struct nm_protocol *p);

/* Parser-side helpers shared by the built-in parsers. */
HPROTOCOL nm_engine_builtin(const char *name);      /* GetProtocolFromName for parsers */

#endif /* NM_ENGINE_H */
