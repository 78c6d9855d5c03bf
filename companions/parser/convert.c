/*
 * convert.c - parser.dll's conversions (parser.@): MAC addresses to and from text, hex
 * canonicalisation, variable-length small integers, and the old string helpers.
 *
 * None of them takes a destination size (the 1990s API), so each writes a fixed maximum,
 * documented here, after checking those bytes are writable; sources are read only where
 * readable. Failure values: NULL for pointer results, nothing written for VOID ones.
 * Our reading where the SDK help is silent (docs/sdk-help.md §3.11 says only "no address
 * type parameter"): AddressToString writes a 6-byte MAC address as 12 upper-case hex digits
 * (NetMon's own "0020AF123456" form, 13 bytes with the NUL); StringToAddress reads 12 hex
 * digits, with an optional '-', ':', '.' or ' ' between bytes, into 6 bytes.
 */
#include <string.h>
#include "parser_private.h"

#define MAX_TEXT 4096              /* longest source string we read */

static const char hexdig[] = "0123456789ABCDEF";

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Length of a readable string within max, or -1. */
static long text_len(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max) {
        if ((n == 0 || ((uintptr_t)(s + n) & 0xfff) == 0) && !pd_readable(s + n, 1)) return -1;
        if (!s[n]) return (long)n;
        n++;
    }
    return -1;
}

/* AddressToString (parser.@) */
LPSTR WINAPI AddressToString(LPSTR string, BYTE *lpAddress)
{
    int i;

    if (!pd_readable(lpAddress, 6) || !pd_writable(string, 13)) {
        PD_WARN("(%p, %p): bad pointer\n", (void *)string, (void *)lpAddress);
        return NULL;
    }
    for (i = 0; i < 6; i++) {
        string[2 * i] = hexdig[lpAddress[i] >> 4];
        string[2 * i + 1] = hexdig[lpAddress[i] & 15];
    }
    string[12] = 0;
    return string;
}

/* StringToAddress (parser.@) */
LPBYTE WINAPI StringToAddress(BYTE *lpAddress, LPSTR string)
{
    BYTE a[6];
    long n = string ? text_len(string, 64) : -1;
    long i = 0;
    int k, hi, lo;

    if (n < 0 || !pd_writable(lpAddress, 6)) {
        PD_WARN("(%p, %p): bad pointer\n", (void *)lpAddress, (void *)string);
        return NULL;
    }
    for (k = 0; k < 6; k++) {
        if (k && i < n && strchr("-:. ", string[i])) i++;
        if (i + 1 >= n || (hi = hexval(string[i])) < 0 || (lo = hexval(string[i + 1])) < 0) return NULL;
        a[k] = (BYTE)(hi << 4 | lo);
        i += 2;
    }
    if (i != n) return NULL;                        /* trailing text: not an address */
    memcpy(lpAddress, a, 6);
    return lpAddress;
}

/* CanonHex (parser.@): iLen bytes of pSource as upper-case hex text into pDest, "0x" first
 * when fOx: at most 2 * iLen + 3 bytes; iLen is taken as 0..4096 (more writes nothing). */
void WINAPI CanonHex(UCHAR *pDest, UCHAR *pSource, int iLen, WINBOOL fOx)
{
    size_t o = 0, need;
    int i;

    if (iLen < 0 || iLen > MAX_TEXT) { PD_WARN("(%p, %p, %d): bad length\n", (void *)pDest, (void *)pSource, iLen); return; }
    need = 2 * (size_t)iLen + (fOx ? 2 : 0) + 1;
    if (!pd_writable(pDest, need) || (iLen && !pd_readable(pSource, (size_t)iLen))) {
        PD_WARN("(%p, %p, %d): bad pointer\n", (void *)pDest, (void *)pSource, iLen);
        return;
    }
    if (fOx) { pDest[o++] = '0'; pDest[o++] = 'x'; }
    for (i = 0; i < iLen; i++) {
        pDest[o++] = (UCHAR)hexdig[pSource[i] >> 4];
        pDest[o++] = (UCHAR)hexdig[pSource[i] & 15];
    }
    pDest[o] = 0;
}

/* The hex digits of a text ("0x1a-2B", "1A 2b"), a leading 0x and separators dropped,
 * into dest of len bytes (NUL included), upper or lower case. */
static void canon(const char *hex, char *dest, DWORD len, int upper)
{
    long n = hex ? text_len(hex, MAX_TEXT) : -1;
    long i = 0;
    DWORD o = 0;

    if (n < 0 || !len || !pd_writable(dest, len)) {
        PD_WARN("(%p, %p, %lu): bad pointer\n", (const void *)hex, (void *)dest, (unsigned long)len);
        return;
    }
    if (n >= 2 && hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) i = 2;
    for (; i < n && o + 1 < len; i++) {
        int v = hexval(hex[i]);
        if (v < 0) continue;
        dest[o++] = upper ? hexdig[v] : "0123456789abcdef"[v];
    }
    dest[o] = 0;
}

/* CanonicalizeHexString (parser.@): len = the bytes dest holds */
VOID WINAPI CanonicalizeHexString(LPSTR hex, LPSTR dest, DWORD len) { canon(hex, dest, len, 1); }
void WINAPIV hex_canon(UCHAR *hex, UCHAR *dest, int len) { canon((const char *)hex, (char *)dest, len > 0 ? (DWORD)len : 0, 1); }
void WINAPIV hex_canon2(UCHAR *hex, UCHAR *dest, int len) { canon((const char *)hex, (char *)dest, len > 0 ? (DWORD)len : 0, 0); }

/* VarLenSmallIntToDword (parser.@): ValueLen 1..8 bytes (PROP_TYPE_VAR_LEN_SMALL_INT),
 * big-endian when fIsByteswapped; more than 4 bytes give the low 32 bits. lpDword, or NULL
 * (length 0 or > 8, bad pointers). */
LPDWORD WINAPI VarLenSmallIntToDword(LPBYTE pValue, WORD ValueLen, WINBOOL fIsByteswapped, LPDWORD lpDword)
{
    DWORD v = 0;
    WORD i;

    if (!ValueLen || ValueLen > 8 || !pd_readable(pValue, ValueLen) || !pd_writable(lpDword, sizeof(*lpDword))) {
        PD_WARN("(%p, %u, %d, %p): bad input\n", (void *)pValue, ValueLen, fIsByteswapped, (void *)lpDword);
        return NULL;
    }
    for (i = 0; i < ValueLen; i++) {
        BYTE b = pValue[fIsByteswapped ? ValueLen - 1 - i : i];
        if (i < 4) v |= (DWORD)b << (8 * i);
    }
    *lpDword = v;
    return lpDword;
}

/* strcpy1: string2 (at most 4095 characters) into string1; the end of string1. */
UCHAR *WINAPIV strcpy1(UCHAR *string1, UCHAR *string2)
{
    long n = string2 ? text_len((const char *)string2, MAX_TEXT) : -1;

    if (n < 0 || !pd_writable(string1, (size_t)n + 1)) return NULL;
    memmove(string1, string2, (size_t)n + 1);
    return string1 + n;
}

/* itoa1: num in decimal (at most 6 bytes); the end. */
UCHAR *WINAPIV itoa1(WORD num, UCHAR *string)
{
    char tmp[6];
    int n = 0, i;

    if (!pd_writable(string, 6)) return NULL;
    do { tmp[n++] = (char)('0' + num % 10); num /= 10; } while (num);
    for (i = 0; i < n; i++) string[i] = (UCHAR)tmp[n - 1 - i];
    string[n] = 0;
    return string + n;
}
