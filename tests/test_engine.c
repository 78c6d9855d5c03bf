/*
 * test_engine.c - suite "engine" (shim/engine.c, shim/props.c, shim/parsers/): the parser
 * contract (CreateProtocol, AddProperty writing the handle back, attach only while
 * parsing), the fixed protocol names and property labels with truthful types, frame
 * tables (find, restart keys both ways, stale and forged handles), and hostile frames
 * (truncated at every length, IPv6 extension-header chains, DNS compression loops).
 * White-box: links the core directly.
 */
#include <string.h>
#include "test_util.h"
#include "engine.h"
#include "handoff.h"

static int init(void) { nm_engine_init(); return 0; }

/* Ethernet / IPv4 (TTL 64, id 0x1234) / UDP 1024 -> 53 / DNS query "www.example.com" A,
 * padded to 80 bytes (Ethernet padding after the IP datagram). */
static const BYTE dns_frame[80] = {
    0x00,0x11,0x22,0x33,0x44,0x55, 0x66,0x77,0x88,0x99,0xaa,0xbb, 0x08,0x00,
    0x45,0x00,0x00,0x3d, 0x12,0x34,0x40,0x00, 0x40,0x11,0x00,0x00, 10,0,0,1, 10,0,0,2,
    0x04,0x00,0x00,0x35, 0x00,0x29,0x00,0x00,
    0xab,0xcd,0x01,0x00, 0x00,0x01,0x00,0x00, 0x00,0x00,0x00,0x00,
    3,'w','w','w',7,'e','x','a','m','p','l','e',3,'c','o','m',0, 0x00,0x01,0x00,0x01,
};

static HPROPERTY prop(const char *proto, const char *label)
{
    return GetProperty(GetProtocolFromName((LPSTR)proto), (LPSTR)label);
}

static DWORD word_value(LPPROPERTYINST pi)
{
    const BYTE *d = pi->DataLength == 0xffff ? pi->lpPropertyInstEx->Byte : pi->lpByte;
    BYTE t = pi->lpPropertyInfo->DataType;
    WORD w;

    memcpy(&w, d, 2);
    return t == PROP_TYPE_BYTESWAPPED_WORD ? (WORD)((w >> 8) | (w << 8)) : w;
}

static struct nm_ptable *parse(const BYTE *frame, DWORD len, uint32_t link, HFRAME *hf)
{
    static struct nm_ptable *t;
    struct nm_ptable *l;

    if (!t) t = nm_engine_table_acquire();
    *hf = nm_engine_table_load(t, frame, len, link, 7);
    l = nm_engine_table_lock(*hf);
    if (l) {
        nm_engine_table_parse(l, 1);
        nm_engine_table_unlock(l);
    }
    return t;
}

