/*
 * test_instance.c - suite "instance" (shim/instance.c, white-box): keys are odd cookies,
 * never pointers; a slot's next key differs from its last; stale and forged keys are
 * rejected without touching anything; one HeapDestroy per instance end.
 */
#include <string.h>
#include "test_util.h"
#include "nmapi_private.h"
#include "guard.h"

#define SLOT_OF(k) (((ULONG_PTR)(k) >> 1) & 8191)
#define TAG_OF(k)  ((ULONG_PTR)(k) >> 14)
#define KEY_OF(slot, tag) ((HEXPERTKEY)(1 | ((ULONG_PTR)(slot) << 1) | ((ULONG_PTR)(tag) << 14)))

static int is_live(HEXPERTKEY k)
{
    NMSHIM_MEMSTATS st;
    return nm_instance_stats(k, &st) != NMERR_INVALID_EXPERT_HANDLE;
}

static void test_instance_keys_are_cookies(void)
{
    HEXPERTKEY a = NULL, b = NULL;

    CHECK_EQ_U(nm_instance_create(0, NULL, &a), NMERR_SUCCESS);
    CHECK_EQ_U(nm_instance_create(0, NULL, &b), NMERR_SUCCESS);
    CHECK(a && b && a != b);
    CHECK_EQ_U((ULONG_PTR)a & 1, 1);      /* odd: never a valid aligned pointer */
    CHECK(nm_instance_heap(a) != NULL && nm_instance_heap(a) != nm_instance_heap(b));
    nm_instance_end(a, NULL);
    nm_instance_end(b, NULL);
    CHECK_EQ_PTR(nm_instance_heap(a), NULL);
}

static void test_instance_stale_key_after_reuse(void)
{
    HEXPERTKEY keys[20000];
    unsigned i, clash = 0;

    /* More creates than slots: slots are reused, generations keep keys distinct. */
    for (i = 0; i < 20000; i++) {
        CHECK_EQ_U(nm_instance_create(0, NULL, &keys[i]), NMERR_SUCCESS);
        nm_instance_end(keys[i], NULL);
    }
    for (i = 0; i < 20000; i++) {
        NMSHIM_MEMSTATS st;
        if (nm_instance_stats(keys[i], &st) != NMERR_INVALID_EXPERT_HANDLE) clash++;
        if (i && keys[i] == keys[i - 1]) clash++;
    }
    CHECK_EQ_U(clash, 0);
}

static void test_instance_stop_and_end(void)
{
    HEXPERTKEY k = NULL;
    void *p = NULL;
    const char *why = NULL;
    NMSHIM_MEMSTATS st;

    nm_instance_create(0, NULL, &k);
    CHECK_EQ_U(nm_instance_alloc(k, 10, &p, &why), NMERR_SUCCESS);
    CHECK_EQ_U(nm_instance_stop(k), NMERR_SUCCESS);
    CHECK_EQ_U(nm_instance_alloc(k, 10, &p, &why), NMERR_EXPERT_TERMINATE);
    CHECK_EQ_PTR(p, NULL);
    CHECK(why != NULL);
    CHECK_EQ_U(nm_instance_end(k, &st), NMERR_SUCCESS);
    CHECK_EQ_U(st.leaked_blocks, 1);
    CHECK_EQ_U(nm_instance_end(k, &st), NMERR_INVALID_EXPERT_HANDLE);
    CHECK_EQ_U(nm_instance_stop(k), NMERR_INVALID_EXPERT_HANDLE);
}

/* issue 9 §3: from one live key, the obvious guesses at another live key (neighbouring
 * slots, generations +-1 and +-2, small xor variations of the tag) all fail. Before, the
 * tag was base ^ slot, then +1 per reuse: both were guessable from one key, so nearly
 * every guess at a live neighbour hit.
 * The tag is a keyed permutation: on x86_64 (50 bits) no guess may hit. On i686 it has 18
 * bits, so each of the ~12,000 guesses at a live slot is a blind one with odds 2^-18:
 * about 0.05 chance hits per run. Up to 3 are chance (odds of 4 or more: 3e-7 a run); a
 * guessable scheme gives hundreds. */
