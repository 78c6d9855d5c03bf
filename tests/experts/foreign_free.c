/* foreign_free.c - test expert, run at the same time as victim.c under another key:
 * takes t_victim's published block and tries to free, realloc and size it with its
 * OWN key; the host must refuse all three and leave the block alone. */
#include <windows.h>
#include <netmon.h>
#include <stdarg.h>
#include <stdio.h>

#define WAIT_MS 10000

__declspec(dllexport) BOOL WINAPI Register(PEXPERTENUMINFO info);
__declspec(dllexport) BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config,
                                      PEXPERTSTARTUPINFO startup, DWORD flags, HWND wnd);

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

/* t_victim's exported data symbol holds the block pointer (NULL while unpublished). */
static void *victim_pointer(void)
{
    HMODULE victim = GetModuleHandleA("t_victim.dll");
    void *volatile *slot;

    if (!victim)
        return NULL;
    slot = (void *volatile *)(void *)GetProcAddress(victim, "victim_block");
    return slot ? *slot : NULL;
}

BOOL WINAPI Register(PEXPERTENUMINFO info)
{
    snprintf(info->szName, sizeof(info->szName), "t_foreign_free");
    snprintf(info->szVendor, sizeof(info->szVendor), "nmshim tests");
    snprintf(info->szDescription, sizeof(info->szDescription),
             "Frees, reallocs and sizes t_victim's block with the wrong key");
    info->Version = 0;
    info->Flags = 0;
    return TRUE;
}

BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config, PEXPERTSTARTUPINFO startup,
                DWORD flags, HWND wnd)
{
    HANDLE ready = NULL, done = NULL;
    BOOL ok = TRUE;
    DWORD rc, err, start;
    SIZE_T size;
    void *p = NULL, *q;

    (void)config; (void)startup; (void)flags; (void)wnd;

    ready = CreateEventA(NULL, TRUE, FALSE, "nmshim_victim_ready");
    done = CreateEventA(NULL, TRUE, FALSE, "nmshim_foreign_done");
    if (!ready || !done) {
        ok = fail(key, "CreateEventA failed, error %lu", GetLastError());
        goto out;
    }

    /* Wait for "ready" AND a non-NULL pointer: a "ready" left signalled by an earlier
     * pair (one that crashed before resetting it) must not send us a stale pointer. */
    start = GetTickCount();
    for (;;) {
        rc = WaitForSingleObject(ready, 100);
        if (rc == WAIT_OBJECT_0 && (p = victim_pointer()) != NULL)
            break;
        if (GetTickCount() - start >= WAIT_MS)
            break;
        if (rc == WAIT_OBJECT_0)
            Sleep(10);          /* signalled but no pointer yet: do not spin */
    }
    if (!p) {
        ok = fail(key, "no victim block within %d ms (t_victim.dll %s, ready wait %lu)",
                  WAIT_MS, GetModuleHandleA("t_victim.dll") ? "loaded" : "not loaded", rc);
        goto out;
    }

    rc = ExpertFreeMemory(key, p);
    if (rc != NMERR_INVALID_PARAMETER)
        ok = fail(key, "free of foreign block returned %lu, expected %d", rc,
                  NMERR_INVALID_PARAMETER);

    err = 0xdeadbeef;
    q = ExpertReallocMemory(key, p, 10, &err);
    if (q != NULL || err != NMERR_INVALID_PARAMETER)
        ok = fail(key, "realloc of foreign block returned %p, err %lu; expected NULL, %d",
                  q, err, NMERR_INVALID_PARAMETER);

    size = ExpertMemorySize(key, p);
    if (size != 0)
        ok = fail(key, "size of foreign block %lu, expected 0", (unsigned long)size);

out:
    /* Always release the victim, even after a failure, so it never waits 10 s. */
    if (done)
        SetEvent(done);
    if (ready)
        CloseHandle(ready);
    if (done)
        CloseHandle(done);
    return ok;
}
