/*
 * dns.c - DNS (RFC 1035) over UDP (53, and mDNS/LLMNR's 5353/5355) and TCP (53, after
 * the 2-byte length). The header and every question; names are decoded to dotted
 * strings (attached as a copy, PROP_TYPE_STRING), following compression pointers at most
 * NM_DNS_MAX_HOPS times and never past NM_DNS_MAX_NAME characters, so a pointer loop or
 * a name running off the end ends the decoding, never the reader.
 */
#include "format.h"

#define NM_DNS_MAX_HOPS 32
#define NM_DNS_MAX_NAME 1024

enum { P_SUMMARY, P_TCPLEN, P_ID, P_FLAGS, P_OPCODE, P_RCODE, P_QDCOUNT, P_ANCOUNT, P_NSCOUNT,
       P_ARCOUNT, P_QNAME, P_QTYPE, P_QCLASS };
static LABELED_BIT flag_bits[] = {
    { 15, (LPSTR)"Query", (LPSTR)"Response" },
    { 10, (LPSTR)"Not authoritative", (LPSTR)"Authoritative answer" },
    { 9, (LPSTR)"Not truncated", (LPSTR)"Truncated" },
    { 8, (LPSTR)"Recursion not desired", (LPSTR)"Recursion desired" },
    { 7, (LPSTR)"Recursion not available", (LPSTR)"Recursion available" },
    { 5, (LPSTR)"Answer not authenticated", (LPSTR)"Answer authenticated" },
    { 4, (LPSTR)"Checking enabled", (LPSTR)"Checking disabled" },
};
static SET flag_set = { NM_COUNT(flag_bits), { flag_bits } };
static LABELED_BYTE opcodes[] = {
    { 0, (LPSTR)"Standard query" }, { 1, (LPSTR)"Inverse query" }, { 2, (LPSTR)"Server status" },
    { 4, (LPSTR)"Notify" }, { 5, (LPSTR)"Update" },
};
static SET opcode_set = { NM_COUNT(opcodes), { opcodes } };
static LABELED_BYTE rcodes[] = {
    { 0, (LPSTR)"No error" }, { 1, (LPSTR)"Format error" }, { 2, (LPSTR)"Server failure" },
    { 3, (LPSTR)"No such name" }, { 4, (LPSTR)"Not implemented" }, { 5, (LPSTR)"Refused" },
};
static SET rcode_set = { NM_COUNT(rcodes), { rcodes } };
static LABELED_WORD qtypes[] = {
    { 1, (LPSTR)"A" }, { 2, (LPSTR)"NS" }, { 5, (LPSTR)"CNAME" }, { 6, (LPSTR)"SOA" },
    { 12, (LPSTR)"PTR" }, { 13, (LPSTR)"HINFO" }, { 15, (LPSTR)"MX" }, { 16, (LPSTR)"TXT" },
    { 28, (LPSTR)"AAAA" }, { 33, (LPSTR)"SRV" }, { 35, (LPSTR)"NAPTR" }, { 41, (LPSTR)"OPT" },
    { 43, (LPSTR)"DS" }, { 46, (LPSTR)"RRSIG" }, { 47, (LPSTR)"NSEC" }, { 48, (LPSTR)"DNSKEY" },
    { 64, (LPSTR)"SVCB" }, { 65, (LPSTR)"HTTPS" }, { 252, (LPSTR)"AXFR" }, { 255, (LPSTR)"ANY" },
};
static SET qtype_set = { NM_COUNT(qtypes), { qtypes } };
static PROPERTYINFO props[] = {
    NM_SUMMARY("DNS message summary"),
    NM_PROP("Length", "Message length (DNS over TCP)", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_NONE, NULL),
    NM_PROP("Query Identifier", "Transaction ID", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_NONE, NULL),
    NM_PROP("Flags", "DNS flags (QR AA TC RD RA AD CD)", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_FLAGS, &flag_set),
    NM_PROP("Opcode", "Kind of query", PROP_TYPE_BYTE, PROP_QUAL_LABELED_SET, &opcode_set),
    NM_PROP("Response Code", "Response code", PROP_TYPE_BYTE, PROP_QUAL_LABELED_SET, &rcode_set),
    NM_PROP("Question Count", "Entries in the question section", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_NONE, NULL),
    NM_PROP("Answer Count", "Records in the answer section", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_NONE, NULL),
    NM_PROP("Authority Count", "Records in the authority section", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_NONE, NULL),
    NM_PROP("Additional Count", "Records in the additional section", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_NONE, NULL),
    NM_PROP("Question Name", "Queried name, dotted", PROP_TYPE_STRING, PROP_QUAL_NONE, NULL),
    NM_PROP("Question Type", "Queried record type", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_LABELED_SET, &qtype_set),
    NM_PROP("Question Class", "Queried class", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_NONE, NULL),
};

static VOID WINAPI dns_register(HPROTOCOL h) { nm_register_props(h, props, NM_COUNT(props)); }
static VOID WINAPI dns_deregister(HPROTOCOL h) { DestroyPropertyDatabase(h); }

static LPBYTE WINAPI dns_recognize(HFRAME f, ULPBYTE frame, ULPBYTE p, DWORD mac, DWORD left,
                                   HPROTOCOL prev, DWORD prevoff, LPDWORD status,
                                   LPHPROTOCOL next, PDWORD_PTR inst)
{
    DWORD len = nm_inst_len(*inst, left);

    *status = len < ((*inst & NM_INST_TCP) ? 14u : 12u) ? PROTOCOL_STATUS_NOT_RECOGNIZED
                                                        : PROTOCOL_STATUS_CLAIMED;
    return *status == PROTOCOL_STATUS_CLAIMED ? NULL : p;
}

