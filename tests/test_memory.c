/*
 * test_memory.c - suite "memory" (shim/memory.c, through nmapi.dll): one test per row
 * of docs/design.md's behaviour table, sizes, contents, bad keys, threads, and the end of an
 * instance. Out-parameters are poisoned before each call; result and out-parameter are
 * both checked, and the statistics afterwards.
 */
#include <stdlib.h>
#include <string.h>
#include "test_util.h"

#define ALIGN (sizeof(void *) == 8 ? 16 : 8)

static int init(void) { return nm_load_nmapi(); }

static HEXPERTKEY new_key(SIZE_T quota)
{
    HEXPERTKEY key = NULL;
    CHECK_EQ_U(nm.NmShimCreateInstance(quota, &key), NMERR_SUCCESS);
    return key;
}

static NMSHIM_MEMSTATS stats_of(HEXPERTKEY key)
{
    NMSHIM_MEMSTATS st;
    memset(&st, 0xcc, sizeof(st));
    CHECK_EQ_U(nm.NmShimGetInstanceStats(key, &st), NMERR_SUCCESS);
    return st;
}

static int all_zero(const unsigned char *p, size_t n)
{
    while (n--) if (*p++) return 0;
    return 1;
}

static void test_memory_alloc_ok(void)
{
    HEXPERTKEY key = new_key(0);
    DWORD err = ERR_POISON;
    unsigned char *p = nm.ExpertAllocMemory(key, 100, &err);

    CHECK(p != NULL);
    CHECK_EQ_U(err, NMERR_SUCCESS);
    CHECK_EQ_U((ULONG_PTR)p % ALIGN, 0);
    CHECK(p && all_zero(p, 100));
    CHECK_EQ_U(nm.ExpertMemorySize(key, p), 100);
    NMSHIM_MEMSTATS st = stats_of(key);
    CHECK_EQ_U(st.allocs, 1);
    CHECK_EQ_U(st.live_blocks, 1);
    CHECK_EQ_U(st.live_bytes, 100);
    CHECK_EQ_U(nm.ExpertFreeMemory(key, p), NMERR_SUCCESS);
    CHECK_EQ_U(nm.NmShimEndInstance(key, &st), NMERR_SUCCESS);
    CHECK_EQ_U(st.leaked_blocks, 0);
    CHECK_EQ_U(st.frees, 1);
}

static void test_memory_alloc_zero(void)
{
    HEXPERTKEY key = new_key(0);
    DWORD err = ERR_POISON, err2 = ERR_POISON;
    void *a = nm.ExpertAllocMemory(key, 0, &err), *b = nm.ExpertAllocMemory(key, 0, &err2);

    /* Ours: like malloc(0) on Windows, a unique minimal block of size 0. */
    CHECK(a != NULL && b != NULL && a != b);
    CHECK_EQ_U(err, NMERR_SUCCESS);
    CHECK_EQ_U(err2, NMERR_SUCCESS);
    CHECK_EQ_U(nm.ExpertMemorySize(key, a), 0);
    CHECK_EQ_U(nm.ExpertFreeMemory(key, a), NMERR_SUCCESS);
    CHECK_EQ_U(nm.ExpertFreeMemory(key, b), NMERR_SUCCESS);
    nm.NmShimEndInstance(key, NULL);
}

static void test_memory_alloc_absurd_size(void)
{
    HEXPERTKEY key = new_key(0);
    SIZE_T sizes[] = { (SIZE_T)-1, (SIZE_T)-1 / 2, (SIZE_T)-4096 };
    size_t i;

    for (i = 0; i < 3; i++) {
        DWORD err = ERR_POISON;
        CHECK_EQ_PTR(nm.ExpertAllocMemory(key, sizes[i], &err), NULL);
        CHECK_EQ_U(err, NMERR_OUT_OF_MEMORY);
    }
    NMSHIM_MEMSTATS st = stats_of(key);
    CHECK_EQ_U(st.failed, 3);
    CHECK_EQ_U(st.live_blocks, 0);
    CHECK_EQ_U(st.allocs, 0);
    nm.NmShimEndInstance(key, NULL);
}

