/*
 * expert.c - the expert lifecycle, in Network Monitor's role: load the DLL (DllMain),
 * Register, Configure (headless, its own key), Run (its own key, on a host-created
 * thread), cooperative stop, and the host's copies of status, events and config.
 *
 * Every call into expert code runs under nm_guard_call, on a host thread of its own
 * (never the caller's), under a timeout; what would end the process or the thread is
 * turned into a fault by hooks.c, and so is a fault on a thread the expert created.
 * A fault ends the instance: its heap goes in one HeapDestroy (the documented promise,
 * docs/expert-api.md §7) and the host carries on. The guard knows nothing about heaps; this
 * file decides, and the outcome has one writer (the state machine below).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "nmapi_private.h"
#include "expert.h"
#include "handles.h"
#include "guard.h"
#include "hooks.h"

#define MAX_EVENTS      100000      /* per run; later ones are refused */
#define MAX_EVENT_TEXT  16384       /* characters kept of one expert string */
#define WORKER_GRACE_MS 2000        /* after Run returned, for its threads to end */

/* One call of an entry point on a host thread of its own (call_thread). */
struct nm_call {
    struct nm_expert *expert;
    const char *entry;          /* "DllMain", "Register", "Configure", "Run" */
    nm_guard_fn fn;
    void *ctx;
    HEXPERTKEY key;             /* stopped at the timeout; 0 for DllMain / Register */
    struct nm_role role;        /* the thread's role while fn runs (hooks.c) */
    void (*done)(struct nm_call *);     /* Run: end the instance, decide (on the thread) */
    HANDLE thread;
    volatile LONG returned;     /* the guard came back: the thread did not just vanish */
    volatile LONG finished;     /* done() ran, or the host finished for a vanished thread */
    int faulted;
    struct nm_fault_record rec;
};

struct nm_expert {
    char path[MAX_PATH];        /* full path of the file the user named */
    HMODULE module;
    PEXPERTREGISTERPROC reg;
    PEXPERTCONFIGPROC conf;
    PEXPERTRUNPROC run;
    EXPERTENUMINFO info;
    BYTE *config;               /* the stored EXPERTCONFIG (host memory), or NULL */
    DWORD config_len;
    /* lock: result (written only through the outcome functions below), workers */
    CRITICAL_SECTION lock;
    NMSHIM_RESULT result;
    struct nm_run *active;      /* the Run in progress, or the last one */
    struct nm_call *call;       /* Run's call, or an entry point left hung */
    BOOL registered;            /* loaded, and Register returned TRUE in time */
    BOOL stop_requested;
    HANDLE *workers;            /* threads the expert created (hooks.c), duplicated */
    DWORD nworkers, capworkers;
    NMSHIM_INJECTED injected;   /* fault injection, since the load (lock) */
};

/* Entry-point timeouts (NmShimSetTimeouts); Run's are the host's (nm_expert_stop). */
static DWORD entry_timeout_ms = INFINITE, entry_grace_ms = 2000;
/* A DllMain left running holds the loader lock: nothing can be loaded, unloaded or
 * started in this process any more (README "Lifecycle"; --isolate runs it apart). */
static volatile LONG loader_blocked;

/* ---- helpers ------------------------------------------------------------------------ */

static void vset_message(NMSHIM_RESULT *r, const char *fmt, va_list ap)
{
    vsnprintf(r->message, sizeof(r->message), fmt, ap);
}

