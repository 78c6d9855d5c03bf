/* topusers.c - sample expert "Top Users": counts, for every IPv4 and IPv6 address in
 * an Ethernet capture, the frames and bytes it sent and received, and reports the top N
 * talkers by total bytes as events (N = 10, or a DWORD in the configuration).
 * Written as a third party would: <netmon.h>, the Expert* functions, nothing else. */
#include <windows.h>
#include <netmon.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_TOP 10
#define MAX_TOP 1000
#define STATUS_EVERY 1000       /* frames between two progress reports */
#define FIRST_CAPACITY 64       /* talkers; the hash index has twice as many slots */
#define NCOLUMNS 5

__declspec(dllexport) BOOL WINAPI Register(PEXPERTENUMINFO info);
__declspec(dllexport) BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config,
                                      PEXPERTSTARTUPINFO startup, DWORD flags, HWND wnd);

/* One address. bytes are 64-bit here and clamped to the UINT32 columns on output. */
struct talker {
    BYTE family;                /* 4 or 6 */
    BYTE addr[16];              /* IPv4 uses the first 4 bytes */
    DWORD frames_sent, frames_received;
    ULONGLONG bytes_sent, bytes_received;
};

/* The talkers in a dense array, found through an open-addressed index of array
 * positions + 1 (0 = empty slot). Both live in ExpertAllocMemory memory, so the host
 * reclaims them if we fail, and grow together with ExpertReallocMemory (load <= 1/2). */
struct table {
    HEXPERTKEY key;
    struct talker *talkers;
    DWORD count, capacity;
    DWORD *slots;
    DWORD nslots;               /* a power of two, 2 * capacity */
};

/* An event with room for our columns; they must start where NMEVENTDATA's Column[]
 * does (NMEVENTDATA ends in a zero-length array). */
struct talker_event {
    NMEVENTDATA head;
    NMCOLUMNINFO column[NCOLUMNS];
};
_Static_assert(offsetof(struct talker_event, column) == offsetof(NMEVENTDATA, Column),
               "columns must follow NMEVENTDATA directly");

static DWORD get16(const BYTE *p)
{
    return (DWORD)p[0] << 8 | p[1];
}

/* Finds the network layer of an Ethernet II frame, under any 802.1Q / 802.1ad tags.
 * Returns its EtherType (0 if the frame is too short) and its offset in *off. */
static DWORD ether_payload(const BYTE *mac, DWORD avail, DWORD *off)
{
    DWORD type, o = 14;

    if (avail < 14)
        return 0;
    type = get16(mac + 12);
    while ((type == 0x8100 || type == 0x88a8 || type == 0x9100) && avail >= o + 4) {
        type = get16(mac + o + 2);
        o += 4;
    }
    *off = o;
    return type;
}

static DWORD hash_addr(BYTE family, const BYTE *addr)
{
    DWORD h = 2166136261u, i, len = family == 4 ? 4 : 16;   /* FNV-1a */

    h = (h ^ family) * 16777619u;
    for (i = 0; i < len; i++)
        h = (h ^ addr[i]) * 16777619u;
    return h;
}

static void index_insert(struct table *t, DWORD pos)
{
    const struct talker *tk = &t->talkers[pos];
    DWORD mask = t->nslots - 1, s = hash_addr(tk->family, tk->addr) & mask;

    while (t->slots[s])
        s = (s + 1) & mask;
    t->slots[s] = pos + 1;
}

/* Doubles both arrays and rebuilds the index. On failure the old arrays stay valid
 * (ExpertReallocMemory keeps the original block when it fails). */
static DWORD table_grow(struct table *t)
{
    DWORD cap = t->capacity ? t->capacity * 2 : FIRST_CAPACITY, err = NMERR_SUCCESS, i;
    struct talker *talkers;
    DWORD *slots;

    talkers = t->talkers ? ExpertReallocMemory(t->key, t->talkers, cap * sizeof(*talkers), &err)
                         : ExpertAllocMemory(t->key, cap * sizeof(*talkers), &err);
    if (!talkers)
        return err != NMERR_SUCCESS ? err : NMERR_OUT_OF_MEMORY;
    t->talkers = talkers;
    t->capacity = cap;

    slots = t->slots ? ExpertReallocMemory(t->key, t->slots, 2 * cap * sizeof(*slots), &err)
                     : ExpertAllocMemory(t->key, 2 * cap * sizeof(*slots), &err);
    if (!slots)
        return err != NMERR_SUCCESS ? err : NMERR_OUT_OF_MEMORY;
    t->slots = slots;
    t->nslots = 2 * cap;
    memset(t->slots, 0, t->nslots * sizeof(*slots));
    for (i = 0; i < t->count; i++)
        index_insert(t, i);
    return NMERR_SUCCESS;
}

