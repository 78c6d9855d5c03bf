/* workers.c - test experts whose own thread faults, built twice (CMakeLists.txt):
 *   WORKER_LATE 0: a worker writes through NULL while Run waits for it;
 *   WORKER_LATE 1: a worker keeps reading its block after Run returned, when the heap
 *                  is gone.
 * Both must be reported as faults of this expert, the host carrying on. */
#include <windows.h>
#include <netmon.h>
#include <stdio.h>

__declspec(dllexport) BOOL WINAPI Register(PEXPERTENUMINFO info);
__declspec(dllexport) BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config,
                                      PEXPERTSTARTUPINFO startup, DWORD flags, HWND wnd);

static DWORD WINAPI null_writer(LPVOID arg)
{
    volatile int *volatile bad = NULL;
    (void)arg;
    Sleep(50);
    *bad = 1;
    return 0;
}

static DWORD WINAPI late_reader(LPVOID arg)
{
    volatile BYTE *block = arg;
    DWORD sum = 0;
    int i;
    /* Up to 10 s: the heap goes when Run returns, the read faults then. */
    for (i = 0; i < 1000; i++) {
        sum += block[0];
        Sleep(10);
    }
    return sum;
}

BOOL WINAPI Register(PEXPERTENUMINFO info)
{
    snprintf(info->szName, sizeof(info->szName), WORKER_LATE ? "t_worker_late" : "t_worker_null");
    snprintf(info->szVendor, sizeof(info->szVendor), "nmshim tests");
    snprintf(info->szDescription, sizeof(info->szDescription), "A thread of its own faults");
    info->Version = 0;
    info->Flags = 0;
    return TRUE;
}

BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config, PEXPERTSTARTUPINFO startup,
                DWORD flags, HWND wnd)
{
    DWORD err;
    BYTE *block;
    HANDLE t;
    (void)config; (void)startup; (void)flags; (void)wnd;

    /* A large block: its own mapping in the heap, gone at HeapDestroy. */
    if (!(block = ExpertAllocMemory(key, 1 << 20, &err))) return FALSE;
    block[0] = 1;
    t = CreateThread(NULL, 0, WORKER_LATE ? late_reader : null_writer, block, 0, NULL);
    if (!t) return FALSE;
    if (!WORKER_LATE) WaitForSingleObject(t, INFINITE);
    else Sleep(50);
    CloseHandle(t);
    return TRUE;
}
