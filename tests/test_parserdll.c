/*
 * test_parserdll.c - suite "parserdll" (issue 13 §4): the companion DLLs, black-box.
 *  - t_parser_imports.dll imports all 70 names of def/parser.def and def/bhsupp.def through
 *    real import tables: it loads, every slot is bound to the DLL's export, and it uses
 *    LookupWordSetString, a formatter called with one argument and dprintf through them;
 *  - every export, called with all arguments NULL and then random: no crash, the failure
 *    value of the inventory (stubs) or of the table below; on i686 each stdcall export pops
 *    exactly its @N bytes and a cdecl one none (nm_call_measure, test_compat.c);
 *  - the real functions against their expected results, bounds and bad input;
 *  - dprintf: a %n in the format never runs, bad formats are traced as data;
 *  - nmapi.dll's ten Parser.lib exports (nine built from the same sources): the same
 *    checks through nmapi.dll's own exports, BuildINIPath's rule.
 */
#include <stdlib.h>
#include <string.h>
#include "test_util.h"
#include "companions/parserimports.h"
#include "inipath.h"

static HMODULE parser, bhsupp, nmapi;
static HMODULE cur;        /* set: fn() resolves only there (nmapi.dll's own exports) */

static int init(void)
{
    char old[16];
    DWORD had = GetEnvironmentVariableA("NMAPI_TRACE", old, sizeof(old));

    parser = LoadLibraryA(nm_test_path("parser.dll"));
    /* bhsupp reads NMAPI_TRACE when it loads: on, so dprintf formats (and is tested) */
    SetEnvironmentVariableA("NMAPI_TRACE", "1");
    bhsupp = LoadLibraryA(nm_test_path("bhsupp.dll"));
    SetEnvironmentVariableA("NMAPI_TRACE", had && had < sizeof(old) ? old : NULL);
    if (nm_load_nmapi()) return -1;
    nmapi = nm.dll;
    return parser && bhsupp ? 0 : -1;
}

static int cleanup(void)
{
    if (bhsupp) FreeLibrary(bhsupp);
    if (parser) FreeLibrary(parser);
    return 0;
}

static FARPROC fn(const char *name)
{
    FARPROC p = GetProcAddress(cur ? cur : parser, name);
    if (!p && !cur) p = GetProcAddress(bhsupp, name);
    CHECK_MSG(p != NULL, "%s does not resolve%s", name, cur ? " in nmapi.dll" : "");
    return p;
}
#define FN(type, name) ((type)(void *)fn(#name))

static void test_parserdll_imports_all_70(void)
{
    HMODULE m = LoadLibraryA(nm_test_path("t_parser_imports.dll"));
    PARSER_IMPORTS list;
    PARSER_IMPORTS_USE use;
    const struct parser_import *imp;
    DWORD n = 0, i, bound = 0, r;
    char problem[256];

    CHECK_MSG(m != NULL, "t_parser_imports.dll does not load: error %lu", GetLastError());
    if (!m) return;
    list = (PARSER_IMPORTS)(void *)GetProcAddress(m, "ParserImports");
    use = (PARSER_IMPORTS_USE)(void *)GetProcAddress(m, "ParserImportsUse");
    CHECK(list && use);
    if (!list || !use) { FreeLibrary(m); return; }
    imp = list(&n);
    CHECK_EQ_U(n, PARSER_NIMPORTS);
    for (i = 0; i < n; i++) {
        HMODULE d = GetModuleHandleA(imp[i].dll);
        FARPROC want = d ? GetProcAddress(d, imp[i].name) : NULL;
        CHECK_MSG(want && *imp[i].imp == (void *)want, "%s!%s: slot %p, export %p", imp[i].dll,
                  imp[i].name, *imp[i].imp, (void *)want);
        bound += want && *imp[i].imp == (void *)want;
    }
    CHECK_EQ_U(bound, PARSER_NIMPORTS);
    r = use(problem, sizeof(problem));
    CHECK_MSG(r == 0, "ParserImportsUse: check %lu: %s", r, problem);
    FreeLibrary(m);
}

/* ---- every export with NULL and random arguments --------------------------------- */
struct inv { char dll[8]; char name[64]; int bytes; int stub; };
static struct inv invs[PARSER_NIMPORTS + 4];
static int ninv;

static FILE *open_source(const char *rel)
{
    char path[MAX_PATH], *p;

    snprintf(path, sizeof(path), "Z:%s/%s", NMSHIM_SOURCE_DIR, rel);
    for (p = path; *p; p++) if (*p == '/') *p = '\\';
    return fopen(path, "r");
}

