/*
 * bench_guard.c - what the fault guard costs: ns per guarded call of an empty function
 * against a direct call (the price every expert entry pays), and us per recovered access
 * violation with the per-instance heap work around it (the price an expert crash pays).
 * Median of several repetitions; NMSHIM_BENCH_QUICK=1 for a smoke run.
 */
#include <stdio.h>
#include <string.h>
#include <windows.h>
#include "bench_util.h"
#include "guard.h"
#include "nmshim.h"

static volatile int sink;

/* The measured callee: empty, but a real call (noinline, and the counter write keeps it
 * from being dropped). Same function for both rows, so the difference is the guard. */
static __attribute__((noinline)) void empty_fn(void *ctx)
{
    sink++;
}

/* Direct calls go through a volatile pointer, as nm_guard_call's do, so both rows pay
 * an indirect call. */
static void (*volatile direct_fn)(void *) = empty_fn;

static double ns_direct(long n)
{
    void (*f)(void *) = direct_fn;
    double t0 = nm_bench_now();
    long i;
    for (i = 0; i < n; i++)
        f(NULL);
    return (nm_bench_now() - t0) * 1e9 / (double)n;
}

static double ns_guarded(long n)
{
    struct nm_fault_record rec;
    double t0 = nm_bench_now();
    long i;
    for (i = 0; i < n; i++)
        nm_guard_call(empty_fn, NULL, &rec);
    return (nm_bench_now() - t0) * 1e9 / (double)n;
}

/* One expert crash, as the host sees it: the instance heap, a few blocks, the fault,
 * the heap destroyed. */
struct crash { HANDLE heap; void *target; };
static void crash_fn(void *p)
{
    struct crash *c = p;
    int i;
    for (i = 0; i < 10; i++)
        HeapAlloc(c->heap, 0, 32 + 16 * i);
    *(volatile int *)c->target = 1;
}

static double us_per_fault(int n, void *target)
{
    struct nm_fault_record rec;
    struct crash c;
    double t0 = nm_bench_now();
    int i;
    c.target = target;
    for (i = 0; i < n; i++) {
        c.heap = HeapCreate(0, 0, 0);
        if (nm_guard_call(crash_fn, &c, &rec) != NM_GUARD_FAULTED)
            fprintf(stderr, "bench_guard: fault %d not caught\n", i);
        HeapDestroy(c.heap);
    }
    return (nm_bench_now() - t0) * 1e6 / (double)n;
}

/* The heap work alone, so the fault's own share can be read off. */
static void heap_only_fn(void *p)
{
    struct crash *c = p;
    int i;
    for (i = 0; i < 10; i++)
        HeapAlloc(c->heap, 0, 32 + 16 * i);
}
static double us_heap_only(int n)
{
    struct nm_fault_record rec;
    struct crash c;
    double t0 = nm_bench_now();
    int i;
    for (i = 0; i < n; i++) {
        c.heap = HeapCreate(0, 0, 0);
        nm_guard_call(heap_only_fn, &c, &rec);
        HeapDestroy(c.heap);
    }
    return (nm_bench_now() - t0) * 1e6 / (double)n;
}

#define REPS_MAX 15

/* Expert start-to-end through nmapi.dll, as the host does it: load (DllMain, Register),
 * Run on its own thread and key, wait, result, unload. null_expert's Run returns at once
 * without a capture, so this is the lifecycle's own cost. Returns us per expert, or -1
 * when the expert does not load or run. */
struct lifecycle {
    DWORD (WINAPI *load)(LPCSTR, HNMEXPERT *);
    DWORD (WINAPI *start)(HNMEXPERT, const NMSHIM_RUN_PARAMS *);
    DWORD (WINAPI *wait)(HNMEXPERT, DWORD);
    DWORD (WINAPI *result)(HNMEXPERT, NMSHIM_RESULT *);
    DWORD (WINAPI *unload)(HNMEXPERT);
    char expert[MAX_PATH];
};

