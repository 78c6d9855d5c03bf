/* bench_util.c - timing helpers shared by the benchmarks (see bench_util.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include "bench_util.h"

double nm_bench_now(void)
{
    static double scale;
    LARGE_INTEGER t;
    if (!scale) {
        LARGE_INTEGER f;
        QueryPerformanceFrequency(&f);
        scale = 1.0 / (double)f.QuadPart;
    }
    QueryPerformanceCounter(&t);
    return (double)t.QuadPart * scale;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

double nm_bench_median(double *v, int n)
{
    qsort(v, n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int nm_bench_quick(void)
{
    const char *q = getenv("NMSHIM_BENCH_QUICK");
    return q && *q && *q != '0';
}

const char *nm_bench_arch(void)
{
    return sizeof(void *) == 8 ? "x86_64" : "i686";
}

void nm_bench_beside_exe(char *out, size_t len, const char *name)
{
    char exe[MAX_PATH], *slash;
    DWORD n = GetModuleFileNameA(NULL, exe, sizeof(exe));

    if (!n || n >= sizeof(exe)) exe[0] = 0;
    if ((slash = strrchr(exe, '\\'))) *slash = 0;
    snprintf(out, len, "%s\\%s", exe, name);
}

void (*nm_bench_nmapi(const char *name))(void)
{
    static HMODULE dll;
    FARPROC p;

    if (!dll) {
        char path[MAX_PATH + 16];
        nm_bench_beside_exe(path, sizeof(path), "nmapi.dll");
        if (!(dll = LoadLibraryA(path))) {
            printf("bench: FAILED: cannot load %s (error %lu)\n", path, GetLastError());
            exit(2);
        }
    }
    if (!(p = GetProcAddress(dll, name))) {
        printf("bench: FAILED: nmapi.dll does not export %s\n", name);
        exit(2);
    }
    return (void (*)(void))p;
}
