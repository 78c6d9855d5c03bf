/* double_free.c - test expert: frees one block twice; the first free must succeed and
 * the second must be refused with NMERR_INVALID_PARAMETER, without harm. */
#include <windows.h>
#include <netmon.h>
#include <stdio.h>

__declspec(dllexport) BOOL WINAPI Register(PEXPERTENUMINFO info);
__declspec(dllexport) BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config,
                                      PEXPERTSTARTUPINFO startup, DWORD flags, HWND wnd);

BOOL WINAPI Register(PEXPERTENUMINFO info)
{
    snprintf(info->szName, sizeof(info->szName), "t_double_free");
    snprintf(info->szVendor, sizeof(info->szVendor), "nmshim tests");
    snprintf(info->szDescription, sizeof(info->szDescription),
             "Frees a 64-byte block twice and checks both answers");
    info->Version = 0;
    info->Flags = 0;
    return TRUE;
}

BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config, PEXPERTSTARTUPINFO startup,
                DWORD flags, HWND wnd)
{
    char text[128];
    DWORD err = 0xdeadbeef, first, second;
    void *p;

    (void)config; (void)startup; (void)flags; (void)wnd;

    p = ExpertAllocMemory(key, 64, &err);
    if (!p) {
        snprintf(text, sizeof(text), "alloc 64: NULL, err %lu", err);
        ExpertIndicateStatus(key, EXPERTSTATUS_PROBLEM, 0, text, 0);
        return FALSE;
    }
    first = ExpertFreeMemory(key, p);
    second = ExpertFreeMemory(key, p);
    if (first == NMERR_SUCCESS && second == NMERR_INVALID_PARAMETER)
        return TRUE;
    snprintf(text, sizeof(text), "first free %lu (expected %d), second free %lu (expected %d)",
             first, NMERR_SUCCESS, second, NMERR_INVALID_PARAMETER);
    ExpertIndicateStatus(key, EXPERTSTATUS_PROBLEM, 0, text, 0);
    return FALSE;
}
