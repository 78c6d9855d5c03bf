/*
 * nmshim.h - the host-side extension API of nmshim's nmapi.dll.
 *
 * Experts never use this header: they include MinGW-w64's <netmon.h> and call the eight
 * documented Expert* functions. This is what a host (nmhost.exe, the tests) uses to play
 * Network Monitor's part: create expert instances (one key, one private heap each), load
 * experts and call Register / Configure / Run under the fault guard, feed them a capture,
 * and read back statistics, status, events and faults.
 *
 * Every function is WINAPI, exported undecorated, and returns an NMERR_* code unless
 * stated otherwise. Structures are plain C, naturally aligned, and differ only in
 * pointer size between i686 and x86_64.
 */
#ifndef NMSHIM_H
#define NMSHIM_H

#include <windows.h>
#include <netmon.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NMSHIM_VERSION_STRING "0.1.0"

/* ---- memory statistics of one instance (one key, one heap) --------------------- */
typedef struct NMSHIM_MEMSTATS {
    ULONGLONG allocs;           /* successful ExpertAllocMemory calls */
    ULONGLONG reallocs;         /* successful ExpertReallocMemory calls */
    ULONGLONG frees;            /* successful ExpertFreeMemory calls (a block released) */
    ULONGLONG bad_calls;        /* calls rejected for bad input (pointer, size, key state) */
    ULONGLONG failed;           /* calls refused for lack of memory or quota */
    ULONGLONG live_blocks, live_bytes;
    ULONGLONG peak_blocks, peak_bytes;
    ULONGLONG leaked_blocks, leaked_bytes;   /* set when the instance ends */
    DWORD     last_bad_error;   /* NMERR_* returned by the last bad call */
    char      last_bad_reason[64];
    /* Freed small blocks the instance keeps for reuse (still busy in HeapWalk; freed by
     * the instance's HeapDestroy like everything else). */
    ULONGLONG cached_blocks, cached_bytes;
} NMSHIM_MEMSTATS;

/* ---- instances ----------------------------------------------------------------- */
/* Creates an instance: a fresh key and a private heap. quota = 0: no limit (bytes). */
DWORD WINAPI NmShimCreateInstance(SIZE_T quota, HEXPERTKEY *key);
/* Ends an instance: counts what is still live (leaks), destroys its heap in one
 * HeapDestroy, and retires the key. stats (optional) receives the final statistics. */
DWORD WINAPI NmShimEndInstance(HEXPERTKEY key, NMSHIM_MEMSTATS *stats);
/* Marks an instance for termination: every later Expert* call on its key returns
 * NMERR_EXPERT_TERMINATE (ExpertMemorySize keeps answering). */
DWORD WINAPI NmShimStopInstance(HEXPERTKEY key);
/* Reads the statistics of a live instance. */
DWORD WINAPI NmShimGetInstanceStats(HEXPERTKEY key, NMSHIM_MEMSTATS *stats);
/* The instance's private heap, for diagnostics (HeapWalk, HeapValidate); never free it. */
DWORD WINAPI NmShimGetInstanceHeap(HEXPERTKEY key, HANDLE *heap);

/* ---- faults -------------------------------------------------------------------- */
typedef struct NMSHIM_FAULT {
    DWORD     code;             /* exception code; 0: no fault */
    DWORD     flags;            /* ExceptionFlags */
    char      name[48];         /* "EXCEPTION_ACCESS_VIOLATION", ... or "0x%08lx" */
    char      entry[16];        /* "DllMain", "Register", "Configure", "Run" */
    char      module[64];       /* base name of the module of the faulting code; for a
                                 * fault inside a system DLL (RaiseException, a CRT
                                 * function) the module that called into it */
    ULONG_PTR address;          /* faulting instruction address (ExceptionAddress) */
    ULONG_PTR offset;           /* in module (the caller's return address for a fault
                                 * attributed to its caller) */
    DWORD     av_access;        /* access violations: 0 read, 1 write, 8 execute; else ~0 */
    ULONG_PTR av_target;        /* access violations: the address accessed */
    DWORD     nparams;          /* RaiseException parameters, up to 4 kept */
    ULONG_PTR params[4];
} NMSHIM_FAULT;

/* ---- captures ------------------------------------------------------------------ */
typedef struct NMSHIM_CAPTURE_INFO {
    char      path[MAX_PATH];
    char      format[16];       /* "netmon2", "pcap", "pcapng" */
    DWORD     frames;
    ULONGLONG bytes;            /* sum of original frame lengths */
    DWORD     link_type;        /* pcap LINKTYPE_* of the first frame (1: Ethernet) */
} NMSHIM_CAPTURE_INFO;

