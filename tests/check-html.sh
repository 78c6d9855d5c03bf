#!/usr/bin/env bash
# check-html.sh - nmhost --html (host/html.c, host/REPORT.md "The HTML report"): the sample
# experts, a faulting one and t_hostile_strings on the sample capture, in-process and with
# --isolate. The file must be self-contained (nothing fetched: no http(s) reference, no
# <script src>, no <link>), pure ASCII, with every expert string escaped as text and every
# event table and status history as the JSON report has it (tests/check-html.py static;
# t_status_history's history, bounded, checked against what it indicated). Then Debian's
# chromium, headless: the page loads with no console message at all, a screenshot of it is
# not blank, and opened as FILE#selftest its script sorts every table both ways by clicks
# and leaves one event table sorted, which the dumped DOM must show in order.
# Two more runs: --fail-alloc 1 --stop-at-frame 3 (t_alloc_unchecked faults, topusers is
# stopped), whose
# fault injection section and panels must have the JSON's numbers; and the ZAP test parsers
# (tests/check-parsers.sh) on the ZAP capture, one good, two disabled, one with warnings,
# the faulting one from a folder whose name needs escaping, whose parsers table must have
# the JSON's rows (escaped) and whose header must count the disabled ones. Both pages must
# load with no console message and pass #selftest (the parsers table sorts).
# The browser checks prove they can fail on every run: a control page with a script error
# and nothing to show must be caught (console error, blank screenshot) first.
#   tests/check-html.sh BIN_DIR ARCH
# Exit 0 passed, 1 failed, 77 skipped (with the reason). Without a working chromium the
# check fails under CI (CI set), and is skipped with the reason elsewhere.
# The screenshots of the report and of the parsers page are left at BIN_DIR/check-html.png
# and BIN_DIR/check-html-parsers.png, for people to look at.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/check-lib.sh"
nm_check_init check-html "$@"
nm_check_tools python3
nm_check_built nmhost.exe topusers.dll protodist.dll propdist.dll
nm_check_experts t_hostile_strings.dll t_crash_after_alloc.dll t_status_history.dll \
    t_alloc_unchecked.dll t_zapwatch.dll t_zap_parser.dll t_zap_parser.ini t_zap_fault.dll \
    t_zap_badoff.dll t_zap_junkinfo.dll
nm_check_sample

# The browser is what this check is about: in CI its absence is a failure, not a skip.
no_browser() {
    if [ -n "${CI:-}" ]; then echo "FAIL: $* (CI: chromium is required, scripts/setup.sh --tests installs it)"; exit 1; fi
    skip "$*"
}
command -v chromium >/dev/null || no_browser "chromium not found (apt-get install chromium)"
command -v timeout >/dev/null || no_browser "timeout (coreutils) not found"
nm_check_wine

# pycheck NAME ARGS...: tests/check-html.py ARGS, its findings printed on failure.
pycheck() {
    local name=$1
    shift
    checks=$((checks + 1))
    python3 "$here/check-html.py" "$@" >"$tmp/$name.py.out" 2>&1 ||
        { fail "$name: $(grep -m1 FAIL "$tmp/$name.py.out" || tail -1 "$tmp/$name.py.out")";
          sed 's/^/    /' "$tmp/$name.py.out" | head -20; return 1; }
    sed "s/^/    $name: /" "$tmp/$name.py.out"
}

# has NAME FILE TEXT: the file holds TEXT (a fixed string).
has() {
    checks=$((checks + 1))
    grep -Fq -- "$3" "$2" || fail "$1: no '$3' in $(basename "$2")"
}

# chrome NAME ARGS... : headless chromium (flags measured in docs/toolchain.md), its own
# profile and HOME under $tmp, stderr (with the console, --enable-logging) in
# $tmp/NAME.log, stdout in $tmp/NAME.stdout. Returns chromium's status.
chrome() {
    local name=$1
    shift
    mkdir -p "$tmp/home"
    HOME=$tmp/home XDG_CONFIG_HOME=$tmp/home XDG_CACHE_HOME=$tmp/home \
        timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run \
        --no-default-browser-check --disable-extensions --disable-sync \
        --user-data-dir="$tmp/profile-$name" --enable-logging=stderr --v=0 "$@" \
        >"$tmp/$name.stdout" 2>"$tmp/$name.log" </dev/null
}

# Chromium logs every console message (errors, uncaught exceptions, CSP refusals) as
# "...:CONSOLE..." with --enable-logging=stderr; the report writes none, so any is a fault.
console_lines() {
    grep -E ':CONSOLE|Uncaught|Content Security Policy' "$tmp/$1.log"
}

# ---- the reports ------------------------------------------------------------------------
C=(-q -c "$cap")
experts=(topusers.dll protodist.dll propdist.dll t_crash_after_alloc.dll t_hostile_strings.dll
         t_status_history.dll)
nmhost report 1 "${C[@]}" "${experts[@]}" --html "$tmp/r.html" -j "$tmp/r.json" &&
    pycheck static "static" "$tmp/r.html" "$tmp/r.json"
nmhost isolated 1 "${C[@]}" --isolate topusers.dll t_hostile_strings.dll t_crash_after_alloc.dll \
    t_status_history.dll --html "$tmp/iso.html" -j "$tmp/iso.json" &&
    pycheck static-isolate static "$tmp/iso.html" "$tmp/iso.json"
