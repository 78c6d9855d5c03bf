/*
 * instance.c - expert instances: the key registry, one private heap per instance, and
 * the memory workers behind ExpertAllocMemory & co.
 *
 * Keys (docs/design.md "Keys"): an HEXPERTKEY is a cookie, never a pointer we dereference:
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
#include <stdio.h>
#include <string.h>
#include "nmapi_private.h"
#include "guard.h"

#define SLOT_BITS   13
#define NSLOTS      (1u << SLOT_BITS)
#define CHUNK_BITS  8
#define CHUNK       (1u << CHUNK_BITS)
#define NCHUNKS     (NSLOTS / CHUNK)
#define GEN_SHIFT   (1 + SLOT_BITS)
#define GEN_BITS    (sizeof(uintptr_t) * 8 - GEN_SHIFT)
#define GEN_MASK    (((uintptr_t)-1) >> GEN_SHIFT)

/* Larger requests fail at once with NMERR_OUT_OF_MEMORY, without asking the heap. */
#ifdef _WIN64
#define MAX_REQUEST ((SIZE_T)1 << 40)
#else
#define MAX_REQUEST ((SIZE_T)0x7ff00000)
#endif

/* nm_instance_enter's allow_stopped, host side: also a poisoned instance (end, stats). */
#define ENTER_HOST  2

struct nm_instance {
    volatile LONG lock;         /* 0 free, else the owner's thread id (see "Locks" below) */
    uintptr_t key;              /* the live key; 0 while the slot is free */
    volatile uintptr_t stopped; /* == key: told to stop (set without the lock) */
    uintptr_t gen;              /* generation of the slot's next key (never shown) */
    LONG poisoned;              /* its lock was broken: see poison() */
    HANDLE heap;
    SIZE_T quota;               /* bytes of real cost (block_cost); 0: none */
    SIZE_T charged;             /* real cost of the live blocks (kept while quota != 0;
                                 * the quota is fixed at creation) */
    struct nm_blocks blocks;
    struct freecache *cache;    /* freed small blocks kept for reuse, outside the heap */
    struct nm_run *run;
    void *host_block;           /* the config copy the host put in this heap, or NULL */
    NMSHIM_MEMSTATS stats;
    DWORD fail_nth, fail_every; /* fault injection (nm_instance_inject); 0: off */
    struct nm_injected injected;
} __attribute__((aligned(64)));  /* one cache line apart: no false sharing */

static struct nm_instance *chunks[NCHUNKS];
static SRWLOCK registry_lock = SRWLOCK_INIT;
static unsigned fresh;                       /* slots never used yet: fresh..NSLOTS-1 */
static unsigned short free_fifo[NSLOTS];     /* ended slots, reused oldest first */
static unsigned fifo_head, fifo_count;

