/*
 * address.c - AddressToString, StringToAddress, VarLenSmallIntToDword (nmapi.@, parser.@):
 * MAC addresses to and from text, and variable-length small integers (docs/sdk-help.md
 * §3.11), plus the hex and string helpers parser.dll's other conversions share.
 *
 * Neither address function takes a size (the 1990s API), so each writes a fixed maximum
 * after checking those bytes are writable; sources are read only where readable. Failure:
 * NULL. Our reading where the SDK help is silent (it says only "no address type
 * parameter"): AddressToString writes a 6-byte MAC address as 12 upper-case hex digits
 * (NetMon's own "0020AF123456" form, 13 bytes with the NUL); StringToAddress reads 12 hex
 * digits, with an optional '-', ':', '.' or ' ' between bytes, into 6 bytes.
 */
#include <stdint.h>
#include <string.h>
#include "parserlib.h"

const char nm_plib_hexdig[17] = "0123456789ABCDEF";

int nm_plib_hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Length of a readable string within max, or -1. */
long nm_plib_text_len(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max) {
        if ((n == 0 || ((uintptr_t)(s + n) & 0xfff) == 0) && !nm_plib_readable(s + n, 1)) return -1;
        if (!s[n]) return (long)n;
        n++;
    }
    return -1;
}

/* AddressToString (nmapi.@, parser.@) */
LPSTR WINAPI AddressToString(LPSTR string, BYTE *lpAddress)
{
    int i;

    if (!nm_plib_readable(lpAddress, 6) || !nm_plib_writable(string, 13)) {
        PLIB_WARN("(%p, %p): bad pointer\n", (void *)string, (void *)lpAddress);
        return NULL;
    }
    for (i = 0; i < 6; i++) {
        string[2 * i] = nm_plib_hexdig[lpAddress[i] >> 4];
        string[2 * i + 1] = nm_plib_hexdig[lpAddress[i] & 15];
    }
    string[12] = 0;
    return string;
}

/* StringToAddress (nmapi.@, parser.@) */
LPBYTE WINAPI StringToAddress(BYTE *lpAddress, LPSTR string)
{
    BYTE a[6];
    long n = string ? nm_plib_text_len(string, 64) : -1;
    long i = 0;
    int k, hi, lo;

    if (n < 0 || !nm_plib_writable(lpAddress, 6)) {
        PLIB_WARN("(%p, %p): bad pointer\n", (void *)lpAddress, (void *)string);
        return NULL;
    }
    for (k = 0; k < 6; k++) {
        if (k && i < n && strchr("-:. ", string[i])) i++;
        if (i + 1 >= n || (hi = nm_plib_hexval(string[i])) < 0 || (lo = nm_plib_hexval(string[i + 1])) < 0) return NULL;
        a[k] = (BYTE)(hi << 4 | lo);
        i += 2;
    }
    if (i != n) return NULL;                        /* trailing text: not an address */
    memcpy(lpAddress, a, 6);
    return lpAddress;
}

/* VarLenSmallIntToDword (nmapi.@, parser.@): ValueLen 1..8 bytes (PROP_TYPE_VAR_LEN_SMALL_INT),
 * big-endian when fIsByteswapped; more than 4 bytes give the low 32 bits. lpDword, or NULL
 * (length 0 or > 8, bad pointers). */
LPDWORD WINAPI VarLenSmallIntToDword(LPBYTE pValue, WORD ValueLen, WINBOOL fIsByteswapped, LPDWORD lpDword)
{
    DWORD v = 0;
    WORD i;

    if (!ValueLen || ValueLen > 8 || !nm_plib_readable(pValue, ValueLen) || !nm_plib_writable(lpDword, sizeof(*lpDword))) {
        PLIB_WARN("(%p, %u, %d, %p): bad input\n", (void *)pValue, ValueLen, fIsByteswapped, (void *)lpDword);
        return NULL;
    }
    for (i = 0; i < ValueLen; i++) {
        BYTE b = pValue[fIsByteswapped ? ValueLen - 1 - i : i];
        if (i < 4) v |= (DWORD)b << (8 * i);
    }
    *lpDword = v;
    return lpDword;
}
