/*
 * test_frames.c - suite "frames" (shim/frames.c): ExpertGetFrame's contract, directly on
 * a key without a capture (bad input, ends, stop) and through the t_frames expert on the
 * bundled sample capture (forward, backward and specified frames, totals).
 */
#include <string.h>
#include "test_util.h"

static int init(void) { return nm_load_nmapi(); }

static void test_frames_bad_input(void)
{
    HEXPERTKEY key = NULL;
    EXPERTFRAMEDESCRIPTOR d;

    nm.NmShimCreateInstance(0, &key);
    CHECK_EQ_U(nm.ExpertGetFrame(key, GET_FRAME_NEXT_FORWARD, 0, INVALID_FRAME_NUMBER, NULL, NULL),
               NMERR_INVALID_PARAMETER);
    CHECK_EQ_U(nm.ExpertGetFrame(key, 3, 0, 0, NULL, &d), NMERR_INVALID_PARAMETER);
    CHECK_EQ_U(nm.ExpertGetFrame(key, GET_SPECIFIED_FRAME, 0x80, 0, NULL, &d), NMERR_INVALID_PARAMETER);
    CHECK_EQ_U(nm.ExpertGetFrame(key, GET_SPECIFIED_FRAME, 0, 0, (HFILTER)&d, &d), NMERR_INVALID_HFILTER);
    /* No capture: no frames in either direction, none specified. */
    CHECK_EQ_U(nm.ExpertGetFrame(key, GET_FRAME_NEXT_FORWARD, 0, INVALID_FRAME_NUMBER, NULL, &d),
               NMERR_NO_MORE_FRAMES);
    CHECK_EQ_U(nm.ExpertGetFrame(key, GET_FRAME_NEXT_BACKWARD, 0, INVALID_FRAME_NUMBER, NULL, &d),
               NMERR_NO_MORE_FRAMES);
    CHECK_EQ_U(nm.ExpertGetFrame(key, GET_SPECIFIED_FRAME, FLAGS_ATTACH_PROPERTIES, 0, NULL, &d),
               NMERR_FRAME_NOT_FOUND);
    NMSHIM_MEMSTATS st;
    nm.NmShimGetInstanceStats(key, &st);
    CHECK_EQ_U(st.bad_calls, 4);
    CHECK_EQ_U(nm.NmShimStopInstance(key), NMERR_SUCCESS);
    CHECK_EQ_U(nm.ExpertGetFrame(key, GET_FRAME_NEXT_FORWARD, 0, INVALID_FRAME_NUMBER, NULL, &d),
               NMERR_EXPERT_TERMINATE);
    nm.NmShimEndInstance(key, NULL);
    CHECK_EQ_U(nm.ExpertGetFrame(key, GET_FRAME_NEXT_FORWARD, 0, INVALID_FRAME_NUMBER, NULL, &d),
               NMERR_INVALID_EXPERT_HANDLE);
}

static void test_frames_walk_sample_capture(void)
{
    NMSHIM_CAPTURE_INFO info;
    NMSHIM_RESULT res;
    HNMCAPTURE cap = nm_open_sample(&info);
    HNMEXPERT e;
    char want[128];
    const NMEVENTDATA *ev = NULL;

    CHECK(cap != NULL);
    if (!cap) return;
    CHECK_STR(info.format, "netmon2");
    CHECK(info.frames > 100);
    e = nm_run_expert("t_frames.dll", cap, 30000, &res);
    CHECK_MSG(res.outcome == NMSHIM_DONE, "outcome %d: %s / %s", res.outcome, res.message,
              res.status.szStatusText);
    /* The expert walked every frame forward, every other one backward, frame 0 again. */
    snprintf(want, sizeof(want), "frames=%lu bytes=%llu back=%lu", info.frames,
             (unsigned long long)info.bytes, info.frames - 1);
    CHECK_STR(res.status.szStatusText, want);
    CHECK_EQ_U(nm.NmShimGetEvent(e, 0, &ev), NMERR_SUCCESS);
    if (ev) {
        CHECK_EQ_U(ev->NumColumns, 2);
        CHECK_EQ_U(ev->Column[0].VariantData.Value.Uint32Val, info.frames);
        CHECK_EQ_U(ev->Column[1].VariantData.Value.Uint32Val, (DWORD)info.bytes);
    }
    CHECK_EQ_U(res.memory.leaked_blocks, 0);
    nm.NmShimUnloadExpert(e);
    nm.NmShimCloseCapture(cap);
}

static void test_frames_bad_capture_file(void)
{
    HNMCAPTURE cap = NULL;
    char err[256] = "";
    const char *path = nm_test_tmp("not_a_capture.cap");
    FILE *f = fopen(path, "wb");

    if (f) { fputs("this is not a capture file at all", f); fclose(f); }
    CHECK_EQ_U(nm.NmShimOpenCapture(path, &cap, err, sizeof(err)), NMERR_INVALID_FILE_FORMAT);
    CHECK_EQ_PTR(cap, NULL);
    CHECK_MSG(strstr(err, "not_a_capture.cap") != NULL, "message does not name the file: %s", err);
    CHECK_EQ_U(nm.NmShimOpenCapture(nm_test_tmp("missing.cap"), &cap, err, sizeof(err)), NMERR_FILE_NOT_FOUND);
    DeleteFileA(path);
}

/* FRAME.TimeStamp is frame time minus start time: on pcapng files whose times span the
 * whole int64 range (tests/captures/pcapng-span-*.pcapng, made by make-captures.py) the
 * difference saturates at INT64_MAX / INT64_MIN instead of overflowing (issue 9 §3). */
static void run_timestamps(const char *file, const char *want)
{
    char path[MAX_PATH], err[256], *p;
    HNMCAPTURE cap = NULL;
    NMSHIM_RESULT res;
    HNMEXPERT e;

    snprintf(path, sizeof(path), "Z:%s/tests/captures/%s", NMSHIM_SOURCE_DIR, file);
    for (p = path; *p; p++) if (*p == '/') *p = '\\';
    CHECK_EQ_U(nm.NmShimOpenCapture(path, &cap, err, sizeof(err)), NMERR_SUCCESS);
    if (!cap) { CHECK_MSG(0, "%s: %s", path, err); return; }
    e = nm_run_expert("t_timestamps.dll", cap, 30000, &res);
    CHECK_MSG(res.outcome == NMSHIM_DONE, "%s: outcome %d: %s / %s", file, res.outcome,
              res.message, res.status.szStatusText);
    CHECK_STR(res.status.szStatusText, want);
    if (e) nm.NmShimUnloadExpert(e);
    nm.NmShimCloseCapture(cap);
}

static void test_frames_timestamps_saturate(void)
{
    /* times INT64_MIN, -1 s, 0, INT64_MAX: 0 - INT64_MIN and up saturate high */
    run_timestamps("pcapng-span-up.pcapng",
                   "ts=0,9223372036853775808,9223372036854775807,9223372036854775807");
    /* times INT64_MAX, 7 us, -1 s, INT64_MIN: -1 s - INT64_MAX and down saturate low */
    run_timestamps("pcapng-span-down.pcapng",
                   "ts=0,-9223372036854775800,-9223372036854775808,-9223372036854775808");
}

static const struct nm_test tests[] = {
    NM_TEST(test_frames_bad_input),
    NM_TEST(test_frames_walk_sample_capture),
    NM_TEST(test_frames_bad_capture_file),
    NM_TEST(test_frames_timestamps_saturate),
    NM_TEST_END
};
const struct nm_suite suite_frames = { "frames", init, NULL, tests };
