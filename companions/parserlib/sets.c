/*
 * sets.c - LookupByteSetString, LookupWordSetString, LookupDwordSetString (nmapi.@, parser.@):
 * the label of a value in a labelled set (SET of LABELED_BYTE/WORD/DWORD), or NULL when the
 * value is not in the set (docs/sdk-help.md §2.5, pages nmref2_4mlj/5lnr/3f1j). A NULL or
 * unreadable set, or a table that is not readable for nEntries entries, is "not in the set":
 * NULL, never a fault. The label pointer is returned as the parser stored it.
 */
#include "parserlib.h"

/* Sets larger than this are not labelled sets but garbage (a LABELED_WORD table of 64 Ki
 * entries covers every WORD twice over). */
#define MAX_SET_ENTRIES 0x10000

#define LOOKUP(type, field, value) do { \
    const type *t; DWORD i, n; \
    if (!nm_plib_readable(set, sizeof(*set))) { PLIB_WARN("bad set %p\n", (void *)set); return NULL; } \
    n = set->nEntries; t = set->field; \
    if (!n) return NULL; \
    if (n > MAX_SET_ENTRIES || !nm_plib_readable(t, (size_t)n * sizeof(*t))) { \
        PLIB_WARN("set %p: table %p of %lu entries unreadable\n", (void *)set, (const void *)t, n); \
        return NULL; } \
    for (i = 0; i < n; i++) if (t[i].Value == (value)) return (LPBYTE)t[i].Label; \
    return NULL; } while (0)

/* LookupByteSetString (nmapi.@, parser.@) */
LPBYTE WINAPI LookupByteSetString(LPSET set, BYTE value)
{
    LOOKUP(LABELED_BYTE, lpLabeledByteTable, value);
}

/* LookupWordSetString (nmapi.@, parser.@) */
LPBYTE WINAPI LookupWordSetString(LPSET set, WORD value)
{
    LOOKUP(LABELED_WORD, lpLabeledWordTable, value);
}

/* LookupDwordSetString (nmapi.@, parser.@) */
LPBYTE WINAPI LookupDwordSetString(LPSET set, DWORD value)
{
    LOOKUP(LABELED_DWORD, lpLabeledDwordTable, value);
}