static void test_memory_quota(void)
{
    HEXPERTKEY key = new_key(1000);
    DWORD err = ERR_POISON;
    void *a = nm.ExpertAllocMemory(key, 600, &err), *b, *c;

    CHECK(a != NULL);
    err = ERR_POISON;
    b = nm.ExpertAllocMemory(key, 600, &err);
    CHECK_EQ_PTR(b, NULL);
    CHECK_EQ_U(err, NMERR_OUT_OF_MEMORY);
    err = ERR_POISON;
    CHECK_EQ_PTR(nm.ExpertReallocMemory(key, a, 1001, &err), NULL);
    CHECK_EQ_U(err, NMERR_OUT_OF_MEMORY);
    CHECK_EQ_U(nm.ExpertMemorySize(key, a), 600);          /* untouched */
    /* 600 + 200 requested fit 1000 with their bookkeeping (instance.c "quota") */
    c = nm.ExpertAllocMemory(key, 200, &err);
    CHECK(c != NULL);
    CHECK_EQ_U(nm.ExpertFreeMemory(key, a), NMERR_SUCCESS);
    CHECK(nm.ExpertAllocMemory(key, 600, &err) != NULL);   /* room again */
    nm.NmShimEndInstance(key, NULL);
}

/* issue 9 §3: zero-byte and tiny blocks are not free. Each costs at least its 16-byte
 * minimal heap block plus a header and its block-table share (40 bytes on i686, 64 on
 * x86_64), and at most 128: a 64 KiB quota holds 512..1638 of them, not unlimited. */
static void test_memory_quota_counts_tiny_blocks(void)
{
    HEXPERTKEY key = new_key(64 * 1024);
    static void *p[4096];
    DWORD err = ERR_POISON;
    unsigned n, i;

    for (n = 0; n < 4096; n++) {
        err = ERR_POISON;
        if (!(p[n] = nm.ExpertAllocMemory(key, n & 1, &err))) break;
    }
    CHECK_EQ_U(err, NMERR_OUT_OF_MEMORY);
    CHECK_MSG(n >= 512 && n <= 64 * 1024 / 40, "%u tiny blocks in a 64 KiB quota", n);
    CHECK_EQ_U(stats_of(key).failed, 1);
    /* The quota is the instance's, not spent for good: freeing makes room again. */
    for (i = 0; i < n; i++) CHECK_EQ_U(nm.ExpertFreeMemory(key, p[i]), NMERR_SUCCESS);
    err = ERR_POISON;
    for (i = 0; i < n; i++) if (!(p[i] = nm.ExpertAllocMemory(key, 0, &err))) break;
    CHECK_EQ_U(i, n);
    nm.NmShimEndInstance(key, NULL);
}

static void test_memory_bad_keys(void)
{
    HEXPERTKEY ended = new_key(0), live = new_key(0);
    int local;
    HEXPERTKEY bad[] = { NULL, (HEXPERTKEY)&local, (HEXPERTKEY)(ULONG_PTR)1,
                         (HEXPERTKEY)(ULONG_PTR)-1, (HEXPERTKEY)((ULONG_PTR)live + 2), ended };
    void *p = nm.ExpertAllocMemory(live, 8, NULL);
    size_t i;

    nm.NmShimEndInstance(ended, NULL);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        DWORD err = ERR_POISON;
        CHECK_EQ_PTR(nm.ExpertAllocMemory(bad[i], 8, &err), NULL);
        CHECK_EQ_U(err, NMERR_INVALID_EXPERT_HANDLE);
        err = ERR_POISON;
        CHECK_EQ_PTR(nm.ExpertReallocMemory(bad[i], p, 16, &err), NULL);
        CHECK_EQ_U(err, NMERR_INVALID_EXPERT_HANDLE);
        CHECK_EQ_U(nm.ExpertFreeMemory(bad[i], p), NMERR_INVALID_EXPERT_HANDLE);
        CHECK_EQ_U(nm.ExpertMemorySize(bad[i], p), 0);
    }
    CHECK_EQ_U(nm.ExpertMemorySize(live, p), 8);            /* nothing happened to it */
    nm.NmShimEndInstance(live, NULL);
}