/* Returns the talker for an address, adding it if new; NULL with *err on failure. */
static struct talker *table_find(struct table *t, BYTE family, const BYTE *addr, DWORD *err)
{
    DWORD len = family == 4 ? 4 : 16, mask, s, pos;
    struct talker *tk;

    if (t->count == t->capacity && (*err = table_grow(t)) != NMERR_SUCCESS)
        return NULL;
    mask = t->nslots - 1;
    for (s = hash_addr(family, addr) & mask; t->slots[s]; s = (s + 1) & mask) {
        tk = &t->talkers[t->slots[s] - 1];
        if (tk->family == family && memcmp(tk->addr, addr, len) == 0)
            return tk;
    }
    pos = t->count++;
    tk = &t->talkers[pos];
    memset(tk, 0, sizeof(*tk));
    tk->family = family;
    memcpy(tk->addr, addr, len);
    t->slots[s] = pos + 1;
    return tk;
}

static void table_free(struct table *t)
{
    if (t->talkers)
        ExpertFreeMemory(t->key, t->talkers);
    if (t->slots)
        ExpertFreeMemory(t->key, t->slots);
    t->talkers = NULL;
    t->slots = NULL;
}

/* Counts one frame for its source and destination address, if it carries IP. */
static DWORD count_frame(struct table *t, const FRAME UNALIGNED *f)
{
    const BYTE *mac = f->MacFrame, *src, *dst;
    DWORD avail = f->nBytesAvail, off = 0, type, err = NMERR_SUCCESS;
    struct talker *tk;
    BYTE family;

    type = ether_payload(mac, avail, &off);
    /* IPv4 needs version 4 and a sane header length (IHL >= 5 words). */
    if (type == 0x0800 && avail >= off + 20 && (mac[off] >> 4) == 4 && (mac[off] & 0x0f) >= 5) {
        family = 4;
        src = mac + off + 12;
        dst = mac + off + 16;
    } else if (type == 0x86dd && avail >= off + 40 && (mac[off] >> 4) == 6) {
        family = 6;
        src = mac + off + 8;
        dst = mac + off + 24;
    } else {
        return NMERR_SUCCESS;   /* not IP, or the header was not captured */
    }

    if (!(tk = table_find(t, family, src, &err)))
        return err;
    tk->frames_sent++;
    tk->bytes_sent += f->FrameLength;
    if (!(tk = table_find(t, family, dst, &err)))
        return err;
    tk->frames_received++;
    tk->bytes_received += f->FrameLength;
    return NMERR_SUCCESS;
}

/* Most bytes first; ties by frames, then by address, so the order is reproducible. */
static int by_traffic(const void *a, const void *b)
{
    const struct talker *x = a, *y = b;
    ULONGLONG bx = x->bytes_sent + x->bytes_received, by = y->bytes_sent + y->bytes_received;
    DWORD fx = x->frames_sent + x->frames_received, fy = y->frames_sent + y->frames_received;

    if (bx != by)
        return bx > by ? -1 : 1;
    if (fx != fy)
        return fx > fy ? -1 : 1;
    if (x->family != y->family)
        return x->family < y->family ? -1 : 1;
    return memcmp(x->addr, y->addr, 16);
}

/* Dotted quad, or RFC 5952 text for IPv6 (longest zero run as "::", IPv4-mapped
 * addresses as ::ffff:a.b.c.d). */
