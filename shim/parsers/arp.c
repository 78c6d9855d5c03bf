/*
 * arp.c - ARP_RARP: ARP and RARP (RFC 826, 903). Addresses are typed only when their
 * lengths say Ethernet (6) and IPv4 (4); other lengths are attached as raw data.
 */
#include "format.h"

enum { P_SUMMARY, P_HTYPE, P_PTYPE, P_HLEN, P_PLEN, P_OPCODE, P_SHA, P_SPA, P_THA, P_TPA,
       P_SHA_RAW, P_SPA_RAW, P_THA_RAW, P_TPA_RAW };
static LABELED_WORD opcodes[] = {
    { 1, (LPSTR)"Request" }, { 2, (LPSTR)"Reply" }, { 3, (LPSTR)"RARP Request" },
    { 4, (LPSTR)"RARP Reply" }, { 8, (LPSTR)"InARP Request" }, { 9, (LPSTR)"InARP Reply" },
};
static SET opcode_set = { NM_COUNT(opcodes), { opcodes } };
static PROPERTYINFO props[] = {
    NM_SUMMARY("ARP/RARP summary"),
    NM_PROP("Hardware Type", "Hardware address space", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_NONE, NULL),
    NM_PROP("Protocol Type", "Protocol address space (an ethertype)", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_LABELED_SET, &nm_set_ethertype),
    NM_PROP("Hardware Address Length", "Bytes in a hardware address", PROP_TYPE_BYTE, PROP_QUAL_NONE, NULL),
    NM_PROP("Protocol Address Length", "Bytes in a protocol address", PROP_TYPE_BYTE, PROP_QUAL_NONE, NULL),
    NM_PROP("Opcode", "ARP/RARP operation", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_LABELED_SET, &opcode_set),
    NM_PROP("Sender's Hardware Address", "Sender's MAC address", PROP_TYPE_ETHERNET_ADDRESS, PROP_QUAL_NONE, NULL),
    NM_PROP("Sender's Protocol Address", "Sender's IP address", PROP_TYPE_IP_ADDRESS, PROP_QUAL_NONE, NULL),
    NM_PROP("Target's Hardware Address", "Target's MAC address", PROP_TYPE_ETHERNET_ADDRESS, PROP_QUAL_NONE, NULL),
    NM_PROP("Target's Protocol Address", "Target's IP address", PROP_TYPE_IP_ADDRESS, PROP_QUAL_NONE, NULL),
    NM_PROP("Sender's Hardware Address (raw)", "Sender's hardware address, not Ethernet", PROP_TYPE_RAW_DATA, PROP_QUAL_NONE, NULL),
    NM_PROP("Sender's Protocol Address (raw)", "Sender's protocol address, not IPv4", PROP_TYPE_RAW_DATA, PROP_QUAL_NONE, NULL),
    NM_PROP("Target's Hardware Address (raw)", "Target's hardware address, not Ethernet", PROP_TYPE_RAW_DATA, PROP_QUAL_NONE, NULL),
    NM_PROP("Target's Protocol Address (raw)", "Target's protocol address, not IPv4", PROP_TYPE_RAW_DATA, PROP_QUAL_NONE, NULL),
};

static VOID WINAPI arp_register(HPROTOCOL h) { nm_register_props(h, props, NM_COUNT(props)); }
static VOID WINAPI arp_deregister(HPROTOCOL h) { DestroyPropertyDatabase(h); }

static LPBYTE WINAPI arp_recognize(HFRAME f, ULPBYTE frame, ULPBYTE p, DWORD mac, DWORD left,
                                   HPROTOCOL prev, DWORD prevoff, LPDWORD status,
                                   LPHPROTOCOL next, PDWORD_PTR inst)
{
    if (nm_inst_len(*inst, left) < 8) { *status = PROTOCOL_STATUS_NOT_RECOGNIZED; return p; }
    *status = PROTOCOL_STATUS_CLAIMED;
    return NULL;
}

static LPBYTE WINAPI arp_attach(HFRAME f, ULPBYTE frame, ULPBYTE p, DWORD mac, DWORD left,
                                HPROTOCOL prev, DWORD prevoff, DWORD_PTR inst)
{
    struct nm_att a = { f, p, nm_inst_len(inst, left), NM_INST_LEVEL(inst) };
    DWORD hl, pl, end;

    if (a.len < 8) return NULL;
    hl = p[4];
    pl = p[5];
    end = 8 + 2 * (hl + pl);
    att(&a, &props[P_SUMMARY], 0, end < a.len ? end : a.len, 0);
    att(&a, &props[P_HTYPE], 0, 2, 1);
    att(&a, &props[P_PTYPE], 2, 2, 1);
    att(&a, &props[P_HLEN], 4, 1, 1);
    att(&a, &props[P_PLEN], 5, 1, 1);
    att(&a, &props[P_OPCODE], 6, 2, 1);
    att(&a, &props[hl == 6 ? P_SHA : P_SHA_RAW], 8, hl, 1);
    att(&a, &props[pl == 4 ? P_SPA : P_SPA_RAW], 8 + hl, pl, 1);
    att(&a, &props[hl == 6 ? P_THA : P_THA_RAW], 8 + hl + pl, hl, 1);
    att(&a, &props[pl == 4 ? P_TPA : P_TPA_RAW], 8 + 2 * hl + pl, pl, 1);
    return NULL;
}

/* ---- texts (format.h) ---- */
static void arp_summary(LPPROPERTYINST pi)
{
    DWORD len, op;
    const BYTE *d = nm_text_data(pi, &len);
    char a[18], b[16], c[16];

    if (len < 8) { FormatPropertyInstance(pi); return; }
    op = rd16(d + 6);
    if (len >= 28 && d[4] == 6 && d[5] == 4 && (op == 1 || op == 3)) {
        nm_text(pi, "%s: who has %s? Tell %s", op == 1 ? "Request" : "RARP request",
                nm_text_ip(b, d + 24), nm_text_ip(c, d + 14));
    } else if (len >= 28 && d[4] == 6 && d[5] == 4 && (op == 2 || op == 4)) {
        nm_text(pi, "%s: %s is at %s", op == 2 ? "Reply" : "RARP reply",
                nm_text_ip(b, d + 14), nm_text_mac(a, d + 8));
    } else {
        const char *name = nm_text_label(&opcode_set, 2, op);
        nm_text(pi, "Opcode %lu%s%s%s", (unsigned long)op, name ? " (" : "", name ? name : "", name ? ")" : "");
    }
}

static const struct nm_text_rule texts[] = {
    { &props[P_SUMMARY], arp_summary }, { &props[P_PTYPE], nm_text_ethertype },
};

static DWORD WINAPI arp_format(HFRAME f, ULPBYTE frame, ULPBYTE p, DWORD n, LPPROPERTYINST pi)
{
    return nm_text_format(texts, NM_COUNT(texts), n, pi);
}

static ENTRYPOINTS entry = { arp_register, arp_deregister, arp_recognize, arp_attach, arp_format };

void nm_parser_arp_create(void) { CreateProtocol((LPSTR)"ARP_RARP", &entry, sizeof(entry)); }
