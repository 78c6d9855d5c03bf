/*
 * isolate.c - nmhost --isolate: each expert runs in a child nmhost.exe of its own, and
 * the children's reports are merged into the parent's nm_report (isolate.h).
 *
 * The channel is an anonymous pipe, child -> parent, carrying records:
 *     u32 type, u32 length, length bytes of payload
 * all integers little-endian, every string a u32 length (0xffffffff: NULL) and its bytes
 * without NUL. The child writes HELLO, then STAGE marks (and STATUS snapshots while Run
 * runs), then INFO, RESULT, INJECTED (fault injection's counts), HISTORY, one EVENT
 * per event, and END. Expert code runs in the child and can write to the pipe too, so
 * the parent trusts nothing: every record is bounded
 * (RECORD_MAX, a child's total CHILD_MAX), every length, count and enum the report
 * relies on is checked against what it must be, and anything else makes that child's
 * outcome a fault
 * (CHILD_BAD_RESULT) instead of reaching the report. A forged but well-formed result is
 * beyond what isolation can prevent (the expert runs with the child's rights); the goal
 * is that no expert ends or hangs the parent, and that it never crashes on bytes.
 *
 * Outcomes decided by the parent (the child could not say):
 *   - the child ends without a RESULT: fault "CHILD_DIED" (code = exit code), entry =
 *     the stage it was in (none while loading: DllMain and Register are one call),
 *     status = the last STATUS it sent;
 *   - the child still runs -t + 2 s grace + 1 s after the start of its current stage:
 *     killed (TerminateProcess is safe on a whole process), outcome "hung";
 *   - a RESULT arrived but the child does not exit (a hung expert thread can hold the
 *     loader lock that ExitProcess needs): killed after EXIT_WAIT_MS, result kept;
 *   - the child crashed outside every guard (its unhandled-exception filter, or a fault
 *     loop in a guard's own filter on a wrecked heap): its last record, CRASH, gives
 *     the exception and address; the parent looks the module up in it, then ends it.
 * The children share one kill-on-close job with the parent, so none outlives it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <psapi.h>
#include "isolate.h"

#define PROTOCOL_VERSION 1
#define RECORD_MAX    (8u << 20)    /* one record; an event is at most ~4.3 MiB: 4
                                     * strings + 255 columns of 16 KiB (events.c) */
#define CHILD_MAX     (256u << 20)  /* everything one child may send */
#define STRING_MAX    (1u << 20)    /* one string; nmapi keeps 16 KiB at most */
#define PIPE_BUFFER   (1u << 16)
#define MAX_CHILDREN  32            /* at once; well under MAXIMUM_WAIT_OBJECTS (64) */
#define STOP_GRACE_MS 2000          /* the child's own grace after -t (nmhost.c) */
#define SLACK_MS      1000          /* process start, report and exit on top of it */
#define EXIT_WAIT_MS  2000          /* after END, for the child to exit by itself */
#define CRASH_WAIT_MS 2000          /* a crashed child waits for the parent to look */
#define POLL_MS       20            /* parent: pipes drained at least this often */
#define STATUS_POLL_MS 100          /* child: status snapshot while Run runs */
#define NUL_STRING    0xffffffffu

enum record_type {
    REC_HELLO = 1, REC_STAGE, REC_STATUS, REC_INFO, REC_RESULT, REC_EVENT, REC_END,
    REC_CRASH,                      /* an exception no guard caught: code, address, access */
    REC_INJECTED,                   /* after RESULT: what fault injection did (nmhost.c) */
    REC_HISTORY                     /* after RESULT: the status history (put_history) */
};

/* ---- encoding (child) -------------------------------------------------------------- */

typedef struct wbuf {
    BYTE  *p;
    size_t len, cap;
    BOOL   failed;                  /* out of memory: the record is not sent */
} wbuf;

static void put_bytes(wbuf *b, const void *data, size_t n)
{
    if (b->failed) return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        BYTE *q;
        while (cap < b->len + n) cap *= 2;
        if (!(q = realloc(b->p, cap))) { b->failed = TRUE; return; }
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->len, data, n);
    b->len += n;
}

static void put_u32(wbuf *b, DWORD v)
{
    BYTE x[4] = { (BYTE)v, (BYTE)(v >> 8), (BYTE)(v >> 16), (BYTE)(v >> 24) };
    put_bytes(b, x, 4);
}

static void put_u64(wbuf *b, ULONGLONG v)
{
    put_u32(b, (DWORD)v);
    put_u32(b, (DWORD)(v >> 32));
}

/* A C string of at most max bytes (fixed arrays may lack their NUL). */
static void put_str(wbuf *b, const char *s, size_t max)
{
    size_t n = 0;
    if (!s) { put_u32(b, NUL_STRING); return; }
    while (n < max && n < STRING_MAX && s[n]) n++;
    put_u32(b, (DWORD)n);
    put_bytes(b, s, n);
}

/* Starts a record; end_record fills in its length. */
static size_t begin_record(wbuf *b, DWORD type)
{
    size_t at;
    put_u32(b, type);
    at = b->len;
    put_u32(b, 0);
    return at;
}

static void end_record(wbuf *b, size_t at)
{
    DWORD n = (DWORD)(b->len - at - 4);
    if (b->failed) return;
    b->p[at] = (BYTE)n; b->p[at + 1] = (BYTE)(n >> 8);
    b->p[at + 2] = (BYTE)(n >> 16); b->p[at + 3] = (BYTE)(n >> 24);
}

/* The same field order on both sides: put_status / get_status and so on. */
static void put_status(wbuf *b, const EXPERTSTATUS *s)
{
    put_u32(b, (DWORD)s->Status);
    put_u32(b, s->SubStatus);
    put_u32(b, s->PercentDone);
    put_u32(b, s->Frame);
    put_str(b, s->szStatusText, sizeof(s->szStatusText));
}

static void put_info(wbuf *b, const EXPERTENUMINFO *i)
{
    put_str(b, i->szName, sizeof(i->szName));
    put_str(b, i->szVendor, sizeof(i->szVendor));
    put_str(b, i->szDescription, sizeof(i->szDescription));
    put_u32(b, i->Version);
    put_u32(b, i->Flags);
}

