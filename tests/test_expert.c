/*
 * test_expert.c - suite "expert" (shim/expert.c, through nmapi.dll's host API): the
 * lifecycle of real expert DLLs (tests/experts): load, Register, Configure, Run on its
 * own thread and key, faults under the guard, leaks, stop, hung experts, and a host
 * that survives all of it in one process.
 */
#include <string.h>
#include "test_util.h"

static int init(void) { return nm_load_nmapi(); }

#define OUTCOME(res, want) CHECK_MSG((res).outcome == (want), "outcome %d, expected %d: %s (status \"%s\")", \
    (res).outcome, (want), (res).message, (res).status.szStatusText)

static void run_fault(const char *dll, DWORD code, NMSHIM_RESULT *res)
{
    DWORD heaps = GetProcessHeaps(0, NULL);
    HNMEXPERT e = nm_run_expert(dll, NULL, 30000, res);

    OUTCOME(*res, NMSHIM_FAULT_OUTCOME);
    CHECK_EQ_U(res->fault.code, code);
    CHECK_STR(res->fault.entry, "Run");
    /* Also for RaiseException, whose address lies in kernelbase.dll: the fault is
     * reported at the expert code that called it. */
    CHECK_STR(res->fault.module, dll);
    CHECK(res->fault.offset != 0);
    /* The expert's heap is gone: the process has the heaps it had before the run. */
    CHECK_EQ_U(GetProcessHeaps(0, NULL), heaps);
    nm.NmShimUnloadExpert(e);
}

static void test_expert_ok(void)
{
    NMSHIM_RESULT res;
    EXPERTENUMINFO info;
    HNMEXPERT e = nm_run_expert("t_ok.dll", NULL, 30000, &res);

    OUTCOME(res, NMSHIM_DONE);
    CHECK_EQ_U(res.status.Status, EXPERTSTATUS_DONE);
    CHECK_EQ_U(res.status.PercentDone, 100);          /* the host sets 100 at success */
    CHECK_EQ_U(res.memory.allocs, 10);
    CHECK_EQ_U(res.memory.reallocs, 1);
    CHECK_EQ_U(res.memory.frees, 10);
    CHECK_EQ_U(res.memory.leaked_blocks, 0);
    CHECK_EQ_U(nm.NmShimGetExpertInfo(e, &info), NMERR_SUCCESS);
    CHECK_STR(info.szName, "t_ok");
    CHECK_EQ_PTR(info.hExpert, e);
    CHECK(info.hModule != NULL && info.pRunProc != NULL);
    nm.NmShimUnloadExpert(e);
}

static void test_expert_decorated_exports(void)
{
    NMSHIM_RESULT res;
    HNMEXPERT e = nm_run_expert("t_decorated.dll", NULL, 30000, &res);

    /* i686: Register@4/Run@20 are found by the fallback spellings. */
    OUTCOME(res, NMSHIM_DONE);
    nm.NmShimUnloadExpert(e);
}

static void test_expert_crash_after_alloc(void)
{
    NMSHIM_RESULT res;

    run_fault("t_crash_after_alloc.dll", EXCEPTION_ACCESS_VIOLATION, &res);
    CHECK_STR(res.fault.name, "EXCEPTION_ACCESS_VIOLATION");
    CHECK_EQ_U(res.fault.av_access, 1);               /* a write */
    CHECK_EQ_U(res.fault.av_target, 0);               /* through NULL */
    CHECK_EQ_U(res.memory.allocs, 100);
    CHECK_EQ_U(res.memory.leaked_blocks, 100);        /* freed by the heap's destruction */
    CHECK_EQ_U(res.memory.leaked_bytes, 100000);
}

static void test_expert_divide_by_zero(void)
{
    NMSHIM_RESULT res;
    run_fault("t_divzero.dll", EXCEPTION_INT_DIVIDE_BY_ZERO, &res);
}

static void test_expert_raise(void)
{
    NMSHIM_RESULT res;

    run_fault("t_raise.dll", 0xE0001234, &res);
    CHECK_MSG(strstr(res.message, "called from t_raise.dll") != NULL, "message: %s", res.message);
    CHECK_EQ_U(res.fault.nparams, 3);
    CHECK_EQ_U(res.fault.params[0], 0x11);
    CHECK_EQ_U(res.fault.params[1], 0x22);
    CHECK_EQ_U(res.fault.params[2], 0x33);
}