typedef struct NMSHIM_CAPTURE *HNMCAPTURE;

/* Opens a capture; the format is found from its magic. On failure err receives one line
 * naming the file, the offset and what is wrong, and the code is
 * NMERR_FILE_NOT_FOUND, NMERR_FILE_READ_ERROR or NMERR_INVALID_FILE_FORMAT. */
DWORD WINAPI NmShimOpenCapture(LPCSTR path, HNMCAPTURE *capture, LPSTR err, DWORD errlen);
DWORD WINAPI NmShimGetCaptureInfo(HNMCAPTURE capture, NMSHIM_CAPTURE_INFO *info);
DWORD WINAPI NmShimCloseCapture(HNMCAPTURE capture);

/* ---- experts: load, Register, Configure, Run ----------------------------------- */
typedef struct NMSHIM_EXPERT *HNMEXPERT;

typedef enum NMSHIM_OUTCOME {
    NMSHIM_PENDING = 0,         /* not run yet, or running */
    NMSHIM_DONE,                /* Run returned TRUE */
    NMSHIM_FAILED,              /* an entry point returned FALSE */
    NMSHIM_FAULT_OUTCOME,       /* an entry point faulted, called exit/abort/ExitProcess/
                                 * ExitThread..., or a thread it created faulted; its
                                 * heap is gone (fault.name says which) */
    NMSHIM_TERMINATED,          /* told to stop, returned within the grace period */
    NMSHIM_HUNG,                /* told to stop (Run, or an entry point past the
                                 * NmShimSetTimeouts timeout), still running after the
                                 * grace period */
    NMSHIM_LOAD_ERROR           /* the DLL did not load or lacks Register/Run */
} NMSHIM_OUTCOME;

typedef struct NMSHIM_RUN_PARAMS {
    HNMCAPTURE capture;         /* frames served by ExpertGetFrame; may be NULL */
    SIZE_T     quota;           /* per-instance memory quota in bytes; 0: none */
    DWORD      startup_flags;   /* passed to Configure/Run (EXPERT_STARTUP_FLAG_*) */
    DWORD      frame_number;    /* EXPERTSTARTUPINFO.dwFrameNumber */
    /* a right click's startup data (nmhost --startup-*): EXPERTSTARTUPINFO.hProtocol,
     * .lpPropertyInst (must stay valid for the run: NmShimParseFrame's), .sBitfield */
    HPROTOCOL      startup_protocol;
    LPPROPERTYINST startup_property;
    BYTE           startup_bit;
    /* Fault injection (nmhost --fail-alloc, --fail-alloc-every, --stop-at-frame), so an
     * expert's error paths run at known points; all zero: off. What was injected:
     * NmShimGetInjected. fail_alloc: the Nth ExpertAllocMemory/ExpertReallocMemory call
     * of each instance (Configure's key, Run's key) fails with NMERR_OUT_OF_MEMORY (NULL,
     * *pError set, a realloc's block untouched: a real shortage's path); fail_alloc_every:
     * every Kth does. Counted: calls on a live key, not stopped, a realloc of a live block
     * (bad input keeps its own error). stop_at_frame_set: Run's ExpertGetFrame call that
     * would return frame stop_at_frame (0-based, any direction, after filters) returns
     * NMERR_EXPERT_TERMINATE instead and the key is stopped, as if the host had asked then:
     * the outcome is NMSHIM_TERMINATED if Run then returns. (Appended in 0.1.0: the
     * fields above keep their offsets.) */
    DWORD          fail_alloc;
    DWORD          fail_alloc_every;
    BOOL           stop_at_frame_set;
    DWORD          stop_at_frame;
} NMSHIM_RUN_PARAMS;

typedef struct NMSHIM_RESULT {
    NMSHIM_OUTCOME outcome;
    DWORD          error;       /* load errors: Win32 or NMERR code */
    char           message[128];/* one line: why it failed, faulted or did not load */
    NMSHIM_FAULT   fault;       /* valid when outcome == NMSHIM_FAULT_OUTCOME */
    EXPERTSTATUS   status;      /* last ExpertIndicateStatus (100 % at success) */
    NMSHIM_MEMSTATS memory;     /* of the Run instance */
    DWORD          events;      /* number of events submitted */
    DWORD          elapsed_ms;  /* Run wall time */
} NMSHIM_RESULT;

/* Loads an expert DLL (DllMain under the guard), resolves Register / Configure / Run
 * (exact names, then the i686 decorated spellings) and calls Register under the guard.
 * Always returns an expert handle in *expert unless expert is NULL or out of memory;
 * a load error or a failed Register is reported through NmShimGetResult. */
