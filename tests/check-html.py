#!/usr/bin/env python3
"""check-html.py - the Python half of tests/check-html.sh (standard library only).

  check-html.py static REPORT.html REPORT.json   the file: self-contained, ASCII, one
                                                 script, expert strings as text only, and
                                                 every event table and status history as
                                                 the JSON has it
  check-html.py png SHOT.png blank|page          a screenshot is blank / is a real page
  check-html.py dom DUMP.html REPORT.html        the DOM after #selftest: the self-test
                                                 passed, an event table is sorted
  check-html.py selftest DUMP.html MIN           the DOM after #selftest: the self-test
                                                 passed, at least MIN columns sorted
The static check also compares the fault injection section and panels and the parsers
table with the JSON's injection, injected and parsers, when the run had them.
Exit 0 when every check passed; otherwise one line per problem and exit 1.
"""
import html.parser
import json
import re
import struct
import sys
import zlib

problems = []


def bad(msg):
    problems.append(msg)


def shown(s):
    """An expert string as html.c shows it: control characters as \\xNN text."""
    if s is None:
        return ""
    return "".join("\\x%02x" % ord(c) if ord(c) < 0x20 or ord(c) == 0x7f else c for c in s)


class Page(html.parser.HTMLParser):
    """Tables (by id: cells as (attrs, text)), <script> elements, dd texts by dt label."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables, self.attrs_of = {}, {}
        self.scripts, self.dl = [], []
        self.dl_in, self.where = {}, None     # dt/dd pairs by the id of their section/div
        self.table = self.row = self.cell = None
        self.in_script = self.in_dt = self.in_dd = self.in_head = False
        self.text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self.scripts.append(a)
            self.in_script = True
        elif tag == "table":
            self.table = {"head": [], "rows": []}
            self.tables[a.get("id", "table%d" % len(self.tables))] = self.table
            self.attrs_of[a.get("id")] = a
        elif tag in ("thead", "tbody"):
            self.in_head = tag == "thead"
        elif tag == "tr" and self.table is not None:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = [a, ""]
        elif tag in ("dt", "dd"):
            self.text, self.in_dt, self.in_dd = "", tag == "dt", tag == "dd"
        if tag in ("section", "div") and "id" in a:
            self.where = a["id"]

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False
        elif tag in ("td", "th") and self.cell is not None:
            self.row.append((self.cell[0], self.cell[1]))
            self.cell = None
        elif tag == "tr" and self.row is not None and self.table is not None:
            if self.in_head:
                self.table["head"] = self.row
            else:
                self.table["rows"].append(self.row)
            self.row = None
        elif tag == "table":
            self.table = None
        elif tag == "dt" and self.in_dt:
            self.dl.append([self.text, None])
            self.in_dt = False
        elif tag == "dd" and self.in_dd:
            if self.dl and self.dl[-1][1] is None:
                self.dl[-1][1] = self.text
                self.dl_in.setdefault(self.where, {})[self.dl[-1][0]] = self.text
            self.in_dd = False

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[1] += data
        if self.in_dt or self.in_dd:
            self.text += data


def parse(path):
    p = Page()
    p.feed(open(path, encoding="ascii").read())
    p.close()
    return p


def union_columns(events):
    """The column names of an expert's events in order of first appearance (html.c)."""
    names = []
    for ev in events:
        seen = set()
        for c in ev["columns"]:
            if c["name"] in seen:
                continue
            seen.add(c["name"])
            if c["name"] not in names and len(names) < 32:
                names.append(c["name"])
    return names