static void put_result(wbuf *b, const nm_expert_report *e)
{
    const NMSHIM_RESULT *r = &e->result;
    const NMSHIM_FAULT *f = &r->fault;
    const NMSHIM_MEMSTATS *m = &r->memory;
    DWORD i;

    put_u32(b, (DWORD)e->have_result);
    put_u32(b, (DWORD)e->configured);
    put_u32(b, (DWORD)e->config_loaded);
    put_u32(b, (DWORD)r->outcome);
    put_u32(b, r->error);
    put_str(b, r->message, sizeof(r->message));
    put_u32(b, f->code);
    put_u32(b, f->flags);
    put_str(b, f->name, sizeof(f->name));
    put_str(b, f->entry, sizeof(f->entry));
    put_str(b, f->module, sizeof(f->module));
    put_u64(b, f->address);
    put_u64(b, f->offset);
    put_u32(b, f->av_access);
    put_u64(b, f->av_target);
    put_u32(b, f->nparams);
    for (i = 0; i < 4; i++) put_u64(b, f->params[i]);
    put_status(b, &r->status);
    put_u64(b, m->allocs); put_u64(b, m->reallocs); put_u64(b, m->frees);
    put_u64(b, m->bad_calls); put_u64(b, m->failed);
    put_u64(b, m->live_blocks); put_u64(b, m->live_bytes);
    put_u64(b, m->peak_blocks); put_u64(b, m->peak_bytes);
    put_u64(b, m->leaked_blocks); put_u64(b, m->leaked_bytes);
    put_u32(b, m->last_bad_error);
    put_str(b, m->last_bad_reason, sizeof(m->last_bad_reason));
    put_u64(b, m->cached_blocks); put_u64(b, m->cached_bytes);
    put_u32(b, r->events);
    put_u32(b, r->elapsed_ms);
}

/* REC_INJECTED: NMSHIM_INJECTED (--fail-alloc, --stop-at-frame: issue 14 §2). */
static void put_injected(wbuf *b, const nm_expert_report *e)
{
    put_u32(b, (DWORD)e->have_injected);
    put_u64(b, e->injected.alloc_calls);
    put_u64(b, e->injected.alloc_failures);
    put_u32(b, (DWORD)e->injected.stop_injected);
    put_u32(b, e->injected.stop_frame);
}

/* The union is sent as its raw bytes except for strings: the printers only follow
 * pStringVal for NMCOLUMNTYPE_STRING (report.c column_value). */
#define VALUE_BYTES 16

static void put_event(wbuf *b, const NMEVENTDATA *ev)
{
    BYTE raw[VALUE_BYTES];
    DWORD i;

    put_u32(b, ev->Version);
    put_u32(b, ev->EventIdent);
    put_u32(b, ev->Flags);
    put_u32(b, ev->Severity);
    put_u32(b, ev->SysTime.wYear); put_u32(b, ev->SysTime.wMonth);
    put_u32(b, ev->SysTime.wDayOfWeek); put_u32(b, ev->SysTime.wDay);
    put_u32(b, ev->SysTime.wHour); put_u32(b, ev->SysTime.wMinute);
    put_u32(b, ev->SysTime.wSecond); put_u32(b, ev->SysTime.wMilliseconds);
    put_str(b, ev->szSourceName, STRING_MAX);
    put_str(b, ev->szEventName, STRING_MAX);
    put_str(b, ev->szDescription, STRING_MAX);
    put_str(b, ev->szMachine, STRING_MAX);
    put_u32(b, ev->NumColumns);
    for (i = 0; i < ev->NumColumns; i++) {
        const NMCOLUMNVARIANT *v = &ev->Column[i].VariantData;
        put_str(b, ev->Column[i].szColumnName, STRING_MAX);
        put_u32(b, (DWORD)v->Type);
        if (v->Type == NMCOLUMNTYPE_STRING) {
            put_str(b, v->Value.pStringVal, STRING_MAX);
        } else {
            memset(raw, 0, sizeof(raw));
            memcpy(raw, &v->Value, sizeof(v->Value) < sizeof(raw) ? sizeof(v->Value)
                                                                   : sizeof(raw));
            put_bytes(b, raw, sizeof(raw));
        }
    }
}

/* ---- decoding (parent): a bounded cursor; any overrun marks it bad ------------------- */

typedef struct rbuf {
    const BYTE *p;
    size_t      len, at;
    BOOL        bad;
} rbuf;

static BOOL get_bytes(rbuf *c, void *out, size_t n)
{
    if (c->bad || n > c->len - c->at) { c->bad = TRUE; return FALSE; }
    if (out) memcpy(out, c->p + c->at, n);
    c->at += n;
    return TRUE;
}

/* REC_HISTORY: u32 count, then per entry kind, ms, call, dropped_before, the status. */
static void put_history(wbuf *b, const nm_expert_report *e)
{
    DWORD i;
    put_u32(b, e->nhistory);
    for (i = 0; i < e->nhistory; i++) {
        const NMSHIM_STATUS_ENTRY *h = &e->history[i];
        put_u32(b, h->kind);
        put_u32(b, h->ms);
        put_u32(b, h->call);
        put_u32(b, h->dropped_before);
        put_status(b, &h->status);
    }
}

static DWORD get_u32(rbuf *c)
{
    BYTE x[4];
    if (!get_bytes(c, x, 4)) return 0;
    return (DWORD)x[0] | (DWORD)x[1] << 8 | (DWORD)x[2] << 16 | (DWORD)x[3] << 24;
}

static ULONGLONG get_u64(rbuf *c)
{
    ULONGLONG lo = get_u32(c);
    return lo | (ULONGLONG)get_u32(c) << 32;
}

/* A u32 that must be below limit. */
static DWORD get_small(rbuf *c, DWORD limit)
{
    DWORD v = get_u32(c);
    if (v >= limit) c->bad = TRUE;
    return c->bad ? 0 : v;
}

/* A string in place: *s points into the record (not terminated), *n its length; NULL
 * for a NULL string. */
static void get_str_ref(rbuf *c, const char **s, size_t *n)
{
    DWORD len = get_u32(c);
    *s = NULL;
    *n = 0;
    if (c->bad || len == NUL_STRING) return;
    if (len > STRING_MAX || len > c->len - c->at) { c->bad = TRUE; return; }
    *s = (const char *)c->p + c->at;
    *n = len;
    c->at += len;
}

/* A string into a fixed array: cut to fit, always terminated; NULL becomes "". */
static void get_str_arr(rbuf *c, char *out, size_t size)
{
    const char *s;
    size_t n;
    get_str_ref(c, &s, &n);
    if (n > size - 1) n = size - 1;
    if (s) memcpy(out, s, n);
    out[n] = 0;
}

static void get_status(rbuf *c, EXPERTSTATUS *s)
{
    memset(s, 0, sizeof(*s));
    /* Any value: nmapi keeps the state an expert passes as it is, and the printers
     * name unknown ones "unknown" (report.c), so the report stays the in-process one. */
    s->Status = (EXPERTSTATUSENUMERATION)get_u32(c);
    s->SubStatus = get_u32(c);
    s->PercentDone = get_u32(c);
    s->Frame = get_u32(c);
    get_str_arr(c, s->szStatusText, sizeof(s->szStatusText));
}