static void test_expert_stack_overflow_three_times(void)
{
    NMSHIM_RESULT res;
    int i;

    for (i = 0; i < 3; i++) run_fault("t_stackoverflow.dll", STATUS_STACK_OVERFLOW, &res);
    nm.NmShimUnloadExpert(nm_run_expert("t_ok.dll", NULL, 30000, &res));
    OUTCOME(res, NMSHIM_DONE);
}

static void test_expert_dllmain_crash(void)
{
    NMSHIM_RESULT res;
    HNMEXPERT e = NULL;

    CHECK(nm.NmShimLoadExpert(nm_test_path("t_dllmain_crash.dll"), &e) != NMERR_SUCCESS);
    CHECK(e != NULL);
    if (!e) return;
    nm.NmShimGetResult(e, &res);
    /* Wine's loader catches it and fails the load; hooks.c saw it first (a vectored
     * look) and the report has what a fault in Run would have. */
    OUTCOME(res, NMSHIM_FAULT_OUTCOME);
    CHECK_STR(res.fault.entry, "DllMain");
    CHECK_EQ_U(res.fault.code, EXCEPTION_ACCESS_VIOLATION);
    CHECK_STR(res.fault.module, "t_dllmain_crash.dll");
    CHECK(res.fault.offset != 0);
    CHECK(res.message[0] != 0);
    CHECK_EQ_U(nm.NmShimStartExpert(e, NULL), NMERR_INVALID_PARAMETER);
    nm.NmShimUnloadExpert(e);
}

static void test_expert_register_false(void)
{
    NMSHIM_RESULT res;
    HNMEXPERT e = NULL;

    CHECK_EQ_U(nm.NmShimLoadExpert(nm_test_path("t_register_false.dll"), &e), NMERR_EXPERT_REPORT_FAILED);
    nm.NmShimGetResult(e, &res);
    OUTCOME(res, NMSHIM_FAILED);
    CHECK_STR(res.message, "Register returned FALSE");
    nm.NmShimUnloadExpert(e);
}

static void test_expert_missing_file(void)
{
    NMSHIM_RESULT res;
    HNMEXPERT e = NULL;

    CHECK_EQ_U(nm.NmShimLoadExpert(nm_test_path("no_such_expert.dll"), &e), NMERR_LOAD_EXPERT_FAILED);
    nm.NmShimGetResult(e, &res);
    OUTCOME(res, NMSHIM_LOAD_ERROR);
    nm.NmShimUnloadExpert(e);
    /* A DLL that is not an expert: nmapi.dll itself has no Register. */
    CHECK_EQ_U(nm.NmShimLoadExpert(nm_test_path("nmapi.dll"), &e), NMERR_LOAD_EXPERT_FAILED);
    nm.NmShimGetResult(e, &res);
    OUTCOME(res, NMSHIM_LOAD_ERROR);
    CHECK(strstr(res.message, "Register") != NULL);
    nm.NmShimUnloadExpert(e);
}

static void test_expert_leaker(void)
{
    NMSHIM_RESULT res;
    DWORD heaps = GetProcessHeaps(0, NULL);

    nm.NmShimUnloadExpert(nm_run_expert("t_leaker.dll", NULL, 30000, &res));
    OUTCOME(res, NMSHIM_DONE);
    CHECK_EQ_U(res.memory.leaked_blocks, 1000);
    CHECK_EQ_U(res.memory.leaked_bytes, 100000);
    CHECK_EQ_U(GetProcessHeaps(0, NULL), heaps);
}

/* An expert that wrote past its blocks ends like any other: its heap goes in one
 * HeapDestroy, and the process heap and every other heap still validate (issue 12, keys
 * and isolation). scripts/test.sh runs this suite on Wine's checking heap too, which fails
 * the run on any heap warning. */
static void test_expert_overrun_then_ended(void)
{
    HANDLE heaps[64];
    NMSHIM_RESULT res;
    DWORD before = GetProcessHeaps(0, NULL), n, i;

    nm.NmShimUnloadExpert(nm_run_expert("t_overrun.dll", NULL, 30000, &res));
    OUTCOME(res, NMSHIM_DONE);
    CHECK_EQ_U(res.memory.leaked_blocks, 8);
    CHECK_EQ_U(GetProcessHeaps(0, NULL), before);
    n = GetProcessHeaps(64, heaps);
    for (i = 0; i < n && i < 64; i++)
        CHECK_MSG(HeapValidate(heaps[i], 0, NULL), "heap %lu of %lu does not validate", i, n);
    /* and the host goes on: another expert runs to done */
    nm.NmShimUnloadExpert(nm_run_expert("t_ok.dll", NULL, 30000, &res));
    OUTCOME(res, NMSHIM_DONE);
}

