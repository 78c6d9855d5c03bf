/*
 * capture.h - capture file readers: NetMon 2.x .cap, pcap, pcapng.
 *
 * Portable C99: no Win32 inside, so the readers build and can be fuzzed natively. The
 * caller supplies positional I/O (struct nm_io); the readers never trust a length field
 * from the file: every record is checked against the file size and NM_CAPTURE_MAX_FRAME
 * before anything is allocated or read. Memory is bounded: an open capture keeps one
 * sparse checkpoint every NM_CAPTURE_CHECKPOINT frames, and one more after every
 * NM_CAPTURE_SKIP_MAX bytes of skipped records (or, for NetMon 2.x, uses the file's own
 * frame table), not an entry per frame. Claimed sizes never drive an allocation.
 */
#ifndef NM_CAPTURE_H
#define NM_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

#define NM_CAPTURE_MAX_FRAME   (256u * 1024u)  /* larger captured lengths are rejected */
/* The index geometry; the fuzz targets build with small values (scripts/fuzz.sh) so that
 * block changes and the padding rule happen within small inputs. */
#ifndef NM_CAPTURE_CHECKPOINT
#define NM_CAPTURE_CHECKPOINT  256u            /* frames between two index checkpoints */
#endif
#ifndef NM_CAPTURE_SKIP_MAX
#define NM_CAPTURE_SKIP_MAX    (64u * 1024u)   /* skipped bytes between two, at most */
#endif
#define NM_CAPTURE_ERRLEN      256

/* Positional reads; returns the number of bytes read (short only at end of file),
 * or (size_t)-1 on an I/O error. Must be safe to call from several threads at once. */
struct nm_io {
    size_t (*read_at)(void *handle, uint64_t offset, void *buf, size_t len);
    void *handle;
    uint64_t size;              /* file size in bytes */
};

enum nm_capture_format { NM_FORMAT_NETMON2 = 1, NM_FORMAT_PCAP, NM_FORMAT_PCAPNG };

/* One frame's metadata, as the readers report it. */
struct nm_frame_info {
    uint64_t offset;            /* file offset of the captured bytes */
    uint64_t record;            /* file offset of the frame's record (its header) */
    uint32_t caplen;            /* bytes captured (available) */
    uint32_t origlen;           /* bytes on the wire */
    int64_t  ts_us;             /* microseconds since the Unix epoch (UTC) */
    uint32_t link_type;         /* pcap LINKTYPE_* (1 = Ethernet) */
};

/* NetMon MAC types with no pcap LINKTYPE equivalent (NDIS WAN/ATM, 802.11 with NetMon
 * metadata, 0xFFxx metadata records) are reported as this; pcap LINKTYPEs stay < 0x10000. */
#define NM_LINKTYPE_NETMON(mac) (0x10000u | (uint32_t)(mac))

struct nm_capture;              /* an open, indexed capture (read-only, shareable) */
struct nm_cursor;               /* one reader's position and buffers (one per thread) */

/* Detects the format from the magic, validates the file and builds the index.
 * Returns 0, or -1 with a one-line message "FILE: offset N: what is wrong" in err. */
int  nm_capture_open(const struct nm_io *io, const char *name, struct nm_capture **out,
                     char err[NM_CAPTURE_ERRLEN]);
void nm_capture_close(struct nm_capture *cap);

enum nm_capture_format nm_capture_format(const struct nm_capture *cap);
const char *nm_capture_format_name(const struct nm_capture *cap);   /* "netmon2", ... */
uint32_t nm_capture_frames(const struct nm_capture *cap);
uint64_t nm_capture_bytes(const struct nm_capture *cap);            /* sum of origlen */
int64_t  nm_capture_start_us(const struct nm_capture *cap);         /* first frame's time */
uint32_t nm_capture_link_type(const struct nm_capture *cap);

/* A cursor keeps a read-ahead window so that sequential access costs one read per
 * window, not per frame. */
struct nm_cursor *nm_cursor_new(const struct nm_capture *cap);
void nm_cursor_free(struct nm_cursor *cur);

/* Reads frame n (0-based): fills info and points *data at info->caplen bytes that stay
 * valid until the next call on this cursor. Returns 0; 1 when n is past the end; -1 on
 * a read error or a bad record (message in err, when err is not NULL). */
int nm_cursor_read(struct nm_cursor *cur, uint32_t n, struct nm_frame_info *info,
                   const uint8_t **data, char err[NM_CAPTURE_ERRLEN]);

#endif /* NM_CAPTURE_H */
