/*
 * guard.c - the arch-independent half of the fault guard: exception names, the module +
 * offset of a faulting address, and the NMSHIM_FAULT the reports show (the mechanism is
 * in guard_<arch>.c).
 */
#include <stdio.h>
#include <string.h>
#include <windows.h>
#include "guard.h"
#include "nmshim.h"

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

/* Why the stack needs arming (measured under Wine 8.0, x86_64 and i686, with
 * NMSHIM_WINEDEBUG=+virtual and a probe reading the TEB and VirtualQuery):
 *  - Every Wine thread stack, the main thread's and CreateThread's alike, is committed
 *    in full with a single PAGE_GUARD page at DeallocationStack + 1 page, right above
 *    the no-access bottom page (dlls/ntdll/unix/virtual.c virtual_alloc_thread_stack).
 *  - A guard page hit below DeallocationStack + 1 page + GuaranteedStackBytes (at least
 *    2 pages on x86_64, 1 on i686) raises STATUS_STACK_OVERFLOW; a hit above it only
 *    moves the guard one page down (grow_thread_stack). So on a fresh thread the first
 *    overflow is raised with less than one page left: the exception frame (0x708 bytes on
 *    x86_64) plus KiUserExceptionDispatcher's own frames can run into the no-access page
 *    before any handler runs, and Wine kills the thread ("err:virtual:
 *    virtual_setup_exception stack overflow 1808 bytes addr <ntdll
 *    __wine_dbg_get_channel_flags>", test_expert_stack_overflow_three_times). Whether it
 *    fits depends only on where the callee's frames fall in that page: luck, which the
 *    main-thread test had and the expert thread did not (the i686 probe died on the main
 *    thread too). SetThreadStackGuarantee alone cannot help (docs/toolchain.md): the guard
 *    page already sits inside the guaranteed area.
 *  - msvcrt's _resetstkoflw (Wine) re-guards the page at the current stack pointer; the
 *    guard then walks down one fault per page and the next overflow again leaves only
 *    the default guarantee (1-2 pages).
 * So: set a guarantee of NM_GUARD_STACK_RESERVE and put the guard page at
 * DeallocationStack + reserve. The first hit raises STATUS_STACK_OVERFLOW with at least
 * reserve - 1 page above the bottom guard, and Wine commits that area unguarded for the
 * handlers. After an overflow the same call re-arms the guard page (Wine has removed it).
 * Costs a VirtualQuery, SetThreadStackGuarantee and VirtualProtect: once per thread, and
 * once per caught overflow. */
void nm_guard_stack_arm(void)
{
    MEMORY_BASIC_INFORMATION mbi;
    SYSTEM_INFO si;
    char *base, *top, *guard, *sp = (char *)&mbi;
    ULONG want, prev;
    DWORD old;

    GetSystemInfo(&si);
    /* AllocationBase of the stack's view is the TEB's DeallocationStack. */
    if (!VirtualQuery(sp, &mbi, sizeof(mbi)) || !mbi.AllocationBase)
        return;
    base = mbi.AllocationBase;
    /* NT_TIB.StackBase; own asm: NtCurrentTeb()'s intrinsic trips -Warray-bounds. */
#ifdef _WIN64
    __asm__ __volatile__("movq %%gs:0x08, %0" : "=r"(top));
#else
    __asm__ __volatile__("movl %%fs:0x04, %0" : "=r"(top));
#endif
    /* Small stacks (Windows allows 64 KiB): an eighth of the stack, whole pages; a
     * guarantee must stay below the stack size or SetThreadStackGuarantee fails. */
    want = NM_GUARD_STACK_RESERVE;
    if (want > (ULONG)((top - base) / 8))
        want = (ULONG)((top - base) / 8) & ~(ULONG)(si.dwPageSize - 1);
    if (want < 2 * si.dwPageSize)
        want = 2 * si.dwPageSize;
    prev = want;
    if (!SetThreadStackGuarantee(&prev))
        return;
    if (prev > want)                    /* the thread asked for more itself: keep it */
        want = prev;
    /* The highest page whose hit still raises the overflow (see above). Only when the
     * stack is not already in use down there. */
    guard = base + want;
    if (guard + 2 * si.dwPageSize > sp)
        return;
    VirtualProtect(guard, si.dwPageSize, PAGE_READWRITE | PAGE_GUARD, &old);
}

/* ---- shared by both mechanisms ----------------------------------------------------- */

/* Debug-output exceptions (OutputDebugString A/W, SetThreadName) are not faults: the
 * raiser expects them to pass by (guard.h rules). */
int nm_guard_is_debug_output(DWORD code)
{
    return code == 0x40010006 || code == 0x4001000A || code == 0x406D1388;
}

/* Does the instruction before ret look like a call (e8 rel32, or ff /2 in its 2, 3, 6
 * and 7 byte forms)? How a stack walker tells a return address from a stale value. */
int nm_guard_after_call(const unsigned char *ret)
{
    return ret[-5] == 0xE8 ||
           (ret[-6] == 0xFF && (ret[-5] & 0x38) == 0x10) ||
           (ret[-2] == 0xFF && (ret[-1] & 0x38) == 0x10) ||
           (ret[-3] == 0xFF && (ret[-2] & 0x38) == 0x10) ||
           (ret[-7] == 0xFF && (ret[-6] & 0x38) == 0x10);
}

