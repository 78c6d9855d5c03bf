/*
 * inipath_parser.c - t_inipath_parser.dll, a parser DLL whose Register calls nmapi.dll's
 * BuildINIPath (imported through nmapi's import library, as Parser.lib's callers did), so
 * suite protoenum can check it where it has a folder: inside a parser's entry point
 * (shim/parserlib.c). What it got is exported as data: InipathGood (the path for
 * "t_inipath"), InipathGoodRet (BuildINIPath returned its buffer), InipathBadRet (a name
 * with a path in it, an unwritable buffer: each NULL), InipathIni (the path for
 * "t_inipath.INI": ".ini" not added twice), InipathCalls (Register calls).
 */
#include <windows.h>
#include <netmon.h>
#include <string.h>

__declspec(dllexport) char InipathGood[MAX_PATH];
__declspec(dllexport) char InipathIni[MAX_PATH];
__declspec(dllexport) int InipathGoodRet, InipathBadRet, InipathCalls;

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved);

static VOID WINAPI ip_register(HPROTOCOL h)
{
    char buf[MAX_PATH];

    (void)h;
    InipathCalls++;
    memset(InipathGood, 'x', sizeof(InipathGood));
    InipathGoodRet = BuildINIPath(InipathGood, (char *)"t_inipath") == InipathGood;
    InipathBadRet = !BuildINIPath(buf, (char *)"..\\t_inipath") && !BuildINIPath(buf, (char *)"c:t")
                    && !BuildINIPath(NULL, (char *)"t_inipath") && !BuildINIPath(buf, NULL)
                    && !BuildINIPath((char *)(ULONG_PTR)0x10, (char *)"t_inipath");
    if (BuildINIPath(buf, (char *)"t_inipath.INI") == buf) memcpy(InipathIni, buf, strlen(buf) + 1);
}

static VOID WINAPI ip_deregister(HPROTOCOL h) { (void)h; }

static LPBYTE WINAPI ip_recognize(HFRAME f, ULPBYTE frame, ULPBYTE p, DWORD mac, DWORD left,
                                  HPROTOCOL prev, DWORD prevoff, LPDWORD status,
                                  LPHPROTOCOL next, PDWORD_PTR inst)
{
    (void)f; (void)frame; (void)mac; (void)left; (void)prev; (void)prevoff; (void)next; (void)inst;
    *status = PROTOCOL_STATUS_NOT_RECOGNIZED;   /* never handed a frame: nothing hands off to it */
    return p;
}

static LPBYTE WINAPI ip_attach(HFRAME f, ULPBYTE frame, ULPBYTE p, DWORD mac, DWORD left,
                               HPROTOCOL prev, DWORD prevoff, DWORD_PTR inst)
{
    (void)f; (void)frame; (void)p; (void)mac; (void)left; (void)prev; (void)prevoff; (void)inst;
    return NULL;
}

static DWORD WINAPI ip_format(HFRAME f, ULPBYTE frame, ULPBYTE p, DWORD n, LPPROPERTYINST pi)
{
    (void)f; (void)frame; (void)p; (void)n; (void)pi;
    return NMERR_SUCCESS;
}

static ENTRYPOINTS ip_entry = { ip_register, ip_deregister, ip_recognize, ip_attach, ip_format };

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved)
{
    (void)inst; (void)reserved;
    if (reason == DLL_PROCESS_ATTACH) CreateProtocol((LPSTR)"INIPATH", &ip_entry, ENTRYPOINTS_SIZE);
    return TRUE;
}
