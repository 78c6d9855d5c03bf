#!/usr/bin/env bash
# check-faultinj.sh - end-to-end checks of fault injection and tracing from nmhost's
# command line (issue 14 §2, §4) under Wine: --fail-alloc N makes an expert that ignores
# a failed allocation fault (and is reported so, the next expert still done), an expert
# that checks its allocations survives --fail-alloc-every K with the count in both
# reports, --stop-at-frame N terminates a frame reader at frame N, --isolate passes it
# all to its children (same JSON), bad values are usage errors; --trace-file gets every
# call with its arguments and results, --trace=warn only the warnings.
#   tests/check-faultinj.sh BIN_DIR ARCH        (ARCH: i686 or x86_64)
# Exit: 0 all checks passed, 1 some failed (each failure printed with got/expected),
# 77 skipped with the reason printed (CTest SKIP_RETURN_CODE), never counted as passed.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/check-lib.sh"
nm_check_init check-faultinj "$@"
command -v python3 >/dev/null || skip "python3 not found (needed to read the JSON)"
nm_check_built nmhost.exe
nm_check_experts t_alloc_unchecked.dll t_alloc_checked.dll t_stop_frames.dll t_double_free.dll
nm_check_sample
nm_check_wine

# has NAME FILE PATTERN / hasnt NAME FILE PATTERN: grep -E on a file.
has() {
    checks=$((checks + 1))
    grep -Eq -- "$3" "$2" || fail "$1: no line matching '$3' in $(basename "$2")"
}
hasnt() {
    checks=$((checks + 1))
    ! grep -Eq -- "$3" "$2" || fail "$1: a line matches '$3' in $(basename "$2"): $(grep -Em1 -- "$3" "$2")"
}

C=(-q -c "$cap")

# --fail-alloc 1: the first allocation of t_alloc_unchecked is NULL and it writes through
# it: a fault (write of 0x0 in Run), exit 1; the next expert still runs and is done (it
# checks, and carries on without the failed block); injected failures are not real ones.
nmhost fail1 1 "${C[@]}" --fail-alloc 1 -j "$tmp/fail1.json" t_alloc_unchecked.dll t_alloc_checked.dll
jcheck fail1-json "$tmp/fail1.json" '
assert d["injection"] == {"fail_alloc": 1, "fail_alloc_every": None, "stop_at_frame": None}, d["injection"]
u, c = E["t_alloc_unchecked.dll"], E["t_alloc_checked.dll"]
assert u["outcome"] == "fault", u["outcome"]
f = u["fault"]
assert f["name"] == "EXCEPTION_ACCESS_VIOLATION" and f["entry"] == "Run", f
assert f["module"].lower() == "t_alloc_unchecked.dll", f
assert f["access"] == "write" and int(f["target"], 16) == 0, f
assert u["injected"] == {"alloc_calls": 1, "alloc_failures": 1, "stop_frame": None}, u["injected"]
assert u["memory"]["failed"] == 0, u["memory"]
assert c["outcome"] == "done", c
assert c["injected"]["alloc_failures"] == 1 and c["injected"]["alloc_calls"] == 15, c["injected"]
cols = {x["name"]: x["value"] for x in c["events"][0]["columns"]}
assert cols == {"calls": 15, "failed": 1}, cols
assert c["memory"]["failed"] == 0, c["memory"]
'
has fail1-text "$tmp/fail1.out" '^fault injection: --fail-alloc 1'
has fail1-text "$tmp/fail1.out" '^  injected: 1 allocation failure \(of 1 calls counted\)'
has fail1-text "$tmp/fail1.out" 'summary: 2 experts, 1 done, 1 fault; exit status 1'

# Without injection the same expert is done, and the reports say nothing was injected.
nmhost plain 0 "${C[@]}" -j "$tmp/plain.json" t_alloc_unchecked.dll
jcheck plain-json "$tmp/plain.json" '
e = E["t_alloc_unchecked.dll"]
assert d["injection"] is None and e["injected"] is None, (d["injection"], e["injected"])
assert e["outcome"] == "done", e
'
hasnt plain-text "$tmp/plain.out" 'injected|fault injection'

