/* divzero.c - test expert: Run divides an integer by zero, so the host must catch
 * EXCEPTION_INT_DIVIDE_BY_ZERO. */
#include <windows.h>
#include <netmon.h>
#include <stdio.h>

__declspec(dllexport) BOOL WINAPI Register(PEXPERTENUMINFO info);
__declspec(dllexport) BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config,
                                      PEXPERTSTARTUPINFO startup, DWORD flags, HWND wnd);

BOOL WINAPI Register(PEXPERTENUMINFO info)
{
    snprintf(info->szName, sizeof(info->szName), "t_divzero");
    snprintf(info->szVendor, sizeof(info->szVendor), "nmshim tests");
    snprintf(info->szDescription, sizeof(info->szDescription),
             "Divides an integer by zero in Run");
    info->Version = 0;
    info->Flags = 0;
    return TRUE;
}

BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config, PEXPERTSTARTUPINFO startup,
                DWORD flags, HWND wnd)
{
    /* volatile operands: no constant folding, the idiv instruction really runs. */
    volatile int zero = 0, one = 1;
    volatile int result;

    (void)key; (void)config; (void)startup; (void)flags; (void)wnd;

    result = one / zero;        /* EXCEPTION_INT_DIVIDE_BY_ZERO */
    return result == 12345;     /* not reached */
}