static int lifecycle_init(struct lifecycle *l)
{
    NM_BENCH_RESOLVE(l->load, "NmShimLoadExpert");
    NM_BENCH_RESOLVE(l->start, "NmShimStartExpert");
    NM_BENCH_RESOLVE(l->wait, "NmShimWaitExpert");
    NM_BENCH_RESOLVE(l->result, "NmShimGetResult");
    NM_BENCH_RESOLVE(l->unload, "NmShimUnloadExpert");
    nm_bench_beside_exe(l->expert, sizeof(l->expert), "null_expert.dll");
    return 0;
}

static double us_per_expert(const struct lifecycle *l, int n)
{
    NMSHIM_RESULT res;
    double t0 = nm_bench_now();
    int i;

    for (i = 0; i < n; i++) {
        HNMEXPERT e = NULL;
        if (l->load(l->expert, &e) || l->start(e, NULL) || l->wait(e, 10000)) return -1;
        l->result(e, &res);
        l->unload(e);
        if (res.outcome != NMSHIM_DONE) return -1;
    }
    return (nm_bench_now() - t0) * 1e6 / n;
}

int main(void)
{
    int quick = nm_bench_quick();
    int reps = quick ? 3 : 11, r;
    long calls = quick ? 2000000L : 20000000L;
    int faults = quick ? 500 : 5000;
    double d[REPS_MAX], g[REPS_MAX], f[REPS_MAX], h[REPS_MAX], x[REPS_MAX];
    double direct, guarded, fault, heap, expert = -1;
    struct lifecycle lc;
    int have_lc = lifecycle_init(&lc) == 0, experts = quick ? 20 : 200;
    void *target = VirtualAlloc(NULL, 4096, MEM_RESERVE, PAGE_NOACCESS);

    nm_guard_init();
    ns_direct(calls / 10);                  /* warm up caches and the branch predictor */
    ns_guarded(calls / 10);
    us_per_fault(faults / 10, target);
    /* Interleaved, so drift (frequency scaling, a busy neighbour) hits all rows alike. */
    for (r = 0; r < reps; r++) {
        d[r] = ns_direct(calls);
        g[r] = ns_guarded(calls);
        f[r] = us_per_fault(faults, target);
        h[r] = us_heap_only(faults);
        x[r] = have_lc ? us_per_expert(&lc, experts) : -1;
    }
    direct = nm_bench_median(d, reps);
    guarded = nm_bench_median(g, reps);
    fault = nm_bench_median(f, reps);
    heap = nm_bench_median(h, reps);
    if (have_lc) expert = nm_bench_median(x, reps);

    printf("bench_guard (%s, %s): median of %d runs\n", nm_bench_arch(),
           quick ? "quick" : "full", reps);
    /* nm_bench_median sorted the arrays: [0] is the fastest run, printed too because
     * the shared CI machines are noisy and the minimum shows the code's own cost. */
    printf("  %-44s %10s  %s\n", "row", "median", "(fastest run)");
    printf("  %-44s %8.2f ns  (%.2f)\n", "direct call, empty noinline fn", direct, d[0]);
    printf("  %-44s %8.2f ns  (%.2f)\n", "nm_guard_call, same fn", guarded, g[0]);
    printf("  %-44s %8.2f ns  (%.2f)  ratio %.2fx\n", "guard overhead per call",
           guarded - direct, g[0] - d[0], direct > 0 ? guarded / direct : 0.0);
    printf("  %-44s %8.2f us\n", "heap create + 10 alloc + destroy, no fault", heap);
    printf("  %-44s %8.2f us\n", "same + access violation recovered", fault);
    printf("  %-44s %8.2f us\n", "fault's own share", fault - heap);
    if (expert < 0 || x[0] < 0) {
        printf("  %-44s failed: nmapi.dll or null_expert.dll missing, or the run failed\n",
               "expert start-to-end");
        return 1;
    }
    printf("  %-44s %8.2f us  (%.2f)\n", "expert start-to-end (load, Register, Run thread, unload)",
           expert, x[0]);
    return 0;
}
