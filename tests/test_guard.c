/*
 * test_guard.c - white-box suite "guard": every fault kind the guard must catch on both
 * arches, nesting, callee-handled exceptions, repeated stack overflow, threads, resource
 * stability over thousands of faults, and the name / module helpers.
 * Faulting functions run inside nm_guard_call, so they only store into their ctx; every
 * check happens after the guard returned (guard.h: no CUnit assert inside fn).
 */
#include <excpt.h>
#include <malloc.h>
#include <string.h>
#include "test_util.h"
#include "guard.h"

#define OWN_CODE    0xE0004E4Du     /* "handled by the callee" custom exception */
#define CUSTOM_CODE 0xE0001234u

struct tctx {
    volatile int ran;               /* fn started */
    volatile int after;             /* fn went past the faulting instruction */
    void *target;                   /* address to read / write / jump to */
    volatile int depth;             /* stack overflow: deepest level reached */
    HANDLE heap;
    volatile int value;
};

static void poison(struct nm_fault_record *rec)
{
    memset(rec, 0xCD, sizeof(*rec));
}

/* One reserved, never committed page: every access faults, the address is ours alone
 * for the whole run and it is in no module (module_of gives "?"). */
static char *noaccess_page(void)
{
    static char *page;
    if (!page) page = VirtualAlloc(NULL, 65536, MEM_RESERVE, PAGE_NOACCESS);
    return page;
}

/* ---- functions run under the guard ---------------------------------------------- */

static void fn_ok(void *p)            { ((struct tctx *)p)->ran = 1; }
static void fn_av_read(void *p)
{
    struct tctx *c = p;
    c->ran = 1;
    c->value = *(volatile int *)c->target;
    c->after = 1;
}
static void fn_av_write(void *p)
{
    struct tctx *c = p;
    c->ran = 1;
    *(volatile int *)c->target = 42;
    c->after = 1;
}
static void fn_av_execute(void *p)
{
    struct tctx *c = p;
    c->ran = 1;
    ((void (*)(void))c->target)();
    c->after = 1;
}
static void fn_div0(void *p)
{
    struct tctx *c = p;
    volatile int one = 1, zero = 0;
    c->ran = 1;
    c->value = one / zero;
    c->after = 1;
}
static void fn_ud2(void *p)
{
    struct tctx *c = p;
    c->ran = 1;
    __asm__ __volatile__("ud2");
    c->after = 1;
}
static void fn_hlt(void *p)
{
    struct tctx *c = p;
    c->ran = 1;
    __asm__ __volatile__("hlt");     /* ring 0 only: #GP in user mode */
    c->after = 1;
}
static void fn_int3(void *p)
{
    struct tctx *c = p;
    c->ran = 1;
    __asm__ __volatile__("int3");
    c->after = 1;
}
static void fn_debugbreak(void *p)
{
    struct tctx *c = p;
    c->ran = 1;
    DebugBreak();
    c->after = 1;
}
static void fn_raise3(void *p)
{
    struct tctx *c = p;
    ULONG_PTR args[3] = { 0x11, (ULONG_PTR)c, ~(ULONG_PTR)0 };
    c->ran = 1;
    RaiseException(CUSTOM_CODE, 0, 3, args);
    c->after = 1;
}
static void fn_raise6_noncontinuable(void *p)
{
    struct tctx *c = p;
    ULONG_PTR args[6] = { 1, 2, 3, 4, 5, 6 };
    c->ran = 1;
    RaiseException(CUSTOM_CODE + 1, EXCEPTION_NONCONTINUABLE, 6, args);
    c->after = 1;
}
static void fn_debug_output(void *p)
{
    struct tctx *c = p;
    c->ran = 1;
    OutputDebugStringA("nmshim test_guard: debug output passes through the guard\n");
    OutputDebugStringW(L"nmshim test_guard: wide debug output too\n");
    c->after = 1;
}

/* Never true in practice: only there so the recursion has an exit (-Winfinite-recursion). */
static volatile int recurse_limit = 0x7fffffff;
static __attribute__((noinline)) int recurse(struct tctx *c, volatile char *prev, int depth)
{
    volatile char buf[2048];
    buf[0] = (char)depth;
    buf[sizeof(buf) - 1] = prev ? prev[0] : 0;
    c->depth = depth;
    if (depth >= recurse_limit) return buf[7];
    return recurse(c, buf, depth + 1) + buf[sizeof(buf) - 1];   /* not a tail call */
}
static void fn_overflow(void *p)
{
    struct tctx *c = p;
    c->ran = 1;
    c->value = recurse(c, NULL, 1);
    c->after = 1;
}

static ULONG_PTR image_size(HMODULE mod)
{
    const IMAGE_DOS_HEADER *dos = (const void *)mod;
    const IMAGE_NT_HEADERS *nt = (const void *)((const char *)mod + dos->e_lfanew);
    return nt->OptionalHeader.SizeOfImage;
}

/* The faulting instruction must be in this exe: the guard reports the fault where it
 * happened, not where it was caught. */
