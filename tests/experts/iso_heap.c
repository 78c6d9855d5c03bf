/* iso_heap.c - test expert for nmhost --isolate: Run overruns a block of the PROCESS
 * heap (not its own), writing until it runs off the end of the heap's committed memory.
 * Every block and header after it is garbage: no guard can give the host its heap back,
 * so in-process the host may crash or hang at any later allocation. In its own child
 * process this must become a fault of this expert, and the other experts must still run
 * to done. */
#include <windows.h>
#include <netmon.h>
#include <stdio.h>

#define MAX_OVERRUN (256u << 20)    /* far past any heap segment Wine commits */

__declspec(dllexport) BOOL WINAPI Register(PEXPERTENUMINFO info);
__declspec(dllexport) BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config,
                                      PEXPERTSTARTUPINFO startup, DWORD flags, HWND wnd);

BOOL WINAPI Register(PEXPERTENUMINFO info)
{
    snprintf(info->szName, sizeof(info->szName), "t_iso_heap");
    snprintf(info->szVendor, sizeof(info->szVendor), "nmshim tests");
    snprintf(info->szDescription, sizeof(info->szDescription),
             "Overruns a process-heap block until it faults");
    info->Version = 0;
    info->Flags = 0;
    return TRUE;
}

BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config, PEXPERTSTARTUPINFO startup,
                DWORD flags, HWND wnd)
{
    /* volatile: a real byte store each time, never a memset the compiler could move
     * into another module. */
    volatile BYTE *p = HeapAlloc(GetProcessHeap(), 0, 16);
    SIZE_T i;
    (void)config; (void)startup; (void)flags; (void)wnd;

    ExpertIndicateStatus(key, EXPERTSTATUS_RUNNING, 0, "overrunning the process heap", 10);
    if (!p) return FALSE;
    /* Long enough for the host's status snapshot (every 100 ms) to see the text. */
    Sleep(400);
    for (i = 0; i < MAX_OVERRUN; i++) p[i] = 0xa5;
    /* Not reached unless the heap is larger than MAX_OVERRUN; corrupt it all the same. */
    HeapFree(GetProcessHeap(), 0, (void *)(p + 4096));
    return TRUE;
}
