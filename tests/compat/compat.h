/*
 * compat.h - what the t_compat_imports expert shares with the tests that load it
 * (tests/test_compat.c, compat_dump.c): its import list and what its Run found.
 */
#ifndef NM_TEST_COMPAT_H
#define NM_TEST_COMPAT_H

#include <windows.h>
#include <netmon.h>

#define COMPAT_NIMPORTS 160

struct compat_import {
    const char *name;
    int bytes;                      /* i686 argument bytes; -1: cdecl */
    void *const *imp;               /* its import address table slot */
};

struct compat_results {
    DWORD bound;                    /* imports whose IAT slot = GetProcAddress(nmapi.dll) */
    DWORD mismatched;               /* imports bound elsewhere (or not at all) */
    const char *first_mismatch;
    HCAPTURE capture;               /* EXPERTSTARTUPINFO.hCapture */
    HFRAME frame0;                  /* EXPERTFRAMEDESCRIPTOR.hFrame of frame 0 */
    DWORD frames;                   /* GetCaptureTotalFrames(GetFrameCaptureHandle(frame0)) */
    char problem[128];              /* first failed check of Run, "" when none */
};

/* Exported by t_compat_imports.dll. */
typedef const struct compat_results *(WINAPI *COMPAT_RESULTS)(const struct compat_import **list);

#endif /* NM_TEST_COMPAT_H */
