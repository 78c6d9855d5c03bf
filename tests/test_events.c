/*
 * test_events.c - suite "events" (shim/events.c): status and events as the host keeps
 * them. The t_events expert reuses one buffer for three events, so the host's copies
 * prove the deep copy; bad pointers get NMERR_INVALID_PARAMETER, not a crash. The status
 * history (shim/history.c) is checked on t_status_history's known sequence of calls.
 */
#include <string.h>
#include "test_util.h"

/* The status history exports, looked up here (the suite's own additions to nm). */
static DWORD (WINAPI *get_history)(HNMEXPERT, DWORD, NMSHIM_STATUS_ENTRY *);
static DWORD (WINAPI *get_history_count)(HNMEXPERT, DWORD *, DWORD *);

static int init(void)
{
    FARPROC p, q;
    if (nm_load_nmapi()) return 1;
    p = GetProcAddress(nm.dll, "NmShimGetStatusHistory");
    q = GetProcAddress(nm.dll, "NmShimGetStatusHistoryCount");
    if (!p || !q) return 1;
    memcpy(&get_history, &p, sizeof(p));
    memcpy(&get_history_count, &q, sizeof(q));
    return 0;
}

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

/* One entry, checked field by field (the message names the index). */
static void check_entry(HNMEXPERT e, DWORD index, DWORD kind, DWORD call, DWORD state,
                        DWORD substatus, DWORD percent, const char *text)
{
    NMSHIM_STATUS_ENTRY en;
    DWORD err;

    memset(&en, 0xcc, sizeof(en));
    err = get_history(e, index, &en);
    CHECK_MSG(err == NMERR_SUCCESS, "entry %lu: error %lu", index, err);
    CHECK_MSG(en.kind == kind && en.call == call && (DWORD)en.status.Status == state
              && en.status.SubStatus == substatus && en.status.PercentDone == percent,
              "entry %lu: kind %lu call %lu state %d substatus %lu percent %lu; expected "
              "kind %lu call %lu state %lu substatus %lu percent %lu", index, en.kind, en.call,
              en.status.Status, en.status.SubStatus, en.status.PercentDone, kind, call, state,
              substatus, percent);
    if (text) CHECK_STR(en.status.szStatusText, text);
}

/* t_status_history's calls (tests/experts/status_history.c): which the rule keeps. */
static void test_events_status_history_rule(void)
{
    NMSHIM_RESULT res;
    HNMEXPERT e = nm_run_expert("t_status_history.dll", NULL, 30000, &res);
    NMSHIM_STATUS_ENTRY en;
    char longtext[EXPERTSTRINGLENGTH];

    CHECK_MSG(res.outcome == NMSHIM_DONE, "outcome %d: %s", res.outcome, res.message);
    check_entry(e, 0, NMSHIM_STATUS_CHANGE, 1, EXPERTSTATUS_RUNNING, 0, 0, "start");
    check_entry(e, 1, NMSHIM_STATUS_CHANGE, 3, EXPERTSTATUS_RUNNING, 0, 12, "start");
    /* call 5's 150 % was ignored, call 6's NULL text kept "start" */
    check_entry(e, 2, NMSHIM_STATUS_CHANGE, 6, EXPERTSTATUS_RUNNING, 0, 25, "start");
    check_entry(e, 3, NMSHIM_STATUS_CHANGE, 7, EXPERTSTATUS_RUNNING, 7, 25, "start");
    check_entry(e, 4, NMSHIM_STATUS_CHANGE, 8, EXPERTSTATUS_PROBLEM, 7, 25, "start");
    /* the same truncation as the last status: EXPERTSTRINGLENGTH - 1 characters */
    memset(longtext, 'L', sizeof(longtext) - 1);
    longtext[sizeof(longtext) - 1] = 0;
    check_entry(e, 5, NMSHIM_STATUS_CHANGE, 9, EXPERTSTATUS_RUNNING, 0, 30, longtext);
    check_entry(e, 6, NMSHIM_STATUS_CHANGE, 10, EXPERTSTATUS_RUNNING, 0, 30, "<b>step 0</b>");
    /* times: from Run's start, in order; call 3 came after a 60 ms sleep */
    memset(&en, 0, sizeof(en));
    get_history(e, 1, &en);
    CHECK_MSG(en.ms >= 40 && en.ms < 20000, "call 3 at %lu ms, expected >= 40", en.ms);
    {
        DWORD i, prev = 0;
        for (i = 0; i < NMSHIM_HISTORY_MAX; i++) {
            if (get_history(e, i, &en) != NMERR_SUCCESS) break;
            CHECK_MSG(en.ms >= prev, "entry %lu at %lu ms, before %lu", i, en.ms, prev);
            prev = en.ms;
        }
        CHECK_EQ_U(i, NMSHIM_HISTORY_MAX);
        CHECK_MSG(prev <= res.elapsed_ms, "last entry at %lu ms, Run took %lu", prev,
                  res.elapsed_ms);
    }
    nm.NmShimUnloadExpert(e);
}

/* 106 kept entries: the first 32, the last 32, 42 dropped (counted at the gap), then
 * the last call the rule skipped (LAST) and the outcome's status (FINAL). */
