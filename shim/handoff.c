/*
 * handoff.c - hand-off sets from INI files and the hand-off table exports
 * (docs/netmon-sdk-help.md §3.3, §3.8; docs/legacy-experts.md §3.1): NmShimLoadHandoffIni,
 * CreateHandoffTable, DestroyHandoffTable (GetProtocolFromTable is in props.c).
 *
 * The INI format: "[SECTION]" lines, then "value = PROTOCOL" or "value = PROTOCOL, number"
 * (the number is the instance data handed to the protocol, NBT's 1000-1002); ';' and '#'
 * start comments. Read with bounds: at most 1 MiB, lines up to 511 characters, protocol
 * names up to 15 (MAX_PROTOCOL_NAME_LEN - 1) of letters, digits and '_'. Anything else in a
 * wanted section is an error naming the file and line.
 * Choices where the help is silent: CreateHandoffTable finds a bare INI name beside the
 * calling parser's DLL first, then as given; its table holds the file's entries and then the
 * engine's set of the same name (PF_PARSERDLLINFO, --handoff-ini) for values the file lacks;
 * entries naming a protocol nobody created are left out. Tables live in the engine's own
 * memory; DestroyHandoffTable ignores what CreateHandoffTable did not hand out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "nmapi_private.h"
#include "expert.h"
#include "engine.h"
#include "handoff.h"

#define INI_MAX_BYTES (1u << 20)
#define INI_MAX_LINE  512
#define MAX_TABLES    256

static int ends_with_ci(const char *s, const char *tail)
{
    size_t a = strlen(s), b = strlen(tail);
    return a >= b && !lstrcmpiA(s + a - b, tail);
}

static char *trim(char *s)
{
    char *e;
    while (*s == ' ' || *s == '\t') s++;
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r')) *--e = 0;
    return s;
}

/* A whole number in base (10 or 16; "0x" means 16); 0, or -1. */
static int parse_number(const char *s, unsigned base, DWORD *out)
{
    unsigned long long v = 0;
    int digits = 0;

    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) { base = 16; s += 2; }
    for (; *s; s++, digits++) {
        int d;
        if (*s >= '0' && *s <= '9') d = *s - '0';
        else if (base == 16 && *s >= 'a' && *s <= 'f') d = *s - 'a' + 10;
        else if (base == 16 && *s >= 'A' && *s <= 'F') d = *s - 'A' + 10;
        else return -1;
        v = v * base + (unsigned)d;
        if (v > 0xffffffffull) return -1;
    }
    if (!digits) return -1;
    *out = (DWORD)v;
    return 0;
}

