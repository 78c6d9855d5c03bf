/*
 * frames.c - ExpertGetFrame (nmapi.@): serves the host's capture to a running expert
 * (docs/expert-api.md §4.5, docs/design.md "Frames").
 *
 * Our choices where the docs are silent (README "Frames"):
 *  - NEXT_FORWARD from INVALID_FRAME_NUMBER starts at frame 0; NEXT_BACKWARD from
 *    INVALID_FRAME_NUMBER starts at the last frame; NMERR_NO_MORE_FRAMES at either end.
 *  - GET_SPECIFIED_FRAME past the end: NMERR_FRAME_NOT_FOUND.
 *  - pFrame points at host memory of this key, valid until its next ExpertGetFrame or
 *    the end of Run; FRAME.TimeStamp is in microseconds since the capture's first frame.
 *  - hFrame names the key's frame table (engine.h): valid, like pFrame, until the next
 *    call on the same key; then it is stale and every function taking it refuses it.
 *  - FLAGS_ATTACH_PROPERTIES: the engine recognizes the frame and attaches properties;
 *    lpPropertyTable and lpRecognizeDataTable point into the key's frame table (outside
 *    the expert heap). Without the flag both are NULL (the frame is parsed later if the
 *    expert asks for a property of it).
 *  - hFilter must be a filter of ours (CreateFilter), else NMERR_INVALID_HFILTER;
 *    FLAGS_DEFER_TO_UI_FILTER adds the host's display filter (nm_filter_ui, nmhost
 *    --filter). NEXT_FORWARD / NEXT_BACKWARD skip frames that fail either;
 *    GET_SPECIFIED_FRAME on such a frame gives NMERR_FRAME_FAILED_FILTER.
 */
#include <string.h>
#include "expert.h"
#include "handles.h"
#include "engine.h"
#include "filter.h"

#define FRAME_HEADER offsetof(FRAME, MacFrame)

/* Reads frame n into the run's frame buffer; caller holds the instance lock. */
static DWORD load_frame(struct nm_run *r, DWORD n, uint32_t *link_type)
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
    *link_type = info.link_type;
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
    uint32_t link = 0;
    struct nm_ptable *t = NULL;
    struct nm_filter *flt = NULL, *ui = NULL;

    if ((err = nm_instance_enter(hExpertKey, FALSE, &inst, &r))) {
        TRACE("key %p -> error %lu\n", hExpertKey, err);
        return err;
    }
    total = r && r->cursor ? nm_capfile_frames(r->capture) : 0;
    if (!pEFrameDescriptor) bad = "NULL frame descriptor", err = NMERR_INVALID_PARAMETER;
    else if (Direction > GET_FRAME_NEXT_BACKWARD) bad = "unknown Direction", err = NMERR_INVALID_PARAMETER;
    else if (RequestFlags & ~(FLAGS_DEFER_TO_UI_FILTER | FLAGS_ATTACH_PROPERTIES))
        bad = "unknown RequestFlags bits", err = NMERR_INVALID_PARAMETER;
    else if (hFilter && !(flt = nm_filter_lookup(hFilter)))
        bad = "hFilter is not a filter of this host", err = NMERR_INVALID_HFILTER;
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
    if (!err && !r->ptable) {
        if (!(r->ptable = nm_engine_table_acquire())) err = NMERR_OUT_OF_MEMORY;
        else r->ptable->hcapture = r->startup.hCapture;   /* the frame functions' view */
    }
    if (RequestFlags & FLAGS_DEFER_TO_UI_FILTER) ui = nm_filter_ui();
    while (!err) {
        FRAME *f;
        int pass = 1;
        if ((err = load_frame(r, n, &link))) break;
        f = (FRAME *)r->frame;
        if (!flt && !ui) {                      /* nothing to decide: one pass, one lock */
            desc.hFrame = nm_engine_table_load_parse(r->ptable, f->MacFrame, f->nBytesAvail, link, n,
                                                     (RequestFlags & FLAGS_ATTACH_PROPERTIES) != 0);
            break;
        }
        desc.hFrame = nm_engine_table_load(r->ptable, f->MacFrame, f->nBytesAvail, link, n);
        if ((flt || ui) && (t = nm_engine_table_lock(desc.hFrame))) {
            pass = (!ui || nm_filter_eval(ui, t)) && (!flt || nm_filter_eval(flt, t));
            nm_engine_table_unlock(t);
        }
        if (pass) break;
        if (Direction == GET_SPECIFIED_FRAME) err = NMERR_FRAME_FAILED_FILTER;
        else if (Direction == GET_FRAME_NEXT_FORWARD) { if (++n >= total) err = NMERR_NO_MORE_FRAMES; }
        else if (n-- == 0) err = NMERR_NO_MORE_FRAMES;
    }
    /* Fault injection (nmhost --stop-at-frame): the stop arrives with this frame. */
    if (!err) err = nm_run_frame_stop(r, n);
    if (!err) {
        desc.FrameNumber = n;
        desc.pFrame = (ULPFRAME)r->frame;
        desc.lpRecognizeDataTable = NULL;
        desc.lpPropertyTable = NULL;
        if ((RequestFlags & FLAGS_ATTACH_PROPERTIES) && (t = nm_engine_table_lock(desc.hFrame))) {
            nm_engine_table_parse(t, 1);
            desc.lpRecognizeDataTable = t->rtable;
            desc.lpPropertyTable = t->ptable;
            nm_engine_table_unlock(t);
        }
        r->status.Frame = n;
    }
    nm_instance_leave(inst);
    /* The descriptor is the expert's memory: written with no lock held, under a guard. */
    if (!err && nm_safe_copy(pEFrameDescriptor, &desc, sizeof(desc)))
        bad = "frame descriptor is not writable memory", err = NMERR_INVALID_PARAMETER;
    if (bad) WARN("key %p, direction %lu, flags %#lx, frame %lu, filter %p, desc %p: %s\n",
                  hExpertKey, Direction, RequestFlags, RequestedFrameNumber, hFilter,
                  pEFrameDescriptor, bad);
    TRACE("key %p, direction %lu, flags %#lx, frame %lu, filter %p, desc %p -> frame %lu, "
          "error %lu\n", hExpertKey, Direction, RequestFlags, RequestedFrameNumber, hFilter,
          pEFrameDescriptor, n, err);
    return err;
}


