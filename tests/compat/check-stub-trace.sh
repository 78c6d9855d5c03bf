#!/usr/bin/env bash
# check-stub-trace.sh - every stub traces one FIXME, once: runs the compat suite's
# call-everything test (each export called 5-7 times) with NMAPI_TRACE=warn and checks
# that each stub of def/nmapi.def that the SDK list names said "stub" exactly once, and
# that no implemented function did.
#   tests/compat/check-stub-trace.sh BIN_DIR ARCH
# Exit: 0 ok, 1 mismatch, 2 bad usage, 77 skipped (reason printed).
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/../check-lib.sh"
nm_check_init check-stub-trace "$@"
nm_check_wine
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
