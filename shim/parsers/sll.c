/*
 * sll.c - SLL: the Linux "cooked" capture header (pcap LINKTYPE_LINUX_SLL), 16 bytes,
 * handing off by its protocol field (an ethertype).
 */
#include "format.h"

enum { P_SUMMARY, P_PKTTYPE, P_HATYPE, P_ADDRLEN, P_ADDR, P_PROTOCOL };
static LABELED_WORD pkttypes[] = {
    { 0, (LPSTR)"Unicast to us" }, { 1, (LPSTR)"Broadcast" }, { 2, (LPSTR)"Multicast" },
    { 3, (LPSTR)"Unicast to another host" }, { 4, (LPSTR)"Sent by us" },
};
static SET pkttype_set = { NM_COUNT(pkttypes), { pkttypes } };
static PROPERTYINFO props[] = {
    NM_SUMMARY("Linux cooked capture header"),
    NM_PROP("Packet Type", "Direction of the packet", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_LABELED_SET, &pkttype_set),
    NM_PROP("Address Type", "ARPHRD_ type of the link", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_NONE, NULL),
    NM_PROP("Address Length", "Link-layer address length", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_NONE, NULL),
    NM_PROP("Source Address", "Link-layer source address", PROP_TYPE_RAW_DATA, PROP_QUAL_NONE, NULL),
    NM_PROP("Protocol", "Ethernet type of the payload", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_LABELED_SET, &nm_set_ethertype),
};

static VOID WINAPI sll_register(HPROTOCOL h) { nm_register_props(h, props, NM_COUNT(props)); }
static VOID WINAPI sll_deregister(HPROTOCOL h) { DestroyPropertyDatabase(h); }

static LPBYTE WINAPI sll_recognize(HFRAME f, ULPBYTE frame, ULPBYTE p, DWORD mac, DWORD left,
                                   HPROTOCOL prev, DWORD prevoff, LPDWORD status,
                                   LPHPROTOCOL next, PDWORD_PTR inst)
{
    if (left < 16) { *status = PROTOCOL_STATUS_NOT_RECOGNIZED; return p; }
    if (!(*next = nm_ethertype_next(rd16(p + 14)))) { *status = PROTOCOL_STATUS_CLAIMED; return NULL; }
    *inst = NM_INST(0, left - 16);
    *status = PROTOCOL_STATUS_NEXT_PROTOCOL;
    return p + 16;
}

static LPBYTE WINAPI sll_attach(HFRAME f, ULPBYTE frame, ULPBYTE p, DWORD mac, DWORD left,
                                HPROTOCOL prev, DWORD prevoff, DWORD_PTR inst)
{
    struct nm_att a = { f, p, left, NM_INST_LEVEL(inst) };
    DWORD alen;

    if (left < 16) return NULL;
    alen = rd16(p + 4);
    att(&a, &props[P_SUMMARY], 0, 16, 0);
    att(&a, &props[P_PKTTYPE], 0, 2, 1);
    att(&a, &props[P_HATYPE], 2, 2, 1);
    att(&a, &props[P_ADDRLEN], 4, 2, 1);
    att(&a, &props[P_ADDR], 6, alen < 8 ? alen : 8, 1);
    att(&a, &props[P_PROTOCOL], 14, 2, 1);
    return NULL;
}

/* ---- texts (format.h) ---- */
static void sll_summary(LPPROPERTYINST pi)
{
    DWORD len, t;
    const BYTE *d = nm_text_data(pi, &len);
    const char *dir, *name;

    if (len < 16) { FormatPropertyInstance(pi); return; }
    dir = nm_text_label(&pkttype_set, 2, rd16(d));
    t = rd16(d + 14);
    name = nm_text_label(&nm_set_ethertype, 2, t);
    nm_text(pi, "%s, Protocol 0x%04lX%s%s%s", dir ? dir : "Unknown direction", (unsigned long)t,
            name ? " (" : "", name ? name : "", name ? ")" : "");
}

static const struct nm_text_rule texts[] = {
    { &props[P_SUMMARY], sll_summary }, { &props[P_PROTOCOL], nm_text_ethertype },
};

static DWORD WINAPI sll_format(HFRAME f, ULPBYTE frame, ULPBYTE p, DWORD n, LPPROPERTYINST pi)
{
    return nm_text_format(texts, NM_COUNT(texts), n, pi);
}

static ENTRYPOINTS entry = { sll_register, sll_deregister, sll_recognize, sll_attach, sll_format };

void nm_parser_sll_create(void) { CreateProtocol((LPSTR)"SLL", &entry, sizeof(entry)); }
