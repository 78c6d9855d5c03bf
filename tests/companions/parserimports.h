/*
 * parserimports.h - what t_parser_imports.dll shares with tests/test_parserdll.c: its
 * import list (every name of def/parser.def and def/bhsupp.def) and its entry points.
 */
#ifndef NM_TEST_PARSERIMPORTS_H
#define NM_TEST_PARSERIMPORTS_H

#include <windows.h>

#define PARSER_NIMPORTS 70          /* parser.dll's 69 + bhsupp.dll's dprintf */

struct parser_import {
    const char *dll;
    const char *name;
    int bytes;                      /* i686 argument bytes; -1: cdecl */
    void *const *imp;               /* its import address table slot */
};

/* Exported by t_parser_imports.dll. */
typedef const struct parser_import *(WINAPI *PARSER_IMPORTS)(DWORD *n);
/* Calls the real functions through the imports; 0, or the number of the first failed
 * check with its text in problem. */
typedef DWORD (WINAPI *PARSER_IMPORTS_USE)(char *problem, DWORD size);

#endif /* NM_TEST_PARSERIMPORTS_H */
