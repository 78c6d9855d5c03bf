/*
 * t_parser_imports.c - test DLL t_parser_imports.dll: imports every export of parser.dll
 * and bhsupp.dll through a real import table (so it loads only if both export each name
 * undecorated), and uses the real ones as the SDK's Blrplate parser does
 * (docs/sdk-samples.md §3.1): LookupWordSetString on its opcode set, a FORMAT formatter
 * called with one argument writing into the host's szPropertyText, dprintf.
 */
#include <stdio.h>
#include <string.h>
#include <netmon.h>
#include "parserimports.h"

#include "parser_imports.inc"

__declspec(dllexport) const struct parser_import *WINAPI ParserImports(DWORD *n);
__declspec(dllexport) DWORD WINAPI ParserImportsUse(char *problem, DWORD size);

const struct parser_import *WINAPI ParserImports(DWORD *n)
{
    if (n) *n = sizeof(parser_imports) / sizeof(parser_imports[0]);
    return parser_imports;
}

static LABELED_WORD opcodes[] = { { 1, (LPSTR)"Premiere" }, { 2, (LPSTR)"Secondary" } };
static SET opcode_set = { 2, { opcodes } };

#define FAIL(n, ...) do { snprintf(problem, size, __VA_ARGS__); return (n); } while (0)

DWORD WINAPI ParserImportsUse(char *problem, DWORD size)
{
    PROPERTYINFO info = { 0, 0, (LPSTR)"Opcode", (LPSTR)"BLRPLATE Packet Type", PROP_TYPE_WORD,
                          PROP_QUAL_LABELED_SET, { &opcode_set }, 80, NULL };
    PROPERTYINST inst;
    WORD value = 2;
    char text[80];
    VOID (WINAPIV *labeled)(LPPROPERTYINST) = FormatLabeledWordSet;
    FORMAT fmt;                               /* stored as a formatter, called with one argument */
    LPBYTE s;

    memcpy(&fmt, &labeled, sizeof(fmt));

    problem[0] = 0;
    s = LookupWordSetString(&opcode_set, 1);
    if (!s || strcmp((const char *)s, "Premiere")) FAIL(1, "LookupWordSetString(1): %s", s ? (char *)s : "NULL");
    if (LookupWordSetString(&opcode_set, 3)) FAIL(2, "LookupWordSetString(3) not NULL");
    memset(&inst, 0, sizeof(inst));
    memset(text, 'x', sizeof(text));
    inst.lpPropertyInfo = &info;
    inst.szPropertyText = text;
    inst.lpData = &value;
    inst.DataLength = 2;
    fmt(&inst);
    if (strcmp(text, "Opcode = 2 (Secondary)")) FAIL(3, "FormatLabeledWordSet: \"%.79s\"", text);
    dprintf((LPSTR)"t_parser_imports: %s %d", "dprintf", 42);
    return 0;
}
