/* timestamps.c - test expert: walks the capture forward and reports every frame's
 * FRAME.TimeStamp (microseconds since the first frame) as status text
 * "ts=T0,T1,...", up to what the status text holds. Pins the saturating time
 * arithmetic of ExpertGetFrame (shim/frames.c) on captures whose times span int64. */
#include <windows.h>
#include <netmon.h>
#include <stdio.h>
#include <string.h>

__declspec(dllexport) BOOL WINAPI Register(PEXPERTENUMINFO info);
__declspec(dllexport) BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config,
                                      PEXPERTSTARTUPINFO startup, DWORD flags, HWND wnd);

BOOL WINAPI Register(PEXPERTENUMINFO info)
{
    snprintf(info->szName, sizeof(info->szName), "t_timestamps");
    snprintf(info->szVendor, sizeof(info->szVendor), "nmshim tests");
    snprintf(info->szDescription, sizeof(info->szDescription), "Reports frame time stamps");
    info->Version = 0;
    info->Flags = 0;
    return TRUE;
}

/* Decimal by hand: no dependence on which printf the CRT gives us for 64-bit values. */
static void put_i64(char *out, size_t room, __int64 v)
{
    char tmp[24];
    unsigned __int64 u = v < 0 ? 0 - (unsigned __int64)v : (unsigned __int64)v;
    int n = 0;

    do tmp[n++] = (char)('0' + u % 10); while ((u /= 10) && n < 22);
    if (v < 0) tmp[n++] = '-';
    while (n && room > 1) { *out++ = tmp[--n]; room--; }
    *out = 0;
}

BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config, PEXPERTSTARTUPINFO startup,
                DWORD flags, HWND wnd)
{
    EXPERTFRAMEDESCRIPTOR desc;
    char text[EXPERTSTRINGLENGTH] = "ts=";
    DWORD n = INVALID_FRAME_NUMBER, rc;
    size_t len;

    (void)config; (void)startup; (void)flags; (void)wnd;
    while ((rc = ExpertGetFrame(key, GET_FRAME_NEXT_FORWARD, 0, n, NULL, &desc)) ==
           NMERR_SUCCESS) {
        len = strlen(text);
        if (n != INVALID_FRAME_NUMBER && len + 1 < sizeof(text)) text[len++] = ',';
        put_i64(text + len, sizeof(text) - len, desc.pFrame->TimeStamp);
        n = desc.FrameNumber;
    }
    if (rc != NMERR_NO_MORE_FRAMES) {
        snprintf(text, sizeof(text), "ExpertGetFrame: error %lu", rc);
        ExpertIndicateStatus(key, EXPERTSTATUS_PROBLEM, 0, text, 0);
        return FALSE;
    }
    ExpertIndicateStatus(key, EXPERTSTATUS_RUNNING, 0, text, 99);
    return TRUE;
}
