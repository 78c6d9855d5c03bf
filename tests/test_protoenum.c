/*
 * test_protoenum.c - suite "protoenum": EnumProtocols, GetMaxAmountOfProtocols,
 * GetProtocolFromProperty, GetProtocolFromProtocolID, GetProtocolDLLName (shim/protoenum.c),
 * black-box through nmapi.dll's own exports: their answers agree with GetEnabledProtocols,
 * GetProtocolInfo and GetProperty for every protocol, built-in and a plug-in parser
 * (t_zap_parser.dll loaded with NmShimLoadParser), and bad handles get NULL; and
 * BuildINIPath where it has a folder, called by a parser (t_inipath_parser.dll). (The
 * i686 argument sizes and NULL/random arguments: suites compat and parserdll.)
 */
#include <string.h>
#include "test_util.h"

typedef LPPROTOCOLTABLE (WINAPI *ENUMFN)(VOID);
typedef DWORD (WINAPI *MAXFN)(VOID);
typedef HPROTOCOL (WINAPI *FROMPROPFN)(HPROPERTY);
typedef HPROTOCOL (WINAPI *FROMIDFN)(DWORD);
typedef LPSTR (WINAPI *DLLNAMEFN)(HPROTOCOL);
typedef LPPROTOCOLTABLE (WINAPI *ENABLEDFN)(HCAPTURE);
typedef LPPROTOCOLINFO (WINAPI *INFOFN)(HPROTOCOL);
typedef HPROTOCOL (WINAPI *BYNAMEFN)(LPSTR);
typedef HPROPERTY (WINAPI *PROPFN)(HPROTOCOL, LPSTR);
typedef DWORD (WINAPI *LOADPARSERFN)(LPCSTR, LPSTR, DWORD);

static ENUMFN enum_protocols;
static MAXFN max_protocols;
static FROMPROPFN from_property;
static FROMIDFN from_id;
static DLLNAMEFN dll_name;
static ENABLEDFN enabled;
static INFOFN info;
static BYNAMEFN by_name;
static PROPFN property;
static LOADPARSERFN load_parser;

#define GET(var, type, name) (var = (type)(void *)GetProcAddress(nm.dll, name))

static int init(void)
{
    if (nm_load_nmapi()) return -1;
    return GET(enum_protocols, ENUMFN, "EnumProtocols") && GET(max_protocols, MAXFN, "GetMaxAmountOfProtocols") &&
           GET(from_property, FROMPROPFN, "GetProtocolFromProperty") && GET(from_id, FROMIDFN, "GetProtocolFromProtocolID") &&
           GET(dll_name, DLLNAMEFN, "GetProtocolDLLName") && GET(enabled, ENABLEDFN, "GetEnabledProtocols") &&
           GET(info, INFOFN, "GetProtocolInfo") && GET(by_name, BYNAMEFN, "GetProtocolFromName") &&
           GET(property, PROPFN, "GetProperty") && GET(load_parser, LOADPARSERFN, "NmShimLoadParser") ? 0 : -1;
}

/* Every protocol of the table: found again by its ID, and its DLL named. */
static void check_table(LPPROTOCOLTABLE t, const char *plugin_proto, const char *plugin_dll)
{
    DWORD i;

    for (i = 0; i < t->nProtocols; i++) {
        HPROTOCOL h = t->hProtocol[i];
        LPPROTOCOLINFO pi = info(h);
        const char *dll = dll_name(h);

        CHECK_MSG(pi != NULL, "protocol %lu of the table has no info", i);
        if (!pi) continue;
        CHECK_MSG(from_id(pi->ProtocolID) == h, "%s: ID %lu finds %p", pi->ProtocolName,
                  pi->ProtocolID, (void *)from_id(pi->ProtocolID));
        CHECK_STR(dll, plugin_proto && !strcmp((char *)pi->ProtocolName, plugin_proto) ? plugin_dll : "nmapi.dll");
    }
}

