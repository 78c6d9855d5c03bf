#!/usr/bin/env bash
# check-dprintf.sh - bhsupp.dll's dprintf reaches the trace (issue 13 §4): runs the
# parserdll suite's dprintf test (NMAPI_TRACE=1 for bhsupp.dll) and checks stderr: the
# formatted line, a %n format traced as its text, a bad format reported, nothing else
# from dprintf, and no control byte on any dprintf line.
#   tests/check-dprintf.sh BIN_DIR ARCH
# Exit: 0 ok, 1 mismatch, 2 bad usage, 77 skipped (reason printed).
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/check-lib.sh"
nm_check_init check-dprintf "$@"
nm_check_built nmapi_tests.exe bhsupp.dll
nm_check_wine
out=$(cd "$bin" && "$run" nmapi_tests.exe -s parserdll -t test_parserdll_dprintf 2>&1) \
    || { echo "FAIL: the dprintf test failed"; echo "$out" | tail -5; exit 1; }
lines=$(echo "$out" | tr -d '\r' | grep -o 'bhsupp:.*')
want() { grep -qE "$1" <<<"$lines" || fail "no trace line matching: $1"; checks=$((checks + 1)); }
want '^bhsupp:trace:[0-9a-f]+:dprintf parserdll: dprintf 7$'
want '^bhsupp:trace:[0-9a-f]+:dprintf parserdll: %n must not write$'
want '^bhsupp:trace:[0-9a-f]+:dprintf parserdll: %08\.3ln neither$'
want '^bhsupp:warn:[0-9a-f]+:dprintf unreadable or over-long \(4 KiB\) format 0+$'
n=$(grep -c '^bhsupp:' <<<"$lines")
[ "$n" = 6 ] || fail "$n bhsupp lines, expected 6 (3 texts, NULL, a bad pointer, 8 KiB)"
if LC_ALL=C grep -q '[[:cntrl:]]' <<<"$(tr -d '\n' <<<"$lines")"; then fail "a control byte on a dprintf line"; fi
[ $failures = 0 ] || exit 1
echo "ok: $((checks + 1)) dprintf trace checks"
