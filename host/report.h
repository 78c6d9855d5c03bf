/*
 * report.h - nmhost's report model and its two printers (text for people, JSON for tools).
 *
 * nmhost.c fills one nm_report from nmapi.dll's host API (NmShimGetResult, NmShimGetEvent,
 * ...); report.c only formats it. Everything an expert supplied (names, status text, event
 * strings, column names and values) is escaped by the printers and never used as a format.
 */
#ifndef NMHOST_REPORT_H
#define NMHOST_REPORT_H

#include <stdio.h>
#include <windows.h>
#include <netmon.h>
#include "nmshim.h"

/* One expert named on the command line, in command-line order. */
typedef struct nm_expert_report {
    const char         *dll;        /* as given on the command line */
    BOOL                have_info;  /* info is valid (the DLL loaded and Register ran) */
    EXPERTENUMINFO      info;
    BOOL                have_result;
    NMSHIM_RESULT       result;
    DWORD               nevents;
    const NMEVENTDATA **events;     /* host copies (NmShimGetEvent), valid until unload */
    BOOL                configured; /* --configure ran Configure and it returned TRUE */
    BOOL                config_loaded; /* a stored configuration from --config was applied */
    BOOL                have_injected; /* injected is valid (NmShimGetInjected) */
    NMSHIM_INJECTED     injected;   /* what fault injection did to it (nm_report.injection) */
    /* The Run's status history (NmShimGetStatusHistory, include/nmshim.h): a malloc'd
     * copy of nhistory entries (at most NMSHIM_HISTORY_MAX), and how many the bound
     * dropped (the sum of their dropped_before). */
    DWORD               nhistory, history_dropped;
    NMSHIM_STATUS_ENTRY *history;
} nm_expert_report;

/* Fault injection asked for on the command line (--fail-alloc N, --fail-alloc-every K,
 * --stop-at-frame N); all zero / FALSE: none. */
typedef struct nm_injection {
    DWORD               fail_alloc;
    DWORD               fail_alloc_every;
    BOOL                stop_at_frame_set;
    DWORD               stop_at_frame;
} nm_injection;

typedef struct nm_report {
    const char         *version;    /* NMSHIM_VERSION_STRING */
    const char         *arch;       /* "i686" or "x86_64" */
    BOOL                list_only;  /* --list: no capture, no run fields */
    BOOL                have_capture;
    NMSHIM_CAPTURE_INFO capture;
    DWORD               nexperts;
    nm_expert_report   *experts;
    int                 exit_status;
    nm_injection        injection;  /* the run's fault injection (both reports show it) */
    DWORD               nparsers;   /* plug-in parser DLLs (parsers.c), load order */
    NMSHIM_PARSER_INFO *parsers;
} nm_report;

/* Stable lower-case names used by both printers (and the JSON contract in REPORT.md). */
const char *nm_report_outcome_name(NMSHIM_OUTCOME outcome);
const char *nm_report_state_name(DWORD state);
/* "change", "last", "final": NMSHIM_STATUS_* of a status history entry. */
const char *nm_report_history_kind(DWORD kind);

/* Copies s into buf (always terminated), replacing control characters with '?' so an
 * expert's text cannot move the cursor or forge lines; NULL becomes "". */
void nm_report_clean(const char *s, char *buf, size_t len);

/* The printers return 0, or -1 when writing failed (disk full, closed pipe). */
int nm_report_text(FILE *out, const nm_report *r);
int nm_report_json(FILE *out, const nm_report *r);

#endif /* NMHOST_REPORT_H */
