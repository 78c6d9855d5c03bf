/* trace.c - run-time switched tracing for nmapi.dll (NMAPI_TRACE=1|warn); see docs/style.md. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "nmapi_private.h"

int nm_trace_level;

void nm_trace_init(void)
{
    char val[16];
    DWORD n = GetEnvironmentVariableA("NMAPI_TRACE", val, sizeof(val));

    if (!n || n >= sizeof(val) || !strcmp(val, "0")) nm_trace_level = 0;
    else if (!_stricmp(val, "warn")) nm_trace_level = 1;
    else nm_trace_level = 2;
}

void nm_trace_print(const char *kind, const char *func, const char *fmt, ...)
{
    DWORD last = GetLastError();   /* tracing must not change what the expert sees */
    char buf[1024];
    int len;
    va_list ap;

    len = snprintf(buf, sizeof(buf), "nmapi:%s:%04lx:%s ", kind, GetCurrentThreadId(), func);
    va_start(ap, fmt);
    if (len >= 0 && len < (int)sizeof(buf)) vsnprintf(buf + len, sizeof(buf) - len, fmt, ap);
    va_end(ap);
    fputs(buf, stderr);
    SetLastError(last);
}
