/*
 * filterapi.c - the filter exports (nmapi.@): CreateFilter, DestroyFilter, FilterDuplicate,
 * FilterAddObject, FilterFrame, FilterAttachesProperties (docs/sdk-help.md §1, §1.5).
 *
 * An HFILTER is the address of a registered object that starts with a FILTERDESC2 (the
 * header's FilterGetUIInstanceData macro reads it); every handle is looked up in the
 * registry before use. The caller's FILTEROBJECT2 (or the 2001 SDK's FILTEROBJECT, the
 * same layout) and what it points to are copied in under a guard.
 */
#include <stdlib.h>
#include <string.h>
#include "filter.h"
#include "expert.h"

#define MAX_STRING 4096
#define MAX_PROTOCOLS 256

/* CreateFilter (nmapi.@) */
HFILTER WINAPI CreateFilter(VOID)
{
    struct nm_filter *f;

    nm_engine_init();
    f = nm_filter_new();
    TRACE("-> %p\n", f);
    return (HFILTER)f;
}

/* DestroyFilter (nmapi.@) */
DWORD WINAPI DestroyFilter(HFILTER hFilter)
{
    struct nm_filter *f = nm_filter_lookup(hFilter);

    if (!f) {
        WARN("%p is not a filter\n", hFilter);
        return NMERR_INVALID_HFILTER;
    }
    nm_filter_free(f);
    TRACE("%p -> 0\n", hFilter);
    return NMERR_SUCCESS;
}

/* FilterDuplicate (nmapi.@) */
HFILTER WINAPI FilterDuplicate(HFILTER hFilter)
{
    struct nm_filter *f = nm_filter_lookup(hFilter);
    HFILTER dup;

    if (!f) WARN("%p is not a filter\n", hFilter);
    dup = f ? (HFILTER)nm_filter_dup(f) : NULL;
    TRACE("%p -> %p\n", hFilter, dup);
    return dup;
}

/* FilterAttachesProperties (nmapi.@): whether evaluating it needs property tables. */
WINBOOL WINAPI FilterAttachesProperties(HFILTER hFilter)
{
    struct nm_filter *f = nm_filter_lookup(hFilter);
    WINBOOL r = f && f->attaches;

    TRACE("%p -> %d\n", hFilter, r);
    return r;
}

static DWORD add_object(HFILTER hFilter, LPFILTEROBJECT2 lpFilterObject)
{
    struct nm_filter *f = nm_filter_lookup(hFilter);
    struct nm_fop op;
    FILTEROBJECT2 o;
    DWORD err;

    nm_engine_init();
    if (!f) return NMERR_INVALID_HFILTER;
    if (!lpFilterObject || nm_safe_copy(&o, lpFilterObject, sizeof(o))) return NMERR_INVALID_PARAMETER;
    memset(&op, 0, sizeof(op));
    op.action = o.Action;
    op.hprop = o.hProperty;
    op.value = o.Value;
    switch (o.Action) {
    case FILTERACTION_PROTOCOLEXIST:
        op.proto = nm_engine_protocol(o.hProtocol);
        break;
    case FILTERACTION_PROTOCOLSEXIST: {
        DWORD n, i;
        if (!o.lpProtocolTable || nm_safe_copy(&n, &o.lpProtocolTable->nProtocols, sizeof(n)))
            return NMERR_INVALID_PARAMETER;
        if (n == (DWORD)PROTOCOL_NUM_ANY) { op.any_protocol = 1; break; }
        if (n > MAX_PROTOCOLS) return NMERR_INVALID_PARAMETER;
        if (n && !(op.protos = malloc(n * sizeof(*op.protos)))) return NMERR_OUT_OF_MEMORY;
        for (i = 0; i < n; i++) {
            HPROTOCOL h;
            if (nm_safe_copy(&h, &o.lpProtocolTable->hProtocol[i], sizeof(h))) {
                free(op.protos);
                return NMERR_INVALID_PARAMETER;
            }
            if (!(op.protos[i] = nm_engine_protocol(h))) {
                free(op.protos);
                return NMERR_INVALID_HPROTOCOL;
            }
        }
        op.nprotos = n;
        break;
    }
    case FILTERACTION_STRING: {
        size_t n = o.lpArray ? nm_safe_strnlen(o.lpArray, MAX_STRING) : (size_t)-1;
        if (n == (size_t)-1 || n >= MAX_STRING) return NMERR_INVALID_PARAMETER;
        if (!(op.bytes = malloc(n + 1))) return NMERR_OUT_OF_MEMORY;
        if (nm_safe_copy(op.bytes, o.lpArray, n)) { free(op.bytes); return NMERR_INVALID_PARAMETER; }
        op.nbytes = (DWORD)n;
        break;
    }
    case FILTERACTION_ADDR_ETHER: case FILTERACTION_ADDR_IP: case FILTERACTION_ADDR_IP6: {
        ADDRESS2 a;
        op.nbytes = o.Action == FILTERACTION_ADDR_ETHER ? 6 : o.Action == FILTERACTION_ADDR_IP ? 4 : 16;
        if (!o.lpAddress || nm_safe_copy(&a, o.lpAddress, sizeof(a))) return NMERR_INVALID_PARAMETER;
        if (!(op.bytes = malloc(op.nbytes))) return NMERR_OUT_OF_MEMORY;
        memcpy(op.bytes, a.IP6Address, op.nbytes);   /* the union's first bytes */
        break;
    }
    default:
        break;
    }
    if ((err = nm_filter_add(f, &op))) {
        free(op.protos);
        free(op.bytes);
        WARN("filter %p, action %lu: refused with %lu\n", hFilter, o.Action, err);
    }
    return err;
}

/* FilterAddObject (nmapi.@) */
DWORD WINAPI FilterAddObject(HFILTER hFilter, LPFILTEROBJECT2 lpFilterObject)
{
    DWORD err = add_object(hFilter, lpFilterObject);

    TRACE("filter %p, object %p -> %lu\n", hFilter, lpFilterObject, err);
    return err;
}

/* FilterFrame (nmapi.@): 1 passed, 0 failed, (DWORD)-1 bad handle (bhfilter.h). */
DWORD WINAPI FilterFrame(HFRAME hFrame, HFILTER hFilter, HCAPTURE hCapture)
{
    struct nm_filter *f = nm_filter_lookup(hFilter);
    struct nm_ptable *t;
    DWORD r;

    if (!f || !(t = nm_engine_table_lock(hFrame))) {
        TRACE("frame %p, filter %p, capture %p -> -1 (bad handle)\n", hFrame, hFilter, hCapture);
        return (DWORD)-1;
    }
    r = nm_filter_eval(f, t) ? 1 : 0;
    nm_engine_table_unlock(t);
    TRACE("frame %p, filter %p, capture %p -> %lu\n", hFrame, hFilter, hCapture, r);
    return r;
}

/* NmShimSetDisplayFilter (nmapi.@): the host's display filter (FLAGS_DEFER_TO_UI_FILTER). */
DWORD WINAPI NmShimSetDisplayFilter(HFILTER filter)
{
    struct nm_filter *f = NULL, *src;

    if (filter) {
        if (!(src = nm_filter_lookup(filter))) return NMERR_INVALID_HFILTER;
        if (!(f = nm_filter_dup(src))) return NMERR_OUT_OF_MEMORY;
    }
    nm_filter_set_ui(f);
    return NMERR_SUCCESS;
}