/* NmShimParseFrame (nmapi.@): the host's own view of one frame (nmhost --dump, startup
 * data); one host-wide run context with its own cursor and frame table. */
static SRWLOCK host_lock = SRWLOCK_INIT;
static struct nm_run host_run;

DWORD WINAPI NmShimParseFrame(HNMCAPTURE capture, DWORD frame, LPEXPERTFRAMEDESCRIPTOR desc)
{
    struct nm_ptable *t;
    uint32_t link = 0;
    DWORD err = NMERR_SUCCESS;
    FRAME *f;

    if (!capture) {                     /* the host closes its capture: let it go */
        AcquireSRWLockExclusive(&host_lock);
        nm_capfile_detach(&host_run);
        ReleaseSRWLockExclusive(&host_lock);
        return NMERR_SUCCESS;
    }
    if (!desc) return NMERR_INVALID_PARAMETER;
    AcquireSRWLockExclusive(&host_lock);
    if (host_run.capture != capture) {
        nm_capfile_detach(&host_run);
        if (nm_capfile_attach(capture, &host_run)) err = NMERR_OUT_OF_MEMORY;
    }
    if (!err && frame >= nm_capfile_frames(capture)) err = NMERR_FRAME_NOT_FOUND;
    if (!err && !host_run.ptable && !(host_run.ptable = nm_engine_table_acquire())) err = NMERR_OUT_OF_MEMORY;
    if (!err) host_run.ptable->hcapture = nm_handles_capture(capture);
    if (!err) err = load_frame(&host_run, frame, &link);
    if (!err) {
        f = (FRAME *)host_run.frame;
        memset(desc, 0, sizeof(*desc));
        desc->FrameNumber = frame;
        desc->hFrame = nm_engine_table_load(host_run.ptable, f->MacFrame, f->nBytesAvail, link, frame);
        desc->pFrame = (ULPFRAME)f;
        if ((t = nm_engine_table_lock(desc->hFrame))) {
            nm_engine_table_parse(t, 1);
            desc->lpRecognizeDataTable = t->rtable;
            desc->lpPropertyTable = t->ptable;
            nm_engine_table_unlock(t);
        }
    }
    ReleaseSRWLockExclusive(&host_lock);
    return err;
}
