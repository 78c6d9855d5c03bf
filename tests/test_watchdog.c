/*
 * test_watchdog.c - white-box suite "watchdog" (shim/watchdog.c): a watched call that loops
 * in the watched image is stopped by a single-step trap the guard catches, within the bound
 * plus a tick or two; one that waits in a system DLL past the bound is left alone and
 * returns; calls under the bound, and all calls with the bound off, are never touched;
 * nested calls (the inner one loops) and a looping call on another thread.
 * The image watched is this test exe's (nmapi_core is linked into it), so the loops live
 * here; the functions run under nm_guard_call only store into their ctx (guard.h).
 */
#include <string.h>
#include "test_util.h"
#include "guard.h"
#include "watchdog.h"

#define BOUND_MS   200
/* A loop the watchdog fails to stop still ends, after some seconds: the test then fails
 * instead of hanging the suite. */
#define SPIN_LIMIT (1ULL << 33)

struct wctx {
    volatile unsigned long long counter;
    volatile int ran, after;
    DWORD sleep_ms;
    ULONG_PTR lo, hi;                  /* the nested call's image */
    int inner_r, inner_stopped;
    DWORD inner_code;
};

static ULONG_PTR exe_lo, exe_hi;

static void exe_range(void)
{
    const BYTE *base = (const BYTE *)GetModuleHandleA(NULL);
    const IMAGE_NT_HEADERS *nt = (const IMAGE_NT_HEADERS *)(base + ((const IMAGE_DOS_HEADER *)base)->e_lfanew);

    exe_lo = (ULONG_PTR)base;
    exe_hi = exe_lo + nt->OptionalHeader.SizeOfImage;
}

static void fn_spin(void *p)
{
    struct wctx *c = p;
    c->ran = 1;
    while (c->counter < SPIN_LIMIT) c->counter++;
    c->after = 1;
}

static void fn_sleep(void *p)
{
    struct wctx *c = p;
    c->ran = 1;
    Sleep(c->sleep_ms);
    c->after = 1;
}

static void fn_short(void *p)
{
    struct wctx *c = p;
    c->ran = 1;
    while (c->counter < 1000) c->counter++;
    c->after = 1;
}

/* Outer call: runs an inner watched call that loops, then returns normally. */
static void fn_outer(void *p)
{
    struct wctx *c = p, inner;
    struct nm_fault_record rec;
    struct nm_watch w;

    memset(&inner, 0, sizeof(inner));
    c->ran = 1;
    nm_watch_begin(&w, c->lo, c->hi);
    c->inner_r = nm_guard_call(fn_spin, &inner, &rec);
    c->inner_stopped = nm_watch_end(&w);
    c->inner_code = c->inner_r == NM_GUARD_FAULTED ? rec.code : 0;
    c->after = 1;
}

/* One watched, guarded call: the guard's result; *stopped from nm_watch_end, *ms elapsed. */
static int watched(nm_guard_fn fn, struct wctx *c, struct nm_fault_record *rec, BOOL *stopped,
                   DWORD *ms)
{
    struct nm_watch w;
    DWORD t0 = GetTickCount();
    int r;

    memset(rec, 0xCD, sizeof(*rec));
    nm_watch_begin(&w, exe_lo, exe_hi);
    r = nm_guard_call(fn, c, rec);
    *stopped = nm_watch_end(&w);
    *ms = GetTickCount() - t0;
    return r;
}

static void test_watchdog_stops_loop(void)
{
    struct wctx c;
    struct nm_fault_record rec;
    BOOL stopped;
    DWORD ms;
    LONG before, after;
    int r;

    memset(&c, 0, sizeof(c));
    nm_watchdog_counts(&before, NULL);
    r = watched(fn_spin, &c, &rec, &stopped, &ms);
    nm_watchdog_counts(&after, NULL);
    CHECK_EQ_U(r, NM_GUARD_FAULTED);
    CHECK(stopped);
    CHECK_EQ_U(rec.code, EXCEPTION_SINGLE_STEP);
    CHECK(rec.address >= exe_lo && rec.address < exe_hi);     /* in the loop's image */
    CHECK(c.ran && !c.after);
    CHECK(c.counter > 0 && c.counter < SPIN_LIMIT);
    CHECK_MSG(ms >= BOUND_MS && ms < BOUND_MS + 1500, "stopped after %lu ms (bound %u)", ms, BOUND_MS);
    CHECK_EQ_U(after - before, 1);
    /* the thread goes on normally: no trap flag left set, next calls unaffected */
    memset(&c, 0, sizeof(c));
    r = watched(fn_short, &c, &rec, &stopped, &ms);
    CHECK_EQ_U(r, NM_GUARD_OK);
    CHECK(!stopped);
    CHECK(c.after);
}

static void test_watchdog_leaves_system_dll_alone(void)
{
    struct wctx c;
    struct nm_fault_record rec;
    BOOL stopped;
    DWORD ms;
    LONG int0, int1, left0, left1;
    int r;

    memset(&c, 0, sizeof(c));
    c.sleep_ms = 3 * BOUND_MS;
    nm_watchdog_counts(&int0, &left0);
    r = watched(fn_sleep, &c, &rec, &stopped, &ms);
    nm_watchdog_counts(&int1, &left1);
    CHECK_EQ_U(r, NM_GUARD_OK);
    CHECK(!stopped);
    CHECK(c.after);
    CHECK_MSG(ms >= c.sleep_ms - 20, "Sleep(%lu) returned after %lu ms", c.sleep_ms, ms);
    CHECK_EQ_U(int1 - int0, 0);
    CHECK_MSG(left1 > left0, "over the bound in Sleep: looked at %ld times", left1 - left0);
}

