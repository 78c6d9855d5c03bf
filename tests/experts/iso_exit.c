/* iso_exit.c - test expert for nmhost --isolate: Run allocates, reports a status, then
 * calls ExitProcess(0), ending whatever process it runs in without returning. In its own
 * child process this must become a fault of this expert (CHILD_DIED, entry Run, with the
 * status it had reported), and the other experts must still run to done. */
#include <windows.h>
#include <netmon.h>
#include <stdio.h>

__declspec(dllexport) BOOL WINAPI Register(PEXPERTENUMINFO info);
__declspec(dllexport) BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config,
                                      PEXPERTSTARTUPINFO startup, DWORD flags, HWND wnd);

BOOL WINAPI Register(PEXPERTENUMINFO info)
{
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