static void format_addr(const struct talker *tk, char *out, size_t size)
{
    static const BYTE mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
    const BYTE *a = tk->addr;
    int best = -1, best_len = 0, run = 0, i;
    size_t n = 0;

    if (tk->family == 4) {
        snprintf(out, size, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
        return;
    }
    if (memcmp(a, mapped, sizeof(mapped)) == 0) {
        snprintf(out, size, "::ffff:%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
        return;
    }
    for (i = 0; i < 8; i++) {
        run = get16(a + 2 * i) == 0 ? run + 1 : 0;
        if (run > best_len) {
            best_len = run;
            best = i - run + 1;
        }
    }
    if (best_len < 2)
        best = -1;              /* a single zero group is not shortened */
    out[0] = '\0';
    for (i = 0; i < 8 && n < size; i++) {
        if (i == best) {
            n += snprintf(out + n, size - n, "::");
            i += best_len - 1;
            continue;
        }
        n += snprintf(out + n, size - n, "%s%lx",
                      (i == 0 || i == best + best_len) ? "" : ":", get16(a + 2 * i));
    }
}

/* Decimal text of a 64-bit count; printf's 64-bit conversions differ between the
 * Microsoft and the GNU formats, so do it by hand. */
static const char *u64_text(ULONGLONG v, char *buf, size_t size)
{
    char *p = buf + size - 1;

    *p = '\0';
    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v && p > buf);
    return p;
}

static DWORD clamp32(ULONGLONG v)
{
    return v > 0xffffffffu ? 0xffffffffu : (DWORD)v;
}

static void set_uint32(NMCOLUMNINFO *col, char *name, DWORD value)
{
    col->szColumnName = name;
    col->VariantData.Type = NMCOLUMNTYPE_UINT32;
    col->VariantData.Value.Uint32Val = value;
}

/* Submits one event for the talker ranked rank (1-based). */
static DWORD submit_talker(HEXPERTKEY key, const struct talker *tk, DWORD rank)
{
    struct talker_event ev;
    char addr[64], desc[256], sent[24], received[24];

    format_addr(tk, addr, sizeof(addr));
    snprintf(desc, sizeof(desc),
             "#%lu %s: sent %lu frames / %s bytes, received %lu frames / %s bytes",
             rank, addr, tk->frames_sent, u64_text(tk->bytes_sent, sent, sizeof(sent)),
             tk->frames_received, u64_text(tk->bytes_received, received, sizeof(received)));

    memset(&ev, 0, sizeof(ev));
    ev.head.Version = 0;
    ev.head.EventIdent = 1;
    ev.head.Flags = NMEVENTFLAG_EXPERT;
    ev.head.Severity = NMEVENT_SEVERITY_INFORMATIONAL;
    ev.head.NumColumns = NCOLUMNS;
    ev.head.szSourceName = "Top Users";
    ev.head.szEventName = "Top user";
    ev.head.szDescription = desc;     /* the host copies the event and its strings */
    ev.column[0].szColumnName = "address";
    ev.column[0].VariantData.Type = NMCOLUMNTYPE_STRING;
    ev.column[0].VariantData.Value.pStringVal = addr;
    set_uint32(&ev.column[1], "frames_sent", tk->frames_sent);
    set_uint32(&ev.column[2], "frames_received", tk->frames_received);
    set_uint32(&ev.column[3], "bytes_sent", clamp32(tk->bytes_sent));
    set_uint32(&ev.column[4], "bytes_received", clamp32(tk->bytes_received));
    return ExpertSubmitEvent(key, &ev.head);
}

/* N from the configuration: a DWORD at the start of RawConfigData; 0 means default. */
static DWORD top_count(PEXPERTCONFIG config, DWORD flags)
{
    DWORD n = 0;

    if (config && !(flags & EXPERT_STARTUP_FLAG_USE_STARTUP_DATA_OVER_CONFIG_DATA) &&
        config->RawConfigLength >= sizeof(DWORD) + sizeof(n))
        memcpy(&n, config->RawConfigData, sizeof(n));
    if (n == 0)
        return DEFAULT_TOP;
    return n > MAX_TOP ? MAX_TOP : n;
}

/* The number of frames, for the percentages: a quick first pass. */
static DWORD count_frames(HEXPERTKEY key, DWORD *total)
{
    EXPERTFRAMEDESCRIPTOR desc;
    DWORD n = INVALID_FRAME_NUMBER, rc;

    *total = 0;
    while ((rc = ExpertGetFrame(key, GET_FRAME_NEXT_FORWARD, 0, n, NULL, &desc)) ==
           NMERR_SUCCESS) {
        ++*total;
        n = desc.FrameNumber;
    }
    return rc == NMERR_NO_MORE_FRAMES ? NMERR_SUCCESS : rc;
}

/* Says why we stop, unless the host asked us to (then it already knows). */
static BOOL give_up(HEXPERTKEY key, const char *what, DWORD rc)
{
    char text[EXPERTSTRINGLENGTH];

    if (rc != NMERR_EXPERT_TERMINATE) {
        snprintf(text, sizeof(text), "Top Users: %s failed (NMERR %lu)", what, rc);
        ExpertIndicateStatus(key, EXPERTSTATUS_PROBLEM, 0, text, 0);
    }
    return FALSE;
}

BOOL WINAPI Register(PEXPERTENUMINFO info)
{
    snprintf(info->szName, sizeof(info->szName), "Top Users");
    snprintf(info->szVendor, sizeof(info->szVendor), "nmshim");
    snprintf(info->szDescription, sizeof(info->szDescription),
             "Frames and bytes sent and received per IP address; the top talkers by bytes");
    info->Version = 0;
    info->Flags = 0;
    return TRUE;
}

BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config, PEXPERTSTARTUPINFO startup,
                DWORD flags, HWND wnd)
{
    struct table t;
    EXPERTFRAMEDESCRIPTOR desc;         /* ours, not the host's (ExpertGetFrame page) */
    char text[EXPERTSTRINGLENGTH];
    DWORD total, done = 0, n, rc, top, i;
    BOOL ok = FALSE;

    (void)startup; (void)wnd;

    memset(&t, 0, sizeof(t));
    t.key = key;
    top = top_count(config, flags);

    rc = ExpertIndicateStatus(key, EXPERTSTATUS_RUNNING, 0, "Top Users: counting frames", 0);
    if (rc != NMERR_SUCCESS)
        return give_up(key, "status", rc);
    if ((rc = count_frames(key, &total)) != NMERR_SUCCESS)
        return give_up(key, "reading the capture", rc);

    for (n = INVALID_FRAME_NUMBER;; n = desc.FrameNumber) {
        rc = ExpertGetFrame(key, GET_FRAME_NEXT_FORWARD, 0, n, NULL, &desc);
        if (rc == NMERR_NO_MORE_FRAMES)
            break;
        if (rc != NMERR_SUCCESS) {
            give_up(key, "ExpertGetFrame", rc);
            goto out;
        }
        if ((rc = count_frame(&t, desc.pFrame)) != NMERR_SUCCESS) {
            give_up(key, "growing the address table", rc);
            goto out;
        }
        if (++done % STATUS_EVERY == 0) {
            snprintf(text, sizeof(text), "Top Users: %lu of %lu frames, %lu addresses",
                     done, total, t.count);
            /* total may be stale if the capture changed: keep the percent <= 99. */
            rc = ExpertIndicateStatus(key, EXPERTSTATUS_RUNNING, 0, text,
                                      done >= total ? 99 : (LONG)((ULONGLONG)done * 99 / total));
            if (rc != NMERR_SUCCESS) {
                give_up(key, "status", rc);
                goto out;
            }
        }
    }

    /* The index is not needed any more; sorting moves the talkers themselves. */
    ExpertFreeMemory(key, t.slots);
    t.slots = NULL;
    if (t.count > 1)
        qsort(t.talkers, t.count, sizeof(*t.talkers), by_traffic);
    for (i = 0; i < t.count && i < top; i++) {
        if ((rc = submit_talker(key, &t.talkers[i], i + 1)) != NMERR_SUCCESS) {
            give_up(key, "ExpertSubmitEvent", rc);
            goto out;
        }
    }
    snprintf(text, sizeof(text), "Top Users: %lu frames, %lu addresses, %lu reported",
             done, t.count, i);
    rc = ExpertIndicateStatus(key, EXPERTSTATUS_RUNNING, 0, text, 99);
    ok = rc == NMERR_SUCCESS;
out:
    table_free(&t);
    return ok;
}
