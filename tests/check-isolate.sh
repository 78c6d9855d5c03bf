#!/usr/bin/env bash
# check-isolate.sh - end-to-end checks of nmhost --isolate under Wine (host/isolate.c):
# the same JSON as in-process for experts that behave, and for what only a process
# boundary contains (ExitProcess, a wrecked process heap, a DllMain that never returns,
# garbage on the result pipe) the right outcome, exit status 1, and the next expert done.
#   tests/check-isolate.sh BIN_DIR ARCH        (ARCH: i686 or x86_64)
# Exit: 0 all checks passed, 1 some failed (each failure printed with got/expected),
# 77 skipped with the reason printed (CTest SKIP_RETURN_CODE), never counted as passed.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/check-lib.sh"
nm_check_init check-isolate "$@"
command -v python3 >/dev/null || skip "python3 not found (needed to read the JSON)"
nm_check_built nmhost.exe
nm_check_experts t_iso_exit.dll
nm_check_sample

nm_check_wine

# same NAME A.json B.json: the two reports are equal but for timings (elapsed_ms) and,
# for faults, the absolute address (the child may map a DLL elsewhere; the offset in
# the module must still match).
same() {
    checks=$((checks + 1))
    python3 - "$2" "$3" >"$tmp/$1.py" 2>&1 <<'EOF' || fail "$1: --isolate differs from in-process: $(cat "$tmp/$1.py")"
import json, sys
def norm(d):
    for e in d["experts"]:
        e["elapsed_ms"] = None
        for h in e.get("status_history") or []: h["ms"] = None
        if e.get("fault"): e["fault"]["address"] = None
    return d
a, b = (norm(json.load(open(f, encoding="ascii"))) for f in sys.argv[1:3])
if a != b:
    for ea, eb in zip(a["experts"], b["experts"]):
        for k in ea:
            if ea[k] != eb.get(k):
                sys.exit("%s.%s: in-process %r, isolated %r" % (ea["dll"], k, ea[k], eb.get(k)))
    sys.exit("reports differ: %r / %r" % (a, b))
EOF
}

C=(-q -c "$cap")

# ---- the same report as in-process ----------------------------------------------------
samples=()
for s in topusers.dll protodist.dll; do [ -f "$bin/$s" ] && samples+=("$s"); done
set -- "${samples[@]}" t_ok.dll t_leaker.dll t_frames.dll t_events.dll
nmhost inproc 0 "${C[@]}" "$@" -j "$tmp/inproc.json" &&
nmhost isolated 0 "${C[@]}" --isolate "$@" -j "$tmp/isolated.json" &&
same same-samples "$tmp/inproc.json" "$tmp/isolated.json"
# The text report too (elapsed lines aside).
checks=$((checks + 1))
diff <(grep -v 'elapsed:' "$tmp/inproc.out") <(grep -v 'elapsed:' "$tmp/isolated.out") \
    >"$tmp/text.diff" || fail "same-text: $(head -5 "$tmp/text.diff")"

# Faults caught by the guard inside the child: the child's own fault record.
faults=(t_crash_after_alloc.dll t_divzero.dll t_raise.dll t_stackoverflow.dll
        t_register_false.dll)
nmhost inproc-faults 1 "${C[@]}" "${faults[@]}" -j "$tmp/inproc-faults.json" &&
nmhost isolated-faults 1 "${C[@]}" --isolate "${faults[@]}" -j "$tmp/isolated-faults.json" &&
same same-faults "$tmp/inproc-faults.json" "$tmp/isolated-faults.json"

# A DLL that does not exist: load_error, exit 2, the others still run.
nmhost inproc-missing 2 "${C[@]}" t_ok.dll no_such_expert.dll -j "$tmp/inproc-missing.json" &&
nmhost isolated-missing 2 "${C[@]}" --isolate t_ok.dll no_such_expert.dll \
    -j "$tmp/isolated-missing.json" &&
same same-missing "$tmp/inproc-missing.json" "$tmp/isolated-missing.json"

# --list
nmhost inproc-list 0 --list t_ok.dll t_config.dll -j "$tmp/inproc-list.json" &&
nmhost isolated-list 0 --isolate --list t_ok.dll t_config.dll -j "$tmp/isolated-list.json" &&
same same-list "$tmp/inproc-list.json" "$tmp/isolated-list.json"

# Timeouts decided inside the child: terminated and hung, as in-process.
nmhost isolated-stop 1 "${C[@]}" --isolate -t 1 t_honour_stop.dll t_ignore_stop.dll t_ok.dll \
    -j "$tmp/isolated-stop.json" && jcheck isolated-stop "$tmp/isolated-stop.json" '
got = [e["outcome"] for e in d["experts"]]
assert got == ["terminated", "hung", "done"], got'

# --configure / --config through children (one at a time: they share the file).
cfg=$tmp/experts.cfg
nmhost isolated-configure-1 0 "${C[@]}" --isolate --configure --config "$cfg" t_config.dll \
    -j "$tmp/cfg1.json" && jcheck isolated-configure-1 "$tmp/cfg1.json" '
e = E["t_config.dll"]
assert e["configured"] and not e["config_loaded"], e
assert e["status"]["text"].startswith("config:v1"), e["status"]'
nmhost isolated-configure-2 0 "${C[@]}" --isolate --configure --config "$cfg" t_config.dll \
    -j "$tmp/cfg2.json" && jcheck isolated-configure-2 "$tmp/cfg2.json" '
e = E["t_config.dll"]
assert e["configured"] and e["config_loaded"], e
assert e["status"]["text"].startswith("config:v2"), e["status"]'

