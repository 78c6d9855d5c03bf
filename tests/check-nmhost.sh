#!/usr/bin/env bash
# check-nmhost.sh - end-to-end checks of nmhost.exe under Wine: runs it on the test
# experts and the sample capture, asserts exit codes, and reads the JSON report with
# python3's json module (the contract in host/REPORT.md).
#   tests/check-nmhost.sh BIN_DIR ARCH        (ARCH: i686 or x86_64)
# Exit: 0 all checks passed, 1 some failed (each failure printed with got/expected),
# 77 skipped with the reason printed (CTest SKIP_RETURN_CODE), never counted as passed.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/check-lib.sh"
nm_check_init check-nmhost "$@"
command -v python3 >/dev/null || skip "python3 not found (needed to read the JSON)"
nm_check_built nmhost.exe
nm_check_experts t_ok.dll
nm_check_sample

nm_check_wine

# jcheck NAME FILE PYTHON: loads FILE as JSON, validates the documented shape, then runs
# PYTHON with d (the report) and E (experts by dll base name, lower case) bound.
jcheck() {
    local name=$1 file=$2 code=$3
    checks=$((checks + 1))
    python3 - "$file" "$code" >"$tmp/$name.py" 2>&1 <<'EOF' || { fail "$name: $(cat "$tmp/$name.py")"; return 1; }
import json, sys, ntpath
try:
    d = json.load(open(sys.argv[1], encoding="ascii"))
except Exception as ex:
    sys.exit("not valid ASCII JSON: %s" % ex)
NUM = (int, float)
def need(obj, key, types, where):
    assert key in obj, "%s: missing key %r" % (where, key)
    assert isinstance(obj[key], types), "%s.%s: %r has type %s" % (where, key, obj[key], type(obj[key]).__name__)
    return obj[key]
COLTYPES = {"uint8": int, "sint8": int, "uint16": int, "sint16": int, "uint32": int,
            "sint32": int, "frame": int, "float64": NUM, "vartime": NUM, "yesno": bool,
            "onoff": bool, "truefalse": bool, "macaddr": str, "ipxaddr": str,
            "ipaddr": str, "string": str}
try:
    need(d, "nmhost", str, "report"); need(d, "arch", str, "report")
    need(d, "exit_status", int, "report")
    if d["capture"] is not None:
        for k, t in (("path", str), ("format", str), ("frames", int), ("bytes", int)):
            need(d["capture"], k, t, "capture")
    for i, e in enumerate(need(d, "experts", list, "report")):
        w = "experts[%d]" % i
        need(e, "dll", str, w)
        for k in ("name", "vendor", "description", "message"):
            need(e, k, (str, type(None)), w)
        assert e["outcome"] in ("done", "failed", "fault", "terminated", "hung",
                                "load_error", "loaded"), "%s.outcome %r" % (w, e["outcome"])
        f = need(e, "fault", (dict, type(None)), w)
        assert (f is not None) == (e["outcome"] == "fault"), "%s: fault vs outcome %s" % (w, e["outcome"])
        if f:
            need(f, "code", int, w + ".fault"); need(f, "offset", int, w + ".fault")
            need(f, "address", str, w + ".fault")
            assert f["access"] in ("read", "write", "execute", None), f["access"]
        s = need(e, "status", (dict, type(None)), w)
        if s:
            need(s, "state", str, w + ".status"); need(s, "percent", int, w + ".status")
            need(s, "text", str, w + ".status")
        for j, ev in enumerate(need(e, "events", list, w)):
            we = "%s.events[%d]" % (w, j)
            need(ev, "ident", int, we); need(ev, "severity", int, we); need(ev, "time", str, we)
            for c in need(ev, "columns", list, we):
                assert c["type"] in COLTYPES or c["type"] == "unknown", "%s: column type %r" % (we, c["type"])
                if c["value"] is not None and c["type"] in COLTYPES:
                    t = COLTYPES[c["type"]]
                    assert isinstance(c["value"], t) and not (t is int and isinstance(c["value"], bool)), \
                        "%s: column %r value %r for type %s" % (we, c["name"], c["value"], c["type"])
        m = need(e, "memory", (dict, type(None)), w)
        if m:
            for k in ("allocs", "reallocs", "frees", "bad_calls", "peak_blocks", "peak_bytes",
                      "leaked_blocks", "leaked_bytes"):
                need(m, k, int, w + ".memory")
        need(e, "elapsed_ms", (int, type(None)), w)
    E = {ntpath.basename(e["dll"]).lower(): e for e in d["experts"]}
    exec(sys.argv[2])
except AssertionError as ex:
    sys.exit(str(ex))
except (KeyError, TypeError, IndexError) as ex:
    sys.exit("%s: %r" % (type(ex).__name__, ex))
EOF
}

