/*
 * test_proptext.c - suite "proptext" (shim/proptext.c, shim/propfmt.c, the built-in
 * parsers' FormatProperties in shim/parsers/format.c): property texts through
 * GetPropertyText and FormatPropertyInstance, their bounds, and bad input; a protocol's
 * own FormatProperties that follows the FORMAT convention, overruns FormatStringSize,
 * points szPropertyText at its own text, or faults.
 * White-box: links the core directly (as test_engine.c does).
 */
#include <string.h>
#include "test_util.h"
#include "engine.h"
#include "guard.h"

static int init(void) { nm_guard_init(); nm_engine_init(); return 0; }

/* Ethernet / IPv4 10.0.0.1 -> 10.0.0.2 / UDP 1024 -> 53 / DNS query "www.example.com" A. */
static const BYTE dns_frame[80] = {
    0x00,0x11,0x22,0x33,0x44,0x55, 0x66,0x77,0x88,0x99,0xaa,0xbb, 0x08,0x00,
    0x45,0x00,0x00,0x3d, 0x12,0x34,0x40,0x00, 0x40,0x11,0x00,0x00, 10,0,0,1, 10,0,0,2,
    0x04,0x00,0x00,0x35, 0x00,0x29,0x00,0x00,
    0xab,0xcd,0x01,0x00, 0x00,0x01,0x00,0x00, 0x00,0x00,0x00,0x00,
    3,'w','w','w',7,'e','x','a','m','p','l','e',3,'c','o','m',0, 0x00,0x01,0x00,0x01,
};
/* Ethernet / IPv6 2001:db8::1 -> 2001:db8:0:1::2 / TCP 50000 -> 80, PSH ACK. */
static const BYTE tcp6_frame[74] = {
    0x00,0x11,0x22,0x33,0x44,0x55, 0x66,0x77,0x88,0x99,0xaa,0xbb, 0x86,0xdd,
    0x60,0x00,0x00,0x00, 0x00,0x14,0x06,0x40,
    0x20,0x01,0x0d,0xb8,0,0,0,0, 0,0,0,0,0,0,0,1,
    0x20,0x01,0x0d,0xb8,0,0,0,1, 0,0,0,0,0,0,0,2,
    0xc3,0x50,0x00,0x50, 0,0,0,1, 0,0,0,2, 0x50,0x18,0xff,0xff, 0,0,0,0,
};

static struct nm_ptable *table;

static HFRAME parse(const BYTE *frame, DWORD len)
{
    HFRAME hf;
    struct nm_ptable *l;

    if (!table) table = nm_engine_table_acquire();
    hf = nm_engine_table_load(table, frame, len, 1, 3);
    if ((l = nm_engine_table_lock(hf))) {
        nm_engine_table_parse(l, 1);
        nm_engine_table_unlock(l);
    }
    return hf;
}

static LPPROPERTYINST find(HFRAME hf, const char *proto, const char *label)
{
    HPROPERTY p = GetProperty(GetProtocolFromName((LPSTR)proto), (LPSTR)label);
    LPPROPERTYINST pi = p ? FindPropertyInstance(hf, p) : NULL;

    CHECK_MSG(pi != NULL, "%s:%s not attached", proto, label);
    return pi;
}

/* The text of proto:label in hf, or "(null)". */
static const char *text_of(HFRAME hf, const char *proto, const char *label)
{
    static char buf[4][256];
    static int next;
    char *b = buf[next++ & 3];
    LPPROPERTYINST pi = find(hf, proto, label);

    memset(b, '#', 256);
    if (!pi || !GetPropertyText(hf, pi, b, 256)) return "(null)";
    return b;
}