#define CHECK_IN_TEST_EXE(addr) do { char m_[MAX_PATH]; ULONG_PTR o_ = 0; \
    nm_guard_module_of((addr), m_, sizeof(m_), &o_); CHECK_STR(m_, "nmapi_tests.exe"); } while (0)

/* ---- the tests -------------------------------------------------------------------- */

static void test_guard_no_fault(void)
{
    struct tctx c = { 0 };
    struct nm_fault_record rec, clean;
    poison(&rec);
    poison(&clean);
    CHECK_EQ_U(nm_guard_call(fn_ok, &c, &rec), NM_GUARD_OK);
    CHECK_EQ_U(c.ran, 1);
    /* ours: the record is written only on a fault */
    CHECK(!memcmp(&rec, &clean, sizeof(rec)));
}

static void test_guard_av_read(void)
{
    struct tctx c = { 0 };
    struct nm_fault_record rec;
    c.target = noaccess_page() + 0x124;
    poison(&rec);
    CHECK_EQ_U(nm_guard_call(fn_av_read, &c, &rec), NM_GUARD_FAULTED);
    CHECK_EQ_U(c.ran, 1);
    CHECK_EQ_U(c.after, 0);
    CHECK_EQ_U(rec.code, EXCEPTION_ACCESS_VIOLATION);
    CHECK_EQ_U(rec.flags, 0);
    CHECK_EQ_U(rec.nparams, 2);
    CHECK_EQ_U(rec.params[0], 0);                      /* read */
    CHECK_EQ_U(rec.params[1], (ULONG_PTR)c.target);
    CHECK_EQ_U(rec.params[2], 0);                      /* unused slots are zeroed */
    CHECK_IN_TEST_EXE(rec.address);

    /* and the classic NULL-page read */
    memset(&c, 0, sizeof(c));
    c.target = (void *)0x10;
    CHECK_EQ_U(nm_guard_call(fn_av_read, &c, &rec), NM_GUARD_FAULTED);
    CHECK_EQ_U(rec.code, EXCEPTION_ACCESS_VIOLATION);
    CHECK_EQ_U(rec.params[0], 0);
    CHECK_EQ_U(rec.params[1], 0x10);
}

static void test_guard_av_write(void)
{
    struct tctx c = { 0 };
    struct nm_fault_record rec;
    /* a read-only page of this very exe: the DOS header */
    c.target = (char *)GetModuleHandleA(NULL) + 8;
    poison(&rec);
    CHECK_EQ_U(nm_guard_call(fn_av_write, &c, &rec), NM_GUARD_FAULTED);
    CHECK_EQ_U(c.after, 0);
    CHECK_EQ_U(rec.code, EXCEPTION_ACCESS_VIOLATION);
    CHECK_EQ_U(rec.nparams, 2);
    CHECK_EQ_U(rec.params[0], 1);                      /* write */
    CHECK_EQ_U(rec.params[1], (ULONG_PTR)c.target);
    CHECK_IN_TEST_EXE(rec.address);

    c.target = noaccess_page() + 0x1000;
    CHECK_EQ_U(nm_guard_call(fn_av_write, &c, &rec), NM_GUARD_FAULTED);
    CHECK_EQ_U(rec.params[0], 1);
    CHECK_EQ_U(rec.params[1], (ULONG_PTR)c.target);
}

