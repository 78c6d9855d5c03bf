/*
 * format.c - parser.dll's formatters (parser.@): the FormatLabeled*, FormatPropertyData*
 * and fm_* property formatters, the flag pictures and binary strings, times.
 *
 * The property formatters follow the FORMAT convention (docs/sdk-help.md §2.9): called
 * with the instance as the first argument (cdecl, so extra or missing trailing arguments
 * are harmless), they write "Label = value" into szPropertyText, at most the capacity
 * FormatStringSize gives (80 when 0), through shim/propfmt.c: the text is the same as
 * nmapi.dll's FormatPropertyInstance gives. A NULL or unreadable instance or PROPERTYINFO,
 * or a szPropertyText not writable for that capacity, writes nothing. With szPropertyText
 * NULL the text goes to a per-thread buffer and szPropertyText is pointed at it, as
 * nmapi.dll does.
 *
 * The string helpers have no size argument (the 1990s API): each writes a fixed, documented
 * maximum (ByteToBinary 9 bytes, WordToBinary 17, DwordToBinary 33, the Format*Flags the
 * same, FormatTimeAsString 24) and only after checking that many bytes are writable. Our
 * reading of the undocumented ones: the *_flag_to_string, time_string, property_name and
 * prop_name_equals return the end of what they wrote (the NUL), so calls chain as
 * strcpy1/itoa1 do; the Format*Flags and *ToBinary return its length, 0 on failure.
 */
#include <stdio.h>
#include <string.h>
#include "parser_private.h"
#include "propfmt.h"

#define TLS_TEXT 1024

static __thread char tls_text[TLS_TEXT];

static int checked_copy(void *dst, const void *src, size_t n)
{
    if (!nm_plib_readable(src, n)) return -1;
    memcpy(dst, src, n);
    return 0;
}

static size_t checked_strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max) {
        /* one page check per page crossed (the first byte, then every 4 KiB boundary) */
        if ((n == 0 || (((uintptr_t)(s + n)) & 0xfff) == 0) && !nm_plib_readable(s + n, 1)) return (size_t)-1;
        if (!s[n]) break;
        n++;
    }
    return n;
}

static const struct nm_fmt_io checked_io = { checked_copy, checked_strnlen };

/* Formats inst as req says into its szPropertyText; the text's end, or NULL. */
static char *format_inst(LPPROPERTYINST inst, int style, int width, int base, int swap)
{
    struct nm_fmt_req req = { style, width, base, swap };
    PROPERTYINST pi;
    PROPERTYINFO info;
    char text[TLS_TEXT];
    size_t cap, len;
    char *dst;

    if (!nm_plib_readable(inst, sizeof(*inst)) || !nm_plib_readable(inst->lpPropertyInfo, sizeof(info))) {
        PD_WARN("(%p): no readable instance / PROPERTYINFO\n", (void *)inst);
        return NULL;
    }
    pi = *inst;
    info = *pi.lpPropertyInfo;
    cap = nm_fmt_capacity(&info);
    if (cap > sizeof(text)) cap = sizeof(text);
    len = nm_fmt_instance(&checked_io, &pi, &info, &req, text, cap);
    dst = pi.szPropertyText;
    if (!dst) {
        if (!nm_plib_writable(&inst->szPropertyText, sizeof(dst))) return NULL;
        inst->szPropertyText = dst = tls_text;
    }
    if (!nm_plib_writable(dst, len + 1)) {
        PD_WARN("(%p): szPropertyText %p not writable\n", (void *)inst, (void *)dst);
        return NULL;
    }
    memcpy(dst, text, len + 1);
    return dst + len;
}

