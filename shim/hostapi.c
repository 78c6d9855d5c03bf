/*
 * hostapi.c - the host-side extension API of nmapi.dll (include/nmshim.h): thin
 * exports over the core (instance.c, expert.c, capfile.c) that validate their input
 * and map it to NMERR_* codes. Experts never call these; nmhost.exe and tests do.
 */
#include "expert.h"
#include "guard.h"

/* NmShimCreateInstance (nmapi.@) */
DWORD WINAPI NmShimCreateInstance(SIZE_T quota, HEXPERTKEY *key)
{
    if (!key) return NMERR_INVALID_PARAMETER;
    *key = NULL;
    return nm_instance_create(quota, NULL, key);
}

/* NmShimEndInstance (nmapi.@) */
DWORD WINAPI NmShimEndInstance(HEXPERTKEY key, NMSHIM_MEMSTATS *stats)
{
    return nm_instance_end(key, stats);
}

/* NmShimStopInstance (nmapi.@) */
DWORD WINAPI NmShimStopInstance(HEXPERTKEY key)
{
    return nm_instance_stop(key);
}

/* NmShimGetInstanceStats (nmapi.@) */
DWORD WINAPI NmShimGetInstanceStats(HEXPERTKEY key, NMSHIM_MEMSTATS *stats)
{
    if (!stats) return NMERR_INVALID_PARAMETER;
    return nm_instance_stats(key, stats);
}

/* NmShimGetInstanceHeap (nmapi.@): diagnostics (HeapWalk/HeapValidate); never free it. */
DWORD WINAPI NmShimGetInstanceHeap(HEXPERTKEY key, HANDLE *heap)
{
    if (!heap) return NMERR_INVALID_PARAMETER;
    return (*heap = nm_instance_heap(key)) ? NMERR_SUCCESS : NMERR_INVALID_EXPERT_HANDLE;
}

/* NmShimOpenCapture (nmapi.@) */
DWORD WINAPI NmShimOpenCapture(LPCSTR path, HNMCAPTURE *capture, LPSTR err, DWORD errlen)
{
    if (err && errlen) err[0] = 0;
    if (!path || !capture) return NMERR_INVALID_PARAMETER;
    return nm_capfile_open(path, capture, err, errlen);
}

/* NmShimGetCaptureInfo (nmapi.@) */
DWORD WINAPI NmShimGetCaptureInfo(HNMCAPTURE capture, NMSHIM_CAPTURE_INFO *info)
{
    if (!capture || !info) return NMERR_INVALID_PARAMETER;
    nm_capfile_info(capture, info);
    return NMERR_SUCCESS;
}

/* NmShimCloseCapture (nmapi.@): the caller unloads the experts that use it first. */
DWORD WINAPI NmShimCloseCapture(HNMCAPTURE capture)
{
    nm_capfile_close(capture);
    return NMERR_SUCCESS;
}

/* NmShimLoadExpert (nmapi.@) */
DWORD WINAPI NmShimLoadExpert(LPCSTR path, HNMEXPERT *expert)
{
    if (!path || !expert) return NMERR_INVALID_PARAMETER;
    return nm_expert_load(path, (struct nm_expert **)expert);
}

/* NmShimGetExpertInfo (nmapi.@) */
DWORD WINAPI NmShimGetExpertInfo(HNMEXPERT expert, EXPERTENUMINFO *info)
{
    if (!expert || !info) return NMERR_INVALID_PARAMETER;
    *info = *nm_expert_info((struct nm_expert *)expert);
    return NMERR_SUCCESS;
}

/* NmShimConfigureExpert (nmapi.@) */
DWORD WINAPI NmShimConfigureExpert(HNMEXPERT expert, const NMSHIM_RUN_PARAMS *params)
{
    if (!expert) return NMERR_INVALID_PARAMETER;
    return nm_expert_configure((struct nm_expert *)expert, params);
}

/* NmShimGetConfig (nmapi.@) */
DWORD WINAPI NmShimGetConfig(HNMEXPERT expert, void *buf, DWORD buflen, DWORD *needed)
{
    if (!expert) return NMERR_INVALID_PARAMETER;
    return nm_expert_get_config((struct nm_expert *)expert, buf, buflen, needed);
}

