/*
 * ip.c - IP (version 4, RFC 791): header, options; hands off by Protocol, and only from a
 * first fragment (offset 0). Total Length cuts Ethernet padding off the payload; a
 * Total Length of 0 (segmentation offload) means "what was captured".
 */
#include "format.h"

enum { P_SUMMARY, P_VERSION, P_HLEN, P_TOS, P_TOTLEN, P_ID, P_FLAGS, P_FRAGOFF, P_TTL,
       P_PROTOCOL, P_CHECKSUM, P_SRC, P_DST, P_OPTIONS };
static LABELED_BIT flag_bits[] = {
    { 0, (LPSTR)"Last fragment", (LPSTR)"More fragments" },
    { 1, (LPSTR)"May fragment", (LPSTR)"Don't fragment" },
    { 2, (LPSTR)"Reserved bit clear", (LPSTR)"Reserved bit set" },
};
static SET flag_set = { NM_COUNT(flag_bits), { flag_bits } };
static PROPERTYINFO props[] = {
    NM_SUMMARY("IP header summary"),
    NM_PROP("Version", "IP version (4 bits)", PROP_TYPE_BYTE, PROP_QUAL_NONE, NULL),
    NM_PROP("Header Length", "Header length in bytes", PROP_TYPE_BYTE, PROP_QUAL_NONE, NULL),
    NM_PROP("Service Type", "Type of service / DSCP and ECN", PROP_TYPE_BYTE, PROP_QUAL_NONE, NULL),
    NM_PROP("Total Length", "Header and data, in bytes", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_NONE, NULL),
    NM_PROP("Identification", "Datagram identification", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_NONE, NULL),
    NM_PROP("Flags Summary", "Fragmentation flags (3 bits)", PROP_TYPE_BYTE, PROP_QUAL_FLAGS, &flag_set),
    NM_PROP("Fragment Offset", "Fragment offset in bytes", PROP_TYPE_WORD, PROP_QUAL_NONE, NULL),
    NM_PROP("Time to Live", "Time to live", PROP_TYPE_BYTE, PROP_QUAL_NONE, NULL),
    NM_PROP("Protocol", "Protocol of the payload", PROP_TYPE_BYTE, PROP_QUAL_LABELED_SET, &nm_set_ipproto),
    NM_PROP("Checksum", "Header checksum", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_NONE, NULL),
    NM_PROP("Source Address", "Source IP address", PROP_TYPE_IP_ADDRESS, PROP_QUAL_NONE, NULL),
    NM_PROP("Destination Address", "Destination IP address", PROP_TYPE_IP_ADDRESS, PROP_QUAL_NONE, NULL),
    NM_PROP("Options", "IP options", PROP_TYPE_RAW_DATA, PROP_QUAL_NONE, NULL),
};

static VOID WINAPI ip_register(HPROTOCOL h) { nm_register_props(h, props, NM_COUNT(props)); }
static VOID WINAPI ip_deregister(HPROTOCOL h) { DestroyPropertyDatabase(h); }

/* Header length and the bytes of the datagram (header included), 0 when it is no IPv4. */
static DWORD ip_layout(const BYTE *p, DWORD len, DWORD *end)
{
    DWORD hl, tot;

    if (len < 20 || (p[0] >> 4) != 4) return 0;
    hl = (p[0] & 15u) * 4;
    tot = rd16(p + 2);
    if (!tot) tot = len;
    *end = tot < len ? tot : len;
    return hl;
}

static LPBYTE WINAPI ip_recognize(HFRAME f, ULPBYTE frame, ULPBYTE p, DWORD mac, DWORD left,
                                  HPROTOCOL prev, DWORD prevoff, LPDWORD status,
                                  LPHPROTOCOL next, PDWORD_PTR inst)
{
    DWORD len = nm_inst_len(*inst, left), hl, end;

    if (!(hl = ip_layout(p, len, &end))) { *status = PROTOCOL_STATUS_NOT_RECOGNIZED; return p; }
    if (hl < 20 || hl > end || (rd16(p + 6) & 0x1fff) ||
        !(*next = nm_ipproto_next(p[9]))) {
        *status = PROTOCOL_STATUS_CLAIMED;
        return NULL;
    }
    *inst = NM_INST(NM_INST_LEVEL(*inst), end - hl);
    *status = PROTOCOL_STATUS_NEXT_PROTOCOL;
    return p + hl;
}

static LPBYTE WINAPI ip_attach(HFRAME f, ULPBYTE p0, ULPBYTE p, DWORD mac, DWORD left,
                               HPROTOCOL prev, DWORD prevoff, DWORD_PTR inst)
{
    struct nm_att a = { f, p, nm_inst_len(inst, left), NM_INST_LEVEL(inst) };
    DWORD hl, end;

    if (!(hl = ip_layout(p, a.len, &end))) return NULL;
    att(&a, &props[P_SUMMARY], 0, hl < 20 ? 20 : (hl < a.len ? hl : a.len), 0);
    att_byte(&a, &props[P_VERSION], 0, 1, (BYTE)(p[0] >> 4), 1);
    att_byte(&a, &props[P_HLEN], 0, 1, (BYTE)hl, 1);
    att(&a, &props[P_TOS], 1, 1, 1);
    att(&a, &props[P_TOTLEN], 2, 2, 1);
    att(&a, &props[P_ID], 4, 2, 1);
    att_byte(&a, &props[P_FLAGS], 6, 1, (BYTE)(p[6] >> 5), 1);
    att_word(&a, &props[P_FRAGOFF], 6, 2, (WORD)((rd16(p + 6) & 0x1fff) * 8), 1);
    att(&a, &props[P_TTL], 8, 1, 1);
    att(&a, &props[P_PROTOCOL], 9, 1, 1);
    att(&a, &props[P_CHECKSUM], 10, 2, 1);
    att(&a, &props[P_SRC], 12, 4, 1);
    att(&a, &props[P_DST], 16, 4, 1);
    if (hl > 20) att(&a, &props[P_OPTIONS], 20, hl - 20, 1);
    return NULL;
}

/* ---- texts (format.h) ---- */
static void ip_summary(LPPROPERTYINST pi)
{
    DWORD len;
    const BYTE *d = nm_text_data(pi, &len);
    const char *name;
    char s[16], t[16];

    if (len < 20) { FormatPropertyInstance(pi); return; }
    name = nm_text_label(&nm_set_ipproto, 1, d[9]);
    nm_text(pi, "%s -> %s, Protocol %u%s%s%s, TTL %u, Length %lu%s", nm_text_ip(s, d + 12),
            nm_text_ip(t, d + 16), d[9], name ? " (" : "", name ? name : "", name ? ")" : "", d[8],
            (unsigned long)rd16(d + 2), (rd16(d + 6) & 0x3fff) ? ", fragment" : "");
}

static const struct nm_text_rule texts[] = { { &props[P_SUMMARY], ip_summary } };

static DWORD WINAPI ip_format(HFRAME f, ULPBYTE frame, ULPBYTE p, DWORD n, LPPROPERTYINST pi)
{
    return nm_text_format(texts, NM_COUNT(texts), n, pi);
}

static ENTRYPOINTS entry = { ip_register, ip_deregister, ip_recognize, ip_attach, ip_format };

void nm_parser_ip_create(void) { CreateProtocol((LPSTR)"IP", &entry, sizeof(entry)); }
