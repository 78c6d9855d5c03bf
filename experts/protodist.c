/* protodist.c - sample expert "Protocol Distribution": frames and bytes per EtherType
 * (under any 802.1Q/802.1ad tags) and per IP protocol (IPv4 protocol field, or the IPv6
 * next header after extension headers), with their shares of all frames and bytes, one
 * event per protocol. Written as a third party would: <netmon.h> and the Expert*
 * functions only. */
#include <windows.h>
#include <netmon.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STATUS_EVERY 1000       /* frames between two progress reports */
#define FIRST_CAPACITY 16       /* EtherType entries; doubled as needed */
#define NCOLUMNS 7
#define LAYER_ETHERTYPE 1       /* also the EventIdent of its events */
#define LAYER_IPPROTO 2
#define ETHERTYPE_8023 0        /* the value reported for 802.3 (length) frames */

__declspec(dllexport) BOOL WINAPI Register(PEXPERTENUMINFO info);
__declspec(dllexport) BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config,
                                      PEXPERTSTARTUPINFO startup, DWORD flags, HWND wnd);

struct proto_count {
    DWORD value;                /* EtherType or IP protocol number */
    DWORD frames;
    ULONGLONG bytes;
};

/* EtherTypes are few but 16-bit: a small growable array. IP protocols are 8-bit: a
 * fixed array of 256, indexed by number. Both in ExpertAllocMemory memory. */
struct counts {
    HEXPERTKEY key;
    struct proto_count *ether;
    DWORD nether, ether_capacity, last;     /* last: index of the last hit */
    struct proto_count *ip;                 /* 256 entries */
    DWORD frames;                           /* all frames, for the percentages */
    ULONGLONG bytes;
};

/* An event with room for our columns; they must start where NMEVENTDATA's Column[]
 * does (NMEVENTDATA ends in a zero-length array). */
struct proto_event {
    NMEVENTDATA head;
    NMCOLUMNINFO column[NCOLUMNS];
};
_Static_assert(offsetof(struct proto_event, column) == offsetof(NMEVENTDATA, Column),
               "columns must follow NMEVENTDATA directly");

struct name {
    DWORD value;
    const char *text;
};

static const struct name ether_names[] = {
    { ETHERTYPE_8023, "802.3" }, { 0x0800, "IPv4" }, { 0x0806, "ARP" },
    { 0x8035, "RARP" }, { 0x809b, "AppleTalk" }, { 0x8100, "802.1Q" },
    { 0x8137, "IPX" }, { 0x86dd, "IPv6" }, { 0x8847, "MPLS" }, { 0x8848, "MPLS-MC" },
    { 0x8863, "PPPoE-Discovery" }, { 0x8864, "PPPoE-Session" }, { 0x888e, "EAPOL" },
    { 0x88a8, "802.1ad" },
};

static const struct name ip_names[] = {
    { 0, "HOPOPT" }, { 1, "ICMP" }, { 2, "IGMP" }, { 4, "IPIP" }, { 6, "TCP" },
    { 17, "UDP" }, { 41, "IPv6" }, { 43, "IPv6-Route" }, { 44, "IPv6-Frag" },
    { 47, "GRE" }, { 50, "ESP" }, { 51, "AH" }, { 58, "ICMPv6" }, { 59, "IPv6-NoNxt" },
    { 60, "IPv6-Opts" }, { 89, "OSPF" }, { 103, "PIM" }, { 112, "VRRP" }, { 132, "SCTP" },
};

static DWORD get16(const BYTE *p)
{
    return (DWORD)p[0] << 8 | p[1];
}

/* Finds the network layer of an Ethernet II frame, under any 802.1Q / 802.1ad tags.
 * Returns FALSE if not even the Ethernet header was captured. */
static BOOL ether_payload(const BYTE *mac, DWORD avail, DWORD *type, DWORD *off)
{
    DWORD o = 14;

    if (avail < 14)
        return FALSE;
    *type = get16(mac + 12);
    while ((*type == 0x8100 || *type == 0x88a8 || *type == 0x9100) && avail >= o + 4) {
        *type = get16(mac + o + 2);
        o += 4;
    }
    *off = o;
    return TRUE;
}

