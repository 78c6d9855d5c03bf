/*
 * bench_memory.c - what the Expert*Memory exports cost next to the raw Win32 heap calls
 * they wrap, measured side by side in one run (a report, not a test: docs/style.md "Tests").
 *
 * nmapi.dll is loaded at run time from this exe's folder (LoadLibraryA + GetProcAddress),
 * so the measured path is the real exported one: the import thunk, the export, the key
 * lookup, the instance lock, the block table and the heap call. Every row pits the shim
 * against the same access pattern on a raw private heap (HeapCreate(0, 0, 0)) and prints
 * medians of several repetitions, shim and raw interleaved so that drift of the machine
 * (Wine, another process) hits both alike.
 *
 * Exit status: 0 when every call succeeded, whether or not the targets were met (it is a
 * report); 2 when an API call failed or a result was wrong (then the numbers mean nothing).
 * NMSHIM_BENCH_QUICK=1: a few repetitions of short loops, for CI smoke runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <netmon.h>
#include "nmshim.h"
#include "bench_util.h"

#define WINDOW      1000        /* live blocks kept while blocks are replaced */
#define END_BLOCKS  100000      /* live blocks when an instance ends */
#define CHAIN_MAX   (1u << 20)  /* realloc growth chain: 16 B -> 1 MiB */

/* The exports, resolved by name from nmapi.dll (undecorated on both arches, def/nmapi.def). */
typedef LPVOID (WINAPI *alloc_fn)(HEXPERTKEY, SIZE_T, DWORD *);
typedef LPVOID (WINAPI *realloc_fn)(HEXPERTKEY, LPVOID, SIZE_T, DWORD *);
typedef DWORD  (WINAPI *free_fn)(HEXPERTKEY, LPVOID);
typedef SIZE_T (WINAPI *size_fn)(HEXPERTKEY, LPVOID);
typedef DWORD  (WINAPI *create_fn)(SIZE_T, HEXPERTKEY *);
typedef DWORD  (WINAPI *end_fn)(HEXPERTKEY, NMSHIM_MEMSTATS *);

static alloc_fn   p_alloc;
static realloc_fn p_realloc;
static free_fn    p_free;
static size_fn    p_size;
static create_fn  p_create;
static end_fn     p_end;

static int reps;                /* repetitions per row (median taken) */
static int pair_ops;            /* alloc+free pairs per timed loop */
static int chains;              /* realloc chains per timed loop */
static int size_ops;            /* size queries per timed loop */
static int thread_ops;          /* alloc+free pairs per thread */
static int met, total;          /* targets met / targets */

/* An API call failed or returned something wrong: the run is void. */
static void fail(const char *what, unsigned long code)
{
    printf("bench_memory: FAILED: %s (code %lu, GetLastError %lu)\n", what, code, GetLastError());
    fflush(stdout);
    exit(2);
}

static void load_nmapi(void)
{
    NM_BENCH_RESOLVE(p_alloc, "ExpertAllocMemory");
    NM_BENCH_RESOLVE(p_realloc, "ExpertReallocMemory");
    NM_BENCH_RESOLVE(p_free, "ExpertFreeMemory");
    NM_BENCH_RESOLVE(p_size, "ExpertMemorySize");
    NM_BENCH_RESOLVE(p_create, "NmShimCreateInstance");
    NM_BENCH_RESOLVE(p_end, "NmShimEndInstance");
}

static HEXPERTKEY new_key(void)
{
    HEXPERTKEY key = NULL;
    DWORD err = p_create(0, &key);
    if (err || !key) fail("NmShimCreateInstance", err);
    return key;
}

static void end_key(HEXPERTKEY key)
{
    DWORD err = p_end(key, NULL);
    if (err) fail("NmShimEndInstance", err);
}

static HANDLE new_heap(void)
{
    HANDLE h = HeapCreate(0, 0, 0);
    if (!h) fail("HeapCreate", 0);
    return h;
}

/* The same pseudo-random slot sequence for every contender (a 32-bit LCG). */
static inline unsigned next_slot(unsigned *seed)
{
    *seed = *seed * 1664525u + 1013904223u;
    return (unsigned)(((unsigned long long)(*seed >> 8) * WINDOW) >> 24);
}