static void test_expert_double_free(void)
{
    NMSHIM_RESULT res;

    nm.NmShimUnloadExpert(nm_run_expert("t_double_free.dll", NULL, 30000, &res));
    OUTCOME(res, NMSHIM_DONE);
    CHECK_EQ_U(res.memory.bad_calls, 1);
    CHECK_EQ_U(res.memory.frees, 1);
}

static void test_expert_foreign_free(void)
{
    NMSHIM_RUN_PARAMS params;
    NMSHIM_RESULT rv, rf;
    HNMEXPERT v = NULL, f = NULL;

    memset(&params, 0, sizeof(params));
    CHECK_EQ_U(nm.NmShimLoadExpert(nm_test_path("t_victim.dll"), &v), NMERR_SUCCESS);
    CHECK_EQ_U(nm.NmShimLoadExpert(nm_test_path("t_foreign_free.dll"), &f), NMERR_SUCCESS);
    CHECK_EQ_U(nm.NmShimStartExpert(v, &params), NMERR_SUCCESS);
    CHECK_EQ_U(nm.NmShimStartExpert(f, &params), NMERR_SUCCESS);
    nm.NmShimWaitExpert(v, 30000);
    nm.NmShimWaitExpert(f, 30000);
    nm.NmShimGetResult(v, &rv);
    nm.NmShimGetResult(f, &rf);
    OUTCOME(rf, NMSHIM_DONE);       /* got NMERR_INVALID_PARAMETER three times */
    OUTCOME(rv, NMSHIM_DONE);       /* its block was intact */
    CHECK_EQ_U(rf.memory.bad_calls, 3);
    CHECK_EQ_U(rv.memory.leaked_blocks, 0);
    nm.NmShimUnloadExpert(v);
    nm.NmShimUnloadExpert(f);
}

static void test_expert_threads(void)
{
    NMSHIM_RESULT res;

    nm.NmShimUnloadExpert(nm_run_expert("t_threads.dll", NULL, 60000, &res));
    OUTCOME(res, NMSHIM_DONE);
    CHECK_EQ_U(res.memory.allocs, 4000);
    CHECK_EQ_U(res.memory.reallocs, 4000);
    CHECK_EQ_U(res.memory.frees, 4000);
    CHECK_EQ_U(res.memory.leaked_blocks, 0);
}

static void test_expert_cxx_exceptions_stay_its_own(void)
{
    NMSHIM_RESULT res;

    nm.NmShimUnloadExpert(nm_run_expert("t_cxx_throw.dll", NULL, 30000, &res));
    OUTCOME(res, NMSHIM_DONE);
}

static void test_expert_honours_stop(void)
{
    NMSHIM_RESULT res;
    HNMEXPERT e = NULL;

    CHECK_EQ_U(nm.NmShimLoadExpert(nm_test_path("t_honour_stop.dll"), &e), NMERR_SUCCESS);
    CHECK_EQ_U(nm.NmShimStartExpert(e, NULL), NMERR_SUCCESS);
    CHECK_EQ_U(nm.NmShimWaitExpert(e, 200), NMERR_TIMEOUT);
    CHECK_EQ_U(nm.NmShimStopExpert(e, 10000), NMERR_SUCCESS);
    nm.NmShimGetResult(e, &res);
    OUTCOME(res, NMSHIM_TERMINATED);
    CHECK_EQ_U(res.status.Status, EXPERTSTATUS_ABORTED);
    nm.NmShimUnloadExpert(e);
}

static void test_expert_ignores_stop(void)
{
    NMSHIM_RESULT res;
    HNMEXPERT e = NULL;
    HANDLE release = CreateEventA(NULL, TRUE, FALSE, "nmshim_release_hung");

    ResetEvent(release);
    CHECK_EQ_U(nm.NmShimLoadExpert(nm_test_path("t_ignore_stop.dll"), &e), NMERR_SUCCESS);
    CHECK_EQ_U(nm.NmShimStartExpert(e, NULL), NMERR_SUCCESS);
    Sleep(100);
    CHECK_EQ_U(nm.NmShimStopExpert(e, 300), NMERR_TIMEOUT);
    nm.NmShimGetResult(e, &res);
    OUTCOME(res, NMSHIM_HUNG);
    /* Once it lets go, the run ends like any stopped run and everything is freed. */
    SetEvent(release);
    CHECK_EQ_U(nm.NmShimWaitExpert(e, 30000), NMERR_SUCCESS);
    nm.NmShimGetResult(e, &res);
    OUTCOME(res, NMSHIM_TERMINATED);
    nm.NmShimUnloadExpert(e);
    CloseHandle(release);
}

