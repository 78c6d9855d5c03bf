/*
 * ipv6.c - IPV6 (RFC 8200): the fixed header and the hop-by-hop, routing, fragment,
 * destination-options (and AH) extension headers. The chain is walked at most
 * NM_IPV6_MAX_EXT headers deep, each at least 8 bytes, never past Payload Length or the
 * captured bytes; only a first fragment (offset 0) hands off.
 */
#include "format.h"

#define NM_IPV6_MAX_EXT 16

enum { P_SUMMARY, P_VERSION, P_TCLASS, P_FLOW, P_PLEN, P_NEXT, P_HOPS, P_SRC, P_DST,
       P_EXT, P_EXT_NEXT, P_EXT_LEN, P_FRAG_OFF, P_FRAG_ID };
static PROPERTYINFO props[] = {
    NM_SUMMARY("IPv6 header summary"),
    NM_PROP("Version", "IP version (4 bits)", PROP_TYPE_BYTE, PROP_QUAL_NONE, NULL),
    NM_PROP("Traffic Class", "Traffic class (8 bits)", PROP_TYPE_BYTE, PROP_QUAL_NONE, NULL),
    NM_PROP("Flow Label", "Flow label (20 bits)", PROP_TYPE_DWORD, PROP_QUAL_NONE, NULL),
    NM_PROP("Payload Length", "Bytes after the fixed header", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_NONE, NULL),
    NM_PROP("Next Header", "Type of the next header", PROP_TYPE_BYTE, PROP_QUAL_LABELED_SET, &nm_set_ipproto),
    NM_PROP("Hop Limit", "Hop limit", PROP_TYPE_BYTE, PROP_QUAL_NONE, NULL),
    NM_PROP("Source Address", "Source IPv6 address", PROP_TYPE_IP6_ADDRESS, PROP_QUAL_NONE, NULL),
    NM_PROP("Destination Address", "Destination IPv6 address", PROP_TYPE_IP6_ADDRESS, PROP_QUAL_NONE, NULL),
    NM_PROP("Extension Header", "An extension header (its bytes)", PROP_TYPE_RAW_DATA, PROP_QUAL_NONE, NULL),
    NM_PROP("Extension Next Header", "Type of the header after this extension header", PROP_TYPE_BYTE, PROP_QUAL_LABELED_SET, &nm_set_ipproto),
    NM_PROP("Extension Length", "Extension header length in bytes", PROP_TYPE_WORD, PROP_QUAL_NONE, NULL),
    NM_PROP("Fragment Offset", "Fragment offset in bytes", PROP_TYPE_WORD, PROP_QUAL_NONE, NULL),
    NM_PROP("Fragment Identification", "Fragment identification", PROP_TYPE_BYTESWAPPED_DWORD, PROP_QUAL_NONE, NULL),
};

static VOID WINAPI ipv6_register(HPROTOCOL h) { nm_register_props(h, props, NM_COUNT(props)); }
static VOID WINAPI ipv6_deregister(HPROTOCOL h) { DestroyPropertyDatabase(h); }

struct ext { DWORD off, len, type; };

/* Walks the chain. Returns the offset of the upper-layer header and its type in *nh
 * (0 + *nh = 59 when there is none to hand to), *end the datagram's end, exts[]. */
static DWORD ipv6_walk(const BYTE *p, DWORD len, DWORD *nh, DWORD *end, struct ext *exts,
                       unsigned *nexts, int *later_fragment)
{
    DWORD off = 40, pl, type;
    unsigned n = 0;

    *later_fragment = 0;
    *nexts = 0;
    if (len < 40 || (p[0] >> 4) != 6) return 0;
    pl = rd16(p + 4);
    *end = pl && 40 + pl < len ? 40 + pl : len;
    type = p[6];
    while (n < NM_IPV6_MAX_EXT) {
        DWORD elen;
        if (type != 0 && type != 43 && type != 44 && type != 60 && type != 51) break;
        if (off + 8 > *end) { type = 59; break; }               /* cut short */
        elen = type == 44 ? 8 : type == 51 ? (p[off + 1] + 2u) * 4 : (p[off + 1] + 1u) * 8;
        if (off + elen > *end) { exts[n].off = off; exts[n].len = *end - off; exts[n++].type = type; type = 59; break; }
        exts[n].off = off;
        exts[n].len = elen;
        exts[n++].type = type;
        if (type == 44 && (rd16(p + off + 2) & 0xfff8)) *later_fragment = 1;
        type = p[off];
        off += elen;
    }
    if (n == NM_IPV6_MAX_EXT) type = 59;
    *nexts = n;
    *nh = type;
    return off;
}

