/*
 * engine.c - the parser engine (docs/design.md §5, docs/sdk-help.md §2-§3): protocol and
 * property registries, the per-frame tables, and the parser contract's own functions
 * (CreateProtocol, DestroyProtocol, CreatePropertyDatabase, DestroyPropertyDatabase,
 * AddProperty, AttachPropertyInstance, AttachPropertyInstanceEx).
 *
 * Portable C (engine.h): memory from malloc, never from an expert heap; no Win32.
 * The built-in parsers (the files in parsers/) are written against the same contract as a legacy
 * parser DLL, and are created and registered once by nm_engine_init.
 *
 * Choices where the help is silent:
 *  - Hand-off: PROTOCOL_STATUS_NEXT_PROTOCOL continues with *phNextProtocol at the returned
 *    pointer; RECOGNIZED (no follow sets yet), CLAIMED and NULL end the frame. A returned
 *    pointer outside the frame or before the protocol, or a protocol handle that is not
 *    ours, ends the frame. At most NM_MAX_FRAME_PROTOCOLS protocols per frame (a protocol
 *    that follows itself is bounded by it too).
 *  - Plug-in protocols (engine.h) are untrusted: each entry point runs through the call
 *    hook, and a fault, a status that is none of the four, a pointer past the frame or
 *    before the protocol, a NEXT_PROTOCOL without a protocol of ours, or an attach of a
 *    property the protocol does not own disables the plug-in: its recognition is dropped
 *    from the frame, its instances removed, and the frame goes on without it.
 *  - Instance data (docs/sdk-help.md §3.6): each protocol's AttachProperties gets the value that
 *    was in *lpInstData when its RecognizeFrame was entered.
 *  - One PROPERTYINSTTABLE per recognized protocol, a contiguous slice of the one
 *    instance array, in frame order (docs/sdk-help.md §2.10).
 *  - AttachPropertyInstanceEx copies the extended data during the call (it usually lives
 *    on the parser's stack); the instance has DataLength 0xFFFF and lpPropertyInstEx.
 */
#include <stdlib.h>
#include <string.h>
#include "engine.h"
#include "parsers/parsers.h"

#define NM_PROTOCOL_MAGIC 0x50524f54u     /* 'PROT' */
#define PROP_TAG          0xA5u           /* top byte of every HPROPERTY cookie */

static struct nm_protocol protocols[NM_MAX_PROTOCOLS];
static unsigned nprotocols;               /* published with release, read with acquire */
static volatile int reg_lock;             /* CreateProtocol, hand-off additions */
static uint32_t creating_plugin;          /* plug-in whose DllMain is running (plugin.c) */
static nm_engine_call_hook call_hook;
static nm_engine_disable_hook disable_hook;
static struct {
    DWORD nProtocols;
    HPROTOCOL hProtocol[NM_MAX_PROTOCOLS];
} protocol_table;

/* ---- tiny portable locks (GCC/clang atomics) ---------------------------------------- */
static void spin_lock(volatile int *l)
{
    while (__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE))
        while (__atomic_load_n(l, __ATOMIC_RELAXED)) __builtin_ia32_pause();
}
static void spin_unlock(volatile int *l) { __atomic_store_n(l, 0, __ATOMIC_RELEASE); }

static volatile int init_lock;
static volatile int init_done;

static unsigned nprot_now(void) { return __atomic_load_n(&nprotocols, __ATOMIC_ACQUIRE); }

static int ascii_casecmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        int ca = (unsigned char)*a, cb = (unsigned char)*b;
        if (ca >= 'A' && ca <= 'Z') ca += 32;
        if (cb >= 'A' && cb <= 'Z') cb += 32;
        if (ca != cb) return ca - cb;
        if (!ca) return 0;
    }
}

void nm_engine_init(void)
{
    unsigned i;

    if (__atomic_load_n(&init_done, __ATOMIC_ACQUIRE)) return;
    spin_lock(&init_lock);
    if (!init_done) {
        nm_parsers_create();                      /* CreateProtocol for every built-in */
        for (i = 0; i < nprotocols; i++) {        /* then Register (docs/sdk-help.md §3.1) */
            struct nm_protocol *p = &protocols[i];
            if (p->magic == NM_PROTOCOL_MAGIC && !p->plugin && !p->registered && p->ep.Register) {
                p->registered = 1;
                p->ep.Register((HPROTOCOL)p);
            }
        }
        __atomic_store_n(&init_done, 1, __ATOMIC_RELEASE);
    }
    spin_unlock(&init_lock);
}

/* ---- registries ---------------------------------------------------------------------- */
struct nm_protocol *nm_engine_protocol(HPROTOCOL h)
{
    uintptr_t a = (uintptr_t)h, base = (uintptr_t)protocols;

    if (a < base || a >= base + sizeof(protocols) || (a - base) % sizeof(protocols[0]))
        return NULL;
    return ((struct nm_protocol *)h)->magic == NM_PROTOCOL_MAGIC ? (struct nm_protocol *)h : NULL;
}

