/*
 * html.c - nmhost's HTML report: one self-contained page (host/REPORT.md, "The HTML
 * report") formatted from the same nm_report model as the text and JSON printers.
 *
 * Self-contained means nothing is fetched: the CSS, the script (table sorting, and a
 * #selftest mode tests/check-html.sh drives in headless Chromium) and the SVG charts are
 * inline, and a Content-Security-Policy of default-src 'none' makes the browser refuse
 * anything else. Expert strings (and a plug-in parser DLL's: its path, protocol names,
 * warnings) are untrusted bytes in the ANSI code page: every one goes
 * through html_str, which escapes & < > " ' (so the same function serves text and
 * attribute values), shows control characters as their Unicode "control pictures" and
 * writes everything above ASCII as a character reference, so the file is pure ASCII. No
 * expert string is ever written inside the <script> element: the script reads the DOM.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "html.h"

/* ---- escaping --------------------------------------------------------------------- */

/* One Unicode code point as HTML text. & < > " ' are escaped for text and attribute
 * values alike; non-ASCII is a numeric reference. C0 controls and DEL are shown as "\x1b"
 * (so an expert's escape sequences are visible and inert; the Unicode control pictures
 * are missing from common fonts): rich (element content) marks them with a span, plain
 * (attribute values, SVG text, <title>, where a tag would be wrong) does not. */
