/* stackoverflow.c - test expert: Run recurses without bound, so the host must catch
 * EXCEPTION_STACK_OVERFLOW on the expert's thread and carry on. */
#include <windows.h>
#include <netmon.h>
#include <stdio.h>

__declspec(dllexport) BOOL WINAPI Register(PEXPERTENUMINFO info);
__declspec(dllexport) BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config,
                                      PEXPERTSTARTUPINFO startup, DWORD flags, HWND wnd);

/* Never set: it only hides from the compiler that the recursion has no end, which
 * GCC 12 would otherwise diagnose (-Winfinite-recursion). */
static volatile int g_stop;

/* The frame uses the array after the recursive call, so the call is not a tail call
 * and each level really consumes ~512 bytes of stack. */
static unsigned recurse(unsigned depth)
{
    volatile unsigned char pad[512];
    unsigned below;

    if (g_stop)
        return depth;
    pad[depth % sizeof(pad)] = (unsigned char)depth;
    below = recurse(depth + 1);
    return below + pad[(depth * 7) % sizeof(pad)];
}

BOOL WINAPI Register(PEXPERTENUMINFO info)
{
    snprintf(info->szName, sizeof(info->szName), "t_stackoverflow");
    snprintf(info->szVendor, sizeof(info->szVendor), "nmshim tests");
    snprintf(info->szDescription, sizeof(info->szDescription),
             "Recurses without bound in Run until the stack overflows");
    info->Version = 0;
    info->Flags = 0;
    return TRUE;
}

BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config, PEXPERTSTARTUPINFO startup,
                DWORD flags, HWND wnd)
{
    (void)config; (void)startup; (void)flags; (void)wnd;

    if (recurse(1) != 0)        /* not reached */
        ExpertIndicateStatus(key, EXPERTSTATUS_PROBLEM, 0, "recursion ended", 0);
    return FALSE;
}
