/* soak_leaky.c - test expert that leaks what no expert heap can hold: a Win32 heap, an
 * event handle, a thread that sleeps for ever and 1 MiB of committed private memory per
 * run. Exists to prove that the soak (tests/soak/soak.c) notices each kind of growth. */
#include <windows.h>
#include <netmon.h>
#include <stdio.h>
#include <string.h>

__declspec(dllexport) BOOL WINAPI Register(PEXPERTENUMINFO info);
__declspec(dllexport) BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config,
                                      PEXPERTSTARTUPINFO startup, DWORD flags, HWND wnd);

BOOL WINAPI Register(PEXPERTENUMINFO info)
{
    snprintf(info->szName, sizeof(info->szName), "t_soak_leaky");
    snprintf(info->szVendor, sizeof(info->szVendor), "nmshim tests");
    return TRUE;
}

BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config, PEXPERTSTARTUPINFO startup,
                DWORD flags, HWND wnd)
{
    void *mem = VirtualAlloc(NULL, 1 << 20, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    HANDLE t;

    if (mem) memset(mem, 0x5a, 1 << 20);
    HeapCreate(0, 0, 0);
    CreateEventA(NULL, TRUE, FALSE, NULL);
    /* The thread runs kernel32's Sleep(INFINITE), not code of this DLL: the DLL is
     * unloaded after Run while the thread lives on. */
    t = CreateThread(NULL, 0, (LPTHREAD_START_ROUTINE)(void *)Sleep, (void *)(ULONG_PTR)INFINITE, 0, NULL);
    if (t) CloseHandle(t);
    return TRUE;
}