static void get_info(rbuf *c, EXPERTENUMINFO *i)
{
    memset(i, 0, sizeof(*i));
    get_str_arr(c, i->szName, sizeof(i->szName));
    get_str_arr(c, i->szVendor, sizeof(i->szVendor));
    get_str_arr(c, i->szDescription, sizeof(i->szDescription));
    i->Version = get_u32(c);
    i->Flags = get_u32(c);
}

static void get_result(rbuf *c, nm_expert_report *e)
{
    NMSHIM_RESULT *r = &e->result;
    NMSHIM_FAULT *f = &r->fault;
    NMSHIM_MEMSTATS *m = &r->memory;
    DWORD i;

    memset(r, 0, sizeof(*r));
    e->have_result = get_small(c, 2);
    e->configured = get_small(c, 2);
    e->config_loaded = get_small(c, 2);
    r->outcome = (NMSHIM_OUTCOME)get_small(c, NMSHIM_LOAD_ERROR + 1);
    r->error = get_u32(c);
    get_str_arr(c, r->message, sizeof(r->message));
    f->code = get_u32(c);
    f->flags = get_u32(c);
    get_str_arr(c, f->name, sizeof(f->name));
    get_str_arr(c, f->entry, sizeof(f->entry));
    get_str_arr(c, f->module, sizeof(f->module));
    f->address = (ULONG_PTR)get_u64(c);
    f->offset = (ULONG_PTR)get_u64(c);
    f->av_access = get_u32(c);
    f->av_target = (ULONG_PTR)get_u64(c);
    f->nparams = get_small(c, 5);
    for (i = 0; i < 4; i++) f->params[i] = (ULONG_PTR)get_u64(c);
    get_status(c, &r->status);
    m->allocs = get_u64(c); m->reallocs = get_u64(c); m->frees = get_u64(c);
    m->bad_calls = get_u64(c); m->failed = get_u64(c);
    m->live_blocks = get_u64(c); m->live_bytes = get_u64(c);
    m->peak_blocks = get_u64(c); m->peak_bytes = get_u64(c);
    m->leaked_blocks = get_u64(c); m->leaked_bytes = get_u64(c);
    m->last_bad_error = get_u32(c);
    get_str_arr(c, m->last_bad_reason, sizeof(m->last_bad_reason));
    m->cached_blocks = get_u64(c); m->cached_bytes = get_u64(c);
    r->events = get_u32(c);
    r->elapsed_ms = get_u32(c);
}

static void get_injected(rbuf *c, nm_expert_report *e)
{
    memset(&e->injected, 0, sizeof(e->injected));
    e->have_injected = get_small(c, 2);
    e->injected.alloc_calls = get_u64(c);
    e->injected.alloc_failures = get_u64(c);
    e->injected.stop_injected = get_small(c, 2);
    e->injected.stop_frame = get_u32(c);
    /* Never more failures than calls counted: that would be no report of ours. */
    if (e->injected.alloc_failures > e->injected.alloc_calls) c->bad = TRUE;
    if (c->bad) e->have_injected = FALSE;
}

/* REC_HISTORY into e (a malloc'd array, as nmhost.c's own); nothing on a bad record. */
static void get_history(rbuf *c, nm_expert_report *e)
{
    DWORD i, n = get_small(c, NMSHIM_HISTORY_MAX + 1), dropped = 0;
    NMSHIM_STATUS_ENTRY *h = n ? calloc(n, sizeof(*h)) : NULL;

    if (n && !h) { c->bad = TRUE; return; }
    for (i = 0; i < n && !c->bad; i++) {
        h[i].kind = get_small(c, NMSHIM_STATUS_FINAL + 1);
        h[i].ms = get_u32(c);
        h[i].call = get_u32(c);
        h[i].dropped_before = get_u32(c);
        get_status(c, &h[i].status);
        dropped += h[i].dropped_before;
    }
    if (c->bad || c->at != c->len) { free(h); c->bad = TRUE; return; }
    free(e->history);
    e->history = h;
    e->nhistory = n;
    e->history_dropped = dropped;
}

#define ALIGN_UP(n) (((n) + 15) & ~(size_t)15)

/* Copies a string into the event block at *at (measuring only when base is NULL). */
static char *place_str(BYTE *base, size_t *at, const char *s, size_t n)
{
    char *d = NULL;
    if (!s) return NULL;
    if (base) {
        d = (char *)base + *at;
        memcpy(d, s, n);
        d[n] = 0;
    }
    *at += n + 1;
    return d;
}

/* Decodes one EVENT payload into base (one block: NMEVENTDATA, its columns, then its
 * strings) and returns the bytes it takes, or 0 when the payload is malformed. With
 * base NULL it only validates and measures: the parent checks each record when it
 * arrives and builds all events in one block at the end. */
static size_t build_event(const BYTE *payload, size_t len, BYTE *base)
{
    rbuf c = { payload, len, 0, FALSE };
    NMEVENTDATA *ev = (NMEVENTDATA *)base;
    const char *s;
    size_t n, at;
    DWORD i, ncol, f[12];

    for (i = 0; i < 12; i++) f[i] = get_u32(&c);
    if (c.bad) return 0;
    if (ev) {
        memset(ev, 0, sizeof(*ev));
        ev->Version = (BYTE)f[0];
        ev->EventIdent = f[1];
        ev->Flags = f[2];
        ev->Severity = f[3];
        ev->SysTime.wYear = (WORD)f[4]; ev->SysTime.wMonth = (WORD)f[5];
        ev->SysTime.wDayOfWeek = (WORD)f[6]; ev->SysTime.wDay = (WORD)f[7];
        ev->SysTime.wHour = (WORD)f[8]; ev->SysTime.wMinute = (WORD)f[9];
        ev->SysTime.wSecond = (WORD)f[10]; ev->SysTime.wMilliseconds = (WORD)f[11];
    }
    /* Strings go after the columns, whose number comes after the four strings: read
     * them twice (one cursor per pass) rather than keep pointers. */
    {
        rbuf c2 = c;
        const char *str[4];
        size_t sn[4];
        for (i = 0; i < 4; i++) get_str_ref(&c2, &str[i], &sn[i]);
        ncol = get_small(&c2, 256);         /* NumColumns is a BYTE */
        if (c2.bad) return 0;
        at = sizeof(NMEVENTDATA) + ncol * sizeof(NMCOLUMNINFO);
        if (ev) {
            ev->szSourceName = place_str(base, &at, str[0], sn[0]);
            ev->szEventName = place_str(base, &at, str[1], sn[1]);
            ev->szDescription = place_str(base, &at, str[2], sn[2]);
            ev->szMachine = place_str(base, &at, str[3], sn[3]);
            ev->NumColumns = (BYTE)ncol;
        } else {
            for (i = 0; i < 4; i++) place_str(NULL, &at, str[i], sn[i]);
        }
        c = c2;
    }
    for (i = 0; i < ncol; i++) {
        NMCOLUMNINFO *col = ev ? &ev->Column[i] : NULL;
        DWORD type;
        get_str_ref(&c, &s, &n);
        if (col) col->szColumnName = place_str(base, &at, s, n);
        else place_str(NULL, &at, s, n);
        type = get_u32(&c);
        if (col) col->VariantData.Type = (NMCOLUMNTYPE)type;
        if (type == NMCOLUMNTYPE_STRING) {
            get_str_ref(&c, &s, &n);
            if (col) col->VariantData.Value.pStringVal = place_str(base, &at, s, n);
            else place_str(NULL, &at, s, n);
        } else {
            BYTE raw[VALUE_BYTES] = { 0 };
            get_bytes(&c, raw, sizeof(raw));
            if (col) {
                memset(&col->VariantData.Value, 0, sizeof(col->VariantData.Value));
                memcpy(&col->VariantData.Value, raw,
                       sizeof(col->VariantData.Value) < sizeof(raw)
                       ? sizeof(col->VariantData.Value) : sizeof(raw));
            }
        }
        if (c.bad) return 0;
    }
    if (c.at != c.len) return 0;            /* trailing bytes: not one of ours */
    return ALIGN_UP(at);
}

