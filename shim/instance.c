/*
 * instance.c - expert instances: the key registry, one private heap per instance, and
 * the memory workers behind ExpertAllocMemory & co.
 *
 * Keys (DESIGN.md "Keys"): an HEXPERTKEY is a cookie, never a pointer we dereference:
 *   bit 0 = 1 | slot (13 bits) | generation (the remaining bits)
 * Lookup is O(1): decode the slot, lock that slot's instance, compare the whole key. The
 * instance structs sit in chunks that are never freed, so even a stale or forged key
 * can be checked without touching freed memory. An odd key is never a valid pointer,
 * so stack addresses and heap pointers are rejected before any lock is taken.
 *
 * Hot path (one Expert*Memory call): decode, lock the instance's own lock, look the
 * pointer up in its block table, one heap call, statistics, unlock. No shared lock:
 * two experts never contend (the registry lock is taken only to create or end one).
 * The heap is created HEAP_NO_SERIALIZE because the instance lock already serializes
 * every use of it; a second lock inside the heap would be pure cost. The instance lock
 * is our own test-and-test-and-set lock, not an SRW lock or a critical section: under
 * Wine 8 an uncontended SRW pair costs ~30 ns and a critical section 5-15 ns, an atomic
 * exchange ~2.5 ns, and every Expert* call takes the lock once (bench_memory). It is
 * held only for a table operation and one heap call (or one frame read), never while
 * expert memory is touched, so waiters spin briefly and then yield the CPU.
 */
#include <string.h>
#include "nmapi_private.h"

#define SLOT_BITS   13
#define NSLOTS      (1u << SLOT_BITS)
#define CHUNK_BITS  8
#define CHUNK       (1u << CHUNK_BITS)
#define NCHUNKS     (NSLOTS / CHUNK)
#define GEN_SHIFT   (1 + SLOT_BITS)
#define GEN_MASK    (((uintptr_t)-1) >> GEN_SHIFT)

/* Larger requests fail at once with NMERR_OUT_OF_MEMORY, without asking the heap. */
#ifdef _WIN64
#define MAX_REQUEST ((SIZE_T)1 << 40)
#else
#define MAX_REQUEST ((SIZE_T)0x7ff00000)
#endif

struct nm_instance {
    volatile LONG lock;         /* 0 free, 1 held (lock_acquire / lock_release) */
    uintptr_t key;              /* the live key; 0 while the slot is free */
    uintptr_t gen;              /* generation of the slot's next key */
    LONG stop;                  /* told to stop: calls answer NMERR_EXPERT_TERMINATE */
    HANDLE heap;
    SIZE_T quota;               /* bytes; 0: none */
    struct nm_blocks blocks;
    struct freecache *cache;    /* freed small blocks kept for reuse, outside the heap */
    struct nm_run *run;
    void *host_block;           /* the config copy the host put in this heap, or NULL */
    NMSHIM_MEMSTATS stats;
} __attribute__((aligned(64)));  /* one cache line apart: no false sharing */

static struct nm_instance *chunks[NCHUNKS];
static SRWLOCK registry_lock = SRWLOCK_INIT;
static unsigned fresh;                       /* slots never used yet: fresh..NSLOTS-1 */
static unsigned short free_fifo[NSLOTS];     /* ended slots, reused oldest first */
static unsigned fifo_head, fifo_count;

static void lock_wait(volatile LONG *l)
{
    unsigned spins = 0;

    do {
        while (*l) {
            if (++spins < 64) __builtin_ia32_pause();
            else if (spins < 4096) SwitchToThread();
            else Sleep(1);          /* the holder was preempted for long: stop burning CPU */
        }
    } while (__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE));
}

static inline void lock_acquire(struct nm_instance *inst)
{
    if (__builtin_expect(__atomic_exchange_n(&inst->lock, 1, __ATOMIC_ACQUIRE) != 0, 0))
        lock_wait(&inst->lock);
}

static inline void lock_release(struct nm_instance *inst)
{
    __atomic_store_n(&inst->lock, 0, __ATOMIC_RELEASE);
}

