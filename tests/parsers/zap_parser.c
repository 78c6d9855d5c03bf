/*
 * zap_parser.c - a legacy NetMon 2.x parser DLL for a made-up protocol, ZAP, written the
 * way the SDK's Blrplate template is (docs/legacy-experts.md §3.1): DllMain calls
 * CreateProtocol, ParserAutoInstallInfo hands the DLL's hand-off set to the host from the
 * process heap, Register builds the property database, AttachProperties attaches
 * instances, FormatProperties calls the formatter each PROPERTYINFO.InstanceData holds.
 * Built several times (tests/parsers/CMakeLists.txt):
 *   ZAP_MODE 0  t_zap_parser.dll   protocol ZAP, UDP port 7777 (pWhoHandsOffToMe, decimal)
 *               and 7780 (the INI beside it, with instance data 100)
 *   ZAP_MODE 1  t_zap_fault.dll    protocol ZAPFAULT, port 7778: faults in AttachProperties
 *   ZAP_MODE 2  t_zap_badoff.dll   protocol ZAPBAD, port 7779 (given in hex): RecognizeFrame
 *               answers NEXT_PROTOCOL with a pointer far past the frame
 *   ZAP_MODE 3  t_zap_fmtfault.dll protocol ZAPFMT, port 7781: its Summary formatter faults
 *               (FormatProperties, through GetPropertyText)
 *   ZAP_MODE 4  t_zap_junkinfo.dll protocol ZAPJUNK: ParserAutoInstallInfo answers junk (an
 *               unterminated comment, an unreadable set, a set claiming 5000 entries that
 *               is not even on the heap); the host reads it with bounds and says so
 *   ZAP_MODE 5  t_zap_loop.dll     protocol ZAP, port 7777, no INI: RecognizeFrame never
 *               returns for a message with both Urgent and Compressed set (frame 3 of the
 *               capture): pure computation, the watchdog's case (shim/watchdog.c)
 *   ZAP_MODE 6  t_zap_attloop.dll  the same, the loop in AttachProperties
 * Links nmapi.dll and parser.dll, as the template does (nmapi.lib, parser.lib).
 * The ZAP message (8-byte header, big-endian): 'Z' 'P', opcode (WORD, labelled: 1 Hello,
 * 2 Data, 3 Bye), flags (BYTE: bit 0 Urgent, bit 1 Compressed, bit 2 Last), next (BYTE:
 * 1 = another ZAP message follows), length (WORD, payload bytes); the payload; then, when
 * next is 1, the next message: ZAP follows itself (PROTOCOL_STATUS_NEXT_PROTOCOL with its
 * own handle). The instance data counts the messages: the first gets the UDP hand-off's
 * (0, or 100 from the INI), each following one its predecessor's + 1 ("Index").
 */
#include <windows.h>
#include <netmon.h>
#include <stdio.h>
#include <string.h>

#ifndef ZAP_MODE
#define ZAP_MODE 0
#endif
#if ZAP_MODE == 1
#define ZAP_NAME "ZAPFAULT"
#define ZAP_PORT 7778
#define ZAP_BASE HANDOFF_VALUE_FORMAT_BASE_DECIMAL
#elif ZAP_MODE == 3
#define ZAP_NAME "ZAPFMT"
#define ZAP_PORT 7781
#define ZAP_BASE HANDOFF_VALUE_FORMAT_BASE_DECIMAL
#elif ZAP_MODE == 4
#define ZAP_NAME "ZAPJUNK"
#define ZAP_PORT 7782
#define ZAP_BASE HANDOFF_VALUE_FORMAT_BASE_DECIMAL
#elif ZAP_MODE == 2
#define ZAP_NAME "ZAPBAD"
#define ZAP_PORT 0x1E63
#define ZAP_BASE HANDOFF_VALUE_FORMAT_BASE_HEX
#else
#define ZAP_NAME "ZAP"
#define ZAP_PORT 7777
#define ZAP_BASE HANDOFF_VALUE_FORMAT_BASE_DECIMAL
#endif

