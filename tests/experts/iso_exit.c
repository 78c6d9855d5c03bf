/* iso_exit.c - test expert for nmhost --isolate: Run allocates, reports a status, then
 * calls ExitProcess(0), ending whatever process it runs in without returning. In its own
 * child process this must become a fault of this expert (CHILD_DIED, entry Run, with the
 * status it had reported), and the other experts must still run to done. With the
 * environment variable NMSHIM_ISO_EXIT_IN set to DllMain or Register it exits there
 * instead (while the child loads it). */
#include <windows.h>
#include <netmon.h>
#include <stdio.h>

__declspec(dllexport) BOOL WINAPI Register(PEXPERTENUMINFO info);
__declspec(dllexport) BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config,
                                      PEXPERTSTARTUPINFO startup, DWORD flags, HWND wnd);
BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved);

/* TRUE when NMSHIM_ISO_EXIT_IN names this entry point (kernel32 only: DllMain). */
static BOOL exit_in(const char *entry)
{
    char v[16];
    DWORD n = GetEnvironmentVariableA("NMSHIM_ISO_EXIT_IN", v, sizeof(v));
    return n && n < sizeof(v) && !lstrcmpiA(v, entry);
}

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved)
{
    (void)inst; (void)reserved;
    if (reason == DLL_PROCESS_ATTACH && exit_in("DllMain")) ExitProcess(0);
    return TRUE;
}

BOOL WINAPI Register(PEXPERTENUMINFO info)
{
    if (exit_in("Register")) ExitProcess(0);
    snprintf(info->szName, sizeof(info->szName), "t_iso_exit");
    snprintf(info->szVendor, sizeof(info->szVendor), "nmshim tests");
    snprintf(info->szDescription, sizeof(info->szDescription),
             "Calls ExitProcess(0) in Run");
    info->Version = 0;
    info->Flags = 0;
    return TRUE;
}

BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config, PEXPERTSTARTUPINFO startup,
                DWORD flags, HWND wnd)
{
    DWORD err;
    (void)config; (void)startup; (void)flags; (void)wnd;

    ExpertAllocMemory(key, 100, &err);
    ExpertIndicateStatus(key, EXPERTSTATUS_RUNNING, 0, "about to call ExitProcess", 42);
    /* Long enough for the host's status snapshot (every 100 ms) to see the text. */
    Sleep(400);
    ExitProcess(0);
}
