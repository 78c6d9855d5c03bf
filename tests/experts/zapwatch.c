/*
 * zapwatch.c - t_zapwatch.dll: an expert for the made-up ZAP protocol that a loaded parser
 * DLL supplies (tests/parsers/zap_parser.c), written as its vendor would: GetProtocolFromName,
 * a FILTERACTION_PROTOCOLEXIST filter, ExpertGetFrame with FLAGS_ATTACH_PROPERTIES, and the
 * ZAP properties read through FindPropertyInstanceRestart. One event per ZAP message:
 *   "frame F: index I opcode O (LABEL) flags 0xXX [BITS] next N length L payload P heap H
 *    text 'SUMMARY'" (SUMMARY: GetPropertyText on the message's Summary instance, which
 *   the parser's own WINAPIV formatter writes, through its FormatProperties)
 * then one summary event over every frame, without a filter:
 *   "frames N udp U zap Z zapfault A zapbad B"
 * (U: frames carrying a UDP Source Port instance; A, B: frames with those protocols'
 * instances, which a disabled parser never leaves), and, when ZAPFMT is loaded,
 *   "zapfmt frames N text failures T"
 * (GetPropertyText on each ZAPFMT Summary instance: its formatter faults). tests/check-parsers.sh compares the
 * descriptions with what scripts/make-zap-capture.py --expect says.
 */
#include <stdio.h>
#include <string.h>
#include <windows.h>
#include <netmon.h>

__declspec(dllexport) BOOL WINAPI Register(PEXPERTENUMINFO info);
__declspec(dllexport) BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG cfg, PEXPERTSTARTUPINFO si,
                                      DWORD flags, HWND w);

BOOL WINAPI Register(PEXPERTENUMINFO info)
{
    strcpy(info->szName, "ZAP watch");
    strcpy(info->szVendor, "nmshim tests");
    strcpy(info->szDescription, "Reads the ZAP protocol of a plug-in parser");
    info->Version = 1;
    return TRUE;
}

static void event(HEXPERTKEY key, const char *text)
{
    NMEVENTDATA ev;
    char desc[256];

    memset(&ev, 0, sizeof(ev));
    lstrcpynA(desc, text, sizeof(desc));
    ev.Version = 0;
    ev.Severity = NMEVENT_SEVERITY_INFORMATIONAL;
    ev.szSourceName = (LPSTR)"ZAP watch";
    ev.szEventName = (LPSTR)"zap";
    ev.szDescription = desc;
    GetLocalTime(&ev.SysTime);
    ExpertSubmitEvent(key, &ev);
}

static DWORD value_of(LPPROPERTYINST pi)
{
    const BYTE *d = pi->DataLength == 0xffff ? pi->lpPropertyInstEx->Byte : pi->lpByte;
    DWORD len = pi->DataLength == 0xffff ? pi->lpPropertyInstEx->LengthEx : pi->DataLength;
    DWORD v = 0;

    switch (pi->lpPropertyInfo->DataType) {
    case PROP_TYPE_BYTE: return d[0];
    case PROP_TYPE_BYTESWAPPED_WORD: return (DWORD)(d[0] << 8 | d[1]);
    case PROP_TYPE_DWORD: memcpy(&v, d, len < 4 ? len : 4); return v;
    default: return len;
    }
}

/* The label of a labelled WORD, from the property's own set. */
static const char *label_of(LPPROPERTYINST pi, DWORD v)
{
    LPSET s = pi->lpPropertyInfo->lpSet;
    DWORD i;

    for (i = 0; s && i < s->nEntries; i++)
        if (s->lpLabeledWordTable[i].Value == v) return s->lpLabeledWordTable[i].Label;
    return "?";
}

/* The set bits of a flags byte, by their labels. */
static void bits_of(LPPROPERTYINST pi, DWORD v, char *buf, size_t len)
{
    LPSET s = pi->lpPropertyInfo->lpSet;
    DWORD i;
    size_t n = 0;

    buf[0] = 0;
    for (i = 0; s && i < s->nEntries && n < len; i++)
        if (v & (1u << s->lpLabeledBit[i].BitNumber))
            n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? "," : "", s->lpLabeledBit[i].LabelOn);
}

BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG cfg, PEXPERTSTARTUPINFO si, DWORD flags, HWND w)
{
    HPROTOCOL zap = GetProtocolFromName((LPSTR)"ZAP");
    HPROPERTY opcode = GetProperty(zap, (LPSTR)"Opcode"), fl = GetProperty(zap, (LPSTR)"Flags"),
              next = GetProperty(zap, (LPSTR)"Next"), length = GetProperty(zap, (LPSTR)"Length"),
              payload = GetProperty(zap, (LPSTR)"Payload"), index = GetProperty(zap, (LPSTR)"Index"),
              heap = GetProperty(zap, (LPSTR)"Heap OK");
    HPROPERTY sport = GetProperty(GetProtocolFromName((LPSTR)"UDP"), (LPSTR)"Source Port");
    HPROPERTY faultop = GetProperty(GetProtocolFromName((LPSTR)"ZAPFAULT"), (LPSTR)"Opcode");
    HPROPERTY badop = GetProperty(GetProtocolFromName((LPSTR)"ZAPBAD"), (LPSTR)"Opcode");
    HPROPERTY fmtsum = GetProperty(GetProtocolFromName((LPSTR)"ZAPFMT"), (LPSTR)"Summary");
    DWORD nfmt = 0, nfmtfail = 0;
    EXPERTFRAMEDESCRIPTOR d;
    FILTEROBJECT2 o;
    HFILTER f = CreateFilter();
    DWORD n, nframes = 0, nudp = 0, nzap = 0, nfault = 0, nbad = 0;
    char text[256];

    (void)cfg; (void)si; (void)flags; (void)w;
    if (!zap || !opcode || !fl || !next || !length || !payload || !index || !heap || !sport || !f) {
        ExpertIndicateStatus(key, EXPERTSTATUS_PROBLEM, 0, (LPSTR)"ZAP or its properties not found", 0);
        return FALSE;
    }
    memset(&o, 0, sizeof(o));
    o.Action = FILTERACTION_PROTOCOLEXIST;
    o.hProtocol = zap;
    if (FilterAddObject(f, &o)) return FALSE;
    for (n = INVALID_FRAME_NUMBER;
         !ExpertGetFrame(key, GET_FRAME_NEXT_FORWARD, FLAGS_ATTACH_PROPERTIES, n, f, &d);
         n = d.FrameNumber) {
        LPPROPERTYINST op = NULL;
        LPPROPERTYTABLE t = d.lpPropertyTable;
        LPPROPERTYINST end = t ? t->lpFirstPropertyInst + t->nTotalPropertyInsts : NULL;
        /* each message: its Opcode instance, then the instances that follow it in the
         * frame's table up to the next Opcode (the parser attaches them in that order) */
        while (t && (op = FindPropertyInstanceRestart(d.hFrame, opcode, &op, TRUE))) {
            DWORD v[6] = { 0, 0, 0, 0, 0, 0 }, ov = value_of(op);
            LPPROPERTYINST q, pf = NULL;
            char bits[96] = "", summary[128] = "";
            for (q = op + 1; q < end && q->lpPropertyInfo->hProperty != opcode; q++) {
                HPROPERTY h = q->lpPropertyInfo->hProperty;
                if (h == fl) { v[0] = value_of(q); pf = q; }
                else if (h == next) v[1] = value_of(q);
                else if (h == length) v[2] = value_of(q);
                else if (h == payload) v[3] = value_of(q);
                else if (h == index) v[4] = value_of(q);
                else if (h == heap) v[5] = value_of(q);
            }
            if (pf) bits_of(pf, v[0], bits, sizeof(bits));
            /* the Summary instance comes just before the Opcode one */
            if (op > t->lpFirstPropertyInst && (op - 1)->lpPropertyInfo->DataType == PROP_TYPE_SUMMARY &&
                !GetPropertyText(d.hFrame, op - 1, summary, sizeof(summary)))
                strcpy(summary, "(no text)");
            snprintf(text, sizeof(text),
                     "frame %lu: index %lu opcode %lu (%s) flags 0x%02lx [%s] next %lu length %lu payload %lu heap %lu text '%s'",
                     (unsigned long)d.FrameNumber, (unsigned long)v[4], (unsigned long)ov,
                     label_of(op, ov), (unsigned long)v[0], bits, (unsigned long)v[1],
                     (unsigned long)v[2], (unsigned long)v[3], (unsigned long)v[5], summary);
            event(key, text);
        }
    }
    for (n = INVALID_FRAME_NUMBER;
         !ExpertGetFrame(key, GET_FRAME_NEXT_FORWARD, FLAGS_ATTACH_PROPERTIES, n, NULL, &d);
         n = d.FrameNumber) {
        nframes++;
        if (FindPropertyInstance(d.hFrame, sport)) nudp++;
        if (FindPropertyInstance(d.hFrame, opcode)) nzap++;
        if (faultop && FindPropertyInstance(d.hFrame, faultop)) nfault++;
        if (badop && FindPropertyInstance(d.hFrame, badop)) nbad++;
        if (fmtsum) {
            LPPROPERTYINST s = FindPropertyInstance(d.hFrame, fmtsum);
            char buf[128];
            if (s) {
                nfmt++;
                if (!GetPropertyText(d.hFrame, s, buf, sizeof(buf))) nfmtfail++;
            }
        }
    }
    snprintf(text, sizeof(text), "frames %lu udp %lu zap %lu zapfault %lu zapbad %lu",
             (unsigned long)nframes, (unsigned long)nudp, (unsigned long)nzap,
             (unsigned long)nfault, (unsigned long)nbad);
    event(key, text);
    if (fmtsum) {
        snprintf(text, sizeof(text), "zapfmt frames %lu text failures %lu", (unsigned long)nfmt,
                 (unsigned long)nfmtfail);
        event(key, text);
    }
    DestroyFilter(f);
    return TRUE;
}
