# check-lib.sh - what every end-to-end driver (tests/check-*.sh, tests/compat/check-*.sh)
# shares; sourced, not run. Each driver takes BIN_DIR ARCH and exits 0 (every check
# passed), 1 (some failed, each printed with got/expected) or 77 (skipped, with the reason
# printed: CTest's SKIP_RETURN_CODE, never counted as passed).
#   . "$(dirname "${BASH_SOURCE[0]}")/check-lib.sh"
#   nm_check_init NAME "$@"        arguments, the Wine runner ($run), $top, $bin, $arch
#   nm_check_tools TOOL...         skip unless every tool is on PATH
#   nm_check_built FILE...         fail unless every file is built in $bin
#   nm_check_experts DLL...        skip unless the test experts are built (tests off?)
#   nm_check_sample                $cap: the bundled capture (skip when it is missing)
#   nm_check_wine                  prepare Wine (skip when it cannot start) and make $tmp,
#                                  a work folder beside the exes (the i686 chroot sees only
#                                  the checkout), removed at exit unless a check failed
#   fail MESSAGE                   count and print one failed check
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
failures=0
checks=0

skip() { echo "SKIPPED: $*"; exit 77; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

nm_check_init() {
    nm_check_name=$1
    shift
    if [ $# -ne 2 ]; then echo "usage: $0 BIN_DIR ARCH" >&2; exit 2; fi
    bin=$(cd "$1" 2>/dev/null && pwd) || { echo "$nm_check_name: no folder $1" >&2; exit 1; }
    arch=$2
    case "$arch" in
        x86_64) run=$top/scripts/wine64-run ;;
        i686)   run=$top/scripts/wine32-run ;;
        *) echo "$nm_check_name: ARCH must be i686 or x86_64" >&2; exit 2 ;;
    esac
    case "$bin" in "$top"/*) ;; *) [ "$arch" = i686 ] && skip "i686 runs need $bin under $top" ;; esac
}

nm_check_tools() {
    local t
    for t in "$@"; do command -v "$t" >/dev/null || skip "$t not found"; done
}

nm_check_built() {
    local f
    for f in "$@"; do
        [ -f "$bin/$f" ] || { echo "$nm_check_name: $bin/$f not built" >&2; exit 1; }
    done
}

nm_check_experts() {
    local f
    for f in "$@"; do
        [ -f "$bin/$f" ] || skip "test experts not built in $bin (NMAPI_BUILD_TESTS=OFF?)"
    done
}

nm_check_sample() {
    cap=$top/data/sample.cap
    [ -f "$cap" ] || skip "no sample capture at $cap"
}

nm_check_wine() {
    "$run" --prepare
    [ $? = 125 ] && skip "Wine for $arch is not available (wrapper exit 125)"
    tmp=$bin/$nm_check_name.$$
    mkdir -p "$tmp" || exit 1
    trap '[ $failures = 0 ] && rm -rf "$tmp"' EXIT
}

# nmhost NAME EXPECTED_RC ARGS...: runs nmhost.exe in BIN_DIR (experts named relative to
# it), stdout to $tmp/NAME.out, stderr to $tmp/NAME.err, checks the exit status; secs is
# set to the run's wall time. nmhost creates a -j/--json file before anything else in
# main, so a run that exits without it never reached main: Wine did not start the
# process (seen twice in ~40 suite runs under load, never reproduced). Such a run is
# retried once, said on stdout, and a second one fails the check. (Runs expected to
# exit 0 or 1 only: usage errors stop before the file is made.)
nmhost() {
    local name=$1 want=$2 rc t0 a prev= jfile= try
    shift 2
    checks=$((checks + 1))
    for a in "$@"; do
        case "$prev" in -j|--json) jfile=$a ;; esac
        case "$a" in --json=*) jfile=${a#--json=} ;; esac
        prev=$a
    done
    # only runs expected to get as far as a report (not usage errors: exit 2)
    { [ "$jfile" = - ] || { [ "$want" != 0 ] && [ "$want" != 1 ]; }; } && jfile=
    for try in 1 2; do
        [ -n "$jfile" ] && rm -f "$jfile"
        t0=$(date +%s)
        (cd "$bin" && exec "$run" "$bin/nmhost.exe" "$@") >"$tmp/$name.out" 2>"$tmp/$name.err"
        rc=$?
        secs=$(( $(date +%s) - t0 ))
        [ -z "$jfile" ] || [ -e "$jfile" ] || [ "$try" = 2 ] && break
        echo "note: $name: nmhost exited $rc without creating $jfile (Wine did not start it?); retrying once"
        sed 's/^/    stderr: /' "$tmp/$name.err" | head -5
    done
    if [ "$rc" != "$want" ]; then
        fail "$name: nmhost $* exited $rc, expected $want"
        sed 's/^/    stderr: /' "$tmp/$name.err" | head -5
        return 1
    fi
    if [ -n "$jfile" ] && [ ! -e "$jfile" ]; then
        fail "$name: nmhost $* exited $rc and left no $jfile"
        sed 's/^/    stderr: /' "$tmp/$name.err" | head -5
        return 1
    fi
    return 0
}

# jcheck NAME FILE PYTHON: loads FILE as JSON and runs PYTHON with d (the report) and E
# (experts by dll base name, lower case) bound. check-nmhost.sh has its own, which also
# validates the documented shape of the report.
jcheck() {
    local name=$1 file=$2 code=$3
    checks=$((checks + 1))
    python3 - "$file" "$code" >"$tmp/$name.py" 2>&1 <<'EOF' || { fail "$name: $(cat "$tmp/$name.py")"; return 1; }
import json, sys, ntpath
try:
    d = json.load(open(sys.argv[1], encoding="ascii"))
    E = {ntpath.basename(e["dll"]).lower(): e for e in d["experts"]}
    exec(sys.argv[2])
except AssertionError as ex:
    sys.exit(str(ex))
except Exception as ex:
    sys.exit("%s: %r" % (type(ex).__name__, ex))
EOF
}
