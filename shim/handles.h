/*
 * handles.h - HCAPTURE and HFRAME as nmapi.dll hands them out (handles.c): validated
 * cookies over the host's open captures, never pointers we dereference.
 *
 *  - HCAPTURE: 0x80000000 | generation << 8 | slot << 2 (low two bits 00): a slot of the
 *    registry of open captures and its generation; a closed capture's handle is stale.
 *  - HFRAME: 2 * (base + n) + 1 (odd, >= 0x80000001): frame n of the capture whose handle
 *    range [base, base + frames) holds it. Ranges are never reused while the process
 *    lives (up to 2^30 frames opened in all), so a frame handle of a closed capture stays
 *    invalid. An HFRAME can never be taken for an HCAPTURE or the other way round.
 * The frame functions keep each frame they were asked about in memory until the capture
 * closes (FRAME pointers stay valid that long, as in Network Monitor, which held the
 * whole capture in memory).
 */
#ifndef NM_HANDLES_H
#define NM_HANDLES_H

#include "nmapi_private.h"
#include "capture.h"

#define NM_HANDLES_MAX_CAPTURES 64u

struct NMSHIM_CAPTURE;
struct nm_hcap;                 /* a looked-up capture, held until nm_handles_release */

/* One cached frame: the FRAME handed to callers (header + data) and what we know of it. */
struct nm_frame_entry {
    DWORD number;
    DWORD link_type;            /* pcap LINKTYPE_* of this frame (capture.h) */
    FRAME frame;                /* followed by nBytesAvail bytes of MacFrame */
};

/* capfile.c: register / unregister an open capture (fails quietly when the registry is
 * full: the capture then has no HCAPTURE). */
void     nm_handles_capture_add(struct NMSHIM_CAPTURE *c, const struct nm_capture *cap,
                                const struct nm_io *io);
void     nm_handles_capture_remove(struct NMSHIM_CAPTURE *c);
HCAPTURE nm_handles_capture(const struct NMSHIM_CAPTURE *c);   /* NULL: not registered */
HFRAME   nm_handles_frame(HCAPTURE h, DWORD n);                /* NULL: bad h or n */

/* Lookups take the registry's shared lock: each returns 0 with *out held, or -1. */
int  nm_handles_lookup_capture(HCAPTURE h, struct nm_hcap **out);
int  nm_handles_lookup_frame(HFRAME h, struct nm_hcap **out, DWORD *n);
void nm_handles_release(struct nm_hcap *c);

HCAPTURE nm_hcap_handle(const struct nm_hcap *c);
DWORD    nm_hcap_frames(const struct nm_hcap *c);
HFRAME   nm_hcap_frame_handle(const struct nm_hcap *c, DWORD n);
DWORD    nm_hcap_link_type(const struct nm_hcap *c);
const SYSTEMTIME *nm_hcap_start_time(const struct nm_hcap *c);
const char *nm_hcap_comment(const struct nm_hcap *c);            /* "" when none */
/* Frame n, read once and kept until the capture closes; NULL on a read error. */
const struct nm_frame_entry *nm_hcap_frame(struct nm_hcap *c, DWORD n);

/* The comment a capture file carries (NetMon 2.x comment block, pcapng SHB opt_comment),
 * as a NUL-terminated process-heap string ("" when none); NULL out of memory. */
char *nm_handles_read_comment(const struct nm_io *io, enum nm_capture_format fmt);

#endif /* NM_HANDLES_H */
