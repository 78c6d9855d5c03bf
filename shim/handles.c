/*
 * handles.c - the registry behind HCAPTURE and HFRAME (handles.h): every handle an
 * expert or parser passes to a frame or capture function is decoded and checked here
 * before anything is touched, as keys are in instance.c (docs/design.md "Keys", §5 "Handles
 * given to experts ... are validated against the engine's registries before use").
 *
 * Locking: one SRW lock guards the slots (shared for lookups, exclusive to add or remove
 * a capture); each slot's critical section guards its cursor and frame cache. A caller
 * holds at most one lookup at a time (SRW locks do not nest).
 */
#include <string.h>
#include "handles.h"
#include "engine.h"

#define HCAP_TAG      0x80000000u
#define HFRAME_BASE0  0x40000000u   /* first range: frame handles start at 0x80000001 */
#define HFRAME_GAP    0x00100000u   /* unused handles between two captures' ranges */

struct nm_hcap {
    struct NMSHIM_CAPTURE *owner;   /* NULL: free slot */
    DWORD gen;
    DWORD base;                     /* frame n has handle 2 * (base + n) + 1 */
    DWORD frames;
    DWORD link_type;
    const struct nm_capture *cap;
    struct nm_cursor *cursor;       /* under lock */
    CRITICAL_SECTION lock;
    struct nm_frame_entry **cache;  /* frames entries, filled on demand, under lock */
    SYSTEMTIME start;
    char *comment;
};

static SRWLOCK reg_lock = SRWLOCK_INIT;
static struct nm_hcap slots[NM_HANDLES_MAX_CAPTURES];
static INIT_ONCE slots_once = INIT_ONCE_STATIC_INIT;
static DWORD next_base = HFRAME_BASE0;

static BOOL CALLBACK init_slots(INIT_ONCE *once, void *param, void **ctx)
{
    DWORD i;

    (void)once; (void)param; (void)ctx;
    for (i = 0; i < NM_HANDLES_MAX_CAPTURES; i++) InitializeCriticalSection(&slots[i].lock);
    return TRUE;
}

static HCAPTURE cap_cookie(DWORD slot, DWORD gen)
{
    return (HCAPTURE)(ULONG_PTR)(HCAP_TAG | (gen & 0x7fffffu) << 8 | slot << 2);
}

/* Microseconds since the Unix epoch -> SYSTEMTIME (UTC). */
static void us_to_systemtime(int64_t us, SYSTEMTIME *st)
{
    ULARGE_INTEGER u;
    FILETIME ft;

    u.QuadPart = (ULONGLONG)(us * 10 + 116444736000000000LL);
    ft.dwLowDateTime = u.LowPart;
    ft.dwHighDateTime = u.HighPart;
    if (!FileTimeToSystemTime(&ft, st)) memset(st, 0, sizeof(*st));
}

void nm_handles_capture_add(struct NMSHIM_CAPTURE *c, const struct nm_capture *cap,
                            const struct nm_io *io)
{
    struct nm_hcap *s = NULL;
    DWORD i, frames = nm_capture_frames(cap);
    struct nm_cursor *cur = nm_cursor_new(cap);
    char *comment = nm_handles_read_comment(io, nm_capture_format(cap));

    InitOnceExecuteOnce(&slots_once, init_slots, NULL, NULL);
    if (!cur || !comment) goto fail;
    AcquireSRWLockExclusive(&reg_lock);
    for (i = 0; i < NM_HANDLES_MAX_CAPTURES && !s; i++) if (!slots[i].owner) s = &slots[i];
    if (s) {
        if (next_base > 0x7fffffffu - frames - HFRAME_GAP) next_base = HFRAME_BASE0;
        s->owner = c;
        s->gen++;
        s->base = next_base;
        next_base += frames + HFRAME_GAP;
        s->frames = frames;
        s->link_type = nm_capture_link_type(cap);
        s->cap = cap;
        s->cursor = cur;
        s->cache = NULL;            /* allocated by the first frame function that needs it */
        s->comment = comment;
        us_to_systemtime(nm_capture_start_us(cap), &s->start);
    }
    ReleaseSRWLockExclusive(&reg_lock);
    if (s) return;
    ERR("more than %u captures open: capture %p gets no HCAPTURE\n", NM_HANDLES_MAX_CAPTURES, c);
fail:
    if (cur) nm_cursor_free(cur);
    HeapFree(GetProcessHeap(), 0, comment);
}

