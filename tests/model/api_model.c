/*
 * api_model.c - the Expert API fuzzed against a reference model, through the real
 * nmapi.dll (issue "Reliability in figures", item 1).
 *
 *   api_model.exe [--seed S] [--calls N] [--verbose]
 *
 * Seeded, reproducible rounds. A round has 1..4 threads on 1..3 fresh keys (thread t uses
 * key t % keys). Each thread makes random calls: ExpertAllocMemory, ExpertReallocMemory,
 * ExpertFreeMemory, ExpertMemorySize, and ExpertGetFrame / ExpertIndicateStatus /
 * ExpertSubmitEvent / ExpertGetStartupInfo with bad keys, and common functions (frame,
 * capture, property, protocol and filter calls) with random handles; with its own live blocks and with
 * freed, interior, stack, read-only, random and foreign pointers; with valid, stale, random
 * and foreign keys; sizes from 0 to (SIZE_T)-1. A model predicts every return value, every
 * *pError and every ExpertMemorySize, and at the end of the round each key's statistics
 * (allocs, reallocs, frees, bad calls, refusals, live and peak bytes, leaks). Every block
 * carries a pattern of its own id that must survive every realloc and is checked before it
 * is freed and at the end of the round (so it never appears in another block).
 *
 * Some rounds stop or end a key while its threads are calling: the model then accepts, per
 * thread, results that move only forward (alive -> stopped -> ended); such rounds touch no
 * block memory (it may be gone at any moment).
 *
 * A failure prints the seed, the round and the failing thread's calls; when the failure
 * reproduces with that thread alone, its call list is shrunk (chunks removed while it still
 * fails) and printed. Exit 0: every prediction held; 1: a mismatch; 2: bad usage.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <netmon.h>
#include "nmshim.h"

#ifdef _WIN64
#define ABSURD_MIN ((SIZE_T)1 << 41)        /* beyond the shim's largest request */
#define ALIGN 16
#else
#define ABSURD_MIN ((SIZE_T)0x80000000u)
#define ALIGN 8
#endif
#define U(x) ((unsigned long long)(x))   /* for %llu */
#define MAX_THREADS 4
#define MAX_KEYS    3
#define MAX_LIVE    512                      /* blocks one thread keeps */
#define MAX_OPS     6000                     /* calls one thread makes in a round */

/* ---- random numbers: splitmix64, reproducible from (seed, round, thread) --------------- */
static uint64_t mix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
static unsigned below(uint64_t *s, unsigned n) { return (unsigned)(mix(s) % n); }

/* ---- calls, as data (so a failing sequence can be replayed and shrunk) ----------------- */
enum kind { K_ALLOC, K_REALLOC, K_FREE, K_SIZE, K_FRAME, K_STATUS, K_EVENT, K_STARTUP, K_COMMON };
enum ptr { P_OWN, P_NULL, P_FREED, P_INTERIOR, P_STACK, P_RODATA, P_RANDOM, P_FOREIGN };
enum keyk { Q_OWN, Q_RANDOM, Q_STALE, Q_FOREIGN };
static const char *const kind_names[] = { "Alloc", "Realloc", "Free", "Size", "GetFrame",
                                          "IndicateStatus", "SubmitEvent", "GetStartupInfo",
                                          "common" };
static const char *const ptr_names[] = { "own", "NULL", "freed", "interior", "stack", "rodata",
                                         "random", "foreign" };
static const char *const key_names[] = { "own", "random", "stale", "foreign" };

struct op {
    unsigned char kind, ptr, key, null_err;
    uint32_t pick;                   /* which block (modulo what there is) */
    uint64_t rnd;                    /* random pointer / key value */
    SIZE_T size;
};

/* ---- the model ----------------------------------------------------------------------- */
struct block { unsigned char *p; SIZE_T size; uint32_t id; };

struct keymodel {                    /* one key: sums over its threads */
    HEXPERTKEY key;
    volatile LONG64 allocs, reallocs, frees, bad, failed, live_blocks, live_bytes;
    LONG64 peak_sum;                 /* sum of the threads' own peaks (an upper bound) */
    LONG64 foreign_bytes;            /* the main thread's blocks, live all round */
    int nthreads;
    int stop_at, end_at;             /* controller: stop/end after that many ms (-1: no) */
};

