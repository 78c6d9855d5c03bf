#!/usr/bin/env bash
# check-lockfaults.sh - end-to-end checks of issue 9 §2 "no lock the shim holds may be
# left held by a fault or a dead thread": nmhost.exe under Wine runs each lock-fault test
# expert (tests/experts: overflow_api.c, heap_corrupt.c, kill_worker.c) followed by the
# well-behaved t_ok.dll, and must give that expert's outcome (fault with code, name,
# entry, module + offset; failed; hung), exit status 1, and t_ok still `done`. Every run
# is bounded by `timeout`: a hang is a failure, never a stuck suite. Also nmhost's
# --quota (issue 9 §3: the quota counts real block cost), on t_leaker.dll.
#   tests/check-lockfaults.sh BIN_DIR ARCH        (ARCH: i686 or x86_64)
# Exit: 0 all checks passed, 1 some failed, 77 skipped with the reason printed.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/check-lib.sh"
nm_check_init check-lockfaults "$@"
command -v python3 >/dev/null || skip "python3 not found (needed to read the JSON)"
command -v timeout >/dev/null || skip "timeout (coreutils) not found"
nm_check_built nmhost.exe
nm_check_experts t_overflow_api.dll
nm_check_sample

nm_check_wine

# case NAME EXPERT PYTHON [NMHOST OPTIONS...]: nmhost EXPERT t_ok.dll, bounded to 120 s;
# expects exit status 1, then runs PYTHON with e (EXPERT's report), ok (t_ok's), d.
case_() {
    local name=$1 dll=$2 code=$3 rc start
    shift 3
    checks=$((checks + 1))
    start=$(date +%s)
    (cd "$bin" && exec timeout -k 5 120 "$run" "$bin/nmhost.exe" -q -c "$cap" "$@" \
        -j "$tmp/$name.json" "$dll" t_ok.dll) >"$tmp/$name.out" 2>"$tmp/$name.err"
    rc=$?
    echo "$name: exit $rc in $(( $(date +%s) - start )) s"
    if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
        fail "$name: nmhost hung (killed after 120 s)"
        return 1
    fi
    if [ "$rc" != 1 ]; then
        fail "$name: nmhost exited $rc, expected 1"
        sed 's/^/    stderr: /' "$tmp/$name.err" | head -5
        return 1
    fi
    checks=$((checks + 1))
    python3 - "$tmp/$name.json" "$dll" "$code" >"$tmp/$name.py" 2>&1 <<'PY' || { fail "$name: $(cat "$tmp/$name.py")"; return 1; }
import json, sys, ntpath
d = json.load(open(sys.argv[1], encoding="ascii"))
E = {ntpath.basename(x["dll"]).lower(): x for x in d["experts"]}
e, ok = E[sys.argv[2].lower()], E["t_ok.dll"]
try:
    assert d["exit_status"] == 1, d["exit_status"]
    assert ok["outcome"] == "done", ("t_ok after it", ok["outcome"], ok["message"])
    exec(sys.argv[3])
    print("  %s: %s" % (e["outcome"], e["message"]))
except AssertionError as ex:
    sys.exit("%s (outcome %s, message %r)" % (ex, e["outcome"], e["message"]))
PY
    sed -n 's/^/    /p' "$tmp/$name.py"
}

# 1. Stack overflow while calling the API: caught before the instance lock (stack check),
#    reported at the expert's call.
case_ overflow-api t_overflow_api.dll '
f = e["fault"]
assert e["outcome"] == "fault", e["outcome"]
assert f["code"] == 0xC00000FD and f["name"] == "STATUS_STACK_OVERFLOW", f
assert f["entry"] == "Run", f
assert (f["module"] or "").lower() == "t_overflow_api.dll" and f["offset"] > 0, f
assert e["memory"]["allocs"] > 100, e["memory"]'