struct nm_protocol *nm_engine_protocol_by_name(const char *name)
{
    unsigned i, n = nprot_now();

    for (i = 0; i < n; i++)
        if (protocols[i].magic == NM_PROTOCOL_MAGIC &&
            !ascii_casecmp((const char *)protocols[i].info.ProtocolName, name))
            return &protocols[i];
    return NULL;
}

unsigned nm_engine_protocol_count(void) { return nprot_now(); }

struct nm_protocol *nm_engine_protocol_at(unsigned i)
{
    return i < nprot_now() && protocols[i].magic == NM_PROTOCOL_MAGIC ? &protocols[i] : NULL;
}

const PROTOCOLTABLE *nm_engine_protocol_table(void)
{
    return (const PROTOCOLTABLE *)&protocol_table;
}

static HPROPERTY make_hprop(unsigned proto, unsigned idx)
{
    return (HPROPERTY)((PROP_TAG << 24) | (proto << 16) | idx);
}

PROPERTYINFO *nm_engine_property(HPROPERTY h, struct nm_protocol **owner)
{
    DWORD_PTR v = (DWORD_PTR)h;
    unsigned proto = (v >> 16) & 0xff, idx = v & 0xffff;
    struct nm_protocol *p;

    if ((v >> 24) != PROP_TAG || proto >= nprot_now()) return NULL;
    p = &protocols[proto];
    if (p->magic != NM_PROTOCOL_MAGIC || idx >= p->nprops) return NULL;
    if (owner) *owner = p;
    return &p->props[idx];
}

HPROPERTY nm_engine_property_by_label(struct nm_protocol *p, const char *label)
{
    DWORD i;

    if (!p || !p->info.PropertyDatabase) return 0;
    for (i = 0; i < p->info.PropertyDatabase->nProperties; i++)
        if (p->props[i].Label && !ascii_casecmp(p->props[i].Label, label))
            return p->props[i].hProperty;
    return 0;
}

/* Parsers look their hand-off targets up on every frame: remembered by the address of
 * the name (a string literal at each call site), found by name once. */
HPROTOCOL nm_engine_builtin(const char *name)
{
    static struct { const char *name; struct nm_protocol *p; } cache[32];
    static unsigned ncache;
    struct nm_protocol *p;
    unsigned i, n = __atomic_load_n(&ncache, __ATOMIC_ACQUIRE);

    for (i = 0; i < n; i++)
        if (cache[i].name == name) return cache[i].p->magic == NM_PROTOCOL_MAGIC ? (HPROTOCOL)cache[i].p : NULL;
    p = nm_engine_protocol_by_name(name);
    if (p && __atomic_load_n(&init_done, __ATOMIC_ACQUIRE)) {
        spin_lock(&init_lock);
        n = ncache;
        for (i = 0; i < n && cache[i].name != name; i++) ;
        if (i == n && n < 32) {
            cache[n].name = name;
            cache[n].p = p;
            __atomic_store_n(&ncache, n + 1, __ATOMIC_RELEASE);
        }
        spin_unlock(&init_lock);
    }
    return (HPROTOCOL)p;
}

/* ---- the parser contract: protocols and property databases -------------------------- */
HPROTOCOL WINAPI CreateProtocol(LPSTR ProtocolName, LPENTRYPOINTS lpEntryPoints, DWORD cbEntryPoints)
{
    struct nm_protocol *p;
    size_t len;

    ENTRYPOINTS ep;
    char name[sizeof(p->info.ProtocolName)];

    /* The caller's memory (a parser DLL's, untrusted) is read through the in-hooks. */
    if (!ProtocolName || !lpEntryPoints || cbEntryPoints < offsetof(ENTRYPOINTS, FormatProperties))
        return NULL;
    len = nm_engine_in_strnlen(ProtocolName, sizeof(name));
    memset(&ep, 0, sizeof(ep));
    if (len == (size_t)-1 || !len || len >= sizeof(name) || nm_engine_in_copy(name, ProtocolName, len)
        || nm_engine_in_copy(&ep, lpEntryPoints, cbEntryPoints < sizeof(ep) ? cbEntryPoints : sizeof(ep)))
        return NULL;
    name[len] = 0;
    if (!ep.RecognizeFrame || !ep.AttachProperties) return NULL;
    /* A plug-in's DllMain (under the loader lock) may run while another thread reads the
     * registries: the slot is complete before the count publishes it. */
    spin_lock(&reg_lock);
    if (nprotocols >= NM_MAX_PROTOCOLS || nm_engine_protocol_by_name(name)) {
        spin_unlock(&reg_lock);
        return NULL;
    }
    p = &protocols[nprotocols];
    memset(p, 0, sizeof(*p));
    p->index = nprotocols;
    p->info.ProtocolID = nprotocols + 1;
    memcpy(p->info.ProtocolName, name, len + 1);
    p->ep = ep;
    p->plugin = creating_plugin;
    p->magic = NM_PROTOCOL_MAGIC;
    protocol_table.hProtocol[protocol_table.nProtocols] = (HPROTOCOL)p;
    __atomic_store_n(&protocol_table.nProtocols, protocol_table.nProtocols + 1, __ATOMIC_RELEASE);
    __atomic_store_n(&nprotocols, nprotocols + 1, __ATOMIC_RELEASE);
    spin_unlock(&reg_lock);
    return (HPROTOCOL)p;
}

