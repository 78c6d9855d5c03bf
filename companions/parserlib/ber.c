/*
 * ber.c - BERGetHeader, BERGetInteger, BERGetString (nmapi.@, parser.@, cdecl): one BER element
 * (X.690) at pCurrentPointer, as SNMP parsers read them (docs/sdk-help.md §3.11: TRUE on
 * success). There is no length argument, so the only bound is that every byte read is
 * readable memory; the element must also be short enough to be real (at most 16 MiB).
 *
 * Tag: one byte (high-tag-number form, 0x1F, is refused). Length: short form, or long form
 * with 1..4 length bytes (the indefinite form, 0x80, is refused). Out-parameters are written
 * only on success; a NULL one is skipped. BERGetHeader gives the tag and *ppNext = the
 * contents (a header is descended into); BERGetInteger (universal INTEGER, 0x02, 1..8
 * content bytes) and BERGetString (any primitive tag) give *ppValuePointer = the contents
 * and *ppNext = the byte after the element.
 */
#include "parserlib.h"

#define MAX_ELEMENT (16u << 20)

/* 0, or -1 for a header we do not read; *tag, *hl (header bytes), *dl (content bytes). */
static int header(const BYTE *p, BYTE *tag, DWORD *hl, DWORD *dl)
{
    DWORD n, i, len = 0;

    if (!nm_plib_readable(p, 2)) return -1;
    if ((p[0] & 0x1f) == 0x1f) return -1;
    *tag = p[0];
    if (!(p[1] & 0x80)) { *hl = 2; *dl = p[1]; return 0; }
    n = p[1] & 0x7f;
    if (!n || n > 4 || !nm_plib_readable(p + 2, n)) return -1;
    for (i = 0; i < n; i++) len = len << 8 | p[2 + i];
    if (len > MAX_ELEMENT) return -1;
    *hl = 2 + n;
    *dl = len;
    return 0;
}

static void put_dword(LPDWORD out, DWORD v) { if (out && nm_plib_writable(out, sizeof(*out))) *out = v; }
static void put_ptr(ULPBYTE *out, ULPBYTE v) { if (out && nm_plib_writable(out, sizeof(*out))) *out = v; }

/* BERGetHeader (nmapi.@, parser.@) */
WINBOOL __cdecl BERGetHeader(ULPBYTE pCurrentPointer, ULPBYTE pTag, LPDWORD pHeaderLength,
                             LPDWORD pDataLength, ULPBYTE *ppNext)
{
    BYTE tag;
    DWORD hl, dl;

    if (header(pCurrentPointer, &tag, &hl, &dl)) { PLIB_WARN("(%p): no BER header\n", (void *)pCurrentPointer); return FALSE; }
    if (pTag && nm_plib_writable(pTag, 1)) *pTag = tag;
    put_dword(pHeaderLength, hl);
    put_dword(pDataLength, dl);
    put_ptr(ppNext, pCurrentPointer + hl);
    return TRUE;
}

static WINBOOL element(ULPBYTE p, ULPBYTE *value, LPDWORD hlp, LPDWORD dlp, ULPBYTE *next, int integer)
{
    BYTE tag;
    DWORD hl, dl;

    if (header(p, &tag, &hl, &dl)) return FALSE;
    if (integer ? (tag != 0x02 || !dl || dl > 8) : (tag & 0x20) != 0) return FALSE;
    if (dl && !nm_plib_readable(p + hl, dl)) return FALSE;
    put_ptr(value, p + hl);
    put_dword(hlp, hl);
    put_dword(dlp, dl);
    put_ptr(next, p + hl + dl);
    return TRUE;
}

/* BERGetInteger (nmapi.@, parser.@) */
WINBOOL __cdecl BERGetInteger(ULPBYTE pCurrentPointer, ULPBYTE *ppValuePointer, LPDWORD pHeaderLength,
                              LPDWORD pDataLength, ULPBYTE *ppNext)
{
    return element(pCurrentPointer, ppValuePointer, pHeaderLength, pDataLength, ppNext, 1);
}

/* BERGetString (nmapi.@, parser.@) */
WINBOOL __cdecl BERGetString(ULPBYTE pCurrentPointer, ULPBYTE *ppValuePointer, LPDWORD pHeaderLength,
                             LPDWORD pDataLength, ULPBYTE *ppNext)
{
    return element(pCurrentPointer, ppValuePointer, pHeaderLength, pDataLength, ppNext, 0);
}
