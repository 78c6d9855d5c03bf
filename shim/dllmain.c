/* dllmain.c - nmapi.dll's entry point: read the trace switch, set up the fault guard. */
#include "nmapi_private.h"
#include "guard.h"

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved);
BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved)
{
    if (reason == DLL_PROCESS_ATTACH) {
        DisableThreadLibraryCalls(inst);
        nm_trace_init();
        nm_guard_init();
    }
    return TRUE;
}