/* The export lines of def/<dll>.def; section: only those after the "; ==" heading holding
 * it, up to the next heading. */
static void load_inventory(const char *dll, const char *section)
{
    char rel[64], line[256], *at, *name;
    int in = !section;
    FILE *f;

    snprintf(rel, sizeof(rel), "def/%s.def", dll);
    if (!(f = open_source(rel))) { CHECK_MSG(0, "cannot read %s", rel); return; }
    while (fgets(line, sizeof(line), f) && ninv < (int)(sizeof(invs) / sizeof(invs[0]))) {
        if (section && !strncmp(line, "; ==", 4)) {
            if (in) break;
            in = strstr(line, section) != NULL;
        }
        if (!in) continue;
        if (strncmp(line, "    ", 4) || line[4] == ' ' || line[4] == ';') continue;
        invs[ninv].stub = strstr(line, "; stub:") != NULL;
        name = line + 4;
        name[strcspn(name, " \t\r\n;")] = 0;
        at = strchr(name, '@');
        invs[ninv].bytes = at ? atoi(at + 1) : -1;
        if (at) *at = 0;
        lstrcpynA(invs[ninv].name, name, sizeof(invs[ninv].name));
        lstrcpynA(invs[ninv].dll, dll, sizeof(invs[ninv].dll));
        ninv++;
    }
    fclose(f);
}

#ifdef _WIN64
typedef ULONG_PTR (*ANY10)(ULONG_PTR, ULONG_PTR, ULONG_PTR, ULONG_PTR, ULONG_PTR,
                           ULONG_PTR, ULONG_PTR, ULONG_PTR, ULONG_PTR, ULONG_PTR);
static ULONG_PTR call_export(FARPROC f, int bytes, ULONG_PTR fill, DWORD *popped)
{
    ANY10 g;

    memcpy(&g, &f, sizeof(g));
    *popped = bytes < 0 ? 0 : (DWORD)bytes;
    return g(fill, fill, fill, fill, fill, fill, fill, fill, fill, fill);
}
#else
DWORD nm_call_measure(FARPROC fn, DWORD nargs, DWORD fill, DWORD *popped);   /* test_compat.c */
static ULONG_PTR call_export(FARPROC f, int bytes, ULONG_PTR fill, DWORD *popped)
{
    return nm_call_measure(f, bytes < 0 ? 5 : (DWORD)bytes / 4, (DWORD)fill, popped);
}
#endif

/* Functions whose result with every argument = fill is not 0 / NULL / FALSE. */
static int expected(const char *name, ULONG_PTR fill, ULONG_PTR *want)
{
    if (!strcmp(name, "GetProtocolDescriptionTable")) return 0;       /* the table, always */
    if (!strcmp(name, "dprintf")) return 0;                           /* VOID */
    *want = 0;
    (void)fill;
    return 1;
}

static void call_all(ULONG_PTR fill, const char *what, int min_checked)
{
    DWORD popped;
    ULONG_PTR got, want;
    int i, checked = 0;

    for (i = 0; i < ninv; i++) {
        FARPROC f = GetProcAddress(!strcmp(invs[i].dll, "parser") ? parser :
                                   !strcmp(invs[i].dll, "nmapi") ? nmapi : bhsupp, invs[i].name);
        CHECK_MSG(f != NULL, "%s.dll does not export %s", invs[i].dll, invs[i].name);
        if (!f) continue;
        got = call_export(f, invs[i].bytes, fill, &popped);
        CHECK_MSG(popped == (DWORD)(invs[i].bytes < 0 ? 0 : invs[i].bytes),
                  "%s (%s): popped %lu bytes, the inventory says %d", invs[i].name, what, popped, invs[i].bytes);
        if (expected(invs[i].name, fill, &want)) {
            /* VOID functions leave garbage in EAX/RAX: only pointer/number results count */
            static const char *voids[] = { "CanonHex", "CanonicalizeHexString", "hex_canon", "hex_canon2" };
            size_t v;
            int is_void = !strncmp(invs[i].name, "fm_", 3) || !strncmp(invs[i].name, "FormatLabeled", 13) ||
                          !strncmp(invs[i].name, "FormatPropertyData", 18);
            for (v = 0; v < sizeof(voids) / sizeof(voids[0]); v++) is_void |= !strcmp(invs[i].name, voids[v]);
            if (is_void) continue;
            if (invs[i].bytes >= 0 || strstr(invs[i].name, "Flags") || !strncmp(invs[i].name, "BER", 3))
                got = (DWORD)got;          /* DWORD / BOOL results: the low 32 bits */
            CHECK_MSG(got == want, "%s (%s): returned %#llx, expected %#llx", invs[i].name, what,
                      (unsigned long long)got, (unsigned long long)want);
            checked++;
        }
    }
    CHECK_MSG(checked >= min_checked, "%s: only %d results checked", what, checked);
}

