/*
 * parserlib.h - the Parser.lib functions both nmapi.dll and parser.dll export, from ONE
 * set of sources (the .c files of companions/parserlib, compiled once per arch into both
 * DLLs): the ten the docs place in Nmapi.dll with Library "Parser.lib"
 * (docs/nmapi-exports.md §5.2) less BuildINIPath, which is each DLL's own (it needs to
 * know the calling parser: shim/parserlib.c; parser.dll's is a stub).
 *
 * They are pure functions of their arguments. None trusts a pointer: every read and write is
 * checked first with VirtualQuery (check.c), so a NULL or bad argument gets the failure value
 * the inventories name (NULL or FALSE), never a fault, under any fault guard or none.
 *
 * What each DLL supplies (a few lines: companions/parser/trace.c, shim/parserlib.c):
 *   nm_plib_warn(): a warning line in that DLL's trace ("parser:warn:..." or
 *   "nmapi:warn:..."), written only when its NMAPI_TRACE level shows warnings.
 */
#ifndef NM_PARSERLIB_H
#define NM_PARSERLIB_H

#include <stddef.h>
#include <windows.h>
#include <netmon.h>

/* check.c: every page of [p, p+n) committed and readable / writable; n == 0 asks only
 * p != NULL. */
int nm_plib_readable(const void *p, size_t n);
int nm_plib_writable(void *p, size_t n);

/* address.c: helpers parser.dll's other conversions use too. */
extern const char nm_plib_hexdig[17];                 /* "0123456789ABCDEF" */
int nm_plib_hexval(int c);                            /* 0..15, or -1 */
long nm_plib_text_len(const char *s, size_t max);     /* readable length below max, or -1 */

/* Per DLL: one warning line, when that DLL traces warnings. */
void nm_plib_warn(const char *func, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define PLIB_WARN(...) nm_plib_warn(__func__, __VA_ARGS__)

#endif /* NM_PARSERLIB_H */
