/* honour_stop.c - test expert that stops when told: it holds 10 blocks and reports
 * status every 10 ms; on NMERR_EXPERT_TERMINATE it frees what it can and returns
 * FALSE, as the ExpertIndicateStatus page asks ("clean up and return"). */
#include <windows.h>
#include <netmon.h>
#include <stdio.h>

#define NBLOCKS 10
#define GIVE_UP_MS 60000

__declspec(dllexport) BOOL WINAPI Register(PEXPERTENUMINFO info);
__declspec(dllexport) BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config,
                                      PEXPERTSTARTUPINFO startup, DWORD flags, HWND wnd);

BOOL WINAPI Register(PEXPERTENUMINFO info)
{
    snprintf(info->szName, sizeof(info->szName), "t_honour_stop");
    snprintf(info->szVendor, sizeof(info->szVendor), "nmshim tests");
    snprintf(info->szDescription, sizeof(info->szDescription),
             "Waits for NMERR_EXPERT_TERMINATE, then cleans up and returns FALSE");
    info->Version = 0;
    info->Flags = 0;
    return TRUE;
}

BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config, PEXPERTSTARTUPINFO startup,
                DWORD flags, HWND wnd)
{
    void *blocks[NBLOCKS] = { NULL };
    BOOL stopped = FALSE;
    DWORD start, elapsed, err;
    int i;

    (void)config; (void)startup; (void)flags; (void)wnd;

    for (i = 0; i < NBLOCKS; i++) {
        err = 0xdeadbeef;
        blocks[i] = ExpertAllocMemory(key, 256, &err);
        if (!blocks[i] && err == NMERR_EXPERT_TERMINATE) {
            stopped = TRUE;     /* told to stop before we even started */
            break;
        }
    }

    start = GetTickCount();
    while (!stopped) {
        elapsed = GetTickCount() - start;
        if (elapsed >= GIVE_UP_MS)
            break;
        if (ExpertIndicateStatus(key, EXPERTSTATUS_RUNNING, 0, "waiting to be stopped",
                                 (LONG)(elapsed * 99 / GIVE_UP_MS)) == NMERR_EXPERT_TERMINATE)
            stopped = TRUE;
        else
            Sleep(10);
    }

    /* Clean up either way; after a stop the host may answer NMERR_EXPERT_TERMINATE
     * here too, which is fine: it reclaims the blocks with the instance's heap. */
    for (i = 0; i < NBLOCKS; i++)
        if (blocks[i])
            ExpertFreeMemory(key, blocks[i]);
    return !stopped;
}
