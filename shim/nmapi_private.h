/*
 * nmapi_private.h - what the modules of nmapi.dll share, and nothing else.
 *
 * Layers (dependencies point down only):
 *   exports  memory.c frames.c events.c hostapi.c      validate -> core -> map status
 *   core     instance.c blocks.c expert.c capture*.c guard*.c trace.c
 *   Win32    HeapCreate/HeapAlloc/..., SEH, threads
 * Shared helpers are named nm_<module>_<verb>; file-local helpers are static.
 */
#ifndef NM_PRIVATE_H
#define NM_PRIVATE_H

#include <stddef.h>
#include <stdint.h>
#include <windows.h>
#include <netmon.h>
#include "nmshim.h"

/* ---- trace.c ---------------------------------------------------------------------
 * TRACE: entry/exit of an export (NMAPI_TRACE=1); WARN: bad input from an expert
 * (NMAPI_TRACE=1 or warn); FIXME: unimplemented input; ERR: our own bug (always).
 * Off, a TRACE costs one predictable branch. Tracing never changes GetLastError. */
extern int nm_trace_level;                 /* 0 errors only, 1 warnings, 2 everything */
void nm_trace_init(void);
/* NmShimSetTrace: level 0..2; path NULL: stderr, else that file (truncated unless append).
 * NMERR_SUCCESS, or an NMERR_* for a file that cannot be opened (GetLastError kept). */
DWORD nm_trace_set(int level, const char *path, BOOL append);
void nm_trace_print(const char *kind, const char *func, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#define TRACE(...) do { if (__builtin_expect(nm_trace_level >= 2, 0)) \
    nm_trace_print("trace", __func__, __VA_ARGS__); } while (0)
#define WARN(...)  do { if (__builtin_expect(nm_trace_level >= 1, 0)) \
    nm_trace_print("warn", __func__, __VA_ARGS__); } while (0)
#define FIXME(...) do { if (__builtin_expect(nm_trace_level >= 1, 0)) \
    nm_trace_print("fixme", __func__, __VA_ARGS__); } while (0)
#define ERR(...)   nm_trace_print("err", __func__, __VA_ARGS__)

/* ---- per-instance hot memory ---------------------------------------------------------
 * Data written on every Expert* call of one instance (its block table, its free-block
 * cache) must not share a cache line with another instance's, or two experts on two
 * cores slow each other down (bench_memory, "2 threads/2 keys"). Straight from
 * VirtualAlloc (page aligned, zeroed), not the process heap: the block table grows under
 * the instance lock, on an expert's thread, and a thread killed inside HeapAlloc would
 * leave the process heap's lock held for the whole host (instance.c "Locks"); a system
 * call cannot be interrupted half done that way. */
static inline void *nm_isolated_alloc(size_t size)
{
    /* Started at a varying multiple of 64 inside the first page ("cache colouring"): a
     * page-aligned table, cache and instance slot would all start on the same L1 sets and
     * 4 KiB-alias each other's loads and stores on every call. */
    static LONG colour;
    unsigned c = 1 + (unsigned)InterlockedIncrement(&colour) * 23u % 63u;
    char *p = VirtualAlloc(NULL, size + 4096, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);

    return p ? p + c * 64 : NULL;
}

static inline void nm_isolated_free(void *p)
{
    if (p) VirtualFree((void *)((uintptr_t)p & ~(uintptr_t)4095), 0, MEM_RELEASE);
}

/* ---- blocks.c: live-block table (pointer -> requested size) ------------------------
 * Open addressing with linear probing and backward-shift deletion; lives outside the
 * expert heap. Not thread-safe: the owning instance's lock protects it. */
struct nm_block_entry { uintptr_t ptr; size_t size; };
struct nm_blocks {
    struct nm_block_entry *slots;   /* capacity = mask + 1, a power of two */
    size_t mask;
    size_t count;
    unsigned bits;                  /* log2(capacity), for the hash */
};
int     nm_blocks_init(struct nm_blocks *t);                  /* 0, or -1 out of memory */
void    nm_blocks_destroy(struct nm_blocks *t);
int     nm_blocks_reserve(struct nm_blocks *t, size_t extra); /* room for extra inserts */
void    nm_blocks_insert(struct nm_blocks *t, const void *ptr, size_t size); /* after reserve */
size_t *nm_blocks_find(const struct nm_blocks *t, const void *ptr);   /* NULL: not live */
int     nm_blocks_remove(struct nm_blocks *t, const void *ptr);       /* 1 removed, 0 absent */
void    nm_blocks_remove_at(struct nm_blocks *t, size_t *size);       /* size: from find */

