/*
 * test_filter.c - suite "filter" (shim/filter.c, shim/filterapi.c): CreateFilter handles
 * with FILTERDESC2 layout, FilterAddObject's checks (forged handles, unsupported actions,
 * operators without operands), and the program's results on a known frame for every
 * supported action, the SDK samples' own programs included. White-box (links the core).
 */
#include <string.h>
#include "test_util.h"
#include "engine.h"

static int init(void) { nm_engine_init(); return 0; }

/* Ethernet / IPv4 TTL 64 10.0.0.1 -> 10.0.0.2 / UDP 1024 -> 53 / DNS query
 * "www.example.com" A, flags 0x0100 (RD). */
static const BYTE frame[80] = {
    0x00,0x11,0x22,0x33,0x44,0x55, 0x66,0x77,0x88,0x99,0xaa,0xbb, 0x08,0x00,
    0x45,0x00,0x00,0x3d, 0x12,0x34,0x40,0x00, 0x40,0x11,0x00,0x00, 10,0,0,1, 10,0,0,2,
    0x04,0x00,0x00,0x35, 0x00,0x29,0x00,0x00,
    0xab,0xcd,0x01,0x00, 0x00,0x01,0x00,0x00, 0x00,0x00,0x00,0x00,
    3,'w','w','w',7,'e','x','a','m','p','l','e',3,'c','o','m',0, 0x00,0x01,0x00,0x01,
};
static HFRAME hf;

static HPROPERTY prop(const char *proto, const char *label)
{
    return GetProperty(GetProtocolFromName((LPSTR)proto), (LPSTR)label);
}

static void load(void)
{
    static struct nm_ptable *t;
    if (!t) t = nm_engine_table_acquire();
    hf = nm_engine_table_load(t, frame, sizeof(frame), 1, 0);
}

/* Objects, one per action; returns FilterFrame's result on the frame. */
struct o { DWORD action; HPROPERTY hp; DWORD value; const void *ptr; };
static DWORD run(const struct o *objs, unsigned n)
{
    HFILTER f = CreateFilter();
    DWORD r, i;

    for (i = 0; i < n; i++) {
        FILTEROBJECT2 fo;
        memset(&fo, 0, sizeof(fo));
        fo.Action = objs[i].action;
        fo.hProperty = objs[i].hp;
        if (objs[i].ptr) fo.lpArray = (LPVOID)objs[i].ptr;
        else fo.Value = objs[i].value;
        CHECK_EQ_U(FilterAddObject(f, &fo), NMERR_SUCCESS);
    }
    load();
    r = FilterFrame(hf, f, NULL);
    CHECK_EQ_U(DestroyFilter(f), NMERR_SUCCESS);
    return r;
}

