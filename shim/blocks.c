/*
 * blocks.c - the live-block table of one instance: pointer -> size last requested.
 *
 * Every pointer an expert hands back is looked up here before it reaches HeapFree,
 * HeapReAlloc or HeapSize, and is never dereferenced (docs/design.md "Ownership without
 * trusting the pointer"). Open addressing, linear probing, load factor <= 1/2, deletion
 * by backward shift (no tombstones, so lookups of absent pointers stay short after any
 * number of frees: test_blocks_absent_after_churn). The slots come from the process
 * heap, never from the expert's heap, so a corrupted expert heap cannot corrupt them.
 */
#include "nmapi_private.h"

#define MIN_BITS 6              /* 64 slots: a small expert never grows the table */

/* Fibonacci hashing of the pointer without its always-zero alignment bits. */
static inline size_t slot_of(const struct nm_blocks *t, uintptr_t p)
{
#ifdef _WIN64
    return (size_t)(((uint64_t)(p >> 4) * 0x9E3779B97F4A7C15ull) >> (64 - t->bits));
#else
    return (size_t)(((uint32_t)(p >> 3) * 0x9E3779B1u) >> (32 - t->bits));
#endif
}

static struct nm_block_entry *alloc_slots(size_t n)
{
    return nm_isolated_alloc(n * sizeof(struct nm_block_entry));
}

int nm_blocks_init(struct nm_blocks *t)
{
    t->bits = MIN_BITS;
    t->mask = ((size_t)1 << MIN_BITS) - 1;
    t->count = 0;
    t->slots = alloc_slots(t->mask + 1);
    return t->slots ? 0 : -1;
}

void nm_blocks_destroy(struct nm_blocks *t)
{
    nm_isolated_free(t->slots);
    t->slots = NULL;
    t->count = t->mask = 0;
}

static void place(struct nm_blocks *t, uintptr_t p, size_t size)
{
    size_t i = slot_of(t, p);
    while (t->slots[i].ptr) i = (i + 1) & t->mask;
    t->slots[i].ptr = p;
    t->slots[i].size = size;
}

/* Grows before the heap call, so that recording a new block can never fail after the
 * heap already handed it out (docs/design.md: a failed call leaves everything as it was). */
int nm_blocks_reserve(struct nm_blocks *t, size_t extra)
{
    struct nm_blocks old = *t;
    size_t need = t->count + extra, i;
    unsigned bits = t->bits;

    if (need <= (t->mask + 1) / 2) return 0;
    while (((size_t)1 << bits) / 2 < need) {
        if (bits >= sizeof(size_t) * 8 - 5) return -1;
        bits++;
    }
    if (!(t->slots = alloc_slots((size_t)1 << bits))) {
        *t = old;
        return -1;
    }
    t->bits = bits;
    t->mask = ((size_t)1 << bits) - 1;
    for (i = 0; i <= old.mask; i++)
        if (old.slots[i].ptr) place(t, old.slots[i].ptr, old.slots[i].size);
    nm_isolated_free(old.slots);
    return 0;
}

void nm_blocks_insert(struct nm_blocks *t, const void *ptr, size_t size)
{
    place(t, (uintptr_t)ptr, size);
    t->count++;
}

size_t *nm_blocks_find(const struct nm_blocks *t, const void *ptr)
{
    uintptr_t p = (uintptr_t)ptr;
    size_t i;

    if (!p || !t->slots) return NULL;
    for (i = slot_of(t, p); t->slots[i].ptr; i = (i + 1) & t->mask)
        if (t->slots[i].ptr == p) return &t->slots[i].size;
    return NULL;
}

/* Removes the entry whose size nm_blocks_find returned, without a second lookup. */
void nm_blocks_remove_at(struct nm_blocks *t, size_t *size)
{
    size_t i, j, home;

    i = (size_t)((struct nm_block_entry *)((char *)size - offsetof(struct nm_block_entry, size))
                 - t->slots);
    /* Backward shift: pull later members of the cluster into the hole when the hole lies
     * between their home slot and where they sit (cyclically). */
    for (j = (i + 1) & t->mask; t->slots[j].ptr; j = (j + 1) & t->mask) {
        home = slot_of(t, t->slots[j].ptr);
        if (((j - home) & t->mask) >= ((j - i) & t->mask)) {
            t->slots[i] = t->slots[j];
            i = j;
        }
    }
    t->slots[i].ptr = 0;
    t->slots[i].size = 0;
    t->count--;
}

int nm_blocks_remove(struct nm_blocks *t, const void *ptr)
{
    size_t *size = nm_blocks_find(t, ptr);

    if (!size) return 0;
    nm_blocks_remove_at(t, size);
    return 1;
}
