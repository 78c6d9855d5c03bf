/* frames.c - test expert: walks the capture forward, then backward, then fetches
 * frame 0 directly, and reports the totals as status text and as one event. Pins the
 * ExpertGetFrame contract of docs/design.md "Frames": frames numbered 0..N-1, forward from
 * INVALID_FRAME_NUMBER, NMERR_NO_MORE_FRAMES at either end. */
#include <windows.h>
#include <netmon.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

__declspec(dllexport) BOOL WINAPI Register(PEXPERTENUMINFO info);
__declspec(dllexport) BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config,
                                      PEXPERTSTARTUPINFO startup, DWORD flags, HWND wnd);

/* An NMEVENTDATA with room for its two columns, on the stack. The columns must sit
 * exactly where NMEVENTDATA's Column[] starts (64 / 96 bytes, docs/expert-api.md §6.1). */
struct totals_event {
    NMEVENTDATA head;
    NMCOLUMNINFO column[2];
};
_Static_assert(offsetof(struct totals_event, column) == offsetof(NMEVENTDATA, Column),
               "columns must follow NMEVENTDATA directly");

static BOOL __attribute__((format(__MINGW_PRINTF_FORMAT, 2, 3)))
fail(HEXPERTKEY key, const char *fmt, ...)
{
    char text[EXPERTSTRINGLENGTH];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    ExpertIndicateStatus(key, EXPERTSTATUS_PROBLEM, 0, text, 0);
    return FALSE;
}

BOOL WINAPI Register(PEXPERTENUMINFO info)
{
    snprintf(info->szName, sizeof(info->szName), "t_frames");
    snprintf(info->szVendor, sizeof(info->szVendor), "nmshim tests");
    snprintf(info->szDescription, sizeof(info->szDescription),
             "Walks the capture forward and backward and reports frame and byte totals");
    info->Version = 0;
    info->Flags = 0;
    return TRUE;
}

BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config, PEXPERTSTARTUPINFO startup,
                DWORD flags, HWND wnd)
{
    EXPERTFRAMEDESCRIPTOR desc;         /* the expert's own memory (ExpertGetFrame page) */
    struct totals_event ev;
    char text[EXPERTSTRINGLENGTH];
    DWORD frames = 0, bytes = 0, back = 0, n, rc;

    (void)config; (void)startup; (void)flags; (void)wnd;

    /* Forward from "before the first frame"; each frame must be the next number. */
    n = INVALID_FRAME_NUMBER;
    for (;;) {
        memset(&desc, 0xcc, sizeof(desc));
        rc = ExpertGetFrame(key, GET_FRAME_NEXT_FORWARD, 0, n, NULL, &desc);
        if (rc == NMERR_NO_MORE_FRAMES)
            break;
        if (rc != NMERR_SUCCESS)
            return fail(key, "forward after frame %ld: error %lu", (long)n, rc);
        if (desc.FrameNumber != frames)
            return fail(key, "forward: got frame %lu, expected %lu", desc.FrameNumber, frames);
        if (!desc.pFrame)
            return fail(key, "forward: frame %lu has no pFrame", desc.FrameNumber);
        frames++;
        bytes += desc.pFrame->FrameLength;
        n = desc.FrameNumber;
    }

    /* Backward from the last frame: NEXT_BACKWARD returns the frame before the one
     * named, so the walk visits every frame but the last: back == frames - 1. */
    if (frames > 0) {
        n = frames - 1;
        for (;;) {
            memset(&desc, 0xcc, sizeof(desc));
            rc = ExpertGetFrame(key, GET_FRAME_NEXT_BACKWARD, 0, n, NULL, &desc);
            if (rc == NMERR_NO_MORE_FRAMES)
                break;
            if (rc != NMERR_SUCCESS)
                return fail(key, "backward before frame %lu: error %lu", n, rc);
            if (desc.FrameNumber != n - 1)
                return fail(key, "backward: got frame %lu, expected %lu", desc.FrameNumber,
                            n - 1);
            back++;
            n = desc.FrameNumber;
        }
        if (back != frames - 1)
            return fail(key, "backward walk saw %lu frames, expected %lu", back, frames - 1);

        memset(&desc, 0xcc, sizeof(desc));
        rc = ExpertGetFrame(key, GET_SPECIFIED_FRAME, 0, 0, NULL, &desc);
        if (rc != NMERR_SUCCESS)
            return fail(key, "frame 0: error %lu", rc);
        if (desc.FrameNumber != 0 || !desc.pFrame)
            return fail(key, "frame 0: got frame %lu, pFrame %p", desc.FrameNumber,
                        (void *)desc.pFrame);
    } else {
        /* An empty capture: there is no frame 0 to fetch. */
        rc = ExpertGetFrame(key, GET_SPECIFIED_FRAME, 0, 0, NULL, &desc);
        if (rc == NMERR_SUCCESS)
            return fail(key, "empty capture, but frame 0 was returned");
    }

    memset(&ev, 0, sizeof(ev));
    ev.head.Version = 0;
    ev.head.EventIdent = 1;
    ev.head.Flags = NMEVENTFLAG_EXPERT;
    ev.head.Severity = NMEVENT_SEVERITY_INFORMATIONAL;
    ev.head.NumColumns = 2;
    ev.head.szSourceName = "t_frames";
    ev.head.szEventName = "totals";
    snprintf(text, sizeof(text), "%lu frames, %lu bytes on the wire", frames, bytes);
    ev.head.szDescription = text;
    ev.column[0].szColumnName = "frames";
    ev.column[0].VariantData.Type = NMCOLUMNTYPE_UINT32;
    ev.column[0].VariantData.Value.Uint32Val = frames;
    ev.column[1].szColumnName = "bytes";
    ev.column[1].VariantData.Type = NMCOLUMNTYPE_UINT32;
    ev.column[1].VariantData.Value.Uint32Val = bytes;
    rc = ExpertSubmitEvent(key, &ev.head);
    if (rc != NMERR_SUCCESS)
        return fail(key, "ExpertSubmitEvent returned %lu", rc);

    snprintf(text, sizeof(text), "frames=%lu bytes=%lu back=%lu", frames, bytes, back);
    ExpertIndicateStatus(key, EXPERTSTATUS_RUNNING, 0, text, 99);
    return TRUE;
}