static void test_expert_configure_then_run(void)
{
    NMSHIM_RESULT res;
    EXPERTENUMINFO info;
    HNMEXPERT e = NULL;
    BYTE cfg[64];
    DWORD len = 0;

    CHECK_EQ_U(nm.NmShimLoadExpert(nm_test_path("t_config.dll"), &e), NMERR_SUCCESS);
    nm.NmShimGetExpertInfo(e, &info);
    CHECK(info.Flags & EXPERT_ENUM_FLAG_CONFIGURABLE);
    CHECK_EQ_U(nm.NmShimConfigureExpert(e, NULL), NMERR_SUCCESS);
    CHECK_EQ_U(nm.NmShimGetConfig(e, cfg, sizeof(cfg), &len), NMERR_SUCCESS);
    CHECK_EQ_U(len, 20);
    CHECK_EQ_U(*(DWORD *)cfg, 20);
    CHECK(!memcmp(cfg + 4, "config:v1", 9));
    CHECK_EQ_U(nm.NmShimStartExpert(e, NULL), NMERR_SUCCESS);
    nm.NmShimWaitExpert(e, 30000);
    nm.NmShimGetResult(e, &res);
    OUTCOME(res, NMSHIM_DONE);      /* saw the config under a new key; old key dead */
    CHECK(!strncmp(res.status.szStatusText, "config:v1", 9));
    nm.NmShimUnloadExpert(e);

    /* A stored config goes into Configure in that key's heap; the expert grows it. */
    CHECK_EQ_U(nm.NmShimLoadExpert(nm_test_path("t_config.dll"), &e), NMERR_SUCCESS);
    CHECK_EQ_U(nm.NmShimSetConfig(e, cfg, len), NMERR_SUCCESS);
    CHECK_EQ_U(nm.NmShimConfigureExpert(e, NULL), NMERR_SUCCESS);
    CHECK_EQ_U(nm.NmShimGetConfig(e, cfg, sizeof(cfg), &len), NMERR_SUCCESS);
    CHECK_EQ_U(len, 36);
    CHECK(!memcmp(cfg + 4, "config:v2", 9));
    CHECK_EQ_U(nm.NmShimSetConfig(e, cfg, 7), NMERR_INVALID_PARAMETER);   /* length mismatch */
    nm.NmShimUnloadExpert(e);
}

/* Every misbehaving expert in one process, then a good one still runs. */
static void test_expert_host_survives_all(void)
{
    static const char *bad[] = { "t_crash_after_alloc.dll", "t_divzero.dll", "t_raise.dll",
        "t_stackoverflow.dll", "t_dllmain_crash.dll", "t_register_false.dll", "t_leaker.dll",
        "t_double_free.dll" };
    NMSHIM_RESULT res;
    DWORD heaps = GetProcessHeaps(0, NULL);
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        nm.NmShimUnloadExpert(nm_run_expert(bad[i], NULL, 30000, &res));
    nm.NmShimUnloadExpert(nm_run_expert("t_ok.dll", NULL, 30000, &res));
    OUTCOME(res, NMSHIM_DONE);
    CHECK_EQ_U(GetProcessHeaps(0, NULL), heaps);
}

/* 1,000 faulting runs: no heap and no handle left behind. */
static void test_expert_thousand_faults_leak_nothing(void)
{
    DWORD heaps10 = 0, handles10 = 0, handles = 0, i, faults = 0;
    NMSHIM_RESULT res;

    for (i = 0; i < 1000; i++) {
        nm.NmShimUnloadExpert(nm_run_expert("t_crash_after_alloc.dll", NULL, 30000, &res));
        faults += res.outcome == NMSHIM_FAULT_OUTCOME;
        if (i == 9) {
            heaps10 = GetProcessHeaps(0, NULL);
            GetProcessHandleCount(GetCurrentProcess(), &handles10);
        }
    }
    GetProcessHandleCount(GetCurrentProcess(), &handles);
    CHECK_EQ_U(faults, 1000);
    CHECK_EQ_U(GetProcessHeaps(0, NULL), heaps10);
    CHECK_EQ_U(handles, handles10);
}

/* hooks.c's private exception and its kinds (shim/hooks.h). */
#define NM_EXIT_EXCEPTION 0xE04E4D58u

/* exit, _exit, abort, a failed assert, ExitProcess, TerminateProcess on itself and
 * ExitThread inside Run: each a fault of Run with a name of its own, at the expert's
 * call, its heap gone; the host (this process) goes on. */