/* ---- Locks: owned, and never left held ----------------------------------------------
 * issue 9 §2: no lock the shim holds may be left held by a fault or a dead thread, and
 * stopping an expert must never wait on a lock the expert can hold. The instance lock is
 * held by whichever thread of the expert is inside an Expert* call, so:
 *  - The lock word is the owner's thread id (read from the TEB, one load), taken with one
 *    compare-exchange: as cheap as the anonymous exchange it replaces (bench_memory).
 *  - The lock is never taken recursively (no Expert* worker calls another under it), so a
 *    thread that finds its own id in the word holds it only because a fault unwound past
 *    the call that took it: the fault guard (guard_<arch>.c) unwinds to the guard of that
 *    same thread (Run's thread: run_thread then ends the instance), or the expert caught
 *    the fault itself and called again. The lock is taken over.
 *  - A waiter that has spun and yielded for a while asks whether the owner still exists
 *    (OpenThread + a zero wait: TerminateThread on a worker inside ExpertAllocMemory,
 *    ExitThread from a callback). A dead owner's lock is taken over.
 *  - Taken over = poisoned: the heap, the block table or the frame cursor may be half
 *    updated, so every later Expert* call gets NMERR_INTERNAL_EXCEPTION (ExpertMemorySize
 *    0), the statistics say why, and nm_instance_end still destroys the heap once, under
 *    a guard, and reports the poisoning (NMERR_INTERNAL_EXCEPTION from nm_instance_end).
 *  - Stack overflow inside the lock is prevented, not repaired: nm_instance_enter checks
 *    the stack first (stack_check) and, near its end, touches the next LOCK_STACK bytes
 *    before taking the lock, so an overflow that the call would hit is raised there,
 *    with nothing held (the guard then reports it like any overflow). The take-over
 *    above is the backstop if it happens anyway.
 *  - The host's side never waits on this lock unboundedly: stop is a lock-free store,
 *    statistics of a running expert wait at most HOST_WAIT_MS (nm_instance_stats).
 *  - Nothing under the lock takes a lock an expert thread could leave behind: the expert
 *    heap is HEAP_NO_SERIALIZE, the block table and cache come from VirtualAlloc
 *    (nm_isolated_alloc), never from the process heap, whose lock a killed thread would
 *    leave held for the whole process. (Left: ExpertGetFrame, under the lock, grows its
 *    frame buffer on the process heap (frames.c) and the capture reader uses malloc: a
 *    thread killed right there leaves that heap's lock held.)
 * Limit: a thread id is reused only after the dead thread's last handle is closed; a new
 * thread that got the same id looks alive, and its waiters wait (Run's thread then
 * counts as hung at -t, which stop handles: stop does not take the lock). */
#define LOCK_STACK  (16 * 1024)     /* stack one locked section may need, with heap calls */
#define HOST_WAIT_MS 500

static inline LONG self_id(void)
{
    LONG id;
#ifdef _WIN64
    __asm__("movl %%gs:0x48, %0" : "=r"(id));    /* TEB ClientId.UniqueThread */
#else
    __asm__("movl %%fs:0x24, %0" : "=r"(id));
#endif
    return id;
}

static int thread_gone(DWORD id)
{
    HANDLE h = OpenThread(SYNCHRONIZE, FALSE, id);
    int gone;

    if (!h) return GetLastError() == ERROR_INVALID_PARAMETER;   /* no such thread */
    gone = WaitForSingleObject(h, 0) == WAIT_OBJECT_0;
    CloseHandle(h);
    return gone;
}

static void poison(struct nm_instance *inst, DWORD owner, int dead)
{
    char why[64];

    snprintf(why, sizeof(why), dead ? "lock holder thread %lu died in a call: poisoned"
                        : "a fault in a call left the lock held: poisoned", owner);
    inst->poisoned = 1;
    inst->stopped = inst->key;
    inst->stats.bad_calls++;
    inst->stats.last_bad_error = NMERR_INTERNAL_EXCEPTION;
    lstrcpynA(inst->stats.last_bad_reason, why, sizeof(inst->stats.last_bad_reason));
    WARN("key %p: %s\n", (void *)inst->key, why);
}

/* Returns 1 with the lock held (taken over and poisoned if its owner faulted or died),
 * 0 when wait_ms (host side) ran out first. Spins briefly, then yields; once yielding,
 * asks every few milliseconds (by the clock: under load a yield can take a time slice)
 * whether the owner still exists, which costs a few system calls. */
static int lock_wait(struct nm_instance *inst, LONG me, DWORD wait_ms)
{
    unsigned spins = 0;
    DWORD start = wait_ms != INFINITE ? GetTickCount() : 0, checked = 0, now;
    LONG owner;

    for (;;) {
        owner = __atomic_load_n(&inst->lock, __ATOMIC_RELAXED);
        if (!owner) {
            if (__atomic_compare_exchange_n(&inst->lock, &owner, me, 0, __ATOMIC_ACQUIRE,
                                            __ATOMIC_RELAXED))
                return 1;
            continue;
        }
        if (owner == me) {                  /* abandoned by a fault on this thread */
            __atomic_thread_fence(__ATOMIC_ACQUIRE);
            poison(inst, (DWORD)owner, 0);
            return 1;
        }
        if (++spins < 64) {
            __builtin_ia32_pause();
            continue;
        }
        if (spins == 64) checked = GetTickCount();
        if (spins < 4096) SwitchToThread();
        else Sleep(1);          /* the holder was preempted for long: stop burning CPU */
        now = GetTickCount();
        if (now - checked >= 4) {
            checked = now;
            if (thread_gone((DWORD)owner)
                && __atomic_compare_exchange_n(&inst->lock, &owner, me, 0, __ATOMIC_ACQUIRE,
                                               __ATOMIC_RELAXED)) {
                poison(inst, (DWORD)owner, 1);
                return 1;
            }
        }
        if (wait_ms != INFINITE && now - start > wait_ms) return 0;
    }
}

