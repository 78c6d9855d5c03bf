/*
 * nmhost.c - nmhost.exe: runs Network Monitor 2.x experts on a capture file, in NetMon's
 * role (docs/design.md §4): options -> run plan (load, stored config, Configure, Run all at
 * once, timeouts) -> text and JSON reports (report.c). Everything that touches expert
 * code goes through nmapi.dll's host API (nmshim.h), which guards it.
 *
 * Exit status: 0 every expert finished (DONE); 1 any failed, faulted, was terminated or
 * hung; 2 bad usage, unreadable capture or config file, or an expert that did not load.
 */
#include <fcntl.h>
#include <io.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include "nmshim.h"
#include "report.h"
#include "parsers.h"
#include "isolate.h"
#include "dump.h"
#include "html.h"

#ifdef _WIN64
#define NMHOST_ARCH "x86_64"
#else
#define NMHOST_ARCH "i686"
#endif

#define EXIT_OK       0
#define EXIT_EXPERTS  1     /* an expert did not finish cleanly */
#define EXIT_USAGE    2     /* bad usage or unreadable input */

#define POLL_MS       100   /* progress refresh, and how often timeouts are checked */
#define STOP_GRACE_MS 2000  /* after --timeout or Ctrl+C: then the expert counts as hung */

#define CONFIG_MAGIC  "nmhost-config 1"

/* --quota default (issue 9 §3): per instance, in bytes of real cost (blocks and their
 * bookkeeping); room for any sane expert, but an untrusted one cannot exhaust the host
 * (on i686 its 2 GiB address space, shared with nmhost and the capture). */
#ifdef _WIN64
#define DEFAULT_QUOTA ((SIZE_T)1 << 30)
#else
#define DEFAULT_QUOTA ((SIZE_T)256 << 20)
#endif

/* ---- options ---------------------------------------------------------------------- */

typedef struct options {
    const char  *capture;       /* NULL: the bundled sample capture */
    const char  *json;          /* NULL: none; "-": stdout (then no text report) */
    const char  *config;        /* stored configurations, by DLL name */
    const char  *html;          /* --html FILE: the HTML report (html.c); NULL: none */
    DWORD        timeout_ms;    /* 0: none */
    SIZE_T       quota;         /* --quota; DEFAULT_QUOTA unless given; 0: none */
    BOOL         configure, list, quiet;
    BOOL         isolate;       /* --isolate: each expert in a child process (isolate.c) */
    const char  *isolate_child; /* internal: this is such a child; its pipe handle */
    int          nexperts;
    const char **experts;
    struct nm_engine_opts eng;  /* --protocols, --dump, --filter, --startup-* (dump.c) */
    nm_injection inject;        /* --fail-alloc, --fail-alloc-every, --stop-at-frame */
    int          trace;         /* --trace[=warn]: NMSHIM_TRACE_*; -1: not given */
    const char  *trace_file;    /* --trace-file FILE, or NULL */
    struct nm_parser_opts plug; /* --parser, --handoff-ini (parsers.c) */
} options;

/* --help goes to stdout (asked for), usage errors to stderr (bad_usage). */
static void usage(FILE *out)
{
    fputs("usage: nmhost [options] EXPERT.dll...\n"
          "Runs Network Monitor 2.x expert DLLs on a capture file and reports what they found.\n"
          "\n"
          "  -c, --capture FILE     capture file (NetMon 2 .cap, pcap, pcapng); default: the\n"
          "                         bundled data\\sample.cap\n"
          "  -j, --json FILE        also write the JSON report to FILE; '-' writes it to\n"
          "                         stdout instead of the text report\n"
          "      --html FILE        also write the HTML report to FILE: one self-contained\n"
          "                         page (sortable event tables, charts), nothing fetched\n"
          "  -t, --timeout SECONDS  stop an expert entry point (DllMain, Register, Configure,\n"
          "                         Run) still running after SECONDS (it then has 2 s to\n"
          "                         return, or is reported as hung)\n"
          "      --quota BYTES      memory quota of each expert instance (K, M, G suffixes;\n"
          "                         0: none); default 256M (i686), 1G (x86_64)\n"
          "      --configure        call each configurable expert's Configure (headless) first\n"
          "      --config FILE      load stored configurations from FILE (if it exists) before\n"
          "                         Configure/Run; save them there after --configure\n"
          "      --list             only load the experts and show what they register\n"
          "      --isolate          run each expert in a child process of its own, so an\n"
          "                         expert that ends or corrupts its process cannot end the\n"
          "                         run; same reports (no progress display)\n"
          "      --protocols        list the protocols and their properties, then exit\n"
          "      --dump N           print frame N's properties (level, protocol, label,\n"
          "                         value), then exit\n"
          "      --filter EXPR      display filter for experts that defer to it, e.g.\n"
          "                         'TCP && IP:\"Source Address\" == 10.0.0.1' (README)\n"
          "      --startup-frame N --startup-property PROTOCOL:LABEL [--startup-bit B]\n"
          "                         start experts as a right click on that property would\n"
          "      --fail-alloc N     the Nth ExpertAllocMemory/ExpertReallocMemory call of\n"
          "                         each expert instance fails (NMERR_OUT_OF_MEMORY), to\n"
          "                         test an expert's error paths; N from 1\n"
          "      --fail-alloc-every K  every Kth such call fails; K from 1\n"
          "      --stop-at-frame N  the stop request arrives when Run asks for frame N (0 is\n"
          "                         the first): that ExpertGetFrame call and every later\n"
          "                         call return NMERR_EXPERT_TERMINATE\n"
          "      --trace[=warn]     trace every nmapi call of the experts with its arguments\n"
          "                         and results (=warn: only their bad calls), as\n"
          "                         NMAPI_TRACE=1 (=warn) does; to stderr\n"
          "      --trace-file FILE  the trace goes to FILE instead (created anew); alone it\n"
          "                         means --trace (--trace=warn with NMAPI_TRACE=warn)\n"
          "      --parser FILE      load a legacy parser DLL (repeatable); also loaded: every\n"
          "                         DLL in parsers\\ beside nmhost.exe and in the folders of\n"
          "                         NMSHIM_PARSERS (';'-separated); a parser that faults or\n"
          "                         answers garbage is disabled and reported (a warning)\n"
          "      --handoff-ini FILE hand-off sets ([UDP_HandoffSet] 7777 = PROTOCOL) for them\n"
          "      --parser-timeout MS  a parser entry point still running its own code after MS\n"
          "                         milliseconds (default 2000; 0: no bound) is stopped and\n"
          "                         the parser disabled (a loop)\n"
          "  -q, --quiet            no progress display\n"
          "      --help             this text\n"
          "      --version          version and architecture\n"
          "\n"
          "Exit status: 0 all experts done, 1 an expert failed, faulted, was terminated or\n"
          "hung, 2 bad usage or unreadable input (capture, config file, expert DLL).\n", out);
}

