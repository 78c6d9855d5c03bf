/* raise.c - test expert: Run raises a software exception with three parameters, so
 * the host must catch it and report code 0xE0001234 (not handled by the expert). */
#include <windows.h>
#include <netmon.h>
#include <stdio.h>

__declspec(dllexport) BOOL WINAPI Register(PEXPERTENUMINFO info);
__declspec(dllexport) BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config,
                                      PEXPERTSTARTUPINFO startup, DWORD flags, HWND wnd);

BOOL WINAPI Register(PEXPERTENUMINFO info)
{
    snprintf(info->szName, sizeof(info->szName), "t_raise");
    snprintf(info->szVendor, sizeof(info->szVendor), "nmshim tests");
    snprintf(info->szDescription, sizeof(info->szDescription),
             "Raises exception 0xE0001234 with parameters 0x11, 0x22, 0x33");
    info->Version = 0;
    info->Flags = 0;
    return TRUE;
}

BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config, PEXPERTSTARTUPINFO startup,
                DWORD flags, HWND wnd)
{
    const ULONG_PTR args[3] = { 0x11, 0x22, 0x33 };

    (void)key; (void)config; (void)startup; (void)flags; (void)wnd;

    RaiseException(0xE0001234, 0, 3, args);
    /* Only reached if someone continued the exception: that is not expected. */
    ExpertIndicateStatus(key, EXPERTSTATUS_PROBLEM, 0, "RaiseException returned", 0);
    return FALSE;
}
