/*
 * history.c - the status history of a Run (include/nmshim.h, "status history of a Run"),
 * read by NmShimGetStatusHistory (events.c).
 *
 * Issue 14 §3: the HTML report shows how a Run's status went, not only where it ended.
 * Kept in host memory (one block per Run, allocated at the first call), written under
 * the run's events_lock held exclusive by nm_run_status, so the last status and its
 * history never disagree. A call that changes nothing the rule looks at costs the
 * compare with the last kept entry, a counter and GetTickCount (for the LAST entry).
 */
#include <string.h>
#include "expert.h"

#define HEAD NMSHIM_HISTORY_HEAD
#define TAIL NMSHIM_HISTORY_TAIL

struct nm_history {
    NMSHIM_STATUS_ENTRY head[HEAD];     /* the first kept entries, never dropped */
    NMSHIM_STATUS_ENTRY tail[TAIL];     /* then a ring of the last ones */
    DWORD nhead, ntail, next;           /* next: the ring slot written next */
    DWORD dropped;                      /* pushed out of the ring */
    DWORD calls, last_ms;               /* every call: how many, and when the last was */
    const NMSHIM_STATUS_ENTRY *kept;    /* the last kept entry: what a call is compared with */
};

/* Does s (the status after a call) differ from kept by the rule? */
static BOOL history_changed(const NMSHIM_STATUS_ENTRY *kept, const EXPERTSTATUS *s)
{
    return !kept || kept->status.Status != s->Status || kept->status.SubStatus != s->SubStatus
        || kept->status.PercentDone / 10 != s->PercentDone / 10
        || strcmp(kept->status.szStatusText, s->szStatusText);
}

void nm_run_history_note(struct nm_run *r)
{
    struct nm_history *h = r->history;
    NMSHIM_STATUS_ENTRY *slot;
    DWORD ms = GetTickCount() - r->start_tick;

    /* Out of memory: no history (the last status is still kept). */
    if (!h && !(h = r->history = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*h))))
        return;
    h->calls++;
    h->last_ms = ms;
    if (!history_changed(h->kept, &r->status)) return;
    if (h->nhead < HEAD) {
        slot = &h->head[h->nhead++];
    } else {
        slot = &h->tail[h->next];
        h->next = (h->next + 1) % TAIL;
        if (h->ntail < TAIL) h->ntail++;
        else h->dropped++;
    }
    slot->kind = NMSHIM_STATUS_CHANGE;
    slot->ms = ms;
    slot->call = h->calls;
    slot->dropped_before = 0;
    slot->status = r->status;
    h->kept = slot;
}

void nm_run_history_free(struct nm_run *r)
{
    HeapFree(GetProcessHeap(), 0, r->history);
    r->history = NULL;
}

/* The history of e's Run as NmShimGetStatusHistory shows it: the kept entries, then
 * LAST and FINAL when they apply. Fills *out with entry index when out is not NULL
 * (NMERR_OUT_OF_RANGE past the end), and the count and the dropped ones. */
DWORD nm_expert_history(struct nm_expert *e, DWORD index, NMSHIM_STATUS_ENTRY *out,
                        DWORD *count, DWORD *dropped)
{
    EXPERTSTATUS final;
    DWORD elapsed, nhead = 0, kept = 0, n, err = NMERR_OUT_OF_RANGE;
    BOOL ended, last = FALSE;
    struct nm_run *r = nm_expert_history_run(e, &final, &elapsed, &ended);
    struct nm_history *h;

    *count = *dropped = 0;
    if (!r) return err;
    AcquireSRWLockShared(&r->events_lock);
    if ((h = r->history)) {
        nhead = h->nhead;
        kept = h->nhead + h->ntail;
        last = h->kept && h->calls != h->kept->call;
        *dropped = h->dropped;
    }
    n = kept + (last ? 1 : 0) + (ended ? 1 : 0);
    *count = n;
    if (out && index < n) {
        err = NMERR_SUCCESS;
        if (index < nhead) {
            *out = h->head[index];
        } else if (index < kept) {
            /* the ring, oldest first; the gap (if any) is just before its oldest */
            DWORD oldest = h->ntail < TAIL ? 0 : h->next;
            *out = h->tail[(oldest + index - nhead) % TAIL];
            if (index == nhead) out->dropped_before = h->dropped;
        } else if (last && index == kept) {
            out->kind = NMSHIM_STATUS_LAST;
            out->ms = h->last_ms;
            out->call = h->calls;
            out->status = r->status;
        } else {
            out->kind = NMSHIM_STATUS_FINAL;
            out->ms = elapsed;
            out->call = h ? h->calls : 0;
            out->status = final;
        }
    }
    ReleaseSRWLockShared(&r->events_lock);
    return err;
}

