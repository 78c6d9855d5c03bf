/*
 * plugin.c - legacy parser DLLs as plug-ins (issue 13 §1, §5; docs/netmon-sdk-help.md §3.1-§3.2,
 * docs/legacy-experts.md §3.1): NmShimLoadParser, NmShimGetParserInfo, the guarded call hook
 * the engine runs every plug-in entry point through, and the per-parser heap
 * (CCHeapAlloc, CCHeapFree, CCHeapReAlloc, CCHeapSize, SetCCInstPtr, GetCCInstPtr).
 *
 * Loading (before any expert runs, from one thread):
 *  1. the INI beside the DLL (same base name, .ini) is read first: a bad one fails the load
 *     before any of the DLL's code runs (handoff.c);
 *  2. LoadLibrary under the guard: DllMain calls CreateProtocol under the loader lock; the
 *     engine marks what it creates with the plug-in's id (nm_engine_plugin_begin/end);
 *  3. ParserAutoInstallInfo under the guard; its PF_PARSERDLLINFO (and the PF_HANDOFFSET /
 *     PF_FOLLOWSET blocks it points to) are read through guarded copies with bounds, then
 *     freed on the process heap, where the SDK's template allocates them (HeapAlloc on
 *     GetProcessHeap());
 *  4. each protocol's Register under the guard.
 * A fault at any step, and later any fault or garbage answer while parsing (engine.c), disables
 * the plug-in for the rest of the run; the report says which entry point, and how.
 * Choices where the help is silent: a PF_PARSERINFO naming no protocol the DLL created is
 * ignored (a warning in the report); protocols the DLL created but did not list are used all
 * the same (NetMon registers every protocol it knows); dwHandOffValue is the value itself,
 * ValueFormatBase only says how NetMon's installer would write it into the INI.
 */
#include <stdio.h>
#include <string.h>
#include "nmapi_private.h"
#include "expert.h"
#include "guard.h"
#include "engine.h"
#include "handoff.h"
#include "watchdog.h"

#define NM_MAX_PLUGINS   32
#define MAX_SET_ENTRIES  256          /* PF_HANDOFFSET entries read per set */

struct nm_plugin {
    uint32_t id;
    char path[MAX_PATH];
    HMODULE module;
    ULONG_PTR lo, hi;                 /* its image: where the watchdog may stop a loop */
    HEXPERTKEY heap;                  /* CCHeap*: one instance per parser (instance.c) */
    LPVOID ccinst;                    /* SetCCInstPtr */
    volatile LONG disabled;
    char why[96];
    char entry[24];
    char warnings[256];
    NMSHIM_FAULT fault;
    DWORD disabled_frame;
};

static struct nm_plugin plugins[NM_MAX_PLUGINS];
static volatile LONG nplugins;
static volatile LONG state_lock;
static __thread struct nm_plugin *cur_plugin;    /* the plug-in whose code runs on this thread */

static const char *const entry_names[] = {
    "Register", "Deregister", "RecognizeFrame", "AttachProperties", "FormatProperties"
};

static struct nm_plugin *plugin_of(uint32_t id)
{
    return id && id <= (uint32_t)nplugins ? &plugins[id - 1] : NULL;
}

static void lock(void) { while (InterlockedExchange(&state_lock, 1)) Sleep(0); }
static void unlock(void) { InterlockedExchange(&state_lock, 0); }

static void describe(NMSHIM_FAULT *f, const struct nm_fault_record *rec, const char *entry)
{
    nm_guard_describe(f, rec, rec->code == NMSHIM_PARSER_TIMEOUT ? "PARSER_TIMEOUT" : NULL,
                      entry);
}

/* The first fault or garbage of a plug-in is the one reported; text is the whole "why". */
static void plugin_disable_text(struct nm_plugin *pl, const char *entry, const char *text,
                                const struct nm_fault_record *rec, DWORD frame)
{
    lock();
    if (!pl->disabled) {
        pl->disabled = 1;
        lstrcpynA(pl->why, text, sizeof(pl->why));
        lstrcpynA(pl->entry, entry, sizeof(pl->entry));
        if (rec) describe(&pl->fault, rec, "");
        pl->disabled_frame = frame;
    }
    unlock();
}

