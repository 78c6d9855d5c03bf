/*
 * vlan.c - VLAN: IEEE 802.1Q tags, stacked (QinQ: 0x88a8, 0x9100, 0x8100 again) by handing
 * off to VLAN once per tag.
 */
#include "format.h"

enum { P_SUMMARY, P_PRIORITY, P_DEI, P_ID, P_TYPE, P_LENGTH };
static PROPERTYINFO props[] = {
    NM_SUMMARY("802.1Q tag summary"),
    NM_PROP("Priority", "802.1p priority (3 bits)", PROP_TYPE_BYTE, PROP_QUAL_NONE, NULL),
    NM_PROP("Drop Eligible", "Drop eligible indicator (1 bit)", PROP_TYPE_BYTE, PROP_QUAL_NONE, NULL),
    NM_PROP("Identifier", "VLAN identifier (12 bits)", PROP_TYPE_WORD, PROP_QUAL_NONE, NULL),
    NM_PROP("Ethernet Type", "Ethernet type of the payload", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_LABELED_SET, &nm_set_ethertype),
    NM_PROP("Length", "IEEE 802.3 length of the payload", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_NONE, NULL),
};

static VOID WINAPI vlan_register(HPROTOCOL h) { nm_register_props(h, props, NM_COUNT(props)); }
static VOID WINAPI vlan_deregister(HPROTOCOL h) { DestroyPropertyDatabase(h); }

static LPBYTE WINAPI vlan_recognize(HFRAME f, ULPBYTE frame, ULPBYTE p, DWORD mac, DWORD left,
                                    HPROTOCOL prev, DWORD prevoff, LPDWORD status,
                                    LPHPROTOCOL next, PDWORD_PTR inst)
{
    DWORD len = nm_inst_len(*inst, left);

    if (len < 4) { *status = PROTOCOL_STATUS_NOT_RECOGNIZED; return p; }
    if (!(*next = nm_ethertype_next(rd16(p + 2)))) { *status = PROTOCOL_STATUS_CLAIMED; return NULL; }
    *inst = NM_INST(0, len - 4);
    *status = PROTOCOL_STATUS_NEXT_PROTOCOL;
    return p + 4;
}

static LPBYTE WINAPI vlan_attach(HFRAME f, ULPBYTE frame, ULPBYTE p, DWORD mac, DWORD left,
                                 HPROTOCOL prev, DWORD prevoff, DWORD_PTR inst)
{
    struct nm_att a = { f, p, nm_inst_len(inst, left), NM_INST_LEVEL(inst) };

    if (a.len < 4) return NULL;
    att(&a, &props[P_SUMMARY], 0, 4, 0);
    att_byte(&a, &props[P_PRIORITY], 0, 1, (BYTE)(p[0] >> 5), 1);
    att_byte(&a, &props[P_DEI], 0, 1, (BYTE)((p[0] >> 4) & 1), 1);
    att_word(&a, &props[P_ID], 0, 2, (WORD)(rd16(p) & 0xfff), 1);
    att(&a, &props[rd16(p + 2) >= 0x600 ? P_TYPE : P_LENGTH], 2, 2, 1);
    return NULL;
}

/* ---- texts (format.h) ---- */
static void vlan_summary(LPPROPERTYINST pi)
{
    DWORD len, t;
    const BYTE *d = nm_text_data(pi, &len);
    const char *name;

    if (len < 4) { FormatPropertyInstance(pi); return; }
    t = rd16(d + 2);
    name = nm_text_label(&nm_set_ethertype, 2, t);
    nm_text(pi, "VLAN %lu, Priority %lu, Type 0x%04lX%s%s%s", (unsigned long)(rd16(d) & 0xfff),
            (unsigned long)(d[0] >> 5), (unsigned long)t, name ? " (" : "", name ? name : "", name ? ")" : "");
}

static const struct nm_text_rule texts[] = {
    { &props[P_SUMMARY], vlan_summary }, { &props[P_TYPE], nm_text_ethertype },
};

static DWORD WINAPI vlan_format(HFRAME f, ULPBYTE frame, ULPBYTE p, DWORD n, LPPROPERTYINST pi)
{
    return nm_text_format(texts, NM_COUNT(texts), n, pi);
}

static ENTRYPOINTS entry = { vlan_register, vlan_deregister, vlan_recognize, vlan_attach, vlan_format };

void nm_parser_vlan_create(void) { CreateProtocol((LPSTR)"VLAN", &entry, sizeof(entry)); }