void nm_handles_capture_remove(struct NMSHIM_CAPTURE *c)
{
    struct nm_hcap *s = NULL, old;
    DWORD i;

    if (!c) return;
    AcquireSRWLockExclusive(&reg_lock);
    for (i = 0; i < NM_HANDLES_MAX_CAPTURES && !s; i++) if (slots[i].owner == c) s = &slots[i];
    if (s) {
        old = *s;
        s->owner = NULL;
        s->gen++;           /* the old HCAPTURE is stale from here on */
        s->cursor = NULL;
        s->cache = NULL;
        s->comment = NULL;
        s->frames = 0;
    }
    ReleaseSRWLockExclusive(&reg_lock);
    if (!s) return;
    for (i = 0; old.cache && i < old.frames; i++) HeapFree(GetProcessHeap(), 0, old.cache[i]);
    HeapFree(GetProcessHeap(), 0, old.cache);
    HeapFree(GetProcessHeap(), 0, old.comment);
    nm_cursor_free(old.cursor);
}

HCAPTURE nm_handles_capture(const struct NMSHIM_CAPTURE *c)
{
    HCAPTURE h = NULL;
    DWORD i;

    if (!c) return NULL;
    AcquireSRWLockShared(&reg_lock);
    for (i = 0; i < NM_HANDLES_MAX_CAPTURES; i++)
        if (slots[i].owner == c) h = cap_cookie(i, slots[i].gen);
    ReleaseSRWLockShared(&reg_lock);
    return h;
}

int nm_handles_lookup_capture(HCAPTURE h, struct nm_hcap **out)
{
    ULONG_PTR v = (ULONG_PTR)h;
    DWORD slot = (DWORD)(v >> 2) & 0x3f;

    *out = NULL;
    if ((v & 0xffffffff80000003ull) != HCAP_TAG || slot >= NM_HANDLES_MAX_CAPTURES) return -1;
    AcquireSRWLockShared(&reg_lock);
    if (slots[slot].owner && cap_cookie(slot, slots[slot].gen) == h) {
        *out = &slots[slot];
        return 0;
    }
    ReleaseSRWLockShared(&reg_lock);
    return -1;
}

int nm_handles_lookup_frame(HFRAME h, struct nm_hcap **out, DWORD *n)
{
    ULONG_PTR v = (ULONG_PTR)h;
    DWORD i, idx;
    void *hcap;
    uint32_t fn;

    *out = NULL;
    /* An HFRAME from ExpertGetFrame names the key's frame table (engine.h, below
     * 0x80000000): it stands for frame fn of the capture that table reads. */
    if ((v & 1) && v < 2ull * HFRAME_BASE0 + 1 && !nm_engine_frame_of(h, &hcap, &fn)) {
        if (nm_handles_lookup_capture((HCAPTURE)hcap, out)) return -1;
        if (fn >= (*out)->frames) { nm_handles_release(*out); *out = NULL; return -1; }
        *n = fn;
        return 0;
    }
    if (!(v & 1) || v < 2ull * HFRAME_BASE0 + 1 || (ULONG_PTR)(DWORD)v != v) return -1;
    idx = (DWORD)((v - 1) / 2);
    AcquireSRWLockShared(&reg_lock);
    for (i = 0; i < NM_HANDLES_MAX_CAPTURES; i++) {
        struct nm_hcap *s = &slots[i];
        if (s->owner && idx >= s->base && idx - s->base < s->frames) {
            *out = s;
            *n = idx - s->base;
            return 0;
        }
    }
    ReleaseSRWLockShared(&reg_lock);
    return -1;
}

void nm_handles_release(struct nm_hcap *c)
{
    if (c) ReleaseSRWLockShared(&reg_lock);
}

HFRAME nm_handles_frame(HCAPTURE h, DWORD n)
{
    struct nm_hcap *c;
    HFRAME f;

    if (nm_handles_lookup_capture(h, &c)) return NULL;
    f = nm_hcap_frame_handle(c, n);
    nm_handles_release(c);
    return f;
}

HCAPTURE nm_hcap_handle(const struct nm_hcap *c) { return cap_cookie((DWORD)(c - slots), c->gen); }
DWORD nm_hcap_frames(const struct nm_hcap *c) { return c->frames; }
DWORD nm_hcap_link_type(const struct nm_hcap *c) { return c->link_type; }
const SYSTEMTIME *nm_hcap_start_time(const struct nm_hcap *c) { return &c->start; }
const char *nm_hcap_comment(const struct nm_hcap *c) { return c->comment; }