/* ================================ the child ======================================== */

static struct {
    HANDLE           pipe;          /* write end, inherited; NULL: not a child */
    CRITICAL_SECTION lock;          /* the main thread and the status poller write */
    int              stage;
    BOOL             sent;          /* the report went out */
    HANDLE           poller, stop;
    HNMEXPERT        x;
} child;

/* Writes whole records; a parent that went away is not our problem any more. */
static void child_write(wbuf *b)
{
    size_t off = 0;
    if (b->failed) return;
    EnterCriticalSection(&child.lock);
    while (off < b->len) {
        DWORD n = 0, chunk = b->len - off > 0x100000 ? 0x100000 : (DWORD)(b->len - off);
        if (!WriteFile(child.pipe, b->p + off, chunk, &n, NULL) || !n) break;
        off += n;
    }
    LeaveCriticalSection(&child.lock);
}

static void child_send_u32(DWORD type, DWORD v)
{
    wbuf b = { 0 };
    size_t at = begin_record(&b, type);
    put_u32(&b, v);
    end_record(&b, at);
    child_write(&b);
    free(b.p);
}

/* While Run runs: a snapshot of the status whenever it changes, so that the parent
 * knows how far an expert got when its child dies. */
static DWORD WINAPI status_poller(void *arg)
{
    EXPERTSTATUS last, st;
    (void)arg;
    memset(&last, 0xff, sizeof(last));
    while (WaitForSingleObject(child.stop, STATUS_POLL_MS) == WAIT_TIMEOUT) {
        memset(&st, 0, sizeof(st));
        if (NmShimGetStatus(child.x, &st) != NMERR_SUCCESS) continue;
        st.szStatusText[sizeof(st.szStatusText) - 1] = 0;
        if (!memcmp(&st, &last, sizeof(st))) continue;
        last = st;
        {
            wbuf b = { 0 };
            size_t at = begin_record(&b, REC_STATUS);
            put_status(&b, &st);
            end_record(&b, at);
            child_write(&b);
            free(b.p);
        }
    }
    return 0;
}

/* The poller only reads through nmapi's host API; if it is stuck there (an nmapi lock
 * an expert broke), the report goes out without it. */
static void stop_poller(void)
{
    if (!child.poller) return;
    SetEvent(child.stop);
    WaitForSingleObject(child.poller, 1000);
    CloseHandle(child.poller);
    child.poller = NULL;
}

/* An exception no guard caught (a thread of the expert's, the host's own code on a heap
 * the expert wrecked): says what and where on the pipe, waits a moment for the parent
 * to find the module from outside (its loader data may be as broken as its heap), then
 * ends the process with the exception code. Without this filter Wine starts its
 * debugger (winedbg --auto), which can wait forever on a broken process, and Windows
 * may show a dialog. It touches no heap and takes no lock it could wait on: the pipe
 * lock is only tried. */
static LONG WINAPI child_crash(EXCEPTION_POINTERS *ep)
{
    const EXCEPTION_RECORD *er = ep->ExceptionRecord;
    BYTE rec[32];
    DWORD i, n, v[7] = { 0 };
    ULONGLONG addr = (ULONG_PTR)er->ExceptionAddress, target = 0;
    DWORD access = ~0u;

    if (er->ExceptionCode == EXCEPTION_ACCESS_VIOLATION && er->NumberParameters >= 2) {
        access = (DWORD)er->ExceptionInformation[0];
        target = er->ExceptionInformation[1];
    }
    v[0] = REC_CRASH; v[1] = 24;
    v[2] = er->ExceptionCode; v[3] = (DWORD)addr; v[4] = (DWORD)(addr >> 32);
    v[5] = access;
    for (i = 0; i < 6; i++) {
        rec[4 * i] = (BYTE)v[i]; rec[4 * i + 1] = (BYTE)(v[i] >> 8);
        rec[4 * i + 2] = (BYTE)(v[i] >> 16); rec[4 * i + 3] = (BYTE)(v[i] >> 24);
    }
    for (i = 0; i < 8; i++) rec[24 + i] = (BYTE)(target >> (8 * i));
    /* rec: type, length 24, then code, address (u64), access, target (u64). */
    if (child.pipe && TryEnterCriticalSection(&child.lock)) {
        if (WriteFile(child.pipe, rec, 32, &n, NULL)) Sleep(CRASH_WAIT_MS);
        LeaveCriticalSection(&child.lock);
    }
    TerminateProcess(GetCurrentProcess(), er->ExceptionCode);
    return EXCEPTION_EXECUTE_HANDLER;
}

/* A fault loop: an exception raised while the same thread is still dispatching the
 * previous one, at the same instruction, each time deeper on the stack. That is what a
 * guard's filter does when it trips over the process heap the expert wrecked (seen
 * with t_iso_heap: the filter's heap call faults, its nested dispatch calls the filter
 * again, until the stack is gone, possibly holding the heap lock every other thread
 * then waits on forever). A handled exception returns to code at about the same depth,
 * so an expert's own try/except in a loop never counts. */
#define NESTED_LIMIT 16
static DWORD tls_addr = TLS_OUT_OF_INDEXES, tls_sp, tls_count;