/* 100,000 random values of pointer width and every key of 2,000 ended instances. */
static void test_memory_random_and_stale_keys(void)
{
    HEXPERTKEY live = new_key(0), *old = malloc(2000 * sizeof(*old));
    unsigned long long x = 0x9e3779b97f4a7c15ull;
    unsigned accepted = 0, i;

    for (i = 0; i < 100000; i++) {
        DWORD err = ERR_POISON;
        void *p;
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        if ((HEXPERTKEY)(ULONG_PTR)x == live) continue;
        p = nm.ExpertAllocMemory((HEXPERTKEY)(ULONG_PTR)x, 1, &err);
        if (p || err != NMERR_INVALID_EXPERT_HANDLE) accepted++;
    }
    CHECK_EQ_U(accepted, 0);
    for (i = 0; i < 2000; i++) {
        old[i] = NULL;
        nm.NmShimCreateInstance(0, &old[i]);
        nm.NmShimEndInstance(old[i], NULL);
    }
    for (i = 0; i < 2000; i++) {
        DWORD err = ERR_POISON;
        if (nm.ExpertAllocMemory(old[i], 1, &err) || err != NMERR_INVALID_EXPERT_HANDLE) accepted++;
    }
    CHECK_EQ_U(accepted, 0);
    CHECK_EQ_U(stats_of(live).allocs, 0);
    free(old);
    nm.NmShimEndInstance(live, NULL);
}

static void test_memory_terminated_instance(void)
{
    HEXPERTKEY key = new_key(0);
    DWORD err = ERR_POISON;
    void *p = nm.ExpertAllocMemory(key, 32, &err);

    CHECK_EQ_U(nm.NmShimStopInstance(key), NMERR_SUCCESS);
    err = ERR_POISON;
    CHECK_EQ_PTR(nm.ExpertAllocMemory(key, 8, &err), NULL);
    CHECK_EQ_U(err, NMERR_EXPERT_TERMINATE);
    err = ERR_POISON;
    CHECK_EQ_PTR(nm.ExpertReallocMemory(key, p, 64, &err), NULL);
    CHECK_EQ_U(err, NMERR_EXPERT_TERMINATE);
    CHECK_EQ_U(nm.ExpertFreeMemory(key, p), NMERR_EXPERT_TERMINATE);
    CHECK_EQ_U(nm.ExpertMemorySize(key, p), 32);            /* no error channel: answers */
    NMSHIM_MEMSTATS st;
    CHECK_EQ_U(nm.NmShimEndInstance(key, &st), NMERR_SUCCESS);
    CHECK_EQ_U(st.leaked_blocks, 1);
    CHECK_EQ_U(st.leaked_bytes, 32);
}

static void test_memory_null_perror(void)
{
    HEXPERTKEY key = new_key(0);
    void *p = nm.ExpertAllocMemory(key, 10, NULL);

    CHECK(p != NULL);
    p = nm.ExpertReallocMemory(key, p, 20, NULL);
    CHECK(p != NULL);
    CHECK_EQ_PTR(nm.ExpertAllocMemory(key, (SIZE_T)-1, NULL), NULL);
    CHECK_EQ_PTR(nm.ExpertReallocMemory(key, (void *)&key, 20, NULL), NULL);
    CHECK_EQ_U(nm.ExpertMemorySize(key, p), 20);
    nm.NmShimEndInstance(key, NULL);
}

static void test_memory_realloc_null_is_alloc(void)
{
    HEXPERTKEY key = new_key(0);
    DWORD err = ERR_POISON;
    void *p = nm.ExpertReallocMemory(key, NULL, 48, &err);

    CHECK(p != NULL);
    CHECK_EQ_U(err, NMERR_SUCCESS);
    CHECK_EQ_U(nm.ExpertMemorySize(key, p), 48);
    CHECK_EQ_U(stats_of(key).allocs, 1);
    nm.NmShimEndInstance(key, NULL);
}