# --fail-alloc-every 3: calls 3, 6, 9, 12, 15 of t_alloc_checked's 15 fail (10 allocs,
# 5 reallocs: two of the failures are reallocs, whose block is kept); it is done.
nmhost every3 0 "${C[@]}" --fail-alloc-every 3 -j "$tmp/every3.json" t_alloc_checked.dll
jcheck every3-json "$tmp/every3.json" '
e = E["t_alloc_checked.dll"]
assert d["injection"] == {"fail_alloc": None, "fail_alloc_every": 3, "stop_at_frame": None}, d["injection"]
assert e["outcome"] == "done", e
assert e["injected"] == {"alloc_calls": 15, "alloc_failures": 5, "stop_frame": None}, e["injected"]
cols = {x["name"]: x["value"] for x in e["events"][0]["columns"]}
assert cols == {"calls": 15, "failed": 5}, cols
m = e["memory"]
assert m["allocs"] == 8 and m["reallocs"] == 2 and m["failed"] == 0 and m["leaked_blocks"] == 0, m
'
has every3-text "$tmp/every3.out" '^  injected: 5 allocation failures \(of 15 calls counted\)'

# --stop-at-frame 5: t_stop_frames reads forward; asking for frame 5 gets
# NMERR_EXPERT_TERMINATE, it cleans up and returns FALSE: terminated, the stop at frame 5.
nmhost stop5 1 "${C[@]}" --stop-at-frame 5 -j "$tmp/stop5.json" t_stop_frames.dll
jcheck stop5-json "$tmp/stop5.json" '
e = E["t_stop_frames.dll"]
assert d["injection"] == {"fail_alloc": None, "fail_alloc_every": None, "stop_at_frame": 5}, d["injection"]
assert e["outcome"] == "terminated", e
assert "frame 5" in e["message"], e["message"]
assert e["injected"] == {"alloc_calls": 0, "alloc_failures": 0, "stop_frame": 5}, e["injected"]
assert e["status"]["state"] == "aborted", e["status"]
'
has stop5-text "$tmp/stop5.out" '^  injected: stop at frame 5.?$'
# Frame 0 is a frame too.
nmhost stop0 1 "${C[@]}" --stop-at-frame 0 -j "$tmp/stop0.json" t_stop_frames.dll
jcheck stop0-json "$tmp/stop0.json" '
e = E["t_stop_frames.dll"]
assert e["outcome"] == "terminated" and e["injected"]["stop_frame"] == 0, e
'

# --isolate passes all of it to its children: the same report as in-process.
nmhost iso-inproc 1 "${C[@]}" --fail-alloc 2 --stop-at-frame 7 -j "$tmp/iso-a.json" \
    t_alloc_unchecked.dll t_alloc_checked.dll t_stop_frames.dll
nmhost iso 1 "${C[@]}" --isolate --fail-alloc 2 --stop-at-frame 7 -j "$tmp/iso-b.json" \
    t_alloc_unchecked.dll t_alloc_checked.dll t_stop_frames.dll
checks=$((checks + 1))
python3 - "$tmp/iso-a.json" "$tmp/iso-b.json" >"$tmp/iso-same.py" 2>&1 <<'EOF' || fail "iso-same: $(cat "$tmp/iso-same.py")"
import json, sys
def norm(d):
    for e in d["experts"]:
        e["elapsed_ms"] = None
        if e.get("fault"): e["fault"]["address"] = None
        for h in e.get("status_history") or []: h["ms"] = None   # times differ
    return d
a, b = (norm(json.load(open(f, encoding="ascii"))) for f in sys.argv[1:3])
assert a["injection"] == {"fail_alloc": 2, "fail_alloc_every": None, "stop_at_frame": 7}, a["injection"]
for ea, eb in zip(a["experts"], b["experts"]):
    for k in ea:
        if ea[k] != eb.get(k):
            sys.exit("%s.%s: in-process %r, isolated %r" % (ea["dll"], k, ea[k], eb.get(k)))