static void test_instance_forged_neighbours(void)
{
    enum { N = 32 };
    HEXPERTKEY keys[N];
    static const long dtag[] = { 0, 1, -1, 2, -2 };
    static const ULONG_PTR xtag[] = { 0, 1, 2, 3, 4, 8, 16, 0x100, 0x1000 };
    const unsigned chance = sizeof(void *) == 8 ? 0u : 3u;
    unsigned i, ds, t, x, hits = 0, guesses = 0;

    for (i = 0; i < N; i++) CHECK_EQ_U(nm_instance_create(0, NULL, &keys[i]), NMERR_SUCCESS);
    for (i = 0; i < N; i++) {
        ULONG_PTR slot = SLOT_OF(keys[i]), tag = TAG_OF(keys[i]);
        for (ds = 0; ds < 9; ds++) {
            ULONG_PTR s2 = slot + ds - 4;
            /* the old scheme: the slot's own tag with the slot xored in */
            if (ds != 4) {
                guesses++;
                if (is_live(KEY_OF(s2, tag ^ slot ^ s2))) hits++;
            }
            for (t = 0; t < 5; t++) {
                for (x = 0; x < 9; x++) {
                    HEXPERTKEY g = KEY_OF(s2, ((tag + dtag[t]) ^ xtag[x]) &
                                          (((ULONG_PTR)-1) >> 14));
                    if (g == keys[i]) continue;
                    guesses++;
                    if (is_live(g)) hits++;
                }
            }
        }
    }
    CHECK(guesses > 10000);
    CHECK_MSG(hits <= chance, "%u of %u guesses from a live key named another live key "
              "(chance allows %u)", hits, guesses, chance);
    for (i = 0; i < N; i++) nm_instance_end(keys[i], NULL);
}

/* Random key values never name a live instance (issue 12, keys and isolation): 10,000,000
 * values, both widths (32-bit values zero-extended, and full 64-bit ones on x86_64), against
 * 3 live keys. On x86_64 a hit has odds of about 2^-60 per value: none may happen. On i686
 * the key is the pointer's 32 bits (odd: 31), so blind guessing hits one of n live keys with
 * odds n / 2^31 per value: 0.014 expected hits in this run; two would be 200x the odds. */
static void test_instance_random_keys_never_match(void)
{
    HEXPERTKEY keys[3];
    uint64_t x = 0x9e3779b97f4a7c15ull ^ GetTickCount();
    unsigned i, hits = 0, k;

    for (k = 0; k < 3; k++) CHECK_EQ_U(nm_instance_create(0, NULL, &keys[k]), NMERR_SUCCESS);
    for (i = 0; i < 10000000; i++) {
        ULONG_PTR v;
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;            /* xorshift64 */
        v = (i & 1) ? (ULONG_PTR)(uint32_t)x : (ULONG_PTR)x;   /* both widths */
        /* the size of NULL on a matched key would count a bad call there */
        if (nm_instance_size((HEXPERTKEY)v, NULL) != 0) hits++;
    }
    for (k = 0; k < 3; k++) {
        NMSHIM_MEMSTATS st;
        CHECK_EQ_U(nm_instance_stats(keys[k], &st), NMERR_SUCCESS);
        hits += (unsigned)st.bad_calls;
        nm_instance_end(keys[k], NULL);
    }
    CHECK_MSG(hits <= (sizeof(void *) == 8 ? 0u : 1u),
              "%u of 10,000,000 random key values named a live instance", hits);
}

/* Successive keys of one slot: never equal, and not +-1/+-2/xor-1 apart (the old
 * generation step). 2 * 8192 + 64 create/end cycles reuse every slot at least twice. */
