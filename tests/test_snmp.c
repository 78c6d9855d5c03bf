/*
 * test_snmp.c - suite "snmp" (shim/snmp.c): BER object identifiers through nmapi.dll,
 * checked against known encodings (X.690 §8.19: {2 999 3} is 88 37 03; sysDescr.0
 * 1.3.6.1.2.1.1.1.0 is 2B 06 01 02 01 01 01 00; rsadsi 1.2.840.113549 is 2A 86 48 86 F7 0D),
 * invalid encodings, buffer sizes, and the containment flags.
 */
#include <string.h>
#include "test_util.h"

static struct {
    DWORD (WINAPI *Decode)(LPBYTE, DWORD, LPOBJECT_IDENTIFIER);
    DWORD (WINAPI *Encode)(LPBYTE, LPDWORD, LPOBJECT_IDENTIFIER);
    BOOL  (WINAPI *IsValid)(LPOBJECT_IDENTIFIER);
    BOOL  (WINAPI *Contains)(LPBYTE, WORD, LPBYTE, WORD, DWORD);
} s;

static int init(void)
{
    FARPROC p[4];

    if (nm_load_nmapi()) return -1;
    p[0] = GetProcAddress(nm.dll, "DecodeSNMPObjectIdentifier");
    p[1] = GetProcAddress(nm.dll, "EncodeSNMPObjectIdentifier");
    p[2] = GetProcAddress(nm.dll, "IsValidSNMPObjectIdentifier");
    p[3] = GetProcAddress(nm.dll, "ObjectIdentifierContains");
    if (!p[0] || !p[1] || !p[2] || !p[3]) return -1;
    memcpy(&s.Decode, &p[0], sizeof(p[0]));
    memcpy(&s.Encode, &p[1], sizeof(p[1]));
    memcpy(&s.IsValid, &p[2], sizeof(p[2]));
    memcpy(&s.Contains, &p[3], sizeof(p[3]));
    return 0;
}

static const struct { BYTE enc[16]; DWORD len; DWORD arcs[12]; DWORD n; } known[] = {
    { { 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x01, 0x00 }, 8, { 1, 3, 6, 1, 2, 1, 1, 1, 0 }, 9 },
    { { 0x88, 0x37, 0x03 }, 3, { 2, 999, 3 }, 3 },
    { { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d }, 6, { 1, 2, 840, 113549 }, 4 },
    { { 0x00 }, 1, { 0, 0 }, 2 },
    { { 0x8f, 0xff, 0xff, 0xff, 0x7f }, 5, { 2, 0xffffffffu - 80 }, 2 },
};

static void test_snmp_decode_known(void)
{
    DWORD arcs[20], i, j;
    OBJECT_IDENTIFIER oid;

    for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
        memset(arcs, 0xee, sizeof(arcs));
        oid.Length = sizeof(arcs);              /* PropDist sets a byte capacity first */
        oid.lpIdentifier = arcs;
        CHECK_EQ_U(s.Decode((LPBYTE)known[i].enc, known[i].len, &oid), NMERR_SUCCESS);
        CHECK_EQ_U(oid.Length, known[i].n);
        for (j = 0; j < known[i].n; j++) CHECK_EQ_U(arcs[j], known[i].arcs[j]);
        CHECK_EQ_U(arcs[known[i].n], 0xeeeeeeeeu);          /* nothing past the arcs */
    }
}

static void test_snmp_encode_known(void)
{
    BYTE buf[16];
    DWORD len, i;
    OBJECT_IDENTIFIER oid;

    for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
        oid.Length = known[i].n;
        oid.lpIdentifier = (LPDWORD)known[i].arcs;
        memset(buf, 0xee, sizeof(buf));
        len = sizeof(buf);
        CHECK_EQ_U(s.Encode(buf, &len, &oid), NMERR_SUCCESS);
        CHECK_EQ_U(len, known[i].len);
        CHECK(!memcmp(buf, known[i].enc, known[i].len));
        CHECK_EQ_U(buf[known[i].len], 0xee);
        CHECK(s.IsValid(&oid));
        /* one byte short: NMERR_BUFFER_TOO_SMALL, the length needed, the buffer untouched */
        memset(buf, 0xee, sizeof(buf));
        len = known[i].len - 1;
        CHECK_EQ_U(s.Encode(buf, &len, &oid), NMERR_BUFFER_TOO_SMALL);
        CHECK_EQ_U(len, known[i].len);
        CHECK_EQ_U(buf[0], 0xee);
    }
}

