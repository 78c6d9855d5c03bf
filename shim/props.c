/*
 * props.c - the expert-facing protocol and property functions (nmapi.@): GetProtocolFromName,
 * GetProtocolInfo, GetEnabledProtocols, GetProperty, GetPropertyInfo, FindPropertyInstance,
 * FindPropertyInstanceRestart, GetProtocolStartOffset[Handle], GetPreviousProtocolOffsetByName,
 * GetFrameRecognizeData, GetProtocolFromTable (docs/sdk-help.md §2.8, §3.6, §4.4).
 *
 * Every handle is checked against the engine's registries before use (engine.h); every
 * pointer from the caller is read under a guard (nm_safe_copy), with no lock held.
 * Choices where the help is silent (README "Protocols and properties"):
 *  - names and labels match case-insensitively; longer than 255 characters: no match;
 *  - a restart key that is not an instance of this frame's table gives NULL; the found
 *    instance is written back through the key (the start is exclusive);
 *  - GetProtocolStartOffsetHandle fails with (DWORD)-1 (the help's "one (1)" is a typo:
 *    docs/nmapi-functions.md §6), like GetProtocolStartOffset;
 *  - a frame fetched without FLAGS_ATTACH_PROPERTIES is parsed when first asked.
 */
#include <string.h>
#include "engine.h"
#include "handles.h"
#include "expert.h"

#define NAME_MAX_LEN 256

/* Copies an expert's string into buf; 0, or -1 when it is NULL, unreadable or too long. */
static int copy_name(const char *src, char buf[NAME_MAX_LEN])
{
    size_t n;

    if (!src || (n = nm_safe_strnlen(src, NAME_MAX_LEN)) == (size_t)-1 || n >= NAME_MAX_LEN ||
        nm_safe_copy(buf, src, n)) return -1;
    buf[n] = 0;
    return 0;
}

/* GetProtocolFromName (nmapi.@) */
HPROTOCOL WINAPI GetProtocolFromName(LPSTR ProtocolName)
{
    char name[NAME_MAX_LEN];
    HPROTOCOL h = NULL;

    nm_engine_init();
    if (!copy_name(ProtocolName, name)) h = (HPROTOCOL)nm_engine_protocol_by_name(name);
    TRACE("%s -> %p\n", h ? name : "(bad or unknown name)", h);
    return h;
}

/* GetProtocolInfo (nmapi.@) */
LPPROTOCOLINFO WINAPI GetProtocolInfo(HPROTOCOL hProtocol)
{
    struct nm_protocol *p;

    nm_engine_init();
    p = nm_engine_protocol(hProtocol);
    if (!p) WARN("%p is not a protocol handle\n", hProtocol);
    TRACE("protocol %p -> %p\n", hProtocol, p ? &p->info : NULL);
    return p ? &p->info : NULL;
}

/* GetEnabledProtocols (nmapi.@): every protocol is enabled for every capture. NULL asks
 * for the engine's table as such (the host and tests do); any other handle must be a
 * live capture (handles.h), or the answer is NULL. */
LPPROTOCOLTABLE WINAPI GetEnabledProtocols(HCAPTURE hCapture)
{
    struct nm_hcap *c;
    LPPROTOCOLTABLE t;

    if (hCapture) {
        if (nm_handles_lookup_capture(hCapture, &c)) {
            TRACE("capture %p -> NULL (not a live capture)\n", hCapture);
            return NULL;
        }
        nm_handles_release(c);
    }
    nm_engine_init();
    t = (LPPROTOCOLTABLE)nm_engine_protocol_table();
    TRACE("capture %p -> %p\n", hCapture, t);
    return t;
}

/* GetProperty (nmapi.@): by PROPERTYINFO.Label (docs/sdk-samples.md §3.2). */
HPROPERTY WINAPI GetProperty(HPROTOCOL hProtocol, LPSTR PropertyName)
{
    char label[NAME_MAX_LEN];
    struct nm_protocol *p;
    HPROPERTY h;

    nm_engine_init();
    if (!(p = nm_engine_protocol(hProtocol)) || copy_name(PropertyName, label)) {
        WARN("protocol %p, name %p: bad handle or name\n", hProtocol, PropertyName);
        return 0;
    }
    h = nm_engine_property_by_label(p, label);
    TRACE("protocol %p, %s -> %p\n", hProtocol, label, (void *)h);
    return h;
}

