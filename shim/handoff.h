/*
 * handoff.h - hand-off INI files (docs/netmon-sdk-help.md §3.3, §3.8): sections such as
 * [TCP_HandoffSet] with lines "value = PROTOCOL" or "value = PROTOCOL, number".
 */
#ifndef NM_HANDOFF_H
#define NM_HANDOFF_H

#include <stddef.h>
#include <stdint.h>
#include <windows.h>

/* Called for each entry of a wanted section; nonzero stops the reading (an error). */
typedef int (*nm_handoff_entry_fn)(void *ctx, const char *section, DWORD value,
                                   const char *protocol, int has_data, DWORD data);

/* Reads an INI file: section NULL wants every section whose name ends in "_HandoffSet"
 * (case-insensitive), others are skipped unread; else only that section. Values in base
 * 10 or 16 ("0x" always means 16). 0, or -1 with err = "FILE line N: what is wrong". */
int nm_handoff_parse(const char *path, const char *section, unsigned base,
                     nm_handoff_entry_fn fn, void *ctx, char *err, size_t errlen);
/* nm_handoff_parse into the engine's sets (nm_engine_handoff_add). */
int nm_handoff_load_ini(const char *path, const char *section, char *err, size_t errlen);

/* plugin.c: the folder (with its trailing '\') of the parser whose code runs on this
 * thread; 0, or -1 when none runs. */
int nm_plugin_current_dir(char *buf, size_t len);
/* plugin.c: the file name of plug-in id's DLL; NULL for 0 (built in) or an unknown id. */
const char *nm_plugin_dll_name(uint32_t id);

#endif /* NM_HANDOFF_H */
