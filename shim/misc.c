/*
 * misc.c - support exports of nmapi.dll (nmapi.@, undocumented; prototypes in
 * nmapi_compat.h or MinGW's netmon.h): BHGetLastError/BHSetLastError (one NetMon error
 * per thread, like GetLastError), AdjustSystemTime, HelperFormatUnicodeString.
 */
#include <string.h>
#include "nmapi_compat.h"
#include "expert.h"

static DWORD tls = TLS_OUT_OF_INDEXES;
static INIT_ONCE tls_once = INIT_ONCE_STATIC_INIT;

static BOOL CALLBACK tls_init(INIT_ONCE *once, void *param, void **ctx)
{
    (void)once; (void)param; (void)ctx;
    tls = TlsAlloc();
    return TRUE;
}

/* BHGetLastError (nmapi.@): the last NMERR_* a NetMon function of this thread set;
 * never changes the Win32 last error. */
DWORD WINAPI BHGetLastError(void)
{
    DWORD saved = GetLastError(), err = NMERR_SUCCESS;

    InitOnceExecuteOnce(&tls_once, tls_init, NULL, NULL);
    if (tls != TLS_OUT_OF_INDEXES) err = (DWORD)(ULONG_PTR)TlsGetValue(tls);
    SetLastError(saved);
    /* (BHSetLastError is not traced: nmapi's own functions call it on every failure.) */
    TRACE("-> %lu\n", err);
    return err;
}

/* BHSetLastError (nmapi.@): returns the error it sets, so `return BHSetLastError(e);`. */
DWORD WINAPI BHSetLastError(DWORD Error)
{
    DWORD saved = GetLastError();

    InitOnceExecuteOnce(&tls_once, tls_init, NULL, NULL);
    if (tls != TLS_OUT_OF_INDEXES) TlsSetValue(tls, (void *)(ULONG_PTR)Error);
    SetLastError(saved);
    return Error;
}

/* AdjustSystemTime (nmapi.@): adds TimeDelta microseconds (the unit of frame time
 * stamps: GetCaptureTimeStamp + GetFrameTimeStamp = the frame's time) to *SystemTime in
 * place and returns it; NULL for an unreadable or invalid time, or a result out of range. */
SYSTEMTIME *WINAPI AdjustSystemTime(SYSTEMTIME *SystemTime, __int64 TimeDelta)
{
    SYSTEMTIME st;
    FILETIME ft;
    ULARGE_INTEGER u;
    SYSTEMTIME *res = NULL;

    if (SystemTime && !nm_safe_copy(&st, SystemTime, sizeof(st)) && SystemTimeToFileTime(&st, &ft)) {
        u.LowPart = ft.dwLowDateTime;
        u.HighPart = ft.dwHighDateTime;
        /* |delta| * 10 must fit, and the sum stay a valid FILETIME (>= 0) */
        if (TimeDelta >= -0x0cccccccccccccccll && TimeDelta <= 0x0cccccccccccccccll &&
            (LONGLONG)u.QuadPart + TimeDelta * 10 >= 0) {
            u.QuadPart = (ULONGLONG)((LONGLONG)u.QuadPart + TimeDelta * 10);
            ft.dwLowDateTime = u.LowPart;
            ft.dwHighDateTime = u.HighPart;
            if (FileTimeToSystemTime(&ft, &st) && !nm_safe_copy(SystemTime, &st, sizeof(st)))
                res = SystemTime;
        }
    }
    TRACE("time %p, delta %I64d -> %p\n", SystemTime, TimeDelta, res);
    return res;
}

/* HelperFormatUnicodeString (nmapi.@): PropDist's "magic prototype". Converts Len BYTES
 * of UTF-16 (PropDist passes the property's DataLength; a NUL ends it earlier) to the
 * ANSI code page into szOut, which PropDist sizes MAX_PATH: at most MAX_PATH - 1
 * characters and a NUL are written. Returns the characters written, 0 on bad input
 * (szOut then untouched). */
DWORD WINAPI HelperFormatUnicodeString(LPSTR szOut, LPCWSTR szIn, WORD Len)
{
    WCHAR in[MAX_PATH];
    char out[MAX_PATH * 2];
    DWORD n = Len / sizeof(WCHAR), i, res = 0;
    int got = 0;

    if (n > MAX_PATH - 1) n = MAX_PATH - 1;
    if (szOut && (!n || (szIn && !nm_safe_copy(in, szIn, n * sizeof(WCHAR))))) {
        for (i = 0; i < n && in[i]; i++) ;
        if (i) got = WideCharToMultiByte(CP_ACP, 0, in, (int)i, out, sizeof(out) - 1, "?", NULL);
        if (got > MAX_PATH - 1) got = MAX_PATH - 1;
        out[got > 0 ? got : 0] = 0;
        if (!nm_safe_copy(szOut, out, (size_t)(got > 0 ? got : 0) + 1)) res = (DWORD)(got > 0 ? got : 0);
    }
    TRACE("out %p, in %p, length %u -> %lu\n", szOut, szIn, Len, res);
    return res;
}