DWORD WINAPI NmShimLoadExpert(LPCSTR path, HNMEXPERT *expert);
/* What Register filled in (the private members are the host's). */
DWORD WINAPI NmShimGetExpertInfo(HNMEXPERT expert, EXPERTENUMINFO *info);
/* Calls Configure headless (hWnd NULL) on a new key; the config block the expert returns
 * is validated and kept by the host. Returns NMERR_SUCCESS when Configure returned TRUE. */
DWORD WINAPI NmShimConfigureExpert(HNMEXPERT expert, const NMSHIM_RUN_PARAMS *params);
/* The stored configuration (a copy of EXPERTCONFIG, RawConfigLength bytes in all). */
DWORD WINAPI NmShimGetConfig(HNMEXPERT expert, void *buf, DWORD buflen, DWORD *needed);
DWORD WINAPI NmShimSetConfig(HNMEXPERT expert, const void *config, DWORD len);
/* Starts Run on a host-created thread with a new key. */
DWORD WINAPI NmShimStartExpert(HNMEXPERT expert, const NMSHIM_RUN_PARAMS *params);
/* Waits for Run to end: NMERR_SUCCESS when it ended, NMERR_TIMEOUT when it did not. */
DWORD WINAPI NmShimWaitExpert(HNMEXPERT expert, DWORD timeout_ms);
/* Cooperative stop; waits up to grace_ms, then the outcome is TERMINATED or HUNG.
 * grace_ms 0 only requests the stop (returns NMERR_TIMEOUT while Run still runs): wait
 * with NmShimWaitExpert, and NmShimGetResult says HUNG until Run returns, TERMINATED
 * after. A host stopping several experts requests them all first. */
DWORD WINAPI NmShimStopExpert(HNMEXPERT expert, DWORD grace_ms);
/* Status of a running expert (for progress displays). */
DWORD WINAPI NmShimGetStatus(HNMEXPERT expert, EXPERTSTATUS *status);
DWORD WINAPI NmShimGetResult(HNMEXPERT expert, NMSHIM_RESULT *result);
/* The index-th event the expert submitted; the host's deep copy, valid until unload. */
DWORD WINAPI NmShimGetEvent(HNMEXPERT expert, DWORD index, const NMEVENTDATA **event);
/* Unloads the DLL and frees everything (a hung expert's DLL stays mapped; so does one
 * whose own threads still run). DllMain's detach runs under the entry timeout too. */
DWORD WINAPI NmShimUnloadExpert(HNMEXPERT expert);
/* Timeout of the entry points the host calls synchronously: DllMain (in
 * NmShimLoadExpert and NmShimUnloadExpert), Register and Configure. Each runs on a
 * thread of its own; after timeout_ms it is asked to stop (Configure's key answers
 * NMERR_EXPERT_TERMINATE), and when it has not returned grace_ms later the outcome is
 * NMSHIM_HUNG and the call returns NMERR_TIMEOUT, its thread left running. One that
 * returns within the grace period is NMSHIM_TERMINATED. timeout_ms 0 or INFINITE (the
 * default): no timeout. Process-wide; Run's timeout is the host's (NmShimStopExpert). */
DWORD WINAPI NmShimSetTimeouts(DWORD timeout_ms, DWORD grace_ms);

/* Name of an exception code ("EXCEPTION_ACCESS_VIOLATION"), or NULL when unknown. */
LPCSTR WINAPI NmShimExceptionName(DWORD code);

/* ---- parser engine, host side (shim/frames.c, shim/filterapi.c) ----
 * Frame n of the capture with its properties attached, as ExpertGetFrame with
 * FLAGS_ATTACH_PROPERTIES gives it: the descriptor and everything it points to stay valid
 * until the next NmShimParseFrame call (one host-wide table). NMERR_FRAME_NOT_FOUND past
 * the end. A NULL capture lets go of the host's frame (call it before closing the capture). */
DWORD WINAPI NmShimParseFrame(HNMCAPTURE capture, DWORD frame, LPEXPERTFRAMEDESCRIPTOR desc);
/* The user's display filter, applied to experts that pass FLAGS_DEFER_TO_UI_FILTER: a copy
 * of filter (the caller keeps its handle); NULL removes it. Set it before starting experts. */
DWORD WINAPI NmShimSetDisplayFilter(HFILTER filter);

