/*
 * inipath.c - BuildINIPath's rule (inipath.h). Portable: no Win32, the caller gives the
 * folder. Where the help is silent: the folder is the calling parser's (the one
 * CreateHandoffTable looks in first for a bare INI name, shim/handoff.c), and the name keeps
 * the case it was given in (Windows file names are case-insensitive: "TCP" finds Tcp.ini).
 */
#include <string.h>
#include "inipath.h"

static int ends_with_ini(const char *s, size_t n)
{
    static const char ext[] = ".ini";
    size_t i;

    if (n < 4) return 0;
    for (i = 0; i < 4; i++) {
        char c = s[n - 4 + i];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (c != ext[i]) return 0;
    }
    return 1;
}

int nm_inipath_build(const char *dir, const char *name, char *out, size_t len)
{
    size_t d, n, i, need;
    int add;

    if (!dir || !name || !out || !(d = strlen(dir)) || (dir[d - 1] != '\\' && dir[d - 1] != '/'))
        return -1;
    for (n = 0; n < NM_INIPATH_MAX_NAME && name[n]; n++)
        if ((unsigned char)name[n] < 0x20 || strchr("\\/:", name[n])) return -1;
    if (!n || n == NM_INIPATH_MAX_NAME) return -1;
    add = !ends_with_ini(name, n);
    need = d + n + (add ? 4 : 0) + 1;
    if (need > len) return -1;
    memcpy(out, dir, d);
    memcpy(out + d, name, n);
    i = d + n;
    if (add) { memcpy(out + i, ".ini", 4); i += 4; }
    out[i] = 0;
    return 0;
}
