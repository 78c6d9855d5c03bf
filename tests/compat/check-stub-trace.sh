#!/usr/bin/env bash
# check-stub-trace.sh - every stub traces one FIXME, once: runs the compat suite's
# call-everything test (each export called 5-7 times) with NMAPI_TRACE=warn and checks
# that each stub of def/nmapi.def that the SDK list names said "stub" exactly once, and
# that no implemented function did.
#   tests/compat/check-stub-trace.sh BIN_DIR ARCH
# Exit: 0 ok, 1 mismatch, 2 bad usage, 77 skipped (reason printed).
set -u
if [ $# -ne 2 ]; then echo "usage: $0 BIN_DIR ARCH" >&2; exit 2; fi
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=$(cd "$1" 2>/dev/null && pwd) || { echo "check-stub-trace: no folder $1" >&2; exit 1; }
case "$2" in
    x86_64) run=$top/scripts/wine64-run ;;
    i686)   run=$top/scripts/wine32-run ;;
    *) echo "check-stub-trace: ARCH must be i686 or x86_64" >&2; exit 2 ;;
esac
case "$bin" in "$top"/*) ;; *) [ "$2" = i686 ] && { echo "SKIPPED: i686 runs need $bin under $top"; exit 77; } ;; esac
"$run" --prepare
[ $? = 125 ] && { echo "SKIPPED: Wine for $2 is not available"; exit 77; }
names() { sed -n '/^EXPORTS/,$p' "$1" | grep -E '^\s+[A-Za-z_]' | awk '{print $1}' | sed 's/@[0-9]*$//' | sort; }
stubs=$(grep -E '^\s+[A-Za-z_].*; stub:' "$top/def/nmapi.def" | awk '{print $1}' | sed 's/@[0-9]*$//' | sort)
want=$(comm -12 <(echo "$stubs") <(names "$here/nmapi-sdk.def"))
out=$(cd "$bin" && NMAPI_TRACE=warn "$run" nmapi_tests.exe -s compat -t test_compat_every_export_null_random_freed 2>&1) \
    || { echo "FAIL: the compat test failed"; echo "$out" | tail -5; exit 1; }
said=$(echo "$out" | tr -d '\r' | grep -o 'nmapi:fixme:[0-9a-f]*:[A-Za-z_0-9]* stub: ' | cut -d: -f4 | cut -d' ' -f1 | sort)
dups=$(echo "$said" | uniq -d)
[ -z "$dups" ] || { echo "FAIL: stubs that said FIXME more than once:"; echo "$dups"; exit 1; }
if [ "$said" != "$want" ]; then
    echo "FAIL: FIXME once per stub expected; differences (< expected, > traced):"
    diff <(echo "$want") <(echo "$said"); exit 1
fi
echo "ok: $(echo "$said" | wc -l) stubs, one FIXME each"