#if ZAP_MODE == 5 || ZAP_MODE == 6
/* Never returns: a counter in memory, so no compiler may drop the loop. */
static void zap_spin(void)
{
    static volatile unsigned long counter;
    for (;;) counter++;
}
#define ZAP_LOOPS(p) ((p)[4] == 0x03)  /* Urgent | Compressed */
#endif

/* LookupWordSetString: imported from parser.dll (the SDK's parser.lib; netmon.h declares it). */

__declspec(dllexport) PPF_PARSERDLLINFO WINAPI ParserAutoInstallInfo(void);
BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved);

static VOID WINAPI zap_register(HPROTOCOL);
static VOID WINAPI zap_deregister(HPROTOCOL);
static LPBYTE WINAPI zap_recognize(HFRAME, ULPBYTE, ULPBYTE, DWORD, DWORD, HPROTOCOL, DWORD,
                                   LPDWORD, LPHPROTOCOL, PDWORD_PTR);
static LPBYTE WINAPI zap_attach(HFRAME, ULPBYTE, ULPBYTE, DWORD, DWORD, HPROTOCOL, DWORD, DWORD_PTR);
static DWORD WINAPI zap_format(HFRAME, ULPBYTE, ULPBYTE, DWORD, LPPROPERTYINST);

static ENTRYPOINTS zap_entry = { zap_register, zap_deregister, zap_recognize, zap_attach, zap_format };
static HPROTOCOL hzap;
static LONG attached;
static LPVOID heap_block;

static LABELED_WORD opcodes[] = { { 1, (LPSTR)"Hello" }, { 2, (LPSTR)"Data" }, { 3, (LPSTR)"Bye" } };
static SET opcode_set = { 3, { opcodes } };
static LABELED_BIT flag_bits[] = {
    { 0, (LPSTR)"Not urgent", (LPSTR)"Urgent" },
    { 1, (LPSTR)"Not compressed", (LPSTR)"Compressed" },
    { 2, (LPSTR)"More to come", (LPSTR)"Last" },
};
static SET flag_set = { 3, { flag_bits } };

static VOID WINAPIV zap_format_summary(LPPROPERTYINST pi, ...);

enum { P_SUMMARY, P_OPCODE, P_FLAGS, P_NEXT, P_LENGTH, P_PAYLOAD, P_INDEX, P_HEAPOK, NPROPS };
static PROPERTYINFO props[NPROPS] = {
    { 0, 0, (LPSTR)"Summary", (LPSTR)"Summary of the ZAP message", PROP_TYPE_SUMMARY,
      PROP_QUAL_NONE, { NULL }, 80, (LPVOID)zap_format_summary },
    { 0, 0, (LPSTR)"Opcode", (LPSTR)"ZAP message type", PROP_TYPE_BYTESWAPPED_WORD,
      PROP_QUAL_LABELED_SET, { &opcode_set }, 80, (LPVOID)FormatPropertyInstance },
    { 0, 0, (LPSTR)"Flags", (LPSTR)"ZAP flags", PROP_TYPE_BYTE, PROP_QUAL_FLAGS, { &flag_set },
      3 * 80, (LPVOID)FormatPropertyInstance },
    { 0, 0, (LPSTR)"Next", (LPSTR)"Another ZAP message follows", PROP_TYPE_BYTE,
      PROP_QUAL_NONE, { NULL }, 80, (LPVOID)FormatPropertyInstance },
    { 0, 0, (LPSTR)"Length", (LPSTR)"Payload length", PROP_TYPE_BYTESWAPPED_WORD,
      PROP_QUAL_NONE, { NULL }, 80, (LPVOID)FormatPropertyInstance },
    { 0, 0, (LPSTR)"Payload", (LPSTR)"ZAP payload", PROP_TYPE_RAW_DATA, PROP_QUAL_NONE, { NULL },
      80, (LPVOID)FormatPropertyInstance },
    { 0, 0, (LPSTR)"Index", (LPSTR)"Message index (instance data)", PROP_TYPE_DWORD,
      PROP_QUAL_NONE, { NULL }, 80, (LPVOID)FormatPropertyInstance },
    { 0, 0, (LPSTR)"Heap OK", (LPSTR)"CCHeap and CCInstPtr checks passed", PROP_TYPE_BYTE,
      PROP_QUAL_NONE, { NULL }, 80, (LPVOID)FormatPropertyInstance },
};

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved)
{
    (void)inst; (void)reserved;
    if (reason == DLL_PROCESS_ATTACH && attached++ == 0)
        hzap = CreateProtocol((LPSTR)ZAP_NAME, &zap_entry, ENTRYPOINTS_SIZE);
    else if (reason == DLL_PROCESS_DETACH && --attached == 0 && hzap)
        DestroyProtocol(hzap);
    return TRUE;                          /* "Netmon parsers ALWAYS return TRUE" */
}

