#!/usr/bin/env bash
# bench-host.sh - frames per second nmapi.dll delivers to a null expert (bench_host.exe
# under Wine) against capinfos reading the same 1,000,000-frame pcap; prints the ratio.
#
# Usage: tests/bench/bench-host.sh ARCH          (ARCH: x86_64 or i686)
#   BENCH_BUILD   build tree holding bin/bench_host.exe (default: build/ARCH)
#   BENCH_FRAMES  frames in the generated capture (default 1000000)
# The capture is generated once into build/bench/ and reused (it is deterministic).
# Target: nmhost_fps / capinfos_fps >= 1.0 on x86_64 (i686 is reported, not judged).
# Exit status: 0 when both sides ran (target met or not: it is a report); 1 otherwise.
set -euo pipefail
arch=${1:?usage: bench-host.sh ARCH (x86_64 or i686)}
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
case "$arch" in
    x86_64) runner=$top/scripts/wine64-run ;;
    i686)   runner=$top/scripts/wine32-run ;;
    *) echo "bench-host: unknown arch $arch" >&2; exit 1 ;;
esac
build=${BENCH_BUILD:-$top/build/$arch}
frames=${BENCH_FRAMES:-1000000}
exe=$build/bin/bench_host.exe
expert=$build/bin/null_expert.dll
cap=$top/build/bench/frames-$frames.pcap
for f in "$exe" "$expert"; do
    [ -f "$f" ] || { echo "bench-host: $f missing: build the bench_host and null_expert targets" >&2; exit 1; }
done
command -v capinfos >/dev/null || { echo "bench-host: capinfos not found (apt-get install tshark)" >&2; exit 1; }

# (1) The capture: Ethernet/IPv4/UDP frames of a realistic size mix (64 templates, 60 to
# 1514 bytes, mean ~ 300 B), increasing microsecond timestamps. Written once, atomically.
if [ ! -s "$cap" ]; then
    mkdir -p "$(dirname "$cap")"
    echo "bench-host: generating $cap ($frames frames) ..."
    python3 - "$cap.tmp" "$frames" <<'EOF'
import struct, sys
out, n = sys.argv[1], int(sys.argv[2])
sizes = [60, 60, 66, 74, 98, 142, 590, 1514] * 8        # mix of acks, DNS, MSS and full
tmpl = []
for i, size in enumerate(sizes):
    ip_len = size - 14
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, ip_len, i, 0, 64, 17, 0,
                     bytes([10, 0, 0, 1 + i % 16]), bytes([10, 0, 1, 1 + i // 16]))
    udp = struct.pack("!HHHH", 1024 + i, 53, ip_len - 20, 0)
    eth = bytes([2, 0, 0x5e, 0, 1, i]) + bytes([2, 0, 0x5e, 0, 2, i]) + b"\x08\x00"
    frame = eth + ip + udp
    tmpl.append(frame + bytes(size - len(frame)))
with open(out, "wb", buffering=1 << 22) as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    ts = 1700000000 * 1000000
    hdr = struct.Struct("<IIII")
    for k in range(n):
        fr = tmpl[(k * 7 + k // 64) & 63]
        ts += 37 + (k % 11)
        f.write(hdr.pack(ts // 1000000, ts % 1000000, len(fr), len(fr)))
        f.write(fr)
EOF
    mv "$cap.tmp" "$cap"
fi
size=$(stat -c %s "$cap")

# (2) capinfos: wall time, best of 3 (the file is in the page cache after the first).
best() { sort -g | head -1; }
r() { awk "BEGIN { print ($1) }"; }     # arithmetic on decimals
time_cmd() {    # prints seconds of wall time of "$@"
    local t0 t1
    t0=$(date +%s.%N); "$@" >/dev/null; t1=$(date +%s.%N)
    r "$t1 - $t0"
}
cat "$cap" >/dev/null                       # warm the page cache for both contenders
cap_s=$(for i in 1 2 3; do time_cmd capinfos "$cap"; done | best)
capc_s=$(for i in 1 2 3; do time_cmd capinfos -c "$cap"; done | best)

# (3) bench_host.exe under Wine, best of 3 by open+run time.
"$runner" --prepare || true
# Windows paths for the exe's arguments: Wine maps / as drive Z:, and the i686 chroot
# mounts the repository at the same path, so one spelling serves both.
winpath() { printf 'Z:%s' "$1" | tr / '\\'; }
rel_exe=$(winpath "$exe") rel_cap=$(winpath "$cap") rel_expert=$(winpath "$expert")
results=()
for i in 1 2 3; do
    line=$("$runner" "$rel_exe" "$rel_cap" "$rel_expert" | tr -d '\r' | tee /dev/stderr | grep '^RESULT') ||
        { echo "bench-host: bench_host.exe failed" >&2; exit 1; }
    results+=("$line")
done
pick() {    # field name -> value from the best run (least total_s)
    printf '%s\n' "${results[@]}" | sort -t= -k5 -g | head -1 | tr ' ' '\n' | sed -n "s/^$1=//p"
}
nframes=$(pick frames) open_s=$(pick open_s) run_s=$(pick run_s) total_s=$(pick total_s)
[ "$nframes" = "$frames" ] || { echo "bench-host: bench_host saw $nframes frames, expected $frames" >&2; exit 1; }

# (4) The table.
cap_fps=$(r "$frames / $cap_s"); capc_fps=$(r "$frames / $capc_s")
host_fps=$(r "$frames / $total_s"); run_fps=$(r "$frames / $run_s")
ratio=$(r "$host_fps / $cap_fps")
verdict=$(r "$ratio >= 1.0")
echo
echo "bench-host: $arch, $(nproc) processors, $frames frames, $size bytes ($cap)"
printf '%-44s %10s %14s\n' "contender" "seconds" "frames/s"
printf '%-44s %10.3f %14.0f\n' "capinfos (wall, best of 3)" "$cap_s" "$cap_fps"
printf '%-44s %10.3f %14.0f\n' "capinfos -c (count only; information)" "$capc_s" "$capc_fps"
printf '%-44s %10.3f %14s\n' "nmhost open (NmShimOpenCapture: index)" "$open_s" ""
printf '%-44s %10.3f %14.0f\n' "nmhost run (null expert, ExpertGetFrame)" "$run_s" "$run_fps"
printf '%-44s %10.3f %14.0f\n' "nmhost open+run (best of 3)" "$total_s" "$host_fps"
if [ "$arch" = x86_64 ]; then
    [ "$verdict" = 1 ] && v=met || v=MISSED
    printf 'ratio nmhost_fps / capinfos_fps = %.2fx (target >= 1.00x): %s\n' "$ratio" "$v"
else
    printf 'ratio nmhost_fps / capinfos_fps = %.2fx (target applies to x86_64 only)\n' "$ratio"
fi
printf 'run-only ratio (information): %.2fx; vs capinfos -c: %.2fx\n' \
    "$(r "$run_fps / $cap_fps")" "$(r "$host_fps / $capc_fps")"
