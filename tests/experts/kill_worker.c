/* kill_worker.c - test expert (issue 9 §2): a worker thread loops on ExpertAllocMemory /
 * ExpertFreeMemory with 64 KiB blocks (most of its time inside HeapAlloc's zeroing, with
 * the shim's instance lock held); Run suspends it until its instruction pointer is inside
 * ntdll.dll (inside a heap call, so inside the lock), then TerminateThread()s it.
 * Built three times (KILL_MODE):
 *   t_kill_worker         (0) Run keeps calling the API (each call must fail cleanly,
 *                             NMERR_INTERNAL_EXCEPTION), then returns TRUE
 *   t_kill_worker_return  (1) Run returns TRUE at once: the host's end meets the lock
 *   t_kill_worker_hang    (2) Run then sleeps, ignoring stop, without calling the API:
 *                             the host's stop must not wait on the dead thread's lock
 * Expected: failed (0, 1) or hung (2), never a hang of the host. */
#include <windows.h>
#include <netmon.h>
#include <stdio.h>

#ifndef KILL_MODE
#define KILL_MODE 0
#endif
#define BLOCK (64 * 1024)

__declspec(dllexport) BOOL WINAPI Register(PEXPERTENUMINFO info);
__declspec(dllexport) BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config,
                                      PEXPERTSTARTUPINFO startup, DWORD flags, HWND wnd);

static volatile LONG g_iterations;

static DWORD WINAPI worker(LPVOID arg)
{
    HEXPERTKEY key = arg;
    DWORD err;
    void *p;

    for (;;) {
        p = ExpertAllocMemory(key, BLOCK, &err);
        if (p) ExpertFreeMemory(key, p);
        InterlockedIncrement(&g_iterations);
    }
    return 0;
}

/* Is ip inside ntdll.dll's image? */
static BOOL in_ntdll(ULONG_PTR ip)
{
    BYTE *base = (BYTE *)GetModuleHandleA("ntdll.dll");
    IMAGE_NT_HEADERS *nt;

    if (!base) return FALSE;
    nt = (IMAGE_NT_HEADERS *)(base + ((IMAGE_DOS_HEADER *)base)->e_lfanew);
    return ip >= (ULONG_PTR)base && ip < (ULONG_PTR)base + nt->OptionalHeader.SizeOfImage;
}

BOOL WINAPI Register(PEXPERTENUMINFO info)
{
    snprintf(info->szName, sizeof(info->szName), "t_kill_worker (mode %d)", KILL_MODE);
    snprintf(info->szVendor, sizeof(info->szVendor), "nmshim tests");
    snprintf(info->szDescription, sizeof(info->szDescription),
             "TerminateThread on its own worker while it is inside ExpertAllocMemory");
    info->Version = 0;
    info->Flags = 0;
    return TRUE;
}

BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config, PEXPERTSTARTUPINFO startup,
                DWORD flags, HWND wnd)
{
    char text[EXPERTSTRINGLENGTH];
    HANDLE t;
    CONTEXT ctx;
    ULONG_PTR ip = 0;
    int tries, caught = 0;
    DWORD err;
    void *p;

    (void)config; (void)startup; (void)flags; (void)wnd;

    if (!(t = CreateThread(NULL, 0, worker, key, 0, NULL))) return FALSE;
    while (g_iterations < 20) Sleep(1);
    for (tries = 0; tries < 5000 && !caught; tries++) {
        if (SuspendThread(t) == (DWORD)-1) break;
        ctx.ContextFlags = CONTEXT_CONTROL;
        if (GetThreadContext(t, &ctx)) {
#ifdef _WIN64
            ip = ctx.Rip;
#else
            ip = ctx.Eip;
#endif
            if (in_ntdll(ip)) {
                caught = 1;
                TerminateThread(t, 99);     /* the bug: killed inside the shim's call */
                break;
            }
        }
        ResumeThread(t);
        Sleep(0);
    }
    if (!caught) {
        snprintf(text, sizeof(text), "worker never seen inside a heap call (%d tries)", tries);
        ExpertIndicateStatus(key, EXPERTSTATUS_PROBLEM, 0, text, 0);
        TerminateThread(t, 98);
        WaitForSingleObject(t, INFINITE);
        CloseHandle(t);
        return FALSE;
    }
    WaitForSingleObject(t, INFINITE);
#if KILL_MODE == 0
    /* The API must answer, not hang: a poisoned instance refuses every call. */
    err = 0xdeadbeef;
    p = ExpertAllocMemory(key, 100, &err);
    if (p || err != NMERR_INTERNAL_EXCEPTION) {
        CloseHandle(t);
        return FALSE;       /* the host reports this as failed for another reason */
    }
    ExpertFreeMemory(key, p);
    ExpertIndicateStatus(key, EXPERTSTATUS_RUNNING, 0, "after the kill", 50);
    CloseHandle(t);
    return TRUE;
#elif KILL_MODE == 1
    (void)err; (void)p;
    CloseHandle(t);
    return TRUE;
#else
    (void)err; (void)p;
    for (;;) Sleep(100);    /* ignores stop, never calls the API again */
#endif
}
