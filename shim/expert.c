/*
 * expert.c - the expert lifecycle, in Network Monitor's role: load the DLL (DllMain),
 * Register, Configure (headless, its own key), Run (its own key, on a host-created
 * thread), cooperative stop, and the host's copies of status, events and config.
 *
 * Every call into expert code runs under nm_guard_call. A fault ends the instance at
 * once: its heap goes in one HeapDestroy (the documented promise, expert-api.md §7) and
 * the host carries on. The guard knows nothing about heaps; this file decides.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "nmapi_private.h"
#include "expert.h"
#include "guard.h"

#define MAX_EVENTS      100000      /* per run; later ones are refused */
#define MAX_EVENT_TEXT  16384       /* characters kept of one expert string */

struct nm_expert {
    char path[MAX_PATH];
    HMODULE module;
    PEXPERTREGISTERPROC reg;
    PEXPERTCONFIGPROC conf;
    PEXPERTRUNPROC run;
    EXPERTENUMINFO info;
    BYTE *config;               /* the stored EXPERTCONFIG (host memory), or NULL */
    DWORD config_len;
    NMSHIM_RESULT result;
    struct nm_run *active;      /* the Run in progress, or the last one */
    HANDLE thread;              /* Run's thread */
    BOOL stop_requested;
    BOOL hung;
};

/* ---- helpers ------------------------------------------------------------------------ */

static void set_message(NMSHIM_RESULT *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_message(NMSHIM_RESULT *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->message, sizeof(r->message), fmt, ap);
    va_end(ap);
}

/* Turns the guard's record into the report's fault description. */
static void describe_fault(NMSHIM_FAULT *f, const struct nm_fault_record *rec, const char *entry)
{
    const char *name = nm_guard_exception_name(rec->code);
    DWORD i;

    memset(f, 0, sizeof(*f));
    f->code = rec->code;
    f->flags = rec->flags;
    if (name) lstrcpynA(f->name, name, sizeof(f->name));
    else snprintf(f->name, sizeof(f->name), "0x%08lx", rec->code);
    lstrcpynA(f->entry, entry, sizeof(f->entry));
    f->address = rec->address;
    /* Faults inside system DLLs (RaiseException, a CRT function) are reported at the
     * code that called them; address keeps where it really happened. */
    nm_guard_module_of(rec->caller ? rec->caller : rec->address, f->module, sizeof(f->module),
                       &f->offset);
    f->av_access = ~0u;
    if ((rec->code == EXCEPTION_ACCESS_VIOLATION || rec->code == EXCEPTION_IN_PAGE_ERROR)
        && rec->nparams >= 2) {
        f->av_access = (DWORD)rec->params[0];
        f->av_target = rec->params[1];
    }
    f->nparams = rec->nparams;
    for (i = 0; i < rec->nparams && i < 4; i++) f->params[i] = rec->params[i];
}

static void fault_outcome(struct nm_expert *e, const struct nm_fault_record *rec, const char *entry)
{
    describe_fault(&e->result.fault, rec, entry);
    e->result.outcome = NMSHIM_FAULT_OUTCOME;
    if (rec->caller) {
        char where[64];
        nm_guard_module_of(rec->address, where, sizeof(where), NULL);
        set_message(&e->result, "%s faulted: %s in %s, called from %s+0x%Ix", entry,
                    e->result.fault.name, where, e->result.fault.module, e->result.fault.offset);
    } else {
        set_message(&e->result, "%s faulted: %s at %s+0x%Ix", entry, e->result.fault.name,
                    e->result.fault.module[0] ? e->result.fault.module : "?", e->result.fault.offset);
    }
    WARN("%s: %s\n", e->path, e->result.message);
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
    r->startup.hCapture = (HCAPTURE)(params ? params->capture : NULL);
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
    for (i = 0; i < r->nevents; i++) HeapFree(GetProcessHeap(), 0, r->events[i]);
    HeapFree(GetProcessHeap(), 0, r->events);
    HeapFree(GetProcessHeap(), 0, r);
}

/* ---- load and Register ---------------------------------------------------------------- */

struct load_ctx { const char *path; HMODULE module; DWORD error; };

static void load_fn(void *arg)
{
    struct load_ctx *c = arg;
    c->module = LoadLibraryExA(c->path, NULL, LOAD_WITH_ALTERED_SEARCH_PATH);
    c->error = c->module ? 0 : GetLastError();
}

/* Exact names first, then the i686 stdcall spellings of an expert built without a
 * .def file (expert-api.md §5). */
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