static void set_message(NMSHIM_RESULT *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_message(NMSHIM_RESULT *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vset_message(r, fmt, ap);
    va_end(ap);
}

static void format(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void format(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, len, fmt, ap);
    va_end(ap);
}

/* Turns the guard's record into the report's fault description. */
static void describe_fault(NMSHIM_FAULT *f, const struct nm_fault_record *rec, const char *entry)
{
    nm_guard_describe(f, rec, rec->code == NM_EXIT_EXCEPTION && rec->nparams >= 1
                      ? nm_hooks_exit_name(rec->params[0]) : NULL, entry);
}

/* ---- the outcome: one state machine, written only here --------------------------------
 *
 *   PENDING    -> anything          (the entry point in progress ended somehow)
 *   HUNG       -> TERMINATED, DONE, FAILED, FAULT   (it returned after all)
 *   DONE, TERMINATED, FAILED -> FAULT   (a thread the expert created faulted afterwards)
 *   FAULT, LOAD_ERROR: final; the first fault is the one reported
 *   any        -> PENDING only through outcome_reset (a new Run)
 *
 * Every write holds e->lock, so the host thread (stop: HUNG), the entry point's thread
 * (its end) and the expert's workers (a fault) cannot overwrite one another's decision.
 * The status shown with the result follows the outcome (outcome_status). */
static BOOL outcome_allowed(NMSHIM_OUTCOME from, NMSHIM_OUTCOME to)
{
    switch (from) {
    case NMSHIM_PENDING:    return TRUE;
    case NMSHIM_HUNG:       return to != NMSHIM_PENDING && to != NMSHIM_LOAD_ERROR && to != NMSHIM_HUNG;
    case NMSHIM_DONE:
    case NMSHIM_TERMINATED:
    case NMSHIM_FAILED:     return to == NMSHIM_FAULT_OUTCOME;
    default:                return FALSE;
    }
}

static void outcome_status(NMSHIM_RESULT *r)
{
    switch (r->outcome) {
    case NMSHIM_DONE:
        /* "When the expert successfully completes ..., the system sets the percentage
         * to 100" (D:expertindicatestatus). */
        r->status.Status = EXPERTSTATUS_DONE;
        r->status.PercentDone = 100;
        break;
    case NMSHIM_TERMINATED:
        r->status.Status = EXPERTSTATUS_ABORTED;
        r->status.SubStatus |= EXPERTSUBSTATUS_ABORTED_USER;
        break;
    case NMSHIM_FAILED:
    case NMSHIM_FAULT_OUTCOME:
        r->status.Status = EXPERTSTATUS_PROBLEM;
        break;
    default:
        break;
    }
}

/* Caller holds e->lock. */
static BOOL outcome_set_locked(struct nm_expert *e, NMSHIM_OUTCOME to, const char *fmt, va_list ap)
{
    if (!outcome_allowed(e->result.outcome, to)) return FALSE;
    e->result.outcome = to;
    if (fmt) vset_message(&e->result, fmt, ap);
    else e->result.message[0] = 0;
    outcome_status(&e->result);
    return TRUE;
}

static BOOL outcome_set(struct nm_expert *e, NMSHIM_OUTCOME to, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static BOOL outcome_set(struct nm_expert *e, NMSHIM_OUTCOME to, const char *fmt, ...)
{
    va_list ap;
    BOOL ok;

    EnterCriticalSection(&e->lock);
    va_start(ap, fmt);
    ok = outcome_set_locked(e, to, fmt, ap);
    va_end(ap);
    LeaveCriticalSection(&e->lock);
    if (ok && to != NMSHIM_DONE && to != NMSHIM_PENDING) WARN("%s: %s\n", e->path, e->result.message);
    return ok;
}

static void outcome_reset(struct nm_expert *e)
{
    EnterCriticalSection(&e->lock);
    memset(&e->result, 0, sizeof(e->result));
    e->result.outcome = NMSHIM_PENDING;
    LeaveCriticalSection(&e->lock);
}

/* A fault of entry (or of a thread the expert created in it: worker). module: where,
 * when it was looked up at the time (DllMain: the DLL is unloaded by now), else NULL. */
static void outcome_fault_at(struct nm_expert *e, const struct nm_fault_record *rec,
                             const char *entry, BOOL worker, const char *note,
                             const char *module, ULONG_PTR offset)
{
    NMSHIM_FAULT f;
    char where[64], what[200];

    describe_fault(&f, rec, entry);
    if (module) {
        lstrcpynA(f.module, module, sizeof(f.module));
        f.offset = offset;
    }
    if (rec->code == NM_EXIT_EXCEPTION) {
        /* Not an exception of the expert's: say what it called, and from where. */
        format(what, sizeof(what), "%s (code %Iu) from %s+0x%Ix", f.name,
               rec->nparams >= 2 ? rec->params[1] : 0, f.module[0] ? f.module : "?", f.offset);
    } else if (rec->caller && rec->caller != rec->address) {
        nm_guard_module_of(rec->address, where, sizeof(where), NULL);
        format(what, sizeof(what), "%s in %s, called from %s+0x%Ix", f.name, where,
                 f.module, f.offset);
    } else {
        format(what, sizeof(what), "%s at %s+0x%Ix", f.name, f.module[0] ? f.module : "?",
                 f.offset);
    }
    EnterCriticalSection(&e->lock);
    if (outcome_allowed(e->result.outcome, NMSHIM_FAULT_OUTCOME)) {
        e->result.fault = f;
        e->result.outcome = NMSHIM_FAULT_OUTCOME;
        if (worker)
            set_message(&e->result, "a thread it created in %s faulted: %s%s%s", entry, what,
                        note ? "; " : "", note ? note : "");
        else
            set_message(&e->result, "%s faulted: %s%s%s", entry, what, note ? "; " : "",
                        note ? note : "");
        outcome_status(&e->result);
        WARN("%s: %s\n", e->path, e->result.message);
    }
    LeaveCriticalSection(&e->lock);
}

static void outcome_fault(struct nm_expert *e, const struct nm_fault_record *rec,
                          const char *entry, BOOL worker, const char *note)
{
    outcome_fault_at(e, rec, entry, worker, note, NULL, 0);
}

/* ---- fault injection (issue 14 §2; NMSHIM_RUN_PARAMS.fail_alloc ...) --------------------
 * The allocation counter is the instance's (instance.c "fault injection"): each key,
 * Configure's and Run's, counts its own calls, and what it injected is added to the
 * expert's total when the key ends. The frame stop is Run's only (a stop request is a
 * Run notion: nm_expert_stop): nm_run_frame_stop below. */
static void injected_add(struct nm_expert *e, const struct nm_injected *inj)
{
    EnterCriticalSection(&e->lock);
    e->injected.alloc_calls += inj->calls;
    e->injected.alloc_failures += inj->failures;
    LeaveCriticalSection(&e->lock);
}

/* Ends a key of e, adding what was injected into it to e's total. */
static DWORD key_end(struct nm_expert *e, HEXPERTKEY key, NMSHIM_MEMSTATS *stats)
{
    struct nm_injected inj = { 0, 0 };
    DWORD err = nm_instance_end_injected(key, stats, &inj);

    injected_add(e, &inj);
    return err;
}

/* The call that would hand frame n to the expert: with --stop-at-frame n, the stop
 * request arrives now (the key answers NMERR_EXPERT_TERMINATE from this call on, as
 * after NmShimStopExpert), so the expert's terminate path runs at a known point. Once:
 * a stopped key never gets this far again. Caller holds the instance lock;
 * nm_instance_stop takes none. */
DWORD nm_run_frame_stop_slow(struct nm_run *r, DWORD n)
{
    if (n != r->params.stop_at_frame) return NMERR_SUCCESS;
    r->stop_frame = n;
    if (InterlockedCompareExchange(&r->stop_injected, 1, 0)) return NMERR_SUCCESS;
    nm_instance_stop(r->key);
    TRACE("key %p: stop injected at frame %lu (--stop-at-frame)\n", r->key, n);
    return NMERR_EXPERT_TERMINATE;
}

DWORD nm_expert_injected(const struct nm_expert *e, NMSHIM_INJECTED *out)
{
    struct nm_expert *me = (struct nm_expert *)e;

    EnterCriticalSection(&me->lock);
    *out = e->injected;
    LeaveCriticalSection(&me->lock);
    return NMERR_SUCCESS;
}

/* ---- runs: the host context of one key (frames, status, events) ---------------------- */

static struct nm_run *run_new(struct nm_expert *e, const NMSHIM_RUN_PARAMS *params)
{
    struct nm_run *r = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*r));

    if (!r) return NULL;
    r->expert = e;
    InitializeSRWLock(&r->events_lock);
    if (params) {
        r->params = *params;
        if (params->capture && nm_capfile_attach(params->capture, r)) {
            HeapFree(GetProcessHeap(), 0, r);
            return NULL;
        }
    }
    r->startup.Flags = params ? params->startup_flags : 0;
    r->startup.hCapture = params ? nm_handles_capture(params->capture) : NULL;   /* handles.h */
    r->startup.dwFrameNumber = params ? params->frame_number : 0;
    if (params) {                       /* a right click's startup data (nmhost --startup-*) */
        r->startup.hProtocol = params->startup_protocol;
        r->startup.lpPropertyInst = params->startup_property;
        r->startup.sBitfield.BitNumber = params->startup_bit;
    }
    if (params && params->capture) nm_capfile_name(params->capture, r->startup.szCaptureFile,
                                                   sizeof(r->startup.szCaptureFile));
    r->status.Status = EXPERTSTATUS_STARTING;
    return r;
}

static void run_free(struct nm_run *r)
{
    DWORD i;

    if (!r) return;
    nm_capfile_detach(r);
    nm_run_history_free(r);
    for (i = 0; i < r->nevents; i++) HeapFree(GetProcessHeap(), 0, r->events[i]);
    HeapFree(GetProcessHeap(), 0, r->events);
    HeapFree(GetProcessHeap(), 0, r);
}