/* FormatLabeledByteSet (parser.@) */
VOID WINAPIV FormatLabeledByteSet(LPPROPERTYINST lpPropertyInst) { format_inst(lpPropertyInst, NM_FMT_LABELED_SET, 1, 0, 0); }
/* FormatLabeledWordSet (parser.@) */
VOID WINAPIV FormatLabeledWordSet(LPPROPERTYINST lpPropertyInst) { format_inst(lpPropertyInst, NM_FMT_LABELED_SET, 2, 0, 0); }
/* FormatLabeledDwordSet (parser.@) */
VOID WINAPIV FormatLabeledDwordSet(LPPROPERTYINST lpPropertyInst) { format_inst(lpPropertyInst, NM_FMT_LABELED_SET, 4, 0, 0); }
/* FormatLabeledByteSetAsFlags (parser.@) */
VOID WINAPIV FormatLabeledByteSetAsFlags(LPPROPERTYINST lpPropertyInst) { format_inst(lpPropertyInst, NM_FMT_SET_AS_FLAGS, 1, 0, 0); }
/* FormatLabeledWordSetAsFlags (parser.@) */
VOID WINAPIV FormatLabeledWordSetAsFlags(LPPROPERTYINST lpPropertyInst) { format_inst(lpPropertyInst, NM_FMT_SET_AS_FLAGS, 2, 0, 0); }
/* FormatLabeledDwordSetAsFlags (parser.@) */
VOID WINAPIV FormatLabeledDwordSetAsFlags(LPPROPERTYINST lpPropertyInst) { format_inst(lpPropertyInst, NM_FMT_SET_AS_FLAGS, 4, 0, 0); }
/* FormatPropertyDataAsHexString (parser.@) */
VOID WINAPIV FormatPropertyDataAsHexString(LPPROPERTYINST lpPropertyInst) { format_inst(lpPropertyInst, NM_FMT_HEX, 0, 0, 0); }
/* FormatPropertyDataAsString (parser.@) */
VOID WINAPIV FormatPropertyDataAsString(LPPROPERTYINST lpPropertyInst) { format_inst(lpPropertyInst, NM_FMT_STRING, 0, 0, 0); }
/* FormatPropertyDataAsTime (parser.@) */
VOID WINAPIV FormatPropertyDataAsTime(LPPROPERTYINST lpPropertyInst) { format_inst(lpPropertyInst, NM_FMT_TIME, 0, 0, 0); }
/* FormatPropertyDataAsInt64 (parser.@): Base 2, 8, 10 or 16; other: "10 (0xa)" */
VOID WINAPIV FormatPropertyDataAsInt64(LPPROPERTYINST lpPropertyInst, DWORD Base) { format_inst(lpPropertyInst, NM_FMT_NUMBER, 8, (int)Base, 0); }
/* FormatPropertyDataAsWord (parser.@) */
VOID WINAPIV FormatPropertyDataAsWord(LPPROPERTYINST lpPropertyInst, DWORD Base) { format_inst(lpPropertyInst, NM_FMT_NUMBER, 2, (int)Base, 0); }

/* The fm_* family: the same texts by fixed width and base; _swap_ reads big-endian. */
void WINAPIV fm_byte10(LPPROPERTYINST prop) { format_inst(prop, NM_FMT_NUMBER, 1, 10, 0); }
void WINAPIV fm_byte16(LPPROPERTYINST prop) { format_inst(prop, NM_FMT_NUMBER, 1, 16, 0); }
void WINAPIV fm_word10(LPPROPERTYINST prop) { format_inst(prop, NM_FMT_NUMBER, 2, 10, 0); }
void WINAPIV fm_word16(LPPROPERTYINST prop) { format_inst(prop, NM_FMT_NUMBER, 2, 16, 0); }
void WINAPIV fm_dword10(LPPROPERTYINST prop) { format_inst(prop, NM_FMT_NUMBER, 4, 10, 0); }
void WINAPIV fm_dword16(LPPROPERTYINST prop) { format_inst(prop, NM_FMT_NUMBER, 4, 16, 0); }
void WINAPIV fm_swap_word10(LPPROPERTYINST prop) { format_inst(prop, NM_FMT_NUMBER, 2, 10, 1); }
void WINAPIV fm_swap_word16(LPPROPERTYINST prop) { format_inst(prop, NM_FMT_NUMBER, 2, 16, 1); }
void WINAPIV fm_swap_dword10(LPPROPERTYINST prop) { format_inst(prop, NM_FMT_NUMBER, 4, 10, 1); }
void WINAPIV fm_swap_dword16(LPPROPERTYINST prop) { format_inst(prop, NM_FMT_NUMBER, 4, 16, 1); }
void WINAPIV fm_largeint16(LPPROPERTYINST prop) { format_inst(prop, NM_FMT_NUMBER, 8, 16, 0); }
void WINAPIV fm_string(LPPROPERTYINST prop) { format_inst(prop, NM_FMT_STRING, 0, 0, 0); }
void WINAPIV fm_hex_string(LPPROPERTYINST prop) { format_inst(prop, NM_FMT_HEX, 0, 0, 0); }
void WINAPIV fm_byte_set(LPPROPERTYINST prop) { format_inst(prop, NM_FMT_LABELED_SET, 1, 0, 0); }
void WINAPIV fm_word_set(LPPROPERTYINST prop) { format_inst(prop, NM_FMT_LABELED_SET, 2, 0, 0); }
void WINAPIV fm_dword_set(LPPROPERTYINST prop) { format_inst(prop, NM_FMT_LABELED_SET, 4, 0, 0); }
/* a SET of LABELED_BIT (PROP_QUAL_FLAGS): "0x18: ACK, PSH" */
void WINAPIV fm_byte_flags(LPPROPERTYINST prop) { format_inst(prop, NM_FMT_BIT_FLAGS, 1, 0, 0); }
void WINAPIV fm_word_flags(LPPROPERTYINST prop) { format_inst(prop, NM_FMT_BIT_FLAGS, 2, 0, 0); }
void WINAPIV fm_dword_flags(LPPROPERTYINST prop) { format_inst(prop, NM_FMT_BIT_FLAGS, 4, 0, 0); }
void WINAPIV fm_time(LPPROPERTYINST prop) { format_inst(prop, NM_FMT_TIME, 0, 0, 0); }
/* an extended instance's SYSTEMTIME (DataLength 0xFFFF): propfmt reads either kind */
void WINAPIV fm_time_ex(LPPROPERTYINST prop) { format_inst(prop, NM_FMT_TIME, 0, 0, 0); }
void WINAPIV fm_property_name(LPPROPERTYINST prop) { format_inst(prop, NM_FMT_NAME, 0, 0, 0); }