static LONG WINAPI child_nested(EXCEPTION_POINTERS *ep)
{
#ifdef _WIN64
    ULONG_PTR sp = ep->ContextRecord->Rsp;
#else
    ULONG_PTR sp = ep->ContextRecord->Esp;
#endif
    ULONG_PTR addr = (ULONG_PTR)ep->ExceptionRecord->ExceptionAddress;
    ULONG_PTR last_sp = (ULONG_PTR)TlsGetValue(tls_sp);
    ULONG_PTR count = (ULONG_PTR)TlsGetValue(tls_count);

    if (addr == (ULONG_PTR)TlsGetValue(tls_addr) && sp < last_sp) count++;
    else count = 0;
    TlsSetValue(tls_addr, (void *)addr);
    TlsSetValue(tls_sp, (void *)sp);
    TlsSetValue(tls_count, (void *)count);
    if (count >= NESTED_LIMIT) child_crash(ep);     /* does not return */
    return EXCEPTION_CONTINUE_SEARCH;
}

BOOL nm_isolate_child_open(const char *handle)
{
    char *end;
    unsigned long long v = _strtoui64(handle, &end, 16);
    HANDLE h = (HANDLE)(ULONG_PTR)v;
    if (end == handle || *end || !v || GetFileType(h) != FILE_TYPE_PIPE) return FALSE;
    child.pipe = h;
    InitializeCriticalSection(&child.lock);
    /* No error dialogs and no debugger: a child that crashes must just end. */
    SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX | SEM_NOOPENFILEERRORBOX);
    SetUnhandledExceptionFilter(child_crash);
    tls_addr = TlsAlloc();
    tls_sp = TlsAlloc();
    tls_count = TlsAlloc();
    if (tls_addr != TLS_OUT_OF_INDEXES && tls_sp != TLS_OUT_OF_INDEXES
        && tls_count != TLS_OUT_OF_INDEXES)
        AddVectoredExceptionHandler(1, child_nested);
    child_send_u32(REC_HELLO, PROTOCOL_VERSION);
    nm_isolate_child_stage(NM_ISOLATE_LOAD, NULL, NULL);
    return TRUE;
}

BOOL nm_isolate_child_active(void)
{
    return child.pipe != NULL;
}

void nm_isolate_child_stage(enum nm_isolate_stage stage, const nm_expert_report *e,
                            HNMEXPERT x)
{
    if (!child.pipe || (int)stage <= child.stage) return;
    stop_poller();
    child.stage = stage;
    /* Name and vendor as soon as Register has run: known even if the child dies. */
    if (e && e->have_info) {
        wbuf b = { 0 };
        size_t at = begin_record(&b, REC_INFO);
        put_info(&b, &e->info);
        end_record(&b, at);
        child_write(&b);
        free(b.p);
    }
    child_send_u32(REC_STAGE, (DWORD)stage);
    if (stage == NM_ISOLATE_RUN && x) {
        child.x = x;
        if (!child.stop) child.stop = CreateEventA(NULL, TRUE, FALSE, NULL);
        if (child.stop) child.poller = CreateThread(NULL, 0, status_poller, NULL, 0, NULL);
    }
}

void nm_isolate_child_send(const nm_report *r)
{
    const nm_expert_report *e;
    wbuf b = { 0 };
    size_t at;
    DWORD i;

    if (!child.pipe || child.sent || r->nexperts != 1) return;
    e = &r->experts[0];
    nm_isolate_child_stage(NM_ISOLATE_REPORT, e, NULL);
    at = begin_record(&b, REC_RESULT);
    put_result(&b, e);
    end_record(&b, at);
    at = begin_record(&b, REC_INJECTED);
    put_injected(&b, e);
    end_record(&b, at);
    at = begin_record(&b, REC_HISTORY);
    put_history(&b, e);
    end_record(&b, at);
    /* Events one record each, written in batches of about a megabyte. */
    for (i = 0; i < e->nevents; i++) {
        if (!e->events[i]) continue;
        at = begin_record(&b, REC_EVENT);
        put_event(&b, e->events[i]);
        end_record(&b, at);
        if (b.len >= (1u << 20)) { child_write(&b); b.len = 0; }
    }
    child_write(&b);
    free(b.p);
    child.sent = TRUE;
}

void nm_isolate_child_end(int status)
{
    if (!child.pipe) return;
    stop_poller();
    child_send_u32(REC_END, (DWORD)status);
    CloseHandle(child.pipe);
    child.pipe = NULL;
}

/* ================================ the parent ======================================= */

typedef struct iso_child {
    nm_expert_report *e;
    HANDLE     proc, pipe;          /* process, read end of its pipe */
    BYTE      *buf;                 /* bytes received, not yet parsed */
    size_t     len, cap, total;
    int        stage;
    ULONGLONG  stage_at, started, run_at, end_at;
    BOOL       running, done, hello, got_result, got_end, have_status, killed, crashed;
    BOOL       got_injected;        /* REC_INJECTED came (after RESULT, before EVENTs) */
    BOOL       crash_seen, got_history;
    DWORD      crash_code, crash_access;
    ULONGLONG  crash_address, crash_target, crash_base;
    char       crash_module[64];        /* found by crash_locate; "" = unknown */
    EXPERTSTATUS status;            /* the last STATUS snapshot */
    int        end_status;
    char       bad[96];             /* why its channel was rejected ("" = fine) */
    BYTE     **ev;                  /* validated EVENT payloads */
    size_t    *evlen;
    DWORD      nev, evcap;
} iso_child;

static volatile LONG iso_interrupted;

/* Ctrl+C reaches the children too (same console): they stop their experts and report;
 * the parent only shortens its deadlines so a stuck child cannot keep it waiting. */
static BOOL WINAPI iso_on_ctrl(DWORD type)
{
    if (type != CTRL_C_EVENT && type != CTRL_BREAK_EVENT) return FALSE;
    return InterlockedExchange(&iso_interrupted, 1) == 0;
}

static const char *stage_entry(int stage)
{
    switch (stage) {
    case NM_ISOLATE_CONFIGURE: return "Configure";
    case NM_ISOLATE_RUN:       return "Run";
    default:                   return "";
    }
}

static const char *stage_words(int stage)
{
    switch (stage) {
    case NM_ISOLATE_LOAD:      return "while loading (DllMain or Register)";
    case NM_ISOLATE_CONFIGURE: return "in Configure";
    case NM_ISOLATE_RUN:       return "in Run";
    case NM_ISOLATE_REPORT:    return "after Run, before its report was out";
    default:                   return "before it started";
    }
}

/* Appends s to a command line, quoted the way msvcrt's argv parser reads it back:
 * backslashes are literal unless they precede a quote. */