static void html_cp(FILE *out, unsigned long c, BOOL rich)
{
    switch (c) {
    case '&':  fputs("&amp;", out); return;
    case '<':  fputs("&lt;", out); return;
    case '>':  fputs("&gt;", out); return;
    case '"':  fputs("&quot;", out); return;
    case '\'': fputs("&#39;", out); return;
    }
    if (c < 0x20 || c == 0x7f)
        fprintf(out, rich ? "<span class=\"ctl\">\\x%02lx</span>" : "\\x%02lx", c);
    else if (c < 0x7f) fputc((int)c, out);
    /* Surrogates cannot be referenced (HTML maps them to U+FFFD anyway): say so here. */
    else if ((c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff) fputs("&#xfffd;", out);
    else fprintf(out, "&#x%lx;", c);
}

/* At most max bytes of s (NULL: nothing), escaped; s need not be terminated within max
 * (fixed-size arrays). Non-ASCII bytes are decoded with the ANSI code page, as for every
 * "A" API (the JSON printer does the same); if that fails, each byte is taken as Latin-1. */
static void html_strn(FILE *out, const char *s, size_t max, BOOL rich)
{
    size_t n, i;
    if (!s) return;
    n = strnlen(s, max);
    for (i = 0; i < n && !((unsigned char)s[i] & 0x80); i++) {}
    if (i < n && n < 0x7fffffff) {
        int wn = MultiByteToWideChar(CP_ACP, 0, s, (int)n, NULL, 0);
        WCHAR *w = wn > 0 ? malloc((size_t)wn * sizeof(WCHAR)) : NULL;
        if (w && MultiByteToWideChar(CP_ACP, 0, s, (int)n, w, wn) == wn) {
            int k;
            for (k = 0; k < wn; k++) {
                unsigned long c = w[k];
                /* a surrogate pair is one code point, one reference */
                if (c >= 0xd800 && c <= 0xdbff && k + 1 < wn && w[k + 1] >= 0xdc00
                    && w[k + 1] <= 0xdfff)
                    c = 0x10000 + ((c - 0xd800) << 10) + (w[++k] - 0xdc00);
                html_cp(out, c, rich);
            }
            free(w);
            return;
        }
        free(w);
    }
    for (i = 0; i < n; i++) html_cp(out, (unsigned char)s[i], rich);
}

/* A whole string as element content (strings the host copied are bounded at 16 KiB). */
static void html_str(FILE *out, const char *s)
{
    html_strn(out, s, (size_t)-1, TRUE);
}

/* A string where no markup may go: attribute values, SVG text, <title>. */
static void plain_strn(FILE *out, const char *s, size_t max)
{
    html_strn(out, s, max, FALSE);
}

/* A fixed-size array from a structure: read up to its size, even if not terminated. */
#define html_arr(out, a) html_strn(out, a, sizeof(a), TRUE)

/* ---- names and numbers ------------------------------------------------------------ */

/* ULONGLONG without printf: msvcrt and gcc's format checker disagree on %llu/%I64u. */
static const char *u64str(ULONGLONG v, char buf[24])
{
    char *p = buf + 23;
    *p = 0;
    do { *--p = (char)('0' + v % 10); v /= 10; } while (v);
    return p;
}

static const char *severity_name(DWORD severity)
{
    static const char *const names[] = { "informational", "warning", "strong warning",
                                         "error", "severe error", "critical error" };
    return severity < sizeof(names) / sizeof(names[0]) ? names[severity] : "unknown";
}

/* The outcome as the page shows it: --list never runs anything (as in the JSON). */
static const char *outcome_of(const nm_report *r, const nm_expert_report *e)
{
    if (r->list_only && (!e->have_result || e->result.outcome == NMSHIM_PENDING))
        return "loaded";
    return nm_report_outcome_name(e->have_result ? e->result.outcome : NMSHIM_PENDING);
}

static void badge(FILE *out, const char *outcome)
{
    fprintf(out, "<span class=\"badge b-%s\">%s</span>", outcome, outcome);
}

/* ---- column values ---------------------------------------------------------------- */

enum cell_kind { CELL_NONE, CELL_NUMBER, CELL_TEXT, CELL_EXPERT };

/* One NMCOLUMNVARIANT for the page. CELL_NUMBER: show is for people (floats to 10
 * digits, as the text report), key the exact value the table sorts by; CELL_TEXT: show
 * is text we made (booleans, addresses); CELL_EXPERT: *str is the expert's string.
 * IPADDR in memory byte order, as the other printers (REPORT.md, column values). */
static enum cell_kind cell_value(const NMCOLUMNVARIANT *v, char show[48], char key[48],
                                 const char **str, double *num)
{
    const BYTE *b;
    *str = NULL;
    show[0] = key[0] = 0;
    *num = 0;
    switch (v->Type) {
    case NMCOLUMNTYPE_UINT8:  *num = v->Value.Uint8Val; break;
    case NMCOLUMNTYPE_SINT8:  *num = (signed char)v->Value.Sint8Val; break;
    case NMCOLUMNTYPE_UINT16: *num = v->Value.Uint16Val; break;
    case NMCOLUMNTYPE_SINT16: *num = v->Value.Sint16Val; break;
    case NMCOLUMNTYPE_UINT32: *num = v->Value.Uint32Val; break;
    case NMCOLUMNTYPE_SINT32: *num = v->Value.Sint32Val; break;
    case NMCOLUMNTYPE_FRAME:  *num = v->Value.FrameVal; break;
    case NMCOLUMNTYPE_FLOAT64:
    case NMCOLUMNTYPE_VARTIME:
        *num = v->Type == NMCOLUMNTYPE_FLOAT64 ? v->Value.Float64Val : v->Value.VarTimeVal;
        if (!isfinite(*num)) {
            snprintf(show, 48, "%s", isnan(*num) ? "NaN" : *num > 0 ? "inf" : "-inf");
            return CELL_TEXT;
        }
        snprintf(show, 48, "%.10g", *num);
        snprintf(key, 48, "%.17g", *num);
        return CELL_NUMBER;
    case NMCOLUMNTYPE_YESNO:
    case NMCOLUMNTYPE_ONOFF:
    case NMCOLUMNTYPE_TRUEFALSE:
        /* The three BOOL members share one slot; any non-zero is TRUE, as for BOOL. */
        snprintf(show, 48, "%s", v->Type == NMCOLUMNTYPE_YESNO ? (v->Value.YesNoVal ? "yes" : "no")
                 : v->Type == NMCOLUMNTYPE_ONOFF ? (v->Value.YesNoVal ? "on" : "off")
                 : (v->Value.YesNoVal ? "true" : "false"));
        return CELL_TEXT;
    case NMCOLUMNTYPE_MACADDR:
        b = v->Value.MACAddrVal;
        snprintf(show, 48, "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4], b[5]);
        return CELL_TEXT;
    case NMCOLUMNTYPE_IPXADDR: {
        const BYTE *a = v->Value.IPXAddrVal.Address;
        b = v->Value.IPXAddrVal.Subnet;
        snprintf(show, 48, "%02x%02x%02x%02x.%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3],
                 a[0], a[1], a[2], a[3], a[4], a[5]);
        return CELL_TEXT;
    }
    case NMCOLUMNTYPE_IPADDR:
        b = (const BYTE *)&v->Value.IPAddrVal;
        snprintf(show, 48, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
        return CELL_TEXT;
    case NMCOLUMNTYPE_STRING:
        *str = v->Value.pStringVal;
        return *str ? CELL_EXPERT : CELL_NONE;
    default:
        return CELL_NONE;
    }
    /* the integer types: exact in a double */
    snprintf(show, 48, "%.0f", *num);
    snprintf(key, 48, "%.0f", *num);
    return CELL_NUMBER;
}

/* ---- SVG bar charts --------------------------------------------------------------- */

typedef struct bar {
    const char *label;          /* may be an expert string: always escaped */
    double      value;
    const char *value_text;     /* ours (a formatted number) */
    BOOL        warn;           /* drawn in the warning colour (leaks, bad calls) */
} bar;

#define LABEL_MAX  22           /* characters of a bar label shown; the full one is its tooltip */
#define CHART_BARS 40           /* bars per event-column chart */

/* How many bytes of label fit LABEL_MAX characters as plain_strn shows them (a control
 * character takes four: "\x1b"). */
static size_t label_bytes(const char *label)
{
    size_t n = 0, w = 0;
    for (; label && label[n]; n++) {
        unsigned char c = (unsigned char)label[n];
        size_t cw = c < 0x20 || c == 0x7f ? 4 : 1;
        if (w + cw > LABEL_MAX) break;
        w += cw;
    }
    return n;
}

/* A horizontal bar chart: label, bar, value per row; bars start at zero, so negative
 * values go left of the zero line. title is ours or an expert's (escaped). */
static void svg_bars(FILE *out, const char *title, const bar *bars, size_t n)
{
    enum { W = 440, LABEL_W = 150, BAR_W = 200, ROW = 18 };
    double lo = 0, hi = 0, span;
    size_t i;

    for (i = 0; i < n; i++) {
        if (bars[i].value < lo) lo = bars[i].value;
        if (bars[i].value > hi) hi = bars[i].value;
    }
    span = hi - lo;
    fprintf(out, "<svg class=\"chart\" width=\"%d\" height=\"%u\" viewBox=\"0 0 %d %u\" "
            "role=\"img\" aria-label=\"", W, (unsigned)(n * ROW + 6), W, (unsigned)(n * ROW + 6));
    plain_strn(out, title, 200);
    fputs("\">", out);
    for (i = 0; i < n; i++) {
        double x0 = span > 0 ? LABEL_W + BAR_W * (-lo / span) : LABEL_W;
        double w = span > 0 ? BAR_W * (fabs(bars[i].value) / span) : 0;
        double x = bars[i].value < 0 ? x0 - w : x0;
        unsigned y = (unsigned)(i * ROW + 3);
        fputs("<g><title>", out);
        plain_strn(out, bars[i].label, 200);
        fprintf(out, ": %s</title>", bars[i].value_text);
        fprintf(out, "<text class=\"lbl\" x=\"%d\" y=\"%u\">", LABEL_W - 6, y + 12);
        plain_strn(out, bars[i].label, label_bytes(bars[i].label));
        if (bars[i].label && bars[i].label[label_bytes(bars[i].label)]) fputs("&#x2026;", out);
        /* at least a sliver, so a small non-zero value is still visible */
        fprintf(out, "</text><rect class=\"bar%s\" x=\"%.1f\" y=\"%u\" width=\"%.1f\" "
                "height=\"%d\"/>", bars[i].warn ? " warn" : bars[i].value < 0 ? " neg" : "",
                x, y, bars[i].value && w < 1 ? 1.0 : w, ROW - 4);
        fprintf(out, "<text class=\"val\" x=\"%.1f\" y=\"%u\">%s</text></g>",
                (bars[i].value < 0 ? x0 : x + w) + 4, y + 12, bars[i].value_text);
    }
    fputs("</svg>", out);
}

/* ---- page parts ------------------------------------------------------------------- */

/* Kept as lines: ISO C bounds a string literal at 4095 characters. */
static const char *const css[] = {
    ":root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#ffffff;--panel:#f6f8fa;",
    "--bar:#0969da;--warn:#cf222e;--neg:#8250df}",
    "*{box-sizing:border-box}",
    "body{margin:0;padding:24px 32px;font:14px/1.45 system-ui,-apple-system,\"Segoe UI\",",
    "Roboto,\"Noto Sans\",sans-serif;color:var(--fg);background:var(--bg)}",
    "h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px}",
    "h3{font-size:15px;margin:18px 0 6px}",
    ".meta,.note{color:var(--muted)}.note{font-size:12px}",
    "code,.mono{font-family:ui-monospace,\"DejaVu Sans Mono\",Consolas,monospace;font-size:13px}",
    "section.expert{border-top:1px solid var(--line);margin-top:24px}",
    "dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:6px 0}",
    "dl.kv dt{color:var(--muted)}dl.kv dd{margin:0;overflow-wrap:anywhere}",
    ".panels{display:flex;flex-wrap:wrap;align-items:flex-start;gap:14px;margin:10px 0}",
    ".panel{background:var(--panel);border:1px solid var(--line);border-radius:6px;",
    "padding:10px 14px;min-width:260px;max-width:100%}",
    ".panel h3{margin:0 0 6px}.panel.fault{border-color:var(--warn);background:#fff5f5}",
    ".badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;",
    "font-weight:600;color:#fff;background:#6e7781;vertical-align:middle;white-space:nowrap}",
    ".b-done,.b-loaded{background:#1a7f37}.b-failed{background:#bc4c00}",
    ".b-fault{background:#cf222e}.b-terminated{background:#9a6700}",
    ".b-hung{background:#82071e}.b-load_error{background:#57606a}.b-pending{background:#8c959f}",
    "table{border-collapse:collapse;margin:6px 0;font-size:13px}",
    "th,td{border:1px solid var(--line);padding:3px 8px;text-align:left;vertical-align:top;",
    "max-width:42em;overflow-wrap:anywhere}",
    "th{background:var(--panel)}td.num,td.nw{white-space:nowrap}td.txt{min-width:14em}",
    "td.num{text-align:right;font-variant-numeric:tabular-nums}",
    "figure{margin:0}",
    "th button{all:unset;cursor:pointer;display:block;max-width:16em;overflow-wrap:anywhere}",
    ".ctl{font-family:ui-monospace,\"DejaVu Sans Mono\",monospace;font-size:11px;",
    "background:#fff1c2;color:#7d4e00;border-radius:3px;padding:0 2px;margin:0 1px}",
    "th button::after{content:\"\\2195\";color:#8c959f;margin-left:4px;font-size:11px}",
    "th[aria-sort=ascending] button::after{content:\"\\25B2\";color:var(--fg)}",
    "th[aria-sort=descending] button::after{content:\"\\25BC\";color:var(--fg)}",
    "tbody tr:nth-child(even){background:#fbfcfd}",
    ".charts{display:flex;flex-wrap:wrap;gap:14px}",
    ".chart text{font-size:11px;fill:var(--fg)}.chart .lbl{text-anchor:end}",
    "h4{font-size:13px;margin:10px 0 4px}.hist{max-height:320px;overflow:auto}",
    "table.history{font-size:12px}tr.gap td{color:var(--muted);font-style:italic}",
    "tr.k-final td{font-weight:600}",
    ".chart .bar{fill:var(--bar)}.chart .bar.warn{fill:var(--warn)}.chart .bar.neg{fill:var(--neg)}",
    ".progress{width:200px;height:10px;background:#e6eaef;border-radius:5px;overflow:hidden;",
    "display:inline-block;vertical-align:middle;margin-right:6px}",
    ".progress span{display:block;height:100%;background:var(--bar)}",
    "details summary{cursor:pointer}.scroll{overflow-x:auto;max-width:100%}",
    "#selftest{font-weight:600}",
    ".b-ok{background:#1a7f37}.b-disabled{background:#cf222e}",
    ".warnline{color:var(--warn);font-weight:600}.panel.inject{border-color:#9a6700;background:#fff8e5}",
    "tr.disabled td{background:#fff5f5}",
    /* parser rows: break words only when one alone is too wide (names stay whole); the
     * path, one long word, may break anywhere */
    "table.parsers td,table.parsers th button{overflow-wrap:break-word}",
    "table.parsers td.path{overflow-wrap:anywhere;min-width:16em}",
};

/* The page's only script: sortable tables, and the #selftest mode. It contains no data:
 * it reads the DOM (data-v holds a numeric cell's exact value). */
static const char *const js[] = {
    "(function () {",
    "\"use strict\";",
    "var collator = new Intl.Collator(undefined, {numeric: true, sensitivity: \"base\"});",
    "function isNum(table, col) {",
    "  return table.tHead.rows[0].cells[col].getAttribute(\"data-type\") === \"num\";",
    "}",
    "function key(row, col, num) {",
    "  var td = row.cells[col], v;",
    "  if (!td) return num ? null : \"\";",
    "  v = td.hasAttribute(\"data-v\") ? td.getAttribute(\"data-v\") : td.textContent;",
    "  if (!num) return v;",
    "  v = v === \"\" ? NaN : Number(v);",
    "  return isFinite(v) ? v : null;",
    "}",
    "/* dir 1 ascending, -1 descending; empty cells last either way; stable */",
    "function compare(a, b, num, dir) {",
    "  if (a === null || b === null) return (a === null) - (b === null);",
    "  return dir * (num ? (a < b ? -1 : a > b ? 1 : 0) : collator.compare(a, b));",
    "}",
    "function sortTable(table, col, dir) {",
    "  var num = isNum(table, col), body = table.tBodies[0], frag = document.createDocumentFragment();",
    "  var rows = Array.prototype.map.call(body.rows, function (r, i) {",
    "    return {r: r, k: key(r, col, num), i: i};",
    "  });",
    "  rows.sort(function (a, b) { return compare(a.k, b.k, num, dir) || a.i - b.i; });",
    "  rows.forEach(function (x) { frag.appendChild(x.r); });",
    "  body.appendChild(frag);",
    "  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {",
    "    if (i === col) th.setAttribute(\"aria-sort\", dir > 0 ? \"ascending\" : \"descending\");",
    "    else th.removeAttribute(\"aria-sort\");",
    "  });",
    "}",
    "function onClick(ev) {",
    "  var th = ev.currentTarget.parentNode, table = th.closest(\"table\");",
    "  sortTable(table, th.cellIndex, th.getAttribute(\"aria-sort\") === \"ascending\" ? -1 : 1);",
    "}",
    "var tables = document.querySelectorAll(\"table.sortable\");",
    "Array.prototype.forEach.call(tables, function (t) {",
    "  Array.prototype.forEach.call(t.tHead.rows[0].cells, function (th) {",
    "    var b = th.querySelector(\"button\");",
    "    if (b) b.addEventListener(\"click\", onClick);",
    "  });",
    "});",
    "/* tests/check-html.sh opens the page as FILE#selftest: every column of every table is",
    " * sorted by a click both ways and checked; then the first numeric column of an event",
    " * table that is out of order in the file is left sorted ascending (data-selftest), for",
    " * the check to read back from the DOM. */",
    "function ordered(table, col, dir) {",
    "  var num = isNum(table, col), rows = table.tBodies[0].rows, i;",
    "  for (i = 1; i < rows.length; i++)",
    "    if (compare(key(rows[i - 1], col, num), key(rows[i], col, num), num, dir) > 0) return false;",
    "  return true;",
    "}",
    "function selftest() {",
    "  var out = document.getElementById(\"selftest\"), bad = [], n = 0, demo = null;",
    "  Array.prototype.forEach.call(document.querySelectorAll(\"table.events\"), function (t) {",
    "    var c;",
    "    for (c = 0; !demo && t.tBodies[0].rows.length > 1 && c < t.tHead.rows[0].cells.length; c++)",
    "      if (isNum(t, c) && !ordered(t, c, 1)) demo = [t, c];",
    "  });",
    "  Array.prototype.forEach.call(tables, function (t, ti) {",
    "    var heads = t.tHead.rows[0].cells, c;",
    "    if (t.tBodies[0].rows.length < 2) return;",
    "    for (c = 0; c < heads.length; c++) {",
    "      var b = heads[c].querySelector(\"button\");",
    "      if (!b) continue;",
    "      b.click();",
    "      if (!ordered(t, c, 1)) bad.push(\"table \" + ti + \" column \" + c + \" ascending\");",
    "      b.click();",
    "      if (!ordered(t, c, -1)) bad.push(\"table \" + ti + \" column \" + c + \" descending\");",
    "      n++;",
    "    }",
    "  });",
    "  if (demo) {",
    "    var h = demo[0].tHead.rows[0].cells[demo[1]];",
    "    h.querySelector(\"button\").click();",
    "    if (h.getAttribute(\"aria-sort\") !== \"ascending\") h.querySelector(\"button\").click();",
    "    if (!ordered(demo[0], demo[1], 1)) bad.push(\"demo column\");",
    "    demo[0].setAttribute(\"data-selftest\", \"sorted\");",
    "    demo[0].setAttribute(\"data-selftest-column\", String(demo[1]));",
    "  }",
    "  out.textContent = bad.length ? \"selftest: FAIL \" + bad.join(\", \")",
    "    : \"selftest: ok, \" + n + \" columns sorted both ways\" + (demo ? \"\" : \", no unsorted numeric column\");",
    "  out.hidden = false;",
    "}",
    "if (location.hash === \"#selftest\") selftest();",
    "})();",
};

/* A sortable header cell; name is ours or an expert's column name (escaped). */
static void th(FILE *out, const char *name, BOOL numeric)
{
    fprintf(out, "<th%s><button type=\"button\">", numeric ? " data-type=\"num\"" : "");
    html_str(out, name);
    fputs("</button></th>", out);
}

static void td_num(FILE *out, ULONGLONG v)
{
    char b[24];
    fprintf(out, "<td class=\"num\">%s</td>", u64str(v, b));
}

/* ---- fault injection and plug-in parsers ------------------------------------------ */

static BOOL injection_on(const nm_injection *in)
{
    return in->fail_alloc || in->fail_alloc_every || in->stop_at_frame_set;
}

/* The run's fault injection (REPORT.md "Fault injection"): what was asked for, as the
 * options that ask for it. Only when some was. */
static void page_injection(FILE *out, const nm_report *r)
{
    const nm_injection *in = &r->injection;
    if (r->list_only || !injection_on(in)) return;
    fputs("<section id=\"injection\">\n<h2>Fault injection</h2>\n<dl class=\"kv\">", out);
    if (in->fail_alloc)
        fprintf(out, "<dt>fail allocation</dt><dd>call %lu of each expert instance "
                "<code>--fail-alloc %lu</code></dd>", (unsigned long)in->fail_alloc,
                (unsigned long)in->fail_alloc);
    if (in->fail_alloc_every)
        fprintf(out, "<dt>fail allocations</dt><dd>calls %lu, %lu, %lu, &#x2026; of each expert "
                "instance <code>--fail-alloc-every %lu</code></dd>", (unsigned long)in->fail_alloc_every,
                2ul * in->fail_alloc_every, 3ul * in->fail_alloc_every,
                (unsigned long)in->fail_alloc_every);
    if (in->stop_at_frame_set)
        fprintf(out, "<dt>stop</dt><dd>when Run asks for frame %lu <code>--stop-at-frame "
                "%lu</code></dd>", (unsigned long)in->stop_at_frame,
                (unsigned long)in->stop_at_frame);
    fputs("</dl>\n<p class=\"note\">Injected allocation failures are counted per expert "
          "below, not as real ones (the memory panel's failed).</p>\n</section>\n", out);
}

/* One expert's injection panel (NmShimGetInjected): only what was asked for. */
static void panel_injected(FILE *out, const nm_report *r, DWORD index, const nm_expert_report *e)
{
    const nm_injection *in = &r->injection;
    const NMSHIM_INJECTED *j = &e->injected;
    char b[24];
    if (!injection_on(in) || !e->have_injected) return;
    fprintf(out, "<div class=\"panel inject\" id=\"injected-%lu\"><h3>Fault injection</h3>"
            "<dl class=\"kv\">", (unsigned long)index + 1);
    if (in->fail_alloc || in->fail_alloc_every) {
        fprintf(out, "<dt>alloc calls counted</dt><dd>%s</dd>", u64str(j->alloc_calls, b));
        fprintf(out, "<dt>failures injected</dt><dd>%s</dd>", u64str(j->alloc_failures, b));
    }
    if (j->stop_injected)
        fprintf(out, "<dt>stop injected</dt><dd>at frame %lu</dd>", (unsigned long)j->stop_frame);
    else if (in->stop_at_frame_set)
        fprintf(out, "<dt>stop injected</dt><dd>no (frame %lu was never asked for)</dd>",
                (unsigned long)in->stop_at_frame);
    fputs("</dl></div>\n", out);
}

/* The header's word on plug-in parsers: a disabled one is a warning (REPORT.md, exit
 * status: it does not change it). */
static void parsers_summary(FILE *out, const nm_report *r)
{
    DWORD i, off = 0;
    if (!r->nparsers) return;
    for (i = 0; i < r->nparsers; i++)
        if (r->parsers[i].state == NMSHIM_PARSER_DISABLED) off++;
    fprintf(out, " &middot; <a href=\"#parsers\">%lu parser%s</a>", (unsigned long)r->nparsers,
            r->nparsers == 1 ? "" : "s");
    if (off)
        fprintf(out, ", <span class=\"warnline\" id=\"parsers-warning\">%lu disabled</span> "
                "(a warning, not in the exit status)", (unsigned long)off);
}

/* The file name of a path (the JSON's parser "name"). */
static const char *base_name(const char *path)
{
    const char *p, *b = path;
    for (p = path; *p; p++)
        if (*p == '\\' || *p == '/' || *p == ':') b = p + 1;
    return b;
}

/* Plug-in parsers (README "Loading parsers"), load order, one row each; every string in
 * a row came from the parser DLL (or its file name) and is escaped. */
static void page_parsers(FILE *out, const nm_report *r)
{
    DWORD i;
    if (!r->nparsers) return;
    fputs("<section id=\"parsers\">\n<h2>Parsers</h2>\n<div class=\"scroll\"><table "
          "class=\"sortable parsers\" id=\"parsers-table\"><thead><tr>", out);
    th(out, "#", TRUE);
    th(out, "name", FALSE);
    th(out, "dll", FALSE);
    th(out, "protocols", FALSE);
    th(out, "state", FALSE);
    th(out, "why", FALSE);
    th(out, "entry", FALSE);
    th(out, "fault", FALSE);
    th(out, "disabled at frame", TRUE);
    th(out, "frames affected", TRUE);
    th(out, "warnings", FALSE);
    fputs("</tr></thead>\n<tbody>\n", out);
    for (i = 0; i < r->nparsers; i++) {
        const NMSHIM_PARSER_INFO *p = &r->parsers[i];
        const NMSHIM_FAULT *f = &p->fault;
        BOOL off = p->state == NMSHIM_PARSER_DISABLED;
        char dll[MAX_PATH + 1];
        memcpy(dll, p->dll, sizeof(p->dll));
        dll[sizeof(p->dll)] = 0;
        fprintf(out, "<tr%s><td class=\"num\">%lu</td><td class=\"nw\">", off ? " class=\"disabled\"" : "",
                (unsigned long)i + 1);
        html_str(out, base_name(dll));
        fputs("</td><td class=\"mono path\">", out);
        html_str(out, dll);
        fputs("</td><td>", out);
        html_arr(out, p->protocols);
        fputs("</td><td>", out);
        badge(out, off ? "disabled" : "ok");
        fputs("</td><td>", out);
        if (off) html_arr(out, p->why);
        fputs("</td><td class=\"nw\">", out);
        if (off) html_arr(out, p->entry);
        fputs("</td><td class=\"mono\">", out);
        if (f->code) {
            fprintf(out, "0x%08lx ", (unsigned long)f->code);
            if (f->name[0]) html_arr(out, f->name);
            else fputs("(unknown exception)", out);
            fputs(" at ", out);
            if (f->module[0]) html_arr(out, f->module);
            else fputs("?", out);
            fprintf(out, "+0x%llx", (unsigned long long)f->offset);
            if (f->av_access == 0 || f->av_access == 1 || f->av_access == 8)
                fprintf(out, ", %s of 0x%llx", f->av_access == 0 ? "read" : f->av_access == 1
                        ? "write" : "execute", (unsigned long long)f->av_target);
        }
        fputs("</td>", out);
        if (!off) fputs("<td class=\"num\"></td>", out);
        else if (p->disabled_frame == (DWORD)-1) fputs("<td class=\"nw\">while loading</td>", out);
        else fprintf(out, "<td class=\"num\">%lu</td>", (unsigned long)p->disabled_frame);
        td_num(out, p->frames_affected);
        fputs("<td>", out);
        html_arr(out, p->warnings);
        fputs("</td></tr>\n", out);
    }
    fputs("</tbody></table></div>\n<p class=\"note\">A disabled parser is a warning: it does "
          "not change the exit status; from then on frames are parsed without it.</p>\n</section>\n", out);
}

static void page_head(FILE *out, const nm_report *r)
{
    size_t i;
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          /* Nothing may be fetched, whatever ends up in the page. */
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
          "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n"
          "<meta name=\"generator\" content=\"nmhost ", out);
    fprintf(out, "%s\">\n<title>nmhost report", r->version);
    if (r->have_capture) {
        fputs(": ", out);
        plain_strn(out, r->capture.path, sizeof(r->capture.path));
    }
    fputs("</title>\n<style>\n", out);
    for (i = 0; i < sizeof(css) / sizeof(css[0]); i++) { fputs(css[i], out); fputc('\n', out); }
    fputs("</style>\n</head>\n<body>\n", out);
}

/* Title, totals per outcome and the capture. */
static void page_header(FILE *out, const nm_report *r)
{
    DWORD i, count[NMSHIM_LOAD_ERROR + 1] = { 0 };
    char b[24];

    fprintf(out, "<header>\n<h1>nmhost report</h1>\n<p class=\"meta\">nmhost %s (%s) &middot; "
            "%lu expert%s", r->version, r->arch, (unsigned long)r->nexperts,
            r->nexperts == 1 ? "" : "s");
    for (i = 0; i < r->nexperts; i++) {
        const nm_expert_report *e = &r->experts[i];
        NMSHIM_OUTCOME o = e->have_result ? e->result.outcome : NMSHIM_PENDING;
        if ((unsigned)o <= NMSHIM_LOAD_ERROR) count[o]++;
    }
    for (i = 0; i <= NMSHIM_LOAD_ERROR; i++)
        if (count[i])
            fprintf(out, ", %lu %s", (unsigned long)count[i],
                    r->list_only && i == NMSHIM_PENDING ? "loaded"
                    : nm_report_outcome_name((NMSHIM_OUTCOME)i));
    fprintf(out, " &middot; exit status %d", r->exit_status);
    parsers_summary(out, r);
    fputs("</p>\n</header>\n", out);

    if (!r->have_capture) { page_injection(out, r); return; }
    fputs("<section id=\"capture\">\n<h2>Capture</h2>\n<dl class=\"kv\"><dt>file</dt><dd class=\"mono\">", out);
    html_arr(out, r->capture.path);
    fputs("</dd><dt>format</dt><dd>", out);
    html_arr(out, r->capture.format);
    fprintf(out, "</dd><dt>frames</dt><dd>%lu</dd><dt>bytes</dt><dd>%s</dd>"
            "<dt>link type</dt><dd>%lu</dd></dl>\n</section>\n", (unsigned long)r->capture.frames,
            u64str(r->capture.bytes, b), (unsigned long)r->capture.link_type);
    page_injection(out, r);
}

/* One row per expert: what happened, at a glance, linking to its section. */
static void page_summary(FILE *out, const nm_report *r)
{
    DWORD i;
    fputs("<section id=\"summary\">\n<h2>Experts</h2>\n<table class=\"sortable\" id=\"experts\">"
          "<thead><tr>", out);
    th(out, "#", TRUE);
    th(out, "expert", FALSE);
    th(out, "outcome", FALSE);
    if (!r->list_only) {
        th(out, "events", TRUE);
        th(out, "leaked bytes", TRUE);
        th(out, "elapsed ms", TRUE);
    }
    th(out, "message", FALSE);
    fputs("</tr></thead>\n<tbody>\n", out);
    for (i = 0; i < r->nexperts; i++) {
        const nm_expert_report *e = &r->experts[i];
        BOOL ran = !r->list_only && e->have_result && e->result.outcome != NMSHIM_LOAD_ERROR;
        fprintf(out, "<tr><td class=\"num\">%lu</td><td><a href=\"#expert-%lu\">",
                (unsigned long)i + 1, (unsigned long)i + 1);
        if (e->have_info && e->info.szName[0]) html_arr(out, e->info.szName);
        else html_str(out, e->dll);
        fputs("</a></td><td>", out);
        badge(out, outcome_of(r, e));
        fputs("</td>", out);
        if (!r->list_only) {
            td_num(out, e->nevents);
            if (ran) {
                td_num(out, e->result.memory.leaked_bytes);
                td_num(out, e->result.elapsed_ms);
            } else {
                fputs("<td class=\"num\"></td><td class=\"num\"></td>", out);
            }
        }
        fputs("<td>", out);
        if (e->have_result) html_arr(out, e->result.message);
        fputs("</td></tr>\n", out);
    }
    fputs("</tbody></table>\n</section>\n", out);
}

/* The fault panel: what a developer needs to find the instruction (module + offset is
 * what a map file or objdump wants) and, for an access violation, the access. */
static void panel_fault(FILE *out, const NMSHIM_FAULT *f)
{
    BOOL av = f->av_access == 0 || f->av_access == 1 || f->av_access == 8;
    fputs("<div class=\"panel fault\" id=\"fault\"><h3>Fault</h3><dl class=\"kv\">", out);
    fprintf(out, "<dt>code</dt><dd class=\"mono\">0x%08lx</dd><dt>name</dt><dd class=\"mono\">",
            (unsigned long)f->code);
    if (f->name[0]) html_arr(out, f->name);
    else fputs("(unknown exception)", out);
    fputs("</dd><dt>entry point</dt><dd>", out);
    if (f->entry[0]) html_arr(out, f->entry);
    else fputs("?", out);
    fputs("</dd><dt>at</dt><dd class=\"mono\">", out);
    if (f->module[0]) html_arr(out, f->module);
    else fputs("?", out);
    fprintf(out, "+0x%llx</dd><dt>address</dt><dd class=\"mono\">0x%0*llx</dd>",
            (unsigned long long)f->offset, (int)(2 * sizeof(f->address)),
            (unsigned long long)f->address);
    if (av)
        fprintf(out, "<dt>access</dt><dd><b>%s</b> of <span class=\"mono\">0x%0*llx</span>%s</dd>",
                f->av_access == 0 ? "read" : f->av_access == 1 ? "write" : "execute",
                (int)(2 * sizeof(f->av_target)), (unsigned long long)f->av_target,
                f->av_target < 0x10000 ? " (a NULL pointer, or near one)" : "");
    fputs("</dl></div>\n", out);
}

/* The status history (nmapi's NmShimGetStatusHistory; REPORT.md, status_history) as a
 * table in time order (not sortable: the order is the point), with a row where the bound
 * dropped entries, so the gap is visible where it is. */
static void status_history(FILE *out, DWORD index, const nm_expert_report *e)
{
    DWORD i;

    if (!e->nhistory) {
        fputs("<p class=\"note\">No status history (the expert made no ExpertIndicateStatus "
              "call nmapi kept).</p>", out);
        return;
    }
    fprintf(out, "<h4>History</h4><div class=\"hist\"><table class=\"history\" id=\"history-%lu\">"
            "<thead><tr><th>ms</th><th>call</th><th>kind</th><th>state</th><th>%%</th><th>substatus</th>"
            "<th>text</th></tr></thead><tbody>", (unsigned long)index + 1);
    for (i = 0; i < e->nhistory; i++) {
        const NMSHIM_STATUS_ENTRY *h = &e->history[i];
        if (h->dropped_before)
            fprintf(out, "<tr class=\"gap\"><td colspan=\"7\">&#x2026; %lu entries dropped "
                    "(nmapi keeps the first %d and the last %d) &#x2026;</td></tr>",
                    (unsigned long)h->dropped_before, NMSHIM_HISTORY_HEAD, NMSHIM_HISTORY_TAIL);
        fprintf(out, "<tr class=\"k-%s\"><td class=\"num\">%lu</td><td class=\"num\">%lu</td>"
                "<td>%s</td><td>%s</td><td class=\"num\">%lu</td><td class=\"num\">%lu</td>"
                "<td class=\"txt\">", nm_report_history_kind(h->kind), (unsigned long)h->ms,
                (unsigned long)h->call, nm_report_history_kind(h->kind),
                nm_report_state_name(h->status.Status), (unsigned long)h->status.PercentDone,
                (unsigned long)h->status.SubStatus);
        html_arr(out, h->status.szStatusText);
        fputs("</td></tr>", out);
    }
    fputs("</tbody></table></div>", out);
    fprintf(out, "<p class=\"note\">%lu entr%s", (unsigned long)e->nhistory,
            e->nhistory == 1 ? "y" : "ies");
    if (e->history_dropped)
        fprintf(out, ", %lu dropped", (unsigned long)e->history_dropped);
    fputs(": the calls that changed the state, substatus, text or 10 % step of percent, "
          "the last call, and the status set when Run ended (final).</p>", out);
}

/* Status: the last ExpertIndicateStatus (NMSHIM_RESULT.status), then its history. */
static void panel_status(FILE *out, DWORD index, const nm_expert_report *e)
{
    const EXPERTSTATUS *s = &e->result.status;
    DWORD pct = s->PercentDone > 100 ? 100 : s->PercentDone;
    fprintf(out, "<div class=\"panel\" id=\"status\"><h3>Status</h3><dl class=\"kv\">"
            "<dt>state</dt><dd>%s</dd><dt>progress</dt><dd><span class=\"progress\">"
            "<span style=\"width:%lu%%\"></span></span>%lu%%</dd><dt>substatus</dt><dd>%lu</dd>"
            "<dt>text</dt><dd>", nm_report_state_name(s->Status), (unsigned long)pct,
            (unsigned long)s->PercentDone, (unsigned long)s->SubStatus);
    html_arr(out, s->szStatusText);
    fprintf(out, "</dd><dt>elapsed</dt><dd>%lu ms</dd></dl>", (unsigned long)e->result.elapsed_ms);
    status_history(out, index, e);
    fputs("</div>\n", out);
}

static void panel_memory(FILE *out, const NMSHIM_MEMSTATS *m)
{
    char t[9][24];
    bar calls[5], blocks[2], bytes[2];
    calls[0] = (bar){ "allocs", (double)m->allocs, u64str(m->allocs, t[0]), FALSE };
    calls[1] = (bar){ "reallocs", (double)m->reallocs, u64str(m->reallocs, t[1]), FALSE };
    calls[2] = (bar){ "frees", (double)m->frees, u64str(m->frees, t[2]), FALSE };
    calls[3] = (bar){ "bad calls", (double)m->bad_calls, u64str(m->bad_calls, t[3]), TRUE };
    calls[4] = (bar){ "failed (no memory)", (double)m->failed, u64str(m->failed, t[4]), TRUE };
    blocks[0] = (bar){ "peak blocks", (double)m->peak_blocks, u64str(m->peak_blocks, t[5]), FALSE };
    blocks[1] = (bar){ "leaked blocks", (double)m->leaked_blocks, u64str(m->leaked_blocks, t[6]), TRUE };
    bytes[0] = (bar){ "peak bytes", (double)m->peak_bytes, u64str(m->peak_bytes, t[7]), FALSE };
    bytes[1] = (bar){ "leaked bytes", (double)m->leaked_bytes, u64str(m->leaked_bytes, t[8]), TRUE };
    fputs("<div class=\"panel\" id=\"memory\"><h3>Memory</h3>", out);
    svg_bars(out, "calls", calls, 5);
    fputs("<br>", out);
    svg_bars(out, "blocks", blocks, 2);
    fputs("<br>", out);
    svg_bars(out, "bytes", bytes, 2);
    if (m->bad_calls && m->last_bad_reason[0]) {
        fputs("<p class=\"note\">last bad call: ", out);
        html_arr(out, m->last_bad_reason);
        fprintf(out, " (error %lu)</p>", (unsigned long)m->last_bad_error);
    }
    fputs("</div>\n", out);
}

/* ---- events ----------------------------------------------------------------------- */

/* The table's columns are the union of the events' column names, in order of first
 * appearance (events of one expert usually share one layout). Past MAX_UCOLS names, and
 * for a repeated name within one event, the rest go to one "other columns" cell. */
#define MAX_UCOLS 32

typedef struct ucol {
    const char *name;           /* the expert's; NULL is a column name of its own */
    BOOL        numeric;        /* every value is a number: sorts and charts as numbers */
    DWORD       count;          /* events with a numeric value in it */
} ucol;

static BOOL same_name(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

/* The union column of event column j, or -1 when it goes to "other columns". */
static int ucol_of(const ucol *u, int nu, const NMEVENTDATA *ev, BYTE j)
{
    const char *name = ev->Column[j].szColumnName;
    int k;
    BYTE i;
    for (i = 0; i < j; i++)
        if (same_name(ev->Column[i].szColumnName, name)) return -1;
    for (k = 0; k < nu; k++)
        if (same_name(u[k].name, name)) return k;
    return -1;
}

/* One value as a table cell: numbers right-aligned with their exact value in data-v. */
static void event_cell(FILE *out, const NMCOLUMNVARIANT *v)
{
    char show[48], key[48];
    const char *str;
    double num;
    switch (cell_value(v, show, key, &str, &num)) {
    case CELL_NONE:   fputs("<td></td>", out); break;
    case CELL_NUMBER: fprintf(out, "<td class=\"num\" data-v=\"%s\">%s</td>", key, show); break;
    case CELL_TEXT:   fprintf(out, "<td class=\"nw\">%s</td>", show); break;
    case CELL_EXPERT:
        fputs("<td>", out);
        html_str(out, str);
        fputs("</td>", out);
        break;
    }
}

/* A long description folds: its start is the summary, the whole text inside. */
static void long_cell(FILE *out, const char *s)
{
    fputs("<td class=\"txt\">", out);
    if (s && strlen(s) > 240) {
        fputs("<details><summary>", out);
        html_strn(out, s, 120, TRUE);
        fprintf(out, "&#x2026; (%lu characters)</summary>", (unsigned long)strlen(s));
        html_str(out, s);
        fputs("</details>", out);
    } else {
        html_str(out, s);
    }
    fputs("</td>", out);
}

static BOOL time_set(const SYSTEMTIME *t)
{
    return t->wYear || t->wMonth || t->wDay || t->wHour || t->wMinute || t->wSecond
           || t->wMilliseconds;
}

/* Bars of one numeric column: one per event holding a number, the CHART_BARS largest
 * (by magnitude) when there are more, each labelled with the event's first text column
 * (Top Users: the address), else its name, else its number. */
typedef struct chart_row { double v; DWORD ev; BYTE col; } chart_row;

static int by_magnitude(const void *a, const void *b)
{
    double x = fabs(((const chart_row *)a)->v), y = fabs(((const chart_row *)b)->v);
    if (x != y) return x < y ? 1 : -1;
    return ((const chart_row *)a)->ev < ((const chart_row *)b)->ev ? -1 : 1;
}

static int by_event(const void *a, const void *b)
{
    return ((const chart_row *)a)->ev < ((const chart_row *)b)->ev ? -1 : 1;
}

static void event_chart(FILE *out, const nm_expert_report *e, const ucol *u, int nu, int k)
{
    chart_row *rows = calloc(e->nevents ? e->nevents : 1, sizeof(*rows));
    bar *bars = calloc(CHART_BARS, sizeof(*bars));
    char (*vals)[48] = calloc(CHART_BARS, sizeof(*vals));
    char (*labels)[48] = calloc(CHART_BARS, sizeof(*labels));
    DWORD i, n = 0;
    size_t b;

    if (!rows || !bars || !vals || !labels) goto done;
    for (i = 0; i < e->nevents; i++) {
        const NMEVENTDATA *ev = e->events[i];
        BYTE j;
        for (j = 0; j < ev->NumColumns; j++) {
            char show[48], key[48];
            const char *str;
            double num;
            if (ucol_of(u, nu, ev, j) != k) continue;
            if (cell_value(&ev->Column[j].VariantData, show, key, &str, &num) == CELL_NUMBER) {
                rows[n].v = num;
                rows[n].ev = i;
                rows[n++].col = j;
            }
            break;
        }
    }
    if (!n) goto done;
    if (n > CHART_BARS) {
        qsort(rows, n, sizeof(*rows), by_magnitude);
        qsort(rows, CHART_BARS, sizeof(*rows), by_event);   /* back in submission order */
    }
    for (b = 0; b < n && b < CHART_BARS; b++) {
        const NMEVENTDATA *ev = e->events[rows[b].ev];
        char key[48];
        const char *str = NULL, *label = NULL;
        double num;
        BYTE j;
        for (j = 0; j < ev->NumColumns && !label; j++) {
            enum cell_kind kind = cell_value(&ev->Column[j].VariantData, labels[b], key, &str, &num);
            if (kind == CELL_EXPERT) label = str;
            else if (kind == CELL_TEXT) label = labels[b];
        }
        if (!label && ev->szEventName && ev->szEventName[0]) label = ev->szEventName;
        if (!label) {
            snprintf(labels[b], sizeof(labels[b]), "event %lu", (unsigned long)rows[b].ev + 1);
            label = labels[b];
        }
        cell_value(&ev->Column[rows[b].col].VariantData, vals[b], key, &str, &num);
        bars[b] = (bar){ label, rows[b].v, vals[b], FALSE };
    }
    fputs("<figure class=\"panel\"><h3>", out);
    html_str(out, u[k].name ? u[k].name : "(unnamed)");
    if (n > CHART_BARS)
        fprintf(out, " <span class=\"note\">(the %d largest of %lu)</span>", CHART_BARS,
                (unsigned long)n);
    fputs("</h3>", out);
    svg_bars(out, u[k].name ? u[k].name : "(unnamed)", bars, b);
    fputs("</figure>\n", out);
done:
    free(rows);
    free(bars);
    free(vals);
    free(labels);
}

static void page_events(FILE *out, DWORD index, const nm_expert_report *e)
{
    ucol u[MAX_UCOLS];
    int nu = 0, k, charts = 0;
    BOOL other = FALSE, times = FALSE;
    DWORD i;

    fprintf(out, "<h3>Events (%lu)</h3>\n", (unsigned long)e->nevents);
    if (!e->nevents) { fputs("<p class=\"note\">No events submitted.</p>\n", out); return; }

    memset(u, 0, sizeof(u));
    for (i = 0; i < e->nevents; i++) {
        const NMEVENTDATA *ev = e->events[i];
        BYTE j;
        if (time_set(&ev->SysTime)) times = TRUE;
        for (j = 0; j < ev->NumColumns; j++) {
            const char *name = ev->Column[j].szColumnName;
            BYTE d;
            for (d = 0; d < j && !same_name(ev->Column[d].szColumnName, name); d++) {}
            if (d < j) { other = TRUE; continue; }
            for (k = 0; k < nu && !same_name(u[k].name, name); k++) {}
            if (k == nu) {
                if (nu == MAX_UCOLS) { other = TRUE; continue; }
                u[nu].name = name;
                u[nu++].numeric = TRUE;
            }
            {
                char show[48], key[48];
                const char *str;
                double num;
                enum cell_kind kind = cell_value(&ev->Column[j].VariantData, show, key, &str, &num);
                if (kind == CELL_NUMBER) u[k].count++;
                else if (kind != CELL_NONE) u[k].numeric = FALSE;
            }
        }
    }

    fprintf(out, "<div class=\"scroll\"><table class=\"sortable events\" id=\"events-%lu\">"
            "<thead><tr>", (unsigned long)index + 1);
    th(out, "#", TRUE);
    th(out, "severity", TRUE);
    th(out, "source", FALSE);
    th(out, "name", FALSE);
    th(out, "description", FALSE);
    if (times) th(out, "time", FALSE);
    for (k = 0; k < nu; k++) th(out, u[k].name ? u[k].name : "(unnamed)", u[k].numeric);
    if (other) th(out, "other columns", FALSE);
    fputs("</tr></thead>\n<tbody>\n", out);
    for (i = 0; i < e->nevents; i++) {
        const NMEVENTDATA *ev = e->events[i];
        const SYSTEMTIME *t = &ev->SysTime;
        BYTE j;
        fprintf(out, "<tr><td class=\"num\">%lu</td><td class=\"nw\" data-v=\"%lu\">%s</td><td>",
                (unsigned long)i + 1, (unsigned long)ev->Severity, severity_name(ev->Severity));
        html_str(out, ev->szSourceName);
        fputs("</td>", out);
        long_cell(out, ev->szEventName);
        long_cell(out, ev->szDescription);
        if (times)
            fprintf(out, "<td class=\"mono\">%04u-%02u-%02u %02u:%02u:%02u.%03u</td>", t->wYear,
                    t->wMonth, t->wDay, t->wHour, t->wMinute, t->wSecond, t->wMilliseconds);
        for (k = 0; k < nu; k++) {
            for (j = 0; j < ev->NumColumns && ucol_of(u, nu, ev, j) != k; j++) {}
            if (j < ev->NumColumns) event_cell(out, &ev->Column[j].VariantData);
            else fputs("<td></td>", out);
        }
        if (other) {
            BOOL first = TRUE;
            fputs("<td>", out);
            for (j = 0; j < ev->NumColumns; j++) {
                char show[48], key[48];
                const char *str;
                double num;
                enum cell_kind kind;
                if (ucol_of(u, nu, ev, j) >= 0) continue;
                kind = cell_value(&ev->Column[j].VariantData, show, key, &str, &num);
                fputs(first ? "" : "; ", out);
                first = FALSE;
                html_str(out, ev->Column[j].szColumnName);
                fputs("=", out);
                if (kind == CELL_EXPERT) html_str(out, str);
                else fputs(show, out);
            }
            fputs("</td>", out);
        }
        fputs("</tr>\n", out);
    }
    fputs("</tbody></table></div>\n", out);

    for (k = 0; k < nu; k++)
        if (u[k].numeric && u[k].count) charts++;
    if (!charts) return;
    fputs("<h3>Numeric columns</h3>\n<div class=\"charts\">\n", out);
    for (k = 0; k < nu; k++)
        if (u[k].numeric && u[k].count) event_chart(out, e, u, nu, k);
    fputs("</div>\n", out);
}

/* One expert's section: identity, then status / memory / fault panels, then events. */
static void page_expert(FILE *out, const nm_report *r, DWORD index, const nm_expert_report *e)
{
    const NMSHIM_RESULT *res = &e->result;
    BOOL ran = !r->list_only && e->have_result && res->outcome != NMSHIM_LOAD_ERROR;

    fprintf(out, "<section class=\"expert\" id=\"expert-%lu\">\n<h2>%lu. ",
            (unsigned long)index + 1, (unsigned long)index + 1);
    if (e->have_info && e->info.szName[0]) html_arr(out, e->info.szName);
    else fputs("(no name)", out);
    fputs(" ", out);
    badge(out, outcome_of(r, e));
    fputs("</h2>\n<dl class=\"kv\">", out);
    if (e->have_info) {
        fputs("<dt>vendor</dt><dd>", out);
        html_arr(out, e->info.szVendor);
        fputs("</dd><dt>description</dt><dd>", out);
        html_arr(out, e->info.szDescription);
        fprintf(out, "</dd><dt>flags</dt><dd class=\"mono\">0x%08lx%s%s%s</dd>",
                (unsigned long)e->info.Flags,
                e->info.Flags & EXPERT_ENUM_FLAG_CONFIGURABLE ? " configurable" : "",
                e->info.Flags & EXPERT_ENUM_FLAG_VIEWER_PRIVATE ? " viewer-private" : "",
                e->info.Flags & EXPERT_ENUM_FLAG_NO_VIEWER ? " no-viewer" : "");
    }
    fputs("<dt>dll</dt><dd class=\"mono\">", out);
    html_str(out, e->dll);
    fputs("</dd>", out);
    if (e->have_result && res->message[0]) {
        fputs("<dt>message</dt><dd>", out);
        html_arr(out, res->message);
        fputs("</dd>", out);
    }
    if (e->config_loaded || e->configured)
        fprintf(out, "<dt>config</dt><dd>%s%s%s</dd>", e->config_loaded ? "loaded from file" : "",
                e->config_loaded && e->configured ? ", " : "",
                e->configured ? "set by Configure" : "");
    fputs("</dl>\n", out);
    if (!ran) { fputs("</section>\n", out); return; }

    fputs("<div class=\"panels\">\n", out);
    if (res->outcome == NMSHIM_FAULT_OUTCOME) panel_fault(out, &res->fault);
    panel_status(out, index, e);
    panel_memory(out, &res->memory);
    panel_injected(out, r, index, e);
    fputs("</div>\n", out);
    page_events(out, index, e);
    fputs("</section>\n", out);
}

int nm_report_html(FILE *out, const nm_report *r)
{
    DWORD i;
    size_t k;

    page_head(out, r);
    page_header(out, r);
    page_summary(out, r);
    page_parsers(out, r);
    for (i = 0; i < r->nexperts; i++) page_expert(out, r, i, &r->experts[i]);
    fputs("<p id=\"selftest\" hidden></p>\n<script>\n", out);
    for (k = 0; k < sizeof(js) / sizeof(js[0]); k++) { fputs(js[k], out); fputc('\n', out); }
    fputs("</script>\n</body>\n</html>\n", out);
    fflush(out);
    return ferror(out) ? -1 : 0;
}
