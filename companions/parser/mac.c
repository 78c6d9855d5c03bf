/*
 * mac.c - parser.dll's MAC-header helpers and the protocol description table (parser.@).
 * Pure functions of the header bytes and the MAC type (netmon.h: MAC_TYPE_ETHERNET 1,
 * TOKENRING 2, FDDI 3); every byte read is checked readable first. Failure values: 0 for
 * the lengths, GetEtype and GetSaps, FALSE for IsLLCPresent, NULL for the descriptions.
 *
 *  - GetMacHeaderLength: Ethernet 14; Token Ring 14 + the routing information field when
 *    the source address says one follows (netmon.h's GetRoutingInfoLength); FDDI 13.
 *  - IsLLCPresent: Ethernet with a type/length field <= 1500 (802.3); Token Ring and FDDI
 *    LLC frames by their frame control (TOKENRING_TYPE_LLC, FDDI_TYPE_LLC).
 *  - GetEtype: the Ethernet II type, or the SNAP type (LLC AA AA 03 + OUI) after an LLC
 *    header; 0 when the frame carries none.
 *  - GetSaps: the LLC's DSAP and SSAP as the WORD they form in memory (DSAP in the low
 *    byte, SSAP in the high byte); 0 without LLC.
 *  - GetLLCHeaderLength: 3 for an unnumbered (U) control field, 4 for I and S frames.
 *  - GetProtocolDescription(Table): a LABELED_WORD table of ethertypes and what they carry
 *    (NetMon's "ETYPE = 0x0800 : Protocol = IP" lines); our table, ordered by value.
 */
#include "parser_private.h"

static LABELED_WORD descriptions[] = {
    { 0x0600, (LPSTR)"XNS: Xerox Network Systems" },
    { 0x0800, (LPSTR)"IP: Internet Protocol version 4" },
    { 0x0806, (LPSTR)"ARP: Address Resolution Protocol" },
    { 0x0842, (LPSTR)"Wake-on-LAN" },
    { 0x8035, (LPSTR)"RARP: Reverse Address Resolution Protocol" },
    { 0x809B, (LPSTR)"AppleTalk" },
    { 0x80F3, (LPSTR)"AARP: AppleTalk Address Resolution Protocol" },
    { 0x8100, (LPSTR)"VLAN: IEEE 802.1Q tag" },
    { 0x8137, (LPSTR)"IPX: Novell NetWare IPX" },
    { 0x86DD, (LPSTR)"IPV6: Internet Protocol version 6" },
    { 0x8808, (LPSTR)"Ethernet flow control" },
    { 0x8847, (LPSTR)"MPLS unicast" },
    { 0x8848, (LPSTR)"MPLS multicast" },
    { 0x8863, (LPSTR)"PPPoE discovery" },
    { 0x8864, (LPSTR)"PPPoE session" },
    { 0x888E, (LPSTR)"EAPOL: 802.1X authentication" },
    { 0x88A8, (LPSTR)"VLAN: IEEE 802.1ad service tag" },
    { 0x88CC, (LPSTR)"LLDP: Link Layer Discovery Protocol" },
    { 0x88F7, (LPSTR)"PTP: Precision Time Protocol" },
};

static const BYTE *header(LPVOID mac, DWORD n) { return nm_plib_readable(mac, n) ? mac : NULL; }

/* GetMacHeaderLength (parser.@) */
DWORD WINAPI GetMacHeaderLength(LPVOID MacHeader, DWORD MacType)
{
    const BYTE *h;

    switch (MacType) {
    case MAC_TYPE_ETHERNET: return header(MacHeader, 14) ? 14 : 0;
    case MAC_TYPE_FDDI: return header(MacHeader, 13) ? 13 : 0;
    case MAC_TYPE_TOKENRING:
        if (!(h = header(MacHeader, 14))) return 0;
        if (!(h[8] & TOKENRING_SA_ROUTING_INFO)) return 14;
        return header(MacHeader, 15) ? 14 + (h[14] & TOKENRING_RC_LENGTHMASK) : 0;
    default:
        PD_WARN("(%p, %lu): unknown MAC type\n", MacHeader, (unsigned long)MacType);
        return 0;
    }
}

/* The LLC after the MAC header, or NULL (no LLC, unreadable). */
static const BYTE *llc(LPVOID MacHeader, DWORD MacType)
{
    const BYTE *h;
    DWORD hl;

    switch (MacType) {
    case MAC_TYPE_ETHERNET:
        if (!(h = header(MacHeader, 14)) || ((DWORD)h[12] << 8 | h[13]) > 1500) return NULL;
        break;
    case MAC_TYPE_TOKENRING:
        if (!(h = header(MacHeader, 2)) || (h[1] & 0xc0) != TOKENRING_TYPE_LLC) return NULL;
        break;
    case MAC_TYPE_FDDI:
        if (!(h = header(MacHeader, 1)) || (h[0] & 0x30) != FDDI_TYPE_LLC) return NULL;
        break;
    default: return NULL;
    }
    if (!(hl = GetMacHeaderLength(MacHeader, MacType))) return NULL;
    return header((BYTE *)MacHeader + hl, 3);
}

/* IsLLCPresent (parser.@) */
WINBOOL WINAPI IsLLCPresent(LPVOID MacHeader, DWORD MacType)
{
    return llc(MacHeader, MacType) != NULL;
}

/* GetSaps (parser.@) */
DWORD WINAPI GetSaps(LPVOID MacHeader, DWORD MacType)
{
    const BYTE *l = llc(MacHeader, MacType);

    return l ? (DWORD)l[0] | (DWORD)l[1] << 8 : 0;
}

/* GetEtype (parser.@) */
DWORD WINAPI GetEtype(LPVOID MacHeader, DWORD MacType)
{
    const BYTE *h, *l;
    DWORD t;

    if (MacType == MAC_TYPE_ETHERNET && (h = header(MacHeader, 14)) &&
        (t = (DWORD)h[12] << 8 | h[13]) >= 0x600)
        return t;
    if (!(l = llc(MacHeader, MacType)) || l[0] != 0xaa || l[1] != 0xaa || l[2] != 0x03 ||
        !header((BYTE *)l, 8))
        return 0;
    return (DWORD)l[6] << 8 | l[7];
}

/* GetLLCHeaderLength (parser.@) */
DWORD WINAPI GetLLCHeaderLength(LPLLC Frame)
{
    const BYTE *l = header(Frame, 3);

    if (!l) { PD_WARN("(%p): unreadable\n", (void *)Frame); return 0; }
    return (l[2] & 3) == 3 ? 3 : 4;
}

/* GetProtocolDescriptionTable (parser.@): the table; *TableSize = its entries when
 * TableSize is writable. */
LPLABELED_WORD WINAPI GetProtocolDescriptionTable(LPDWORD TableSize)
{
    if (TableSize && nm_plib_writable(TableSize, sizeof(*TableSize)))
        *TableSize = sizeof(descriptions) / sizeof(descriptions[0]);
    return descriptions;
}

/* GetProtocolDescription (parser.@): the entry of ProtocolID (an ethertype), or NULL. */
LPLABELED_WORD WINAPI GetProtocolDescription(DWORD ProtocolID)
{
    size_t i;

    for (i = 0; i < sizeof(descriptions) / sizeof(descriptions[0]); i++)
        if (descriptions[i].Value == ProtocolID) return &descriptions[i];
    return NULL;
}
