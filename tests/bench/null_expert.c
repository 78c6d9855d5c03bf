/* null_expert.c - benchmark expert for bench_host: walks the whole capture forward with
 * ExpertGetFrame and does nothing else, so a run measures the frame-delivery path alone.
 * Written as a third party would: <netmon.h>, the Expert* functions, nothing else.
 * At the end it reports "frames N bytes B" as status text, so the host can check that
 * every frame arrived (and the compiler cannot drop the reads of the frame). */
#include <windows.h>
#include <netmon.h>
#include <stdio.h>

__declspec(dllexport) BOOL WINAPI Register(PEXPERTENUMINFO info);
__declspec(dllexport) BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config,
                                      PEXPERTSTARTUPINFO startup, DWORD flags, HWND wnd);

BOOL WINAPI Register(PEXPERTENUMINFO info)
{
    snprintf(info->szName, sizeof(info->szName), "null_expert");
    snprintf(info->szVendor, sizeof(info->szVendor), "nmshim benchmarks");
    snprintf(info->szDescription, sizeof(info->szDescription),
             "Walks every frame forward and does nothing else (frame delivery benchmark)");
    info->Version = 0;
    info->Flags = 0;
    return TRUE;
}

BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config, PEXPERTSTARTUPINFO startup,
                DWORD flags, HWND wnd)
{
    EXPERTFRAMEDESCRIPTOR desc;
    char text[EXPERTSTRINGLENGTH];
    ULONGLONG bytes = 0;
    DWORD frames = 0, n = INVALID_FRAME_NUMBER, rc;

    (void)config; (void)startup; (void)flags; (void)wnd;
    /* Forward from "before the first frame" until the documented end marker. Reading
     * FrameLength touches the frame as any real expert would (one cache line). */
    while ((rc = ExpertGetFrame(key, GET_FRAME_NEXT_FORWARD, 0, n, NULL, &desc)) == NMERR_SUCCESS) {
        n = desc.FrameNumber;
        bytes += desc.pFrame->FrameLength;
        frames++;
    }
    snprintf(text, sizeof(text), "frames %lu bytes %llu", frames, (unsigned long long)bytes);
    if (rc != NMERR_NO_MORE_FRAMES) {
        ExpertIndicateStatus(key, EXPERTSTATUS_PROBLEM, 0, text, 0);
        return FALSE;
    }
    ExpertIndicateStatus(key, EXPERTSTATUS_DONE, 0, text, 100);
    return TRUE;
}
