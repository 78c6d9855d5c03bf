/*
 * watchdog.c - stops a plug-in parser's entry point that never returns (watchdog.h).
 *
 * How a looping call is stopped. The watchdog suspends the thread, reads its context and,
 * only when the instruction pointer lies inside the parser DLL's own image, sets the trap
 * flag (EFLAGS.TF) in that context and resumes it. The thread executes one more instruction
 * of the parser and takes a single-step trap there: EXCEPTION_SINGLE_STEP, raised at the
 * parser's own instruction with its own registers, exactly like a hardware fault in its
 * code, which the fault guard around the call already catches on both arches (the table-
 * based unwind on x86_64 and the FS:[0] chain on i686 see an ordinary fault; the kernel /
 * Wine clear TF before any handler runs, so nothing of ours is single-stepped). The
 * alternative first considered, redirecting the thread to a function of ours that raises
 * an exception, has to fake a call frame on the parser's stack: on x86_64 the stack at an
 * arbitrary instruction of a leaf function is 8 bytes off the alignment a called function
 * needs, and no padding can be added without breaking the unwind back to the guard. The
 * trap needs no stack at all, and the fault address the report shows is in the loop.
 * Measured under Wine 8.0 (SuspendThread / Get/SetThreadContext of a thread in user code,
 * the trap delivered as 0x80000004 one instruction on): both arches.
 *
 * Why only inside the parser's image: a thread stopped elsewhere may be inside a system DLL
 * holding a heap or loader lock, or in our own code between two stores; raising an
 * exception there would leave the lock held or our state half written. It is resumed and
 * looked at again the next tick (a parser looping around calls into other DLLs spends
 * some of its time in its own code). So a parser blocked in a wait (Sleep, a lock) is not
 * interrupted. While a thread is suspended the watchdog calls nothing but Get/
 * SetThreadContext and ResumeThread: no heap, no trace, no loader (the suspended thread
 * may hold their locks).
 *
 * Races. Each thread that calls a parser owns one slot (its thread handle, opened once);
 * a call publishes its image range, then its sequence number (release);
 * it clears the number, then restores the enclosing call's, when the parser returns. The
 * watchdog reads the number, suspends the thread, and checks after GetThreadContext (which
 * waits until the thread really is stopped) that the same call is still running and that
 * the instruction pointer is in its image: a thread in the parser's image with that call's
 * number published can only be inside that call (our code between the stores is outside
 * the image). The slot of a thread that has ended is given back by the watchdog.
 */
#include <string.h>
#include "nmapi_private.h"
#include "watchdog.h"

#define TRAP_FLAG 0x100                /* EFLAGS.TF */
_Static_assert(NM_WATCHDOG_DEFAULT_MS == NMSHIM_PARSER_TIMEOUT_DEFAULT_MS, "one default");

struct nm_watch_slot {
    volatile LONG used;                /* 0 free, 2 being taken, 1 owned by a live thread */
    HANDLE thread;                     /* suspend/resume, get/set context, synchronize */
    LONG next;                         /* sequence numbers; written by the owner only */
    volatile LONG cur;                 /* the call running now; 0: none */
    volatile ULONG_PTR lo, hi;         /* its image */
    volatile LONG fired;               /* the call the watchdog interrupted */
    LONG seen;                         /* watchdog only: the call it saw running last */
    DWORD seen_at;                     /* watchdog only: the tick it first saw it */
};

static struct nm_watch_slot slots[NM_WATCHDOG_SLOTS];
static volatile LONG slots_hw;         /* slots ever taken (the watchdog's scan bound) */
static volatile LONG timeout_ms = NM_WATCHDOG_DEFAULT_MS;
static volatile LONG started;
static volatile LONG n_interrupted, n_left_alone;
/* The calling thread's slot: a TLS slot of its own rather than __thread, whose emulated TLS
 * (__emutls_get_address) was most of the watch's cost per call. Allocated by
 * nm_watchdog_start; until then no call is watched. A thread that found no free slot keeps
 * NO_SLOT there. */
static DWORD tls_index = TLS_OUT_OF_INDEXES;
#define NO_SLOT ((struct nm_watch_slot *)1)

