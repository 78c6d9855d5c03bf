/*
 * test_util.h - what every suite shares: the suite table type, value-printing checks,
 * the poison value for out-parameters, and a GetProcAddress table of nmapi.dll's exports
 * (black-box suites go through the DLL, so they could run against another nmapi.dll).
 */
#ifndef NM_TEST_UTIL_H
#define NM_TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <netmon.h>
#include <CUnit/CUnit.h>
#include "nmshim.h"

#define ERR_POISON 0xdeadbeefu

struct nm_test { const char *name; void (*fn)(void); };
struct nm_suite {
    const char *name;
    int (*init)(void);
    int (*cleanup)(void);
    const struct nm_test *tests;     /* terminated by { NULL, NULL } */
};
#define NM_TEST(fn) { #fn, fn }
#define NM_TEST_END { NULL, NULL }

/* Checks that print what was got and what was expected. */
void nm_check(int ok, const char *file, int line, const char *fmt, ...);
#define CHECK(cond) nm_check(!!(cond), __FILE__, __LINE__, "%s", #cond)
#define CHECK_MSG(cond, ...) nm_check(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define CHECK_EQ_U(got, exp) do { unsigned long long g_ = (unsigned long long)(got), \
    e_ = (unsigned long long)(exp); nm_check(g_ == e_, __FILE__, __LINE__, \
    "%s: got %llu (%#llx), expected %llu (%#llx)", #got, g_, g_, e_, e_); } while (0)
#define CHECK_EQ_PTR(got, exp) do { const void *g_ = (const void *)(got), \
    *e_ = (const void *)(exp); nm_check(g_ == e_, __FILE__, __LINE__, \
    "%s: got %p, expected %p", #got, g_, e_); } while (0)
#define CHECK_STR(got, exp) do { const char *g_ = (got), *e_ = (exp); \
    nm_check(g_ && e_ && !strcmp(g_, e_), __FILE__, __LINE__, \
    "%s: got \"%s\", expected \"%s\"", #got, g_ ? g_ : "(null)", e_ ? e_ : "(null)"); } while (0)

/* nmapi.dll loaded from the test exe's folder, every export resolved by name. */
struct nmapi_fns {
    HMODULE dll;
    LPVOID (WINAPI *ExpertAllocMemory)(HEXPERTKEY, SIZE_T, DWORD *);
    LPVOID (WINAPI *ExpertReallocMemory)(HEXPERTKEY, LPVOID, SIZE_T, DWORD *);
    DWORD  (WINAPI *ExpertFreeMemory)(HEXPERTKEY, LPVOID);
    SIZE_T (WINAPI *ExpertMemorySize)(HEXPERTKEY, LPVOID);
    DWORD  (WINAPI *ExpertGetFrame)(HEXPERTKEY, DWORD, DWORD, DWORD, HFILTER, LPEXPERTFRAMEDESCRIPTOR);
    DWORD  (WINAPI *ExpertIndicateStatus)(HEXPERTKEY, EXPERTSTATUSENUMERATION, DWORD, const char *, LONG);
    DWORD  (WINAPI *ExpertSubmitEvent)(HEXPERTKEY, PNMEVENTDATA);
    DWORD  (WINAPI *ExpertGetStartupInfo)(HEXPERTKEY, PEXPERTSTARTUPINFO);
    DWORD  (WINAPI *NmShimCreateInstance)(SIZE_T, HEXPERTKEY *);
    DWORD  (WINAPI *NmShimEndInstance)(HEXPERTKEY, NMSHIM_MEMSTATS *);
    DWORD  (WINAPI *NmShimStopInstance)(HEXPERTKEY);
    DWORD  (WINAPI *NmShimGetInstanceStats)(HEXPERTKEY, NMSHIM_MEMSTATS *);
    DWORD  (WINAPI *NmShimGetInstanceHeap)(HEXPERTKEY, HANDLE *);
    DWORD  (WINAPI *NmShimOpenCapture)(LPCSTR, HNMCAPTURE *, LPSTR, DWORD);
    DWORD  (WINAPI *NmShimGetCaptureInfo)(HNMCAPTURE, NMSHIM_CAPTURE_INFO *);
    DWORD  (WINAPI *NmShimCloseCapture)(HNMCAPTURE);
    DWORD  (WINAPI *NmShimLoadExpert)(LPCSTR, HNMEXPERT *);
    DWORD  (WINAPI *NmShimGetExpertInfo)(HNMEXPERT, EXPERTENUMINFO *);
    DWORD  (WINAPI *NmShimConfigureExpert)(HNMEXPERT, const NMSHIM_RUN_PARAMS *);
    DWORD  (WINAPI *NmShimGetConfig)(HNMEXPERT, void *, DWORD, DWORD *);
    DWORD  (WINAPI *NmShimSetConfig)(HNMEXPERT, const void *, DWORD);
    DWORD  (WINAPI *NmShimStartExpert)(HNMEXPERT, const NMSHIM_RUN_PARAMS *);
    DWORD  (WINAPI *NmShimWaitExpert)(HNMEXPERT, DWORD);
    DWORD  (WINAPI *NmShimStopExpert)(HNMEXPERT, DWORD);
    DWORD  (WINAPI *NmShimGetStatus)(HNMEXPERT, EXPERTSTATUS *);
    DWORD  (WINAPI *NmShimGetResult)(HNMEXPERT, NMSHIM_RESULT *);
    DWORD  (WINAPI *NmShimGetEvent)(HNMEXPERT, DWORD, const NMEVENTDATA **);
    DWORD  (WINAPI *NmShimUnloadExpert)(HNMEXPERT);
    LPCSTR (WINAPI *NmShimExceptionName)(DWORD);
};
extern struct nmapi_fns nm;          /* filled by nm_load_nmapi() */
int nm_load_nmapi(void);             /* suite init helper: 0 on success */
/* Full path of a file next to the test exe (test experts, data). */
const char *nm_test_path(const char *name);
/* Folder for files a test writes (under the build tree); created on first use. */
const char *nm_test_tmp(const char *name);

/* Loads an expert (tests/experts), runs it on capture (may be NULL), waits up to
 * timeout_ms, fills *res; returns the expert handle for the caller to unload. */
HNMEXPERT nm_run_expert(const char *dll, HNMCAPTURE capture, DWORD timeout_ms, NMSHIM_RESULT *res);
/* The bundled sample capture (data/sample.cap in the source tree), opened. */
HNMCAPTURE nm_open_sample(NMSHIM_CAPTURE_INFO *info);

/* Running on Wine's checking heap (scripts/test.sh's checked pass, or warn+heap asked for):
 * it delays frees, so HeapWalk counts freed blocks as busy for a while. */
static inline int nm_test_checking_heap(void)
{
    const char *d = getenv("NMSHIM_WINEDEBUG");
    return getenv("NMSHIM_CHECK_HEAP") != NULL || (d && strstr(d, "heap"));
}

#endif /* NM_TEST_UTIL_H */