static inline void lock_acquire(struct nm_instance *inst)
{
    LONG me = self_id(), free_ = 0;

    if (__builtin_expect(!__atomic_compare_exchange_n(&inst->lock, &free_, me, 0,
                                                      __ATOMIC_ACQUIRE, __ATOMIC_RELAXED), 0))
        lock_wait(inst, me, INFINITE);
}

static inline void lock_release(struct nm_instance *inst)
{
    __atomic_store_n(&inst->lock, 0, __ATOMIC_RELEASE);
}

/* Stack check before the lock (see "Locks"). The hot path is one TEB load and a
 * compare: sp lies more than FAST_STACK above the stack's allocation base (TEB
 * DeallocationStack). Below that, the exact test: neither the guard page
 * nm_guard_stack_arm placed (NM_GUARD_STACK_RESERVE up) nor a larger guarantee the
 * thread set (TEB GuaranteedStackBytes) may lie within LOCK_STACK below sp; if one may,
 * every page of the next LOCK_STACK bytes is touched, top down, so a guard page hit
 * (growth, or the overflow) happens here, in a frame that holds nothing. */
#define FAST_STACK (256 * 1024)  /* covers guarantees up to 232 KiB; above, the take-over */

static __attribute__((noinline)) void stack_probe(char *sp, char *base)
{
    ULONG guaranteed;
    unsigned i;

#ifdef _WIN64
    __asm__("movl %%gs:0x1748, %0" : "=r"(guaranteed));  /* TEB GuaranteedStackBytes */
#else
    __asm__("movl %%fs:0xf78, %0" : "=r"(guaranteed));
#endif
    if (guaranteed < NM_GUARD_STACK_RESERVE) guaranteed = NM_GUARD_STACK_RESERVE;
    if ((size_t)(sp - base) >= (size_t)guaranteed + 2 * 4096 + LOCK_STACK) return;
    for (i = 1; i <= LOCK_STACK / 4096; i++) (void)*(volatile char *)(sp - i * 4096);
}