static void plugin_disable(struct nm_plugin *pl, const char *entry, const char *why,
                           const struct nm_fault_record *rec, DWORD frame)
{
    char text[sizeof(pl->why)];

    snprintf(text, sizeof(text), "%s in %s", why, entry);
    plugin_disable_text(pl, entry, text, rec, frame);
}

/* A guarded call of the plug-in's code, watched (watchdog.c): NM_GUARD_OK, or
 * NM_GUARD_FAULTED with the plug-in disabled, its fault or its loop reported. A loop is
 * the watchdog's single-step trap caught by the guard: reported as NMSHIM_PARSER_TIMEOUT
 * at the instruction where it was stopped (in the parser's image, so the report's
 * module+offset points into the loop). */
static int watched_call(struct nm_plugin *pl, nm_guard_fn fn, void *ctx, const char *entry,
                        struct nm_fault_record *rec)
{
    struct nm_watch w;
    int r, stopped;

    nm_watch_begin(&w, pl ? pl->lo : 0, pl ? pl->hi : 0);
    r = nm_guard_call(fn, ctx, rec);
    stopped = nm_watch_end(&w);
    if (r == NM_GUARD_OK || !pl) return r;
    if (stopped && rec->code == EXCEPTION_SINGLE_STEP) {
        char text[sizeof(pl->why)];
        snprintf(text, sizeof(text), "loops: no return from %s in %lu ms", entry,
                 (unsigned long)nm_watchdog_timeout());
        rec->code = NMSHIM_PARSER_TIMEOUT;
        rec->flags = 0;
        rec->nparams = 0;
        rec->caller = 0;
        plugin_disable_text(pl, entry, text, rec, (DWORD)-1);
    } else {
        plugin_disable(pl, entry, "fault", rec, (DWORD)-1);
    }
    return r;
}

/* ---- the engine's hooks -------------------------------------------------------------- */
static void call_fn(void *ctx) { nm_engine_entry_call(ctx); }

static int guarded_call(struct nm_entry_call *c)
{
    struct nm_plugin *pl = plugin_of(c->proto->plugin), *saved = cur_plugin;
    struct nm_fault_record rec;
    int r;

    cur_plugin = pl;
    r = watched_call(pl, call_fn, c, entry_names[c->entry], &rec);
    cur_plugin = saved;
    if (r == NM_GUARD_OK) return 0;
    WARN("plug-in protocol %s faulted in %s (0x%08lx)\n", (const char *)c->proto->info.ProtocolName,
         entry_names[c->entry], rec.code);
    return -1;
}

static void on_disable(uint32_t id, int entry, const char *why, uint32_t frame)
{
    struct nm_plugin *pl = plugin_of(id);

    if (!pl) return;
    lock();
    if (pl->disabled && pl->disabled_frame == (DWORD)-1) pl->disabled_frame = frame;
    unlock();
    if (!pl->disabled) plugin_disable(pl, entry_names[entry], why, NULL, frame);
}

/* ---- reading PF_PARSERDLLINFO ---------------------------------------------------------- */
struct aii_ctx { FARPROC fn; PPF_PARSERDLLINFO info; };
static void aii_fn(void *ctx)
{
    struct aii_ctx *c = ctx;
    PPF_PARSERDLLINFO (WINAPI *f)(void);

    memcpy(&f, &c->fn, sizeof(f));     /* a data-to-code cast -Wcast-function-type accepts */
    c->info = f();
}

static void warn_add(struct nm_plugin *pl, const char *fmt, const char *arg)
{
    size_t n = strlen(pl->warnings);
    char line[128];

    snprintf(line, sizeof(line), fmt, arg);
    snprintf(pl->warnings + n, sizeof(pl->warnings) - n, "%s%s", n ? "; " : "", line);
}