void nm_watchdog_set_timeout(DWORD ms)
{
    InterlockedExchange(&timeout_ms, (LONG)(ms > 0x7fffffff ? 0x7fffffff : ms));
}

DWORD nm_watchdog_timeout(void) { return (DWORD)timeout_ms; }

void nm_watchdog_counts(LONG *interrupted, LONG *left_alone)
{
    if (interrupted) *interrupted = n_interrupted;
    if (left_alone) *left_alone = n_left_alone;
}

/* The calling thread's slot, taken on its first watched call. */
static struct nm_watch_slot *take_slot(void)
{
    LONG i;

    for (i = 0; i < NM_WATCHDOG_SLOTS; i++) {
        struct nm_watch_slot *s = &slots[i];
        HANDLE h;
        LONG hw;
        if (InterlockedCompareExchange(&s->used, 2, 0) != 0) continue;
        if (!DuplicateHandle(GetCurrentProcess(), GetCurrentThread(), GetCurrentProcess(), &h,
                             THREAD_SUSPEND_RESUME | THREAD_GET_CONTEXT | THREAD_SET_CONTEXT |
                             SYNCHRONIZE, FALSE, 0)) {
            InterlockedExchange(&s->used, 0);
            break;
        }
        s->thread = h;
        s->cur = 0;
        s->fired = 0;
        s->lo = s->hi = 0;
        while ((hw = slots_hw) <= i && InterlockedCompareExchange(&slots_hw, i + 1, hw) != hw) ;
        InterlockedExchange(&s->used, 1);
        TlsSetValue(tls_index, s);
        return s;
    }
    TlsSetValue(tls_index, NO_SLOT);   /* this thread's calls run unwatched */
    WARN("no watchdog slot for thread %lu: its parser calls are not bounded\n", GetCurrentThreadId());
    return NULL;
}

void nm_watch_begin(struct nm_watch *w, ULONG_PTR lo, ULONG_PTR hi)
{
    struct nm_watch_slot *s;

    w->slot = NULL;
    if (!lo || tls_index == TLS_OUT_OF_INDEXES) return;
    if (!(s = TlsGetValue(tls_index)) && !(s = take_slot())) return;
    if (s == NO_SLOT) return;
    w->slot = s;
    w->outer = s->cur;
    w->lo = s->lo;
    w->hi = s->hi;
    if (w->outer) __atomic_store_n(&s->cur, 0, __ATOMIC_RELEASE);
    s->lo = lo;
    s->hi = hi;
    if (++s->next <= 0) s->next = 1;   /* never 0 (none) */
    w->seq = s->next;
    __atomic_store_n(&s->cur, w->seq, __ATOMIC_RELEASE);
}

BOOL nm_watch_end(struct nm_watch *w)
{
    struct nm_watch_slot *s = w->slot;

    if (!s) return FALSE;
    __atomic_store_n(&s->cur, 0, __ATOMIC_RELEASE);
    if (w->outer) {
        /* The enclosing call's clock starts again (check_slot sees its number anew): the
         * time its callee took was the callee's, stopped or not (a parser that reached
         * another one is not blamed for the other's loop). */
        s->lo = w->lo;
        s->hi = w->hi;
        __atomic_store_n(&s->cur, w->outer, __ATOMIC_RELEASE);
    }
    return __atomic_load_n(&s->fired, __ATOMIC_ACQUIRE) == w->seq;
}

static ULONG_PTR context_ip(const CONTEXT *c)
{
#ifdef _WIN64
    return (ULONG_PTR)c->Rip;
#else
    return (ULONG_PTR)c->Eip;
#endif
}

/* One slot, one tick: interrupt its call if it is over the bound and in its image. The
 * watchdog times the calls itself, from the tick it first sees a call's number: the calls
 * take no clock (a GetTickCount per call was most of the watch's cost), and a call is
 * stopped between bound and bound + 2 ticks after it started. */
