#!/usr/bin/env bash
# bench-props.sh - frames per second with and without FLAGS_ATTACH_PROPERTIES, and with a
# filter "TCP", delivered by nmapi.dll to props_expert.dll under nmhost, against
# `tshark -T fields -e ip.src -e tcp.dstport` on the same capture, side by side in one run.
#   tests/bench/bench-props.sh ARCH           (x86_64 or i686)
#   BENCH_FRAMES   frames in the generated capture (default 1000000)
#   BENCH_BUILD    build tree (default build/ARCH)
# The capture (Ethernet; IPv4 TCP 65 % in 1000 connections, UDP DNS 20 %, ICMP echo 5 %,
# IPv6 TCP 5 %, ARP 5 %) is generated once into build/bench/. Targets (issue 10, x86_64):
# attach >= 10x tshark's field extraction; attach no more than 3x slower than plain.
# It is a report: exit 0 when every side ran.
set -euo pipefail
arch=${1:?usage: bench-props.sh ARCH}
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
case "$arch" in
    x86_64) runner=$top/scripts/wine64-run ;;
    i686)   runner=$top/scripts/wine32-run ;;
    *) echo "bench-props: unknown arch $arch" >&2; exit 1 ;;
esac
build=${BENCH_BUILD:-$top/build/$arch}
frames=${BENCH_FRAMES:-1000000}
cap=$top/build/bench/props2-$frames.pcap
if [ ! -s "$cap" ]; then
    mkdir -p "$(dirname "$cap")"
    python3 - "$cap.tmp" "$frames" <<'PY'
# 1000 TCP connections with consistent sequence numbers (so tshark's TCP analysis sees
# ordinary traffic), DNS queries and answers, pings, IPv6 TCP, ARP.
import struct, sys
out, n = sys.argv[1], int(sys.argv[2])
def eth(t, i): return bytes([0, 0x11, 0x22, 0, (i >> 8) & 255, i & 255, 0, 0x33, 0x44, 0, 1, i & 255]) + struct.pack("!H", t)
def ip4(proto, payload, i, k):
    return struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), k & 0xffff, 0x4000, 64, proto, 0,
                       bytes([10, 0, (i >> 8) & 255, i & 255]), bytes([10, 1, i % 5, 2])) + payload
def tcp(sport, dport, seq, ack, flags, data): return struct.pack("!HHIIBBHHH", sport, dport, seq & 0xffffffff, ack & 0xffffffff, 0x50, flags, 64240, 0, 0) + data
def dnsq(i, resp):
    q = b"".join(bytes([len(p)]) + p for p in [b"host%d" % (i % 50), b"example", b"com"]) + b"\0\0\1\0\1"
    return struct.pack("!HHHHHH", i & 0xffff, 0x8180 if resp else 0x0100, 1, 0, 0, 0) + q
def udp(sp, dp, p): return struct.pack("!HHHH", sp, dp, 8 + len(p), 0) + p
def ip6(nh, payload, i):
    return struct.pack("!IHBB", 0x60000000, len(payload), nh, 64) + bytes.fromhex("20010db8000000000000000000000001") + bytes.fromhex("20010db80000000000000000%08x" % (i + 2)) + payload
def arp(i): return struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + bytes(6) + bytes([10, 0, 0, 1]) + bytes(6) + bytes([10, 0, 0, i % 250 + 2])
seq = [0] * 1000
payloads = [b"", bytes(100), bytes(536), bytes(1400)]
with open(out, "wb", buffering=1 << 22) as fh:
    fh.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    ts = 1700000000 * 1000000
    hdr = struct.Struct("<IIII")
    for k in range(n):
        c = (k * 7919) % 1000
        kind = k % 20
        if kind < 13:
            data = payloads[k % 4]
            f = eth(0x0800, c) + ip4(6, tcp(40000 + c, [80, 443, 22, 8080][c % 4], seq[c], 1000 + c, 0x18, data), c, k)
            seq[c] += len(data)
        elif kind < 17:
            f = eth(0x0800, c) + ip4(17, udp(30000 + c, 53, dnsq(k // 2, kind % 2)), c, k)
        elif kind < 18:
            f = eth(0x0800, c) + ip4(1, struct.pack("!BBHHH", 8, 0, 0, c, k & 0xffff) + bytes(56), c, k)
        elif kind < 19:
            f = eth(0x86dd, c) + ip6(6, tcp(50000 + c, 443, k, 7, 0x10, b""), c)
        else:
            f = eth(0x0806, c) + arp(c)
        f += bytes(max(0, 60 - len(f)))
        ts += 41
        fh.write(hdr.pack(ts // 1000000, ts % 1000000, len(f), len(f)))
        fh.write(f)
PY
    mv "$cap.tmp" "$cap"
fi
[ -f "$build/bin/props_expert.dll" ] || { echo "bench-props: build props_expert first" >&2; exit 1; }
run_mode() {   # prints Run's wall time in ms, from nmhost's JSON
    NMSHIM_BENCH_MODE=$1 "$runner" "$build/bin/nmhost.exe" -q -c "$cap" -j "$build/bin/bench-props.json" \
        "$build/bin/props_expert.dll" >/dev/null
    python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["experts"][0]; assert e["outcome"]=="done", e; print(e["elapsed_ms"], e["status"]["text"])' "$build/bin/bench-props.json"
}
"$runner" --prepare >/dev/null 2>&1 || true
best() {   # the best of 3 runs: "ms status-text"
    local m=$1 b= t rest last=
    for _ in 1 2 3; do
        read -r t rest < <(run_mode "$m")
        if [ -z "$b" ] || [ "$t" -lt "$b" ]; then b=$t; fi
        last=$rest
    done
    echo "$b $last"
}
read -r plain plain_info < <(best plain)
read -r attach attach_info < <(best attach)
read -r filter filter_info < <(best filter)
t0=$(date +%s%N)
tshark -n -r "$cap" -T fields -e ip.src -e tcp.dstport > /dev/null 2>&1
t1=$(date +%s%N)
tshark_ms=$(( (t1 - t0) / 1000000 ))
python3 - "$arch" "$frames" "$plain" "$attach" "$filter" "$tshark_ms" "$attach_info" "$filter_info" <<'PY'
import sys
arch, n, plain, attach, flt, ts = sys.argv[1], int(sys.argv[2]), *map(int, sys.argv[3:7])
fps = lambda ms: n / (max(ms, 1) / 1000)
print(f"bench-props ({arch}, {n} frames; Run wall time, best of 3; tshark once)")
print(f"  plain (no flags)            {fps(plain)/1e6:7.2f} M frames/s  ({plain} ms)")
print(f"  FLAGS_ATTACH_PROPERTIES     {fps(attach)/1e6:7.2f} M frames/s  ({attach} ms; {sys.argv[7]})")
print(f"  filter TCP (no ATTACH)      {fps(flt)/1e6:7.2f} M frames/s  ({flt} ms; passing: {sys.argv[8]})")
print(f"  tshark -T fields ip.src tcp.dstport {fps(ts)/1e6:7.2f} M frames/s  ({ts} ms)")
print(f"  attach vs tshark: {ts/max(attach,1):.1f}x faster (target >= 10x)")
print(f"  attach vs plain:  {attach/max(plain,1):.2f}x the time (target <= 3x)")
PY