static void test_parserdll_every_export_null_random(void)
{
    unsigned seed = 13;
    int k;

    ninv = 0;
    load_inventory("parser", NULL);
    load_inventory("bhsupp", NULL);
    CHECK_EQ_U(ninv, PARSER_NIMPORTS);
    call_all(0, "all NULL", 30);
    for (k = 0; k < 4; k++) {
        /* random values that are no readable address: odd, in the low 2 GiB's top half */
        seed = seed * 1103515245u + 12345u;
        call_all((ULONG_PTR)(0x70000001u | (seed & 0x0ffffff1u)), "random", 30);
    }
}

/* ---- the real functions ---------------------------------------------------------- */
static LABELED_WORD opcodes[] = { { 1, (LPSTR)"Premiere" }, { 2, (LPSTR)"Secondary" } };
static SET opcode_set = { 2, { opcodes } };

static void check_lookup_sets(void)
{
    LPBYTE (WINAPI *word)(LPSET, WORD) = FN(LPBYTE (WINAPI *)(LPSET, WORD), LookupWordSetString);
    LPBYTE (WINAPI *byte)(LPSET, BYTE) = FN(LPBYTE (WINAPI *)(LPSET, BYTE), LookupByteSetString);
    LPBYTE (WINAPI *dword)(LPSET, DWORD) = FN(LPBYTE (WINAPI *)(LPSET, DWORD), LookupDwordSetString);
    static LABELED_BYTE b[] = { { 6, (LPSTR)"TCP" }, { 17, (LPSTR)"UDP" } };
    static LABELED_DWORD d[] = { { 0x10000, (LPSTR)"big" } };
    SET bs = { 2, { b } }, ds = { 1, { d } }, bad = { 5, { (LPVOID)(ULONG_PTR)0x10 } },
        huge = { 0x7fffffff, { opcodes } };

    if (!word || !byte || !dword) return;
    CHECK_STR((char *)word(&opcode_set, 2), "Secondary");
    CHECK_EQ_PTR(word(&opcode_set, 3), NULL);
    CHECK_STR((char *)byte(&bs, 17), "UDP");
    CHECK_EQ_PTR(byte(&bs, 1), NULL);
    CHECK_STR((char *)dword(&ds, 0x10000), "big");
    CHECK_EQ_PTR(word(NULL, 1), NULL);
    CHECK_EQ_PTR(word(&bad, 1), NULL);          /* unreadable table */
    CHECK_EQ_PTR(word(&huge, 1), NULL);         /* nEntries past any real set */
}

static void test_parserdll_lookup_sets(void)
{
    cur = NULL;
    check_lookup_sets();
}

static PROPERTYINST make_inst(PROPERTYINFO *info, void *data, WORD len, char *text)
{
    PROPERTYINST pi;

    memset(&pi, 0, sizeof(pi));
    pi.lpPropertyInfo = info;
    pi.szPropertyText = text;
    pi.lpData = data;
    pi.DataLength = len;
    return pi;
}

typedef VOID (WINAPIV *FMT1)(LPPROPERTYINST);
typedef VOID (WINAPIV *FMT2)(LPPROPERTYINST, DWORD);