# contains NAME FILE TEXT: FILE has TEXT (fixed string).
contains() {
    checks=$((checks + 1))
    grep -qF -- "$3" "$2" || fail "$1: '$3' not in $(basename "$2")"
}

C=(-q -c "$cap")

# ---- usage and version --------------------------------------------------------------
nmhost version 0 --version && contains version "$tmp/version.out" "nmhost " &&
    contains version "$tmp/version.out" "$arch)"
nmhost help 0 --help && contains help "$tmp/help.out" "usage: nmhost"
nmhost no-experts 2
nmhost bad-option 2 --bogus t_ok.dll
nmhost bad-timeout 2 -t zero t_ok.dll
nmhost missing-arg 2 t_ok.dll --capture
nmhost no-capture 2 -c "$tmp/none.cap" t_ok.dll && contains no-capture "$tmp/no-capture.err" "none.cap"
printf 'not a capture' >"$tmp/junk.cap"
nmhost junk-capture 2 -c "$tmp/junk.cap" t_ok.dll

# ---- one good expert; the default capture (found from the exe) ------------------------
if [ -f "$bin/../../../data/sample.cap" ]; then
    nmhost default-capture 0 -q t_ok.dll -j "$tmp/default.json" &&
    jcheck default-capture "$tmp/default.json" '
assert d["capture"]["path"].lower().endswith("sample.cap"), d["capture"]["path"]
assert d["capture"]["frames"] > 0, d["capture"]'
fi
nmhost ok 0 "${C[@]}" t_ok.dll -j "$tmp/ok.json" && jcheck ok "$tmp/ok.json" '
e = E["t_ok.dll"]
assert d["arch"] == "'"$arch"'", d["arch"]
assert d["exit_status"] == 0, d["exit_status"]
assert e["outcome"] == "done", (e["outcome"], e["message"])
assert e["name"] == "t_ok", e["name"]
assert e["status"]["state"] == "done" and e["status"]["percent"] == 100, e["status"]
m = e["memory"]
assert (m["allocs"], m["reallocs"], m["frees"], m["leaked_blocks"]) == (10, 1, 10, 0), m
h = [(x["kind"], x["call"], x["state"], x["percent"], x["text"]) for x in e["status_history"]]
assert h == [("change", 1, "running", 50, "halfway"), ("final", 1, "done", 100, "halfway")], h
assert e["status_history_dropped"] == 0, e["status_history_dropped"]
assert e["status_history"][-1]["ms"] == e["elapsed_ms"], e["status_history"]'
contains ok-text "$tmp/ok.out" "outcome:  done"
contains ok-text "$tmp/ok.out" "history:  2 entries"
contains ok-text "$tmp/ok.out" "summary: 1 expert, 1 done; exit status 0"
checks=$((checks + 1))
grep -q $'\x1b' "$tmp/ok.err" && fail "ok: escape sequences on a stderr that is not a terminal"

# JSON on stdout: nothing else may be there.
nmhost json-stdout 0 -c "$cap" t_ok.dll -j - && jcheck json-stdout "$tmp/json-stdout.out" '
assert E["t_ok.dll"]["outcome"] == "done"'

# ---- memory accounting, faults ------------------------------------------------------
nmhost leaker 0 "${C[@]}" t_leaker.dll -j "$tmp/leaker.json" && jcheck leaker "$tmp/leaker.json" '
m = E["t_leaker.dll"]["memory"]
assert (m["leaked_blocks"], m["leaked_bytes"]) == (1000, 100000), m'

nmhost crash 1 "${C[@]}" t_crash_after_alloc.dll -j "$tmp/crash.json" && jcheck crash "$tmp/crash.json" '
e = E["t_crash_after_alloc.dll"]
f = e["fault"]
assert e["outcome"] == "fault", e["outcome"]
assert f["code"] == 0xC0000005 and f["name"] == "EXCEPTION_ACCESS_VIOLATION", f
assert f["entry"] == "Run", f
assert (f["module"] or "").lower() == "t_crash_after_alloc.dll", f
assert f["access"] == "write" and int(f["target"], 16) == 0, f
assert e["memory"]["allocs"] == 100, e["memory"]'
contains crash-text "$tmp/crash.out" "EXCEPTION_ACCESS_VIOLATION in Run at t_crash_after_alloc.dll+0x"