# Bad input found by a child (a malformed config file) or the parent (the capture):
# exit 2 and no report, as in-process.
printf 'nmhost-config 1\nt_config.dll\tzz\n' >"$tmp/bad.cfg"
nmhost isolated-bad-config 2 "${C[@]}" --isolate --config "$tmp/bad.cfg" t_config.dll t_ok.dll
nmhost isolated-no-capture 2 --isolate -q -c "$tmp/none.cap" t_ok.dll
nmhost internal-option 2 "${C[@]}" --isolate-child=1 t_ok.dll

# ---- what only a process boundary contains --------------------------------------------
# ExitProcess in Run: a fault of that expert, blamed on Run, with the status it had
# reported; the next expert runs to done.
nmhost exit 1 "${C[@]}" --isolate t_iso_exit.dll t_ok.dll -j "$tmp/exit.json" &&
jcheck exit "$tmp/exit.json" '
e = E["t_iso_exit.dll"]
assert e["outcome"] == "fault", (e["outcome"], e["message"])
assert e["fault"]["name"] in ("CHILD_DIED", "EXPERT_CALLED_EXIT", "EXPERT_CALLED_EXITPROCESS"), e["fault"]
assert e["fault"]["entry"] == "Run", e["fault"]
assert e["name"] == "t_iso_exit", e["name"]
assert e["status"]["text"] == "about to call ExitProcess", e["status"]
assert E["t_ok.dll"]["outcome"] == "done", E["t_ok.dll"]
assert d["exit_status"] == 1'

# The same while the child loads the DLL: the entry is not known (DllMain and Register
# are one call for the host), the message says so.
for entry in DllMain Register; do
    NMSHIM_ISO_EXIT_IN=$entry nmhost "exit-$entry" 1 "${C[@]}" --isolate t_iso_exit.dll \
        t_ok.dll -j "$tmp/exit-$entry.json" && jcheck "exit-$entry" "$tmp/exit-$entry.json" '
e = E["t_iso_exit.dll"]
assert e["outcome"] == "fault", (e["outcome"], e["message"])
assert e["fault"]["name"] in ("CHILD_DIED", "EXPERT_CALLED_EXIT", "EXPERT_CALLED_EXITPROCESS"), e["fault"]
# (an nmapi that stops ExitProcess itself names the entry: then the child reports it)
assert "DllMain or Register" in e["message"] or e["fault"]["entry"] == "'"$entry"'", e
assert E["t_ok.dll"]["outcome"] == "done", E["t_ok.dll"]
assert d["exit_status"] == 1'
done

# The process heap overrun until the write faults: the guard catches that, but its
# filter then trips over the wrecked heap again and again (nested faults, possibly with
# the heap lock held, so any other thread would wait forever). The child ends itself on
# such a fault loop or on any exception no guard handles, sending the exception as its
# last words: a fault of this expert, never a hang. -t 5 only bounds a regression.
nmhost heap 1 "${C[@]}" --isolate -t 5 t_iso_heap.dll t_ok.dll -j "$tmp/heap.json" &&
jcheck heap "$tmp/heap.json" '
e = E["t_iso_heap.dll"]
assert e["outcome"] == "fault", (e["outcome"], e["message"])
assert e["fault"]["entry"] == "Run", e["fault"]
# where: the address always; the module when the parent could still read the crashed
# child'"'"'s module list (under Wine it lives on the process heap this expert wrecked)
# (or nothing at all: Wine itself may die of the wrecked heap, SIGSEGV with no last words,
# seen on i686: then CHILD_DIED is all that is known)
assert int(e["fault"]["address"], 16) != 0 or e["fault"]["name"] == "CHILD_DIED", e["fault"]
assert e["status"]["text"] == "overrunning the process heap", e["status"]
assert E["t_ok.dll"]["outcome"] == "done", E["t_ok.dll"]
assert d["exit_status"] == 1'
checks=$((checks + 1))
[ "$secs" -le 30 ] || fail "heap: took $secs s"

# DllMain sleeps forever holding the loader lock: the child is killed after -t 2 (+ the
# 2 s grace + 1 s), the expert is hung, the next one done.
nmhost dllmain-hang 1 "${C[@]}" --isolate -t 2 t_iso_dllmain_hang.dll t_ok.dll \
    -j "$tmp/dllmain-hang.json" && jcheck dllmain-hang "$tmp/dllmain-hang.json" '
e = E["t_iso_dllmain_hang.dll"]
assert e["outcome"] == "hung", (e["outcome"], e["message"])
assert "DllMain" in e["message"], e["message"]
assert E["t_ok.dll"]["outcome"] == "done", E["t_ok.dll"]
assert d["exit_status"] == 1'
checks=$((checks + 1))
[ "$secs" -le 30 ] || fail "dllmain-hang: took $secs s (-t 2 + 2 s grace + 1 s)"

# Garbage on the result pipe, written by the expert itself: never believed, never a
# crash of the parent.
for kind in huge result random; do
    NMSHIM_ISO_GARBAGE=$kind nmhost "garbage-$kind" 1 "${C[@]}" --isolate -t 5 \
        t_iso_garbage.dll t_ok.dll -j "$tmp/garbage-$kind.json" &&
    jcheck "garbage-$kind" "$tmp/garbage-$kind.json" '
e = E["t_iso_garbage.dll"]
# random bytes may also read as a record cut short by the end of the pipe: a child that
# ended without a result
assert e["outcome"] == "fault" and (e["fault"]["name"] == "CHILD_BAD_RESULT" or
    ("'"$kind"'" == "random" and e["fault"]["name"] == "CHILD_DIED")), (e["outcome"], e["message"])
assert E["t_ok.dll"]["outcome"] == "done", E["t_ok.dll"]
assert d["exit_status"] == 1'
done

echo "check-isolate ($arch): $checks checks, $failures failed"
[ $failures = 0 ]