def check_history(where, e, t):
    """The status panel's history table (html.c status_history) against the JSON's, and
    t_status_history's history against the calls it made (tests/experts/status_history.c)."""
    hist = e["status_history"] or []
    if e["dll"].endswith("t_status_history.dll"):
        kinds = [h["kind"] for h in hist]
        if len(hist) != 66 or e["status_history_dropped"] != 42:
            bad("%s: %d history entries, %r dropped; expected 66 and 42" % (where, len(hist), e["status_history_dropped"]))
        elif (kinds[-2:] != ["last", "final"] or hist[32]["dropped_before"] != 42
              or [h["call"] for h in hist[:7]] != [1, 3, 6, 7, 8, 9, 10]
              or hist[5]["text"] != "L" * 259 or hist[6]["text"] != "<b>step 0</b>"
              or hist[32]["text"] != "<b>step 68</b>" or hist[-1]["state"] != "done"
              or hist[-1]["percent"] != 100 or hist[-2]["percent"] != 35):
            bad("%s: status history not as indicated: %r" % (where, [
                (h["call"], h["kind"], h["state"], h["percent"], h["dropped_before"], h["text"][:16])
                for h in hist[:7] + hist[31:33] + hist[-2:]]))
    if not hist:
        if t:
            bad("%s: a history table without a history" % where)
        return
    if not t:
        bad("%s: no status history table" % where)
        return
    head = [c[1] for c in t["head"]]
    if head != ["ms", "call", "kind", "state", "%", "substatus", "text"]:
        bad("%s: history header %r" % (where, head))
        return
    rows, gaps = [r for r in t["rows"] if len(r) == 7], [r for r in t["rows"] if len(r) == 1]
    if len(rows) != len(hist):
        bad("%s: %d history rows for %d entries" % (where, len(rows), len(hist)))
        return
    want_gaps = [h["dropped_before"] for h in hist if h["dropped_before"]]
    if [int(re.search(r"(\d+) entries dropped", g[0][1]).group(1)) for g in gaps] != want_gaps:
        bad("%s: dropped rows %r, expected %r" % (where, [g[0][1] for g in gaps], want_gaps))
    for n, (row, h) in enumerate(zip(rows, hist)):
        got = [c[1] for c in row]
        want = [str(h["ms"]), str(h["call"]), h["kind"], h["state"], str(h["percent"]),
                str(h["substatus"]), shown(h["text"])]
        if got != want:
            bad("%s: history row %d %r, expected %r" % (where, n + 1, got, want))
            return


def esc(s):
    """An ASCII string as html.c writes it (& < > " ' escaped)."""
    return "".join({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}.get(c, c) for c in s)


def check_injection(page, d):
    """The run's fault injection section and each expert's panel (html.c page_injection,
    panel_injected) against the JSON's injection and injected."""
    inj, run = d.get("injection"), page.dl_in.get("injection")
    if not inj:
        if run or any(k.startswith("injected-") for k in page.dl_in):
            bad("fault injection shown for a run without it")
        return
    if not run:
        bad("no fault injection section for %r" % inj)
        return
    for key, dt, opt in (("fail_alloc", "fail allocation", "--fail-alloc "),
                         ("fail_alloc_every", "fail allocations", "--fail-alloc-every "),
                         ("stop_at_frame", "stop", "--stop-at-frame ")):
        if inj[key] is None:
            if dt in run:
                bad("injection section: %r shown, not asked for" % dt)
        elif not run.get(dt, "").endswith(opt + str(inj[key])):
            bad("injection section: %r is %r, expected it to end with %r" % (dt, run.get(dt), opt + str(inj[key])))
    print("injection section: %r" % run)
    for i, e in enumerate(d["experts"]):
        where, j = "expert %d (%s)" % (i + 1, e["dll"]), e.get("injected")
        panel = page.dl_in.get("injected-%d" % (i + 1))
        if not j:
            if panel:
                bad("%s: an injection panel without injected" % where)
            continue
        if not panel:
            bad("%s: no injection panel for %r" % (where, j))
            continue
        want = {}
        if inj["fail_alloc"] or inj["fail_alloc_every"]:
            want["alloc calls counted"] = str(j["alloc_calls"])
            want["failures injected"] = str(j["alloc_failures"])
        if j["stop_frame"] is not None:
            want["stop injected"] = "at frame %d" % j["stop_frame"]
        elif inj["stop_at_frame"] is not None:
            want["stop injected"] = "no (frame %d was never asked for)" % inj["stop_at_frame"]
        if panel != want:
            bad("%s: injection panel %r, expected %r" % (where, panel, want))
        print("%s: injection panel %r" % (where, panel))