static void test_expert_exit_calls_in_run(void)
{
    static const struct { const char *dll, *name; } cases[] = {
        { "t_exit_run_exit.dll", "EXPERT_CALLED_EXIT" },
        { "t_exit_run__exit.dll", "EXPERT_CALLED_EXIT" },
        { "t_exit_run_abort.dll", "EXPERT_CALLED_ABORT" },
        { "t_exit_run_assert.dll", "EXPERT_ASSERT_FAILED" },
        { "t_exit_run_exitprocess.dll", "EXPERT_CALLED_EXITPROCESS" },
        { "t_exit_run_terminateprocess.dll", "EXPERT_CALLED_TERMINATEPROCESS" },
        { "t_exit_run_exitthread.dll", "EXPERT_CALLED_EXITTHREAD" },
    };
    NMSHIM_RESULT res;
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        run_fault(cases[i].dll, NM_EXIT_EXCEPTION, &res);
        CHECK_STR(res.fault.name, cases[i].name);
        CHECK_EQ_U(res.memory.leaked_blocks, 1);      /* freed with the heap */
    }
    CHECK_MSG(strstr(res.message, "EXPERT_CALLED_EXITTHREAD") != NULL, "message: %s", res.message);
    nm.NmShimUnloadExpert(nm_run_expert("t_ok.dll", NULL, 30000, &res));
    OUTCOME(res, NMSHIM_DONE);
}

/* The same calls in DllMain (covered through the loader notification, before the
 * expert's code runs) and Register: faults of those entry points. */
static void test_expert_exit_calls_in_dllmain_register(void)
{
    static const struct { const char *dll, *name, *entry; } cases[] = {
        { "t_exit_dllmain_exit.dll", "EXPERT_CALLED_EXIT", "DllMain" },
        { "t_exit_dllmain_exitprocess.dll", "EXPERT_CALLED_EXITPROCESS", "DllMain" },
        { "t_exit_dllmain_exitthread.dll", "EXPERT_CALLED_EXITTHREAD", "DllMain" },
        { "t_exit_register_abort.dll", "EXPERT_CALLED_ABORT", "Register" },
        { "t_exit_register_exitthread.dll", "EXPERT_CALLED_EXITTHREAD", "Register" },
    };
    NMSHIM_RESULT res;
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        HNMEXPERT e = NULL;
        CHECK(nm.NmShimLoadExpert(nm_test_path(cases[i].dll), &e) != NMERR_SUCCESS);
        CHECK(e != NULL);
        if (!e) continue;
        nm.NmShimGetResult(e, &res);
        OUTCOME(res, NMSHIM_FAULT_OUTCOME);
        CHECK_EQ_U(res.fault.code, NM_EXIT_EXCEPTION);
        CHECK_STR(res.fault.name, cases[i].name);
        CHECK_STR(res.fault.entry, cases[i].entry);
        CHECK_STR(res.fault.module, cases[i].dll);
        CHECK_EQ_U(nm.NmShimStartExpert(e, NULL), NMERR_INVALID_PARAMETER);
        nm.NmShimUnloadExpert(e);
    }
    nm.NmShimUnloadExpert(nm_run_expert("t_ok.dll", NULL, 30000, &res));
    OUTCOME(res, NMSHIM_DONE);
}

static void test_expert_exit_in_configure(void)
{
    NMSHIM_RESULT res;
    HNMEXPERT e = NULL;
    DWORD heaps = GetProcessHeaps(0, NULL);

    CHECK_EQ_U(nm.NmShimLoadExpert(nm_test_path("t_exit_configure_exitthread.dll"), &e), NMERR_SUCCESS);
    CHECK_EQ_U(nm.NmShimConfigureExpert(e, NULL), NMERR_INTERNAL_EXCEPTION);
    nm.NmShimGetResult(e, &res);
    OUTCOME(res, NMSHIM_FAULT_OUTCOME);
    CHECK_STR(res.fault.name, "EXPERT_CALLED_EXITTHREAD");
    CHECK_STR(res.fault.entry, "Configure");
    CHECK_EQ_U(GetProcessHeaps(0, NULL), heaps);      /* Configure's heap is gone */
    nm.NmShimUnloadExpert(e);
}

/* Run's thread ends by a path the hooks do not see (ntdll's RtlExitUserThread): the
 * host notices, ends the instance (heap, key) and blames the expert. */