/* Terminates a fixed-size string the DLL filled and keeps only printable ASCII. */
static void clean_str(char *s, size_t size)
{
    size_t i;
    s[size - 1] = 0;
    for (i = 0; s[i]; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e) s[i] = '?';
}

/* One PF_HANDOFFSET: incoming (the entries name this protocol in another's set) or
 * outgoing (this protocol's set names others). */
static void read_set(struct nm_plugin *pl, const PF_HANDOFFSET *set, const char *self, int incoming)
{
    DWORD n, i;
    PF_HANDOFFENTRY e;

    if (nm_safe_copy(&n, &set->nEntries, sizeof(n))) { warn_add(pl, "%s: unreadable hand-off set", self); return; }
    if (n > MAX_SET_ENTRIES) { warn_add(pl, "%s: hand-off set too large", self); return; }
    for (i = 0; i < n; i++) {
        const char *proto;
        if (nm_safe_copy(&e, &set->Entry[i], sizeof(e))) { warn_add(pl, "%s: unreadable hand-off entry", self); return; }
        clean_str(e.szIniSection, sizeof(e.szIniSection));
        clean_str(e.szProtocol, sizeof(e.szProtocol));
        proto = incoming && !e.szProtocol[0] ? self : e.szProtocol;
        if (e.ValueFormatBase != HANDOFF_VALUE_FORMAT_BASE_UNKNOWN &&
            e.ValueFormatBase != HANDOFF_VALUE_FORMAT_BASE_DECIMAL &&
            e.ValueFormatBase != HANDOFF_VALUE_FORMAT_BASE_HEX)
            warn_add(pl, "%s: hand-off entry with an unknown value base (taken as is)", self);
        if (!e.szIniSection[0] || nm_engine_handoff_add(e.szIniSection, e.dwHandOffValue, proto, 0, 0))
            warn_add(pl, "%s: hand-off entry ignored (no section, or too many)", self);
    }
}

/* The blocks to free, once each (two entries may share a set). */
static void note_block(void *p, void **blocks, unsigned *n)
{
    unsigned i;

    if (!p) return;
    for (i = 0; i < *n; i++) if (blocks[i] == p) return;
    if (*n < 4 * NM_MAX_PROTOCOLS + 1) blocks[(*n)++] = p;
}

/* Frees, on the process heap, those of the blocks that are busy blocks of it: found by
 * walking the heap, so a pointer that is not one never reaches a heap call (HeapValidate
 * on it would already be misuse, which Wine's checking heap reports). */
static void free_blocks(void **blocks, unsigned n)
{
    HANDLE heap = GetProcessHeap();
    PROCESS_HEAP_ENTRY e;
    BYTE found[4 * NM_MAX_PROTOCOLS + 1];
    unsigned i, left = n;

    if (!n) return;
    memset(found, 0, sizeof(found));
    memset(&e, 0, sizeof(e));
    if (!HeapLock(heap)) return;
    while (left && HeapWalk(heap, &e))
        if (e.wFlags & PROCESS_HEAP_ENTRY_BUSY)
            for (i = 0; i < n; i++)
                if (!found[i] && e.lpData == blocks[i]) { found[i] = 1; left--; }
    HeapUnlock(heap);
    for (i = 0; i < n; i++) {
        if (found[i]) HeapFree(heap, 0, blocks[i]);
        else WARN("%p is not a block of the process heap: not freed\n", blocks[i]);
    }
}