/* ---- entry points on host threads ------------------------------------------------------
 * Every entry point (DllMain inside LoadLibrary, Register, Configure, Run, and DllMain at
 * unload) runs on a thread of its own, never the host's: under the guard, with a role
 * the hooks read (hooks.h), and under the same timeout and stop rules as Run. */

static DWORD WINAPI call_thread(void *arg)
{
    struct nm_call *c = arg;

    c->role.expert = c->expert;
    c->role.entry = c->entry;
    nm_role_set(&c->role);
    c->faulted = nm_guard_call(c->fn, c->ctx, &c->rec) != NM_GUARD_OK;
    c->role.loading = FALSE;
    nm_role_set(NULL);
    InterlockedExchange(&c->returned, 1);
    if (c->done && !InterlockedExchange(&c->finished, 1)) c->done(c);
    return 0;
}

/* The thread ended but the guard never came back: ExitThread (or TerminateThread) by a
 * path the hooks did not see. Recorded like a fault, attributed to the entry point. */
static void call_vanished(struct nm_call *c)
{
    DWORD code;

    memset(&c->rec, 0, sizeof(c->rec));
    c->rec.code = NM_EXIT_EXCEPTION;
    c->rec.nparams = 2;
    c->rec.params[0] = NM_EXIT_THREAD_ENDED;
    c->rec.params[1] = 0;
    if (GetExitCodeThread(c->thread, &code)) c->rec.params[1] = code;
    c->faulted = 1;
}

static struct nm_call *call_new(struct nm_expert *e, const char *entry, nm_guard_fn fn, void *ctx)
{
    struct nm_call *c = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*c));
    if (!c) return NULL;
    c->expert = e;
    c->entry = entry;
    c->fn = fn;
    c->ctx = ctx;
    return c;
}

/* Runs c to its end under the entry timeout. NMERR_SUCCESS: it ended (c->faulted says
 * how) and c is the caller's to free; NMERR_TIMEOUT: it was asked to stop (its key) and
 * is still running after the grace period: it is left running, c and whatever it uses
 * stay allocated, and e->call keeps it. */
static DWORD call_sync(struct nm_expert *e, struct nm_call *c, BOOL *late)
{
    DWORD w;

    *late = FALSE;
    if (!(c->thread = CreateThread(NULL, 0, call_thread, c, 0, NULL))) return NMERR_OUT_OF_MEMORY;
    w = WaitForSingleObject(c->thread, entry_timeout_ms);
    if (w == WAIT_TIMEOUT) {
        *late = TRUE;
        if (c->key) nm_instance_stop(c->key);
        if (WaitForSingleObject(c->thread, entry_grace_ms) == WAIT_TIMEOUT) {
            e->call = c;
            return NMERR_TIMEOUT;
        }
    }
    if (!c->returned) call_vanished(c);
    CloseHandle(c->thread);
    c->thread = NULL;
    return NMERR_SUCCESS;
}

/* ---- load and Register ---------------------------------------------------------------- */

struct load_ctx { const char *path; HMODULE module; DWORD error; };

static void load_fn(void *arg)
{
    struct load_ctx *c = arg;
    /* A full path: the loader takes exactly that file (no search), and its folder is
     * searched first for the expert's own DLLs. */
    c->module = LoadLibraryExA(c->path, NULL, LOAD_WITH_ALTERED_SEARCH_PATH);
    c->error = c->module ? 0 : GetLastError();
}

/* Exact names first, then the i686 stdcall spellings of an expert built without a
 * .def file (docs/expert-api.md §5). */
static FARPROC resolve(HMODULE m, const char *name, int argbytes)
{
    char alt[64];
    FARPROC p = GetProcAddress(m, name);

    if (p) return p;
    snprintf(alt, sizeof(alt), "_%s@%d", name, argbytes);
    if ((p = GetProcAddress(m, alt))) return p;
    return GetProcAddress(m, alt + 1);
}

struct register_ctx { PEXPERTREGISTERPROC fn; EXPERTENUMINFO *info; BOOL ret; };

static void register_fn(void *arg)
{
    struct register_ctx *c = arg;
    c->ret = c->fn(c->info);
}

/* hooks.c: the modules patched for e are its own DLL and those in its folder. */
BOOL nm_expert_owns_path(const struct nm_expert *e, const WCHAR *path)
{
    WCHAR mine[MAX_PATH];
    const WCHAR *p = path, *slash;
    size_t dir;

    if (!MultiByteToWideChar(CP_ACP, 0, e->path, -1, mine, MAX_PATH)) return FALSE;
    if (!wcsncmp(p, L"\\??\\", 4)) p += 4;
    if (!(slash = wcsrchr(mine, L'\\'))) return FALSE;
    dir = (size_t)(slash - mine) + 1;
    return !_wcsnicmp(p, mine, dir) && !wcschr(p + dir, L'\\');
}

/* Says why a load failed. The loader catches an exception in DllMain and fails the load
 * with the exception's status turned into a Win32 error (ERROR_NOACCESS for an access
 * violation); a DllMain returning FALSE gives ERROR_DLL_INIT_FAILED. hooks.c noted the
 * last exception on the loading thread: when it explains the error, it is a fault. */
static void load_failed(struct nm_expert *e, struct nm_call *c, const struct load_ctx *lc)
{
    const struct nm_role *role = &c->role;
    ULONG (WINAPI *to_dos)(LONG) = (void *)GetProcAddress(GetModuleHandleA("ntdll.dll"),
                                                          "RtlNtStatusToDosError");

    e->result.error = lc->error;
    if (role->load_faulted && ((to_dos && to_dos((LONG)role->load_rec.code) == lc->error)
                               || lc->error != ERROR_DLL_INIT_FAILED)) {
        outcome_fault_at(e, &role->load_rec, "DllMain", FALSE, role->note[0] ? role->note : NULL,
                         role->load_module, role->load_offset);
    } else if (lc->error == ERROR_DLL_INIT_FAILED) {
        outcome_set(e, NMSHIM_FAILED, "DllMain returned FALSE (error %lu)", lc->error);
    } else {
        outcome_set(e, NMSHIM_LOAD_ERROR,
                    "LoadLibrary failed (error %lu): not a loadable DLL for this arch?", lc->error);
    }
}

static DWORD hung_entry(struct nm_expert *e, const char *entry)
{
    outcome_set(e, NMSHIM_HUNG, "%s did not return within the timeout nor %lu ms after the "
                "stop request; its thread is left running", entry, entry_grace_ms);
    return NMERR_TIMEOUT;
}

