/*
 * trace.c - parser.dll's tracing and pointer checks. Tracing is switched by NMAPI_TRACE as
 * nmapi.dll's is (shim/trace.c: 1 = everything, warn = warnings and fixmes) and goes to the
 * same stream (stderr) in the same line format, "parser:<kind>:<tid>:<function> ...", so a
 * run's trace reads as one. Kept apart from nmapi.dll so that parser.dll needs nothing from
 * it (a parser may load it first).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "parser_private.h"

int pd_trace_level;

static void trace_init(void)
{
    char val[16];
    DWORD n = GetEnvironmentVariableA("NMAPI_TRACE", val, sizeof(val));

    if (!n || n >= sizeof(val) || !strcmp(val, "0")) pd_trace_level = 0;
    else if (!_stricmp(val, "warn")) pd_trace_level = 1;
    else pd_trace_level = 2;
}

void pd_trace_print(const char *kind, const char *func, const char *fmt, ...)
{
    DWORD last = GetLastError();   /* tracing must not change what the parser sees */
    char buf[512];
    int len;
    va_list ap;

    len = snprintf(buf, sizeof(buf), "parser:%s:%04lx:%s ", kind, GetCurrentThreadId(), func);
    va_start(ap, fmt);
    if (len >= 0 && len < (int)sizeof(buf)) vsnprintf(buf + len, sizeof(buf) - len, fmt, ap);
    va_end(ap);
    fputs(buf, stderr);
    SetLastError(last);
}

/* Every page of [p, p+n) committed with the wanted access (VirtualQuery: no exception is
 * raised, so this works under any fault guard). n == 0 asks only p != NULL. */
static int accessible(const void *p, size_t n, DWORD want)
{
    const char *cur = p, *end;
    MEMORY_BASIC_INFORMATION mbi;

    if (!p) return 0;
    if (!n) return 1;
    end = cur + n;
    if (end < cur) return 0;
    while (cur < end) {
        if (!VirtualQuery(cur, &mbi, sizeof(mbi)) || mbi.State != MEM_COMMIT ||
            (mbi.Protect & (PAGE_GUARD | PAGE_NOACCESS)) || !(mbi.Protect & want))
            return 0;
        cur = (const char *)mbi.BaseAddress + mbi.RegionSize;
    }
    return 1;
}

int pd_readable(const void *p, size_t n)
{
    return accessible(p, n, PAGE_READONLY | PAGE_READWRITE | PAGE_WRITECOPY | PAGE_EXECUTE_READ |
                            PAGE_EXECUTE_READWRITE | PAGE_EXECUTE_WRITECOPY);
}

int pd_writable(void *p, size_t n)
{
    return accessible(p, n, PAGE_READWRITE | PAGE_WRITECOPY | PAGE_EXECUTE_READWRITE |
                            PAGE_EXECUTE_WRITECOPY);
}

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved);
BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved)
{
    if (reason == DLL_PROCESS_ATTACH) {
        DisableThreadLibraryCalls(inst);
        trace_init();
    }
    return TRUE;
}
