/*
 * propdump.c - t_propdump.dll: prints every property instance of every frame, the way a
 * legacy expert reads them: ExpertGetFrame(FLAGS_ATTACH_PROPERTIES), the PROPERTYTABLE's
 * per-protocol slices, RECOGNIZEDATA ProtocolIDs mapped to names through
 * GetEnabledProtocols / GetProtocolInfo, and each value decoded by PROPERTYINFO.DataType
 * (byte-swapped types XOR IFLAG_SWAPPED, extended instances through lpPropertyInstEx).
 * Output (file named by NMSHIM_PROPDUMP, else stdout), one line per instance:
 *   FRAME <TAB> LEVEL <TAB> PROTOCOL <TAB> LABEL <TAB> VALUE
 * NMSHIM_PROPDUMP_FRAME=N dumps frame N only (GET_SPECIFIED_FRAME). Used by
 * tests/check-properties.sh (against tshark) and nmhost --dump.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <netmon.h>

__declspec(dllexport) BOOL WINAPI Register(PEXPERTENUMINFO info);
__declspec(dllexport) BOOL WINAPI Configure(HEXPERTKEY key, PEXPERTCONFIG *cfg,
                                            PEXPERTSTARTUPINFO si, DWORD flags, HWND w);
__declspec(dllexport) BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG cfg, PEXPERTSTARTUPINFO si,
                                      DWORD flags, HWND w);

BOOL WINAPI Register(PEXPERTENUMINFO info)
{
    strcpy(info->szName, "Property dump");
    strcpy(info->szVendor, "nmshim tests");
    strcpy(info->szDescription, "Prints every attached property instance");
    info->Version = 1;
    return TRUE;
}

BOOL WINAPI Configure(HEXPERTKEY key, PEXPERTCONFIG *cfg, PEXPERTSTARTUPINFO si, DWORD flags, HWND w)
{
    return TRUE;
}

static const char *proto_name(WORD id)
{
    LPPROTOCOLTABLE t = GetEnabledProtocols(NULL);
    DWORD i;

    for (i = 0; t && i < t->nProtocols; i++) {
        LPPROTOCOLINFO pi = GetProtocolInfo(t->hProtocol[i]);
        if (pi && pi->ProtocolID == id) return (const char *)pi->ProtocolName;
    }
    return "?";
}

/* RFC 5952 / inet_ntop spelling, as tshark prints IPv6 addresses. */
static void ip6_text(const BYTE *a, char *out)
{
    unsigned w[8], i, best = 8, bestlen = 0;
    char *o = out;

    for (i = 0; i < 8; i++) w[i] = (a[2 * i] << 8) | a[2 * i + 1];
    for (i = 0; i < 8;) {
        unsigned j = i;
        while (j < 8 && !w[j]) j++;
        if (j - i > bestlen && j - i >= 2) { best = i; bestlen = j - i; }
        i = j > i ? j : i + 1;
    }
    for (i = 0; i < 8; i++) {
        if (i == best) {
            *o++ = ':';
            if (i == 0) *o++ = ':';
            i += bestlen - 1;
            continue;
        }
        if (i == 6 && best == 0 && (bestlen == 6 || (bestlen == 5 && w[5] == 0xffff))) {
            o += sprintf(o, "%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
            break;
        }
        o += sprintf(o, "%x", w[i]);
        if (i < 7) *o++ = ':';
    }
    *o = 0;
}

static void print_value(FILE *f, LPPROPERTYINST pi)
{
    LPPROPERTYINFO info = pi->lpPropertyInfo;
    const BYTE *d;
    DWORD len, i;
    int swapped;
    char buf[64];

    if (pi->DataLength == 0xffff) {
        d = pi->lpPropertyInstEx->Byte;
        len = pi->lpPropertyInstEx->LengthEx;
    } else {
        d = pi->lpData;
        len = pi->DataLength;
    }
    swapped = (info->DataType == PROP_TYPE_BYTESWAPPED_WORD ||
               info->DataType == PROP_TYPE_BYTESWAPPED_DWORD) ^ !!(pi->IFlags & IFLAG_SWAPPED);
    switch (info->DataType) {
    case PROP_TYPE_BYTE:
        fprintf(f, "%u", len >= 1 ? d[0] : 0);
        break;
    case PROP_TYPE_WORD: case PROP_TYPE_BYTESWAPPED_WORD: {
        WORD v = 0;
        if (len >= 2) memcpy(&v, d, 2);
        if (swapped) v = XCHG(v);
        fprintf(f, "%u", v);
        break;
    }
    case PROP_TYPE_DWORD: case PROP_TYPE_BYTESWAPPED_DWORD: {
        DWORD v = 0;
        if (len >= 4) memcpy(&v, d, 4);
        if (swapped) v = DXCHG(v);
        fprintf(f, "%lu", (unsigned long)v);
        break;
    }
    case PROP_TYPE_ETHERNET_ADDRESS:
        if (len == 6) fprintf(f, "%02x:%02x:%02x:%02x:%02x:%02x", d[0], d[1], d[2], d[3], d[4], d[5]);
        break;
    case PROP_TYPE_IP_ADDRESS:
        if (len == 4) fprintf(f, "%u.%u.%u.%u", d[0], d[1], d[2], d[3]);
        break;
    case PROP_TYPE_IP6_ADDRESS:
        if (len == 16) { ip6_text(d, buf); fputs(buf, f); }
        break;
    case PROP_TYPE_STRING:
        fwrite(d, 1, len, f);
        break;
    default:
        fprintf(f, "(%lu bytes)", (unsigned long)len);
        for (i = 0; i < len && i < 16; i++) fprintf(f, "%s%02x", i ? "" : " ", d[i]);
        break;
    }
}

BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG cfg, PEXPERTSTARTUPINFO si, DWORD flags, HWND w)
{
    EXPERTFRAMEDESCRIPTOR d;
    const char *path = getenv("NMSHIM_PROPDUMP"), *one = getenv("NMSHIM_PROPDUMP_FRAME");
    FILE *f = path && *path ? fopen(path, "wb") : stdout;
    DWORD n = INVALID_FRAME_NUMBER, err;

    if (!f) return FALSE;
    /* The contract first: without FLAGS_ATTACH_PROPERTIES no tables; with it, tables; the
     * first call's HFRAME is stale after the second. */
    if (!ExpertGetFrame(key, GET_SPECIFIED_FRAME, 0, 0, NULL, &d)) {
        HFRAME old = d.hFrame;
        LPPROTOCOLINFO ip = GetProtocolInfo(GetProtocolFromName((LPSTR)"ETHERNET"));
        HPROPERTY src = GetProperty(GetProtocolFromName((LPSTR)"ETHERNET"), (LPSTR)"Source Address");
        if (d.lpPropertyTable || d.lpRecognizeDataTable || !ip || !src) {
            fprintf(f, "CONTRACT: tables without FLAGS_ATTACH_PROPERTIES, or no ETHERNET\n");
            goto bad;
        }
        if (ExpertGetFrame(key, GET_SPECIFIED_FRAME, FLAGS_ATTACH_PROPERTIES, 0, NULL, &d) ||
            !d.lpPropertyTable || !d.lpRecognizeDataTable || d.hFrame == old ||
            FindPropertyInstance(old, src)) {
            fprintf(f, "CONTRACT: no tables with FLAGS_ATTACH_PROPERTIES, or a stale HFRAME works\n");
            goto bad;
        }
    }
    for (;;) {
        LPPROPERTYTABLE t;
        LPRECOGNIZEDATATABLE r;
        DWORD i, j;

        if (one) err = ExpertGetFrame(key, GET_SPECIFIED_FRAME, FLAGS_ATTACH_PROPERTIES,
                                      (DWORD)strtoul(one, NULL, 10), NULL, &d);
        else err = ExpertGetFrame(key, GET_FRAME_NEXT_FORWARD, FLAGS_ATTACH_PROPERTIES, n, NULL, &d);
        if (err) break;
        n = d.FrameNumber;
        t = d.lpPropertyTable;
        r = d.lpRecognizeDataTable;
        if (!t || !r) { fprintf(f, "%lu\tNO TABLES\n", (unsigned long)n); break; }
        for (i = 0; i < t->nPropertyInstTables && i < r->nRecognizeDatas; i++) {
            const char *pn = proto_name(r->RecognizeData[i].ProtocolID);
            for (j = 0; j < t->PropertyInstTable[i].nPropertyInsts; j++) {
                LPPROPERTYINST pi = &t->lpFirstPropertyInst[t->PropertyInstTable[i].nPropertyInstIndex + j];
                if (pi->lpPropertyInfo->DataType == PROP_TYPE_SUMMARY) continue;
                fprintf(f, "%lu\t%u\t%s\t%s\t", (unsigned long)n, (unsigned)pi->Level, pn,
                        pi->lpPropertyInfo->Label);
                print_value(f, pi);
                fputc('\n', f);
            }
        }
        if (one) break;
    }
    if (f != stdout) fclose(f);
    else fflush(f);
    return err == NMERR_NO_MORE_FRAMES || err == NMERR_SUCCESS;
bad:
    if (f != stdout) fclose(f);
    return FALSE;
}