/* prop_name_equals (parser.@): "Label = " into szPropertyText; the end, or NULL. */
UCHAR *WINAPIV prop_name_equals(LPPROPERTYINST prop)
{
    char *end = format_inst(prop, NM_FMT_NAME, 0, 0, 0);
    const char *eq = " = ";
    size_t cap;

    if (!end) return NULL;
    cap = nm_fmt_capacity(prop->lpPropertyInfo);
    if ((size_t)(end - prop->szPropertyText) + 4 > cap || !nm_plib_writable(end, 4)) return (UCHAR *)end;
    memcpy(end, eq, 4);
    return (UCHAR *)end + 3;
}

/* property_name (parser.@): the label (at most 127 characters) into string; the end. */
UCHAR *WINAPIV property_name(LPPROPERTYINST prop, UCHAR *string)
{
    size_t n;

    if (!nm_plib_readable(prop, sizeof(*prop)) || !nm_plib_readable(prop->lpPropertyInfo, sizeof(PROPERTYINFO)))
        return NULL;
    n = checked_strnlen(prop->lpPropertyInfo->Label, NM_FMT_MAX_LABEL - 1);
    if (n == (size_t)-1 || !nm_plib_writable(string, n + 1)) return NULL;
    memcpy(string, prop->lpPropertyInfo->Label, n);
    string[n] = 0;
    return string + n;
}

/* ---- flag pictures and binary strings ---- */
static DWORD bits(LPSTR out, DWORD value, DWORD mask, int n)
{
    if (!nm_plib_writable(out, (size_t)n + 1)) { PD_WARN("(%p): not writable\n", (void *)out); return 0; }
    return (DWORD)nm_fmt_bits(out, (size_t)n + 1, value, mask, n);
}

/* FormatByteFlags (parser.@): the byte's picture, "..." for bits outside BitMask */
DWORD WINAPIV FormatByteFlags(LPSTR string, DWORD ByteValue, DWORD BitMask) { return bits(string, ByteValue, BitMask, 8); }
/* FormatWordFlags (parser.@) */
DWORD WINAPIV FormatWordFlags(LPSTR string, DWORD WordValue, DWORD BitMask) { return bits(string, WordValue, BitMask, 16); }
/* FormatDwordFlags (parser.@) */
DWORD WINAPIV FormatDwordFlags(LPSTR string, DWORD DwordValue, DWORD BitMask) { return bits(string, DwordValue, BitMask, 32); }
/* ByteToBinary (parser.@): "00011000" */
DWORD WINAPI ByteToBinary(LPSTR string, DWORD ByteValue) { return bits(string, ByteValue, 0xff, 8); }
/* WordToBinary (parser.@) */
DWORD WINAPI WordToBinary(LPSTR string, DWORD WordValue) { return bits(string, WordValue, 0xffff, 16); }
/* DwordToBinary (parser.@) */
DWORD WINAPI DwordToBinary(LPSTR string, DWORD DwordValue) { return bits(string, DwordValue, 0xffffffffu, 32); }

UCHAR *WINAPIV byte_flag_to_string(UCHAR byte, UCHAR mask, UCHAR *string)
{
    DWORD n = bits((LPSTR)string, byte, mask, 8);
    return n ? string + n : NULL;
}

UCHAR *WINAPIV word_flag_to_string(WORD word, WORD mask, UCHAR *string)
{
    DWORD n = bits((LPSTR)string, word, mask, 16);
    return n ? string + n : NULL;
}

UCHAR *WINAPIV dword_flag_to_string(DWORD dword, DWORD mask, UCHAR *string)
{
    DWORD n = bits((LPSTR)string, dword, mask, 32);
    return n ? string + n : NULL;
}

/* ---- times ---- */
static char *systime(const SYSTEMTIME *t, char *out)
{
    SYSTEMTIME v;
    size_t n;

    if (!nm_plib_readable(t, sizeof(v)) || !nm_plib_writable(out, 24)) { PD_WARN("(%p, %p): bad pointer\n", (const void *)t, (void *)out); return NULL; }
    v = *t;
    n = nm_fmt_systime(out, 24, &v);
    return out + n;
}

/* FormatTimeAsString (parser.@): "MM/DD/YYYY HH:MM:SS.mmm" (24 bytes); string or NULL */
LPSTR WINAPIV FormatTimeAsString(SYSTEMTIME *time, LPSTR string)
{
    return systime(time, string) ? string : NULL;
}

UCHAR *WINAPIV time_string(ULPSYSTEMTIME time, UCHAR *string)
{
    return (UCHAR *)systime((const SYSTEMTIME *)time, (char *)string);
}
