/*
 * isolate.h - nmhost --isolate: each expert in a child process of its own.
 *
 * What no in-process guard can contain (an expert that corrupts the process heap, a
 * DllMain that never returns while holding the loader lock, ExitProcess, code that
 * patches the host) ends or hangs one child, not the run. The child is nmhost.exe itself
 * started with the internal option --isolate-child=HANDLE: it runs ONE expert through
 * the ordinary run plan and, instead of printing, writes its nm_expert_report to the
 * inherited pipe HANDLE as the records described in isolate.c. The parent reads every
 * child's records as untrusted input (bounded, validated), kills a child that outlives
 * -t, and fills the same nm_report the in-process run fills, so report.c prints it
 * exactly as without --isolate.
 */
#ifndef NMHOST_ISOLATE_H
#define NMHOST_ISOLATE_H

#include <windows.h>
#include "nmshim.h"
#include "report.h"

/* What the parent passes on to every child (the options that shape one expert's run). */
typedef struct nm_isolate_params {
    const char *capture;        /* capture path the parent opened; NULL with --list */
    DWORD       timeout_ms;     /* -t; 0: none */
    BOOL        configure;      /* --configure */
    const char *config;         /* --config FILE, or NULL */
    BOOL        list;           /* --list */
    /* Further options every child gets as they are (--quota, --filter, --startup-*):
     * the child runs the expert exactly as an in-process run would. */
    const char *const *extra;
    int         nextra;
} nm_isolate_params;

/* ---- parent ---------------------------------------------------------------------- */

/* Runs every expert of r (r->experts[i].dll) in a child process and fills r->experts
 * from the children's reports, or from what the parent saw when a child died or had to
 * be killed (outcome fault / hung). Events are allocated so that free(e->events) frees
 * them all. Returns FALSE when a child stopped on bad input before running anything
 * (unreadable capture or config file: exit status 2, no report, as in-process; the
 * child has said why on stderr). */
BOOL nm_isolate_run(const nm_isolate_params *p, nm_report *r);

/* ---- child ----------------------------------------------------------------------- */

/* Child run stages, in order; reported to the parent so that a child that dies is
 * blamed on the entry point it was in. */
enum nm_isolate_stage {
    NM_ISOLATE_LOAD = 1,        /* DllMain and Register (NmShimLoadExpert) */
    NM_ISOLATE_CONFIGURE,       /* stored configuration and Configure */
    NM_ISOLATE_RUN,             /* Run */
    NM_ISOLATE_REPORT           /* Run is over: collecting and sending the result */
};

/* --isolate-child=HANDLE: checks HANDLE (an inherited pipe), says hello to the parent
 * and enters the load stage. FALSE: not a pipe from a parent (usage error). */
BOOL nm_isolate_child_open(const char *handle);
/* TRUE in a child (after nm_isolate_child_open succeeded). */
BOOL nm_isolate_child_active(void);
/* Marks a new stage; e (its info) and x (its status, polled while Run runs) may be
 * NULL. No-op outside a child. */
void nm_isolate_child_stage(enum nm_isolate_stage stage, const nm_expert_report *e,
                            HNMEXPERT x);
/* Sends the one expert's full report (info, result, events). No-op outside a child. */
void nm_isolate_child_send(const nm_report *r);
/* Last call of the child: its exit status (a child that never sent a report ends on
 * bad input). No-op outside a child. */
void nm_isolate_child_end(int status);

#endif /* NMHOST_ISOLATE_H */