static inline struct nm_instance *slot_of(uintptr_t k)
{
    unsigned s;
    struct nm_instance *c;

    if (!(k & 1)) return NULL;
    s = (unsigned)(k >> 1) & (NSLOTS - 1);
    c = __atomic_load_n(&chunks[s >> CHUNK_BITS], __ATOMIC_ACQUIRE);
    return c ? &c[s & (CHUNK - 1)] : NULL;
}

static inline uintptr_t make_key(unsigned slot, uintptr_t gen)
{
    return 1 | ((uintptr_t)slot << 1) | ((gen & GEN_MASK) << GEN_SHIFT);
}

DWORD nm_instance_enter(HEXPERTKEY key, BOOL allow_stopped, struct nm_instance **out,
                        struct nm_run **run)
{
    uintptr_t k = (uintptr_t)key;
    struct nm_instance *inst = slot_of(k);

    if (!inst) return NMERR_INVALID_EXPERT_HANDLE;
    lock_acquire(inst);
    if (inst->key != k) {
        lock_release(inst);
        return NMERR_INVALID_EXPERT_HANDLE;
    }
    if (inst->stop && !allow_stopped) {
        lock_release(inst);
        return NMERR_EXPERT_TERMINATE;
    }
    *out = inst;
    if (run) *run = inst->run;
    return NMERR_SUCCESS;
}

void nm_instance_leave(struct nm_instance *inst)
{
    lock_release(inst);
}

void nm_instance_bad_call(struct nm_instance *inst, DWORD err, const char *reason)
{
    inst->stats.bad_calls++;
    inst->stats.last_bad_error = err;
    lstrcpynA(inst->stats.last_bad_reason, reason, sizeof(inst->stats.last_bad_reason));
}

static void track_peak(NMSHIM_MEMSTATS *s)
{
    if (s->live_bytes > s->peak_bytes) s->peak_bytes = s->live_bytes;
    if (s->live_blocks > s->peak_blocks) s->peak_blocks = s->live_blocks;
}

/* ---- the free-block cache ------------------------------------------------------------
 * Small blocks an expert frees are kept (up to CACHE_DEPTH per size class, CACHE_BYTES
 * in all) and handed out again by the next request of the same class, skipping the
 * heap: experts churn small blocks, and this is how modern allocators (mimalloc's free
 * lists, the LFH) beat a general heap. The lists live outside the expert heap, so a
 * write through a stale pointer cannot corrupt them; a cached block is not in the
 * live-block table, so a double or foreign free is still refused. Invariant: a live block
 * of requested size s <= CACHE_MAX occupies exactly heap_size(s) bytes of the heap (alloc
 * and realloc both ask the heap for that), so any cached block of a class fits any
 * request of that class. */
#define CACHE_MAX     4096      /* larger blocks go straight back to the heap */
#define CACHE_CLASSES (64 + 12) /* 16-byte steps to 1 KiB, then 256-byte steps to 4 KiB */
#define CACHE_DEPTH   16
#define CACHE_BYTES   (64 * 1024)

struct freecache {
    void *blocks[CACHE_CLASSES][CACHE_DEPTH];
    unsigned char count[CACHE_CLASSES];
    size_t bytes;
};

static inline unsigned size_class(size_t size)
{
    if (size <= 1024) return size ? (unsigned)((size - 1) >> 4) : 0;
    return 64 + (unsigned)((size - 1025) >> 8);
}

/* What the heap is asked for a request of size bytes (see the invariant above). */
static inline size_t heap_size(size_t size)
{
    if (size > CACHE_MAX) return size;
    if (size <= 1024) return size ? (size + 15) & ~(size_t)15 : 16;
    return (size + 255) & ~(size_t)255;
}

static inline void *cache_take(struct freecache *c, size_t size)
{
    unsigned k;
    if (size > CACHE_MAX) return NULL;
    k = size_class(size);
    if (!c->count[k]) return NULL;
    c->bytes -= heap_size(size);
    return c->blocks[k][--c->count[k]];
}

static inline int cache_put(struct freecache *c, void *p, size_t size)
{
    unsigned k;
    if (size > CACHE_MAX || c->bytes + heap_size(size) > CACHE_BYTES) return 0;
    k = size_class(size);
    if (c->count[k] == CACHE_DEPTH) return 0;
    c->blocks[k][c->count[k]++] = p;
    c->bytes += heap_size(size);
    return 1;
}