static void test_parserdll_formatters(void)
{
    static LABELED_BIT bits[] = { { 0, (LPSTR)"No aardvarks", (LPSTR)"Aardvarks welcome" },
        { 1, (LPSTR)"Batteries not included", (LPSTR)"Batteries included" },
        { 4, (LPSTR)"Not ACME", (LPSTR)"ACME Spaceworks subsidiary" } };
    static LABELED_BYTE masks[] = { { 0x10, (LPSTR)"ACK" }, { 0x08, (LPSTR)"PSH" }, { 0x01, (LPSTR)"FIN" } };
    SET bitset = { 3, { bits } }, maskset = { 3, { masks } };
    PROPERTYINFO info = { 0, 0, (LPSTR)"Opcode", (LPSTR)"", PROP_TYPE_WORD, PROP_QUAL_LABELED_SET,
                          { &opcode_set }, 80, NULL };
    BYTE port[2] = { 0x00, 0x35 }, flags = 0x13, tcpflags = 0x18;
    WORD op = 1;
    char text[128], small[16];
    const char str[] = "Hello\x01world";
    PROPERTYINST pi;
    SYSTEMTIME st = { 2026, 11, 0, 29, 22, 5, 9, 42 };

    if (!FN(FMT1, FormatLabeledWordSet)) return;
    pi = make_inst(&info, &op, 2, text);
    FN(FMT1, FormatLabeledWordSet)(&pi);
    CHECK_STR(text, "Opcode = 1 (Premiere)");
    op = 7;
    FN(FMT1, fm_word_set)(&pi);
    CHECK_STR(text, "Opcode = 7");
    info.Label = (LPSTR)"Port";
    pi = make_inst(&info, port, 2, text);
    FN(FMT2, FormatPropertyDataAsWord)(&pi, 16);
    CHECK_STR(text, "Port = 0x3500");            /* WORD: as it is in memory */
    FN(FMT1, fm_swap_word10)(&pi);
    CHECK_STR(text, "Port = 53");
    FN(FMT1, fm_swap_word16)(&pi);
    CHECK_STR(text, "Port = 0x0035");
    FN(FMT1, FormatPropertyDataAsHexString)(&pi);
    CHECK_STR(text, "Port = 00 35");
    info.Label = (LPSTR)"Flags";
    info.lpSet = &bitset;
    pi = make_inst(&info, &flags, 1, text);
    FN(FMT1, fm_byte_flags)(&pi);
    CHECK_STR(text, "Flags = 0x13: Aardvarks welcome, Batteries included, ACME Spaceworks subsidiary");
    info.lpSet = &maskset;
    pi = make_inst(&info, &tcpflags, 1, text);
    FN(FMT1, FormatLabeledByteSetAsFlags)(&pi);
    CHECK_STR(text, "Flags = 0x18: ACK, PSH");
    info.Label = (LPSTR)"Name";
    pi = make_inst(&info, (void *)str, (WORD)(sizeof(str) - 1), text);
    FN(FMT1, FormatPropertyDataAsString)(&pi);
    CHECK_STR(text, "Name = Hello.world");
    info.Label = (LPSTR)"When";
    pi = make_inst(&info, &st, sizeof(st), text);
    FN(FMT1, FormatPropertyDataAsTime)(&pi);
    CHECK_STR(text, "When = 11/29/2026 22:05:09.042");
    /* FormatStringSize bounds the text; the bytes after it stay untouched */
    info.Label = (LPSTR)"A long label for a short buffer";
    info.FormatStringSize = 8;
    memset(small, '#', sizeof(small));
    pi = make_inst(&info, &st, sizeof(st), small);
    FN(FMT1, FormatPropertyDataAsTime)(&pi);
    CHECK_STR(small, "A long ");
    CHECK(small[8] == '#' && small[15] == '#');
    /* prop_name_equals: "Label = ", the end returned */
    info.Label = (LPSTR)"Opcode";
    info.FormatStringSize = 80;
    pi = make_inst(&info, &op, 2, text);
    {
        UCHAR *end = FN(UCHAR *(WINAPIV *)(LPPROPERTYINST), prop_name_equals)(&pi);
        CHECK_STR(text, "Opcode = ");
        CHECK(end == (UCHAR *)text + 9);
    }
    /* bad instances: nothing written, no fault */
    memset(text, '#', sizeof(text));
    pi = make_inst((PROPERTYINFO *)(ULONG_PTR)0x30, &op, 2, text);
    FN(FMT1, FormatLabeledWordSet)(&pi);
    FN(FMT1, FormatLabeledWordSet)(NULL);
    CHECK(text[0] == '#');
    info.Label = (LPSTR)"Opcode";
    pi = make_inst(&info, (void *)(ULONG_PTR)0x40, 2, text);
    FN(FMT1, FormatLabeledWordSet)(&pi);
    CHECK_STR(text, "Opcode = (unreadable data)");
}

