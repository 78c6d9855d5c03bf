/*
 * propfmt.h - property text: the generic formatter's rules (netmon-sdk-help.md §2.9) as
 * portable code, shared by nmapi.dll (FormatPropertyInstance, GetPropertyText, the built-in
 * parsers' texts: shim/proptext.c) and parser.dll (the Format* and fm_* exports), so a
 * property reads the same whoever formats it.
 *
 * Every read of memory the caller does not own (the instance's data, PROPERTYINSTEX, the
 * SET and its labels) goes through nm_fmt_io: guarded copies in nmapi.dll, VirtualQuery-
 * checked copies in parser.dll. Every write is bounded by the size given; output is always
 * NUL-terminated (size >= 1).
 *
 * Texts: "Label = value", value by DataType and DataQualifier:
 *   numbers (BYTE/WORD/DWORD, byte-swapped when the type or IFLAG_SWAPPED says so):
 *     "10 (0xa)"; RANGE adds " Range:(1 (0x1) - 20 (0x14))"; SET adds ", Matches Set Value"
 *     or ", Unknown Set Value"; LABELED_SET "53 (DNS)" or "54" when unlabelled;
 *     FLAGS (a SET of LABELED_BIT) "0x18: ACK, PSH" (the on-labels of the listed bits that
 *     are set; "0x0" when none is);
 *   IP_ADDRESS "192.0.2.1"; IP6_ADDRESS "2001:db8::1" (RFC 5952); ETHERNET/TOKENRING/FDDI
 *     address and ADDR (6 bytes) "00:11:22:33:44:55"; STRING the attached text (stops at a
 *     NUL, IFLAG_UNICODE: UTF-16LE, non-ASCII as '?', control bytes as '.'); TIME
 *     "MM/DD/YYYY HH:MM:SS.mmm"; LARGEINT "4294967296 (0x100000000)"; VAR_LEN_SMALL_INT
 *     1..8 bytes as a number; OBJECT_IDENTIFIER dotted; RAW_DATA "Label (N bytes)";
 *     SUMMARY, VOID, COMMENT and the rest: hex bytes "0a ff ..." (ARRAY: in 2/4/8-digit
 *     groups by type). Data too short for its type: hex bytes.
 */
#ifndef NM_PROPFMT_H
#define NM_PROPFMT_H

#include <stddef.h>
#include "nmparse.h"

struct nm_fmt_io {
    int (*copy)(void *dst, const void *src, size_t n);        /* 0, or -1: unreadable */
    size_t (*strnlen)(const char *s, size_t max);             /* (size_t)-1: unreadable */
};

/* What to format an instance as. */
enum nm_fmt_style {
    NM_FMT_GENERIC,        /* by DataType / DataQualifier (FormatPropertyInstance) */
    NM_FMT_NUMBER,         /* width bytes (1, 2, 4, 8), base 2/8/10/16, or 0: "10 (0xa)" */
    NM_FMT_LABELED_SET,    /* width bytes against a SET of LABELED_BYTE/WORD/DWORD */
    NM_FMT_SET_AS_FLAGS,   /* the labels of the set's values whose bits are all set */
    NM_FMT_BIT_FLAGS,      /* a SET of LABELED_BIT: "0x18: ACK, PSH" */
    NM_FMT_STRING,
    NM_FMT_HEX,
    NM_FMT_TIME,
    NM_FMT_NAME            /* the label alone */
};

struct nm_fmt_req {
    int style;             /* enum nm_fmt_style */
    int width;             /* bytes of the value: 1, 2, 4, 8; 0: from DataType */
    int base;              /* NM_FMT_NUMBER: 2, 8, 10, 16; other: "10 (0xa)" */
    int swap;              /* 1: big-endian value (as well as the type/IFLAG_SWAPPED rule) */
};

#define NM_FMT_DEFAULT_SIZE 80     /* text capacity when FormatStringSize is 0 (the SDK's usual) */
#define NM_FMT_MAX_LABEL    128

/* The text capacity the FORMAT convention gives an instance: FormatStringSize, or 80. */
size_t nm_fmt_capacity(const PROPERTYINFO *info);

/* "Label = value" for pi (a copy; its pointers are read through io) with info (a copy)
 * into out[size]; the length written. */
size_t nm_fmt_instance(const struct nm_fmt_io *io, const PROPERTYINST *pi,
                       const PROPERTYINFO *info, const struct nm_fmt_req *req,
                       char *out, size_t size);

/* Pieces, also behind parser.dll's exports. Each writes at most size bytes, NUL included,
 * and returns the length written. */
size_t nm_fmt_bits(char *out, size_t size, DWORD value, DWORD mask, int nbits); /* "...1.0.." */
size_t nm_fmt_binary(char *out, size_t size, DWORD value, int nbits);           /* "00011000" */
size_t nm_fmt_systime(char *out, size_t size, const SYSTEMTIME *t);
size_t nm_fmt_ip6(char *out, size_t size, const BYTE *a);                       /* 16 bytes */
size_t nm_fmt_hexbytes(char *out, size_t size, const BYTE *p, size_t n, int group, int swap);

#endif /* NM_PROPFMT_H */