static int bad_usage(const char *what, const char *arg)
{
    fprintf(stderr, "nmhost: %s%s%s\n", what, arg ? ": " : "", arg ? arg : "");
    fputs("Try 'nmhost --help'.\n", stderr);
    return EXIT_USAGE;
}

/* Matches "-x" / "--long" / "--long=value"; *value gets the argument (next argv element
 * unless given with '='). Returns 0 no match, 1 match, -1 match but argument missing. */
static int match(int argc, char **argv, int *i, const char *s, const char *l,
                 const char **value)
{
    const char *a = argv[*i];
    size_t n = strlen(l);
    if (value && !strncmp(a, l, n) && a[n] == '=') { *value = a + n + 1; return 1; }
    if (strcmp(a, l) && (!s || strcmp(a, s))) return 0;
    if (!value) return 1;
    if (*i + 1 >= argc) return -1;
    *value = argv[++*i];
    return 1;
}

/* ---- fault injection and tracing (issue 14 §2, §4) ---------------------------------- */

/* A plain decimal number (no sign, no spaces) from min to max. */
static BOOL parse_number(const char *v, DWORD min, DWORD max, DWORD *out)
{
    char *end;
    unsigned long long n;
    if (!v || v[0] < '0' || v[0] > '9') return FALSE;
    n = strtoull(v, &end, 10);
    if (*end || n < min || n > max) return FALSE;
    *out = (DWORD)n;
    return TRUE;
}

/* "all"/"1" everything, "warn" warnings, "0"/"off" errors only (NMAPI_TRACE's values);
 * -1: none of them. */
static int trace_level(const char *v)
{
    if (!_stricmp(v, "warn")) return NMSHIM_TRACE_WARN;
    if (!strcmp(v, "1") || !_stricmp(v, "all")) return NMSHIM_TRACE_ALL;
    if (!strcmp(v, "0") || !_stricmp(v, "off")) return NMSHIM_TRACE_ERRORS;
    return -1;
}

/* --fail-alloc N, --fail-alloc-every K, --stop-at-frame N, --trace[=LEVEL],
 * --trace-file FILE. Returns 0 no match, 1 taken, -1 bad usage (said on stderr). */
static int parse_debug_option(int argc, char **argv, int *i, options *o)
{
    const char *a = argv[*i], *v = NULL;
    int m;

    if ((m = match(argc, argv, i, NULL, "--fail-alloc", &v))) {
        if (m < 0 || !parse_number(v, 1, 0xffffffffu, &o->inject.fail_alloc))
            return bad_usage("--fail-alloc wants a call number from 1 (1: the first "
                             "allocation fails)", m < 0 ? a : v), -1;
        return 1;
    }
    if ((m = match(argc, argv, i, NULL, "--fail-alloc-every", &v))) {
        if (m < 0 || !parse_number(v, 1, 0xffffffffu, &o->inject.fail_alloc_every))
            return bad_usage("--fail-alloc-every wants a number from 1 (1: every "
                             "allocation fails)", m < 0 ? a : v), -1;
        return 1;
    }
    if ((m = match(argc, argv, i, NULL, "--stop-at-frame", &v))) {
        /* Frames are numbered from 0; INVALID_FRAME_NUMBER is no frame. */
        if (m < 0 || !parse_number(v, 0, INVALID_FRAME_NUMBER - 1, &o->inject.stop_at_frame))
            return bad_usage("--stop-at-frame wants a frame number (0 is the first frame)",
                             m < 0 ? a : v), -1;
        o->inject.stop_at_frame_set = TRUE;
        return 1;
    }
    if (!strcmp(a, "--trace")) { o->trace = NMSHIM_TRACE_ALL; return 1; }
    if (!strncmp(a, "--trace=", 8)) {
        if ((o->trace = trace_level(a + 8)) < 0)
            return bad_usage("--trace= wants warn or all (or 1, 0, off)", a + 8), -1;
        return 1;
    }
    if ((m = match(argc, argv, i, NULL, "--trace-file", &v))) {
        if (m < 0 || !*v) return bad_usage("option needs a file name", a), -1;
        o->trace_file = v;
        return 1;
    }
    return 0;
}

/* Tracing from the command line, set before anything is loaded (nmapi.dll read
 * NMAPI_TRACE when it loaded, before main: the options win). An --isolate child appends
 * to its parent's file (the parent created it anew), one whole line per write, so the
 * children's lines and the parent's share the one file without mixing. FALSE: the file
 * cannot be opened (said on stderr). */
static BOOL trace_apply(options *o)
{
    char env[16];
    DWORD n, rc;

    if (o->trace < 0 && !o->trace_file) return TRUE;    /* NMAPI_TRACE alone, as before */
    if (o->trace < 0) {
        /* --trace-file alone: warnings only with NMAPI_TRACE=warn, else everything. */
        n = GetEnvironmentVariableA("NMAPI_TRACE", env, sizeof(env));
        o->trace = n && n < sizeof(env) && !_stricmp(env, "warn") ? NMSHIM_TRACE_WARN
                                                                  : NMSHIM_TRACE_ALL;
    }
    rc = NmShimSetTrace((DWORD)o->trace, o->trace_file,
                        o->isolate_child ? NMSHIM_TRACE_APPEND : 0);
    if (rc != NMERR_SUCCESS) {
        fprintf(stderr, "nmhost: cannot open the trace file %s (Win32 error %lu)\n",
                o->trace_file ? o->trace_file : "", (unsigned long)GetLastError());
        return FALSE;
    }
    return TRUE;
}