static void test_memory_realloc_zero(void)
{
    HEXPERTKEY key = new_key(0);
    DWORD err = ERR_POISON;
    void *p = nm.ExpertAllocMemory(key, 500, &err), *q;

    q = nm.ExpertReallocMemory(key, p, 0, &err);
    CHECK(q != NULL);
    CHECK_EQ_U(err, NMERR_SUCCESS);
    CHECK_EQ_U(nm.ExpertMemorySize(key, q), 0);
    NMSHIM_MEMSTATS st = stats_of(key);
    CHECK_EQ_U(st.live_blocks, 1);
    CHECK_EQ_U(st.live_bytes, 0);
    CHECK_EQ_U(nm.ExpertFreeMemory(key, q), NMERR_SUCCESS);
    nm.NmShimEndInstance(key, NULL);
}

static void test_memory_realloc_foreign(void)
{
    HEXPERTKEY a = new_key(0), b = new_key(0);
    DWORD err = ERR_POISON;
    unsigned char *pa = nm.ExpertAllocMemory(a, 64, &err), *pb = nm.ExpertAllocMemory(b, 64, &err);
    unsigned char stack[64];

    memset(pa, 0x5a, 64);
    err = ERR_POISON;
    CHECK_EQ_PTR(nm.ExpertReallocMemory(b, pa, 128, &err), NULL);     /* another key's */
    CHECK_EQ_U(err, NMERR_INVALID_PARAMETER);
    err = ERR_POISON;
    CHECK_EQ_PTR(nm.ExpertReallocMemory(b, stack, 128, &err), NULL);  /* the stack */
    CHECK_EQ_U(err, NMERR_INVALID_PARAMETER);
    err = ERR_POISON;
    CHECK_EQ_PTR(nm.ExpertReallocMemory(b, pb + 8, 128, &err), NULL); /* an interior pointer */
    CHECK_EQ_U(err, NMERR_INVALID_PARAMETER);
    CHECK_EQ_U(nm.ExpertMemorySize(a, pa), 64);
    CHECK(pa[0] == 0x5a && pa[63] == 0x5a);
    NMSHIM_MEMSTATS st = stats_of(b);
    CHECK_EQ_U(st.bad_calls, 3);
    CHECK_EQ_U(st.last_bad_error, NMERR_INVALID_PARAMETER);
    CHECK(st.last_bad_reason[0] != 0);
    nm.NmShimEndInstance(a, NULL);
    nm.NmShimEndInstance(b, NULL);
}

static void test_memory_realloc_failure_keeps_block(void)
{
    HEXPERTKEY key = new_key(0);
    DWORD err = ERR_POISON;
    unsigned char *p = nm.ExpertAllocMemory(key, 256, &err);

    memset(p, 0x77, 256);
    err = ERR_POISON;
    CHECK_EQ_PTR(nm.ExpertReallocMemory(key, p, (SIZE_T)-1 / 2, &err), NULL);
    CHECK_EQ_U(err, NMERR_OUT_OF_MEMORY);
    CHECK_EQ_U(nm.ExpertMemorySize(key, p), 256);
    CHECK(p[0] == 0x77 && p[255] == 0x77);
    CHECK_EQ_U(nm.ExpertFreeMemory(key, p), NMERR_SUCCESS);
    nm.NmShimEndInstance(key, NULL);
}

static void test_memory_free_bad_pointers(void)
{
    HEXPERTKEY a = new_key(0), b = new_key(0);
    void *pa = nm.ExpertAllocMemory(a, 16, NULL), *pb = nm.ExpertAllocMemory(b, 16, NULL);
    int local;

    CHECK_EQ_U(nm.ExpertFreeMemory(a, NULL), NMERR_SUCCESS);              /* ours: free(NULL) */
    CHECK_EQ_U(nm.ExpertFreeMemory(a, pb), NMERR_INVALID_PARAMETER);      /* foreign */
    CHECK_EQ_U(nm.ExpertFreeMemory(a, &local), NMERR_INVALID_PARAMETER);  /* stack */
    CHECK_EQ_U(nm.ExpertFreeMemory(a, (void *)(ULONG_PTR)0x12345678), NMERR_INVALID_PARAMETER);
    CHECK_EQ_U(nm.ExpertFreeMemory(a, pa), NMERR_SUCCESS);
    CHECK_EQ_U(nm.ExpertFreeMemory(a, pa), NMERR_INVALID_PARAMETER);      /* double free */
    CHECK_EQ_U(nm.ExpertMemorySize(b, pb), 16);                           /* victim intact */
    CHECK_EQ_U(nm.ExpertMemorySize(a, pb), 0);
    CHECK_EQ_U(nm.ExpertMemorySize(a, NULL), 0);
    NMSHIM_MEMSTATS st = stats_of(a);
    CHECK_EQ_U(st.bad_calls, 6);   /* 4 frees + 2 sizes */
    CHECK_EQ_U(st.frees, 1);
    nm.NmShimEndInstance(a, NULL);
    nm.NmShimEndInstance(b, NULL);
}