/* ---- instance.c: keys, one heap per instance, the memory workers -------------------
 * An instance is one key + one private heap + one lock + statistics. Instance structs
 * live in a registry of fixed slots that are never freed, so a stale or forged key can
 * always be checked safely: decode slot, lock it, compare the full key. */
struct nm_instance;

/* Host context hung on an instance by expert.c (frames, status, events). */
struct nm_run;

/* quota: bytes of real cost (block + bookkeeping, instance.c "quota"); 0: none. */
DWORD nm_instance_create(SIZE_T quota, struct nm_run *run, HEXPERTKEY *key);
/* Ends the instance whatever its state. NMERR_INTERNAL_EXCEPTION: ended all the same,
 * but it had been poisoned (a fault or a dead thread left its lock held; stats say why). */
DWORD nm_instance_end(HEXPERTKEY key, NMSHIM_MEMSTATS *stats);
/* Fault injection (instance.c "fault injection", issue 14 §2): what an instance counted
 * and failed on purpose. */
struct nm_injected {
    ULONGLONG calls;            /* ExpertAlloc/ReallocMemory calls counted (injection on) */
    ULONGLONG failures;         /* of which failed with NMERR_OUT_OF_MEMORY on purpose */
};
/* The fail_nth-th (1-based) and every fail_every-th counted call fails; 0: off. */
DWORD nm_instance_inject(HEXPERTKEY key, DWORD fail_nth, DWORD fail_every);
DWORD nm_instance_injected(HEXPERTKEY key, struct nm_injected *out);
/* nm_instance_end, also giving what was injected (inj may be NULL). */
DWORD nm_instance_end_injected(HEXPERTKEY key, NMSHIM_MEMSTATS *stats, struct nm_injected *inj);
/* Lock-free: never waits on an expert thread. */
DWORD nm_instance_stop(HEXPERTKEY key);
/* Waits briefly for the lock; NMERR_LOCKED when an expert thread keeps holding it. */
DWORD nm_instance_stats(HEXPERTKEY key, NMSHIM_MEMSTATS *stats);
HANDLE nm_instance_heap(HEXPERTKEY key);

/* Locks the instance of a live key. Returns NMERR_SUCCESS with *inst locked and *run set,
 * NMERR_INVALID_EXPERT_HANDLE, NMERR_INTERNAL_EXCEPTION (poisoned: its lock was left
 * held by a fault or a dead thread), or NMERR_EXPERT_TERMINATE (still locked only when
 * allow_stopped is set: then NMERR_SUCCESS is returned for stopped instances too). Never
 * call it with the lock of the same instance held: the lock is not recursive, and a
 * thread meeting its own lock takes it to be abandoned by a fault. */
DWORD nm_instance_enter(HEXPERTKEY key, BOOL allow_stopped, struct nm_instance **inst,
                        struct nm_run **run);
void  nm_instance_leave(struct nm_instance *inst);
/* Records a rejected call (statistics + last reason); caller holds the lock. */
void  nm_instance_bad_call(struct nm_instance *inst, DWORD err, const char *reason);

/* The memory workers behind the Expert*Memory exports. Each validates ownership through
 * the block table before the pointer reaches the heap; *reason says why a call failed. */
DWORD  nm_instance_alloc(HEXPERTKEY key, SIZE_T size, void **out, const char **reason);
DWORD  nm_instance_realloc(HEXPERTKEY key, void *ptr, SIZE_T size, void **out,
                           const char **reason);
DWORD  nm_instance_free(HEXPERTKEY key, void *ptr, const char **reason);
SIZE_T nm_instance_size(HEXPERTKEY key, const void *ptr);
/* Host side: copies len bytes into a new block of the instance (config hand-over). */
DWORD  nm_instance_copy_in(HEXPERTKEY key, const void *data, SIZE_T len, void **out);
/* Host side: the size of a live block, or (SIZE_T)-1 when ptr is not one. */
SIZE_T nm_instance_block_size(HEXPERTKEY key, const void *ptr);

#endif /* NM_PRIVATE_H */