/* ---- the contenders: one timed loop each, returning ns per operation ------------- */

/* A window of WINDOW live blocks; each op frees a random one and allocates its
 * replacement: the table and the heap are never trivially empty. */
static void shim_fill(HEXPERTKEY key, void **win, SIZE_T size)
{
    int i;
    DWORD err;
    for (i = 0; i < WINDOW; i++)
        if (!(win[i] = p_alloc(key, size, &err)) || err) fail("ExpertAllocMemory (fill)", err);
}

static void raw_fill(HANDLE heap, DWORD flags, void **win, SIZE_T size)
{
    int i;
    for (i = 0; i < WINDOW; i++)
        if (!(win[i] = HeapAlloc(heap, flags, size))) fail("HeapAlloc (fill)", 0);
}

static double shim_pairs(HEXPERTKEY key, void **win, SIZE_T size, int ops)
{
    unsigned seed = 12345;
    DWORD bad = 0, err;
    double t0 = nm_bench_now(), t1;
    int i;

    for (i = 0; i < ops; i++) {
        unsigned s = next_slot(&seed);
        bad |= p_free(key, win[s]);
        if (!(win[s] = p_alloc(key, size, &err))) bad |= 1;
    }
    t1 = nm_bench_now();
    if (bad) fail("ExpertFreeMemory/ExpertAllocMemory in the timed loop", bad);
    return (t1 - t0) * 1e9 / ops;
}

static double raw_pairs(HANDLE heap, DWORD flags, void **win, SIZE_T size, int ops)
{
    unsigned seed = 12345;
    BOOL ok = TRUE;
    double t0 = nm_bench_now(), t1;
    int i;

    for (i = 0; i < ops; i++) {
        unsigned s = next_slot(&seed);
        ok &= HeapFree(heap, 0, win[s]);
        if (!(win[s] = HeapAlloc(heap, flags, size))) ok = FALSE;
    }
    t1 = nm_bench_now();
    if (!ok) fail("HeapFree/HeapAlloc in the timed loop", 0);
    return (t1 - t0) * 1e9 / ops;
}

/* 16 B, then doubling reallocs up to 1 MiB, then free: ns per chain. */
static double shim_chains(HEXPERTKEY key, int n)
{
    double t0 = nm_bench_now(), t1;
    DWORD err, bad = 0;
    SIZE_T sz;
    int i;

    for (i = 0; i < n; i++) {
        void *p = p_alloc(key, 16, &err), *q;
        if (!p) fail("ExpertAllocMemory (chain)", err);
        for (sz = 32; sz <= CHAIN_MAX; sz *= 2) {
            if (!(q = p_realloc(key, p, sz, &err))) fail("ExpertReallocMemory (chain)", err);
            p = q;
        }
        bad |= p_free(key, p);
    }
    t1 = nm_bench_now();
    if (bad) fail("ExpertFreeMemory (chain)", bad);
    return (t1 - t0) * 1e9 / n;
}

static double raw_chains(HANDLE heap, int n)
{
    double t0 = nm_bench_now(), t1;
    BOOL ok = TRUE;
    SIZE_T sz;
    int i;

    for (i = 0; i < n; i++) {
        void *p = HeapAlloc(heap, HEAP_ZERO_MEMORY, 16), *q;
        if (!p) fail("HeapAlloc (chain)", 0);
        for (sz = 32; sz <= CHAIN_MAX; sz *= 2) {
            if (!(q = HeapReAlloc(heap, HEAP_ZERO_MEMORY, p, sz))) fail("HeapReAlloc (chain)", 0);
            p = q;
        }
        ok &= HeapFree(heap, 0, p);
    }
    t1 = nm_bench_now();
    if (!ok) fail("HeapFree (chain)", 0);
    return (t1 - t0) * 1e9 / n;
}

/* Size queries on the live window, in the same pseudo-random order. */
static double shim_sizes(HEXPERTKEY key, void **win, SIZE_T want, int ops)
{
    unsigned seed = 777;
    SIZE_T sum = 0;
    double t0 = nm_bench_now(), t1;
    int i;

    for (i = 0; i < ops; i++) sum += p_size(key, win[next_slot(&seed)]);
    t1 = nm_bench_now();
    if (sum != want * (SIZE_T)ops) fail("ExpertMemorySize returned a wrong size", (unsigned long)sum);
    return (t1 - t0) * 1e9 / ops;
}

