/*
 * capture_private.h - what the capture front end (capture.c) and the per-format readers
 * (capture_netmon.c, capture_pcap.c, capture_pcapng.c) share; nothing else includes it.
 *
 * Model: a reader parses "the packet record at or after offset OFF, given STATE" and
 * says where the next search starts. pcap and pcapng are read sequentially from sparse
 * checkpoints (record offset + state + frame number, built by one scan at open: one
 * every NM_CAPTURE_CHECKPOINT frames, and sooner when more than NM_CAPTURE_SKIP_MAX
 * bytes of skipped records lie between the frames of a block, so that a jump never
 * re-walks more than that much padding); NetMon 2.x locates frame n through the file's
 * own frame table instead.
 */
#ifndef NM_CAPTURE_PRIVATE_H
#define NM_CAPTURE_PRIVATE_H

#include <stdarg.h>
#include "capture.h"

/* Read-ahead per window read; the buffer also holds one maximal record beyond it. */
/* The fuzz targets build with a window of a few hundred bytes, so that reloads (and any
 * pointer kept across one) happen within small inputs (scripts/fuzz.sh). */
#ifndef NM_CAPTURE_WINDOW
#define NM_CAPTURE_WINDOW      (256u * 1024u)
#endif
#define NM_CAPTURE_SLACK       4096u    /* record headers, trailers, pcapng options */
#define NM_CAPTURE_FT_CHUNK    1024u    /* NetMon frame-table entries cached per cursor */

/* Flags for nm_reader.next. */
#define NM_NEXT_DATA  1u   /* the caller wants the frame bytes in the window */
#define NM_NEXT_SCAN  2u   /* open-time scan: record interfaces/sections, validate more */

struct nm_checkpoint {
    uint64_t offset;       /* where the search for the frame starts */
    uint32_t state;        /* reader state there (pcapng: section number) */
    uint32_t frame;        /* index checkpoints: the frame found there (its record) */
};

struct nm_reader {
    enum nm_capture_format format;
    const char *name;      /* "netmon2", "pcap", "pcapng" */
    /* Validates the file header. Sequential readers set cap->first (offset + state
     * where the scan starts); NetMon sets cap->frames from its frame table. 0 or -1. */
    int  (*open)(struct nm_capture *cap, struct nm_cursor *cur, char *err);
    /* Locates frame n directly (NetMon); NULL for sequential formats. */
    int  (*locate)(struct nm_cursor *cur, uint32_t n, struct nm_checkpoint *pos, char *err);
    /* Parses the packet at or after pos->offset; on 0 fills info (and *data with
     * NM_NEXT_DATA) and advances *pos past it. 1 = clean end of file, -1 = error. */
    int  (*next)(struct nm_cursor *cur, struct nm_checkpoint *pos, unsigned flags,
                 struct nm_frame_info *info, const uint8_t **data, char *err);
    void (*close)(struct nm_capture *cap);
};

struct nm_capture {
    struct nm_io io;
    char name[128];
    const struct nm_reader *rd;
    uint32_t frames;
    uint64_t bytes;
    int64_t  start_us;
    uint32_t link_type;
    struct nm_checkpoint first;          /* sequential formats: where frame 0's search starts */
    struct nm_checkpoint *cps;           /* one per NM_CAPTURE_CHECKPOINT frames */
    uint32_t ncps, cps_cap;
    void *priv;                          /* the format's own state */
};

struct nm_cursor {
    const struct nm_capture *cap;
    uint8_t *buf;                        /* read-ahead window */
    size_t bufcap;
    uint64_t wstart;                     /* file offset of buf[0] */
    size_t wlen;                         /* valid bytes in buf */
    /* Positions of the frames of one checkpoint block, learnt while stepping, so that
     * going back inside the block (NEXT_BACKWARD) needs no re-scan. */
    uint32_t blk;                        /* checkpoint number, UINT32_MAX = none */
    uint32_t blk_first, blk_count;       /* its first frame and number of frames */
    uint32_t known;                      /* entries of pos[] that are valid */
    struct nm_checkpoint pos[NM_CAPTURE_CHECKPOINT + 1];
    /* NetMon: a chunk of the frame table. */
    uint32_t ft_first, ft_count;
    uint32_t ft[NM_CAPTURE_FT_CHUNK];
};

extern const struct nm_reader nm_reader_netmon2, nm_reader_pcap, nm_reader_pcapng;

/* Writes "NAME: offset N: what" into err (NM_CAPTURE_ERRLEN); returns -1. */
int nm_capture_fail(const struct nm_capture *cap, char *err, uint64_t offset,
                    const char *fmt, ...)
#ifdef __GNUC__
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Points *p at len bytes at offset, reading a new window when needed (one read_at).
 * Returns 0, or -1 with a message (past the end of the file, or an I/O error). */
int nm_capture_window(struct nm_cursor *cur, uint64_t offset, size_t len,
                      const uint8_t **p, char *err);

/* Reads exactly len bytes at offset with no window (headers, frame table chunks). */
int nm_capture_read_exact(const struct nm_capture *cap, uint64_t offset, void *buf,
                          size_t len, char *err);

/* Field access by the file's byte order (be != 0: big-endian), independent of the
 * host's, so the readers give the same answers on any machine. */
static inline uint16_t nm_get16(const uint8_t *p, int be)
{
    return be ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}
static inline uint32_t nm_get32(const uint8_t *p, int be)
{
    return be ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
              : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}
static inline uint64_t nm_get64(const uint8_t *p, int be)
{
    uint64_t a = nm_get32(p, be), b = nm_get32(p + 4, be);
    return be ? a << 32 | b : b << 32 | a;
}

#endif /* NM_CAPTURE_PRIVATE_H */
