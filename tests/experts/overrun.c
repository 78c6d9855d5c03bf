/* overrun.c - test expert that writes far past its blocks (into the next blocks' headers
 * and beyond, inside its own heap) and returns TRUE as if nothing happened. Its heap goes
 * in one HeapDestroy when it ends; the host's heaps must not notice (test_expert_overrun_
 * then_ended, on Wine's checking heap in scripts/test.sh's checked pass). */
#include <windows.h>
#include <netmon.h>
#include <stdio.h>
#include <string.h>

__declspec(dllexport) BOOL WINAPI Register(PEXPERTENUMINFO info);
__declspec(dllexport) BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config,
                                      PEXPERTSTARTUPINFO startup, DWORD flags, HWND wnd);

BOOL WINAPI Register(PEXPERTENUMINFO info)
{
    snprintf(info->szName, sizeof(info->szName), "t_overrun");
    snprintf(info->szVendor, sizeof(info->szVendor), "nmshim tests");
    return TRUE;
}

BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config, PEXPERTSTARTUPINFO startup,
                DWORD flags, HWND wnd)
{
    BYTE *blocks[8];
    DWORD err;
    int i;

    (void)config; (void)startup; (void)flags; (void)wnd;
    for (i = 0; i < 8; i++) blocks[i] = ExpertAllocMemory(key, 48, &err);
    /* 48-byte blocks, 512 bytes written from the fourth: the next blocks' headers and
     * contents are overwritten with a pattern a heap would choke on. */
    if (blocks[3]) memset(blocks[3], 0xcc, 512);
    return TRUE;
}