static double raw_sizes(HANDLE heap, void **win, SIZE_T want, int ops)
{
    unsigned seed = 777;
    SIZE_T sum = 0;
    double t0 = nm_bench_now(), t1;
    int i;

    for (i = 0; i < ops; i++) sum += HeapSize(heap, 0, win[next_slot(&seed)]);
    t1 = nm_bench_now();
    if (sum != want * (SIZE_T)ops) fail("HeapSize returned a wrong size", (unsigned long)sum);
    return (t1 - t0) * 1e9 / ops;
}

/* Ending with END_BLOCKS live blocks: NmShimEndInstance (one HeapDestroy) against what
 * a host without a private heap must do, one HeapFree per block. ns for the whole end. */
static double shim_end(void)
{
    HEXPERTKEY key = new_key();
    NMSHIM_MEMSTATS st;
    DWORD err;
    double t0, t1;
    int i;

    for (i = 0; i < END_BLOCKS; i++)
        if (!p_alloc(key, 16 + (i & 7) * 8, &err)) fail("ExpertAllocMemory (end)", err);
    memset(&st, 0xcc, sizeof(st));
    t0 = nm_bench_now();
    err = p_end(key, &st);
    t1 = nm_bench_now();
    if (err) fail("NmShimEndInstance", err);
    if (st.leaked_blocks != END_BLOCKS) fail("NmShimEndInstance: leaked_blocks", (unsigned long)st.leaked_blocks);
    return (t1 - t0) * 1e9;
}

static double raw_end(void **all)
{
    HANDLE heap = new_heap();
    BOOL ok = TRUE;
    double t0, t1;
    int i;

    for (i = 0; i < END_BLOCKS; i++)
        if (!(all[i] = HeapAlloc(heap, HEAP_ZERO_MEMORY, 16 + (i & 7) * 8))) fail("HeapAlloc (end)", 0);
    t0 = nm_bench_now();
    for (i = 0; i < END_BLOCKS; i++) ok &= HeapFree(heap, 0, all[i]);
    ok &= HeapDestroy(heap);
    t1 = nm_bench_now();
    if (!ok) fail("HeapFree/HeapDestroy (end)", 0);
    return (t1 - t0) * 1e9;
}

/* The floor for any end: one HeapDestroy of a raw heap holding the same blocks. */
static double raw_destroy_only(void)
{
    HANDLE heap = new_heap();
    double t0, t1;
    int i;

    for (i = 0; i < END_BLOCKS; i++)
        if (!HeapAlloc(heap, HEAP_ZERO_MEMORY, 16 + (i & 7) * 8)) fail("HeapAlloc (end)", 0);
    t0 = nm_bench_now();
    if (!HeapDestroy(heap)) fail("HeapDestroy (end)", 0);
    t1 = nm_bench_now();
    return (t1 - t0) * 1e9;
}

/* ---- threads: each on its own key (or raw heap), started together ---------------- */
struct worker {
    HANDLE thread, ready, go;
    HEXPERTKEY key;             /* NULL: raw heap */
    HANDLE heap;
    void *win[WINDOW];
    int ops;
    int compute;                /* calibration: pure arithmetic, no memory calls */
    unsigned sink;
    double t;                   /* ns/op of this thread's loop (unused, kept for checks) */
};

static DWORD WINAPI worker_main(void *arg)
{
    struct worker *w = arg;

    if (w->compute) {
        unsigned x = 1, i;
        SetEvent(w->ready);
        WaitForSingleObject(w->go, INFINITE);
        for (i = 0; i < (unsigned)w->ops * 64u; i++) x = x * 1664525u + 1013904223u;
        w->sink = x;
        return 0;
    }
    if (w->key) shim_fill(w->key, w->win, 64);
    else raw_fill(w->heap, HEAP_ZERO_MEMORY, w->win, 64);
    SetEvent(w->ready);
    WaitForSingleObject(w->go, INFINITE);
    w->t = w->key ? shim_pairs(w->key, w->win, 64, w->ops)
                  : raw_pairs(w->heap, HEAP_ZERO_MEMORY, w->win, 64, w->ops);
    return 0;
}