static void test_memory_sizes_round_trip(void)
{
    static const SIZE_T sizes[] = { 0, 1, 7, 8, 15, 16, 4095, 4096, 1 << 20, 64 << 20 };
    HEXPERTKEY key = new_key(0);
    size_t i;

    for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        DWORD err = ERR_POISON;
        unsigned char *p = nm.ExpertAllocMemory(key, sizes[i], &err);
        CHECK_MSG(p != NULL && err == 0, "alloc %Iu: %p, error %lu", sizes[i], p, err);
        if (!p) continue;
        CHECK_EQ_U(nm.ExpertMemorySize(key, p), sizes[i]);
        CHECK_EQ_U((ULONG_PTR)p % ALIGN, 0);
        if (sizes[i]) { p[0] = 1; p[sizes[i] - 1] = 2; }
        CHECK_EQ_U(nm.ExpertFreeMemory(key, p), NMERR_SUCCESS);
    }
    nm.NmShimEndInstance(key, NULL);
}

static void test_memory_realloc_keeps_contents(void)
{
    HEXPERTKEY key = new_key(0);
    DWORD err = ERR_POISON;
    unsigned char *p = nm.ExpertAllocMemory(key, 100, &err);
    SIZE_T steps[] = { 1000, 100000, 4 << 20, 50, 3000 }, size = 100, i, j;

    for (j = 0; j < 100; j++) p[j] = (unsigned char)(j * 7);
    for (i = 0; i < 5; i++) {
        SIZE_T keep = size < steps[i] ? size : steps[i];
        int ok = 1;
        p = nm.ExpertReallocMemory(key, p, steps[i], &err);
        CHECK_MSG(p != NULL && err == 0, "realloc to %Iu failed: %lu", steps[i], err);
        if (!p) return;
        for (j = 0; j < keep && j < 100; j++) ok &= p[j] == (unsigned char)(j * 7);
        CHECK_MSG(ok, "contents lost after realloc to %Iu", steps[i]);
        if (steps[i] > size) CHECK_MSG(all_zero(p + size, steps[i] - size), "grown tail not zeroed");
        CHECK_EQ_U(nm.ExpertMemorySize(key, p), steps[i]);
        size = steps[i];
    }
    NMSHIM_MEMSTATS st;
    nm.NmShimEndInstance(key, &st);
    CHECK_EQ_U(st.reallocs, 5);
    CHECK_EQ_U(st.leaked_bytes, 3000);
    CHECK_EQ_U(st.peak_bytes, 4 << 20);
}

/* Freed small blocks are reused (the instance's free-block cache): a reused block is
 * zeroed up to the new request, and growing it zeroes the slack the old user left. */
static void test_memory_reuse_is_zeroed(void)
{
    HEXPERTKEY key = new_key(0);
    unsigned char *p, *q;
    NMSHIM_MEMSTATS st;
    int i, dirty = 0;

    p = nm.ExpertAllocMemory(key, 32, NULL);
    memset(p, 0xff, 32);
    CHECK_EQ_U(nm.ExpertFreeMemory(key, p), NMERR_SUCCESS);
    st = stats_of(key);
    CHECK_EQ_U(st.cached_blocks, 1);
    CHECK_EQ_U(st.live_blocks, 0);
    q = nm.ExpertAllocMemory(key, 20, NULL);
    CHECK_EQ_PTR(q, p);                                   /* same size class: reused */
    for (i = 0; i < 20; i++) dirty |= q[i];
    CHECK_EQ_U(dirty, 0);
    CHECK_EQ_U(nm.ExpertMemorySize(key, q), 20);
    q = nm.ExpertReallocMemory(key, q, 30, NULL);         /* grows into the old slack */
    for (i = 20; i < 30; i++) dirty |= q[i];
    CHECK_EQ_U(dirty, 0);
    CHECK_EQ_U(nm.ExpertFreeMemory(key, q), NMERR_SUCCESS);
    CHECK_EQ_U(nm.ExpertFreeMemory(key, q), NMERR_INVALID_PARAMETER);   /* cached, not live */
    CHECK_EQ_U(nm.NmShimEndInstance(key, &st), NMERR_SUCCESS);
    CHECK_EQ_U(st.leaked_blocks, 0);
}

