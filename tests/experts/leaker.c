/* leaker.c - test expert: allocates 1000 blocks of 100 bytes and returns TRUE without
 * freeing them, so the host must count 1000 leaked blocks (100000 bytes) and reclaim
 * them. */
#include <windows.h>
#include <netmon.h>
#include <stdio.h>
#include <string.h>

#define NBLOCKS 1000
#define BLOCK_SIZE 100

__declspec(dllexport) BOOL WINAPI Register(PEXPERTENUMINFO info);
__declspec(dllexport) BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config,
                                      PEXPERTSTARTUPINFO startup, DWORD flags, HWND wnd);

BOOL WINAPI Register(PEXPERTENUMINFO info)
{
    snprintf(info->szName, sizeof(info->szName), "t_leaker");
    snprintf(info->szVendor, sizeof(info->szVendor), "nmshim tests");
    snprintf(info->szDescription, sizeof(info->szDescription),
             "Allocates 1000 blocks of 100 bytes and never frees them");
    info->Version = 0;
    info->Flags = 0;
    return TRUE;
}

BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config, PEXPERTSTARTUPINFO startup,
                DWORD flags, HWND wnd)
{
    BOOL ok = TRUE;
    DWORD err;
    void *p;
    int i;

    (void)config; (void)startup; (void)flags; (void)wnd;

    for (i = 0; i < NBLOCKS; i++) {
        err = 0xdeadbeef;
        p = ExpertAllocMemory(key, BLOCK_SIZE, &err);
        if (!p || err != NMERR_SUCCESS) {
            char text[64];

            snprintf(text, sizeof(text), "alloc %d: %p, err %lu", i, p, err);
            ExpertIndicateStatus(key, EXPERTSTATUS_PROBLEM, 0, text, 0);
            ok = FALSE;
            continue;
        }
        memset(p, 0x5a, BLOCK_SIZE);   /* touch it: the blocks must be real memory */
    }
    return ok;                  /* on purpose: nothing freed */
}