static void test_proptext_builtin_texts(void)
{
    HFRAME hf = parse(dns_frame, sizeof(dns_frame));

    CHECK_STR(text_of(hf, "ETHERNET", "Ethernet Type"), "Ethernet Type = 0x0800 (IP)");
    CHECK_STR(text_of(hf, "ETHERNET", "Source Address"), "Source Address = 66:77:88:99:aa:bb");
    CHECK_STR(text_of(hf, "ETHERNET", "Summary"),
              "Summary = Ethernet II, 66:77:88:99:aa:bb -> 00:11:22:33:44:55, Type 0x0800 (IP)");
    CHECK_STR(text_of(hf, "IP", "Source Address"), "Source Address = 10.0.0.1");
    CHECK_STR(text_of(hf, "IP", "Protocol"), "Protocol = 17 (UDP)");
    CHECK_STR(text_of(hf, "IP", "Time to Live"), "Time to Live = 64 (0x40)");
    CHECK_STR(text_of(hf, "IP", "Flags Summary"), "Flags Summary = 0x2: Don't fragment");
    CHECK_STR(text_of(hf, "IP", "Summary"), "Summary = 10.0.0.1 -> 10.0.0.2, Protocol 17 (UDP), TTL 64, Length 61");
    CHECK_STR(text_of(hf, "UDP", "Source Port"), "Source Port = 1024");
    CHECK_STR(text_of(hf, "UDP", "Destination Port"), "Destination Port = 53 (DNS)");
    CHECK_STR(text_of(hf, "UDP", "Summary"), "Summary = 1024 -> 53 (DNS), Length 41");
    CHECK_STR(text_of(hf, "DNS", "Question Name"), "Question Name = www.example.com");
    CHECK_STR(text_of(hf, "DNS", "Question Type"), "Question Type = 1 (A)");
    CHECK_STR(text_of(hf, "DNS", "Flags"), "Flags = 0x100: Recursion desired");
    CHECK_STR(text_of(hf, "DNS", "Summary"),
              "Summary = Query 0xABCD, Standard query, No error, 1 question(s), 0 answer(s)");
    hf = parse(tcp6_frame, sizeof(tcp6_frame));
    CHECK_STR(text_of(hf, "IPV6", "Source Address"), "Source Address = 2001:db8::1");
    CHECK_STR(text_of(hf, "IPV6", "Destination Address"), "Destination Address = 2001:db8:0:1::2");
    CHECK_STR(text_of(hf, "TCP", "Flags"), "Flags = 0x18: PSH, ACK");
    CHECK_STR(text_of(hf, "TCP", "Destination Port"), "Destination Port = 80 (HTTP)");
    CHECK_STR(text_of(hf, "TCP", "Summary"),
              "Summary = 50000 -> 80 (HTTP), Flags PSH ACK, Seq 1, Ack 2, Window 65535");
}

static void test_proptext_get_bounds_and_bad_input(void)
{
    HFRAME hf = parse(dns_frame, sizeof(dns_frame)), stale;
    LPPROPERTYINST pi = find(hf, "UDP", "Destination Port");
    PROPERTYINST copy;
    char b[16];

    if (!pi) return;
    memset(b, '#', sizeof(b));
    CHECK_EQ_PTR(GetPropertyText(hf, pi, b, 5), b);        /* 4 characters and the NUL */
    CHECK_STR(b, "Dest");
    CHECK(b[5] == '#');
    memset(b, '#', sizeof(b));
    CHECK_EQ_PTR(GetPropertyText(hf, pi, b, 1), b);
    CHECK(b[0] == 0 && b[1] == '#');
    CHECK_EQ_PTR(GetPropertyText(hf, pi, b, 0), NULL);
    CHECK_EQ_PTR(GetPropertyText(hf, pi, NULL, 16), NULL);
    CHECK_EQ_PTR(GetPropertyText(hf, NULL, b, sizeof(b)), NULL);
    CHECK_EQ_PTR(GetPropertyText(NULL, pi, b, sizeof(b)), NULL);
    CHECK_EQ_PTR(GetPropertyText((HFRAME)(ULONG_PTR)0x12345, pi, b, sizeof(b)), NULL);
    copy = *pi;                                            /* not an instance of the frame */
    CHECK_EQ_PTR(GetPropertyText(hf, &copy, b, sizeof(b)), NULL);
    CHECK_EQ_PTR(GetPropertyText(hf, (LPPROPERTYINST)((BYTE *)pi + 1), b, sizeof(b)), NULL);
    CHECK_EQ_PTR(GetPropertyText(hf, pi, (LPSTR)(ULONG_PTR)0x20, sizeof(b)), NULL);  /* unwritable */
    stale = hf;
    hf = parse(tcp6_frame, sizeof(tcp6_frame));            /* the table moved on */
    CHECK_EQ_PTR(GetPropertyText(stale, pi, b, sizeof(b)), NULL);
}

