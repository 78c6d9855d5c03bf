/*
 * framefuncs.c - the frame and capture "common functions" (nmapi.@): GetFrame*,
 * GetCapture*, the address functions, FindNextFrame/FindPreviousFrame and the frame
 * locks, served from the same captures ExpertGetFrame reads (docs/nmapi-functions.md §1,
 * docs/sdk-help.md §4.1, §4.4).
 *
 * Every HFRAME and HCAPTURE is decoded and checked in handles.c before use; bad ones get
 * the documented failure value and BHGetLastError() says NMERR_INVALID_HFRAME /
 * NMERR_INVALID_HCAPTURE. Caller memory (addresses, strings, out-parameters) is read and
 * written under the fault guard (nm_safe_copy), never trusted.
 *
 * Ours, where the documentation is silent:
 *  - GetFrameTimeStamp and FRAME.TimeStamp: microseconds since the capture's first frame.
 *  - GetCaptureTimeStamp: the first frame's time, UTC (NetMon 2.x: its header's time, read
 *    as UTC like capture_netmon.c does).
 *  - GetCaptureComment: "" when the capture has no comment (NULL means a bad handle).
 *  - Addresses: MAC addresses on Ethernet, Token Ring and FDDI; IP and IP6 addresses
 *    behind Ethernet (Ethernet II, 802.1Q/802.1ad tags, SNAP), Token Ring/FDDI SNAP and raw IP frames.
 *    Written: the Type and the address bytes only, never Flags (a legacy ADDRESS is 16
 *    bytes, ADDRESS2 22: docs/sdk-samples.md Appendix C).
 *  - FindNextFrame/FindPreviousFrame recognise ETHERNET, TOKENRING, FDDI, ARP, IP, IP6,
 *    ICMP, ICMP6, TCP and UDP by themselves (until the parser engine lands); the search
 *    covers 1,000 frames from OriginalFrameNumber (the documented default MAXLOOKBACK).
 */
#include <string.h>
#include "handles.h"
#include "nmapi_compat.h"
#include "expert.h"

#define LT_ETHERNET 1u
#define LT_TOKENRING 6u
#define LT_FDDI 10u
#define LT_RAW 101u
#define LT_IPV4 228u
#define LT_IPV6 229u
#define MAX_LOOKBACK 1000u

/* Looks up and loads a frame: the entry with *c held, or NULL (nothing held). */
static const struct nm_frame_entry *frame_get(HFRAME h, struct nm_hcap **c)
{
    const struct nm_frame_entry *e;
    DWORD n;

    if (nm_handles_lookup_frame(h, c, &n)) {
        BHSetLastError(NMERR_INVALID_HFRAME);
        return NULL;
    }
    if (!(e = nm_hcap_frame(*c, n))) {
        nm_handles_release(*c);
        *c = NULL;
        BHSetLastError(NMERR_FILE_READ_ERROR);
    }
    return e;
}

static struct nm_hcap *capture_get(HCAPTURE h)
{
    struct nm_hcap *c;

    if (nm_handles_lookup_capture(h, &c)) {
        BHSetLastError(NMERR_INVALID_HCAPTURE);
        return NULL;
    }
    return c;
}

static DWORD mac_type(DWORD link)
{
    switch (link) {
    case LT_ETHERNET: return MAC_TYPE_ETHERNET;
    case LT_TOKENRING: return MAC_TYPE_TOKENRING;
    case LT_FDDI: return MAC_TYPE_FDDI;
    default: return MAC_TYPE_UNKNOWN;
    }
}

static DWORD mac_header_length(const struct nm_frame_entry *e)
{
    const BYTE *b = e->frame.MacFrame;
    DWORD len = e->frame.nBytesAvail;

    switch (mac_type(e->link_type)) {
    case MAC_TYPE_ETHERNET: return 14;
    case MAC_TYPE_TOKENRING:       /* AC, FC, dst, src, then the routing field if any */
        return len > 14 && (b[8] & 0x80) ? 14 + (b[14] & 0x1f) : 14;
    case MAC_TYPE_FDDI: return 13;
    default: return 0;
    }
}