DWORD nm_expert_load(const char *path, struct nm_expert **out)
{
    struct nm_expert *e;
    struct load_ctx lc;
    struct register_ctx rc;
    struct nm_call *c;
    EXPERTENUMINFO info;
    char loaded[MAX_PATH], *base;
    DWORD attrs, n, err;
    BOOL late;

    *out = NULL;
    if (!(e = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*e)))) return NMERR_OUT_OF_MEMORY;
    *out = e;
    InitializeCriticalSection(&e->lock);
    e->result.outcome = NMSHIM_PENDING;
    n = GetFullPathNameA(path, sizeof(e->path), e->path, NULL);
    if (!n || n >= sizeof(e->path)) lstrcpynA(e->path, path, sizeof(e->path));
    base = strrchr(e->path, '\\');
    if (!base) base = strrchr(e->path, '/');
    lstrcpynA(e->info.szName, base ? base + 1 : e->path, sizeof(e->info.szName));

    /* Exactly the file the user named (relative to the current folder), not one the
     * loader's search finds first. */
    if (!n || n >= sizeof(e->path) || (attrs = GetFileAttributesA(e->path)) == INVALID_FILE_ATTRIBUTES
        || (attrs & FILE_ATTRIBUTE_DIRECTORY)) {
        e->result.error = !n || n >= sizeof(e->path) ? ERROR_FILENAME_EXCED_RANGE
            : attrs == INVALID_FILE_ATTRIBUTES ? GetLastError() : ERROR_DIRECTORY;
        outcome_set(e, NMSHIM_LOAD_ERROR, "cannot open %s (error %lu)", path, e->result.error);
        return NMERR_LOAD_EXPERT_FAILED;
    }
    if (loader_blocked) {
        outcome_set(e, NMSHIM_FAILED, "not loaded: a hung DllMain holds the loader lock "
                    "(run the experts with --isolate)");
        return NMERR_LOAD_EXPERT_FAILED;
    }
    nm_hooks_init();
    lc.path = e->path;
    lc.module = NULL;
    lc.error = 0;
    if (!(c = call_new(e, "DllMain", load_fn, &lc))) return NMERR_OUT_OF_MEMORY;
    c->role.loading = TRUE;     /* hooks.c: patch before DllMain, note its exceptions */
    if ((err = call_sync(e, c, &late)) == NMERR_TIMEOUT) {
        InterlockedExchange(&loader_blocked, 1);
        return hung_entry(e, "DllMain");
    }
    if (err) {
        HeapFree(GetProcessHeap(), 0, c);
        outcome_set(e, NMSHIM_FAILED, "cannot create a thread for DllMain (error %lu)", GetLastError());
        return NMERR_LOAD_EXPERT_FAILED;
    }
    if (c->faulted) {
        /* The guard itself caught it (the loader let it through), or the thread ended
         * inside the loader: then the loader lock may be lost with it. */
        if (c->rec.code == NM_EXIT_EXCEPTION && c->rec.params[0] == NM_EXIT_THREAD_ENDED)
            InterlockedExchange(&loader_blocked, 1);
        outcome_fault(e, &c->rec, "DllMain", FALSE, NULL);
        HeapFree(GetProcessHeap(), 0, c);
        return NMERR_LOAD_EXPERT_FAILED;
    }
    if (!(e->module = lc.module)) {
        load_failed(e, c, &lc);
        HeapFree(GetProcessHeap(), 0, c);
        return NMERR_LOAD_EXPERT_FAILED;
    }
    HeapFree(GetProcessHeap(), 0, c);
    /* Without the loader notification (or where it comes too early) Register on is
     * still covered. */
    nm_hooks_patch(e->module, e);
    n = GetModuleFileNameA(e->module, loaded, sizeof(loaded));
    if (n && n < sizeof(loaded) && lstrcmpiA(loaded, e->path)) {
        outcome_set(e, NMSHIM_LOAD_ERROR, "asked for %s, the loader gave %s", e->path, loaded);
        return NMERR_LOAD_EXPERT_FAILED;
    }
    e->reg = (PEXPERTREGISTERPROC)(void *)resolve(e->module, EXPERTENTRY_REGISTER, 4);
    e->conf = (PEXPERTCONFIGPROC)(void *)resolve(e->module, EXPERTENTRY_CONFIGURE, 20);
    e->run = (PEXPERTRUNPROC)(void *)resolve(e->module, EXPERTENTRY_RUN, 20);
    if (!e->reg || !e->run) {
        e->result.error = NMERR_LOAD_EXPERT_FAILED;
        outcome_set(e, NMSHIM_LOAD_ERROR, "not an expert: no %s export", e->reg ? "Run" : "Register");
        return NMERR_LOAD_EXPERT_FAILED;
    }

    /* Register gets a zeroed structure whose private members the host fills
     * (docs/expert-api.md §5.2); it works on a copy so a fault leaves e->info sane. The
     * copy is in host memory that outlives a hung Register (the call's). */
    if (!(c = call_new(e, "Register", register_fn, &rc))) return NMERR_OUT_OF_MEMORY;
    memset(&info, 0, sizeof(info));
    GetModuleFileNameA(e->module, info.szDllName, sizeof(info.szDllName));
    info.hExpert = (HEXPERT)e;
    info.hModule = e->module;
    info.pRegisterProc = e->reg;
    info.pConfigProc = e->conf;
    info.pRunProc = e->run;
    {
        /* rc and the structure must outlive a hung Register: both go in one block. */
        struct { struct register_ctx rc; EXPERTENUMINFO info; } *blk =
            HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*blk));
        if (!blk) { HeapFree(GetProcessHeap(), 0, c); return NMERR_OUT_OF_MEMORY; }
        blk->info = info;
        blk->rc.fn = e->reg;
        blk->rc.info = &blk->info;
        c->ctx = &blk->rc;
        if ((err = call_sync(e, c, &late)) == NMERR_TIMEOUT) return hung_entry(e, "Register");
        if (err) {
            HeapFree(GetProcessHeap(), 0, blk);
            HeapFree(GetProcessHeap(), 0, c);
            outcome_set(e, NMSHIM_FAILED, "cannot create a thread for Register");
            return NMERR_EXPERT_REPORT_FAILED;
        }
        rc = blk->rc;
        info = blk->info;
        HeapFree(GetProcessHeap(), 0, blk);
    }
    if (c->faulted) {
        outcome_fault(e, &c->rec, "Register", FALSE, c->role.note[0] ? c->role.note : NULL);
        HeapFree(GetProcessHeap(), 0, c);
        return NMERR_EXPERT_REPORT_FAILED;
    }
    HeapFree(GetProcessHeap(), 0, c);
    info.szName[EXPERTSTRINGLENGTH - 1] = info.szVendor[EXPERTSTRINGLENGTH - 1] = 0;
    info.szDescription[EXPERTSTRINGLENGTH - 1] = 0;
    if (!info.szName[0]) lstrcpynA(info.szName, e->info.szName, sizeof(info.szName));
    e->info = info;
    if (late) {
        outcome_set(e, NMSHIM_TERMINATED, "Register returned only after the stop request");
        return NMERR_EXPERT_REPORT_FAILED;
    }
    if (!rc.ret) {
        outcome_set(e, NMSHIM_FAILED, "Register returned FALSE");
        return NMERR_EXPERT_REPORT_FAILED;
    }
    /* "The Version member ... must be zero": tolerated, as NetMon's own experts may
     * not all have obeyed (docs/expert-api.md §5.2 [INF]). */
    if (info.Version) WARN("%s: Register set Version %lu, expected 0\n", path, info.Version);
    e->registered = TRUE;
    return NMERR_SUCCESS;
}