DWORD nm_expert_load(const char *path, struct nm_expert **out)
{
    struct nm_expert *e;
    struct load_ctx lc;
    struct register_ctx rc;
    struct nm_fault_record rec;
    EXPERTENUMINFO info;
    char *base;

    *out = NULL;
    if (!(e = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*e)))) return NMERR_OUT_OF_MEMORY;
    *out = e;
    lstrcpynA(e->path, path, sizeof(e->path));
    base = strrchr(e->path, '\\');
    if (!base) base = strrchr(e->path, '/');
    lstrcpynA(e->info.szName, base ? base + 1 : e->path, sizeof(e->info.szName));
    e->result.outcome = NMSHIM_LOAD_ERROR;

    if (GetFileAttributesA(path) == INVALID_FILE_ATTRIBUTES) {
        e->result.error = GetLastError();
        set_message(&e->result, "cannot open %s (error %lu)", path, e->result.error);
        return NMERR_LOAD_EXPERT_FAILED;
    }
    lc.path = path;
    lc.module = NULL;
    lc.error = 0;
    if (nm_guard_call(load_fn, &lc, &rec) != NM_GUARD_OK) {
        fault_outcome(e, &rec, "DllMain");
        return NMERR_LOAD_EXPERT_FAILED;
    }
    if (!(e->module = lc.module)) {
        e->result.error = lc.error;
        /* Wine's loader catches a fault in DllMain itself and fails the load with
         * ERROR_NOACCESS or ERROR_DLL_INIT_FAILED (test_expert_dllmain_crash). */
        if (lc.error == ERROR_DLL_INIT_FAILED || lc.error == ERROR_NOACCESS)
            set_message(&e->result, "DllMain failed or faulted (error %lu)", lc.error);
        else
            set_message(&e->result, "LoadLibrary failed (error %lu): not a loadable DLL for this arch?",
                        lc.error);
        return NMERR_LOAD_EXPERT_FAILED;
    }
    e->reg = (PEXPERTREGISTERPROC)(void *)resolve(e->module, EXPERTENTRY_REGISTER, 4);
    e->conf = (PEXPERTCONFIGPROC)(void *)resolve(e->module, EXPERTENTRY_CONFIGURE, 20);
    e->run = (PEXPERTRUNPROC)(void *)resolve(e->module, EXPERTENTRY_RUN, 20);
    if (!e->reg || !e->run) {
        set_message(&e->result, "not an expert: no %s export", e->reg ? "Run" : "Register");
        e->result.error = NMERR_LOAD_EXPERT_FAILED;
        return NMERR_LOAD_EXPERT_FAILED;
    }

    /* Register gets a zeroed structure whose private members the host fills
     * (expert-api.md §5.2); it works on a copy so a fault leaves e->info sane. */
    memset(&info, 0, sizeof(info));
    GetModuleFileNameA(e->module, info.szDllName, sizeof(info.szDllName));
    info.hExpert = (HEXPERT)e;
    info.hModule = e->module;
    info.pRegisterProc = e->reg;
    info.pConfigProc = e->conf;
    info.pRunProc = e->run;
    rc.fn = e->reg;
    rc.info = &info;
    rc.ret = FALSE;
    if (nm_guard_call(register_fn, &rc, &rec) != NM_GUARD_OK) {
        fault_outcome(e, &rec, "Register");
        return NMERR_EXPERT_REPORT_FAILED;
    }
    info.szName[EXPERTSTRINGLENGTH - 1] = info.szVendor[EXPERTSTRINGLENGTH - 1] = 0;
    info.szDescription[EXPERTSTRINGLENGTH - 1] = 0;
    if (!info.szName[0]) lstrcpynA(info.szName, e->info.szName, sizeof(info.szName));
    e->info = info;
    if (!rc.ret) {
        e->result.outcome = NMSHIM_FAILED;
        set_message(&e->result, "Register returned FALSE");
        return NMERR_EXPERT_REPORT_FAILED;
    }
    /* "The Version member ... must be zero": tolerated, as NetMon's own experts may
     * not all have obeyed (expert-api.md §5.2 [INF]). */
    if (info.Version) WARN("%s: Register set Version %lu, expected 0\n", path, info.Version);
    e->result.outcome = NMSHIM_PENDING;
    e->result.message[0] = 0;
    return NMERR_SUCCESS;
}

