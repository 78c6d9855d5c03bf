/*
 * events.c - ExpertIndicateStatus, ExpertSubmitEvent, ExpertGetStartupInfo (nmapi.@):
 * what a running expert tells the host (docs/expert-api.md §4.6-4.8, docs/design.md "Events and
 * status"); the host reads a Run's status history here too (NmShimGetStatusHistory).
 *
 * Expert memory (text, the event and its strings, the startup-info buffer) is read or
 * written before or after taking the instance lock, never under it, and through
 * nm_safe_copy: a bad pointer costs the expert NMERR_INVALID_PARAMETER, not the host.
 */
#include <string.h>
#include "expert.h"

/* ExpertIndicateStatus (nmapi.@) */
DWORD WINAPI ExpertIndicateStatus(HEXPERTKEY hExpertKey, EXPERTSTATUSENUMERATION Status,
                                  DWORD SubStatus, const char *szText, LONG PercentDone)
{
    char text[EXPERTSTRINGLENGTH];
    struct nm_instance *inst;
    struct nm_run *r;
    size_t len = 0;
    DWORD err;

    /* "This parameter value may be NULL"; longer text keeps its first 259 characters. */
    if (szText && (len = nm_safe_strnlen(szText, EXPERTSTRINGLENGTH - 1)) == (size_t)-1) {
        WARN("key %p: szText %p is not readable; ignored\n", hExpertKey, szText);
        szText = NULL;
    }
    /* Copied under the guard too: the expert's other threads may change or free the
     * text between the measure and the copy. */
    if (szText && nm_safe_copy(text, szText, len)) {
        WARN("key %p: szText %p became unreadable; ignored\n", hExpertKey, szText);
        szText = NULL;
    }
    if (szText) text[len] = 0;
    if ((err = nm_instance_enter(hExpertKey, FALSE, &inst, &r))) {
        TRACE("key %p -> error %lu\n", hExpertKey, err);
        return err;
    }
    if (r) nm_run_status(r, Status, SubStatus, szText ? text : NULL, PercentDone);
    nm_instance_leave(inst);
    TRACE("key %p, status %d, substatus %#lx, text %s, percent %ld -> 0\n", hExpertKey,
          Status, SubStatus, szText ? text : "(null)", PercentDone);
    return NMERR_SUCCESS;
}

/* Deep copy of an event into one host block: header, NumColumns columns, then every
 * string (each bounded by nm_run_max_text()), so the expert may reuse its buffer. */
static DWORD copy_event(const NMEVENTDATA *src, NMEVENTDATA **out)
{
    NMEVENTDATA head;
    NMCOLUMNINFO cols[255];
    const char *strs[6 + 2 * 255];
    char **dsts[6 + 2 * 255];
    size_t lens[6 + 2 * 255], total, max = nm_run_max_text();
    unsigned ns = 0, i;
    NMEVENTDATA *e;
    char *p;

    if (nm_safe_copy(&head, src, sizeof(head))) return NMERR_INVALID_PARAMETER;
    if (head.NumColumns && nm_safe_copy(cols, (const BYTE *)src + offsetof(NMEVENTDATA, Column),
                                        head.NumColumns * sizeof(NMCOLUMNINFO)))
        return NMERR_INVALID_PARAMETER;
    total = offsetof(NMEVENTDATA, Column) + head.NumColumns * sizeof(NMCOLUMNINFO);
    if (!(e = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, total))) return NMERR_OUT_OF_MEMORY;
    memcpy(e, &head, offsetof(NMEVENTDATA, Column));
    memcpy(e->Column, cols, head.NumColumns * sizeof(NMCOLUMNINFO));
    e->pszReserved = NULL;
    e->pvReserved = NULL;

    /* Collect the strings (source, name, description, machine, justification, and
     * each column's name and string value), measure them, then copy them after the
     * columns. Offsets are fixed up once the final block exists. */
#define ADD(field) do { strs[ns] = (const char *)(field); dsts[ns] = (char **)&(field); ns++; } while (0)
    ADD(e->szSourceName); ADD(e->szEventName); ADD(e->szDescription);
    ADD(e->szMachine); ADD(e->Justification);
    for (i = 0; i < head.NumColumns; i++) {
        ADD(e->Column[i].szColumnName);
        if (e->Column[i].VariantData.Type == NMCOLUMNTYPE_STRING) ADD(e->Column[i].VariantData.Value.pStringVal);
    }