const EXPERTENUMINFO *nm_expert_info(const struct nm_expert *e)
{
    return &e->info;
}

/* May an entry point be called now? Not while another is running or left hung. */
static BOOL idle(const struct nm_expert *e)
{
    return e->module && e->registered && !loader_blocked &&
        (!e->call || (e->call->done && WaitForSingleObject(e->call->thread, 0) == WAIT_OBJECT_0));
}

/* ---- Configure ------------------------------------------------------------------------- */

struct configure_ctx {
    PEXPERTCONFIGPROC fn;
    HEXPERTKEY key;
    PEXPERTCONFIG config;
    EXPERTSTARTUPINFO *startup;
    DWORD flags;
    BOOL ret;
};

static void configure_fn(void *arg)
{
    struct configure_ctx *c = arg;
    c->ret = c->fn(c->key, &c->config, c->startup, c->flags, NULL);
}

/* Headless Configure on its own key (docs/expert-api.md §5.3), on a thread of its own under
 * the entry timeout: a legacy Configure opening a modal dialog box is stopped and
 * reported HUNG instead of hanging the host. The returned block must be a live block of
 * that key and at least RawConfigLength bytes; it is copied out before the key's heap
 * goes, and the key dies with it ("Do not store the expert key"). */
DWORD nm_expert_configure(struct nm_expert *e, const NMSHIM_RUN_PARAMS *params)
{
    struct configure_ctx *cc;
    struct nm_call *c;
    struct nm_run *r;
    SIZE_T size;
    DWORD err, len;
    BYTE *copy;
    BOOL late;

    if (!e->conf || !idle(e)) return NMERR_INVALID_PARAMETER;
    if (!(r = run_new(e, params))) return NMERR_OUT_OF_MEMORY;
    r->params.stop_at_frame_set = FALSE;    /* Run's only (fault injection above) */
    if ((err = nm_instance_create(params ? params->quota : 0, r, &r->key))) {
        run_free(r);
        return err;
    }
    if (params) nm_instance_inject(r->key, params->fail_alloc, params->fail_alloc_every);
    /* ctx and call in host memory that outlives a hung Configure */
    if (!(cc = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*cc)))
        || !(c = call_new(e, "Configure", configure_fn, cc))) {
        HeapFree(GetProcessHeap(), 0, cc);
        nm_instance_end(r->key, NULL);
        run_free(r);
        return NMERR_OUT_OF_MEMORY;
    }
    cc->fn = e->conf;
    cc->key = c->key = r->key;
    cc->startup = &r->startup;
    cc->flags = r->startup.Flags;
    if (e->config && (err = nm_instance_copy_in(r->key, e->config, e->config_len, (void **)&cc->config))) {
        nm_instance_end(r->key, NULL);
        run_free(r);
        HeapFree(GetProcessHeap(), 0, cc);
        HeapFree(GetProcessHeap(), 0, c);
        return err;
    }
    if ((err = call_sync(e, c, &late)) == NMERR_TIMEOUT) {
        /* r, its key and heap, cc and c stay: the thread still uses them. */
        return hung_entry(e, "Configure");
    }
    if (err) {
        nm_instance_end(r->key, NULL);
        run_free(r);
        HeapFree(GetProcessHeap(), 0, cc);
        HeapFree(GetProcessHeap(), 0, c);
        return err;
    }
    if (c->faulted) {
        NMSHIM_MEMSTATS mem;
        key_end(e, r->key, &mem);           /* the heap goes at once */
        run_free(r);
        outcome_fault(e, &c->rec, "Configure", FALSE, c->role.note[0] ? c->role.note : NULL);
        EnterCriticalSection(&e->lock);
        e->result.memory = mem;
        LeaveCriticalSection(&e->lock);
        HeapFree(GetProcessHeap(), 0, cc);
        HeapFree(GetProcessHeap(), 0, c);
        return NMERR_INTERNAL_EXCEPTION;
    }
    err = NMERR_SUCCESS;
    if (late) {
        err = NMERR_TIMEOUT;
        outcome_set(e, NMSHIM_TERMINATED, "Configure returned only after the stop request");
    } else if (!cc->ret) {
        /* Not an outcome: the host decides (nmhost: "Configure did not succeed"). */
        err = NMERR_EXPERT_REPORT_FAILED;
        EnterCriticalSection(&e->lock);
        set_message(&e->result, "Configure returned FALSE");
        LeaveCriticalSection(&e->lock);
    } else if (cc->config) {
        const char *why = NULL;
        size = nm_instance_block_size(r->key, cc->config);
        if (size == (SIZE_T)-1 || size < sizeof(DWORD)) {
            err = NMERR_INVALID_PARAMETER;
            why = "Configure returned a config block not allocated with ExpertAllocMemory";
        } else if ((len = cc->config->RawConfigLength) < sizeof(DWORD) || len > size) {
            err = NMERR_INVALID_PARAMETER;
            why = "Configure returned a RawConfigLength larger than its block";
        } else if (!(copy = HeapAlloc(GetProcessHeap(), 0, len))) {
            err = NMERR_OUT_OF_MEMORY;
        } else {
            memcpy(copy, cc->config, len);
            HeapFree(GetProcessHeap(), 0, e->config);
            e->config = copy;
            e->config_len = len;
        }
        if (why) {
            EnterCriticalSection(&e->lock);
            set_message(&e->result, "%s", why);
            LeaveCriticalSection(&e->lock);
            WARN("%s: %s\n", e->path, why);
        }
    }
    /* NULL back from Configure with TRUE means "no configuration" (user pressed Cancel
     * with no stored default): the stored one, if any, stays. */
    key_end(e, r->key, NULL);
    run_free(r);
    HeapFree(GetProcessHeap(), 0, cc);
    HeapFree(GetProcessHeap(), 0, c);
    return err;
}

DWORD nm_expert_get_config(const struct nm_expert *e, void *buf, DWORD len, DWORD *needed)
{
    if (needed) *needed = e->config_len;
    if (!e->config) return NMERR_SUCCESS;
    if (!buf || len < e->config_len) return NMERR_BUFFER_TOO_SMALL;
    memcpy(buf, e->config, e->config_len);
    return NMERR_SUCCESS;
}