/* What an --isolate child needs of the above: appended to extra, with buf for the
 * numbers. Returns the new count. */
static int debug_child_args(const options *o, const char **extra, int n, char buf[3][16])
{
    static const char *const level[] = { "--trace=0", "--trace=warn", "--trace=all" };
    if (o->inject.fail_alloc) {
        snprintf(buf[0], sizeof(buf[0]), "%lu", (unsigned long)o->inject.fail_alloc);
        extra[n++] = "--fail-alloc";
        extra[n++] = buf[0];
    }
    if (o->inject.fail_alloc_every) {
        snprintf(buf[1], sizeof(buf[1]), "%lu", (unsigned long)o->inject.fail_alloc_every);
        extra[n++] = "--fail-alloc-every";
        extra[n++] = buf[1];
    }
    if (o->inject.stop_at_frame_set) {
        snprintf(buf[2], sizeof(buf[2]), "%lu", (unsigned long)o->inject.stop_at_frame);
        extra[n++] = "--stop-at-frame";
        extra[n++] = buf[2];
    }
    if (o->trace >= NMSHIM_TRACE_ERRORS && o->trace <= NMSHIM_TRACE_ALL) extra[n++] = level[o->trace];
    if (o->trace_file) { extra[n++] = "--trace-file"; extra[n++] = o->trace_file; }
    return n;
}

/* Returns -1 when parsing went fine and the run should go on, else an exit status.
 * Options and DLL names may be mixed (as with GNU tools); a lone "-" is a name, "--"
 * ends the options. Hand-written: msvcrt has no getopt_long, and no dependency is
 * worth 80 lines. */
static int parse_options(int argc, char **argv, options *o)
{
    int i, m, only_files = 0;
    const char *v = NULL;

    nm_engine_opts_init(&o->eng);
    o->experts = calloc((size_t)argc, sizeof(*o->experts));
    if (!o->experts) return bad_usage("out of memory", NULL);
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (only_files || a[0] != '-' || !a[1]) { o->experts[o->nexperts++] = a; continue; }
        if (!strcmp(a, "--"))                              { only_files = 1; continue; }
        if ((m = nm_engine_opts_parse(&o->eng, argc, argv, &i))) { if (m < 0) return EXIT_USAGE; continue; }
        if ((m = parse_debug_option(argc, argv, &i, o))) { if (m < 0) return EXIT_USAGE; continue; }
        if ((m = nm_parser_opts_parse(&o->plug, argc, argv, &i))) { if (m < 0) return EXIT_USAGE; continue; }
        if (match(argc, argv, &i, NULL, "--help", NULL))    { usage(stdout); return EXIT_OK; }
        if (match(argc, argv, &i, NULL, "--version", NULL)) {
            printf("nmhost %s (nmshim, %s)\n", NMSHIM_VERSION_STRING, NMHOST_ARCH);
            return EXIT_OK;
        }
        if (match(argc, argv, &i, NULL, "--configure", NULL)) { o->configure = TRUE; continue; }
        if (match(argc, argv, &i, NULL, "--list", NULL))      { o->list = TRUE; continue; }
        if (match(argc, argv, &i, "-q", "--quiet", NULL))     { o->quiet = TRUE; continue; }
        if (match(argc, argv, &i, NULL, "--isolate", NULL))   { o->isolate = TRUE; continue; }
        if ((m = match(argc, argv, &i, NULL, "--isolate-child", &v))) {
            if (m < 0 || !*v) return bad_usage("option needs a handle", a);
            o->isolate_child = v;
            continue;
        }
        if ((m = match(argc, argv, &i, "-c", "--capture", &v))) {
            if (m < 0 || !*v) return bad_usage("option needs a file name", a);
            o->capture = v;
            continue;
        }
        if ((m = match(argc, argv, &i, "-j", "--json", &v))) {
            if (m < 0 || !*v) return bad_usage("option needs a file name (or -)", a);
            o->json = v;
            continue;
        }
        if ((m = match(argc, argv, &i, NULL, "--html", &v))) {
            /* a file only: stdout already carries the text or the JSON report */
            if (m < 0 || !*v || !strcmp(v, "-")) return bad_usage("--html needs a file name", a);
            o->html = v;
            continue;
        }
        if ((m = match(argc, argv, &i, NULL, "--config", &v))) {
            if (m < 0 || !*v) return bad_usage("option needs a file name", a);
            o->config = v;
            continue;
        }
        if ((m = match(argc, argv, &i, "-t", "--timeout", &v))) {
            char *end;
            double s;
            if (m < 0) return bad_usage("option needs a number of seconds", a);
            s = strtod(v, &end);
            /* Upper bound keeps the milliseconds in a DWORD, below INFINITE. */
            if (end == v || *end || !(s > 0) || s > 4000000.0)
                return bad_usage("--timeout wants a positive number of seconds", v);
            o->timeout_ms = (DWORD)(s * 1000.0 + 0.5);
            if (!o->timeout_ms) o->timeout_ms = 1;
            continue;
        }
        if ((m = match(argc, argv, &i, NULL, "--quota", &v))) {
            char *end;
            unsigned long long q;
            int shift = 0;
            if (m < 0) return bad_usage("option needs a number of bytes", a);
            q = strtoull(v, &end, 10);
            if (*end == 'k' || *end == 'K') shift = 10, end++;
            else if (*end == 'm' || *end == 'M') shift = 20, end++;
            else if (*end == 'g' || *end == 'G') shift = 30, end++;
            if (end == v || *end || v[0] < '0' || v[0] > '9' || q > ((SIZE_T)-1 >> shift))
                return bad_usage("--quota wants a number of bytes (K, M, G; 0: no limit)", v);
            o->quota = (SIZE_T)(q << shift);
            continue;
        }
        return bad_usage("unknown option", a);
    }
    if (!o->nexperts && !nm_engine_opts_standalone(&o->eng)) return bad_usage("no expert DLL given", NULL);
    return -1;
}

/* ---- small helpers ---------------------------------------------------------------- */

/* Fixed-size strings filled by nmapi or an expert may lack their NUL: printers read
 * them as C strings, so the last byte is forced to 0 first. */
#define TERMINATE(a) ((a)[sizeof(a) - 1] = 0)