/* ---- plug-ins: marking, guarded calls, disabling ------------------------------------ */
void nm_engine_plugin_begin(uint32_t plugin)
{
    nm_engine_init();                  /* the built-ins first: they are never plug-ins */
    spin_lock(&reg_lock);
    creating_plugin = plugin;
    spin_unlock(&reg_lock);
}

unsigned nm_engine_plugin_end(void)
{
    unsigned i, n = 0, all = nprot_now();

    spin_lock(&reg_lock);
    for (i = 0; i < all; i++)
        if (creating_plugin && protocols[i].plugin == creating_plugin) n++;
    creating_plugin = 0;
    spin_unlock(&reg_lock);
    return n;
}

void nm_engine_set_call_hook(nm_engine_call_hook hook) { call_hook = hook; }
void nm_engine_set_disable_hook(nm_engine_disable_hook hook) { disable_hook = hook; }

void nm_engine_entry_call(struct nm_entry_call *c)
{
    struct nm_protocol *p = c->proto;
    HPROTOCOL h = (HPROTOCOL)p;

    c->ret = NULL;
    switch (c->entry) {
    case NM_ENTRY_REGISTER: if (p->ep.Register) p->ep.Register(h); break;
    case NM_ENTRY_DEREGISTER: if (p->ep.Deregister) p->ep.Deregister(h); break;
    case NM_ENTRY_RECOGNIZE:
        c->ret = p->ep.RecognizeFrame(c->hf, (ULPBYTE)c->frame, (ULPBYTE)c->data, c->mac, c->left,
                                      c->prev, c->prevoff, c->status, c->next, c->inst);
        break;
    case NM_ENTRY_ATTACH:
        c->ret = p->ep.AttachProperties(c->hf, (ULPBYTE)c->frame, (ULPBYTE)c->data, c->mac,
                                        c->left, c->prev, c->prevoff, c->instv);
        break;
    case NM_ENTRY_FORMAT:
        if (p->ep.FormatProperties)
            p->ep.FormatProperties(c->hf, (ULPBYTE)c->frame, (ULPBYTE)c->data, 1, c->pi);
        break;
    default: break;
    }
}

/* A plug-in's entry point through the hook; 0, or -1 when it faulted. */
static int plugin_call(struct nm_entry_call *c)
{
    if (call_hook) return call_hook(c);
    nm_engine_entry_call(c);
    return 0;
}

int nm_engine_plugin_format(struct nm_protocol *p, HFRAME hf, const BYTE *frame,
                            const BYTE *data, LPPROPERTYINST pi, uint32_t frame_number)
{
    struct nm_entry_call c = { 0 };

    if (p->disabled) return 1;
    c.proto = p; c.entry = NM_ENTRY_FORMAT; c.hf = hf; c.frame = frame; c.data = data; c.pi = pi;
    if (!plugin_call(&c)) return 0;
    nm_engine_plugin_disable(p, NM_ENTRY_FORMAT, "fault", frame_number);
    return -1;
}

/* Distinct frames, counted in capture order: a frame parsed again (a filter's pass, then
 * the attach) or an earlier one read again is not counted twice. */
static void count_affected(struct nm_protocol *p, uint32_t frame_number)
{
    uint32_t k = frame_number + 1, last = __atomic_load_n(&p->last_affected, __ATOMIC_RELAXED);

    while (k > last)
        if (__atomic_compare_exchange_n(&p->last_affected, &last, k, 0, __ATOMIC_RELAXED,
                                        __ATOMIC_RELAXED)) {
            __atomic_add_fetch(&p->affected, 1, __ATOMIC_RELAXED);
            break;
        }
}

void nm_engine_plugin_disable(struct nm_protocol *p, int entry, const char *why,
                              uint32_t frame_number)
{
    unsigned i, n = nprot_now();
    int first = 0;

    if (!p || !p->plugin) return;
    spin_lock(&reg_lock);
    for (i = 0; i < n; i++)
        if (protocols[i].plugin == p->plugin && !protocols[i].disabled) {
            protocols[i].disabled = 1;
            first = 1;
        }
    spin_unlock(&reg_lock);
    count_affected(p, frame_number);
    if (first && disable_hook) disable_hook(p->plugin, entry, why, frame_number);
}

/* ---- hand-off sets ---------------------------------------------------------------------- */
static struct nm_handoff {
    char set[64];
    char proto[16];
    DWORD value, data;
    int has_data;
} handoffs[NM_MAX_HANDOFFS];
static unsigned nhandoffs;

