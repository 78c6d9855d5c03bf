/*
 * proptext.c - property text (issue 13 §3): FormatPropertyInstance and GetPropertyText
 * (nmapi.@), over the portable formatter of propfmt.c.
 *
 * The FORMAT convention (docs/sdk-help.md §2.9, docs/sdk-samples.md §3.1): a protocol's
 * FormatProperties(hFrame, frame, protocol data, n, instances) calls, for each instance,
 * the function in lpPropertyInfo->InstanceData (a custom WINAPIV formatter, or
 * FormatPropertyInstance itself, called with the instance as its ONE argument); the
 * formatter writes the text into szPropertyText, which the host reserved with
 * FormatStringSize bytes. Here:
 *  - GetPropertyText gives the protocol's FormatProperties a copy of the instance whose
 *    szPropertyText is a host buffer of max(FormatStringSize, 80) + slack bytes (at least
 *    1025: a sloppy wsprintf formatter cannot overrun it), under the fault guard, then
 *    copies at most BufferSize - 1 bytes and a NUL to the caller. A protocol without
 *    FormatProperties (the built-ins that need no custom text) gets the generic formatter.
 *  - FormatPropertyInstance reads the instance, its PROPERTYINFO, the data and the sets
 *    through guarded copies, and writes at most the capacity (FormatStringSize, 80 when 0)
 *    into szPropertyText; with szPropertyText NULL it points it at a per-thread buffer
 *    ("sets szPropertyText to point to the formatted string", nmref2_6jl1.htm). Extra
 *    arguments (the header's "...") are ignored.
 */
#include <stdlib.h>
#include <string.h>
#include "nmapi_compat.h"
#include "engine.h"
#include "expert.h"
#include "guard.h"
#include "propfmt.h"

#define TEXT_SLACK 1025            /* wsprintf writes at most 1024 characters and a NUL */
#define TLS_TEXT   1024

static int safe_copy(void *dst, const void *src, size_t n) { return nm_safe_copy(dst, src, n); }
static size_t safe_strnlen(const char *s, size_t max) { return nm_safe_strnlen(s, max); }
static const struct nm_fmt_io guarded_io = { safe_copy, safe_strnlen };

static __thread char tls_text[TLS_TEXT];

/* The generic formatter on a copy of an instance: text into out[size]. */
static size_t format_generic(const PROPERTYINST *pi, char *out, size_t size)
{
    PROPERTYINFO info;

    if (!pi->lpPropertyInfo || nm_safe_copy(&info, pi->lpPropertyInfo, sizeof(info))) {
        if (size) out[0] = 0;
        return 0;
    }
    return nm_fmt_instance(&guarded_io, pi, &info, NULL, out, size);
}

/* FormatPropertyInstance (nmapi.@) */
DWORD WINAPIV FormatPropertyInstance(LPPROPERTYINST lpPropertyInst, ...)
{
    PROPERTYINST pi;
    PROPERTYINFO info;
    char text[TLS_TEXT];
    size_t cap, len;
    LPSTR dst;
    const char *err = NULL;

    if (!lpPropertyInst) err = "NULL instance";
    else if (nm_safe_copy(&pi, lpPropertyInst, sizeof(pi))) err = "unreadable instance";
    else if (!pi.lpPropertyInfo || nm_safe_copy(&info, pi.lpPropertyInfo, sizeof(info)))
        err = "no readable PROPERTYINFO";
    if (err) {
        WARN("(%p): %s\n", (void *)lpPropertyInst, err);
        return NMERR_INVALID_PARAMETER;
    }
    cap = nm_fmt_capacity(&info);
    if (cap > sizeof(text)) cap = sizeof(text);
    len = nm_fmt_instance(&guarded_io, &pi, &info, NULL, text, cap);
    dst = pi.szPropertyText;
    if (!dst) {
        dst = tls_text;
        if (nm_safe_copy(&lpPropertyInst->szPropertyText, &dst, sizeof(dst))) {
            WARN("(%p): instance not writable\n", (void *)lpPropertyInst);
            return NMERR_INVALID_PARAMETER;
        }
    }
    if (nm_safe_copy(dst, text, len + 1)) {
        WARN("(%p): szPropertyText %p not writable for %lu bytes\n", (void *)lpPropertyInst,
             (void *)dst, (unsigned long)(len + 1));
        return NMERR_INVALID_PARAMETER;
    }
    TRACE("(%p) -> \"%s\"\n", (void *)lpPropertyInst, text);
    return NMERR_SUCCESS;
}