struct thread {
    int index;
    struct keymodel *km;
    struct keymodel *foreign;        /* a key alive for the whole round, or NULL */
    uint64_t rng;
    int nops, touch;                 /* touch: may read/write block memory */
    struct op ops[MAX_OPS];
    struct block live[MAX_LIVE];
    int nlive;
    unsigned char *freed[64];        /* recently freed by this thread */
    int nfreed;
    SIZE_T live_bytes, peak_bytes;
    uint32_t next_id;
    int state;                       /* 0 alive, 1 stopped, 2 ended: what was observed */
    int failed;
    char why[512];
    int fail_op;
    int replay;                      /* single-threaded replay: never concurrent */
};

static HEXPERTKEY stale_keys[64];
static int nstale;
static unsigned char *foreign_blocks[MAX_KEYS][16];
static int nforeign_blocks[MAX_KEYS];
static const char rodata[] = "a read-only string, not a block";
static int verbose;

static void fail(struct thread *t, int op, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fail(struct thread *t, int op, const char *fmt, ...)
{
    va_list ap;
    if (t->failed) return;
    t->failed = 1;
    t->fail_op = op;
    va_start(ap, fmt);
    vsnprintf(t->why, sizeof(t->why), fmt, ap);
    va_end(ap);
}

static unsigned char pattern(uint32_t id, SIZE_T i)
{
    return (unsigned char)((id * 2654435761u + (uint32_t)i * 40503u) >> 13);
}
static void fill(const struct block *b, SIZE_T from)
{
    for (SIZE_T i = from; i < b->size; i++) b->p[i] = pattern(b->id, i);
}
static SIZE_T check(const struct block *b, SIZE_T upto)
{
    for (SIZE_T i = 0; i < upto; i++) if (b->p[i] != pattern(b->id, i)) return i;
    return (SIZE_T)-1;
}

static SIZE_T random_size(uint64_t *r)
{
    switch (below(r, 20)) {
    case 0: return 0;
    case 1: return (SIZE_T)-1;
    case 2: return ABSURD_MIN + (SIZE_T)(mix(r) % ((SIZE_T)-1 - ABSURD_MIN));
    case 3: case 4: return 4097 + below(r, 61440);
    case 5: case 6: case 7: return 65 + below(r, 4032);
    default: return 1 + below(r, 64);
    }
}

static struct op random_op(struct thread *t)
{
    uint64_t *r = &t->rng;
    struct op o;
    unsigned w = below(r, 100);

    memset(&o, 0, sizeof(o));
    o.pick = (uint32_t)mix(r);
    o.rnd = mix(r) | 1;                      /* odd: never a block, never aligned */
    o.size = random_size(r);
    o.null_err = below(r, 8) == 0;
    o.ptr = P_OWN;
    o.key = Q_OWN;
    if (w < 30) o.kind = K_ALLOC;
    else if (w < 50) o.kind = K_REALLOC;
    else if (w < 75) o.kind = K_FREE;
    else if (w < 90) o.kind = K_SIZE;
    else if (w < 96) o.kind = (unsigned char)(K_FRAME + below(r, 4));
    else o.kind = K_COMMON;
    if (o.kind <= K_SIZE && below(r, 4) == 0) o.ptr = (unsigned char)(1 + below(r, 7));
    if (o.kind >= K_FRAME || below(r, 16) == 0) o.key = (unsigned char)(1 + below(r, 3));
    /* A freed pointer may be handed again, to another thread of the same key. */
    if (o.ptr == P_FREED && t->km->nthreads > 1) o.ptr = P_INTERIOR;
    if (o.ptr == P_FOREIGN && !t->foreign) o.ptr = P_RANDOM;
    if (o.key == Q_FOREIGN && !t->foreign) o.key = Q_RANDOM;
    /* A foreign key only meets pointers that are not its own blocks. */
    if (o.key == Q_FOREIGN && o.ptr == P_FOREIGN) o.ptr = P_STACK;
    /* On a key that may be stopped or ended, *pError tells which happened: without it a
     * NULL could be a refusal (counted) or a stop (not counted). */
    if (t->km->stop_at >= 0 || t->km->end_at >= 0) o.null_err = 0;
    return o;
}

static int is_live_key(HEXPERTKEY k, struct keymodel *keys, int nkeys)
{
    for (int i = 0; i < nkeys; i++) if (keys[i].key == k) return 1;
    return 0;
}

/* Executes op i of thread t and checks it against the model. */
static void step(struct thread *t, int i, struct keymodel *keys, int nkeys)
{
    struct op *o = &t->ops[i];
    struct keymodel *km = t->km, *target = km;
    unsigned char stackbuf[32];
    HEXPERTKEY key = km->key;
    struct block *own = NULL;
    void *ptr = NULL, *res;
    DWORD err = 0xdeadbeef, *perr = o->null_err ? NULL : &err, rc;
    int own_index = -1, bad_key = 0, live_ptr = 0;
    SIZE_T got;

    /* the key */
    if (o->key == Q_RANDOM) {
        key = (HEXPERTKEY)(ULONG_PTR)o->rnd;
        if (is_live_key(key, keys, nkeys)) key = (HEXPERTKEY)(ULONG_PTR)(o->rnd ^ 2);
        if (is_live_key(key, keys, nkeys)) return;      /* 1 in 2^30: not a bad key */
        bad_key = 1;
    } else if (o->key == Q_STALE) {
        key = nstale ? stale_keys[o->pick % nstale] : (HEXPERTKEY)(ULONG_PTR)0x12345679;
        bad_key = 1;
    } else if (o->key == Q_FOREIGN) {
        key = t->foreign->key;
        target = t->foreign;
    }
    /* the pointer */
    switch (o->ptr) {
    case P_OWN:
        if (t->nlive) { own_index = (int)(o->pick % (uint32_t)t->nlive); own = &t->live[own_index]; ptr = own->p; }
        break;
    case P_NULL: break;
    case P_FREED: ptr = t->nfreed ? t->freed[o->pick % (uint32_t)t->nfreed] : (void *)stackbuf; break;
    case P_INTERIOR: ptr = t->nlive ? t->live[o->pick % (uint32_t)t->nlive].p + 1 : (void *)(stackbuf + 1); break;
    case P_STACK: ptr = stackbuf; break;
    case P_RODATA: ptr = (void *)rodata; break;
    case P_RANDOM: ptr = (void *)(ULONG_PTR)o->rnd; break;
    case P_FOREIGN: {
        int k = (int)(t->foreign - keys);
        ptr = nforeign_blocks[k] ? foreign_blocks[k][o->pick % (uint32_t)nforeign_blocks[k]] : (void *)stackbuf;
        break; }
    }
    /* A freed pointer that this thread got back since is live again. */
    if (o->ptr == P_FREED || o->ptr == P_OWN) {
        for (int b = 0; b < t->nlive && own_index < 0; b++)
            if (t->live[b].p == ptr) { own_index = b; own = &t->live[b]; }
    }
    live_ptr = own != NULL && target == km;
    /* Never allocate on (or free NULL to) a foreign key: the block would not be ours. */
    if (target != km && (!ptr || o->kind == K_ALLOC)) return;

    switch (o->kind) {
    case K_ALLOC: case K_REALLOC: {
        SIZE_T size = o->size;
        int absurd = size >= ABSURD_MIN;
        if (o->kind == K_ALLOC) res = ExpertAllocMemory(key, size, perr);
        else res = ExpertReallocMemory(key, ptr, size, perr);
        rc = perr ? err : (res ? NMERR_SUCCESS : 0xdeadbeef);
        if (bad_key) {
            if (res || (perr && err != NMERR_INVALID_EXPERT_HANDLE))
                fail(t, i, "bad key: got %p err %lu, expected NULL + NMERR_INVALID_EXPERT_HANDLE", res, err);
            return;
        }
        if (!res && perr && (err == NMERR_EXPERT_TERMINATE || err == NMERR_INVALID_EXPERT_HANDLE)) {
            int st = err == NMERR_EXPERT_TERMINATE ? 1 : 2;
            if (target != km || st < t->state || (st == 1 && km->stop_at < 0) || (st == 2 && km->end_at < 0))
                fail(t, i, "unexpected %s", st == 1 ? "NMERR_EXPERT_TERMINATE" : "NMERR_INVALID_EXPERT_HANDLE");
            t->state = st;
            return;
        }
        if (t->state && target == km) { fail(t, i, "call succeeded or failed normally after the key was seen %s", t->state == 1 ? "stopped" : "ended"); return; }
        if (o->kind == K_REALLOC && ptr && !live_ptr) {
            /* not a live block of the key used: refused, nothing touched */
            if (res || (perr && err != NMERR_INVALID_PARAMETER))
                fail(t, i, "realloc of a %s pointer: got %p err %lu, expected NULL + NMERR_INVALID_PARAMETER", ptr_names[o->ptr], res, err);
            InterlockedIncrement64(&target->bad);
            return;
        }
        if (absurd) {
            if (res || (perr && err != NMERR_OUT_OF_MEMORY))
                fail(t, i, "absurd size %llu: got %p err %lu, expected NULL + NMERR_OUT_OF_MEMORY", U(size), res, err);
            InterlockedIncrement64(&target->failed);
            if (own && t->touch && check(own, own->size) != (SIZE_T)-1)
                fail(t, i, "block changed by a failed realloc");
            return;
        }
        if (!res || (perr && err != NMERR_SUCCESS) || ((ULONG_PTR)res & (ALIGN - 1))) {
            fail(t, i, "%s of %llu: got %p err %lu (%s), expected an aligned block + NMERR_SUCCESS",
                 kind_names[o->kind], U(size), res, err, rc == NMERR_SUCCESS ? "ok" : "error");
            return;
        }
        if (o->kind == K_REALLOC && own) {
            SIZE_T keep = own->size < size ? own->size : size, at;
            if (own->p != res) t->freed[t->nfreed < 64 ? t->nfreed++ : (int)(o->pick % 64)] = own->p;
            own->p = res;
            if (t->touch && (at = check(own, keep)) != (SIZE_T)-1)
                fail(t, i, "realloc %llu -> %llu lost the pattern at byte %llu", U(own->size), U(size), U(at));
            t->live_bytes = t->live_bytes - own->size + size;
            InterlockedAdd64(&km->live_bytes, (LONG64)size - (LONG64)own->size);
            own->size = size;
            if (t->touch) fill(own, keep);
            InterlockedIncrement64(&km->reallocs);
        } else {
            struct block *b;
            if (t->nlive == MAX_LIVE) {              /* keep it bounded: free the oldest */
                if (t->live_bytes + size > t->peak_bytes) t->peak_bytes = t->live_bytes + size;
                if (ExpertFreeMemory(key, res) != NMERR_SUCCESS) fail(t, i, "freeing a fresh block failed");
                InterlockedIncrement64(&km->allocs);
                InterlockedIncrement64(&km->frees);
                return;
            }
            b = &t->live[t->nlive++];
            b->p = res; b->size = size; b->id = ((uint32_t)t->index << 24) | t->next_id++;
            if (t->touch) {
                SIZE_T z;
                for (z = 0; z < size && ((unsigned char *)res)[z] == 0; z++) ;
                if (z != size) fail(t, i, "new block of %llu not zero-filled at byte %llu", U(size), U(z));
                fill(b, 0);
            }
            t->live_bytes += size;
            InterlockedIncrement64(&km->allocs);
            InterlockedIncrement64(&km->live_blocks);
            InterlockedAdd64(&km->live_bytes, (LONG64)size);
        }
        if (t->live_bytes > t->peak_bytes) t->peak_bytes = t->live_bytes;
        got = ExpertMemorySize(key, res);
        if (got == 0 && size && km->end_at >= 0) t->state = 2;     /* it ended meanwhile */
        else if (got != size && !t->state) fail(t, i, "ExpertMemorySize after %s: got %llu, expected %llu", kind_names[o->kind], U(got), U(size));
        return;
    }
    case K_FREE:
        rc = ExpertFreeMemory(key, ptr);
        if (bad_key) { if (rc != NMERR_INVALID_EXPERT_HANDLE) fail(t, i, "free with a bad key: got %lu", rc); return; }
        if (rc == NMERR_EXPERT_TERMINATE || rc == NMERR_INVALID_EXPERT_HANDLE) {
            int st = rc == NMERR_EXPERT_TERMINATE ? 1 : 2;
            if (target != km || st < t->state || (st == 1 && km->stop_at < 0) || (st == 2 && km->end_at < 0))
                fail(t, i, "unexpected %lu from free", rc);
            t->state = st;
            return;
        }
        if (t->state && target == km) { fail(t, i, "free answered %lu after the key was seen %s", rc, t->state == 1 ? "stopped" : "ended"); return; }
        if (!ptr) { if (rc != NMERR_SUCCESS) fail(t, i, "free(NULL): got %lu", rc); return; }
        if (!live_ptr) {
            if (rc != NMERR_INVALID_PARAMETER) fail(t, i, "free of a %s pointer: got %lu, expected NMERR_INVALID_PARAMETER", ptr_names[o->ptr], rc);
            InterlockedIncrement64(&target->bad);
            return;
        }
        if (rc != NMERR_SUCCESS) { fail(t, i, "free of a live block: got %lu", rc); return; }
        t->live_bytes -= own->size;
        InterlockedIncrement64(&km->frees);
        InterlockedDecrement64(&km->live_blocks);
        InterlockedAdd64(&km->live_bytes, -(LONG64)own->size);
        t->freed[t->nfreed < 64 ? t->nfreed++ : (int)(o->pick % 64)] = own->p;
        t->live[own_index] = t->live[--t->nlive];
        return;
    case K_SIZE:
        got = ExpertMemorySize(key, ptr);
        if (bad_key) { if (got) fail(t, i, "size with a bad key: got %llu", U(got)); return; }
        if (t->state == 2 && target == km) { if (got) fail(t, i, "size on an ended key: got %llu", U(got)); return; }
        if (live_ptr) {
            if (got == 0 && own->size && km->end_at >= 0) { t->state = 2; return; }
            if (got != own->size) fail(t, i, "size of a live block: got %llu, expected %llu", U(got), U(own->size));
            if (own->size == 0 && got == 0 && km->end_at >= 0) t->state = t->state;   /* ambiguous */
            return;
        }
        if (got) { fail(t, i, "size of a %s pointer: got %llu, expected 0", ptr_names[o->ptr], U(got)); return; }
        /* a bad call (an ended key's statistics are not checked) */
        InterlockedIncrement64(&target->bad);
        return;
    case K_COMMON: {
        /* The common functions with random handles (this process opens no capture and
         * makes no frame table, filter or protocol of its own: none can be valid). */
        ULONG_PTR h = (ULONG_PTR)o->rnd, h2 = (ULONG_PTR)(o->rnd * 0x9e3779b97f4a7c15ull) | 1;
        switch (o->pick % 7) {
        case 0: if (GetFrameNumber((HFRAME)h) != (DWORD)-1) fail(t, i, "GetFrameNumber(random) succeeded"); break;
        case 1: if (GetCaptureTotalFrames((HCAPTURE)h)) fail(t, i, "GetCaptureTotalFrames(random) succeeded"); break;
        case 2: if (FindPropertyInstance((HFRAME)h, (HPROPERTY)h2)) fail(t, i, "FindPropertyInstance(random) succeeded"); break;
        case 3: if (GetProtocolFromName((LPSTR)h)) fail(t, i, "GetProtocolFromName(random pointer) succeeded"); break;
        case 4: if (GetPropertyInfo((HPROPERTY)h)) fail(t, i, "GetPropertyInfo(random) succeeded"); break;
        case 5: if ((rc = DestroyFilter((HFILTER)h)) != NMERR_INVALID_HFILTER) fail(t, i, "DestroyFilter(random): %lu", rc); break;
        default: if ((rc = FilterAddObject((HFILTER)h, NULL)) != NMERR_INVALID_HFILTER) fail(t, i, "FilterAddObject(random): %lu", rc); break;
        }
        return; }
    default: {
        EXPERTFRAMEDESCRIPTOR d;
        EXPERTSTARTUPINFO si;
        if (!bad_key) return;                    /* only bad keys: no capture, no run here */
        if (o->kind == K_FRAME) rc = ExpertGetFrame(key, GET_FRAME_NEXT_FORWARD, 0, INVALID_FRAME_NUMBER, NULL, &d);
        else if (o->kind == K_STATUS) rc = ExpertIndicateStatus(key, EXPERTSTATUS_RUNNING, 0, "x", 1);
        else if (o->kind == K_EVENT) rc = ExpertSubmitEvent(key, NULL);
        else rc = ExpertGetStartupInfo(key, &si);
        if (rc != NMERR_INVALID_EXPERT_HANDLE && !(o->kind == K_EVENT && rc == NMERR_INVALID_PARAMETER))
            fail(t, i, "%s with a %s key: got %lu, expected NMERR_INVALID_EXPERT_HANDLE", kind_names[o->kind], key_names[o->key], rc);
        return; }
    }
}

/* Round end, single threaded: block contents, sizes and the key's statistics. */
static void verify_key(struct keymodel *km, struct thread *ts, int nthreads, int ended, char *why, size_t len)
{
    NMSHIM_MEMSTATS st, fin;
    LONG64 live = 0;

    why[0] = 0;
    for (int i = 0; i < nthreads; i++) {
        if (ts[i].km != km) continue;
        for (int b = 0; b < ts[i].nlive && !ended; b++) {
            SIZE_T at = ts[i].touch ? check(&ts[i].live[b], ts[i].live[b].size) : (SIZE_T)-1, got;
            if (at != (SIZE_T)-1) { snprintf(why, len, "thread %d block %d (id %u, %llu bytes): pattern broken at byte %llu", i, b, ts[i].live[b].id, U(ts[i].live[b].size), U(at)); return; }
            if ((got = ExpertMemorySize(km->key, ts[i].live[b].p)) != ts[i].live[b].size) { snprintf(why, len, "thread %d block %d: size %llu, expected %llu", i, b, U(got), U(ts[i].live[b].size)); return; }
        }
        live += (LONG64)ts[i].live_bytes;
    }
    live += km->foreign_bytes;
    if (ended) return;
    if (NmShimGetInstanceStats(km->key, &st)) { snprintf(why, len, "stats of a live key failed"); return; }
#define EQ(f, m) if ((LONG64)st.f != (LONG64)(m)) { snprintf(why, len, #f ": got %llu, expected %lld", U(st.f), (long long)(m)); return; }
    EQ(allocs, km->allocs) EQ(reallocs, km->reallocs) EQ(frees, km->frees) EQ(bad_calls, km->bad)
    EQ(failed, km->failed) EQ(live_blocks, km->live_blocks) EQ(live_bytes, km->live_bytes)
    EQ(live_bytes, live)
    if (km->nthreads == 1) { EQ(peak_bytes, km->peak_sum) }
    else if ((LONG64)st.peak_bytes > km->peak_sum || (LONG64)st.peak_bytes < live) {
        snprintf(why, len, "peak_bytes %llu outside [%lld, %lld]", U(st.peak_bytes), (long long)live, (long long)km->peak_sum); return; }
    if (NmShimEndInstance(km->key, &fin)) { snprintf(why, len, "ending the key failed"); return; }
    st = fin;
    EQ(leaked_blocks, km->live_blocks) EQ(leaked_bytes, km->live_bytes)
#undef EQ
}

static struct keymodel round_keys[MAX_KEYS];
static int round_nkeys;
static struct thread threads[MAX_THREADS], replay_thread;

static DWORD WINAPI thread_main(void *arg)
{
    struct thread *t = arg;
    for (int i = 0; i < t->nops && !t->failed; i++) step(t, i, round_keys, round_nkeys);
    return 0;
}

static void print_ops(const struct thread *t, int upto)
{
    for (int i = 0; i <= upto && i < t->nops; i++) {
        const struct op *o = &t->ops[i];
        printf("    %4d %-14s key=%-7s ptr=%-8s size=%-20llu pick=%-10u%s\n", i, kind_names[o->kind],
               key_names[o->key], o->kind <= K_SIZE && o->kind != K_ALLOC ? ptr_names[o->ptr] : "-", U(o->size), o->pick,
               o->null_err ? " pError=NULL" : "");
    }
}

/* Replays ops alone on a fresh key (no concurrency, no stop/end); 1 if it fails. */
static int replay(const struct op *ops, int n, char *why, size_t len)
{
    struct thread *t = &replay_thread;
    struct keymodel *km = &round_keys[0];
    char vwhy[256];

    memset(round_keys, 0, sizeof(round_keys));
    round_nkeys = 1;
    km->stop_at = km->end_at = -1;
    km->nthreads = 1;
    if (NmShimCreateInstance(0, &km->key)) return 0;
    memset(t, 0, sizeof(*t));
    t->km = km; t->touch = 1; t->replay = 1;
    memcpy(t->ops, ops, (size_t)n * sizeof(*ops));
    t->nops = n;
    for (int i = 0; i < n; i++) {
        struct op o = t->ops[i];
        if (o.ptr == P_FOREIGN) t->ops[i].ptr = P_RANDOM;
        if (o.key == Q_FOREIGN) t->ops[i].key = Q_RANDOM;
    }
    for (int i = 0; i < n && !t->failed; i++) step(t, i, round_keys, 1);
    km->peak_sum = (LONG64)t->peak_bytes;
    if (!t->failed) {
        verify_key(km, t, 1, 0, vwhy, sizeof(vwhy));
        if (vwhy[0]) { t->failed = 1; t->fail_op = n - 1; snprintf(t->why, sizeof(t->why), "at the end: %s", vwhy); }
        else return 0;
    } else {
        NmShimEndInstance(km->key, NULL);
    }
    snprintf(why, len, "%s", t->why);
    return 1;
}

static void shrink_and_print(const struct thread *t)
{
    static struct op cur[MAX_OPS], trial[MAX_OPS];
    int n = t->fail_op + 1, chunk;
    char why[512];

    memcpy(cur, t->ops, (size_t)n * sizeof(*cur));
    if (!replay(cur, n, why, sizeof(why))) {
        printf("  (does not reproduce with the thread alone: it needs the round's concurrency)\n");
        return;
    }
    for (chunk = n / 2; chunk >= 1; chunk /= 2) {
        for (int at = 0; at + chunk <= n; ) {
            int m = 0;
            for (int i = 0; i < n; i++) if (i < at || i >= at + chunk) trial[m++] = cur[i];
            if (m && replay(trial, m, why, sizeof(why))) { memcpy(cur, trial, (size_t)m * sizeof(*cur)); n = m; }
            else at += chunk;
        }
    }
    replay(cur, n, why, sizeof(why));
    printf("  shrunk to %d calls, alone on a fresh key (%s):\n", n, why);
    memcpy(replay_thread.ops, cur, (size_t)n * sizeof(*cur));
    replay_thread.nops = n;
    print_ops(&replay_thread, n - 1);
}

int main(int argc, char **argv)
{
    uint64_t seed = 1, calls = 1000000, done = 0, rounds = 0;
    uint64_t stops = 0, ends = 0;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--seed") && i + 1 < argc) seed = strtoull(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--calls") && i + 1 < argc) calls = strtoull(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--verbose")) verbose = 1;
        else { fprintf(stderr, "usage: api_model.exe [--seed S] [--calls N] [--verbose]\n"); return 2; }
    }
    printf("api_model: seed %llu, %llu calls, %s\n", U(seed), U(calls), sizeof(void *) == 8 ? "x86_64" : "i686");
    while (done < calls) {
        uint64_t r = seed ^ (rounds * 0x2545f4914f6cdd1dull), rr = r;
        int nthreads = 1 + (int)below(&rr, MAX_THREADS), nkeys = 1 + (int)below(&rr, MAX_KEYS);
        int disturb = below(&rr, 4) == 0 ? (int)below(&rr, 2) + 1 : 0;   /* 1 stop, 2 end */
        int victim, failed = -1;
        HANDLE h[MAX_THREADS];
        char why[512];

        if (nkeys > nthreads) nkeys = nthreads;
        victim = (int)below(&rr, (unsigned)nkeys);
        memset(round_keys, 0, sizeof(round_keys));
        round_nkeys = nkeys;
        for (int k = 0; k < nkeys; k++) {
            round_keys[k].stop_at = round_keys[k].end_at = -1;
            if (NmShimCreateInstance(0, &round_keys[k].key)) { printf("api_model: FAILED: cannot create an instance\n"); return 1; }
        }
        if (disturb && nkeys > 0) {
            if (disturb == 1) round_keys[victim].stop_at = (int)below(&rr, 3);
            else round_keys[victim].end_at = (int)below(&rr, 3);
        }
        /* foreign blocks: a few live blocks of each key, made by the main thread and kept */
        for (int k = 0; k < nkeys; k++) {
            DWORD e;
            nforeign_blocks[k] = 0;
            for (int b = 0; b < 4; b++) {
                void *p = ExpertAllocMemory(round_keys[k].key, 16 + 16 * (SIZE_T)b, &e);
                if (p) foreign_blocks[k][nforeign_blocks[k]++] = p;
            }
            round_keys[k].allocs = round_keys[k].live_blocks = nforeign_blocks[k];
            round_keys[k].live_bytes = 0;
            for (int b = 0; b < nforeign_blocks[k]; b++) round_keys[k].live_bytes += 16 + 16 * b;
            round_keys[k].foreign_bytes = round_keys[k].live_bytes;
        }
        for (int i = 0; i < nthreads; i++) {
            struct thread *t = &threads[i];
            struct keymodel *km = &round_keys[i % nkeys];
            memset(t, 0, sizeof(*t));
            t->index = i;
            t->km = km;
            km->nthreads++;
            t->rng = r ^ ((uint64_t)(i + 1) * 0x9e3779b97f4a7c15ull);
            /* a foreign key that stays alive the whole round */
            for (int k = 0; k < nkeys; k++)
                if (&round_keys[k] != km && round_keys[k].stop_at < 0 && round_keys[k].end_at < 0) { t->foreign = &round_keys[k]; break; }
            t->touch = km->end_at < 0;
        }
        for (int i = 0; i < nthreads; i++) {        /* once every key knows its threads */
            struct thread *t = &threads[i];
            t->nops = 200 + (int)below(&t->rng, MAX_OPS - 200);
            if (done + (uint64_t)t->nops > calls) t->nops = (int)(calls - done);
            done += (uint64_t)t->nops;
            for (int o = 0; o < t->nops; o++) t->ops[o] = random_op(t);
        }
        for (int i = 0; i < nthreads; i++) h[i] = CreateThread(NULL, 0, thread_main, &threads[i], 0, NULL);
        for (int k = 0; k < nkeys; k++) {
            if (round_keys[k].stop_at >= 0) { Sleep((DWORD)round_keys[k].stop_at); NmShimStopInstance(round_keys[k].key); stops++; }
            if (round_keys[k].end_at >= 0) { Sleep((DWORD)round_keys[k].end_at); NmShimEndInstance(round_keys[k].key, NULL); ends++; }
        }
        WaitForMultipleObjects((DWORD)nthreads, h, TRUE, INFINITE);
        for (int i = 0; i < nthreads; i++) CloseHandle(h[i]);
        for (int i = 0; i < nthreads; i++) if (threads[i].failed) { failed = i; break; }
        if (failed < 0) {
            for (int k = 0; k < nkeys; k++) {
                int ended = round_keys[k].end_at >= 0;
                for (int i = 0; i < nthreads; i++) if (threads[i].km == &round_keys[k]) round_keys[k].peak_sum += (LONG64)threads[i].peak_bytes;
                /* the main thread's blocks, allocated first and kept, add to the peak */
                round_keys[k].peak_sum += round_keys[k].foreign_bytes;
                verify_key(&round_keys[k], threads, nthreads, ended, why, sizeof(why));
                if (why[0]) {
                    printf("api_model: FAILED: seed %llu round %llu key %d: %s\n", U(seed), U(rounds), k, why);
                    return 1;
                }
            }
            for (int k = 0; k < nkeys; k++) {
                /* keep a few ended keys as stale ones */
                if (nstale < 64) stale_keys[nstale++] = round_keys[k].key;
                else stale_keys[rounds % 64] = round_keys[k].key;
            }
        } else {
            struct thread *t = &threads[failed];
            printf("api_model: FAILED: seed %llu round %llu thread %d of %d (keys %d, %s): call %d: %s\n",
                   U(seed), U(rounds), failed, nthreads, nkeys,
                   disturb == 1 ? "a key stopped meanwhile" : disturb == 2 ? "a key ended meanwhile" : "no stop/end",
                   t->fail_op, t->why);
            printf("  calls of that thread up to the failure (last 40):\n");
            {
                struct thread tmp = *t;
                int from = t->fail_op > 39 ? t->fail_op - 39 : 0;
                memmove(tmp.ops, t->ops + from, (size_t)(t->fail_op - from + 1) * sizeof(struct op));
                tmp.nops = t->fail_op - from + 1;
                print_ops(&tmp, tmp.nops - 1);
            }
            shrink_and_print(t);
            return 1;
        }
        if (verbose) printf("round %llu: %d threads, %d keys, %s\n", U(rounds), nthreads, nkeys, disturb == 1 ? "stop" : disturb == 2 ? "end" : "-");
        rounds++;
    }
    printf("api_model: ok: %llu calls in %llu rounds (%llu keys stopped and %llu ended under calling threads); every return value, *pError, size and statistic as predicted\n",
           U(done), U(rounds), U(stops), U(ends));
    printf("api_model: 0 failed\n");
    return 0;
}