HFRAME nm_hcap_frame_handle(const struct nm_hcap *c, DWORD n)
{
    return n < c->frames ? (HFRAME)(ULONG_PTR)(2ull * (c->base + n) + 1) : NULL;
}

const struct nm_frame_entry *nm_hcap_frame(struct nm_hcap *c, DWORD n)
{
    struct nm_frame_entry *e = NULL;
    struct nm_frame_info info;
    const uint8_t *data;

    if (n >= c->frames) return NULL;
    EnterCriticalSection(&c->lock);
    if (!c->cache) c->cache = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, c->frames * sizeof(*c->cache));
    if (c->cache && !(e = c->cache[n]) && !nm_cursor_read(c->cursor, n, &info, &data, NULL) &&
        (e = HeapAlloc(GetProcessHeap(), 0, offsetof(struct nm_frame_entry, frame.MacFrame)
                                            + info.caplen + 1))) {
        e->number = n;
        e->link_type = info.link_type;
        e->frame.TimeStamp = info.ts_us - nm_capture_start_us(c->cap);
        e->frame.FrameLength = info.origlen;
        e->frame.nBytesAvail = info.caplen;
        memcpy(e->frame.MacFrame, data, info.caplen);
        c->cache[n] = e;
    }
    LeaveCriticalSection(&c->lock);
    return e;
}

/* ---- comments ------------------------------------------------------------------------ */

static uint32_t get32(const uint8_t *p, int be)
{
    return be ? (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3]
              : (uint32_t)p[3] << 24 | p[2] << 16 | p[1] << 8 | p[0];
}

static char *dup_n(const uint8_t *s, size_t len)
{
    char *p = HeapAlloc(GetProcessHeap(), 0, len + 1);

    if (!p) return NULL;
    memcpy(p, s, len);
    p[len] = 0;
    return p;
}

/* NetMon 2.x: header +40 comment offset u32, +44 comment length u32 (capture_netmon.c).
 * pcapng: the first Section Header Block's opt_comment (code 1). pcap has none. A
 * comment that does not fit the file, or is longer than 64 KiB, counts as none. */
char *nm_handles_read_comment(const struct nm_io *io, enum nm_capture_format fmt)
{
    uint8_t hdr[48], *buf = NULL;
    char *res = NULL;
    uint32_t off, len, pos;
    int be;

    if (fmt == NM_FORMAT_NETMON2 && io->read_at(io->handle, 0, hdr, 48) == 48) {
        off = get32(hdr + 40, 0);
        len = get32(hdr + 44, 0);
        if (len && len <= 65536 && off >= 48 && (uint64_t)off + len <= io->size &&
            (buf = HeapAlloc(GetProcessHeap(), 0, len)) &&
            io->read_at(io->handle, off, buf, len) == len)
            res = dup_n(buf, strnlen((char *)buf, len));
    } else if (fmt == NM_FORMAT_PCAPNG && io->read_at(io->handle, 0, hdr, 28) == 28) {
        be = get32(hdr + 8, 1) == 0x1a2b3c4du;
        len = get32(hdr + 4, be);             /* block total length */
        if (len >= 28 && len <= 65536 && len <= io->size &&
            (buf = HeapAlloc(GetProcessHeap(), 0, len)) &&
            io->read_at(io->handle, 0, buf, len) == len) {
            for (pos = 24; pos + 4 <= len - 4; ) {
                uint32_t code = be ? (uint32_t)buf[pos] << 8 | buf[pos + 1] : (uint32_t)buf[pos + 1] << 8 | buf[pos];
                uint32_t olen = be ? (uint32_t)buf[pos + 2] << 8 | buf[pos + 3] : (uint32_t)buf[pos + 3] << 8 | buf[pos + 2];
                if (code == 0 || pos + 4 + olen > len - 4) break;
                if (code == 1) { res = dup_n(buf + pos + 4, strnlen((char *)buf + pos + 4, olen)); break; }
                pos += 4 + ((olen + 3) & ~3u);
            }
        }
    }
    HeapFree(GetProcessHeap(), 0, buf);
    return res ? res : dup_n((const uint8_t *)"", 0);
}