nmhost divzero 1 "${C[@]}" t_divzero.dll -j "$tmp/divzero.json" && jcheck divzero "$tmp/divzero.json" '
f = E["t_divzero.dll"]["fault"]
assert f["code"] == 0xC0000094 and f["name"] == "EXCEPTION_INT_DIVIDE_BY_ZERO", f
assert f["access"] is None and f["target"] is None, f'

# Several experts at once, faults among them: each keeps its own result, in order.
nmhost together 1 "${C[@]}" t_ok.dll t_crash_after_alloc.dll t_leaker.dll t_divzero.dll \
    -j "$tmp/together.json" && jcheck together "$tmp/together.json" '
got = [e["outcome"] for e in d["experts"]]
assert got == ["done", "fault", "done", "fault"], got
assert E["t_leaker.dll"]["memory"]["leaked_blocks"] == 1000'

# ---- experts that do not load or do not register -----------------------------------
nmhost missing-dll 2 "${C[@]}" t_ok.dll no_such_expert.dll -j "$tmp/missing.json" &&
jcheck missing-dll "$tmp/missing.json" '
e = E["no_such_expert.dll"]
assert e["outcome"] == "load_error" and e["message"], e
assert e["name"] is None and e["status"] is None and e["memory"] is None, e
assert E["t_ok.dll"]["outcome"] == "done"
assert d["exit_status"] == 2'
nmhost register-false 1 "${C[@]}" t_register_false.dll -j "$tmp/regfalse.json" &&
jcheck register-false "$tmp/regfalse.json" '
assert E["t_register_false.dll"]["outcome"] == "failed", E["t_register_false.dll"]'

# ---- nothing an expert does ends the host (README "Lifecycle") ------------------------
# fault_case NAME DLL FAULT_NAME ENTRY [nmhost options]: DLL faults with FAULT_NAME in
# ENTRY, reported at DLL+offset; exit status 1; t_ok.dll after it on the command line
# still runs to done. For Run, the expert's live block was freed with its heap.
fault_case() {
    local name=$1 dll=$2 fname=$3 entry=$4
    shift 4
    nmhost "$name" 1 "${C[@]}" "$@" "$dll" t_ok.dll -j "$tmp/$name.json" &&
    jcheck "$name" "$tmp/$name.json" '
e = E["'"$dll"'"]
f = e["fault"]
assert e["outcome"] == "fault", (e["outcome"], e["message"])
assert f["name"] == "'"$fname"'" and f["entry"] == "'"$entry"'", (f, e["message"])
assert (f["module"] or "").lower() == "'"$dll"'" and f["offset"] > 0, f
if f["entry"] == "Run":
    assert e["memory"]["leaked_blocks"] >= 1, e["memory"]
assert E["t_ok.dll"]["outcome"] == "done", E["t_ok.dll"]
assert d["exit_status"] == 1'
}
fault_case dllmain-crash t_dllmain_crash.dll EXCEPTION_ACCESS_VIOLATION DllMain
fault_case dllmain-exit t_exit_dllmain_exit.dll EXPERT_CALLED_EXIT DllMain
fault_case dllmain-exitprocess t_exit_dllmain_exitprocess.dll EXPERT_CALLED_EXITPROCESS DllMain
fault_case dllmain-exitthread t_exit_dllmain_exitthread.dll EXPERT_CALLED_EXITTHREAD DllMain
fault_case register-abort t_exit_register_abort.dll EXPERT_CALLED_ABORT Register
fault_case register-exitthread t_exit_register_exitthread.dll EXPERT_CALLED_EXITTHREAD Register
fault_case configure-exit t_exit_configure_exit.dll EXPERT_CALLED_EXIT Configure --configure
fault_case configure-exitthread t_exit_configure_exitthread.dll EXPERT_CALLED_EXITTHREAD Configure --configure
fault_case run-exit t_exit_run_exit.dll EXPERT_CALLED_EXIT Run
fault_case run-_exit t_exit_run__exit.dll EXPERT_CALLED_EXIT Run
fault_case run-abort t_exit_run_abort.dll EXPERT_CALLED_ABORT Run
fault_case run-assert t_exit_run_assert.dll EXPERT_ASSERT_FAILED Run
fault_case run-exitprocess t_exit_run_exitprocess.dll EXPERT_CALLED_EXITPROCESS Run
fault_case run-terminateprocess t_exit_run_terminateprocess.dll EXPERT_CALLED_TERMINATEPROCESS Run
fault_case run-exitthread t_exit_run_exitthread.dll EXPERT_CALLED_EXITTHREAD Run
# An uncaught C++ exception: std::terminate -> abort() on i686 (DWARF unwinding); an
# unhandled SEH exception on x86_64.
if [ "$arch" = i686 ]; then
    fault_case cxx-uncaught t_cxx_uncaught.dll EXPERT_CALLED_ABORT Run
