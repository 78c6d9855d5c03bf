/*
 * tcp.c - TCP (RFC 9293): header, options as one raw property; hands the payload to DNS
 * when either port is 53 (DNS over TCP carries a 2-byte length first).
 */
#include "format.h"

enum { P_SUMMARY, P_SPORT, P_DPORT, P_SEQ, P_ACK, P_DOFF, P_FLAGS, P_WINDOW, P_CHECKSUM,
       P_URGENT, P_OPTIONS, P_DATA };
static LABELED_BIT flag_bits[] = {
    { 0, (LPSTR)"No FIN", (LPSTR)"FIN" }, { 1, (LPSTR)"No SYN", (LPSTR)"SYN" },
    { 2, (LPSTR)"No RST", (LPSTR)"RST" }, { 3, (LPSTR)"No PSH", (LPSTR)"PSH" },
    { 4, (LPSTR)"No ACK", (LPSTR)"ACK" }, { 5, (LPSTR)"No URG", (LPSTR)"URG" },
    { 6, (LPSTR)"No ECE", (LPSTR)"ECE" }, { 7, (LPSTR)"No CWR", (LPSTR)"CWR" },
    { 8, (LPSTR)"No AE", (LPSTR)"AE" },
};
static SET flag_set = { NM_COUNT(flag_bits), { flag_bits } };
static PROPERTYINFO props[] = {
    NM_SUMMARY("TCP header summary"),
    NM_PROP("Source Port", "Source port", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_NONE, NULL),
    NM_PROP("Destination Port", "Destination port", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_NONE, NULL),
    NM_PROP("Sequence Number", "Sequence number (absolute)", PROP_TYPE_BYTESWAPPED_DWORD, PROP_QUAL_NONE, NULL),
    NM_PROP("Acknowledgement Number", "Acknowledgement number (absolute)", PROP_TYPE_BYTESWAPPED_DWORD, PROP_QUAL_NONE, NULL),
    NM_PROP("Data Offset", "Header length in bytes", PROP_TYPE_BYTE, PROP_QUAL_NONE, NULL),
    NM_PROP("Flags", "TCP flags, 12 bits (FIN SYN RST PSH ACK URG ECE CWR AE, 3 reserved)", PROP_TYPE_WORD, PROP_QUAL_FLAGS, &flag_set),
    NM_PROP("Window", "Receive window", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_NONE, NULL),
    NM_PROP("Checksum", "TCP checksum", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_NONE, NULL),
    NM_PROP("Urgent Pointer", "Urgent pointer", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_NONE, NULL),
    NM_PROP("Options", "TCP options", PROP_TYPE_RAW_DATA, PROP_QUAL_NONE, NULL),
    NM_PROP("Data", "TCP payload", PROP_TYPE_RAW_DATA, PROP_QUAL_NONE, NULL),
};

static VOID WINAPI tcp_register(HPROTOCOL h) { nm_register_props(h, props, NM_COUNT(props)); }
static VOID WINAPI tcp_deregister(HPROTOCOL h) { DestroyPropertyDatabase(h); }

static LPBYTE WINAPI tcp_recognize(HFRAME f, ULPBYTE frame, ULPBYTE p, DWORD mac, DWORD left,
                                   HPROTOCOL prev, DWORD prevoff, LPDWORD status,
                                   LPHPROTOCOL next, PDWORD_PTR inst)
{
    DWORD len = nm_inst_len(*inst, left), hl;

    if (len < 4) { *status = PROTOCOL_STATUS_NOT_RECOGNIZED; return p; }
    hl = len >= 13 ? (p[12] >> 4) * 4u : 0;
    /* a loaded parser's port (pWhoHandsOffToMe / INI, engine.h) before the built-in ones */
    if (hl >= 20 && hl <= len &&
        (*next = nm_engine_handoff_ports("TCP_HandoffSet", rd16(p), rd16(p + 2), inst))) {
        *status = PROTOCOL_STATUS_NEXT_PROTOCOL;
        return p + hl;
    }
    if (hl < 20 || hl >= len || (rd16(p) != 53 && rd16(p + 2) != 53) ||
        !(*next = nm_engine_builtin("DNS"))) {
        *status = PROTOCOL_STATUS_CLAIMED;
        return NULL;
    }
    *inst = NM_INST(NM_INST_LEVEL(*inst), len - hl) | NM_INST_TCP;
    *status = PROTOCOL_STATUS_NEXT_PROTOCOL;
    return p + hl;
}

