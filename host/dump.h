/*
 * dump.h - nmhost's parser-engine options (host/dump.c): --protocols, --dump N,
 * --filter EXPR (the display filter language), --startup-frame / --startup-property /
 * --startup-bit (a right click's startup data).
 */
#ifndef NMHOST_DUMP_H
#define NMHOST_DUMP_H

#include <stdio.h>
#include <windows.h>
#include <netmon.h>
#include "nmshim.h"

struct nm_engine_opts {
    BOOL protocols;                 /* --protocols: list protocols and properties, exit */
    BOOL dump;                      /* --dump N: print frame N's properties, exit */
    DWORD dump_frame;
    const char *filter;             /* --filter EXPR */
    BOOL startup;                   /* --startup-frame given */
    DWORD startup_frame;
    const char *startup_property;   /* PROTOCOL:LABEL */
    int startup_bit;                /* -1: none */
};

void nm_engine_opts_init(struct nm_engine_opts *e);
/* Tries argv[*i] as one of our options: 1 consumed (with its value), 0 not ours, -1 bad
 * usage (message printed). */
int nm_engine_opts_parse(struct nm_engine_opts *e, int argc, char **argv, int *i);
/* No expert DLL needed (--protocols, --dump). */
BOOL nm_engine_opts_standalone(const struct nm_engine_opts *e);
/* With the capture open: does --protocols / --dump (returns the exit status, >= 0), or
 * sets the display filter and the startup data in params and returns -1 to go on. A bad
 * expression or a frame without the startup property: message, 2. */
int nm_engine_opts_apply(const struct nm_engine_opts *e, HNMCAPTURE cap, NMSHIM_RUN_PARAMS *params);

/* Compiles a display-filter expression into filter objects added to f. 0, or -1 with
 * *pos (0-based offset into expr) and msg set. */
int nm_filter_compile(const char *expr, HFILTER f, size_t *pos, const char **msg);

#endif /* NMHOST_DUMP_H */