/* Where the network layer starts and its EtherType; -1 when we cannot tell. */
static int network_layer(const struct nm_frame_entry *e, DWORD *off, DWORD *etype)
{
    const BYTE *b = e->frame.MacFrame;
    DWORD len = e->frame.nBytesAvail, h;
    int tags = 0;

    if (e->link_type == LT_RAW || e->link_type == LT_IPV4 || e->link_type == LT_IPV6) {
        if (!len) return -1;
        *off = 0;
        *etype = (b[0] >> 4) == 6 ? 0x86dd : 0x0800;
        return 0;
    }
    if (mac_type(e->link_type) == MAC_TYPE_UNKNOWN || len < (h = mac_header_length(e))) return -1;
    if (mac_type(e->link_type) == MAC_TYPE_ETHERNET) {
        if (len < 14) return -1;
        *etype = (DWORD)b[12] << 8 | b[13];
        /* 802.1Q / 802.1ad (QinQ) tags, up to four deep */
        while ((*etype == 0x8100 || *etype == 0x88a8 || *etype == 0x9100) && tags++ < 4 && len >= h + 4) {
            *etype = (DWORD)b[h + 2] << 8 | b[h + 3];
            h += 4;
        }
        if (*etype >= 0x600) { *off = h; return 0; }
    }
    /* 802.2 LLC + SNAP (AA AA 03, OUI 0): the EtherType follows */
    if (len >= h + 8 && b[h] == 0xaa && b[h + 1] == 0xaa && b[h + 2] == 0x03 &&
        !b[h + 3] && !b[h + 4] && !b[h + 5]) {
        *etype = (DWORD)b[h + 6] << 8 | b[h + 7];
        *off = h + 8;
        return 0;
    }
    return -1;
}

static DWORD address_length(DWORD type)
{
    switch (type) {
    case ADDRESS_TYPE_ETHERNET: case ADDRESS_TYPE_TOKENRING: case ADDRESS_TYPE_FDDI:
        return MAC_ADDRESS_SIZE;
    case ADDRESS_TYPE_IP: return IP_ADDRESS_SIZE;
    case ADDRESS_TYPE_IP6: return IP6_ADDRESS_SIZE;
    case ADDRESS_TYPE_IPX: case ADDRESS_TYPE_XNS: return IPX_ADDR_SIZE;
    case ADDRESS_TYPE_VINES_IP: return VINES_IP_ADDRESS_SIZE;
    default: return 0;
    }
}

/* The offset and length of a frame's destination (dst) or source address of a type. */
static int address_offset(const struct nm_frame_entry *e, DWORD type, int dst, DWORD *off,
                          DWORD *len)
{
    DWORD mac = mac_type(e->link_type), avail = e->frame.nBytesAvail, l3, etype;

    if ((type == ADDRESS_TYPE_ETHERNET && mac == MAC_TYPE_ETHERNET) ||
        (type == ADDRESS_TYPE_TOKENRING && mac == MAC_TYPE_TOKENRING) ||
        (type == ADDRESS_TYPE_FDDI && mac == MAC_TYPE_FDDI)) {
        if (avail < mac_header_length(e)) return -1;     /* a cut MAC header: no addresses */
        *off = (mac == MAC_TYPE_ETHERNET ? 0 : mac == MAC_TYPE_TOKENRING ? 2 : 1) + (dst ? 0 : 6);
        *len = MAC_ADDRESS_SIZE;
    } else if (type == ADDRESS_TYPE_IP) {
        if (network_layer(e, &l3, &etype) || etype != 0x0800 || avail < l3 + 20 ||
            (e->frame.MacFrame[l3] >> 4) != 4) return -1;
        *off = l3 + (dst ? 16 : 12);
        *len = IP_ADDRESS_SIZE;
    } else if (type == ADDRESS_TYPE_IP6) {
        if (network_layer(e, &l3, &etype) || etype != 0x86dd || avail < l3 + 40 ||
            (e->frame.MacFrame[l3] >> 4) != 6) return -1;
        *off = l3 + (dst ? 24 : 8);
        *len = IP6_ADDRESS_SIZE;
    } else return -1;
    return *off + *len <= avail ? 0 : -1;
}