static void auto_install_info(struct nm_plugin *pl, FARPROC fn, struct nm_protocol **mine, unsigned nmine)
{
    struct aii_ctx c = { fn, NULL };
    struct nm_fault_record rec;
    void *blocks[4 * NM_MAX_PROTOCOLS + 1];
    unsigned nblocks = 0, j;
    DWORD n, i;

    if (watched_call(pl, aii_fn, &c, "ParserAutoInstallInfo", &rec) != NM_GUARD_OK)
        return;
    if (!c.info) { warn_add(pl, "%s", "ParserAutoInstallInfo returned NULL"); return; }
    if (nm_safe_copy(&n, &c.info->nParsers, sizeof(n)) || !n || n > NM_MAX_PROTOCOLS) {
        warn_add(pl, "%s", "PF_PARSERDLLINFO unreadable or with a bad nParsers");
        n = 0;
    }
    for (i = 0; i < n; i++) {
        PF_PARSERINFO pi;
        if (nm_safe_copy(&pi, &c.info->ParserInfo[i], sizeof(pi))) {
            warn_add(pl, "%s", "PF_PARSERINFO unreadable");
            break;
        }
        clean_str(pi.szProtocolName, sizeof(pi.szProtocolName));
        for (j = 0; j < nmine; j++)
            if (!lstrcmpiA(pi.szProtocolName, (const char *)mine[j]->info.ProtocolName)) break;
        if (j == nmine) warn_add(pl, "PF_PARSERINFO names %s, which the DLL did not create", pi.szProtocolName);
        else {
            if (pi.pWhoHandsOffToMe) read_set(pl, pi.pWhoHandsOffToMe, pi.szProtocolName, 1);
            if (pi.pWhoDoIHandOffTo) read_set(pl, pi.pWhoDoIHandOffTo, pi.szProtocolName, 0);
        }
        /* follow sets: read by nobody (the engine has none yet), freed all the same */
        note_block(pi.pWhoCanPrecedeMe, blocks, &nblocks);
        note_block(pi.pWhoCanFollowMe, blocks, &nblocks);
        note_block(pi.pWhoHandsOffToMe, blocks, &nblocks);
        note_block(pi.pWhoDoIHandOffTo, blocks, &nblocks);
    }
    note_block(c.info, blocks, &nblocks);
    free_blocks(blocks, nblocks);
}

/* The INI beside the DLL: FOO.dll -> FOO.ini, if there is one. */
static int beside_ini(const char *dll, char *ini, size_t len)
{
    const char *dot = strrchr(dll, '.'), *slash = strrchr(dll, '\\');
    DWORD a;

    if (!dot || (slash && dot < slash) || (size_t)(dot - dll) + 5 > len) return 0;
    memcpy(ini, dll, (size_t)(dot - dll));
    strcpy(ini + (dot - dll), ".ini");
    a = GetFileAttributesA(ini);
    return a != INVALID_FILE_ATTRIBUTES && !(a & FILE_ATTRIBUTE_DIRECTORY);
}

/* The companions beside nmapi.dll (parser.dll, bhsupp.dll: the SDK's parser.lib and
 * bhsupp.lib) are what a parser DLL imports. The loader's altered search path (the DLL's
 * own folder first) would not look in nmapi.dll's folder, so they are loaded from there
 * first, once: the parser's imports then bind to them, wherever the parser lives. */
static void load_companions(void)
{
    static const char *const names[] = { "parser.dll", "bhsupp.dll" };
    static LONG done;
    char path[MAX_PATH + 16], *slash;
    HMODULE self = NULL;
    DWORD n;
    unsigned i;

    if (InterlockedExchange(&done, 1)) return;
    if (!GetModuleHandleExA(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS |
                            GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                            (LPCSTR)(void *)&nplugins, &self)) return;
    n = GetModuleFileNameA(self, path, MAX_PATH);
    if (!n || n >= MAX_PATH || !(slash = strrchr(path, '\\'))) return;
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        strcpy(slash + 1, names[i]);
        if (!GetModuleHandleA(names[i]) && GetFileAttributesA(path) != INVALID_FILE_ATTRIBUTES &&
            !LoadLibraryExA(path, NULL, LOAD_WITH_ALTERED_SEARCH_PATH))
            WARN("%s did not load (error %lu)\n", path, GetLastError());
    }
}