static BOOL cmd_arg(char *cmd, size_t size, const char *s)
{
    size_t n = strlen(cmd);
    const char *p;
    if (n && n + 1 < size) cmd[n++] = ' ';
    if (n + 1 >= size) return FALSE;
    cmd[n++] = '"';
    for (p = s;; p++) {
        size_t bs = 0, k;
        while (*p == '\\') { bs++; p++; }
        /* before a quote or the closing quote, each backslash is doubled */
        k = (!*p || *p == '"') ? 2 * bs : bs;
        if (n + k + 3 >= size) return FALSE;
        memset(cmd + n, '\\', k);
        n += k;
        if (!*p) break;
        if (*p == '"') cmd[n++] = '\\';
        cmd[n++] = *p;
    }
    cmd[n++] = '"';
    cmd[n] = 0;
    return TRUE;
}

static void child_reject(iso_child *c, const char *why)
{
    if (!c->bad[0]) snprintf(c->bad, sizeof(c->bad), "%s", why);
}

/* One complete record from the child. */
static void child_record(iso_child *c, DWORD type, const BYTE *p, size_t len)
{
    rbuf r = { p, len, 0, FALSE };

    if (!c->hello && type != REC_HELLO) { child_reject(c, "no hello"); return; }
    if (c->got_end && type != REC_CRASH) { child_reject(c, "record after the end"); return; }
    switch (type) {
    case REC_HELLO:
        if (c->hello || get_u32(&r) != PROTOCOL_VERSION) child_reject(c, "bad hello");
        c->hello = TRUE;
        break;
    case REC_STAGE: {
        DWORD s = get_small(&r, NM_ISOLATE_REPORT + 1);
        /* Stages only go forward: a child cannot reset its deadline forever. */
        if (r.bad || (int)s <= c->stage) { child_reject(c, "bad stage"); break; }
        c->stage = (int)s;
        c->stage_at = GetTickCount64();
        if (s == NM_ISOLATE_RUN) c->run_at = c->stage_at;
        break;
    }
    case REC_STATUS:
        get_status(&r, &c->status);
        c->have_status = !r.bad;
        break;
    case REC_INFO:
        get_info(&r, &c->e->info);
        c->e->have_info = !r.bad;
        break;
    case REC_RESULT:
        if (c->got_result) { child_reject(c, "two results"); break; }
        get_result(&r, c->e);
        c->got_result = !r.bad;
        break;
    case REC_INJECTED:
        if (!c->got_result || c->got_injected || c->nev) {
            child_reject(c, "injection record out of place");
            break;
        }
        get_injected(&r, c->e);
        c->got_injected = !r.bad;
        break;
    case REC_HISTORY:
        if (!c->got_result || c->got_history) { child_reject(c, "history out of place"); break; }
        get_history(&r, c->e);
        c->got_history = !r.bad;
        break;
    case REC_EVENT:
        if (!c->got_result || c->nev >= c->e->result.events) {
            child_reject(c, "event out of place");
            break;
        }
        if (!build_event(p, len, NULL)) { child_reject(c, "malformed event"); break; }
        if (c->nev == c->evcap) {
            DWORD cap = c->evcap ? 2 * c->evcap : 16;
            BYTE **q = realloc(c->ev, cap * sizeof(*q));
            size_t *ql = q ? realloc(c->evlen, cap * sizeof(*ql)) : NULL;
            if (q) c->ev = q;
            if (!ql) { child_reject(c, "out of memory for events"); break; }
            c->evlen = ql;
            c->evcap = cap;
        }
        if (!(c->ev[c->nev] = malloc(len ? len : 1))) {
            child_reject(c, "out of memory for events");
            break;
        }
        memcpy(c->ev[c->nev], p, len);
        c->evlen[c->nev++] = len;
        break;
    case REC_CRASH:
        /* After its report (unloading crashed) it changes nothing; one is enough. */
        if (c->crashed) { child_reject(c, "two crashes"); break; }
        c->crash_code = get_u32(&r);
        c->crash_address = get_u64(&r);
        c->crash_access = get_u32(&r);
        c->crash_target = get_u64(&r);
        c->crashed = !r.bad;
        break;
    case REC_END:
        c->end_status = (int)get_u32(&r);
        c->got_end = TRUE;
        c->end_at = GetTickCount64();
        break;
    default:
        child_reject(c, "unknown record type");
        return;
    }
    if (r.bad || (type != REC_EVENT && r.at != r.len)) child_reject(c, "malformed record");
}

/* Reads what the pipe holds now (never blocks) and handles every complete record. */
static void child_drain(iso_child *c)
{
    for (;;) {
        DWORD avail = 0, n = 0;
        size_t want, used = 0;
        if (c->bad[0] || !c->pipe) return;
        if (!PeekNamedPipe(c->pipe, NULL, 0, NULL, &avail, NULL) || !avail) return;
        want = avail;
        if (c->total + want > CHILD_MAX) { child_reject(c, "sent more than 256 MiB"); return; }
        if (c->len + want > c->cap) {
            size_t cap = c->cap ? c->cap : PIPE_BUFFER;
            BYTE *q;
            while (cap < c->len + want) cap *= 2;
            if (!(q = realloc(c->buf, cap))) { child_reject(c, "out of memory"); return; }
            c->buf = q;
            c->cap = cap;
        }
        if (!ReadFile(c->pipe, c->buf + c->len, (DWORD)want, &n, NULL) || !n) return;
        c->len += n;
        c->total += n;
        while (!c->bad[0] && c->len - used >= 8) {
            const BYTE *h = c->buf + used;
            DWORD type = (DWORD)h[0] | (DWORD)h[1] << 8 | (DWORD)h[2] << 16 | (DWORD)h[3] << 24;
            DWORD len = (DWORD)h[4] | (DWORD)h[5] << 8 | (DWORD)h[6] << 16 | (DWORD)h[7] << 24;
            if (len > RECORD_MAX) { child_reject(c, "record over 8 MiB"); break; }
            if (c->len - used - 8 < len) break;     /* the rest is still on its way */
            child_record(c, type, h + 8, len);
            used += 8 + (size_t)len;
        }
        memmove(c->buf, c->buf + used, c->len - used);
        c->len -= used;
    }
}

/* A crashed child waits (CRASH_WAIT_MS) while its modules are looked up from outside
 * (psapi reads its loader data with ReadProcessMemory, no lock of the child's taken),
 * then it is ended. */
static void crash_locate(iso_child *c)
{
    HMODULE mods[1024];
    DWORD need = 0, i, n;

    c->crash_seen = TRUE;
    if (K32EnumProcessModules(c->proc, mods, sizeof(mods), &need)) {
        n = need / sizeof(mods[0]);
        if (n > sizeof(mods) / sizeof(mods[0])) n = sizeof(mods) / sizeof(mods[0]);
        for (i = 0; i < n; i++) {
            MODULEINFO mi;
            ULONGLONG base;
            if (!K32GetModuleInformation(c->proc, mods[i], &mi, sizeof(mi))) continue;
            base = (ULONG_PTR)mi.lpBaseOfDll;
            if (c->crash_address < base || c->crash_address - base >= mi.SizeOfImage)
                continue;
            if (K32GetModuleBaseNameA(c->proc, mods[i], c->crash_module,
                                      sizeof(c->crash_module)))
                c->crash_base = base;
            else
                c->crash_module[0] = 0;
            break;
        }
    }
    TerminateProcess(c->proc, c->crash_code);
}

