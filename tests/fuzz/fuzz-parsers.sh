#!/usr/bin/env bash
# fuzz-parsers.sh - the parser engine, the built-in parsers and the filter program under
# libFuzzer with ASan and UBSan, natively (tests/fuzz/fuzz_parsers.c; Debian's clang-14
# and libclang-rt-14-dev). Seeds: the frames of the property captures (tests/check-
# properties.sh), cut out with tshark's -x, if they are there.
#   bash tests/fuzz/fuzz-parsers.sh [SECONDS]       build, then fuzz SECONDS (default 60)
#   bash tests/fuzz/fuzz-parsers.sh replay DIR      run every file of DIR once (regressions)
# Output in build/fuzz-parsers (NMSHIM_FUZZ_OUT): corpus/, artifacts/ (a finding's input).
# Exit: 0 clean, 1 a finding or a failed build, 77 clang or libFuzzer missing.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
out=${NMSHIM_FUZZ_OUT:-$top/build/fuzz-parsers}
cc=${NMSHIM_FUZZ_CC:-clang-14}
command -v "$cc" >/dev/null || { echo "SKIPPED: $cc not found"; exit 77; }
mkdir -p "$out/corpus" "$out/artifacts"
src=("$top"/shim/engine.c "$top"/shim/filter.c "$top"/shim/propfmt.c "$top"/shim/parsers/*.c)
"$cc" -std=gnu11 -g -O1 -Wall -Wextra -Wno-unused-parameter -Werror -fno-omit-frame-pointer \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
    -I"$top/shim" "$here/fuzz_parsers.c" "${src[@]}" -o "$out/fuzz_parsers" 2>"$out/build.log" || {
    cat "$out/build.log" >&2
    grep -q "libclang_rt\|fuzzer" "$out/build.log" && { echo "SKIPPED: no libFuzzer runtime"; exit 77; }
    exit 1
}
if [ "${1:-}" = replay ]; then
    exec "$out/fuzz_parsers" -runs=0 "${2:?replay wants a folder}"/*
fi
# Seeds: Ethernet frames of a few real captures, one file each (link byte 0, no filter),
# cut from one `tshark -x` per capture.
if [ -z "$(ls -A "$out/corpus")" ] && command -v tshark >/dev/null; then
    for c in "$top/data/sample.cap" "$top"/.deps/tcpdump/tests/{QinQpacket,dns_tcp,icmpv6,edns-opts,mptcp-v0}.pcap; do
        [ -f "$c" ] || continue
        tshark -r "$c" -x 2>/dev/null | python3 -c '
import re, sys
out, name, n, cur = sys.argv[1], sys.argv[2], 0, bytearray()
def flush():
    global n, cur
    if cur:
        open(f"{out}/{name}-{n}", "wb").write(bytes([0, 0]) + bytes(cur))
        n += 1
    cur = bytearray()
for line in sys.stdin:
    m = re.match(r"^[0-9a-f]{4}  ((?:[0-9a-f]{2} )+)", line)
    if m:
        cur += bytes.fromhex(m.group(1).replace(" ", ""))
    elif not line.strip():
        flush()
flush()' "$out/corpus" "$(basename "$c")"
    done
fi
"$out/fuzz_parsers" -max_total_time="${1:-60}" -timeout=10 -rss_limit_mb=512 -max_len=4096 \
    -artifact_prefix="$out/artifacts/" "$out/corpus"
