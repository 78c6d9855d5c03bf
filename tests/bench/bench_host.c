/*
 * bench_host.c - frames per second that nmapi.dll delivers to an expert: opens a capture
 * with NmShimOpenCapture, runs a null expert (tests/bench/null_expert.c: ExpertGetFrame
 * forward until NMERR_NO_MORE_FRAMES, nothing else) and times open+run and run alone.
 * The Windows half of tests/bench/bench-host.sh, which sets the result beside capinfos.
 *
 * Usage: bench_host.exe CAPTURE [NULL_EXPERT.dll]   (default: null_expert.dll beside
 * this exe). nmapi.dll is loaded from this exe's folder at run time, the very module
 * the expert imports, so host and expert share one instance registry.
 * Exit status: 0 when every frame reached the expert; 2 when a call failed or the
 * expert saw a different number of frames than the capture holds.
 * Last line, for the driver script:
 *   RESULT frames=N open_s=S run_s=S total_s=S
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <netmon.h>
#include "nmshim.h"
#include "bench_util.h"

#define RUN_TIMEOUT_MS (10u * 60u * 1000u)   /* a hung run is a failure, not a number */

typedef DWORD (WINAPI *open_fn)(LPCSTR, HNMCAPTURE *, LPSTR, DWORD);
typedef DWORD (WINAPI *info_fn)(HNMCAPTURE, NMSHIM_CAPTURE_INFO *);
typedef DWORD (WINAPI *close_fn)(HNMCAPTURE);
typedef DWORD (WINAPI *load_fn)(LPCSTR, HNMEXPERT *);
typedef DWORD (WINAPI *start_fn)(HNMEXPERT, const NMSHIM_RUN_PARAMS *);
typedef DWORD (WINAPI *wait_fn)(HNMEXPERT, DWORD);
typedef DWORD (WINAPI *result_fn)(HNMEXPERT, NMSHIM_RESULT *);
typedef DWORD (WINAPI *unload_fn)(HNMEXPERT);

static open_fn   p_open;
static info_fn   p_info;
static close_fn  p_close;
static load_fn   p_load;
static start_fn  p_start;
static wait_fn   p_wait;
static result_fn p_result;
static unload_fn p_unload;

static void fail(const char *what, unsigned long code, const char *detail)
{
    printf("bench_host: FAILED: %s (code %lu)%s%s\n", what, code, detail ? ": " : "",
           detail ? detail : "");
    fflush(stdout);
    exit(2);
}

static void load_nmapi(void)
{
    NM_BENCH_RESOLVE(p_open, "NmShimOpenCapture");
    NM_BENCH_RESOLVE(p_info, "NmShimGetCaptureInfo");
    NM_BENCH_RESOLVE(p_close, "NmShimCloseCapture");
    NM_BENCH_RESOLVE(p_load, "NmShimLoadExpert");
    NM_BENCH_RESOLVE(p_start, "NmShimStartExpert");
    NM_BENCH_RESOLVE(p_wait, "NmShimWaitExpert");
    NM_BENCH_RESOLVE(p_result, "NmShimGetResult");
    NM_BENCH_RESOLVE(p_unload, "NmShimUnloadExpert");
}

int main(int argc, char **argv)
{
    char expert_path[MAX_PATH + 32], err[256] = "";
    NMSHIM_CAPTURE_INFO info;
    NMSHIM_RUN_PARAMS params;
    NMSHIM_RESULT *res;
    HNMCAPTURE cap = NULL;
    HNMEXPERT ex = NULL;
    unsigned long seen = 0;
    double t0, t1, t2;
    DWORD rc;

    if (argc < 2 || argc > 3) {
        printf("usage: bench_host.exe CAPTURE [NULL_EXPERT.dll]\n");
        return 2;
    }
    if (argc == 3) lstrcpynA(expert_path, argv[2], MAX_PATH);
    else nm_bench_beside_exe(expert_path, sizeof(expert_path), "null_expert.dll");
    load_nmapi();
    if (!(res = calloc(1, sizeof(*res)))) fail("calloc", 0, NULL);

    /* The expert is loaded (DllMain, Register) before the clock starts: that is a fixed
     * cost, not frame delivery. */
    if ((rc = p_load(expert_path, &ex)) || !ex) fail("NmShimLoadExpert", rc, expert_path);
    if ((rc = p_result(ex, res))) fail("NmShimGetResult", rc, NULL);
    if (res->outcome == NMSHIM_LOAD_ERROR || res->outcome == NMSHIM_FAILED)
        fail("NmShimLoadExpert outcome", res->outcome, res->message);

    t0 = nm_bench_now();
    if ((rc = p_open(argv[1], &cap, err, sizeof(err)))) fail("NmShimOpenCapture", rc, err);
    t1 = nm_bench_now();
    memset(&params, 0, sizeof(params));
    params.capture = cap;
    if ((rc = p_start(ex, &params))) fail("NmShimStartExpert", rc, NULL);
    if ((rc = p_wait(ex, RUN_TIMEOUT_MS))) fail("NmShimWaitExpert", rc, "run did not end");
    t2 = nm_bench_now();

    if ((rc = p_info(cap, &info))) fail("NmShimGetCaptureInfo", rc, NULL);
    if ((rc = p_result(ex, res))) fail("NmShimGetResult", rc, NULL);
    if (res->outcome != NMSHIM_DONE) fail("Run outcome", res->outcome, res->message);
    /* The null expert reports "frames N bytes B": every frame must have arrived. */
    if (sscanf(res->status.szStatusText, "frames %lu", &seen) != 1 || seen != info.frames)
        fail("frame count", seen, res->status.szStatusText);

    printf("bench_host: %s, capture %s (%s, %lu frames, %llu bytes)\n", nm_bench_arch(),
           info.path, info.format, (unsigned long)info.frames, (unsigned long long)info.bytes);
    printf("  open        %8.3f s\n", t1 - t0);
    printf("  run         %8.3f s   %12.0f frames/s\n", t2 - t1, info.frames / (t2 - t1));
    printf("  open+run    %8.3f s   %12.0f frames/s\n", t2 - t0, info.frames / (t2 - t0));
    printf("  expert: %s; Run wall %lu ms\n", res->status.szStatusText,
           (unsigned long)res->elapsed_ms);
    printf("RESULT frames=%lu open_s=%.6f run_s=%.6f total_s=%.6f\n",
           (unsigned long)info.frames, t1 - t0, t2 - t1, t2 - t0);
    fflush(stdout);

    p_unload(ex);
    p_close(cap);
    free(res);
    return 0;
}