static void test_guard_av_execute(void)
{
    struct tctx c = { 0 };
    struct nm_fault_record rec;
    /* a jump into reserved, inaccessible memory: Wine 8 reports it like Windows does,
     * an execute fault (8) at the target, on both arches */
    c.target = noaccess_page() + 0x2000;
    poison(&rec);
    CHECK_EQ_U(nm_guard_call(fn_av_execute, &c, &rec), NM_GUARD_FAULTED);
    CHECK_EQ_U(c.after, 0);
    CHECK_EQ_U(rec.code, EXCEPTION_ACCESS_VIOLATION);
    CHECK_EQ_U(rec.nparams, 2);
    CHECK_EQ_U(rec.params[0], 8);                      /* EXCEPTION_EXECUTE_FAULT */
    CHECK_EQ_U(rec.params[1], (ULONG_PTR)c.target);
    CHECK_EQ_U(rec.address, (ULONG_PTR)c.target);

    /* A committed read/write page holding a ret: executing it faults as under Windows
     * with DEP, on both arches (measured under Wine 8: the ret never runs, params[0] 8).
     * Had Wine executed it, the call would have returned NM_GUARD_OK with after == 1. */
    {
        unsigned char *rw = VirtualAlloc(NULL, 4096, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
        CHECK(rw != NULL);
        if (!rw) return;
        rw[0] = 0xC3;
        memset(&c, 0, sizeof(c));
        c.target = rw;
        poison(&rec);
        CHECK_EQ_U(nm_guard_call(fn_av_execute, &c, &rec), NM_GUARD_FAULTED);
        CHECK_EQ_U(c.after, 0);
        CHECK_EQ_U(rec.code, EXCEPTION_ACCESS_VIOLATION);
        CHECK_EQ_U(rec.params[0], 8);
        CHECK_EQ_U(rec.params[1], (ULONG_PTR)rw);
        VirtualFree(rw, 0, MEM_RELEASE);
    }
}

static void test_guard_int_divide_by_zero(void)
{
    struct tctx c = { 0 };
    struct nm_fault_record rec;
    poison(&rec);
    CHECK_EQ_U(nm_guard_call(fn_div0, &c, &rec), NM_GUARD_FAULTED);
    CHECK_EQ_U(c.after, 0);
    CHECK_EQ_U(rec.code, EXCEPTION_INT_DIVIDE_BY_ZERO);
    CHECK_EQ_U(rec.nparams, 0);
    CHECK_IN_TEST_EXE(rec.address);
}

static void test_guard_illegal_instruction(void)
{
    struct tctx c = { 0 };
    struct nm_fault_record rec;
    poison(&rec);
    CHECK_EQ_U(nm_guard_call(fn_ud2, &c, &rec), NM_GUARD_FAULTED);
    CHECK_EQ_U(c.after, 0);
    CHECK_EQ_U(rec.code, EXCEPTION_ILLEGAL_INSTRUCTION);
    CHECK_IN_TEST_EXE(rec.address);
}

static void test_guard_privileged_instruction(void)
{
    struct tctx c = { 0 };
    struct nm_fault_record rec;
    poison(&rec);
    CHECK_EQ_U(nm_guard_call(fn_hlt, &c, &rec), NM_GUARD_FAULTED);
    CHECK_EQ_U(c.after, 0);
    CHECK_EQ_U(rec.code, EXCEPTION_PRIV_INSTRUCTION);
    CHECK_IN_TEST_EXE(rec.address);
}

static void test_guard_breakpoint(void)
{
    struct tctx c = { 0 };
    struct nm_fault_record rec;
    char mod[MAX_PATH];
    poison(&rec);
    CHECK_EQ_U(nm_guard_call(fn_int3, &c, &rec), NM_GUARD_FAULTED);
    CHECK_EQ_U(c.after, 0);
    CHECK_EQ_U(rec.code, EXCEPTION_BREAKPOINT);
    CHECK_IN_TEST_EXE(rec.address);

    memset(&c, 0, sizeof(c));
    poison(&rec);
    CHECK_EQ_U(nm_guard_call(fn_debugbreak, &c, &rec), NM_GUARD_FAULTED);
    CHECK_EQ_U(c.ran, 1);
    CHECK_EQ_U(c.after, 0);
    CHECK_EQ_U(rec.code, EXCEPTION_BREAKPOINT);
    /* DebugBreak's own int3, inside a system dll */
    nm_guard_module_of(rec.address, mod, sizeof(mod), NULL);
    CHECK_MSG(strcmp(mod, "nmapi_tests.exe") && strcmp(mod, "?"),
              "DebugBreak faulted in \"%s\", expected a system dll", mod);
}

static void test_guard_raise_exception(void)
{
    struct tctx c = { 0 };
    struct nm_fault_record rec;
    poison(&rec);
    CHECK_EQ_U(nm_guard_call(fn_raise3, &c, &rec), NM_GUARD_FAULTED);
    CHECK_EQ_U(c.ran, 1);
    CHECK_EQ_U(c.after, 0);
    CHECK_EQ_U(rec.code, CUSTOM_CODE);
    CHECK_EQ_U(rec.flags, 0);
    CHECK_EQ_U(rec.nparams, 3);
    CHECK_EQ_U(rec.params[0], 0x11);
    CHECK_EQ_U(rec.params[1], (ULONG_PTR)&c);
    CHECK_EQ_U(rec.params[2], ~(ULONG_PTR)0);
    CHECK_EQ_U(rec.params[3], 0);
    CHECK(rec.address != 0);

    /* more than 4 parameters: clipped; the non-continuable flag is kept */
    poison(&rec);
    CHECK_EQ_U(nm_guard_call(fn_raise6_noncontinuable, &c, &rec), NM_GUARD_FAULTED);
    CHECK_EQ_U(rec.code, CUSTOM_CODE + 1);
    CHECK_EQ_U(rec.flags & EXCEPTION_NONCONTINUABLE, EXCEPTION_NONCONTINUABLE);
    CHECK_EQ_U(rec.nparams, 4);
    CHECK_EQ_U(rec.params[0], 1);
    CHECK_EQ_U(rec.params[3], 4);
}

static void test_guard_debug_output_passes(void)
{
    struct tctx c = { 0 };
    struct nm_fault_record rec;
    poison(&rec);
    CHECK_EQ_U(nm_guard_call(fn_debug_output, &c, &rec), NM_GUARD_OK);
    CHECK_EQ_U(c.after, 1);
}

static void test_guard_stack_overflow_repeated(void)
{
    struct tctx c;
    struct nm_fault_record rec;
    int i;

    for (i = 0; i < 3; i++) {
        memset(&c, 0, sizeof(c));
        poison(&rec);
        CHECK_EQ_U(nm_guard_call(fn_overflow, &c, &rec), NM_GUARD_FAULTED);
        CHECK_EQ_U(c.after, 0);
        CHECK_EQ_U(rec.code, STATUS_STACK_OVERFLOW);
        CHECK_MSG(c.depth > 50, "overflow %d: recursion depth %d, expected > 50", i, c.depth);
    }
    /* the thread goes on: normal calls, then an ordinary fault */
    for (i = 0; i < 10; i++) {
        memset(&c, 0, sizeof(c));
        CHECK_EQ_U(nm_guard_call(fn_ok, &c, &rec), NM_GUARD_OK);
        CHECK_EQ_U(c.ran, 1);
    }
    memset(&c, 0, sizeof(c));
    c.target = noaccess_page();
    CHECK_EQ_U(nm_guard_call(fn_av_read, &c, &rec), NM_GUARD_FAULTED);
    CHECK_EQ_U(rec.code, EXCEPTION_ACCESS_VIOLATION);
}

/* Nested guards: fn_outer runs a faulting fn under its own guard, then goes on. */
struct nest {
    struct tctx inner, outer;
    struct nm_fault_record inner_rec;
    volatile int inner_ret;
    volatile int outer_faults;      /* 1: fn_outer faults itself after the inner guard */
};
static void fn_outer(void *p)
{
    struct nest *n = p;
    n->outer.ran = 1;
    n->inner_ret = nm_guard_call(fn_av_read, &n->inner, &n->inner_rec);
    n->outer.after = 1;
    if (n->outer_faults)
        *(volatile int *)n->outer.target = 7;
}

static void test_guard_nested(void)
{
    struct nest n;
    struct nm_fault_record rec;
    memset(&n, 0, sizeof(n));
    n.inner.target = noaccess_page() + 0x40;
    n.outer.target = noaccess_page() + 0x80;
    n.outer_faults = 1;
    poison(&n.inner_rec);
    poison(&rec);
    CHECK_EQ_U(nm_guard_call(fn_outer, &n, &rec), NM_GUARD_FAULTED);
    /* the inner fault was the inner guard's ... */
    CHECK_EQ_U(n.inner_ret, NM_GUARD_FAULTED);
    CHECK_EQ_U(n.inner_rec.params[0], 0);
    CHECK_EQ_U(n.inner_rec.params[1], (ULONG_PTR)n.inner.target);
    /* ... the outer fn went on, and its own fault was the outer guard's */
    CHECK_EQ_U(n.outer.after, 1);
    CHECK_EQ_U(rec.code, EXCEPTION_ACCESS_VIOLATION);
    CHECK_EQ_U(rec.params[0], 1);
    CHECK_EQ_U(rec.params[1], (ULONG_PTR)n.outer.target);
}

static void test_guard_inner_handled_not_seen(void)
{
    struct nest n;
    struct nm_fault_record rec, clean;
    memset(&n, 0, sizeof(n));
    n.inner.target = noaccess_page() + 0x40;
    poison(&rec);
    poison(&clean);
    CHECK_EQ_U(nm_guard_call(fn_outer, &n, &rec), NM_GUARD_OK);
    CHECK_EQ_U(n.inner_ret, NM_GUARD_FAULTED);
    CHECK_EQ_U(n.inner_rec.code, EXCEPTION_ACCESS_VIOLATION);
    CHECK_EQ_U(n.outer.after, 1);
    CHECK(!memcmp(&rec, &clean, sizeof(rec)));
}

/* An overflow under two guards: the inner one takes it (on x86_64 the unwind stops at
 * the innermost guarded_run), the outer fn goes on and its guard sees nothing. */
struct nest_so { struct tctx inner, outer; struct nm_fault_record inner_rec; volatile int inner_ret; };
static void fn_outer_so(void *p)
{
    struct nest_so *n = p;
    n->outer.ran = 1;
    n->inner_ret = nm_guard_call(fn_overflow, &n->inner, &n->inner_rec);
    n->outer.after = 1;
}
static void test_guard_nested_stack_overflow(void)
{
    struct nest_so n;
    struct nm_fault_record rec, clean;
    int i;
    for (i = 0; i < 2; i++) {
        memset(&n, 0, sizeof(n));
        poison(&rec);
        poison(&clean);
        CHECK_EQ_U(nm_guard_call(fn_outer_so, &n, &rec), NM_GUARD_OK);
        CHECK_EQ_U(n.inner_ret, NM_GUARD_FAULTED);
        CHECK_EQ_U(n.inner_rec.code, STATUS_STACK_OVERFLOW);
        CHECK_EQ_U(n.outer.after, 1);
        CHECK(!memcmp(&rec, &clean, sizeof(rec)));
    }
}

/* ---- the callee's own structured exception handling ------------------------------ */
/* own_scope_run(fn, ctx) runs fn inside a handler of "the callee's own": it handles
 * OWN_CODE (continue execution), counts and declines everything else, and on i686 also
 * counts the unwind calls RtlUnwind makes when the guard takes over. */
static volatile int own_seen, own_declined, own_unwound;

#if defined(__x86_64__)
LONG nm_test_own_filter(EXCEPTION_POINTERS *ep, void *frame);
__attribute__((used)) LONG nm_test_own_filter(EXCEPTION_POINTERS *ep, void *frame)
{
    if (ep->ExceptionRecord->ExceptionCode == OWN_CODE) {
        own_seen++;
        return EXCEPTION_CONTINUE_EXECUTION;
    }
    own_declined++;
    return EXCEPTION_CONTINUE_SEARCH;
}
/* the one __try1 of this translation unit (fixed labels, docs/toolchain.md) */
static __attribute__((noinline, noclone)) void own_scope_run(nm_guard_fn fn, void *ctx)
{
    __try1(nm_test_own_filter)
    fn(ctx);
    __except1
}
#else
struct own_reg { struct own_reg *next; void *handler; };
static EXCEPTION_DISPOSITION __cdecl own_handler(EXCEPTION_RECORD *er, void *frame,
                                                 CONTEXT *context, void *dispatcher)
{
    if (er->ExceptionFlags & 6) {          /* EXCEPTION_UNWINDING | EXCEPTION_EXIT_UNWIND */
        own_unwound++;
        return ExceptionContinueSearch;
    }
    if (er->ExceptionCode == OWN_CODE) {
        own_seen++;
        return ExceptionContinueExecution;
    }
    own_declined++;
    return ExceptionContinueSearch;
}
static void *fs0(void)
{
    void *r;
    __asm__ __volatile__("movl %%fs:0, %0" : "=r"(r) : : "memory");
    return r;
}
static __attribute__((noinline)) void own_scope_run(nm_guard_fn fn, void *ctx)
{
    struct own_reg reg;
    reg.handler = (void *)own_handler;
    reg.next = fs0();
    __asm__ __volatile__("movl %0, %%fs:0" : : "r"(&reg) : "memory");
    fn(ctx);
    __asm__ __volatile__("movl %0, %%fs:0" : : "r"(reg.next) : "memory");
}
#endif

struct own_ctx { struct tctx t; volatile int fault_after; };
static void fn_raise_own(void *p)
{
    struct own_ctx *o = p;
    RaiseException(OWN_CODE, 0, 0, NULL);     /* handled by own_scope_run's handler */
    o->t.after = 1;
    if (o->fault_after)
        *(volatile int *)o->t.target = 1;
}
static void fn_own_scope(void *p)
{
    struct own_ctx *o = p;
    o->t.ran = 1;
    own_scope_run(fn_raise_own, o);
    o->t.value = 1;                           /* reached only without a fault */
}

static void test_guard_callee_handles_own(void)
{
    struct own_ctx o;
    struct nm_fault_record rec, clean;
    memset(&o, 0, sizeof(o));
    own_seen = own_declined = own_unwound = 0;
    poison(&rec);
    poison(&clean);
    CHECK_EQ_U(nm_guard_call(fn_own_scope, &o, &rec), NM_GUARD_OK);
    CHECK_EQ_U(own_seen, 1);
    CHECK_EQ_U(o.t.after, 1);
    CHECK_EQ_U(o.t.value, 1);
    CHECK(!memcmp(&rec, &clean, sizeof(rec)));
}

static void test_guard_callee_handlers_first(void)
{
    struct own_ctx o;
    struct nm_fault_record rec;
#if !defined(__x86_64__)
    void *chain = fs0();
#endif
    memset(&o, 0, sizeof(o));
    o.fault_after = 1;
    o.t.target = noaccess_page() + 0x300;
    own_seen = own_declined = own_unwound = 0;
    poison(&rec);
    CHECK_EQ_U(nm_guard_call(fn_own_scope, &o, &rec), NM_GUARD_FAULTED);
    CHECK_EQ_U(own_seen, 1);
    /* the callee's handler saw the AV first and declined it; then the guard took it */
    CHECK_EQ_U(own_declined, 1);
    CHECK_EQ_U(o.t.value, 0);
    CHECK_EQ_U(rec.code, EXCEPTION_ACCESS_VIOLATION);
    CHECK_EQ_U(rec.params[1], (ULONG_PTR)o.t.target);
#if !defined(__x86_64__)
    /* i686: RtlUnwind called the callee's frame once with the unwind flag and popped it;
     * the FS:[0] chain is what it was before the call */
    CHECK_EQ_U(own_unwound, 1);
    CHECK_EQ_PTR(fs0(), chain);
#endif
}

/* ---- stability over many faults ----------------------------------------------------- */
struct heap_ctx { HANDLE heap; int raise; void *target; };
static void fn_alloc_then_fault(void *p)
{
    struct heap_ctx *h = p;
    int i;
    for (i = 0; i < 10; i++)
        ((volatile char *)HeapAlloc(h->heap, 0, 64 + i * 100))[0] = 1;
    if (h->raise)
        RaiseException(CUSTOM_CODE, 0, 0, NULL);
    *(volatile int *)h->target = 1;
}

static DWORD heap_count(void)
{
    return GetProcessHeaps(0, NULL);
}

static void test_guard_many_faults_no_leak(void)
{
    struct heap_ctx h;
    struct nm_fault_record rec;
    DWORD handles0 = 0, handles1 = 0, heaps0 = 0, heaps1;
    int i, k, wrong = 0;

    h.target = noaccess_page() + 0x400;
    for (i = 0; i < 2000; i++) {
        for (k = 0; k < 2; k++) {
            h.raise = k;
            h.heap = HeapCreate(0, 0, 0);
            if (!h.heap) { wrong++; continue; }
            if (nm_guard_call(fn_alloc_then_fault, &h, &rec) != NM_GUARD_FAULTED ||
                rec.code != (k ? CUSTOM_CODE : EXCEPTION_ACCESS_VIOLATION))
                wrong++;
            HeapDestroy(h.heap);
        }
        if (i == 9) {
            GetProcessHandleCount(GetCurrentProcess(), &handles0);
            heaps0 = heap_count();
        }
    }
    GetProcessHandleCount(GetCurrentProcess(), &handles1);
    heaps1 = heap_count();
    CHECK_EQ_U(wrong, 0);
    CHECK_EQ_U(handles1, handles0);
    CHECK_EQ_U(heaps1, heaps0);
}

/* ---- threads ------------------------------------------------------------------------ */
struct thr {
    struct tctx av, so, ok;
    struct nm_fault_record av_rec, so_rec, ok_rec;
    volatile int av_ret, so_ret, ok_ret;
    int loops;                      /* extra AVs, for the concurrent run */
    volatile int loops_caught;
};
static DWORD WINAPI thread_main(void *p)
{
    struct thr *t = p;
    int i;
    nm_guard_init();
    t->av_ret = nm_guard_call(fn_av_write, &t->av, &t->av_rec);
    t->so_ret = nm_guard_call(fn_overflow, &t->so, &t->so_rec);
    t->ok_ret = nm_guard_call(fn_ok, &t->ok, &t->ok_rec);
    for (i = 0; i < t->loops; i++) {
        struct nm_fault_record rec;
        if (nm_guard_call(fn_av_write, &t->av, &rec) == NM_GUARD_FAULTED &&
            rec.params[1] == (ULONG_PTR)t->av.target)
            t->loops_caught++;
    }
    return 0;
}
/* The main thread waits inside a guard of its own: the chains are per thread. */
struct spawn { struct thr *thr; int n; };
static void fn_spawn_and_wait(void *p)
{
    struct spawn *s = p;
    HANDLE h[8];
    int i;
    for (i = 0; i < s->n; i++)
        h[i] = CreateThread(NULL, 256 * 1024, thread_main, &s->thr[i],
                            STACK_SIZE_PARAM_IS_A_RESERVATION, NULL);
    WaitForMultipleObjects(s->n, h, TRUE, 60000);
    for (i = 0; i < s->n; i++)
        CloseHandle(h[i]);
}

static void test_guard_other_thread(void)
{
    struct thr t[4];
    struct spawn s = { t, 4 };
    struct nm_fault_record rec, clean;
    int i;

    memset(t, 0, sizeof(t));
    for (i = 0; i < 4; i++) {
        t[i].av.target = noaccess_page() + 0x800 + i * 16;
        t[i].loops = 200;
    }
    poison(&rec);
    poison(&clean);
    CHECK_EQ_U(nm_guard_call(fn_spawn_and_wait, &s, &rec), NM_GUARD_OK);
    CHECK(!memcmp(&rec, &clean, sizeof(rec)));
    for (i = 0; i < 4; i++) {
        CHECK_EQ_U(t[i].av_ret, NM_GUARD_FAULTED);
        CHECK_EQ_U(t[i].av_rec.params[0], 1);
        CHECK_EQ_U(t[i].av_rec.params[1], (ULONG_PTR)t[i].av.target);
        CHECK_EQ_U(t[i].so_ret, NM_GUARD_FAULTED);
        CHECK_EQ_U(t[i].so_rec.code, STATUS_STACK_OVERFLOW);
        CHECK_EQ_U(t[i].ok_ret, NM_GUARD_OK);
        CHECK_EQ_U(t[i].ok.ran, 1);
        CHECK_EQ_U(t[i].loops_caught, 200);
    }
}

/* A thread created with CreateThread(NULL, 0, ...), like an expert's Run thread
 * (expert.c): under Wine its only guard page sits right above the no-access bottom page,
 * so without the guard's stack reserve (guard.c nm_guard_stack_arm) the first overflow
 * leaves less than a page for the dispatch and Wine kills the thread, depending on
 * where the frames fall in that page. 512-byte frames as in tests/experts/stackoverflow.c
 * 2048-byte ones and 3584-byte ones touched at the bottom only; three overflows per thread, on 24 fresh threads whose stacks start
 * 152 bytes apart, so the frames meet the guard page at every place within a frame. */
static volatile int recurse512_stop;
static __attribute__((noinline)) int recurse512(struct tctx *c, int depth)
{
    volatile unsigned char pad[512];
    pad[depth % sizeof(pad)] = (unsigned char)depth;
    c->depth = depth;
    if (recurse512_stop) return depth;
    return recurse512(c, depth + 1) + pad[(depth * 7) % sizeof(pad)];  /* not a tail call */
}
static void fn_overflow512(void *p)
{
    struct tctx *c = p;
    c->ran = 1;
    c->value = recurse512(c, 1);
    c->after = 1;
}
/* Frames that touch only their lowest bytes: the stack pointer can step most of a page
 * into the guard page before the first touch, the worst case for the dispatch room. */
static __attribute__((noinline)) int recurse_low(struct tctx *c, int depth)
{
    volatile char buf[3584];
    buf[0] = (char)depth;
    c->depth = depth;
    if (recurse512_stop) return depth;
    return recurse_low(c, depth + 1) + buf[0];
}
static void fn_overflow_low(void *p)
{
    struct tctx *c = p;
    c->ran = 1;
    c->value = recurse_low(c, 1);
    c->after = 1;
}
struct so_thread { int shift; int caught, ok; };
static DWORD WINAPI so_thread_main(void *p)
{
    struct so_thread *t = p;
    /* Shift the starting stack offset so the frames meet the guard page at different
     * places within it. */
    volatile char *shift = _alloca(16 + t->shift);
    struct nm_fault_record rec;
    struct tctx c;
    int i;

    shift[0] = 0;
    for (i = 0; i < 3; i++) {
        memset(&c, 0, sizeof(c));
        if (nm_guard_call(i == 0 ? fn_overflow_low : i == 1 ? fn_overflow : fn_overflow512,
                          &c, &rec) == NM_GUARD_FAULTED &&
            rec.code == STATUS_STACK_OVERFLOW && c.after == 0 && c.depth > 50)
            t->caught++;
    }
    memset(&c, 0, sizeof(c));
    if (nm_guard_call(fn_ok, &c, &rec) == NM_GUARD_OK && c.ran == 1)
        t->ok = 1;
    return 0;
}
static void test_guard_thread_stack_overflow(void)
{
    struct so_thread t;
    HANDLE h;
    DWORD code;
    int i;

    for (i = 0; i < 24; i++) {
        memset(&t, 0, sizeof(t));
        t.shift = i * 152;
        h = CreateThread(NULL, 0, so_thread_main, &t, 0, NULL);
        CHECK(h != NULL);
        if (!h) continue;
        CHECK_EQ_U(WaitForSingleObject(h, 60000), WAIT_OBJECT_0);
        code = 0xdead;
        GetExitCodeThread(h, &code);
        CloseHandle(h);
        CHECK_MSG(code == 0, "thread %d: exit code %lu (killed by the overflow?)", i, code);
        CHECK_MSG(t.caught == 3, "thread %d: %d of 3 overflows caught", i, t.caught);
        CHECK_EQ_U(t.ok, 1);
    }
}

/* Frames of 4 KB and more are probed by libgcc's ___chkstk_ms, which has no unwind
 * data and pushes two registers first: there the overflow is raised, and on x86_64 the
 * guard must still find its way back (guard_x86_64.c unwind_to_guard). Three times, then
 * normal calls. */
static volatile int recurse_big_stop;
static __attribute__((noinline)) int recurse_big(struct tctx *c, int depth)
{
    volatile unsigned char pad[6000];
    pad[depth % sizeof(pad)] = (unsigned char)depth;
    c->depth = depth;
    if (recurse_big_stop) return depth;
    return recurse_big(c, depth + 1) + pad[(depth * 13) % sizeof(pad)];   /* no tail call */
}
static void fn_overflow_big(void *p)
{
    struct tctx *c = p;
    c->ran = 1;
    c->value = recurse_big(c, 1);
    c->after = 1;
}
static void test_guard_stack_overflow_big_frames(void)
{
    struct tctx c;
    struct nm_fault_record rec;
    int i;

    for (i = 0; i < 3; i++) {
        memset(&c, 0, sizeof(c));
        poison(&rec);
        CHECK_EQ_U(nm_guard_call(fn_overflow_big, &c, &rec), NM_GUARD_FAULTED);
        CHECK_EQ_U(c.after, 0);
        CHECK_EQ_U(rec.code, STATUS_STACK_OVERFLOW);
        CHECK_MSG(c.depth > 10, "overflow %d: recursion depth %d, expected > 10", i, c.depth);
    }
    memset(&c, 0, sizeof(c));
    CHECK_EQ_U(nm_guard_call(fn_ok, &c, &rec), NM_GUARD_OK);
    CHECK_EQ_U(c.ran, 1);
}

/* ---- descriptions ------------------------------------------------------------------ */
static void test_guard_exception_name(void)
{
    CHECK_STR(nm_guard_exception_name(EXCEPTION_ACCESS_VIOLATION), "EXCEPTION_ACCESS_VIOLATION");
    CHECK_STR(nm_guard_exception_name(EXCEPTION_IN_PAGE_ERROR), "EXCEPTION_IN_PAGE_ERROR");
    CHECK_STR(nm_guard_exception_name(EXCEPTION_INT_DIVIDE_BY_ZERO), "EXCEPTION_INT_DIVIDE_BY_ZERO");
    CHECK_STR(nm_guard_exception_name(EXCEPTION_ILLEGAL_INSTRUCTION), "EXCEPTION_ILLEGAL_INSTRUCTION");
    CHECK_STR(nm_guard_exception_name(EXCEPTION_PRIV_INSTRUCTION), "EXCEPTION_PRIV_INSTRUCTION");
    CHECK_STR(nm_guard_exception_name(EXCEPTION_BREAKPOINT), "EXCEPTION_BREAKPOINT");
    CHECK_STR(nm_guard_exception_name(EXCEPTION_FLT_DIVIDE_BY_ZERO), "EXCEPTION_FLT_DIVIDE_BY_ZERO");
    CHECK_STR(nm_guard_exception_name(EXCEPTION_FLT_INVALID_OPERATION), "EXCEPTION_FLT_INVALID_OPERATION");
    CHECK_STR(nm_guard_exception_name(STATUS_STACK_OVERFLOW), "STATUS_STACK_OVERFLOW");
    CHECK_STR(nm_guard_exception_name(0xC0000374), "STATUS_HEAP_CORRUPTION");
    CHECK_STR(nm_guard_exception_name(0xC0000409), "STATUS_STACK_BUFFER_OVERRUN");
    CHECK_EQ_PTR(nm_guard_exception_name(CUSTOM_CODE), NULL);
    CHECK_EQ_PTR(nm_guard_exception_name(0), NULL);
}

static void test_guard_module_of(void)
{
    char mod[MAX_PATH];
    ULONG_PTR off = 0;
    HMODULE exe = GetModuleHandleA(NULL), k32 = GetModuleHandleA("kernel32.dll");
    ULONG_PTR fn = (ULONG_PTR)fn_av_read, sleep = (ULONG_PTR)GetProcAddress(k32, "Sleep");

    nm_guard_module_of(fn, mod, sizeof(mod), &off);
    CHECK_STR(mod, "nmapi_tests.exe");
    CHECK_EQ_U(off, fn - (ULONG_PTR)exe);
    CHECK_MSG(off < image_size(exe), "offset %#lx, image size %#lx",
              (unsigned long)off, (unsigned long)image_size(exe));

    nm_guard_module_of(sleep, mod, sizeof(mod), &off);
    CHECK_MSG(!lstrcmpiA(mod, "kernel32.dll"), "Sleep is in \"%s\", expected kernel32.dll", mod);
    CHECK_EQ_U(off, sleep - (ULONG_PTR)k32);

    /* in no module: "?" and the address itself */
    nm_guard_module_of((ULONG_PTR)noaccess_page() + 5, mod, sizeof(mod), &off);
    CHECK_STR(mod, "?");
    CHECK_EQ_U(off, (ULONG_PTR)noaccess_page() + 5);

    /* truncated to the buffer, always terminated; NULL offset allowed */
    nm_guard_module_of(fn, mod, 4, NULL);
    CHECK_STR(mod, "nma");
}

static int init(void)
{
    nm_guard_init();
    nm_guard_init();                /* idempotent */
    return noaccess_page() ? 0 : -1;
}

static const struct nm_test tests[] = {
    NM_TEST(test_guard_no_fault),
    NM_TEST(test_guard_av_read),
    NM_TEST(test_guard_av_write),
    NM_TEST(test_guard_av_execute),
    NM_TEST(test_guard_int_divide_by_zero),
    NM_TEST(test_guard_illegal_instruction),
    NM_TEST(test_guard_privileged_instruction),
    NM_TEST(test_guard_breakpoint),
    NM_TEST(test_guard_raise_exception),
    NM_TEST(test_guard_debug_output_passes),
    NM_TEST(test_guard_stack_overflow_repeated),
    NM_TEST(test_guard_stack_overflow_big_frames),
    NM_TEST(test_guard_nested),
    NM_TEST(test_guard_inner_handled_not_seen),
    NM_TEST(test_guard_nested_stack_overflow),
    NM_TEST(test_guard_callee_handles_own),
    NM_TEST(test_guard_callee_handlers_first),
    NM_TEST(test_guard_many_faults_no_leak),
    NM_TEST(test_guard_other_thread),
    NM_TEST(test_guard_thread_stack_overflow),
    NM_TEST(test_guard_exception_name),
    NM_TEST(test_guard_module_of),
    NM_TEST_END
};
const struct nm_suite suite_guard = { "guard", init, NULL, tests };