/* ---- threads ------------------------------------------------------------------------ */

struct worker {
    HEXPERTKEY key;
    unsigned seed, ops;
    unsigned long long allocs, reallocs, frees, failures, live, live_bytes;
};

static DWORD WINAPI worker_fn(void *arg)
{
    struct worker *w = arg;
    void *slots[64] = { 0 };
    SIZE_T sizes[64] = { 0 };
    unsigned i, x = w->seed;

    for (i = 0; i < w->ops; i++) {
        unsigned s, op;
        DWORD err;
        x = x * 1103515245u + 12345u;
        s = (x >> 8) % 64;
        op = (x >> 20) % 3;
        if (!slots[s]) {
            SIZE_T n = (x >> 4) % 300;
            if ((slots[s] = nm.ExpertAllocMemory(w->key, n, &err))) { w->allocs++; sizes[s] = n; w->live++; w->live_bytes += n; }
            else w->failures++;
        } else if (op == 0) {
            SIZE_T n = (x >> 3) % 600;
            void *q = nm.ExpertReallocMemory(w->key, slots[s], n, &err);
            if (q) { w->reallocs++; w->live_bytes = w->live_bytes + n - sizes[s]; slots[s] = q; sizes[s] = n; }
            else w->failures++;
        } else {
            if (nm.ExpertMemorySize(w->key, slots[s]) != sizes[s]) w->failures++;
            if (nm.ExpertFreeMemory(w->key, slots[s]) == NMERR_SUCCESS) { w->frees++; w->live--; w->live_bytes -= sizes[s]; }
            else w->failures++;
            slots[s] = NULL;
        }
    }
    return 0;
}

static void run_workers(struct worker *w, int n)
{
    HANDLE t[4];
    int i;
    for (i = 0; i < n; i++) t[i] = CreateThread(NULL, 0, worker_fn, &w[i], 0, NULL);
    WaitForMultipleObjects(n, t, TRUE, INFINITE);
    for (i = 0; i < n; i++) CloseHandle(t[i]);
}

static unsigned long long heapwalk_busy(HEXPERTKEY key)
{
    HANDLE heap = NULL;
    PROCESS_HEAP_ENTRY e;
    unsigned long long busy = 0;

    if (nm.NmShimGetInstanceHeap(key, &heap) || !heap) return ~0ull;
    memset(&e, 0, sizeof(e));
    while (HeapWalk(heap, &e)) if (e.wFlags & PROCESS_HEAP_ENTRY_BUSY) busy++;
    return busy;
}

static void test_memory_threads_one_key(void)
{
    struct worker w[4];
    HEXPERTKEY key = new_key(0);
    unsigned long long allocs = 0, reallocs = 0, frees = 0, live = 0, bytes = 0;
    int i;

    memset(w, 0, sizeof(w));
    for (i = 0; i < 4; i++) { w[i].key = key; w[i].seed = 1 + i * 7919; w[i].ops = 200000; }
    run_workers(w, 4);
    for (i = 0; i < 4; i++) {
        CHECK_EQ_U(w[i].failures, 0);
        allocs += w[i].allocs; reallocs += w[i].reallocs; frees += w[i].frees;
        live += w[i].live; bytes += w[i].live_bytes;
    }
    NMSHIM_MEMSTATS st = stats_of(key);
    CHECK_EQ_U(st.allocs, allocs);
    CHECK_EQ_U(st.reallocs, reallocs);
    CHECK_EQ_U(st.frees, frees);
    CHECK_EQ_U(st.live_blocks, live);
    CHECK_EQ_U(st.live_bytes, bytes);
    CHECK_EQ_U(st.bad_calls, 0);
    if (!nm_test_checking_heap())   /* it keeps freed blocks busy for a while */
        CHECK_EQ_U(heapwalk_busy(key), live + st.cached_blocks);
    CHECK_EQ_U(nm.NmShimEndInstance(key, &st), NMERR_SUCCESS);
    CHECK_EQ_U(st.leaked_blocks, live);
}