# 2. Access violation inside HeapAlloc/HeapFree on a heap the expert corrupted: the lock
#    is taken over by the same thread's end of the instance (poisoned), the heap destroyed.
case_ heap-corrupt t_heap_corrupt.dll '
f = e["fault"]
assert e["outcome"] == "fault", e["outcome"]
assert f["code"] == 0xC0000005 and f["name"] == "EXCEPTION_ACCESS_VIOLATION", f
assert f["entry"] == "Run", f
assert (f["module"] or "").lower() == "t_heap_corrupt.dll" and f["offset"] > 0, f
assert "poisoned" in (e["memory"]["last_bad_reason"] or ""), e["memory"]'

# 3. TerminateThread on a worker inside ExpertAllocMemory (lock held by a dead thread):
#    a) Run keeps calling the API (NMERR_INTERNAL_EXCEPTION) and returns TRUE
case_ kill-worker t_kill_worker.dll '
assert e["outcome"] == "failed", e["outcome"]
assert "died in a call: poisoned" in e["message"], e["message"]
# Run saw NULL + NMERR_INTERNAL_EXCEPTION after the kill (else it returns FALSE)
assert e["message"].startswith("Run returned TRUE"), e["message"]'
#    b) Run returns TRUE at once: the host ends the instance over the dead thread's lock
case_ kill-worker-return t_kill_worker_return.dll '
assert e["outcome"] == "failed", e["outcome"]
assert "died in a call: poisoned" in e["message"], e["message"]'
#    c) Run then ignores stop without calling the API: -t stops it without waiting on the
#       lock, it is hung, the report still reads its statistics
case_ kill-worker-hang t_kill_worker_hang.dll '
assert e["outcome"] == "hung", e["outcome"]
assert e["memory"] is not None and e["memory"]["allocs"] > 0, e["memory"]' -t 2

# ---- --quota (issue 9 §3): the quota counts what blocks really cost -------------------
# quota NAME WANT_RC PYTHON ARGS...: nmhost ARGS t_leaker.dll (1000 blocks of 100 bytes,
# never freed); PYTHON runs with e = t_leaker's report.
quota() {
    local name=$1 want=$2 code=$3 rc
    shift 3
    checks=$((checks + 1))
    (cd "$bin" && exec timeout -k 5 120 "$run" "$bin/nmhost.exe" -q -c "$cap" "$@" \
        -j "$tmp/$name.json" t_leaker.dll) >"$tmp/$name.out" 2>"$tmp/$name.err"
    rc=$?
    echo "$name: exit $rc"
    [ "$rc" = "$want" ] || { fail "$name: nmhost $* exited $rc, expected $want"; return 1; }
    [ -n "$code" ] || return 0
    checks=$((checks + 1))
    python3 - "$tmp/$name.json" "$code" >"$tmp/$name.py" 2>&1 <<'PY' || fail "$name: $(cat "$tmp/$name.py")"
import json, sys
e = json.load(open(sys.argv[1], encoding="ascii"))["experts"][0]
m = e["memory"]
exec(sys.argv[2])
PY
}
# 100,000 bytes would hold the 100,000 requested bytes; not with their real cost.
quota quota-real-cost 1 '
assert e["outcome"] == "failed", e["outcome"]
assert m["failed"] > 0 and 600 < m["allocs"] < 1000, m' --quota 100000
quota quota-suffix 0 '
assert e["outcome"] == "done" and m["allocs"] == 1000 and m["failed"] == 0, m' --quota 1M
quota quota-none 0 '
assert e["outcome"] == "done" and m["failed"] == 0, m' --quota=0
quota quota-default 0 '
assert e["outcome"] == "done", e["outcome"]'
quota quota-bad 2 '' --quota 12Q
quota quota-negative 2 '' --quota -5
quota quota-too-big 2 '' --quota 99999999999G

echo "check-lockfaults ($arch): $checks checks, $failures failed"
[ "$failures" = 0 ]
