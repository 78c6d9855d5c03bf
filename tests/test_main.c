/*
 * test_main.c - the CUnit runner: one exe per arch, every suite registered here.
 *   nmapi_tests [--list] [-s SUITE] [-t TEST]
 * Exit status: 0 all asserts passed, 1 any failed (CU_get_number_of_failure_records is
 * read before the registry goes), 2 bad usage or no such suite/test.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <CUnit/Basic.h>
#include "test_util.h"

/* The suite table: one entry per module (tests mirror modules). */
#define SUITES(X) X(exports) X(blocks) X(instance) X(memory) X(guard) X(expert) \
                  X(capture) X(frames) X(events) X(compat) \
                  X(framefuncs) X(snmp) X(misc) X(engine) X(filter) X(proptext) X(parserdll) \
                  X(watchdog) X(protoenum) X(frametable)
#define DECLARE(name) extern const struct nm_suite suite_##name;
SUITES(DECLARE)
#define ENTRY(name) &suite_##name,
static const struct nm_suite *const suites[] = { SUITES(ENTRY) };

struct nmapi_fns nm;

void nm_check(int ok, const char *file, int line, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    CU_assertImplementation(ok ? CU_TRUE : CU_FALSE, line, msg, file, "", CU_FALSE);
}

static const char *exe_dir(void)
{
    static char dir[MAX_PATH];
    if (!dir[0]) {
        char *slash;
        GetModuleFileNameA(NULL, dir, sizeof(dir));
        if ((slash = strrchr(dir, '\\'))) *slash = 0;
    }
    return dir;
}

const char *nm_test_path(const char *name)
{
    static char path[4][MAX_PATH];
    static int next;
    char *p = path[next++ & 3];
    snprintf(p, MAX_PATH, "%s\\%s", exe_dir(), name);
    return p;
}

const char *nm_test_tmp(const char *name)
{
    static char path[4][MAX_PATH];
    static int next;
    char dir[MAX_PATH], *p = path[next++ & 3];
    snprintf(dir, sizeof(dir), "%s\\..\\testdata", exe_dir());
    CreateDirectoryA(dir, NULL);
    snprintf(p, MAX_PATH, "%s\\%s", dir, name);
    return p;
}

#define LOAD(f) { FARPROC p_ = GetProcAddress(nm.dll, #f); \
        if (!p_) { fprintf(stderr, "nmapi.dll does not export %s\n", #f); return -1; } \
        memcpy(&nm.f, &p_, sizeof(p_)); }
int nm_load_nmapi(void)
{
    if (nm.dll) return 0;
    if (!(nm.dll = LoadLibraryA(nm_test_path("nmapi.dll")))) {
        fprintf(stderr, "cannot load %s: error %lu\n", nm_test_path("nmapi.dll"), GetLastError());
        return -1;
    }
    LOAD(ExpertAllocMemory) LOAD(ExpertReallocMemory) LOAD(ExpertFreeMemory)
    LOAD(ExpertMemorySize) LOAD(ExpertGetFrame) LOAD(ExpertIndicateStatus)
    LOAD(ExpertSubmitEvent) LOAD(ExpertGetStartupInfo)
    LOAD(NmShimCreateInstance) LOAD(NmShimEndInstance) LOAD(NmShimStopInstance)
    LOAD(NmShimGetInstanceStats) LOAD(NmShimGetInstanceHeap) LOAD(NmShimOpenCapture) LOAD(NmShimGetCaptureInfo)
    LOAD(NmShimCloseCapture) LOAD(NmShimLoadExpert) LOAD(NmShimGetExpertInfo)
    LOAD(NmShimConfigureExpert) LOAD(NmShimGetConfig) LOAD(NmShimSetConfig)
    LOAD(NmShimStartExpert) LOAD(NmShimWaitExpert) LOAD(NmShimStopExpert)
    LOAD(NmShimGetStatus) LOAD(NmShimGetResult) LOAD(NmShimGetEvent)
    LOAD(NmShimUnloadExpert) LOAD(NmShimExceptionName)
    return 0;
}

HNMEXPERT nm_run_expert(const char *dll, HNMCAPTURE capture, DWORD timeout_ms, NMSHIM_RESULT *res)
{
    NMSHIM_RUN_PARAMS params;
    HNMEXPERT e = NULL;

    memset(res, 0, sizeof(*res));
    memset(&params, 0, sizeof(params));
    params.capture = capture;
    if (nm.NmShimLoadExpert(nm_test_path(dll), &e) == NMERR_SUCCESS) {
        if (nm.NmShimStartExpert(e, &params) == NMERR_SUCCESS) nm.NmShimWaitExpert(e, timeout_ms);
    }
    if (e) nm.NmShimGetResult(e, res);
    return e;
}

HNMCAPTURE nm_open_sample(NMSHIM_CAPTURE_INFO *info)
{
    char path[MAX_PATH], err[256];
    HNMCAPTURE cap = NULL;
    char *p;

    /* The source tree is a Unix path: under Wine it is reachable through drive Z:. */
    snprintf(path, sizeof(path), "Z:%s/data/sample.cap", NMSHIM_SOURCE_DIR);
    for (p = path; *p; p++) if (*p == '/') *p = '\\';
    if (nm.NmShimOpenCapture(path, &cap, err, sizeof(err)) != NMERR_SUCCESS) {
        fprintf(stderr, "cannot open %s: %s\n", path, err);
        return NULL;
    }
    if (info) nm.NmShimGetCaptureInfo(cap, info);
    return cap;
}

static void usage(void)
{
    fprintf(stderr, "usage: nmapi_tests [--list] [-s SUITE] [-t TEST]\n");
}

int main(int argc, char **argv)
{
    const char *want_suite = NULL, *want_test = NULL;
    int list = 0, added = 0, i;
    unsigned int failures;
    size_t s;

    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--list")) list = 1;
        else if (!strcmp(argv[i], "-s") && i + 1 < argc) want_suite = argv[++i];
        else if (!strcmp(argv[i], "-t") && i + 1 < argc) want_test = argv[++i];
        else { usage(); return 2; }
    }
    setvbuf(stdout, NULL, _IONBF, 0);
    /* A faulting expert under test must not pop up Wine's crash dialog. */
    SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX | SEM_NOOPENFILEERRORBOX);

    if (CU_initialize_registry() != CUE_SUCCESS) return 2;
    for (s = 0; s < sizeof(suites) / sizeof(suites[0]); s++) {
        const struct nm_suite *su = suites[s];
        const struct nm_test *t;
        CU_pSuite cs = NULL;

        if (want_suite && strcmp(want_suite, su->name)) continue;
        for (t = su->tests; t->name; t++) {
            if (want_test && strcmp(want_test, t->name)) continue;
            if (list) { printf("%s %s\n", su->name, t->name); added++; continue; }
            if (!cs && !(cs = CU_add_suite(su->name, su->init, su->cleanup))) return 2;
            CU_add_test(cs, t->name, t->fn);
            added++;
        }
    }
    if (list) { CU_cleanup_registry(); return 0; }
    if (!added) {
        fprintf(stderr, "no test matches%s%s%s%s\n", want_suite ? " -s " : "",
                want_suite ? want_suite : "", want_test ? " -t " : "", want_test ? want_test : "");
        CU_cleanup_registry();
        return 2;
    }
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    failures = CU_get_number_of_failure_records();
    /* A suite whose init failed ran nothing: that is a failure, never a pass. */
    if (CU_get_run_summary()->nSuitesFailed) failures++;
    CU_cleanup_registry();
    return failures ? 1 : 0;
}
