/*
 * convert.c - parser.dll's own conversions (parser.@): hex canonicalisation and the old
 * string helpers. (AddressToString, StringToAddress and VarLenSmallIntToDword, which
 * nmapi.dll exports too, are in companions/parserlib/address.c.)
 *
 * None of them takes a destination size (the 1990s API), so each writes a fixed maximum,
 * documented here, after checking those bytes are writable; sources are read only where
 * readable. Failure values: NULL for pointer results, nothing written for VOID ones.
 */
#include <string.h>
#include "parser_private.h"

#define MAX_TEXT 4096              /* longest source string we read */

/* CanonHex (parser.@): iLen bytes of pSource as upper-case hex text into pDest, "0x" first
 * when fOx: at most 2 * iLen + 3 bytes; iLen is taken as 0..4096 (more writes nothing). */
void WINAPI CanonHex(UCHAR *pDest, UCHAR *pSource, int iLen, WINBOOL fOx)
{
    size_t o = 0, need;
    int i;

    if (iLen < 0 || iLen > MAX_TEXT) { PD_WARN("(%p, %p, %d): bad length\n", (void *)pDest, (void *)pSource, iLen); return; }
    need = 2 * (size_t)iLen + (fOx ? 2 : 0) + 1;
    if (!nm_plib_writable(pDest, need) || (iLen && !nm_plib_readable(pSource, (size_t)iLen))) {
        PD_WARN("(%p, %p, %d): bad pointer\n", (void *)pDest, (void *)pSource, iLen);
        return;
    }
    if (fOx) { pDest[o++] = '0'; pDest[o++] = 'x'; }
    for (i = 0; i < iLen; i++) {
        pDest[o++] = (UCHAR)nm_plib_hexdig[pSource[i] >> 4];
        pDest[o++] = (UCHAR)nm_plib_hexdig[pSource[i] & 15];
    }
    pDest[o] = 0;
}

/* The hex digits of a text ("0x1a-2B", "1A 2b"), a leading 0x and separators dropped,
 * into dest of len bytes (NUL included), upper or lower case. */
static void canon(const char *hex, char *dest, DWORD len, int upper)
{
    long n = hex ? nm_plib_text_len(hex, MAX_TEXT) : -1;
    long i = 0;
    DWORD o = 0;

    if (n < 0 || !len || !nm_plib_writable(dest, len)) {
        PD_WARN("(%p, %p, %lu): bad pointer\n", (const void *)hex, (void *)dest, (unsigned long)len);
        return;
    }
    if (n >= 2 && hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) i = 2;
    for (; i < n && o + 1 < len; i++) {
        int v = nm_plib_hexval(hex[i]);
        if (v < 0) continue;
        dest[o++] = upper ? nm_plib_hexdig[v] : "0123456789abcdef"[v];
    }
    dest[o] = 0;
}

/* CanonicalizeHexString (parser.@): len = the bytes dest holds */
VOID WINAPI CanonicalizeHexString(LPSTR hex, LPSTR dest, DWORD len) { canon(hex, dest, len, 1); }
void WINAPIV hex_canon(UCHAR *hex, UCHAR *dest, int len) { canon((const char *)hex, (char *)dest, len > 0 ? (DWORD)len : 0, 1); }
void WINAPIV hex_canon2(UCHAR *hex, UCHAR *dest, int len) { canon((const char *)hex, (char *)dest, len > 0 ? (DWORD)len : 0, 0); }

/* strcpy1: string2 (at most 4095 characters) into string1; the end of string1. */
UCHAR *WINAPIV strcpy1(UCHAR *string1, UCHAR *string2)
{
    long n = string2 ? nm_plib_text_len((const char *)string2, MAX_TEXT) : -1;

    if (n < 0 || !nm_plib_writable(string1, (size_t)n + 1)) return NULL;
    memmove(string1, string2, (size_t)n + 1);
    return string1 + n;
}

/* itoa1: num in decimal (at most 6 bytes); the end. */
UCHAR *WINAPIV itoa1(WORD num, UCHAR *string)
{
    char tmp[6];
    int n = 0, i;

    if (!nm_plib_writable(string, 6)) return NULL;
    do { tmp[n++] = (char)('0' + num % 10); num /= 10; } while (num);
    for (i = 0; i < n; i++) string[i] = (UCHAR)tmp[n - 1 - i];
    string[n] = 0;
    return string + n;
}
