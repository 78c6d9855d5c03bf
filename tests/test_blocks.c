/*
 * test_blocks.c - suite "blocks" (shim/blocks.c, white-box): the live-block table never
 * reports a pointer it does not hold, keeps exact sizes through growth to a million
 * entries and deletion in random order, and stays fast for absent lookups after churn.
 */
#include <stdlib.h>
#include "test_util.h"
#include "nmapi_private.h"

#define N 1000000

static uintptr_t fake(size_t i)      /* heap-like, aligned, distinct, never 0 */
{
    return (uintptr_t)0x10000 + (uintptr_t)i * 16 * 3;
}

static void test_blocks_insert_find_remove(void)
{
    struct nm_blocks t;
    size_t *s;

    CHECK_EQ_U(nm_blocks_init(&t), 0);
    CHECK_EQ_PTR(nm_blocks_find(&t, NULL), NULL);
    CHECK_EQ_U(nm_blocks_reserve(&t, 1), 0);
    nm_blocks_insert(&t, (void *)fake(1), 42);
    s = nm_blocks_find(&t, (void *)fake(1));
    CHECK(s && *s == 42);
    CHECK_EQ_PTR(nm_blocks_find(&t, (void *)fake(2)), NULL);
    CHECK_EQ_PTR(nm_blocks_find(&t, (void *)(fake(1) + 8)), NULL);   /* interior */
    CHECK_EQ_U(nm_blocks_remove(&t, (void *)fake(1)), 1);
    CHECK_EQ_U(nm_blocks_remove(&t, (void *)fake(1)), 0);            /* already gone */
    CHECK_EQ_PTR(nm_blocks_find(&t, (void *)fake(1)), NULL);
    CHECK_EQ_U(t.count, 0);
    nm_blocks_destroy(&t);
}

static void test_blocks_million_random_order(void)
{
    struct nm_blocks t;
    size_t *order = malloc(N * sizeof(*order)), i, bad = 0, missing = 0;
    unsigned x = 12345;

    CHECK_EQ_U(nm_blocks_init(&t), 0);
    for (i = 0; i < N; i++) {
        if (nm_blocks_reserve(&t, 1)) break;
        nm_blocks_insert(&t, (void *)fake(i), i % 977);
    }
    CHECK_EQ_U(t.count, N);
    CHECK((t.mask + 1) >= 2 * t.count);                 /* load factor <= 1/2 */
    for (i = 0; i < N; i++) {
        size_t *s = nm_blocks_find(&t, (void *)fake(i));
        if (!s) missing++;
        else if (*s != i % 977) bad++;
    }
    CHECK_EQ_U(missing, 0);
    CHECK_EQ_U(bad, 0);
    /* One million absent pointers: odd offsets and the range past the last one. */
    for (i = 0; i < N; i++)
        if (nm_blocks_find(&t, (void *)(fake(i) + 16)) || nm_blocks_find(&t, (void *)fake(N + i))) bad++;
    CHECK_EQ_U(bad, 0);
    /* Remove in random order; after each removal of a batch, the rest is still there. */
    for (i = 0; i < N; i++) order[i] = i;
    for (i = N - 1; i > 0; i--) {
        size_t j, tmp;
        x = x * 1103515245u + 12345u;
        j = (x >> 4) % (i + 1);
        tmp = order[i]; order[i] = order[j]; order[j] = tmp;
    }
    for (i = 0; i < N; i++) {
        if (nm_blocks_remove(&t, (void *)fake(order[i])) != 1) missing++;
        if (i % 100000 == 99999) {
            size_t k;
            for (k = i + 1; k < N; k += 97)
                if (!nm_blocks_find(&t, (void *)fake(order[k]))) bad++;
            for (k = 0; k <= i; k += 97)
                if (nm_blocks_find(&t, (void *)fake(order[k]))) bad++;
        }
    }
    CHECK_EQ_U(missing, 0);
    CHECK_EQ_U(bad, 0);
    CHECK_EQ_U(t.count, 0);
    nm_blocks_destroy(&t);
    free(order);
}

/* Backward-shift deletion leaves no tombstones: after heavy churn the table is as
 * empty as it looks, so a lookup of an absent pointer ends at the first empty slot. */
static void test_blocks_absent_after_churn(void)
{
    struct nm_blocks t;
    size_t i, round, used = 0;

    CHECK_EQ_U(nm_blocks_init(&t), 0);
    for (round = 0; round < 50; round++) {
        for (i = 0; i < 1000; i++) { nm_blocks_reserve(&t, 1); nm_blocks_insert(&t, (void *)fake(round * 1000 + i), i); }
        for (i = 0; i < 1000; i++) nm_blocks_remove(&t, (void *)fake(round * 1000 + i));
    }
    for (i = 0; i <= t.mask; i++) used += t.slots[i].ptr != 0;
    CHECK_EQ_U(used, 0);
    CHECK_EQ_U(t.count, 0);
    nm_blocks_destroy(&t);
}

static const struct nm_test tests[] = {
    NM_TEST(test_blocks_insert_find_remove),
    NM_TEST(test_blocks_million_random_order),
    NM_TEST(test_blocks_absent_after_churn),
    NM_TEST_END
};
const struct nm_suite suite_blocks = { "blocks", NULL, NULL, tests };