static unsigned cached_blocks(const struct freecache *c)
{
    unsigned k, n = 0;
    for (k = 0; k < CACHE_CLASSES; k++) n += c->count[k];
    return n;
}

/* ---- registry ---------------------------------------------------------------------- */

/* Takes a slot, oldest ended first, so a slot is reused as rarely as possible and a
 * stale key meets a new generation only after 2^18 (i686) reuses of its slot. */
static int take_slot(unsigned *slot)
{
    if (fresh < NSLOTS) {
        unsigned c = fresh >> CHUNK_BITS;
        if (!chunks[c]) {
            struct nm_instance *mem = VirtualAlloc(NULL, CHUNK * sizeof(*mem),
                                                   MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
            unsigned i;
            if (!mem) return -1;
            /* Generations start at a per-process value: keys of an earlier process
             * (saved by a confused expert) do not match ours either. */
            for (i = 0; i < CHUNK; i++) {
                mem[i].gen = (GetCurrentProcessId() * 2654435761u) ^ (GetTickCount() << 7) ^ i;
            }
            __atomic_store_n(&chunks[c], mem, __ATOMIC_RELEASE);
        }
        *slot = fresh++;
        return 0;
    }
    if (!fifo_count) return -1;
    *slot = free_fifo[fifo_head];
    fifo_head = (fifo_head + 1) % NSLOTS;
    fifo_count--;
    return 0;
}

static void put_slot(unsigned slot)
{
    AcquireSRWLockExclusive(&registry_lock);
    free_fifo[(fifo_head + fifo_count) % NSLOTS] = (unsigned short)slot;
    fifo_count++;
    ReleaseSRWLockExclusive(&registry_lock);
}

DWORD nm_instance_create(SIZE_T quota, struct nm_run *run, HEXPERTKEY *key)
{
    struct nm_instance *inst;
    unsigned slot;
    HANDLE heap;
    int ok;

    if (!(heap = HeapCreate(HEAP_NO_SERIALIZE, 0, 0))) return NMERR_OUT_OF_MEMORY;
    AcquireSRWLockExclusive(&registry_lock);
    ok = take_slot(&slot) == 0;
    ReleaseSRWLockExclusive(&registry_lock);
    if (!ok) {
        HeapDestroy(heap);
        return NMERR_OUT_OF_MEMORY;
    }
    inst = &chunks[slot >> CHUNK_BITS][slot & (CHUNK - 1)];
    lock_acquire(inst);
    if (nm_blocks_init(&inst->blocks)
        || !(inst->cache = nm_isolated_alloc(sizeof(*inst->cache)))) {
        nm_blocks_destroy(&inst->blocks);
        lock_release(inst);
        HeapDestroy(heap);
        put_slot(slot);
        return NMERR_OUT_OF_MEMORY;
    }
    inst->heap = heap;
    inst->quota = quota;
    inst->stop = 0;
    inst->run = run;
    inst->host_block = NULL;
    memset(&inst->stats, 0, sizeof(inst->stats));
    inst->key = make_key(slot, inst->gen);
    *key = (HEXPERTKEY)inst->key;
    lock_release(inst);
    TRACE("key %p, quota %Iu, heap %p\n", *key, quota, heap);
    return NMERR_SUCCESS;
}

/* Ends an instance: what is still live is the leak; one HeapDestroy frees it all. */
DWORD nm_instance_end(HEXPERTKEY key, NMSHIM_MEMSTATS *stats)
{
    struct nm_instance *inst;
    unsigned slot;
    DWORD err = nm_instance_enter(key, TRUE, &inst, NULL);

    if (err) return err;
    inst->stats.leaked_blocks = inst->stats.live_blocks;
    inst->stats.leaked_bytes = inst->stats.live_bytes;
    /* The host's config copy is not the expert's leak (unless the expert moved it). */
    if (inst->host_block) {
        size_t *known = nm_blocks_find(&inst->blocks, inst->host_block);
        if (known) {
            inst->stats.leaked_blocks--;
            inst->stats.leaked_bytes -= *known;
        }
    }
    if (stats) *stats = inst->stats;
    HeapDestroy(inst->heap);     /* live and cached blocks alike */
    nm_blocks_destroy(&inst->blocks);
    nm_isolated_free(inst->cache);
    inst->cache = NULL;
    inst->heap = NULL;
    inst->run = NULL;
    inst->key = 0;              /* from here every call with the old key is rejected */
    inst->gen = (inst->gen + 1) & GEN_MASK;
    slot = (unsigned)((uintptr_t)key >> 1) & (NSLOTS - 1);
    nm_instance_leave(inst);
    put_slot(slot);
    TRACE("key %p ended, leaked %I64u blocks, %I64u bytes\n", key,
          stats ? stats->leaked_blocks : 0, stats ? stats->leaked_bytes : 0);
    return NMERR_SUCCESS;
}

DWORD nm_instance_stop(HEXPERTKEY key)
{
    struct nm_instance *inst;
    DWORD err = nm_instance_enter(key, TRUE, &inst, NULL);

    if (err) return err;
    inst->stop = 1;
    nm_instance_leave(inst);
    return NMERR_SUCCESS;
}

DWORD nm_instance_stats(HEXPERTKEY key, NMSHIM_MEMSTATS *stats)
{
    struct nm_instance *inst;
    DWORD err = nm_instance_enter(key, TRUE, &inst, NULL);

    if (err) return err;
    *stats = inst->stats;
    stats->cached_blocks = cached_blocks(inst->cache);
    stats->cached_bytes = inst->cache->bytes;
    nm_instance_leave(inst);
    return NMERR_SUCCESS;
}

HANDLE nm_instance_heap(HEXPERTKEY key)
{
    struct nm_instance *inst;
    HANDLE heap;

    if (nm_instance_enter(key, TRUE, &inst, NULL)) return NULL;
    heap = inst->heap;
    nm_instance_leave(inst);
    return heap;
}

/* ---- the memory workers ------------------------------------------------------------ */

static DWORD refuse(struct nm_instance *inst, const char *why, const char **reason)
{
    inst->stats.failed++;
    *reason = why;
    nm_instance_leave(inst);
    return NMERR_OUT_OF_MEMORY;
}

static DWORD reject(struct nm_instance *inst, DWORD err, const char *why, const char **reason)
{
    nm_instance_bad_call(inst, err, why);
    *reason = why;
    nm_instance_leave(inst);
    return err;
}

static const char *key_reason(DWORD err)
{
    return err == NMERR_EXPERT_TERMINATE ? "instance told to stop" : "not a live expert key";
}

DWORD nm_instance_alloc(HEXPERTKEY key, SIZE_T size, void **out, const char **reason)
{
    struct nm_instance *inst;
    void *p;
    DWORD err = nm_instance_enter(key, FALSE, &inst, NULL);

    *out = NULL;
    if (err) {
        *reason = key_reason(err);
        return err;
    }
    if (size > MAX_REQUEST) return refuse(inst, "size beyond any heap", reason);
    if (inst->quota && size > inst->quota - inst->stats.live_bytes)
        return refuse(inst, "over the instance's quota", reason);
    if (nm_blocks_reserve(&inst->blocks, 1)) return refuse(inst, "block table full", reason);
    /* Zero-filled (DESIGN.md, ours): deterministic; experts must not rely on it. A size
     * of 0 still gets a unique minimal block, as malloc(0) does on Windows. */
    if ((p = cache_take(inst->cache, size))) memset(p, 0, size);
    else if (!(p = HeapAlloc(inst->heap, HEAP_ZERO_MEMORY, heap_size(size))))
        return refuse(inst, "heap exhausted", reason);
    nm_blocks_insert(&inst->blocks, p, size);
    inst->stats.allocs++;
    inst->stats.live_blocks++;
    inst->stats.live_bytes += size;
    track_peak(&inst->stats);
    nm_instance_leave(inst);
    *out = p;
    return NMERR_SUCCESS;
}

DWORD nm_instance_realloc(HEXPERTKEY key, void *ptr, SIZE_T size, void **out,
                          const char **reason)
{
    struct nm_instance *inst;
    size_t *known, old;
    void *p;
    DWORD err;

    if (!ptr) return nm_instance_alloc(key, size, out, reason);   /* ours: like realloc */
    *out = NULL;
    if ((err = nm_instance_enter(key, FALSE, &inst, NULL))) {
        *reason = key_reason(err);
        return err;
    }
    if (!(known = nm_blocks_find(&inst->blocks, ptr)))
        return reject(inst, NMERR_INVALID_PARAMETER,
                      "not a live block of this key (foreign, freed or garbage)", reason);
    old = *known;
    if (size > MAX_REQUEST) return refuse(inst, "size beyond any heap", reason);
    if (inst->quota && size > old && size - old > inst->quota - inst->stats.live_bytes)
        return refuse(inst, "over the instance's quota", reason);
    /* HEAP_ZERO_MEMORY zeroes what grows past the old heap size; the slack between the
     * old request and its heap size may hold old data (a reused block) and is zeroed
     * here. On failure the block stays valid and owned
     * (test_memory_realloc_failure_keeps_block). Size 0 keeps a minimal block. */
    if (!(p = HeapReAlloc(inst->heap, HEAP_ZERO_MEMORY, ptr, heap_size(size))))
        return refuse(inst, "heap exhausted", reason);
    if (size > old && heap_size(old) > old)
        memset((char *)p + old, 0, (size < heap_size(old) ? size : heap_size(old)) - old);
    if (p == ptr) {
        *known = size;
    } else {
        nm_blocks_remove_at(&inst->blocks, known);  /* frees a slot: the insert cannot fail */
        nm_blocks_insert(&inst->blocks, p, size);
    }
    inst->stats.reallocs++;
    inst->stats.live_bytes = inst->stats.live_bytes - old + size;
    track_peak(&inst->stats);
    nm_instance_leave(inst);
    *out = p;
    return NMERR_SUCCESS;
}

DWORD nm_instance_free(HEXPERTKEY key, void *ptr, const char **reason)
{
    struct nm_instance *inst;
    size_t *known, size;
    DWORD err;

    if ((err = nm_instance_enter(key, FALSE, &inst, NULL))) {
        *reason = key_reason(err);
        return err;
    }
    if (!ptr) {                 /* ours: like free(NULL) */
        nm_instance_leave(inst);
        return NMERR_SUCCESS;
    }
    if (!(known = nm_blocks_find(&inst->blocks, ptr)))
        return reject(inst, NMERR_INVALID_PARAMETER,
                      "not a live block of this key (foreign, freed or double free)", reason);
    size = *known;
    nm_blocks_remove_at(&inst->blocks, known);
    if (!cache_put(inst->cache, ptr, size)) HeapFree(inst->heap, 0, ptr);
    inst->stats.frees++;
    inst->stats.live_blocks--;
    inst->stats.live_bytes -= size;
    nm_instance_leave(inst);
    return NMERR_SUCCESS;
}

SIZE_T nm_instance_size(HEXPERTKEY key, const void *ptr)
{
    struct nm_instance *inst;
    size_t *known, size = 0;

    /* No error channel (expert-api.md §4.4): keeps answering for stopped instances. */
    if (nm_instance_enter(key, TRUE, &inst, NULL)) return 0;
    if ((known = nm_blocks_find(&inst->blocks, ptr))) size = *known;
    else nm_instance_bad_call(inst, NMERR_INVALID_PARAMETER, "size of a pointer that is not a live block");
    nm_instance_leave(inst);
    return size;
}

SIZE_T nm_instance_block_size(HEXPERTKEY key, const void *ptr)
{
    struct nm_instance *inst;
    size_t *known, size = (SIZE_T)-1;

    if (nm_instance_enter(key, TRUE, &inst, NULL)) return size;
    if ((known = nm_blocks_find(&inst->blocks, ptr))) size = *known;
    nm_instance_leave(inst);
    return size;
}

/* The block is the expert's to realloc or free (expert-api.md §5.3), but it is the
 * host's allocation: not counted in allocs, and not a leak if still there at the end. */
DWORD nm_instance_copy_in(HEXPERTKEY key, const void *data, SIZE_T len, void **out)
{
    struct nm_instance *inst;
    const char *reason;
    DWORD err = nm_instance_alloc(key, len, out, &reason);

    if (err) return err;
    memcpy(*out, data, len);
    if (!nm_instance_enter(key, TRUE, &inst, NULL)) {
        inst->stats.allocs--;
        inst->host_block = *out;
        nm_instance_leave(inst);
    }
    return NMERR_SUCCESS;
}
