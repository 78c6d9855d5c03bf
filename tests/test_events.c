/* test_events.c - placeholder: no tests yet (the runner fails a suite with no tests). */
#include "test_util.h"
static const struct nm_test tests[] = { NM_TEST_END };
const struct nm_suite suite_events = { "events", NULL, NULL, tests };