/* As the template: one PF_PARSERINFO, and an incoming hand-off set, both from the
 * process heap (the host frees them there). */
PPF_PARSERDLLINFO WINAPI ParserAutoInstallInfo(void)
{
#if ZAP_MODE == 4
    static struct { DWORD n; PF_HANDOFFENTRY e[1]; } huge = { 5000, { { "", "UDP_HandoffSet", "ZAPJUNK", 1, 0 } } };
    PPF_PARSERDLLINFO junk = HeapAlloc(GetProcessHeap(), 0, sizeof(PF_PARSERDLLINFO) + sizeof(PF_PARSERINFO));

    if (!junk) return NULL;
    memset(junk, 'A', sizeof(PF_PARSERDLLINFO) + sizeof(PF_PARSERINFO));
    junk->nParsers = 1;
    strcpy(junk->ParserInfo[0].szProtocolName, ZAP_NAME);      /* the comment: no NUL at all */
    junk->ParserInfo[0].pWhoCanPrecedeMe = NULL;
    junk->ParserInfo[0].pWhoCanFollowMe = NULL;
    junk->ParserInfo[0].pWhoHandsOffToMe = (PPF_HANDOFFSET)(ULONG_PTR)0x10;
    junk->ParserInfo[0].pWhoDoIHandOffTo = (PPF_HANDOFFSET)&huge;
    return junk;
#endif

    PPF_PARSERDLLINFO info;
    PPF_HANDOFFSET in;

    info = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(PF_PARSERDLLINFO) + sizeof(PF_PARSERINFO));
    if (!info) return NULL;
    info->nParsers = 1;
    snprintf(info->ParserInfo[0].szProtocolName, sizeof(info->ParserInfo[0].szProtocolName), "%s", ZAP_NAME);
    snprintf(info->ParserInfo[0].szComment, sizeof(info->ParserInfo[0].szComment), "Made-up test protocol");
    in = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(PF_HANDOFFSET) + sizeof(PF_HANDOFFENTRY));
    if (!in) return info;
    in->nEntries = 1;
    snprintf(in->Entry[0].szIniFile, sizeof(in->Entry[0].szIniFile), "TCPIP.INI");
    snprintf(in->Entry[0].szIniSection, sizeof(in->Entry[0].szIniSection), "UDP_HandoffSet");
    snprintf(in->Entry[0].szProtocol, sizeof(in->Entry[0].szProtocol), "%s", ZAP_NAME);
    in->Entry[0].dwHandOffValue = ZAP_PORT;
    in->Entry[0].ValueFormatBase = ZAP_BASE;
    info->ParserInfo[0].pWhoHandsOffToMe = in;
    return info;
}

static VOID WINAPI zap_register(HPROTOCOL h)
{
    DWORD i;

    CreatePropertyDatabase(h, NPROPS);
    for (i = 0; i < NPROPS; i++) AddProperty(h, &props[i]);
    heap_block = CCHeapAlloc(64, TRUE);
    SetCCInstPtr(heap_block);
}

static VOID WINAPI zap_deregister(HPROTOCOL h)
{
    DestroyPropertyDatabase(h);
}

static WORD rd16(const BYTE *p) { return (WORD)(p[0] << 8 | p[1]); }