static char *read_file(const char *path, DWORD *size, char *err, size_t errlen)
{
    HANDLE h = CreateFileA(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    LARGE_INTEGER sz;
    char *buf = NULL;
    DWORD got = 0;

    if (h == INVALID_HANDLE_VALUE) {
        snprintf(err, errlen, "%s: cannot open (error %lu)", path, GetLastError());
        return NULL;
    }
    if (!GetFileSizeEx(h, &sz) || sz.QuadPart > INI_MAX_BYTES)
        snprintf(err, errlen, "%s: not a hand-off INI file (larger than %u bytes)", path, INI_MAX_BYTES);
    else if (!(buf = malloc((size_t)sz.QuadPart + 1)))
        snprintf(err, errlen, "%s: out of memory", path);
    else if (!ReadFile(h, buf, (DWORD)sz.QuadPart, &got, NULL) || got != (DWORD)sz.QuadPart) {
        snprintf(err, errlen, "%s: read error %lu", path, GetLastError());
        free(buf);
        buf = NULL;
    }
    CloseHandle(h);
    if (buf) { buf[got] = 0; *size = got; }
    return buf;
}

int nm_handoff_parse(const char *path, const char *section, unsigned base,
                     nm_handoff_entry_fn fn, void *ctx, char *err, size_t errlen)
{
    char cur[64] = "", *buf, *line, *next;
    DWORD size = 0, lineno = 0;
    int want = 0, rc = 0;

#define BAD(...) do { int n_ = snprintf(err, errlen, "%s line %lu: ", path, lineno); \
    if (n_ > 0 && (size_t)n_ < errlen) snprintf(err + n_, errlen - (size_t)n_, __VA_ARGS__); \
    rc = -1; goto done; } while (0)
    if (base != 10 && base != 16) base = 10;
    if (!(buf = read_file(path, &size, err, errlen))) return -1;
    if (memchr(buf, 0, size)) { lineno = 0; BAD("a NUL byte: not a text file"); }
    for (line = buf; line && *line; line = next) {
        char *s, *eq, *comma, *proto;
        DWORD value, data = 0;
        size_t i;

        lineno++;
        if ((next = strchr(line, '\n'))) *next++ = 0;
        if (strlen(line) >= INI_MAX_LINE) BAD("longer than %d characters", INI_MAX_LINE - 1);
        s = trim(line);
        if (!*s || *s == ';' || *s == '#') continue;
        if (*s == '[') {
            char *e = strchr(s, ']');
            if (!e || e[1] || e == s + 1) BAD("a section header must be [NAME]");
            *e = 0;
            if (strlen(s + 1) >= sizeof(cur)) BAD("section name longer than %u characters", (unsigned)sizeof(cur) - 1);
            strcpy(cur, trim(s + 1));
            want = section ? !lstrcmpiA(cur, section) : ends_with_ci(cur, "_HandoffSet");
            continue;
        }
        if (!want) continue;
        if (!(eq = strchr(s, '='))) BAD("expected VALUE = PROTOCOL[, NUMBER]");
        *eq = 0;
        if (parse_number(trim(s), base, &value)) BAD("'%s' is not a number in base %u", trim(s), base);
        proto = trim(eq + 1);
        if ((comma = strchr(proto, ',')) || (comma = strchr(proto, ' ')) || (comma = strchr(proto, '\t'))) {
            *comma = 0;
            if (parse_number(trim(comma + 1), base, &data)) BAD("instance data '%s' is not a number", trim(comma + 1));
            proto = trim(proto);
        }
        if (!*proto) BAD("no protocol name after '='");
        for (i = 0; proto[i]; i++)
            if (!((proto[i] >= 'A' && proto[i] <= 'Z') || (proto[i] >= 'a' && proto[i] <= 'z') ||
                  (proto[i] >= '0' && proto[i] <= '9') || proto[i] == '_'))
                BAD("protocol name with a character other than letters, digits and '_'");
        if (i >= 16) BAD("protocol name longer than 15 characters");
        if (fn(ctx, cur, value, proto, comma != NULL, data)) BAD("too many hand-off entries");
    }
done:
    free(buf);
    return rc;
#undef BAD
}

static int to_engine(void *ctx, const char *section, DWORD value, const char *protocol,
                     int has_data, DWORD data)
{
    (void)ctx;
    return nm_engine_handoff_add(section, value, protocol, has_data, data);
}

int nm_handoff_load_ini(const char *path, const char *section, char *err, size_t errlen)
{
    return nm_handoff_parse(path, section, 10, to_engine, NULL, err, errlen);
}

/* NmShimLoadHandoffIni (nmapi.@) */
DWORD WINAPI NmShimLoadHandoffIni(LPCSTR path, LPSTR err, DWORD errlen)
{
    char msg[MAX_PATH + 200];

    if (err && errlen) err[0] = 0;
    if (!path || nm_safe_strnlen(path, MAX_PATH) >= MAX_PATH) return NMERR_INVALID_PARAMETER;
    msg[0] = 0;
    if (!nm_handoff_load_ini(path, NULL, msg, sizeof(msg))) return NMERR_SUCCESS;
    if (err && errlen) lstrcpynA(err, msg, (int)errlen);
    WARN("%s\n", msg);
    return NMERR_INVALID_FILE_FORMAT;
}

/* ---- CreateHandoffTable / DestroyHandoffTable --------------------------------------- */
struct collect {
    HANDOFFENTRY *e;
    DWORD n, max;
};

static int collect_fn(void *ctx, const char *section, DWORD value, const char *protocol,
                      int has_data, DWORD data)
{
    struct collect *c = ctx;
    HPROTOCOL h = (HPROTOCOL)nm_engine_protocol_by_name(protocol);
    DWORD i;

    (void)section;
    if (!h) return 0;                                   /* nobody created it */
    for (i = 0; i < c->n; i++) if (c->e[i].hoe_ProtIdentNumber == value) return 0;
    if (c->n >= c->max) return 0;                       /* nMaxProtocolEntries: the rest is cut */
    c->e[c->n].hoe_sig = HOE_SIGNATURE;
    c->e[c->n].hoe_ProtIdentNumber = value;
    c->e[c->n].hoe_ProtocolHandle = h;
    c->e[c->n].hoe_ProtocolData = has_data ? data : 0;
    c->n++;
    return 0;
}