static void test_expert_run_thread_ended(void)
{
    NMSHIM_RESULT res;
    DWORD heaps = GetProcessHeaps(0, NULL);
    HNMEXPERT e = nm_run_expert("t_exit_run_rtlexituserthread.dll", NULL, 30000, &res);

    OUTCOME(res, NMSHIM_FAULT_OUTCOME);
    CHECK_EQ_U(res.fault.code, NM_EXIT_EXCEPTION);
    CHECK_STR(res.fault.name, "EXPERT_THREAD_ENDED");
    CHECK_STR(res.fault.entry, "Run");
    CHECK_EQ_U(res.fault.params[1], 5);               /* the thread's exit code */
    CHECK_EQ_U(GetProcessHeaps(0, NULL), heaps);
    nm.NmShimUnloadExpert(e);
    CHECK_EQ_U(res.memory.allocs, 1);
    CHECK_EQ_U(res.memory.leaked_blocks, 1);
}

/* A fault on a thread the expert created: while Run waits for it, and after Run
 * returned and the heap is gone. */
static void test_expert_worker_faults(void)
{
    static const char *dlls[] = { "t_worker_null.dll", "t_worker_late.dll" };
    NMSHIM_RESULT res;
    size_t i;

    for (i = 0; i < 2; i++) {
        run_fault(dlls[i], EXCEPTION_ACCESS_VIOLATION, &res);
        CHECK_MSG(strstr(res.message, "a thread it created in Run") != NULL, "message: %s", res.message);
        CHECK_EQ_U(res.status.Status, EXPERTSTATUS_PROBLEM);
    }
    nm.NmShimUnloadExpert(nm_run_expert("t_ok.dll", NULL, 30000, &res));
    OUTCOME(res, NMSHIM_DONE);
}

/* The file named, relative to the current folder, not one the loader finds first by
 * searching (the exe's folder, where the test experts are). */
static void test_expert_loads_exact_file(void)
{
    char dir[MAX_PATH], old[MAX_PATH], copy[MAX_PATH + 16];
    NMSHIM_RESULT res;
    HNMEXPERT e = NULL;

    lstrcpynA(dir, nm_test_tmp("exact"), sizeof(dir));
    CreateDirectoryA(dir, NULL);
    snprintf(copy, sizeof(copy), "%s\\t_ok.dll", dir);
    CHECK(CopyFileA(nm_test_path("t_register_false.dll"), copy, FALSE));
    GetCurrentDirectoryA(sizeof(old), old);
    CHECK(SetCurrentDirectoryA(dir));
    CHECK_EQ_U(nm.NmShimLoadExpert("t_ok.dll", &e), NMERR_EXPERT_REPORT_FAILED);
    SetCurrentDirectoryA(old);
    nm.NmShimGetResult(e, &res);
    OUTCOME(res, NMSHIM_FAILED);
    CHECK_STR(res.message, "Register returned FALSE");
    nm.NmShimUnloadExpert(e);
    DeleteFileA(copy);
    RemoveDirectoryA(dir);
}

/* A Configure that opens a modal box (headless: nobody answers) is stopped at the
 * timeout and reported hung; its thread stays, the host goes on. Last in the suite: the
 * hung thread lives until the process ends. */
static void test_expert_configure_timeout(void)
{
    DWORD (WINAPI *set_timeouts)(DWORD, DWORD) = (void *)GetProcAddress(
        GetModuleHandleA("nmapi.dll"), "NmShimSetTimeouts");
    NMSHIM_RESULT res;
    HNMEXPERT e = NULL;
    DWORD t0;

    CHECK(set_timeouts != NULL);
    if (!set_timeouts) return;
    CHECK_EQ_U(set_timeouts(500, 300), NMERR_SUCCESS);
    CHECK_EQ_U(nm.NmShimLoadExpert(nm_test_path("t_hang_configure.dll"), &e), NMERR_SUCCESS);
    t0 = GetTickCount();
    CHECK_EQ_U(nm.NmShimConfigureExpert(e, NULL), NMERR_TIMEOUT);
    CHECK_MSG(GetTickCount() - t0 < 10000, "took %lu ms", GetTickCount() - t0);
    nm.NmShimGetResult(e, &res);
    OUTCOME(res, NMSHIM_HUNG);
    CHECK(!strncmp(res.message, "Configure", 9));
    CHECK_EQ_U(nm.NmShimStartExpert(e, NULL), NMERR_INVALID_PARAMETER);  /* still busy */
    nm.NmShimUnloadExpert(e);          /* left mapped: its thread runs */
    CHECK_EQ_U(set_timeouts(0, 2000), NMERR_SUCCESS);
    nm.NmShimUnloadExpert(nm_run_expert("t_ok.dll", NULL, 30000, &res));
    OUTCOME(res, NMSHIM_DONE);
}