/* Reads a caller's ADDRESS/ADDRESS2: its Type and the bytes that type needs. */
static int read_address(const void *addr, DWORD *type, BYTE bytes[16], DWORD *len)
{
    if (!addr || nm_safe_copy(type, addr, sizeof(*type))) return -1;
    *len = address_length(*type);
    return *len && nm_safe_copy(bytes, (const BYTE *)addr + sizeof(DWORD), *len) ? -1 : 0;
}

/* ---- frames ---------------------------------------------------------------------------- */

/* GetFrame (nmapi.@) */
HFRAME WINAPI GetFrame(HCAPTURE hCapture, DWORD FrameNumber)
{
    struct nm_hcap *c = capture_get(hCapture);
    HFRAME f = NULL;

    if (c) {
        if (!(f = nm_hcap_frame_handle(c, FrameNumber))) BHSetLastError(NMERR_FRAME_NOT_FOUND);
        nm_handles_release(c);
    }
    TRACE("capture %p, frame %lu -> %p\n", hCapture, FrameNumber, f);
    return f;
}

/* GetFrameNumber (nmapi.@) */
DWORD WINAPI GetFrameNumber(HFRAME hFrame)
{
    struct nm_hcap *c;
    DWORD n;

    if (nm_handles_lookup_frame(hFrame, &c, &n)) {
        BHSetLastError(NMERR_INVALID_HFRAME);
        n = (DWORD)-1;
    } else nm_handles_release(c);
    TRACE("frame %p -> %lu\n", hFrame, n);
    return n;
}

/* GetFrameLength (nmapi.@): the length on the wire. */
DWORD WINAPI GetFrameLength(HFRAME hFrame)
{
    struct nm_hcap *c;
    const struct nm_frame_entry *e = frame_get(hFrame, &c);
    DWORD len = e ? e->frame.FrameLength : 0;

    nm_handles_release(c);
    TRACE("frame %p -> %lu\n", hFrame, len);
    return len;
}

/* GetFrameStoredLength (nmapi.@): the bytes captured. */
DWORD WINAPI GetFrameStoredLength(HFRAME hFrame)
{
    struct nm_hcap *c;
    const struct nm_frame_entry *e = frame_get(hFrame, &c);
    DWORD len = e ? e->frame.nBytesAvail : 0;

    nm_handles_release(c);
    TRACE("frame %p -> %lu\n", hFrame, len);
    return len;
}

/* GetFrameTimeStamp (nmapi.@) */
__int64 WINAPI GetFrameTimeStamp(HFRAME hFrame)
{
    struct nm_hcap *c;
    const struct nm_frame_entry *e = frame_get(hFrame, &c);
    __int64 ts = e ? e->frame.TimeStamp : -1;

    nm_handles_release(c);
    TRACE("frame %p -> %I64d\n", hFrame, ts);
    return ts;
}

/* GetFrameFromFrameHandle (nmapi.@): valid until the capture closes. */
ULPFRAME WINAPI GetFrameFromFrameHandle(HFRAME hFrame)
{
    struct nm_hcap *c;
    const struct nm_frame_entry *e = frame_get(hFrame, &c);
    ULPFRAME f = e ? (ULPFRAME)&e->frame : NULL;

    nm_handles_release(c);
    TRACE("frame %p -> %p\n", hFrame, f);
    return f;
}

/* ParserTemporaryLockFrame (nmapi.@): the frame's bytes. */
ULPBYTE WINAPI ParserTemporaryLockFrame(HFRAME hFrame)
{
    struct nm_hcap *c;
    const struct nm_frame_entry *e = frame_get(hFrame, &c);
    ULPBYTE p = e ? (ULPBYTE)e->frame.MacFrame : NULL;

    nm_handles_release(c);
    TRACE("frame %p -> %p\n", hFrame, p);
    return p;
}

/* LockFrame (nmapi.@): frames stay in memory until their capture closes; nothing to lock. */
ULPBYTE WINAPI LockFrame(HFRAME hFrame)
{
    return ParserTemporaryLockFrame(hFrame);
}