#undef ADD
    for (i = 0; i < ns; i++) {
        lens[i] = 0;
        if (strs[i] && (lens[i] = nm_safe_strnlen(strs[i], max)) == (size_t)-1) {
            HeapFree(GetProcessHeap(), 0, e);
            return NMERR_INVALID_PARAMETER;
        }
        if (strs[i]) total += lens[i] + 1;
    }
    if (!(p = HeapReAlloc(GetProcessHeap(), 0, e, total))) {
        HeapFree(GetProcessHeap(), 0, e);
        return NMERR_OUT_OF_MEMORY;
    }
    /* dsts point into the old block: rebase them onto the new one. */
    for (i = 0; i < ns; i++) dsts[i] = (char **)(p + ((char *)dsts[i] - (char *)e));
    e = (NMEVENTDATA *)p;
    p += offsetof(NMEVENTDATA, Column) + head.NumColumns * sizeof(NMCOLUMNINFO);
    for (i = 0; i < ns; i++) {
        if (!strs[i]) continue;
        if (nm_safe_copy(p, strs[i], lens[i])) {
            HeapFree(GetProcessHeap(), 0, e);
            return NMERR_INVALID_PARAMETER;
        }
        p[lens[i]] = 0;
        *dsts[i] = p;
        p += lens[i] + 1;
    }
    *out = e;
    return NMERR_SUCCESS;
}

/* ExpertSubmitEvent (nmapi.@) */
DWORD WINAPI ExpertSubmitEvent(HEXPERTKEY hExpertKey, PNMEVENTDATA pExpertEvent)
{
    struct nm_instance *inst;
    struct nm_run *r;
    NMEVENTDATA *copy = NULL;
    const char *bad = NULL;
    DWORD err;

    if (!pExpertEvent) bad = "NULL event", err = NMERR_INVALID_PARAMETER;
    else if ((err = copy_event(pExpertEvent, &copy)) == NMERR_INVALID_PARAMETER)
        bad = "event or one of its strings is not readable memory";
    if (!err && copy->Version) WARN("key %p: event Version %u, documented as 0\n", hExpertKey, copy->Version);
    {
        DWORD kerr = nm_instance_enter(hExpertKey, FALSE, &inst, &r);
        if (kerr) {
            HeapFree(GetProcessHeap(), 0, copy);
            TRACE("key %p -> error %lu\n", hExpertKey, kerr);
            return kerr;
        }
    }
    if (bad) nm_instance_bad_call(inst, err, bad);
    if (!err && !r) err = NMERR_INVALID_PARAMETER, bad = "key has no host run (no event sink)";
    if (!err && (err = nm_run_add_event(r, copy)) == NMERR_SUCCESS) copy = NULL;
    nm_instance_leave(inst);
    HeapFree(GetProcessHeap(), 0, copy);
    if (bad) WARN("key %p, event %p: %s\n", hExpertKey, pExpertEvent, bad);
    TRACE("key %p, event %p -> error %lu\n", hExpertKey, pExpertEvent, err);
    return err;
}

/* ExpertGetStartupInfo (nmapi.@) */
DWORD WINAPI ExpertGetStartupInfo(HEXPERTKEY hExpertKey, PEXPERTSTARTUPINFO pExpertStartupInfo)
{
    struct nm_instance *inst;
    struct nm_run *r;
    EXPERTSTARTUPINFO info;
    DWORD err;

    if ((err = nm_instance_enter(hExpertKey, FALSE, &inst, &r))) return err;
    memset(&info, 0, sizeof(info));
    if (r) info = r->startup;
    if (!pExpertStartupInfo) {
        nm_instance_bad_call(inst, NMERR_INVALID_PARAMETER, "NULL startup info");
        err = NMERR_INVALID_PARAMETER;
    }
    nm_instance_leave(inst);
    if (!err && nm_safe_copy(pExpertStartupInfo, &info, sizeof(info))) err = NMERR_INVALID_PARAMETER;
    if (err) WARN("key %p, info %p: not writable\n", hExpertKey, pExpertStartupInfo);
    TRACE("key %p, info %p -> error %lu\n", hExpertKey, pExpertStartupInfo, err);
    return err;
}

/* NmShimGetStatusHistory (nmapi.@) */
DWORD WINAPI NmShimGetStatusHistory(HNMEXPERT expert, DWORD index, NMSHIM_STATUS_ENTRY *entry)
{
    DWORD err, count, dropped;

    if (!entry) err = NMERR_INVALID_PARAMETER;
    else {
        memset(entry, 0, sizeof(*entry));
        err = expert ? nm_expert_history((struct nm_expert *)expert, index, entry, &count, &dropped)
                     : NMERR_INVALID_PARAMETER;
        if (err) memset(entry, 0, sizeof(*entry));
    }
    TRACE("expert %p, index %lu, entry %p -> error %lu\n", expert, index, entry, err);
    return err;
}

/* NmShimGetStatusHistoryCount (nmapi.@) */
DWORD WINAPI NmShimGetStatusHistoryCount(HNMEXPERT expert, DWORD *count, DWORD *dropped)
{
    DWORD n = 0, d = 0;

    if (!expert) {
        TRACE("expert NULL -> error %lu\n", (DWORD)NMERR_INVALID_PARAMETER);
        return NMERR_INVALID_PARAMETER;
    }
    nm_expert_history((struct nm_expert *)expert, 0, NULL, &n, &d);
    if (count) *count = n;
    if (dropped) *dropped = d;
    TRACE("expert %p -> count %lu, dropped %lu\n", expert, n, d);
    return NMERR_SUCCESS;
}
