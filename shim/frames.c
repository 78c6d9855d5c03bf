/*
 * frames.c - ExpertGetFrame (nmapi.@): serves the host's capture to a running expert
 * (expert-api.md §4.5, DESIGN.md "Frames").
 *
 * Our choices where the docs are silent (README "Frames"):
 *  - NEXT_FORWARD from INVALID_FRAME_NUMBER starts at frame 0; NEXT_BACKWARD from
 *    INVALID_FRAME_NUMBER starts at the last frame; NMERR_NO_MORE_FRAMES at either end.
 *  - GET_SPECIFIED_FRAME past the end: NMERR_FRAME_NOT_FOUND.
 *  - pFrame points at host memory of this key, valid until its next ExpertGetFrame or
 *    the end of Run; FRAME.TimeStamp is in microseconds since the capture's first frame.
 *  - No parsers: FLAGS_ATTACH_PROPERTIES and FLAGS_DEFER_TO_UI_FILTER are accepted and
 *    change nothing (lpPropertyTable and lpRecognizeDataTable are NULL); a non-NULL
 *    hFilter cannot be one of ours (we create none) and gets NMERR_INVALID_HFILTER.
 */
#include <string.h>
#include "expert.h"
#include "handles.h"

#define FRAME_HEADER offsetof(FRAME, MacFrame)

/* Reads frame n into the run's frame buffer; caller holds the instance lock. */
static DWORD load_frame(struct nm_run *r, DWORD n)
{
    struct nm_frame_info info;
    const uint8_t *data;
    int64_t rel;
    FRAME *f;

    if (nm_cursor_read(r->cursor, n, &info, &data, NULL) != 0) return NMERR_FILE_READ_ERROR;
    if (FRAME_HEADER + info.caplen > r->frame_cap) {
        size_t cap = FRAME_HEADER + NM_CAPTURE_MAX_FRAME;
        BYTE *b = r->frame ? HeapReAlloc(GetProcessHeap(), 0, r->frame, cap)
                           : HeapAlloc(GetProcessHeap(), 0, cap);
        if (!b) return NMERR_OUT_OF_MEMORY;
        r->frame = b;
        r->frame_cap = cap;
    }
    f = (FRAME *)r->frame;
    /* pcapng time stamps can span the whole int64 range (a crafted file, or frames in
     * several sections): the difference saturates rather than overflow (issue 9 §3). */
    if (__builtin_sub_overflow(info.ts_us, nm_capfile_start_us(r->capture), &rel))
        rel = info.ts_us < 0 ? INT64_MIN : INT64_MAX;
    f->TimeStamp = rel;
    f->FrameLength = info.origlen;
    f->nBytesAvail = info.caplen;
    memcpy(f->MacFrame, data, info.caplen);
    return NMERR_SUCCESS;
}

/* ExpertGetFrame (nmapi.@) */
DWORD WINAPI ExpertGetFrame(HEXPERTKEY hExpertKey, DWORD Direction, DWORD RequestFlags,
                            DWORD RequestedFrameNumber, HFILTER hFilter,
                            LPEXPERTFRAMEDESCRIPTOR pEFrameDescriptor)
{
    struct nm_instance *inst;
    struct nm_run *r;
    EXPERTFRAMEDESCRIPTOR desc;
    const char *bad = NULL;
    DWORD err, total, n = 0;

    if ((err = nm_instance_enter(hExpertKey, FALSE, &inst, &r))) {
        TRACE("key %p -> error %lu\n", hExpertKey, err);
        return err;
    }
    total = r && r->cursor ? nm_capfile_frames(r->capture) : 0;
    if (!pEFrameDescriptor) bad = "NULL frame descriptor", err = NMERR_INVALID_PARAMETER;
    else if (Direction > GET_FRAME_NEXT_BACKWARD) bad = "unknown Direction", err = NMERR_INVALID_PARAMETER;
    else if (RequestFlags & ~(FLAGS_DEFER_TO_UI_FILTER | FLAGS_ATTACH_PROPERTIES))
        bad = "unknown RequestFlags bits", err = NMERR_INVALID_PARAMETER;
    else if (hFilter) bad = "hFilter is not a filter of this host", err = NMERR_INVALID_HFILTER;
    else if (Direction == GET_SPECIFIED_FRAME) {
        if (RequestedFrameNumber >= total) err = NMERR_FRAME_NOT_FOUND;
        n = RequestedFrameNumber;
    } else if (Direction == GET_FRAME_NEXT_FORWARD) {
        n = RequestedFrameNumber == INVALID_FRAME_NUMBER ? 0 : RequestedFrameNumber + 1;
        if (n >= total) err = NMERR_NO_MORE_FRAMES;
    } else {
        if (RequestedFrameNumber == 0 || !total) err = NMERR_NO_MORE_FRAMES;
        else n = RequestedFrameNumber == INVALID_FRAME_NUMBER || RequestedFrameNumber > total
                 ? total - 1 : RequestedFrameNumber - 1;
    }
    if (bad) nm_instance_bad_call(inst, err, bad);
    if (!err) err = load_frame(r, n);
    if (!err) {
        desc.FrameNumber = n;
        desc.hFrame = nm_handles_frame(r->startup.hCapture, n);   /* handles.h */
        desc.pFrame = (ULPFRAME)r->frame;
        desc.lpRecognizeDataTable = NULL;
        desc.lpPropertyTable = NULL;
        r->status.Frame = n;
    }
    nm_instance_leave(inst);
    /* The descriptor is the expert's memory: written with no lock held, under a guard. */
    if (!err && nm_safe_copy(pEFrameDescriptor, &desc, sizeof(desc)))
        bad = "frame descriptor is not writable memory", err = NMERR_INVALID_PARAMETER;
    if (bad) WARN("key %p, direction %lu, flags %#lx, frame %lu, filter %p, desc %p: %s\n",
                  hExpertKey, Direction, RequestFlags, RequestedFrameNumber, hFilter,
                  pEFrameDescriptor, bad);
    TRACE("key %p, direction %lu, flags %#lx, frame %lu -> frame %lu, error %lu\n", hExpertKey,
          Direction, RequestFlags, RequestedFrameNumber, n, err);
    return err;
}