/* Wall-clock ns per op of nthreads threads, each doing ops alloc+free pairs; shim:
 * 1 own key each, 0 own raw heap each, -1 arithmetic only (are 2 cores free?). */
static double run_threads(int nthreads, int shim, int ops)
{
    static struct worker w[2];
    HANDLE go = CreateEventA(NULL, TRUE, FALSE, NULL), th[2];
    double t0, t1;
    int i;

    if (!go) fail("CreateEventA", 0);
    for (i = 0; i < nthreads; i++) {
        w[i].go = go;
        w[i].ops = ops;
        w[i].compute = shim < 0;
        w[i].key = shim > 0 ? new_key() : NULL;
        w[i].heap = shim ? NULL : new_heap();
        if (!(w[i].ready = CreateEventA(NULL, TRUE, FALSE, NULL))) fail("CreateEventA", 0);
        if (!(th[i] = w[i].thread = CreateThread(NULL, 0, worker_main, &w[i], 0, NULL)))
            fail("CreateThread", 0);
        WaitForSingleObject(w[i].ready, INFINITE);
    }
    t0 = nm_bench_now();
    SetEvent(go);
    WaitForMultipleObjects(nthreads, th, TRUE, INFINITE);
    t1 = nm_bench_now();
    for (i = 0; i < nthreads; i++) {
        CloseHandle(w[i].thread);
        CloseHandle(w[i].ready);
        if (shim > 0) end_key(w[i].key);
        else if (!shim) HeapDestroy(w[i].heap);
    }
    CloseHandle(go);
    return (t1 - t0) * 1e9 / ((double)ops * nthreads);
}

/* ---- the table --------------------------------------------------------------------- */

static void header(void)
{
    printf("%-40s %12s %12s %9s %10s  %s\n", "operation", "shim ns/op", "raw ns/op", "ratio",
           "target", "verdict");
}

/* A row where less is better: ratio = shim / raw, target ratio <= max. */
static void row_le(const char *op, double shim, double raw, double max)
{
    double r = shim / raw;
    int ok = r <= max;
    char t[16];

    snprintf(t, sizeof(t), "<= %.2fx", max);
    met += ok;
    total++;
    printf("%-40s %12.1f %12.1f %8.2fx %10s  %s\n", op, shim, raw, r, t, ok ? "met" : "MISSED");
    fflush(stdout);
}

/* A row where the shim must be faster: speedup = raw / shim >= min. */
static void row_ge(const char *op, double shim, double raw, double min, const char *unit)
{
    double r = raw / shim;
    int ok = r >= min;
    char t[16];

    snprintf(t, sizeof(t), ">= %.1fx", min);
    met += ok;
    total++;
    printf("%-40s %12.1f %12.1f %8.2fx %10s  %s%s\n", op, shim, raw, r, t, ok ? "met" : "MISSED", unit);
    fflush(stdout);
}

static void info(const char *op, double raw)
{
    printf("%-40s %12s %12.1f %9s %10s  %s\n", op, "", raw, "", "", "(information)");
    fflush(stdout);
}

