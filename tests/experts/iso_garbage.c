/* iso_garbage.c - test expert for nmhost --isolate: an expert runs inside the child and
 * can write to the child's result pipe too. Run finds the pipe handle on the command
 * line (--isolate-child=HANDLE, host/isolate.c) and writes bytes that are not a valid
 * report: the record chosen by the environment variable NMSHIM_ISO_GARBAGE ("huge": a
 * record header claiming 4 GiB; "result": a result record with an outcome that does not
 * exist; anything else: random bytes). The parent must not crash or believe any of it:
 * this expert is a fault (CHILD_BAD_RESULT), the others still run to done. Outside
 * --isolate it just returns TRUE. */
#include <windows.h>
#include <netmon.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__declspec(dllexport) BOOL WINAPI Register(PEXPERTENUMINFO info);
__declspec(dllexport) BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config,
                                      PEXPERTSTARTUPINFO startup, DWORD flags, HWND wnd);

BOOL WINAPI Register(PEXPERTENUMINFO info)
{
    snprintf(info->szName, sizeof(info->szName), "t_iso_garbage");
    snprintf(info->szVendor, sizeof(info->szVendor), "nmshim tests");
    snprintf(info->szDescription, sizeof(info->szDescription),
             "Writes garbage to the --isolate result pipe");
    info->Version = 0;
    info->Flags = 0;
    return TRUE;
}

static void put32(BYTE *p, DWORD v)
{
    p[0] = (BYTE)v; p[1] = (BYTE)(v >> 8); p[2] = (BYTE)(v >> 16); p[3] = (BYTE)(v >> 24);
}

BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config, PEXPERTSTARTUPINFO startup,
                DWORD flags, HWND wnd)
{
    const char *opt = strstr(GetCommandLineA(), "--isolate-child=");
    const char *kind = getenv("NMSHIM_ISO_GARBAGE");
    BYTE buf[4096];
    HANDLE pipe;
    DWORD n, i, len = 0;
    (void)config; (void)startup; (void)flags; (void)wnd;

    if (!opt) return TRUE;
    pipe = (HANDLE)(ULONG_PTR)_strtoui64(opt + strlen("--isolate-child="), NULL, 16);
    ExpertIndicateStatus(key, EXPERTSTATUS_RUNNING, 0, "writing garbage", 50);
    memset(buf, 0, sizeof(buf));
    if (kind && !strcmp(kind, "huge")) {
        put32(buf, 6);                  /* an event record ... */
        put32(buf + 4, 0xfffffff0u);    /* ... of almost 4 GiB */
        len = 4096;
    } else if (kind && !strcmp(kind, "result")) {
        put32(buf, 5);                  /* a result record ... */
        put32(buf + 4, 16);
        put32(buf + 8, 1);              /* have_result */
        put32(buf + 20, 99);            /* outcome 99 (does not exist) */
        len = 24;
    } else {
        srand(GetTickCount());
        for (i = 0; i < sizeof(buf); i++) buf[i] = (BYTE)rand();
        len = sizeof(buf);
    }
    WriteFile(pipe, buf, len, &n, NULL);
    return TRUE;
}