static void test_engine_names_and_labels(void)
{
    static const struct { const char *proto, *label; BYTE type, qual; } want[] = {
        { "ETHERNET", "Destination Address", PROP_TYPE_ETHERNET_ADDRESS, PROP_QUAL_NONE },
        { "ETHERNET", "Source Address", PROP_TYPE_ETHERNET_ADDRESS, PROP_QUAL_NONE },
        { "ETHERNET", "Ethernet Type", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_LABELED_SET },
        { "ETHERNET", "Length", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_NONE },
        { "VLAN", "Priority", PROP_TYPE_BYTE, PROP_QUAL_NONE },
        { "VLAN", "Identifier", PROP_TYPE_WORD, PROP_QUAL_NONE },
        { "VLAN", "Ethernet Type", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_LABELED_SET },
        { "IP", "Version", PROP_TYPE_BYTE, PROP_QUAL_NONE },
        { "IP", "Header Length", PROP_TYPE_BYTE, PROP_QUAL_NONE },
        { "IP", "Service Type", PROP_TYPE_BYTE, PROP_QUAL_NONE },
        { "IP", "Total Length", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_NONE },
        { "IP", "Identification", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_NONE },
        { "IP", "Flags Summary", PROP_TYPE_BYTE, PROP_QUAL_FLAGS },
        { "IP", "Fragment Offset", PROP_TYPE_WORD, PROP_QUAL_NONE },
        { "IP", "Time to Live", PROP_TYPE_BYTE, PROP_QUAL_NONE },
        { "IP", "Protocol", PROP_TYPE_BYTE, PROP_QUAL_LABELED_SET },
        { "IP", "Checksum", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_NONE },
        { "IP", "Source Address", PROP_TYPE_IP_ADDRESS, PROP_QUAL_NONE },
        { "IP", "Destination Address", PROP_TYPE_IP_ADDRESS, PROP_QUAL_NONE },
        { "IPV6", "Version", PROP_TYPE_BYTE, PROP_QUAL_NONE },
        { "IPV6", "Traffic Class", PROP_TYPE_BYTE, PROP_QUAL_NONE },
        { "IPV6", "Flow Label", PROP_TYPE_DWORD, PROP_QUAL_NONE },
        { "IPV6", "Payload Length", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_NONE },
        { "IPV6", "Next Header", PROP_TYPE_BYTE, PROP_QUAL_LABELED_SET },
        { "IPV6", "Hop Limit", PROP_TYPE_BYTE, PROP_QUAL_NONE },
        { "IPV6", "Source Address", PROP_TYPE_IP6_ADDRESS, PROP_QUAL_NONE },
        { "IPV6", "Destination Address", PROP_TYPE_IP6_ADDRESS, PROP_QUAL_NONE },
        { "TCP", "Source Port", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_NONE },
        { "TCP", "Destination Port", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_NONE },
        { "TCP", "Sequence Number", PROP_TYPE_BYTESWAPPED_DWORD, PROP_QUAL_NONE },
        { "TCP", "Acknowledgement Number", PROP_TYPE_BYTESWAPPED_DWORD, PROP_QUAL_NONE },
        { "TCP", "Data Offset", PROP_TYPE_BYTE, PROP_QUAL_NONE },
        { "TCP", "Flags", PROP_TYPE_WORD, PROP_QUAL_FLAGS },
        { "TCP", "Window", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_NONE },
        { "TCP", "Checksum", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_NONE },
        { "TCP", "Urgent Pointer", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_NONE },
        { "UDP", "Source Port", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_NONE },
        { "UDP", "Destination Port", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_NONE },
        { "UDP", "Total Length", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_NONE },
        { "UDP", "Checksum", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_NONE },
        { "ICMP", "Packet Type", PROP_TYPE_BYTE, PROP_QUAL_LABELED_SET },
        { "ICMP", "Code", PROP_TYPE_BYTE, PROP_QUAL_NONE },
        { "ICMP", "Checksum", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_NONE },
        { "ICMPV6", "Packet Type", PROP_TYPE_BYTE, PROP_QUAL_LABELED_SET },
        { "ICMPV6", "Code", PROP_TYPE_BYTE, PROP_QUAL_NONE },
        { "ICMPV6", "Checksum", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_NONE },
        { "ARP_RARP", "Opcode", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_LABELED_SET },
        { "ARP_RARP", "Sender's Hardware Address", PROP_TYPE_ETHERNET_ADDRESS, PROP_QUAL_NONE },
        { "ARP_RARP", "Sender's Protocol Address", PROP_TYPE_IP_ADDRESS, PROP_QUAL_NONE },
        { "ARP_RARP", "Target's Hardware Address", PROP_TYPE_ETHERNET_ADDRESS, PROP_QUAL_NONE },
        { "ARP_RARP", "Target's Protocol Address", PROP_TYPE_IP_ADDRESS, PROP_QUAL_NONE },
        { "DNS", "Query Identifier", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_NONE },
        { "DNS", "Flags", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_FLAGS },
        { "DNS", "Question Count", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_NONE },
        { "DNS", "Answer Count", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_NONE },
        { "DNS", "Question Name", PROP_TYPE_STRING, PROP_QUAL_NONE },
        { "DNS", "Question Type", PROP_TYPE_BYTESWAPPED_WORD, PROP_QUAL_LABELED_SET },
    };
    LPPROTOCOLTABLE pt = GetEnabledProtocols(NULL);
    unsigned i;

    CHECK(pt && pt->nProtocols >= 10);
    for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        HPROTOCOL h = GetProtocolFromName((LPSTR)want[i].proto);
        HPROPERTY hp = GetProperty(h, (LPSTR)want[i].label);
        LPPROPERTYINFO pi = GetPropertyInfo(hp);
        LPPROTOCOLINFO info = GetProtocolInfo(h);
        CHECK_MSG(h && info && !strcmp((char *)info->ProtocolName, want[i].proto), "protocol %s", want[i].proto);
        CHECK_MSG(pi && pi->hProperty == hp && !strcmp(pi->Label, want[i].label),
                  "%s:%s missing", want[i].proto, want[i].label);
        if (!pi) continue;
        CHECK_MSG(pi->DataType == want[i].type && pi->DataQualifier == want[i].qual,
                  "%s:%s type %u qual %u", want[i].proto, want[i].label, pi->DataType, pi->DataQualifier);
        if (pi->DataQualifier == PROP_QUAL_LABELED_SET || pi->DataQualifier == PROP_QUAL_FLAGS)
            CHECK_MSG(pi->lpSet && pi->lpSet->nEntries > 0, "%s:%s has no labels", want[i].proto, want[i].label);
    }
    /* case-insensitive names and labels; unknown, NULL, unreadable, forged: NULL/0 */
    CHECK_EQ_PTR(GetProtocolFromName((LPSTR)"tcp"), GetProtocolFromName((LPSTR)"TCP"));
    CHECK(prop("ip", "source address") == prop("IP", "Source Address"));
    CHECK_EQ_PTR(GetProtocolFromName((LPSTR)"NOPE"), NULL);
    CHECK_EQ_PTR(GetProtocolFromName(NULL), NULL);
    CHECK_EQ_PTR(GetProtocolFromName((LPSTR)(ULONG_PTR)8), NULL);
    CHECK_EQ_U(GetProperty(GetProtocolFromName((LPSTR)"IP"), (LPSTR)"Nope"), 0);
    CHECK_EQ_U(GetProperty((HPROTOCOL)&i, (LPSTR)"Version"), 0);
    CHECK_EQ_PTR(GetProtocolInfo((HPROTOCOL)((char *)GetProtocolFromName((LPSTR)"IP") + 4)), NULL);
    CHECK_EQ_PTR(GetPropertyInfo(0), NULL);
    CHECK_EQ_PTR(GetPropertyInfo((HPROPERTY)0x12345678), NULL);
    CHECK_EQ_PTR(GetPropertyInfo(prop("IP", "Version") + 0x1000), NULL);
    /* the database is visible through GetProtocolInfo, in order, handles set */
    {
        LPPROTOCOLINFO info = GetProtocolInfo(GetProtocolFromName((LPSTR)"UDP"));
        DWORD j;
        CHECK(info && info->PropertyDatabase && info->PropertyDatabase->nProperties >= 5);
        for (j = 0; info && j < info->PropertyDatabase->nProperties; j++)
            CHECK(GetPropertyInfo(info->PropertyDatabase->PropertyInfo[j]->hProperty) ==
                  info->PropertyDatabase->PropertyInfo[j]);
    }
}