/* AddressToString, StringToAddress, VarLenSmallIntToDword: parser.dll's or nmapi.dll's. */
static void check_address_varlen(void)
{
    char s[64];
    BYTE mac[6] = { 0x00, 0x20, 0xaf, 0x12, 0x34, 0x56 }, back[6];
    DWORD v = 0xdeadbeef;
    BYTE be[3] = { 0x01, 0x02, 0x03 };

    if (!fn("AddressToString")) return;
    CHECK_EQ_PTR(FN(LPSTR (WINAPI *)(LPSTR, BYTE *), AddressToString)(s, mac), s);
    CHECK_STR(s, "0020AF123456");
    memset(back, 0, sizeof(back));
    CHECK_EQ_PTR(FN(LPBYTE (WINAPI *)(BYTE *, LPSTR), StringToAddress)(back, (LPSTR)"00-20-af-12-34-56"), back);
    CHECK(!memcmp(back, mac, 6));
    CHECK_EQ_PTR(FN(LPBYTE (WINAPI *)(BYTE *, LPSTR), StringToAddress)(back, (LPSTR)"0020AF12345"), NULL);
    CHECK_EQ_PTR(FN(LPBYTE (WINAPI *)(BYTE *, LPSTR), StringToAddress)(back, (LPSTR)"0020AF123456zz"), NULL);
    CHECK_EQ_PTR(FN(LPSTR (WINAPI *)(LPSTR, BYTE *), AddressToString)(s, NULL), NULL);
    CHECK_EQ_PTR(FN(LPSTR (WINAPI *)(LPSTR, BYTE *), AddressToString)((LPSTR)(ULONG_PTR)0x10, mac), NULL);
    CHECK_EQ_PTR(FN(LPBYTE (WINAPI *)(BYTE *, LPSTR), StringToAddress)(NULL, (LPSTR)"0020AF123456"), NULL);
    CHECK_EQ_PTR(FN(LPBYTE (WINAPI *)(BYTE *, LPSTR), StringToAddress)(back, (LPSTR)(ULONG_PTR)0x10), NULL);
    CHECK_EQ_PTR(FN(LPDWORD (WINAPI *)(LPBYTE, WORD, WINBOOL, LPDWORD), VarLenSmallIntToDword)(be, 3, TRUE, &v), &v);
    CHECK_EQ_U(v, 0x010203);
    CHECK_EQ_PTR(FN(LPDWORD (WINAPI *)(LPBYTE, WORD, WINBOOL, LPDWORD), VarLenSmallIntToDword)(be, 3, FALSE, &v), &v);
    CHECK_EQ_U(v, 0x030201);
    CHECK_EQ_PTR(FN(LPDWORD (WINAPI *)(LPBYTE, WORD, WINBOOL, LPDWORD), VarLenSmallIntToDword)(be, 9, FALSE, &v), NULL);
    CHECK_EQ_PTR(FN(LPDWORD (WINAPI *)(LPBYTE, WORD, WINBOOL, LPDWORD), VarLenSmallIntToDword)(be, 0, FALSE, &v), NULL);
    CHECK_EQ_PTR(FN(LPDWORD (WINAPI *)(LPBYTE, WORD, WINBOOL, LPDWORD), VarLenSmallIntToDword)(be, 3, FALSE, NULL), NULL);
}

static void test_parserdll_strings(void)
{
    char s[64];
    BYTE mac[6] = { 0x00, 0x20, 0xaf, 0x12, 0x34, 0x56 };

    cur = NULL;
    check_address_varlen();
    if (!fn("ByteToBinary")) return;
    CHECK_EQ_U(FN(DWORD (WINAPI *)(LPSTR, DWORD), ByteToBinary)(s, 0x18), 8);
    CHECK_STR(s, "00011000");
    CHECK_EQ_U(FN(DWORD (WINAPI *)(LPSTR, DWORD), WordToBinary)(s, 0x8001), 16);
    CHECK_STR(s, "1000000000000001");
    CHECK_EQ_U(FN(DWORD (WINAPIV *)(LPSTR, DWORD, DWORD), FormatByteFlags)(s, 0x0a, 0x0b), 8);
    CHECK_STR(s, "....1.10");
    CHECK_EQ_U(FN(DWORD (WINAPI *)(LPSTR, DWORD), ByteToBinary)(NULL, 1), 0);
    FN(void (WINAPI *)(UCHAR *, UCHAR *, int, WINBOOL), CanonHex)((UCHAR *)s, mac, 3, TRUE);
    CHECK_STR(s, "0x0020AF");
    FN(VOID (WINAPI *)(LPSTR, LPSTR, DWORD), CanonicalizeHexString)((LPSTR)"0x1a-2B 3c", s, 5);
    CHECK_STR(s, "1A2B");                       /* 5 bytes: 4 digits and the NUL */
    CHECK_EQ_PTR(FN(UCHAR *(WINAPIV *)(WORD, UCHAR *), itoa1)(65535, (UCHAR *)s), (UCHAR *)s + 5);
    CHECK_STR(s, "65535");
    CHECK_EQ_PTR(FN(UCHAR *(WINAPIV *)(UCHAR *, UCHAR *), strcpy1)((UCHAR *)s, (UCHAR *)"abc"), (UCHAR *)s + 3);
    CHECK_STR(s, "abc");
    {
        SYSTEMTIME st = { 1999, 1, 0, 2, 3, 4, 5, 6 };
        CHECK_EQ_PTR(FN(LPSTR (WINAPIV *)(SYSTEMTIME *, LPSTR), FormatTimeAsString)(&st, s), s);
        CHECK_STR(s, "01/02/1999 03:04:05.006");
    }
}

