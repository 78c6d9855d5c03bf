/*
 * test_framefuncs.c - suite "framefuncs" (shim/framefuncs.c, shim/handles.c): the frame
 * and capture functions, black-box through nmapi.dll, on the HCAPTURE an expert gets in
 * its EXPERTSTARTUPINFO (t_compat_imports hands it back) and the HFRAMEs of GetFrame and
 * ExpertGetFrame. The numbers are pinned against tshark by tests/compat/check-framefuncs.sh;
 * here: consistency between the functions, addresses, FindNext/PreviousFrame, and bad,
 * stale and random handles (documented failure, out-parameters untouched).
 */
#include <string.h>
#include "test_util.h"
#include "compat/compat.h"

static struct {
    HFRAME   (WINAPI *GetFrame)(HCAPTURE, DWORD);
    DWORD    (WINAPI *GetFrameNumber)(HFRAME);
    DWORD    (WINAPI *GetFrameLength)(HFRAME);
    DWORD    (WINAPI *GetFrameStoredLength)(HFRAME);
    __int64  (WINAPI *GetFrameTimeStamp)(HFRAME);
    ULPFRAME (WINAPI *GetFrameFromFrameHandle)(HFRAME);
    HCAPTURE (WINAPI *GetFrameCaptureHandle)(HFRAME);
    DWORD    (WINAPI *GetFrameMacType)(HFRAME);
    DWORD    (WINAPI *GetFrameMacHeaderLength)(HFRAME);
    DWORD    (WINAPI *GetFrameDstAddressOffset)(HFRAME, DWORD, LPDWORD);
    DWORD    (WINAPI *GetFrameSrcAddressOffset)(HFRAME, DWORD, LPDWORD);
    DWORD    (WINAPI *GetFrameDestAddress)(HFRAME, LPADDRESS2, DWORD, DWORD);
    DWORD    (WINAPI *GetFrameSourceAddress)(HFRAME, LPADDRESS2, DWORD, DWORD);
    BOOL     (WINAPI *CompareFrameDestAddress)(HFRAME, LPADDRESS2);
    BOOL     (WINAPI *CompareFrameSourceAddress)(HFRAME, LPADDRESS2);
    int      (WINAPI *CompareAddresses)(LPADDRESS2, LPADDRESS2);
    int      (WINAPI *CompareRawAddresses)(LPBYTE, LPBYTE, DWORD);
    DWORD    (WINAPI *MacTypeToAddressType)(DWORD);
    DWORD    (WINAPI *AddressTypeToMacType)(DWORD);
    DWORD    (WINAPI *GetCaptureTotalFrames)(HCAPTURE);
    LPSYSTEMTIME (WINAPI *GetCaptureTimeStamp)(HCAPTURE);
    DWORD    (WINAPI *GetCaptureMacType)(HCAPTURE);
    LPSTR    (WINAPI *GetCaptureComment)(HCAPTURE);
    DWORD    (WINAPI *GetCaptureCommentFromFilename)(LPSTR, LPSTR, DWORD);
    HFRAME   (WINAPI *FindNextFrame)(HFRAME, LPSTR, LPADDRESS2, LPADDRESS2, LPWORD, DWORD, DWORD);
    HFRAME   (WINAPI *FindPreviousFrame)(HFRAME, LPSTR, LPADDRESS2, LPADDRESS2, LPWORD, DWORD, DWORD);
    ULPBYTE  (WINAPI *LockFrame)(HFRAME);
    DWORD    (WINAPI *UnlockFrame)(HFRAME);
    DWORD    (WINAPI *ReleaseFrame)(HFRAME);
    ULPBYTE  (WINAPI *ParserTemporaryLockFrame)(HFRAME);
    DWORD    (WINAPI *BHGetLastError)(void);
} f;

#define RESOLVE(name) do { FARPROC p_ = GetProcAddress(nm.dll, #name); \
    if (!p_) { return -1; } memcpy(&f.name, &p_, sizeof(p_)); } while (0)