static void test_engine_dns_frame(void)
{
    HFRAME hf, old;
    struct nm_ptable *t = parse(dns_frame, sizeof(dns_frame), 1, &hf);
    LPPROPERTYINST pi, key = NULL;
    LPRECOGNIZEDATATABLE r;
    unsigned i;

    CHECK_EQ_U(t->nprot, 4);           /* ETHERNET IP UDP DNS */
    CHECK_EQ_U(t->ptable->nPropertyInstTables, 4);
    CHECK_EQ_U(t->ptable->nTotalPropertyInsts, t->ninsts);
    for (i = 1; i < t->ninsts; i++)    /* frame order inside each protocol's slice start */
        CHECK(t->insts[i].lpPropertyInfo != NULL);
    r = GetFrameRecognizeData(hf);
    CHECK(r && r->nRecognizeDatas == 4);
    if (r) CHECK_EQ_U(r->RecognizeData[1].nProtocolOffset, 14);
    CHECK_EQ_U(GetProtocolStartOffsetHandle(hf, GetProtocolFromName((LPSTR)"UDP")), 34);
    CHECK_EQ_U(GetProtocolStartOffset(hf, (LPSTR)"DNS"), 42);
    CHECK_EQ_U(GetProtocolStartOffsetHandle(hf, GetProtocolFromName((LPSTR)"TCP")), (DWORD)-1);
    {
        DWORD prev = 0;
        CHECK_EQ_U(GetPreviousProtocolOffsetByName(hf, 40, (LPSTR)"IP", &prev), NMERR_SUCCESS);
        CHECK_EQ_U(prev, 14);
        CHECK_EQ_U(GetPreviousProtocolOffsetByName(hf, 14, (LPSTR)"IP", &prev), NMERR_PROTOCOL_NOT_FOUND);
    }
    pi = FindPropertyInstance(hf, prop("IP", "Time to Live"));
    CHECK(pi && pi->DataLength == 1 && pi->lpByte[0] == 64 && pi->Level == 1);
    pi = FindPropertyInstance(hf, prop("IP", "Identification"));
    CHECK(pi && word_value(pi) == 0x1234);
    pi = FindPropertyInstance(hf, prop("UDP", "Destination Port"));
    CHECK(pi && word_value(pi) == 53);
    pi = FindPropertyInstance(hf, prop("IP", "Header Length"));
    CHECK(pi && pi->DataLength == 0xffff && pi->lpPropertyInstEx->LengthEx == 1 &&
          pi->lpPropertyInstEx->Byte[0] == 20 && pi->lpPropertyInstEx->lpData == dns_frame + 14);
    pi = FindPropertyInstance(hf, prop("DNS", "Question Name"));
    CHECK(pi && pi->DataLength == 0xffff && pi->lpPropertyInstEx->LengthEx == 15 &&
          !memcmp(pi->lpPropertyInstEx->Byte, "www.example.com", 15));
    pi = FindPropertyInstance(hf, prop("DNS", "Query Identifier"));
    CHECK(pi && word_value(pi) == 0xabcd);
    CHECK_EQ_PTR(FindPropertyInstance(hf, prop("TCP", "Flags")), NULL);
    /* restart keys: forward from NULL, exclusive, written back; backward from the end */
    pi = FindPropertyInstanceRestart(hf, prop("ETHERNET", "Source Address"), &key, TRUE);
    CHECK(pi && key == pi && !memcmp(pi->lpByte, dns_frame + 6, 6));
    CHECK_EQ_PTR(FindPropertyInstanceRestart(hf, prop("ETHERNET", "Source Address"), &key, TRUE), NULL);
    key = NULL;
    pi = FindPropertyInstanceRestart(hf, prop("IP", "Source Address"), &key, FALSE);
    CHECK(pi && pi->lpByte == dns_frame + 26);
    key = (LPPROPERTYINST)((char *)t->insts + 3);         /* not an instance boundary */
    CHECK_EQ_PTR(FindPropertyInstanceRestart(hf, prop("IP", "Source Address"), &key, TRUE), NULL);
    CHECK_EQ_PTR(FindPropertyInstanceRestart(hf, prop("IP", "Source Address"),
                                             (LPPROPERTYINST *)(ULONG_PTR)16, TRUE), NULL);
    /* bad handles */
    CHECK_EQ_PTR(FindPropertyInstance(NULL, prop("IP", "Source Address")), NULL);
    CHECK_EQ_PTR(FindPropertyInstance((HFRAME)&key, prop("IP", "Source Address")), NULL);
    CHECK_EQ_PTR(FindPropertyInstance(hf, 0), NULL);
    /* the next frame on the table: the old handle is stale */
    old = hf;
    parse(dns_frame, sizeof(dns_frame), 1, &hf);
    CHECK(hf != old);
    CHECK_EQ_PTR(FindPropertyInstance(old, prop("IP", "Source Address")), NULL);
    CHECK_EQ_PTR(GetFrameRecognizeData(old), NULL);
    CHECK(FindPropertyInstance(hf, prop("IP", "Source Address")) != NULL);
    /* Ethernet padding is not DNS: UDP's length (41) bounds it */
    pi = FindPropertyInstance(hf, prop("UDP", "Total Length"));
    CHECK(pi && word_value(pi) == 41);
}

