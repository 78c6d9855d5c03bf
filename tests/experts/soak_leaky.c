/* soak_leaky.c - test expert that leaks what no expert heap can hold: a Win32 heap, an
 * event handle, a thread that sleeps for ever and 1 MiB of committed private memory per
 * run. Exists to prove that the soak (tests/soak/soak.c) notices each kind of growth. */
#include <windows.h>
#include <netmon.h>
#include <stdio.h>
#include <string.h>

typedef LONG (NTAPI *create_thread_fn)(HANDLE process, void *sd, BOOLEAN suspended, ULONG zero_bits,
                                      SIZE_T reserve, SIZE_T commit, void *start, void *arg,
                                      HANDLE *thread, void *client_id);

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
    create_thread_fn create = (create_thread_fn)(void *)GetProcAddress(GetModuleHandleA("ntdll.dll"),
                                                                       "RtlCreateUserThread");
    HANDLE t;

    if (mem) memset(mem, 0x5a, 1 << 20);
    HeapCreate(0, 0, 0);
    CreateEventA(NULL, TRUE, FALSE, NULL);
    /* The thread runs kernel32's Sleep(INFINITE), not code of this DLL, and is made by
     * ntdll directly: the host neither waits for it nor keeps the DLL for it (it hooks
     * only CreateThread and the CRT's thread calls), so each run leaves one more. */
    if (create && create(GetCurrentProcess(), NULL, FALSE, 0, 0, 0, (void *)Sleep,
                         (void *)(ULONG_PTR)INFINITE, &t, NULL) == 0)
        CloseHandle(t);
    return TRUE;
}
