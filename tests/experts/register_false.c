/* register_false.c - test expert: Register fills in its details but returns FALSE,
 * so the host must refuse to list or run it. */
#include <windows.h>
#include <netmon.h>
#include <stdio.h>

__declspec(dllexport) BOOL WINAPI Register(PEXPERTENUMINFO info);
__declspec(dllexport) BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config,
                                      PEXPERTSTARTUPINFO startup, DWORD flags, HWND wnd);

BOOL WINAPI Register(PEXPERTENUMINFO info)
{
    snprintf(info->szName, sizeof(info->szName), "t_register_false");
    snprintf(info->szVendor, sizeof(info->szVendor), "nmshim tests");
    snprintf(info->szDescription, sizeof(info->szDescription),
             "Register returns FALSE");
    info->Version = 0;
    info->Flags = 0;
    return FALSE;
}

BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config, PEXPERTSTARTUPINFO startup,
                DWORD flags, HWND wnd)
{
    (void)config; (void)startup; (void)flags; (void)wnd;

    ExpertIndicateStatus(key, EXPERTSTATUS_RUNNING, 0, "Run reached", 50);
    return TRUE;
}
