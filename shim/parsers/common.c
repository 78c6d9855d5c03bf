/*
 * common.c - what the built-in parsers share: the label sets of ethertypes and IP
 * protocol numbers, the hand-off lookups, and the list of built-in protocols.
 */
#include "builtin.h"

static LABELED_WORD ethertypes[] = {
    { 0x0800, (LPSTR)"IP" }, { 0x0806, (LPSTR)"ARP" }, { 0x0842, (LPSTR)"Wake-on-LAN" },
    { 0x8035, (LPSTR)"RARP" }, { 0x809b, (LPSTR)"AppleTalk" }, { 0x80f3, (LPSTR)"AppleTalk ARP" },
    { 0x8100, (LPSTR)"VLAN" }, { 0x8137, (LPSTR)"IPX" }, { 0x86dd, (LPSTR)"IPv6" },
    { 0x8808, (LPSTR)"Ethernet flow control" }, { 0x8809, (LPSTR)"Slow protocols" },
    { 0x8847, (LPSTR)"MPLS unicast" }, { 0x8848, (LPSTR)"MPLS multicast" },
    { 0x8863, (LPSTR)"PPPoE discovery" }, { 0x8864, (LPSTR)"PPPoE session" },
    { 0x888e, (LPSTR)"EAPOL" }, { 0x88a8, (LPSTR)"VLAN (QinQ)" }, { 0x88cc, (LPSTR)"LLDP" },
    { 0x88e5, (LPSTR)"MACsec" }, { 0x88f7, (LPSTR)"PTP" }, { 0x9000, (LPSTR)"Loopback" },
    { 0x9100, (LPSTR)"VLAN (QinQ, old)" },
};
SET nm_set_ethertype = { NM_COUNT(ethertypes), { ethertypes } };

static LABELED_BYTE ipprotos[] = {
    { 0, (LPSTR)"IPv6 Hop-by-Hop" }, { 1, (LPSTR)"ICMP" }, { 2, (LPSTR)"IGMP" },
    { 4, (LPSTR)"IP in IP" }, { 6, (LPSTR)"TCP" }, { 8, (LPSTR)"EGP" }, { 17, (LPSTR)"UDP" },
    { 41, (LPSTR)"IPv6" }, { 43, (LPSTR)"IPv6 Routing" }, { 44, (LPSTR)"IPv6 Fragment" },
    { 47, (LPSTR)"GRE" }, { 50, (LPSTR)"ESP" }, { 51, (LPSTR)"AH" }, { 58, (LPSTR)"ICMPv6" },
    { 59, (LPSTR)"IPv6 No Next Header" }, { 60, (LPSTR)"IPv6 Destination Options" },
    { 89, (LPSTR)"OSPF" }, { 103, (LPSTR)"PIM" }, { 112, (LPSTR)"VRRP" }, { 132, (LPSTR)"SCTP" },
};
SET nm_set_ipproto = { NM_COUNT(ipprotos), { ipprotos } };

HPROTOCOL nm_ethertype_next(DWORD type)
{
    switch (type) {
    case 0x0800: return nm_engine_builtin("IP");
    case 0x86dd: return nm_engine_builtin("IPV6");
    case 0x0806: case 0x8035: return nm_engine_builtin("ARP_RARP");
    case 0x8100: case 0x88a8: case 0x9100: return nm_engine_builtin("VLAN");
    default: return NULL;
    }
}

HPROTOCOL nm_ipproto_next(DWORD proto)
{
    switch (proto) {
    case 1: return nm_engine_builtin("ICMP");
    case 4: return nm_engine_builtin("IP");
    case 6: return nm_engine_builtin("TCP");
    case 17: return nm_engine_builtin("UDP");
    case 41: return nm_engine_builtin("IPV6");
    case 58: return nm_engine_builtin("ICMPV6");
    default: return NULL;
    }
}

void nm_parsers_create(void)
{
    nm_parser_eth_create();
    nm_parser_vlan_create();
    nm_parser_sll_create();
    nm_parser_null_create();
    nm_parser_arp_create();
    nm_parser_ip_create();
    nm_parser_ipv6_create();
    nm_parser_icmp_create();
    nm_parser_icmpv6_create();
    nm_parser_tcp_create();
    nm_parser_udp_create();
    nm_parser_dns_create();
}
