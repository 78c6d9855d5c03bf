#!/usr/bin/env bash
# check-framefuncs.sh - checks what nmapi.dll's frame and capture functions answer
# (compat_dump.exe: GetCaptureTotalFrames, GetCaptureTimeStamp, GetCaptureComment,
# GetFrame, GetFrameLength, GetFrameStoredLength, GetFrameTimeStamp, the Ethernet, IP and
# IPv6 addresses at the offsets Get*AddressOffset report) against tshark, on the NetMon 2.x
# data/sample.cap, a pcapng copy with a capture comment, and check-samples.py's
# synthetic pcap and its NetMon 2.x copy (editcap -F netmon2).
#   tests/compat/check-framefuncs.sh BIN_DIR ARCH        (ARCH: i686 or x86_64)
# Exit: 0 all matched, 1 a mismatch or a failed run, 2 bad usage, 77 skipped (reason printed).
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/../check-lib.sh"
nm_check_init check-framefuncs "$@"
command -v python3 >/dev/null || skip "python3 not found"
command -v tshark >/dev/null || skip "tshark not found (the reference decoder)"
command -v editcap >/dev/null || skip "editcap not found (makes the copies)"
nm_check_built compat_dump.exe t_compat_imports.dll nmapi.dll
nm_check_wine

comment="nmshim compat: a capture comment"
captures=("$top/data/sample.cap:")
editcap -F pcapng --capture-comment "$comment" "$top/data/sample.cap" "$tmp/sample.pcapng" \
    && captures+=("$tmp/sample.pcapng:$comment") || fail "editcap -F pcapng failed"
python3 "$top/tests/check-samples.py" gen "$tmp/gen.pcap" && captures+=("$tmp/gen.pcap:") \
    || fail "check-samples.py gen failed"
editcap -F netmon2 "$tmp/gen.pcap" "$tmp/gen.cap" && captures+=("$tmp/gen.cap:") \
    || fail "editcap -F netmon2 failed"

for entry in "${captures[@]}"; do
    file=${entry%%:*} want_comment=${entry#*:}
    name=$(basename "$file")
    winpath="Z:$(echo "$file" | sed 's#/#\\#g')"
    if ! (cd "$bin" && "$run" compat_dump.exe "$winpath") >"$tmp/$name.dump" 2>"$tmp/$name.err"; then
        fail "$name: compat_dump failed: $(head -3 "$tmp/$name.err")"; continue
    fi
    TZ=UTC tshark -r "$file" -T fields -E occurrence=f -e frame.number -e frame.len \
        -e frame.cap_len -e frame.time_relative -e eth.dst -e eth.src -e ip.src -e ip.dst \
        -e frame.time_epoch -e ipv6.src -e ipv6.dst >"$tmp/$name.tshark" 2>"$tmp/$name.terr" \
        || { fail "$name: tshark failed: $(head -1 "$tmp/$name.terr")"; continue; }
    if out=$(python3 - "$tmp/$name.dump" "$tmp/$name.tshark" "$want_comment" <<'PY'
import sys, datetime, ipaddress
dump = [l.rstrip('\r\n') for l in open(sys.argv[1])]
ts = [l.rstrip('\n').split('\t') for l in open(sys.argv[2]) if l.strip()]
want_comment = sys.argv[3]
bad = []
cap = dump[0].split(' ')
if int(cap[1]) != len(ts): bad.append('GetCaptureTotalFrames %s, tshark %d frames' % (cap[1], len(ts)))
if cap[2] != '1': bad.append('GetCaptureMacType %s, expected 1 (Ethernet)' % cap[2])
sec, _, frac = ts[0][8].partition('.')
t0 = datetime.datetime.fromtimestamp(int(sec), datetime.timezone.utc)
want_time = t0.strftime('%Y-%m-%d %H:%M:%S') + '.' + (frac + '000')[:3]
if ' '.join(cap[3:5]) != want_time: bad.append('GetCaptureTimeStamp %s, tshark first frame %s' % (' '.join(cap[3:5]), want_time))
got_comment = dump[1][len('comment '):]
if got_comment != want_comment: bad.append('GetCaptureComment "%s", expected "%s"' % (got_comment, want_comment))
frames = [l.split(' ') for l in dump[2:]]
for f, t in zip(frames, ts):
    n = t[0]
    sec, _, frac = t[3].partition('.')
    us = int(sec) * 1000000 + int((frac + '000000000')[:9]) // 1000
    v6 = [ipaddress.ip_address(x).exploded if x else '-' for x in (t + ['', ''])[9:11]]
    want = [n, t[1], t[2], str(us)] + [x if x else '-' for x in t[4:8]] + v6
    if f[1:] != want: bad.append('frame %s: nmapi %s, tshark %s' % (n, ' '.join(f[1:]), ' '.join(want)))
print('%d frames compared' % len(frames))
for b in bad[:10]: print(b)
sys.exit(1 if bad else 0)
PY
    ); then echo "ok: $name: $out"; else fail "$name: $out"; fi
done
[ $failures = 0 ] && echo "check-framefuncs: all captures match tshark" || echo "check-framefuncs: $failures failure(s)"
[ $failures = 0 ]