static LABELED_WORD opcodes[] = { { 1, (LPSTR)"Premiere" }, { 2, (LPSTR)"Secondary" } };
static SET opcode_set = { 2, { opcodes } };

static void test_proptext_format_property_instance(void)
{
    PROPERTYINFO info = { 0, 0, (LPSTR)"Opcode", (LPSTR)"", PROP_TYPE_WORD, PROP_QUAL_LABELED_SET,
                          { &opcode_set }, 80, NULL };
    WORD op = 2;
    char text[80], small[16];
    PROPERTYINST pi;
    BYTE ip[4] = { 192, 0, 2, 7 };

    memset(&pi, 0, sizeof(pi));
    pi.lpPropertyInfo = &info;
    pi.szPropertyText = text;
    pi.lpData = &op;
    pi.DataLength = 2;
    CHECK_EQ_U(FormatPropertyInstance(&pi), NMERR_SUCCESS);
    CHECK_STR(text, "Opcode = 2 (Secondary)");
    info.DataQualifier = PROP_QUAL_NONE;
    CHECK_EQ_U(FormatPropertyInstance(&pi, 1, 2, 3), NMERR_SUCCESS);   /* extra arguments ignored */
    CHECK_STR(text, "Opcode = 2 (0x2)");
    info.DataType = PROP_TYPE_IP_ADDRESS;
    info.Label = (LPSTR)"Address";
    pi.lpData = ip;
    pi.DataLength = 4;
    CHECK_EQ_U(FormatPropertyInstance(&pi), NMERR_SUCCESS);
    CHECK_STR(text, "Address = 192.0.2.7");
    /* FormatStringSize bounds what is written */
    info.FormatStringSize = 9;
    memset(small, '#', sizeof(small));
    pi.szPropertyText = small;
    CHECK_EQ_U(FormatPropertyInstance(&pi), NMERR_SUCCESS);
    CHECK_STR(small, "Address ");
    CHECK(small[9] == '#');
    /* szPropertyText NULL: pointed at a per-thread buffer holding the text */
    info.FormatStringSize = 80;
    pi.szPropertyText = NULL;
    CHECK_EQ_U(FormatPropertyInstance(&pi), NMERR_SUCCESS);
    CHECK(pi.szPropertyText != NULL);
    if (pi.szPropertyText) CHECK_STR(pi.szPropertyText, "Address = 192.0.2.7");
    /* bad input: a clear error, nothing written */
    CHECK_EQ_U(FormatPropertyInstance(NULL), NMERR_INVALID_PARAMETER);
    CHECK_EQ_U(FormatPropertyInstance((LPPROPERTYINST)(ULONG_PTR)0x40), NMERR_INVALID_PARAMETER);
    pi.szPropertyText = text;
    pi.lpPropertyInfo = (LPPROPERTYINFO)(ULONG_PTR)0x40;
    memset(text, '#', sizeof(text));
    CHECK_EQ_U(FormatPropertyInstance(&pi), NMERR_INVALID_PARAMETER);
    CHECK(text[0] == '#');
    pi.lpPropertyInfo = &info;
    pi.szPropertyText = (LPSTR)(ULONG_PTR)0x40;
    CHECK_EQ_U(FormatPropertyInstance(&pi), NMERR_INVALID_PARAMETER);
    pi.szPropertyText = text;
    pi.lpData = (LPVOID)(ULONG_PTR)0x40;                  /* unreadable data: said so */
    CHECK_EQ_U(FormatPropertyInstance(&pi), NMERR_SUCCESS);
    CHECK_STR(text, "Address = (unreadable data)");
}

/* ---- the FORMAT convention through a protocol's own FormatProperties --------------
 * FMTTEST's FormatProperties stands in for a legacy parser's: it is swapped in for the
 * DNS protocol of a parsed frame (white-box), so GetPropertyText calls it with DNS's
 * instances. */
