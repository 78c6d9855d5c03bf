/*
 * filterwalk.c - t_filterwalk.dll: walks a capture through expert filters as the SDK
 * samples build them, and writes what it counted to the file named by NMSHIM_PROPDUMP:
 *   tcp=N back=N spec_pass=N spec_fail=N dns_frames=N dns_names=N bad=N
 * - Blrplate's program (PROTOCOLEXIST "TCP"), NEXT_FORWARD with DEFER_TO_UI_FILTER +
 *   ATTACH_PROPERTIES; each frame must have a TCP Source Port instance;
 * - the same backward, and GET_SPECIFIED_FRAME on every frame (NMERR_FRAME_FAILED_FILTER
 *   for the others);
 * - PropDist's program (PROPERTY + PROPERTYEXIST on DNS "Question Name"), then
 *   FindPropertyInstanceRestart over each frame until NULL.
 * tests/check-properties.sh compares the counts with tshark's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <netmon.h>

__declspec(dllexport) BOOL WINAPI Register(PEXPERTENUMINFO info);
__declspec(dllexport) BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG cfg, PEXPERTSTARTUPINFO si,
                                      DWORD flags, HWND w);

BOOL WINAPI Register(PEXPERTENUMINFO info)
{
    strcpy(info->szName, "Filter walk");
    strcpy(info->szVendor, "nmshim tests");
    strcpy(info->szDescription, "Counts frames through expert filters");
    info->Version = 1;
    return TRUE;
}

BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG cfg, PEXPERTSTARTUPINFO si, DWORD flags, HWND w)
{
    const char *path = getenv("NMSHIM_PROPDUMP");
    DWORD fl = FLAGS_DEFER_TO_UI_FILTER | FLAGS_ATTACH_PROPERTIES, n, err, i;
    unsigned long tcp = 0, back = 0, pass = 0, fail = 0, dframes = 0, dnames = 0, bad = 0;
    EXPERTFRAMEDESCRIPTOR d;
    FILTEROBJECT2 o;
    HFILTER f = CreateFilter(), g = CreateFilter();
    HPROPERTY sport = GetProperty(GetProtocolFromName((LPSTR)"TCP"), (LPSTR)"Source Port");
    HPROPERTY qname = GetProperty(GetProtocolFromName((LPSTR)"DNS"), (LPSTR)"Question Name");
    FILE *out;

    if (!f || !g || !sport || !qname) return FALSE;
    memset(&o, 0, sizeof(o));
    o.Action = FILTERACTION_PROTOCOLEXIST;
    o.hProtocol = GetProtocolFromName((LPSTR)"TCP");
    if (FilterAddObject(f, &o)) return FALSE;
    for (n = INVALID_FRAME_NUMBER; !(err = ExpertGetFrame(key, GET_FRAME_NEXT_FORWARD, fl, n, f, &d));
         n = d.FrameNumber) {
        tcp++;
        if (!FindPropertyInstance(d.hFrame, sport) || !d.lpPropertyTable) bad++;
    }
    if (err != NMERR_NO_MORE_FRAMES) bad++;
    for (n = INVALID_FRAME_NUMBER; !ExpertGetFrame(key, GET_FRAME_NEXT_BACKWARD, 0, n, f, &d);
         n = d.FrameNumber) {
        back++;
        if (d.lpPropertyTable) bad++;                 /* no ATTACH: no tables */
    }
    for (i = 0; (err = ExpertGetFrame(key, GET_SPECIFIED_FRAME, 0, i, f, &d)) != NMERR_FRAME_NOT_FOUND; i++) {
        if (!err) pass++;
        else if (err == NMERR_FRAME_FAILED_FILTER) fail++;
        else { bad++; break; }
    }
    /* PropDist: the same zeroed object, PROPERTY then PROPERTYEXIST */
    memset(&o, 0, sizeof(o));
    o.hProperty = qname;
    o.Action = FILTERACTION_PROPERTY;
    if (FilterAddObject(g, &o)) return FALSE;
    o.Action = FILTERACTION_PROPERTYEXIST;
    if (FilterAddObject(g, &o)) return FALSE;
    for (n = INVALID_FRAME_NUMBER; !ExpertGetFrame(key, GET_FRAME_NEXT_FORWARD, fl, n, g, &d);
         n = d.FrameNumber) {
        LPPROPERTYINST inst = NULL;
        dframes++;
        if (!(inst = FindPropertyInstanceRestart(d.hFrame, qname, &inst, TRUE))) bad++;
        while (inst) {
            dnames++;
            inst = FindPropertyInstanceRestart(d.hFrame, qname, &inst, TRUE);
        }
    }
    if (DestroyFilter(f) || DestroyFilter(g) || DestroyFilter(f) != NMERR_INVALID_HFILTER) bad++;
    out = path && *path ? fopen(path, "wb") : stdout;
    if (!out) return FALSE;
    fprintf(out, "tcp=%lu back=%lu spec_pass=%lu spec_fail=%lu dns_frames=%lu dns_names=%lu bad=%lu\n",
            tcp, back, pass, fail, dframes, dnames, bad);
    if (out != stdout) fclose(out);
    return TRUE;
}
