/* crash_after_alloc.c - test expert: allocates 100 blocks of 1000 bytes, then writes
 * through a NULL pointer, so the host must catch the access violation and reclaim the
 * 100 blocks when it destroys the instance's heap. */
#include <windows.h>
#include <netmon.h>
#include <stdio.h>

__declspec(dllexport) BOOL WINAPI Register(PEXPERTENUMINFO info);
__declspec(dllexport) BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config,
                                      PEXPERTSTARTUPINFO startup, DWORD flags, HWND wnd);

BOOL WINAPI Register(PEXPERTENUMINFO info)
{
    snprintf(info->szName, sizeof(info->szName), "t_crash_after_alloc");
    snprintf(info->szVendor, sizeof(info->szVendor), "nmshim tests");
    snprintf(info->szDescription, sizeof(info->szDescription),
             "Allocates 100 blocks of 1000 bytes, then writes through NULL");
    info->Version = 0;
    info->Flags = 0;
    return TRUE;
}

BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config, PEXPERTSTARTUPINFO startup,
                DWORD flags, HWND wnd)
{
    /* volatile: the compiler may neither prove the pointer NULL (and emit a trap
     * instruction instead of the write) nor drop the store. */
    volatile int *volatile bad = NULL;
    DWORD err;
    int i;

    (void)config; (void)startup; (void)flags; (void)wnd;

    for (i = 0; i < 100; i++) {
        err = 0xdeadbeef;
        if (!ExpertAllocMemory(key, 1000, &err)) {
            char text[64];

            snprintf(text, sizeof(text), "alloc %d failed, err %lu", i, err);
            ExpertIndicateStatus(key, EXPERTSTATUS_PROBLEM, 0, text, 0);
        }
    }
    *bad = 0x1234;              /* EXCEPTION_ACCESS_VIOLATION (write to 0) */
    return TRUE;
}
