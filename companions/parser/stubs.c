/*
 * stubs.c - documented stubs of parser.dll (def/parser.def marks them "; stub:"): each
 * traces one FIXME (NMAPI_TRACE=warn) and returns the failure value the inventory names
 * (NULL, FALSE, 0, or nothing for VOID). No stub reads or writes any argument. A function
 * leaves this file when it becomes real.
 */
#include "parser_private.h"

#pragma GCC diagnostic ignored "-Wunused-parameter"

/* BuildINIPath (parser.@) */
LPSTR __cdecl BuildINIPath(char *FullPath,char *IniFileName)
{
    PD_STUB();
    return NULL;
}
