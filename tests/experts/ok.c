/* ok.c - a well-behaved test expert: exercises the allocator and the status call and
 * frees everything (10 allocs, 1 realloc, 10 frees, 0 leaks). Built twice, as t_ok
 * (plain export names) and t_decorated (i686 names keep their @N), so the name it
 * registers is taken from its own DLL file name. */
#include <windows.h>
#include <netmon.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define NBLOCKS 10
#define GROWN_INDEX 4           /* the block that gets reallocated */
#define GROWN_SIZE 5000

__declspec(dllexport) BOOL WINAPI Register(PEXPERTENUMINFO info);
__declspec(dllexport) BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config,
                                      PEXPERTSTARTUPINFO startup, DWORD flags, HWND wnd);

/* Reports an unexpected observation; the host's tests print the status text. */
static BOOL __attribute__((format(__MINGW_PRINTF_FORMAT, 2, 3)))
fail(HEXPERTKEY key, const char *fmt, ...)
{
    char text[EXPERTSTRINGLENGTH];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    ExpertIndicateStatus(key, EXPERTSTATUS_PROBLEM, 0, text, 0);
    return FALSE;
}

/* "t_ok" or "t_decorated": the base name of this DLL, so one source serves both. */
static void own_name(char *out, size_t size)
{
    char path[MAX_PATH];
    HMODULE self = NULL;
    const char *base;
    char *dot;

    snprintf(out, size, "t_ok");
    if (!GetModuleHandleExA(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS |
                            GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                            (LPCSTR)(void *)own_name, &self))
        return;
    if (!GetModuleFileNameA(self, path, sizeof(path)))
        return;
    base = strrchr(path, '\\');
    base = base ? base + 1 : path;
    snprintf(out, size, "%s", base);
    dot = strrchr(out, '.');
    if (dot)
        *dot = '\0';
}

BOOL WINAPI Register(PEXPERTENUMINFO info)
{
    own_name(info->szName, sizeof(info->szName));
    snprintf(info->szVendor, sizeof(info->szVendor), "nmshim tests");
    snprintf(info->szDescription, sizeof(info->szDescription),
             "Allocates, grows and frees ten blocks, reports status, returns TRUE");
    info->Version = 0;
    info->Flags = 0;
    return TRUE;
}

BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config, PEXPERTSTARTUPINFO startup,
                DWORD flags, HWND wnd)
{
    BYTE *blocks[NBLOCKS] = { NULL };
    BOOL ok = TRUE;
    DWORD err, rc;
    SIZE_T size, got;
    int i;

    (void)config; (void)startup; (void)flags; (void)wnd;

    for (i = 0; i < NBLOCKS; i++) {
        size = (SIZE_T)(i + 1) * 100;
        err = 0xdeadbeef;       /* poisoned: a success must overwrite it with 0 */
        blocks[i] = ExpertAllocMemory(key, size, &err);
        if (!blocks[i]) {
            ok = fail(key, "alloc %lu: NULL, err %lu", (unsigned long)size, err);
            continue;
        }
        if (err != NMERR_SUCCESS)
            ok = fail(key, "alloc %lu: err %lu, expected 0", (unsigned long)size, err);
        got = ExpertMemorySize(key, blocks[i]);
        if (got != size)
            ok = fail(key, "size of block %d: %lu, expected %lu", i,
                      (unsigned long)got, (unsigned long)size);
        memset(blocks[i], 'a' + i, size);
    }

    /* Grow one block: the first 500 bytes must survive the move. */
    if (blocks[GROWN_INDEX]) {
        BYTE *grown;
        SIZE_T old = (GROWN_INDEX + 1) * 100, j;

        err = 0xdeadbeef;
        grown = ExpertReallocMemory(key, blocks[GROWN_INDEX], GROWN_SIZE, &err);
        if (!grown) {
            ok = fail(key, "realloc to %d: NULL, err %lu", GROWN_SIZE, err);
        } else {
            blocks[GROWN_INDEX] = grown;
            if (err != NMERR_SUCCESS)
                ok = fail(key, "realloc: err %lu, expected 0", err);
            got = ExpertMemorySize(key, grown);
            if (got != GROWN_SIZE)
                ok = fail(key, "size after realloc: %lu, expected %d", (unsigned long)got,
                          GROWN_SIZE);
            for (j = 0; j < old; j++)
                if (grown[j] != 'a' + GROWN_INDEX)
                    break;
            if (j != old)
                ok = fail(key, "realloc lost contents at byte %lu", (unsigned long)j);
        }
    }

    rc = ExpertIndicateStatus(key, EXPERTSTATUS_RUNNING, 0, "halfway", 50);
    if (rc != NMERR_SUCCESS)
        ok = fail(key, "ExpertIndicateStatus returned %lu", rc);

    for (i = 0; i < NBLOCKS; i++) {
        if (!blocks[i])
            continue;
        rc = ExpertFreeMemory(key, blocks[i]);
        if (rc != NMERR_SUCCESS)
            ok = fail(key, "free of block %d returned %lu", i, rc);
    }
    return ok;
}
