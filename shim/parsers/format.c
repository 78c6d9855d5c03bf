/*
 * format.c - what the built-in parsers' texts share (format.h): the FormatProperties
 * loop, a bounded writer, port names and ethertype text.
 */
#include <stdarg.h>
#include <stdio.h>
#include "format.h"
#include "../propfmt.h"

static const struct { WORD port; const char *name; } ports[] = {
    { 7, "Echo" }, { 20, "FTP data" }, { 21, "FTP" }, { 22, "SSH" }, { 23, "Telnet" },
    { 25, "SMTP" }, { 53, "DNS" }, { 67, "DHCP server" }, { 68, "DHCP client" },
    { 69, "TFTP" }, { 80, "HTTP" }, { 88, "Kerberos" }, { 110, "POP3" }, { 111, "RPC" },
    { 119, "NNTP" }, { 123, "NTP" }, { 135, "MSRPC" }, { 137, "NetBIOS name" },
    { 138, "NetBIOS datagram" }, { 139, "NetBIOS session" }, { 143, "IMAP" },
    { 161, "SNMP" }, { 162, "SNMP trap" }, { 179, "BGP" }, { 389, "LDAP" },
    { 443, "HTTPS" }, { 445, "SMB" }, { 500, "ISAKMP" }, { 514, "Syslog" }, { 515, "LPR" },
    { 520, "RIP" }, { 546, "DHCPv6 client" }, { 547, "DHCPv6 server" }, { 587, "Submission" },
    { 636, "LDAPS" }, { 853, "DNS over TLS" }, { 993, "IMAPS" }, { 995, "POP3S" },
    { 1433, "MS SQL" }, { 1723, "PPTP" }, { 1812, "RADIUS" }, { 1900, "SSDP" },
    { 3268, "Global Catalog" }, { 3389, "RDP" }, { 4500, "IPsec NAT-T" }, { 5060, "SIP" },
    { 5353, "mDNS" }, { 5355, "LLMNR" }, { 8080, "HTTP alternate" },
};

const char *nm_port_name(DWORD port)
{
    size_t i;

    for (i = 0; i < NM_COUNT(ports); i++)
        if (ports[i].port == port) return ports[i].name;
    return NULL;
}

const char *nm_text_label(const SET *set, int width, DWORD v)
{
    DWORD i;

    if (!set) return NULL;
    for (i = 0; i < set->nEntries; i++) {
        if (width == 1 && set->lpLabeledByteTable[i].Value == v) return set->lpLabeledByteTable[i].Label;
        if (width == 2 && set->lpLabeledWordTable[i].Value == v) return set->lpLabeledWordTable[i].Label;
    }
    return NULL;
}

const BYTE *nm_text_data(LPPROPERTYINST pi, DWORD *len)
{
    if (pi->DataLength == 0xffff) {
        *len = pi->lpPropertyInstEx ? pi->lpPropertyInstEx->LengthEx : 0;
        return *len ? pi->lpPropertyInstEx->Byte : NULL;
    }
    *len = pi->DataLength;
    return pi->lpByte;
}

void nm_text(LPPROPERTYINST pi, const char *fmt, ...)
{
    size_t cap = nm_fmt_capacity(pi->lpPropertyInfo);
    int n;
    va_list ap;

    if (!pi->szPropertyText) return;
    n = snprintf(pi->szPropertyText, cap, "%s = ", pi->lpPropertyInfo->Label);
    if (n < 0 || (size_t)n >= cap) return;
    va_start(ap, fmt);
    vsnprintf(pi->szPropertyText + n, cap - (size_t)n, fmt, ap);
    va_end(ap);
}

const char *nm_text_mac(char *out, const BYTE *d)
{
    snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", d[0], d[1], d[2], d[3], d[4], d[5]);
    return out;
}

const char *nm_text_ip(char *out, const BYTE *d)
{
    snprintf(out, 16, "%u.%u.%u.%u", d[0], d[1], d[2], d[3]);
    return out;
}

const char *nm_text_ip6(char *out, const BYTE *d)
{
    nm_fmt_ip6(out, 46, d);
    return out;
}

const char *nm_text_portname(char *out, DWORD port)
{
    const char *name = nm_port_name(port);

    if (name) snprintf(out, 40, "%lu (%s)", (unsigned long)port, name);
    else snprintf(out, 40, "%lu", (unsigned long)port);
    return out;
}

void nm_text_port(LPPROPERTYINST pi)
{
    DWORD len;
    const BYTE *d = nm_text_data(pi, &len);
    const char *name;

    if (len < 2) { FormatPropertyInstance(pi); return; }
    name = nm_port_name(rd16(d));
    if (name) nm_text(pi, "%lu (%s)", (unsigned long)rd16(d), name);
    else nm_text(pi, "%lu", (unsigned long)rd16(d));
}

void nm_text_ethertype(LPPROPERTYINST pi)
{
    DWORD len;
    const BYTE *d = nm_text_data(pi, &len);
    const char *name;

    if (len < 2) { FormatPropertyInstance(pi); return; }
    name = nm_text_label(&nm_set_ethertype, 2, rd16(d));
    if (name) nm_text(pi, "0x%04lX (%s)", (unsigned long)rd16(d), name);
    else nm_text(pi, "0x%04lX", (unsigned long)rd16(d));
}

DWORD nm_text_format(const struct nm_text_rule *rules, size_t nrules, DWORD n, LPPROPERTYINST pis)
{
    DWORD i;
    size_t r;

    for (i = 0; pis && i < n; i++) {
        LPPROPERTYINST pi = &pis[i];
        if (!pi->lpPropertyInfo) continue;
        for (r = 0; r < nrules; r++)
            if (rules[r].prop->hProperty == pi->lpPropertyInfo->hProperty) break;
        if (r < nrules) rules[r].fn(pi);
        else FormatPropertyInstance(pi);
    }
    return NMERR_SUCCESS;
}