/* Every prefix of a frame: nothing attached reaches past the captured bytes. */
static void check_prefixes(const BYTE *frame, DWORD len, uint32_t link)
{
    DWORD n, i;
    HFRAME hf;

    for (n = 0; n <= len; n++) {
        struct nm_ptable *t = parse(frame, n, link, &hf);
        for (i = 0; i < t->ninsts; i++) {
            const PROPERTYINST *pi = &t->insts[i];
            const BYTE *d = pi->DataLength == 0xffff ? pi->lpPropertyInstEx->lpData : pi->lpByte;
            DWORD l = pi->DataLength == 0xffff ? pi->lpPropertyInstEx->Length : pi->DataLength;
            CHECK_MSG(d >= frame && d + l <= frame + n, "prefix %lu: %s reaches past the end",
                      (unsigned long)n, pi->lpPropertyInfo->Label);
        }
    }
}

static void test_engine_hostile_frames(void)
{
    static BYTE v6[14 + 40 + 8 * 40];
    static BYTE loop[80];
    HFRAME hf;
    struct nm_ptable *t;
    unsigned i;

    check_prefixes(dns_frame, sizeof(dns_frame), 1);
    /* IPv6 with 40 hop-by-hop headers chained: bounded walk, no hand-off */
    memcpy(v6, dns_frame, 12);
    v6[12] = 0x86; v6[13] = 0xdd;
    v6[14] = 0x60;
    v6[18] = (8 * 40) >> 8; v6[19] = (8 * 40) & 0xff;
    v6[20] = 0;                                   /* next: hop-by-hop */
    for (i = 0; i < 40; i++) v6[54 + 8 * i] = 0;  /* each says: another hop-by-hop */
    t = parse(v6, sizeof(v6), 1, &hf);
    CHECK_EQ_U(t->nprot, 2);
    check_prefixes(v6, sizeof(v6), 1);
    /* DNS name that points at itself, and a header length past the end */
    memcpy(loop, dns_frame, 54);
    loop[54] = 0xc0; loop[55] = 12;               /* pointer to offset 12: itself */
    t = parse(loop, sizeof(loop), 1, &hf);
    CHECK_EQ_PTR(FindPropertyInstance(hf, prop("DNS", "Question Name")), NULL);
    CHECK(FindPropertyInstance(hf, prop("DNS", "Query Identifier")) != NULL);
    loop[14] = 0x4f;                              /* IHL 60 > total length 61? no: > 20 */
    loop[16] = 0; loop[17] = 30;                  /* total length 30 < header length */
    t = parse(loop, sizeof(loop), 1, &hf);
    CHECK_EQ_U(t->nprot, 2);
    CHECK(FindPropertyInstance(hf, prop("IP", "Source Address")) != NULL);
    /* a fragment that is not the first: no hand-off */
    memcpy(loop, dns_frame, sizeof(dns_frame));
    loop[20] = 0x00; loop[21] = 0x10;
    t = parse(loop, sizeof(loop), 1, &hf);
    CHECK_EQ_U(t->nprot, 2);
    /* unknown link type: nothing recognized, empty tables */
    t = parse(dns_frame, sizeof(dns_frame), 147, &hf);
    CHECK_EQ_U(t->nprot, 0);
    CHECK_EQ_U(t->ptable->nTotalPropertyInsts, 0);
}

