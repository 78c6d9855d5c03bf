/*
 * test_misc.c - suite "misc" (shim/misc.c): BHGetLastError/BHSetLastError are per thread
 * and leave GetLastError alone; AdjustSystemTime adds microseconds in place;
 * HelperFormatUnicodeString converts a byte-counted UTF-16 string (PropDist's use).
 */
#include <string.h>
#include "test_util.h"

static struct {
    DWORD (WINAPI *BHGetLastError)(void);
    DWORD (WINAPI *BHSetLastError)(DWORD);
    SYSTEMTIME *(WINAPI *AdjustSystemTime)(SYSTEMTIME *, __int64);
    DWORD (WINAPI *HelperFormatUnicodeString)(LPSTR, LPCWSTR, WORD);
} m;

static int init(void)
{
    FARPROC p[4];

    if (nm_load_nmapi()) return -1;
    p[0] = GetProcAddress(nm.dll, "BHGetLastError");
    p[1] = GetProcAddress(nm.dll, "BHSetLastError");
    p[2] = GetProcAddress(nm.dll, "AdjustSystemTime");
    p[3] = GetProcAddress(nm.dll, "HelperFormatUnicodeString");
    if (!p[0] || !p[1] || !p[2] || !p[3]) return -1;
    memcpy(&m.BHGetLastError, &p[0], sizeof(p[0]));
    memcpy(&m.BHSetLastError, &p[1], sizeof(p[1]));
    memcpy(&m.AdjustSystemTime, &p[2], sizeof(p[2]));
    memcpy(&m.HelperFormatUnicodeString, &p[3], sizeof(p[3]));
    return 0;
}

static DWORD WINAPI other_thread(void *arg)
{
    DWORD before = m.BHGetLastError();

    m.BHSetLastError(NMERR_OUT_OF_MEMORY);
    *(DWORD *)arg = m.BHGetLastError();
    return before;
}

static void test_misc_last_error_per_thread(void)
{
    DWORD seen = 0, before = ERR_POISON;
    HANDLE t;

    SetLastError(1234);
    CHECK_EQ_U(m.BHSetLastError(NMERR_INVALID_HFRAME), NMERR_INVALID_HFRAME);
    CHECK_EQ_U(GetLastError(), 1234);
    CHECK_EQ_U(m.BHGetLastError(), NMERR_INVALID_HFRAME);
    t = CreateThread(NULL, 0, other_thread, &seen, 0, NULL);
    CHECK(t != NULL);
    WaitForSingleObject(t, INFINITE);
    GetExitCodeThread(t, &before);
    CloseHandle(t);
    CHECK_EQ_U(before, NMERR_SUCCESS);             /* a new thread starts clean */
    CHECK_EQ_U(seen, NMERR_OUT_OF_MEMORY);
    CHECK_EQ_U(m.BHGetLastError(), NMERR_INVALID_HFRAME);   /* ours is untouched */
}

static void test_misc_adjust_system_time(void)
{
    SYSTEMTIME st = { 2000, 12, 0, 31, 23, 59, 59, 900 }, *r;

    r = m.AdjustSystemTime(&st, 1500000);        /* + 1.5 s crosses into 2001 */
    CHECK_EQ_PTR(r, &st);
    CHECK(st.wYear == 2001 && st.wMonth == 1 && st.wDay == 1 && st.wHour == 0 &&
          st.wMinute == 0 && st.wSecond == 1 && st.wMilliseconds == 400);
    r = m.AdjustSystemTime(&st, -1500000);
    CHECK(st.wYear == 2000 && st.wSecond == 59 && st.wMilliseconds == 900);
    CHECK_EQ_PTR(m.AdjustSystemTime(NULL, 1), NULL);
    st.wMonth = 13;                               /* not a date: NULL, untouched */
    CHECK_EQ_PTR(m.AdjustSystemTime(&st, 1), NULL);
    CHECK_EQ_U(st.wMonth, 13);
}

static void test_misc_format_unicode_string(void)
{
    char out[MAX_PATH + 8];
    WCHAR in[] = L"Hello, world", longer[400];
    int i;

    memset(out, 'x', sizeof(out));
    CHECK_EQ_U(m.HelperFormatUnicodeString(out, in, (WORD)(5 * sizeof(WCHAR))), 5);
    CHECK_STR(out, "Hello");
    CHECK_EQ_U(m.HelperFormatUnicodeString(out, in, (WORD)sizeof(in)), 12);  /* stops at the NUL */
    CHECK_STR(out, "Hello, world");
    for (i = 0; i < 400; i++) longer[i] = L'a';
    memset(out, 'x', sizeof(out));
    CHECK_EQ_U(m.HelperFormatUnicodeString(out, longer, (WORD)sizeof(longer)), MAX_PATH - 1);
    CHECK_EQ_U(out[MAX_PATH - 1], 0);
    CHECK_EQ_U(out[MAX_PATH], 'x');              /* never past PropDist's MAX_PATH buffer */
    memset(out, 'x', sizeof(out));
    CHECK_EQ_U(m.HelperFormatUnicodeString(out, NULL, 10), 0);
    CHECK_EQ_U(out[0], 'x');
    CHECK_EQ_U(m.HelperFormatUnicodeString(NULL, in, 10), 0);
}

static const struct nm_test tests[] = {
    NM_TEST(test_misc_last_error_per_thread),
    NM_TEST(test_misc_adjust_system_time),
    NM_TEST(test_misc_format_unicode_string),
    NM_TEST_END
};

const struct nm_suite suite_misc = { "misc", init, NULL, tests };