static DWORD frame_check(HFRAME hFrame)
{
    struct nm_hcap *c;
    DWORD n;

    if (nm_handles_lookup_frame(hFrame, &c, &n)) return BHSetLastError(NMERR_INVALID_HFRAME);
    nm_handles_release(c);
    return NMERR_SUCCESS;
}

/* UnlockFrame (nmapi.@) */
DWORD WINAPI UnlockFrame(HFRAME hFrame)
{
    DWORD err = frame_check(hFrame);

    TRACE("frame %p -> %lu\n", hFrame, err);
    return err;
}

/* ReleaseFrame (nmapi.@) */
DWORD WINAPI ReleaseFrame(HFRAME hFrame)
{
    DWORD err = frame_check(hFrame);

    TRACE("frame %p -> %lu\n", hFrame, err);
    return err;
}

/* GetFrameCaptureHandle (nmapi.@) */
HCAPTURE WINAPI GetFrameCaptureHandle(HFRAME hFrame)
{
    struct nm_hcap *c;
    HCAPTURE h = NULL;
    DWORD n;

    if (nm_handles_lookup_frame(hFrame, &c, &n)) BHSetLastError(NMERR_INVALID_HFRAME);
    else {
        h = nm_hcap_handle(c);
        nm_handles_release(c);
    }
    TRACE("frame %p -> %p\n", hFrame, h);
    return h;
}

/* GetFrameMacType (nmapi.@) */
DWORD WINAPI GetFrameMacType(HFRAME hFrame)
{
    struct nm_hcap *c;
    const struct nm_frame_entry *e = frame_get(hFrame, &c);
    DWORD mac = e ? mac_type(e->link_type) : MAC_TYPE_UNKNOWN;

    nm_handles_release(c);
    TRACE("frame %p -> %lu\n", hFrame, mac);
    return mac;
}

/* GetFrameMacHeaderLength (nmapi.@) */
DWORD WINAPI GetFrameMacHeaderLength(HFRAME hFrame)
{
    struct nm_hcap *c;
    const struct nm_frame_entry *e = frame_get(hFrame, &c);
    DWORD len = e ? mac_header_length(e) : 0;

    nm_handles_release(c);
    TRACE("frame %p -> %lu\n", hFrame, len);
    return len;
}

static DWORD address_offset_export(HFRAME hFrame, DWORD type, LPDWORD lpLength, int dst)
{
    struct nm_hcap *c;
    const struct nm_frame_entry *e = frame_get(hFrame, &c);
    DWORD off = (DWORD)-1, len = 0;

    if (e && address_offset(e, type, dst, &off, &len)) off = (DWORD)-1;
    nm_handles_release(c);
    if (off != (DWORD)-1 && lpLength && nm_safe_copy(lpLength, &len, sizeof(len))) off = (DWORD)-1;
    TRACE("frame %p, type %lu, %s -> %ld (length %lu)\n", hFrame, type, dst ? "dst" : "src",
          (long)off, len);
    return off;
}

/* GetFrameDstAddressOffset (nmapi.@) */
DWORD WINAPI GetFrameDstAddressOffset(HFRAME hFrame, DWORD AddressType, LPDWORD AddressLength)
{
    return address_offset_export(hFrame, AddressType, AddressLength, 1);
}

/* GetFrameSrcAddressOffset (nmapi.@) */
DWORD WINAPI GetFrameSrcAddressOffset(HFRAME hFrame, DWORD AddressType, LPDWORD AddressLength)
{
    return address_offset_export(hFrame, AddressType, AddressLength, 0);
}

static DWORD get_address(HFRAME hFrame, LPADDRESS2 lpAddress, DWORD type, int dst)
{
    struct nm_hcap *c;
    const struct nm_frame_entry *e = frame_get(hFrame, &c);
    BYTE out[sizeof(DWORD) + 16];
    DWORD off, len, err = NMERR_SUCCESS;

    if (!e) err = NMERR_INVALID_HFRAME;
    else if (address_offset(e, type, dst, &off, &len)) err = NMERR_PROTOCOL_NOT_FOUND;
    else {
        memcpy(out, &type, sizeof(type));
        memcpy(out + sizeof(type), e->frame.MacFrame + off, len);
    }
    nm_handles_release(c);
    if (!err && (!lpAddress || nm_safe_copy(lpAddress, out, sizeof(type) + len)))
        err = NMERR_INVALID_PARAMETER;
    TRACE("frame %p, type %lu, %s -> %lu\n", hFrame, type, dst ? "dst" : "src", err);
    return err;
}