/* ---- fault injection (issue 14 §2: NMSHIM_RUN_PARAMS.fail_alloc ..., NmShimGetInjected) */

typedef DWORD (WINAPI *get_injected_fn)(HNMEXPERT, NMSHIM_INJECTED *);

static get_injected_fn get_injected(void)
{
    return (get_injected_fn)(void *)GetProcAddress(nm.dll, "NmShimGetInjected");
}

/* Runs dll with params to its end (or timeout_ms, then a stop). */
static HNMEXPERT run_with(const char *dll, NMSHIM_RUN_PARAMS *params, NMSHIM_RESULT *res)
{
    HNMEXPERT e = NULL;

    memset(res, 0, sizeof(*res));
    CHECK_EQ_U(nm.NmShimLoadExpert(nm_test_path(dll), &e), NMERR_SUCCESS);
    CHECK_EQ_U(nm.NmShimStartExpert(e, params), NMERR_SUCCESS);
    if (nm.NmShimWaitExpert(e, 30000) != NMERR_SUCCESS) nm.NmShimStopExpert(e, 5000);
    nm.NmShimGetResult(e, res);
    return e;
}

/* An expert that ignores a failed allocation faults where it writes through the NULL,
 * and the failure is counted as injected, not as a real one; without injection the same
 * expert is done and nothing is counted. */
static void test_expert_fail_alloc_unchecked(void)
{
    get_injected_fn gi = get_injected();
    NMSHIM_RUN_PARAMS params;
    NMSHIM_RESULT res;
    NMSHIM_INJECTED inj;
    HNMEXPERT e;

    CHECK(gi != NULL);
    if (!gi) return;
    memset(&params, 0, sizeof(params));
    params.fail_alloc = 1;
    e = run_with("t_alloc_unchecked.dll", &params, &res);
    OUTCOME(res, NMSHIM_FAULT_OUTCOME);
    CHECK_EQ_U(res.fault.code, EXCEPTION_ACCESS_VIOLATION);
    CHECK_STR(res.fault.entry, "Run");
    CHECK_EQ_U(res.fault.av_access, 1);          /* a write */
    CHECK_EQ_U(res.fault.av_target, 0);          /* of the NULL it got */
    CHECK_EQ_U(res.memory.failed, 0);
    memset(&inj, 0xcc, sizeof(inj));
    CHECK_EQ_U(gi(e, &inj), NMERR_SUCCESS);
    CHECK_EQ_U(inj.alloc_calls, 1);
    CHECK_EQ_U(inj.alloc_failures, 1);
    CHECK_EQ_U(inj.stop_injected, FALSE);
    CHECK_EQ_U(gi(e, NULL), NMERR_INVALID_PARAMETER);
    CHECK_EQ_U(gi(NULL, &inj), NMERR_INVALID_PARAMETER);
    nm.NmShimUnloadExpert(e);

    params.fail_alloc = 0;
    e = run_with("t_alloc_unchecked.dll", &params, &res);
    OUTCOME(res, NMSHIM_DONE);
    memset(&inj, 0xcc, sizeof(inj));
    CHECK_EQ_U(gi(e, &inj), NMERR_SUCCESS);
    CHECK_EQ_U(inj.alloc_calls, 0);
    CHECK_EQ_U(inj.alloc_failures, 0);
    nm.NmShimUnloadExpert(e);
}

/* An expert that checks survives every 3rd call failing: 15 calls, 5 injected; its own
 * event says the same. Configure's key is counted too (t_config allocates its block). */
static void test_expert_fail_alloc_every(void)
{
    get_injected_fn gi = get_injected();
    NMSHIM_RUN_PARAMS params;
    NMSHIM_RESULT res;
    NMSHIM_INJECTED inj;
    const NMEVENTDATA *ev = NULL;
    HNMEXPERT e;

    if (!gi) { CHECK(gi != NULL); return; }
    memset(&params, 0, sizeof(params));
    params.fail_alloc_every = 3;
    e = run_with("t_alloc_checked.dll", &params, &res);
    OUTCOME(res, NMSHIM_DONE);
    CHECK_EQ_U(gi(e, &inj), NMERR_SUCCESS);
    CHECK_EQ_U(inj.alloc_calls, 15);
    CHECK_EQ_U(inj.alloc_failures, 5);
    CHECK_EQ_U(res.memory.failed, 0);
    CHECK_EQ_U(res.memory.leaked_blocks, 0);
    CHECK_EQ_U(nm.NmShimGetEvent(e, 0, &ev), NMERR_SUCCESS);
    if (ev && ev->NumColumns == 2) CHECK_EQ_U(ev->Column[1].VariantData.Value.Uint32Val, 5);
    nm.NmShimUnloadExpert(e);

    /* Configure's instance counts on its own: --fail-alloc 1 fails t_config's first
     * allocation in Configure, and the counts add up per expert. */
    params.fail_alloc_every = 0;
    params.fail_alloc = 1;
    CHECK_EQ_U(nm.NmShimLoadExpert(nm_test_path("t_config.dll"), &e), NMERR_SUCCESS);
    CHECK_EQ_U(nm.NmShimConfigureExpert(e, &params), NMERR_EXPERT_REPORT_FAILED);
    memset(&inj, 0xcc, sizeof(inj));
    CHECK_EQ_U(gi(e, &inj), NMERR_SUCCESS);
    CHECK_EQ_U(inj.alloc_calls, 1);
    CHECK_EQ_U(inj.alloc_failures, 1);
    nm.NmShimUnloadExpert(e);
}