assert a == b, "reports differ"
assert [e["injected"]["alloc_failures"] for e in a["experts"]] == [0, 1, 0], a
assert a["experts"][2]["injected"]["stop_frame"] == 7, a["experts"][2]
EOF

has iso-text "$tmp/iso.out" '^  injected: 1 allocation failure \(of 15 calls counted\), no stop \(frame 7 was never asked for\).?$'
has iso-text "$tmp/iso.out" '^  injected: 0 allocation failures \(of 1 calls counted\), stop at frame 7.?$'
has iso-text "$tmp/iso.out" '^fault injection: --fail-alloc 2, --stop-at-frame 7.?$'

# Bad values: usage errors (exit 2, one line naming the option, nothing run).
usage() {
    local name=$1 pattern=$2
    shift 2
    nmhost "$name" 2 "${C[@]}" "$@" t_alloc_checked.dll && {
        has "$name" "$tmp/$name.err" "$pattern"
        hasnt "$name" "$tmp/$name.out" 'expert 1'
    }
}
usage bad-fail0 '^nmhost: --fail-alloc wants' --fail-alloc 0
usage bad-failx '^nmhost: --fail-alloc wants' --fail-alloc 3x
usage bad-failneg '^nmhost: --fail-alloc wants' --fail-alloc=-1
usage bad-every0 '^nmhost: --fail-alloc-every wants' --fail-alloc-every 0
usage bad-stopneg '^nmhost: --stop-at-frame wants' --stop-at-frame -1
usage bad-stopend '^nmhost: --stop-at-frame: no such frame' --stop-at-frame 100000
usage bad-trace '^nmhost: --trace= wants' --trace=loud
usage bad-tracefile '^nmhost: cannot open the trace file' --trace-file "$tmp/no/such/folder/t.txt"

# --trace-file: every call with its arguments and results, in the file, nothing on
# stderr; an injected failure shows its NULL and NMERR_OUT_OF_MEMORY (19).
nmhost trace 0 "${C[@]}" --fail-alloc 4 --trace-file "$tmp/trace.txt" t_alloc_checked.dll
ptr='[0-9a-f]{8,16}'
has trace-file "$tmp/trace.txt" "^nmapi:trace:[0-9a-f]{4}:ExpertAllocMemory key $ptr, size 100 -> $ptr, error 0\$"
has trace-file "$tmp/trace.txt" "^nmapi:trace:[0-9a-f]{4}:ExpertAllocMemory key $ptr, size 103 -> 0{8,16}, error 19\$"
has trace-file "$tmp/trace.txt" "^nmapi:trace:[0-9a-f]{4}:ExpertReallocMemory key $ptr, ptr $ptr, size 4000 -> $ptr, error 0\$"
has trace-file "$tmp/trace.txt" "^nmapi:trace:[0-9a-f]{4}:ExpertFreeMemory key $ptr, ptr $ptr -> error 0\$"
has trace-file "$tmp/trace.txt" "^nmapi:trace:[0-9a-f]{4}:ExpertSubmitEvent key $ptr, event $ptr -> error 0\$"
has trace-file "$tmp/trace.txt" "^nmapi:trace:[0-9a-f]{4}:ExpertIndicateStatus key $ptr, status 2, .*text 1 of 15 allocation calls failed; carried on, percent 99 -> 0\$"
checks=$((checks + 1))
n=$(grep -c ':ExpertAllocMemory key ' "$tmp/trace.txt")
[ "$n" = 10 ] || fail "trace-file: $n ExpertAllocMemory lines, expected 10 (one per call)"
hasnt trace-stderr "$tmp/trace.err" '^nmapi:'
# Frames: every ExpertGetFrame with direction, flags, frame, filter, descriptor, result.
nmhost trace-frames 1 "${C[@]}" --stop-at-frame 3 --trace-file "$tmp/frames.txt" t_stop_frames.dll
has trace-frames "$tmp/frames.txt" "^nmapi:trace:[0-9a-f]{4}:ExpertGetFrame key $ptr, direction 1, flags 0, frame 1, filter 0{8,16}, desc $ptr -> frame 2, error 0\$"
has trace-frames "$tmp/frames.txt" "^nmapi:trace:[0-9a-f]{4}:ExpertGetFrame key $ptr, direction 1, flags 0, frame 2, filter 0{8,16}, desc $ptr -> frame 3, error 125\$"