/* A legacy-style parser registered through the contract, as the SDK's Blrplate does. */
static PROPERTYINFO t_props[] = {
    { 0, 0, (LPSTR)"Summary", (LPSTR)"test", PROP_TYPE_SUMMARY, PROP_QUAL_NONE, { NULL }, 80, NULL },
    { 0, 0, (LPSTR)"Opcode", (LPSTR)"test", PROP_TYPE_WORD, PROP_QUAL_NONE, { NULL }, 80, NULL },
};
static VOID WINAPI t_register(HPROTOCOL h)
{
    CreatePropertyDatabase(h, 2);
    AddProperty(h, &t_props[0]);
    AddProperty(h, &t_props[1]);
}
static LPBYTE WINAPI t_recognize(HFRAME f, ULPBYTE a, ULPBYTE b, DWORD c, DWORD d, HPROTOCOL e,
                                 DWORD g, LPDWORD st, LPHPROTOCOL n, PDWORD_PTR i)
{
    *st = PROTOCOL_STATUS_CLAIMED;
    return NULL;
}
static LPBYTE WINAPI t_attach(HFRAME f, ULPBYTE a, ULPBYTE b, DWORD c, DWORD d, HPROTOCOL e,
                              DWORD g, DWORD_PTR i)
{
    return NULL;
}

static void test_engine_parser_contract(void)
{
    ENTRYPOINTS ep = { t_register, NULL, t_recognize, t_attach, NULL };
    HPROTOCOL h = CreateProtocol((LPSTR)"TESTPROTO", &ep, sizeof(ep));
    WORD v = 1;
    HFRAME hf;

    CHECK(h != NULL);
    CHECK_EQ_PTR(CreateProtocol((LPSTR)"TESTPROTO", &ep, sizeof(ep)), NULL);    /* taken */
    CHECK_EQ_PTR(CreateProtocol((LPSTR)"A_NAME_TOO_LONG_16", &ep, sizeof(ep)), NULL);
    CHECK_EQ_PTR(CreateProtocol((LPSTR)"X", &ep, 4), NULL);
    t_register(h);
    CHECK(t_props[1].hProperty != 0);                       /* written back in place */
    CHECK(GetPropertyInfo(t_props[1].hProperty) != &t_props[1]);   /* the engine's copy */
    CHECK_STR(GetPropertyInfo(t_props[1].hProperty)->Label, "Opcode");
    CHECK_EQ_U(GetProperty(h, (LPSTR)"opcode"), t_props[1].hProperty);
    CHECK_EQ_U(CreatePropertyDatabase((HPROTOCOL)&v, 1), NMERR_INVALID_HPROTOCOL);
    CHECK_EQ_U(AddProperty(h, &t_props[0]), 0);             /* database full */
    /* attach outside AttachProperties, or on a frame that is not being parsed: FALSE */
    parse(dns_frame, sizeof(dns_frame), 1, &hf);
    CHECK(!AttachPropertyInstance(hf, t_props[1].hProperty, 2, &v, 0, 1, 0));
    CHECK(!AttachPropertyInstance(NULL, t_props[1].hProperty, 2, &v, 0, 1, 0));
    DestroyProtocol(h);
    CHECK_EQ_PTR(GetProtocolFromName((LPSTR)"TESTPROTO"), NULL);
    CHECK_EQ_PTR(GetProtocolInfo(h), NULL);
    CHECK_EQ_PTR(GetPropertyInfo(t_props[1].hProperty), NULL);
}

/* tests/fuzz/parsers/: inputs of the native fuzz target (tests/fuzz/fuzz_parsers.c) kept as
 * regressions, replayed here under Wine on both arches: byte 0 the link type, byte 1 the
 * filter program's length (3 bytes per object, skipped here), then the frame; every
 * prefix of the frame is parsed and checked. */
static void test_engine_fuzz_regressions(void)
{
    static const uint32_t links[] = { 1, 113, 0, 101, 228, 229, 108, 147 };
    char pattern[MAX_PATH], path[MAX_PATH];
    WIN32_FIND_DATAA fd;
    HANDLE h;
    unsigned files = 0;

    snprintf(pattern, sizeof(pattern), "Z:%s/tests/fuzz/parsers/*.bin", NMSHIM_SOURCE_DIR);
    h = FindFirstFileA(pattern, &fd);
    CHECK_MSG(h != INVALID_HANDLE_VALUE, "no regression inputs in %s", pattern);
    if (h == INVALID_HANDLE_VALUE) return;
    do {
        static BYTE buf[65536];
        FILE *f;
        size_t n, skip;
        snprintf(path, sizeof(path), "Z:%s/tests/fuzz/parsers/%s", NMSHIM_SOURCE_DIR, fd.cFileName);
        if (!(f = fopen(path, "rb"))) { CHECK_MSG(0, "cannot read %s", path); continue; }
        n = fread(buf, 1, sizeof(buf), f);
        fclose(f);
        if (n < 2) continue;
        skip = 2 + 3 * (size_t)(buf[1] % 16);
        if (n < skip) continue;
        check_prefixes(buf + skip, (DWORD)(n - skip), links[buf[0] % 8]);
        files++;
    } while (FindNextFileA(h, &fd));
    FindClose(h);
    CHECK(files >= 4);
}