static void test_instance_generations_unguessable(void)
{
    static ULONG_PTR last[8192];
    unsigned i, same = 0, nclose = 0, pairs = 0;

    memset(last, 0, sizeof(last));
    for (i = 0; i < 2 * 8192 + 64; i++) {
        HEXPERTKEY k = NULL;
        ULONG_PTR s, d;
        CHECK_EQ_U(nm_instance_create(0, NULL, &k), NMERR_SUCCESS);
        s = SLOT_OF(k);
        if (last[s]) {
            pairs++;
            d = TAG_OF(k) - TAG_OF(last[s]);
            if ((ULONG_PTR)k == last[s]) same++;
            if (d + 2 <= 4 || (TAG_OF(k) ^ TAG_OF(last[s])) <= 3) nclose++;
        }
        last[s] = (ULONG_PTR)k;
        nm_instance_end(k, NULL);
    }
    CHECK(pairs > 8192);
    CHECK_EQ_U(same, 0);
    /* i686: 18-bit tags, about 7 close values in 2^18 per pair, 0.22 expected by chance;
     * 5 or more has odds of 2e-5 a run. x86_64: none. */
    CHECK_MSG(nclose <= (sizeof(void *) == 8 ? 0u : 4u),
              "%u of %u successive keys of a slot within +-2 or xor 3", nclose, pairs);
}

/* issue 9 §3: the host's config block is known by its identity, not its address. The
 * expert frees it, its next block of that size comes from the free-block cache at the
 * same address, and that block, leaked, counts as a leak. */
static void test_instance_host_block_reused(void)
{
    HEXPERTKEY k = NULL;
    void *host = NULL, *mine = NULL, *kept = NULL;
    const char *why = NULL;
    char data[100];
    NMSHIM_MEMSTATS st;

    memset(data, 7, sizeof(data));
    CHECK_EQ_U(nm_instance_create(0, NULL, &k), NMERR_SUCCESS);
    CHECK_EQ_U(nm_instance_copy_in(k, data, sizeof(data), &host), NMERR_SUCCESS);
    CHECK_EQ_U(nm_instance_alloc(k, 10, &kept, &why), NMERR_SUCCESS);
    CHECK_EQ_U(nm_instance_free(k, host, &why), NMERR_SUCCESS);
    CHECK_EQ_U(nm_instance_alloc(k, sizeof(data), &mine, &why), NMERR_SUCCESS);
    CHECK_EQ_PTR(mine, host);                   /* the case: same address, other block */
    CHECK_EQ_U(nm_instance_end(k, &st), NMERR_SUCCESS);
    CHECK_EQ_U(st.leaked_blocks, 2);
    CHECK_EQ_U(st.leaked_bytes, 10 + sizeof(data));

    /* Still discounted while it is the host's block. */
    CHECK_EQ_U(nm_instance_create(0, NULL, &k), NMERR_SUCCESS);
    CHECK_EQ_U(nm_instance_copy_in(k, data, sizeof(data), &host), NMERR_SUCCESS);
    CHECK_EQ_U(nm_instance_end(k, &st), NMERR_SUCCESS);
    CHECK_EQ_U(st.leaked_blocks, 0);
    /* Realloc'ed by the expert: its own from then on. */
    CHECK_EQ_U(nm_instance_create(0, NULL, &k), NMERR_SUCCESS);
    CHECK_EQ_U(nm_instance_copy_in(k, data, sizeof(data), &host), NMERR_SUCCESS);
    CHECK_EQ_U(nm_instance_realloc(k, host, 50, &mine, &why), NMERR_SUCCESS);
    CHECK_EQ_U(nm_instance_end(k, &st), NMERR_SUCCESS);
    CHECK_EQ_U(st.leaked_blocks, 1);
}

/* ---- locks never left held (issue 9 §2, instance.c "Locks") ------------------------ */

struct holder { HEXPERTKEY key; HANDLE release; int faulting; };

static void enter_and_fault(void *arg)
{
    struct holder *h = arg;
    struct nm_instance *inst;

    if (nm_instance_enter(h->key, FALSE, &inst, NULL)) return;
    *(volatile int *)h->release = 0;         /* never: h->release is NULL: an AV */
}

