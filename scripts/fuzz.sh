#!/usr/bin/env bash
# fuzz.sh - the capture readers under libFuzzer with ASan and UBSan, natively (no Wine:
# shim/capture*.c are portable C). One target per format, built into build/fuzz with
# Debian's clang-14 (+ libclang-rt-14-dev, both in scripts/setup.sh).
#   bash scripts/fuzz.sh captures [SECONDS]   fuzz each target SECONDS (default 60), one
#                                             after the other; corpus kept in build/fuzz
#   bash scripts/fuzz.sh replay               run every tests/captures file once through
#                                             each target (what CTest does)
#   bash scripts/fuzz.sh smoke SECONDS DIR    CTest's run: build in DIR, replay, then
#                                             fuzz each target SECONDS from the seeds only
#   bash scripts/fuzz.sh build                build the targets only
# NMSHIM_FUZZ_OUT=DIR puts the build, corpus and artifacts in DIR (default build/fuzz).
# A crash, hang (10 s), out-of-memory (512 MB RSS, 64 MB in one malloc) or sanitizer
# report stops that target with its input in build/fuzz/artifacts/TARGET/; copy it to
# tests/captures/fuzz-<format>-<what>.<ext>, add an expected.txt line, fix, re-run.
# Exit: 0 clean, 1 a finding or a failed step, 2 bad usage, 77 clang/libFuzzer missing.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)
out=${NMSHIM_FUZZ_OUT:-$top/build/fuzz}
# Small index geometry and read-ahead window, so that window reloads, checkpoint blocks
# and the skipped-bytes rule all happen inside inputs of a few KiB (the product's
# values are 256 KiB, 256 frames and 64 KiB: shim/capture.h, capture_private.h).
geometry=(-DNM_CAPTURE_WINDOW=256u -DNM_CAPTURE_CHECKPOINT=4u -DNM_CAPTURE_SKIP_MAX=128u)
targets=(netmon2 pcap pcapng)

usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
cmd=${1:-}; [ -n "$cmd" ] || usage
cc=${NMSHIM_FUZZ_CC:-clang-14}
command -v "$cc" >/dev/null || { echo "SKIPPED: $cc not found (apt-get install clang-14 libclang-rt-14-dev)"; exit 77; }

build() {
    local t fmt src=("$top"/shim/capture.c "$top"/shim/capture_netmon.c
                     "$top"/shim/capture_pcap.c "$top"/shim/capture_pcapng.c)
    mkdir -p "$out"
    for t in "${targets[@]}"; do
        case $t in netmon2) fmt=NM_FORMAT_NETMON2 ;; pcap) fmt=NM_FORMAT_PCAP ;; pcapng) fmt=NM_FORMAT_PCAPNG ;; esac
        # Rebuild only when a source is newer than the binary.
        if [ -x "$out/fuzz_$t" ] && [ -z "$(find "${src[@]}" "$top"/shim/capture*.h \
                "$top/tests/fuzz/fuzz_capture.c" "$here/fuzz.sh" -newer "$out/fuzz_$t" 2>/dev/null)" ]; then
            continue
        fi
        "$cc" -std=c99 -g -O1 -Wall -Wextra -Werror -fno-omit-frame-pointer \
            -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
            -DNM_FUZZ_FORMAT=$fmt "${geometry[@]}" -I"$top/shim" "$top/tests/fuzz/fuzz_capture.c" "${src[@]}" \
            -o "$out/fuzz_$t" 2>"$out/build-$t.log" || {
            cat "$out/build-$t.log" >&2
            if grep -q "libclang_rt\|fuzzer" "$out/build-$t.log"; then
                echo "SKIPPED: $cc cannot link -fsanitize=fuzzer (install libclang-rt-14-dev)"; exit 77
            fi
            echo "fuzz: building fuzz_$t failed" >&2; exit 1; }
    done
}

replay() {
    local t files=() f rc=0
    for f in "$top"/tests/captures/*; do
        case $f in *.py|*.txt|*.md) ;; *) files+=("$f") ;; esac
    done
    for t in "${targets[@]}"; do
        if ! "$out/fuzz_$t" -runs=1 -rss_limit_mb=512 -malloc_limit_mb=64 -timeout=10 \
                "${files[@]}" >"$out/replay-$t.log" 2>&1; then
            tail -30 "$out/replay-$t.log" >&2
            echo "fuzz: replay through fuzz_$t FAILED (log: $out/replay-$t.log)"; rc=1
        fi
    done
    [ $rc = 0 ] && echo "fuzz: replay: ${#files[@]} files of tests/captures through ${#targets[@]} targets, clean"
    return $rc
}

fuzz() {
    local secs=$1 t rc=0 log execs cov found
    rm -rf "$out/seeds"
    bash "$top/tests/fuzz/make-corpus.sh" "$out/seeds" || exit 1
    printf '%-8s %8s %12s %8s %s\n' target seconds execs cov findings
    for t in "${targets[@]}"; do
        mkdir -p "$out/corpus/$t" "$out/artifacts/$t"
        log=$out/fuzz-$t.log
        "$out/fuzz_$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=512 \
            -malloc_limit_mb=64 -max_len=16384 -print_final_stats=1 \
            -artifact_prefix="$out/artifacts/$t/" "$out/corpus/$t" "$out/seeds/$t" >"$log" 2>&1
        [ $? = 0 ] || rc=1
        execs=$(awk '/stat::number_of_executed_units/ { print $2 }' "$log" | tail -1)
        cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | awk '{ print $2 }')
        found=$(ls "$out/artifacts/$t" | wc -l)
        printf '%-8s %8s %12s %8s %s\n' "$t" "$secs" "${execs:-?}" "${cov:-?}" \
            "$([ "$found" = 0 ] && echo none || echo "$found in $out/artifacts/$t")"
        grep -m3 -E 'ERROR:|runtime error|fuzz_capture:' "$log" >&2 || true
    done
    return $rc
}

case $cmd in
    build) build ;;
    replay) build; replay ;;
    smoke) secs=${2:-}; [ -n "${3:-}" ] || usage
        case $secs in ''|*[!0-9]*) usage ;; esac
        out=$3; rm -rf "$out/corpus" "$out/artifacts"
        build; replay || exit 1; fuzz "$secs" ;;
    captures) secs=${2:-60}
        case $secs in ''|*[!0-9]*) usage ;; esac
        build; replay || exit 1; fuzz "$secs" ;;
    *) usage ;;
esac