/* GetFrameDestAddress (nmapi.@): the doc's BHERR_* codes are defined nowhere; their
 * NMERR_* namesakes. Flags (which address to prefer) changes nothing here. */
DWORD WINAPI GetFrameDestAddress(HFRAME hFrame, LPADDRESS2 lpAddress, DWORD AddressType, DWORD Flags)
{
    (void)Flags;
    return get_address(hFrame, lpAddress, AddressType, 1);
}

/* GetFrameSourceAddress (nmapi.@) */
DWORD WINAPI GetFrameSourceAddress(HFRAME hFrame, LPADDRESS2 lpAddress, DWORD AddressType, DWORD Flags)
{
    (void)Flags;
    return get_address(hFrame, lpAddress, AddressType, 0);
}

/* Does the frame's address (dst or src) equal the caller's ADDRESS? */
static BOOL frame_address_equals(const struct nm_frame_entry *e, const void *addr, int dst)
{
    BYTE want[16];
    DWORD type, len, off, flen;

    return !read_address(addr, &type, want, &len) && len &&
           !address_offset(e, type, dst, &off, &flen) && flen == len &&
           !memcmp(e->frame.MacFrame + off, want, len);
}

static BOOL compare_frame_address(HFRAME hFrame, LPADDRESS2 lpAddress, int dst)
{
    struct nm_hcap *c;
    const struct nm_frame_entry *e;
    BYTE copy[sizeof(DWORD) + 16];
    DWORD type, len;
    BOOL eq = FALSE;

    /* the caller's address is read before the registry lock is taken (expert.h) */
    if (!read_address(lpAddress, &type, copy + sizeof(DWORD), &len) && (e = frame_get(hFrame, &c))) {
        memcpy(copy, &type, sizeof(type));
        eq = frame_address_equals(e, copy, dst);
        nm_handles_release(c);
    }
    TRACE("frame %p, address %p, %s -> %d\n", hFrame, lpAddress, dst ? "dst" : "src", eq);
    return eq;
}

/* CompareFrameDestAddress (nmapi.@) */
WINBOOL WINAPI CompareFrameDestAddress(HFRAME hFrame, LPADDRESS2 lpAddress)
{
    return compare_frame_address(hFrame, lpAddress, 1);
}

/* CompareFrameSourceAddress (nmapi.@) */
WINBOOL WINAPI CompareFrameSourceAddress(HFRAME hFrame, LPADDRESS2 lpAddress)
{
    return compare_frame_address(hFrame, lpAddress, 0);
}

/* CompareAddresses (nmapi.@): by Type, then by the bytes the type needs. An unreadable
 * address sorts first; two unreadable ones compare equal only when both are NULL. */
int WINAPI CompareAddresses(LPADDRESS2 lpAddress1, LPADDRESS2 lpAddress2)
{
    BYTE a[16], b[16];
    DWORD t1, t2, l1, l2;
    int bad1 = read_address(lpAddress1, &t1, a, &l1), bad2 = read_address(lpAddress2, &t2, b, &l2);
    int res;

    if (bad1 || bad2) res = bad1 && bad2 ? (lpAddress1 == lpAddress2 ? 0 : -1) : bad1 ? -1 : 1;
    else if (t1 != t2) res = t1 < t2 ? -1 : 1;
    else res = l1 ? memcmp(a, b, l1) : 0;
    TRACE("%p, %p -> %d\n", lpAddress1, lpAddress2, res);
    return res;
}

/* CompareRawAddresses (nmapi.@, undocumented; prototype inferred: nmapi_compat.h) */
int WINAPI CompareRawAddresses(LPBYTE lpAddress1, LPBYTE lpAddress2, DWORD Length)
{
    BYTE a[16], b[16];
    int res;

    if (Length > sizeof(a)) Length = sizeof(a);
    if (!Length) res = 0;
    else if (nm_safe_copy(a, lpAddress1, Length)) res = -1;
    else if (nm_safe_copy(b, lpAddress2, Length)) res = 1;
    else res = memcmp(a, b, Length);
    TRACE("%p, %p, %lu -> %d\n", lpAddress1, lpAddress2, Length, res);
    return res;
}

