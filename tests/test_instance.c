/*
 * test_instance.c - suite "instance" (shim/instance.c, white-box): keys are odd cookies,
 * never pointers; a slot's next key differs from its last; stale and forged keys are
 * rejected without touching anything; one HeapDestroy per instance end.
 */
#include "test_util.h"
#include "nmapi_private.h"

static void test_instance_keys_are_cookies(void)
{
    HEXPERTKEY a = NULL, b = NULL;

    CHECK_EQ_U(nm_instance_create(0, NULL, &a), NMERR_SUCCESS);
    CHECK_EQ_U(nm_instance_create(0, NULL, &b), NMERR_SUCCESS);
    CHECK(a && b && a != b);
    CHECK_EQ_U((ULONG_PTR)a & 1, 1);      /* odd: never a valid aligned pointer */
    CHECK(nm_instance_heap(a) != NULL && nm_instance_heap(a) != nm_instance_heap(b));
    nm_instance_end(a, NULL);
    nm_instance_end(b, NULL);
    CHECK_EQ_PTR(nm_instance_heap(a), NULL);
}

static void test_instance_stale_key_after_reuse(void)
{
    HEXPERTKEY keys[20000];
    unsigned i, clash = 0;

    /* More creates than slots: slots are reused, generations keep keys distinct. */
    for (i = 0; i < 20000; i++) {
        CHECK_EQ_U(nm_instance_create(0, NULL, &keys[i]), NMERR_SUCCESS);
        nm_instance_end(keys[i], NULL);
    }
    for (i = 0; i < 20000; i++) {
        NMSHIM_MEMSTATS st;
        if (nm_instance_stats(keys[i], &st) != NMERR_INVALID_EXPERT_HANDLE) clash++;
        if (i && keys[i] == keys[i - 1]) clash++;
    }
    CHECK_EQ_U(clash, 0);
}

static void test_instance_stop_and_end(void)
{
    HEXPERTKEY k = NULL;
    void *p = NULL;
    const char *why = NULL;
    NMSHIM_MEMSTATS st;

    nm_instance_create(0, NULL, &k);
    CHECK_EQ_U(nm_instance_alloc(k, 10, &p, &why), NMERR_SUCCESS);
    CHECK_EQ_U(nm_instance_stop(k), NMERR_SUCCESS);
    CHECK_EQ_U(nm_instance_alloc(k, 10, &p, &why), NMERR_EXPERT_TERMINATE);
    CHECK_EQ_PTR(p, NULL);
    CHECK(why != NULL);
    CHECK_EQ_U(nm_instance_end(k, &st), NMERR_SUCCESS);
    CHECK_EQ_U(st.leaked_blocks, 1);
    CHECK_EQ_U(nm_instance_end(k, &st), NMERR_INVALID_EXPERT_HANDLE);
    CHECK_EQ_U(nm_instance_stop(k), NMERR_INVALID_EXPERT_HANDLE);
}

static const struct nm_test tests[] = {
    NM_TEST(test_instance_keys_are_cookies),
    NM_TEST(test_instance_stale_key_after_reuse),
    NM_TEST(test_instance_stop_and_end),
    NM_TEST_END
};
const struct nm_suite suite_instance = { "instance", NULL, NULL, tests };
