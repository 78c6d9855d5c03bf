/*
 * memory.c - the four memory exports: ExpertAllocMemory, ExpertReallocMemory,
 * ExpertFreeMemory, ExpertMemorySize (docs/expert-api.md §4.1-4.4, docs/design.md behaviour table).
 *
 * Each export is a thin wrapper: call the worker in instance.c (which validates the key
 * and the pointer's ownership before anything touches the heap), report the status
 * through the documented channel, warn about bad input naming the rule, trace.
 */
#include "nmapi_private.h"

/* Bad input is a warning naming the rule; running out of memory or being told to stop
 * is not the expert's fault and is only traced. */
static void report(const char *func, HEXPERTKEY key, const void *ptr, SIZE_T size,
                   DWORD err, const char *reason)
{
    if (err == NMERR_INVALID_PARAMETER || err == NMERR_INVALID_EXPERT_HANDLE)
        WARN("%s: key %p, ptr %p, size %Iu: %s (error %lu)\n", func, key, ptr, size, reason, err);
    else if (err)
        TRACE("%s: key %p, ptr %p, size %Iu: %s (error %lu)\n", func, key, ptr, size, reason, err);
}

/* ExpertAllocMemory (nmapi.@) */
LPVOID WINAPI ExpertAllocMemory(HEXPERTKEY hExpertKey, SIZE_T nBytes, DWORD *pError)
{
    const char *reason = NULL;
    void *p;
    DWORD err = nm_instance_alloc(hExpertKey, nBytes, &p, &reason);

    /* pError may be NULL (ours for Alloc, documented for Realloc); on success it gets
     * NMERR_SUCCESS so an expert can test it either way. */
    if (pError) *pError = err;
    report("ExpertAllocMemory", hExpertKey, NULL, nBytes, err, reason);
    TRACE("key %p, size %Iu -> %p, error %lu\n", hExpertKey, nBytes, p, err);
    return p;
}

/* ExpertReallocMemory (nmapi.@) */
LPVOID WINAPI ExpertReallocMemory(HEXPERTKEY hExpertKey, LPVOID pOriginalMemory, SIZE_T nBytes,
                                  DWORD *pError)
{
    const char *reason = NULL;
    void *p;
    DWORD err = nm_instance_realloc(hExpertKey, pOriginalMemory, nBytes, &p, &reason);

    if (pError) *pError = err;
    report("ExpertReallocMemory", hExpertKey, pOriginalMemory, nBytes, err, reason);
    TRACE("key %p, ptr %p, size %Iu -> %p, error %lu\n", hExpertKey, pOriginalMemory, nBytes, p, err);
    return p;
}

/* ExpertFreeMemory (nmapi.@) */
DWORD WINAPI ExpertFreeMemory(HEXPERTKEY hExpertKey, LPVOID pOriginalMemory)
{
    const char *reason = NULL;
    DWORD err = nm_instance_free(hExpertKey, pOriginalMemory, &reason);

    report("ExpertFreeMemory", hExpertKey, pOriginalMemory, 0, err, reason);
    TRACE("key %p, ptr %p -> error %lu\n", hExpertKey, pOriginalMemory, err);
    return err;
}

/* ExpertMemorySize (nmapi.@) */
SIZE_T WINAPI ExpertMemorySize(HEXPERTKEY hExpertKey, LPVOID pOriginalMemory)
{
    SIZE_T size = nm_instance_size(hExpertKey, pOriginalMemory);

    if (!size && nm_trace_level >= 1 && nm_instance_block_size(hExpertKey, pOriginalMemory) == (SIZE_T)-1)
        WARN("key %p, ptr %p: not a live block of this key, size 0\n", hExpertKey, pOriginalMemory);
    TRACE("key %p, ptr %p -> %Iu\n", hExpertKey, pOriginalMemory, size);
    return size;
}