static LPBYTE WINAPI ipv6_recognize(HFRAME f, ULPBYTE frame, ULPBYTE p, DWORD mac, DWORD left,
                                    HPROTOCOL prev, DWORD prevoff, LPDWORD status,
                                    LPHPROTOCOL next, PDWORD_PTR inst)
{
    DWORD len = nm_inst_len(*inst, left), nh, end, off;
    struct ext exts[NM_IPV6_MAX_EXT];
    unsigned n;
    int later;

    if (!(off = ipv6_walk(p, len, &nh, &end, exts, &n, &later))) {
        *status = PROTOCOL_STATUS_NOT_RECOGNIZED;
        return p;
    }
    if (later || off > end || !(*next = nm_ipproto_next(nh))) {
        *status = PROTOCOL_STATUS_CLAIMED;
        return NULL;
    }
    *inst = NM_INST(NM_INST_LEVEL(*inst), end - off);
    *status = PROTOCOL_STATUS_NEXT_PROTOCOL;
    return p + off;
}

static LPBYTE WINAPI ipv6_attach(HFRAME f, ULPBYTE frame, ULPBYTE p, DWORD mac, DWORD left,
                                 HPROTOCOL prev, DWORD prevoff, DWORD_PTR inst)
{
    struct nm_att a = { f, p, nm_inst_len(inst, left), NM_INST_LEVEL(inst) };
    struct ext exts[NM_IPV6_MAX_EXT];
    DWORD nh, end, off;
    unsigned i, n;
    int later;

    if (!(off = ipv6_walk(p, a.len, &nh, &end, exts, &n, &later))) return NULL;
    att(&a, &props[P_SUMMARY], 0, off < a.len ? off : a.len, 0);
    att_byte(&a, &props[P_VERSION], 0, 1, 6, 1);
    att_byte(&a, &props[P_TCLASS], 0, 2, (BYTE)(rd16(p) >> 4), 1);
    att_dword(&a, &props[P_FLOW], 1, 3, rd32(p) & 0xfffff, 1);
    att(&a, &props[P_PLEN], 4, 2, 1);
    att(&a, &props[P_NEXT], 6, 1, 1);
    att(&a, &props[P_HOPS], 7, 1, 1);
    att(&a, &props[P_SRC], 8, 16, 1);
    att(&a, &props[P_DST], 24, 16, 1);
    for (i = 0; i < n; i++) {
        DWORD o = exts[i].off;
        att(&a, &props[P_EXT], o, exts[i].len, 1);
        att(&a, &props[P_EXT_NEXT], o, 1, 2);
        if (exts[i].type == 44) {
            att_word(&a, &props[P_FRAG_OFF], o + 2, 2, (WORD)(rd16(p + o + 2) & 0xfff8), 2);
            att(&a, &props[P_FRAG_ID], o + 4, 4, 2);
        } else {
            att_word(&a, &props[P_EXT_LEN], o + 1, 1, (WORD)exts[i].len, 2);
        }
    }
    return NULL;
}

/* ---- texts (format.h) ---- */
static void ipv6_summary(LPPROPERTYINST pi)
{
    DWORD len;
    const BYTE *d = nm_text_data(pi, &len);
    const char *name;
    char s[46], t[46];

    if (len < 40) { FormatPropertyInstance(pi); return; }
    name = nm_text_label(&nm_set_ipproto, 1, d[6]);
    nm_text(pi, "%s -> %s, Next Header %u%s%s%s, Hop Limit %u, Payload Length %lu", nm_text_ip6(s, d + 8),
            nm_text_ip6(t, d + 24), d[6], name ? " (" : "", name ? name : "", name ? ")" : "", d[7],
            (unsigned long)rd16(d + 4));
}

static const struct nm_text_rule texts[] = { { &props[P_SUMMARY], ipv6_summary } };

static DWORD WINAPI ipv6_format(HFRAME f, ULPBYTE frame, ULPBYTE p, DWORD n, LPPROPERTYINST pi)
{
    return nm_text_format(texts, NM_COUNT(texts), n, pi);
}

static ENTRYPOINTS entry = { ipv6_register, ipv6_deregister, ipv6_recognize, ipv6_attach, ipv6_format };

void nm_parser_ipv6_create(void) { CreateProtocol((LPSTR)"IPV6", &entry, sizeof(entry)); }