/* The transport protocol of an IPv6 packet: follows hop-by-hop, routing, fragment,
 * destination-options and AH headers as far as they were captured. A chain cut short
 * by the capture reports the last header that could be read. */
static DWORD ipv6_upper(const BYTE *ip, DWORD avail)
{
    DWORD next = ip[6], off = 40, len, hops;

    for (hops = 0; hops < 8 && avail >= off + 8; hops++) {
        switch (next) {
        case 0: case 43: case 60:   /* length in 8-byte units, not counting the first */
            len = ((DWORD)ip[off + 1] + 1) * 8;
            break;
        case 44:                    /* fragment header: fixed 8 bytes */
            len = 8;
            break;
        case 51:                    /* AH: length in 4-byte units, minus 2 */
            len = ((DWORD)ip[off + 1] + 2) * 4;
            break;
        default:
            return next;
        }
        next = ip[off];
        off += len;
    }
    return next;
}

static const char *lookup(const struct name *names, size_t count, DWORD value)
{
    size_t i;

    for (i = 0; i < count; i++)
        if (names[i].value == value)
            return names[i].text;
    return NULL;
}

/* The entry for an EtherType, added if new; NULL with *err on failure. */
static struct proto_count *ether_entry(struct counts *c, DWORD type, DWORD *err)
{
    struct proto_count *grown;
    DWORD i, cap;

    /* Captures are dominated by one or two EtherTypes: try the last hit first. */
    if (c->last < c->nether && c->ether[c->last].value == type)
        return &c->ether[c->last];
    for (i = 0; i < c->nether; i++)
        if (c->ether[i].value == type)
            return &c->ether[c->last = i];
    if (c->nether == c->ether_capacity) {
        cap = c->ether_capacity * 2;
        grown = ExpertReallocMemory(c->key, c->ether, cap * sizeof(*grown), err);
        if (!grown)
            return NULL;        /* the old array is still ours and still valid */
        c->ether = grown;
        c->ether_capacity = cap;
    }
    c->last = c->nether++;
    memset(&c->ether[c->last], 0, sizeof(*c->ether));
    c->ether[c->last].value = type;
    return &c->ether[c->last];
}

static DWORD count_frame(struct counts *c, const FRAME UNALIGNED *f)
{
    const BYTE *mac = f->MacFrame;
    DWORD avail = f->nBytesAvail, type, off, proto, err = NMERR_OUT_OF_MEMORY;
    struct proto_count *e;

    c->frames++;
    c->bytes += f->FrameLength;
    if (!ether_payload(mac, avail, &type, &off))
        return NMERR_SUCCESS;   /* a runt: only in the totals */
    if (!(e = ether_entry(c, type < 0x0600 ? ETHERTYPE_8023 : type, &err)))
        return err;
    e->frames++;
    e->bytes += f->FrameLength;

    /* IPv4 needs version 4 and a sane header length (IHL >= 5 words). */
    if (type == 0x0800 && avail >= off + 20 && (mac[off] >> 4) == 4 && (mac[off] & 0x0f) >= 5)
        proto = mac[off + 9];
    else if (type == 0x86dd && avail >= off + 40 && (mac[off] >> 4) == 6)
        proto = ipv6_upper(mac + off, avail - off);
    else
        return NMERR_SUCCESS;
    c->ip[proto].value = proto;
    c->ip[proto].frames++;
    c->ip[proto].bytes += f->FrameLength;
    return NMERR_SUCCESS;
}

/* Most frames first, then most bytes, then lowest number: a reproducible order. */
static int by_frames(const void *a, const void *b)
{
    const struct proto_count *x = a, *y = b;

    if (x->frames != y->frames)
        return x->frames > y->frames ? -1 : 1;
    if (x->bytes != y->bytes)
        return x->bytes > y->bytes ? -1 : 1;
    return x->value < y->value ? -1 : x->value > y->value;
}

static double share(ULONGLONG part, ULONGLONG whole)
{
    return whole ? (double)part * 100.0 / (double)whole : 0.0;
}

/* The columns are UINT32: a count past 4 GiB is shown as the largest value. */
static DWORD clamp32(ULONGLONG v)
{
    return v > 0xffffffffu ? 0xffffffffu : (DWORD)v;
}

static void set_column(NMCOLUMNINFO *col, char *name, NMCOLUMNTYPE type)
{
    col->szColumnName = name;
    col->VariantData.Type = type;
}

