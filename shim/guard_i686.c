/*
 * guard_i686.c - the fault guard's mechanism on i686: an FS:[0] exception registration
 * record per call, RtlUnwind, then __builtin_longjmp back into nm_guard_call. Compiled
 * only in the i686 build (shim/CMakeLists.txt).
 *
 * Why (docs/toolchain.md "Catching faults in called code", measured under Wine 8): the FS:[0]
 * frame is frame based, so exceptions the callee handles itself (its own __try, C++
 * catch: their frames are pushed later, so searched first) stay its own; it is the
 * fastest normal path measured (2.3 ns); and its handler runs on the remaining stack, so
 * it also catches a stack overflow, three times in a row (stack reserve: guard.c).
 * The per-thread chain of guards is the FS:[0] chain itself: no TLS needed.
 */
#include <windows.h>
#include "guard.h"

/* The registration record as the dispatcher walks it (winnt.h's EXCEPTION_REGISTRATION_
 * RECORD, spelled out so the handler's type is ours). It is the first member of the
 * frame, so the handler gets the whole frame from EstablisherFrame without TLS. */
struct reg_record {
    struct reg_record *next;
    EXCEPTION_DISPOSITION (__cdecl *handler)(EXCEPTION_RECORD *, void *, CONTEXT *, void *);
};

struct guard_frame {
    struct reg_record reg;          /* must stay first: see handler() */
    void *jb[5];                    /* __builtin_setjmp buffer */
    struct nm_fault_record *rec;
};

/* EXCEPTION_UNWINDING | EXCEPTION_EXIT_UNWIND (winnt.h / ntdef values). */
#define UNWIND_FLAGS (0x2 | 0x4)

/* Own asm rather than __readfsdword/__writefsdword: mingw's are neither volatile nor
 * memory barriers, and the record must be complete before FS:[0] points at it. */
static inline struct reg_record *chain_get(void)
{
    struct reg_record *r;
    __asm__ __volatile__("movl %%fs:0, %0" : "=r"(r) : : "memory");
    return r;
}
static inline void chain_set(struct reg_record *r)
{
    __asm__ __volatile__("movl %0, %%fs:0" : : "r"(r) : "memory");
}

/* TEB GuaranteedStackBytes (documented x86 TEB layout, 0xf78): 0 until
 * nm_guard_stack_arm ran on this thread, so the check is one fs: load. */
static inline ULONG stack_guarantee(void)
{
    ULONG g;
    __asm__ __volatile__("movl %%fs:0xf78, %0" : "=r"(g));
    return g;
}

static EXCEPTION_DISPOSITION __cdecl handler(EXCEPTION_RECORD *er, void *establisher,
                                             CONTEXT *context, void *dispatcher)
{
    struct guard_frame *f = (struct guard_frame *)establisher;
    struct nm_fault_record *rec = f->rec;

    /* Called again with the unwind flags while RtlUnwind (ours or someone else's) passes
     * through: nothing of ours to clean up here. */
    if (er->ExceptionFlags & UNWIND_FLAGS)
        return ExceptionContinueSearch;
    if (nm_guard_is_debug_output(er->ExceptionCode))
        return ExceptionContinueSearch;

    /* Record before RtlUnwind: it sets EXCEPTION_UNWINDING in er->ExceptionFlags. */
    nm_guard_fill(rec, er, context->Esp);

    /* Run the termination handlers of every frame the callee registered above ours
     * (its __finally blocks, C++ cleanups) and pop them: afterwards FS:[0] == &f->reg.
     * With no target IP, Wine's RtlUnwind returns here. */
    RtlUnwind(establisher, NULL, er, NULL);
    chain_set(f->reg.next);
    __builtin_longjmp(f->jb, 1);
}

void nm_guard_init(void)
{
    /* Nothing process-wide on i686: the FS:[0] chain is per thread already. */
}

int nm_guard_call(nm_guard_fn fn, void *ctx, struct nm_fault_record *rec)
{
    struct guard_frame f;

    /* First guard on this thread: room for the overflow dispatch (guard.c). */
    if (__builtin_expect(!stack_guarantee(), 0))
        nm_guard_stack_arm();
    f.rec = rec;
    f.reg.handler = handler;
    f.reg.next = chain_get();
    chain_set(&f.reg);
    if (__builtin_setjmp(f.jb)) {
        /* From handler(): FS:[0] is already back to f.reg.next. Re-arm the stack guard
         * page, with the reserve, when it was an overflow (test_guard_stack_overflow_
         * repeated, test_guard_thread_stack_overflow); it costs a VirtualQuery and a
         * VirtualProtect, so only then. */
        if (rec->code == STATUS_STACK_OVERFLOW)
            nm_guard_stack_arm();
        return NM_GUARD_FAULTED;
    }
    fn(ctx);
    chain_set(f.reg.next);
    return NM_GUARD_OK;
}
