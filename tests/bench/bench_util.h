/*
 * bench_util.h - timing helpers shared by the benchmarks: a monotonic clock, medians,
 * and the quick mode (NMSHIM_BENCH_QUICK=1: fewer repetitions, for smoke runs).
 */
#ifndef NM_BENCH_UTIL_H
#define NM_BENCH_UTIL_H

double nm_bench_now(void);                     /* seconds, QueryPerformanceCounter */
double nm_bench_median(double *v, int n);      /* sorts v in place */
int    nm_bench_quick(void);                   /* NMSHIM_BENCH_QUICK set and not "0" */
const char *nm_bench_arch(void);               /* "i686" or "x86_64" */

#endif
