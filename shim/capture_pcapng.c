/*
 * capture_pcapng.c - the pcapng reader: section headers (either byte order, several per
 * file), interface descriptions with their own link types and timestamp resolutions,
 * enhanced, simple and obsolete packet blocks; every other block type is skipped.
 *
 * Format facts (IETF draft "PCAP Next Generation (pcapng) Capture File Format",
 * draft-ietf-opsawg-pcapng): every block is { type u32, total length u32, body,
 * total length u32 }, total length a multiple of 4 and at least 12. Section Header Block
 * type 0a0d0d0a, byte-order magic 1a2b3c4d at +8 (its byte order is the section's),
 * major version 1 at +12, minimum 28 bytes. Interface Description Block type 1:
 * link type u16 +8, snaplen u32 +12, options from +16, minimum 20; option if_tsresol
 * (code 9, 1 byte: MSB clear = 10^-v s, set = 2^-v s; default 10^-6) and if_tsoffset
 * (code 14, 8 bytes of seconds added to every timestamp). Enhanced Packet Block type 6:
 * interface id u32 +8, timestamp high/low u32 +12/+16, captured length +20, original
 * length +24, data +28 padded to 4, minimum 32. Simple Packet Block type 3: original
 * length +8, data +12, interface 0, no timestamp, captured length = min(original,
 * block room, snaplen). Obsolete Packet Block type 2: as EPB with a u16 interface id.
 * Interface ids are per section (a new SHB forgets the previous interfaces).
 */
#include <stdlib.h>
#include "capture_private.h"

#define BT_SHB 0x0a0d0d0au
#define BT_IDB 1u
#define BT_PB  2u
#define BT_SPB 3u
#define BT_EPB 6u

/* Caps on what a file can make us keep; a real capture has a handful of each, a hostile
 * one (a gigabyte of 28-byte SHBs) must not grow the index past a few megabytes. */
#define MAX_SECTIONS   65536u
#define MAX_INTERFACES 65536u

struct ng_sect { uint8_t be; uint32_t if_first, if_count; };
struct ng_if {
    uint32_t link_type, snaplen;
    uint8_t pow2, exp;           /* resolution: 2^-exp or 10^-exp seconds */
    int64_t offset_s;            /* if_tsoffset */
};
struct ng_priv {
    struct ng_sect *sect; uint32_t nsect, sect_cap;
    struct ng_if *ifs;   uint32_t nif, if_cap;
};

static int grow(void **arr, uint32_t *cap, uint32_t need, size_t elem)
{
    void *p;
    uint32_t n;

    if (need <= *cap) return 0;
    n = *cap ? *cap * 2 : 8;
    if (!(p = realloc(*arr, (size_t)n * elem))) return -1;
    *arr = p;
    *cap = n;
    return 0;
}

/* Timestamp units -> microseconds, without overflow in the intermediate products.
 *
 * Well defined on every input (issue 9 §3): if_tsresol is one byte, so a crafted file can
 * ask for 2^-127 or 10^-127 s (every shift and power below is bounded), and a 64-bit
 * count in a coarse unit (10^0 s, 2^0 s) or a large if_tsoffset can exceed what int64
 * microseconds hold. Our choice: saturate at INT64_MIN / INT64_MAX (about +-292,000 years
 * from 1970) rather than reject the file: such a frame is still readable, its time is
 * simply "as late (early) as can be". The pcapng draft defines the timestamp as
 * unsigned, so only if_tsoffset (signed seconds) can push it below zero. */