DWORD nm_expert_set_config(struct nm_expert *e, const void *config, DWORD len)
{
    BYTE *copy = NULL;

    if (config) {
        if (len < sizeof(DWORD) || *(const DWORD *)config != len) return NMERR_INVALID_PARAMETER;
        if (!(copy = HeapAlloc(GetProcessHeap(), 0, len))) return NMERR_OUT_OF_MEMORY;
        memcpy(copy, config, len);
    }
    HeapFree(GetProcessHeap(), 0, e->config);
    e->config = copy;
    e->config_len = copy ? len : 0;
    return NMERR_SUCCESS;
}

/* ---- the expert's own threads (hooks.c) ------------------------------------------------ */

void nm_expert_worker_started(struct nm_expert *e, HANDLE thread)
{
    HANDLE dup;

    if (!DuplicateHandle(GetCurrentProcess(), thread, GetCurrentProcess(), &dup, SYNCHRONIZE,
                         FALSE, 0)) return;
    EnterCriticalSection(&e->lock);
    if (e->nworkers == e->capworkers) {
        DWORD i, n = 0;
        /* Drop the ended ones first; grow only when they all still run. */
        for (i = 0; i < e->nworkers; i++) {
            if (WaitForSingleObject(e->workers[i], 0) == WAIT_OBJECT_0) CloseHandle(e->workers[i]);
            else e->workers[n++] = e->workers[i];
        }
        e->nworkers = n;
        if (n == e->capworkers) {
            DWORD cap = e->capworkers ? 2 * e->capworkers : 8;
            HANDLE *a = e->workers ? HeapReAlloc(GetProcessHeap(), 0, e->workers, cap * sizeof(*a))
                                   : HeapAlloc(GetProcessHeap(), 0, cap * sizeof(*a));
            if (a) { e->workers = a; e->capworkers = cap; }
        }
    }
    if (e->nworkers < e->capworkers) e->workers[e->nworkers++] = dup;
    else CloseHandle(dup);
    LeaveCriticalSection(&e->lock);
}

/* A fault on a thread the expert created: the expert's fault. A Run still in progress
 * is told to stop (its key answers NMERR_EXPERT_TERMINATE); its heap goes when Run
 * returns, as after any fault. */
void nm_expert_worker_fault(struct nm_expert *e, const struct nm_fault_record *rec, const char *note)
{
    struct nm_role *role = nm_role_get();
    const char *entry = role && role->entry ? role->entry : "Run";

    outcome_fault(e, rec, entry, TRUE, note);
    EnterCriticalSection(&e->lock);
    if (e->call && e->active && !e->call->returned) nm_instance_stop(e->active->key);
    LeaveCriticalSection(&e->lock);
}

/* Threads the expert created that still run (0: none). */
static DWORD workers_running(struct nm_expert *e)
{
    DWORD i, n = 0;

    EnterCriticalSection(&e->lock);
    for (i = 0; i < e->nworkers; i++)
        if (WaitForSingleObject(e->workers[i], 0) != WAIT_OBJECT_0) n++;
    LeaveCriticalSection(&e->lock);
    return n;
}

static void workers_wait(struct nm_expert *e, DWORD ms)
{
    ULONGLONG end = GetTickCount64() + ms;
    DWORD i;

    for (;;) {
        HANDLE h = NULL;
        ULONGLONG now = GetTickCount64();
        EnterCriticalSection(&e->lock);
        for (i = 0; i < e->nworkers && !h; i++)
            if (WaitForSingleObject(e->workers[i], 0) != WAIT_OBJECT_0) h = e->workers[i];
        LeaveCriticalSection(&e->lock);
        /* The handles are only closed at unload, which is not now. */
        if (!h || now >= end) return;
        WaitForSingleObject(h, (DWORD)(end - now));
    }
}

/* ---- Run ---------------------------------------------------------------------------------- */

struct run_ctx { PEXPERTRUNPROC fn; HEXPERTKEY key; PEXPERTCONFIG config;
                 EXPERTSTARTUPINFO *startup; DWORD flags; BOOL ret; DWORD start; };

static void run_fn(void *arg)
{
    struct run_ctx *c = arg;
    c->ret = c->fn(c->key, c->config, c->startup, c->flags, NULL);
}

/* The end of a Run, once: on Run's thread when Run came back (fault or not), else on
 * the host's thread that found the thread gone (run_check). The heap goes now in one
 * HeapDestroy and what is live is the leak; then the expert's threads get
 * WORKER_GRACE_MS to end, so a fault of theirs (touching the heap just destroyed) is
 * in the result; then the outcome is decided. */
static void run_done(struct nm_call *c)
{
    struct nm_expert *e = c->expert;
    struct nm_run *r = e->active;
    struct run_ctx *rc = c->ctx;
    NMSHIM_MEMSTATS mem;
    EXPERTSTATUS status;
    DWORD nevents, elapsed = GetTickCount() - rc->start;
    BOOL stopped = e->stop_requested;   /* before the wait below: Run's end is now */
    BOOL poisoned;

    memset(&mem, 0, sizeof(mem));
    /* NMERR_INTERNAL_EXCEPTION: ended, but a thread of the expert faulted or died holding
     * the instance lock (instance.c "Locks"): whatever Run returned, it is not done. */
    poisoned = key_end(e, r->key, &mem) == NMERR_INTERNAL_EXCEPTION;
    if (r->stop_injected) {
        stopped = TRUE;
        EnterCriticalSection(&e->lock);
        e->injected.stop_injected = TRUE;
        e->injected.stop_frame = r->stop_frame;
        LeaveCriticalSection(&e->lock);
    }
    nm_run_snapshot(r, &status, &nevents);
    if (!c->faulted) workers_wait(e, WORKER_GRACE_MS);
    EnterCriticalSection(&e->lock);
    e->result.elapsed_ms = elapsed;
    e->result.memory = mem;
    e->result.status = status;
    e->result.events = nevents;
    LeaveCriticalSection(&e->lock);
    if (c->faulted)
        outcome_fault(e, &c->rec, "Run", FALSE, c->role.note[0] ? c->role.note : NULL);
    else if (poisoned && !stopped)
        outcome_set(e, NMSHIM_FAILED, "Run returned %s, but %s", rc->ret ? "TRUE" : "FALSE",
                    mem.last_bad_reason);
    else if (stopped && r->stop_injected && !e->stop_requested)
        outcome_set(e, NMSHIM_TERMINATED, "stopped at frame %lu (fault injection: "
                    "--stop-at-frame); Run returned %s", r->stop_frame, rc->ret ? "TRUE" : "FALSE");
    else if (stopped)
        outcome_set(e, NMSHIM_TERMINATED, "stopped on request; Run returned %s", rc->ret ? "TRUE" : "FALSE");
    else if (rc->ret)
        outcome_set(e, NMSHIM_DONE, NULL);
    else
        outcome_set(e, NMSHIM_FAILED, "Run returned FALSE");
    /* Whatever was decided, the status matches it (a worker's fault may have come first). */
    EnterCriticalSection(&e->lock);
    outcome_status(&e->result);
    LeaveCriticalSection(&e->lock);
}

