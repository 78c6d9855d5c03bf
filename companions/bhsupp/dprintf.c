/*
 * dprintf.c - bhsupp.dll: dprintf (bhsupp.@), the debug print of the 2001 SDK's Lib/bhsupp.lib
 * (legacy-experts.md Appendix B; netmon.h: VOID __cdecl dprintf(LPSTR format, ...)). Legacy
 * parsers and experts call it for debug output.
 *
 * Where it goes: nmapi.dll's trace (stderr, switched by NMAPI_TRACE; shim/trace.c), as a line
 * "bhsupp:trace:<tid>:dprintf <text>", only when NMAPI_TRACE is 1 (TRACE level): a release
 * run stays quiet and dprintf then reads none of its arguments. bhsupp.dll reads NMAPI_TRACE
 * itself instead of importing a hook from nmapi.dll, so it adds no export to nmapi.dll and
 * loads whatever the load order.
 *
 * The caller's format is formatted once, by a bounded vsnprintf into a local buffer, and the
 * result is written as data (fputs of an escaped copy), never used as a format again. The
 * format itself is checked first: NULL, unreadable, longer than 4 KiB, or holding a %n
 * conversion (which would write through a caller's argument) makes dprintf trace the format
 * text itself, escaped, instead of formatting it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <windows.h>
#include <netmon.h>

#define MAX_FORMAT 4096

static int trace_on;

/* Readable up to and including its NUL, within MAX_FORMAT bytes: the length, or -1. */
static int format_length(const char *s)
{
    MEMORY_BASIC_INFORMATION mbi;
    const char *cur = s, *end;
    int n = 0;

    if (!s) return -1;
    while (n < MAX_FORMAT) {
        if (!VirtualQuery(cur, &mbi, sizeof(mbi)) || mbi.State != MEM_COMMIT ||
            (mbi.Protect & (PAGE_GUARD | PAGE_NOACCESS)) ||
            !(mbi.Protect & (PAGE_READONLY | PAGE_READWRITE | PAGE_WRITECOPY | PAGE_EXECUTE_READ |
                             PAGE_EXECUTE_READWRITE | PAGE_EXECUTE_WRITECOPY)))
            return -1;
        end = (const char *)mbi.BaseAddress + mbi.RegionSize;
        for (; cur < end && n < MAX_FORMAT; cur++, n++)
            if (!*cur) return n;
    }
    return -1;
}

/* A %n anywhere among the conversions (flags, width, precision and length skipped). */
static int has_percent_n(const char *f)
{
    for (; *f; f++) {
        if (*f != '%') continue;
        f++;
        if (*f == '%') continue;
        while (*f && strchr("-+ #0123456789.*'hlLqjztI", *f)) f++;
        if (*f == 'n') return 1;
        if (!*f) break;
    }
    return 0;
}

/* Appends text to out as printable data: control bytes and non-ASCII as \xNN, one line. */
static void escape(char *out, size_t size, const char *text)
{
    size_t o = 0;
    const unsigned char *p;

    for (p = (const unsigned char *)text; *p && o + 5 < size; p++) {
        if (*p == '\n' && !p[1]) break;           /* the caller's own line end */
        if (*p >= 0x20 && *p < 0x7f) out[o++] = (char)*p;
        else o += (size_t)snprintf(out + o, size - o, "\\x%02x", *p);
    }
    out[o] = 0;
}

/* dprintf (bhsupp.@) */
VOID __cdecl dprintf(LPSTR format, ...)
{
    DWORD last;
    char text[1024], line[1200], safe[sizeof(text) * 4 + 1];
    int len;
    va_list ap;

    if (!trace_on) return;
    last = GetLastError();                 /* tracing must not change what the caller sees */
    len = format_length(format);
    if (len < 0) {
        snprintf(line, sizeof(line), "bhsupp:warn:%04lx:dprintf bad format %p\n",
                 GetCurrentThreadId(), (void *)format);
    } else {
        if (has_percent_n(format)) {
            lstrcpynA(text, format, sizeof(text));          /* as data: %n is never run */
        } else {
            va_start(ap, format);
            vsnprintf(text, sizeof(text), format, ap);
            va_end(ap);
        }
        escape(safe, sizeof(safe), text);
        snprintf(line, sizeof(line), "bhsupp:trace:%04lx:dprintf %s\n", GetCurrentThreadId(), safe);
    }
    fputs(line, stderr);
    SetLastError(last);
}

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved);
BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved)
{
    char val[16];
    DWORD n;

    if (reason == DLL_PROCESS_ATTACH) {
        DisableThreadLibraryCalls(inst);
        n = GetEnvironmentVariableA("NMAPI_TRACE", val, sizeof(val));
        /* TRACE level only ("1", anything but "0" and "warn"), as shim/trace.c reads it */
        trace_on = n && n < sizeof(val) && strcmp(val, "0") && _stricmp(val, "warn");
    }
    return TRUE;
}
