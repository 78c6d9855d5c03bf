/*
 * parsers.c - nmhost's plug-in parser options and loading (parsers.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "parsers.h"

#define PARSERS_ENV "NMSHIM_PARSERS"

static int take(int argc, char **argv, int *i, const char *name, const char **value)
{
    const char *a = argv[*i];
    size_t n = strlen(name);

    if (!strncmp(a, name, n) && a[n] == '=') { *value = a + n + 1; return 1; }
    if (strcmp(a, name)) return 0;
    if (*i + 1 >= argc || !*argv[*i + 1]) {
        fprintf(stderr, "nmhost: option needs a %s: %s\nTry 'nmhost --help'.\n",
                strcmp(name, "--parser-timeout") ? "file name" : "value", a);
        return -1;
    }
    *value = argv[++*i];
    return 1;
}

static int push(const char ***list, int *n, const char *v)
{
    const char **l = realloc((void *)*list, (size_t)(*n + 1) * sizeof(**list));
    if (!l) return -1;
    l[(*n)++] = v;
    *list = l;
    return 1;
}

int nm_parser_opts_parse(struct nm_parser_opts *p, int argc, char **argv, int *i)
{
    const char *v = NULL;
    int m;

    if ((m = take(argc, argv, i, "--parser", &v))) return m < 0 ? -1 : push(&p->parsers, &p->nparsers, v);
    if ((m = take(argc, argv, i, "--handoff-ini", &v))) return m < 0 ? -1 : push(&p->inis, &p->ninis, v);
    if ((m = take(argc, argv, i, "--parser-timeout", &v))) {
        char *end;
        unsigned long ms;
        if (m < 0) return -1;
        ms = strtoul(v, &end, 10);
        if (!*v || *end || *v == '-' || *v == '+' || ms > 0x7fffffffUL) {
            fprintf(stderr, "nmhost: --parser-timeout wants milliseconds (0: no bound): %s\n"
                    "Try 'nmhost --help'.\n", v);
            return -1;
        }
        p->timeout = v;
        return 1;
    }
    return 0;
}

static BOOL load_one(const char *path)
{
    char err[MAX_PATH + 256];
    DWORD rc;

    err[0] = 0;
    rc = NmShimLoadParser(path, err, sizeof(err));
    err[sizeof(err) - 1] = 0;
    if (rc == NMERR_SUCCESS) return TRUE;
    fprintf(stderr, "nmhost: cannot load parser %s: %s (error %lu)\n", path,
            err[0] ? err : "unknown", (unsigned long)rc);
    return FALSE;
}

/* Every *.dll of a folder, in name order (FindFirstFile's order is the file system's). */
static BOOL load_folder(const char *dir)
{
    char pattern[MAX_PATH], **names = NULL, path[2 * MAX_PATH];
    WIN32_FIND_DATAA fd;
    HANDLE h;
    size_t n = 0, i, j;
    BOOL ok = TRUE;

    if (snprintf(pattern, sizeof(pattern), "%s\\*.dll", dir) >= (int)sizeof(pattern)) return TRUE;
    if ((h = FindFirstFileA(pattern, &fd)) == INVALID_HANDLE_VALUE) return TRUE;
    do {
        char **l;
        if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) continue;
        if (!(l = realloc(names, (n + 1) * sizeof(*names))) || !(l[n] = _strdup(fd.cFileName))) {
            names = l ? l : names;
            break;
        }
        names = l;
        n++;
    } while (FindNextFileA(h, &fd));
    FindClose(h);
    for (i = 1; i < n; i++)
        for (j = i; j > 0 && _stricmp(names[j - 1], names[j]) > 0; j--) {
            char *t = names[j]; names[j] = names[j - 1]; names[j - 1] = t;
        }
    for (i = 0; i < n; i++) {
        snprintf(path, sizeof(path), "%s\\%s", dir, names[i]);
        if (!load_one(path)) ok = FALSE;
        free(names[i]);
    }
    free(names);
    return ok;
}

BOOL nm_parsers_load(const struct nm_parser_opts *p)
{
    char exe[MAX_PATH], dir[MAX_PATH + 16], env[4096], *s, *tok;
    DWORD n, a;
    int i;
    BOOL ok = TRUE;

    for (i = 0; i < p->ninis; i++) {
        char err[MAX_PATH + 256];
        DWORD rc;
        err[0] = 0;
        if ((rc = NmShimLoadHandoffIni(p->inis[i], err, sizeof(err))) != NMERR_SUCCESS) {
            err[sizeof(err) - 1] = 0;
            fprintf(stderr, "nmhost: bad hand-off INI %s: %s (error %lu)\n", p->inis[i],
                    err[0] ? err : "unreadable", (unsigned long)rc);
            ok = FALSE;
        }
    }
    if (!ok) return FALSE;
    /* the watchdog's bound, before any parser code runs (Register is watched too) */
    if (p->timeout) NmShimSetParserTimeout((DWORD)strtoul(p->timeout, NULL, 10));
    /* parsers\ beside nmhost.exe */
    n = GetModuleFileNameA(NULL, exe, sizeof(exe));
    if (n && n < sizeof(exe) && (s = strrchr(exe, '\\'))) {
        s[0] = 0;
        snprintf(dir, sizeof(dir), "%s\\parsers", exe);
        a = GetFileAttributesA(dir);
        if (a != INVALID_FILE_ATTRIBUTES && (a & FILE_ATTRIBUTE_DIRECTORY) && !load_folder(dir)) ok = FALSE;
    }
    n = GetEnvironmentVariableA(PARSERS_ENV, env, sizeof(env));
    if (n && n < sizeof(env))
        for (tok = strtok(env, ";"); tok; tok = strtok(NULL, ";"))
            if (*tok && !load_folder(tok)) ok = FALSE;
    for (i = 0; i < p->nparsers; i++)
        if (!load_one(p->parsers[i])) ok = FALSE;
    return ok;
}

int nm_parsers_extra(const struct nm_parser_opts *p, const char **extra, int n, int max)
{
    int i;

    if (p->timeout && n + 2 <= max) { extra[n++] = "--parser-timeout"; extra[n++] = p->timeout; }
    for (i = 0; i < p->ninis && n + 2 <= max; i++) { extra[n++] = "--handoff-ini"; extra[n++] = p->inis[i]; }
    for (i = 0; i < p->nparsers && n + 2 <= max; i++) { extra[n++] = "--parser"; extra[n++] = p->parsers[i]; }
    return n;
}

void nm_parsers_collect(nm_report *r)
{
    DWORD i;
    NMSHIM_PARSER_INFO info;

    for (i = 0; NmShimGetParserInfo(i, &info) == NMERR_SUCCESS; i++) ;
    r->nparsers = 0;
    if (!i || !(r->parsers = calloc(i, sizeof(*r->parsers)))) return;
    for (r->nparsers = 0; r->nparsers < i && NmShimGetParserInfo(r->nparsers, &r->parsers[r->nparsers]) == NMERR_SUCCESS; r->nparsers++) ;
}
