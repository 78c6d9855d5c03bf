/*
 * watchdog.h - interrupts a plug-in parser's entry point that does not return (issue 13 §5:
 * "a parser that faults, loops or returns garbage ... is disabled"; README "Loading
 * parsers"). One watchdog thread (started with the first parser DLL) looks every tick at
 * the calls in progress; a call running longer than the bound, with its thread's
 * instruction pointer inside the parser's own image, gets a single-step trap there, which
 * the fault guard around the call catches as it would a fault (watchdog.c says why that
 * way). Usage, around the guarded call:
 *
 *   struct nm_watch w;
 *   nm_watch_begin(&w, image_lo, image_hi);
 *   r = nm_guard_call(fn, ctx, &rec);
 *   if (nm_watch_end(&w) && r == NM_GUARD_FAULTED && rec.code == EXCEPTION_SINGLE_STEP)
 *       ...it looped: the watchdog stopped it...
 *
 * Per call it costs a thread-local read and a few stores (no lock, no clock, no system
 * call: 2-3 ns a call under Wine, both arches); the first call on a thread takes a slot (a handle to the
 * thread, once). A call is stopped between the bound and the bound + 2 ticks.
 */
#ifndef NM_WATCHDOG_H
#define NM_WATCHDOG_H

#include <windows.h>

#define NM_WATCHDOG_DEFAULT_MS 2000    /* NMSHIM_PARSER_TIMEOUT_DEFAULT_MS (watchdog.c checks) */
#define NM_WATCHDOG_SLOTS      128     /* threads that ever called a parser, alive at once */

struct nm_watch_slot;
/* One watched call, on the caller's stack. Calls nest (a parser's code reaching another
 * parser's FormatProperties through GetPropertyText): the inner one is watched, and the
 * outer one again when it ends, its clock started anew. */
struct nm_watch {
    struct nm_watch_slot *slot;        /* NULL: not watched (no slot, no image) */
    LONG seq;                          /* this call's number on its slot */
    LONG outer;                        /* the enclosing call's, restored at the end */
    ULONG_PTR lo, hi;                  /* the enclosing call's image */
};

/* The bound in milliseconds; 0 turns the watchdog off (calls are then never interrupted). */
void  nm_watchdog_set_timeout(DWORD ms);
DWORD nm_watchdog_timeout(void);
/* Starts the watchdog thread, once; later calls do nothing. FALSE if it could not start. */
BOOL  nm_watchdog_start(void);
/* [lo, hi): the image of the code the call runs (the parser DLL). lo == 0: not watched. */
void  nm_watch_begin(struct nm_watch *w, ULONG_PTR lo, ULONG_PTR hi);
/* Ends the watch; TRUE when the watchdog interrupted this call (a single-step trap was set
 * on its thread inside [lo, hi)). */
BOOL  nm_watch_end(struct nm_watch *w);
/* Counts for the tests: calls interrupted, and ticks where a call over the bound was left
 * alone because its thread was outside its image (in a system DLL, in our code). */
void  nm_watchdog_counts(LONG *interrupted, LONG *left_alone);

#endif /* NM_WATCHDOG_H */
