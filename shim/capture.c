/*
 * capture.c - capture front end: format detection from the magic, the open-time scan
 * that builds the sparse checkpoint index, cursors with a read-ahead window, and the
 * one-line error messages "NAME: offset N: what is wrong".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "capture_private.h"

int nm_capture_fail(const struct nm_capture *cap, char *err, uint64_t offset,
                    const char *fmt, ...)
{
    va_list ap;
    int n;

    if (!err) return -1;
    n = snprintf(err, NM_CAPTURE_ERRLEN, "%s: offset %llu: ", cap->name,
                 (unsigned long long)offset);
    if (n < 0 || n >= NM_CAPTURE_ERRLEN) return -1;
    va_start(ap, fmt);
    vsnprintf(err + n, NM_CAPTURE_ERRLEN - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

int nm_capture_read_exact(const struct nm_capture *cap, uint64_t offset, void *buf,
                          size_t len, char *err)
{
    size_t got;

    if (offset > cap->io.size || len > cap->io.size - offset)
        return nm_capture_fail(cap, err, offset, "%lu bytes needed, file ends at %llu",
                               (unsigned long)len, (unsigned long long)cap->io.size);
    got = cap->io.read_at(cap->io.handle, offset, buf, len);
    if (got != len)
        return nm_capture_fail(cap, err, offset, got == (size_t)-1 ? "read error"
                               : "short read (file shrank?)");
    return 0;
}

int nm_capture_window(struct nm_cursor *cur, uint64_t offset, size_t len,
                      const uint8_t **p, char *err)
{
    const struct nm_capture *cap = cur->cap;
    uint64_t start, end, size = cap->io.size;
    size_t want, got;

    if (offset >= cur->wstart && len <= cur->wlen && offset - cur->wstart <= cur->wlen - len) {
        *p = cur->buf + (offset - cur->wstart);
        return 0;
    }
    if (offset > size || len > size - offset)
        return nm_capture_fail(cap, err, offset, "record of %lu bytes runs past the end "
                               "of the file (%llu bytes)", (unsigned long)len, (unsigned long long)size);
    if (len > cur->bufcap)      /* callers bound len by NM_CAPTURE_MAX_FRAME + slack */
        return nm_capture_fail(cap, err, offset, "record of %lu bytes too large",
                               (unsigned long)len);
    /* Reading forward (the usual case) starts the window at the record; reading
     * backward (NEXT_BACKWARD) ends it there, so either direction costs one read per
     * window rather than one per frame. */
    start = offset;
    if (offset < cur->wstart && cur->wlen) {
        end = offset + len;
        start = end > NM_CAPTURE_WINDOW ? end - NM_CAPTURE_WINDOW : 0;
        if (start > offset) start = offset;
    }
    want = (size_t)(offset + len - start);
    if (want < NM_CAPTURE_WINDOW) want = NM_CAPTURE_WINDOW;
    if (want > cur->bufcap) want = cur->bufcap;
    if (want > size - start) want = (size_t)(size - start);
    cur->wlen = 0;
    got = cap->io.read_at(cap->io.handle, start, cur->buf, want);
    if (got == (size_t)-1)
        return nm_capture_fail(cap, err, start, "read error");
    if (got < (size_t)(offset + len - start))
        return nm_capture_fail(cap, err, offset, "short read (file shrank?)");
    cur->wstart = start;
    cur->wlen = got;
    *p = cur->buf + (offset - start);
    return 0;
}

struct nm_cursor *nm_cursor_new(const struct nm_capture *cap)
{
    struct nm_cursor *cur;

    if (!cap || !(cur = calloc(1, sizeof(*cur)))) return NULL;
    cur->cap = cap;
    cur->bufcap = NM_CAPTURE_WINDOW + NM_CAPTURE_MAX_FRAME + NM_CAPTURE_SLACK;
    if (!(cur->buf = malloc(cur->bufcap))) {
        free(cur);
        return NULL;
    }
    cur->blk = UINT32_MAX;
    return cur;
}

void nm_cursor_free(struct nm_cursor *cur)
{
    if (!cur) return;
    free(cur->buf);
    free(cur);
}

/* The checkpoint block holding frame n: the last checkpoint whose frame is <= n
 * (checkpoint 0 is frame 0). Blocks hold 1..NM_CAPTURE_CHECKPOINT frames. */
static uint32_t find_block(const struct nm_capture *cap, uint32_t n)
{
    uint32_t lo = 0, hi = cap->ncps, mid;

    while (hi - lo > 1) {
        mid = lo + (hi - lo) / 2;
        if (cap->cps[mid].frame <= n) lo = mid;
        else hi = mid;
    }
    return lo;
}

