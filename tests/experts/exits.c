/* exits.c - test experts that try to end the host: built once per case (CMakeLists.txt)
 * with EXIT_IN (1 DllMain, 2 Register, 3 Configure, 4 Run) and EXIT_HOW (below). Each
 * call must come back as a fault of this expert (hooks.c), the host carrying on. */
#include <windows.h>
#include <netmon.h>
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>

#define HOW_EXIT              1
#define HOW__EXIT             2
#define HOW_ABORT             3
#define HOW_ASSERT            4
#define HOW_EXITPROCESS       5
#define HOW_TERMINATEPROCESS  6
#define HOW_EXITTHREAD        7
#define HOW_RTLEXITUSERTHREAD 8     /* ntdll's, past the hooks: the thread just ends */

__declspec(dllexport) BOOL WINAPI Register(PEXPERTENUMINFO info);
__declspec(dllexport) BOOL WINAPI Configure(HEXPERTKEY key, PEXPERTCONFIG *config,
                                            PEXPERTSTARTUPINFO startup, DWORD flags, HWND wnd);
__declspec(dllexport) BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config,
                                      PEXPERTSTARTUPINFO startup, DWORD flags, HWND wnd);
BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved);

static volatile int zero;   /* keeps assert's condition unknown to the compiler */

static void end_it(void)
{
    switch (EXIT_HOW) {
    case HOW_EXIT:             exit(0);
    case HOW__EXIT:            _exit(7);
    case HOW_ABORT:            abort();
    case HOW_ASSERT:           assert(zero == 1); break;
    case HOW_EXITPROCESS:      ExitProcess(0);
    case HOW_TERMINATEPROCESS: TerminateProcess(GetCurrentProcess(), 0); break;
    case HOW_EXITTHREAD:       ExitThread(0);
    case HOW_RTLEXITUSERTHREAD: {
        void (WINAPI *rtl_exit)(DWORD) = (void (WINAPI *)(DWORD))(void *)
            GetProcAddress(GetModuleHandleA("ntdll.dll"), "RtlExitUserThread");
        if (rtl_exit) rtl_exit(5);
        break;
    }
    }
}

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved)
{
    (void)inst; (void)reserved;
    if (EXIT_IN == 1 && reason == DLL_PROCESS_ATTACH) end_it();
    return TRUE;
}

BOOL WINAPI Register(PEXPERTENUMINFO info)
{
    snprintf(info->szName, sizeof(info->szName), "t_exits %d/%d", EXIT_IN, EXIT_HOW);
    snprintf(info->szVendor, sizeof(info->szVendor), "nmshim tests");
    snprintf(info->szDescription, sizeof(info->szDescription),
             "Tries to end the process or its thread in entry point %d", EXIT_IN);
    info->Version = 0;
    info->Flags = EXPERT_ENUM_FLAG_CONFIGURABLE;
    if (EXIT_IN == 2) end_it();
    return TRUE;
}

BOOL WINAPI Configure(HEXPERTKEY key, PEXPERTCONFIG *config, PEXPERTSTARTUPINFO startup,
                      DWORD flags, HWND wnd)
{
    (void)key; (void)config; (void)startup; (void)flags; (void)wnd;
    if (EXIT_IN == 3) end_it();
    return TRUE;
}

BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config, PEXPERTSTARTUPINFO startup,
                DWORD flags, HWND wnd)
{
    DWORD err;
    (void)config; (void)startup; (void)flags; (void)wnd;
    /* A live block: the fault must free it with the heap. */
    ExpertAllocMemory(key, 100, &err);
    ExpertIndicateStatus(key, EXPERTSTATUS_RUNNING, 0, "about to end it", 50);
    if (EXIT_IN == 4) end_it();
    return TRUE;
}
