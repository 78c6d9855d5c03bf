/*
 * bench_util.h - timing helpers shared by the benchmarks: a monotonic clock, medians,
 * and the quick mode (NMSHIM_BENCH_QUICK=1: fewer repetitions, for smoke runs).
 */
#ifndef NM_BENCH_UTIL_H
#define NM_BENCH_UTIL_H

#include <stddef.h>
#include <string.h>

double nm_bench_now(void);                     /* seconds, QueryPerformanceCounter */
double nm_bench_median(double *v, int n);      /* sorts v in place */
int    nm_bench_quick(void);                   /* NMSHIM_BENCH_QUICK set and not "0" */
const char *nm_bench_arch(void);               /* "i686" or "x86_64" */
/* Path of a file beside the benchmark exe (nmapi.dll, experts). */
void nm_bench_beside_exe(char *out, size_t len, const char *name);
/* An export of the nmapi.dll beside the exe, loaded once; exits with status 2 and a
 * message when the DLL or the name is missing. The benchmarks go through the DLL so
 * they measure the exported path an expert takes. */
void (*nm_bench_nmapi(const char *name))(void);
#define NM_BENCH_RESOLVE(var, name) \
    do { void (*p_)(void) = nm_bench_nmapi(name); memcpy(&(var), &p_, sizeof(p_)); } while (0)

#endif