static LPBYTE WINAPI tcp_attach(HFRAME f, ULPBYTE frame, ULPBYTE p, DWORD mac, DWORD left,
                                HPROTOCOL prev, DWORD prevoff, DWORD_PTR inst)
{
    struct nm_att a = { f, p, nm_inst_len(inst, left), NM_INST_LEVEL(inst) };
    DWORD hl = a.len >= 13 ? (p[12] >> 4) * 4u : 20;

    att(&a, &props[P_SUMMARY], 0, hl < a.len ? hl : a.len, 0);
    att(&a, &props[P_SPORT], 0, 2, 1);
    att(&a, &props[P_DPORT], 2, 2, 1);
    att(&a, &props[P_SEQ], 4, 4, 1);
    att(&a, &props[P_ACK], 8, 4, 1);
    att_byte(&a, &props[P_DOFF], 12, 1, (BYTE)hl, 1);
    if (a.len >= 14) att_word(&a, &props[P_FLAGS], 12, 2, (WORD)(rd16(p + 12) & 0xfff), 1);
    att(&a, &props[P_WINDOW], 14, 2, 1);
    att(&a, &props[P_CHECKSUM], 16, 2, 1);
    att(&a, &props[P_URGENT], 18, 2, 1);
    if (hl > 20) att(&a, &props[P_OPTIONS], 20, hl - 20, 1);
    if (hl >= 20 && a.len > hl) att(&a, &props[P_DATA], hl, a.len - hl, 1);
    return NULL;
}

/* ---- texts (format.h) ---- */
static void tcp_summary(LPPROPERTYINST pi)
{
    DWORD len, fl, i;
    const BYTE *d = nm_text_data(pi, &len);
    char s[40], t[40], names[64];
    size_t o = 0;

    if (len < 20) { FormatPropertyInstance(pi); return; }
    fl = rd16(d + 12) & 0x1ff;
    names[0] = 0;
    for (i = 0; i < NM_COUNT(flag_bits); i++)
        if ((fl >> flag_bits[i].BitNumber) & 1 && o + 8 < sizeof(names))
            o += (size_t)snprintf(names + o, sizeof(names) - o, "%s%s", o ? " " : "", flag_bits[i].LabelOn);
    nm_text(pi, "%s -> %s, Flags %s, Seq %lu, Ack %lu, Window %lu", nm_text_portname(s, rd16(d)),
            nm_text_portname(t, rd16(d + 2)), o ? names : "none", (unsigned long)rd32(d + 4),
            (unsigned long)rd32(d + 8), (unsigned long)rd16(d + 14));
}

static const struct nm_text_rule texts[] = {
    { &props[P_SUMMARY], tcp_summary }, { &props[P_SPORT], nm_text_port },
    { &props[P_DPORT], nm_text_port },
};

static DWORD WINAPI tcp_format(HFRAME f, ULPBYTE frame, ULPBYTE p, DWORD n, LPPROPERTYINST pi)
{
    return nm_text_format(texts, NM_COUNT(texts), n, pi);
}

static ENTRYPOINTS entry = { tcp_register, tcp_deregister, tcp_recognize, tcp_attach, tcp_format };

void nm_parser_tcp_create(void) { CreateProtocol((LPSTR)"TCP", &entry, sizeof(entry)); }
