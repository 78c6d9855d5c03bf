/* alloc_unchecked.c - test expert that ignores a failed allocation, as careless
 * experts do: it writes through whatever ExpertAllocMemory returned. Normally it ends
 * done; under nmhost --fail-alloc 1 its first allocation gives NULL and Run faults
 * (a write of 0x0: tests/check-faultinj.sh). */
#include <windows.h>
#include <netmon.h>
#include <stdio.h>
#include <string.h>

__declspec(dllexport) BOOL WINAPI Register(PEXPERTENUMINFO info);
__declspec(dllexport) BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config,
                                      PEXPERTSTARTUPINFO startup, DWORD flags, HWND wnd);

BOOL WINAPI Register(PEXPERTENUMINFO info)
{
    snprintf(info->szName, sizeof(info->szName), "t_alloc_unchecked");
    snprintf(info->szVendor, sizeof(info->szVendor), "nmshim tests");
    snprintf(info->szDescription, sizeof(info->szDescription),
             "Writes through its allocation without checking it");
    info->Version = 0;
    info->Flags = 0;
    return TRUE;
}

BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config, PEXPERTSTARTUPINFO startup,
                DWORD flags, HWND wnd)
{
    DWORD err;
    volatile char *p;

    (void)config; (void)startup; (void)flags; (void)wnd;
    p = ExpertAllocMemory(key, 64, &err);
    p[0] = 'x';                 /* the bug under test: no check of p or err */
    ExpertFreeMemory(key, (void *)p);
    ExpertIndicateStatus(key, EXPERTSTATUS_RUNNING, 0, "allocated and wrote one block", 50);
    return TRUE;
}
