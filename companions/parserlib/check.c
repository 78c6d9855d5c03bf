/*
 * check.c - the pointer checks of the shared Parser.lib functions (parserlib.h): a parser
 * hands us pointers into frames and its own tables; VirtualQuery says whether they can be
 * read or written without raising an exception, so the checks work under nmapi.dll's fault
 * guard, under none (parser.dll), and outside any parser call.
 */
#include "parserlib.h"

/* Every page of [p, p+n) committed with the wanted access. */
static int accessible(const void *p, size_t n, DWORD want)
{
    const char *cur = p, *end;
    MEMORY_BASIC_INFORMATION mbi;

    if (!p) return 0;
    if (!n) return 1;
    end = cur + n;
    if (end < cur) return 0;
    while (cur < end) {
        if (!VirtualQuery(cur, &mbi, sizeof(mbi)) || mbi.State != MEM_COMMIT ||
            (mbi.Protect & (PAGE_GUARD | PAGE_NOACCESS)) || !(mbi.Protect & want))
            return 0;
        cur = (const char *)mbi.BaseAddress + mbi.RegionSize;
    }
    return 1;
}

int nm_plib_readable(const void *p, size_t n)
{
    return accessible(p, n, PAGE_READONLY | PAGE_READWRITE | PAGE_WRITECOPY | PAGE_EXECUTE_READ |
                            PAGE_EXECUTE_READWRITE | PAGE_EXECUTE_WRITECOPY);
}

int nm_plib_writable(void *p, size_t n)
{
    return accessible(p, n, PAGE_READWRITE | PAGE_WRITECOPY | PAGE_EXECUTE_READWRITE |
                            PAGE_EXECUTE_WRITECOPY);
}