/* The DLL's file name without its folder: the key for stored configurations, so a
 * config file keeps working when the experts move. */
static const char *base_name(const char *path)
{
    const char *p, *b = path;
    for (p = path; *p; p++)
        if (*p == '\\' || *p == '/' || *p == ':') b = p + 1;
    return b;
}

static BOOL file_exists(const char *path)
{
    DWORD a = GetFileAttributesA(path);
    return a != INVALID_FILE_ATTRIBUTES && !(a & FILE_ATTRIBUTE_DIRECTORY);
}

/* The bundled sample capture, found from the exe: the build tree puts nmhost.exe in
 * build/<arch>/bin, so the source tree's data folder is three levels up; an install
 * puts sample.cap beside the exe. */
static const char *default_capture(char *buf, DWORD len)
{
    static const char *const rel[] = { "..\\..\\..\\data\\sample.cap", "sample.cap" };
    char exe[MAX_PATH], cand[2 * MAX_PATH];
    DWORD n = GetModuleFileNameA(NULL, exe, sizeof(exe));
    size_t i;
    char *slash;

    if (!n || n >= sizeof(exe)) return NULL;
    if ((slash = strrchr(exe, '\\'))) slash[1] = 0;
    for (i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
        snprintf(cand, sizeof(cand), "%s%s", exe, rel[i]);
        n = GetFullPathNameA(cand, len, buf, NULL);
        if (n && n < len && file_exists(buf)) return buf;
    }
    fprintf(stderr, "nmhost: no capture given and the sample capture was not found "
            "(looked for %s..\\..\\..\\data\\sample.cap and %ssample.cap); use -c FILE\n",
            exe, exe);
    return NULL;
}

/* ---- stored configurations (--config) --------------------------------------------- */
/* Text, one expert per line, so it survives editors and diffs:
 *     nmhost-config 1
 *     # comments and blank lines are ignored
 *     <dll file name><TAB><EXPERTCONFIG block in hex, RawConfigLength bytes>
 * Names compare case-insensitively, as Windows file names do. */

typedef struct config_entry {
    char  *name;
    BYTE  *data;
    DWORD  len;
} config_entry;

typedef struct config_file {
    config_entry *e;
    size_t        n, cap;
} config_file;

static config_entry *config_find(config_file *c, const char *name)
{
    size_t i;
    for (i = 0; i < c->n; i++)
        if (!_stricmp(c->e[i].name, name)) return &c->e[i];
    return NULL;
}

/* Adds or replaces name's block; takes ownership of data. */
static BOOL config_put(config_file *c, const char *name, BYTE *data, DWORD len)
{
    config_entry *e = config_find(c, name);
    if (!e) {
        if (c->n == c->cap) {
            size_t cap = c->cap ? 2 * c->cap : 8;
            config_entry *p = realloc(c->e, cap * sizeof(*p));
            if (!p) return FALSE;
            c->e = p;
            c->cap = cap;
        }
        e = &c->e[c->n];
        if (!(e->name = _strdup(name))) return FALSE;
        e->data = NULL;
        c->n++;
    }
    free(e->data);
    e->data = data;
    e->len = len;
    return TRUE;
}

static void config_free(config_file *c)
{
    size_t i;
    for (i = 0; i < c->n; i++) { free(c->e[i].name); free(c->e[i].data); }
    free(c->e);
    c->e = NULL;
    c->n = c->cap = 0;
}

/* One hex digit, or -1: strtoul would accept signs, spaces and 0x. */
static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

/* Reads path into c. A missing file is fine (nothing stored yet); a malformed one is an
 * error, so a typo never silently runs experts with their defaults. */
static BOOL config_load(const char *path, config_file *c)
{
    FILE *f = fopen(path, "rb");
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    int ch;
    BOOL ok = TRUE;

    /* A missing file is the first --configure run; an unreadable one is an error. */
    if (!f) return !file_exists(path) ? TRUE
                  : (fprintf(stderr, "nmhost: cannot read %s\n", path), FALSE);
    for (;;) {
        size_t n = 0;
        char *tab, *p;
        while ((ch = fgetc(f)) != EOF && ch != '\n') {
            if (n + 2 > cap) {
                char *q = realloc(line, cap = cap ? 2 * cap : 256);
                if (!q) { ok = FALSE; goto done; }
                line = q;
            }
            line[n++] = (char)ch;
        }
        if (ch == EOF && !n) break;
        if (!line) { line = malloc(cap = 256); if (!line) { ok = FALSE; goto done; } }
        if (n && line[n - 1] == '\r') n--;
        line[n] = 0;
        lineno++;
        if (lineno == 1) {
            if (strcmp(line, CONFIG_MAGIC)) {
                fprintf(stderr, "nmhost: %s: not an nmhost config file (first line must be "
                        "\"%s\")\n", path, CONFIG_MAGIC);
                ok = FALSE;
                goto done;
            }
            continue;
        }
        if (!line[0] || line[0] == '#') continue;
        tab = strchr(line, '\t');
        /* At least the 4-byte RawConfigLength, in whole bytes. */
        if (!tab || tab == line || (strlen(tab + 1) % 2) || strlen(tab + 1) < 8) {
            fprintf(stderr, "nmhost: %s:%lu: expected <dll name><TAB><hex bytes>\n", path,
                    (unsigned long)lineno);
            ok = FALSE;
            goto done;
        }
        *tab = 0;
        {
            DWORD len = (DWORD)(strlen(tab + 1) / 2), i;
            BYTE *data = malloc(len);
            if (!data) { ok = FALSE; goto done; }
            for (i = 0, p = tab + 1; i < len; i++, p += 2) {
                int hi = hexval(p[0]), lo = hexval(p[1]);
                if (hi < 0 || lo < 0) break;
                data[i] = (BYTE)(hi << 4 | lo);
            }
            /* RawConfigLength counts the whole block (docs/expert-api.md §6.2 EXPERTCONFIG). */
            if (i < len || ((EXPERTCONFIG *)data)->RawConfigLength != len) {
                fprintf(stderr, "nmhost: %s:%lu: bad hex or length\n", path,
                        (unsigned long)lineno);
                free(data);
                ok = FALSE;
                goto done;
            }
            if (!config_put(c, line, data, len)) { free(data); ok = FALSE; goto done; }
        }
    }
done:
    free(line);
    fclose(f);
    return ok;
}

