/*
 * report.c - nmhost's printers: the text report (stdout) and the JSON report (REPORT.md).
 *
 * Expert strings are untrusted bytes in the ANSI code page. They are only ever passed to
 * fputs/fputc after escaping (never as a format), control characters cannot reach the
 * terminal, and the JSON output is pure ASCII (\uXXXX for everything else), so any JSON
 * parser accepts it whatever the expert wrote.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "report.h"

/* ---- names ------------------------------------------------------------------------ */

const char *nm_report_outcome_name(NMSHIM_OUTCOME outcome)
{
    switch (outcome) {
    case NMSHIM_PENDING:       return "pending";
    case NMSHIM_DONE:          return "done";
    case NMSHIM_FAILED:        return "failed";
    case NMSHIM_FAULT_OUTCOME: return "fault";
    case NMSHIM_TERMINATED:    return "terminated";
    case NMSHIM_HUNG:          return "hung";
    case NMSHIM_LOAD_ERROR:    return "load_error";
    }
    return "unknown";
}

/* EXPERTSTATUSENUMERATION, in docs/expert-api.md §2 order. */
const char *nm_report_state_name(DWORD state)
{
    static const char *const names[] = { "inactive", "starting", "running", "problem",
                                         "aborted", "done" };
    return state < sizeof(names) / sizeof(names[0]) ? names[state] : "unknown";
}

const char *nm_report_history_kind(DWORD kind)
{
    static const char *const names[] = { "change", "last", "final" };
    return kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "unknown";
}

static const char *severity_name(DWORD severity)
{
    static const char *const names[] = { "informational", "warning", "strong_warning",
                                         "error", "severe_error", "critical_error" };
    return severity < sizeof(names) / sizeof(names[0]) ? names[severity] : "unknown";
}

/* NMCOLUMNTYPE values 0..15 (netmon.h); the JSON "type" strings. */
static const char *column_type_name(DWORD type)
{
    static const char *const names[] = { "uint8", "sint8", "uint16", "sint16", "uint32",
        "sint32", "float64", "frame", "yesno", "onoff", "truefalse", "macaddr", "ipxaddr",
        "ipaddr", "vartime", "string" };
    return type < sizeof(names) / sizeof(names[0]) ? names[type] : "unknown";
}

/* ---- small formatting helpers ----------------------------------------------------- */

/* ULONGLONG without printf: msvcrt and gcc's format checker disagree on %llu/%I64u. */
static const char *u64str(ULONGLONG v, char buf[24])
{
    char *p = buf + 23;
    *p = 0;
    do { *--p = (char)('0' + v % 10); v /= 10; } while (v);
    return p;
}

/* Shortest of %.15g / %.17g that reads back exactly: 0.1 stays "0.1", no value changes. */
static void format_double(double d, char *buf, size_t len)
{
    snprintf(buf, len, "%.15g", d);
    if (strtod(buf, NULL) != d)
        snprintf(buf, len, "%.17g", d);
}