else
    fault_case cxx-uncaught t_cxx_uncaught.dll "C++ exception (GCC)" Run
fi
fault_case worker-null t_worker_null.dll EXCEPTION_ACCESS_VIOLATION Run
fault_case worker-late t_worker_late.dll EXCEPTION_ACCESS_VIOLATION Run
contains worker-late-text "$tmp/worker-late.out" "a thread it created in Run faulted"
# ntdll's RtlExitUserThread is not hooked: Run's thread just ends; still the expert's
# fault, its heap freed (not the zero statistics blamed on nmapi of old).
nmhost run-thread-ended 1 "${C[@]}" t_exit_run_rtlexituserthread.dll t_ok.dll \
    -j "$tmp/run-thread-ended.json" && jcheck run-thread-ended "$tmp/run-thread-ended.json" '
e = E["t_exit_run_rtlexituserthread.dll"]
assert e["outcome"] == "fault" and e["fault"]["name"] == "EXPERT_THREAD_ENDED", e
assert e["fault"]["entry"] == "Run" and e["memory"]["leaked_blocks"] == 1, e
assert E["t_ok.dll"]["outcome"] == "done"'

# Entry points other than Run under -t: a Configure with a modal box is hung, not the
# host; a DllMain that never returns is hung too, but it keeps the loader lock, so the
# experts after it are refused (failed, with the reason) instead of hanging.
start=$(date +%s)
nmhost configure-hang 1 "${C[@]}" -t 1 --configure t_hang_configure.dll t_ok.dll \
    -j "$tmp/configure-hang.json" && jcheck configure-hang "$tmp/configure-hang.json" '
e = E["t_hang_configure.dll"]
assert e["outcome"] == "hung" and e["message"].startswith("Configure"), e
assert E["t_ok.dll"]["outcome"] == "done"'
nmhost dllmain-hang 1 "${C[@]}" -t 1 t_ok.dll t_hang_dllmain.dll t_leaker.dll \
    -j "$tmp/dllmain-hang.json" && jcheck dllmain-hang "$tmp/dllmain-hang.json" '
e = E["t_hang_dllmain.dll"]
assert e["outcome"] == "hung" and e["message"].startswith("DllMain"), e
assert E["t_leaker.dll"]["outcome"] == "failed" and "loader lock" in E["t_leaker.dll"]["message"]'
checks=$((checks + 1))
[ $(( $(date +%s) - start )) -le 40 ] || fail "configure/dllmain hang: took $(( $(date +%s) - start )) s"

# The file named, not one the loader's search finds first: from a folder holding
# another expert under the name t_ok.dll, "nmhost t_ok.dll" loads that one.
mkdir -p "$tmp/cwd" && cp "$bin/t_register_false.dll" "$tmp/cwd/t_ok.dll"
checks=$((checks + 1))
(cd "$tmp/cwd" && "$run" "$bin/nmhost.exe" "${C[@]}" t_ok.dll -j "$tmp/exact.json") \
    >"$tmp/exact.out" 2>&1
rc=$?
[ $rc = 1 ] || fail "exact-file: exit $rc, expected 1 (t_register_false under the name t_ok.dll)"
jcheck exact-file "$tmp/exact.json" '
e = d["experts"][0]
assert e["outcome"] == "failed" and e["message"] == "Register returned FALSE", e'

# ---- timeouts: cooperative stop, then hung ------------------------------------------
start=$(date +%s)
nmhost hung 1 "${C[@]}" -t 1 t_ignore_stop.dll -j "$tmp/hung.json" && jcheck hung "$tmp/hung.json" '
assert E["t_ignore_stop.dll"]["outcome"] == "hung", E["t_ignore_stop.dll"]["outcome"]'
checks=$((checks + 1))
[ $(( $(date +%s) - start )) -le 20 ] || fail "hung: took $(( $(date +%s) - start )) s (timeout 1 s + 2 s grace)"
nmhost terminated 1 "${C[@]}" --timeout=1 t_honour_stop.dll -j "$tmp/term.json" &&
jcheck terminated "$tmp/term.json" '
assert E["t_honour_stop.dll"]["outcome"] == "terminated", E["t_honour_stop.dll"]["outcome"]'

