/*
 * t_compat_imports.c - test expert t_compat_imports.dll: imports all 160 names of the
 * 2001 SDK's nmapi.lib through a real import table (libnmapi-sdk.a, made from
 * nmapi-sdk.def), so it loads only if nmapi.dll exports every one of them undecorated.
 * Run checks that each import address table slot holds what GetProcAddress gives for the
 * name, then calls a few of the functions the way PropDist and Blrplate do
 * (docs/sdk-samples.md §2): the capture from the frame, its total, the frame's number,
 * lengths and FRAME, CreateFilter, BHGetLastError. CompatResults() tells the tests.
 */
#include <stdio.h>
#include <string.h>
#include "compat.h"

#include "compat_imports.inc"

__declspec(dllexport) BOOL WINAPI Register(PEXPERTENUMINFO info);
__declspec(dllexport) BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config,
                                      PEXPERTSTARTUPINFO startup, DWORD flags, HWND wnd);
__declspec(dllexport) const struct compat_results *WINAPI CompatResults(const struct compat_import **list);

/* Not declared by netmon.h; as nmapi.lib has them (nmshim's nmapi_compat.h). */
DWORD WINAPI BHGetLastError(void);
DWORD WINAPI BHSetLastError(DWORD Error);

static struct compat_results results;

const struct compat_results *WINAPI CompatResults(const struct compat_import **list)
{
    if (list) *list = compat_imports;
    return &results;
}

BOOL WINAPI Register(PEXPERTENUMINFO info)
{
    snprintf(info->szName, sizeof(info->szName), "t_compat_imports");
    snprintf(info->szVendor, sizeof(info->szVendor), "nmshim tests");
    snprintf(info->szDescription, sizeof(info->szDescription),
             "Imports every NMAPI.dll export of the 2001 SDK and calls a few");
    info->Version = 0;
    info->Flags = 0;
    return TRUE;
}

#define FAIL(...) do { snprintf(results.problem, sizeof(results.problem), __VA_ARGS__); \
    ExpertIndicateStatus(key, EXPERTSTATUS_PROBLEM, 0, results.problem, 0); return FALSE; } while (0)

BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config, PEXPERTSTARTUPINFO startup,
                DWORD flags, HWND wnd)
{
    HMODULE nmapi = GetModuleHandleA("nmapi.dll");
    EXPERTFRAMEDESCRIPTOR desc;
    ULPFRAME f;
    DWORD i, err;

    (void)config; (void)flags; (void)wnd;
    memset(&results, 0, sizeof(results));
    for (i = 0; i < COMPAT_NIMPORTS; i++) {
        if (nmapi && *compat_imports[i].imp == (void *)GetProcAddress(nmapi, compat_imports[i].name))
            results.bound++;
        else if (!results.mismatched++) results.first_mismatch = compat_imports[i].name;
    }
    if (results.mismatched) FAIL("%lu imports not bound to nmapi.dll, first %s",
                                 results.mismatched, results.first_mismatch);
    if (!startup) FAIL("no startup info");
    results.capture = startup->hCapture;
    /* PropDist: the first frame, then the capture from the frame, then its total */
    memset(&desc, 0, sizeof(desc));
    if ((err = ExpertGetFrame(key, GET_FRAME_NEXT_FORWARD, FLAGS_ATTACH_PROPERTIES,
                              INVALID_FRAME_NUMBER, NULL, &desc)))
        FAIL("ExpertGetFrame: %lu", err);
    /* the capture's own frame cookie (valid until it closes), not desc.hFrame, which names
     * this key's frame table and is valid until the next ExpertGetFrame */
    results.frame0 = GetFrame(startup->hCapture, 0);
    if (GetFrameCaptureHandle(desc.hFrame) != startup->hCapture)
        FAIL("GetFrameCaptureHandle %p, startup hCapture %p", (void *)GetFrameCaptureHandle(desc.hFrame),
             (void *)startup->hCapture);
    results.frames = GetCaptureTotalFrames(GetFrameCaptureHandle(desc.hFrame));
    if (!results.frames) FAIL("GetCaptureTotalFrames: 0");
    if (GetFrameNumber(desc.hFrame) != desc.FrameNumber) FAIL("GetFrameNumber");
    if (!(f = GetFrameFromFrameHandle(desc.hFrame)) || f->FrameLength != desc.pFrame->FrameLength ||
        f->nBytesAvail != desc.pFrame->nBytesAvail || f->TimeStamp != desc.pFrame->TimeStamp ||
        memcmp(f->MacFrame, desc.pFrame->MacFrame, f->nBytesAvail))
        FAIL("GetFrameFromFrameHandle differs from ExpertGetFrame's FRAME");
    if (GetFrameLength(desc.hFrame) != f->FrameLength ||
        GetFrameStoredLength(desc.hFrame) != f->nBytesAvail ||
        GetFrameTimeStamp(desc.hFrame) != f->TimeStamp)
        FAIL("GetFrameLength/StoredLength/TimeStamp");
    /* GetFrame's handle and ExpertGetFrame's name the same frame */
    if (GetFrameNumber(results.frame0) != 0 || GetFrameFromFrameHandle(results.frame0) != f)
        FAIL("GetFrame(hCapture, 0) is not ExpertGetFrame's frame 0");
    /* Blrplate: CreateFilter, DestroyFilter */
    {
        HFILTER flt = CreateFilter();
        if (!flt) FAIL("CreateFilter returned NULL");
        if (DestroyFilter(flt) != NMERR_SUCCESS) FAIL("DestroyFilter of a new filter failed");
    }
    BHSetLastError(NMERR_SUCCESS);
    if (GetFrameNumber(NULL) != (DWORD)-1 || BHGetLastError() != NMERR_INVALID_HFRAME)
        FAIL("GetFrameNumber(NULL): BHGetLastError %lu", BHGetLastError());
    return TRUE;
}
