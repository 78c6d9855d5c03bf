/*
 * guard_x86_64.c - the fault guard's mechanism on x86_64: a table-based SEH scope
 * (mingw __try1/__except1) around the call, plus a vectored handler that takes only
 * STATUS_STACK_OVERFLOW. Compiled only in the x86_64 build (shim/CMakeLists.txt).
 *
 * Why two parts (TOOLCHAIN.md "Catching faults in called code", measured under Wine 8):
 *  - __try1 is frame based: exceptions that the called code handles itself (its own
 *    __try, C++ catch) never reach our filter, and Wine's RtlUnwindEx runs the callee's
 *    termination handlers on the way back to us.
 *  - __try1 alone lets a stack overflow kill the process (the dispatch runs out of
 *    stack); a vectored handler runs first, on the remaining guard space, and can
 *    __builtin_longjmp back to nm_guard_call. It ignores every other code, so it steals
 *    nothing the callee would handle.
 */
#include <excpt.h>
#include <malloc.h>
#include <windows.h>
#include "guard.h"

/* One guard on the stack; the per-thread chain links them innermost first. */
struct guard_frame {
    void *jb[5];                    /* __builtin_setjmp buffer (stack overflow path) */
    struct guard_frame *prev;       /* enclosing guard on this thread, or NULL */
    nm_guard_fn fn;
    void *ctx;
    struct nm_fault_record *rec;
    volatile int faulted;           /* set by the filter / vectored handler */
};

static DWORD tls_index = TLS_OUT_OF_INDEXES;
static volatile LONG init_done;
static INIT_ONCE init_once = INIT_ONCE_STATIC_INIT;

/* The innermost guard of this thread. TlsSlots live at TEB+0x1480 on x64 (documented
 * TEB layout, winternl.h); reading gs: directly keeps the normal path to two loads
 * (bench_guard "overhead" row). Indexes >= 64 (expansion slots) use the API. */
#define TEB_TLS_SLOTS 0x1480
/* Own asm rather than __readgsqword: mingw's intrinsic is neither volatile nor a
 * memory barrier, and the slot must be written before the call it guards. */
static inline struct guard_frame *top_get(void)
{
    struct guard_frame *f;
    if (__builtin_expect(tls_index >= 64, 0))
        return TlsGetValue(tls_index);
    __asm__ __volatile__("movq %%gs:(%1), %0" : "=r"(f)
                         : "r"((ULONG_PTR)TEB_TLS_SLOTS + tls_index * 8) : "memory");
    return f;
}
static inline void top_set(struct guard_frame *f)
{
    if (__builtin_expect(tls_index >= 64, 0)) {
        TlsSetValue(tls_index, f);
        return;
    }
    __asm__ __volatile__("movq %0, %%gs:(%1)" : : "r"(f),
                         "r"((ULONG_PTR)TEB_TLS_SLOTS + tls_index * 8) : "memory");
}

/* Debug-output exceptions (OutputDebugString A/W, SetThreadName) are not faults: the
 * raiser expects them to pass by (guard.h rules). */
static int is_debug_output(DWORD code)
{
    return code == 0x40010006 || code == 0x4001000A || code == 0x406D1388;
}

static void record(struct guard_frame *f, const EXCEPTION_RECORD *er)
{
    struct nm_fault_record *rec = f->rec;
    DWORD i, n = er->NumberParameters;

    if (n > 4) n = 4;
    rec->code = er->ExceptionCode;
    rec->flags = er->ExceptionFlags;
    rec->address = (ULONG_PTR)er->ExceptionAddress;
    rec->nparams = n;
    for (i = 0; i < 4; i++)
        rec->params[i] = i < n ? er->ExceptionInformation[i] : 0;
    f->faulted = 1;
}

/* Vectored handler: stack overflow only, and only while a guard is active on this
 * thread (test_guard_stack_overflow_repeated). Everything else continues the search so
 * the frame-based scope (or the callee's own handlers) decide. */
static LONG CALLBACK overflow_handler(EXCEPTION_POINTERS *ep)
{
    struct guard_frame *f;

    if (ep->ExceptionRecord->ExceptionCode != STATUS_STACK_OVERFLOW)
        return EXCEPTION_CONTINUE_SEARCH;
    if (!(f = top_get()))
        return EXCEPTION_CONTINUE_SEARCH;
    record(f, ep->ExceptionRecord);
    /* Back into nm_guard_call's frame; nothing between here and there can run on an
     * exhausted stack anyway, so the callee's termination handlers are skipped. */
    __builtin_longjmp(f->jb, 1);
}

/* The __try1 filter. It must be a non-static, used symbol: the scope table names it in
 * assembler (TOOLCHAIN.md). Called by __C_specific_handler during the search pass with
 * the exception and our scope's establisher frame. */
LONG nm_guard_seh_filter(EXCEPTION_POINTERS *ep, void *frame);
__attribute__((used)) LONG nm_guard_seh_filter(EXCEPTION_POINTERS *ep, void *frame)
{
    struct guard_frame *f = top_get();

    if (!f || is_debug_output(ep->ExceptionRecord->ExceptionCode))
        return EXCEPTION_CONTINUE_SEARCH;
    /* The innermost guard's scope is always the first of ours the dispatcher reaches
     * (inner guards take every fault), so the innermost frame is ours: nested guards,
     * test_guard_nested. */
    record(f, ep->ExceptionRecord);
    return EXCEPTION_EXECUTE_HANDLER;
}

/* The scope itself. __try1 uses fixed labels (.l_startw/.l_endw): exactly one per
 * translation unit, in a function the compiler may neither inline nor clone. After
 * the filter chose to handle, RtlUnwindEx lands at .l_endw with this frame's
 * non-volatile registers restored, so reading f (kept in one of them or in the frame)
 * is safe; f->faulted tells the two ways in apart. */
static __attribute__((noinline, noclone)) int guarded_run(struct guard_frame *f)
{
    __try1(nm_guard_seh_filter)
    f->fn(f->ctx);
    __except1
    return f->faulted;
}

static BOOL CALLBACK do_init(INIT_ONCE *once, void *param, void **context)
{
    tls_index = TlsAlloc();
    /* First = 1: run before any other vectored handler, while stack remains. */
    AddVectoredExceptionHandler(1, overflow_handler);
    InterlockedExchange(&init_done, 1);
    return TRUE;
}

void nm_guard_init(void)
{
    if (!init_done)
        InitOnceExecuteOnce(&init_once, do_init, NULL, NULL);
}

int nm_guard_call(nm_guard_fn fn, void *ctx, struct nm_fault_record *rec)
{
    struct guard_frame f;

    if (__builtin_expect(!init_done, 0))
        nm_guard_init();
    f.prev = top_get();
    f.fn = fn;
    f.ctx = ctx;
    f.rec = rec;
    f.faulted = 0;
    top_set(&f);
    if (__builtin_setjmp(f.jb)) {
        /* Stack overflow, from overflow_handler. Re-arm the guard page so the next
         * overflow on this thread is caught too (test_guard_stack_overflow_repeated). */
        top_set(f.prev);
        _resetstkoflw();
        return NM_GUARD_FAULTED;
    }
    if (guarded_run(&f)) {
        top_set(f.prev);
        return NM_GUARD_FAULTED;
    }
    top_set(f.prev);
    return NM_GUARD_OK;
}
