/* alloc_checked.c - test expert that checks every allocation, as the SDK asks: it
 * makes ALLOCS allocations and REALLOCS reallocations (ALLOCS + REALLOCS calls), counts
 * those that fail with NMERR_OUT_OF_MEMORY (a failed realloc keeps its block, as
 * documented), frees what it holds and ends done. One event says how many failed, so
 * tests/check-faultinj.sh can set it beside the report's "injected" count. */
#include <windows.h>
#include <netmon.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define ALLOCS   10
#define REALLOCS 5

__declspec(dllexport) BOOL WINAPI Register(PEXPERTENUMINFO info);
__declspec(dllexport) BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config,
                                      PEXPERTSTARTUPINFO startup, DWORD flags, HWND wnd);

struct count_event {
    NMEVENTDATA head;
    NMCOLUMNINFO column[2];
};
_Static_assert(offsetof(struct count_event, column) == offsetof(NMEVENTDATA, Column),
               "columns must follow NMEVENTDATA directly");

BOOL WINAPI Register(PEXPERTENUMINFO info)
{
    snprintf(info->szName, sizeof(info->szName), "t_alloc_checked");
    snprintf(info->szVendor, sizeof(info->szVendor), "nmshim tests");
    snprintf(info->szDescription, sizeof(info->szDescription),
             "Checks every allocation and carries on without the ones that fail");
    info->Version = 0;
    info->Flags = 0;
    return TRUE;
}

BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config, PEXPERTSTARTUPINFO startup,
                DWORD flags, HWND wnd)
{
    void *blocks[ALLOCS] = { NULL };
    DWORD err, failed = 0, calls = 0, i;
    struct count_event ev;
    char text[EXPERTSTRINGLENGTH];

    (void)config; (void)startup; (void)flags; (void)wnd;
    for (i = 0; i < ALLOCS; i++) {
        err = 0xdeadbeef;
        blocks[i] = ExpertAllocMemory(key, 100 + i, &err);
        calls++;
        if (!blocks[i]) {
            if (err != NMERR_OUT_OF_MEMORY) return FALSE;   /* not the documented failure */
            failed++;
            continue;
        }
        if (err != NMERR_SUCCESS) return FALSE;
        memset(blocks[i], (int)i, 100 + i);
    }
    for (i = 0; i < REALLOCS; i++) {
        DWORD b = i % ALLOCS;
        void *q;
        err = 0xdeadbeef;
        /* A NULL block reallocs as an allocation: one call either way. */
        q = ExpertReallocMemory(key, blocks[b], 4000 + i, &err);
        calls++;
        if (!q) {
            if (err != NMERR_OUT_OF_MEMORY) return FALSE;
            failed++;           /* blocks[b] is still ours, untouched */
            continue;
        }
        blocks[b] = q;
    }
    for (i = 0; i < ALLOCS; i++)
        if (blocks[i]) ExpertFreeMemory(key, blocks[i]);

    memset(&ev, 0, sizeof(ev));
    ev.head.Version = 0;
    ev.head.EventIdent = 1;
    ev.head.Severity = NMEVENT_SEVERITY_INFORMATIONAL;
    ev.head.szSourceName = "t_alloc_checked";
    ev.head.szEventName = "allocations";
    ev.head.szDescription = "allocation calls made and failed";
    ev.head.NumColumns = 2;
    ev.column[0].szColumnName = "calls";
    ev.column[0].VariantData.Type = NMCOLUMNTYPE_UINT32;
    ev.column[0].VariantData.Value.Uint32Val = calls;
    ev.column[1].szColumnName = "failed";
    ev.column[1].VariantData.Type = NMCOLUMNTYPE_UINT32;
    ev.column[1].VariantData.Value.Uint32Val = failed;
    ExpertSubmitEvent(key, &ev.head);
    snprintf(text, sizeof(text), "%lu of %lu allocation calls failed; carried on",
             (unsigned long)failed, (unsigned long)calls);
    ExpertIndicateStatus(key, EXPERTSTATUS_RUNNING, 0, text, 99);
    return TRUE;
}