static int init(void)
{
    if (nm_load_nmapi()) return -1;
    RESOLVE(GetFrame); RESOLVE(GetFrameNumber); RESOLVE(GetFrameLength); RESOLVE(GetFrameStoredLength);
    RESOLVE(GetFrameTimeStamp); RESOLVE(GetFrameFromFrameHandle); RESOLVE(GetFrameCaptureHandle);
    RESOLVE(GetFrameMacType); RESOLVE(GetFrameMacHeaderLength); RESOLVE(GetFrameDstAddressOffset);
    RESOLVE(GetFrameSrcAddressOffset); RESOLVE(GetFrameDestAddress); RESOLVE(GetFrameSourceAddress);
    RESOLVE(CompareFrameDestAddress); RESOLVE(CompareFrameSourceAddress); RESOLVE(CompareAddresses);
    RESOLVE(CompareRawAddresses); RESOLVE(MacTypeToAddressType); RESOLVE(AddressTypeToMacType);
    RESOLVE(GetCaptureTotalFrames); RESOLVE(GetCaptureTimeStamp); RESOLVE(GetCaptureMacType);
    RESOLVE(GetCaptureComment); RESOLVE(GetCaptureCommentFromFilename); RESOLVE(FindNextFrame);
    RESOLVE(FindPreviousFrame); RESOLVE(LockFrame); RESOLVE(UnlockFrame); RESOLVE(ReleaseFrame);
    RESOLVE(ParserTemporaryLockFrame); RESOLVE(BHGetLastError);
    return 0;
}

/* The sample capture, open, with the HCAPTURE an expert got for it. */
struct open_sample { HNMCAPTURE cap; HNMEXPERT e; NMSHIM_CAPTURE_INFO info; HCAPTURE h; HFRAME frame0; };

static int open_sample(struct open_sample *s)
{
    NMSHIM_RESULT res;
    COMPAT_RESULTS get;
    const struct compat_results *r;

    memset(s, 0, sizeof(*s));
    if (!(s->cap = nm_open_sample(&s->info))) return -1;
    s->e = nm_run_expert("t_compat_imports.dll", s->cap, 30000, &res);
    CHECK_MSG(res.outcome == NMSHIM_DONE, "t_compat_imports: %s", res.message);
    get = (COMPAT_RESULTS)(void *)GetProcAddress(GetModuleHandleA("t_compat_imports.dll"), "CompatResults");
    if (!get || !(r = get(NULL))->capture) return -1;
    s->h = r->capture;
    s->frame0 = r->frame0;
    return 0;
}

static void close_sample(struct open_sample *s)
{
    if (s->e) nm.NmShimUnloadExpert(s->e);
    if (s->cap) nm.NmShimCloseCapture(s->cap);
}

static void test_framefuncs_capture_and_frames_agree(void)
{
    struct open_sample s;
    unsigned long long bytes = 0;
    DWORD n;
    LPSYSTEMTIME st;

    if (open_sample(&s)) { CHECK_MSG(0, "cannot open the sample capture"); close_sample(&s); return; }
    CHECK_EQ_U(f.GetCaptureTotalFrames(s.h), s.info.frames);
    CHECK_EQ_U(f.GetCaptureMacType(s.h), MAC_TYPE_ETHERNET);
    CHECK((st = f.GetCaptureTimeStamp(s.h)) != NULL);
    if (st) CHECK_MSG(st->wYear >= 1990 && st->wMonth >= 1 && st->wMonth <= 12, "year %u", st->wYear);
    CHECK_STR(f.GetCaptureComment(s.h), "");        /* data/sample.cap has no comment */
    CHECK_EQ_PTR(f.GetFrame(s.h, 0), s.frame0);      /* one frame, one cookie, while open */
    CHECK_EQ_U(f.GetFrameTimeStamp(s.frame0), 0);
    for (n = 0; n < s.info.frames; n++) {
        HFRAME h = f.GetFrame(s.h, n);
        ULPFRAME fr = f.GetFrameFromFrameHandle(h);
        CHECK_EQ_U(f.GetFrameNumber(h), n);
        CHECK_EQ_PTR(f.GetFrameCaptureHandle(h), s.h);
        CHECK(fr != NULL);
        if (!fr) break;
        CHECK_EQ_U(f.GetFrameLength(h), fr->FrameLength);
        CHECK_EQ_U(f.GetFrameStoredLength(h), fr->nBytesAvail);
        CHECK_EQ_U(f.GetFrameTimeStamp(h), fr->TimeStamp);
        CHECK_EQ_PTR(f.ParserTemporaryLockFrame(h), fr->MacFrame);
        CHECK_EQ_PTR(f.LockFrame(h), fr->MacFrame);
        CHECK_EQ_U(f.UnlockFrame(h), NMERR_SUCCESS);
        CHECK_EQ_U(f.ReleaseFrame(h), NMERR_SUCCESS);
        CHECK_EQ_PTR(f.GetFrameFromFrameHandle(h), fr);     /* stable until the capture closes */
        bytes += fr->FrameLength;
    }
    CHECK_EQ_U(bytes, s.info.bytes);
    CHECK_EQ_PTR(f.GetFrame(s.h, s.info.frames), NULL);
    CHECK_EQ_U(f.BHGetLastError(), NMERR_FRAME_NOT_FOUND);
    /* an HCAPTURE is no HFRAME and the other way round */
    CHECK_EQ_U(f.GetFrameNumber((HFRAME)s.h), (DWORD)-1);
    CHECK_EQ_U(f.GetCaptureTotalFrames((HCAPTURE)s.frame0), 0);
    close_sample(&s);
}