static void test_filter_handles_and_checks(void)
{
    HFILTER f = CreateFilter(), d;
    FILTEROBJECT2 o;
    int x;

    CHECK(f != NULL);
    FilterSetUIInstanceData(f, &x);                  /* the header's macros work on it */
    CHECK_EQ_PTR(FilterGetUIInstanceData(f), &x);
    memset(&o, 0, sizeof(o));
    CHECK_EQ_U(FilterAddObject((HFILTER)&o, &o), NMERR_INVALID_HFILTER);
    CHECK_EQ_U(FilterAddObject(NULL, &o), NMERR_INVALID_HFILTER);
    CHECK_EQ_U(FilterAddObject(f, NULL), NMERR_INVALID_PARAMETER);
    CHECK_EQ_U(FilterAddObject(f, (LPFILTEROBJECT2)(ULONG_PTR)12), NMERR_INVALID_PARAMETER);
    o.Action = FILTERACTION_PLUS;
    CHECK_EQ_U(FilterAddObject(f, &o), NMERR_NOT_SUPPORTED);
    o.Action = 1000;
    CHECK_EQ_U(FilterAddObject(f, &o), NMERR_NOT_SUPPORTED);
    o.Action = FILTERACTION_AND;
    CHECK_EQ_U(FilterAddObject(f, &o), NMERR_FILTER_INVALID_EXPRESSION);
    o.Action = FILTERACTION_PROPERTY;
    o.hProperty = 0x77;
    CHECK_EQ_U(FilterAddObject(f, &o), NMERR_INVALID_HPROPERTY);
    o.Action = FILTERACTION_PROTOCOLEXIST;
    o.hProtocol = (HPROTOCOL)&o;
    CHECK_EQ_U(FilterAddObject(f, &o), NMERR_INVALID_HPROTOCOL);
    o.Action = FILTERACTION_STRING;
    o.lpArray = (LPVOID)(ULONG_PTR)4;
    CHECK_EQ_U(FilterAddObject(f, &o), NMERR_INVALID_PARAMETER);
    CHECK(!FilterAttachesProperties(f));
    o.Action = FILTERACTION_PROTOCOLEXIST;
    o.hProtocol = GetProtocolFromName((LPSTR)"UDP");
    CHECK_EQ_U(FilterAddObject(f, &o), NMERR_SUCCESS);
    CHECK_EQ_U(((LPFILTERDESC2)f)->NumEntries, 1);
    d = FilterDuplicate(f);
    CHECK(d != NULL && d != f);
    CHECK_EQ_PTR(FilterGetUIInstanceData(d), &x);
    load();
    CHECK_EQ_U(FilterFrame(hf, f, NULL), 1);
    CHECK_EQ_U(FilterFrame(hf, d, NULL), 1);
    CHECK_EQ_U(FilterFrame(NULL, f, NULL), (DWORD)-1);
    CHECK_EQ_U(FilterFrame(hf, (HFILTER)&o, NULL), (DWORD)-1);
    CHECK_EQ_U(DestroyFilter(f), NMERR_SUCCESS);
    CHECK_EQ_U(DestroyFilter(f), NMERR_INVALID_HFILTER);     /* stale */
    CHECK_EQ_U(FilterFrame(hf, d, NULL), 1);                 /* the copy is its own */
    CHECK_EQ_PTR(FilterDuplicate(f), NULL);
    CHECK_EQ_U(DestroyFilter(d), NMERR_SUCCESS);
    CHECK_EQ_U(DestroyFilter((HFILTER)(ULONG_PTR)0x1000), NMERR_INVALID_HFILTER);
}

