/* config.c - test expert with a configuration: Configure creates "config:v1" (20 bytes
 * with the length DWORD) or grows a stored one to "config:v2" (36 bytes); Run checks
 * that it got the config under a new key and that the Configure key is dead (the
 * Configure page: "Do not store the expert key from the Configure call" - we store it
 * precisely to check that the host retired it). */
#include <windows.h>
#include <netmon.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define V1_DATA 16              /* RawConfigData bytes of a new config */
#define V2_DATA 32              /* ... of a config grown from a stored one */
#define CONFIG_LEN(data) ((DWORD)(sizeof(DWORD) + (data)))

__declspec(dllexport) BOOL WINAPI Register(PEXPERTENUMINFO info);
__declspec(dllexport) BOOL WINAPI Configure(HEXPERTKEY key, PEXPERTCONFIG *config,
                                            PEXPERTSTARTUPINFO startup, DWORD flags,
                                            HWND wnd);
__declspec(dllexport) BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config,
                                      PEXPERTSTARTUPINFO startup, DWORD flags, HWND wnd);

static HEXPERTKEY g_config_key;

static BOOL __attribute__((format(__MINGW_PRINTF_FORMAT, 2, 3)))
fail(HEXPERTKEY key, const char *fmt, ...)
{
    char text[EXPERTSTRINGLENGTH];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    ExpertIndicateStatus(key, EXPERTSTATUS_PROBLEM, 0, text, 0);
    return FALSE;
}

/* Writes the text NUL-padded over the whole data area (no stale bytes from v1). */
static void set_data(PEXPERTCONFIG config, DWORD data_len, const char *text)
{
    memset(config->RawConfigData, 0, data_len);
    memcpy(config->RawConfigData, text, strlen(text));
    config->RawConfigLength = CONFIG_LEN(data_len);
}

BOOL WINAPI Register(PEXPERTENUMINFO info)
{
    snprintf(info->szName, sizeof(info->szName), "t_config");
    snprintf(info->szVendor, sizeof(info->szVendor), "nmshim tests");
    snprintf(info->szDescription, sizeof(info->szDescription),
             "Creates or grows its config in Configure and checks it in Run");
    info->Version = 0;
    info->Flags = EXPERT_ENUM_FLAG_CONFIGURABLE;
    return TRUE;
}

BOOL WINAPI Configure(HEXPERTKEY key, PEXPERTCONFIG *config, PEXPERTSTARTUPINFO startup,
                      DWORD flags, HWND wnd)
{
    PEXPERTCONFIG cfg;
    DWORD err = 0xdeadbeef;

    (void)startup; (void)flags; (void)wnd;

    g_config_key = key;
    if (!config)
        return FALSE;
    if (!*config) {
        /* No stored config: a new one from this key's allocator (the Configure page). */
        cfg = ExpertAllocMemory(key, CONFIG_LEN(V1_DATA), &err);
        if (!cfg)
            return fail(key, "alloc of config: NULL, err %lu", err);
        set_data(cfg, V1_DATA, "config:v1");
    } else {
        /* A stored config: too small for v2, so grow it as the page says. */
        cfg = ExpertReallocMemory(key, *config, CONFIG_LEN(V2_DATA), &err);
        if (!cfg)
            return fail(key, "realloc of stored config: NULL, err %lu", err);
        set_data(cfg, V2_DATA, "config:v2");
    }
    *config = cfg;
    return TRUE;
}

BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config, PEXPERTSTARTUPINFO startup,
                DWORD flags, HWND wnd)
{
    char data[V2_DATA + 1];
    DWORD err = 0xdeadbeef, len;
    void *p;

    (void)startup; (void)flags; (void)wnd;

    if (!config) {
        ExpertIndicateStatus(key, EXPERTSTATUS_PROBLEM, 0, "no config", 0);
        return FALSE;
    }
    len = config->RawConfigLength;
    if (len != CONFIG_LEN(V1_DATA) && len != CONFIG_LEN(V2_DATA))
        return fail(key, "RawConfigLength %lu, expected %lu or %lu", len,
                    CONFIG_LEN(V1_DATA), CONFIG_LEN(V2_DATA));
    /* The data is NUL-padded by Configure, but copy with a bound in case it is not. */
    memset(data, 0, sizeof(data));
    memcpy(data, config->RawConfigData, len - sizeof(DWORD));
    if (strncmp(data, "config:v", 8) != 0)
        return fail(key, "config data \"%.32s\", expected config:v*", data);
    if (key == g_config_key)
        return fail(key, "%s: Run key %p is the Configure key", data, key);

    p = ExpertAllocMemory(g_config_key, 1, &err);
    if (p || err != NMERR_INVALID_EXPERT_HANDLE) {
        if (p)
            ExpertFreeMemory(g_config_key, p);
        return fail(key, "%s: alloc with the Configure key gave %p, err %lu; expected NULL, %d",
                    data, p, err, NMERR_INVALID_EXPERT_HANDLE);
    }

    /* The final status carries the config text: the host's tests read it. */
    ExpertIndicateStatus(key, EXPERTSTATUS_RUNNING, 0, data, 99);
    return TRUE;
}