static void test_memory_threads_four_keys(void)
{
    struct worker w[4];
    int i;

    memset(w, 0, sizeof(w));
    for (i = 0; i < 4; i++) { w[i].key = new_key(0); w[i].seed = 99 + i; w[i].ops = 200000; }
    run_workers(w, 4);
    for (i = 0; i < 4; i++) {
        NMSHIM_MEMSTATS st = stats_of(w[i].key);
        CHECK_EQ_U(w[i].failures, 0);
        CHECK_EQ_U(st.allocs, w[i].allocs);
        CHECK_EQ_U(st.reallocs, w[i].reallocs);
        CHECK_EQ_U(st.frees, w[i].frees);
        CHECK_EQ_U(st.live_blocks, w[i].live);
        CHECK_EQ_U(st.live_bytes, w[i].live_bytes);
        if (!nm_test_checking_heap())
            CHECK_EQ_U(heapwalk_busy(w[i].key), w[i].live + st.cached_blocks);
        nm.NmShimEndInstance(w[i].key, NULL);
    }
}

/* Ending an instance frees everything in one HeapDestroy: its heap leaves the process. */
static void test_memory_end_frees_everything(void)
{
    DWORD before = GetProcessHeaps(0, NULL), during, after, i;
    HEXPERTKEY key = new_key(0);
    NMSHIM_MEMSTATS st;

    during = GetProcessHeaps(0, NULL);
    CHECK_EQ_U(during, before + 1);
    for (i = 0; i < 100000; i++)
        if (!nm.ExpertAllocMemory(key, 24, NULL)) break;
    CHECK_EQ_U(i, 100000);
    CHECK_EQ_U(nm.NmShimEndInstance(key, &st), NMERR_SUCCESS);
    after = GetProcessHeaps(0, NULL);
    CHECK_EQ_U(after, before);
    CHECK_EQ_U(st.leaked_blocks, 100000);
    CHECK_EQ_U(st.leaked_bytes, 2400000);
    CHECK_EQ_U(nm.NmShimEndInstance(key, &st), NMERR_INVALID_EXPERT_HANDLE);
}

/* ---- tracing to a file (NmShimSetTrace: nmhost --trace, --trace-file; issue 14 §4) -- */

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    if (n < 0 || !(buf = calloc(1, (size_t)n + 1))) { fclose(f); return NULL; }
    if (fread(buf, 1, (size_t)n, f) != (size_t)n) n = 0;
    buf[n] = 0;
    fclose(f);
    return buf;
}

/* Every memory call with its arguments and result goes to the file, one line each;
 * NMSHIM_TRACE_APPEND keeps what is there, the default truncates; warn level has the
 * bad free only; bad arguments and an unopenable file change nothing. */