# ---- frames and events --------------------------------------------------------------
nmhost frames 0 "${C[@]}" t_frames.dll -j "$tmp/frames.json" && jcheck frames "$tmp/frames.json" '
e = E["t_frames.dll"]
assert e["outcome"] == "done", (e["outcome"], e["message"], e["status"])
assert len(e["events"]) >= 1, e["events"]'
if [ -f "$bin/t_events.dll" ]; then
    # Every NMCOLUMNTYPE once (t_events' first event); IPADDR is left out: its text
    # depends on how the expert stored the DWORD (REPORT.md: memory byte order).
    nmhost events 0 "${C[@]}" t_events.dll -j "$tmp/events.json" && jcheck events "$tmp/events.json" '
evs = E["t_events.dll"]["events"]
assert len(evs) >= 1, evs
cols = {c["type"]: c["value"] for c in evs[0]["columns"]}
want = {"uint8": 200, "sint8": -100, "uint16": 60000, "sint16": -30000, "uint32": 4000000000,
        "sint32": -2000000000, "float64": 1.5, "frame": 7, "yesno": True, "onoff": False,
        "truefalse": True, "macaddr": "00:11:22:33:44:55", "ipxaddr": "00001234.001122334455",
        "vartime": 2.25, "string": "hello"}
bad = {k: (cols.get(k), v) for k, v in want.items() if cols.get(k) != v}
assert not bad, "column (got, expected): %r" % bad
assert isinstance(cols.get("ipaddr"), str) and cols["ipaddr"].count(".") == 3, cols.get("ipaddr")'
fi

# ---- --list ---------------------------------------------------------------------------
nmhost list 0 --list t_ok.dll t_config.dll -j "$tmp/list.json" && jcheck list "$tmp/list.json" '
assert d["capture"] is None
assert [e["outcome"] for e in d["experts"]] == ["loaded", "loaded"], d["experts"]
assert E["t_config.dll"]["flags"] & 1 and E["t_config.dll"]["name"] == "t_config"'
contains list-text "$tmp/list.out" "configurable"
nmhost list-missing 2 --list t_ok.dll no_such_expert.dll

# ---- --configure / --config ----------------------------------------------------------
cfg=$tmp/experts.cfg
nmhost no-config 1 "${C[@]}" t_config.dll -j "$tmp/noconfig.json" && jcheck no-config "$tmp/noconfig.json" '
assert E["t_config.dll"]["outcome"] == "failed", E["t_config.dll"]'
nmhost configure-1 0 "${C[@]}" --configure --config "$cfg" t_config.dll -j "$tmp/cfg1.json" &&
jcheck configure-1 "$tmp/cfg1.json" '
e = E["t_config.dll"]
assert e["configured"] and not e["config_loaded"], e
assert e["status"]["text"].startswith("config:v1"), e["status"]'
checks=$((checks + 1))
if [ "$(head -1 "$cfg" 2>/dev/null)" != "nmhost-config 1" ] ||
   ! grep -qE $'^t_config.dll\t14000000' "$cfg"; then
    fail "configure-1: $cfg does not hold a 20-byte t_config.dll entry: $(cat "$cfg" 2>&1)"
fi
nmhost configure-2 0 "${C[@]}" --configure --config "$cfg" t_config.dll -j "$tmp/cfg2.json" &&
jcheck configure-2 "$tmp/cfg2.json" '
e = E["t_config.dll"]
assert e["configured"] and e["config_loaded"], e
assert e["status"]["text"].startswith("config:v2"), e["status"]'
nmhost config-load 0 "${C[@]}" --config "$cfg" t_config.dll -j "$tmp/cfg3.json" &&
jcheck config-load "$tmp/cfg3.json" '
e = E["t_config.dll"]
assert e["config_loaded"] and not e["configured"], e
assert e["status"]["text"].startswith("config:v2"), e["status"]'
printf 'nmhost-config 1\nt_config.dll\tzz\n' >"$tmp/bad.cfg"
nmhost config-bad 2 "${C[@]}" --config "$tmp/bad.cfg" t_config.dll

# ---- the sample experts (the README's first command) --------------------------------
for s in topusers protodist; do
    [ -f "$bin/$s.dll" ] || continue
    nmhost "$s" 0 "${C[@]}" "$s.dll" -j "$tmp/$s.json" && jcheck "$s" "$tmp/$s.json" '
e = d["experts"][0]
assert e["outcome"] == "done", (e["outcome"], e["message"], e["status"])'
done

echo "check-nmhost ($arch): $checks checks, $failures failed"
[ $failures = 0 ]
