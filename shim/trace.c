/* trace.c - run-time switched tracing for nmapi.dll (NMAPI_TRACE=1|warn, read at load;
 * NmShimSetTrace, nmhost --trace[=warn] --trace-file FILE); see docs/style.md.
 *
 * To stderr by default. To a file (NmShimSetTrace): opened once, in append mode, and each
 * line goes out whole in one WriteFile, so lines of several threads, and of the --isolate
 * children appending to the same file, never mix. A small owned lock keeps the lines of
 * one process in order; it is never left held (issue 9 §2): a thread of an expert killed
 * while writing a trace line (TerminateThread) loses the lock to the next writer, which
 * finds its owner gone, and no writer waits more than LOCK_WAIT_MS in any case. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "nmapi_private.h"

#define LOCK_WAIT_MS 1000       /* then the line goes out unserialized, never lost */

int nm_trace_level;

static HANDLE trace_file;       /* NULL: stderr */
static volatile LONG trace_lock;    /* 0 free, else the owner's thread id */

void nm_trace_init(void)
{
    char val[16];
    DWORD n = GetEnvironmentVariableA("NMAPI_TRACE", val, sizeof(val));

    if (!n || n >= sizeof(val) || !strcmp(val, "0")) nm_trace_level = 0;
    else if (!_stricmp(val, "warn")) nm_trace_level = 1;
    else nm_trace_level = 2;
}

static int owner_gone(DWORD id)
{
    HANDLE h = OpenThread(SYNCHRONIZE, FALSE, id);
    int gone;

    if (!h) return GetLastError() == ERROR_INVALID_PARAMETER;   /* no such thread */
    gone = WaitForSingleObject(h, 0) == WAIT_OBJECT_0;
    CloseHandle(h);
    return gone;
}

/* 1: held; 0: gave up after LOCK_WAIT_MS (write anyway: a trace line is never worth a
 * hang). Contention is rare (a line is one system call), so waiters just yield. */
static int lock_take(void)
{
    LONG me = (LONG)GetCurrentThreadId(), owner;
    DWORD start = GetTickCount(), checked = start, now;

    for (;;) {
        owner = 0;
        if (__atomic_compare_exchange_n(&trace_lock, &owner, me, 0, __ATOMIC_ACQUIRE,
                                        __ATOMIC_RELAXED))
            return 1;
        if (owner == me) return 1;      /* a fault unwound past our own write: ours again */
        SwitchToThread();
        now = GetTickCount();
        if (now - checked >= 4) {
            checked = now;
            if (owner_gone((DWORD)owner)
                && __atomic_compare_exchange_n(&trace_lock, &owner, me, 0, __ATOMIC_ACQUIRE,
                                               __ATOMIC_RELAXED))
                return 1;
        }
        if (now - start >= LOCK_WAIT_MS) return 0;
    }
}

static void lock_drop(int held)
{
    if (held) __atomic_store_n(&trace_lock, 0, __ATOMIC_RELEASE);
}

void nm_trace_print(const char *kind, const char *func, const char *fmt, ...)
{
    DWORD last = GetLastError();   /* tracing must not change what the expert sees */
    char buf[1024];
    int len;
    va_list ap;
    HANDLE file;

    len = snprintf(buf, sizeof(buf), "nmapi:%s:%04lx:%s ", kind, GetCurrentThreadId(), func);
    va_start(ap, fmt);
    if (len >= 0 && len < (int)sizeof(buf)) vsnprintf(buf + len, sizeof(buf) - len, fmt, ap);
    va_end(ap);
    len = (int)strlen(buf);
    /* A line cut at the buffer's end still ends the line: a reader parses lines. */
    if (len == (int)sizeof(buf) - 1 && buf[len - 1] != '\n') buf[len - 1] = '\n';
    if ((file = __atomic_load_n(&trace_file, __ATOMIC_ACQUIRE))) {
        DWORD n;
        int held = lock_take();
        /* Read again under the lock: NmShimSetTrace may have closed it meanwhile. */
        if ((file = __atomic_load_n(&trace_file, __ATOMIC_ACQUIRE)))
            WriteFile(file, buf, (DWORD)len, &n, NULL);
        lock_drop(held);
        if (file) {
            SetLastError(last);
            return;
        }
    }
    fputs(buf, stderr);
    SetLastError(last);
}

/* Behind NmShimSetTrace (hostapi.c): level 0..2, path NULL for stderr. */
DWORD nm_trace_set(int level, const char *path, BOOL append)
{
    HANDLE file = NULL, old;
    DWORD err;
    int held;

    if (path) {
        if (!append) {
            /* Truncated first, then opened for appending only (FILE_APPEND_DATA): every
             * write lands at the end, even with other processes appending too. */
            HANDLE t = CreateFileA(path, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE,
                                   NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
            if (t == INVALID_HANDLE_VALUE) goto failed;
            CloseHandle(t);
        }
        file = CreateFileA(path, FILE_APPEND_DATA | SYNCHRONIZE,
                           FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                           OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
        if (file == INVALID_HANDLE_VALUE) goto failed;
    }
    held = lock_take();
    old = __atomic_exchange_n(&trace_file, file, __ATOMIC_ACQ_REL);
    nm_trace_level = level;
    lock_drop(held);
    /* Only when no writer can still be using it (one stuck past LOCK_WAIT_MS might). */
    if (old && held) CloseHandle(old);
    return NMERR_SUCCESS;

failed:
    err = GetLastError();
    SetLastError(err);
    return err == ERROR_PATH_NOT_FOUND ? NMERR_PATH_NOT_FOUND
         : err == ERROR_ACCESS_DENIED ? NMERR_ACCESS_DENIED : NMERR_FILE_WRITE_ERROR;
}
