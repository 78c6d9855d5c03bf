/*
 * expert.h - the expert lifecycle (expert.c) and the host's open captures (capfile.c),
 * shared with the exports that serve a running expert (frames.c, events.c) and the
 * host-side API (hostapi.c).
 */
#ifndef NM_EXPERT_H
#define NM_EXPERT_H

#include "nmapi_private.h"
#include "capture.h"

struct nm_expert;

/* The host context of one key: what Configure or Run sees through the Expert* calls. */
struct nm_run {
    struct nm_expert *expert;
    HEXPERTKEY key;
    NMSHIM_RUN_PARAMS params;
    EXPERTSTARTUPINFO startup;          /* what Run receives and ExpertGetStartupInfo copies */
    /* status and events: written by the expert's threads, read by the host */
    SRWLOCK events_lock;
    EXPERTSTATUS status;
    struct nm_history *history;         /* events.c: status history; host heap, or NULL */
    DWORD start_tick;                   /* GetTickCount when Run started (history times) */
    NMEVENTDATA **events;               /* deep copies in host memory */
    DWORD nevents, cap;
    /* frames: used only under the instance lock (frames.c) */
    struct NMSHIM_CAPTURE *capture;
    struct nm_cursor *cursor;
    BYTE *frame;                        /* FRAME header + data, handed to the expert */
    size_t frame_cap;
    struct nm_ptable *ptable;           /* the key's frame table (engine.h), frames.c */
    /* --stop-at-frame (nm_run_frame_stop): set once, by the thread asking for the frame */
    volatile LONG stop_injected;
    DWORD stop_frame;
};

DWORD nm_expert_load(const char *path, struct nm_expert **out);
const EXPERTENUMINFO *nm_expert_info(const struct nm_expert *e);
DWORD nm_expert_configure(struct nm_expert *e, const NMSHIM_RUN_PARAMS *params);
DWORD nm_expert_get_config(const struct nm_expert *e, void *buf, DWORD len, DWORD *needed);
DWORD nm_expert_set_config(struct nm_expert *e, const void *config, DWORD len);
DWORD nm_expert_start(struct nm_expert *e, const NMSHIM_RUN_PARAMS *params);
DWORD nm_expert_wait(struct nm_expert *e, DWORD timeout_ms);
DWORD nm_expert_stop(struct nm_expert *e, DWORD grace_ms);
DWORD nm_expert_status(const struct nm_expert *e, EXPERTSTATUS *status);
DWORD nm_expert_result(const struct nm_expert *e, NMSHIM_RESULT *result);
DWORD nm_expert_event(const struct nm_expert *e, DWORD index, const NMEVENTDATA **event);
void  nm_expert_unload(struct nm_expert *e);
/* DllMain, Register and Configure: stop requested after timeout_ms (0: never), HUNG
 * after grace_ms more (NmShimSetTimeouts). */
void  nm_expert_set_timeouts(DWORD timeout_ms, DWORD grace_ms);
/* NmShimGetInjected: fault injection's doings since the load (Configure's and Run's). */
DWORD nm_expert_injected(const struct nm_expert *e, NMSHIM_INJECTED *out);

void  nm_run_set_state(struct nm_run *r, EXPERTSTATUSENUMERATION state);
void  nm_run_status(struct nm_run *r, EXPERTSTATUSENUMERATION state, DWORD substatus,
                    const char *text, LONG percent);
void  nm_run_snapshot(struct nm_run *r, EXPERTSTATUS *status, DWORD *nevents);
DWORD nm_run_add_event(struct nm_run *r, NMEVENTDATA *copy);   /* takes ownership */
DWORD nm_run_event(struct nm_run *r, DWORD index, const NMEVENTDATA **event);
size_t nm_run_max_text(void);
/* ExpertGetFrame is about to return frame n (frames.c, instance lock held): with
 * --stop-at-frame n, the key is stopped now and NMERR_EXPERT_TERMINATE is the answer. */
DWORD nm_run_frame_stop_slow(struct nm_run *r, DWORD n);
static inline DWORD nm_run_frame_stop(struct nm_run *r, DWORD n)
{
    if (__builtin_expect(!r->params.stop_at_frame_set, 1)) return NMERR_SUCCESS;
    return nm_run_frame_stop_slow(r, n);
}
/* history.c: the status history (include/nmshim.h, NmShimGetStatusHistory). note: after
 * every ExpertIndicateStatus, under events_lock held exclusive; free: with the run.
 * nm_expert_history: entry index of e's Run (out may be NULL), the count and the dropped. */
void  nm_run_history_note(struct nm_run *r);
void  nm_run_history_free(struct nm_run *r);
DWORD nm_expert_history(struct nm_expert *e, DWORD index, NMSHIM_STATUS_ENTRY *out,
                        DWORD *count, DWORD *dropped);
/* expert.c: the Run whose history to read (NULL: none) and, once it has ended, the
 * status the outcome set and its elapsed time (*ended FALSE while it runs). */
struct nm_run *nm_expert_history_run(struct nm_expert *e, EXPERTSTATUS *final,
                                     DWORD *elapsed_ms, BOOL *ended);

/* capfile.c: a capture file opened by the host (Win32 file + reader), shared by runs. */
DWORD nm_capfile_open(const char *path, struct NMSHIM_CAPTURE **out, char *err, DWORD errlen);
void  nm_capfile_close(struct NMSHIM_CAPTURE *c);
void  nm_capfile_info(const struct NMSHIM_CAPTURE *c, NMSHIM_CAPTURE_INFO *info);
void  nm_capfile_name(const struct NMSHIM_CAPTURE *c, char *buf, size_t len);
int   nm_capfile_attach(struct NMSHIM_CAPTURE *c, struct nm_run *r);   /* 0 or -1 */
void  nm_capfile_detach(struct nm_run *r);
uint32_t nm_capfile_frames(const struct NMSHIM_CAPTURE *c);
int64_t  nm_capfile_start_us(const struct NMSHIM_CAPTURE *c);

#endif /* NM_EXPERT_H */

/* expert.c: reads of expert-supplied memory, under a guard: a bad pointer gives -1
 * (the caller answers NMERR_INVALID_PARAMETER) instead of a fault. Call them with no
 * lock held: a fault unwinds past the caller's frames. */
int nm_safe_copy(void *dst, const void *src, size_t len);
/* Length of src up to max (max when no terminator within it), or (size_t)-1 on a fault. */
size_t nm_safe_strnlen(const char *src, size_t max);
