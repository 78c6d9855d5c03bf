/* events.c - test expert: submits three events from ONE ExpertAllocMemory'd buffer,
 * rewriting its strings in place between submits, so the host must deep-copy each event
 * (docs/design.md "Events and status"). Covers every NMCOLUMNTYPE, a 2000-character
 * description, NULL optional strings, zero columns, and status text/percent limits. */
#include <windows.h>
#include <netmon.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define NCOLUMNS 16             /* one per NMCOLUMNTYPE, UINT8 (0) .. STRING (15) */
#define LONG_DESC 2000
#define LONG_STATUS 400

__declspec(dllexport) BOOL WINAPI Register(PEXPERTENUMINFO info);
__declspec(dllexport) BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config,
                                      PEXPERTSTARTUPINFO startup, DWORD flags, HWND wnd);

/* The strings live in the same block as the event, after its columns. */
struct strings {
    char source[16];
    char name[16];
    char desc[LONG_DESC + 1];
    char machine[16];
    char justification[32];
    char column_names[NCOLUMNS][16];
    char text[16];              /* the STRING column's value */
};

static BOOL __attribute__((format(__MINGW_PRINTF_FORMAT, 2, 3)))
fail(HEXPERTKEY key, const char *fmt, ...)
{
    char text[EXPERTSTRINGLENGTH];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    ExpertIndicateStatus(key, EXPERTSTATUS_PROBLEM, 0, text, 0);
    return FALSE;
}

