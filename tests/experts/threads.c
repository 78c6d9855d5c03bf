/* threads.c - test expert: four threads of its own hammer the allocator with the same
 * key at once (4000 allocs, 4000 reallocs, 4000 frees, nothing left live), as an
 * expert may call the API from threads it creates (docs/design.md "Threads"). */
#include <windows.h>
#include <netmon.h>
#include <stdio.h>
#include <string.h>

#define NTHREADS 4
#define ITERATIONS 1000

__declspec(dllexport) BOOL WINAPI Register(PEXPERTENUMINFO info);
__declspec(dllexport) BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config,
                                      PEXPERTSTARTUPINFO startup, DWORD flags, HWND wnd);

struct worker {
    HEXPERTKEY key;
    BYTE tag;                   /* fill byte, different per thread */
    LONG failures;
    char first_failure[128];    /* reported by Run, not by the thread */
};

static void note(struct worker *w, int iter, const char *what, DWORD code)
{
    if (w->failures++ == 0)
        snprintf(w->first_failure, sizeof(w->first_failure),
                 "thread %d iteration %d: %s (%lu)", w->tag, iter, what, code);
}

static DWORD WINAPI worker_main(LPVOID arg)
{
    struct worker *w = arg;
    DWORD err, rc;
    BYTE *p, *q;
    int i, j;

    for (i = 0; i < ITERATIONS; i++) {
        err = 0xdeadbeef;
        p = ExpertAllocMemory(w->key, 64, &err);
        if (!p || err != NMERR_SUCCESS) {
            note(w, i, "alloc 64", err);
            if (!p)
                continue;
        }
        /* A tag per thread: a block shared by mistake between threads shows up. */
        memset(p, w->tag, 64);
        err = 0xdeadbeef;
        q = ExpertReallocMemory(w->key, p, 128, &err);
        if (!q || err != NMERR_SUCCESS) {
            note(w, i, "realloc to 128", err);
            if (!q) {
                ExpertFreeMemory(w->key, p);
                continue;
            }
        }
        for (j = 0; j < 64; j++)
            if (q[j] != w->tag)
                break;
        if (j != 64)
            note(w, i, "contents lost in realloc at byte", (DWORD)j);
        rc = ExpertFreeMemory(w->key, q);
        if (rc != NMERR_SUCCESS)
            note(w, i, "free", rc);
    }
    return 0;
}

BOOL WINAPI Register(PEXPERTENUMINFO info)
{
    snprintf(info->szName, sizeof(info->szName), "t_threads");
    snprintf(info->szVendor, sizeof(info->szVendor), "nmshim tests");
    snprintf(info->szDescription, sizeof(info->szDescription),
             "Four threads alloc/realloc/free 1000 times each with one key");
    info->Version = 0;
    info->Flags = 0;
    return TRUE;
}

BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config, PEXPERTSTARTUPINFO startup,
                DWORD flags, HWND wnd)
{
    struct worker workers[NTHREADS];
    HANDLE threads[NTHREADS];
    char text[EXPERTSTRINGLENGTH];
    int i, started = 0;
    BOOL ok = TRUE;

    (void)config; (void)startup; (void)flags; (void)wnd;

    memset(workers, 0, sizeof(workers));
    for (i = 0; i < NTHREADS; i++) {
        workers[i].key = key;
        workers[i].tag = (BYTE)(i + 1);
        threads[started] = CreateThread(NULL, 0, worker_main, &workers[i], 0, NULL);
        if (!threads[started]) {
            snprintf(text, sizeof(text), "CreateThread %d failed, error %lu", i,
                     GetLastError());
            ExpertIndicateStatus(key, EXPERTSTATUS_PROBLEM, 0, text, 0);
            ok = FALSE;
            continue;
        }
        started++;
    }
    if (started)
        WaitForMultipleObjects((DWORD)started, threads, TRUE, INFINITE);
    for (i = 0; i < started; i++)
        CloseHandle(threads[i]);

    for (i = 0; i < NTHREADS; i++) {
        if (workers[i].failures) {
            snprintf(text, sizeof(text), "%ld failures; first: %s", workers[i].failures,
                     workers[i].first_failure);
            ExpertIndicateStatus(key, EXPERTSTATUS_PROBLEM, 0, text, 0);
            ok = FALSE;
        }
    }
    return ok;
}