static void bench_pairs(SIZE_T size)
{
    HEXPERTKEY key = new_key();
    HANDLE hz = new_heap(), hp = new_heap(), hn = HeapCreate(HEAP_NO_SERIALIZE, 0, 0);
    static void *ws[WINDOW], *wz[WINDOW], *wp[WINDOW], *wn[WINDOW];
    double *s = calloc(reps, sizeof(double)), *z = calloc(reps, sizeof(double));
    double *p = calloc(reps, sizeof(double)), *n = calloc(reps, sizeof(double));
    char op[64];
    int i;

    if (!s || !z || !p || !n) fail("calloc", 0);
    if (!hn) fail("HeapCreate(HEAP_NO_SERIALIZE)", 0);
    shim_fill(key, ws, size);
    raw_fill(hz, HEAP_ZERO_MEMORY, wz, size);
    raw_fill(hp, 0, wp, size);
    raw_fill(hn, HEAP_ZERO_MEMORY, wn, size);
    /* One untimed round each: first-touch page faults and table growth are not the
     * steady state an expert's main loop sees. */
    shim_pairs(key, ws, size, pair_ops / 4 + 1);
    raw_pairs(hz, HEAP_ZERO_MEMORY, wz, size, pair_ops / 4 + 1);
    raw_pairs(hp, 0, wp, size, pair_ops / 4 + 1);
    raw_pairs(hn, HEAP_ZERO_MEMORY, wn, size, pair_ops / 4 + 1);
    for (i = 0; i < reps; i++) {
        s[i] = shim_pairs(key, ws, size, pair_ops);
        z[i] = raw_pairs(hz, HEAP_ZERO_MEMORY, wz, size, pair_ops);
        p[i] = raw_pairs(hp, 0, wp, size, pair_ops);
        n[i] = raw_pairs(hn, HEAP_ZERO_MEMORY, wn, size, pair_ops);
    }
    snprintf(op, sizeof(op), "alloc+free %lu B (%d live)", (unsigned long)size, WINDOW);
    row_le(op, nm_bench_median(s, reps), nm_bench_median(z, reps), 1.25);
    snprintf(op, sizeof(op), "  raw without HEAP_ZERO_MEMORY");
    info(op, nm_bench_median(p, reps));
    /* The shim's own heap kind (HEAP_NO_SERIALIZE, zeroed) without the shim around it:
     * separates what the heap kind costs from what the wrapper costs. */
    info("  raw on a HEAP_NO_SERIALIZE heap", nm_bench_median(n, reps));
    end_key(key);
    HeapDestroy(hz);
    HeapDestroy(hp);
    HeapDestroy(hn);
    free(s), free(z), free(p), free(n);
}

static void bench_chain(void)
{
    HEXPERTKEY key = new_key();
    HANDLE heap = new_heap(), hn = HeapCreate(HEAP_NO_SERIALIZE, 0, 0);
    static void *ws[WINDOW], *wr[WINDOW], *wn[WINDOW];
    double *s = calloc(reps, sizeof(double)), *r = calloc(reps, sizeof(double));
    double *n = calloc(reps, sizeof(double));
    int i;

    if (!s || !r || !n) fail("calloc", 0);
    if (!hn) fail("HeapCreate(HEAP_NO_SERIALIZE)", 0);
    /* Chains grow among live blocks, as in an expert that keeps other state. */
    shim_fill(key, ws, 64);
    raw_fill(heap, HEAP_ZERO_MEMORY, wr, 64);
    raw_fill(hn, HEAP_ZERO_MEMORY, wn, 64);
    shim_chains(key, 2);
    raw_chains(heap, 2);
    raw_chains(hn, 2);
    for (i = 0; i < reps; i++) {
        s[i] = shim_chains(key, chains);
        r[i] = raw_chains(heap, chains);
        n[i] = raw_chains(hn, chains);
    }
    row_le("realloc chain 16 B -> 1 MiB (+free)", nm_bench_median(s, reps),
           nm_bench_median(r, reps), 1.25);
    info("  raw on a HEAP_NO_SERIALIZE heap", nm_bench_median(n, reps));
    printf("  (ns per chain: 1 alloc, 16 reallocs, 1 free)\n");
    end_key(key);
    HeapDestroy(heap);
    HeapDestroy(hn);
    free(s), free(r), free(n);
}

static void bench_size(void)
{
    HEXPERTKEY key = new_key();
    HANDLE heap = new_heap();
    static void *ws[WINDOW], *wr[WINDOW];
    double *s = calloc(reps, sizeof(double)), *r = calloc(reps, sizeof(double));
    int i;

    if (!s || !r) fail("calloc", 0);
    shim_fill(key, ws, 64);
    raw_fill(heap, HEAP_ZERO_MEMORY, wr, 64);
    shim_sizes(key, ws, 64, size_ops / 4 + 1);
    raw_sizes(heap, wr, 64, size_ops / 4 + 1);
    for (i = 0; i < reps; i++) {
        s[i] = shim_sizes(key, ws, 64, size_ops);
        r[i] = raw_sizes(heap, wr, 64, size_ops);
    }
    row_le("MemorySize vs HeapSize (1000 live)", nm_bench_median(s, reps),
           nm_bench_median(r, reps), 1.0);
    end_key(key);
    HeapDestroy(heap);
    free(s), free(r);
}