/* Fills the 16 columns, one of each type, in NMCOLUMNTYPE order. */
static void fill_columns(NMCOLUMNINFO *col, struct strings *s)
{
    static const char *const names[NCOLUMNS] = {
        "uint8", "sint8", "uint16", "sint16", "uint32", "sint32", "float64", "frame",
        "yesno", "onoff", "truefalse", "macaddr", "ipxaddr", "ipaddr", "vartime", "string"
    };
    static const BYTE mac[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
    static const BYTE ipx_subnet[4] = { 0x00, 0x00, 0x12, 0x34 };
    int i;

    for (i = 0; i < NCOLUMNS; i++) {
        snprintf(s->column_names[i], sizeof(s->column_names[i]), "%s", names[i]);
        col[i].szColumnName = s->column_names[i];
        memset(&col[i].VariantData, 0, sizeof(col[i].VariantData));
        col[i].VariantData.Type = (NMCOLUMNTYPE)i;
    }
    col[NMCOLUMNTYPE_UINT8].VariantData.Value.Uint8Val = 200;
    col[NMCOLUMNTYPE_SINT8].VariantData.Value.Sint8Val = -100;
    col[NMCOLUMNTYPE_UINT16].VariantData.Value.Uint16Val = 60000;
    col[NMCOLUMNTYPE_SINT16].VariantData.Value.Sint16Val = -30000;
    col[NMCOLUMNTYPE_UINT32].VariantData.Value.Uint32Val = 4000000000UL;
    col[NMCOLUMNTYPE_SINT32].VariantData.Value.Sint32Val = -2000000000L;
    col[NMCOLUMNTYPE_FLOAT64].VariantData.Value.Float64Val = 1.5;
    col[NMCOLUMNTYPE_FRAME].VariantData.Value.FrameVal = 7;
    col[NMCOLUMNTYPE_YESNO].VariantData.Value.YesNoVal = TRUE;
    col[NMCOLUMNTYPE_ONOFF].VariantData.Value.OnOffVal = FALSE;
    col[NMCOLUMNTYPE_TRUEFALSE].VariantData.Value.TrueFalseVal = TRUE;
    memcpy(col[NMCOLUMNTYPE_MACADDR].VariantData.Value.MACAddrVal, mac, sizeof(mac));
    memcpy(col[NMCOLUMNTYPE_IPXADDR].VariantData.Value.IPXAddrVal.Subnet, ipx_subnet,
           sizeof(ipx_subnet));
    memcpy(col[NMCOLUMNTYPE_IPXADDR].VariantData.Value.IPXAddrVal.Address, mac, sizeof(mac));
    col[NMCOLUMNTYPE_IPADDR].VariantData.Value.IPAddrVal = 0x0a000001;
    col[NMCOLUMNTYPE_VARTIME].VariantData.Value.VarTimeVal = 2.25;
    snprintf(s->text, sizeof(s->text), "hello");
    col[NMCOLUMNTYPE_STRING].VariantData.Value.pStringVal = s->text;
}

BOOL WINAPI Register(PEXPERTENUMINFO info)
{
    snprintf(info->szName, sizeof(info->szName), "t_events");
    snprintf(info->szVendor, sizeof(info->szVendor), "nmshim tests");
    snprintf(info->szDescription, sizeof(info->szDescription),
             "Submits three events from one reused buffer, then long/odd status");
    info->Version = 0;
    info->Flags = 0;
    return TRUE;
}

BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config, PEXPERTSTARTUPINFO startup,
                DWORD flags, HWND wnd)
{
    const SIZE_T head = sizeof(NMEVENTDATA) + NCOLUMNS * sizeof(NMCOLUMNINFO);
    char status[LONG_STATUS + 1];
    NMEVENTDATA *ev;
    struct strings *s;
    DWORD err = 0xdeadbeef, rc;
    BOOL ok = TRUE;
    int i;

    (void)config; (void)startup; (void)flags; (void)wnd;

    ev = ExpertAllocMemory(key, head + sizeof(struct strings), &err);
    if (!ev)
        return fail(key, "alloc of the event buffer: NULL, err %lu", err);
    memset(ev, 0, head + sizeof(struct strings));
    s = (struct strings *)((BYTE *)ev + head);

    /* Event 1: all 16 column types, every string set. */
    ev->Version = 0;
    ev->EventIdent = 1;
    ev->Flags = NMEVENTFLAG_EXPERT;
    ev->Severity = NMEVENT_SEVERITY_INFORMATIONAL;
    ev->NumColumns = NCOLUMNS;
    snprintf(s->source, sizeof(s->source), "t_events");
    snprintf(s->name, sizeof(s->name), "event1");
    snprintf(s->desc, sizeof(s->desc), "first event: one column of each type");
    snprintf(s->machine, sizeof(s->machine), "machine1");
    snprintf(s->justification, sizeof(s->justification), "justification1");
    ev->szSourceName = s->source;
    ev->szEventName = s->name;
    ev->szDescription = s->desc;
    ev->szMachine = s->machine;
    ev->Justification = s->justification;
    fill_columns(ev->Column, s);
    rc = ExpertSubmitEvent(key, ev);
    if (rc != NMERR_SUCCESS)
        ok = fail(key, "submit of event1 returned %lu", rc);

    /* Event 2: same buffer, strings rewritten in place; a 2000-character description
     * and no machine or justification. */
    ev->EventIdent = 2;
    ev->Severity = NMEVENT_SEVERITY_WARNING;
    snprintf(s->name, sizeof(s->name), "event2");
    for (i = 0; i < LONG_DESC; i++)
        s->desc[i] = (char)('a' + i % 26);
    s->desc[LONG_DESC] = '\0';
    snprintf(s->machine, sizeof(s->machine), "overwritten");
    snprintf(s->justification, sizeof(s->justification), "overwritten");
    ev->szMachine = NULL;
    ev->Justification = NULL;
    rc = ExpertSubmitEvent(key, ev);
    if (rc != NMERR_SUCCESS)
        ok = fail(key, "submit of event2 returned %lu", rc);

    /* Event 3: critical, no columns; column names and values scribbled over. */
    ev->EventIdent = 3;
    ev->Severity = NMEVENT_SEVERITY_CRITICAL_ERROR;
    ev->NumColumns = 0;
    snprintf(s->name, sizeof(s->name), "event3");
    snprintf(s->desc, sizeof(s->desc), "third event: critical, no columns");
    memset(s->column_names, 'X', sizeof(s->column_names) - 1);
    memset(ev->Column, 0xee, NCOLUMNS * sizeof(NMCOLUMNINFO));
    rc = ExpertSubmitEvent(key, ev);
    if (rc != NMERR_SUCCESS)
        ok = fail(key, "submit of event3 returned %lu", rc);

    rc = ExpertFreeMemory(key, ev);
    if (rc != NMERR_SUCCESS)
        ok = fail(key, "free of the event buffer returned %lu", rc);

    /* Status limits: text longer than the host's 260-byte record, percent over 99. */
    for (i = 0; i < LONG_STATUS; i++)
        status[i] = (char)('0' + i % 10);
    status[LONG_STATUS] = '\0';
    rc = ExpertIndicateStatus(key, EXPERTSTATUS_RUNNING, 0, status, 150);
    if (rc != NMERR_SUCCESS)
        ok = fail(key, "status with %d characters, 150%% returned %lu", LONG_STATUS, rc);
    if (ok) {
        rc = ExpertIndicateStatus(key, EXPERTSTATUS_RUNNING, 0, "events done", 42);
        if (rc != NMERR_SUCCESS)
            ok = fail(key, "status \"events done\" returned %lu", rc);
    }
    return ok;
}