/* The system DLLs an expert calls into; a fault inside one is reported at its caller. */
static HMODULE system_module(ULONG_PTR address)
{
    static const char *const names[] = { "ntdll.dll", "kernelbase.dll", "kernel32.dll",
                                         "msvcrt.dll", "ucrtbase.dll" };
    static HMODULE handles[sizeof(names) / sizeof(names[0])];   /* never unloaded */
    HMODULE mod = NULL;
    size_t i;

    if (!GetModuleHandleExA(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS |
                            GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT, (LPCSTR)address, &mod))
        return NULL;
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (!handles[i]) handles[i] = GetModuleHandleA(names[i]);
        if (handles[i] && mod == handles[i]) return mod;
    }
    return NULL;
}

/* A software exception's address is RaiseException's, in kernelbase.dll; a CRT function
 * handed a bad pointer faults inside msvcrt.dll. Neither says which expert code did it,
 * so scan the faulting thread's stack up from sp (bounded by the TEB's stack base) for
 * the first return address that follows a call and lies in a module that is neither a
 * system DLL nor this one (test_expert_raise). Only on the fault path. */
static ULONG_PTR find_caller(ULONG_PTR address, ULONG_PTR sp, int overflow)
{
    NT_TIB *tib;
    ULONG_PTR top, limit = sp + 8192, *p;
    HMODULE self = NULL, at = NULL;

    /* The TIB through its self pointer (NtCurrentTeb's inline trips -Warray-bounds). */
#ifdef _WIN64
    __asm__("movq %%gs:0x30, %0" : "=r"(tib));
#else
    __asm__("movl %%fs:0x18, %0" : "=r"(tib));
#endif
    top = (ULONG_PTR)tib->StackBase;
    GetModuleHandleExA(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS |
                       GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT, (LPCSTR)find_caller, &self);
    /* A stack overflow raised in this module is the stack check an Expert* call makes
     * before taking its instance lock (instance.c "Locks"): the expert's recursion ran
     * out of stack, so it is reported at the expert's call too (check-lockfaults.sh). */
    if (overflow && GetModuleHandleExA(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS |
                                       GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                                       (LPCSTR)address, &at) && at == self) {
        /* scan below */
    } else if (!system_module(address)) {
        return 0;
    }
    if (sp < (ULONG_PTR)tib->StackLimit || sp >= top) return 0;
    if (limit > top) limit = top;
    for (p = (ULONG_PTR *)(sp & ~(sizeof(ULONG_PTR) - 1)); (ULONG_PTR)(p + 1) <= limit; p++) {
        HMODULE mod = NULL;
        ULONG_PTR ret = *p;
        /* ret must lie in an image past its headers; (NULL asks for the exe's handle, so
         * small values would pass the lookup without being in it.) */
        if (ret < 0x10000 || !GetModuleHandleExA(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS |
                                GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT, (LPCSTR)ret, &mod)
            || !mod || ret < (ULONG_PTR)mod + 0x1000 || mod == self || system_module(ret))
            continue;
        if (nm_guard_after_call((const unsigned char *)ret)) return ret;
    }
    return 0;
}

void nm_guard_fill(struct nm_fault_record *rec, const EXCEPTION_RECORD *er, ULONG_PTR sp)
{
    DWORD i, n = er->NumberParameters;

    if (n > 4) n = 4;
    rec->code = er->ExceptionCode;
    rec->flags = er->ExceptionFlags;
    rec->address = (ULONG_PTR)er->ExceptionAddress;
    rec->nparams = n;
    for (i = 0; i < 4; i++)
        rec->params[i] = i < n ? er->ExceptionInformation[i] : 0;
    /* An overflow in the expert's own code is its own (no scan); one in a system DLL or
     * in our stack check is reported at the expert's call. The scan reads the stack above
     * sp, on the reserve nm_guard_stack_arm keeps for the dispatch. */
    rec->caller = find_caller(rec->address, sp, er->ExceptionCode == STATUS_STACK_OVERFLOW);
}

void nm_guard_describe(NMSHIM_FAULT *f, const struct nm_fault_record *rec, const char *name,
                       const char *entry)
{
    DWORD i;

    if (!name) name = nm_guard_exception_name(rec->code);
    memset(f, 0, sizeof(*f));
    f->code = rec->code;
    f->flags = rec->flags;
    if (name) lstrcpynA(f->name, name, sizeof(f->name));
    else snprintf(f->name, sizeof(f->name), "0x%08lx", rec->code);
    lstrcpynA(f->entry, entry, sizeof(f->entry));
    f->address = rec->address;
    /* address keeps where it really happened; module + offset name the caller's code */
    nm_guard_module_of(rec->caller ? rec->caller : rec->address, f->module, sizeof(f->module),
                       &f->offset);
    f->av_access = ~0u;
    if ((rec->code == EXCEPTION_ACCESS_VIOLATION || rec->code == EXCEPTION_IN_PAGE_ERROR)
        && rec->nparams >= 2) {
        f->av_access = (DWORD)rec->params[0];
        f->av_target = rec->params[1];
    }
    f->nparams = rec->nparams;
    for (i = 0; i < rec->nparams && i < 4; i++) f->params[i] = rec->params[i];
}
