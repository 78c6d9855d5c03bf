#!/usr/bin/env bash
# check-report-strings.sh - an expert's strings reach the reports only as text: t_hostile_
# strings puts printf conversions, quotes, markup, terminal escapes, control characters,
# bytes above 0x7f and an over-long description in every string an expert controls
# (names, vendor, description, status, event source/name/description, column names and
# values). The JSON must be valid ASCII JSON giving back each string exactly (the long one
# bounded at 16 KiB); the text report must hold no control character but line ends and
# show the conversions literally.
#   tests/check-report-strings.sh BIN_DIR ARCH
# Exit 0 passed, 1 failed, 77 skipped (with the reason).
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/check-lib.sh"
nm_check_init check-report-strings "$@"
nm_check_tools python3
nm_check_built nmhost.exe
nm_check_experts t_hostile_strings.dll
nm_check_wine
(cd "$bin" && "$run" "$bin/nmhost.exe" -c "$top/data/sample.cap" t_hostile_strings.dll \
    -j "$tmp/r.json") >"$tmp/r.txt" 2>"$tmp/r.err"
rc=$?
[ $rc = 0 ] || { fail "nmhost exited $rc"; head -5 "$tmp/r.err"; exit 1; }
python3 - "$tmp/r.json" "$tmp/r.txt" <<'PY'
import json, sys
fmt = "%s%s%s%n%x%p %99999d"
quote = "say \"hi\" \\ back\\slash ''"
markup = "<script>alert(1)</script>&amp;"
esc = "\x1b[31mred\x1b[0m\x07 bell\r\n\ttab\x7f del\x01"
high = b"caf\xe9 \xff\xfe".decode("cp1252")
raw = open(sys.argv[1], "rb").read()
bad = []
def check(what, got, want):
    if got != want: bad.append("%s: got %r, expected %r" % (what, got, want))
if any(b > 0x7e or (b < 0x20 and b not in b"\r\n") for b in raw):
    bad.append("JSON is not plain ASCII")
d = json.loads(raw.decode("ascii", "replace"))
e = d["experts"][0]
check("name", e["name"], 't_hostile %s "<b>"')
check("vendor", e["vendor"], markup)
check("description", e["description"], esc)
check("status text", e["status"]["text"], esc)
ev = e["events"][0]
check("event source", ev["source"], quote)
check("event name", ev["name"], markup)
desc = ev["description"]
if not desc.startswith(fmt) or not 16000 <= len(desc) <= 16384 or set(desc[len(fmt):]) != {"x"}:
    bad.append("event description: %d characters, starts %r" % (len(desc), desc[:30]))
cols = [(c["name"], c.get("value")) for c in ev["columns"]]
check("column names", [c[0] for c in cols], [fmt, quote, markup, esc])
check("column values", [c[1] for c in cols[:3]], [esc, high, fmt])
text = open(sys.argv[2], "rb").read()
ctl = sorted(set(b for b in text if b < 0x20 and b not in b"\r\n") | ({0x7f} & set(text)))
if ctl: bad.append("text report holds control bytes %s" % ctl)
if fmt.encode() not in text: bad.append("text report does not show the conversions literally")
for b in bad: print("FAIL:", b)
print("check-report-strings: %d problems" % len(bad))
sys.exit(1 if bad else 0)
PY
[ $? = 0 ] || failures=1
[ $failures = 0 ]