int nm_engine_handoff_add(const char *set, DWORD value, const char *protocol, int has_data,
                          DWORD data)
{
    struct nm_handoff *h;
    unsigned i;

    if (!set || !protocol || strlen(set) >= sizeof(h->set) || !*protocol ||
        strlen(protocol) >= sizeof(h->proto))
        return -1;
    spin_lock(&reg_lock);
    for (i = 0; i < nhandoffs; i++)          /* the same value again: the later one wins */
        if (handoffs[i].value == value && !ascii_casecmp(handoffs[i].set, set)) break;
    if (i == NM_MAX_HANDOFFS) {
        spin_unlock(&reg_lock);
        return -1;
    }
    h = &handoffs[i];
    if (i == nhandoffs) {
        memset(h, 0, sizeof(*h));
        strcpy(h->set, set);
        h->value = value;
    }
    strcpy(h->proto, protocol);
    h->has_data = has_data;
    h->data = data;
    if (i == nhandoffs) __atomic_store_n(&nhandoffs, nhandoffs + 1, __ATOMIC_RELEASE);
    spin_unlock(&reg_lock);
    return 0;
}

HPROTOCOL nm_engine_handoff_lookup(const char *set, DWORD value, DWORD_PTR *inst)
{
    unsigned i, n = __atomic_load_n(&nhandoffs, __ATOMIC_ACQUIRE);
    struct nm_protocol *p;

    for (i = 0; i < n; i++) {
        if (handoffs[i].value != value || ascii_casecmp(handoffs[i].set, set)) continue;
        if (!(p = nm_engine_protocol_by_name(handoffs[i].proto))) return NULL;
        if (inst && handoffs[i].has_data) *inst = handoffs[i].data;
        return (HPROTOCOL)p;
    }
    return NULL;
}

HPROTOCOL nm_engine_handoff_ports(const char *set, DWORD sport, DWORD dport, DWORD_PTR *inst)
{
    HPROTOCOL h;

    if (!__atomic_load_n(&nhandoffs, __ATOMIC_ACQUIRE)) return NULL;   /* the usual case */
    *inst = 0;
    if ((h = nm_engine_handoff_lookup(set, sport, inst))) return h;
    return nm_engine_handoff_lookup(set, dport, inst);
}

int nm_engine_handoff_entry(const char *set, unsigned index, DWORD *value, const char **protocol,
                            int *has_data, DWORD *data)
{
    unsigned i, n = __atomic_load_n(&nhandoffs, __ATOMIC_ACQUIRE);

    for (i = 0; i < n; i++) {
        if (ascii_casecmp(handoffs[i].set, set)) continue;
        if (index--) continue;
        *value = handoffs[i].value;
        *protocol = handoffs[i].proto;
        *has_data = handoffs[i].has_data;
        *data = handoffs[i].data;
        return 0;
    }
    return -1;
}

/* The slot stays (handles into it are checked against the magic); it is never reused. */
VOID WINAPI DestroyProtocol(HPROTOCOL hProtocol)
{
    struct nm_protocol *p = nm_engine_protocol(hProtocol);
    DWORD i, j;

    if (!p) return;
    if (p->registered && p->ep.Deregister) {
        struct nm_entry_call c = { 0 };
        c.proto = p;
        c.entry = NM_ENTRY_DEREGISTER;
        if (p->plugin) plugin_call(&c);
        else nm_engine_entry_call(&c);
    }
    p->magic = 0;
    for (i = j = 0; i < protocol_table.nProtocols; i++)
        if (protocol_table.hProtocol[i] != hProtocol)
            protocol_table.hProtocol[j++] = protocol_table.hProtocol[i];
    protocol_table.nProtocols = j;
}

DWORD WINAPI CreatePropertyDatabase(HPROTOCOL hProtocol, DWORD nProperties)
{
    struct nm_protocol *p = nm_engine_protocol(hProtocol);
    PROPERTYDATABASE *db;

    if (!p) return NMERR_INVALID_HPROTOCOL;
    if (nProperties > 0xffff) return NMERR_INVALID_PARAMETER;
    if (p->info.PropertyDatabase && nProperties <= p->db_cap) {   /* registered again */
        p->info.PropertyDatabase->nProperties = 0;
        p->nprops = 0;
        return NMERR_SUCCESS;
    }
    if (p->info.PropertyDatabase) return NMERR_INVALID_PARAMETER;  /* handles stay valid */
    db = calloc(1, sizeof(*db) + (nProperties + 1) * sizeof(LPPROPERTYINFO));
    p->props = calloc(nProperties + 1, sizeof(PROPERTYINFO));
    if (!db || !p->props) {
        free(db);
        free(p->props);
        p->props = NULL;
        return NMERR_OUT_OF_MEMORY;
    }
    p->db_cap = nProperties;
    p->info.PropertyDatabase = db;
    return NMERR_SUCCESS;
}

/* The memory stays: instances and handles handed out keep pointing at valid memory. */
DWORD WINAPI DestroyPropertyDatabase(HPROTOCOL hProtocol)
{
    struct nm_protocol *p = nm_engine_protocol(hProtocol);

    if (!p) return NMERR_INVALID_HPROTOCOL;
    if (!p->info.PropertyDatabase) return NMERR_INVALID_HPROPERTYDB;
    p->info.PropertyDatabase->nProperties = 0;
    p->nprops = 0;
    return NMERR_SUCCESS;
}