/* ---- plug-in protocols (shim/plugin.c's side of the engine: engine.h) --------------- */
static HPROTOCOL plug_self, plug_att;
static PROPERTYINFO plug_props[1] = {
    { 0, 0, (LPSTR)"Byte", (LPSTR)"test", PROP_TYPE_BYTE, PROP_QUAL_NONE, { NULL }, 80, NULL },
};

static LPBYTE WINAPI plug_self_recognize(HFRAME f, ULPBYTE a, ULPBYTE p, DWORD c, DWORD left,
                                         HPROTOCOL e, DWORD g, LPDWORD st, LPHPROTOCOL n, PDWORD_PTR i)
{
    if (!left) { *st = PROTOCOL_STATUS_CLAIMED; return NULL; }
    *st = PROTOCOL_STATUS_NEXT_PROTOCOL;            /* itself again, one byte on */
    *n = plug_self;
    return p + 1;
}
static LPBYTE WINAPI plug_bad_recognize(HFRAME f, ULPBYTE a, ULPBYTE p, DWORD c, DWORD left,
                                        HPROTOCOL e, DWORD g, LPDWORD st, LPHPROTOCOL n, PDWORD_PTR i)
{
    *st = PROTOCOL_STATUS_NEXT_PROTOCOL;            /* garbage: far past the frame */
    *n = plug_self;
    return p + 100000;
}
static LPBYTE WINAPI plug_claim(HFRAME f, ULPBYTE a, ULPBYTE p, DWORD c, DWORD left,
                                HPROTOCOL e, DWORD g, LPDWORD st, LPHPROTOCOL n, PDWORD_PTR i)
{
    *st = PROTOCOL_STATUS_CLAIMED;
    return NULL;
}
static LPBYTE WINAPI plug_att_attach(HFRAME f, ULPBYTE a, ULPBYTE p, DWORD c, DWORD d,
                                     HPROTOCOL e, DWORD g, DWORD_PTR i)
{
    AttachPropertyInstance(f, plug_props[0].hProperty, 1, p, 0, 0, 0);       /* its own */
    AttachPropertyInstance(f, prop("UDP", "Source Port"), 2, p, 0, 0, 0);   /* not its own */
    return NULL;
}
static VOID WINAPI plug_att_register(HPROTOCOL h)
{
    CreatePropertyDatabase(h, 1);
    AddProperty(h, &plug_props[0]);
}

/* dns_frame with UDP destination port `port` (the plug-ins' hand-off), frame number n */
static struct nm_ptable *parse_port(WORD port, uint32_t n, HFRAME *hf)
{
    static BYTE frame[sizeof(dns_frame)];
    static struct nm_ptable *t;
    struct nm_ptable *l;

    memcpy(frame, dns_frame, sizeof(frame));
    frame[36] = (BYTE)(port >> 8);
    frame[37] = (BYTE)port;
    if (!t) t = nm_engine_table_acquire();
    *hf = nm_engine_table_load(t, frame, sizeof(frame), 1, n);
    if ((l = nm_engine_table_lock(*hf))) {
        nm_engine_table_parse(l, 1);
        nm_engine_table_unlock(l);
    }
    return t;
}