# --list has no capture and no run: the page still says what each DLL registered.
nmhost list 0 --list topusers.dll t_hostile_strings.dll --html "$tmp/list.html" &&
    { checks=$((checks + 1)); grep -q '&lt;script&gt;alert' "$tmp/list.html" && grep -q 'b-loaded' "$tmp/list.html" ||
      fail "list: the --list page lacks the escaped vendor or the loaded badge"; }
# The HTML report is a file: '-' (stdout has the text or JSON report) and an unwritable
# path are refused before anything runs.
nmhost dash 2 "${C[@]}" topusers.dll --html -
nmhost unwritable 2 "${C[@]}" topusers.dll --html "$tmp/no/such/folder/r.html"

# Fault injection: what was asked, and what each expert got (t_alloc_unchecked faults on
# its NULL block: exit 1; topusers allocates nothing and gets the stop at frame 3).
nmhost inject 1 "${C[@]}" --fail-alloc 1 --stop-at-frame 3 t_alloc_unchecked.dll topusers.dll \
    --html "$tmp/inj.html" -j "$tmp/inj.json" &&
    pycheck static-inject static "$tmp/inj.html" "$tmp/inj.json" &&
    has inject-stop "$tmp/inj.html" '<dt>stop injected</dt><dd>at frame 3</dd>'
# Plug-in parsers: a disabled one is a warning (exit 0).
zdir="$tmp/zap & 'parsers'"
mkdir -p "$zdir" && cp "$bin/t_zap_fault.dll" "$zdir/" &&
    python3 "$top/scripts/make-zap-capture.py" "$tmp/zap.pcap" >/dev/null ||
    fail "parsers: cannot set up the ZAP capture or the parser folder"
nmhost parsers 0 -q -c "$tmp/zap.pcap" --parser t_zap_parser.dll --parser "$zdir/t_zap_fault.dll" \
    --parser t_zap_badoff.dll --parser t_zap_junkinfo.dll t_zapwatch.dll --html "$tmp/zap.html" \
    -j "$tmp/zap.json" && pycheck static-parsers static "$tmp/zap.html" "$tmp/zap.json" &&
    has parsers-header "$tmp/zap.html" 'id="parsers-warning">2 disabled<'

[ -s "$tmp/r.html" ] || { echo "check-html: no report to load, $failures failed"; exit 1; }

# ---- the browser: first prove it notices a broken page ----------------------------------
printf '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>control</title></head><body>\n<script>\nreport(;\n</script>\n</body></html>\n' \
    >"$tmp/control.html"
chrome control --window-size=1280,900 --screenshot="$tmp/control.png" "file://$tmp/control.html"
rc=$?
[ $rc = 0 ] && [ -s "$tmp/control.png" ] ||
    no_browser "chromium --headless does not run here (exit $rc): $(grep -v -e dbus -e vaapi "$tmp/control.log" | tail -2)"
checks=$((checks + 1))
console_lines control >/dev/null || fail "control: a script error went unnoticed (console logging does not work)"
pycheck control-png png "$tmp/control.png" blank

# ---- the report: loads clean, looks like a page, sorts ----------------------------------
chrome load --window-size=1280,900 --screenshot="$tmp/r.png" "file://$tmp/r.html" ||
    fail "load: chromium exited $?"
checks=$((checks + 1))
if console_lines load >"$tmp/load.console"; then
    fail "load: console messages: $(head -3 "$tmp/load.console")"
fi
[ -s "$tmp/r.png" ] && cp "$tmp/r.png" "$bin/check-html.png"
pycheck screenshot png "$tmp/r.png" page

chrome selftest --dump-dom "file://$tmp/r.html#selftest" || fail "selftest: chromium exited $?"
checks=$((checks + 1))
if console_lines selftest >"$tmp/selftest.console"; then
    fail "selftest: console messages: $(head -3 "$tmp/selftest.console")"
fi
pycheck sort dom "$tmp/selftest.stdout" "$tmp/r.html"

# The two extra pages: no console message, and #selftest sorts their tables (the parsers
# table has 11 sortable columns, the experts table 6).
for page in inj:6 zap:17; do
    name=${page%%:*}
    [ -s "$tmp/$name.html" ] || continue
    chrome "self-$name" --dump-dom "file://$tmp/$name.html#selftest" ||
        fail "self-$name: chromium exited $?"
    checks=$((checks + 1))
    if console_lines "self-$name" >"$tmp/self-$name.console"; then
        fail "self-$name: console messages: $(head -3 "$tmp/self-$name.console")"
    fi
    pycheck "sort-$name" selftest "$tmp/self-$name.stdout" "${page#*:}"
done
# and the parsers page looks like one (left at BIN_DIR/check-html-parsers.png)
if [ -s "$tmp/zap.html" ]; then
    chrome shot-zap --window-size=1280,900 --screenshot="$tmp/zap.png" "file://$tmp/zap.html" ||
        fail "shot-zap: chromium exited $?"
    [ -s "$tmp/zap.png" ] && cp "$tmp/zap.png" "$bin/check-html-parsers.png"
    pycheck screenshot-parsers png "$tmp/zap.png" page
fi

echo "check-html: $checks checks, $failures failed (screenshots: $bin/check-html.png, $bin/check-html-parsers.png)"
[ $failures = 0 ]