/* NmShimSetConfig (nmapi.@) */
DWORD WINAPI NmShimSetConfig(HNMEXPERT expert, const void *config, DWORD len)
{
    if (!expert) return NMERR_INVALID_PARAMETER;
    return nm_expert_set_config((struct nm_expert *)expert, config, len);
}

/* NmShimStartExpert (nmapi.@) */
DWORD WINAPI NmShimStartExpert(HNMEXPERT expert, const NMSHIM_RUN_PARAMS *params)
{
    if (!expert) return NMERR_INVALID_PARAMETER;
    return nm_expert_start((struct nm_expert *)expert, params);
}

/* NmShimWaitExpert (nmapi.@) */
DWORD WINAPI NmShimWaitExpert(HNMEXPERT expert, DWORD timeout_ms)
{
    if (!expert) return NMERR_INVALID_PARAMETER;
    return nm_expert_wait((struct nm_expert *)expert, timeout_ms);
}

/* NmShimStopExpert (nmapi.@) */
DWORD WINAPI NmShimStopExpert(HNMEXPERT expert, DWORD grace_ms)
{
    if (!expert) return NMERR_INVALID_PARAMETER;
    return nm_expert_stop((struct nm_expert *)expert, grace_ms);
}

/* NmShimGetStatus (nmapi.@) */
DWORD WINAPI NmShimGetStatus(HNMEXPERT expert, EXPERTSTATUS *status)
{
    if (!expert || !status) return NMERR_INVALID_PARAMETER;
    return nm_expert_status((struct nm_expert *)expert, status);
}

/* NmShimGetResult (nmapi.@) */
DWORD WINAPI NmShimGetResult(HNMEXPERT expert, NMSHIM_RESULT *result)
{
    if (!expert || !result) return NMERR_INVALID_PARAMETER;
    return nm_expert_result((struct nm_expert *)expert, result);
}

/* NmShimGetEvent (nmapi.@) */
DWORD WINAPI NmShimGetEvent(HNMEXPERT expert, DWORD index, const NMEVENTDATA **event)
{
    if (!expert || !event) return NMERR_INVALID_PARAMETER;
    return nm_expert_event((struct nm_expert *)expert, index, event);
}

/* NmShimUnloadExpert (nmapi.@) */
DWORD WINAPI NmShimUnloadExpert(HNMEXPERT expert)
{
    nm_expert_unload((struct nm_expert *)expert);
    return NMERR_SUCCESS;
}

/* NmShimSetTimeouts (nmapi.@) */
DWORD WINAPI NmShimSetTimeouts(DWORD timeout_ms, DWORD grace_ms)
{
    nm_expert_set_timeouts(timeout_ms == INFINITE ? 0 : timeout_ms, grace_ms);
    return NMERR_SUCCESS;
}

/* NmShimGetInjected (nmapi.@) */
DWORD WINAPI NmShimGetInjected(HNMEXPERT expert, NMSHIM_INJECTED *injected)
{
    if (!expert || !injected) return NMERR_INVALID_PARAMETER;
    return nm_expert_injected((struct nm_expert *)expert, injected);
}

/* NmShimSetTrace (nmapi.@): nmhost --trace[=warn] --trace-file FILE. nmhost calls it at
 * the start of main, after nmapi.dll read NMAPI_TRACE at load: the options win over the
 * environment, and nothing an expert does is missed (none is loaded yet). */
DWORD WINAPI NmShimSetTrace(DWORD level, LPCSTR path, DWORD flags)
{
    if (level > NMSHIM_TRACE_ALL || (flags & ~(DWORD)NMSHIM_TRACE_APPEND))
        return NMERR_INVALID_PARAMETER;
    return nm_trace_set((int)level, path, (flags & NMSHIM_TRACE_APPEND) != 0);
}

/* NmShimExceptionName (nmapi.@) */
LPCSTR WINAPI NmShimExceptionName(DWORD code)
{
    return nm_guard_exception_name(code);
}