# Properties and filters: the engine's functions an expert calls are traced too.
if [ -f "$bin/t_filterwalk.dll" ]; then
    nmhost trace-props 0 "${C[@]}" --trace-file "$tmp/props.txt" t_filterwalk.dll
    has trace-props "$tmp/props.txt" ":GetProtocolFromName TCP -> $ptr\$"
    has trace-props "$tmp/props.txt" ":GetProperty protocol $ptr, Source Port -> $ptr\$"
    has trace-props "$tmp/props.txt" ":FindPropertyInstanceRestart frame $ptr, property $ptr, key $ptr \\(was $ptr\\), forward 1 -> $ptr\$"
    has trace-props "$tmp/props.txt" ":FilterAddObject filter $ptr, object $ptr -> 0\$"
    has trace-props "$tmp/props.txt" ":CreateFilter -> $ptr\$"
fi

# --trace (stderr) and --trace=warn: warn shows only the warnings (t_double_free's
# second free), none of the trace lines.
nmhost trace-all 0 "${C[@]}" --trace t_double_free.dll
has trace-all "$tmp/trace-all.err" '^nmapi:trace:[0-9a-f]{4}:ExpertFreeMemory '
has trace-all "$tmp/trace-all.err" '^nmapi:warn:[0-9a-f]{4}:[a-z]+ ExpertFreeMemory: .*double free'
nmhost trace-warn 0 "${C[@]}" --trace=warn t_double_free.dll
has trace-warn "$tmp/trace-warn.err" '^nmapi:warn:[0-9a-f]{4}:[a-z]+ ExpertFreeMemory: .*double free'
hasnt trace-warn "$tmp/trace-warn.err" '^nmapi:trace:'
checks=$((checks + 1))
n=$(grep -c '^nmapi:' "$tmp/trace-warn.err")
[ "$n" = 1 ] || fail "trace-warn: $n nmapi lines on stderr, expected the 1 warning"
nmhost trace-warnfile 0 "${C[@]}" --trace=warn --trace-file "$tmp/warn.txt" t_double_free.dll t_alloc_checked.dll
has trace-warnfile "$tmp/warn.txt" '^nmapi:warn:[0-9a-f]{4}:[a-z]+ ExpertFreeMemory: .*double free'
hasnt trace-warnfile "$tmp/warn.txt" '^nmapi:trace:'

# --isolate: the children append to the parent's file, whole lines only.
nmhost trace-iso 1 "${C[@]}" --isolate --stop-at-frame 3 --trace-file "$tmp/iso.txt" \
    t_alloc_checked.dll t_stop_frames.dll t_double_free.dll t_alloc_checked.dll
checks=$((checks + 1))
n=$(grep -c ':ExpertAllocMemory key .*, size 100 -> ' "$tmp/iso.txt")
[ "$n" = 2 ] || fail "trace-iso: $n first allocations of t_alloc_checked, expected 2 (one per child)"
has trace-iso "$tmp/iso.txt" ':ExpertGetFrame .* -> frame 3, error 125$'
has trace-iso "$tmp/iso.txt" '^nmapi:warn:[0-9a-f]{4}:[a-z]+ ExpertFreeMemory: .*double free'
checks=$((checks + 1))
! grep -Evq '^nmapi:(trace|warn|err|fixme):[0-9a-f]{4}:[A-Za-z_0-9]+ .*$' "$tmp/iso.txt" \
    || fail "trace-iso: a mixed or cut line: $(grep -Evm1 '^nmapi:(trace|warn|err|fixme):[0-9a-f]{4}:[A-Za-z_0-9]+ ' "$tmp/iso.txt")"

echo "check-faultinj ($arch): $checks checks, $failures failed"
[ "$failures" = 0 ]