static void test_engine_plugins(void)
{
    ENTRYPOINTS self = { NULL, NULL, plug_self_recognize, t_attach, NULL };
    ENTRYPOINTS bad = { NULL, NULL, plug_bad_recognize, t_attach, NULL };
    ENTRYPOINTS att = { plug_att_register, NULL, plug_claim, plug_att_attach, NULL };
    struct nm_protocol *ps, *pb, *pa;
    struct nm_ptable *t;
    HPROTOCOL h;
    DWORD_PTR inst = 5;
    HFRAME hf;
    unsigned i;

    nm_engine_plugin_begin(901);
    plug_self = CreateProtocol((LPSTR)"PLUGSELF", &self, sizeof(self));
    CHECK_EQ_U(nm_engine_plugin_end(), 1);
    nm_engine_plugin_begin(902);
    h = CreateProtocol((LPSTR)"PLUGBAD", &bad, sizeof(bad));
    CHECK_EQ_U(nm_engine_plugin_end(), 1);
    nm_engine_plugin_begin(903);
    plug_att = CreateProtocol((LPSTR)"PLUGATT", &att, sizeof(att));
    CHECK_EQ_U(nm_engine_plugin_end(), 1);
    ps = nm_engine_protocol(plug_self);
    pb = nm_engine_protocol(h);
    pa = nm_engine_protocol(plug_att);
    CHECK(ps && pb && pa);
    if (!ps || !pb || !pa) return;
    CHECK_EQ_U(ps->plugin, 901);
    CHECK_EQ_U(nm_engine_protocol_by_name("UDP")->plugin, 0);       /* built-ins stay built-in */
    plug_att_register(plug_att);

    /* hand-off sets: case-insensitive names, the later entry for a value wins */
    CHECK_EQ_U(nm_engine_handoff_add("udp_handoffset", 31001, "PLUGBAD", 0, 0), 0);
    CHECK_EQ_U(nm_engine_handoff_add("UDP_HandoffSet", 31001, "PLUGSELF", 0, 0), 0);
    CHECK_EQ_U(nm_engine_handoff_add("UDP_HandoffSet", 31002, "PLUGBAD", 0, 0), 0);
    CHECK_EQ_U(nm_engine_handoff_add("UDP_HandoffSet", 31003, "PLUGATT", 1, 1001), 0);
    CHECK(nm_engine_handoff_add("UDP_HandoffSet", 1, "A_NAME_TOO_LONG_16", 0, 0) == -1);
    CHECK_EQ_PTR(nm_engine_handoff_lookup("UDP_HANDOFFSET", 31001, NULL), plug_self);
    CHECK_EQ_PTR(nm_engine_handoff_lookup("TCP_HandoffSet", 31001, NULL), NULL);
    CHECK_EQ_PTR(nm_engine_handoff_lookup("UDP_HandoffSet", 31003, &inst), plug_att);
    CHECK_EQ_U(inst, 1001);

    /* a protocol following itself: bounded by NM_MAX_FRAME_PROTOCOLS, offsets rising */
    t = parse_port(31001, 1, &hf);
    CHECK_EQ_U(t->nprot, NM_MAX_FRAME_PROTOCOLS);
    CHECK_EQ_PTR(t->prot[2].proto, nm_engine_protocol_by_name("UDP"));
    CHECK_EQ_PTR(t->prot[3].proto, ps);
    CHECK_EQ_U(t->prot[3].offset, 42);
    for (i = 4; i < t->nprot; i++) CHECK_EQ_U(t->prot[i].offset, t->prot[i - 1].offset + 1);
    CHECK(!ps->disabled);

    /* an offset past the frame: disabled, the frame keeps ETHERNET IP UDP; counted once a frame */
    t = parse_port(31002, 2, &hf);
    CHECK(pb->disabled);
    CHECK_EQ_U(t->nprot, 3);
    CHECK(nm_engine_find(t, prop("UDP", "Source Port"), NULL, 1) != NULL);
    CHECK_EQ_U(pb->affected, 1);
    parse_port(31002, 2, &hf);                      /* the same frame again: not counted */
    t = parse_port(31002, 3, &hf);                  /* skipped, disabled */
    CHECK_EQ_U(t->nprot, 3);
    CHECK_EQ_U(pb->affected, 2);
    CHECK(!ps->disabled && !pa->disabled);          /* other plug-ins untouched */

    /* an attach of a property it does not own: disabled, its instances gone, UDP's stay */
    t = parse_port(31003, 4, &hf);
    CHECK(pa->disabled);
    CHECK(nm_engine_find(t, plug_props[0].hProperty, NULL, 1) == NULL);
    CHECK(nm_engine_find(t, prop("UDP", "Source Port"), NULL, 1) != NULL);
    CHECK_EQ_U(t->prot[3].instdata, 1001);          /* the hand-off's instance data */
    CHECK_EQ_U(pa->affected, 1);
}

/* CreateHandoffTable / GetProtocolFromTable / DestroyHandoffTable over the engine's sets
 * and an INI file; nm_handoff_parse's errors name the line. */