/* GetPropertyInfo (nmapi.@): NULL in, NULL out (the SDK's PropDist dialog does that). */
LPPROPERTYINFO WINAPI GetPropertyInfo(HPROPERTY hProperty)
{
    LPPROPERTYINFO info;

    nm_engine_init();
    info = hProperty ? nm_engine_property(hProperty, NULL) : NULL;
    TRACE("property %p -> %p\n", (void *)hProperty, info);
    return info;
}

/* The table of a live HFRAME with its properties attached, locked; NULL otherwise. */
static struct nm_ptable *attached_table(HFRAME hFrame)
{
    struct nm_ptable *t = nm_engine_table_lock(hFrame);

    if (t) nm_engine_table_parse(t, 1);
    else WARN("%p is not a live frame handle\n", hFrame);
    return t;
}

/* FindPropertyInstance (nmapi.@) */
LPPROPERTYINST WINAPI FindPropertyInstance(HFRAME hFrame, HPROPERTY hProperty)
{
    struct nm_ptable *t = attached_table(hFrame);
    LPPROPERTYINST pi = NULL;

    if (t) {
        pi = nm_engine_find(t, hProperty, NULL, 1);
        nm_engine_table_unlock(t);
    }
    TRACE("frame %p, property %p -> %p\n", hFrame, (void *)hProperty, pi);
    return pi;
}

/* FindPropertyInstanceRestart (nmapi.@) */
LPPROPERTYINST WINAPI FindPropertyInstanceRestart(HFRAME hFrame, HPROPERTY hProperty,
                                                  LPPROPERTYINST *lpRestartKey, WINBOOL DirForward)
{
    LPPROPERTYINST key = NULL, pi = NULL;
    struct nm_ptable *t;

    if (lpRestartKey && nm_safe_copy(&key, lpRestartKey, sizeof(key))) {
        WARN("restart key pointer %p is not readable\n", lpRestartKey);
        return NULL;
    }
    if (!(t = attached_table(hFrame))) return NULL;
    if (key && !nm_engine_is_instance(t, key)) WARN("restart key %p is not an instance of frame %p\n", key, hFrame);
    else pi = nm_engine_find(t, hProperty, key, DirForward);
    nm_engine_table_unlock(t);
    if (lpRestartKey && pi && nm_safe_copy(lpRestartKey, &pi, sizeof(pi)))
        WARN("restart key pointer %p is not writable\n", lpRestartKey);
    TRACE("frame %p, property %p, key %p (was %p), forward %d -> %p\n", hFrame,
          (void *)hProperty, lpRestartKey, key, DirForward, pi);
    return pi;
}

/* Offset of the first protocol p in the frame, or (DWORD)-1. */
static DWORD start_offset(HFRAME hFrame, struct nm_protocol *p)
{
    struct nm_ptable *t;
    DWORD off = (DWORD)-1;
    unsigned i;

    if (!p || !(t = nm_engine_table_lock(hFrame))) return (DWORD)-1;
    nm_engine_table_parse(t, 0);
    for (i = 0; i < t->nprot; i++)
        if (t->prot[i].proto == p) { off = t->prot[i].offset; break; }
    nm_engine_table_unlock(t);
    return off;
}

/* GetProtocolStartOffsetHandle (nmapi.@) */
DWORD WINAPI GetProtocolStartOffsetHandle(HFRAME hFrame, HPROTOCOL hProtocol)
{
    DWORD off;

    nm_engine_init();
    off = start_offset(hFrame, nm_engine_protocol(hProtocol));
    TRACE("frame %p, protocol %p -> %ld\n", hFrame, hProtocol, (long)off);
    return off;
}

/* GetProtocolStartOffset (nmapi.@) */
DWORD WINAPI GetProtocolStartOffset(HFRAME hFrame, LPSTR ProtocolName)
{
    char name[NAME_MAX_LEN];
    DWORD off;

    nm_engine_init();
    if (copy_name(ProtocolName, name)) {
        WARN("frame %p, name %p: not a readable protocol name\n", hFrame, ProtocolName);
        return (DWORD)-1;
    }
    off = start_offset(hFrame, nm_engine_protocol_by_name(name));
    TRACE("frame %p, %s -> %ld\n", hFrame, name, (long)off);
    return off;
}

