/*
 * frametable.c - a frame's parse as the undocumented nmapi.lib exports hand it out
 * (nmapi.@; prototypes inferred from their @N and names): FrameRecognize,
 * LockFramePropertyTable, UnlockFramePropertyTable. Over the engine's frame tables
 * (engine.h), as GetFrameRecognizeData and FindPropertyInstance (props.c) are.
 *
 * "Lock" here holds nothing: the engine's table lock is a spin lock for the length of one
 * call, never held across calls into expert code. The PROPERTYTABLE handed out stays the
 * frame's, as FindPropertyInstance's instances do, until its HFRAME goes stale (the
 * table's next frame, or its release); a stale or bad HFRAME gets NULL or
 * NMERR_INVALID_HFRAME, never a fault.
 */
#include "nmapi_private.h"
#include "engine.h"

DWORD WINAPI FrameRecognize(HFRAME hFrame);
LPPROPERTYTABLE WINAPI LockFramePropertyTable(HFRAME hFrame);
DWORD WINAPI UnlockFramePropertyTable(HFRAME hFrame);

/* FrameRecognize (nmapi.@): the frame's protocols recognized (each RecognizeFrame; no
 * properties attached). NMERR_SUCCESS, or NMERR_INVALID_HFRAME. */
DWORD WINAPI FrameRecognize(HFRAME hFrame)
{
    struct nm_ptable *t = nm_engine_table_lock(hFrame);

    if (!t) {
        WARN("%p is not a live frame handle\n", hFrame);
        return NMERR_INVALID_HFRAME;
    }
    nm_engine_table_parse(t, 0);
    TRACE("frame %p: %u protocols\n", hFrame, t->nprot);
    nm_engine_table_unlock(t);
    return NMERR_SUCCESS;
}

/* LockFramePropertyTable (nmapi.@): the frame's PROPERTYTABLE, properties attached
 * (one PROPERTYINSTTABLE per protocol, in frame order); NULL for a bad HFRAME. */
LPPROPERTYTABLE WINAPI LockFramePropertyTable(HFRAME hFrame)
{
    struct nm_ptable *t = nm_engine_table_lock(hFrame);
    LPPROPERTYTABLE p;

    if (!t) {
        WARN("%p is not a live frame handle\n", hFrame);
        return NULL;
    }
    nm_engine_table_parse(t, 1);
    p = t->ptable;
    nm_engine_table_unlock(t);
    TRACE("frame %p -> %p\n", hFrame, (void *)p);
    return p;
}

/* UnlockFramePropertyTable (nmapi.@): NMERR_SUCCESS for a live frame (nothing was held),
 * NMERR_INVALID_HFRAME otherwise. */
DWORD WINAPI UnlockFramePropertyTable(HFRAME hFrame)
{
    struct nm_ptable *t = nm_engine_table_lock(hFrame);

    if (!t) {
        WARN("%p is not a live frame handle\n", hFrame);
        return NMERR_INVALID_HFRAME;
    }
    nm_engine_table_unlock(t);
    return NMERR_SUCCESS;
}
