/*
 * vlan.c - VLAN: IEEE 802.1Q tags, stacked (QinQ: 0x88a8, 0x9100, 0x8100 again) by handing
 * off to VLAN once per tag.
 */
#include "builtin.h"

enum { P_SUMMARY, P_PRIORITY, P_DEI, P_ID, P_TYPE, P_LENGTH };
static PROPERTYINFO props[] = {
    NM_PROP("Summary", "802.1Q tag summary", PROP_TYPE_SUMMARY, PROP_QUAL_NONE, NULL),
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

static ENTRYPOINTS entry = { vlan_register, vlan_deregister, vlan_recognize, vlan_attach, NULL };

void nm_parser_vlan_create(void) { CreateProtocol((LPSTR)"VLAN", &entry, sizeof(entry)); }
