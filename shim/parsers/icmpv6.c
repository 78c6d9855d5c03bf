/*
 * icmpv6.c - ICMPV6 (RFC 4443, 4861). An error message (1-4) quotes the offending IPv6
 * packet: that is handed to IPV6 one Level deeper, as tshark shows it.
 */
#include "format.h"

enum { P_SUMMARY, P_TYPE, P_CODE, P_CHECKSUM, P_ID, P_SEQ, P_MTU, P_POINTER, P_TARGET, P_DATA };
static LABELED_BYTE types[] = {
    { 1, (LPSTR)"Destination Unreachable" }, { 2, (LPSTR)"Packet Too Big" },
    { 3, (LPSTR)"Time Exceeded" }, { 4, (LPSTR)"Parameter Problem" },
    { 128, (LPSTR)"Echo Request" }, { 129, (LPSTR)"Echo Reply" },
    { 130, (LPSTR)"Multicast Listener Query" }, { 131, (LPSTR)"Multicast Listener Report" },
    { 132, (LPSTR)"Multicast Listener Done" }, { 133, (LPSTR)"Router Solicitation" },
    { 134, (LPSTR)"Router Advertisement" }, { 135, (LPSTR)"Neighbor Solicitation" },
    { 136, (LPSTR)"Neighbor Advertisement" }, { 137, (LPSTR)"Redirect" },
    { 143, (LPSTR)"Multicast Listener Report v2" },
};
static SET type_set = { NM_COUNT(types), { types } };
static PROPERTYINFO props[] = {
    NM_SUMMARY("ICMPv6 summary"),
    NM_PROP("Packet Type", "ICMPv6 message type", PROP_TYPE_BYTE, PROP_QUAL_LABELED_SET, &type_set),
    NM_PROP("Code", "ICMPv6 message code", PROP_TYPE_BYTE, PROP_QUAL_NONE, NULL),
    NM_PROP("Checksum", "ICMPv6 checksum", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_NONE, NULL),
    NM_PROP("Identifier", "Echo identifier", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_NONE, NULL),
    NM_PROP("Sequence Number", "Echo sequence number", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_NONE, NULL),
    NM_PROP("MTU", "Packet too big: MTU", PROP_TYPE_BYTESWAPPED_DWORD, PROP_QUAL_NONE, NULL),
    NM_PROP("Pointer", "Parameter problem pointer", PROP_TYPE_BYTESWAPPED_DWORD, PROP_QUAL_NONE, NULL),
    NM_PROP("Target Address", "Neighbor discovery target", PROP_TYPE_IP6_ADDRESS, PROP_QUAL_NONE, NULL),
    NM_PROP("Data", "Message data", PROP_TYPE_RAW_DATA, PROP_QUAL_NONE, NULL),
};

static VOID WINAPI icmpv6_register(HPROTOCOL h) { nm_register_props(h, props, NM_COUNT(props)); }
static VOID WINAPI icmpv6_deregister(HPROTOCOL h) { DestroyPropertyDatabase(h); }

static LPBYTE WINAPI icmpv6_recognize(HFRAME f, ULPBYTE frame, ULPBYTE p, DWORD mac, DWORD left,
                                      HPROTOCOL prev, DWORD prevoff, LPDWORD status,
                                      LPHPROTOCOL next, PDWORD_PTR inst)
{
    DWORD len = nm_inst_len(*inst, left), lvl = NM_INST_LEVEL(*inst);

    if (len < 4) { *status = PROTOCOL_STATUS_NOT_RECOGNIZED; return p; }
    if (p[0] < 1 || p[0] > 4 || len < 8 + 40 || lvl >= 12 || !(*next = nm_engine_builtin("IPV6"))) {
        *status = PROTOCOL_STATUS_CLAIMED;
        return NULL;
    }
    *inst = NM_INST(lvl + 1, len - 8);
    *status = PROTOCOL_STATUS_NEXT_PROTOCOL;
    return p + 8;
}

static LPBYTE WINAPI icmpv6_attach(HFRAME f, ULPBYTE frame, ULPBYTE p, DWORD mac, DWORD left,
                                   HPROTOCOL prev, DWORD prevoff, DWORD_PTR inst)
{
    struct nm_att a = { f, p, nm_inst_len(inst, left), NM_INST_LEVEL(inst) };
    DWORD t;

    if (a.len < 4) return NULL;
    t = p[0];
    att(&a, &props[P_SUMMARY], 0, t >= 1 && t <= 4 ? 8 : a.len, 0);
    att(&a, &props[P_TYPE], 0, 1, 1);
    att(&a, &props[P_CODE], 1, 1, 1);
    att(&a, &props[P_CHECKSUM], 2, 2, 1);
    if (t == 128 || t == 129) {
        att(&a, &props[P_ID], 4, 2, 1);
        att(&a, &props[P_SEQ], 6, 2, 1);
    } else if (t == 2) {
        att(&a, &props[P_MTU], 4, 4, 1);
    } else if (t == 4) {
        att(&a, &props[P_POINTER], 4, 4, 1);
    } else if (t == 135 || t == 136 || t == 137) {
        att(&a, &props[P_TARGET], 8, 16, 1);
    }
    if ((t < 1 || t > 4) && a.len > 8 && t != 135 && t != 136 && t != 137)
        att(&a, &props[P_DATA], 8, a.len - 8, 1);
    return NULL;
}

/* ---- texts (format.h) ---- */
static void icmpv6_summary(LPPROPERTYINST pi)
{
    DWORD len;
    const BYTE *d = nm_text_data(pi, &len);
    const char *name;

    if (len < 2) { FormatPropertyInstance(pi); return; }
    name = nm_text_label(&type_set, 1, d[0]);
    if (len >= 8 && (d[0] == 128 || d[0] == 129))
        nm_text(pi, "%s, Code %u, Identifier %lu, Sequence %lu", name ? name : "Echo", d[1],
                (unsigned long)rd16(d + 4), (unsigned long)rd16(d + 6));
    else if (name)
        nm_text(pi, "%s, Code %u", name, d[1]);
    else
        nm_text(pi, "Type %u, Code %u", d[0], d[1]);
}

static const struct nm_text_rule texts[] = { { &props[P_SUMMARY], icmpv6_summary } };

static DWORD WINAPI icmpv6_format(HFRAME f, ULPBYTE frame, ULPBYTE p, DWORD n, LPPROPERTYINST pi)
{
    return nm_text_format(texts, NM_COUNT(texts), n, pi);
}

static ENTRYPOINTS entry = { icmpv6_register, icmpv6_deregister, icmpv6_recognize, icmpv6_attach, icmpv6_format };

void nm_parser_icmpv6_create(void) { CreateProtocol((LPSTR)"ICMPV6", &entry, sizeof(entry)); }
