/* ignore_stop.c - test expert that hangs on purpose: it keeps reporting status and
 * ignores NMERR_EXPERT_TERMINATE, so the host must report it as hung and still finish.
 * It ends when the named event "nmshim_release_hung" is signalled, or after 60 s. */
#include <windows.h>
#include <netmon.h>
#include <stdio.h>

#define GIVE_UP_MS 60000

__declspec(dllexport) BOOL WINAPI Register(PEXPERTENUMINFO info);
__declspec(dllexport) BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config,
                                      PEXPERTSTARTUPINFO startup, DWORD flags, HWND wnd);

BOOL WINAPI Register(PEXPERTENUMINFO info)
{
    snprintf(info->szName, sizeof(info->szName), "t_ignore_stop");
    snprintf(info->szVendor, sizeof(info->szVendor), "nmshim tests");
    snprintf(info->szDescription, sizeof(info->szDescription),
             "Ignores NMERR_EXPERT_TERMINATE until nmshim_release_hung is set");
    info->Version = 0;
    info->Flags = 0;
    return TRUE;
}

BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config, PEXPERTSTARTUPINFO startup,
                DWORD flags, HWND wnd)
{
    HANDLE release;
    DWORD start = GetTickCount(), elapsed;

    (void)config; (void)startup; (void)flags; (void)wnd;

    /* Manual reset, not reset here: the test may signal it before Run even starts.
     * If it cannot be created we still give up after 60 s. */
    release = CreateEventA(NULL, TRUE, FALSE, "nmshim_release_hung");
    for (;;) {
        elapsed = GetTickCount() - start;
        if (elapsed >= GIVE_UP_MS)
            break;
        /* The return value is ignored on purpose: that is this expert's bug. */
        ExpertIndicateStatus(key, EXPERTSTATUS_RUNNING, 0, "ignoring stop requests",
                             (LONG)(elapsed * 99 / GIVE_UP_MS));
        if (release) {
            if (WaitForSingleObject(release, 10) == WAIT_OBJECT_0)
                break;
        } else {
            Sleep(10);
        }
    }
    if (release)
        CloseHandle(release);
    return TRUE;
}
