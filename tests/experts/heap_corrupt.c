/* heap_corrupt.c - test expert (issue 9 §2): writes past the end of its block over the
 * header and free-list links of the freed block behind it, then keeps allocating and
 * freeing, so an access violation happens inside HeapAlloc/HeapFree on its heap, i.e.
 * inside the shim's call with the instance lock held. Expected: a fault in Run reported
 * at this expert's call site, the heap destroyed once, the host carries on. */
#include <windows.h>
#include <netmon.h>
#include <stdio.h>
#include <string.h>

#define BIG 8192                /* above the shim's 4 KiB cache: frees reach HeapFree */
#define SMASH 256

__declspec(dllexport) BOOL WINAPI Register(PEXPERTENUMINFO info);
__declspec(dllexport) BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config,
                                      PEXPERTSTARTUPINFO startup, DWORD flags, HWND wnd);

BOOL WINAPI Register(PEXPERTENUMINFO info)
{
    snprintf(info->szName, sizeof(info->szName), "t_heap_corrupt");
    snprintf(info->szVendor, sizeof(info->szVendor), "nmshim tests");
    snprintf(info->szDescription, sizeof(info->szDescription),
             "Overruns its block onto a freed one, then allocates until the heap faults");
    info->Version = 0;
    info->Flags = 0;
    return TRUE;
}

BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config, PEXPERTSTARTUPINFO startup,
                DWORD flags, HWND wnd)
{
    unsigned char *a, *b, *c, *p[64];
    DWORD err;
    int round, i;

    (void)config; (void)startup; (void)flags; (void)wnd;

    for (round = 0; round < 8; round++) {
        a = ExpertAllocMemory(key, BIG, &err);
        b = ExpertAllocMemory(key, BIG, &err);
        c = ExpertAllocMemory(key, BIG, &err);
        if (!a || !b || !c) {
            ExpertIndicateStatus(key, EXPERTSTATUS_PROBLEM, 0, "alloc failed", 0);
            return FALSE;
        }
        ExpertFreeMemory(key, b);           /* b's header + list links follow a */
        memset(a + BIG, 0x41, SMASH);       /* the bug: past the end of a */
        for (i = 0; i < 64; i++)            /* take b's slot (and others) again */
            p[i] = ExpertAllocMemory(key, i & 1 ? BIG : BIG / 2 + 8 * i, &err);
        for (i = 0; i < 64; i++)
            if (p[i]) ExpertFreeMemory(key, p[i]);
        ExpertFreeMemory(key, a);
        ExpertFreeMemory(key, c);
    }
    ExpertIndicateStatus(key, EXPERTSTATUS_PROBLEM, 0, "the heap never faulted", 0);
    return FALSE;
}