const EXPERTENUMINFO *nm_expert_info(const struct nm_expert *e)
{
    return &e->info;
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

/* Headless Configure on its own key (expert-api.md §5.3). The returned block must be a
 * live block of that key and at least RawConfigLength bytes; it is copied out before
 * the key's heap goes, and the key dies with it ("Do not store the expert key"). */
DWORD nm_expert_configure(struct nm_expert *e, const NMSHIM_RUN_PARAMS *params)
{
    struct configure_ctx cc;
    struct nm_fault_record rec;
    struct nm_run *r;
    SIZE_T size;
    DWORD err, len;
    BYTE *copy;

    if (!e->module || !e->conf) return NMERR_INVALID_PARAMETER;
    if (!(r = run_new(e, params))) return NMERR_OUT_OF_MEMORY;
    if ((err = nm_instance_create(params ? params->quota : 0, r, &r->key))) {
        run_free(r);
        return err;
    }
    memset(&cc, 0, sizeof(cc));
    cc.fn = e->conf;
    cc.key = r->key;
    cc.startup = &r->startup;
    cc.flags = r->startup.Flags;
    if (e->config && (err = nm_instance_copy_in(r->key, e->config, e->config_len, (void **)&cc.config))) {
        nm_instance_end(r->key, NULL);
        run_free(r);
        return err;
    }
    if (nm_guard_call(configure_fn, &cc, &rec) != NM_GUARD_OK) {
        nm_instance_end(r->key, &e->result.memory);     /* the heap goes at once */
        run_free(r);
        fault_outcome(e, &rec, "Configure");
        return NMERR_INTERNAL_EXCEPTION;
    }
    err = NMERR_SUCCESS;
    if (!cc.ret) {
        err = NMERR_EXPERT_REPORT_FAILED;
        set_message(&e->result, "Configure returned FALSE");
    } else if (cc.config) {
        size = nm_instance_block_size(r->key, cc.config);
        if (size == (SIZE_T)-1 || size < sizeof(DWORD)) {
            err = NMERR_INVALID_PARAMETER;
            set_message(&e->result, "Configure returned a config block not allocated with ExpertAllocMemory");
        } else if ((len = cc.config->RawConfigLength) < sizeof(DWORD) || len > size) {
            err = NMERR_INVALID_PARAMETER;
            set_message(&e->result, "Configure returned RawConfigLength %lu for a block of %Iu bytes",
                        len, size);
        } else if (!(copy = HeapAlloc(GetProcessHeap(), 0, len))) {
            err = NMERR_OUT_OF_MEMORY;
        } else {
            memcpy(copy, cc.config, len);
            HeapFree(GetProcessHeap(), 0, e->config);
            e->config = copy;
            e->config_len = len;
        }
    }
    /* NULL back from Configure with TRUE means "no configuration" (user pressed Cancel
     * with no stored default): the stored one, if any, stays. */
    nm_instance_end(r->key, NULL);
    run_free(r);
    if (err) WARN("%s: %s\n", e->path, e->result.message);
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

/* ---- Run ---------------------------------------------------------------------------------- */

struct run_ctx { PEXPERTRUNPROC fn; HEXPERTKEY key; PEXPERTCONFIG config;
                 EXPERTSTARTUPINFO *startup; DWORD flags; BOOL ret; };

static void run_fn(void *arg)
{
    struct run_ctx *c = arg;
    c->ret = c->fn(c->key, c->config, c->startup, c->flags, NULL);
}

static DWORD WINAPI run_thread(void *arg)
{
    struct nm_expert *e = arg;
    struct nm_run *r = e->active;
    struct nm_fault_record rec;
    struct run_ctx rc;
    DWORD start = GetTickCount();
    int faulted;

    memset(&rc, 0, sizeof(rc));
    rc.fn = e->run;
    rc.key = r->key;
    rc.startup = &r->startup;
    rc.flags = r->startup.Flags;
    if (e->config && nm_instance_copy_in(r->key, e->config, e->config_len, (void **)&rc.config)) {
        rc.config = NULL;
        WARN("%s: no room for the stored config in the Run heap\n", e->path);
    }
    nm_run_set_state(r, EXPERTSTATUS_RUNNING);
    faulted = nm_guard_call(run_fn, &rc, &rec) != NM_GUARD_OK;
    e->result.elapsed_ms = GetTickCount() - start;
    /* Fault or not, the heap goes now in one HeapDestroy; what is live is the leak. */
    nm_instance_end(r->key, &e->result.memory);
    nm_run_snapshot(r, &e->result.status, &e->result.events);
    if (faulted) {
        fault_outcome(e, &rec, "Run");
        e->result.status.Status = EXPERTSTATUS_PROBLEM;
    } else if (e->stop_requested) {
        e->result.outcome = NMSHIM_TERMINATED;
        e->result.status.Status = EXPERTSTATUS_ABORTED;
        e->result.status.SubStatus |= EXPERTSUBSTATUS_ABORTED_USER;
        set_message(&e->result, "stopped on request; Run returned %s", rc.ret ? "TRUE" : "FALSE");
    } else if (rc.ret) {
        e->result.outcome = NMSHIM_DONE;
        /* "When the expert successfully completes ..., the system sets the percentage
         * to 100" (D:expertindicatestatus). */
        e->result.status.Status = EXPERTSTATUS_DONE;
        e->result.status.PercentDone = 100;
    } else {
        e->result.outcome = NMSHIM_FAILED;
        e->result.status.Status = EXPERTSTATUS_PROBLEM;
        set_message(&e->result, "Run returned FALSE");
    }
    return 0;
}

DWORD nm_expert_start(struct nm_expert *e, const NMSHIM_RUN_PARAMS *params)
{
    struct nm_run *r;
    DWORD err;

    if (!e->module || !e->run || e->thread) return NMERR_INVALID_PARAMETER;
    if (!(r = run_new(e, params))) return NMERR_OUT_OF_MEMORY;
    if ((err = nm_instance_create(params ? params->quota : 0, r, &r->key))) {
        run_free(r);
        return err;
    }
    run_free(e->active);
    e->active = r;
    memset(&e->result, 0, sizeof(e->result));
    e->result.outcome = NMSHIM_PENDING;
    e->stop_requested = FALSE;
    /* One host-created thread per running expert (DESIGN.md "Threads"). */
    if (!(e->thread = CreateThread(NULL, 0, run_thread, e, 0, NULL))) {
        nm_instance_end(r->key, NULL);
        e->result.outcome = NMSHIM_FAILED;
        e->result.status.SubStatus = EXPERTSUBSTATUS_ABORTED_THREAD_FAIL;
        set_message(&e->result, "cannot create the Run thread (error %lu)", GetLastError());
        return NMERR_OUT_OF_MEMORY;
    }
    return NMERR_SUCCESS;
}

DWORD nm_expert_wait(struct nm_expert *e, DWORD timeout_ms)
{
    if (!e->thread) return NMERR_SUCCESS;
    return WaitForSingleObject(e->thread, timeout_ms) == WAIT_OBJECT_0 ? NMERR_SUCCESS : NMERR_TIMEOUT;
}

/* Cooperative stop (DESIGN.md "Cancellation"): the key answers NMERR_EXPERT_TERMINATE
 * from now on. An expert still running after the grace period is "hung": its thread is
 * left alone (killing it could leave the loader or heap locks held), its heap stays
 * (the thread still uses it) and its DLL stays mapped; both go with the process. */
DWORD nm_expert_stop(struct nm_expert *e, DWORD grace_ms)
{
    if (!e->thread || !e->active) return NMERR_SUCCESS;
    e->stop_requested = TRUE;
    nm_instance_stop(e->active->key);
    if (nm_expert_wait(e, grace_ms) == NMERR_SUCCESS) return NMERR_SUCCESS;
    e->hung = TRUE;
    return NMERR_TIMEOUT;
}

DWORD nm_expert_status(const struct nm_expert *e, EXPERTSTATUS *status)
{
    if (e->active && e->thread && WaitForSingleObject(e->thread, 0) != WAIT_OBJECT_0)
        nm_run_snapshot(e->active, status, NULL);
    else *status = e->result.status;
    return NMERR_SUCCESS;
}

DWORD nm_expert_result(const struct nm_expert *e, NMSHIM_RESULT *result)
{
    *result = e->result;
    if (e->hung && e->thread && WaitForSingleObject(e->thread, 0) != WAIT_OBJECT_0) {
        result->outcome = NMSHIM_HUNG;
        if (e->active) nm_run_snapshot(e->active, &result->status, &result->events);
        if (e->active) nm_instance_stats(e->active->key, &result->memory);
        snprintf(result->message, sizeof(result->message),
                 "ignored the stop request; its thread is still running");
    }
    return NMERR_SUCCESS;
}

DWORD nm_expert_event(const struct nm_expert *e, DWORD index, const NMEVENTDATA **event)
{
    *event = NULL;
    if (!e->active) return NMERR_INVALID_PARAMETER;
    return nm_run_event(e->active, index, event);
}

void nm_expert_unload(struct nm_expert *e)
{
    if (!e) return;
    if (e->thread && WaitForSingleObject(e->thread, 0) != WAIT_OBJECT_0) {
        /* hung: everything it may still touch stays (see nm_expert_stop) */
        WARN("%s: still running at unload; left mapped\n", e->path);
        return;
    }
    if (e->thread) CloseHandle(e->thread);
    run_free(e->active);
    if (e->module) FreeLibrary(e->module);
    HeapFree(GetProcessHeap(), 0, e->config);
    HeapFree(GetProcessHeap(), 0, e);
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
