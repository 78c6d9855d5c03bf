/*
 * guard.h - run a function so that a hardware fault or an unhandled exception in it
 * comes back as a record instead of killing the process.
 *
 *   struct nm_fault_record rec;
 *   if (nm_guard_call(fn, ctx, &rec) != NM_GUARD_OK) { ...rec describes the fault... }
 *
 * Rules (the mechanism is frame based and unwinds with longjmp semantics):
 *  - fn receives all its state through ctx; after a fault, locals of the caller that
 *    fn changed are unreliable, ctx is not.
 *  - No return, goto or longjmp out of fn around the guard; no CUnit assert inside fn.
 *  - Exceptions that code inside fn handles itself (its own __try, C++ throw/catch) stay
 *    its own: only what would otherwise be unhandled reaches the guard. Stack overflow
 *    is the one exception taken first (on x86_64 through a vectored handler), because
 *    nothing else can run on an exhausted stack.
 *  - Guards nest; each thread has its own chain. Debug-output exceptions
 *    (OutputDebugString, SetThreadName) pass through untouched.
 *  - Any thread may call it, whatever its stack size: the first call on a thread moves
 *    the stack guard page up so an overflow is raised with NM_GUARD_STACK_RESERVE bytes
 *    left for the handlers; after an overflow the guard page is re-armed the same way,
 *    so the same thread can overflow, be caught, and overflow again.
 * The guard knows nothing about heaps or experts: callers decide what a fault means.
 */
#ifndef NM_GUARD_H
#define NM_GUARD_H

#include <windows.h>

#define NM_GUARD_OK      0
#define NM_GUARD_FAULTED 1

/* Stack left for exception dispatch when a stack overflow is raised (see guard.c). */
#define NM_GUARD_STACK_RESERVE (64 * 1024)

struct nm_fault_record {
    DWORD     code;             /* ExceptionCode */
    DWORD     flags;            /* ExceptionFlags */
    ULONG_PTR address;          /* ExceptionAddress */
    DWORD     nparams;          /* NumberParameters, clipped to 4 */
    ULONG_PTR params[4];        /* ExceptionInformation[0..3] */
    ULONG_PTR caller;           /* address inside a system DLL (RaiseException, a CRT
                                 * function given bad input): the first return address on
                                 * the stack into other code; else 0 */
};

typedef void (*nm_guard_fn)(void *ctx);

/* One-time process setup (the x86_64 vectored handler); idempotent, thread-safe. */
void nm_guard_init(void);
/* Calls fn(ctx); returns NM_GUARD_OK, or NM_GUARD_FAULTED with *rec filled. */
int nm_guard_call(nm_guard_fn fn, void *ctx, struct nm_fault_record *rec);

/* Internal to guard_<arch>.c (guard.c): gives the calling thread's stack a reserve for
 * the stack-overflow dispatch and re-arms the guard page above it. nm_guard_call runs it
 * once per thread (while the TEB's GuaranteedStackBytes is 0) and after every caught
 * overflow; callers never need it. */
void nm_guard_stack_arm(void);

/* Describes a fault record: exception name, module + offset of the faulting address,
 * and for an access violation the access kind and target. Used by reports. */
const char *nm_guard_exception_name(DWORD code);   /* NULL when unknown */
/* Shared by the per-arch mechanisms (guard_<arch>.c): */
int  nm_guard_is_debug_output(DWORD code);         /* passes by, not a fault */
int  nm_guard_after_call(const unsigned char *ret);/* ret follows a call instruction */
void nm_guard_fill(struct nm_fault_record *rec, const EXCEPTION_RECORD *er, ULONG_PTR sp);
void nm_guard_module_of(ULONG_PTR address, char *module, size_t len, ULONG_PTR *offset);

/* Fills a report's NMSHIM_FAULT from a fault record (expert.c for experts, plugin.c for
 * parsers): name, or the exception's own name when NULL (or "0x%08lx" when unknown);
 * the module + offset of the code that faulted (of its caller for a fault inside a
 * system DLL: RaiseException, a CRT function); the access of an access violation. */
struct NMSHIM_FAULT;
void nm_guard_describe(struct NMSHIM_FAULT *f, const struct nm_fault_record *rec,
                       const char *name, const char *entry);

#endif /* NM_GUARD_H */
