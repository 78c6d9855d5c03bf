/* stop_frames.c - test expert that reads the capture forward and honours a stop the
 * way the ExpertIndicateStatus page asks: when ExpertGetFrame answers
 * NMERR_EXPERT_TERMINATE it notes the frame it asked for in its status text (which the
 * stopped key may refuse), frees its block and returns FALSE. Under nmhost
 * --stop-at-frame N it is "terminated" at frame N (tests/check-faultinj.sh); without it,
 * it reads every frame and ends done. */
#include <windows.h>
#include <netmon.h>
#include <stdio.h>
#include <string.h>

__declspec(dllexport) BOOL WINAPI Register(PEXPERTENUMINFO info);
__declspec(dllexport) BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config,
                                      PEXPERTSTARTUPINFO startup, DWORD flags, HWND wnd);

BOOL WINAPI Register(PEXPERTENUMINFO info)
{
    snprintf(info->szName, sizeof(info->szName), "t_stop_frames");
    snprintf(info->szVendor, sizeof(info->szVendor), "nmshim tests");
    snprintf(info->szDescription, sizeof(info->szDescription),
             "Reads every frame; stops cleanly on NMERR_EXPERT_TERMINATE");
    info->Version = 0;
    info->Flags = 0;
    return TRUE;
}

BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config, PEXPERTSTARTUPINFO startup,
                DWORD flags, HWND wnd)
{
    EXPERTFRAMEDESCRIPTOR desc;
    char text[EXPERTSTRINGLENGTH];
    DWORD n = INVALID_FRAME_NUMBER, frames = 0, rc, err;
    void *state = ExpertAllocMemory(key, 512, &err);

    (void)config; (void)startup; (void)flags; (void)wnd;
    if (!state) return FALSE;
    for (;;) {
        rc = ExpertGetFrame(key, GET_FRAME_NEXT_FORWARD, 0, n, NULL, &desc);
        if (rc == NMERR_NO_MORE_FRAMES) break;
        if (rc == NMERR_EXPERT_TERMINATE) {
            snprintf(text, sizeof(text), "told to stop when asking for frame %lu",
                     (unsigned long)(n == INVALID_FRAME_NUMBER ? 0 : n + 1));
            ExpertIndicateStatus(key, EXPERTSTATUS_ABORTED, 0, text, 0);
            ExpertFreeMemory(key, state);
            return FALSE;
        }
        if (rc != NMERR_SUCCESS) return FALSE;
        n = desc.FrameNumber;
        frames++;
    }
    snprintf(text, sizeof(text), "read %lu frames", (unsigned long)frames);
    ExpertIndicateStatus(key, EXPERTSTATUS_RUNNING, 0, text, 99);
    ExpertFreeMemory(key, state);
    return TRUE;
}