/* ---- fault injection and tracing (nmhost --fail-alloc ..., --trace; issue 14 §2, §4) ---- */
/* What fault injection (NMSHIM_RUN_PARAMS.fail_alloc, .fail_alloc_every,
 * .stop_at_frame) did to an expert since it was loaded: Configure's and Run's instances
 * added up. A Configure or Run still running (or hung) is not counted yet. */
typedef struct NMSHIM_INJECTED {
    ULONGLONG alloc_calls;      /* ExpertAlloc/ReallocMemory calls counted toward them */
    ULONGLONG alloc_failures;   /* of which failed on purpose (not in NMSHIM_MEMSTATS.failed) */
    BOOL      stop_injected;    /* the stop arrived: Run asked for frame stop_frame */
    DWORD     stop_frame;
} NMSHIM_INJECTED;
DWORD WINAPI NmShimGetInjected(HNMEXPERT expert, NMSHIM_INJECTED *injected);

/* Tracing (what NMAPI_TRACE, read when nmapi.dll loads, sets; nmhost --trace): level
 * NMSHIM_TRACE_ERRORS (our own bugs only), NMSHIM_TRACE_WARN (also bad input from
 * experts, each warning naming the rule), NMSHIM_TRACE_ALL (every API call with its
 * arguments and results). path NULL: stderr (a file set before is closed); else the
 * trace goes to that file, created or truncated, or appended to with
 * NMSHIM_TRACE_APPEND; opened once, each line written whole with one append-mode write
 * (lines of several threads, or processes appending to the same file, never mix).
 * A file that cannot be opened: NMERR_FILE_WRITE_ERROR, NMERR_PATH_NOT_FOUND or
 * NMERR_ACCESS_DENIED (GetLastError has the Win32 error), and nothing changes. */
#define NMSHIM_TRACE_ERRORS 0
#define NMSHIM_TRACE_WARN   1
#define NMSHIM_TRACE_ALL    2
#define NMSHIM_TRACE_APPEND 0x1
DWORD WINAPI NmShimSetTrace(DWORD level, LPCSTR path, DWORD flags);
/* ---- plug-in parser DLLs (shim/plugin.c, shim/handoff.c; README "Loading parsers") ----
 * Load them before any expert runs. A legacy parser DLL (DllMain: CreateProtocol;
 * ParserAutoInstallInfo; the ENTRYPOINTS) joins the built-in parsers; its hand-off
 * entries (pWhoHandsOffToMe naming TCP_HandoffSet / UDP_HandoffSet) and the sections of
 * an INI file beside it (FOO.dll -> FOO.ini) wire it to TCP and UDP ports. Every entry
 * point runs under the fault guard; a parser that faults or answers garbage is disabled
 * for the rest of the run. err receives one line on failure. */
#define NMSHIM_PARSER_OK       0
#define NMSHIM_PARSER_DISABLED 1
typedef struct NMSHIM_PARSER_INFO {
    char         dll[MAX_PATH];     /* full path */
    char         protocols[256];    /* the protocols its DllMain created, comma-separated */
    DWORD        nprotocols;
    DWORD        state;             /* NMSHIM_PARSER_OK or NMSHIM_PARSER_DISABLED */
    char         why[96];           /* disabled: "fault in AttachProperties", "an offset
                                     * outside the frame in RecognizeFrame", ... */
    char         entry[24];         /* disabled: the entry point ("DllMain", "Register",
                                     * "ParserAutoInstallInfo", "RecognizeFrame",
                                     * "AttachProperties", ...) */
    NMSHIM_FAULT fault;             /* code != 0: the fault that disabled it (its entry
                                     * member is left empty: see entry) */
    DWORD        disabled_frame;    /* frame number (0-based) it was disabled at; ~0:
                                     * while loading */
    DWORD        frames_affected;   /* frames it faulted on or was skipped in, disabled */
    char         warnings[256];     /* what ParserAutoInstallInfo said that was ignored */
} NMSHIM_PARSER_INFO;

/* Loads a parser DLL: the INI beside it (if any), DllMain, ParserAutoInstallInfo,
 * Register. NMERR_FILE_NOT_FOUND, NMERR_INVALID_FILE_FORMAT (bad INI, not loadable),
 * NMERR_SUCCESS (also when it loaded but got disabled: NmShimGetParserInfo says). */
DWORD WINAPI NmShimLoadParser(LPCSTR path, LPSTR err, DWORD errlen);
/* The index-th loaded parser (load order); NMERR_INVALID_PARAMETER past the last. */
DWORD WINAPI NmShimGetParserInfo(DWORD index, NMSHIM_PARSER_INFO *info);
/* Adds the hand-off sets (every [*_HandoffSet] section) of an INI file:
 * "value = PROTOCOL[, instance data]" lines, values decimal or 0x-hex.
 * NMERR_INVALID_FILE_FORMAT with "FILE line N: ..." in err for a bad one. */