/* Writes c to path through a temporary file, so an interrupted save keeps the old one. */
static BOOL config_save(const char *path, const config_file *c)
{
    char tmp[MAX_PATH + 8];
    FILE *f;
    size_t i;
    DWORD j;
    BOOL ok;

    if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) return FALSE;
    if (!(f = fopen(tmp, "wb"))) {
        fprintf(stderr, "nmhost: cannot write %s\n", tmp);
        return FALSE;
    }
    fprintf(f, "%s\n# nmhost --config: <dll name><TAB><EXPERTCONFIG bytes in hex>\n",
            CONFIG_MAGIC);
    for (i = 0; i < c->n; i++) {
        fputs(c->e[i].name, f);
        fputc('\t', f);
        for (j = 0; j < c->e[i].len; j++) fprintf(f, "%02x", c->e[i].data[j]);
        fputc('\n', f);
    }
    ok = !ferror(f);
    ok = !fclose(f) && ok;
    if (ok) ok = MoveFileExA(tmp, path, MOVEFILE_REPLACE_EXISTING);
    if (!ok) {
        fprintf(stderr, "nmhost: cannot write %s (error %lu)\n", path, GetLastError());
        DeleteFileA(tmp);
    }
    return ok;
}

/* The stored configuration of an expert (after Configure), or NULL when it has none.
 * First call only asks the size (nmshim.h: `needed`), the second copies. */
static BYTE *config_get(HNMEXPERT x, DWORD *len)
{
    DWORD needed = 0;
    BYTE *buf;
    NmShimGetConfig(x, NULL, 0, &needed);
    if (needed < sizeof(DWORD) || !(buf = malloc(needed))) return NULL;
    if (NmShimGetConfig(x, buf, needed, &needed) != NMERR_SUCCESS) { free(buf); return NULL; }
    *len = needed;
    return buf;
}

/* ---- progress (stderr, terminals only) -------------------------------------------- */

typedef struct progress {
    BOOL  on;
    int   lines;            /* lines drawn last time, to redraw over them */
    int   width;
} progress;

/* _isatty alone is true for NUL too (a character device), so also ask for a console. */
static void progress_init(progress *p, BOOL quiet)
{
    HANDLE h = GetStdHandle(STD_ERROR_HANDLE);
    CONSOLE_SCREEN_BUFFER_INFO sb;
    DWORD mode;

    memset(p, 0, sizeof(*p));
    p->width = 80;
    if (quiet || !_isatty(_fileno(stderr)) || !GetConsoleMode(h, &mode)) return;
    /* Cursor movement uses VT sequences: ask the console for them (Windows 10+; Wine's
     * Unix console passes them through anyway, so failure is not fatal). */
    SetConsoleMode(h, mode | 0x0004 /* ENABLE_VIRTUAL_TERMINAL_PROCESSING */);
    if (GetConsoleScreenBufferInfo(h, &sb) && sb.dwSize.X > 20) p->width = sb.dwSize.X;
    p->on = TRUE;
}

static void progress_clear(progress *p)
{
    if (!p->on || !p->lines) return;
    fprintf(stderr, "\r\x1b[%dA\x1b[J", p->lines);
    fflush(stderr);
    p->lines = 0;
}

/* One line per expert being run: name, a bar, percent and status text, cut to the
 * width so no line wraps (wrapping would break the redraw). */
static void progress_draw(progress *p, const nm_report *r, const HNMEXPERT *x,
                          const BOOL *running)
{
    DWORD i;
    int lines = 0;
    if (!p->on) return;
    if (p->lines) fprintf(stderr, "\r\x1b[%dA", p->lines);
    for (i = 0; i < r->nexperts; i++) {
        const nm_expert_report *e = &r->experts[i];
        EXPERTSTATUS st;
        char name[24], text[EXPERTSTRINGLENGTH], line[512], bar[21];
        DWORD pct;
        int k;

        /* Finished experts keep their line (with the outcome), so the number of lines
         * stays the same and the redraw stays simple. */
        if (!x[i] || (!running[i] && !e->have_result)) continue;
        memset(&st, 0, sizeof(st));
        if (running[i]) NmShimGetStatus(x[i], &st);
        else st = e->result.status;
        pct = st.PercentDone > 100 ? 100 : st.PercentDone;
        for (k = 0; k < 20; k++) bar[k] = k < (int)(pct / 5) ? '#' : '.';
        bar[20] = 0;
        nm_report_clean(e->have_info ? e->info.szName : base_name(e->dll), name, sizeof(name));
        TERMINATE(st.szStatusText);
        nm_report_clean(st.szStatusText, text, sizeof(text));
        snprintf(line, sizeof(line), "%-23s [%s] %3lu%% %s", name, bar, (unsigned long)pct,
                 running[i] ? text : nm_report_outcome_name(e->result.outcome));
        if ((int)strlen(line) > p->width - 1) line[p->width - 1] = 0;
        fputs(line, stderr);
        fputs("\x1b[K\n", stderr);
        lines++;
    }
    fflush(stderr);
    p->lines = lines;
}

/* ---- Ctrl+C ----------------------------------------------------------------------- */

static volatile LONG interrupted;

/* First Ctrl+C stops the experts cooperatively and still reports; a second one lets
 * Windows end the process as usual. */
static BOOL WINAPI on_ctrl(DWORD type)
{
    if (type != CTRL_C_EVENT && type != CTRL_BREAK_EVENT) return FALSE;
    return InterlockedExchange(&interrupted, 1) == 0;
}

/* ---- the run ---------------------------------------------------------------------- */