static void check_ber(void)
{
    BOOL (__cdecl *integer)(ULPBYTE, ULPBYTE *, LPDWORD, LPDWORD, ULPBYTE *) =
        FN(BOOL (__cdecl *)(ULPBYTE, ULPBYTE *, LPDWORD, LPDWORD, ULPBYTE *), BERGetInteger);
    BOOL (__cdecl *string)(ULPBYTE, ULPBYTE *, LPDWORD, LPDWORD, ULPBYTE *) =
        FN(BOOL (__cdecl *)(ULPBYTE, ULPBYTE *, LPDWORD, LPDWORD, ULPBYTE *), BERGetString);
    BOOL (__cdecl *header)(ULPBYTE, ULPBYTE, LPDWORD, LPDWORD, ULPBYTE *) =
        FN(BOOL (__cdecl *)(ULPBYTE, ULPBYTE, LPDWORD, LPDWORD, ULPBYTE *), BERGetHeader);
    /* SNMP: SEQUENCE { INTEGER 0, OCTET STRING "public" }, long-form length first */
    BYTE msg[] = { 0x30, 0x81, 0x0b, 0x02, 0x01, 0x00, 0x04, 0x06, 'p', 'u', 'b', 'l', 'i', 'c' };
    ULPBYTE next = NULL, val = NULL;
    DWORD hl = 99, dl = 99;
    BYTE tag = 0;

    if (!integer || !string || !header) return;
    CHECK(header(msg, &tag, &hl, &dl, &next));
    CHECK_EQ_U(tag, 0x30);
    CHECK_EQ_U(hl, 3);
    CHECK_EQ_U(dl, 11);
    CHECK_EQ_PTR(next, msg + 3);
    CHECK(integer(next, &val, &hl, &dl, &next));
    CHECK_EQ_PTR(val, msg + 5);
    CHECK_EQ_U(dl, 1);
    CHECK_EQ_PTR(next, msg + 6);
    CHECK(!integer(next, &val, &hl, &dl, NULL));        /* an OCTET STRING is no INTEGER */
    CHECK(string(next, &val, &hl, &dl, &next));
    CHECK_EQ_U(dl, 6);
    CHECK(!memcmp(val, "public", 6));
    CHECK_EQ_PTR(next, msg + sizeof(msg));
    CHECK(!header(NULL, &tag, &hl, &dl, &next));
    {
        BYTE indefinite[] = { 0x30, 0x80, 0, 0 }, toolong[] = { 0x04, 0x85, 1, 2, 3, 4, 5 };
        CHECK(!header(indefinite, &tag, &hl, &dl, &next));
        CHECK(!string(toolong, &val, &hl, &dl, &next));
    }
}

static void test_parserdll_ber(void)
{
    cur = NULL;
    check_ber();
}