/* A fault the parent reports for a child that gave no (usable) result. */
static void parent_fault(iso_child *c, const char *name, DWORD code, const char *fmt,
                         const char *detail)
{
    NMSHIM_RESULT *r = &c->e->result;
    memset(r, 0, sizeof(*r));
    c->e->have_result = TRUE;
    r->outcome = NMSHIM_FAULT_OUTCOME;
    r->fault.code = code;
    r->fault.av_access = ~0u;
    snprintf(r->fault.name, sizeof(r->fault.name), "%s", name);
    snprintf(r->fault.entry, sizeof(r->fault.entry), "%s", stage_entry(c->stage));
    snprintf(r->message, sizeof(r->message), fmt, detail);
}

/* The child is gone (exited or killed): decides its expert's report. */
static void child_finish(iso_child *c)
{
    nm_expert_report *e = c->e;
    DWORD code = 0, i;
    size_t total = 0, at;
    char why[96];

    child_drain(c);
    GetExitCodeProcess(c->proc, &code);
    if (c->bad[0]) {
        /* Keep nothing it said but its name: the channel is not to be believed. */
        e->configured = e->config_loaded = FALSE;
        e->have_injected = FALSE;
        snprintf(why, sizeof(why), "%s", c->bad);
        parent_fault(c, "CHILD_BAD_RESULT", 0,
                     "the child process sent a malformed report (%s); result discarded", why);
        c->nev = 0;
    } else if (c->got_result) {
        /* Its own report (a child killed after it, stuck on exit, changes nothing). */
    } else if (c->killed) {
        NMSHIM_RESULT *r = &e->result;
        memset(r, 0, sizeof(*r));
        e->have_result = TRUE;
        r->outcome = NMSHIM_HUNG;
        snprintf(r->message, sizeof(r->message), "no result %s within the timeout and the "
                 "stop grace period; its child process was killed", stage_words(c->stage));
    } else if (c->crashed) {
        /* Its own last words: the exception no guard caught, where it happened. */
        NMSHIM_FAULT *f = &e->result.fault;
        const char *known = NmShimExceptionName(c->crash_code);
        char name[48];
        if (known) snprintf(name, sizeof(name), "%s", known);
        else snprintf(name, sizeof(name), "0x%08lx", (unsigned long)c->crash_code);
        if (c->crash_module[0])
            snprintf(why, sizeof(why), "%s at %s+0x%llx %s", name, c->crash_module,
                     (unsigned long long)(c->crash_address - c->crash_base),
                     stage_words(c->stage));
        else
            snprintf(why, sizeof(why), "%s at 0x%llx %s", name,
                     (unsigned long long)c->crash_address, stage_words(c->stage));
        parent_fault(c, name, c->crash_code,
                     "the child process crashed outside the guard: %s", why);
        f->address = (ULONG_PTR)c->crash_address;
        f->offset = (ULONG_PTR)(c->crash_address - c->crash_base);  /* base 0: unknown */
        snprintf(f->module, sizeof(f->module), "%s", c->crash_module);
        if (c->crash_access == 0 || c->crash_access == 1 || c->crash_access == 8) {
            f->av_access = c->crash_access;
            f->av_target = (ULONG_PTR)c->crash_target;
        }
    } else {
        const char *known = NmShimExceptionName(code);
        snprintf(why, sizeof(why), "%s, exit code 0x%08lx%s%s%s", stage_words(c->stage),
                 (unsigned long)code, known ? " (" : "", known ? known : "", known ? ")" : "");
        parent_fault(c, "CHILD_DIED", code, "the child process ended without a result %s",
                     why);
    }
    /* What the parent knew of a child that left no result: its last status and how
     * long Run had been running. */
    if (!c->got_result || c->bad[0]) {
        if (c->have_status) e->result.status = c->status;
        if (c->run_at) e->result.elapsed_ms = (DWORD)(GetTickCount64() - c->run_at);
    }
    /* All events in one block behind their pointer array: free(e->events) frees all
     * (nmhost.c frees the array of an in-process run the same way). */
    for (i = 0; i < c->nev; i++) total += build_event(c->ev[i], c->evlen[i], NULL);
    at = ALIGN_UP((size_t)c->nev * sizeof(*e->events));
    if (c->nev && (e->events = calloc(1, at + total))) {
        BYTE *base = (BYTE *)e->events;
        for (i = 0; i < c->nev; i++) {
            size_t n = build_event(c->ev[i], c->evlen[i], base + at);
            e->events[i] = (const NMEVENTDATA *)(base + at);
            at += n;
        }
        e->nevents = c->nev;
    }
    for (i = 0; i < c->nev; i++) free(c->ev[i]);
    free(c->ev);
    free(c->evlen);
    free(c->buf);
    c->ev = NULL; c->evlen = NULL; c->buf = NULL;
    CloseHandle(c->pipe);
    CloseHandle(c->proc);
    c->pipe = c->proc = NULL;
    c->running = FALSE;
    c->done = TRUE;
}

/* Starts the child for one expert. FALSE: it could not be started (reported as a
 * failure of that expert, as in-process when Run cannot be started). */
/* All children in one job that ends with the parent (KILL_ON_JOB_CLOSE): a parent that
 * is killed (a second Ctrl+C, a test's timeout) must not leave hung children behind,
 * holding its stdout pipe open so that `nmhost ... | head` would never end. NULL when
 * the system has no jobs for us (nested jobs before Windows 8): then children are
 * only ended by the parent's own deadlines. */
static HANDLE children_job(void)
{
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION li;
    HANDLE job = CreateJobObjectA(NULL, NULL);
    if (!job) return NULL;
    memset(&li, 0, sizeof(li));
    li.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
    if (!SetInformationJobObject(job, JobObjectExtendedLimitInformation, &li, sizeof(li))) {
        CloseHandle(job);
        return NULL;
    }
    return job;
}

