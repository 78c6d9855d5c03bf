/*
 * builtin.h - what the built-in parsers share: bounds-checked big-endian reads, the
 * attach helpers, the instance data they pass to each other, and common label sets.
 *
 * Every read is checked against the bytes the protocol may use (BytesLeft, cut to the
 * length the lower layer gave): a field cut short is not attached and never read.
 */
#ifndef NM_BUILTIN_H
#define NM_BUILTIN_H

#include <string.h>
#include "../engine.h"
#include "parsers.h"

/* Instance data between built-in protocols (RecognizeFrame's lpInstData, docs/sdk-help.md §3.6):
 * bits 0-3 the Level of the protocol's summary (an ICMP-quoted header is one deeper),
 * bit 4 "a length follows", bit 5 "carried over TCP", bits 8-31 the bytes that belong to
 * the protocol (IP's payload length cuts Ethernet padding off). */
#define NM_INST(level, len)   ((DWORD_PTR)((((DWORD)(len) & 0xffffff) << 8) | 0x10u | ((level) & 15u)))
#define NM_INST_TCP           0x20u
#define NM_INST_LEVEL(i)      ((DWORD)((i) & 15u))

static inline DWORD nm_inst_len(DWORD_PTR inst, DWORD left)
{
    DWORD len = (DWORD)(inst >> 8);
    return (inst & 0x10u) && len < left ? len : left;
}

static inline DWORD rd8(const BYTE *p) { return p[0]; }
static inline DWORD rd16(const BYTE *p) { return ((DWORD)p[0] << 8) | p[1]; }
static inline DWORD rd32(const BYTE *p)
{
    return ((DWORD)p[0] << 24) | ((DWORD)p[1] << 16) | ((DWORD)p[2] << 8) | p[3];
}

/* One protocol's attach context: its bytes and its summary Level. */
struct nm_att {
    HFRAME f;
    const BYTE *p;
    DWORD len;        /* bytes this protocol may read */
    DWORD level;      /* summary level; fields at level + 1 */
};

/* Attaches n bytes at off, as they are in the frame, when they are all there. */
static inline int att(const struct nm_att *a, const PROPERTYINFO *pi, DWORD off, DWORD n, DWORD lvl)
{
    if (off > a->len || n > a->len - off) return 0;
    return AttachPropertyInstance(a->f, pi->hProperty, n, (ULPVOID)(a->p + off), 0,
                                  a->level + lvl > 15 ? 15 : a->level + lvl, 0);
}

/* Attaches a decoded value (a host-order copy) for the n frame bytes at off. */
static inline int att_val(const struct nm_att *a, const PROPERTYINFO *pi, DWORD off, DWORD n,
                          const void *val, DWORD vlen, DWORD lvl)
{
    if (off > a->len || n > a->len - off) return 0;
    return AttachPropertyInstanceEx(a->f, pi->hProperty, n, (ULPVOID)(a->p + off), vlen,
                                    (ULPVOID)val, 0, a->level + lvl > 15 ? 15 : a->level + lvl, 0);
}

static inline int att_byte(const struct nm_att *a, const PROPERTYINFO *pi, DWORD off, DWORD n,
                           BYTE v, DWORD lvl)
{
    return att_val(a, pi, off, n, &v, 1, lvl);
}

static inline int att_word(const struct nm_att *a, const PROPERTYINFO *pi, DWORD off, DWORD n,
                           WORD v, DWORD lvl)
{
    return att_val(a, pi, off, n, &v, 2, lvl);
}

static inline int att_dword(const struct nm_att *a, const PROPERTYINFO *pi, DWORD off, DWORD n,
                            DWORD v, DWORD lvl)
{
    return att_val(a, pi, off, n, &v, 4, lvl);
}

static inline void nm_register_props(HPROTOCOL h, PROPERTYINFO *table, DWORD n)
{
    DWORD i;

    CreatePropertyDatabase(h, n);
    for (i = 0; i < n; i++) AddProperty(h, &table[i]);
}

#define NM_COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define NM_PROP(label, comment, type, qual, set) \
    { 0, 0, (LPSTR)(label), (LPSTR)(comment), (type), (qual), { (LPVOID)(set) }, 80, NULL }

/* Shared label sets (ethertypes: ETHERNET, VLAN, SLL; IP protocol numbers: IP, IPV6). */
extern SET nm_set_ethertype;
extern SET nm_set_ipproto;
/* The protocol that an ethertype hands off to, or NULL. */
HPROTOCOL nm_ethertype_next(DWORD type);
/* The protocol that an IP protocol number hands off to, or NULL. */
HPROTOCOL nm_ipproto_next(DWORD proto);

#endif /* NM_BUILTIN_H */
