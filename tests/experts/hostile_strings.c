/* hostile_strings.c - test expert whose every string is hostile to a report: printf
 * conversions (%s %n), quotes and backslashes, markup, terminal escape sequences, control
 * characters, bytes above 0x7f, and a description longer than the host keeps. Event name,
 * source, description, column names and a string column, and the status text all carry
 * them. tests/check-report-strings.sh checks that the text and JSON reports show them as
 * text: escaped, bounded, never interpreted. */
#include <windows.h>
#include <netmon.h>
#include <stdio.h>
#include <string.h>

#define LONG_DESC 20000         /* the host keeps 16 KiB of one string */

__declspec(dllexport) BOOL WINAPI Register(PEXPERTENUMINFO info);
__declspec(dllexport) BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config,
                                      PEXPERTSTARTUPINFO startup, DWORD flags, HWND wnd);

/* Kept in step with check-report-strings.sh. */
static const char fmt_str[] = "%s%s%s%n%x%p %99999d";
static const char quote_str[] = "say \"hi\" \\ back\\slash '\x27";
static const char markup_str[] = "<script>alert(1)</script>&amp;";
static const char escape_str[] = "\x1b[31mred\x1b[0m\x07 bell\r\n\ttab\x7f del\x01";
static const char high_str[] = "caf\xe9 \xff\xfe";

BOOL WINAPI Register(PEXPERTENUMINFO info)
{
    snprintf(info->szName, sizeof(info->szName), "t_hostile %%s \"<b>\"");
    snprintf(info->szVendor, sizeof(info->szVendor), "%s", markup_str);
    snprintf(info->szDescription, sizeof(info->szDescription), "%s", escape_str);
    return TRUE;
}

BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config, PEXPERTSTARTUPINFO startup,
                DWORD flags, HWND wnd)
{
    SIZE_T size = sizeof(NMEVENTDATA) + 4 * sizeof(NMCOLUMNINFO);
    NMEVENTDATA *ev;
    char *desc;
    DWORD err, rc;

    (void)config; (void)startup; (void)flags; (void)wnd;
    ExpertIndicateStatus(key, EXPERTSTATUS_RUNNING, 0, fmt_str, 50);
    if (!(ev = ExpertAllocMemory(key, size, &err)) || !(desc = ExpertAllocMemory(key, LONG_DESC + 1, &err)))
        return FALSE;
    memset(desc, 'x', LONG_DESC);
    memcpy(desc, fmt_str, sizeof(fmt_str) - 1);
    desc[LONG_DESC] = 0;
    ev->Severity = NMEVENT_SEVERITY_WARNING;
    ev->szSourceName = (LPSTR)quote_str;
    ev->szEventName = (LPSTR)markup_str;
    ev->szDescription = desc;
    ev->NumColumns = 4;
    ev->Column[0].szColumnName = (LPSTR)fmt_str;
    ev->Column[0].VariantData.Type = NMCOLUMNTYPE_STRING;
    ev->Column[0].VariantData.Value.pStringVal = escape_str;
    ev->Column[1].szColumnName = (LPSTR)quote_str;
    ev->Column[1].VariantData.Type = NMCOLUMNTYPE_STRING;
    ev->Column[1].VariantData.Value.pStringVal = high_str;
    ev->Column[2].szColumnName = (LPSTR)markup_str;
    ev->Column[2].VariantData.Type = NMCOLUMNTYPE_STRING;
    ev->Column[2].VariantData.Value.pStringVal = fmt_str;
    ev->Column[3].szColumnName = (LPSTR)escape_str;
    ev->Column[3].VariantData.Type = NMCOLUMNTYPE_UINT32;
    ev->Column[3].VariantData.Value.Uint32Val = 7;
    if ((rc = ExpertSubmitEvent(key, ev)) != NMERR_SUCCESS) return FALSE;
    ExpertIndicateStatus(key, EXPERTSTATUS_RUNNING, 0, escape_str, 90);
    ExpertFreeMemory(key, desc);
    ExpertFreeMemory(key, ev);
    return TRUE;
}
