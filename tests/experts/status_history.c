/* status_history.c - test expert for the status history (shim/history.c, include/nmshim.h
 * "status history of a Run"): a fixed sequence of ExpertIndicateStatus calls that the
 * rule keeps, skips, truncates and bounds in known ways. tests/test_events.c
 * (test_events_status_history_*) and tests/check-html.sh check what the host kept; the
 * call numbers below are theirs.
 *
 *   call 1    running, "start", 0 %            kept (the first)
 *   call 2    running, "start", 5 %            same 10 % step: not kept
 *   call 3    running, "start", 12 %           step 1: kept (after a 60 ms sleep)
 *   call 4    running, "start", 19 %           not kept
 *   call 5    running, "start", 150 %          percent ignored (stays 19): not kept
 *   call 6    running, NULL text, 25 %         text kept as "start", step 2: kept
 *   call 7    running, substatus 7, 25 %       kept
 *   call 8    problem, substatus 7, 25 %       kept
 *   call 9    running, 300 x 'L', 30 %         kept, text cut to 259 characters
 *   calls 10-109  running, "<b>step N</b>" (N = 0..99), 30 %   each kept: 100 more
 *   call 110  running, "<b>step 99</b>", 35 % not kept by the rule: the LAST entry
 * Kept: 106; the first 32 and the last 32 stay, 42 are dropped. Returns TRUE: FINAL
 * (done, 100 %). */
#include <windows.h>
#include <netmon.h>
#include <stdio.h>
#include <string.h>

__declspec(dllexport) BOOL WINAPI Register(PEXPERTENUMINFO info);
__declspec(dllexport) BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config,
                                      PEXPERTSTARTUPINFO startup, DWORD flags, HWND wnd);

BOOL WINAPI Register(PEXPERTENUMINFO info)
{
    snprintf(info->szName, sizeof(info->szName), "t_status_history");
    snprintf(info->szVendor, sizeof(info->szVendor), "nmshim tests");
    snprintf(info->szDescription, sizeof(info->szDescription),
             "Indicates 110 statuses in a known pattern, returns TRUE");
    return TRUE;
}

BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config, PEXPERTSTARTUPINFO startup,
                DWORD flags, HWND wnd)
{
    char text[400];
    int i;

    (void)config; (void)startup; (void)flags; (void)wnd;
    ExpertIndicateStatus(key, EXPERTSTATUS_RUNNING, 0, "start", 0);
    ExpertIndicateStatus(key, EXPERTSTATUS_RUNNING, 0, "start", 5);
    Sleep(60);
    ExpertIndicateStatus(key, EXPERTSTATUS_RUNNING, 0, "start", 12);
    ExpertIndicateStatus(key, EXPERTSTATUS_RUNNING, 0, "start", 19);
    ExpertIndicateStatus(key, EXPERTSTATUS_RUNNING, 0, "start", 150);
    ExpertIndicateStatus(key, EXPERTSTATUS_RUNNING, 0, NULL, 25);
    ExpertIndicateStatus(key, EXPERTSTATUS_RUNNING, 7, "start", 25);
    ExpertIndicateStatus(key, EXPERTSTATUS_PROBLEM, 7, "start", 25);
    memset(text, 'L', 300);
    text[300] = 0;
    ExpertIndicateStatus(key, EXPERTSTATUS_RUNNING, 0, text, 30);
    for (i = 0; i < 100; i++) {
        snprintf(text, sizeof(text), "<b>step %d</b>", i);
        ExpertIndicateStatus(key, EXPERTSTATUS_RUNNING, 0, text, 30);
    }
    ExpertIndicateStatus(key, EXPERTSTATUS_RUNNING, 0, text, 35);
    return TRUE;
}
