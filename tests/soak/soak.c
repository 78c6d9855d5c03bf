/*
 * soak.c - one host process runs many experts, one after another, through nmapi.dll's
 * host API (the same calls nmhost makes), and shows that nothing accumulates: the
 * process's heap count, handle count, thread count and private bytes are printed at the
 * start, after the warm-up and at the end (issue "Reliability in figures", soak).
 *
 *   soak.exe [--every N] RUNS CAPTURE EXPERT.dll[@stop]...
 *
 * Run i runs expert i % n. An expert marked @stop hangs until told to stop: it gets the
 * stop request after STOP_AFTER_MS, the others have RUN_TIMEOUT_MS to finish. Each run is
 * load, Run on its own thread, wait, result, unload; outcomes are tallied by kind.
 *
 * The first WARMUP runs may grow the process for good (the key registry's slot chunks,
 * the loader's caches, Wine's first-use allocations); from there on nothing may grow.
 * Exit 0: heap, handle and thread counts at the end are not above the warm-up's and
 * private bytes grew by at most 10 %; 1 otherwise (or an expert ended in an outcome its
 * kind cannot have); 2 bad usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <tlhelp32.h>
#include <psapi.h>
#include "nmshim.h"

#define WARMUP          100
#define RUN_TIMEOUT_MS  30000
#define STOP_AFTER_MS   20
#define STOP_GRACE_MS   10000
#define MAX_EXPERTS     32

struct sample { DWORD heaps, handles, threads; SIZE_T private_kib; };

struct expert_kind {
    char path[MAX_PATH];
    BOOL stop;                          /* hangs until stopped */
    unsigned outcomes[NMSHIM_LOAD_ERROR + 1];
};

static DWORD count_threads(void)
{
    THREADENTRY32 te;
    DWORD n = 0, pid = GetCurrentProcessId();
    HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0);

    if (snap == INVALID_HANDLE_VALUE) return 0;
    te.dwSize = sizeof(te);
    if (Thread32First(snap, &te)) {
        do if (te.th32OwnerProcessID == pid) n++;
        while (Thread32Next(snap, &te));
    }
    CloseHandle(snap);
    return n;
}

/* Open handles. GetProcessHandleCount answers 0 under Wine 8, so when it gives nothing the
 * handle table is probed: handle values are multiples of 4, handed out lowest first, so the
 * scan stops after a long run of unused values. */
static DWORD count_handles(void)
{
    DWORD n = 0, flags, gap = 0;
    ULONG_PTR v;

    if (GetProcessHandleCount(GetCurrentProcess(), &n) && n) return n;
    for (v = 4, n = 0; gap < 16384; v += 4) {
        if (GetHandleInformation((HANDLE)v, &flags)) { n++; gap = 0; }
        else gap++;
    }
    return n;
}

/* Private bytes: the commit charge, PrivateUsage (PagefileUsage is the same number on
 * Windows). Wine 8 leaves PrivateUsage 0 and fills PagefileUsage from the Linux process's
 * anonymous resident memory plus swap: private memory that was touched. */
static SIZE_T private_kib(void)
{
    PROCESS_MEMORY_COUNTERS_EX pmc;

    memset(&pmc, 0, sizeof(pmc));
    pmc.cb = sizeof(pmc);
    if (!K32GetProcessMemoryInfo(GetCurrentProcess(), (PROCESS_MEMORY_COUNTERS *)&pmc, sizeof(pmc)))
        return 0;
    return (pmc.PrivateUsage ? pmc.PrivateUsage : pmc.PagefileUsage) / 1024;
}

static struct sample take_sample(void)
{
    struct sample s;

    s.heaps = GetProcessHeaps(0, NULL);
    s.handles = count_handles();
    s.threads = count_threads();
    s.private_kib = private_kib();
    return s;
}

static void print_sample(const char *when, unsigned runs, const struct sample *s)
{
    printf("soak: %-8s after %6u runs: heaps %lu, handles %lu, threads %lu, private %lu KiB\n",
           when, runs, s->heaps, s->handles, s->threads, (unsigned long)s->private_kib);
    fflush(stdout);
}

static const char *outcome_name(NMSHIM_OUTCOME o)
{
    static const char *const names[] = { "pending", "done", "failed", "fault", "terminated",
                                         "hung", "load_error" };
    return (unsigned)o <= NMSHIM_LOAD_ERROR ? names[o] : "?";
}

/* One run of one expert; returns its outcome. */
static NMSHIM_OUTCOME run_one(struct expert_kind *k, HNMCAPTURE cap)
{
    NMSHIM_RUN_PARAMS params;
    NMSHIM_RESULT result;
    HNMEXPERT e = NULL;

    memset(&params, 0, sizeof(params));
    params.capture = cap;
    memset(&result, 0, sizeof(result));
    if (NmShimLoadExpert(k->path, &e)) {
        if (e) { NmShimGetResult(e, &result); NmShimUnloadExpert(e); }
        return NMSHIM_LOAD_ERROR;
    }
    if (NmShimStartExpert(e, &params) == NMERR_SUCCESS) {
        if (NmShimWaitExpert(e, k->stop ? STOP_AFTER_MS : RUN_TIMEOUT_MS) != NMERR_SUCCESS)
            NmShimStopExpert(e, STOP_GRACE_MS);
    }
    NmShimGetResult(e, &result);
    NmShimUnloadExpert(e);
    return result.outcome;
}