/* Run's thread has ended: did it end through run_done? If not, finish for it. */
static void run_check(struct nm_expert *e)
{
    struct nm_call *c = e->call;

    if (!c || !c->done || WaitForSingleObject(c->thread, 0) != WAIT_OBJECT_0) return;
    if (!c->returned && !InterlockedExchange(&c->finished, 1)) {
        call_vanished(c);
        run_done(c);
    }
}

DWORD nm_expert_start(struct nm_expert *e, const NMSHIM_RUN_PARAMS *params)
{
    struct run_ctx *rc;
    struct nm_call *c;
    struct nm_run *r;
    DWORD err;

    if (!e->run || !e->module || !e->registered) return NMERR_INVALID_PARAMETER;
    run_check(e);
    if (e->call && (!e->call->done || WaitForSingleObject(e->call->thread, 0) != WAIT_OBJECT_0))
        return NMERR_INVALID_PARAMETER;     /* still running, or an entry point left hung */
    if (loader_blocked) {
        outcome_set(e, NMSHIM_FAILED, "not run: a hung DllMain holds the loader lock, so no "
                    "thread can start (run the experts with --isolate)");
        return NMERR_INVALID_PARAMETER;
    }
    if (e->call) {                  /* the last Run's: over */
        EnterCriticalSection(&e->lock);
        c = e->call;
        e->call = NULL;
        LeaveCriticalSection(&e->lock);
        CloseHandle(c->thread);
        HeapFree(GetProcessHeap(), 0, c->ctx);
        HeapFree(GetProcessHeap(), 0, c);
    }
    if (!(r = run_new(e, params))) return NMERR_OUT_OF_MEMORY;
    if ((err = nm_instance_create(params ? params->quota : 0, r, &r->key))) {
        run_free(r);
        return err;
    }
    if (params) nm_instance_inject(r->key, params->fail_alloc, params->fail_alloc_every);
    if (!(rc = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*rc)))
        || !(c = call_new(e, "Run", run_fn, rc))) {
        HeapFree(GetProcessHeap(), 0, rc);
        nm_instance_end(r->key, NULL);
        run_free(r);
        return NMERR_OUT_OF_MEMORY;
    }
    EnterCriticalSection(&e->lock);
    run_free(e->active);
    e->active = r;
    LeaveCriticalSection(&e->lock);
    outcome_reset(e);
    e->stop_requested = FALSE;
    rc->fn = e->run;
    rc->key = c->key = r->key;
    rc->startup = &r->startup;
    rc->flags = r->startup.Flags;
    rc->start = GetTickCount();
    r->start_tick = rc->start;          /* before Run's thread exists: no lock needed */
    if (e->config && nm_instance_copy_in(r->key, e->config, e->config_len, (void **)&rc->config)) {
        rc->config = NULL;
        WARN("%s: no room for the stored config in the Run heap\n", e->path);
    }
    nm_run_set_state(r, EXPERTSTATUS_RUNNING);
    c->done = run_done;
    EnterCriticalSection(&e->lock);
    e->call = c;
    LeaveCriticalSection(&e->lock);
    /* One host-created thread per running expert (docs/design.md "Threads"). */
    if (!(c->thread = CreateThread(NULL, 0, call_thread, c, 0, NULL))) {
        err = GetLastError();
        e->call = NULL;
        nm_instance_end(r->key, NULL);
        HeapFree(GetProcessHeap(), 0, rc);
        HeapFree(GetProcessHeap(), 0, c);
        outcome_set(e, NMSHIM_FAILED, "cannot create the Run thread (error %lu)", err);
        EnterCriticalSection(&e->lock);
        e->result.status.SubStatus = EXPERTSUBSTATUS_ABORTED_THREAD_FAIL;
        LeaveCriticalSection(&e->lock);
        return NMERR_OUT_OF_MEMORY;
    }
    return NMERR_SUCCESS;
}

DWORD nm_expert_wait(struct nm_expert *e, DWORD timeout_ms)
{
    if (!e->call || !e->call->done) return NMERR_SUCCESS;
    if (WaitForSingleObject(e->call->thread, timeout_ms) != WAIT_OBJECT_0) return NMERR_TIMEOUT;
    run_check(e);
    return NMERR_SUCCESS;
}

/* Cooperative stop (docs/design.md "Cancellation"): the key answers NMERR_EXPERT_TERMINATE
 * from now on. An expert still running after the grace period is "hung": its thread is
 * left alone (killing it could leave the loader or heap locks held), its heap stays
 * (the thread still uses it) and its DLL stays mapped; both go with the process. If it
 * returns later after all, the outcome becomes TERMINATED (outcome_allowed). */
DWORD nm_expert_stop(struct nm_expert *e, DWORD grace_ms)
{
    if (!e->call || !e->call->done || !e->active) return NMERR_SUCCESS;
    e->stop_requested = TRUE;
    nm_instance_stop(e->active->key);
    if (nm_expert_wait(e, grace_ms) == NMERR_SUCCESS) return NMERR_SUCCESS;
    outcome_set(e, NMSHIM_HUNG, "ignored the stop request; its thread is still running");
    return NMERR_TIMEOUT;
}

static BOOL run_in_progress(const struct nm_expert *e)
{
    return e->call && e->call->done && !e->call->finished;
}

DWORD nm_expert_status(const struct nm_expert *e, EXPERTSTATUS *status)
{
    struct nm_expert *me = (struct nm_expert *)e;

    run_check(me);
    if (run_in_progress(e) && e->active) {
        nm_run_snapshot(e->active, status, NULL);
        return NMERR_SUCCESS;
    }
    EnterCriticalSection(&me->lock);
    *status = e->result.status;
    LeaveCriticalSection(&me->lock);
    return NMERR_SUCCESS;
}

DWORD nm_expert_result(const struct nm_expert *e, NMSHIM_RESULT *result)
{
    struct nm_expert *me = (struct nm_expert *)e;

    run_check(me);
    EnterCriticalSection(&me->lock);
    *result = e->result;
    /* Still running after the stop: what it has done so far. */
    if (result->outcome == NMSHIM_HUNG && run_in_progress(e) && e->active) {
        nm_run_snapshot(e->active, &result->status, &result->events);
        nm_instance_stats(e->active->key, &result->memory);
    }
    LeaveCriticalSection(&me->lock);
    return NMERR_SUCCESS;
}