/* MacTypeToAddressType (nmapi.@) */
DWORD WINAPI MacTypeToAddressType(DWORD MacType)
{
    DWORD r;

    switch (MacType) {
    case MAC_TYPE_ETHERNET: r = ADDRESS_TYPE_ETHERNET; break;
    case MAC_TYPE_TOKENRING: r = ADDRESS_TYPE_TOKENRING; break;
    case MAC_TYPE_FDDI: r = ADDRESS_TYPE_FDDI; break;
    case MAC_TYPE_ATM: r = ADDRESS_TYPE_ATM; break;
    case MAC_TYPE_1394: r = ADDRESS_TYPE_1394; break;
    default: r = (DWORD)-1; break;
    }
    TRACE("%lu -> %ld\n", MacType, (long)r);
    return r;
}

/* AddressTypeToMacType (nmapi.@, undocumented; netmon.h declares it) */
DWORD WINAPI AddressTypeToMacType(DWORD AddressType)
{
    DWORD r;

    switch (AddressType) {
    case ADDRESS_TYPE_ETHERNET: r = MAC_TYPE_ETHERNET; break;
    case ADDRESS_TYPE_TOKENRING: r = MAC_TYPE_TOKENRING; break;
    case ADDRESS_TYPE_FDDI: r = MAC_TYPE_FDDI; break;
    case ADDRESS_TYPE_ATM: r = MAC_TYPE_ATM; break;
    case ADDRESS_TYPE_1394: r = MAC_TYPE_1394; break;
    default: r = MAC_TYPE_UNKNOWN; break;
    }
    TRACE("%lu -> %lu\n", AddressType, r);
    return r;
}

/* ---- captures -------------------------------------------------------------------------- */

/* GetCaptureTotalFrames (nmapi.@) */
DWORD WINAPI GetCaptureTotalFrames(HCAPTURE hCapture)
{
    struct nm_hcap *c = capture_get(hCapture);
    DWORD n = c ? nm_hcap_frames(c) : 0;

    nm_handles_release(c);
    TRACE("capture %p -> %lu\n", hCapture, n);
    return n;
}

/* GetCaptureTimeStamp (nmapi.@): read-only, valid until the capture closes. */
LPSYSTEMTIME WINAPI GetCaptureTimeStamp(HCAPTURE hCapture)
{
    struct nm_hcap *c = capture_get(hCapture);
    LPSYSTEMTIME st = c ? (LPSYSTEMTIME)nm_hcap_start_time(c) : NULL;

    nm_handles_release(c);
    TRACE("capture %p -> %p\n", hCapture, st);
    return st;
}

/* GetCaptureMacType (nmapi.@): the doc's failure code NMERR_MAC_TYPE_UNKNOWN is defined
 * nowhere; a bad handle gives MAC_TYPE_UNKNOWN, and BHGetLastError says why. */
DWORD WINAPI GetCaptureMacType(HCAPTURE hCapture)
{
    struct nm_hcap *c = capture_get(hCapture);
    DWORD mac = c ? mac_type(nm_hcap_link_type(c)) : MAC_TYPE_UNKNOWN;

    nm_handles_release(c);
    TRACE("capture %p -> %lu\n", hCapture, mac);
    return mac;
}

/* GetCaptureComment (nmapi.@): read-only, valid until the capture closes. */
LPSTR WINAPI GetCaptureComment(HCAPTURE hCapture)
{
    struct nm_hcap *c = capture_get(hCapture);
    LPSTR s = c ? (LPSTR)nm_hcap_comment(c) : NULL;

    nm_handles_release(c);
    TRACE("capture %p -> %p\n", hCapture, s);
    return s;
}

/* GetCaptureCommentFromFilename (nmapi.@): opens the file as the host would; no comment
 * is success with an empty string; the comment is cut to BufferSize - 1 characters. */
