/*
 * icmp.c - ICMP (RFC 792). An error message (destination unreachable, source quench,
 * redirect, time exceeded, parameter problem) quotes the offending IP header and the
 * start of its payload: that is handed to IP one Level deeper, as tshark shows it.
 */
#include "format.h"

enum { P_SUMMARY, P_TYPE, P_CODE, P_CHECKSUM, P_ID, P_SEQ, P_GATEWAY, P_POINTER, P_MTU, P_DATA };
static LABELED_BYTE types[] = {
    { 0, (LPSTR)"Echo Reply" }, { 3, (LPSTR)"Destination Unreachable" },
    { 4, (LPSTR)"Source Quench" }, { 5, (LPSTR)"Redirect" }, { 8, (LPSTR)"Echo" },
    { 9, (LPSTR)"Router Advertisement" }, { 10, (LPSTR)"Router Solicitation" },
    { 11, (LPSTR)"Time Exceeded" }, { 12, (LPSTR)"Parameter Problem" },
    { 13, (LPSTR)"Timestamp" }, { 14, (LPSTR)"Timestamp Reply" },
    { 15, (LPSTR)"Information Request" }, { 16, (LPSTR)"Information Reply" },
    { 17, (LPSTR)"Address Mask Request" }, { 18, (LPSTR)"Address Mask Reply" },
};
static SET type_set = { NM_COUNT(types), { types } };
static PROPERTYINFO props[] = {
    NM_SUMMARY("ICMP summary"),
    NM_PROP("Packet Type", "ICMP message type", PROP_TYPE_BYTE, PROP_QUAL_LABELED_SET, &type_set),
    NM_PROP("Code", "ICMP message code", PROP_TYPE_BYTE, PROP_QUAL_NONE, NULL),
    NM_PROP("Checksum", "ICMP checksum", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_NONE, NULL),
    NM_PROP("Identifier", "Echo identifier", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_NONE, NULL),
    NM_PROP("Sequence Number", "Echo sequence number", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_NONE, NULL),
    NM_PROP("Gateway Address", "Redirect gateway", PROP_TYPE_IP_ADDRESS, PROP_QUAL_NONE, NULL),
    NM_PROP("Pointer", "Parameter problem pointer", PROP_TYPE_BYTE, PROP_QUAL_NONE, NULL),
    NM_PROP("Next-Hop MTU", "MTU of the next hop (fragmentation needed)", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_NONE, NULL),
    NM_PROP("Data", "Message data", PROP_TYPE_RAW_DATA, PROP_QUAL_NONE, NULL),
};

static VOID WINAPI icmp_register(HPROTOCOL h) { nm_register_props(h, props, NM_COUNT(props)); }
static VOID WINAPI icmp_deregister(HPROTOCOL h) { DestroyPropertyDatabase(h); }

static int is_error(DWORD t) { return t == 3 || t == 4 || t == 5 || t == 11 || t == 12; }

static LPBYTE WINAPI icmp_recognize(HFRAME f, ULPBYTE frame, ULPBYTE p, DWORD mac, DWORD left,
                                    HPROTOCOL prev, DWORD prevoff, LPDWORD status,
                                    LPHPROTOCOL next, PDWORD_PTR inst)
{
    DWORD len = nm_inst_len(*inst, left), lvl = NM_INST_LEVEL(*inst);

    if (len < 4) { *status = PROTOCOL_STATUS_NOT_RECOGNIZED; return p; }
    if (!is_error(p[0]) || len < 8 + 20 || lvl >= 12 || !(*next = nm_engine_builtin("IP"))) {
        *status = PROTOCOL_STATUS_CLAIMED;
        return NULL;
    }
    *inst = NM_INST(lvl + 1, len - 8);
    *status = PROTOCOL_STATUS_NEXT_PROTOCOL;
    return p + 8;
}

static LPBYTE WINAPI icmp_attach(HFRAME f, ULPBYTE frame, ULPBYTE p, DWORD mac, DWORD left,
                                 HPROTOCOL prev, DWORD prevoff, DWORD_PTR inst)
{
    struct nm_att a = { f, p, nm_inst_len(inst, left), NM_INST_LEVEL(inst) };
    DWORD t;

    if (a.len < 4) return NULL;
    t = p[0];
    att(&a, &props[P_SUMMARY], 0, is_error(t) ? 8 : a.len, 0);
    att(&a, &props[P_TYPE], 0, 1, 1);
    att(&a, &props[P_CODE], 1, 1, 1);
    att(&a, &props[P_CHECKSUM], 2, 2, 1);
    if (t == 0 || t == 8 || (t >= 13 && t <= 18)) {
        att(&a, &props[P_ID], 4, 2, 1);
        att(&a, &props[P_SEQ], 6, 2, 1);
    } else if (t == 5) {
        att(&a, &props[P_GATEWAY], 4, 4, 1);
    } else if (t == 12) {
        att(&a, &props[P_POINTER], 4, 1, 1);
    } else if (t == 3 && p[1] == 4) {
        att(&a, &props[P_MTU], 6, 2, 1);
    }
    if (!is_error(t) && a.len > 8) att(&a, &props[P_DATA], 8, a.len - 8, 1);
    return NULL;
}

/* ---- texts (format.h) ---- */
static void icmp_summary(LPPROPERTYINST pi)
{
    DWORD len;
    const BYTE *d = nm_text_data(pi, &len);
    const char *name;

    if (len < 2) { FormatPropertyInstance(pi); return; }
    name = nm_text_label(&type_set, 1, d[0]);
    if (len >= 8 && (d[0] == 0 || d[0] == 8))
        nm_text(pi, "%s, Code %u, Identifier %lu, Sequence %lu", name ? name : "Echo", d[1],
                (unsigned long)rd16(d + 4), (unsigned long)rd16(d + 6));
    else if (name)
        nm_text(pi, "%s, Code %u", name, d[1]);
    else
        nm_text(pi, "Type %u, Code %u", d[0], d[1]);
}

static const struct nm_text_rule texts[] = { { &props[P_SUMMARY], icmp_summary } };

static DWORD WINAPI icmp_format(HFRAME f, ULPBYTE frame, ULPBYTE p, DWORD n, LPPROPERTYINST pi)
{
    return nm_text_format(texts, NM_COUNT(texts), n, pi);
}

static ENTRYPOINTS entry = { icmp_register, icmp_deregister, icmp_recognize, icmp_attach, icmp_format };

void nm_parser_icmp_create(void) { CreateProtocol((LPSTR)"ICMP", &entry, sizeof(entry)); }