static void test_engine_handoff_tables(void)
{
    char dir[MAX_PATH], ini[MAX_PATH], err[MAX_PATH + 200];
    LPHANDOFFTABLE tab = (LPHANDOFFTABLE)(ULONG_PTR)0x1234;
    HPROTOCOL self = GetProtocolFromName((LPSTR)"PLUGSELF"), bad = GetProtocolFromName((LPSTR)"PLUGBAD");
    DWORD_PTR inst = 0;
    HANDOFFTABLE fake;
    FILE *f;

    CHECK(self && bad);
    CHECK_EQ_U(nm_engine_handoff_add("TESTSET", 5, "PLUGSELF", 1, 77), 0);
    CHECK_EQ_U(nm_engine_handoff_add("TESTSET", 6, "NOBODY", 0, 0), 0);
    CHECK_EQ_U(CreateHandoffTable((LPSTR)"TESTSET", NULL, &tab, 10, 10), 1);   /* NOBODY left out */
    CHECK_EQ_PTR(GetProtocolFromTable(tab, 5, &inst), self);
    CHECK_EQ_U(inst, 77);
    CHECK_EQ_PTR(GetProtocolFromTable(tab, 6, &inst), NULL);
    DestroyHandoffTable(tab);
    memset(&fake, 0, sizeof(fake));
    DestroyHandoffTable(&fake);                     /* not ours: ignored */
    CHECK_EQ_U(CreateHandoffTable((LPSTR)"NOSUCHSET", NULL, &tab, 10, 10), 0);
    CHECK_EQ_U(CreateHandoffTable((LPSTR)"TESTSET", NULL, NULL, 10, 10), 0);

    GetTempPathA(sizeof(dir), dir);
    snprintf(ini, sizeof(ini), "%snmshim_test_handoff.ini", dir);
    if (!(f = fopen(ini, "wb"))) { CHECK_MSG(0, "cannot write %s", ini); return; }
    fputs("; comment\r\n[Other]\r\nnot = a hand-off\r\n[TESTSET2]\r\n10 = PLUGSELF, 3\r\n0x10 = PLUGBAD\r\n", f);
    fclose(f);
    tab = NULL;
    CHECK_EQ_U(CreateHandoffTable((LPSTR)"TESTSET2", ini, &tab, 10, 10), 2);
    CHECK_EQ_PTR(GetProtocolFromTable(tab, 10, &inst), self);
    CHECK_EQ_U(inst, 3);
    CHECK_EQ_PTR(GetProtocolFromTable(tab, 16, NULL), bad);
    DestroyHandoffTable(tab);
    tab = NULL;
    CHECK_EQ_U(CreateHandoffTable((LPSTR)"TESTSET2", ini, &tab, 1, 10), 1);    /* nMax cuts */
    DestroyHandoffTable(tab);
    if (!(f = fopen(ini, "wb"))) return;
    fputs("[TESTSET3]\n10 = PLUGSELF\n12 = bad-name\n", f);
    fclose(f);
    CHECK_EQ_U(CreateHandoffTable((LPSTR)"TESTSET3", ini, &tab, 10, 10), 0);   /* a bad file */
    err[0] = 0;
    CHECK(nm_handoff_load_ini(ini, "TESTSET3", err, sizeof(err)) == -1);
    CHECK_MSG(strstr(err, "line 3: protocol name with a character") != NULL, "error '%s'", err);
    CHECK_EQ_U(NmShimLoadHandoffIni(ini, err, sizeof(err)), NMERR_SUCCESS);    /* not a *_HandoffSet */
    {   /* every kind of bad line names its line */
        static const struct { const char *text, *want; } bad[] = {
            { "[A_HandoffSet\n", "line 1: a section header must be [NAME]" },
            { "7 = X\n", NULL },                                          /* outside any section: skipped */
            { "[A_HandoffSet]\n4294967296 = X\n", "line 2: '4294967296' is not a number" },
            { "[A_HandoffSet]\n\n0x = X\n", "line 3: '0x' is not a number" },
            { "[A_HandoffSet]\n7 =\n", "line 2: no protocol name" },
            { "[A_HandoffSet]\n7 = ABCDEFGHIJKLMNOP\n", "line 2: protocol name longer than 15" },
            { "[A_HandoffSet]\n7 = X, 12z\n", "line 2: instance data '12z' is not a number" },
            { "[A_HandoffSet]\n7 X\n", "line 2: expected VALUE = PROTOCOL" },
        };
        char line[700];
        unsigned k;
        for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
            if (!(f = fopen(ini, "wb"))) break;
            fputs(bad[k].text, f);
            fclose(f);
            err[0] = 0;
            if (!bad[k].want) { CHECK_EQ_U(nm_handoff_load_ini(ini, NULL, err, sizeof(err)), 0); continue; }
            CHECK_MSG(nm_handoff_load_ini(ini, NULL, err, sizeof(err)) == -1 && strstr(err, bad[k].want),
                      "'%s': error '%s', expected '%s'", bad[k].text, err, bad[k].want);
        }
        if ((f = fopen(ini, "wb"))) {                      /* a line of 600 characters */
            memset(line, ' ', sizeof(line));
            memcpy(line + 600, "\n", 2);
            fputs("[A_HandoffSet]\n", f);
            fputs(line, f);
            fclose(f);
            CHECK(nm_handoff_load_ini(ini, NULL, err, sizeof(err)) == -1 && strstr(err, "line 2: longer than"));
        }
        if ((f = fopen(ini, "wb"))) {                      /* binary */
            fwrite("[A_HandoffSet]\n\0\n", 1, 17, f);
            fclose(f);
            CHECK(nm_handoff_load_ini(ini, NULL, err, sizeof(err)) == -1 && strstr(err, "NUL byte"));
        }
    }
    DeleteFileA(ini);
    CHECK_EQ_U(NmShimLoadHandoffIni(ini, err, sizeof(err)), NMERR_INVALID_FILE_FORMAT);
    CHECK_MSG(strstr(err, "cannot open") != NULL, "error '%s'", err);
}

static const struct nm_test tests[] = {
    NM_TEST(test_engine_names_and_labels),
    NM_TEST(test_engine_dns_frame),
    NM_TEST(test_engine_hostile_frames),
    NM_TEST(test_engine_parser_contract),
    NM_TEST(test_engine_plugins),
    NM_TEST(test_engine_handoff_tables),
    NM_TEST(test_engine_fuzz_regressions),
    NM_TEST_END
};
const struct nm_suite suite_engine = { "engine", init, NULL, tests };