static void test_framefuncs_addresses(void)
{
    struct open_sample s;
    ADDRESS2 a, b;
    DWORD len, off;
    HFRAME h, ip;
    const BYTE *d;
    BYTE raw1[6] = { 1, 2, 3, 4, 5, 6 }, raw2[6] = { 1, 2, 3, 4, 5, 7 };

    if (open_sample(&s)) { CHECK_MSG(0, "cannot open the sample capture"); close_sample(&s); return; }
    h = s.frame0;
    d = f.ParserTemporaryLockFrame(h);
    CHECK_EQ_U(f.GetFrameMacType(h), MAC_TYPE_ETHERNET);
    CHECK_EQ_U(f.GetFrameMacHeaderLength(h), 14);
    len = ERR_POISON;
    CHECK_EQ_U(f.GetFrameDstAddressOffset(h, ADDRESS_TYPE_ETHERNET, &len), 0);
    CHECK_EQ_U(len, 6);
    CHECK_EQ_U(f.GetFrameSrcAddressOffset(h, ADDRESS_TYPE_ETHERNET, &len), 6);
    /* Type and the 6 bytes written, nothing past them (a legacy ADDRESS is 16 bytes) */
    memset(&a, 0xcc, sizeof(a));
    CHECK_EQ_U(f.GetFrameDestAddress(h, &a, ADDRESS_TYPE_ETHERNET, 0), NMERR_SUCCESS);
    CHECK_EQ_U(a.Type, ADDRESS_TYPE_ETHERNET);
    CHECK(!memcmp(a.MACAddress, d, 6));
    CHECK_EQ_U(a.IP6Address[6], 0xcc);
    CHECK_EQ_U(a.Flags, 0xcccc);
    CHECK(f.CompareFrameDestAddress(h, &a));
    CHECK(!f.CompareFrameSourceAddress(h, &a) || !memcmp(d, d + 6, 6));
    memset(&b, 0xcc, sizeof(b));
    CHECK_EQ_U(f.GetFrameSourceAddress(h, &b, ADDRESS_TYPE_ETHERNET, 0), NMERR_SUCCESS);
    CHECK(!memcmp(b.MACAddress, d + 6, 6));
    CHECK(f.CompareFrameSourceAddress(h, &b));
    CHECK_EQ_U(f.CompareAddresses(&a, &a), 0);
    CHECK(f.CompareAddresses(&a, &b) != 0);
    CHECK((f.CompareAddresses(&a, &b) < 0) == (memcmp(a.MACAddress, b.MACAddress, 6) < 0));
    a.MACAddress[5] ^= 1;
    CHECK(!f.CompareFrameDestAddress(h, &a));
    b.Type = ADDRESS_TYPE_IP;           /* other type: never equal to an Ethernet address */
    CHECK(f.CompareAddresses(&a, &b) < 0);
    CHECK(f.CompareRawAddresses(raw1, raw2, 6) < 0);
    CHECK_EQ_U(f.CompareRawAddresses(raw1, raw2, 5), 0);
    /* no IPX address in an Ethernet/IP frame: -1, NMERR_PROTOCOL_NOT_FOUND, nothing written */
    len = ERR_POISON;
    CHECK_EQ_U(f.GetFrameDstAddressOffset(h, ADDRESS_TYPE_IPX, &len), (DWORD)-1);
    CHECK_EQ_U(len, ERR_POISON);
    memset(&a, 0xcc, sizeof(a));
    CHECK_EQ_U(f.GetFrameDestAddress(h, &a, ADDRESS_TYPE_IPX, 0), NMERR_PROTOCOL_NOT_FOUND);
    CHECK_EQ_U(a.Type, 0xccccccccu);
    /* the first IPv4 frame (tshark: frame 7, 10.0.0.1 -> 10.0.0.53) */
    ip = f.GetFrame(s.h, 6);
    d = f.ParserTemporaryLockFrame(ip);
    off = f.GetFrameSrcAddressOffset(ip, ADDRESS_TYPE_IP, &len);
    CHECK_EQ_U(off, 26);
    CHECK_EQ_U(len, 4);
    CHECK_EQ_U(f.GetFrameDstAddressOffset(ip, ADDRESS_TYPE_IP, &len), 30);
    memset(&a, 0xcc, sizeof(a));
    CHECK_EQ_U(f.GetFrameDestAddress(ip, &a, ADDRESS_TYPE_IP, 0), NMERR_SUCCESS);
    CHECK(a.IPAddress[0] == 10 && a.IPAddress[1] == 0 && a.IPAddress[2] == 0 && a.IPAddress[3] == 53);
    CHECK_EQ_U(a.IP6Address[4], 0xcc);
    /* MAC type <-> address type */
    CHECK_EQ_U(f.MacTypeToAddressType(MAC_TYPE_ETHERNET), ADDRESS_TYPE_ETHERNET);
    CHECK_EQ_U(f.MacTypeToAddressType(MAC_TYPE_TOKENRING), ADDRESS_TYPE_TOKENRING);
    CHECK_EQ_U(f.MacTypeToAddressType(MAC_TYPE_FDDI), ADDRESS_TYPE_FDDI);
    CHECK_EQ_U(f.MacTypeToAddressType(MAC_TYPE_UNKNOWN), (DWORD)-1);
    CHECK_EQ_U(f.AddressTypeToMacType(ADDRESS_TYPE_TOKENRING), MAC_TYPE_TOKENRING);
    CHECK_EQ_U(f.AddressTypeToMacType(ADDRESS_TYPE_IP), MAC_TYPE_UNKNOWN);
    close_sample(&s);
}