void nm_report_clean(const char *s, char *buf, size_t len)
{
    size_t i = 0;
    if (!len) return;
    for (; s && *s && i + 1 < len; s++) {
        unsigned char c = (unsigned char)*s;
        buf[i++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    buf[i] = 0;
}

/* A cleaned heap copy for table cells (the table measures widths first). */
static const char *base_name_of(const char *path)
{
    const char *p, *b = path;
    for (p = path; *p; p++)
        if (*p == '\\' || *p == '/' || *p == ':') b = p + 1;
    return b;
}

static char *clean_dup(const char *s)
{
    size_t n = s ? strlen(s) + 1 : 1;
    char *p = malloc(n);
    if (p) nm_report_clean(s, p, n);
    return p;
}

/* Table cells longer than this end in "..." in the text report (the JSON has them
 * whole): one 1000-character description should not bury the rest of the table. */
#define CELL_MAX 160

static char *cell_dup(const char *s)
{
    char *p = clean_dup(s);
    if (p && strlen(p) > CELL_MAX) strcpy(p + CELL_MAX - 3, "...");
    return p;
}

/* ---- column values (shared by both printers) -------------------------------------- */

enum value_kind { VAL_NULL, VAL_NUMBER, VAL_BOOL, VAL_TEXT, VAL_EXPERT_STRING };

/* Formats one NMCOLUMNVARIANT. VAL_TEXT: buf holds text we made (addresses), safe as is;
 * VAL_EXPERT_STRING: *str is the expert's string, to be escaped by the caller. IPADDR is
 * shown in memory byte order: NetMon experts copy addresses straight out of frames, so
 * the first byte in memory is the first octet (10.0.0.1 is stored 0a 00 00 01). */
static enum value_kind column_value(const NMCOLUMNVARIANT *v, char *buf, size_t len,
                                    const char **str, BOOL exact)
{
    const BYTE *b;
    *str = NULL;
    buf[0] = 0;
    switch (v->Type) {
    case NMCOLUMNTYPE_UINT8:  snprintf(buf, len, "%u", (unsigned)v->Value.Uint8Val); break;
    case NMCOLUMNTYPE_SINT8:  snprintf(buf, len, "%d", (int)(signed char)v->Value.Sint8Val); break;
    case NMCOLUMNTYPE_UINT16: snprintf(buf, len, "%u", (unsigned)v->Value.Uint16Val); break;
    case NMCOLUMNTYPE_SINT16: snprintf(buf, len, "%d", (int)v->Value.Sint16Val); break;
    case NMCOLUMNTYPE_UINT32: snprintf(buf, len, "%lu", (unsigned long)v->Value.Uint32Val); break;
    case NMCOLUMNTYPE_SINT32: snprintf(buf, len, "%ld", (long)v->Value.Sint32Val); break;
    case NMCOLUMNTYPE_FRAME:  snprintf(buf, len, "%lu", (unsigned long)v->Value.FrameVal); break;
    case NMCOLUMNTYPE_FLOAT64:
    case NMCOLUMNTYPE_VARTIME: {
        double d = v->Type == NMCOLUMNTYPE_FLOAT64 ? v->Value.Float64Val : v->Value.VarTimeVal;
        if (!isfinite(d)) return VAL_NULL;      /* JSON has no NaN/Inf */
        /* JSON: every bit (tools compute with it); text: readable (93.63, not ...513). */
        if (exact) format_double(d, buf, len);
        else snprintf(buf, len, "%.10g", d);
        break;
    }
    case NMCOLUMNTYPE_YESNO:
    case NMCOLUMNTYPE_ONOFF:
    case NMCOLUMNTYPE_TRUEFALSE:
        /* The three BOOL members share one slot; any non-zero is TRUE, as for BOOL. */
        snprintf(buf, len, "%s", v->Value.YesNoVal ? "true" : "false");
        return VAL_BOOL;
    case NMCOLUMNTYPE_MACADDR:
        b = v->Value.MACAddrVal;
        snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4], b[5]);
        return VAL_TEXT;
    case NMCOLUMNTYPE_IPXADDR:
        /* IPX notation: network (4 bytes) "." node (6 bytes), hex. */
        b = v->Value.IPXAddrVal.Subnet;
        snprintf(buf, len, "%02x%02x%02x%02x.", b[0], b[1], b[2], b[3]);
        b = v->Value.IPXAddrVal.Address;
        snprintf(buf + 9, len - 9, "%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4], b[5]);
        return VAL_TEXT;
    case NMCOLUMNTYPE_IPADDR:
        b = (const BYTE *)&v->Value.IPAddrVal;
        snprintf(buf, len, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
        return VAL_TEXT;
    case NMCOLUMNTYPE_STRING:
        *str = v->Value.pStringVal;
        return *str ? VAL_EXPERT_STRING : VAL_NULL;
    default:
        return VAL_NULL;
    }
    return VAL_NUMBER;
}

/* ---- text report ------------------------------------------------------------------ */

/* "name=value name=value" for one event, cleaned; caller frees. */
static char *text_columns(const NMEVENTDATA *ev)
{
    size_t cap = 64, used = 0;
    char *out = malloc(cap);
    BYTE i;
    if (!out) return NULL;
    out[0] = 0;
    /* Grown as needed: NumColumns is up to 255 and names are unbounded. */
    for (i = 0; i < ev->NumColumns; i++) {
        char val[64], *name, *value;
        const char *str;
        enum value_kind k = column_value(&ev->Column[i].VariantData, val, sizeof(val), &str,
                                          FALSE);
        size_t need;
        name = clean_dup(ev->Column[i].szColumnName);
        value = clean_dup(k == VAL_EXPERT_STRING ? str : k == VAL_NULL ? "-" : val);
        if (!name || !value) { free(name); free(value); break; }
        need = used + strlen(name) + strlen(value) + 3;
        if (need > cap) {
            char *p;
            while (cap < need) cap *= 2;
            if (!(p = realloc(out, cap))) { free(name); free(value); break; }
            out = p;
        }
        used += (size_t)sprintf(out + used, "%s%s=%s", used ? " " : "", name, value);
        free(name);
        free(value);
    }
    return out;
}

/* Spaces with fputc: a "%*s" width would be an int, and cell lengths are size_t. */
static void pad(FILE *out, size_t n)
{
    while (n--) fputc(' ', out);
}

/* Events as a table: SEVERITY NAME DESCRIPTION COLUMNS, widths from the content (capped,
 * so one long description does not push every row off screen; longer cells overflow). */
static void text_events(FILE *out, const nm_expert_report *e)
{
    enum { NCELL = 4, CAP = 40 };
    static const char *const head[NCELL] = { "SEVERITY", "NAME", "DESCRIPTION", "COLUMNS" };
    size_t width[NCELL], i, c;
    char *(*cells)[NCELL] = calloc(e->nevents, sizeof(*cells));

    if (!cells) { fputs("  (out of memory formatting events)\n", out); return; }
    for (c = 0; c < NCELL; c++) width[c] = strlen(head[c]);
    for (i = 0; i < e->nevents; i++) {
        const NMEVENTDATA *ev = e->events[i];
        cells[i][0] = clean_dup(severity_name(ev->Severity));
        cells[i][1] = cell_dup(ev->szEventName);
        cells[i][2] = cell_dup(ev->szDescription);
        cells[i][3] = text_columns(ev);
        for (c = 0; c < NCELL; c++) {
            size_t n = cells[i][c] ? strlen(cells[i][c]) : 0;
            if (n > width[c]) width[c] = n > CAP ? CAP : n;
        }
    }
    for (i = 0; i <= e->nevents; i++) {
        fputs("    ", out);
        for (c = 0; c < NCELL; c++) {
            const char *s = i ? cells[i - 1][c] : head[c];
            size_t n;
            if (!s) s = "";
            n = strlen(s);
            fputs(s, out);
            if (c + 1 < NCELL) pad(out, (n < width[c] ? width[c] - n : 0) + 2);
        }
        fputc('\n', out);
    }
    for (i = 0; i < e->nevents; i++)
        for (c = 0; c < NCELL; c++) free(cells[i][c]);
    free(cells);
}

/* The fault in one line a developer can act on ("module+offset" is what a map file or
 * objdump needs), plus the access for AVs ("write of 0x0" is a NULL pointer store). */
static void text_fault(FILE *out, const NMSHIM_FAULT *f)
{
    char name[64], entry[32], module[80];
    nm_report_clean(f->name, name, sizeof(name));
    nm_report_clean(f->entry, entry, sizeof(entry));
    nm_report_clean(f->module, module, sizeof(module));
    fprintf(out, "  fault:    0x%08lx %s in %s at %s+0x%llx (address 0x%llx)\n",
            (unsigned long)f->code, name[0] ? name : "(unknown exception)",
            entry[0] ? entry : "?", module[0] ? module : "?",
            (unsigned long long)f->offset, (unsigned long long)f->address);
    if (f->av_access == 0 || f->av_access == 1 || f->av_access == 8)
        fprintf(out, "            %s of 0x%llx\n",
                f->av_access == 0 ? "read" : f->av_access == 1 ? "write" : "execute",
                (unsigned long long)f->av_target);
}

/* ---- fault injection (--fail-alloc, --fail-alloc-every, --stop-at-frame) ---------- */

static BOOL injection_on(const nm_injection *in)
{
    return in->fail_alloc || in->fail_alloc_every || in->stop_at_frame_set;
}

/* The run's line under the capture: what was asked for. */
static void text_injection_run(FILE *out, const nm_injection *in)
{
    const char *sep = "";
    if (!injection_on(in)) return;
    fputs("fault injection:", out);
    if (in->fail_alloc) {
        fprintf(out, " --fail-alloc %lu", (unsigned long)in->fail_alloc);
        sep = ",";
    }
    if (in->fail_alloc_every) {
        fprintf(out, "%s --fail-alloc-every %lu", sep, (unsigned long)in->fail_alloc_every);
        sep = ",";
    }
    if (in->stop_at_frame_set)
        fprintf(out, "%s --stop-at-frame %lu", sep, (unsigned long)in->stop_at_frame);
    fputc('\n', out);
}

/* One expert's line: what was injected into it (only what was asked for). */
static void text_injected(FILE *out, const nm_report *r, const nm_expert_report *e)
{
    const NMSHIM_INJECTED *j = &e->injected;
    const nm_injection *in = &r->injection;
    char b1[24], b2[24];
    if (!injection_on(in) || !e->have_injected) return;
    fputs("  injected:", out);
    if (in->fail_alloc || in->fail_alloc_every)
        fprintf(out, " %s allocation failure%s (of %s calls counted)%s",
                u64str(j->alloc_failures, b1), j->alloc_failures == 1 ? "" : "s",
                u64str(j->alloc_calls, b2), in->stop_at_frame_set ? "," : "");
    if (j->stop_injected) fprintf(out, " stop at frame %lu", (unsigned long)j->stop_frame);
    else if (in->stop_at_frame_set)
        fprintf(out, " no stop (frame %lu was never asked for)", (unsigned long)in->stop_at_frame);
    fputc('\n', out);
}

/* One expert's block. A load error has no status, events or memory to show: the DLL
 * never got a Run instance. */
static void text_expert(FILE *out, const nm_report *r, DWORD index, const nm_expert_report *e)
{
    char buf[EXPERTSTRINGLENGTH + 8], b1[24], b2[24], b3[24], b4[24];
    const NMSHIM_RESULT *res = &e->result;
    const NMSHIM_MEMSTATS *m = &res->memory;

    nm_report_clean(e->have_info ? e->info.szName : NULL, buf, sizeof(buf));
    fprintf(out, "\nexpert %lu: %s\n", (unsigned long)index + 1, buf[0] ? buf : "(no name)");
    if (e->have_info) {
        nm_report_clean(e->info.szVendor, buf, sizeof(buf));
        fprintf(out, "  vendor:   %s\n", buf);
    }
    nm_report_clean(e->dll, buf, sizeof(buf));
    fprintf(out, "  dll:      %s\n", buf);
    fprintf(out, "  outcome:  %s", nm_report_outcome_name(e->have_result ? res->outcome
                                                                      : NMSHIM_PENDING));
    nm_report_clean(res->message, buf, sizeof(buf));
    fprintf(out, "%s%s\n", buf[0] ? ": " : "", buf);
    if (e->config_loaded || e->configured)
        fprintf(out, "  config:   %s%s%s\n", e->config_loaded ? "loaded from file" : "",
                e->config_loaded && e->configured ? ", " : "",
                e->configured ? "set by Configure" : "");
    if (!e->have_result || res->outcome == NMSHIM_LOAD_ERROR) return;

    nm_report_clean(res->status.szStatusText, buf, sizeof(buf));
    fprintf(out, "  status:   %s, %lu%%%s%s\n", nm_report_state_name(res->status.Status),
            (unsigned long)res->status.PercentDone, buf[0] ? ", " : "", buf);
    /* The history itself is for the JSON and HTML reports: here only how long it is. */
    if (e->nhistory) {
        fprintf(out, "  history:  %lu entr%s", (unsigned long)e->nhistory, e->nhistory == 1 ? "y" : "ies");
        if (e->history_dropped)
            fprintf(out, " (%lu dropped)", (unsigned long)e->history_dropped);
        fputs("\n", out);
    }
    if (res->outcome == NMSHIM_FAULT_OUTCOME) text_fault(out, &res->fault);
    fprintf(out, "  events:   %lu\n", (unsigned long)e->nevents);
    if (e->nevents) text_events(out, e);
    fprintf(out, "  memory:   %s allocs, %s reallocs, %s frees, %s bad calls\n",
            u64str(m->allocs, b1), u64str(m->reallocs, b2), u64str(m->frees, b3),
            u64str(m->bad_calls, b4));
    fprintf(out, "            peak %s blocks / %s bytes, ", u64str(m->peak_blocks, b1),
            u64str(m->peak_bytes, b2));
    fprintf(out, "leaked %s blocks / %s bytes\n", u64str(m->leaked_blocks, b1),
            u64str(m->leaked_bytes, b2));
    if (m->bad_calls && m->last_bad_reason[0]) {
        nm_report_clean(m->last_bad_reason, buf, sizeof(buf));
        fprintf(out, "            last bad call: %s (error %lu)\n", buf,
                (unsigned long)m->last_bad_error);
    }
    text_injected(out, r, e);
    fprintf(out, "  elapsed:  %lu ms\n", (unsigned long)res->elapsed_ms);
}

/* --list: one block per expert with what Register said. */
static void text_list(FILE *out, DWORD index, const nm_expert_report *e)
{
    char buf[EXPERTSTRINGLENGTH + 8];
    nm_report_clean(e->dll, buf, sizeof(buf));
    fprintf(out, "%s%lu. %s\n", index ? "\n" : "", (unsigned long)index + 1, buf);
    if (!e->have_info || (e->have_result && e->result.outcome != NMSHIM_PENDING
                          && e->result.outcome != NMSHIM_DONE)) {
        nm_report_clean(e->result.message, buf, sizeof(buf));
        fprintf(out, "   %s: %s\n", nm_report_outcome_name(e->result.outcome), buf);
        if (!e->have_info) return;
    }
    nm_report_clean(e->info.szName, buf, sizeof(buf));
    fprintf(out, "   name:        %s\n", buf);
    nm_report_clean(e->info.szVendor, buf, sizeof(buf));
    fprintf(out, "   vendor:      %s\n", buf);
    nm_report_clean(e->info.szDescription, buf, sizeof(buf));
    fprintf(out, "   description: %s\n", buf);
    fprintf(out, "   flags:       0x%08lx%s%s%s\n", (unsigned long)e->info.Flags,
            e->info.Flags & EXPERT_ENUM_FLAG_CONFIGURABLE ? " configurable" : "",
            e->info.Flags & EXPERT_ENUM_FLAG_VIEWER_PRIVATE ? " viewer-private" : "",
            e->info.Flags & EXPERT_ENUM_FLAG_NO_VIEWER ? " no-viewer" : "");
}

/* Plug-in parsers (README "Loading parsers"): a disabled one is a warning, not a failure. */
static void text_parsers(FILE *out, const nm_report *r)
{
    DWORD i;
    char buf[MAX_PATH + 8];

    if (!r->nparsers) return;
    fprintf(out, "parsers:\n");
    for (i = 0; i < r->nparsers; i++) {
        const NMSHIM_PARSER_INFO *p = &r->parsers[i];
        nm_report_clean(base_name_of(p->dll), buf, sizeof(buf));
        fprintf(out, "  %s: ", buf);
        nm_report_clean(p->protocols, buf, sizeof(buf));
        fprintf(out, "%s, %s", buf[0] ? buf : "(no protocol)",
                p->state == NMSHIM_PARSER_DISABLED ? "DISABLED" : "ok");
        if (p->state == NMSHIM_PARSER_DISABLED) {
            nm_report_clean(p->why, buf, sizeof(buf));
            fprintf(out, ": %s", buf);
            if (p->disabled_frame != (DWORD)-1) fprintf(out, " at frame %lu", (unsigned long)p->disabled_frame);
            fprintf(out, "; %lu frame%s affected", (unsigned long)p->frames_affected,
                    p->frames_affected == 1 ? "" : "s");
        }
        fputc('\n', out);
        if (p->fault.code) {            /* as text_fault, the entry point said above */
            char name[64], module[80];
            nm_report_clean(p->fault.name, name, sizeof(name));
            nm_report_clean(p->fault.module, module, sizeof(module));
            fprintf(out, "    fault: 0x%08lx %s at %s+0x%llx (address 0x%llx)",
                    (unsigned long)p->fault.code, name[0] ? name : "(unknown exception)",
                    module[0] ? module : "?", (unsigned long long)p->fault.offset,
                    (unsigned long long)p->fault.address);
            if (p->fault.av_access <= 1 || p->fault.av_access == 8)
                fprintf(out, ", %s of 0x%llx", p->fault.av_access == 0 ? "read" :
                        p->fault.av_access == 1 ? "write" : "execute",
                        (unsigned long long)p->fault.av_target);
            fputc('\n', out);
        }
        if (p->warnings[0]) {
            nm_report_clean(p->warnings, buf, sizeof(buf));
            fprintf(out, "    warning: %s\n", buf);
        }
    }
}

int nm_report_text(FILE *out, const nm_report *r)
{
    DWORD i, count[NMSHIM_LOAD_ERROR + 2] = { 0 };
    char buf[MAX_PATH + 8], b1[24];

    /* --list: only what Register said; there is no capture and no run. */
    if (r->list_only) {
        for (i = 0; i < r->nexperts; i++) text_list(out, i, &r->experts[i]);
        fflush(out);
        return ferror(out) ? -1 : 0;
    }
    fprintf(out, "nmhost %s (%s)\n", r->version, r->arch);
    if (r->have_capture) {
        nm_report_clean(r->capture.path, buf, sizeof(buf));
        fprintf(out, "capture: %s\n", buf);
        nm_report_clean(r->capture.format, buf, sizeof(buf));
        fprintf(out, "  format %s, %lu frames, %s bytes\n", buf,
                (unsigned long)r->capture.frames, u64str(r->capture.bytes, b1));
    }
    text_injection_run(out, &r->injection);
    text_parsers(out, r);
    for (i = 0; i < r->nexperts; i++) {
        const nm_expert_report *e = &r->experts[i];
        NMSHIM_OUTCOME o = e->have_result ? e->result.outcome : NMSHIM_PENDING;
        text_expert(out, r, i, e);
        count[(unsigned)o <= NMSHIM_LOAD_ERROR ? (unsigned)o : NMSHIM_LOAD_ERROR + 1]++;
    }
    fprintf(out, "\nsummary: %lu expert%s", (unsigned long)r->nexperts,
            r->nexperts == 1 ? "" : "s");
    for (i = 0; i <= NMSHIM_LOAD_ERROR; i++)
        if (count[i])
            fprintf(out, ", %lu %s", (unsigned long)count[i],
                    nm_report_outcome_name((NMSHIM_OUTCOME)i));
    fprintf(out, "; exit status %d\n", r->exit_status);
    fflush(out);
    return ferror(out) ? -1 : 0;
}

/* ---- JSON report ------------------------------------------------------------------ */

/* One UTF-16 unit, escaped per RFC 8259: the short escapes where JSON has them,
 * \u for the rest of the control and non-ASCII range, so the output stays ASCII. */
static void json_wchar(FILE *out, unsigned c)
{
    switch (c) {
    case '"':  fputs("\\\"", out); return;
    case '\\': fputs("\\\\", out); return;
    case '\n': fputs("\\n", out); return;
    case '\r': fputs("\\r", out); return;
    case '\t': fputs("\\t", out); return;
    }
    if (c >= 0x20 && c < 0x7f) fputc((int)c, out);
    else fprintf(out, "\\u%04x", c);   /* UTF-16 units: surrogate pairs come out as pairs */
}

/* A JSON string (or null). Expert strings are char strings in the ANSI code page, as for
 * every "A" API, so non-ASCII bytes are decoded with CP_ACP; if that fails each byte is
 * taken as Latin-1. Either way the output is ASCII and valid JSON. */
static void json_str(FILE *out, const char *s)
{
    const char *p;
    if (!s) { fputs("null", out); return; }
    fputc('"', out);
    /* Plain ASCII (nearly every string) skips the conversion and its allocation. */
    for (p = s; *p && !((unsigned char)*p & 0x80); p++) {}
    if (*p) {
        int n = MultiByteToWideChar(CP_ACP, 0, s, -1, NULL, 0);
        WCHAR *w = n > 0 ? malloc((size_t)n * sizeof(WCHAR)) : NULL;
        if (w && MultiByteToWideChar(CP_ACP, 0, s, -1, w, n) == n) {
            int i;
            for (i = 0; i + 1 < n; i++) json_wchar(out, w[i]);
            free(w);
            fputc('"', out);
            return;
        }
        free(w);
    }
    for (p = s; *p; p++) json_wchar(out, (unsigned char)*p);
    fputc('"', out);
}

/* A fixed-size char array from a structure: bounded, in case it is not terminated. */
static void json_arr(FILE *out, const char *a, size_t size)
{
    char buf[(EXPERTSTRINGLENGTH > MAX_PATH ? EXPERTSTRINGLENGTH : MAX_PATH) + 1];
    size_t n = strnlen(a, size < sizeof(buf) - 1 ? size : sizeof(buf) - 1);
    memcpy(buf, a, n);
    buf[n] = 0;
    json_str(out, buf);
}

/* As json_arr, but an empty string is null (optional fields: message, module). */
static void json_opt(FILE *out, const char *a, size_t size)
{
    if (!size || !a[0]) fputs("null", out);
    else json_arr(out, a, size);
}

/* Keys are our literals (never expert text), so they need no escaping. */
static void json_key(FILE *out, const char *key, int first)
{
    fprintf(out, "%s\"%s\": ", first ? "" : ", ", key);
}

static void json_u64(FILE *out, const char *key, ULONGLONG v, int first)
{
    char b[24];
    json_key(out, key, first);
    fputs(u64str(v, b), out);
}

/* Addresses as pointer-width hex strings: a JSON number (a double to most readers)
 * cannot hold every 64-bit address exactly. */
static void json_hex(FILE *out, ULONG_PTR v)
{
    fprintf(out, "\"0x%0*llx\"", (int)(2 * sizeof(v)), (unsigned long long)v);
}

static void json_fault(FILE *out, const NMSHIM_FAULT *f)
{
    fputs("{", out);
    json_u64(out, "code", f->code, 1);
    json_key(out, "name", 0);  json_opt(out, f->name, sizeof(f->name));
    json_key(out, "entry", 0); json_opt(out, f->entry, sizeof(f->entry));
    json_key(out, "module", 0); json_opt(out, f->module, sizeof(f->module));
    json_u64(out, "offset", f->offset, 0);
    json_key(out, "address", 0); json_hex(out, f->address);
    json_key(out, "access", 0);
    fputs(f->av_access == 0 ? "\"read\"" : f->av_access == 1 ? "\"write\""
          : f->av_access == 8 ? "\"execute\"" : "null", out);
    json_key(out, "target", 0);
    if (f->av_access == 0 || f->av_access == 1 || f->av_access == 8) json_hex(out, f->av_target);
    else fputs("null", out);
    fputs("}", out);
}

/* ISO 8601 layout without a zone: NetMon means SysTime relative to the capture
 * (docs/expert-api.md §6.2 NMEVENTDATA), so no zone would be true. Printed as given, even
 * when the expert left it zero. */
static void json_time(FILE *out, const SYSTEMTIME *t)
{
    fprintf(out, "\"%04u-%02u-%02uT%02u:%02u:%02u.%03u\"", t->wYear, t->wMonth, t->wDay,
            t->wHour, t->wMinute, t->wSecond, t->wMilliseconds);
}

/* One event: the host's deep copy (NmShimGetEvent), so NumColumns entries of Column[]
 * are really there; the strings are still the expert's bytes and get escaped. */
static void json_event(FILE *out, const NMEVENTDATA *ev, const char *indent)
{
    BYTE i;
    fprintf(out, "%s{", indent);
    json_u64(out, "ident", ev->EventIdent, 1);
    json_u64(out, "severity", ev->Severity, 0);
    json_u64(out, "flags", ev->Flags, 0);
    json_key(out, "source", 0);      json_str(out, ev->szSourceName);
    json_key(out, "name", 0);        json_str(out, ev->szEventName);
    json_key(out, "description", 0); json_str(out, ev->szDescription);
    json_key(out, "time", 0);        json_time(out, &ev->SysTime);
    json_key(out, "columns", 0);
    fputs("[", out);
    for (i = 0; i < ev->NumColumns; i++) {
        const NMCOLUMNVARIANT *v = &ev->Column[i].VariantData;
        char val[64];
        const char *str;
        enum value_kind k = column_value(v, val, sizeof(val), &str, TRUE);
        fputs(i ? ", {" : "{", out);
        json_key(out, "name", 1);  json_str(out, ev->Column[i].szColumnName);
        json_key(out, "type", 0);  fprintf(out, "\"%s\"", column_type_name(v->Type));
        json_key(out, "value", 0);
        switch (k) {
        case VAL_NULL:          fputs("null", out); break;
        case VAL_NUMBER:
        case VAL_BOOL:          fputs(val, out); break;
        case VAL_TEXT:          json_str(out, val); break;
        case VAL_EXPERT_STRING: json_str(out, str); break;
        }
        fputs("}", out);
    }
    fputs("]}", out);
}

static void json_memory(FILE *out, const NMSHIM_MEMSTATS *m)
{
    fputs("{", out);
    json_u64(out, "allocs", m->allocs, 1);
    json_u64(out, "reallocs", m->reallocs, 0);
    json_u64(out, "frees", m->frees, 0);
    json_u64(out, "bad_calls", m->bad_calls, 0);
    json_u64(out, "failed", m->failed, 0);
    json_u64(out, "peak_blocks", m->peak_blocks, 0);
    json_u64(out, "peak_bytes", m->peak_bytes, 0);
    json_u64(out, "leaked_blocks", m->leaked_blocks, 0);
    json_u64(out, "leaked_bytes", m->leaked_bytes, 0);
    json_key(out, "last_bad_reason", 0);
    json_opt(out, m->last_bad_reason, m->bad_calls ? sizeof(m->last_bad_reason) : 0);
    fputs("}", out);
}

/* "injection" (the run's) and "injected" (each expert's): REPORT.md "Fault injection". */
static void json_injection_run(FILE *out, const nm_injection *in)
{
    fputs(",\n \"injection\": ", out);
    if (!injection_on(in)) { fputs("null", out); return; }
    fputs("{\"fail_alloc\": ", out);
    if (in->fail_alloc) fprintf(out, "%lu", (unsigned long)in->fail_alloc);
    else fputs("null", out);
    fputs(", \"fail_alloc_every\": ", out);
    if (in->fail_alloc_every) fprintf(out, "%lu", (unsigned long)in->fail_alloc_every);
    else fputs("null", out);
    fputs(", \"stop_at_frame\": ", out);
    if (in->stop_at_frame_set) fprintf(out, "%lu", (unsigned long)in->stop_at_frame);
    else fputs("null", out);
    fputs("}", out);
}

static void json_injected(FILE *out, const nm_report *r, const nm_expert_report *e, BOOL ran)
{
    const NMSHIM_INJECTED *j = &e->injected;
    json_key(out, "injected", 0);
    if (!ran || !injection_on(&r->injection) || !e->have_injected) { fputs("null", out); return; }
    fputs("{", out);
    json_u64(out, "alloc_calls", j->alloc_calls, 1);
    json_u64(out, "alloc_failures", j->alloc_failures, 0);
    json_key(out, "stop_frame", 0);
    if (j->stop_injected) fprintf(out, "%lu", (unsigned long)j->stop_frame);
    else fputs("null", out);
    fputs("}", out);
}

/* The status history: one object per entry, oldest first (REPORT.md, status_history). */
static void json_history(FILE *out, const nm_expert_report *e)
{
    DWORD i;
    fputs(e->nhistory ? "[\n" : "[", out);
    for (i = 0; i < e->nhistory; i++) {
        const NMSHIM_STATUS_ENTRY *h = &e->history[i];
        fprintf(out, "      {\"ms\": %lu, \"call\": %lu, \"kind\": \"%s\", \"state\": \"%s\", "
                "\"substatus\": %lu, \"percent\": %lu, \"dropped_before\": %lu, \"text\": ",
                (unsigned long)h->ms, (unsigned long)h->call, nm_report_history_kind(h->kind),
                nm_report_state_name(h->status.Status), (unsigned long)h->status.SubStatus,
                (unsigned long)h->status.PercentDone, (unsigned long)h->dropped_before);
        json_arr(out, h->status.szStatusText, sizeof(h->status.szStatusText));
        fputs(i + 1 < e->nhistory ? "},\n" : "}\n    ", out);
    }
    fputs("]", out);
}

/* One expert. Every key is always written (null when not applicable) so readers never
 * need to test for presence: the contract in REPORT.md. */
static void json_expert(FILE *out, const nm_report *r, const nm_expert_report *e)
{
    const NMSHIM_RESULT *res = &e->result;
    BOOL ran = !r->list_only && e->have_result && res->outcome != NMSHIM_LOAD_ERROR;
    DWORD i;

    fputs("    {", out);
    json_key(out, "dll", 1); json_str(out, e->dll);
    json_key(out, "name", 0);
    if (e->have_info) json_arr(out, e->info.szName, sizeof(e->info.szName));
    else fputs("null", out);
    json_key(out, "vendor", 0);
    if (e->have_info) json_arr(out, e->info.szVendor, sizeof(e->info.szVendor));
    else fputs("null", out);
    json_key(out, "description", 0);
    if (e->have_info) json_arr(out, e->info.szDescription, sizeof(e->info.szDescription));
    else fputs("null", out);
    json_key(out, "flags", 0);
    if (e->have_info) fprintf(out, "%lu", (unsigned long)e->info.Flags);
    else fputs("null", out);
    json_key(out, "outcome", 0);
    /* --list never runs anything: a DLL that loaded and registered is "loaded". */
    if (r->list_only && (!e->have_result || res->outcome == NMSHIM_PENDING))
        fputs("\"loaded\"", out);
    else
        fprintf(out, "\"%s\"", nm_report_outcome_name(e->have_result ? res->outcome
                                                                    : NMSHIM_PENDING));
    json_key(out, "message", 0); json_opt(out, res->message, sizeof(res->message));
    json_key(out, "configured", 0); fputs(e->configured ? "true" : "false", out);
    json_key(out, "config_loaded", 0); fputs(e->config_loaded ? "true" : "false", out);
    json_key(out, "fault", 0);
    if (e->have_result && res->outcome == NMSHIM_FAULT_OUTCOME) json_fault(out, &res->fault);
    else fputs("null", out);
    json_key(out, "status", 0);
    if (ran) {
        fprintf(out, "{\"state\": \"%s\", \"substatus\": %lu, \"percent\": %lu, \"text\": ",
                nm_report_state_name(res->status.Status), (unsigned long)res->status.SubStatus,
                (unsigned long)res->status.PercentDone);
        json_arr(out, res->status.szStatusText, sizeof(res->status.szStatusText));
        fputs("}", out);
    } else {
        fputs("null", out);
    }
    json_key(out, "status_history", 0);
    if (ran) json_history(out, e);
    else fputs("null", out);
    json_key(out, "status_history_dropped", 0);
    if (ran) fprintf(out, "%lu", (unsigned long)e->history_dropped);
    else fputs("null", out);
    json_key(out, "events", 0);
    fputs(e->nevents ? "[\n" : "[", out);
    for (i = 0; i < e->nevents; i++) {
        json_event(out, e->events[i], "      ");
        fputs(i + 1 < e->nevents ? ",\n" : "\n    ", out);
    }
    fputs("]", out);
    json_key(out, "memory", 0);
    if (ran) json_memory(out, &res->memory);
    else fputs("null", out);
    json_key(out, "elapsed_ms", 0);
    if (ran) fprintf(out, "%lu", (unsigned long)res->elapsed_ms);
    else fputs("null", out);
    json_injected(out, r, e, ran);
    fputs("}", out);
}

int nm_report_json(FILE *out, const nm_report *r)
{
    DWORD i;
    char b1[24];

    fputs("{\"nmhost\": ", out);
    json_str(out, r->version);
    fputs(", \"arch\": ", out);
    json_str(out, r->arch);
    fputs(",\n \"capture\": ", out);
    if (r->have_capture) {
        fputs("{\"path\": ", out);
        json_arr(out, r->capture.path, sizeof(r->capture.path));
        fputs(", \"format\": ", out);
        json_arr(out, r->capture.format, sizeof(r->capture.format));
        fprintf(out, ", \"frames\": %lu, \"bytes\": %s}", (unsigned long)r->capture.frames,
                u64str(r->capture.bytes, b1));
    } else {
        fputs("null", out);
    }
    json_injection_run(out, &r->injection);
    fprintf(out, ",\n \"exit_status\": %d,\n \"parsers\": [", r->exit_status);
    for (i = 0; i < r->nparsers; i++) {
        const NMSHIM_PARSER_INFO *p = &r->parsers[i];
        fputs(i ? ",\n  {" : "\n  {", out);
        json_key(out, "name", 1);      json_arr(out, base_name_of(p->dll), sizeof(p->dll));
        json_key(out, "dll", 0);       json_arr(out, p->dll, sizeof(p->dll));
        json_key(out, "protocols", 0); json_arr(out, p->protocols, sizeof(p->protocols));
        json_key(out, "state", 0);
        fputs(p->state == NMSHIM_PARSER_DISABLED ? "\"disabled\"" : "\"ok\"", out);
        json_key(out, "why", 0);       json_opt(out, p->why, sizeof(p->why));
        json_key(out, "entry", 0);     json_opt(out, p->entry, sizeof(p->entry));
        json_key(out, "disabled_frame", 0);
        if (p->state == NMSHIM_PARSER_DISABLED && p->disabled_frame != (DWORD)-1)
            fprintf(out, "%lu", (unsigned long)p->disabled_frame);
        else fputs("null", out);
        json_u64(out, "frames_affected", p->frames_affected, 0);
        json_key(out, "fault", 0);
        if (p->fault.code) json_fault(out, &p->fault);
        else fputs("null", out);
        json_key(out, "warnings", 0);  json_opt(out, p->warnings, sizeof(p->warnings));
        fputs("}", out);
    }
    fputs(r->nparsers ? "\n ],\n \"experts\": [\n" : "],\n \"experts\": [\n", out);
    for (i = 0; i < r->nexperts; i++) {
        json_expert(out, r, &r->experts[i]);
        fputs(i + 1 < r->nexperts ? ",\n" : "\n", out);
    }
    fputs(" ]}\n", out);
    fflush(out);
    return ferror(out) ? -1 : 0;
}
