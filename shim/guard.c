/*
 * guard.c - the arch-independent half of the fault guard: exception names and the
 * module + offset of a faulting address (the mechanism is in guard_<arch>.c).
 */
#include <string.h>
#include <windows.h>
#include "guard.h"

/* Exception codes that mingw-w64 10's headers do not all spell out; values are the
 * NTSTATUS numbers from ntstatus.h / the Windows docs. */
#ifndef STATUS_HEAP_CORRUPTION
#define STATUS_HEAP_CORRUPTION           ((DWORD)0xC0000374)
#endif
#ifndef STATUS_STACK_BUFFER_OVERRUN
#define STATUS_STACK_BUFFER_OVERRUN      ((DWORD)0xC0000409)
#endif
#ifndef STATUS_FLOAT_MULTIPLE_FAULTS
#define STATUS_FLOAT_MULTIPLE_FAULTS     ((DWORD)0xC00002B4)
#endif
#ifndef STATUS_FLOAT_MULTIPLE_TRAPS
#define STATUS_FLOAT_MULTIPLE_TRAPS      ((DWORD)0xC00002B5)
#endif
#ifndef STATUS_INVALID_CRUNTIME_PARAMETER
#define STATUS_INVALID_CRUNTIME_PARAMETER ((DWORD)0xC0000417)
#endif
#ifndef STATUS_ASSERTION_FAILURE
#define STATUS_ASSERTION_FAILURE         ((DWORD)0xC0000420)
#endif

/* Sorted by nothing in particular: the table is tiny and only reports read it. The
 * names are the EXCEPTION_ ones where winbase.h has one (what a Windows developer sees
 * in a debugger), STATUS_ otherwise. */
static const struct { DWORD code; const char *name; } names[] = {
    { 0xC0000005, "EXCEPTION_ACCESS_VIOLATION" },
    { 0xC0000006, "EXCEPTION_IN_PAGE_ERROR" },
    { 0xC0000008, "EXCEPTION_INVALID_HANDLE" },
    { 0xC000001D, "EXCEPTION_ILLEGAL_INSTRUCTION" },
    { 0xC0000025, "EXCEPTION_NONCONTINUABLE_EXCEPTION" },
    { 0xC0000026, "EXCEPTION_INVALID_DISPOSITION" },
    { 0xC000008C, "EXCEPTION_ARRAY_BOUNDS_EXCEEDED" },
    { 0xC000008D, "EXCEPTION_FLT_DENORMAL_OPERAND" },
    { 0xC000008E, "EXCEPTION_FLT_DIVIDE_BY_ZERO" },
    { 0xC000008F, "EXCEPTION_FLT_INEXACT_RESULT" },
    { 0xC0000090, "EXCEPTION_FLT_INVALID_OPERATION" },
    { 0xC0000091, "EXCEPTION_FLT_OVERFLOW" },
    { 0xC0000092, "EXCEPTION_FLT_STACK_CHECK" },
    { 0xC0000093, "EXCEPTION_FLT_UNDERFLOW" },
    { 0xC0000094, "EXCEPTION_INT_DIVIDE_BY_ZERO" },
    { 0xC0000095, "EXCEPTION_INT_OVERFLOW" },
    { 0xC0000096, "EXCEPTION_PRIV_INSTRUCTION" },
    { 0xC00000FD, "STATUS_STACK_OVERFLOW" },
    { 0xC0000135, "STATUS_DLL_NOT_FOUND" },
    { 0xC0000139, "STATUS_ENTRYPOINT_NOT_FOUND" },
    { 0xC0000142, "STATUS_DLL_INIT_FAILED" },
    { 0xC000013A, "STATUS_CONTROL_C_EXIT" },
    { 0xC00002B4, "STATUS_FLOAT_MULTIPLE_FAULTS" },
    { 0xC00002B5, "STATUS_FLOAT_MULTIPLE_TRAPS" },
    { 0xC0000374, "STATUS_HEAP_CORRUPTION" },
    { 0xC0000409, "STATUS_STACK_BUFFER_OVERRUN" },
    { 0xC0000417, "STATUS_INVALID_CRUNTIME_PARAMETER" },
    { 0xC0000420, "STATUS_ASSERTION_FAILURE" },
    { 0x80000001, "EXCEPTION_GUARD_PAGE" },
    { 0x80000002, "EXCEPTION_DATATYPE_MISALIGNMENT" },
    { 0x80000003, "EXCEPTION_BREAKPOINT" },
    { 0x80000004, "EXCEPTION_SINGLE_STEP" },
    { 0x40010005, "DBG_CONTROL_C" },
    { 0x40010006, "DBG_PRINTEXCEPTION_C" },
    { 0x4001000A, "DBG_PRINTEXCEPTION_WIDE_C" },
    { 0x406D1388, "MS_VC_EXCEPTION (SetThreadName)" },
    { 0xE06D7363, "C++ exception (MSVC)" },
    { 0x20474343, "C++ exception (GCC)" },
};

const char *nm_guard_exception_name(DWORD code)
{
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i].code == code) return names[i].name;
    return NULL;
}

/* Module base name and offset of an address. An address in no module (heap, stack, a
 * wild jump: test_guard_av_execute) gives "?" and the address itself as the offset. */
void nm_guard_module_of(ULONG_PTR address, char *module, size_t len, ULONG_PTR *offset)
{
    HMODULE mod = NULL;
    char path[MAX_PATH];
    const char *base = "?";
    DWORD n;

    /* UNCHANGED_REFCOUNT: we only look; the module may be an expert that is about to be
     * unloaded, and a reference taken here would keep it mapped. */
    if (GetModuleHandleExA(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS |
                           GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                           (LPCSTR)address, &mod) && mod) {
        n = GetModuleFileNameA(mod, path, sizeof(path));
        if (n > 0 && n < sizeof(path)) {
            const char *p;
            base = path;
            for (p = path; *p; p++)
                if (*p == '\\' || *p == '/') base = p + 1;
        }
    }
    if (offset) *offset = mod ? address - (ULONG_PTR)mod : address;
    if (module && len) {
        size_t l = strlen(base);
        if (l >= len) l = len - 1;
        memcpy(module, base, l);
        module[l] = 0;
    }
}