static HANDOFFTABLE *tables[MAX_TABLES];
static volatile LONG tables_lock;

/* CreateHandoffTable (nmapi.@): the number of entries, 0 on failure (no table then). */
DWORD WINAPI CreateHandoffTable(LPSTR secName, LPSTR iniFile, LPHANDOFFTABLE *hTable,
                                DWORD nMaxProtocolEntries, DWORD base)
{
    char sec[64], ini[MAX_PATH], path[2 * MAX_PATH], err[MAX_PATH + 200];
    struct collect c = { NULL, 0, 0 };
    HANDOFFTABLE *t = NULL;
    size_t n;
    unsigned i;

    nm_engine_init();
    if (!secName || !hTable || (n = nm_safe_strnlen(secName, sizeof(sec))) >= sizeof(sec) ||
        nm_safe_copy(sec, secName, n)) {
        WARN("bad section name or table pointer\n");
        return 0;
    }
    sec[n] = 0;
    c.max = nMaxProtocolEntries > 65536 ? 65536 : nMaxProtocolEntries;
    if (!c.max || !(c.e = calloc(c.max, sizeof(*c.e)))) return 0;
    if (iniFile && (n = nm_safe_strnlen(iniFile, sizeof(ini))) < sizeof(ini) && !nm_safe_copy(ini, iniFile, n)) {
        ini[n] = 0;
        path[0] = 0;
        if (!strpbrk(ini, "\\/:") && !nm_plugin_current_dir(path, sizeof(path) - sizeof(ini))) {
            strcat(path, ini);
            if (GetFileAttributesA(path) == INVALID_FILE_ATTRIBUTES) path[0] = 0;
        }
        if (!path[0]) strcpy(path, ini);
        if (GetFileAttributesA(path) != INVALID_FILE_ATTRIBUTES &&
            nm_handoff_parse(path, sec, base, collect_fn, &c, err, sizeof(err))) {
            WARN("%s\n", err);
            c.n = 0;                                    /* a bad file gives no table */
            free(c.e);
            return 0;
        }
    }
    for (i = 0;; i++) {                                 /* then the engine's set */
        DWORD value, data;
        const char *proto;
        int has;
        if (nm_engine_handoff_entry(sec, i, &value, &proto, &has, &data)) break;
        collect_fn(&c, sec, value, proto, has, data);
    }
    if (!c.n || !(t = malloc(sizeof(*t)))) {
        free(c.e);
        return 0;
    }
    t->hot_sig = HOT_SIGNATURE;
    t->hot_NumEntries = c.n;
    t->hot_Entries = c.e;
    while (InterlockedExchange(&tables_lock, 1)) Sleep(0);
    for (i = 0; i < MAX_TABLES && tables[i]; i++) ;
    if (i < MAX_TABLES) tables[i] = t;
    InterlockedExchange(&tables_lock, 0);
    if (i == MAX_TABLES || nm_safe_copy(hTable, &t, sizeof(t))) {
        WARN("no room for another table, or an unwritable table pointer\n");
        if (i < MAX_TABLES) tables[i] = NULL;
        free(c.e);
        free(t);
        return 0;
    }
    TRACE("[%s] of %s: %lu entries\n", sec, iniFile ? ini : "(none)", c.n);
    return c.n;
}

/* DestroyHandoffTable (nmapi.@) */
VOID WINAPI DestroyHandoffTable(LPHANDOFFTABLE hTable)
{
    unsigned i;

    if (!hTable) return;
    while (InterlockedExchange(&tables_lock, 1)) Sleep(0);
    for (i = 0; i < MAX_TABLES && tables[i] != hTable; i++) ;
    if (i < MAX_TABLES) tables[i] = NULL;
    InterlockedExchange(&tables_lock, 0);
    if (i == MAX_TABLES) {
        WARN("%p is not a table CreateHandoffTable made\n", hTable);
        return;
    }
    hTable->hot_sig = 0;
    free(hTable->hot_Entries);
    free(hTable);
}