static void fetch_result(HNMEXPERT x, nm_expert_report *e)
{
    NMSHIM_RESULT *res = &e->result;
    e->have_result = NmShimGetResult(x, res) == NMERR_SUCCESS;
    e->have_injected = NmShimGetInjected(x, &e->injected) == NMERR_SUCCESS;
    TERMINATE(res->message);
    TERMINATE(res->fault.name);
    TERMINATE(res->fault.entry);
    TERMINATE(res->fault.module);
    TERMINATE(res->status.szStatusText);
    TERMINATE(res->memory.last_bad_reason);
    /* A fault always gets a name: nmapi's table, else the code in hex. */
    if (e->have_result && res->outcome == NMSHIM_FAULT_OUTCOME && !res->fault.name[0]) {
        LPCSTR name = NmShimExceptionName(res->fault.code);
        if (name) snprintf(res->fault.name, sizeof(res->fault.name), "%s", name);
        else snprintf(res->fault.name, sizeof(res->fault.name), "0x%08lx",
                      (unsigned long)res->fault.code);
    }
}

/* Marks an expert that never got to Run (Configure or start failed) when the DLL's own
 * result does not already say why. */
static void set_failed(nm_expert_report *e, const char *why, DWORD err)
{
    if (e->have_result && e->result.outcome != NMSHIM_PENDING
        && e->result.outcome != NMSHIM_DONE) return;
    if (!e->have_result) memset(&e->result, 0, sizeof(e->result));
    e->have_result = TRUE;
    e->result.outcome = NMSHIM_FAILED;
    e->result.error = err;
    snprintf(e->result.message, sizeof(e->result.message), "%s (error %lu)", why,
             (unsigned long)err);
}

/* Event pointers are nmapi's host copies, valid until NmShimUnloadExpert: collected
 * here, printed, and only then are the experts unloaded. A failing index ends the list
 * (the count came from the result, the events from a later call). */
static void collect_events(HNMEXPERT x, nm_expert_report *e)
{
    DWORD i, n = e->have_result ? e->result.events : 0;
    if (!n || !(e->events = calloc(n, sizeof(*e->events)))) return;
    for (i = 0; i < n; i++)
        if (NmShimGetEvent(x, i, &e->events[i]) != NMERR_SUCCESS || !e->events[i]) break;
    e->nevents = i;
}

/* The status history: a copy (the entries are small), read until the first error. */
static void collect_history(HNMEXPERT x, nm_expert_report *e)
{
    DWORD i;
    if (!(e->history = calloc(NMSHIM_HISTORY_MAX, sizeof(*e->history)))) return;
    for (i = 0; i < NMSHIM_HISTORY_MAX; i++) {
        if (NmShimGetStatusHistory(x, i, &e->history[i]) != NMERR_SUCCESS) break;
        e->history_dropped += e->history[i].dropped_before;
    }
    e->nhistory = i;
}

/* docs/design.md §4 and the issue: 0 all done, 1 any other outcome, 2 bad input. */
static int exit_status(const nm_report *r)
{
    DWORD i;
    int st = EXIT_OK;
    for (i = 0; i < r->nexperts; i++) {
        const nm_expert_report *e = &r->experts[i];
        NMSHIM_OUTCOME o = e->have_result ? e->result.outcome : NMSHIM_PENDING;
        if (o == NMSHIM_LOAD_ERROR) return EXIT_USAGE;   /* bad input outranks all */
        if (r->list_only ? (o != NMSHIM_PENDING && o != NMSHIM_DONE) : o != NMSHIM_DONE)
            st = EXIT_EXPERTS;
    }
    return st;
}

static BOOL any_hung(const nm_report *r)
{
    DWORD i;
    for (i = 0; r->experts && i < r->nexperts; i++)
        if (r->experts[i].have_result && r->experts[i].result.outcome == NMSHIM_HUNG) return TRUE;
    return FALSE;
}

/* Loads every expert (Register runs inside NmShimLoadExpert). */
static void load_all(nm_report *r, HNMEXPERT *x)
{
    DWORD i;
    for (i = 0; i < r->nexperts; i++) {
        nm_expert_report *e = &r->experts[i];
        if (NmShimLoadExpert(e->dll, &x[i]) != NMERR_SUCCESS && !x[i]) {
            set_failed(e, "nmapi could not create the expert", ERROR_OUTOFMEMORY);
            e->result.outcome = NMSHIM_LOAD_ERROR;
            continue;
        }
        fetch_result(x[i], e);
        if (e->have_result && e->result.outcome == NMSHIM_LOAD_ERROR) continue;
        e->have_info = NmShimGetExpertInfo(x[i], &e->info) == NMERR_SUCCESS;
        if (e->have_info) {   /* fixed arrays from the expert: make sure they end */
            e->info.szName[EXPERTSTRINGLENGTH - 1] = 0;
            e->info.szVendor[EXPERTSTRINGLENGTH - 1] = 0;
            e->info.szDescription[EXPERTSTRINGLENGTH - 1] = 0;
        }
    }
}

/* An expert that is loaded and registered, so may be configured and run. */
static BOOL runnable(const nm_expert_report *e, HNMEXPERT x)
{
    return x && e->have_info
        && (!e->have_result || e->result.outcome == NMSHIM_PENDING);
}

/* Stored configs in, Configure, stored configs out. FALSE: the config file is bad. */
static BOOL configure_all(const options *o, nm_report *r, HNMEXPERT *x,
                          const NMSHIM_RUN_PARAMS *params, BOOL *skip)
{
    config_file cfg = { 0 };
    BOOL save = FALSE;
    DWORD i;

    if (o->config && !config_load(o->config, &cfg)) { config_free(&cfg); return FALSE; }
    for (i = 0; i < r->nexperts; i++) {
        nm_expert_report *e = &r->experts[i];
        config_entry *ce;
        DWORD err;
        if (!runnable(e, x[i])) continue;
        if ((ce = config_find(&cfg, base_name(e->dll)))) {
            err = NmShimSetConfig(x[i], ce->data, ce->len);
            if (err == NMERR_SUCCESS) e->config_loaded = TRUE;
            else fprintf(stderr, "nmhost: %s: stored configuration refused (error %lu), "
                         "using the expert's defaults\n", e->dll, (unsigned long)err);
        }
        if (!o->configure || !(e->info.Flags & EXPERT_ENUM_FLAG_CONFIGURABLE)) continue;
        err = NmShimConfigureExpert(x[i], params);
        fetch_result(x[i], e);
        if (err != NMERR_SUCCESS) {
            set_failed(e, "Configure did not succeed", err);
            skip[i] = TRUE;
            continue;
        }
        e->configured = TRUE;
        if (o->config) {
            DWORD len = 0;
            BYTE *data = config_get(x[i], &len);
            if (data && config_put(&cfg, base_name(e->dll), data, len)) save = TRUE;
            else free(data);
        }
    }
    if (save) config_save(o->config, &cfg);
    config_free(&cfg);
    return TRUE;
}