/* A fault while the lock is held (as in HeapAlloc on a corrupted heap) unwinds to the
 * guard of the same thread: the lock is taken over there, the instance poisoned, and
 * ended once, instead of spinning forever. */
static void test_instance_lock_left_by_fault(void)
{
    struct holder h = { NULL, NULL, 1 };
    struct nm_fault_record rec;
    NMSHIM_MEMSTATS st;
    void *p = (void *)1;
    const char *why = NULL;
    DWORD t0;

    CHECK_EQ_U(nm_instance_create(0, NULL, &h.key), NMERR_SUCCESS);
    CHECK_EQ_U(nm_instance_alloc(h.key, 10, &p, &why), NMERR_SUCCESS);
    CHECK_EQ_U(nm_guard_call(enter_and_fault, &h, &rec), NM_GUARD_FAULTED);
    CHECK_EQ_U(rec.code, EXCEPTION_ACCESS_VIOLATION);
    t0 = GetTickCount();
    CHECK_EQ_U(nm_instance_alloc(h.key, 10, &p, &why), NMERR_INTERNAL_EXCEPTION);
    CHECK_EQ_PTR(p, NULL);
    CHECK_EQ_U(nm_instance_size(h.key, p), 0);
    CHECK_EQ_U(nm_instance_end(h.key, &st), NMERR_INTERNAL_EXCEPTION);   /* ended, poisoned */
    CHECK(GetTickCount() - t0 < 2000);
    CHECK_EQ_U(st.leaked_blocks, 1);
    CHECK_EQ_U(st.last_bad_error, NMERR_INTERNAL_EXCEPTION);
    CHECK(strstr(st.last_bad_reason, "poisoned") != NULL);
    CHECK_EQ_U(nm_instance_end(h.key, &st), NMERR_INVALID_EXPERT_HANDLE);   /* once */
    CHECK(!is_live(h.key));
}

static DWORD WINAPI hold_then_die(void *arg)
{
    struct holder *h = arg;
    struct nm_instance *inst;

    if (nm_instance_enter(h->key, FALSE, &inst, NULL)) return 1;
    if (h->release) {                       /* hold until told, then leave normally */
        WaitForSingleObject(h->release, INFINITE);
        nm_instance_leave(inst);
        return 0;
    }
    ExitThread(0);                          /* dies holding it (as TerminateThread would) */
}

/* A thread that dies holding the lock: the next caller finds it dead, takes the lock
 * over and gets NMERR_INTERNAL_EXCEPTION; ending the instance works. */
static void test_instance_lock_left_by_dead_thread(void)
{
    struct holder h = { NULL, NULL, 0 };
    HANDLE t;
    void *p = (void *)1;
    const char *why = NULL;
    NMSHIM_MEMSTATS st;
    DWORD t0;

    CHECK_EQ_U(nm_instance_create(0, NULL, &h.key), NMERR_SUCCESS);
    t = CreateThread(NULL, 0, hold_then_die, &h, 0, NULL);
    CHECK(t != NULL);
    if (!t) return;
    WaitForSingleObject(t, INFINITE);
    t0 = GetTickCount();
    CHECK_EQ_U(nm_instance_alloc(h.key, 10, &p, &why), NMERR_INTERNAL_EXCEPTION);
    CHECK(GetTickCount() - t0 < 5000);
    CHECK_EQ_U(nm_instance_free(h.key, NULL, &why), NMERR_INTERNAL_EXCEPTION);
    CHECK_EQ_U(nm_instance_end(h.key, &st), NMERR_INTERNAL_EXCEPTION);
    CHECK(strstr(st.last_bad_reason, "died") != NULL);
    CloseHandle(t);
}

/* Stop never waits on the lock, statistics wait a bounded time; a live holder that
 * leaves normally poisons nothing. */