def check_parsers(page, d, text):
    """The parsers table (html.c page_parsers) row by row against the JSON's parsers,
    every string escaped in the file, and the header's word on disabled ones."""
    ps, t = d.get("parsers") or [], page.tables.get("parsers-table")
    if not ps:
        if t:
            bad("a parsers table without parsers")
        return
    if not t:
        bad("no parsers table for %d parsers" % len(ps))
        return
    head = [c[1] for c in t["head"]]
    if head != ["#", "name", "dll", "protocols", "state", "why", "entry", "fault", "disabled at frame",
                "frames affected", "warnings"]:
        bad("parsers table header %r" % head)
        return
    if len(t["rows"]) != len(ps):
        bad("parsers table: %d rows for %d parsers" % (len(t["rows"]), len(ps)))
        return
    for n, (row, p) in enumerate(zip(t["rows"], ps)):
        off, f = p["state"] == "disabled", p["fault"]
        fault = ""
        if f:
            fault = "0x%08x %s at %s+0x%x" % (f["code"], f["name"] or "(unknown exception)",
                                              f["module"] or "?", f["offset"])
            if f["access"]:
                fault += ", %s of 0x%x" % (f["access"], int(f["target"], 16))
        frame = "" if not off else "while loading" if p["disabled_frame"] is None else str(p["disabled_frame"])
        want = [str(n + 1), shown(p["name"]), shown(p["dll"]), shown(p["protocols"]), p["state"],
                shown(p["why"]) if off else "", shown(p["entry"]) if off else "", fault, frame,
                str(p["frames_affected"]), shown(p["warnings"])]
        got = [c[1].strip() for c in row]
        if got != want:
            bad("parsers row %d: %r, expected %r" % (n + 1, got, want))
        for k in ("dll", "protocols", "warnings", "why"):
            if p[k] and all(ord(c) < 0x7f and ord(c) >= 0x20 for c in p[k]) and esc(p[k]) not in text:
                bad("parsers row %d: %s %r not escaped in the file as %r" % (n + 1, k, p[k], esc(p[k])))
    off = sum(p["state"] == "disabled" for p in ps)
    m = re.search(r'id="parsers-warning">(\d+) disabled<', text)
    if (int(m.group(1)) if m else 0) != off:
        bad("header: %r disabled parsers, JSON %d" % (m and m.group(1), off))
    print("parsers table: %d rows as the JSON, %d disabled" % (len(ps), off))