DWORD WINAPI GetCaptureCommentFromFilename(LPSTR lpFilename, LPSTR lpComment, DWORD BufferSize)
{
    char path[MAX_PATH], *comment = NULL;
    struct NMSHIM_CAPTURE *cap = NULL;
    struct nm_hcap *c;
    size_t len = lpFilename ? nm_safe_strnlen(lpFilename, MAX_PATH) : (size_t)-1;
    DWORD err;

    if (len == (size_t)-1 || len >= MAX_PATH || !lpComment || !BufferSize) err = NMERR_INVALID_PARAMETER;
    else if (nm_safe_copy(path, lpFilename, len + 1)) err = NMERR_INVALID_PARAMETER;
    else if (!(err = nm_capfile_open(path, &cap, NULL, 0))) {
        if (nm_handles_lookup_capture(nm_handles_capture(cap), &c)) err = NMERR_OUT_OF_MEMORY;
        else {
            const char *s = nm_hcap_comment(c);
            size_t n = strlen(s) < BufferSize - 1 ? strlen(s) : BufferSize - 1;
            if ((comment = HeapAlloc(GetProcessHeap(), 0, n + 1))) {
                memcpy(comment, s, n);
                comment[n] = 0;
            } else err = NMERR_OUT_OF_MEMORY;
            nm_handles_release(c);
        }
        nm_capfile_close(cap);
        if (!err && nm_safe_copy(lpComment, comment, strlen(comment) + 1)) err = NMERR_INVALID_PARAMETER;
        HeapFree(GetProcessHeap(), 0, comment);
    }
    if (err == NMERR_INVALID_PARAMETER)
        WARN("file %p, comment %p, size %lu: bad parameter\n", lpFilename, lpComment, BufferSize);
    TRACE("file %s, comment %p, size %lu -> %lu\n", len < MAX_PATH ? path : "?", lpComment,
          BufferSize, err);
    return err;
}

/* ---- FindNextFrame / FindPreviousFrame ---------------------------------------------------- */

/* Where protocol `name` starts in the frame, or -1 (see the file comment). */
static long protocol_offset(const struct nm_frame_entry *e, const char *name)
{
    const BYTE *b = e->frame.MacFrame;
    DWORD l3, etype, avail = e->frame.nBytesAvail, proto = 256, l4 = 0, mac = mac_type(e->link_type);

    if (!lstrcmpiA(name, "ETHERNET")) return mac == MAC_TYPE_ETHERNET ? 0 : -1;
    if (!lstrcmpiA(name, "TOKENRING")) return mac == MAC_TYPE_TOKENRING ? 0 : -1;
    if (!lstrcmpiA(name, "FDDI")) return mac == MAC_TYPE_FDDI ? 0 : -1;
    if (network_layer(e, &l3, &etype)) return -1;
    if (!lstrcmpiA(name, "ARP")) return etype == 0x0806 ? (long)l3 : -1;
    if (etype == 0x0800 && avail >= l3 + 20 && (b[l3] >> 4) == 4) {
        if (!lstrcmpiA(name, "IP")) return (long)l3;
        if (!(((DWORD)b[l3 + 6] << 8 | b[l3 + 7]) & 0x1fff)) {  /* first fragment only */
            proto = b[l3 + 9];
            l4 = l3 + (b[l3] & 0x0f) * 4u;
        }
    } else if (etype == 0x86dd && avail >= l3 + 40 && (b[l3] >> 4) == 6) {
        if (!lstrcmpiA(name, "IP6") || !lstrcmpiA(name, "IPV6")) return (long)l3;
        proto = b[l3 + 6];
        l4 = l3 + 40;
    }
    if (proto == 256 || l4 > avail) return -1;
    if ((!lstrcmpiA(name, "TCP") && proto == 6) || (!lstrcmpiA(name, "UDP") && proto == 17) ||
        (!lstrcmpiA(name, "ICMP") && proto == 1) || (!lstrcmpiA(name, "ICMP6") && proto == 58))
        return (long)l4;
    return -1;
}