struct format_call {
    FORMATPROPERTIES fn;
    HFRAME hf;
    ULPBYTE frame, data;
    PROPERTYINST *pi;
};

static void format_fn(void *ctx)
{
    struct format_call *c = ctx;

    c->fn(c->hf, c->frame, c->data, 1, c->pi);
}

/* GetPropertyText (nmapi.@) */
LPSTR WINAPI GetPropertyText(HFRAME hFrame, LPPROPERTYINST lpPI, LPSTR szBuffer, DWORD BufferSize)
{
    struct nm_ptable *t;
    struct format_call c = { NULL, hFrame, NULL, NULL, NULL };
    struct nm_protocol *plugin = NULL;     /* a plug-in's: through the engine's call hook */
    uint32_t frame_number = 0;
    struct nm_fault_record rec;
    PROPERTYINST pi;
    const char *err = NULL, *text;
    char *buf = NULL;
    size_t size = 0, len, idx;
    unsigned k;

    if (!szBuffer || !BufferSize) err = "no buffer";
    else if (!lpPI) err = "NULL instance";
    else if (!(t = nm_engine_table_lock(hFrame))) err = "invalid or stale HFRAME";
    else if (!nm_engine_is_instance(t, lpPI)) {
        nm_engine_table_unlock(t);
        err = "not an instance of this frame";
    } else {
        /* the instance, its protocol's slice, the frame and the protocol's data */
        pi = *lpPI;
        idx = (size_t)(lpPI - t->insts);
        for (k = 0; k < t->ptable->nPropertyInstTables && k < t->nprot; k++) {
            const PROPERTYINSTTABLE *s = &t->ptable->PropertyInstTable[k];
            if (idx >= s->nPropertyInstIndex && idx < (size_t)s->nPropertyInstIndex + s->nPropertyInsts)
                break;
        }
        if (k < t->nprot && k < t->ptable->nPropertyInstTables) {
            c.fn = t->prot[k].proto->ep.FormatProperties;
            c.frame = (ULPBYTE)t->frame;
            c.data = (ULPBYTE)t->frame + t->prot[k].offset;
            if (t->prot[k].proto->plugin) plugin = t->prot[k].proto;
            frame_number = t->frame_number;
        }
        nm_engine_table_unlock(t);
        size = nm_fmt_capacity(pi.lpPropertyInfo) + 1;
        if (size < TEXT_SLACK) size = TEXT_SLACK;
        if (!(buf = calloc(1, size))) err = "out of memory";
    }
    if (err) {
        WARN("(%p, %p, %p, %lu): %s\n", (void *)hFrame, (void *)lpPI, szBuffer,
             (unsigned long)BufferSize, err);
        return NULL;
    }
    pi.szPropertyText = buf;
    if (c.fn && plugin) {
        /* untrusted (README "Loading parsers"): a fault disables the parser */
        if (nm_engine_plugin_format(plugin, hFrame, c.frame, c.data, &pi, frame_number)) {
            WARN("(%p, %p): plug-in FormatProperties faulted or is disabled\n", (void *)hFrame, (void *)lpPI);
            free(buf);
            return NULL;
        }
    } else if (c.fn) {
        c.pi = &pi;
        if (nm_guard_call(format_fn, &c, &rec) != NM_GUARD_OK) {
            WARN("(%p, %p): FormatProperties faulted (%#lx)\n", (void *)hFrame, (void *)lpPI, rec.code);
            free(buf);
            return NULL;
        }
    } else {
        format_generic(&pi, buf, size);
    }
    buf[size - 1] = 0;
    /* a formatter may point szPropertyText at text of its own */
    text = pi.szPropertyText ? pi.szPropertyText : "";
    len = text == buf ? strlen(buf) : nm_safe_strnlen(text, size - 1);
    if (len == (size_t)-1) {
        WARN("(%p, %p): formatter left an unreadable text %p\n", (void *)hFrame, (void *)lpPI, text);
        free(buf);
        return NULL;
    }
    if (len > BufferSize - 1) len = BufferSize - 1;
    if ((len && nm_safe_copy(szBuffer, text, len)) || nm_safe_copy(szBuffer + len, "", 1)) {
        WARN("(%p, %p, %p, %lu): buffer not writable\n", (void *)hFrame, (void *)lpPI, szBuffer,
             (unsigned long)BufferSize);
        free(buf);
        return NULL;
    }
    free(buf);
    TRACE("(%p, %p, %p, %lu) -> \"%s\"\n", (void *)hFrame, (void *)lpPI, szBuffer,
          (unsigned long)BufferSize, szBuffer);
    return szBuffer;
}
