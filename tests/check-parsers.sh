#!/usr/bin/env bash
# check-parsers.sh - legacy parser DLLs as plug-ins (issue 13 §1, §2, §5, §6; README
# "Loading parsers"), end to end as a third party would use them: the test parser
# t_zap_parser.dll (tests/parsers) on a capture made by scripts/make-zap-capture.py, read by
# the expert t_zapwatch.dll, whose events must be what the script expects (ZAP following
# itself three times in a frame, a truncated message, instance data from the INI beside the
# DLL, labelled set and flags, CCHeap*, the summary text its WINAPIV formatter writes with
# parser.dll's LookupWordSetString); with the faulting parsers loaded too (a fault in
# AttachProperties, an offset past the frame, a fault in the formatter through
# GetPropertyText), all three are disabled and reported (text and JSON), the expert's events do not change, and the exit
# status stays 0 (a disabled parser is a warning). Also: --isolate children load the same
# parsers, NMSHIM_PARSERS folders, --handoff-ini (good and bad), and a missing DLL.
# Parsers that never return (t_zap_loop.dll in RecognizeFrame, t_zap_attloop.dll in
# AttachProperties, on frame 3): the watchdog stops the call, the parser is disabled and
# reported as a loop, the expert is done, with the other protocols' properties in every frame.
#   tests/check-parsers.sh BIN_DIR ARCH        (ARCH: i686 or x86_64)
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/check-lib.sh"
nm_check_init check-parsers "$@"
nm_check_tools python3
nm_check_built nmhost.exe parser.dll
nm_check_experts t_zapwatch.dll t_zap_parser.dll t_zap_fault.dll t_zap_badoff.dll t_zap_fmtfault.dll t_zap_junkinfo.dll t_zap_parser.ini \
    t_zap_loop.dll t_zap_attloop.dll
nm_check_wine

cap=$tmp/zap.pcap
python3 "$top/scripts/make-zap-capture.py" "$cap" || { fail "make-zap-capture.py"; exit 1; }
python3 "$top/scripts/make-zap-capture.py" --expect > "$tmp/expect"
python3 "$top/scripts/make-zap-capture.py" --expect-ini > "$tmp/expect-ini"

# events.py JSON: prints the events' descriptions, one a line
events() {
    python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
for e in d["experts"][0]["events"]: print(e["description"])' "$1"
}
# parser.py JSON NAME FIELD...: prints those fields of the named parser, space-separated
parser() {
    python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
p = [p for p in d["parsers"] if p["name"] == sys.argv[2]]
if not p: print("absent"); sys.exit(0)
v = []
for f in sys.argv[3:]:
    x = p[0]
    for k in f.split("."): x = x.get(k) if isinstance(x, dict) else None
    v.append(str(x))
print(" ".join(v))' "$@"
}

# run NAME EXPECTED_STATUS ARGS...: nmhost with the JSON report in $tmp/NAME.json
run() {
    local name=$1 want=$2
    shift 2
    "$run" "$bin/nmhost.exe" -q -c "$cap" -j "$tmp/$name.json" "$@" > "$tmp/$name.out" 2> "$tmp/$name.err"
    local rc=$?
    [ "$rc" = "$want" ] || fail "$name: exit status $rc, expected $want ($(head -c 300 "$tmp/$name.err"))"
    return 0
}

# 1. the well-behaved parser alone
run good 0 --parser "$bin/t_zap_parser.dll" "$bin/t_zapwatch.dll"
if [ -f "$tmp/good.json" ]; then
    events "$tmp/good.json" > "$tmp/good.events"
    diff -u "$tmp/expect" "$tmp/good.events" > "$tmp/good.diff" || { fail "events with t_zap_parser.dll differ"; cat "$tmp/good.diff"; }
    got=$(parser "$tmp/good.json" t_zap_parser.dll protocols state frames_affected)
    [ "$got" = "ZAP ok 0" ] || fail "t_zap_parser.dll in the report: got '$got', expected 'ZAP ok 0'"
fi

# 2. with the faulting parsers: both disabled and reported, nothing else changes
run faulty 0 --parser "$bin/t_zap_parser.dll" --parser "$bin/t_zap_fault.dll" \
    --parser "$bin/t_zap_badoff.dll" --parser "$bin/t_zap_fmtfault.dll" "$bin/t_zapwatch.dll"