/* Copies the PROPERTYINFO into the database and writes the new handle into the caller's
 * PROPERTYINFO.hProperty too: parsers read it back from their own table (docs/sdk-samples.md §3.1). */
HPROPERTY WINAPI AddProperty(HPROTOCOL hProtocol, LPPROPERTYINFO PropertyInfo)
{
    struct nm_protocol *p = nm_engine_protocol(hProtocol);
    PROPERTYDATABASE *db;
    DWORD i;

    if (!p || !PropertyInfo || !(db = p->info.PropertyDatabase) || db->nProperties >= p->db_cap)
        return 0;
    i = db->nProperties;
    if (nm_engine_in_copy(&p->props[i], PropertyInfo, sizeof(p->props[i]))) return 0;
    p->props[i].hProperty = make_hprop(p->index, i);
    if (nm_engine_in_copy(&PropertyInfo->hProperty, &p->props[i].hProperty, sizeof(HPROPERTY)))
        return 0;
    db->PropertyInfo[i] = &p->props[i];
    db->nProperties = i + 1;
    p->nprops = i + 1;
    return p->props[i].hProperty;
}

/* ---- frame tables -------------------------------------------------------------------- */
static struct nm_ptable *slots[NM_MAX_FRAME_SLOTS];
static volatile int slots_lock;

static HFRAME make_hframe(uint32_t slot, uint32_t gen)
{
    /* odd, never a pointer; generation in the high bits (21): always below 0x80000000,
     * where handles.c's frame cookies start, so the frame functions can tell the two
     * kinds of HFRAME apart (nm_handles_lookup_frame) */
    return (HFRAME)(uintptr_t)((((uintptr_t)gen & 0x1fffff) << 10) | (slot << 1) | 1);
}

struct nm_ptable *nm_engine_table_acquire(void)
{
    struct nm_ptable *t = NULL;
    unsigned i;

    nm_engine_init();
    spin_lock(&slots_lock);
    for (i = 0; i < NM_MAX_FRAME_SLOTS; i++) {
        if (!slots[i]) {
            if (!(t = calloc(1, sizeof(*t)))) break;
            t->slot = i;
            t->ptable = calloc(1, sizeof(PROPERTYTABLE) +
                                  NM_MAX_FRAME_PROTOCOLS * sizeof(PROPERTYINSTTABLE));
            t->rtable = calloc(1, sizeof(RECOGNIZEDATATABLE) +
                                  NM_MAX_FRAME_PROTOCOLS * sizeof(RECOGNIZEDATA) + 16);
            if (!t->ptable || !t->rtable) {
                free(t->ptable);
                free(t->rtable);
                free(t);
                t = NULL;
                break;
            }
            slots[i] = t;
        } else if (!slots[i]->in_use) {
            t = slots[i];
        } else continue;
        t->in_use = 1;
        t->gen++;
        t->hframe = make_hframe(t->slot, t->gen);
        t->nprot = 0;
        t->ninsts = 0;
        t->caplen = 0;
        t->frame = NULL;
        break;
    }
    spin_unlock(&slots_lock);
    return t;
}

void nm_engine_table_release(struct nm_ptable *t)
{
    if (!t) return;
    spin_lock(&t->lock);
    t->gen++;                               /* every HFRAME of it is stale now */
    t->hframe = make_hframe(t->slot, t->gen);
    t->nprot = 0;
    t->ninsts = 0;
    t->frame = NULL;
    if (t->inst_cap > 256) {                /* a monster frame does not pin memory */
        free(t->insts);
        t->insts = NULL;
        t->inst_cap = 0;
    }
    if (t->ex_cap > 4096) {
        free(t->ex);
        t->ex = NULL;
        t->ex_cap = 0;
    }
    spin_unlock(&t->lock);
    spin_lock(&slots_lock);
    t->in_use = 0;
    spin_unlock(&slots_lock);
}

static struct nm_ptable *table_of(HFRAME h)
{
    uintptr_t v = (uintptr_t)h;
    unsigned slot = (v >> 1) & (NM_MAX_FRAME_SLOTS - 1);

    if (!(v & 1)) return NULL;
    return __atomic_load_n(&slots[slot], __ATOMIC_ACQUIRE);
}

struct nm_ptable *nm_engine_table_lock(HFRAME h)
{
    struct nm_ptable *t = table_of(h);

    if (!t) return NULL;
    spin_lock(&t->lock);
    if (!t->in_use || t->hframe != h) {
        spin_unlock(&t->lock);
        return NULL;
    }
    return t;
}

void nm_engine_table_unlock(struct nm_ptable *t)
{
    if (t) spin_unlock(&t->lock);
}

/* The table being built by this HFRAME (attach calls from inside AttachProperties). */
static struct nm_ptable *building_table(HFRAME h)
{
    struct nm_ptable *t = table_of(h);

