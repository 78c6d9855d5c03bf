/*
 * trace.c - parser.dll's tracing, and that of the shared Parser.lib functions
 * (nm_plib_warn, companions/parserlib). Tracing is switched by NMAPI_TRACE as
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

/* The shared Parser.lib functions' warnings (parserlib.h), as PD_WARN's. */
void nm_plib_warn(const char *func, const char *fmt, ...)
{
    char text[400];
    va_list ap;

    if (pd_trace_level < 1) return;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    pd_trace_print("warn", func, "%s", text);
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
