/*
 * format.h - the built-in parsers' property texts (issue 13 §3): each parser's
 * FormatProperties runs its rules (custom texts: summaries, ports, ethertypes) and hands
 * every other instance to the generic formatter, FormatPropertyInstance (propfmt.h has
 * its texts). The instances come from the engine, so their data pointers are the frame's
 * own; every read is still bounded by the instance's DataLength.
 */
#ifndef NM_PARSERS_FORMAT_H
#define NM_PARSERS_FORMAT_H

#include <stdio.h>
#include "builtin.h"

/* A summary property with room for a one-line summary text (FormatStringSize 256). */
#define NM_SUMMARY(comment) \
    { 0, 0, (LPSTR)"Summary", (LPSTR)(comment), PROP_TYPE_SUMMARY, PROP_QUAL_NONE, { NULL }, 256, NULL }

/* A property and its text writer. */
struct nm_text_rule {
    const PROPERTYINFO *prop;
    void (*fn)(LPPROPERTYINST pi);
};

/* The body of a built-in FormatProperties: each of the n instances by its rule, else
 * generic. Returns NMERR_SUCCESS. */
DWORD nm_text_format(const struct nm_text_rule *rules, size_t nrules, DWORD n, LPPROPERTYINST pis);

/* Writes "Label = " and the printf text into szPropertyText, within its capacity
 * (FormatStringSize, 80 when 0). */
void nm_text(LPPROPERTYINST pi, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The instance's bytes (frame bytes, or an extended instance's copy) and their length. */
const BYTE *nm_text_data(LPPROPERTYINST pi, DWORD *len);
/* Label of v in a built-in labelled set of BYTEs (width 1) or WORDs (width 2), or NULL. */
const char *nm_text_label(const SET *set, int width, DWORD v);
/* Well-known TCP/UDP port names (IANA service names), NULL when none. */
const char *nm_port_name(DWORD port);

/* "00:11:22:33:44:55" of 6 bytes; "192.0.2.1" of 4; "2001:db8::1" of 16 (out >= 46). */
const char *nm_text_mac(char *out, const BYTE *d);
const char *nm_text_ip(char *out, const BYTE *d);
const char *nm_text_ip6(char *out, const BYTE *d);
/* "53 (DNS)" or "54321" into out (>= 40 bytes). */
const char *nm_text_portname(char *out, DWORD port);

/* Shared writers: "Source Port = 53 (DNS)", "Ethernet Type = 0x0800 (IP)". */
void nm_text_port(LPPROPERTYINST pi);
void nm_text_ethertype(LPPROPERTYINST pi);

#endif /* NM_PARSERS_FORMAT_H */
