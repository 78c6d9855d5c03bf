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
