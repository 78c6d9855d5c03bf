/* hangs.c - test experts that never return from an entry point other than Run, built
 * twice (CMakeLists.txt): HANG_IN 1 DllMain sleeps for ever; HANG_IN 3 Configure opens a
 * modal message box, as the SDK's samples do, which nobody can answer headless (and
 * then sleeps, should the box come back at once). Under nmhost -t both are reported
 * hung instead of hanging the host. */
#include <windows.h>
#include <netmon.h>
#include <stdio.h>

__declspec(dllexport) BOOL WINAPI Register(PEXPERTENUMINFO info);
__declspec(dllexport) BOOL WINAPI Configure(HEXPERTKEY key, PEXPERTCONFIG *config,
                                            PEXPERTSTARTUPINFO startup, DWORD flags, HWND wnd);
__declspec(dllexport) BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config,
                                      PEXPERTSTARTUPINFO startup, DWORD flags, HWND wnd);
BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved);

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved)
{
    (void)inst; (void)reserved;
    if (HANG_IN == 1 && reason == DLL_PROCESS_ATTACH)
        for (;;) Sleep(1000);
    return TRUE;
}

BOOL WINAPI Register(PEXPERTENUMINFO info)
{
    snprintf(info->szName, sizeof(info->szName), "t_hang %d", HANG_IN);
    snprintf(info->szVendor, sizeof(info->szVendor), "nmshim tests");
    snprintf(info->szDescription, sizeof(info->szDescription), "Never returns from entry %d",
             HANG_IN);
    info->Version = 0;
    info->Flags = EXPERT_ENUM_FLAG_CONFIGURABLE;
    return TRUE;
}

BOOL WINAPI Configure(HEXPERTKEY key, PEXPERTCONFIG *config, PEXPERTSTARTUPINFO startup,
                      DWORD flags, HWND wnd)
{
    (void)key; (void)config; (void)startup; (void)flags;
    if (HANG_IN == 3) {
        MessageBoxA(wnd, "Configure me", "t_hang", MB_OKCANCEL);
        for (;;) Sleep(1000);
    }
    return TRUE;
}

BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config, PEXPERTSTARTUPINFO startup,
                DWORD flags, HWND wnd)
{
    (void)key; (void)config; (void)startup; (void)flags; (void)wnd;
    return TRUE;
}