static int fmt_mode;
static VOID WINAPI fmt_register(HPROTOCOL h) { (void)h; }
static LPBYTE WINAPI fmt_recognize(HFRAME f, ULPBYTE a, ULPBYTE b, DWORD c, DWORD d, HPROTOCOL e,
                                   DWORD g, LPDWORD st, LPHPROTOCOL n, PDWORD_PTR i)
{
    *st = PROTOCOL_STATUS_CLAIMED;
    return NULL;
}
static LPBYTE WINAPI fmt_attach(HFRAME f, ULPBYTE a, ULPBYTE b, DWORD c, DWORD d, HPROTOCOL e,
                                DWORD g, DWORD_PTR i)
{
    return NULL;
}
static DWORD WINAPI fmt_format(HFRAME f, ULPBYTE frame, ULPBYTE data, DWORD n, LPPROPERTYINST pi)
{
    DWORD i;

    for (i = 0; i < n; i++) {
        if (fmt_mode == 0) {            /* Blrplate: the stored formatter, one argument */
            VOID (WINAPIV *generic)(LPPROPERTYINST, ...) = (VOID (WINAPIV *)(LPPROPERTYINST, ...))(void *)FormatPropertyInstance;
            FORMAT fmt;
            memcpy(&fmt, &generic, sizeof(fmt));
            fmt(&pi[i]);
        } else if (fmt_mode == 1) {     /* a wsprintf-sized text, far past FormatStringSize */
            memset(pi[i].szPropertyText, 'A', 1000);
            pi[i].szPropertyText[1000] = 0;
        } else if (fmt_mode == 2) {     /* its own static text */
            static char own[] = "Own text";
            pi[i].szPropertyText = own;
        } else {                        /* a fault */
            volatile int *volatile bad = (volatile int *)(ULONG_PTR)0x10;
            *bad = 1;
        }
    }
    return NMERR_SUCCESS;
}

static void test_proptext_parser_format_properties(void)
{
    ENTRYPOINTS ep = { fmt_register, NULL, fmt_recognize, fmt_attach, fmt_format };
    HPROTOCOL h = CreateProtocol((LPSTR)"FMTTEST", &ep, sizeof(ep));
    HFRAME hf = parse(dns_frame, sizeof(dns_frame));
    LPPROPERTYINST pi = find(hf, "DNS", "Question Name");
    struct nm_ptable *t;
    struct nm_protocol *saved = NULL;
    unsigned k = 0;
    char b[64];

    CHECK(h != NULL);
    if (!h || !pi || !(t = nm_engine_table_lock(hf))) { if (h) DestroyProtocol(h); return; }
    for (k = 0; k < t->nprot; k++)
        if (t->prot[k].proto == nm_engine_protocol(GetProtocolFromName((LPSTR)"DNS"))) break;
    if (k < t->nprot) {
        saved = t->prot[k].proto;
        t->prot[k].proto = nm_engine_protocol(h);
    }
    nm_engine_table_unlock(t);
    CHECK(saved != NULL);
    if (saved) {
        fmt_mode = 0;
        CHECK_STR(GetPropertyText(hf, pi, b, sizeof(b)), "Question Name = www.example.com");
        fmt_mode = 1;
        memset(b, '#', sizeof(b));
        CHECK_EQ_PTR(GetPropertyText(hf, pi, b, sizeof(b)), b);     /* cut to the caller's 64 */
        CHECK_EQ_U(strlen(b), sizeof(b) - 1);
        fmt_mode = 2;
        CHECK_STR(GetPropertyText(hf, pi, b, sizeof(b)), "Own text");
        fmt_mode = 3;
        CHECK_EQ_PTR(GetPropertyText(hf, pi, b, sizeof(b)), NULL);  /* the fault is caught */
        fmt_mode = 0;
        CHECK_STR(GetPropertyText(hf, pi, b, sizeof(b)), "Question Name = www.example.com");
        if ((t = nm_engine_table_lock(hf))) {
            t->prot[k].proto = saved;
            nm_engine_table_unlock(t);
        }
    }
    DestroyProtocol(h);
}

static const struct nm_test tests[] = {
    NM_TEST(test_proptext_builtin_texts),
    NM_TEST(test_proptext_get_bounds_and_bad_input),
    NM_TEST(test_proptext_format_property_instance),
    NM_TEST(test_proptext_parser_format_properties),
    NM_TEST_END
};
const struct nm_suite suite_proptext = { "proptext", init, NULL, tests };