/* --stop-at-frame 5: the call that would return frame 5 answers NMERR_EXPERT_TERMINATE,
 * the key is stopped, Run returns: terminated, the stop recorded at frame 5. A frame the
 * expert never asks for stops nothing. */
static void test_expert_stop_at_frame(void)
{
    get_injected_fn gi = get_injected();
    NMSHIM_RUN_PARAMS params;
    NMSHIM_CAPTURE_INFO info;
    NMSHIM_RESULT res;
    NMSHIM_INJECTED inj;
    HNMEXPERT e;

    if (!gi) { CHECK(gi != NULL); return; }
    memset(&params, 0, sizeof(params));
    params.capture = nm_open_sample(&info);
    CHECK(params.capture != NULL);
    if (!params.capture) return;
    params.stop_at_frame_set = TRUE;
    params.stop_at_frame = 5;
    e = run_with("t_stop_frames.dll", &params, &res);
    OUTCOME(res, NMSHIM_TERMINATED);
    CHECK(strstr(res.message, "frame 5") != NULL);
    CHECK_EQ_U(res.status.Status, EXPERTSTATUS_ABORTED);
    CHECK_EQ_U(gi(e, &inj), NMERR_SUCCESS);
    CHECK_EQ_U(inj.stop_injected, TRUE);
    CHECK_EQ_U(inj.stop_frame, 5);
    nm.NmShimUnloadExpert(e);

    params.stop_at_frame = info.frames;          /* past the end: never asked for */
    e = run_with("t_stop_frames.dll", &params, &res);
    OUTCOME(res, NMSHIM_DONE);
    CHECK_EQ_U(gi(e, &inj), NMERR_SUCCESS);
    CHECK_EQ_U(inj.stop_injected, FALSE);
    nm.NmShimUnloadExpert(e);
    nm.NmShimCloseCapture(params.capture);
}

static const struct nm_test tests[] = {
    NM_TEST(test_expert_ok),
    NM_TEST(test_expert_decorated_exports),
    NM_TEST(test_expert_crash_after_alloc),
    NM_TEST(test_expert_divide_by_zero),
    NM_TEST(test_expert_raise),
    NM_TEST(test_expert_stack_overflow_three_times),
    NM_TEST(test_expert_dllmain_crash),
    NM_TEST(test_expert_register_false),
    NM_TEST(test_expert_missing_file),
    NM_TEST(test_expert_leaker),
    NM_TEST(test_expert_overrun_then_ended),
    NM_TEST(test_expert_double_free),
    NM_TEST(test_expert_foreign_free),
    NM_TEST(test_expert_threads),
    NM_TEST(test_expert_cxx_exceptions_stay_its_own),
    NM_TEST(test_expert_honours_stop),
    NM_TEST(test_expert_ignores_stop),
    NM_TEST(test_expert_configure_then_run),
    NM_TEST(test_expert_host_survives_all),
    NM_TEST(test_expert_thousand_faults_leak_nothing),
    NM_TEST(test_expert_exit_calls_in_run),
    NM_TEST(test_expert_exit_calls_in_dllmain_register),
    NM_TEST(test_expert_exit_in_configure),
    NM_TEST(test_expert_run_thread_ended),
    NM_TEST(test_expert_worker_faults),
    NM_TEST(test_expert_loads_exact_file),
    NM_TEST(test_expert_configure_timeout),
    NM_TEST(test_expert_fail_alloc_unchecked),
    NM_TEST(test_expert_fail_alloc_every),
    NM_TEST(test_expert_stop_at_frame),
    NM_TEST_END
};
const struct nm_suite suite_expert = { "expert", init, NULL, tests };