static void test_parserdll_mac_helpers(void)
{
    DWORD (WINAPI *hlen)(LPVOID, DWORD) = FN(DWORD (WINAPI *)(LPVOID, DWORD), GetMacHeaderLength);
    DWORD (WINAPI *etype)(LPVOID, DWORD) = FN(DWORD (WINAPI *)(LPVOID, DWORD), GetEtype);
    DWORD (WINAPI *saps)(LPVOID, DWORD) = FN(DWORD (WINAPI *)(LPVOID, DWORD), GetSaps);
    WINBOOL (WINAPI *llc)(LPVOID, DWORD) = FN(WINBOOL (WINAPI *)(LPVOID, DWORD), IsLLCPresent);
    DWORD (WINAPI *llclen)(LPLLC) = FN(DWORD (WINAPI *)(LPLLC), GetLLCHeaderLength);
    LPLABELED_WORD (WINAPI *desc)(DWORD) = FN(LPLABELED_WORD (WINAPI *)(DWORD), GetProtocolDescription);
    LPLABELED_WORD (WINAPI *table)(LPDWORD) = FN(LPLABELED_WORD (WINAPI *)(LPDWORD), GetProtocolDescriptionTable);
    BYTE eth2[14] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0x08, 0x00 };
    BYTE snap[22] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0x00, 0x30, 0xaa, 0xaa, 0x03, 0, 0, 0, 0x81, 0x37 };
    BYTE tr[20] = { 0x10, 0x40, 1, 2, 3, 4, 5, 6, 0x87, 8, 9, 10, 11, 12, 0x02, 0x30, 0xf0, 0xf0, 0x03, 0 };
    DWORD n = 0;

    if (!hlen || !etype || !saps || !llc || !llclen || !desc || !table) return;
    CHECK_EQ_U(hlen(eth2, MAC_TYPE_ETHERNET), 14);
    CHECK_EQ_U(hlen(tr, MAC_TYPE_TOKENRING), 16);      /* a 2-byte routing field */
    CHECK_EQ_U(hlen(eth2, MAC_TYPE_FDDI), 13);
    CHECK_EQ_U(hlen(eth2, 77), 0);
    CHECK_EQ_U(hlen(NULL, MAC_TYPE_ETHERNET), 0);
    CHECK_EQ_U(etype(eth2, MAC_TYPE_ETHERNET), 0x0800);
    CHECK_EQ_U(etype(snap, MAC_TYPE_ETHERNET), 0x8137);
    CHECK(!llc(eth2, MAC_TYPE_ETHERNET));
    CHECK(llc(snap, MAC_TYPE_ETHERNET));
    CHECK(llc(tr, MAC_TYPE_TOKENRING));
    CHECK_EQ_U(saps(tr, MAC_TYPE_TOKENRING), 0xf0f0);
    CHECK_EQ_U(saps(snap, MAC_TYPE_ETHERNET), 0xaaaa);
    CHECK_EQ_U(saps(eth2, MAC_TYPE_ETHERNET), 0);
    CHECK_EQ_U(llclen((LPLLC)(tr + 16)), 3);
    CHECK_EQ_U(llclen(NULL), 0);
    CHECK(desc(0x0800) && !strncmp(desc(0x0800)->Label, "IP:", 3));
    CHECK_EQ_PTR(desc(0x1234), NULL);
    CHECK(table(&n) != NULL && n > 10);
}

static void test_parserdll_dprintf(void)
{
    VOID (__cdecl *dp)(LPSTR, ...) = (VOID (__cdecl *)(LPSTR, ...))(void *)GetProcAddress(bhsupp, "dprintf");
    int victim = 12345;
    char big[8192];

    CHECK(dp != NULL);
    if (!dp) return;
    dp((LPSTR)"parserdll: %s %d\n", "dprintf", 7);
    dp((LPSTR)"parserdll: %n must not write", &victim);       /* traced as data */
    CHECK_EQ_U(victim, 12345);
    dp((LPSTR)"parserdll: %08.3ln neither", &victim);
    CHECK_EQ_U(victim, 12345);
    dp(NULL);
    dp((LPSTR)(ULONG_PTR)0x50);
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = 0;
    SetLastError(777);
    dp(big);                                               /* longer than 4 KiB: as data */
    CHECK_EQ_U(GetLastError(), 777);                       /* tracing keeps the caller's error */
}

/* ---- nmapi.dll's Parser.lib functions (docs/nmapi-exports.md §5.2) ------------------
 * The docs place ten in Nmapi.dll. Nine are built from parser.dll's sources
 * (companions/parserlib): nmapi.dll's own exports (not parser.dll's reached by a forward),
 * with the same inventory lines (names, @N), the same results and the same bad-input
 * answers, called with NULL and random arguments (i686: the bytes each pops). The tenth,
 * BuildINIPath, is nmapi.dll's own: outside a parser's entry point it has no folder, so
 * NULL here; its rule (inipath.c) is checked white-box. */