static DWORD previous_offset(HFRAME hFrame, DWORD dwStartOffset, LPSTR szProtocolName,
                             DWORD *pdwPreviousOffset, DWORD *found)
{
    char name[NAME_MAX_LEN];
    struct nm_protocol *p;
    struct nm_ptable *t;
    DWORD off = (DWORD)-1;
    unsigned i;

    nm_engine_init();
    if (copy_name(szProtocolName, name) || !pdwPreviousOffset) return NMERR_INVALID_PARAMETER;
    if (!(p = nm_engine_protocol_by_name(name))) return NMERR_PROTOCOL_NOT_FOUND;
    if (!(t = nm_engine_table_lock(hFrame))) return NMERR_INVALID_HFRAME;
    nm_engine_table_parse(t, 0);
    for (i = 0; i < t->nprot; i++)
        if (t->prot[i].proto == p && t->prot[i].offset < dwStartOffset) off = t->prot[i].offset;
    nm_engine_table_unlock(t);
    if (off == (DWORD)-1) return NMERR_PROTOCOL_NOT_FOUND;
    *found = off;
    return nm_safe_copy(pdwPreviousOffset, &off, sizeof(off)) ? NMERR_INVALID_PARAMETER
                                                               : NMERR_SUCCESS;
}

/* GetPreviousProtocolOffsetByName (nmapi.@): the last protocol of that name that starts
 * before dwStartOffset. */
DWORD WINAPI GetPreviousProtocolOffsetByName(HFRAME hFrame, DWORD dwStartOffset,
                                             LPSTR szProtocolName, DWORD *pdwPreviousOffset)
{
    DWORD found = (DWORD)-1;
    DWORD err = previous_offset(hFrame, dwStartOffset, szProtocolName, pdwPreviousOffset, &found);

    TRACE("frame %p, before %lu, name %p, out %p -> offset %ld, error %lu\n", hFrame,
          dwStartOffset, szProtocolName, pdwPreviousOffset, (long)found, err);
    return err;
}

/* GetFrameRecognizeData (nmapi.@) */
LPRECOGNIZEDATATABLE WINAPI GetFrameRecognizeData(HFRAME hFrame)
{
    struct nm_ptable *t = nm_engine_table_lock(hFrame);
    LPRECOGNIZEDATATABLE r = NULL;

    if (t) {
        nm_engine_table_parse(t, 0);
        r = t->rtable;
        nm_engine_table_unlock(t);
    }
    TRACE("frame %p -> %p\n", hFrame, r);
    return r;
}

static HPROTOCOL protocol_from_table(LPHANDOFFTABLE hTable, DWORD ItemToFind, PDWORD_PTR lpInstData)
{
    HANDOFFTABLE tab;
    HANDOFFENTRY e;
    DWORD i;

    if (!hTable || nm_safe_copy(&tab, hTable, sizeof(tab)) || tab.hot_sig != HOT_SIGNATURE)
        return NULL;
    for (i = 0; i < tab.hot_NumEntries && i < 65536; i++) {
        if (nm_safe_copy(&e, &tab.hot_Entries[i], sizeof(e))) return NULL;
        if (e.hoe_ProtIdentNumber != ItemToFind) continue;
        if (!nm_engine_protocol(e.hoe_ProtocolHandle)) return NULL;
        if (lpInstData) {
            DWORD_PTR v = e.hoe_ProtocolData;
            if (nm_safe_copy(lpInstData, &v, sizeof(v))) return NULL;
        }
        return e.hoe_ProtocolHandle;
    }
    return NULL;
}

/* GetProtocolFromTable (nmapi.@): a parser's hand-off table lookup (docs/sdk-help.md §3.6). */
HPROTOCOL WINAPI GetProtocolFromTable(LPHANDOFFTABLE hTable, DWORD ItemToFind, PDWORD_PTR lpInstData)
{
    HPROTOCOL h = protocol_from_table(hTable, ItemToFind, lpInstData);

    TRACE("table %p, item %lu, data %p -> %p\n", hTable, ItemToFind, lpInstData, h);
    return h;
}

/* The engine's reads of parser memory (engine.h): under the guard, as for experts. */
size_t nm_engine_in_strnlen(const char *s, size_t max)
{
    return nm_safe_strnlen(s, max);
}

int nm_engine_in_copy(void *dst, const void *src, size_t n)
{
    return nm_safe_copy(dst, src, n);
}