static LPBYTE WINAPI zap_recognize(HFRAME f, ULPBYTE frame, ULPBYTE p, DWORD mac, DWORD left,
                                   HPROTOCOL prev, DWORD prevoff, LPDWORD status,
                                   LPHPROTOCOL next, PDWORD_PTR inst)
{
    DWORD len;

    (void)f; (void)frame; (void)mac; (void)prevoff;
    if (left < 8 || p[0] != 'Z' || p[1] != 'P') {
        *status = PROTOCOL_STATUS_NOT_RECOGNIZED;
        return p;
    }
    (void)prev;
    *inst = *inst + 1;                        /* the next message's index (AttachProperties
                                               * gets the value this call was entered with) */
#if ZAP_MODE == 5
    if (ZAP_LOOPS(p)) zap_spin();
#endif
#if ZAP_MODE == 2
    *status = PROTOCOL_STATUS_NEXT_PROTOCOL;  /* garbage: far past the frame */
    *next = hzap;
    return p + 100000;
#endif
    len = rd16(p + 6);
    if (p[5] == 1 && 8 + len < left) {
        *status = PROTOCOL_STATUS_NEXT_PROTOCOL;
        *next = hzap;
        return p + 8 + len;
    }
    *status = PROTOCOL_STATUS_CLAIMED;
    return NULL;
}

static LPBYTE WINAPI zap_attach(HFRAME f, ULPBYTE frame, ULPBYTE p, DWORD mac, DWORD left,
                                HPROTOCOL prev, DWORD prevoff, DWORD_PTR inst)
{
    DWORD len = rd16(p + 6), idx = (DWORD)inst;
    BYTE ok = GetCCInstPtr() == heap_block && heap_block && CCHeapSize(heap_block) == 64 &&
              !CCHeapFree((LPVOID)&idx);      /* not its block: a failure, not a crash */

    (void)frame; (void)mac; (void)prev; (void)prevoff;
#if ZAP_MODE == 1
    *(volatile DWORD *)(ULONG_PTR)idx = 0xdead;  /* faults: writes to a small number */
#endif
#if ZAP_MODE == 6
    if (ZAP_LOOPS(p)) zap_spin();
#endif
    if (len > left - 8) len = left - 8;       /* truncated: the payload there is */
    AttachPropertyInstance(f, props[P_SUMMARY].hProperty, 8 + len, p, 0, 0, 0);
    AttachPropertyInstance(f, props[P_OPCODE].hProperty, 2, p + 2, 0, 1, 0);
    AttachPropertyInstance(f, props[P_FLAGS].hProperty, 1, p + 4, 0, 1, 0);
    AttachPropertyInstance(f, props[P_NEXT].hProperty, 1, p + 5, 0, 1, 0);
    AttachPropertyInstance(f, props[P_LENGTH].hProperty, 2, p + 6, 0, 1, 0);
    if (len) AttachPropertyInstance(f, props[P_PAYLOAD].hProperty, len, p + 8, 0, 1, 0);
    AttachPropertyInstanceEx(f, props[P_INDEX].hProperty, 0, p, sizeof(idx), &idx, 0, 1, 0);
    AttachPropertyInstanceEx(f, props[P_HEAPOK].hProperty, 0, p, 1, &ok, 0, 1, 0);
    return NULL;
}

/* The template's FormatProperties: each instance's formatter, with one argument. */
static DWORD WINAPI zap_format(HFRAME f, ULPBYTE frame, ULPBYTE p, DWORD n, LPPROPERTYINST pi)
{
    (void)f; (void)frame; (void)p;
    while (n--) {
        ((FORMAT)pi->lpPropertyInfo->InstanceData)(pi);
        pi++;
    }
    return NMERR_SUCCESS;
}

static VOID WINAPIV zap_format_summary(LPPROPERTYINST pi, ...)
{
    const BYTE *h = pi->lpByte;
    WORD op = rd16(h + 2);
    LPBYTE name = LookupWordSetString(&opcode_set, op);

#if ZAP_MODE == 3
    *(volatile LPBYTE *)(ULONG_PTR)op = name;         /* faults: writes to a small number */
#endif
    if (pi->szPropertyText)
        wsprintfA(pi->szPropertyText, "ZAP: %s (%d), %u payload bytes",
                  name ? (char *)name : "Unknown", op, rd16(h + 6));
}