static void test_instance_stop_does_not_wait(void)
{
    struct holder h = { NULL, NULL, 0 };
    HANDLE t;
    NMSHIM_MEMSTATS st;
    void *p = (void *)1;
    const char *why = NULL;
    DWORD t0;

    CHECK_EQ_U(nm_instance_create(0, NULL, &h.key), NMERR_SUCCESS);
    h.release = CreateEventA(NULL, TRUE, FALSE, NULL);
    t = CreateThread(NULL, 0, hold_then_die, &h, 0, NULL);
    CHECK(t != NULL);
    if (!t) return;
    Sleep(50);                              /* the thread holds the lock now */
    t0 = GetTickCount();
    CHECK_EQ_U(nm_instance_stop(h.key), NMERR_SUCCESS);
    CHECK(GetTickCount() - t0 < 50);
    t0 = GetTickCount();
    CHECK_EQ_U(nm_instance_stats(h.key, &st), NMERR_LOCKED);
    CHECK(GetTickCount() - t0 < 2000);
    SetEvent(h.release);
    WaitForSingleObject(t, INFINITE);
    CHECK_EQ_U(nm_instance_alloc(h.key, 10, &p, &why), NMERR_EXPERT_TERMINATE);
    CHECK_EQ_U(nm_instance_stats(h.key, &st), NMERR_SUCCESS);
    CHECK_EQ_U(st.bad_calls, 0);            /* not poisoned */
    CHECK_EQ_U(nm_instance_end(h.key, NULL), NMERR_SUCCESS);
    CloseHandle(t);
    CloseHandle(h.release);
}

struct deep { HEXPERTKEY key; unsigned depth; };

static volatile int never;          /* hides the unbounded recursion from GCC */

static unsigned recurse_alloc(struct deep *d, unsigned depth)
{
    volatile char pad[64];
    void *p = NULL;
    const char *why;

    if (never) return depth;
    pad[depth % 64] = (char)depth;
    d->depth = depth;
    nm_instance_alloc(d->key, 16, &p, &why);      /* a heap call at every level */
    return recurse_alloc(d, depth + 1) + pad[(depth * 7) % 64] + (p != NULL);
}

static void deep_fn(void *arg)
{
    struct deep *d = arg;
    if (recurse_alloc(d, 0) == 12345) d->depth = 0;   /* never returns */
}

struct deep_run { struct deep d; struct nm_fault_record rec; int r; };

static DWORD WINAPI deep_thread(void *arg)
{
    struct deep_run *x = arg;
    x->r = nm_guard_call(deep_fn, &x->d, &x->rec);
    return 0;
}

/* issue 9 §2: a recursion that calls the API at every level overflows in the stack
 * check before the instance lock, never inside the heap call with the lock held: the
 * instance is not poisoned and ends normally. (On a 256 KiB thread: the exact check.) */
static void test_instance_overflow_before_lock(void)
{
    struct deep_run x;
    NMSHIM_MEMSTATS st;
    HANDLE t;

    memset(&x, 0, sizeof(x));
    CHECK_EQ_U(nm_instance_create(0, NULL, &x.d.key), NMERR_SUCCESS);
    t = CreateThread(NULL, 256 * 1024, deep_thread, &x, STACK_SIZE_PARAM_IS_A_RESERVATION, NULL);
    CHECK(t != NULL);
    if (!t) return;
    CHECK_EQ_U(WaitForSingleObject(t, 30000), WAIT_OBJECT_0);
    CloseHandle(t);
    CHECK_EQ_U(x.r, NM_GUARD_FAULTED);
    CHECK_EQ_U(x.rec.code, STATUS_STACK_OVERFLOW);
    CHECK(x.d.depth > 100);
    CHECK_EQ_U(nm_instance_end(x.d.key, &st), NMERR_SUCCESS);   /* not poisoned */
    CHECK_EQ_U(st.bad_calls, 0);
    CHECK(st.leaked_blocks > 100);
}

/* ---- fault injection (issue 14 §2, instance.c "fault injection") ------------------- */

/* --fail-alloc 2: the second counted call fails as a real shortage does (NULL,
 * NMERR_OUT_OF_MEMORY), counted as injected, not in stats.failed; bad input keeps its
 * own error and is not counted; the host's config copy is not an expert's call. */