static int64_t ts_to_us(uint64_t ts, const struct ng_if *itf)
{
    static const uint64_t pow10[20] = { 1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull,
        1000000ull, 10000000ull, 100000000ull, 1000000000ull, 10000000000ull,
        100000000000ull, 1000000000000ull, 10000000000000ull, 100000000000000ull,
        1000000000000000ull, 10000000000000000ull, 100000000000000000ull,
        1000000000000000000ull, 10000000000000000000ull };
    uint64_t us, whole, frac;
    unsigned k = itf->exp;      /* 0..127 */
    int64_t r, off;

    if (itf->pow2) {
        /* Below 2^-40 s (a picosecond) nothing reaches a microsecond: drop those bits
         * first so that frac * 10^6 fits in 64 bits. k - 40 can be up to 87: a shift of
         * 64 or more would be undefined, and would leave nothing anyway. */
        if (k > 40) { ts = k - 40 < 64 ? ts >> (k - 40) : 0; k = 40; }
        whole = ts >> k;
        frac = ((ts & ((1ull << k) - 1)) * 1000000u) >> k;     /* < 10^6 */
        us = whole > (uint64_t)INT64_MAX / 1000000u ? UINT64_MAX : whole * 1000000u + frac;
    } else if (k <= 6) {
        us = ts > UINT64_MAX / pow10[6 - k] ? UINT64_MAX : ts * pow10[6 - k];
    } else {
        us = k - 6 < 20 ? ts / pow10[k - 6] : 0;
    }
    r = us > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)us;
    /* if_tsoffset (signed seconds): an offset beyond the int64 microsecond range
     * saturates in its own direction; otherwise the sum saturates. */
    if (__builtin_mul_overflow(itf->offset_s, (int64_t)1000000, &off))
        return itf->offset_s > 0 ? INT64_MAX : INT64_MIN;
    if (__builtin_add_overflow(r, off, &r))
        return off > 0 ? INT64_MAX : INT64_MIN;
    return r;
}

/* The options of an IDB, walked one at a time through the window: their total size is
 * bounded only by the block (a file with 80 KiB of interface comments is valid and
 * tshark reads it; capping the parse at 64 KiB rejected it), and only if_tsresol and
 * if_tsoffset are ever copied out. Each option is at most 4 + 65535 + 3 bytes, well
 * within the cursor's buffer. */
static int parse_idb(struct nm_cursor *cur, uint64_t off, uint32_t len, int be,
                     struct ng_if *itf, char *err)
{
    const struct nm_capture *cap = cur->cap;
    const uint8_t *p;
    uint64_t end = (uint64_t)len - 4, q = 16;

    if (nm_capture_window(cur, off, 16, &p, err)) return -1;
    itf->link_type = nm_get16(p + 8, be);
    itf->snaplen = nm_get32(p + 12, be);
    itf->pow2 = 0;
    itf->exp = 6;            /* the default: microseconds */
    itf->offset_s = 0;
    while (q + 4 <= end) {
        uint16_t code, olen;
        if (nm_capture_window(cur, off + q, 4, &p, err)) return -1;
        code = nm_get16(p, be);
        olen = nm_get16(p + 2, be);
        if (code == 0) break;                      /* opt_endofopt */
        if (olen > end - q - 4)
            return nm_capture_fail(cap, err, off + q, "interface option %u of %u bytes runs "
                                   "past its block", code, olen);
        if ((code == 9 && olen >= 1) || (code == 14 && olen == 8)) {
            if (nm_capture_window(cur, off + q + 4, olen, &p, err)) return -1;
            if (code == 9) {
                itf->pow2 = p[0] >> 7;
                itf->exp = p[0] & 0x7f;
            } else {
                itf->offset_s = (int64_t)nm_get64(p, be);
            }
        }
        q += 4 + ((olen + 3u) & ~3u);
    }
    return 0;
}

static int ng_open(struct nm_capture *cap, struct nm_cursor *cur, char *err)
{
    (void)cur;
    if (!(cap->priv = calloc(1, sizeof(struct ng_priv))))
        return nm_capture_fail(cap, err, 0, "out of memory");
    /* The scan parses the first SHB itself; state UINT32_MAX = "before any section". */
    cap->first.offset = 0;
    cap->first.state = UINT32_MAX;
    return 0;
}

static int ng_next(struct nm_cursor *cur, struct nm_checkpoint *pos, unsigned flags,
                   struct nm_frame_info *info, const uint8_t **data, char *err)
{
    const struct nm_capture *cap = cur->cap;
    struct ng_priv *np = cap->priv;
    const uint64_t size = cap->io.size;