static void test_snmp_invalid(void)
{
    static BYTE padded[] = { 0x2b, 0x80, 0x01 }, cut[] = { 0x2b, 0x86 }, huge[] = { 0x2b, 0x90, 0x80, 0x80, 0x80, 0x00 };
    DWORD arcs[8] = { 0 }, bad1[] = { 1, 40 }, bad2[] = { 3, 1 }, one[] = { 1 }, len = 8;
    OBJECT_IDENTIFIER oid = { 8, arcs };
    BYTE buf[8];

    CHECK_EQ_U(s.Decode(padded, sizeof(padded), &oid), NMERR_INVALID_PARAMETER);
    CHECK_EQ_U(s.Decode(cut, sizeof(cut), &oid), NMERR_INVALID_PARAMETER);
    CHECK_EQ_U(s.Decode(huge, sizeof(huge), &oid), NMERR_INVALID_PARAMETER);   /* > 32 bits */
    CHECK_EQ_U(s.Decode(padded, 0, &oid), NMERR_INVALID_PARAMETER);
    CHECK_EQ_U(s.Decode(NULL, 3, &oid), NMERR_INVALID_PARAMETER);
    CHECK_EQ_U(s.Decode(padded, 3, NULL), NMERR_INVALID_PARAMETER);
    CHECK_EQ_U(oid.Length, 8);                 /* untouched by the failures */
    oid.lpIdentifier = bad1; oid.Length = 2;
    CHECK(!s.IsValid(&oid));
    CHECK_EQ_U(s.Encode(buf, &len, &oid), NMERR_INVALID_PARAMETER);
    oid.lpIdentifier = bad2;
    CHECK(!s.IsValid(&oid));
    oid.lpIdentifier = one; oid.Length = 1;
    CHECK(!s.IsValid(&oid));
    CHECK(!s.IsValid(NULL));
    oid.lpIdentifier = NULL; oid.Length = 2;
    CHECK(!s.IsValid(&oid));
}

static void test_snmp_contains(void)
{
    /* 1.3.6.1.2.1.1.1.0 */
    BYTE oid[] = { 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x01, 0x00 };
    BYTE mib2[] = { 0x2b, 0x06, 0x01, 0x02, 0x01 }, tail[] = { 0x01, 0x00 }, mid[] = { 0x02, 0x01, 0x01 };
    BYTE big[] = { 0x2b, 0x86, 0x48 }, inner[] = { 0x48 };   /* 1.3.840: 0x48 is not an arc start */

    CHECK(s.Contains(mib2, sizeof(mib2), oid, sizeof(oid), 1));
    CHECK(!s.Contains(tail, sizeof(tail), oid, sizeof(oid), 1));
    CHECK(s.Contains(tail, sizeof(tail), oid, sizeof(oid), 2));
    CHECK(!s.Contains(mib2, sizeof(mib2), oid, sizeof(oid), 2));
    CHECK(s.Contains(mid, sizeof(mid), oid, sizeof(oid), 3));
    CHECK(!s.Contains(mid, sizeof(mid), oid, sizeof(oid), 1));
    CHECK(s.Contains(oid, sizeof(oid), oid, sizeof(oid), 0));
    CHECK(!s.Contains(mib2, sizeof(mib2), oid, sizeof(oid), 0));
    CHECK(!s.Contains(inner, sizeof(inner), big, sizeof(big), 3));
    CHECK(!s.Contains(NULL, 2, oid, sizeof(oid), 3));
    CHECK(!s.Contains(oid, sizeof(oid), mib2, sizeof(mib2), 3));   /* longer than the OID */
}

static const struct nm_test tests[] = {
    NM_TEST(test_snmp_decode_known),
    NM_TEST(test_snmp_encode_known),
    NM_TEST(test_snmp_invalid),
    NM_TEST(test_snmp_contains),
    NM_TEST_END
};

const struct nm_suite suite_snmp = { "snmp", init, NULL, tests };