static void bench_end(void)
{
    int n = reps < 5 ? reps : 5, i;     /* each repetition allocates 3 x 100,000 blocks */
    void **all = malloc(END_BLOCKS * sizeof(void *));
    double s[8], r[8], d[8];

    if (!all) fail("malloc", 0);
    for (i = 0; i < n; i++) {
        s[i] = shim_end();
        r[i] = raw_end(all);
        d[i] = raw_destroy_only();
    }
    row_ge("end instance, 100000 live blocks", nm_bench_median(s, n) / END_BLOCKS,
           nm_bench_median(r, n) / END_BLOCKS, 10.0, "  (ns per block; ratio = speedup)");
    info("  raw HeapDestroy alone (the floor)", nm_bench_median(d, n) / END_BLOCKS);
    free(all);
}

static void bench_threads(void)
{
    double *s1 = calloc(reps, sizeof(double)), *s2 = calloc(reps, sizeof(double));
    double *r1 = calloc(reps, sizeof(double)), *r2 = calloc(reps, sizeof(double));
    double *c1 = calloc(reps, sizeof(double)), *c2 = calloc(reps, sizeof(double));
    int i;

    if (!s1 || !s2 || !r1 || !r2 || !c1 || !c2) fail("calloc", 0);
    run_threads(1, 1, thread_ops / 4 + 1);
    for (i = 0; i < reps; i++) {
        s1[i] = run_threads(1, 1, thread_ops);
        s2[i] = run_threads(2, 1, thread_ops);
        r1[i] = run_threads(1, 0, thread_ops);
        r2[i] = run_threads(2, 0, thread_ops);
        c1[i] = run_threads(1, -1, thread_ops);
        c2[i] = run_threads(2, -1, thread_ops);
    }
    /* Wall ns per op: 2 threads' wall time over their total ops vs 1 thread's. The
     * speedup in ops/s is 1-thread ns/op over 2-thread ns/op. */
    row_ge("2 threads/2 keys vs 1/1 (64 B pairs)", nm_bench_median(s2, reps),
           nm_bench_median(s1, reps), 1.6, "  (shim col: 2 threads, raw col: 1 thread)");
    printf("%-40s %12.1f %12.1f %8.2fx %10s  %s\n", "  raw heaps: 2 threads vs 1 (information)",
           nm_bench_median(r2, reps), nm_bench_median(r1, reps),
           nm_bench_median(r1, reps) / nm_bench_median(r2, reps), "", "(information)");
    /* If arithmetic alone does not scale, the machine is busy and the row above says
     * nothing about the shim. */
    printf("%-40s %12.1f %12.1f %8.2fx %10s  %s\n", "  calibration: arithmetic 2 vs 1 thread",
           nm_bench_median(c2, reps), nm_bench_median(c1, reps),
           nm_bench_median(c1, reps) / nm_bench_median(c2, reps), "", "(are 2 cores free?)");
    free(s1), free(s2), free(r1), free(r2), free(c1), free(c2);
}

int main(void)
{
    SYSTEM_INFO si;
    int quick = nm_bench_quick();
    double t0 = nm_bench_now();

    setvbuf(stdout, NULL, _IOFBF, 1 << 14);
    GetSystemInfo(&si);
    reps = quick ? 3 : 7;
    pair_ops = quick ? 20000 : 400000;
    chains = quick ? 5 : 60;
    size_ops = quick ? 20000 : 1000000;
    thread_ops = quick ? 50000 : 1000000;
    load_nmapi();
    printf("bench_memory: nmapi.dll %s, arch %s, %lu processors, %s (%d repetitions, medians)\n",
           NMSHIM_VERSION_STRING, nm_bench_arch(), (unsigned long)si.dwNumberOfProcessors,
           quick ? "quick mode" : "full mode", reps);
    printf("raw = HeapAlloc/HeapReAlloc/HeapSize/HeapFree on HeapCreate(0,0,0), HEAP_ZERO_MEMORY "
           "unless said\n\n");
    header();
    bench_pairs(16);
    bench_pairs(64);
    bench_pairs(256);
    bench_pairs(4096);
    bench_chain();
    bench_size();
    bench_end();
    bench_threads();
    printf("\nbench_memory: %d of %d targets met (%.1f s)\n", met, total, nm_bench_now() - t0);
    fflush(stdout);
    return 0;
}