    return t && t->building && t->hframe == h ? t : NULL;
}

static PROPERTYINST *new_instance(struct nm_ptable *t)
{
    if (t->ninsts == t->inst_cap) {
        size_t cap = t->inst_cap ? t->inst_cap * 2 : 64;
        PROPERTYINST *n;

        if (cap > NM_MAX_FRAME_PROPS || !(n = realloc(t->insts, cap * sizeof(*n)))) {
            t->overflow = 1;
            return NULL;
        }
        t->insts = n;
        t->inst_cap = cap;
    }
    return &t->insts[t->ninsts++];
}

static BOOL attach(HFRAME hFrame, HPROPERTY hProperty, DWORD Length, ULPVOID lpData,
                   DWORD ExLength, ULPVOID lpExData, DWORD HelpID, DWORD Level, DWORD IFlags)
{
    struct nm_ptable *t = building_table(hFrame);
    struct nm_protocol *owner = NULL;
    PROPERTYINFO *info = nm_engine_property(hProperty, &owner);
    PROPERTYINST *pi, v;

    if (!t) return FALSE;
    if (t->attaching_plugin && owner != t->attaching_plugin) {   /* not its own: garbage */
        t->bad_attach = 1;
        return FALSE;
    }
    if (!info || Level > 15 || Length > 0xfffe || HelpID > 0xfff) return FALSE;
    /* A plug-in's data must lie in the frame: experts read it without a guard. */
    if (t->attaching_plugin && Length &&
        ((const BYTE *)lpData < t->frame || (const BYTE *)lpData > t->frame + t->caplen ||
         Length > (DWORD)(t->frame + t->caplen - (const BYTE *)lpData)))
        return FALSE;
    v.lpPropertyInfo = info;
    v.szPropertyText = NULL;
    v.Level = Level;
    v.HelpID = HelpID;
    v.IFlags = IFlags;
    if (lpExData && ExLength) {
        size_t need = (offsetof(PROPERTYINSTEX, Byte) + ExLength + 15) & ~(size_t)15;
        PROPERTYINSTEX *ex;

        if (ExLength > 0xffff) return FALSE;
        if (t->ex_used + need > t->ex_cap) {
            size_t cap = t->ex_cap ? t->ex_cap : 1024;
            BYTE *n;
            while (cap < t->ex_used + need) cap *= 2;
            if (cap > 16u << 20 || !(n = realloc(t->ex, cap))) {
                t->overflow = 1;
                return FALSE;
            }
            if (n != t->ex) {                     /* the arena moved: rebase this frame's */
                size_t i;
                for (i = 0; i < t->ninsts; i++)
                    if (t->insts[i].DataLength == 0xffff)
                        t->insts[i].lpPropertyInstEx = (LPPROPERTYINSTEX)
                            (n + ((BYTE *)t->insts[i].lpPropertyInstEx - t->ex));
            }
            t->ex = n;
            t->ex_cap = cap;
        }
        ex = (PROPERTYINSTEX *)(t->ex + t->ex_used);
        ex->Length = (WORD)Length;
        ex->LengthEx = (WORD)ExLength;
        ex->lpData = lpData;
        if (ExLength <= 4) {                      /* the usual decoded BYTE/WORD/DWORD */
            BYTE *d = ex->Byte;
            const BYTE *s = lpExData;
            switch (ExLength) {
            case 4: d[3] = s[3]; /* fall through */
            case 3: d[2] = s[2]; /* fall through */
            case 2: d[1] = s[1]; /* fall through */
            default: d[0] = s[0];
            }
        } else {
            memcpy(ex->Byte, lpExData, ExLength);
        }
        v.lpPropertyInstEx = ex;                  /* rebased above if the arena moves */
        v.DataLength = 0xffff;
        t->ex_used += need;
    } else {
        v.lpData = lpData;
        v.DataLength = (WORD)Length;
    }
    if (!(pi = new_instance(t))) return FALSE;
    *pi = v;
    return TRUE;
}

WINBOOL WINAPI AttachPropertyInstance(HFRAME hFrame, HPROPERTY hProperty, DWORD Length,
                                      ULPVOID lpData, DWORD HelpID, DWORD Level, DWORD IFlags)
{
    return attach(hFrame, hProperty, Length, lpData, 0, NULL, HelpID, Level, IFlags);
}

WINBOOL WINAPI AttachPropertyInstanceEx(HFRAME hFrame, HPROPERTY hProperty, DWORD Length,
                                        ULPVOID lpData, DWORD ExLength, ULPVOID lpExData,
                                        DWORD HelpID, DWORD Level, DWORD IFlags)
{
    return attach(hFrame, hProperty, Length, lpData, ExLength, lpExData, HelpID, Level, IFlags);
}