DWORD WINAPI NmShimLoadHandoffIni(LPCSTR path, LPSTR err, DWORD errlen);
/* The bound on one call of a parser's entry point (RecognizeFrame, AttachProperties,
 * FormatProperties, Register, Deregister, ParserAutoInstallInfo; not DllMain): a call
 * still running after ms milliseconds, while its thread runs the parser DLL's own code, is
 * stopped by a watchdog thread, and the parser is disabled for the rest of the run (why:
 * "loops: no return from RecognizeFrame in 2000 ms"; fault.code NMSHIM_PARSER_TIMEOUT,
 * at the instruction where it was stopped). One blocked in a wait (a system DLL) is not
 * stopped. Default NMSHIM_PARSER_TIMEOUT_DEFAULT_MS; 0: no bound. Any time; applies from
 * the next watchdog tick. Always NMERR_SUCCESS. */
#define NMSHIM_PARSER_TIMEOUT            0xE04E4D01
#define NMSHIM_PARSER_TIMEOUT_DEFAULT_MS 2000
DWORD WINAPI NmShimSetParserTimeout(DWORD ms);
/* ---- status history of a Run (shim/events.c) ------------------------------------
 * nmapi keeps, in host memory, the ExpertIndicateStatus calls of each Run that changed
 * something. The rule: a call is kept when it is the Run's first, or when, after the
 * call is applied as for NmShimGetStatus (a percent outside 0-99 and a NULL text keep the
 * old ones), its state, substatus or text differs from the last kept entry's, or its
 * percent is in another 10 % step (PercentDone / 10: 0-9, 10-19, ..., 90-99). A call
 * that changes nothing of that costs one compare. The text is the same bounded copy as
 * the last status (EXPERTSTRINGLENGTH - 1 characters).
 * Bounded: the first NMSHIM_HISTORY_HEAD kept entries stay, then the last
 * NMSHIM_HISTORY_TAIL (a ring); entries pushed out of the ring are dropped and counted,
 * and the entry right after the gap says how many (dropped_before). Two more entries may
 * follow the kept ones: the Run's last call when the rule did not keep it
 * (NMSHIM_STATUS_LAST), and, once Run has ended, the status the host set with the
 * outcome (NMSHIM_STATUS_FINAL: done at 100 %, aborted or problem). */
#define NMSHIM_HISTORY_HEAD 32
#define NMSHIM_HISTORY_TAIL 32
#define NMSHIM_HISTORY_MAX  (NMSHIM_HISTORY_HEAD + NMSHIM_HISTORY_TAIL + 2)

#define NMSHIM_STATUS_CHANGE 0  /* a call the rule kept */
#define NMSHIM_STATUS_LAST   1  /* the Run's last call, not kept by the rule */
#define NMSHIM_STATUS_FINAL  2  /* no call: the status the host set when Run ended */

typedef struct NMSHIM_STATUS_ENTRY {
    DWORD        kind;          /* NMSHIM_STATUS_* */
    DWORD        ms;            /* milliseconds since Run started (GetTickCount); FINAL:
                                 * NMSHIM_RESULT.elapsed_ms */
    DWORD        call;          /* 1-based number of the ExpertIndicateStatus call; FINAL:
                                 * the number of calls in the Run */
    DWORD        dropped_before;/* entries dropped between the previous entry and this one */
    EXPERTSTATUS status;        /* Status, SubStatus, PercentDone, szStatusText as kept; Frame:
                                 * the frame ExpertGetFrame last gave at that time */
} NMSHIM_STATUS_ENTRY;

/* The index-th entry of the status history of the expert's Run in progress or its last
 * one (oldest first): NMERR_OUT_OF_RANGE past the end (at index 0 when it never ran), so
 * a host reads from 0 until then; at most NMSHIM_HISTORY_MAX entries. While Run runs the
 * ring may turn between two calls: read it after NmShimWaitExpert. On error *entry is
 * zeroed. */
DWORD WINAPI NmShimGetStatusHistory(HNMEXPERT expert, DWORD index, NMSHIM_STATUS_ENTRY *entry);
/* How many entries NmShimGetStatusHistory has now (count) and how many the bound dropped
 * (dropped: the sum of dropped_before); either may be NULL. */
DWORD WINAPI NmShimGetStatusHistoryCount(HNMEXPERT expert, DWORD *count, DWORD *dropped);

#ifdef __cplusplus
}
#endif

#endif /* NMSHIM_H */