/* Starts every runnable expert, then polls: progress, timeouts, Ctrl+C. */
static void run_all(const options *o, nm_report *r, HNMEXPERT *x,
                    const NMSHIM_RUN_PARAMS *params, const BOOL *skip)
{
    BOOL *running = calloc(r->nexperts, sizeof(BOOL));
    ULONGLONG *started = calloc(r->nexperts, sizeof(ULONGLONG));
    ULONGLONG *stop_at = calloc(r->nexperts, sizeof(ULONGLONG));   /* stop requested */
    DWORD i, left = 0;
    BOOL stopping = FALSE;
    progress pr;

    if (!running || !started || !stop_at) {
        fputs("nmhost: out of memory\n", stderr);
        free(running);
        free(started);
        free(stop_at);
        return;
    }
    progress_init(&pr, o->quiet);
    SetConsoleCtrlHandler(on_ctrl, TRUE);
    for (i = 0; i < r->nexperts; i++) {
        nm_expert_report *e = &r->experts[i];
        DWORD err;
        if (skip[i] || !runnable(e, x[i])) continue;
        /* --timeout counts per expert, from its own start. */
        started[i] = GetTickCount64();
        if ((err = NmShimStartExpert(x[i], params)) != NMERR_SUCCESS) {
            fetch_result(x[i], e);
            set_failed(e, "Run could not be started", err);
            continue;
        }
        running[i] = TRUE;
        left++;
    }
    /* Polling, not a wait on all threads: the host API gives per-expert waits only,
     * and the progress display needs a tick anyway. */
    while (left) {
        DWORD first = 0;
        while (!running[first]) first++;
        /* Waiting on one expert instead of sleeping: a lone expert ends the run at once. */
        NmShimWaitExpert(x[first], POLL_MS);
        if (interrupted && !stopping) {
            stopping = TRUE;
            progress_clear(&pr);
            fputs("nmhost: interrupted, stopping the experts\n", stderr);
        }
        for (i = 0; i < r->nexperts; i++) {
            ULONGLONG now = GetTickCount64();
            BOOL over;
            if (!running[i]) continue;
            over = stopping || (o->timeout_ms && now - started[i] >= o->timeout_ms);
            if (NmShimWaitExpert(x[i], 0) == NMERR_TIMEOUT) {
                if (!over) continue;
                /* Cooperative stop (docs/design.md, Cancellation), requested without waiting
                 * (grace 0) so that experts timing out together get their grace periods
                 * side by side: TERMINATED if Run returns within STOP_GRACE_MS, else HUNG. */
                if (!stop_at[i]) {
                    NmShimStopExpert(x[i], 0);
                    stop_at[i] = now;
                    continue;
                }
                if (now - stop_at[i] < STOP_GRACE_MS) continue;
            }
            running[i] = FALSE;
            left--;
            fetch_result(x[i], &r->experts[i]);
            /* Run is over, so nmapi must have decided; if not (its bug), never call the
             * expert done. */
            if (!r->experts[i].have_result || r->experts[i].result.outcome == NMSHIM_PENDING)
                set_failed(&r->experts[i], "Run ended without an outcome from nmapi", 0);
        }
        progress_draw(&pr, r, x, running);
    }
    progress_clear(&pr);
    SetConsoleCtrlHandler(on_ctrl, FALSE);
    free(running);
    free(started);
    free(stop_at);
}

/* Opened before anything runs: an unwritable report path should fail in a second,
 * not after a long analysis. */
static FILE *open_json(const char *path)
{
    FILE *f;
    if (!path) return NULL;
    if (!strcmp(path, "-")) {
        /* Same bytes as a JSON file (LF), not msvcrt's text-mode CRLF. */
        _setmode(_fileno(stdout), _O_BINARY);
        return stdout;
    }
    if (!(f = fopen(path, "wb"))) fprintf(stderr, "nmhost: cannot write %s\n", path);
    return f;
}