static void check_slot(struct nm_watch_slot *s, DWORD bound, DWORD now)
{
    CONTEXT c;
    LONG seq = __atomic_load_n(&s->cur, __ATOMIC_ACQUIRE);
    ULONG_PTR ip = 0, lo, hi;
    int hit = 0;

    if (!seq) return;
    if (seq != s->seen) {
        s->seen = seq;
        s->seen_at = now;
        return;
    }
    if (now - s->seen_at < bound) return;
    if (SuspendThread(s->thread) == (DWORD)-1) return;
    /* Nothing but these three calls until ResumeThread (see the top of the file). */
    memset(&c, 0, sizeof(c));
    c.ContextFlags = CONTEXT_CONTROL;
    if (GetThreadContext(s->thread, &c)) {
        ip = context_ip(&c);
        lo = s->lo;
        hi = s->hi;
        if (__atomic_load_n(&s->cur, __ATOMIC_ACQUIRE) == seq && ip >= lo && ip < hi) {
            c.ContextFlags = CONTEXT_CONTROL;
            c.EFlags |= TRAP_FLAG;
            __atomic_store_n(&s->fired, seq, __ATOMIC_RELEASE);
            if (SetThreadContext(s->thread, &c)) hit = 1;
            else __atomic_store_n(&s->fired, 0, __ATOMIC_RELEASE);
        }
    }
    ResumeThread(s->thread);
    if (hit) {
        /* Not again before another bound: the trap's dispatch takes a while and may run
         * the parser's own handlers (its image); a second trap there would hit them. A
         * parser that swallows the trap (a handler of its own taking everything) and loops
         * on is stopped again a bound later. */
        s->seen_at = now;
        InterlockedIncrement(&n_interrupted);
        TRACE("call %ld of a thread stopped at %p after %lu ms or more\n", seq, (void *)ip,
              GetTickCount() - s->seen_at);
    } else if (ip) {
        InterlockedIncrement(&n_left_alone);
    }
}

/* Gives back the slots of threads that have ended (their handles are signalled). */
static void reap(void)
{
    LONG i, n = slots_hw;

    for (i = 0; i < n; i++)
        if (slots[i].used == 1 && WaitForSingleObject(slots[i].thread, 0) == WAIT_OBJECT_0) {
            CloseHandle(slots[i].thread);
            slots[i].thread = NULL;
            InterlockedExchange(&slots[i].used, 0);
        }
}

/* The tick: a twentieth of the bound, 10 to 100 ms. */
static DWORD WINAPI watchdog_main(void *arg)
{
    DWORD since_reap = 0;

    (void)arg;
    for (;;) {
        DWORD bound = (DWORD)timeout_ms, tick = bound / 20;
        LONG i, n;
        DWORD now;
        if (tick < 10) tick = 10;
        if (tick > 100) tick = 100;
        Sleep(tick);
        if ((since_reap += tick) >= 1000) { reap(); since_reap = 0; }
        if (!bound) continue;
        n = slots_hw;
        now = GetTickCount();
        for (i = 0; i < n; i++)
            if (slots[i].used == 1) check_slot(&slots[i], bound, now);
    }
    return 0;
}

BOOL nm_watchdog_start(void)
{
    HMODULE self;
    HANDLE h;

    if (InterlockedCompareExchange(&started, 1, 0) != 0) return started == 1;
    if ((tls_index = TlsAlloc()) == TLS_OUT_OF_INDEXES) {
        WARN("no TLS slot: parser calls are not bounded\n");
        InterlockedExchange(&started, 2);
        return FALSE;
    }
    /* The thread runs our code until the process ends: keep this module mapped. */
    GetModuleHandleExA(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_PIN,
                       (LPCSTR)(void *)watchdog_main, &self);
    h = CreateThread(NULL, 64 * 1024, watchdog_main, NULL, STACK_SIZE_PARAM_IS_A_RESERVATION, NULL);
    if (!h) {
        WARN("no watchdog thread (error %lu): parser calls are not bounded\n", GetLastError());
        InterlockedExchange(&started, 2);
        return FALSE;
    }
    CloseHandle(h);
    TRACE("parser watchdog started, bound %ld ms\n", timeout_ms);
    return TRUE;
}