static void test_framefuncs_find_next_previous(void)
{
    struct open_sample s;
    ADDRESS2 dst;
    WORD off = 0xbeef;
    HFRAME h, prev;
    DWORD last;

    if (open_sample(&s)) { CHECK_MSG(0, "cannot open the sample capture"); close_sample(&s); return; }
    last = s.info.frames - 1;
    /* frames 1-6 are ARP, the first IP frame is index 6 */
    h = f.FindNextFrame(s.frame0, "IP", NULL, NULL, &off, 0, last);
    CHECK_EQ_U(f.GetFrameNumber(h), 6);
    CHECK_EQ_U(off, 14);
    CHECK_EQ_PTR(f.FindNextFrame(s.frame0, "IP", NULL, NULL, NULL, 0, 5), NULL);   /* limit */
    h = f.FindNextFrame(s.frame0, "UDP", NULL, NULL, &off, 0, last);
    CHECK_EQ_U(f.GetFrameNumber(h), 6);
    CHECK_EQ_U(off, 34);
    /* the address criterion: the next frame to 10.0.0.53 after frame 6 */
    memset(&dst, 0, sizeof(dst));
    dst.Type = ADDRESS_TYPE_IP;
    dst.IPAddress[0] = 10; dst.IPAddress[3] = 53;
    h = f.FindNextFrame(f.GetFrame(s.h, 6), "IP", &dst, NULL, NULL, 6, last);
    CHECK(h != NULL);
    CHECK(f.GetFrameNumber(h) > 6);
    CHECK(f.CompareFrameDestAddress(h, &dst));
    prev = f.FindPreviousFrame(h, "IP", &dst, NULL, NULL, f.GetFrameNumber(h), 0);
    CHECK_EQ_U(f.GetFrameNumber(prev), 6);
    CHECK_EQ_PTR(f.FindPreviousFrame(s.frame0, "ETHERNET", NULL, NULL, NULL, 0, 0), NULL);
    CHECK_EQ_PTR(f.FindNextFrame(s.frame0, "NOSUCHPROTOCOL", NULL, NULL, NULL, 0, last), NULL);
    CHECK_EQ_PTR(f.FindNextFrame(s.frame0, NULL, NULL, NULL, NULL, 0, last), NULL);
    CHECK_EQ_U(f.BHGetLastError(), NMERR_INVALID_PARAMETER);
    close_sample(&s);
}

