/*
 * capture_netmon.c - the Network Monitor 2.x (.cap, magic "GMBU") reader, as written by
 * Network Monitor 2.x/3.x and by Wireshark's `editcap -F netmon2`.
 *
 * Format facts (the NetMon 3.x help "Capture File Format", as summarised in Wireshark's
 * wiretap/netmon.c; checked against files written by editcap 4.0 on Debian 12), all
 * little-endian: a file header padded to 128 bytes:
 *   +0 magic "GMBU", +4 minor version u8, +5 major version u8 (2), +6 MAC type u16,
 *   +8 capture start as a SYSTEMTIME (year, month, day-of-week, day, hour, minute,
 *   second, millisecond; u16 each; local time of the capturing machine),
 *   +24 frame table offset u32, +28 frame table length u32 (bytes, 4 per frame),
 *   +32.. user data, comment, process info and network info offsets/lengths.
 * The frame table holds one u32 file offset per frame (frames need not be contiguous or
 * in file order). A frame record: { ts_delta u64 (microseconds since the start time),
 * orig_len u32, incl_len u32 } then incl_len bytes, then a trailer from version 2.1:
 * 2.1 { MAC type u16 } (2 bytes), 2.2 adds { process info index u32 } (6), 2.3 adds
 * { UTC timestamp u64 FILETIME, time zone index u8 } (15). Version 2.0 frames all have
 * the header's MAC type. MAC types: 1 Ethernet, 2 Token Ring, 3 FDDI, 4 NDIS WAN (ATM
 * with a 20-byte pseudo-header), 6 802.11 with NetMon metadata, 7-9 raw IP; from 2.1,
 * 0xE000 | pcap LINKTYPE for converted pcap files, 0xFFxx metadata records.
 *
 * Time: the SYSTEMTIME has no time zone; we read it as UTC (deterministic on every
 * host; Wireshark uses the reading machine's local time zone, so compare with TZ=UTC).
 */
#include <stdlib.h>
#include <string.h>
#include "capture_private.h"

#define NETMON_HDR_MIN   64u     /* the fields we read; writers pad the header to 128 */
#define NETMON_REC_HDR   16u
#define LINKTYPE_ETHERNET 1u
#define LINKTYPE_IEEE802_5 6u
#define LINKTYPE_FDDI    10u
#define LINKTYPE_RAW     101u
/* 100 ns ticks between 1601-01-01 (FILETIME) and 1970-01-01. */
#define FILETIME_UNIX_EPOCH 116444736000000000ll

struct netmon_priv {
    uint32_t table_off, count;
    uint8_t minor;
    uint32_t trailer;            /* bytes after each frame's data */
    uint32_t file_link;          /* the header's MAC type, mapped */
    int64_t start_us;
};

/* NetMon MAC type -> pcap LINKTYPE (see the file comment); the rest keep their NetMon
 * number in NM_LINKTYPE_NETMON(). Type 0 is Ethernet: Wireshark notes NetMon 3.4 VPN
 * captures with per-frame type 0 and Ethernet headers. */