static void test_events_status_history_bounded(void)
{
    NMSHIM_RESULT res;
    HNMEXPERT e = nm_run_expert("t_status_history.dll", NULL, 30000, &res);
    NMSHIM_STATUS_ENTRY en;
    DWORD count = 0xdeadbeef, dropped = 0xdeadbeef, i, sum = 0;

    CHECK_EQ_U(get_history_count(e, &count, &dropped), NMERR_SUCCESS);
    CHECK_EQ_U(count, NMSHIM_HISTORY_MAX);
    CHECK_EQ_U(dropped, 42);
    for (i = 0; i < count; i++) {
        memset(&en, 0, sizeof(en));
        CHECK_EQ_U(get_history(e, i, &en), NMERR_SUCCESS);
        sum += en.dropped_before;
        if (i != NMSHIM_HISTORY_HEAD) CHECK_EQ_U(en.dropped_before, 0);
    }
    CHECK_EQ_U(sum, 42);
    /* head: calls 1, 3, 6, 7, 8, 9, then steps 0..25 (calls 10..35) */
    check_entry(e, NMSHIM_HISTORY_HEAD - 1, NMSHIM_STATUS_CHANGE, 35, EXPERTSTATUS_RUNNING, 0,
                30, "<b>step 25</b>");
    /* tail: steps 68..99 (calls 78..109), the gap before the first */
    check_entry(e, NMSHIM_HISTORY_HEAD, NMSHIM_STATUS_CHANGE, 78, EXPERTSTATUS_RUNNING, 0, 30,
                "<b>step 68</b>");
    get_history(e, NMSHIM_HISTORY_HEAD, &en);
    CHECK_EQ_U(en.dropped_before, 42);
    check_entry(e, NMSHIM_HISTORY_HEAD + NMSHIM_HISTORY_TAIL - 1, NMSHIM_STATUS_CHANGE, 109,
                EXPERTSTATUS_RUNNING, 0, 30, "<b>step 99</b>");
    check_entry(e, NMSHIM_HISTORY_MAX - 2, NMSHIM_STATUS_LAST, 110, EXPERTSTATUS_RUNNING, 0, 35,
                "<b>step 99</b>");
    check_entry(e, NMSHIM_HISTORY_MAX - 1, NMSHIM_STATUS_FINAL, 110, EXPERTSTATUS_DONE, 0, 100,
                "<b>step 99</b>");
    get_history(e, NMSHIM_HISTORY_MAX - 1, &en);
    CHECK_EQ_U(en.ms, res.elapsed_ms);
    nm.NmShimUnloadExpert(e);
}

/* A Run with one call: that call, then FINAL; before any Run, nothing; bad arguments. */
static void test_events_status_history_errors(void)
{
    NMSHIM_RESULT res;
    HNMEXPERT e = nm_run_expert("t_ok.dll", NULL, 30000, &res), idle = NULL;
    NMSHIM_STATUS_ENTRY en;
    DWORD count = 0xdeadbeef, dropped = 0xdeadbeef;

    CHECK_EQ_U(get_history_count(e, &count, &dropped), NMERR_SUCCESS);
    CHECK_EQ_U(count, 2);
    CHECK_EQ_U(dropped, 0);
    check_entry(e, 0, NMSHIM_STATUS_CHANGE, 1, EXPERTSTATUS_RUNNING, 0, 50, "halfway");
    check_entry(e, 1, NMSHIM_STATUS_FINAL, 1, EXPERTSTATUS_DONE, 0, 100, "halfway");
    memset(&en, 0xcc, sizeof(en));
    CHECK_EQ_U(get_history(e, 2, &en), NMERR_OUT_OF_RANGE);
    CHECK_EQ_U(en.kind, 0);                     /* zeroed on error */
    CHECK_EQ_U(en.status.szStatusText[0], 0);
    memset(&en, 0xcc, sizeof(en));
    CHECK_EQ_U(get_history(e, 0xffffffff, &en), NMERR_OUT_OF_RANGE);
    CHECK_EQ_U(en.call, 0);
    CHECK_EQ_U(get_history(e, 0, NULL), NMERR_INVALID_PARAMETER);
    memset(&en, 0xcc, sizeof(en));
    CHECK_EQ_U(get_history(NULL, 0, &en), NMERR_INVALID_PARAMETER);
    CHECK_EQ_U(en.ms, 0);
    CHECK_EQ_U(get_history_count(NULL, &count, &dropped), NMERR_INVALID_PARAMETER);
    CHECK_EQ_U(get_history_count(e, NULL, NULL), NMERR_SUCCESS);
    nm.NmShimUnloadExpert(e);

    /* Loaded, never run: an empty history. */
    CHECK_EQ_U(nm.NmShimLoadExpert(nm_test_path("t_ok.dll"), &idle), NMERR_SUCCESS);
    count = dropped = 0xdeadbeef;
    CHECK_EQ_U(get_history_count(idle, &count, &dropped), NMERR_SUCCESS);
    CHECK_EQ_U(count, 0);
    CHECK_EQ_U(dropped, 0);
    memset(&en, 0xcc, sizeof(en));
    CHECK_EQ_U(get_history(idle, 0, &en), NMERR_OUT_OF_RANGE);
    CHECK_EQ_U(en.kind, 0);
    nm.NmShimUnloadExpert(idle);
}

static const struct nm_test tests[] = {
    NM_TEST(test_events_deep_copies),
    NM_TEST(test_events_bad_pointers),
    NM_TEST(test_events_status_and_startup_info),
    NM_TEST(test_events_status_history_rule),
    NM_TEST(test_events_status_history_bounded),
    NM_TEST(test_events_status_history_errors),
    NM_TEST_END
};
const struct nm_suite suite_events = { "events", init, NULL, tests };
