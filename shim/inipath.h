/*
 * inipath.h - BuildINIPath's rule (docs/sdk-help.md §3.8: from a base name without
 * extension, "XNS", "TCP", the full path of its INI, Xns.ini, Tcp.ini), as a pure function
 * the export (shim/parserlib.c) calls with the calling parser's folder.
 */
#ifndef NM_INIPATH_H
#define NM_INIPATH_H

#include <stddef.h>

#define NM_INIPATH_MAX_NAME 64   /* base names are protocol-like: "XNS", "TCP", "t_zap_parser" */

/* out = dir + name + ".ini" (".ini" not added again when name ends in it, any case);
 * dir ends in '\' or '/'. 0, or -1 (and out untouched): name empty, NM_INIPATH_MAX_NAME
 * or longer, or holding a path separator, ':' or a control character; dir empty; the
 * result (NUL included) longer than len. */
int nm_inipath_build(const char *dir, const char *name, char *out, size_t len);

#endif /* NM_INIPATH_H */