static void test_instance_fail_nth(void)
{
    HEXPERTKEY k = NULL;
    void *a = NULL, *b = (void *)1, *c = NULL, *host = NULL, *q = (void *)1;
    const char *why = NULL;
    struct nm_injected inj;
    NMSHIM_MEMSTATS st;
    char data[40] = { 0 };

    CHECK_EQ_U(nm_instance_create(0, NULL, &k), NMERR_SUCCESS);
    CHECK_EQ_U(nm_instance_inject(k, 2, 0), NMERR_SUCCESS);
    CHECK_EQ_U(nm_instance_copy_in(k, data, sizeof(data), &host), NMERR_SUCCESS);
    CHECK_EQ_U(nm_instance_alloc(k, 10, &a, &why), NMERR_SUCCESS);          /* call 1 */
    CHECK_EQ_U(nm_instance_realloc(k, data, 20, &q, &why), NMERR_INVALID_PARAMETER);
    CHECK_EQ_PTR(q, NULL);                                   /* bad input: not counted */
    CHECK_EQ_U(nm_instance_alloc(k, 10, &b, &why), NMERR_OUT_OF_MEMORY);    /* call 2 */
    CHECK_EQ_PTR(b, NULL);
    CHECK(why && strstr(why, "injected"));
    CHECK_EQ_U(nm_instance_alloc(k, 10, &c, &why), NMERR_SUCCESS);          /* call 3 */
    CHECK_EQ_U(nm_instance_injected(k, &inj), NMERR_SUCCESS);
    CHECK_EQ_U(inj.calls, 3);
    CHECK_EQ_U(inj.failures, 1);
    CHECK_EQ_U(nm_instance_stats(k, &st), NMERR_SUCCESS);
    CHECK_EQ_U(st.failed, 0);                   /* a real failure it was not */
    CHECK_EQ_U(st.allocs, 2);
    CHECK_EQ_U(st.bad_calls, 1);
    /* A stopped key answers NMERR_EXPERT_TERMINATE, uncounted. */
    CHECK_EQ_U(nm_instance_stop(k), NMERR_SUCCESS);
    CHECK_EQ_U(nm_instance_alloc(k, 10, &b, &why), NMERR_EXPERT_TERMINATE);
    memset(&inj, 0xcc, sizeof(inj));
    CHECK_EQ_U(nm_instance_end_injected(k, &st, &inj), NMERR_SUCCESS);
    CHECK_EQ_U(inj.calls, 3);
    CHECK_EQ_U(inj.failures, 1);
    CHECK_EQ_U(st.leaked_blocks, 2);            /* a and c; the host's block is not a leak */
    CHECK_EQ_U(nm_instance_injected(k, &inj), NMERR_INVALID_EXPERT_HANDLE);
}

/* --fail-alloc-every 3: calls 3, 6, 9 fail, reallocs included; a realloc that fails
 * keeps its block, size and contents untouched (the real failure path). With --fail-alloc
 * too, both apply. */
