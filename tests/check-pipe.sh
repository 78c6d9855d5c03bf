#!/usr/bin/env bash
# check-pipe.sh - the pipe trap (README "The two commands"; docs/toolchain.md): a pipeline
# of scripts/nmhost ends when nmhost ends, even when that very call starts Wine's server and
# services. A prefix of this check's own, created from nothing here (about 10 s, 700 MB
# removed at the end), makes the start cold; its server is this check's alone, so stopping
# it disturbs no other run. x86_64: the chroot's prefix is prepared by the same script.
#   tests/check-pipe.sh BIN_DIR x86_64
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/check-lib.sh"
nm_check_init check-pipe "$@"
[ "$arch" = x86_64 ] || skip "x86_64 only (scripts/nmhost prepares the chroot's prefix the same way)"
nm_check_tools timeout tail
nm_check_built nmhost.exe
nm_check_experts t_ok.dll
nm_check_wine
pfx=$tmp/prefix
start=$(date +%s)
# tail reads to the end of the pipe: it ends only when every writer has let go of it
last=$(NMSHIM_PREFIX64=$pfx NMHOST_BUILD=$(dirname "$(dirname "$bin")") \
       timeout 120 "$top/scripts/nmhost" -c "$top/data/sample.cap" "$bin/t_ok.dll" 2>&1 | tail -n 1)
secs=$(( $(date +%s) - start ))
NMSHIM_PREFIX64=$pfx "$top/scripts/wine64-run" --server -k 2>/dev/null
case "$last" in
    summary:*) [ "$secs" -le 60 ] || fail "scripts/nmhost ... 2>&1 | tail ended after $secs s" ;;
    *) fail "last line '$last' after $secs s (timeout 120 s)" ;;
esac
rm -rf "$pfx" "$pfx.lock"
echo "check-pipe: a cold scripts/nmhost 2>&1 | tail ended after $secs s, $failures failed"
[ $failures = 0 ]