static HFRAME find_frame(HFRAME hCurrentFrame, LPSTR ProtocolName, LPADDRESS2 lpDst,
                         LPADDRESS2 lpSrc, LPWORD ProtocolOffset, DWORD Original, DWORD limit,
                         int forward)
{
    char name[64];
    BYTE dst[sizeof(DWORD) + 16], src[sizeof(DWORD) + 16];
    DWORD type, len, cur, n, first, last;
    size_t nlen = ProtocolName ? nm_safe_strnlen(ProtocolName, sizeof(name) - 1) : (size_t)-1;
    struct nm_hcap *c = NULL;
    HFRAME found = NULL;
    WORD off = 0;
    long o;

    /* copy the caller's inputs before taking the registry lock */
    if (nlen == (size_t)-1 || nlen >= sizeof(name) - 1 || nm_safe_copy(name, ProtocolName, nlen)) goto bad;
    name[nlen] = 0;
    if (lpDst) {
        if (read_address(lpDst, &type, dst + sizeof(DWORD), &len) || !len) goto bad;
        memcpy(dst, &type, sizeof(type));
    }
    if (lpSrc) {
        if (read_address(lpSrc, &type, src + sizeof(DWORD), &len) || !len) goto bad;
        memcpy(src, &type, sizeof(type));
    }
    if (nm_handles_lookup_frame(hCurrentFrame, &c, &cur)) {
        BHSetLastError(NMERR_INVALID_HFRAME);
        goto done;
    }
    if (forward) {
        first = cur + 1;
        last = Original + MAX_LOOKBACK < Original ? (DWORD)-1 : Original + MAX_LOOKBACK;
        if (limit < last) last = limit;
        if (nm_hcap_frames(c) - 1 < last) last = nm_hcap_frames(c) - 1;
    } else {
        first = cur ? cur - 1 : (DWORD)-1;
        last = Original > MAX_LOOKBACK ? Original - MAX_LOOKBACK : 0;
        if (limit > last) last = limit;
    }
    for (n = first; n != (DWORD)-1 && (forward ? n <= last : n >= last); n += forward ? 1 : (DWORD)-1) {
        const struct nm_frame_entry *e = nm_hcap_frame(c, n);
        if (!e || (o = protocol_offset(e, name)) < 0 || o > 0xffff) continue;
        if (lpDst && !frame_address_equals(e, dst, 1)) continue;
        if (lpSrc && !frame_address_equals(e, src, 0)) continue;
        found = nm_hcap_frame_handle(c, n);
        off = (WORD)o;
        break;
    }
    nm_handles_release(c);
    if (found && ProtocolOffset && nm_safe_copy(ProtocolOffset, &off, sizeof(off))) found = NULL;
    goto done;
bad:
    BHSetLastError(NMERR_INVALID_PARAMETER);
    WARN("frame %p, protocol %p, dst %p, src %p: unreadable argument\n", hCurrentFrame,
         ProtocolName, lpDst, lpSrc);
done:
    TRACE("frame %p, %s, original %lu, limit %lu -> %p (offset %u)\n", hCurrentFrame,
          forward ? "forward" : "backward", Original, limit, found, off);
    return found;
}

/* FindNextFrame (nmapi.@) */
HFRAME WINAPI FindNextFrame(HFRAME hCurrentFrame, LPSTR ProtocolName, LPADDRESS2 lpDestAddress,
                            LPADDRESS2 lpSrcAddress, LPWORD ProtocolOffset,
                            DWORD OriginalFrameNumber, DWORD nHighestFrame)
{
    return find_frame(hCurrentFrame, ProtocolName, lpDestAddress, lpSrcAddress, ProtocolOffset,
                      OriginalFrameNumber, nHighestFrame, 1);
}

/* FindPreviousFrame (nmapi.@) */
HFRAME WINAPI FindPreviousFrame(HFRAME hCurrentFrame, LPSTR ProtocolName, LPADDRESS2 lpDstAddress,
                                LPADDRESS2 lpSrcAddress, LPWORD ProtocolOffset,
                                DWORD OriginalFrameNumber, DWORD nLowestFrame)
{
    return find_frame(hCurrentFrame, ProtocolName, lpDstAddress, lpSrcAddress, ProtocolOffset,
                      OriginalFrameNumber, nLowestFrame, 0);
}