/* ---- parsing ----------------------------------------------------------------------- */
static struct nm_protocol *first_protocol(uint32_t link_type, const BYTE *frame, DWORD caplen,
                                          DWORD *mac_type)
{
    *mac_type = MAC_TYPE_UNKNOWN;
    switch (link_type) {
    case 1:                                    /* LINKTYPE_ETHERNET */
        *mac_type = MAC_TYPE_ETHERNET;
        return (struct nm_protocol *)nm_engine_builtin("ETHERNET");
    case 0: case 108:                          /* LINKTYPE_NULL, LINKTYPE_LOOP */
        return (struct nm_protocol *)nm_engine_builtin("LOOPBACK");
    case 113:                                  /* LINKTYPE_LINUX_SLL */
        return (struct nm_protocol *)nm_engine_builtin("SLL");
    case 12: case 14: case 101:                /* raw IP, version from the first nibble */
        if (!caplen) return NULL;
        if ((frame[0] >> 4) == 4) return (struct nm_protocol *)nm_engine_builtin("IP");
        if ((frame[0] >> 4) == 6) return (struct nm_protocol *)nm_engine_builtin("IPV6");
        return NULL;
    case 228: return (struct nm_protocol *)nm_engine_builtin("IP");
    case 229: return (struct nm_protocol *)nm_engine_builtin("IPV6");
    default: return NULL;
    }
}

HFRAME nm_engine_table_load(struct nm_ptable *t, const BYTE *frame, DWORD caplen,
                            uint32_t link_type, uint32_t frame_number)
{
    HFRAME hf;

    spin_lock(&t->lock);
    t->gen++;
    hf = t->hframe = make_hframe(t->slot, t->gen);
    t->frame = frame;
    t->caplen = caplen;
    t->link_type = link_type;
    t->frame_number = frame_number;
    t->parsed = 0;
    t->attached = 0;
    t->nprot = 0;
    t->ninsts = 0;
    spin_unlock(&t->lock);
    return hf;
}

HFRAME nm_engine_table_load_parse(struct nm_ptable *t, const BYTE *frame, DWORD caplen,
                                  uint32_t link_type, uint32_t frame_number, int attach)
{
    HFRAME hf;

    spin_lock(&t->lock);
    t->gen++;
    hf = t->hframe = make_hframe(t->slot, t->gen);
    t->frame = frame;
    t->caplen = caplen;
    t->link_type = link_type;
    t->frame_number = frame_number;
    t->parsed = 0;
    t->attached = 0;
    if (attach) nm_engine_table_parse(t, 1);
    spin_unlock(&t->lock);
    return hf;
}

/* Caller holds the table lock: attach calls from the parsers find the table through
 * t->building (building_table), never through the lock. */