/* The DLL's image, [base, base + SizeOfImage) from its PE header (mapped by the loader
 * just now): the watchdog stops a loop only while the thread runs code in there. DllMain
 * is not watched (its image is not known before LoadLibrary returns, and it runs under the
 * loader lock). */
static void image_range(struct nm_plugin *pl)
{
    const BYTE *base = (const BYTE *)pl->module;
    IMAGE_DOS_HEADER dos;
    IMAGE_NT_HEADERS nt;

    if (nm_safe_copy(&dos, base, sizeof(dos)) || dos.e_magic != IMAGE_DOS_SIGNATURE ||
        dos.e_lfanew <= 0 || nm_safe_copy(&nt, base + dos.e_lfanew, sizeof(nt)) ||
        nt.Signature != IMAGE_NT_SIGNATURE || !nt.OptionalHeader.SizeOfImage) {
        WARN("%s: no PE header: its calls are not watched\n", pl->path);
        return;
    }
    pl->lo = (ULONG_PTR)base;
    pl->hi = (ULONG_PTR)base + nt.OptionalHeader.SizeOfImage;
}

struct load_ctx { const char *path; HMODULE module; DWORD error; };
static void load_fn(void *ctx)
{
    struct load_ctx *c = ctx;
    c->module = LoadLibraryExA(c->path, NULL, LOAD_WITH_ALTERED_SEARCH_PATH);
    c->error = c->module ? 0 : GetLastError();
}

/* NmShimLoadParser (nmapi.@) */
DWORD WINAPI NmShimLoadParser(LPCSTR path, LPSTR err, DWORD errlen)
{
    struct nm_protocol *mine[NM_MAX_PROTOCOLS];
    struct nm_fault_record rec;
    struct nm_plugin *pl;
    struct load_ctx lc;
    char ini[MAX_PATH], msg[MAX_PATH + 200];
    unsigned n, i, nmine = 0;
    DWORD rc = NMERR_SUCCESS, len;
    FARPROC aii;

    msg[0] = 0;
    if (err && errlen) err[0] = 0;
    if (!path || nm_safe_strnlen(path, MAX_PATH) >= MAX_PATH) return NMERR_INVALID_PARAMETER;
    nm_guard_init();
    nm_engine_set_call_hook(guarded_call);
    nm_engine_set_disable_hook(on_disable);
    if (nplugins >= NM_MAX_PLUGINS) {
        snprintf(msg, sizeof(msg), "%s: more than %d parser DLLs", path, NM_MAX_PLUGINS);
        rc = NMERR_OUT_OF_MEMORY;
        goto out;
    }
    pl = &plugins[nplugins];
    memset(pl, 0, sizeof(*pl));
    len = GetFullPathNameA(path, sizeof(pl->path), pl->path, NULL);
    if (!len || len >= sizeof(pl->path)) lstrcpynA(pl->path, path, sizeof(pl->path));
    if (GetFileAttributesA(pl->path) == INVALID_FILE_ATTRIBUTES) {
        snprintf(msg, sizeof(msg), "%s: no such file", path);
        rc = NMERR_FILE_NOT_FOUND;
        goto out;
    }
    if (beside_ini(pl->path, ini, sizeof(ini)) &&
        nm_handoff_load_ini(ini, NULL, msg, sizeof(msg))) {
        rc = NMERR_INVALID_FILE_FORMAT;
        goto out;
    }
    pl->id = (uint32_t)nplugins + 1;
    InterlockedIncrement(&nplugins);
    nm_instance_create(0, NULL, &pl->heap);
    load_companions();
    nm_engine_plugin_begin(pl->id);
    lc.path = pl->path;
    lc.module = NULL;
    lc.error = 0;
    cur_plugin = pl;
    if (nm_guard_call(load_fn, &lc, &rec) != NM_GUARD_OK) {
        plugin_disable(pl, "DllMain", "fault", &rec, (DWORD)-1);
        lc.module = NULL;
    }
    cur_plugin = NULL;
    n = nm_engine_protocol_count();
    nm_engine_plugin_end();
    for (i = 0; i < n; i++) {
        struct nm_protocol *p = nm_engine_protocol_at(i);
        if (p && p->plugin == pl->id) mine[nmine++] = p;
    }
    pl->module = lc.module;
    if (!lc.module) {
        snprintf(msg, sizeof(msg), "%s: not loaded (error %lu: DllMain failed or faulted, or "
                 "not a DLL for this architecture)", path, lc.error);
        if (nmine) nm_engine_plugin_disable(mine[0], NM_ENTRY_REGISTER, "not loaded", (uint32_t)-1);
        rc = NMERR_INVALID_FILE_FORMAT;
        goto out;
    }
    if (!nmine) warn_add(pl, "%s", "DllMain created no protocol (CreateProtocol)");
    image_range(pl);
    nm_watchdog_start();
    aii = GetProcAddress(lc.module, "ParserAutoInstallInfo");
    if (!aii) aii = GetProcAddress(lc.module, "_ParserAutoInstallInfo@0");
    if (!aii) warn_add(pl, "%s", "no ParserAutoInstallInfo export: no hand-off sets");
    else {
        cur_plugin = pl;
        auto_install_info(pl, aii, mine, nmine);
        cur_plugin = NULL;
    }
    /* Register (docs/netmon-sdk-help.md §3.1 step 3): each protocol, under the guard. */
    for (i = 0; i < nmine && !pl->disabled; i++) {
        struct nm_entry_call c = { 0 };
        c.proto = mine[i];
        c.entry = NM_ENTRY_REGISTER;
        mine[i]->registered = 1;
        if (guarded_call(&c)) nm_engine_plugin_disable(mine[i], NM_ENTRY_REGISTER, "fault", (uint32_t)-1);
    }
    if (pl->disabled && nmine) nm_engine_plugin_disable(mine[0], NM_ENTRY_REGISTER, "fault", (uint32_t)-1);
    TRACE("%s: %u protocols%s\n", pl->path, nmine, pl->disabled ? ", disabled" : "");
out:
    if (msg[0] && err && errlen) lstrcpynA(err, msg, (int)errlen);
    if (msg[0]) WARN("%s\n", msg);
    return rc;
}