int main(int argc, char **argv)
{
    options o = { 0 };
    nm_report r = { 0 };
    HNMEXPERT *x = NULL;
    BOOL *skip = NULL;
    HNMCAPTURE cap = NULL;
    NMSHIM_RUN_PARAMS params = { 0 };
    FILE *json = NULL, *html = NULL;
    char capbuf[MAX_PATH], err[512];
    const char *cappath = NULL;
    DWORD i, rc;
    int status;

    o.quota = DEFAULT_QUOTA;
    o.trace = -1;
    if ((status = parse_options(argc, argv, &o)) >= 0) goto out;
    status = EXIT_USAGE;
    if (!trace_apply(&o)) goto out;
    params.quota = o.quota;
    params.fail_alloc = o.inject.fail_alloc;
    params.fail_alloc_every = o.inject.fail_alloc_every;
    params.stop_at_frame_set = o.inject.stop_at_frame_set;
    params.stop_at_frame = o.inject.stop_at_frame;
    /* -t covers every entry point: DllMain, Register and Configure as well as Run. */
    if (o.timeout_ms) NmShimSetTimeouts(o.timeout_ms, STOP_GRACE_MS);
    /* Internal (isolate.c): one expert, reporting to the parent's pipe. */
    if (o.isolate_child && (o.nexperts != 1 || !nm_isolate_child_open(o.isolate_child))) {
        status = bad_usage("--isolate-child is internal to nmhost --isolate", NULL);
        goto out;
    }
    if (o.json && !(json = open_json(o.json))) goto out;
    if (o.html && !(html = fopen(o.html, "wb"))) {
        fprintf(stderr, "nmhost: cannot write %s\n", o.html);
        goto out;
    }
    /* Parsers before anything parses a frame (--protocols, --dump, the experts). */
    if (!nm_parsers_load(&o.plug)) goto out;

    r.version = NMSHIM_VERSION_STRING;
    r.arch = NMHOST_ARCH;
    r.list_only = o.list;
    if (!o.list) r.injection = o.inject;
    r.nexperts = (DWORD)o.nexperts;
    r.experts = calloc(r.nexperts, sizeof(*r.experts));
    x = calloc(r.nexperts, sizeof(*x));
    skip = calloc(r.nexperts, sizeof(*skip));
    if (!r.experts || !x || !skip) { fputs("nmhost: out of memory\n", stderr); goto out; }
    for (i = 0; i < r.nexperts; i++) r.experts[i].dll = o.experts[i];

    if (!o.list) {
        /* The capture first: with no frames to serve there is nothing to run. */
        if (!(cappath = o.capture ? o.capture : default_capture(capbuf, sizeof(capbuf))))
            goto out;
        err[0] = 0;
        if ((rc = NmShimOpenCapture(cappath, &cap, err, sizeof(err))) != NMERR_SUCCESS) {
            err[sizeof(err) - 1] = 0;
            fprintf(stderr, "nmhost: cannot open capture %s: %s (error %lu)\n", cappath,
                    err[0] ? err : "unreadable", (unsigned long)rc);
            cap = NULL;
            goto out;
        }
        if (NmShimGetCaptureInfo(cap, &r.capture) != NMERR_SUCCESS)
            snprintf(r.capture.path, sizeof(r.capture.path), "%s", cappath);
        TERMINATE(r.capture.path);
        TERMINATE(r.capture.format);
        r.have_capture = TRUE;
        if (o.inject.stop_at_frame_set && o.inject.stop_at_frame >= r.capture.frames) {
            char n[64];
            snprintf(n, sizeof(n), "%lu (the capture has %lu frames, from 0)",
                     (unsigned long)o.inject.stop_at_frame, (unsigned long)r.capture.frames);
            status = bad_usage("--stop-at-frame: no such frame", n);
            goto out;
        }
        params.capture = cap;
        /* NetMon passes the selected frame; a freshly opened capture has the first. */
        params.frame_number = 0;
        if ((status = nm_engine_opts_apply(&o.eng, cap, &params)) >= 0) goto out;
        status = EXIT_USAGE;
    }

    /* Load all before running any: a DLL that does not load is reported beside the
     * others instead of stopping the run. */
    if (o.isolate && !o.isolate_child) {
        /* what the children need to run each expert as this process would */
        char quota[32], frame[16], bit[16], dbg[3][16];
        const char *extra[64];
        int nextra = 0;
        nm_isolate_params ip = { cappath, o.timeout_ms, o.configure, o.config, o.list, extra, 0 };
        snprintf(quota, sizeof(quota), "%llu", (unsigned long long)o.quota);
        extra[nextra++] = "--quota";
        extra[nextra++] = quota;
        if (o.eng.filter) { extra[nextra++] = "--filter"; extra[nextra++] = o.eng.filter; }
        if (o.eng.startup) {
            snprintf(frame, sizeof(frame), "%lu", (unsigned long)o.eng.startup_frame);
            extra[nextra++] = "--startup-frame";
            extra[nextra++] = frame;
            if (o.eng.startup_property) {
                extra[nextra++] = "--startup-property";
                extra[nextra++] = o.eng.startup_property;
            }
            if (o.eng.startup_bit >= 0) {
                snprintf(bit, sizeof(bit), "%d", o.eng.startup_bit);
                extra[nextra++] = "--startup-bit";
                extra[nextra++] = bit;
            }
        }
        nextra = debug_child_args(&o, extra, nextra, dbg);
        nextra = nm_parsers_extra(&o.plug, extra, nextra, 64);
        ip.nextra = nextra;
        if (!nm_isolate_run(&ip, &r)) goto out;
    } else {
        load_all(&r, x);
        if (!o.list) {
            nm_isolate_child_stage(NM_ISOLATE_CONFIGURE, &r.experts[0], x[0]);
            if ((o.config || o.configure) && !configure_all(&o, &r, x, &params, skip))
                goto out;
            nm_isolate_child_stage(NM_ISOLATE_RUN, &r.experts[0], x[0]);
            run_all(&o, &r, x, &params, skip);
        }
    }
    for (i = 0; i < r.nexperts; i++)
        if (x[i]) collect_events(x[i], &r.experts[i]);
    for (i = 0; i < r.nexperts; i++)
        if (x[i]) collect_history(x[i], &r.experts[i]);
    /* Reports before unloading: events and names point into nmapi's memory. */

    nm_parsers_collect(&r);     /* a disabled parser is a warning: not in the exit status */
    status = r.exit_status = exit_status(&r);
    /* With the JSON on stdout the text report would corrupt it: then there is none. */
    nm_isolate_child_send(&r);     /* a child (isolate.c) reports to its parent only */
    if (json != stdout && !nm_isolate_child_active() && nm_report_text(stdout, &r) < 0)
        fputs("nmhost: writing the report failed\n", stderr);
    if (json && nm_report_json(json, &r) < 0) {
        fprintf(stderr, "nmhost: writing %s failed\n", o.json);
        status = EXIT_USAGE;    /* no report for the tools that asked for one */
    }
    if (html && nm_report_html(html, &r) < 0) {
        fprintf(stderr, "nmhost: writing %s failed\n", o.html);
        status = EXIT_USAGE;
    }

out:
    nm_isolate_child_end(status);
    if (json && json != stdout) fclose(json);
    if (html) fclose(html);
    /* A hung entry point may hold a lock that unloading or ExitProcess needs (the
     * loader lock, if it is DllMain): the report is out, so end here. */
    if (any_hung(&r)) {
        fflush(stdout);
        fflush(stderr);
        TerminateProcess(GetCurrentProcess(), (UINT)status);
    }
    for (i = 0; x && i < r.nexperts; i++) {
        if (x[i]) NmShimUnloadExpert(x[i]);
        free((void *)r.experts[i].events);
        free(r.experts[i].history);
    }
    if (cap) {
        NmShimParseFrame(NULL, 0, NULL);     /* the host frame (dump.c) lets go first */
        NmShimCloseCapture(cap);
    }
    free(x);
    free(skip);
    free(r.experts);
    free(r.parsers);
    free(o.experts);
    /* The file is closed; nothing traced after it lands on stderr instead. */
    if (o.trace_file) NmShimSetTrace(NMSHIM_TRACE_ERRORS, NULL, 0);
    return status;
}
