/*
 * parserlib.c - nmapi.dll's side of the Parser.lib functions the docs place in Nmapi.dll
 * (docs/nmapi-exports.md §5.2). Nine of the ten are shared with parser.dll, one set of
 * sources (companions/parserlib, linked into both DLLs); this file gives them nmapi.dll's
 * trace (nm_plib_warn) and holds the tenth, BuildINIPath, which needs the engine: only
 * nmapi.dll knows which parser is calling.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "nmapi_private.h"
#include "handoff.h"
#include "inipath.h"
#include "parserlib.h"

/* The shared functions' warnings, as nmapi.dll's WARN lines ("nmapi:warn:..."). */
void nm_plib_warn(const char *func, const char *fmt, ...)
{
    char text[400];
    va_list ap;

    if (nm_trace_level < 1) return;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    nm_trace_print("warn", func, "%s", text);
}

/* BuildINIPath (nmapi.@): FullPath = the calling parser's folder + IniFileName + ".ini"
 * (inipath.c), FullPath returned. There is no size argument: the path is at most MAX_PATH
 * bytes with its NUL, and exactly those bytes must be writable. NULL, FullPath untouched:
 * not called from a parser's entry point (there is no "its" folder; parser.dll's
 * BuildINIPath, which cannot know the caller, is a stub for that reason), a bad or
 * unreadable name, a path too long, an unwritable FullPath. */
LPSTR __cdecl BuildINIPath(char *FullPath, char *IniFileName)
{
    char name[NM_INIPATH_MAX_NAME], dir[MAX_PATH], path[MAX_PATH];
    long n = IniFileName ? nm_plib_text_len(IniFileName, sizeof(name)) : -1;
    size_t len;

    if (n <= 0) { WARN("(%p, %p): bad name\n", (void *)FullPath, (void *)IniFileName); return NULL; }
    memcpy(name, IniFileName, (size_t)n);
    name[n] = 0;
    if (nm_plugin_current_dir(dir, sizeof(dir))) {
        WARN("(%s): not called from a parser's entry point\n", name);
        return NULL;
    }
    if (nm_inipath_build(dir, name, path, sizeof(path))) {
        WARN("(%s): not a base name, or a path longer than MAX_PATH\n", name);
        return NULL;
    }
    len = strlen(path) + 1;
    if (!nm_plib_writable(FullPath, len)) {
        WARN("(%p, %s): FullPath not writable for %lu bytes\n", (void *)FullPath, name, (unsigned long)len);
        return NULL;
    }
    memcpy(FullPath, path, len);
    TRACE("(%s) -> %s\n", name, FullPath);
    return FullPath;
}
