/* victim.c - test expert, run at the same time as foreign_free.c under another key:
 * publishes one of its blocks, lets t_foreign_free try to free/realloc/size it with
 * the wrong key, then checks that the block was left untouched and frees it itself. */
#include <windows.h>
#include <netmon.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define BLOCK_SIZE 4096
#define FILL 0xA5
#define WAIT_MS 10000

__declspec(dllexport) BOOL WINAPI Register(PEXPERTENUMINFO info);
__declspec(dllexport) BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config,
                                      PEXPERTSTARTUPINFO startup, DWORD flags, HWND wnd);

/* The block, exported by name so t_foreign_free can find it with GetProcAddress. */
__declspec(dllexport) void *volatile victim_block;

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

BOOL WINAPI Register(PEXPERTENUMINFO info)
{
    snprintf(info->szName, sizeof(info->szName), "t_victim");
    snprintf(info->szVendor, sizeof(info->szVendor), "nmshim tests");
    snprintf(info->szDescription, sizeof(info->szDescription),
             "Publishes a block for t_foreign_free and checks it survives");
    info->Version = 0;
    info->Flags = 0;
    return TRUE;
}

BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config, PEXPERTSTARTUPINFO startup,
                DWORD flags, HWND wnd)
{
    HANDLE ready = NULL, done = NULL;
    BOOL ok = TRUE;
    DWORD err = 0xdeadbeef, rc, i;
    BYTE *block;

    (void)config; (void)startup; (void)flags; (void)wnd;

    /* Manual-reset and created by whichever side comes first (CreateEvent opens an
     * existing one). */
    ready = CreateEventA(NULL, TRUE, FALSE, "nmshim_victim_ready");
    done = CreateEventA(NULL, TRUE, FALSE, "nmshim_foreign_done");
    if (!ready || !done) {
        ok = fail(key, "CreateEventA failed, error %lu", GetLastError());
        goto out;
    }

    block = ExpertAllocMemory(key, BLOCK_SIZE, &err);
    if (!block) {
        ok = fail(key, "alloc %d: NULL, err %lu", BLOCK_SIZE, err);
        goto out;
    }
    memset(block, FILL, BLOCK_SIZE);
    victim_block = block;

    /* A "done" left signalled by an earlier pair in this process would end our wait
     * at once; foreign_free cannot set it before it sees "ready", so clear it first. */
    ResetEvent(done);
    SetEvent(ready);

    rc = WaitForSingleObject(done, WAIT_MS);
    if (rc != WAIT_OBJECT_0)
        ok = fail(key, "nmshim_foreign_done not signalled within %d ms (wait %lu)",
                  WAIT_MS, rc);

    for (i = 0; i < BLOCK_SIZE; i++)
        if (block[i] != FILL)
            break;
    if (i != BLOCK_SIZE)
        ok = fail(key, "block changed at byte %lu: 0x%02x", i, block[i]);

    /* Unpublish before freeing, and re-arm "ready" for a later pair in this process. */
    victim_block = NULL;
    ResetEvent(ready);
    rc = ExpertFreeMemory(key, block);
    if (rc != NMERR_SUCCESS)
        ok = fail(key, "free of own block returned %lu", rc);

out:
    if (ready)
        CloseHandle(ready);
    if (done)
        CloseHandle(done);
    return ok;
}