/* Finds where frame n's record starts: directly (NetMon's frame table) or from the
 * cursor's block cache, stepping forward from the checkpoint only over frames not yet
 * seen, so sequential reading is O(1) per frame and going back within a block is free.
 * A checkpoint is the record of its first frame, and a block's frames are separated by
 * at most NM_CAPTURE_SKIP_MAX bytes of skipped records in all, which bounds a jump. */
static int frame_pos(struct nm_cursor *cur, uint32_t n, struct nm_checkpoint *pos, char *err)
{
    const struct nm_capture *cap = cur->cap;
    struct nm_frame_info info;
    uint32_t blk, i;

    if (cap->rd->locate) return cap->rd->locate(cur, n, pos, err);
    if (!cap->ncps)         /* cannot happen: frames > 0 means a checkpoint */
        return nm_capture_fail(cap, err, 0, "no checkpoint for frame %lu", (unsigned long)n);
    if (cur->blk == UINT32_MAX || n < cur->blk_first || n - cur->blk_first >= cur->blk_count) {
        blk = find_block(cap, n);
        cur->blk = blk;
        cur->blk_first = cap->cps[blk].frame;
        cur->blk_count = (blk + 1 < cap->ncps ? cap->cps[blk + 1].frame : cap->frames)
                         - cur->blk_first;
        cur->pos[0] = cap->cps[blk];
        cur->known = 1;
    }
    i = n - cur->blk_first;
    while (cur->known <= i) {
        struct nm_checkpoint p = cur->pos[cur->known - 1];
        int rc = cap->rd->next(cur, &p, 0, &info, NULL, err);
        if (rc > 0)
            return nm_capture_fail(cap, err, p.offset, "file ends before frame %lu",
                                   (unsigned long)n + 1);
        if (rc < 0) return -1;
        cur->pos[cur->known++] = p;
    }
    *pos = cur->pos[i];
    return 0;
}

int nm_cursor_read(struct nm_cursor *cur, uint32_t n, struct nm_frame_info *info,
                   const uint8_t **data, char err[NM_CAPTURE_ERRLEN])
{
    const struct nm_capture *cap;
    struct nm_checkpoint pos;
    int rc;

    if (!cur || !info || !data) return -1;
    cap = cur->cap;
    if (n >= cap->frames) return 1;
    if (frame_pos(cur, n, &pos, err)) return -1;
    rc = cap->rd->next(cur, &pos, NM_NEXT_DATA, info, data, err);
    if (rc > 0)
        return nm_capture_fail(cap, err, pos.offset, "file ends before frame %lu",
                               (unsigned long)n + 1);
    if (rc < 0) return -1;
    /* Remember where frame n+1's search starts: the sequential path never re-parses. */
    if (!cap->rd->locate && cur->blk != UINT32_MAX && n >= cur->blk_first &&
        cur->known == n - cur->blk_first + 1 && cur->known <= NM_CAPTURE_CHECKPOINT)
        cur->pos[cur->known++] = pos;
    return 0;
}

static int add_checkpoint(struct nm_capture *cap, const struct nm_checkpoint *pos, char *err)
{
    if (cap->ncps == cap->cps_cap) {
        uint32_t ncap = cap->cps_cap ? cap->cps_cap * 2 : 64;
        struct nm_checkpoint *p = realloc(cap->cps, (size_t)ncap * sizeof(*p));
        if (!p) return nm_capture_fail(cap, err, pos->offset, "out of memory for the index");
        cap->cps = p;
        cap->cps_cap = ncap;
    }
    cap->cps[cap->ncps++] = *pos;
    return 0;
}

static void account(struct nm_capture *cap, const struct nm_frame_info *info)
{
    if (!cap->frames) {
        cap->start_us = info->ts_us;
        cap->link_type = info->link_type;
    }
    cap->bytes += info->origlen;
    cap->frames++;
}

/* The open-time pass: every record is parsed (and so validated) once. Sequential
 * formats also count frames and leave a checkpoint every NM_CAPTURE_CHECKPOINT. */