static void test_parserdll_nmapi_parser_lib(void)
{
    LPSTR (__cdecl *build)(char *, char *);
    char full[MAX_PATH], name64[NM_INIPATH_MAX_NAME + 1];
    unsigned seed = 7;
    int i, j, k, n;

    ninv = 0;
    load_inventory("nmapi", "Library \"Parser.lib\"");
    CHECK_EQ_U(ninv, 10);
    n = ninv;
    load_inventory("parser", NULL);
    for (i = 0; i < n; i++) {
        FARPROC mine = GetProcAddress(nmapi, invs[i].name), theirs = GetProcAddress(parser, invs[i].name);
        int found = 0;
        CHECK_MSG(!invs[i].stub, "nmapi.dll's %s is still a stub", invs[i].name);
        CHECK_MSG(mine && mine != theirs, "%s: nmapi.dll's export %p, parser.dll's %p", invs[i].name,
                  (void *)mine, (void *)theirs);
        for (j = n; j < ninv; j++) {
            if (strcmp(invs[j].name, invs[i].name)) continue;
            found = 1;
            CHECK_MSG(invs[j].bytes == invs[i].bytes, "%s: @%d in nmapi.def, @%d in parser.def",
                      invs[i].name, invs[i].bytes, invs[j].bytes);
        }
        CHECK_MSG(found, "%s is not in def/parser.def", invs[i].name);
    }
    ninv = n;
    call_all(0, "nmapi.dll, all NULL", 10);
    for (k = 0; k < 4; k++) {
        seed = seed * 1103515245u + 12345u;
        call_all((ULONG_PTR)(0x70000001u | (seed & 0x0ffffff1u)), "nmapi.dll, random", 10);
    }

    cur = nmapi;                 /* the same checks as parser.dll's, through nmapi.dll */
    check_lookup_sets();
    check_address_varlen();
    check_ber();
    build = FN(LPSTR (__cdecl *)(char *, char *), BuildINIPath);
    cur = NULL;
    if (build) {
        memset(full, 'x', sizeof(full));
        CHECK_EQ_PTR(build(full, (char *)"TCP"), NULL);        /* no parser is calling */
        CHECK_EQ_U((BYTE)full[0], 'x');                        /* FullPath untouched */
        CHECK_EQ_PTR(build(full, NULL), NULL);
        CHECK_EQ_PTR(build(NULL, (char *)"TCP"), NULL);
        CHECK_EQ_PTR(build(full, (char *)(ULONG_PTR)0x10), NULL);
    }

    CHECK_EQ_U(nm_inipath_build("C:\\p\\", "XNS", full, sizeof(full)), 0);
    CHECK_STR(full, "C:\\p\\XNS.ini");
    CHECK_EQ_U(nm_inipath_build("C:\\p\\", "Tcp.INI", full, sizeof(full)), 0);   /* not twice */
    CHECK_STR(full, "C:\\p\\Tcp.INI");
    CHECK_EQ_U(nm_inipath_build("C:\\p\\", "XNS", full, 13), 0);                   /* exactly */
    strcpy(full, "keep");
    CHECK(nm_inipath_build("C:\\p\\", "XNS", full, 12) == -1);      /* one short */
    CHECK_STR(full, "keep");
    CHECK(nm_inipath_build("C:\\p\\", "", full, sizeof(full)) == -1);
    CHECK(nm_inipath_build("C:\\p\\", "a\\b", full, sizeof(full)) == -1);
    CHECK(nm_inipath_build("C:\\p\\", "..\\x", full, sizeof(full)) == -1);
    CHECK(nm_inipath_build("C:\\p\\", "c:x", full, sizeof(full)) == -1);
    CHECK(nm_inipath_build("C:\\p", "XNS", full, sizeof(full)) == -1);  /* no folder */
    memset(name64, 'a', sizeof(name64) - 1);
    name64[sizeof(name64) - 1] = 0;
    CHECK(nm_inipath_build("C:\\p\\", name64, full, sizeof(full)) == -1);
    name64[sizeof(name64) - 2] = 0;                              /* 63 characters: fine */
    CHECK_EQ_U(nm_inipath_build("C:\\p\\", name64, full, sizeof(full)), 0);
}

static const struct nm_test tests[] = {
    NM_TEST(test_parserdll_imports_all_70),
    NM_TEST(test_parserdll_every_export_null_random),
    NM_TEST(test_parserdll_lookup_sets),
    NM_TEST(test_parserdll_formatters),
    NM_TEST(test_parserdll_strings),
    NM_TEST(test_parserdll_ber),
    NM_TEST(test_parserdll_mac_helpers),
    NM_TEST(test_parserdll_dprintf),
    NM_TEST(test_parserdll_nmapi_parser_lib),
    NM_TEST_END
};
const struct nm_suite suite_parserdll = { "parserdll", init, cleanup, tests };
