/* dllmain_crash.c - test expert: its DllMain writes through NULL on
 * DLL_PROCESS_ATTACH, so the host must survive a fault inside LoadLibrary. Register
 * and Run are ordinary and are never expected to be called. */
#include <windows.h>
#include <netmon.h>
#include <stdio.h>

__declspec(dllexport) BOOL WINAPI Register(PEXPERTENUMINFO info);
__declspec(dllexport) BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config,
                                      PEXPERTSTARTUPINFO startup, DWORD flags, HWND wnd);
BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved);

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved)
{
    /* volatile: keeps the store a real store to address 0, not a trap. */
    volatile int *volatile bad = NULL;

    (void)inst; (void)reserved;

    if (reason == DLL_PROCESS_ATTACH)
        *bad = 0x1234;          /* EXCEPTION_ACCESS_VIOLATION during LoadLibrary */
    return TRUE;
}

BOOL WINAPI Register(PEXPERTENUMINFO info)
{
    snprintf(info->szName, sizeof(info->szName), "t_dllmain_crash");
    snprintf(info->szVendor, sizeof(info->szVendor), "nmshim tests");
    snprintf(info->szDescription, sizeof(info->szDescription),
             "Writes through NULL in DllMain on process attach");
    info->Version = 0;
    info->Flags = 0;
    return TRUE;
}

BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config, PEXPERTSTARTUPINFO startup,
                DWORD flags, HWND wnd)
{
    (void)config; (void)startup; (void)flags; (void)wnd;

    ExpertIndicateStatus(key, EXPERTSTATUS_RUNNING, 0, "Run reached", 50);
    return TRUE;
}