static int scan(struct nm_capture *cap, struct nm_cursor *cur, char *err)
{
    struct nm_frame_info info;
    struct nm_checkpoint pos, before;
    uint32_t n, total, in_blk;
    uint64_t skipped;
    int rc;

    if (cap->rd->locate) {
        total = cap->frames;
        cap->frames = 0;
        for (n = 0; n < total; n++) {
            if (cap->rd->locate(cur, n, &pos, err)) return -1;
            rc = cap->rd->next(cur, &pos, NM_NEXT_SCAN, &info, NULL, err);
            if (rc > 0) return nm_capture_fail(cap, err, pos.offset, "frame %lu missing",
                                               (unsigned long)n + 1);
            if (rc < 0) return -1;
            account(cap, &info);
        }
        return 0;
    }
    /* A checkpoint is the record of a frame (not where its search started), so the
     * skipped records before it are never walked again; a new one starts after
     * NM_CAPTURE_SKIP_MAX skipped bytes inside a block, so a file padded with millions
     * of tiny unknown blocks costs at most that much walking per jump (issue 9 §3),
     * and at most one 16-byte checkpoint per NM_CAPTURE_SKIP_MAX bytes of file. */
    pos = cap->first;
    in_blk = 0;
    skipped = 0;
    for (;;) {
        uint64_t gap;
        before = pos;
        rc = cap->rd->next(cur, &pos, NM_NEXT_SCAN, &info, NULL, err);
        if (rc > 0) return 0;
        if (rc < 0) return -1;
        if (cap->frames == UINT32_MAX - 1)
            return nm_capture_fail(cap, err, before.offset, "more than %lu frames",
                                   (unsigned long)(UINT32_MAX - 1));
        gap = info.record - before.offset;
        if (!cap->frames || in_blk == NM_CAPTURE_CHECKPOINT ||
            gap > NM_CAPTURE_SKIP_MAX - skipped) {
            struct nm_checkpoint cp;
            cp.offset = info.record;
            cp.state = pos.state;       /* the frame's own state (pcapng: its section) */
            cp.frame = cap->frames;
            if (add_checkpoint(cap, &cp, err)) return -1;
            in_blk = 0;
            skipped = 0;
        } else {
            skipped += gap;
        }
        in_blk++;
        account(cap, &info);
    }
}

int nm_capture_open(const struct nm_io *io, const char *name, struct nm_capture **out,
                    char err[NM_CAPTURE_ERRLEN])
{
    struct nm_capture *cap;
    struct nm_cursor *cur = NULL;
    uint8_t magic[4];
    uint32_t m;

    if (err) err[0] = 0;
    if (!out) return -1;
    *out = NULL;
    if (!io || !io->read_at) {
        if (err) snprintf(err, NM_CAPTURE_ERRLEN, "%s: no I/O callback", name ? name : "?");
        return -1;
    }
    if (!(cap = calloc(1, sizeof(*cap)))) {
        if (err) snprintf(err, NM_CAPTURE_ERRLEN, "%s: out of memory", name ? name : "?");
        return -1;
    }
    cap->io = *io;
    snprintf(cap->name, sizeof(cap->name), "%s", name ? name : "capture");
    if (nm_capture_read_exact(cap, 0, magic, 4, err)) goto fail;
    /* The format comes from the magic only (never the file name). NetMon 2.x: "GMBU";
     * pcap: a1b2c3d4 (usec) / a1b23c4d (nsec) in either byte order; pcapng: a section
     * header block, type 0a0d0d0a (a palindrome, so the same in both orders). */
    m = nm_get32(magic, 1);
    if (!memcmp(magic, "GMBU", 4)) cap->rd = &nm_reader_netmon2;
    else if (m == 0x0a0d0d0au) cap->rd = &nm_reader_pcapng;
    else if (m == 0xa1b2c3d4u || m == 0xd4c3b2a1u || m == 0xa1b23c4du || m == 0x4d3cb2a1u)
        cap->rd = &nm_reader_pcap;
    else if (!memcmp(magic, "RTSS", 4)) {
        nm_capture_fail(cap, err, 0, "NetMon 1.x capture (magic RTSS) not supported");
        goto fail;
    } else {
        nm_capture_fail(cap, err, 0, "unknown magic %02x%02x%02x%02x (not NetMon 2.x, pcap "
                        "or pcapng)", magic[0], magic[1], magic[2], magic[3]);
        goto fail;
    }
    if (!(cur = nm_cursor_new(cap))) {
        nm_capture_fail(cap, err, 0, "out of memory");
        goto fail;
    }
    if (cap->rd->open(cap, cur, err) || scan(cap, cur, err)) goto fail;
    nm_cursor_free(cur);
    *out = cap;
    return 0;
fail:
    nm_cursor_free(cur);
    nm_capture_close(cap);
    return -1;
}

void nm_capture_close(struct nm_capture *cap)
{
    if (!cap) return;
    if (cap->rd && cap->rd->close) cap->rd->close(cap);
    free(cap->cps);
    free(cap);
}

enum nm_capture_format nm_capture_format(const struct nm_capture *cap) { return cap->rd->format; }
const char *nm_capture_format_name(const struct nm_capture *cap) { return cap->rd->name; }
uint32_t nm_capture_frames(const struct nm_capture *cap) { return cap->frames; }
uint64_t nm_capture_bytes(const struct nm_capture *cap) { return cap->bytes; }
int64_t  nm_capture_start_us(const struct nm_capture *cap) { return cap->start_us; }
uint32_t nm_capture_link_type(const struct nm_capture *cap) { return cap->link_type; }