static void test_instance_fail_every(void)
{
    HEXPERTKEY k = NULL;
    void *p = NULL, *q = (void *)1, *r = NULL;
    const char *why = NULL;
    struct nm_injected inj;
    unsigned i, failed = 0;

    CHECK_EQ_U(nm_instance_create(0, NULL, &k), NMERR_SUCCESS);
    CHECK_EQ_U(nm_instance_inject(k, 0, 3), NMERR_SUCCESS);
    CHECK_EQ_U(nm_instance_alloc(k, 32, &p, &why), NMERR_SUCCESS);          /* 1 */
    memset(p, 0x5a, 32);
    CHECK_EQ_U(nm_instance_realloc(k, p, 64, &q, &why), NMERR_SUCCESS);     /* 2 */
    p = q;
    CHECK_EQ_U(nm_instance_realloc(k, p, 4000, &q, &why), NMERR_OUT_OF_MEMORY);  /* 3 */
    CHECK_EQ_PTR(q, NULL);
    CHECK_EQ_U(nm_instance_block_size(k, p), 64);           /* still live, same size */
    CHECK_EQ_U(((unsigned char *)p)[31], 0x5a);
    CHECK_EQ_U(nm_instance_free(k, p, &why), NMERR_SUCCESS);   /* free is never counted */
    for (i = 4; i <= 9; i++) {
        r = NULL;
        if (nm_instance_alloc(k, 8, &r, &why) == NMERR_OUT_OF_MEMORY) {
            CHECK_MSG(i % 3 == 0, "call %u failed", i);
            failed++;
        } else {
            CHECK_MSG(i % 3 != 0, "call %u did not fail", i);
            nm_instance_free(k, r, &why);
        }
    }
    CHECK_EQ_U(failed, 2);
    CHECK_EQ_U(nm_instance_end_injected(k, NULL, &inj), NMERR_SUCCESS);
    CHECK_EQ_U(inj.calls, 9);
    CHECK_EQ_U(inj.failures, 3);

    /* Both: call 1 (the Nth) and every 2nd. */
    CHECK_EQ_U(nm_instance_create(0, NULL, &k), NMERR_SUCCESS);
    CHECK_EQ_U(nm_instance_inject(k, 1, 2), NMERR_SUCCESS);
    for (failed = 0, i = 1; i <= 6; i++) {
        if (nm_instance_alloc(k, 8, &r, &why) == NMERR_OUT_OF_MEMORY) failed++;
    }
    CHECK_EQ_U(nm_instance_end_injected(k, NULL, &inj), NMERR_SUCCESS);
    CHECK_EQ_U(failed, 4);                      /* 1, 2, 4, 6 */
    CHECK_EQ_U(inj.failures, 4);
    CHECK_EQ_U(inj.calls, 6);
}

/* Off (the default, and a new instance in a slot that had it on): nothing counted,
 * nothing fails. */
static void test_instance_inject_off(void)
{
    HEXPERTKEY k = NULL;
    void *p = NULL;
    const char *why = NULL;
    struct nm_injected inj;
    unsigned i;

    CHECK_EQ_U(nm_instance_create(0, NULL, &k), NMERR_SUCCESS);
    CHECK_EQ_U(nm_instance_inject(k, 1, 1), NMERR_SUCCESS);
    CHECK_EQ_U(nm_instance_inject(k, 0, 0), NMERR_SUCCESS);
    for (i = 0; i < 5; i++) {
        CHECK_EQ_U(nm_instance_alloc(k, 8, &p, &why), NMERR_SUCCESS);
        nm_instance_free(k, p, &why);
    }
    CHECK_EQ_U(nm_instance_injected(k, &inj), NMERR_SUCCESS);
    CHECK_EQ_U(inj.calls, 0);
    CHECK_EQ_U(inj.failures, 0);
    nm_instance_end(k, NULL);
    CHECK_EQ_U(nm_instance_inject((HEXPERTKEY)(ULONG_PTR)3, 1, 0), NMERR_INVALID_EXPERT_HANDLE);
}

static const struct nm_test tests[] = {
    NM_TEST(test_instance_keys_are_cookies),
    NM_TEST(test_instance_stale_key_after_reuse),
    NM_TEST(test_instance_stop_and_end),
    NM_TEST(test_instance_forged_neighbours),
    NM_TEST(test_instance_random_keys_never_match),
    NM_TEST(test_instance_generations_unguessable),
    NM_TEST(test_instance_host_block_reused),
    NM_TEST(test_instance_lock_left_by_fault),
    NM_TEST(test_instance_lock_left_by_dead_thread),
    NM_TEST(test_instance_stop_does_not_wait),
    NM_TEST(test_instance_overflow_before_lock),
    NM_TEST(test_instance_fail_nth),
    NM_TEST(test_instance_fail_every),
    NM_TEST(test_instance_inject_off),
    NM_TEST_END
};
const struct nm_suite suite_instance = { "instance", NULL, NULL, tests };
