/*
 * parser_private.h - what the files of parser.dll share: netmon.h (which declares the 37
 * documented Parser.lib functions, docs/sdk-samples.md Appendix B) plus the 32 internal
 * cdecl routines parser.lib also exports. Their names and prototypes are those of the old
 * parser-library header pmacros.h (Bloodhound, "OLDPLIBINC"); Appendix B names the same
 * families (fm_*, *_flag_to_string, hex_canon*, itoa1, strcpy1, prop_name_equals,
 * property_name, time_string) and its count, 69, is 37 + these 32.
 */
#ifndef NM_PARSER_PRIVATE_H
#define NM_PARSER_PRIVATE_H

#include <windows.h>
#include <netmon.h>

/* The internal routines (all WINAPIV = cdecl). */
UCHAR *WINAPIV strcpy1(UCHAR *string1, UCHAR *string2);
UCHAR *WINAPIV itoa1(WORD num, UCHAR *string);
UCHAR *WINAPIV byte_flag_to_string(UCHAR byte, UCHAR mask, UCHAR *string);
UCHAR *WINAPIV word_flag_to_string(WORD word, WORD mask, UCHAR *string);
UCHAR *WINAPIV dword_flag_to_string(DWORD dword, DWORD mask, UCHAR *string);
void WINAPIV fm_byte_flags(LPPROPERTYINST prop);
void WINAPIV fm_word_flags(LPPROPERTYINST prop);
void WINAPIV fm_dword_flags(LPPROPERTYINST prop);
UCHAR *WINAPIV prop_name_equals(LPPROPERTYINST prop);
UCHAR *WINAPIV property_name(LPPROPERTYINST prop, UCHAR *string);
void WINAPIV fm_property_name(LPPROPERTYINST prop);
void WINAPIV fm_dword10(LPPROPERTYINST prop);
void WINAPIV hex_canon(UCHAR *hex, UCHAR *dest, int len);
void WINAPIV hex_canon2(UCHAR *hex, UCHAR *dest, int len);
void WINAPIV fm_dword16(LPPROPERTYINST prop);
void WINAPIV fm_word10(LPPROPERTYINST prop);
void WINAPIV fm_word16(LPPROPERTYINST prop);
void WINAPIV fm_byte10(LPPROPERTYINST prop);
void WINAPIV fm_byte16(LPPROPERTYINST prop);
void WINAPIV fm_swap_word10(LPPROPERTYINST prop);
void WINAPIV fm_swap_word16(LPPROPERTYINST prop);
void WINAPIV fm_swap_dword10(LPPROPERTYINST prop);
void WINAPIV fm_swap_dword16(LPPROPERTYINST prop);
void WINAPIV fm_string(LPPROPERTYINST prop);
void WINAPIV fm_hex_string(LPPROPERTYINST prop);
void WINAPIV fm_word_set(LPPROPERTYINST prop);
void WINAPIV fm_dword_set(LPPROPERTYINST prop);
void WINAPIV fm_byte_set(LPPROPERTYINST prop);
UCHAR *WINAPIV time_string(ULPSYSTEMTIME time, UCHAR *string);
void WINAPIV fm_time(LPPROPERTYINST prop);
void WINAPIV fm_time_ex(LPPROPERTYINST prop);
void WINAPIV fm_largeint16(LPPROPERTYINST prop);

/* trace.c: NMAPI_TRACE-switched lines on stderr, the stream nmapi.dll traces to. */
extern int pd_trace_level;
void pd_trace_print(const char *kind, const char *func, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#define PD_WARN(...) do { if (pd_trace_level >= 1) pd_trace_print("warn", __func__, __VA_ARGS__); } while (0)
#define PD_STUB() do { static LONG said; if (pd_trace_level >= 1 && !InterlockedExchange(&said, 1)) \
    pd_trace_print("fixme", __func__, "stub: not implemented by nmshim\n"); } while (0)

/* Pointer checks (nm_plib_readable, nm_plib_writable), the hex helpers and the functions
 * nmapi.dll exports too: companions/parserlib. */
#include "parserlib.h"

#endif /* NM_PARSER_PRIVATE_H */