static uint32_t map_mac(uint16_t mac)
{
    switch (mac) {
    case 0: case 1: return LINKTYPE_ETHERNET;
    case 2: return LINKTYPE_IEEE802_5;
    case 3: return LINKTYPE_FDDI;
    case 7: case 8: case 9: return LINKTYPE_RAW;
    }
    if ((mac & 0xf000) == 0xe000 && !(mac >= 0xe080 && mac <= 0xe08a))
        return mac & 0x0fffu;
    return NM_LINKTYPE_NETMON(mac);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (month 1-12, day 0-31). Shifting
 * the year to start in March puts the leap day last, so each 400-year era has a fixed
 * length. All signed: with unsigned m and d, March day 0 made "0 + d - 1" wrap to
 * 4294967295 days and the caller's microsecond product overflow (issue 9 §3). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;     /* -1 (March 0) .. 365 */
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int nm2_open(struct nm_capture *cap, struct nm_cursor *cur, char *err)
{
    struct netmon_priv *np;
    const uint8_t *h;
    unsigned year, month, day, hour, min, sec, msec;
    uint32_t tlen;

    if (cap->io.size < NETMON_HDR_MIN)
        return nm_capture_fail(cap, err, 0, "NetMon header truncated (%llu of %u bytes)",
                               (unsigned long long)cap->io.size, NETMON_HDR_MIN);
    if (nm_capture_window(cur, 0, NETMON_HDR_MIN, &h, err)) return -1;
    if (!(np = calloc(1, sizeof(*np))))
        return nm_capture_fail(cap, err, 0, "out of memory");
    cap->priv = np;
    if (h[5] != 2)
        return nm_capture_fail(cap, err, 5, "NetMon version %u.%u not supported (2.x only)",
                               h[5], h[4]);
    np->minor = h[4];
    np->trailer = np->minor == 0 ? 0 : np->minor == 1 ? 2 : np->minor == 2 ? 6 : 15;
    np->file_link = map_mac(nm_get16(h + 6, 0));
    year = nm_get16(h + 8, 0); month = nm_get16(h + 10, 0); day = nm_get16(h + 14, 0);
    hour = nm_get16(h + 16, 0); min = nm_get16(h + 18, 0); sec = nm_get16(h + 20, 0);
    msec = nm_get16(h + 22, 0);
    if (month < 1 || month > 12 || day > 31 || hour > 23 || min > 59 || sec > 60 || msec > 999)
        return nm_capture_fail(cap, err, 8, "bad start time %u-%02u-%02u %02u:%02u:%02u.%03u",
                               year, month, day, hour, min, sec, msec);
    /* Day 0 appears when the writer had no time (editcap writes it for an empty
     * capture); it counts as the last day of the previous month, harmlessly. With the
     * checks above (year <= 65535) the product stays within +-2.1e18: no overflow. */
    np->start_us = ((days_from_civil(year, month, day) * 86400 + hour * 3600 + min * 60 + sec)
                    * 1000 + msec) * 1000;
    np->table_off = nm_get32(h + 24, 0);
    tlen = nm_get32(h + 28, 0);
    if (tlen % 4)
        return nm_capture_fail(cap, err, 28, "frame table length %lu not a multiple of 4",
                               (unsigned long)tlen);
    if (np->table_off > cap->io.size || tlen > cap->io.size - np->table_off)
        return nm_capture_fail(cap, err, 24, "frame table (offset %lu, %lu bytes) lies outside "
                               "the file (%llu bytes)", (unsigned long)np->table_off,
                               (unsigned long)tlen, (unsigned long long)cap->io.size);
    np->count = tlen / 4;
    cap->frames = np->count;
    cap->start_us = np->start_us;
    cap->link_type = np->file_link;
    return 0;
}

/* Frame n's record offset from the frame table, read NM_CAPTURE_FT_CHUNK entries at a
 * time into the cursor, so a sequential pass costs one read per 1024 frames. */
static int nm2_locate(struct nm_cursor *cur, uint32_t n, struct nm_checkpoint *pos, char *err)
{
    const struct nm_capture *cap = cur->cap;
    const struct netmon_priv *np = cap->priv;
    uint32_t i, first, count;
    uint64_t entry_off = (uint64_t)np->table_off + (uint64_t)n * 4;

    if (n >= np->count)
        return nm_capture_fail(cap, err, entry_off, "frame %lu not in the frame table",
                               (unsigned long)n + 1);
    if (n < cur->ft_first || n - cur->ft_first >= cur->ft_count) {
        first = n - n % NM_CAPTURE_FT_CHUNK;
        count = np->count - first < NM_CAPTURE_FT_CHUNK ? np->count - first : NM_CAPTURE_FT_CHUNK;
        cur->ft_count = 0;
        if (nm_capture_read_exact(cap, (uint64_t)np->table_off + (uint64_t)first * 4,
                                  cur->ft, (size_t)count * 4, err)) return -1;
        for (i = 0; i < count; i++)
            cur->ft[i] = nm_get32((const uint8_t *)&cur->ft[i], 0);
        cur->ft_first = first;
        cur->ft_count = count;
    }
    pos->offset = cur->ft[n - cur->ft_first];
    pos->state = n;
    if (pos->offset >= cap->io.size)
        return nm_capture_fail(cap, err, entry_off, "frame table entry %lu points to offset "
                               "%llu, past the end of the file (%llu bytes)",
                               (unsigned long)n + 1, (unsigned long long)pos->offset,
                               (unsigned long long)cap->io.size);
    return 0;
}

static int nm2_next(struct nm_cursor *cur, struct nm_checkpoint *pos, unsigned flags,
                    struct nm_frame_info *info, const uint8_t **data, char *err)
{
    const struct nm_capture *cap = cur->cap;
    const struct netmon_priv *np = cap->priv;
    uint64_t off = pos->offset, need;
    const uint8_t *h;
    uint32_t caplen;
    uint64_t delta;

    if (cap->io.size - off < NETMON_REC_HDR)
        return nm_capture_fail(cap, err, off, "frame %lu header truncated",
                               (unsigned long)pos->state + 1);
    if (nm_capture_window(cur, off, NETMON_REC_HDR, &h, err)) return -1;
    caplen = nm_get32(h + 12, 0);
    if (caplen > NM_CAPTURE_MAX_FRAME)
        return nm_capture_fail(cap, err, off, "frame %lu: captured length %lu exceeds the "
                               "maximum %u", (unsigned long)pos->state + 1,
                               (unsigned long)caplen, NM_CAPTURE_MAX_FRAME);
    need = (uint64_t)NETMON_REC_HDR + caplen + np->trailer;
    if (need > cap->io.size - off)
        return nm_capture_fail(cap, err, off, "frame %lu (%llu bytes with header) runs past "
                               "the end of the file (%llu bytes)", (unsigned long)pos->state + 1,
                               (unsigned long long)need, (unsigned long long)cap->io.size);
    /* The trailer (MAC type, UTC time) follows the data: fetch it all in one go. */
    if ((flags & NM_NEXT_DATA) || np->trailer) {
        if (nm_capture_window(cur, off, (size_t)need, &h, err)) return -1;
    }
    info->offset = off + NETMON_REC_HDR;
    info->record = off;
    info->caplen = caplen;
    info->origlen = nm_get32(h + 8, 0);
    /* Microsoft's page says the delta is unsigned microseconds yet may be negative once
     * multiplied by 10 (100 ns units) and read as signed; Wireshark does the same. The
     * product wraps as unsigned (defined); its signed tenth is within +-9.3e17 and
     * start_us within +-2.1e18, so the sum cannot overflow. */
    delta = nm_get64(h, 0) * 10u;
    info->ts_us = np->start_us + (delta >> 63 ? -(int64_t)((0 - delta) / 10)
                                              : (int64_t)(delta / 10));
    info->link_type = np->file_link;
    if (np->trailer) {
        const uint8_t *t = h + NETMON_REC_HDR + caplen;
        info->link_type = map_mac(nm_get16(t, 0));
        if (np->minor >= 3) {
            /* FILETIME is unsigned 100 ns ticks since 1601: dividing first keeps every
             * value (even one near 2^63 or 2^64, which made the old signed subtraction
             * overflow) in range, and floors exactly as before since the epoch
             * difference is a whole number of microseconds. */
            info->ts_us = (int64_t)(nm_get64(t + 6, 0) / 10) - FILETIME_UNIX_EPOCH / 10;
        }
    }
    if (data) *data = (flags & NM_NEXT_DATA) ? h + NETMON_REC_HDR : NULL;
    pos->offset = off + need;
    return 0;
}

static void nm2_close(struct nm_capture *cap)
{
    free(cap->priv);
    cap->priv = NULL;
}

const struct nm_reader nm_reader_netmon2 = {
    NM_FORMAT_NETMON2, "netmon2", nm2_open, nm2_locate, nm2_next, nm2_close
};
