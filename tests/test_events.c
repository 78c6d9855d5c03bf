/*
 * test_events.c - suite "events" (shim/events.c): status and events as the host keeps
 * them. The t_events expert reuses one buffer for three events, so the host's copies
 * prove the deep copy; bad pointers get NMERR_INVALID_PARAMETER, not a crash.
 */
#include <string.h>
#include "test_util.h"

static int init(void) { return nm_load_nmapi(); }

static void test_events_deep_copies(void)
{
    NMSHIM_RESULT res;
    HNMEXPERT e = nm_run_expert("t_events.dll", NULL, 30000, &res);
    const NMEVENTDATA *ev[3] = { 0 };
    DWORD i;

    CHECK_MSG(res.outcome == NMSHIM_DONE, "outcome %d: %s / %s", res.outcome, res.message,
              res.status.szStatusText);
    CHECK_EQ_U(res.events, 3);
    for (i = 0; i < 3; i++) CHECK_EQ_U(nm.NmShimGetEvent(e, i, &ev[i]), NMERR_SUCCESS);
    CHECK_EQ_U(nm.NmShimGetEvent(e, 3, &ev[0]), NMERR_OUT_OF_RANGE);
    nm.NmShimGetEvent(e, 0, &ev[0]);
    if (ev[0] && ev[1] && ev[2]) {
        CHECK_EQ_U(ev[0]->EventIdent, 1);
        CHECK_EQ_U(ev[1]->EventIdent, 2);
        CHECK_EQ_U(ev[2]->EventIdent, 3);
        CHECK_STR(ev[0]->szEventName, "event1");   /* the expert rewrote its buffer since */
        CHECK_STR(ev[2]->szEventName, "event3");
        CHECK_STR(ev[0]->szSourceName, "t_events");
        CHECK(ev[1]->szDescription && strlen(ev[1]->szDescription) == 2000);
        CHECK_EQ_PTR(ev[1]->szMachine, NULL);
        CHECK_EQ_U(ev[2]->Severity, NMEVENT_SEVERITY_CRITICAL_ERROR);
        CHECK_EQ_U(ev[2]->NumColumns, 0);
        CHECK(ev[0]->NumColumns >= 16);
        for (i = 0; i < ev[0]->NumColumns; i++) {
            const NMCOLUMNINFO *c = &ev[0]->Column[i];
            CHECK(c->szColumnName != NULL);
            if (c->VariantData.Type == NMCOLUMNTYPE_STRING) CHECK_STR(c->VariantData.Value.pStringVal, "hello");
            if (c->VariantData.Type == NMCOLUMNTYPE_IPADDR) CHECK_EQ_U(c->VariantData.Value.IPAddrVal, 0x0a000001);
            if (c->VariantData.Type == NMCOLUMNTYPE_FLOAT64) CHECK(c->VariantData.Value.Float64Val == 1.5);
        }
    }
    nm.NmShimUnloadExpert(e);
}

static void test_events_bad_pointers(void)
{
    HEXPERTKEY key = NULL;
    NMEVENTDATA ev;
    EXPERTSTARTUPINFO si;

    nm.NmShimCreateInstance(0, &key);
    memset(&ev, 0, sizeof(ev));
    CHECK_EQ_U(nm.ExpertSubmitEvent(key, NULL), NMERR_INVALID_PARAMETER);
    CHECK_EQ_U(nm.ExpertSubmitEvent(key, (PNMEVENTDATA)(ULONG_PTR)16), NMERR_INVALID_PARAMETER);
    ev.szDescription = (LPSTR)(ULONG_PTR)32;              /* unreadable string */
    CHECK_EQ_U(nm.ExpertSubmitEvent(key, &ev), NMERR_INVALID_PARAMETER);
    /* Status text: NULL and unreadable text are fine; only a stopped key fails. */
    CHECK_EQ_U(nm.ExpertIndicateStatus(key, EXPERTSTATUS_RUNNING, 0, NULL, 10), NMERR_SUCCESS);
    CHECK_EQ_U(nm.ExpertIndicateStatus(key, EXPERTSTATUS_RUNNING, 0, (const char *)(ULONG_PTR)8, 10), NMERR_SUCCESS);
    CHECK_EQ_U(nm.ExpertGetStartupInfo(key, NULL), NMERR_INVALID_PARAMETER);
    CHECK_EQ_U(nm.ExpertGetStartupInfo(key, (PEXPERTSTARTUPINFO)(ULONG_PTR)64), NMERR_INVALID_PARAMETER);
    memset(&si, 0xcc, sizeof(si));
    CHECK_EQ_U(nm.ExpertGetStartupInfo(key, &si), NMERR_SUCCESS);
    CHECK_EQ_U(si.dwFrameNumber, 0);
    nm.NmShimStopInstance(key);
    CHECK_EQ_U(nm.ExpertIndicateStatus(key, EXPERTSTATUS_RUNNING, 0, "x", 10), NMERR_EXPERT_TERMINATE);
    /* A stopped key answers "terminate" first, whatever else is wrong with the call. */
    CHECK_EQ_U(nm.ExpertSubmitEvent(key, &ev), NMERR_EXPERT_TERMINATE);
    nm.NmShimEndInstance(key, NULL);
    CHECK_EQ_U(nm.ExpertIndicateStatus(key, EXPERTSTATUS_RUNNING, 0, "x", 10), NMERR_INVALID_EXPERT_HANDLE);
}

static void test_events_status_and_startup_info(void)
{
    NMSHIM_RESULT res;
    HNMEXPERT e = nm_run_expert("t_ok.dll", NULL, 30000, &res);

    /* t_ok reports "halfway" at 50 %; the host sets 100 % at success. */
    CHECK_EQ_U(res.status.PercentDone, 100);
    CHECK_STR(res.status.szStatusText, "halfway");
    nm.NmShimUnloadExpert(e);
}

static const struct nm_test tests[] = {
    NM_TEST(test_events_deep_copies),
    NM_TEST(test_events_bad_pointers),
    NM_TEST(test_events_status_and_startup_info),
    NM_TEST_END
};
const struct nm_suite suite_events = { "events", init, NULL, tests };