/* NmShimSetParserTimeout (nmapi.@): the watchdog's bound (watchdog.c), 0 for none. */
DWORD WINAPI NmShimSetParserTimeout(DWORD ms)
{
    nm_watchdog_set_timeout(ms);
    return NMERR_SUCCESS;
}

/* NmShimGetParserInfo (nmapi.@) */
DWORD WINAPI NmShimGetParserInfo(DWORD index, NMSHIM_PARSER_INFO *info)
{
    struct nm_plugin *pl;
    unsigned i, n;
    size_t used = 0;

    if (!info || index >= (DWORD)nplugins) return NMERR_INVALID_PARAMETER;
    pl = &plugins[index];
    memset(info, 0, sizeof(*info));
    lstrcpynA(info->dll, pl->path, sizeof(info->dll));
    n = nm_engine_protocol_count();
    for (i = 0; i < n; i++) {
        struct nm_protocol *p = nm_engine_protocol_at(i);
        if (!p || p->plugin != pl->id) continue;
        info->nprotocols++;
        info->frames_affected += p->affected;
        if (p->disabled) info->state = NMSHIM_PARSER_DISABLED;
        if (used + 18 < sizeof(info->protocols))
            used += (size_t)snprintf(info->protocols + used, sizeof(info->protocols) - used, "%s%s",
                                     used ? "," : "", (const char *)p->info.ProtocolName);
    }
    lock();
    if (pl->disabled) info->state = NMSHIM_PARSER_DISABLED;
    lstrcpynA(info->why, pl->why, sizeof(info->why));
    lstrcpynA(info->entry, pl->entry, sizeof(info->entry));
    lstrcpynA(info->warnings, pl->warnings, sizeof(info->warnings));
    info->fault = pl->fault;
    info->disabled_frame = pl->disabled_frame;
    unlock();
    return NMERR_SUCCESS;
}

