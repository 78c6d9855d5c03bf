/*
 * eth.c - ETHERNET: DIX (Ethernet II) and IEEE 802.3 with 802.2 LLC and SNAP.
 * Hands off by ethertype (DIX, SNAP); an 802.3 frame's Length cuts the padding off.
 */
#include "format.h"

enum { P_SUMMARY, P_DST, P_SRC, P_TYPE, P_LENGTH, P_DSAP, P_SSAP, P_CONTROL, P_OUI, P_SNAPTYPE };
static PROPERTYINFO props[] = {
    NM_SUMMARY("Ethernet frame summary"),
    NM_PROP("Destination Address", "Destination MAC address", PROP_TYPE_ETHERNET_ADDRESS, PROP_QUAL_NONE, NULL),
    NM_PROP("Source Address", "Source MAC address", PROP_TYPE_ETHERNET_ADDRESS, PROP_QUAL_NONE, NULL),
    NM_PROP("Ethernet Type", "Ethernet II type of the payload", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_LABELED_SET, &nm_set_ethertype),
    NM_PROP("Length", "IEEE 802.3 length of the payload", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_NONE, NULL),
    NM_PROP("DSAP", "802.2 LLC destination service access point", PROP_TYPE_BYTE, PROP_QUAL_NONE, NULL),
    NM_PROP("SSAP", "802.2 LLC source service access point", PROP_TYPE_BYTE, PROP_QUAL_NONE, NULL),
    NM_PROP("Control", "802.2 LLC control field", PROP_TYPE_BYTE, PROP_QUAL_NONE, NULL),
    NM_PROP("SNAP OUI", "SNAP organization code", PROP_TYPE_RAW_DATA, PROP_QUAL_NONE, NULL),
    NM_PROP("SNAP Type", "SNAP ethertype of the payload", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_LABELED_SET, &nm_set_ethertype),
};

static VOID WINAPI eth_register(HPROTOCOL h) { nm_register_props(h, props, NM_COUNT(props)); }
static VOID WINAPI eth_deregister(HPROTOCOL h) { DestroyPropertyDatabase(h); }

/* Where the payload starts (0: none), its ethertype, and whether it is SNAP. */
static DWORD eth_layout(const BYTE *p, DWORD left, DWORD *type, int *snap, DWORD *len)
{
    DWORD t;

    *snap = 0;
    *len = left;
    if (left < 14) return 0;
    t = rd16(p + 12);
    if (t >= 0x600) { *type = t; return 14; }
    if (t <= 1500 && 14 + t < left) *len = 14 + t;       /* 802.3 padding is not payload */
    *type = 0;
    if (*len >= 22 && p[14] == 0xaa && p[15] == 0xaa && p[16] == 0x03) {
        *snap = 1;
        *type = rd16(p + 20);
        return 22;
    }
    return 0;
}

static LPBYTE WINAPI eth_recognize(HFRAME f, ULPBYTE frame, ULPBYTE p, DWORD mac, DWORD left,
                                   HPROTOCOL prev, DWORD prevoff, LPDWORD status,
                                   LPHPROTOCOL next, PDWORD_PTR inst)
{
    DWORD type, len, hdr;
    int snap;

    if (left < 14) { *status = PROTOCOL_STATUS_NOT_RECOGNIZED; return p; }
    hdr = eth_layout(p, left, &type, &snap, &len);
    if (!hdr || !(*next = nm_ethertype_next(type))) { *status = PROTOCOL_STATUS_CLAIMED; return NULL; }
    *inst = NM_INST(0, len - hdr);
    *status = PROTOCOL_STATUS_NEXT_PROTOCOL;
    return p + hdr;
}

static LPBYTE WINAPI eth_attach(HFRAME f, ULPBYTE frame, ULPBYTE p, DWORD mac, DWORD left,
                                HPROTOCOL prev, DWORD prevoff, DWORD_PTR inst)
{
    struct nm_att a = { f, p, left, NM_INST_LEVEL(inst) };
    DWORD type, len, hdr;
    int snap;

    hdr = eth_layout(p, left, &type, &snap, &len);
    att(&a, &props[P_SUMMARY], 0, hdr ? hdr : (left < 14 ? left : 14), 0);
    att(&a, &props[P_DST], 0, 6, 1);
    att(&a, &props[P_SRC], 6, 6, 1);
    if (left >= 14 && rd16(p + 12) >= 0x600) {
        att(&a, &props[P_TYPE], 12, 2, 1);
    } else {
        att(&a, &props[P_LENGTH], 12, 2, 1);
        a.len = len;
        att(&a, &props[P_DSAP], 14, 1, 1);
        att(&a, &props[P_SSAP], 15, 1, 1);
        att(&a, &props[P_CONTROL], 16, 1, 1);
        if (snap) {
            att(&a, &props[P_OUI], 17, 3, 1);
            att(&a, &props[P_SNAPTYPE], 20, 2, 1);
        }
    }
    return NULL;
}

/* ---- texts (format.h) ---- */
static void eth_summary(LPPROPERTYINST pi)
{
    DWORD len, t;
    const BYTE *d = nm_text_data(pi, &len);
    const char *name;
    char s[18], m[18];

    if (len < 14) { FormatPropertyInstance(pi); return; }
    t = rd16(d + 12);
    if (t < 0x600) {
        nm_text(pi, "802.3, %s -> %s, Length %lu", nm_text_mac(s, d + 6), nm_text_mac(m, d), (unsigned long)t);
        return;
    }
    name = nm_text_label(&nm_set_ethertype, 2, t);
    nm_text(pi, "Ethernet II, %s -> %s, Type 0x%04lX%s%s%s", nm_text_mac(s, d + 6), nm_text_mac(m, d),
            (unsigned long)t, name ? " (" : "", name ? name : "", name ? ")" : "");
}

static const struct nm_text_rule texts[] = {
    { &props[P_SUMMARY], eth_summary }, { &props[P_TYPE], nm_text_ethertype },
    { &props[P_SNAPTYPE], nm_text_ethertype },
};

static DWORD WINAPI eth_format(HFRAME f, ULPBYTE frame, ULPBYTE p, DWORD n, LPPROPERTYINST pi)
{
    return nm_text_format(texts, NM_COUNT(texts), n, pi);
}

static ENTRYPOINTS entry = { eth_register, eth_deregister, eth_recognize, eth_attach, eth_format };

void nm_parser_eth_create(void) { CreateProtocol((LPSTR)"ETHERNET", &entry, sizeof(entry)); }