static void test_filter_programs(void)
{
    HPROPERTY ttl = prop("IP", "Time to Live"), name = prop("DNS", "Question Name");
    HPROPERTY dst = prop("IP", "Destination Address"), flags = prop("DNS", "Flags");
    HPROPERTY esrc = prop("ETHERNET", "Source Address"), tflags = prop("TCP", "Flags");
    HPROTOCOL udp = GetProtocolFromName((LPSTR)"UDP"), tcp = GetProtocolFromName((LPSTR)"TCP");
    ADDRESS2 ip, eth;
    struct { DWORD n; HPROTOCOL h[2]; } pt = { 2, { tcp, GetProtocolFromName((LPSTR)"DNS") } };
    struct { DWORD n; HPROTOCOL h[1]; } pt_tcp = { 1, { tcp } }, pt_any = { (DWORD)PROTOCOL_NUM_ANY, { NULL } };

    memset(&ip, 0, sizeof(ip));
    memcpy(ip.IPAddress, "\x0a\x00\x00\x02", 4);
    memset(&eth, 0, sizeof(eth));
    memcpy(eth.MACAddress, frame + 6, 6);
    /* the Blrplate expert's program: PROTOCOLEXIST TCP */
    { struct o p[] = { { FILTERACTION_PROTOCOLEXIST, 0, 0, tcp } }; CHECK_EQ_U(run(p, 1), 0); }
    { struct o p[] = { { FILTERACTION_PROTOCOLEXIST, 0, 0, udp } }; CHECK_EQ_U(run(p, 1), 1); }
    /* PropDist's: PROPERTY then PROPERTYEXIST with hProperty still set */
    { struct o p[] = { { FILTERACTION_PROPERTY, name, 0, 0 }, { FILTERACTION_PROPERTYEXIST, name, 0, 0 } };
      CHECK_EQ_U(run(p, 2), 1); }
    { struct o p[] = { { FILTERACTION_PROPERTY, tflags, 0, 0 }, { FILTERACTION_PROPERTYEXIST, tflags, 0, 0 } };
      CHECK_EQ_U(run(p, 2), 0); }
    { struct o p[] = { { FILTERACTION_PROPERTYEXIST, ttl, 0, 0 } }; CHECK_EQ_U(run(p, 1), 1); }
    { struct o p[] = { { FILTERACTION_PROTOCOLSEXIST, 0, 0, &pt } }; CHECK_EQ_U(run(p, 1), 1); }
    { struct o p[] = { { FILTERACTION_PROTOCOLSEXIST, 0, 0, &pt_tcp } }; CHECK_EQ_U(run(p, 1), 0); }
    { struct o p[] = { { FILTERACTION_PROTOCOLSEXIST, 0, 0, &pt_any } }; CHECK_EQ_U(run(p, 1), 1); }
    /* comparisons on a number */
    { struct o p[] = { { FILTERACTION_PROPERTY, ttl, 0, 0 }, { FILTERACTION_VALUE, 0, 64, 0 }, { FILTERACTION_EQUAL, 0, 0, 0 } };
      CHECK_EQ_U(run(p, 3), 1); }
    { struct o p[] = { { FILTERACTION_PROPERTY, ttl, 0, 0 }, { FILTERACTION_VALUE, 0, 64, 0 }, { FILTERACTION_NOTEQUAL, 0, 0, 0 } };
      CHECK_EQ_U(run(p, 3), 0); }
    { struct o p[] = { { FILTERACTION_PROPERTY, ttl, 0, 0 }, { FILTERACTION_VALUE, 0, 63, 0 }, { FILTERACTION_GREATER, 0, 0, 0 } };
      CHECK_EQ_U(run(p, 3), 1); }
    { struct o p[] = { { FILTERACTION_PROPERTY, ttl, 0, 0 }, { FILTERACTION_VALUE, 0, 64, 0 }, { FILTERACTION_LESS, 0, 0, 0 } };
      CHECK_EQ_U(run(p, 3), 0); }
    { struct o p[] = { { FILTERACTION_PROPERTY, ttl, 0, 0 }, { FILTERACTION_VALUE, 0, 64, 0 }, { FILTERACTION_LESSEQUALNC, 0, 0, 0 } };
      CHECK_EQ_U(run(p, 3), 1); }
    { struct o p[] = { { FILTERACTION_VALUE, 0, 65, 0 }, { FILTERACTION_PROPERTY, ttl, 0, 0 }, { FILTERACTION_GREATEREQUAL, 0, 0, 0 } };
      CHECK_EQ_U(run(p, 3), 1); }                     /* 65 >= ttl: operands in push order */
    /* strings */
    { struct o p[] = { { FILTERACTION_PROPERTY, name, 0, 0 }, { FILTERACTION_STRING, 0, 0, "www.example.com" }, { FILTERACTION_EQUAL, 0, 0, 0 } };
      CHECK_EQ_U(run(p, 3), 1); }
    { struct o p[] = { { FILTERACTION_PROPERTY, name, 0, 0 }, { FILTERACTION_STRING, 0, 0, "WWW.Example.COM" }, { FILTERACTION_EQUAL, 0, 0, 0 } };
      CHECK_EQ_U(run(p, 3), 0); }
    { struct o p[] = { { FILTERACTION_PROPERTY, name, 0, 0 }, { FILTERACTION_STRING, 0, 0, "WWW.Example.COM" }, { FILTERACTION_EQUALNC, 0, 0, 0 } };
      CHECK_EQ_U(run(p, 3), 1); }
    { struct o p[] = { { FILTERACTION_PROPERTY, name, 0, 0 }, { FILTERACTION_STRING, 0, 0, "EXAMPLE" }, { FILTERACTION_CONTAINS, 0, 0, 0 } };
      CHECK_EQ_U(run(p, 3), 0); }
    { struct o p[] = { { FILTERACTION_PROPERTY, name, 0, 0 }, { FILTERACTION_STRING, 0, 0, "EXAMPLE" }, { FILTERACTION_CONTAINSNC, 0, 0, 0 } };
      CHECK_EQ_U(run(p, 3), 1); }
    /* addresses */
    { struct o p[] = { { FILTERACTION_PROPERTY, dst, 0, 0 }, { FILTERACTION_ADDR_IP, 0, 0, &ip }, { FILTERACTION_EQUAL, 0, 0, 0 } };
      CHECK_EQ_U(run(p, 3), 1); }
    { struct o p[] = { { FILTERACTION_PROPERTY, esrc, 0, 0 }, { FILTERACTION_ADDR_ETHER, 0, 0, &eth }, { FILTERACTION_EQUAL, 0, 0, 0 } };
      CHECK_EQ_U(run(p, 3), 1); }
    { struct o p[] = { { FILTERACTION_PROPERTY, esrc, 0, 0 }, { FILTERACTION_ADDR_IP, 0, 0, &ip }, { FILTERACTION_EQUAL, 0, 0, 0 } };
      CHECK_EQ_U(run(p, 3), 0); }                     /* 6 bytes vs 4: never equal */
    /* bits: DNS flags 0x0100 */
    { struct o p[] = { { FILTERACTION_PROPERTY, flags, 0, 0 }, { FILTERACTION_VALUE, 0, 0x0100, 0 }, { FILTERACTION_AREBITSON, 0, 0, 0 } };
      CHECK_EQ_U(run(p, 3), 1); }
    { struct o p[] = { { FILTERACTION_PROPERTY, flags, 0, 0 }, { FILTERACTION_VALUE, 0, 0x8000, 0 }, { FILTERACTION_AREBITSOFF, 0, 0, 0 } };
      CHECK_EQ_U(run(p, 3), 1); }
    { struct o p[] = { { FILTERACTION_PROPERTY, flags, 0, 0 }, { FILTERACTION_VALUE, 0, 0x8100, 0 }, { FILTERACTION_AREBITSON, 0, 0, 0 } };
      CHECK_EQ_U(run(p, 3), 0); }
    /* logic */
    { struct o p[] = { { FILTERACTION_PROTOCOLEXIST, 0, 0, udp }, { FILTERACTION_PROTOCOLEXIST, 0, 0, tcp }, { FILTERACTION_AND, 0, 0, 0 } };
      CHECK_EQ_U(run(p, 3), 0); }
    { struct o p[] = { { FILTERACTION_PROTOCOLEXIST, 0, 0, udp }, { FILTERACTION_PROTOCOLEXIST, 0, 0, tcp }, { FILTERACTION_OR, 0, 0, 0 } };
      CHECK_EQ_U(run(p, 3), 1); }
    { struct o p[] = { { FILTERACTION_PROTOCOLEXIST, 0, 0, udp }, { FILTERACTION_PROTOCOLEXIST, 0, 0, udp }, { FILTERACTION_XOR, 0, 0, 0 } };
      CHECK_EQ_U(run(p, 3), 0); }
    { struct o p[] = { { FILTERACTION_PROTOCOLEXIST, 0, 0, tcp }, { FILTERACTION_NOT, 0, 0, 0 } };
      CHECK_EQ_U(run(p, 2), 1); }
    /* an empty filter passes */
    CHECK_EQ_U(run(NULL, 0), 1);
}

static const struct nm_test tests[] = {
    NM_TEST(test_filter_handles_and_checks),
    NM_TEST(test_filter_programs),
    NM_TEST_END
};
const struct nm_suite suite_filter = { "filter", init, NULL, tests };
