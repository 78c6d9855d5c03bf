/*
 * sets.c - LookupByteSetString, LookupWordSetString, LookupDwordSetString (parser.@):
 * the label of a value in a labelled set (SET of LABELED_BYTE/WORD/DWORD), or NULL when the
 * value is not in the set (netmon-sdk-help.md §2.5, pages nmref2_4mlj/5lnr/3f1j). A NULL or
 * unreadable set, or a table that is not readable for nEntries entries, is "not in the set":
 * NULL, never a fault. The label pointer is returned as the parser stored it.
 */
#include "parser_private.h"

/* Sets larger than this are not labelled sets but garbage (a LABELED_WORD table of 64 Ki
 * entries covers every WORD twice over). */
#define MAX_SET_ENTRIES 0x10000

#define LOOKUP(type, field, value) do { \
    const type *t; DWORD i, n; \
    if (!pd_readable(set, sizeof(*set))) { PD_WARN("bad set %p\n", (void *)set); return NULL; } \
    n = set->nEntries; t = set->field; \
    if (!n) return NULL; \
    if (n > MAX_SET_ENTRIES || !pd_readable(t, (size_t)n * sizeof(*t))) { \
        PD_WARN("set %p: table %p of %lu entries unreadable\n", (void *)set, (const void *)t, n); \
        return NULL; } \
    for (i = 0; i < n; i++) if (t[i].Value == (value)) return (LPBYTE)t[i].Label; \
    return NULL; } while (0)

/* LookupByteSetString (parser.@) */
LPBYTE WINAPI LookupByteSetString(LPSET set, BYTE value)
{
    LOOKUP(LABELED_BYTE, lpLabeledByteTable, value);
}

/* LookupWordSetString (parser.@) */
LPBYTE WINAPI LookupWordSetString(LPSET set, WORD value)
{
    LOOKUP(LABELED_WORD, lpLabeledWordTable, value);
}

/* LookupDwordSetString (parser.@) */
LPBYTE WINAPI LookupDwordSetString(LPSET set, DWORD value)
{
    LOOKUP(LABELED_DWORD, lpLabeledDwordTable, value);
}