if [ -f "$tmp/faulty.json" ]; then
    events "$tmp/faulty.json" | grep -v '^zapfmt ' > "$tmp/faulty.events"
    # ZAPFMT's formatter faults on frame 11 (GetPropertyText): the text fails once, then
    # the parser is disabled and frame 12 has no ZAPFMT instance left
    got=$(events "$tmp/faulty.json" | grep '^zapfmt ')
    [ "$got" = "zapfmt frames 1 text failures 1" ] || fail "ZAPFMT texts: got '$got'"
    got=$(parser "$tmp/faulty.json" t_zap_fmtfault.dll protocols state entry disabled_frame frames_affected fault.name)
    want="ZAPFMT disabled FormatProperties 11 2 EXCEPTION_ACCESS_VIOLATION"
    [ "$got" = "$want" ] || fail "t_zap_fmtfault.dll: got '$got', expected '$want'"
    diff -u "$tmp/expect" "$tmp/faulty.events" > "$tmp/faulty.diff" || { fail "events with the faulting parsers loaded differ"; cat "$tmp/faulty.diff"; }
    got=$(parser "$tmp/faulty.json" t_zap_fault.dll protocols state entry disabled_frame frames_affected fault.name fault.module fault.access)
    want="ZAPFAULT disabled AttachProperties 5 2 EXCEPTION_ACCESS_VIOLATION t_zap_fault.dll write"
    [ "$got" = "$want" ] || fail "t_zap_fault.dll: got '$got', expected '$want'"
    got=$(parser "$tmp/faulty.json" t_zap_badoff.dll protocols state entry why disabled_frame frames_affected fault)
    want="ZAPBAD disabled RecognizeFrame an offset outside the frame in RecognizeFrame 7 2 None"
    [ "$got" = "$want" ] || fail "t_zap_badoff.dll: got '$got', expected '$want'"
    got=$(parser "$tmp/faulty.json" t_zap_parser.dll state)
    [ "$got" = "ok" ] || fail "t_zap_parser.dll next to the faulting ones: state '$got'"
fi
# the text report, not only the JSON one (-j FILE keeps the text on stdout)
grep -q "t_zap_fault.dll: ZAPFAULT, DISABLED: fault in AttachProperties at frame 5; 2 frames affected" "$tmp/faulty.out" ||
    fail "text report: no line for the disabled t_zap_fault.dll"
grep -q "t_zap_badoff.dll: ZAPBAD, DISABLED: an offset outside the frame in RecognizeFrame at frame 7" "$tmp/faulty.out" ||
    fail "text report: no line for the disabled t_zap_badoff.dll"
grep -q "EXCEPTION_ACCESS_VIOLATION at t_zap_fault.dll+0x" "$tmp/faulty.out" ||
    fail "text report: no fault line for t_zap_fault.dll"

# 2b. junk from ParserAutoInstallInfo: read with bounds, said in warnings, nothing else changes
run junk 0 --parser "$bin/t_zap_junkinfo.dll" --parser "$bin/t_zap_parser.dll" "$bin/t_zapwatch.dll"
if [ -f "$tmp/junk.json" ]; then
    events "$tmp/junk.json" > "$tmp/junk.events"
    diff -u "$tmp/expect" "$tmp/junk.events" > /dev/null || fail "events with t_zap_junkinfo.dll loaded differ"
    got=$(parser "$tmp/junk.json" t_zap_junkinfo.dll protocols state warnings)
    want="ZAPJUNK ok ZAPJUNK: unreadable hand-off set; ZAPJUNK: hand-off set too large"
    [ "$got" = "$want" ] || fail "t_zap_junkinfo.dll: got '$got', expected '$want'"
fi

# 3. --isolate: the child loads the same parsers
run isolated 0 --isolate --parser "$bin/t_zap_parser.dll" --parser "$bin/t_zap_fault.dll" "$bin/t_zapwatch.dll"
if [ -f "$tmp/isolated.json" ]; then
    events "$tmp/isolated.json" > "$tmp/isolated.events"
    diff -u "$tmp/expect" "$tmp/isolated.events" > /dev/null || fail "events under --isolate differ"
fi

# 4. a parsers folder (NMSHIM_PARSERS) instead of --parser: the INI beside the DLL too
mkdir -p "$tmp/folder"
cp "$bin/t_zap_parser.dll" "$bin/t_zap_parser.ini" "$tmp/folder/"
NMSHIM_PARSERS="$tmp/folder" run folder 0 "$bin/t_zapwatch.dll"
if [ -f "$tmp/folder.json" ]; then
    events "$tmp/folder.json" > "$tmp/folder.events"
    diff -u "$tmp/expect" "$tmp/folder.events" > /dev/null || fail "events with the parser from NMSHIM_PARSERS differ"
fi

