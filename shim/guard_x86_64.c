/*
 * guard_x86_64.c - the fault guard's mechanism on x86_64: a table-based SEH scope
 * (mingw __try1/__except1) around the call, plus a vectored handler that takes only
 * STATUS_STACK_OVERFLOW. Compiled only in the x86_64 build (shim/CMakeLists.txt).
 *
 * Why two parts (docs/toolchain.md "Catching faults in called code", measured under Wine 8):
 *  - __try1 is frame based: exceptions that the called code handles itself (its own
 *    __try, C++ catch) never reach our filter, and Wine's RtlUnwindEx runs the callee's
 *    termination handlers on the way back to us.
 *  - __try1 alone lets a stack overflow kill the process (the dispatch runs out of
 *    stack); a vectored handler runs first, on the remaining stack reserve (guard.c),
 *    and resumes guarded_run as if the __except path had been taken. It ignores every
 *    other code, so it steals nothing the callee would handle.
 * The normal path saves no registers: a __builtin_setjmp for the overflow path cost
 * 7-8 ns per call under Wine (min of 60 x 1M calls: 11-13 ns overhead with it, 4 ns
 * without), so the overflow path recovers them by virtual unwinding instead.
 */
#include <excpt.h>
#include <windows.h>
#include "guard.h"

/* One guard on the stack; the per-thread chain links them innermost first. */
struct guard_frame {
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

/* TEB GuaranteedStackBytes (documented x64 TEB layout, winternl.h / Wine's winternl.h):
 * 0 until nm_guard_stack_arm ran on this thread, so the check is one gs: load. */
static inline ULONG stack_guarantee(void)
{
    ULONG g;
    __asm__ __volatile__("movl %%gs:0x1748, %0" : "=r"(g));
    return g;
}

static void record(struct guard_frame *f, const EXCEPTION_POINTERS *ep)
{
    nm_guard_fill(f->rec, ep->ExceptionRecord, ep->ContextRecord->Rsp);
    f->faulted = 1;
}

static int guarded_run(struct guard_frame *f);


/* Turn ctx (the fault) into the context of the innermost guarded_run frame, just after
 * its call of fn, the way RtlUnwindEx would, but without running anything on the
 * exhausted stack: RtlVirtualUnwind only computes. Non-volatile registers (rbx..r15,
 * xmm6-15) come back from the callees' unwind data, so the normal path saves nothing
 * (the setjmp it replaces cost 7-8 ns per call: bench_guard). Returns 0 when the chain
 * cannot be followed; then the overflow is not caught (as without a guard). */
static int unwind_to_guard(CONTEXT *ctx, struct guard_frame *f)
{
    ULONG_PTR run = (ULONG_PTR)guarded_run, limit = (ULONG_PTR)f;
    unsigned long depth;

    for (depth = 0; depth < 1000000; depth++) {
        DWORD64 base = 0, establisher = 0;
        void *data = NULL;
        PRUNTIME_FUNCTION rf = RtlLookupFunctionEntry(ctx->Rip, &base, NULL);

        if (rf && base + rf->BeginAddress == run)
            return 1;
        if (rf) {
            RtlVirtualUnwind(UNW_FLAG_NHANDLER, base, ctx->Rip, rf, ctx, &data,
                             &establisher, NULL);
        } else if (depth == 0) {
            /* The fault is in code without unwind data. The usual one is libgcc's
             * ___chkstk_ms (the stack probe of any frame >= 4 KB: the very place big
             * frames overflow, test_guard_stack_overflow_big_frames), which pushed rcx
             * and rax first: look a few slots up for the return address. */
            int k;
            for (k = 0; k < 4; k++) {
                DWORD64 ret = ((DWORD64 *)ctx->Rsp)[k], b2;
                if (RtlLookupFunctionEntry(ret, &b2, NULL) &&
                    nm_guard_after_call((const unsigned char *)ret)) {
                    ctx->Rip = ret;
                    ctx->Rsp += 8 * (k + 1);
                    break;
                }
            }
            if (k == 4) return 0;
        } else {
            /* a leaf without unwind data: the return address is on top (x64 ABI) */
            ctx->Rip = *(DWORD64 *)ctx->Rsp;
            ctx->Rsp += 8;
        }
        /* Past nm_guard_call's frame (f lives there) without meeting guarded_run:
         * the chain is broken; give up rather than resume somewhere wrong. */
        if (ctx->Rsp >= limit || !ctx->Rip)
            return 0;
    }
    return 0;
}

/* Vectored handler: stack overflow only, and only while a guard is active on this
 * thread (test_guard_stack_overflow_repeated). Everything else continues the search so
 * the frame-based scope (or the callee's own handlers) decide. It resumes guarded_run
 * as the __except path would, with f->faulted set: nothing runs on the exhausted stack
 * in between, so the callee's termination handlers are skipped. */
static LONG CALLBACK overflow_handler(EXCEPTION_POINTERS *ep)
{
    struct guard_frame *f;
    CONTEXT ctx;

    if (ep->ExceptionRecord->ExceptionCode != STATUS_STACK_OVERFLOW)
        return EXCEPTION_CONTINUE_SEARCH;
    if (!(f = top_get()))
        return EXCEPTION_CONTINUE_SEARCH;
    /* Unwind a copy: if the chain cannot be followed, the dispatcher goes on with the
     * fault's context untouched. (1.2 KB of the stack reserve, guard.c.) */
    ctx = *ep->ContextRecord;
    if (!unwind_to_guard(&ctx, f))
        return EXCEPTION_CONTINUE_SEARCH;
    record(f, ep);                  /* with the fault's own sp (find_caller scans from it) */
    *ep->ContextRecord = ctx;
    return EXCEPTION_CONTINUE_EXECUTION;
}

/* The __try1 filter. It must be a non-static, used symbol: the scope table names it in
 * assembler (docs/toolchain.md). Called by __C_specific_handler during the search pass with
 * the exception and our scope's establisher frame. */
LONG nm_guard_seh_filter(EXCEPTION_POINTERS *ep, void *frame);
__attribute__((used)) LONG nm_guard_seh_filter(EXCEPTION_POINTERS *ep, void *frame)
{
    struct guard_frame *f = top_get();

    if (!f || nm_guard_is_debug_output(ep->ExceptionRecord->ExceptionCode))
        return EXCEPTION_CONTINUE_SEARCH;
    /* The innermost guard's scope is always the first of ours the dispatcher reaches
     * (inner guards take every fault), so the innermost frame is ours: nested guards,
     * test_guard_nested. */
    record(f, ep);
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
    /* First guard on this thread: room for the overflow dispatch (guard.c). */
    if (__builtin_expect(!stack_guarantee(), 0))
        nm_guard_stack_arm();
    f.prev = top_get();
    f.fn = fn;
    f.ctx = ctx;
    f.rec = rec;
    f.faulted = 0;
    top_set(&f);
    if (__builtin_expect(guarded_run(&f), 0)) {
        top_set(f.prev);
        /* Re-arm the guard page, with the reserve, after an overflow, so the next one on
         * this thread is caught too (test_guard_stack_overflow_repeated,
         * test_guard_thread_stack_overflow); it costs a VirtualQuery and a
         * VirtualProtect, so only then. */
        if (rec->code == STATUS_STACK_OVERFLOW)
            nm_guard_stack_arm();
        return NM_GUARD_FAULTED;
    }
    top_set(f.prev);
    return NM_GUARD_OK;
}