def check_static(html_path, json_path):
    raw = open(html_path, "rb").read()
    if any(b > 0x7e or (b < 0x20 and b not in b"\r\n\t") for b in raw):
        bad("the page is not plain ASCII")
    text = raw.decode("ascii", "replace")
    low = text.lower()
    for s in ("http://", "https://", "<link", "<script src", "<iframe", "<img", "url(", "@import"):
        if s in low:
            bad("the page refers to something outside it: %r" % s)
    if low.count("<script") != 1:
        bad("%d <script elements, expected exactly the page's own one" % low.count("<script"))
    if "<script>alert" in low or "\"<b>\"" in low or "<b>step" in low:
        bad("an expert's markup is live in the page")
    hostile = "t_hostile_strings.dll" in text
    for s in ("&lt;script&gt;alert(1)&lt;/script&gt;&amp;amp;", "t_hostile %s &quot;&lt;b&gt;&quot;",
              "say &quot;hi&quot; \\ back\\slash &#39;&#39;", "caf&#xe9; &#xff;&#xfe;"):
        if hostile and s not in text:
            bad("escaped hostile string missing: %r" % s)
    if "Content-Security-Policy" not in text or "default-src 'none'" not in text:
        bad("no Content-Security-Policy forbidding fetches")
    m = re.search(r"<script>(.*?)</script>", text, re.S)
    if m and ("hostile" in m.group(1) or "%99999d" in m.group(1)):
        bad("expert data inside the script")

    page, d = parse(html_path), json.load(open(json_path, encoding="ascii"))
    if page.scripts != [{}]:
        bad("script elements %r" % page.scripts)
    check_injection(page, d)
    check_parsers(page, d, text)
    experts = page.tables.get("experts")
    if not experts or len(experts["rows"]) != len(d["experts"]):
        bad("summary table: %s rows for %d experts" % (experts and len(experts["rows"]), len(d["experts"])))
    else:
        for row, e in zip(experts["rows"], d["experts"]):
            if row[2][1].strip() != e["outcome"]:
                bad("summary of %s: outcome %r, JSON %r" % (e["dll"], row[2][1], e["outcome"]))
    dl = {}
    for k, v in page.dl:
        dl.setdefault(k, []).append(v)
    for i, e in enumerate(d["experts"]):
        where = "expert %d (%s)" % (i + 1, e["dll"])
        for k in ("vendor", "description"):
            if e[k] is not None and shown(e[k]) not in dl.get(k, []):
                bad("%s: %s %r not shown as text" % (where, k, shown(e[k])))
        if e["status"] and shown(e["status"]["text"]) not in dl.get("text", []):
            bad("%s: status text %r not shown as text" % (where, shown(e["status"]["text"])))
        if e["fault"]:
            f = e["fault"]
            want = "%s+0x%x" % (f["module"], f["offset"])
            if want not in dl.get("at", []):
                bad("%s: fault panel lacks %r" % (where, want))
            if f["access"] and not any(a.startswith(f["access"] + " of ") for a in dl.get("access", [])):
                bad("%s: fault panel lacks the %s access" % (where, f["access"]))
        check_history(where, e, page.tables.get("history-%d" % (i + 1)))
        t = page.tables.get("events-%d" % (i + 1))
        if not e["events"]:
            if t:
                bad("%s: an events table without events" % where)
            continue
        if not t:
            bad("%s: no events table" % where)
            continue
        names = union_columns(e["events"])
        head = [c[1] for c in t["head"]]
        want = ["#", "severity", "source", "name", "description"] + [shown(n) for n in names]
        if [h for h in head if h != "time" and h != "other columns"] != want:
            bad("%s: table header %r, expected %r" % (where, head, want))
            continue
        if len(t["rows"]) != len(e["events"]):
            bad("%s: %d rows for %d events" % (where, len(t["rows"]), len(e["events"])))
            continue
        base = head.index(shown(names[0])) if names else 0
        for r, (row, ev) in enumerate(zip(t["rows"], e["events"])):
            if shown(ev["name"]) != row[3][1] and len(ev["name"] or "") <= 240:
                bad("%s row %d: name %r, expected %r" % (where, r + 1, row[3][1], shown(ev["name"])))
            for c in ev["columns"]:
                if c["name"] not in names:
                    continue
                a, txt = row[base + names.index(c["name"])]
                v = c["value"]
                if isinstance(v, bool) or v is None:
                    continue
                if isinstance(v, (int, float)):
                    if "data-v" not in a or float(a["data-v"]) != float(v):
                        bad("%s row %d %r: data-v %r, JSON %r" % (where, r + 1, c["name"], a.get("data-v"), v))
                elif c["type"] == "string" and txt != shown(v):
                    bad("%s row %d %r: %r, expected %r" % (where, r + 1, c["name"], txt, shown(v)))