static void test_protoenum_builtin(void)
{
    LPPROTOCOLTABLE t = enum_protocols();
    HPROTOCOL tcp = by_name((LPSTR)"TCP"), ip = by_name((LPSTR)"IP");
    HPROPERTY port = property(tcp, (LPSTR)"Destination Port");
    int local;

    CHECK_EQ_PTR(t, enabled(NULL));                 /* every protocol is enabled */
    CHECK(t && t->nProtocols >= 10);
    CHECK_EQ_U(max_protocols(), 64);
    if (!t) return;
    CHECK(t->nProtocols <= max_protocols());
    check_table(t, NULL, NULL);

    CHECK(tcp != NULL && ip != NULL && port != 0);
    CHECK_EQ_PTR(from_property(port), tcp);
    CHECK_EQ_PTR(from_property(property(ip, (LPSTR)"Source Address")), ip);
    CHECK_STR(dll_name(tcp), "nmapi.dll");

    CHECK_EQ_PTR(from_property(0), NULL);           /* bad handles */
    CHECK_EQ_PTR(from_property((HPROPERTY)(ULONG_PTR)0x12345), NULL);
    CHECK_EQ_PTR(from_property((HPROPERTY)((ULONG_PTR)port + 0x1000)), NULL);   /* past TCP's database */
    CHECK_EQ_PTR(from_id(0), NULL);
    CHECK_EQ_PTR(from_id(t->nProtocols + 1000), NULL);
    CHECK_EQ_PTR(dll_name(NULL), NULL);
    CHECK_EQ_PTR(dll_name((HPROTOCOL)&local), NULL);
}

static void test_protoenum_plugin(void)
{
    char err[300];
    LPPROTOCOLTABLE t = enum_protocols();
    DWORD before = t ? t->nProtocols : 0;
    HPROTOCOL zap;

    CHECK_EQ_U(load_parser(nm_test_path("t_zap_parser.dll"), err, sizeof(err)), NMERR_SUCCESS);
    zap = by_name((LPSTR)"ZAP");
    CHECK(zap != NULL);
    if (!zap || !t) return;
    CHECK_EQ_U(t->nProtocols, before + 1);          /* the same table, one more protocol */
    CHECK_STR(dll_name(zap), "t_zap_parser.dll");
    CHECK_EQ_PTR(from_id(info(zap)->ProtocolID), zap);
    check_table(enum_protocols(), "ZAP", "t_zap_parser.dll");
}

/* BuildINIPath (shim/parserlib.c) has a folder only inside a parser's entry point:
 * t_inipath_parser.dll calls it from Register and exports what it got. */
static void test_protoenum_buildinipath_in_parser(void)
{
    char err[300], want[MAX_PATH], *slash;
    HMODULE m;
    const char *good, *ini;
    const int *good_ret, *bad_ret, *calls;

    CHECK_EQ_U(load_parser(nm_test_path("t_inipath_parser.dll"), err, sizeof(err)), NMERR_SUCCESS);
    m = GetModuleHandleA("t_inipath_parser.dll");
    CHECK(m != NULL);
    if (!m) return;
    good = (const char *)(void *)GetProcAddress(m, "InipathGood");
    ini = (const char *)(void *)GetProcAddress(m, "InipathIni");
    good_ret = (const int *)(void *)GetProcAddress(m, "InipathGoodRet");
    bad_ret = (const int *)(void *)GetProcAddress(m, "InipathBadRet");
    calls = (const int *)(void *)GetProcAddress(m, "InipathCalls");
    CHECK(good && ini && good_ret && bad_ret && calls);
    if (!good || !ini || !good_ret || !bad_ret || !calls) return;
    CHECK_EQ_U(*calls, 1);
    CHECK_EQ_U(*good_ret, 1);
    CHECK_EQ_U(*bad_ret, 1);
    /* the folder of the parser DLL (as the loader has it) + "t_inipath.ini" */
    CHECK(GetModuleFileNameA(m, want, sizeof(want)) > 0);
    if ((slash = strrchr(want, '\\'))) strcpy(slash + 1, "t_inipath.ini");
    CHECK(lstrcmpiA(good, want) == 0);
    CHECK_MSG(!strcmp(good + strlen(good) - 14, "\\t_inipath.ini"), "got %s", good);
    if ((slash = strrchr(want, '\\'))) strcpy(slash + 1, "t_inipath.INI");
    CHECK_STR(ini, want);
    CHECK_STR(dll_name(by_name((LPSTR)"INIPATH")), "t_inipath_parser.dll");
}

static const struct nm_test tests[] = {
    NM_TEST(test_protoenum_builtin),
    NM_TEST(test_protoenum_plugin),
    NM_TEST(test_protoenum_buildinipath_in_parser),
    NM_TEST_END
};
const struct nm_suite suite_protoenum = { "protoenum", init, NULL, tests };
