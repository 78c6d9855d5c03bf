/*
 * compat_dump.c - compat_dump.exe CAPTURE: prints what nmapi.dll's frame and capture
 * functions answer on a capture, one line per frame, for check-framefuncs.sh to compare
 * with tshark. The HCAPTURE is the one an expert gets: t_compat_imports.dll runs on the
 * capture and hands back its EXPERTSTARTUPINFO.hCapture.
 *   capture FRAMES MACTYPE YYYY-MM-DD HH:MM:SS.mmm      (GetCaptureTimeStamp, UTC)
 *   comment TEXT                                         (GetCaptureComment)
 *   frame N LEN CAPLEN TS_US ETH_DST ETH_SRC IP_SRC IP_DST IP6_SRC IP6_DST  ("-": none)
 * Each address is read at the offset Get*AddressOffset reports, and must equal what
 * GetFrameDestAddress/GetFrameSourceAddress and CompareFrame*Address say ("BAD" if not).
 * Exit: 0, 1 on any failure.
 */
#include <stdio.h>
#include <string.h>
#include "nmshim.h"
#include "compat.h"

static void print_address(HFRAME h, DWORD type, int dst)
{
    DWORD len = 0, off = dst ? GetFrameDstAddressOffset(h, type, &len) : GetFrameSrcAddressOffset(h, type, &len);
    const BYTE *b = ParserTemporaryLockFrame(h);
    ADDRESS2 a;
    DWORD i, err;

    if (off == (DWORD)-1) { printf(" -"); return; }
    memset(&a, 0xcc, sizeof(a));
    err = dst ? GetFrameDestAddress(h, &a, type, 0) : GetFrameSourceAddress(h, &a, type, 0);
    if (err || a.Type != type || memcmp(a.MACAddress, b + off, len) || a.Flags != 0xcccc ||
        !(dst ? CompareFrameDestAddress(h, &a) : CompareFrameSourceAddress(h, &a))) {
        printf(" BAD");
        return;
    }
    printf(" ");
    for (i = 0; i < len; i++) {
        if (type == ADDRESS_TYPE_IP) printf("%s%u", i ? "." : "", b[off + i]);
        else if (type == ADDRESS_TYPE_IP6) printf("%s%02x", i && !(i & 1) ? ":" : "", b[off + i]);
        else printf("%s%02x", i ? ":" : "", b[off + i]);
    }
}

int main(int argc, char **argv)
{
    char err[256], dll[MAX_PATH], *slash;
    HNMCAPTURE cap;
    HNMEXPERT e = NULL;
    NMSHIM_RUN_PARAMS params;
    NMSHIM_RESULT res;
    const struct compat_results *r;
    COMPAT_RESULTS get;
    const SYSTEMTIME *st;
    const char *comment;
    DWORD n, frames;

    if (argc != 2) { fprintf(stderr, "usage: compat_dump CAPTURE\n"); return 2; }
    if (NmShimOpenCapture(argv[1], &cap, err, sizeof(err))) { fprintf(stderr, "%s\n", err); return 1; }
    GetModuleFileNameA(NULL, dll, sizeof(dll));
    if ((slash = strrchr(dll, '\\'))) strcpy(slash + 1, "t_compat_imports.dll");
    memset(&params, 0, sizeof(params));
    params.capture = cap;
    if (NmShimLoadExpert(dll, &e) || NmShimStartExpert(e, &params) || NmShimWaitExpert(e, 60000) ||
        NmShimGetResult(e, &res) || res.outcome != NMSHIM_DONE) {
        fprintf(stderr, "t_compat_imports did not run to the end: %s\n", e ? res.message : "not loaded");
        return 1;
    }
    get = (COMPAT_RESULTS)(void *)GetProcAddress(GetModuleHandleA("t_compat_imports.dll"), "CompatResults");
    if (!get || !(r = get(NULL))->capture) { fprintf(stderr, "no CompatResults\n"); return 1; }
    frames = GetCaptureTotalFrames(r->capture);
    st = GetCaptureTimeStamp(r->capture);
    comment = GetCaptureComment(r->capture);
    if (!st || !comment) { fprintf(stderr, "GetCaptureTimeStamp/Comment failed\n"); return 1; }
    printf("capture %lu %lu %04u-%02u-%02u %02u:%02u:%02u.%03u\n", frames, GetCaptureMacType(r->capture),
           st->wYear, st->wMonth, st->wDay, st->wHour, st->wMinute, st->wSecond, st->wMilliseconds);
    printf("comment %s\n", comment);
    for (n = 0; n < frames; n++) {
        HFRAME h = GetFrame(r->capture, n);
        if (!h || GetFrameNumber(h) != n || GetFrameCaptureHandle(h) != r->capture) {
            printf("frame %lu BAD handle\n", n);
            continue;
        }
        printf("frame %lu %lu %lu %lld", n + 1, GetFrameLength(h), GetFrameStoredLength(h),
               (long long)GetFrameTimeStamp(h));
        print_address(h, ADDRESS_TYPE_ETHERNET, 1);
        print_address(h, ADDRESS_TYPE_ETHERNET, 0);
        print_address(h, ADDRESS_TYPE_IP, 0);
        print_address(h, ADDRESS_TYPE_IP, 1);
        print_address(h, ADDRESS_TYPE_IP6, 0);
        print_address(h, ADDRESS_TYPE_IP6, 1);
        printf("\n");
    }
    NmShimUnloadExpert(e);
    NmShimCloseCapture(cap);
    return 0;
}