# 5. --handoff-ini: port 9999 to ZAP (hex), then a bad file (exit 2, the line named)
printf '; test\n[UDP_HandoffSet]\n0x270F = ZAP\n' > "$tmp/good.ini"
run ini 0 --handoff-ini "$tmp/good.ini" --parser "$bin/t_zap_parser.dll" "$bin/t_zapwatch.dll"
if [ -f "$tmp/ini.json" ]; then
    events "$tmp/ini.json" > "$tmp/ini.events"
    diff -u "$tmp/expect-ini" "$tmp/ini.events" > "$tmp/ini.diff" || { fail "events with --handoff-ini differ"; cat "$tmp/ini.diff"; }
fi
printf '[UDP_HandoffSet]\n7777 = ZAP\nseven = ZAP\n' > "$tmp/bad.ini"
run badini 2 --handoff-ini "$tmp/bad.ini" --parser "$bin/t_zap_parser.dll" "$bin/t_zapwatch.dll"
grep -q "line 3: 'seven' is not a number" "$tmp/badini.err" || fail "bad INI: message '$(cat "$tmp/badini.err")'"

# 6. no such parser: exit 2, named; no parser: the expert cannot find ZAP (exit 1)
run missing 2 --parser "$bin/no_such_parser.dll" "$bin/t_zapwatch.dll"
grep -q "cannot load parser" "$tmp/missing.err" || fail "missing parser: message '$(cat "$tmp/missing.err")'"
run none 1 "$bin/t_zapwatch.dll"

# 7. parsers whose entry point never returns (shim/watchdog.c): each loops on frame 3's
# message; after the bound (the default 2000 ms; 500 ms by --parser-timeout) the call is
# stopped in the parser's own code, the parser disabled and reported as a loop; the expert
# is done (-t 60 never comes into it), with frames 1-2's ZAP events and, in the summary,
# every UDP frame (the other protocols' properties stay, frame 3's too); the whole run in
# less than 20 s. Also under --isolate (the children get --parser-timeout).
{ grep '^frame [12]:' "$tmp/expect"; tail -n 1 "$tmp/expect" | sed 's/ zap [0-9]* / zap 0 /'; } > "$tmp/expect-loop"
for spec in t_zap_loop:RecognizeFrame:2000: t_zap_attloop:AttachProperties:500:--parser-timeout=500 \
            t_zap_attloop:AttachProperties:500:--isolate; do
    IFS=: read -r dll entry ms opt <<< "$spec"
    name=$dll${opt:+-${opt%%=*}}; name=${name//-/}
    extra=()
    case "$opt" in --isolate) extra=(--isolate --parser-timeout 500) ;; ?*) extra=("$opt") ;; esac
    t0=$(date +%s%N)
    run "$name" 0 -t 60 "${extra[@]}" --parser "$bin/$dll.dll" "$bin/t_zapwatch.dll"
    secs=$(( ($(date +%s%N) - t0) / 1000000000 ))
    [ "$secs" -lt 20 ] || fail "$name: the run took $secs s"
    [ -f "$tmp/$name.json" ] || continue
    events "$tmp/$name.json" > "$tmp/$name.events"
    diff -u "$tmp/expect-loop" "$tmp/$name.events" > "$tmp/$name.diff" || { fail "$name: events differ"; cat "$tmp/$name.diff"; }
    got=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["experts"][0]["outcome"])' "$tmp/$name.json")
    [ "$got" = done ] || fail "$name: the expert's outcome is '$got', expected done"
    [ "$opt" = --isolate ] && continue      # the parent's parsers section: loading only
    got=$(parser "$tmp/$name.json" "$dll.dll" protocols state entry why disabled_frame frames_affected fault.name fault.module)
    want="ZAP disabled $entry loops: no return from $entry in $ms ms 3 1 PARSER_TIMEOUT $dll.dll"
    [ "$got" = "$want" ] || fail "$name: got '$got', expected '$want'"
    grep -q "$dll.dll: ZAP, DISABLED: loops: no return from $entry in $ms ms at frame 3" "$tmp/$name.out" ||
        fail "$name: text report: no loop line"
    echo "check-parsers ($arch): $dll.dll stopped in $entry, run took $secs s"
done
run badtimeout 2 --parser-timeout 2s --parser "$bin/t_zap_parser.dll" "$bin/t_zapwatch.dll"
grep -q "parser-timeout wants milliseconds" "$tmp/badtimeout.err" || fail "bad --parser-timeout: message '$(cat "$tmp/badtimeout.err")'"

echo "check-parsers ($arch): $failures failed"
[ $failures = 0 ]