    for (;;) {
        uint64_t off = pos->offset;
        const uint8_t *p;
        uint32_t type, len, caplen, origlen, ifid;
        const struct ng_sect *s;
        const struct ng_if *itf;
        uint64_t ts;
        int be;

        if (off == size) return 1;
        if (size - off < 12)
            return nm_capture_fail(cap, err, off, "block header truncated (%llu bytes left)",
                                   (unsigned long long)(size - off));
        if (nm_capture_window(cur, off, 12, &p, err)) return -1;
        type = nm_get32(p, 0);      /* the SHB type reads the same in both orders */
        if (type == BT_SHB) {
            if (nm_get32(p + 8, 1) == 0x1a2b3c4du) be = 1;
            else if (nm_get32(p + 8, 0) == 0x1a2b3c4du) be = 0;
            else return nm_capture_fail(cap, err, off + 8, "bad byte-order magic %08lx in "
                                        "section header", (unsigned long)nm_get32(p + 8, 0));
        } else if (pos->state == UINT32_MAX || pos->state >= np->nsect) {
            return nm_capture_fail(cap, err, off, "block before the first section header");
        } else {
            be = np->sect[pos->state].be;
            type = nm_get32(p, be);
        }
        len = nm_get32(p + 4, be);
        if (len < 12 || len % 4)
            return nm_capture_fail(cap, err, off, "block length %lu %s", (unsigned long)len,
                                   len < 12 ? "below the minimum 12" : "not a multiple of 4");
        if (len > size - off)
            return nm_capture_fail(cap, err, off, "block of %lu bytes runs past the end of "
                                   "the file (%llu bytes)", (unsigned long)len,
                                   (unsigned long long)size);
        if (flags & NM_NEXT_SCAN) {
            const uint8_t *t;
            if (nm_capture_window(cur, off + len - 4, 4, &t, err)) return -1;
            if (nm_get32(t, be) != len)
                return nm_capture_fail(cap, err, off + len - 4, "trailing block length %lu "
                                       "differs from %lu", (unsigned long)nm_get32(t, be),
                                       (unsigned long)len);
        }
        if (type == BT_SHB) {
            if (len < 28)
                return nm_capture_fail(cap, err, off, "section header of %lu bytes, below "
                                       "the minimum 28", (unsigned long)len);
            if (nm_capture_window(cur, off, 16, &p, err)) return -1;
            if (nm_get16(p + 12, be) != 1)
                return nm_capture_fail(cap, err, off + 12, "pcapng version %u.%u not "
                                       "supported", nm_get16(p + 12, be), nm_get16(p + 14, be));
            if (flags & NM_NEXT_SCAN) {
                if (np->nsect >= MAX_SECTIONS)
                    return nm_capture_fail(cap, err, off, "more than %u sections", MAX_SECTIONS);
                if (grow((void **)&np->sect, &np->sect_cap, np->nsect + 1, sizeof(*np->sect)))
                    return nm_capture_fail(cap, err, off, "out of memory");
                np->sect[np->nsect].be = (uint8_t)be;
                np->sect[np->nsect].if_first = np->nif;
                np->sect[np->nsect].if_count = 0;
                pos->state = np->nsect++;
            } else {
                pos->state = pos->state == UINT32_MAX ? 0 : pos->state + 1;
                if (pos->state >= np->nsect)
                    return nm_capture_fail(cap, err, off, "section not seen at open (file changed?)");
            }
            pos->offset = off + len;
            continue;
        }
        s = &np->sect[pos->state];
        if (type == BT_IDB) {
            if (len < 20)
                return nm_capture_fail(cap, err, off, "interface description of %lu bytes, "
                                       "below the minimum 20", (unsigned long)len);
            if (flags & NM_NEXT_SCAN) {
                if (np->nif >= MAX_INTERFACES)
                    return nm_capture_fail(cap, err, off, "more than %u interfaces",
                                           MAX_INTERFACES);
                if (grow((void **)&np->ifs, &np->if_cap, np->nif + 1, sizeof(*np->ifs)))
                    return nm_capture_fail(cap, err, off, "out of memory");
                if (parse_idb(cur, off, len, be, &np->ifs[np->nif], err)) return -1;
                /* A capture with no frames reports its first interface's link type
                 * (the open-time scan owns cap; cursors see it const). */
                if (!np->nif && !cap->frames)
                    ((struct nm_capture *)cap)->link_type = np->ifs[0].link_type;
                np->nif++;
                np->sect[pos->state].if_count++;
            }
            pos->offset = off + len;
            continue;
        }
        if (type != BT_EPB && type != BT_PB && type != BT_SPB) {
            pos->offset = off + len;            /* statistics, name resolution, ... */
            continue;
        }
        if (type == BT_SPB) {
            if (len < 16)
                return nm_capture_fail(cap, err, off, "simple packet block of %lu bytes, "
                                       "below the minimum 16", (unsigned long)len);
            if (!s->if_count)
                return nm_capture_fail(cap, err, off, "simple packet block without an "
                                       "interface description");
            itf = &np->ifs[s->if_first];
            /* p may be stale: the trailer check above reads the block's end, which for a
             * block larger than the window reloads the buffer (a 300 KiB SPB read its
             * original length from the wrong bytes: issue 9 §3). Fetch it again. */
            if (nm_capture_window(cur, off, 12, &p, err)) return -1;
            origlen = nm_get32(p + 8, be);
            caplen = origlen;
            if (caplen > len - 16) caplen = len - 16;
            if (itf->snaplen && caplen > itf->snaplen) caplen = itf->snaplen;
            ts = 0;
            info->offset = off + 12;
        } else {
            if (len < 32)
                return nm_capture_fail(cap, err, off, "packet block of %lu bytes, below the "
                                       "minimum 32", (unsigned long)len);
            if (nm_capture_window(cur, off, 28, &p, err)) return -1;
            ifid = type == BT_EPB ? nm_get32(p + 8, be) : nm_get16(p + 8, be);
            if (ifid >= s->if_count)
                return nm_capture_fail(cap, err, off, "packet on interface %lu, but the section "
                                       "describes %lu", (unsigned long)ifid,
                                       (unsigned long)s->if_count);
            itf = &np->ifs[s->if_first + ifid];
            ts = (uint64_t)nm_get32(p + 12, be) << 32 | nm_get32(p + 16, be);
            caplen = nm_get32(p + 20, be);
            origlen = nm_get32(p + 24, be);
            if (caplen > len - 32 || ((caplen + 3u) & ~3u) > len - 32)
                return nm_capture_fail(cap, err, off, "captured length %lu does not fit in a "
                                       "block of %lu bytes", (unsigned long)caplen,
                                       (unsigned long)len);
            info->offset = off + 28;
        }
        if (caplen > NM_CAPTURE_MAX_FRAME)
            return nm_capture_fail(cap, err, off, "captured length %lu exceeds the maximum %u",
                                   (unsigned long)caplen, NM_CAPTURE_MAX_FRAME);
        if ((flags & NM_NEXT_DATA) &&
            nm_capture_window(cur, info->offset, caplen, &p, err)) return -1;
        if (data) *data = (flags & NM_NEXT_DATA) ? p : NULL;
        info->record = off;
        info->caplen = caplen;
        info->origlen = origlen;
        info->ts_us = ts_to_us(ts, itf);
        info->link_type = itf->link_type;
        pos->offset = off + len;
        return 0;
    }
}

static void ng_close(struct nm_capture *cap)
{
    struct ng_priv *np = cap->priv;

    if (!np) return;
    free(np->sect);
    free(np->ifs);
    free(np);
    cap->priv = NULL;
}

const struct nm_reader nm_reader_pcapng = {
    NM_FORMAT_PCAPNG, "pcapng", ng_open, NULL, ng_next, ng_close
};