static DWORD submit_entry(const struct counts *c, DWORD layer, const struct proto_count *e)
{
    struct proto_event ev;
    char proto[16], desc[160];
    const char *known;
    double frames_pct = share(e->frames, c->frames), bytes_pct = share(e->bytes, c->bytes);

    /* Unknown numbers are shown the way they are usually written: hex EtherTypes,
     * decimal IP protocols. */
    if (layer == LAYER_ETHERTYPE) {
        known = lookup(ether_names, ARRAYSIZE(ether_names), e->value);
        if (known)
            snprintf(proto, sizeof(proto), "%s", known);
        else
            snprintf(proto, sizeof(proto), "0x%04lx", e->value);
    } else {
        known = lookup(ip_names, ARRAYSIZE(ip_names), e->value);
        if (known)
            snprintf(proto, sizeof(proto), "%s", known);
        else
            snprintf(proto, sizeof(proto), "%lu", e->value);
    }
    snprintf(desc, sizeof(desc), "%s %s (%lu): %lu frames (%.2f%%), %lu bytes (%.2f%%)",
             layer == LAYER_ETHERTYPE ? "EtherType" : "IP protocol", proto, e->value,
             e->frames, frames_pct, clamp32(e->bytes), bytes_pct);

    memset(&ev, 0, sizeof(ev));
    ev.head.Version = 0;
    ev.head.EventIdent = layer;
    ev.head.Flags = NMEVENTFLAG_EXPERT;
    ev.head.Severity = NMEVENT_SEVERITY_INFORMATIONAL;
    ev.head.NumColumns = NCOLUMNS;
    ev.head.szSourceName = "Protocol Distribution";
    ev.head.szEventName = layer == LAYER_ETHERTYPE ? "EtherType" : "IP protocol";
    ev.head.szDescription = desc;     /* the host copies the event and its strings */
    set_column(&ev.column[0], "layer", NMCOLUMNTYPE_STRING);
    ev.column[0].VariantData.Value.pStringVal = layer == LAYER_ETHERTYPE ? "ethertype" : "ipproto";
    set_column(&ev.column[1], "protocol", NMCOLUMNTYPE_STRING);
    ev.column[1].VariantData.Value.pStringVal = proto;
    set_column(&ev.column[2], "value", NMCOLUMNTYPE_UINT32);
    ev.column[2].VariantData.Value.Uint32Val = e->value;
    set_column(&ev.column[3], "frames", NMCOLUMNTYPE_UINT32);
    ev.column[3].VariantData.Value.Uint32Val = e->frames;
    set_column(&ev.column[4], "bytes", NMCOLUMNTYPE_UINT32);
    ev.column[4].VariantData.Value.Uint32Val = clamp32(e->bytes);
    set_column(&ev.column[5], "frames_pct", NMCOLUMNTYPE_FLOAT64);
    ev.column[5].VariantData.Value.Float64Val = frames_pct;
    set_column(&ev.column[6], "bytes_pct", NMCOLUMNTYPE_FLOAT64);
    ev.column[6].VariantData.Value.Float64Val = bytes_pct;
    return ExpertSubmitEvent(c->key, &ev.head);
}

/* The number of frames, for the progress percentages: a quick first pass. */
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
        snprintf(text, sizeof(text), "Protocol Distribution: %s failed (NMERR %lu)", what, rc);
        ExpertIndicateStatus(key, EXPERTSTATUS_PROBLEM, 0, text, 0);
    }
    return FALSE;
}

static void counts_free(struct counts *c)
{
    if (c->ether)
        ExpertFreeMemory(c->key, c->ether);
    if (c->ip)
        ExpertFreeMemory(c->key, c->ip);
    c->ether = c->ip = NULL;
}

BOOL WINAPI Register(PEXPERTENUMINFO info)
{
    snprintf(info->szName, sizeof(info->szName), "Protocol Distribution");
    snprintf(info->szVendor, sizeof(info->szVendor), "nmshim");
    snprintf(info->szDescription, sizeof(info->szDescription),
             "Frames and bytes per EtherType and per IP protocol, with their shares");
    info->Version = 0;
    info->Flags = 0;
    return TRUE;
}

BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config, PEXPERTSTARTUPINFO startup,
                DWORD flags, HWND wnd)
{
    struct counts c;
    EXPERTFRAMEDESCRIPTOR desc;         /* ours, not the host's (ExpertGetFrame page) */
    char text[EXPERTSTRINGLENGTH];
    DWORD total, n, rc, err = NMERR_SUCCESS, i, nip = 0;
    BOOL ok = FALSE;

    (void)config; (void)startup; (void)flags; (void)wnd;

    memset(&c, 0, sizeof(c));
    c.key = key;
    c.ether = ExpertAllocMemory(key, FIRST_CAPACITY * sizeof(*c.ether), &err);
    if (c.ether)
        c.ip = ExpertAllocMemory(key, 256 * sizeof(*c.ip), &err);
    if (!c.ether || !c.ip) {
        give_up(key, "ExpertAllocMemory", err);
        goto out;
    }
    c.ether_capacity = FIRST_CAPACITY;
    memset(c.ip, 0, 256 * sizeof(*c.ip));

    rc = ExpertIndicateStatus(key, EXPERTSTATUS_RUNNING, 0,
                              "Protocol Distribution: counting frames", 0);
    if (rc == NMERR_SUCCESS)
        rc = count_frames(key, &total);
    if (rc != NMERR_SUCCESS) {
        give_up(key, "reading the capture", rc);
        goto out;
    }

    for (n = INVALID_FRAME_NUMBER;; n = desc.FrameNumber) {
        rc = ExpertGetFrame(key, GET_FRAME_NEXT_FORWARD, 0, n, NULL, &desc);
        if (rc == NMERR_NO_MORE_FRAMES)
            break;
        if (rc != NMERR_SUCCESS) {
            give_up(key, "ExpertGetFrame", rc);
            goto out;
        }
        if ((rc = count_frame(&c, desc.pFrame)) != NMERR_SUCCESS) {
            give_up(key, "growing the EtherType table", rc);
            goto out;
        }
        if (c.frames % STATUS_EVERY == 0) {
            snprintf(text, sizeof(text), "Protocol Distribution: %lu of %lu frames",
                     c.frames, total);
            /* total may be stale if the capture changed: keep the percent <= 99. */
            rc = ExpertIndicateStatus(key, EXPERTSTATUS_RUNNING, 0, text,
                                      c.frames >= total ? 99
                                      : (LONG)((ULONGLONG)c.frames * 99 / total));
            if (rc != NMERR_SUCCESS) {
                give_up(key, "status", rc);
                goto out;
            }
        }
    }

    /* Pack the IP protocols that were seen to the front, then sort both lists. */
    for (i = 0; i < 256; i++)
        if (c.ip[i].frames)
            c.ip[nip++] = c.ip[i];
    qsort(c.ether, c.nether, sizeof(*c.ether), by_frames);
    qsort(c.ip, nip, sizeof(*c.ip), by_frames);
    /* rc still holds the loop's NMERR_NO_MORE_FRAMES: with nothing counted (an empty
     * capture, or only runts under 14 bytes) no event is submitted and that stale code
     * must not be taken for a failure. Nothing counted means no events, and says so. */
    rc = NMERR_SUCCESS;
    for (i = 0; i < c.nether; i++)
        if ((rc = submit_entry(&c, LAYER_ETHERTYPE, &c.ether[i])) != NMERR_SUCCESS)
            break;
    for (i = 0; rc == NMERR_SUCCESS && i < nip; i++)
        rc = submit_entry(&c, LAYER_IPPROTO, &c.ip[i]);
    if (rc != NMERR_SUCCESS) {
        give_up(key, "ExpertSubmitEvent", rc);
        goto out;
    }

    if (!c.nether)
        snprintf(text, sizeof(text), "Protocol Distribution: %lu frames, none with an "
                 "Ethernet header: nothing to count", c.frames);
    else
        snprintf(text, sizeof(text),
                 "Protocol Distribution: %lu frames, %lu EtherTypes, %lu IP protocols",
                 c.frames, c.nether, nip);
    rc = ExpertIndicateStatus(key, EXPERTSTATUS_RUNNING, 0, text, 99);
    ok = rc == NMERR_SUCCESS;
out:
    counts_free(&c);
    return ok;
}