/* Decodes the name at *off of the message m (len bytes) into out (tshark's spelling:
 * "<Root>" for the root). Returns the name's length in the message at *off (to skip it),
 * or 0 when it is malformed or cut short. */
static DWORD dns_name(const BYTE *m, DWORD len, DWORD off, char *out, DWORD *outlen)
{
    DWORD pos = off, n = 0, hops = 0, wire = 0;

    for (;;) {
        DWORD l;
        if (pos >= len) return 0;
        l = m[pos];
        if ((l & 0xc0) == 0xc0) {
            if (pos + 1 >= len || ++hops > NM_DNS_MAX_HOPS) return 0;
            if (!wire) wire = pos + 2 - off;
            pos = ((l & 0x3f) << 8) | m[pos + 1];
            continue;
        }
        if (l & 0xc0) return 0;                    /* extended label types: not decoded */
        if (!l) {
            if (!wire) wire = pos + 1 - off;
            break;
        }
        if (pos + 1 + l > len || n + l + 1 >= NM_DNS_MAX_NAME) return 0;
        if (n) out[n++] = '.';
        memcpy(out + n, m + pos + 1, l);
        n += l;
        pos += 1 + l;
    }
    if (!n) {
        memcpy(out, "<Root>", 6);
        n = 6;
    }
    *outlen = n;
    return wire;
}

static LPBYTE WINAPI dns_attach(HFRAME f, ULPBYTE frame, ULPBYTE p, DWORD mac, DWORD left,
                                HPROTOCOL prev, DWORD prevoff, DWORD_PTR inst)
{
    struct nm_att a = { f, p, nm_inst_len(inst, left), NM_INST_LEVEL(inst) };
    char name[NM_DNS_MAX_NAME];
    DWORD off = 0, qd, i;

    if (inst & NM_INST_TCP) {
        DWORD ml;
        if (a.len < 2 + 12) return NULL;
        ml = rd16(p);
        att(&a, &props[P_SUMMARY], 0, ml + 2 < a.len ? ml + 2 : a.len, 0);
        att(&a, &props[P_TCPLEN], 0, 2, 1);
        a.p += 2;
        a.len -= 2;
        if (ml < a.len) a.len = ml;
    }
    if (a.len < 12) return NULL;
    if (!(inst & NM_INST_TCP)) att(&a, &props[P_SUMMARY], 0, a.len, 0);
    att(&a, &props[P_ID], 0, 2, 1);
    att(&a, &props[P_FLAGS], 2, 2, 1);
    att_byte(&a, &props[P_OPCODE], 2, 1, (BYTE)((a.p[2] >> 3) & 15), 2);
    att_byte(&a, &props[P_RCODE], 3, 1, (BYTE)(a.p[3] & 15), 2);
    att(&a, &props[P_QDCOUNT], 4, 2, 1);
    att(&a, &props[P_ANCOUNT], 6, 2, 1);
    att(&a, &props[P_NSCOUNT], 8, 2, 1);
    att(&a, &props[P_ARCOUNT], 10, 2, 1);
    qd = rd16(a.p + 4);
    off = 12;
    for (i = 0; i < qd && off < a.len; i++) {       /* each question takes >= 5 bytes */
        DWORD nlen, wire = dns_name(a.p, a.len, off, name, &nlen);
        if (!wire) break;
        att_val(&a, &props[P_QNAME], off, wire, name, nlen, 1);
        att(&a, &props[P_QTYPE], off + wire, 2, 2);
        att(&a, &props[P_QCLASS], off + wire + 2, 2, 2);
        off += wire + 4;
    }
    return NULL;
}

/* ---- texts (format.h) ---- */
static void dns_summary(LPPROPERTYINST pi)
{
    DWORD len, fl;
    const BYTE *d = nm_text_data(pi, &len);
    const char *op, *rc;

    /* over TCP the message follows its 2-byte length (dns_attach covers both) */
    if (len >= 14 && rd16(d) == len - 2) { d += 2; len -= 2; }
    if (len < 12) { FormatPropertyInstance(pi); return; }
    fl = rd16(d + 2);
    op = nm_text_label(&opcode_set, 1, (fl >> 11) & 15);
    rc = nm_text_label(&rcode_set, 1, fl & 15);
    nm_text(pi, "%s 0x%04lX, %s, %s, %lu question(s), %lu answer(s)", fl & 0x8000 ? "Response" : "Query",
            (unsigned long)rd16(d), op ? op : "Unknown opcode", rc ? rc : "Unknown response code",
            (unsigned long)rd16(d + 4), (unsigned long)rd16(d + 6));
}

static const struct nm_text_rule texts[] = { { &props[P_SUMMARY], dns_summary } };

static DWORD WINAPI dns_format(HFRAME f, ULPBYTE frame, ULPBYTE p, DWORD n, LPPROPERTYINST pi)
{
    return nm_text_format(texts, NM_COUNT(texts), n, pi);
}

static ENTRYPOINTS entry = { dns_register, dns_deregister, dns_recognize, dns_attach, dns_format };

void nm_parser_dns_create(void) { CreateProtocol((LPSTR)"DNS", &entry, sizeof(entry)); }
