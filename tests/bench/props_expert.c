/* props_expert.c - benchmark expert for bench-props.sh: walks the whole capture forward
 * with ExpertGetFrame in the mode NMSHIM_BENCH_MODE names and reports "frames N insts M"
 * as its status text:
 *   plain   no flags (frame delivery alone)
 *   attach  FLAGS_ATTACH_PROPERTIES, and every instance's DataType read (so the tables
 *           are really built and touched)
 *   filter  a filter PROTOCOLEXIST "TCP" (Blrplate's), no ATTACH
 * Written as a third party would: <netmon.h> and nmapi's exports only. */
#include <windows.h>
#include <netmon.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__declspec(dllexport) BOOL WINAPI Register(PEXPERTENUMINFO info);
__declspec(dllexport) BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config,
                                      PEXPERTSTARTUPINFO startup, DWORD flags, HWND wnd);

BOOL WINAPI Register(PEXPERTENUMINFO info)
{
    snprintf(info->szName, sizeof(info->szName), "props_expert");
    snprintf(info->szVendor, sizeof(info->szVendor), "nmshim benchmarks");
    snprintf(info->szDescription, sizeof(info->szDescription), "Frame walk with properties or a filter");
    return TRUE;
}

BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config, PEXPERTSTARTUPINFO startup,
                DWORD flags, HWND wnd)
{
    const char *mode = getenv("NMSHIM_BENCH_MODE");
    EXPERTFRAMEDESCRIPTOR d;
    DWORD rf = 0, n = INVALID_FRAME_NUMBER, rc, frames = 0;
    ULONGLONG insts = 0, sum = 0;
    HFILTER filter = NULL;
    char text[EXPERTSTRINGLENGTH];

    if (mode && !strcmp(mode, "attach")) rf = FLAGS_ATTACH_PROPERTIES;
    if (mode && !strcmp(mode, "filter")) {
        FILTEROBJECT2 o;
        memset(&o, 0, sizeof(o));
        o.Action = FILTERACTION_PROTOCOLEXIST;
        o.hProtocol = GetProtocolFromName((LPSTR)"TCP");
        if (!(filter = CreateFilter()) || FilterAddObject(filter, &o)) return FALSE;
    }
    while ((rc = ExpertGetFrame(key, GET_FRAME_NEXT_FORWARD, rf, n, filter, &d)) == NMERR_SUCCESS) {
        n = d.FrameNumber;
        frames++;
        if (d.lpPropertyTable) {
            DWORD i;
            insts += d.lpPropertyTable->nTotalPropertyInsts;
            for (i = 0; i < d.lpPropertyTable->nTotalPropertyInsts; i++)
                sum += d.lpPropertyTable->lpFirstPropertyInst[i].lpPropertyInfo->DataType;
        }
    }
    if (filter) DestroyFilter(filter);
    snprintf(text, sizeof(text), "frames %lu insts %llu (%llu)", frames, insts, sum & 1);
    ExpertIndicateStatus(key, rc == NMERR_NO_MORE_FRAMES ? EXPERTSTATUS_DONE : EXPERTSTATUS_PROBLEM,
                         0, text, 100);
    return rc == NMERR_NO_MORE_FRAMES;
}
