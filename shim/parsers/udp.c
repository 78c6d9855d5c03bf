/*
 * udp.c - UDP (RFC 768); hands the payload to DNS for ports 53 (DNS), 5353 (mDNS) and
 * 5355 (LLMNR), which share DNS's message format. Total Length cuts the payload, never
 * past what IP gave.
 */
#include "format.h"

enum { P_SUMMARY, P_SPORT, P_DPORT, P_LEN, P_CHECKSUM, P_DATA };
static PROPERTYINFO props[] = {
    NM_SUMMARY("UDP header summary"),
    NM_PROP("Source Port", "Source port", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_NONE, NULL),
    NM_PROP("Destination Port", "Destination port", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_NONE, NULL),
    NM_PROP("Total Length", "Header and data, in bytes", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_NONE, NULL),
    NM_PROP("Checksum", "UDP checksum", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_NONE, NULL),
    NM_PROP("Data", "UDP payload", PROP_TYPE_RAW_DATA, PROP_QUAL_NONE, NULL),
};

static VOID WINAPI udp_register(HPROTOCOL h) { nm_register_props(h, props, NM_COUNT(props)); }
static VOID WINAPI udp_deregister(HPROTOCOL h) { DestroyPropertyDatabase(h); }

static int dns_port(DWORD port) { return port == 53 || port == 5353 || port == 5355; }

static DWORD udp_end(const BYTE *p, DWORD len)
{
    DWORD ul = rd16(p + 4);
    return ul >= 8 && ul < len ? ul : len;
}

static LPBYTE WINAPI udp_recognize(HFRAME f, ULPBYTE frame, ULPBYTE p, DWORD mac, DWORD left,
                                   HPROTOCOL prev, DWORD prevoff, LPDWORD status,
                                   LPHPROTOCOL next, PDWORD_PTR inst)
{
    DWORD len = nm_inst_len(*inst, left), end;

    if (len < 4) { *status = PROTOCOL_STATUS_NOT_RECOGNIZED; return p; }
    /* a loaded parser's port (pWhoHandsOffToMe / INI, engine.h) before the built-in ones */
    if (len >= 8 && (*next = nm_engine_handoff_ports("UDP_HandoffSet", rd16(p), rd16(p + 2), inst))) {
        *status = PROTOCOL_STATUS_NEXT_PROTOCOL;
        return p + 8;
    }
    if (len < 8 || (end = udp_end(p, len)) <= 8 || (!dns_port(rd16(p)) && !dns_port(rd16(p + 2))) ||
        !(*next = nm_engine_builtin("DNS"))) {
        *status = PROTOCOL_STATUS_CLAIMED;
        return NULL;
    }
    *inst = NM_INST(NM_INST_LEVEL(*inst), end - 8);
    *status = PROTOCOL_STATUS_NEXT_PROTOCOL;
    return p + 8;
}

static LPBYTE WINAPI udp_attach(HFRAME f, ULPBYTE frame, ULPBYTE p, DWORD mac, DWORD left,
                                HPROTOCOL prev, DWORD prevoff, DWORD_PTR inst)
{
    struct nm_att a = { f, p, nm_inst_len(inst, left), NM_INST_LEVEL(inst) };
    DWORD end;

    att(&a, &props[P_SUMMARY], 0, a.len < 8 ? a.len : 8, 0);
    att(&a, &props[P_SPORT], 0, 2, 1);
    att(&a, &props[P_DPORT], 2, 2, 1);
    att(&a, &props[P_LEN], 4, 2, 1);
    att(&a, &props[P_CHECKSUM], 6, 2, 1);
    if (a.len > 8 && (end = udp_end(p, a.len)) > 8) att(&a, &props[P_DATA], 8, end - 8, 1);
    return NULL;
}

/* ---- texts (format.h) ---- */
static void udp_summary(LPPROPERTYINST pi)
{
    DWORD len;
    const BYTE *d = nm_text_data(pi, &len);
    char s[40], t[40];

    if (len < 8) { FormatPropertyInstance(pi); return; }
    nm_text(pi, "%s -> %s, Length %lu", nm_text_portname(s, rd16(d)), nm_text_portname(t, rd16(d + 2)),
            (unsigned long)rd16(d + 4));
}

static const struct nm_text_rule texts[] = {
    { &props[P_SUMMARY], udp_summary }, { &props[P_SPORT], nm_text_port },
    { &props[P_DPORT], nm_text_port },
};

static DWORD WINAPI udp_format(HFRAME f, ULPBYTE frame, ULPBYTE p, DWORD n, LPPROPERTYINST pi)
{
    return nm_text_format(texts, NM_COUNT(texts), n, pi);
}

static ENTRYPOINTS entry = { udp_register, udp_deregister, udp_recognize, udp_attach, udp_format };

void nm_parser_udp_create(void) { CreateProtocol((LPSTR)"UDP", &entry, sizeof(entry)); }