int main(int argc, char **argv)
{
    struct expert_kind kinds[MAX_EXPERTS];
    struct sample start, warm, end;
    unsigned runs, i, n, bad = 0;
    HNMCAPTURE cap = NULL;
    char err[256];
    unsigned every = 0;
    int fail = 0;

    if (argc > 2 && !strcmp(argv[1], "--every")) {      /* print a sample every N runs too */
        every = (unsigned)strtoul(argv[2], NULL, 10);
        argc -= 2;
        argv += 2;
    }
    if (argc < 4 || (runs = (unsigned)strtoul(argv[1], NULL, 10)) == 0 || argc - 3 > MAX_EXPERTS) {
        fprintf(stderr, "usage: soak.exe [--every N] RUNS CAPTURE EXPERT.dll[@stop]... (at most %d experts)\n",
                MAX_EXPERTS);
        return 2;
    }
    memset(kinds, 0, sizeof(kinds));
    for (n = 0; n < (unsigned)argc - 3; n++) {
        const char *a = argv[3 + n], *at = strrchr(a, '@');
        size_t len = at && !strcmp(at, "@stop") ? (size_t)(at - a) : strlen(a);
        if (len >= sizeof(kinds[n].path)) { fprintf(stderr, "soak: path too long: %s\n", a); return 2; }
        memcpy(kinds[n].path, a, len);
        kinds[n].stop = len != strlen(a);
    }
    if (NmShimOpenCapture(argv[2], &cap, err, sizeof(err))) {
        fprintf(stderr, "soak: cannot open %s: %s\n", argv[2], err);
        return 2;
    }

    start = take_sample();
    print_sample("start", 0, &start);
    warm = start;
    for (i = 0; i < runs; i++) {
        struct expert_kind *k = &kinds[i % n];
        NMSHIM_OUTCOME o = run_one(k, cap);
        k->outcomes[o <= NMSHIM_LOAD_ERROR ? o : NMSHIM_PENDING]++;
        /* A hang-until-stopped expert must come back terminated; nothing may hang or
         * fail to load in a soak. */
        if (o == NMSHIM_HUNG || o == NMSHIM_LOAD_ERROR || o == NMSHIM_PENDING
            || (k->stop && o != NMSHIM_TERMINATED)) {
            if (bad++ < 5) fprintf(stderr, "soak: run %u: %s ended %s\n", i, k->path, outcome_name(o));
        }
        if (every && (i + 1) % every == 0 && i + 1 != runs) {
            struct sample m = take_sample();
            print_sample("", i + 1, &m);
        }
        if (i + 1 == WARMUP || (runs <= WARMUP && i + 1 == runs)) {
            warm = take_sample();
            print_sample("warm", i + 1, &warm);
        }
    }
    end = take_sample();
    print_sample("end", runs, &end);
    NmShimCloseCapture(cap);

    for (i = 0; i < n; i++) {
        const char *base = strrchr(kinds[i].path, '\\'), *b2 = strrchr(kinds[i].path, '/');
        if (b2 > base) base = b2;
        printf("soak: %-28s", base ? base + 1 : kinds[i].path);
        for (unsigned o = NMSHIM_DONE; o <= NMSHIM_LOAD_ERROR; o++)
            if (kinds[i].outcomes[o]) printf(" %s %u", outcome_name((NMSHIM_OUTCOME)o), kinds[i].outcomes[o]);
        printf("\n");
    }
    if (bad) { printf("soak: FAIL: %u runs ended hung, pending or not loaded\n", bad); fail = 1; }
    if (end.heaps > warm.heaps) { printf("soak: FAIL: heaps grew %lu -> %lu\n", warm.heaps, end.heaps); fail = 1; }
    if (end.handles > warm.handles) { printf("soak: FAIL: handles grew %lu -> %lu\n", warm.handles, end.handles); fail = 1; }
    if (end.threads > warm.threads) { printf("soak: FAIL: threads grew %lu -> %lu\n", warm.threads, end.threads); fail = 1; }
    if (end.private_kib > warm.private_kib + warm.private_kib / 10) {
        printf("soak: FAIL: private bytes grew more than 10 %%: %lu -> %lu KiB\n",
               (unsigned long)warm.private_kib, (unsigned long)end.private_kib);
        fail = 1;
    }
    printf("soak: %s: %u runs of %u experts\n", fail ? "FAILED" : "ok", runs, n);
    return fail;
}
