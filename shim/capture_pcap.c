/*
 * capture_pcap.c - the classic libpcap file reader: microsecond and nanosecond magic,
 * either byte order.
 *
 * Format facts (pcap(5) / the IETF draft "PCAP Capture File Format"): a 24-byte file
 * header { magic, version major (2), minor (4), thiszone, sigfigs, snaplen, linktype }
 * where the link type is the low 28 bits of the last field (the top bits carry FCS
 * information); then records of a 16-byte header { ts_sec, ts_usec or ts_nsec,
 * incl_len, orig_len } followed by incl_len bytes. Magic a1b2c3d4 = microseconds,
 * a1b23c4d = nanoseconds; read byte-swapped, the file is in the other byte order.
 */
#include <stdlib.h>
#include "capture_private.h"

#define PCAP_FILE_HDR 24u
#define PCAP_REC_HDR  16u

struct pcap_priv {
    int be;            /* fields are big-endian */
    int nsec;          /* second timestamp field is nanoseconds */
    uint32_t link_type;
};

static int pcap_open(struct nm_capture *cap, struct nm_cursor *cur, char *err)
{
    struct pcap_priv *pp;
    const uint8_t *h;
    uint32_t magic;
    uint16_t major;

    if (cap->io.size < PCAP_FILE_HDR)
        return nm_capture_fail(cap, err, 0, "pcap file header truncated (%llu of %u bytes)",
                               (unsigned long long)cap->io.size, PCAP_FILE_HDR);
    if (nm_capture_window(cur, 0, PCAP_FILE_HDR, &h, err)) return -1;
    if (!(pp = calloc(1, sizeof(*pp))))
        return nm_capture_fail(cap, err, 0, "out of memory");
    cap->priv = pp;
    magic = nm_get32(h, 1);
    pp->be = magic == 0xa1b2c3d4u || magic == 0xa1b23c4du;
    pp->nsec = magic == 0xa1b23c4du || magic == 0x4d3cb2a1u;
    major = nm_get16(h + 4, pp->be);
    /* Version 2 is the only one written since libpcap 0.4 (1998); 1 differs in layout. */
    if (major != 2)
        return nm_capture_fail(cap, err, 4, "pcap version %u.%u not supported", major,
                               nm_get16(h + 6, pp->be));
    pp->link_type = nm_get32(h + 20, pp->be) & 0x0fffffffu;
    cap->link_type = pp->link_type;
    cap->first.offset = PCAP_FILE_HDR;
    cap->first.state = 0;
    return 0;
}

static int pcap_next(struct nm_cursor *cur, struct nm_checkpoint *pos, unsigned flags,
                     struct nm_frame_info *info, const uint8_t **data, char *err)
{
    const struct nm_capture *cap = cur->cap;
    const struct pcap_priv *pp = cap->priv;
    uint64_t off = pos->offset;
    const uint8_t *h;
    uint32_t sec, frac, caplen;

    if (off == cap->io.size) return 1;
    if (cap->io.size - off < PCAP_REC_HDR)
        return nm_capture_fail(cap, err, off, "record header truncated (%llu of %u bytes)",
                               (unsigned long long)(cap->io.size - off), PCAP_REC_HDR);
    /* With NM_NEXT_DATA the header and the bytes come in one window request. */
    if (nm_capture_window(cur, off, PCAP_REC_HDR, &h, err)) return -1;
    caplen = nm_get32(h + 8, pp->be);
    if (caplen > NM_CAPTURE_MAX_FRAME)
        return nm_capture_fail(cap, err, off, "captured length %lu exceeds the maximum %u",
                               (unsigned long)caplen, NM_CAPTURE_MAX_FRAME);
    if (caplen > cap->io.size - off - PCAP_REC_HDR)
        return nm_capture_fail(cap, err, off, "captured length %lu runs past the end of "
                               "the file (%llu bytes)", (unsigned long)caplen,
                               (unsigned long long)cap->io.size);
    if ((flags & NM_NEXT_DATA) &&
        nm_capture_window(cur, off, PCAP_REC_HDR + caplen, &h, err)) return -1;
    sec = nm_get32(h, pp->be);
    frac = nm_get32(h + 4, pp->be);
    /* ts_sec is unsigned in the spec (files past 2038 stay valid). */
    info->ts_us = (int64_t)sec * 1000000 + (pp->nsec ? frac / 1000u : frac);
    info->caplen = caplen;
    info->origlen = nm_get32(h + 12, pp->be);
    info->offset = off + PCAP_REC_HDR;
    info->record = off;
    info->link_type = pp->link_type;
    if (data) *data = (flags & NM_NEXT_DATA) ? h + PCAP_REC_HDR : NULL;
    pos->offset = off + PCAP_REC_HDR + caplen;
    return 0;
}

static void pcap_close(struct nm_capture *cap)
{
    free(cap->priv);
    cap->priv = NULL;
}

const struct nm_reader nm_reader_pcap = {
    NM_FORMAT_PCAP, "pcap", pcap_open, NULL, pcap_next, pcap_close
};
