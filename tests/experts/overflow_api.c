/* overflow_api.c - test expert (issue 9 §2): Run recurses without bound and calls
 * ExpertAllocMemory at every level, so the stack runs out inside an API call. Each
 * level's own frame is smaller than what the call needs below it, so the deepest stack
 * use is always inside the call: without a stack check before the instance lock the
 * overflow lands in HeapAlloc with the lock held, and ending the instance spins forever.
 * Expected: a fault (STATUS_STACK_OVERFLOW) in Run, the heap freed, the host carries on. */
#include <windows.h>
#include <netmon.h>
#include <stdio.h>

__declspec(dllexport) BOOL WINAPI Register(PEXPERTENUMINFO info);
__declspec(dllexport) BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config,
                                      PEXPERTSTARTUPINFO startup, DWORD flags, HWND wnd);

static volatile int g_stop;     /* never set: hides the unbounded recursion from GCC */

static unsigned recurse(HEXPERTKEY key, unsigned depth)
{
    volatile unsigned char pad[96];
    DWORD err = 0;
    unsigned char *p;
    unsigned below;

    if (g_stop)
        return depth;
    /* 16 bytes: a fresh heap block at every level (nothing is freed, so the shim's
     * free-block cache never answers), so every level calls HeapAlloc. */
    p = ExpertAllocMemory(key, 16, &err);
    pad[depth % sizeof(pad)] = p ? p[0] : (unsigned char)err;
    below = recurse(key, depth + 1);
    return below + pad[(depth * 7) % sizeof(pad)];
}

BOOL WINAPI Register(PEXPERTENUMINFO info)
{
    snprintf(info->szName, sizeof(info->szName), "t_overflow_api");
    snprintf(info->szVendor, sizeof(info->szVendor), "nmshim tests");
    snprintf(info->szDescription, sizeof(info->szDescription),
             "Recurses calling ExpertAllocMemory until the stack overflows");
    info->Version = 0;
    info->Flags = 0;
    return TRUE;
}

BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config, PEXPERTSTARTUPINFO startup,
                DWORD flags, HWND wnd)
{
    (void)config; (void)startup; (void)flags; (void)wnd;

    if (recurse(key, 1) != 0)   /* not reached */
        ExpertIndicateStatus(key, EXPERTSTATUS_PROBLEM, 0, "recursion ended", 0);
    return FALSE;
}