static void test_framefuncs_stale_and_random_handles(void)
{
    struct open_sample s;
    HCAPTURE stale_cap;
    HFRAME stale_frame;
    ADDRESS2 a;
    DWORD len = ERR_POISON, i, v = 12345;
    WORD off = 0xbeef;

    if (open_sample(&s)) { CHECK_MSG(0, "cannot open the sample capture"); close_sample(&s); return; }
    stale_cap = s.h;
    stale_frame = f.GetFrame(s.h, 3);
    close_sample(&s);
    CHECK(stale_frame != NULL);
    CHECK_EQ_PTR(f.GetFrame(stale_cap, 0), NULL);
    CHECK_EQ_U(f.BHGetLastError(), NMERR_INVALID_HCAPTURE);
    CHECK_EQ_U(f.GetCaptureTotalFrames(stale_cap), 0);
    CHECK_EQ_PTR(f.GetCaptureTimeStamp(stale_cap), NULL);
    CHECK_EQ_PTR(f.GetCaptureComment(stale_cap), NULL);
    CHECK_EQ_U(f.GetFrameNumber(stale_frame), (DWORD)-1);
    CHECK_EQ_U(f.BHGetLastError(), NMERR_INVALID_HFRAME);
    CHECK_EQ_PTR(f.GetFrameFromFrameHandle(stale_frame), NULL);
    CHECK_EQ_U(f.GetFrameDstAddressOffset(stale_frame, ADDRESS_TYPE_ETHERNET, &len), (DWORD)-1);
    CHECK_EQ_U(len, ERR_POISON);
    memset(&a, 0xcc, sizeof(a));
    CHECK_EQ_U(f.GetFrameDestAddress(stale_frame, &a, ADDRESS_TYPE_ETHERNET, 0), NMERR_INVALID_HFRAME);
    CHECK_EQ_U(a.Type, 0xccccccccu);
    CHECK_EQ_PTR(f.FindNextFrame(stale_frame, "IP", NULL, NULL, &off, 0, 100), NULL);
    CHECK_EQ_U(off, 0xbeef);
    CHECK_EQ_U(f.ReleaseFrame(stale_frame), NMERR_INVALID_HFRAME);
    /* random values, odd and even, small and large: none is a handle (no capture open) */
    for (i = 0; i < 2000; i++) {
        HANDLE h;
        v = v * 1103515245u + 12345u;
        h = (HANDLE)(ULONG_PTR)(i & 1 ? v | 1 : v);
        CHECK_EQ_U(f.GetFrameNumber((HFRAME)h), (DWORD)-1);
        CHECK_EQ_U(f.GetFrameLength((HFRAME)h), 0);
        CHECK_EQ_PTR(f.GetFrameCaptureHandle((HFRAME)h), NULL);
        CHECK_EQ_U(f.GetCaptureTotalFrames((HCAPTURE)h), 0);
        CHECK_EQ_PTR(f.GetFrame((HCAPTURE)h, 0), NULL);
    }
}

static void test_framefuncs_comment_from_filename(void)
{
    char path[MAX_PATH], buf[32], *p;
    DWORD err;

    snprintf(path, sizeof(path), "Z:%s/data/sample.cap", NMSHIM_SOURCE_DIR);
    for (p = path; *p; p++) if (*p == '/') *p = '\\';
    memset(buf, 'x', sizeof(buf));
    CHECK_EQ_U(f.GetCaptureCommentFromFilename(path, buf, sizeof(buf)), NMERR_SUCCESS);
    CHECK_STR(buf, "");                        /* no comment: success, empty string */
    memset(buf, 'x', sizeof(buf));
    CHECK_EQ_U(f.GetCaptureCommentFromFilename(path, buf, 0), NMERR_INVALID_PARAMETER);
    CHECK_EQ_U(f.GetCaptureCommentFromFilename(path, NULL, 10), NMERR_INVALID_PARAMETER);
    CHECK_EQ_U(f.GetCaptureCommentFromFilename(NULL, buf, sizeof(buf)), NMERR_INVALID_PARAMETER);
    CHECK_EQ_U(buf[0], 'x');
    snprintf(path, sizeof(path), "Z:%s/no/such/file.cap", NMSHIM_SOURCE_DIR);
    err = f.GetCaptureCommentFromFilename(path, buf, sizeof(buf));
    CHECK_EQ_U(err, NMERR_FILE_NOT_FOUND);
    snprintf(path, sizeof(path), "Z:%s/def/nmapi.def", NMSHIM_SOURCE_DIR);
    for (p = path; *p; p++) if (*p == '/') *p = '\\';
    CHECK_EQ_U(f.GetCaptureCommentFromFilename(path, buf, sizeof(buf)), NMERR_INVALID_FILE_FORMAT);
    CHECK_EQ_U(buf[0], 'x');
}

static const struct nm_test tests[] = {
    NM_TEST(test_framefuncs_capture_and_frames_agree),
    NM_TEST(test_framefuncs_addresses),
    NM_TEST(test_framefuncs_find_next_previous),
    NM_TEST(test_framefuncs_stale_and_random_handles),
    NM_TEST(test_framefuncs_comment_from_filename),
    NM_TEST_END
};

const struct nm_suite suite_framefuncs = { "framefuncs", init, NULL, tests };