struct nm_run *nm_expert_history_run(struct nm_expert *e, EXPERTSTATUS *final,
                                     DWORD *elapsed_ms, BOOL *ended)
{
    struct nm_run *r;

    run_check(e);
    EnterCriticalSection(&e->lock);
    r = e->active;
    *ended = r && !run_in_progress(e) && e->result.outcome != NMSHIM_PENDING
             && e->result.outcome != NMSHIM_HUNG;
    *final = e->result.status;
    *elapsed_ms = e->result.elapsed_ms;
    LeaveCriticalSection(&e->lock);
    return r;
}

DWORD nm_expert_event(const struct nm_expert *e, DWORD index, const NMEVENTDATA **event)
{
    *event = NULL;
    if (!e->active) return NMERR_INVALID_PARAMETER;
    return nm_run_event(e->active, index, event);
}

static void unload_fn(void *arg)
{
    FreeLibrary((HMODULE)arg);
}

void nm_expert_unload(struct nm_expert *e)
{
    struct nm_call *c;
    DWORD i;
    BOOL late;

    if (!e) return;
    run_check(e);
    /* An entry point or a thread of the expert's still running: everything it may still
     * touch stays (see nm_expert_stop), e included; so does a DLL while the loader lock
     * is lost. */
    if ((e->call && (!e->call->done || WaitForSingleObject(e->call->thread, 0) != WAIT_OBJECT_0))
        || workers_running(e) || loader_blocked) {
        WARN("%s: still running at unload; left mapped\n", e->path);
        return;
    }
    if (e->call) {
        CloseHandle(e->call->thread);
        HeapFree(GetProcessHeap(), 0, e->call->ctx);
        HeapFree(GetProcessHeap(), 0, e->call);
        e->call = NULL;
    }
    run_free(e->active);
    if (e->module) {
        /* DllMain(DLL_PROCESS_DETACH) runs in FreeLibrary: on a thread of its own too. */
        nm_hooks_forget(e->module);
        if ((c = call_new(e, "DllMain", unload_fn, e->module))) {
            if (call_sync(e, c, &late) == NMERR_TIMEOUT) {
                WARN("%s: DllMain did not return at unload\n", e->path);
                InterlockedExchange(&loader_blocked, 1);
                return;
            }
            HeapFree(GetProcessHeap(), 0, c);
        }
    }
    for (i = 0; i < e->nworkers; i++) CloseHandle(e->workers[i]);
    HeapFree(GetProcessHeap(), 0, e->workers);
    HeapFree(GetProcessHeap(), 0, e->config);
    DeleteCriticalSection(&e->lock);
    HeapFree(GetProcessHeap(), 0, e);
}

/* NmShimSetTimeouts: DllMain, Register and Configure. */
void nm_expert_set_timeouts(DWORD timeout_ms, DWORD grace_ms)
{
    entry_timeout_ms = timeout_ms ? timeout_ms : INFINITE;
    entry_grace_ms = grace_ms;
}

/* ---- the run's host context, used by frames.c and events.c --------------------------------- */

void nm_run_set_state(struct nm_run *r, EXPERTSTATUSENUMERATION state)
{
    AcquireSRWLockExclusive(&r->events_lock);
    r->status.Status = state;
    ReleaseSRWLockExclusive(&r->events_lock);
}

void nm_run_snapshot(struct nm_run *r, EXPERTSTATUS *status, DWORD *nevents)
{
    AcquireSRWLockShared(&r->events_lock);
    if (status) *status = r->status;
    if (nevents) *nevents = r->nevents;
    ReleaseSRWLockShared(&r->events_lock);
}

void nm_run_status(struct nm_run *r, EXPERTSTATUSENUMERATION state, DWORD substatus,
                   const char *text, LONG percent)
{
    AcquireSRWLockExclusive(&r->events_lock);
    r->status.Status = state;
    r->status.SubStatus = substatus;
    /* "Any number greater than 99 will be ignored" (D:expertindicatestatus). */
    if (percent >= 0 && percent <= 99) r->status.PercentDone = (DWORD)percent;
    if (text) lstrcpynA(r->status.szStatusText, text, EXPERTSTRINGLENGTH);
    nm_run_history_note(r);
    ReleaseSRWLockExclusive(&r->events_lock);
}

DWORD nm_run_add_event(struct nm_run *r, NMEVENTDATA *copy)
{
    DWORD err = NMERR_SUCCESS;

    AcquireSRWLockExclusive(&r->events_lock);
    if (r->nevents >= MAX_EVENTS) {
        err = NMERR_OUT_OF_MEMORY;
    } else {
        if (r->nevents == r->cap) {
            DWORD cap = r->cap ? r->cap * 2 : 16;
            NMEVENTDATA **a = r->events
                ? HeapReAlloc(GetProcessHeap(), 0, r->events, cap * sizeof(*a))
                : HeapAlloc(GetProcessHeap(), 0, cap * sizeof(*a));
            if (!a) err = NMERR_OUT_OF_MEMORY;
            else { r->events = a; r->cap = cap; }
        }
        if (!err) r->events[r->nevents++] = copy;
    }
    ReleaseSRWLockExclusive(&r->events_lock);
    return err;
}

DWORD nm_run_event(struct nm_run *r, DWORD index, const NMEVENTDATA **event)
{
    DWORD err = NMERR_SUCCESS;

    AcquireSRWLockShared(&r->events_lock);
    if (index < r->nevents) *event = r->events[index];
    else err = NMERR_OUT_OF_RANGE;
    ReleaseSRWLockShared(&r->events_lock);
    return err;
}

size_t nm_run_max_text(void)
{
    return MAX_EVENT_TEXT;
}

/* ---- guarded reads of expert memory ------------------------------------------------- */

struct copy_ctx { void *dst; const void *src; size_t len; size_t max; };

static void copy_fn(void *arg)
{
    struct copy_ctx *c = arg;
    memcpy(c->dst, c->src, c->len);
}

static void strnlen_fn(void *arg)
{
    struct copy_ctx *c = arg;
    const char *s = c->src;
    size_t n = 0;
    while (n < c->max && s[n]) n++;
    c->len = n;
}

int nm_safe_copy(void *dst, const void *src, size_t len)
{
    struct copy_ctx c = { dst, src, len, 0 };
    struct nm_fault_record rec;

    if (!src) return -1;
    return nm_guard_call(copy_fn, &c, &rec) == NM_GUARD_OK ? 0 : -1;
}

size_t nm_safe_strnlen(const char *src, size_t max)
{
    struct copy_ctx c = { NULL, src, 0, max };
    struct nm_fault_record rec;

    if (!src) return (size_t)-1;
    return nm_guard_call(strnlen_fn, &c, &rec) == NM_GUARD_OK ? c.len : (size_t)-1;
}