static void test_watchdog_short_calls_untouched(void)
{
    struct wctx c;
    struct nm_fault_record rec;
    LONG int0, int1;
    BOOL stopped;
    DWORD ms, t0 = GetTickCount();
    int i, bad = 0;

    nm_watchdog_counts(&int0, NULL);
    /* many calls over several ticks, none over the bound */
    for (i = 0; GetTickCount() - t0 < 3 * BOUND_MS / 2; i++) {
        memset(&c, 0, sizeof(c));
        if (watched(fn_short, &c, &rec, &stopped, &ms) != NM_GUARD_OK || stopped || !c.after) bad++;
    }
    nm_watchdog_counts(&int1, NULL);
    CHECK_EQ_U(bad, 0);
    CHECK(i > 100);
    CHECK_EQ_U(int1 - int0, 0);
}

static void test_watchdog_off(void)
{
    struct wctx c;
    struct nm_fault_record rec;
    BOOL stopped;
    DWORD ms;
    int r;

    memset(&c, 0, sizeof(c));
    c.sleep_ms = 0;
    nm_watchdog_set_timeout(0);
    /* a loop that ends by itself after about 3 bounds: never stopped */
    {
        struct nm_watch w;
        DWORD t0 = GetTickCount();
        nm_watch_begin(&w, exe_lo, exe_hi);
        while (GetTickCount() - t0 < 3 * BOUND_MS) c.counter++;
        stopped = nm_watch_end(&w);
    }
    CHECK(!stopped);
    nm_watchdog_set_timeout(BOUND_MS);
    CHECK_EQ_U(nm_watchdog_timeout(), BOUND_MS);
    /* and on again */
    memset(&c, 0, sizeof(c));
    r = watched(fn_spin, &c, &rec, &stopped, &ms);
    CHECK_EQ_U(r, NM_GUARD_FAULTED);
    CHECK(stopped);
}

static void test_watchdog_nested(void)
{
    struct wctx c;
    struct nm_fault_record rec;
    BOOL stopped;
    DWORD ms;
    int r;

    memset(&c, 0, sizeof(c));
    c.lo = exe_lo;
    c.hi = exe_hi;
    r = watched(fn_outer, &c, &rec, &stopped, &ms);
    CHECK_EQ_U(r, NM_GUARD_OK);           /* the outer call returned by itself */
    CHECK(!stopped);
    CHECK(c.after);
    CHECK_EQ_U(c.inner_r, NM_GUARD_FAULTED);
    CHECK(c.inner_stopped);
    CHECK_EQ_U(c.inner_code, EXCEPTION_SINGLE_STEP);
}

struct thread_result { int r; BOOL stopped; DWORD code, ms; };
static DWORD WINAPI thread_spin(void *p)
{
    struct thread_result *t = p;
    struct wctx c;
    struct nm_fault_record rec;

    memset(&c, 0, sizeof(c));
    t->r = watched(fn_spin, &c, &rec, &t->stopped, &t->ms);
    t->code = rec.code;
    return 0;
}

/* Two threads looping at once: each stopped, on its own slot. */
static void test_watchdog_threads(void)
{
    struct thread_result t[2];
    HANDLE h[2];
    int i;

    memset(t, 0, sizeof(t));
    for (i = 0; i < 2; i++) h[i] = CreateThread(NULL, 0, thread_spin, &t[i], 0, NULL);
    CHECK(h[0] && h[1]);
    CHECK_EQ_U(WaitForMultipleObjects(2, h, TRUE, 20000), WAIT_OBJECT_0);
    for (i = 0; i < 2; i++) {
        CloseHandle(h[i]);
        CHECK_EQ_U(t[i].r, NM_GUARD_FAULTED);
        CHECK(t[i].stopped);
        CHECK_EQ_U(t[i].code, EXCEPTION_SINGLE_STEP);
    }
}

/* Not watched: no image given. */
static void test_watchdog_no_image(void)
{
    struct nm_watch w;

    nm_watch_begin(&w, 0, 0);
    CHECK(w.slot == NULL);
    CHECK(!nm_watch_end(&w));
}

static int init(void)
{
    exe_range();
    nm_guard_init();
    nm_watchdog_set_timeout(BOUND_MS);
    return nm_watchdog_start() ? 0 : -1;
}

static int cleanup(void)
{
    nm_watchdog_set_timeout(NM_WATCHDOG_DEFAULT_MS);
    return 0;
}

static const struct nm_test tests[] = {
    NM_TEST(test_watchdog_stops_loop),
    NM_TEST(test_watchdog_leaves_system_dll_alone),
    NM_TEST(test_watchdog_short_calls_untouched),
    NM_TEST(test_watchdog_off),
    NM_TEST(test_watchdog_nested),
    NM_TEST(test_watchdog_threads),
    NM_TEST(test_watchdog_no_image),
    NM_TEST_END
};
const struct nm_suite suite_watchdog = { "watchdog", init, cleanup, tests };