/* The folder of the parser whose code runs on this thread (CreateHandoffTable's INI). */
int nm_plugin_current_dir(char *buf, size_t len)
{
    const char *slash;

    if (!cur_plugin || !(slash = strrchr(cur_plugin->path, '\\')) ||
        (size_t)(slash - cur_plugin->path) + 2 > len) return -1;
    memcpy(buf, cur_plugin->path, (size_t)(slash - cur_plugin->path) + 1);
    buf[slash - cur_plugin->path + 1] = 0;
    return 0;
}

/* ---- per-parser memory (docs/netmon-sdk-help.md §3.9) ----------------------------------
 * One instance (instance.c) per parser for the run (nmhost runs one capture): a pointer
 * that is not a live block of the calling parser's gets a failure, never a heap call.
 * Outside a parser's entry point (an expert calling them) there is no parser: failure. */

/* CCHeapAlloc (nmapi.@): zero-filled always (instance.c), so bZeroInit is kept. */
LPVOID WINAPI CCHeapAlloc(DWORD dwBytes, WINBOOL bZeroInit)
{
    const char *reason = NULL;
    void *p = NULL;

    (void)bZeroInit;
    if (!cur_plugin) { WARN("not called from a parser's entry point\n"); return NULL; }
    if (nm_instance_alloc(cur_plugin->heap, dwBytes, &p, &reason))
        WARN("%lu bytes: %s\n", dwBytes, reason);
    return p;
}

/* CCHeapFree (nmapi.@) */
WINBOOL WINAPI CCHeapFree(LPVOID lpMem)
{
    const char *reason = NULL;

    if (!cur_plugin) { WARN("not called from a parser's entry point\n"); return FALSE; }
    if (nm_instance_free(cur_plugin->heap, lpMem, &reason)) {
        WARN("%p: %s\n", lpMem, reason);
        return FALSE;
    }
    return TRUE;
}

/* CCHeapReAlloc (nmapi.@): the added part is zeroed whatever bZeroInit says (instance.c). */
LPVOID WINAPI CCHeapReAlloc(LPVOID lpMem, DWORD dwBytes, WINBOOL bZeroInit)
{
    const char *reason = NULL;
    void *p = NULL;

    (void)bZeroInit;
    if (!cur_plugin) { WARN("not called from a parser's entry point\n"); return NULL; }
    if (nm_instance_realloc(cur_plugin->heap, lpMem, dwBytes, &p, &reason))
        WARN("%p, %lu bytes: %s\n", lpMem, dwBytes, reason);
    return p;
}

/* CCHeapSize (nmapi.@): 0 for what is not a live block of the calling parser's. */
SIZE_T WINAPI CCHeapSize(LPVOID lpMem)
{
    if (!cur_plugin) { WARN("not called from a parser's entry point\n"); return 0; }
    return nm_instance_size(cur_plugin->heap, lpMem);
}

/* SetCCInstPtr (nmapi.@): one pointer per parser (per capture: nmhost runs one). */
VOID WINAPI SetCCInstPtr(LPVOID lpCurCaptureInst)
{
    if (!cur_plugin) { WARN("not called from a parser's entry point\n"); return; }
    cur_plugin->ccinst = lpCurCaptureInst;
}

/* GetCCInstPtr (nmapi.@) */
LPVOID WINAPI GetCCInstPtr(VOID)
{
    return cur_plugin ? cur_plugin->ccinst : NULL;
}

/* The file name (no folder) of plug-in id's DLL (GetProtocolDLLName, shim/protoenum.c);
 * NULL for 0 (built in) or an unknown id. Stable: a loaded plug-in's slot is never reused. */
const char *nm_plugin_dll_name(uint32_t id)
{
    struct nm_plugin *pl = plugin_of(id);
    const char *slash;

    if (!pl || !pl->path[0]) return NULL;
    slash = strrchr(pl->path, '\\');
    return slash ? slash + 1 : pl->path;
}
