#!/usr/bin/env bash
# README command 2: set up (idempotent), build both arches, run every suite under Wine
# (x86_64: 64-bit Wine; i686: 32-bit Wine in the cached chroot), one CTest test per
# suite. Ends with one line per arch and a total "N passed, N failed, N skipped".
# A suite that did not run is a failure or a skip with its reason, never a pass.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)
bash "$here/setup.sh" --tests || { echo "test: setup failed" >&2; exit 1; }
bash "$here/build.sh" i686 x86_64 || exit 1

# Prepare both prefixes (created from nothing when missing, server and services detached,
# scripts/wine-prepare). Nothing is stopped, before or after: another run may be using
# this checkout's servers; they exit by themselves a minute after their last client.
"$here/wine64-run" --prepare || { echo "test: 64-bit Wine cannot start" >&2; exit 1; }
"$here/wine32-run" --prepare || { echo "test: 32-bit Wine (i386 chroot) cannot start" >&2; exit 1; }
# A trivial exe must run on both: if Wine is broken, say so loudly instead of counting
# a wall of failed suites.
for arch in x86_64 i686; do
    runner="$here/wine64-run"; [ $arch = i686 ] && runner="$here/wine32-run"
    if ! "$runner" "$top/build/$arch/bin/nmapi_tests.exe" --list >/dev/null 2>&1; then
        echo "test: Wine cannot run $arch test executables" >&2; exit 1
    fi
done

# run_pass NAME ARCH [ctest args]: one CTest pass over build/ARCH; adds its counts to the
# totals. A pass that ran nothing counts as a failure, never as passed.
tp=0; tf=0; ts=0; lines=()
run_pass() {
    local name=$1 arch=$2 b="$top/build/$2" junit p f s
    shift 2
    junit="$b/ctest-junit-$name.xml"
    rm -f "$junit"
    (cd "$b" && ctest --output-on-failure --timeout 300 --output-junit "$junit" "$@" ${CTEST_ARGS:-})
    read -r p f s < <(python3 - "$junit" <<'PY'
import sys, xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except Exception:
    print(0, 1, 0); sys.exit()
p = f = s = 0
for tc in root.iter('testcase'):
    st = tc.get('status', '')
    if tc.find('skipped') is not None or st in ('notrun', 'disabled'): s += 1
    elif tc.find('failure') is not None or tc.find('error') is not None or st == 'fail': f += 1
    else: p += 1
print(p, f, s)
PY
)
    [ $((p + f + s)) -gt 0 ] || f=1
    lines+=("$name: $p passed, $f failed, $s skipped")
    tp=$((tp + p)); tf=$((tf + f)); ts=$((ts + s))
}
run_pass i686 i686
run_pass x86_64 x86_64
# The whole x86_64 suite once more on Wine's checking heap (docs/toolchain.md): the runners
# fail a program that makes Wine report heap misuse. Tests whose experts corrupt their own
# heap on purpose are labelled no-checked-heap; the *-checked-heap tests already ran so;
# the benchmark smoke runs only time things (60 s on this heap) and are left out.
if [ -z "${NMSHIM_NO_CHECKED_PASS:-}" ]; then
    NMSHIM_CHECK_HEAP=1 run_pass x86_64-checked-heap x86_64 -LE no-checked-heap -E 'checked-heap|-smoke'
fi
printf '%s\n' "${lines[@]}"
echo "total: $tp passed, $tf failed, $ts skipped"
[ "$tf" -eq 0 ] && [ "$tp" -gt 0 ]