def decode_png(path):
    """(width, height, bytes per pixel, rows) of an 8-bit RGB/RGBA PNG (Chromium's)."""
    d = open(path, "rb").read()
    if d[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, hdr = 8, b"", None
    while pos < len(d):
        n, t = struct.unpack(">I4s", d[pos:pos + 8])
        if t == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", d[pos + 8:pos + 8 + n])
        elif t == b"IDAT":
            idat += d[pos + 8:pos + 8 + n]
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = hdr
    if depth != 8 or interlace or ctype not in (2, 6):
        raise ValueError("unexpected PNG layout %r" % (hdr,))
    bpp = 3 if ctype == 2 else 4
    raw, stride = zlib.decompress(idat), w * bpp
    rows, prev, p = [], bytearray(stride), 0
    for _ in range(h):
        f, line = raw[p], bytearray(raw[p + 1:p + 1 + stride])
        p += 1 + stride
        if f == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif f == 2:
            for i in range(stride):
                line[i] = (line[i] + prev[i]) & 255
        elif f == 3:
            for i in range(stride):
                line[i] = (line[i] + ((line[i - bpp] if i >= bpp else 0) + prev[i]) // 2) & 255
        elif f == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b, c = prev[i], prev[i - bpp] if i >= bpp else 0
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def check_png(path, want):
    w, h, bpp, rows = decode_png(path)
    count = {}
    for r in rows:
        for i in range(0, len(r), bpp):
            px = r[i:i + 3]
            count[px] = count.get(px, 0) + 1
    colours = count.keys()
    share = 1 - max(count.values()) / float(w * h)    # not the background (commonest) colour
    blank = len(colours) < 64 or share < 0.01
    print("%s: %dx%d, %d colours, %.1f %% of pixels not background" % (path, w, h, len(colours), 100 * share))
    if (want == "blank") != blank:
        bad("%s: expected %s, got %s" % (path, want, "blank" if blank else "a page"))


def check_dom(dump_path, html_path):
    text = open(dump_path, encoding="utf-8", errors="replace").read()
    m = re.search(r'<p id="selftest">([^<]*)</p>', text)
    if not m or not m.group(1).startswith("selftest: ok"):
        bad("self-test: %r" % (m.group(1) if m else "no outcome in the DOM (did the script run?)"))
    if "<script>alert" in text.lower():
        bad("an expert's markup is live in the DOM")
    dom = Page()
    dom.feed(text)
    sorted_ids = [i for i, a in dom.attrs_of.items() if a.get("data-selftest") == "sorted"]
    if len(sorted_ids) != 1 or not sorted_ids[0].startswith("events-"):
        bad("sorted event tables in the DOM: %r" % sorted_ids)
        return
    tid = sorted_ids[0]
    col = int(dom.attrs_of[tid]["data-selftest-column"])
    head = dom.tables[tid]["head"][col]
    if head[0].get("data-type") != "num" or head[0].get("aria-sort") != "ascending":
        bad("%s column %d: header %r" % (tid, col, head))
    def values(rows):   # html.c: a number's exact value is data-v, the text otherwise
        return [float(r[col][0].get("data-v", r[col][1])) for r in rows if r[col][0].get("data-v", r[col][1])]
    got, before = values(dom.tables[tid]["rows"]), values(parse(html_path).tables[tid]["rows"])
    print("%s column %d %r: file order %s, after the click %s" % (tid, col, head[1], before, got))
    if got != sorted(got) or sorted(got) != sorted(before) or got == before or len(got) < 2:
        bad("%s column %d not sorted by the click: %r (file order %r)" % (tid, col, got, before))


def check_selftest(dump_path, least):
    text = open(dump_path, encoding="utf-8", errors="replace").read()
    m = re.search(r'<p id="selftest">selftest: ok, (\d+) columns sorted', text)
    if not m or int(m.group(1)) < int(least):
        m = re.search(r'<p id="selftest">([^<]*)</p>', text)
        bad("self-test: %r, expected ok with at least %s columns sorted" % (m and m.group(1), least))
    else:
        print("self-test: %s columns sorted both ways" % m.group(1))


def main():
    checks = {"static": check_static, "png": check_png, "dom": check_dom, "selftest": check_selftest}
    if len(sys.argv) != 4 or sys.argv[1] not in checks:
        sys.exit(__doc__)
    try:
        checks[sys.argv[1]](*sys.argv[2:])
    except Exception as ex:     # a parse error is a failed check, with its reason
        bad("%s: %r" % (type(ex).__name__, ex))
    for p in problems:
        print("FAIL:", p)
    sys.exit(1 if problems else 0)


main()