void nm_engine_table_parse(struct nm_ptable *t, int attach_props)
{
    struct nm_protocol *p, *prev = NULL;
    DWORD off = 0, prev_off = 0, mac, caplen = t->caplen;
    const BYTE *frame = t->frame;
    DWORD_PTR inst = 0;
    HFRAME hf = t->hframe;
    unsigned i;

    if (!frame || (t->parsed && (t->attached || !attach_props))) return;
    t->building = 1;
    t->nprot = 0;
    t->ninsts = 0;
    t->ex_used = 0;
    t->overflow = 0;
    p = first_protocol(t->link_type, frame, caplen, &mac);
    t->mac_type = mac;
    while (p && t->nprot < NM_MAX_FRAME_PROTOCOLS && off <= caplen) {
        DWORD status = PROTOCOL_STATUS_NOT_RECOGNIZED;
        HPROTOCOL next = NULL;
        DWORD_PTR in = inst;
        LPBYTE ret;

        if (p->plugin) {                          /* untrusted: guarded and checked */
            struct nm_entry_call c = { 0 };
            const char *bad = NULL;
            if (p->disabled) { count_affected(p, t->frame_number); break; }
            c.proto = p; c.entry = NM_ENTRY_RECOGNIZE; c.hf = hf; c.frame = frame;
            c.data = frame + off; c.mac = mac; c.left = caplen - off; c.prev = (HPROTOCOL)prev;
            c.prevoff = prev_off; c.status = &status; c.next = &next; c.inst = &inst;
            if (plugin_call(&c)) bad = "fault";
            else if (status > PROTOCOL_STATUS_NEXT_PROTOCOL) bad = "a status that is none of the four";
            else if (status == PROTOCOL_STATUS_NEXT_PROTOCOL &&
                     (!c.ret || c.ret < frame + off || c.ret > frame + caplen))
                bad = "an offset outside the frame";
            else if (status == PROTOCOL_STATUS_NEXT_PROTOCOL && !nm_engine_protocol(next))
                bad = "NEXT_PROTOCOL with no protocol of the engine's";
            if (bad) {
                nm_engine_plugin_disable(p, NM_ENTRY_RECOGNIZE, bad, t->frame_number);
                break;
            }
            ret = c.ret;
        } else {
            ret = p->ep.RecognizeFrame(hf, (ULPBYTE)frame, (ULPBYTE)frame + off, mac,
                                       caplen - off, (HPROTOCOL)prev, prev_off, &status,
                                       &next, &inst);
        }
        if (status == PROTOCOL_STATUS_NOT_RECOGNIZED) break;
        t->prot[t->nprot].proto = p;
        t->prot[t->nprot].offset = off;
        t->prot[t->nprot].instdata = in;
        t->nprot++;
        if (status != PROTOCOL_STATUS_NEXT_PROTOCOL || !ret) break;
        if (ret < frame + off || ret > frame + caplen) break;
        prev = p;
        prev_off = off;
        off = (DWORD)(ret - frame);
        p = nm_engine_protocol(next);
    }
    if (attach_props) {
        for (i = 0; i < t->nprot; i++) {
            struct nm_frame_proto *fp = &t->prot[i];
            size_t first = t->ninsts;
            t->cur_prot = i;
            if (fp->proto->plugin) {
                struct nm_entry_call c = { 0 };
                int faulted = 0;
                if (!fp->proto->disabled) {
                    c.proto = fp->proto; c.entry = NM_ENTRY_ATTACH; c.hf = hf; c.frame = frame;
                    c.data = frame + fp->offset; c.mac = mac; c.left = caplen - fp->offset;
                    c.prev = i ? (HPROTOCOL)t->prot[i - 1].proto : NULL;
                    c.prevoff = i ? t->prot[i - 1].offset : 0; c.instv = fp->instdata;
                    t->attaching_plugin = fp->proto;
                    t->bad_attach = 0;
                    faulted = plugin_call(&c);
                    t->attaching_plugin = NULL;
                    if (faulted || t->bad_attach)
                        nm_engine_plugin_disable(fp->proto, NM_ENTRY_ATTACH,
                                                 faulted ? "fault" : "an attach of a property it does not own",
                                                 t->frame_number);
                }
                if (fp->proto->disabled) {        /* none of its instances stay */
                    count_affected(fp->proto, t->frame_number);
                    t->ninsts = first;
                }
            } else {
                fp->proto->ep.AttachProperties(hf, (ULPBYTE)frame, (ULPBYTE)frame + fp->offset, mac,
                                               caplen - fp->offset,
                                               i ? (HPROTOCOL)t->prot[i - 1].proto : NULL,
                                               i ? t->prot[i - 1].offset : 0, fp->instdata);
            }
            t->ptable->PropertyInstTable[i].nPropertyInstIndex = (WORD)first;
            t->ptable->PropertyInstTable[i].nPropertyInsts = (WORD)(t->ninsts - first);
        }
    }
    t->ptable->lpFormatBuffer = NULL;
    t->ptable->FormatBufferLength = 0;
    t->ptable->nTotalPropertyInsts = (DWORD)t->ninsts;
    t->ptable->lpFirstPropertyInst = t->ninsts ? t->insts : NULL;
    t->ptable->nPropertyInstTables = attach_props ? (BYTE)t->nprot : 0;
    t->rtable->nRecognizeDatas = (WORD)t->nprot;
    for (i = 0; i < t->nprot; i++) {
        t->rtable->RecognizeData[i].ProtocolID = (WORD)t->prot[i].proto->info.ProtocolID;
        t->rtable->RecognizeData[i].nProtocolOffset = (WORD)t->prot[i].offset;
        t->rtable->RecognizeData[i].InstData = (LPVOID)t->prot[i].instdata;
    }
    t->parsed = 1;
    t->attached = attach_props;
    t->building = 0;
}

int nm_engine_frame_of(HFRAME h, void **capture, uint32_t *n)
{
    struct nm_ptable *t = nm_engine_table_lock(h);

    if (!t) return -1;
    *n = t->frame_number;
    *capture = t->hcapture;
    nm_engine_table_unlock(t);
    return 0;
}

/* ---- lookups --------------------------------------------------------------------------- */
int nm_engine_is_instance(const struct nm_ptable *t, const PROPERTYINST *pi)
{
    uintptr_t a = (uintptr_t)pi, base = (uintptr_t)t->insts;

    return t->ninsts && a >= base && a < base + t->ninsts * sizeof(PROPERTYINST) &&
           (a - base) % sizeof(PROPERTYINST) == 0;
}

int nm_engine_has_protocol(const struct nm_ptable *t, const struct nm_protocol *p)
{
    unsigned i;

    for (i = 0; i < t->nprot; i++)
        if (t->prot[i].proto == p) return 1;
    return 0;
}

/* after: NULL = from the start (forward) or the end (backward); exclusive otherwise. */
LPPROPERTYINST nm_engine_find(struct nm_ptable *t, HPROPERTY h, LPPROPERTYINST after, int forward)
{
    PROPERTYINFO *info = nm_engine_property(h, NULL);
    size_t i;

    if (!info || !t->ninsts) return NULL;
    if (forward) {
        for (i = after ? (size_t)(after - t->insts) + 1 : 0; i < t->ninsts; i++)
            if (t->insts[i].lpPropertyInfo == info) return &t->insts[i];
    } else {
        for (i = after ? (size_t)(after - t->insts) : t->ninsts; i-- > 0;)
            if (t->insts[i].lpPropertyInfo == info) return &t->insts[i];
    }
    return NULL;
}
