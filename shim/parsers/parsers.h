/*
 * parsers.h - the built-in parsers, one file per protocol, each written against NetMon's
 * parser contract (ENTRYPOINTS; CreatePropertyDatabase, AddProperty, AttachPropertyInstance
 * [Ex]) exactly as a legacy parser DLL is. nm_parsers_create calls CreateProtocol for each.
 */
#ifndef NM_PARSERS_H
#define NM_PARSERS_H

void nm_parsers_create(void);

void nm_parser_eth_create(void);
void nm_parser_vlan_create(void);
void nm_parser_sll_create(void);
void nm_parser_null_create(void);
void nm_parser_arp_create(void);
void nm_parser_ip_create(void);
void nm_parser_ipv6_create(void);
void nm_parser_icmp_create(void);
void nm_parser_icmpv6_create(void);
void nm_parser_tcp_create(void);
void nm_parser_udp_create(void);
void nm_parser_dns_create(void);

#endif /* NM_PARSERS_H */