static inline void stack_check(void)
{
    char here, *base;

#ifdef _WIN64
    __asm__("movq %%gs:0x1478, %0" : "=r"(base));        /* TEB DeallocationStack */
#else
    __asm__("movl %%fs:0xe0c, %0" : "=r"(base));
#endif
    if (__builtin_expect((size_t)(&here - base) < FAST_STACK, 0))
        stack_probe(&here, base);
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

/* ---- Keys: unguessable from other keys (issue 9 §3) --------------------------------
 * key = 1 | slot << 1 | tag << GEN_SHIFT, tag = P(slot, generation), where P is a
 * bijection of the GEN_BITS-bit generation keyed by a per-process secret and the slot
 * (add, xor-shift, multiply by an odd number: each invertible mod 2^GEN_BITS). So:
 *  - a slot's next key still differs from its last 2^GEN_BITS - 1 keys (a bijection of a
 *    counter), as before;
 *  - one live key tells nothing useful about another: neighbouring slots, generations
 *    +-1, +-2 or xor variations of a known key are other points of a secret permutation
 *    (test_instance_forged_neighbours). The secret is in our memory, which an expert in
 *    the same process could read; it stops guessing, not a determined attacker. On i686
 *    the tag has 18 bits: 2^18 calls of blind guessing find a key.
 * Decoding stays O(1): the slot is in clear; the full key is compared under the lock. */
static uintptr_t key_secret[2];

static uintptr_t mix64(uint64_t x)
{
    x ^= x >> 30; x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27; x *= 0x94d049bb133111ebull;
    x ^= x >> 31;
    return (uintptr_t)x;
}

static void key_secret_init(void)
{
    LARGE_INTEGER t;
    FILETIME ft;
    uint64_t s;

    /* Nothing an expert can see: clock, ids, and where ASLR put our stack and data. */
    QueryPerformanceCounter(&t);
    GetSystemTimeAsFileTime(&ft);
    s = (uint64_t)t.QuadPart ^ ((uint64_t)ft.dwHighDateTime << 32 | ft.dwLowDateTime)
        ^ ((uint64_t)GetCurrentProcessId() << 40) ^ ((uint64_t)GetCurrentThreadId() << 20)
        ^ (uint64_t)(uintptr_t)&t ^ ((uint64_t)(uintptr_t)chunks << 13);
    key_secret[0] = mix64(s) | 1;                   /* odd: a multiplier */
    key_secret[1] = mix64(s ^ 0x9e3779b97f4a7c15ull);
}

static inline uintptr_t make_key(unsigned slot, uintptr_t gen)
{
    const unsigned h = GEN_BITS / 2 + 1;
    uintptr_t x = gen & GEN_MASK;
    uintptr_t k0 = key_secret[0] ^ mix64(slot + 1), k1 = key_secret[1] + slot;

    x = (x + k1) & GEN_MASK;
    x ^= x >> h;
    x = (x * (k0 | 1)) & GEN_MASK;
    x ^= x >> (h - 3);
    x = (x + (k0 >> 7)) & GEN_MASK;
    x = (x * ((k1 << 1) | 1)) & GEN_MASK;
    x ^= x >> h;
    return 1 | ((uintptr_t)slot << 1) | (x << GEN_SHIFT);
}

DWORD nm_instance_enter(HEXPERTKEY key, BOOL allow_stopped, struct nm_instance **out,
                        struct nm_run **run)
{
    uintptr_t k = (uintptr_t)key;
    struct nm_instance *inst = slot_of(k);

    if (!inst) return NMERR_INVALID_EXPERT_HANDLE;
    stack_check();
    lock_acquire(inst);
    if (inst->key != k) {
        lock_release(inst);
        return NMERR_INVALID_EXPERT_HANDLE;
    }
    if (__builtin_expect(inst->stopped == k, 0)) {
        if (inst->poisoned && allow_stopped != ENTER_HOST) {
            lock_release(inst);
            return NMERR_INTERNAL_EXCEPTION;
        }
        if (!allow_stopped) {
            lock_release(inst);
            return NMERR_EXPERT_TERMINATE;
        }
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

/* ---- quota: what a block really costs (issue 9 §3) ---------------------------------
 * Counting requested bytes let zero-byte and tiny blocks through for free, though each
 * takes heap space and block-table room (outside the heap, in our address space): an
 * expert could exhaust the host, on i686 its address space. A live block is charged what
 * the heap is asked for (heap_size: at least 16 bytes), the heap's block header (two
 * pointers, Wine's and Windows' granularity), and its block-table share (the table is at
 * most half full: two entries per block). A block of 0x7f000 bytes or more is its own
 * mapping (Wine's and Windows' large-block threshold): charged in 64 KiB units, the
 * address-space granularity. Up to CACHE_BYTES of cached freed blocks come on top. */
#define BLOCK_OVERHEAD (2 * sizeof(void *) + 2 * sizeof(struct nm_block_entry))
#define LARGE_BLOCK    ((size_t)0x7f000)

static inline size_t block_cost(size_t size)
{
    size_t h = heap_size(size);

    if (h >= LARGE_BLOCK) return ((h + 0xffff) & ~(size_t)0xffff) + BLOCK_OVERHEAD;
    return ((h + 15) & ~(size_t)15) + BLOCK_OVERHEAD;
}

/* ---- registry ---------------------------------------------------------------------- */

/* Takes a slot: the oldest ended one once REUSE_AFTER ended slots are queued, a fresh
 * one before that. A slot then rests while at least REUSE_AFTER other instances end, and
 * a stale key meets its own key again only after 2^18 (i686) reuses of its slot; the
 * registry's memory stays at what the most instances alive at once need (plus the queue),
 * instead of creeping up to all NSLOTS slots (~2.5 MiB) over the first 8192 instances of a
 * long-lived host (tests/soak, 10,000 runs). */
#define REUSE_AFTER 256
static int take_slot(unsigned *slot)
{
    if (!key_secret[0]) key_secret_init();
    if (fresh < NSLOTS && fifo_count < REUSE_AFTER) {
        unsigned c = fresh >> CHUNK_BITS;
        if (!chunks[c]) {
            struct nm_instance *mem = VirtualAlloc(NULL, CHUNK * sizeof(*mem),
                                                   MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
            if (!mem) return -1;
            /* Generations start at 0: the secret makes keys differ between processes
             * (keys of an earlier process, saved by a confused expert, do not match). */
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
    inst->charged = 0;
    inst->stopped = 0;
    inst->poisoned = 0;
    inst->run = run;
    inst->host_block = NULL;
    memset(&inst->stats, 0, sizeof(inst->stats));
    inst->fail_nth = inst->fail_every = 0;
    memset(&inst->injected, 0, sizeof(inst->injected));
    __atomic_store_n(&inst->key, make_key(slot, inst->gen), __ATOMIC_RELEASE);  /* stop reads it */
    *key = (HEXPERTKEY)inst->key;
    lock_release(inst);
    TRACE("key %p, quota %Iu, heap %p\n", *key, quota, heap);
    return NMERR_SUCCESS;
}

static void destroy_fn(void *heap)
{
    HeapDestroy(heap);
}

/* Ends an instance: what is still live is the leak; one HeapDestroy frees it all. A
 * poisoned instance ends too (its heap may be half updated: destroyed under a guard, a
 * fault there leaves it mapped) and NMERR_INTERNAL_EXCEPTION says it was poisoned. */
DWORD nm_instance_end(HEXPERTKEY key, NMSHIM_MEMSTATS *stats)
{
    return nm_instance_end_injected(key, stats, NULL);
}

/* The same, also reading what was injected, under the same lock: no call of a thread of
 * the expert's can come between the count and the end. */
DWORD nm_instance_end_injected(HEXPERTKEY key, NMSHIM_MEMSTATS *stats, struct nm_injected *inj)
{
    struct nm_instance *inst;
    struct nm_fault_record rec;
    unsigned slot;
    int poisoned;
    DWORD err = nm_instance_enter(key, ENTER_HOST, &inst, NULL);

    if (err) return err;
    inst->stats.leaked_blocks = inst->stats.live_blocks;
    inst->stats.leaked_bytes = inst->stats.live_bytes;
    /* The host's config copy is not the expert's leak. Only while it is the same block:
     * a free or realloc by the expert made it the expert's (host_block cleared there), so
     * a later block at the same address is counted (test_instance_host_block_reused). */
    if (inst->host_block) {
        size_t *known = nm_blocks_find(&inst->blocks, inst->host_block);
        if (known) {
            inst->stats.leaked_blocks--;
            inst->stats.leaked_bytes -= *known;
        }
    }
    if (stats) *stats = inst->stats;
    if (inj) *inj = inst->injected;
    poisoned = inst->poisoned;
    if (!poisoned) HeapDestroy(inst->heap);      /* live and cached blocks alike */
    else if (nm_guard_call(destroy_fn, inst->heap, &rec) != NM_GUARD_OK)
        ERR("key %p: HeapDestroy of the poisoned heap faulted (0x%08lx); left mapped\n",
            key, rec.code);
    nm_blocks_destroy(&inst->blocks);
    nm_isolated_free(inst->cache);
    inst->cache = NULL;
    inst->heap = NULL;
    inst->run = NULL;
    __atomic_store_n(&inst->key, 0, __ATOMIC_RELEASE);  /* every call with the old key is rejected */
    inst->stopped = 0;
    inst->poisoned = 0;
    inst->gen = (inst->gen + 1) & GEN_MASK;
    slot = (unsigned)((uintptr_t)key >> 1) & (NSLOTS - 1);
    nm_instance_leave(inst);
    put_slot(slot);
    TRACE("key %p ended, leaked %I64u blocks, %I64u bytes\n", key,
          stats ? stats->leaked_blocks : 0, stats ? stats->leaked_bytes : 0);
    return poisoned ? NMERR_INTERNAL_EXCEPTION : NMERR_SUCCESS;
}

/* Without the lock (see "Locks"): an expert thread may hold it, even forever. Storing
 * the key, not a flag, makes a stop that races with the end and reuse of the slot
 * harmless: it names the old key, which the new instance does not have. */
DWORD nm_instance_stop(HEXPERTKEY key)
{
    uintptr_t k = (uintptr_t)key;
    struct nm_instance *inst = slot_of(k);

    if (!inst || __atomic_load_n(&inst->key, __ATOMIC_ACQUIRE) != k)
        return NMERR_INVALID_EXPERT_HANDLE;
    __atomic_store_n(&inst->stopped, k, __ATOMIC_RELEASE);
    return NMERR_SUCCESS;
}

/* Host side, possibly while the expert runs: waits at most HOST_WAIT_MS for the lock
 * (an expert thread may hold it forever), then answers NMERR_LOCKED. */
DWORD nm_instance_stats(HEXPERTKEY key, NMSHIM_MEMSTATS *stats)
{
    uintptr_t k = (uintptr_t)key;
    struct nm_instance *inst = slot_of(k);
    LONG me = self_id(), free_ = 0;

    if (!inst) return NMERR_INVALID_EXPERT_HANDLE;
    if (!__atomic_compare_exchange_n(&inst->lock, &free_, me, 0, __ATOMIC_ACQUIRE,
                                     __ATOMIC_RELAXED)
        && !lock_wait(inst, me, HOST_WAIT_MS))
        return NMERR_LOCKED;
    if (inst->key != k) {
        lock_release(inst);
        return NMERR_INVALID_EXPERT_HANDLE;
    }
    *stats = inst->stats;
    stats->cached_blocks = cached_blocks(inst->cache);
    stats->cached_bytes = inst->cache->bytes;
    lock_release(inst);
    return NMERR_SUCCESS;
}

HANDLE nm_instance_heap(HEXPERTKEY key)
{
    struct nm_instance *inst;
    HANDLE heap;

    if (nm_instance_enter(key, ENTER_HOST, &inst, NULL)) return NULL;
    heap = inst->poisoned ? NULL : inst->heap;
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

/* ---- fault injection (issue 14 §2: nmhost --fail-alloc N, --fail-alloc-every K) ------
 * An expert author's error paths run only when memory runs out, which it never does in
 * a test. When injection is on, the instance counts the ExpertAllocMemory and
 * ExpertReallocMemory calls it would serve (a live key not told to stop and, for a
 * realloc, a live block: bad input keeps its own answer) and fails the Nth, and/or every
 * Kth, before any real check: NULL, NMERR_OUT_OF_MEMORY, a realloc's block untouched,
 * exactly the path of a real shortage. Counted in injected.failures, never in
 * stats.failed, so a report tells an injected failure from a real one. The host's own
 * block (the config copy, nm_instance_copy_in) is not an expert's call: not counted.
 * Off, it costs one predictable branch per call. */
DWORD nm_instance_inject(HEXPERTKEY key, DWORD fail_nth, DWORD fail_every)
{
    struct nm_instance *inst;
    DWORD err = nm_instance_enter(key, ENTER_HOST, &inst, NULL);

    if (err) return err;
    inst->fail_nth = fail_nth;
    inst->fail_every = fail_every;
    nm_instance_leave(inst);
    TRACE("key %p: fail call %lu, every %lu\n", key, fail_nth, fail_every);
    return NMERR_SUCCESS;
}

DWORD nm_instance_injected(HEXPERTKEY key, struct nm_injected *out)
{
    struct nm_instance *inst;
    DWORD err = nm_instance_enter(key, ENTER_HOST, &inst, NULL);

    if (err) return err;
    *out = inst->injected;
    nm_instance_leave(inst);
    return NMERR_SUCCESS;
}

/* Counts one call; 1 when this one is to fail. Caller holds the lock. */
static inline int inject_now(struct nm_instance *inst)
{
    ULONGLONG n;

    if (__builtin_expect(!(inst->fail_nth | inst->fail_every), 1)) return 0;
    n = ++inst->injected.calls;
    if ((inst->fail_nth && n == inst->fail_nth) || (inst->fail_every && n % inst->fail_every == 0)) {
        inst->injected.failures++;
        return 1;
    }
    return 0;
}

static DWORD inject_fail(struct nm_instance *inst, const char **reason)
{
    *reason = "injected failure (fault injection: --fail-alloc)";
    nm_instance_leave(inst);
    return NMERR_OUT_OF_MEMORY;
}

/* expert: an expert's call (counted for injection), not the host's copy_in. */
static DWORD alloc_worker(HEXPERTKEY key, SIZE_T size, void **out, const char **reason,
                          BOOL expert)
{
    struct nm_instance *inst;
    void *p;
    DWORD err = nm_instance_enter(key, FALSE, &inst, NULL);

    *out = NULL;
    if (err) {
        *reason = key_reason(err);
        return err;
    }
    if (expert && inject_now(inst)) return inject_fail(inst, reason);
    if (size > MAX_REQUEST) return refuse(inst, "size beyond any heap", reason);
    if (inst->quota && block_cost(size) > inst->quota - inst->charged)
        return refuse(inst, "over the instance's quota", reason);
    if (nm_blocks_reserve(&inst->blocks, 1)) return refuse(inst, "block table full", reason);
    /* Zero-filled (docs/design.md, ours): deterministic; experts must not rely on it. A size
     * of 0 still gets a unique minimal block, as malloc(0) does on Windows. */
    if ((p = cache_take(inst->cache, size))) memset(p, 0, size);
    else if (!(p = HeapAlloc(inst->heap, HEAP_ZERO_MEMORY, heap_size(size))))
        return refuse(inst, "heap exhausted", reason);
    nm_blocks_insert(&inst->blocks, p, size);
    if (inst->quota) inst->charged += block_cost(size);   /* kept only when it counts */
    inst->stats.allocs++;
    inst->stats.live_blocks++;
    inst->stats.live_bytes += size;
    track_peak(&inst->stats);
    nm_instance_leave(inst);
    *out = p;
    return NMERR_SUCCESS;
}

DWORD nm_instance_alloc(HEXPERTKEY key, SIZE_T size, void **out, const char **reason)
{
    return alloc_worker(key, size, out, reason, TRUE);
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
    if (inject_now(inst)) return inject_fail(inst, reason);
    if (size > MAX_REQUEST) return refuse(inst, "size beyond any heap", reason);
    if (inst->quota && block_cost(size) > block_cost(old)
        && block_cost(size) - block_cost(old) > inst->quota - inst->charged)
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
    if (inst->quota) inst->charged = inst->charged - block_cost(old) + block_cost(size);
    if (__builtin_expect(ptr == inst->host_block, 0)) inst->host_block = NULL;  /* expert's now */
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
    if (inst->quota) inst->charged -= block_cost(size);
    if (__builtin_expect(ptr == inst->host_block, 0)) inst->host_block = NULL;  /* gone */
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

    /* No error channel (docs/expert-api.md §4.4): keeps answering for stopped instances. */
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

/* The block is the expert's to realloc or free (docs/expert-api.md §5.3), but it is the
 * host's allocation: not counted in allocs, and not a leak if still there at the end. */
DWORD nm_instance_copy_in(HEXPERTKEY key, const void *data, SIZE_T len, void **out)
{
    struct nm_instance *inst;
    const char *reason;
    DWORD err = alloc_worker(key, len, out, &reason, FALSE);

    if (err) return err;
    memcpy(*out, data, len);
    if (!nm_instance_enter(key, TRUE, &inst, NULL)) {
        inst->stats.allocs--;
        inst->host_block = *out;
        nm_instance_leave(inst);
    }
    return NMERR_SUCCESS;
}