static BOOL child_start(iso_child *c, const nm_isolate_params *p, HANDLE job)
{
    SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, TRUE };
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    HANDLE rd = NULL, wr = NULL;
    char exe[MAX_PATH], num[64], *cmd = NULL;
    size_t size;
    DWORD err = 0;
    BOOL ok = FALSE;

    size = GetModuleFileNameA(NULL, exe, sizeof(exe));
    if (!size || size >= sizeof(exe)) {
        err = size ? ERROR_FILENAME_EXCED_RANGE : GetLastError();
        goto done;
    }
    /* Only the write end is inherited; the read end stays ours. */
    if (!CreatePipe(&rd, &wr, &sa, PIPE_BUFFER) ||
        !SetHandleInformation(rd, HANDLE_FLAG_INHERIT, 0)) {
        err = GetLastError();
        goto done;
    }
    size = strlen(exe) + strlen(c->e->dll) + (p->capture ? strlen(p->capture) : 0)
         + (p->config ? strlen(p->config) : 0);
    for (int x = 0; x < p->nextra; x++) size += strlen(p->extra[x]) + 1;
    size = 2 * size + 256;
    if (!(cmd = malloc(size))) { err = ERROR_OUTOFMEMORY; goto done; }
    cmd[0] = 0;
    snprintf(num, sizeof(num), "--isolate-child=%llx", (unsigned long long)(ULONG_PTR)wr);
    ok = cmd_arg(cmd, size, exe) && cmd_arg(cmd, size, num) && cmd_arg(cmd, size, "-q");
    if (ok && p->capture) ok = cmd_arg(cmd, size, "-c") && cmd_arg(cmd, size, p->capture);
    if (ok && p->timeout_ms) {
        snprintf(num, sizeof(num), "%lu.%03lu", (unsigned long)(p->timeout_ms / 1000),
                 (unsigned long)(p->timeout_ms % 1000));
        ok = cmd_arg(cmd, size, "-t") && cmd_arg(cmd, size, num);
    }
    if (ok && p->configure) ok = cmd_arg(cmd, size, "--configure");
    if (ok && p->config) ok = cmd_arg(cmd, size, "--config") && cmd_arg(cmd, size, p->config);
    if (ok && p->list) ok = cmd_arg(cmd, size, "--list");
    for (int x = 0; ok && x < p->nextra; x++) ok = cmd_arg(cmd, size, p->extra[x]);
    if (ok) ok = cmd_arg(cmd, size, "--") && cmd_arg(cmd, size, c->e->dll);
    if (!ok) { err = ERROR_FILENAME_EXCED_RANGE; goto done; }
    ok = FALSE;
    memset(&si, 0, sizeof(si));
    si.cb = sizeof(si);
    /* Same console and standard handles: what the expert prints lands where it would
     * in-process, and the child's own diagnostics reach the user. */
    /* Suspended until it is in the job, so that nothing it starts escapes the job. */
    if (!CreateProcessA(exe, cmd, NULL, NULL, TRUE, CREATE_SUSPENDED, NULL, NULL, &si, &pi)) {
        err = GetLastError();
        goto done;
    }
    if (job) AssignProcessToJobObject(job, pi.hProcess);
    ResumeThread(pi.hThread);
    CloseHandle(pi.hThread);
    c->proc = pi.hProcess;
    c->pipe = rd;
    rd = NULL;
    c->started = c->stage_at = GetTickCount64();
    c->running = TRUE;
    ok = TRUE;
done:
    /* Our copy of the write end must go: the child's copy is the only one left. */
    if (wr) CloseHandle(wr);
    if (rd) CloseHandle(rd);
    free(cmd);
    if (!ok) {
        NMSHIM_RESULT *r = &c->e->result;
        memset(r, 0, sizeof(*r));
        c->e->have_result = TRUE;
        r->outcome = NMSHIM_FAILED;
        r->error = err;
        snprintf(r->message, sizeof(r->message),
                 "its child process could not be started (error %lu)", (unsigned long)err);
        c->done = TRUE;
    }
    return ok;
}

BOOL nm_isolate_run(const nm_isolate_params *p, nm_report *r)
{
    iso_child *c = calloc(r->nexperts ? r->nexperts : 1, sizeof(*c));
    DWORD i, next = 0, left = r->nexperts;
    /* --configure with --config: every child rewrites the same file, so one at a time
     * (each then starts from what the previous one saved, as in-process). */
    DWORD max = p->configure && p->config ? 1 : MAX_CHILDREN;
    BOOL usage_error = FALSE;
    HANDLE job;

    if (!c) { fputs("nmhost: out of memory\n", stderr); return FALSE; }
    for (i = 0; i < r->nexperts; i++) c[i].e = &r->experts[i];
    job = children_job();
    SetConsoleCtrlHandler(iso_on_ctrl, TRUE);
    while (left) {
        HANDLE wait[MAX_CHILDREN];
        DWORD nwait = 0, nrun = 0;
        ULONGLONG now;

        for (i = 0; i < r->nexperts; i++) nrun += c[i].running;
        while (next < r->nexperts && nrun < max && !usage_error) {
            if (child_start(&c[next], p, job)) nrun++;
            else left--;
            next++;
        }
        if (!left) break;
        for (i = 0; i < r->nexperts; i++)
            if (c[i].running && nwait < MAX_CHILDREN) wait[nwait++] = c[i].proc;
        if (nwait) WaitForMultipleObjects(nwait, wait, FALSE, POLL_MS);
        now = GetTickCount64();
        for (i = 0; i < r->nexperts; i++) {
            iso_child *k = &c[i];
            BOOL exited;
            if (!k->running) continue;
            child_drain(k);
            if (k->crashed && !k->crash_seen && !k->got_result) crash_locate(k);
            exited = WaitForSingleObject(k->proc, 0) == WAIT_OBJECT_0;
            if (!exited) {
                ULONGLONG limit = (ULONGLONG)-1;
                if (p->timeout_ms)
                    limit = k->stage_at + p->timeout_ms + STOP_GRACE_MS + SLACK_MS;
                if (iso_interrupted && limit > k->stage_at + STOP_GRACE_MS + SLACK_MS)
                    limit = now + STOP_GRACE_MS + SLACK_MS;
                if (k->got_end) limit = k->end_at + EXIT_WAIT_MS;
                /* A channel found bad: nothing it does later can be believed. */
                if (k->bad[0] || usage_error) limit = 0;
                if (now < limit) continue;
                TerminateProcess(k->proc, ERROR_TIMEOUT);
                WaitForSingleObject(k->proc, 5000);
                k->killed = !k->got_result;
            }
            child_finish(k);
            left--;
            /* A child that ended on bad input before its expert ran (its END says 2,
             * with no result): the whole run stops, as in-process. */
            if (k->got_end && !k->got_result && !k->bad[0] && k->end_status == 2)
                usage_error = TRUE;
        }
        if (usage_error) {
            /* Remaining children are killed on the next round; nothing new starts. */
            for (i = next; i < r->nexperts; i++) if (!c[i].done) { c[i].done = TRUE; left--; }
            next = r->nexperts;
        }
    }
    SetConsoleCtrlHandler(iso_on_ctrl, FALSE);
    if (job) CloseHandle(job);      /* every child has ended by now */
    free(c);
    return !usage_error;
}
