/* iso_dllmain_hang.c - test expert for nmhost --isolate: its DllMain sleeps forever on
 * DLL_PROCESS_ATTACH, holding the loader lock, so LoadLibrary never returns and no other
 * thread of the process can load or unload a DLL. With -t its child process must be
 * killed and the expert reported as hung; the other experts must still run to done.
 * Register and Run are ordinary and never called. */
#include <windows.h>
#include <netmon.h>
#include <stdio.h>

__declspec(dllexport) BOOL WINAPI Register(PEXPERTENUMINFO info);
__declspec(dllexport) BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config,
                                      PEXPERTSTARTUPINFO startup, DWORD flags, HWND wnd);
BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved);

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved)
{
    (void)inst; (void)reserved;
    if (reason == DLL_PROCESS_ATTACH) Sleep(INFINITE);
    return TRUE;
}

BOOL WINAPI Register(PEXPERTENUMINFO info)
{
    snprintf(info->szName, sizeof(info->szName), "t_iso_dllmain_hang");
    snprintf(info->szVendor, sizeof(info->szVendor), "nmshim tests");
    snprintf(info->szDescription, sizeof(info->szDescription),
             "Sleeps forever in DllMain on process attach");
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