static void test_memory_trace_to_file(void)
{
    DWORD (WINAPI *set_trace)(DWORD, LPCSTR, DWORD) =
        (void *)GetProcAddress(nm.dll, "NmShimSetTrace");
    const char *path = nm_test_tmp("trace.txt");
    char expect[160], env[16], *text;
    HEXPERTKEY key;
    DWORD err = ERR_POISON, n;
    void *p, *first;

    CHECK(set_trace != NULL);
    if (!set_trace) return;
    CHECK_EQ_U(set_trace(3, NULL, 0), NMERR_INVALID_PARAMETER);
    CHECK_EQ_U(set_trace(NMSHIM_TRACE_ALL, NULL, 2), NMERR_INVALID_PARAMETER);
    CHECK_EQ_U(set_trace(NMSHIM_TRACE_ALL, nm_test_tmp("no\\such\\folder\\t.txt"), 0),
               NMERR_PATH_NOT_FOUND);

    CHECK_EQ_U(set_trace(NMSHIM_TRACE_ALL, path, 0), NMERR_SUCCESS);
    key = new_key(0);
    first = nm.ExpertAllocMemory(key, 123, &err);
    CHECK_EQ_U(err, NMERR_SUCCESS);
    CHECK_EQ_U(nm.ExpertFreeMemory(key, first), NMERR_SUCCESS);
    CHECK_EQ_U(nm.ExpertFreeMemory(key, first), NMERR_INVALID_PARAMETER);  /* a warning */
    CHECK_EQ_U(set_trace(NMSHIM_TRACE_WARN, path, NMSHIM_TRACE_APPEND), NMERR_SUCCESS);
    p = nm.ExpertAllocMemory(key, 77, &err);                /* not traced at warn */
    CHECK_EQ_U(nm.ExpertFreeMemory(key, (char *)p + 1), NMERR_INVALID_PARAMETER);
    nm.ExpertFreeMemory(key, p);
    CHECK_EQ_U(set_trace(NMSHIM_TRACE_ERRORS, NULL, 0), NMERR_SUCCESS);   /* closes it */
    nm.NmShimEndInstance(key, NULL);

    text = read_all(path);
    CHECK(text != NULL);
    if (text) {
        snprintf(expect, sizeof(expect), ":ExpertAllocMemory key %p, size 123 -> %p, error 0\n",
                 key, first);
        CHECK_MSG(strstr(text, expect) != NULL, "no \"%s\" in the trace", expect);
        snprintf(expect, sizeof(expect), ":ExpertFreeMemory key %p, ptr %p -> error 0\n", key, first);
        CHECK_MSG(strstr(text, expect) != NULL, "no \"%s\" in the trace", expect);
        CHECK(strstr(text, "nmapi:warn:") != NULL);
        CHECK(strstr(text, "size 77") == NULL);
        snprintf(expect, sizeof(expect), "ptr %p, size 0: not a live block", (char *)p + 1);
        CHECK_MSG(strstr(text, expect) != NULL, "no \"%s\" in the trace", expect);
        free(text);
    }
    /* Anew: truncated. */
    CHECK_EQ_U(set_trace(NMSHIM_TRACE_ALL, path, 0), NMERR_SUCCESS);
    CHECK_EQ_U(set_trace(NMSHIM_TRACE_ERRORS, NULL, 0), NMERR_SUCCESS);
    text = read_all(path);
    CHECK(text && !text[0]);
    free(text);
    /* What the environment asked for, as before the test. */
    n = GetEnvironmentVariableA("NMAPI_TRACE", env, sizeof(env));
    set_trace(!n || n >= sizeof(env) || !strcmp(env, "0") ? NMSHIM_TRACE_ERRORS
              : !_stricmp(env, "warn") ? NMSHIM_TRACE_WARN : NMSHIM_TRACE_ALL, NULL, 0);
}

static const struct nm_test tests[] = {
    NM_TEST(test_memory_alloc_ok),
    NM_TEST(test_memory_alloc_zero),
    NM_TEST(test_memory_alloc_absurd_size),
    NM_TEST(test_memory_quota),
    NM_TEST(test_memory_quota_counts_tiny_blocks),
    NM_TEST(test_memory_bad_keys),
    NM_TEST(test_memory_random_and_stale_keys),
    NM_TEST(test_memory_terminated_instance),
    NM_TEST(test_memory_null_perror),
    NM_TEST(test_memory_realloc_null_is_alloc),
    NM_TEST(test_memory_realloc_zero),
    NM_TEST(test_memory_realloc_foreign),
    NM_TEST(test_memory_realloc_failure_keeps_block),
    NM_TEST(test_memory_free_bad_pointers),
    NM_TEST(test_memory_sizes_round_trip),
    NM_TEST(test_memory_realloc_keeps_contents),
    NM_TEST(test_memory_reuse_is_zeroed),
    NM_TEST(test_memory_threads_one_key),
    NM_TEST(test_memory_threads_four_keys),
    NM_TEST(test_memory_end_frees_everything),
    NM_TEST(test_memory_trace_to_file),
    NM_TEST_END
};
const struct nm_suite suite_memory = { "memory", init, NULL, tests };
