#!/usr/bin/env bash
# check-samples.sh - checks the numbers of the two sample experts (Top Users, Protocol
# Distribution) against tshark's: runs them with nmhost.exe under Wine on several
# captures (data/sample.cap, a synthetic pcap made by check-samples.py, and pcapng
# copies of both made with editcap) and compares every event with what tshark decodes.
#   tests/check-samples.sh BIN_DIR ARCH        (ARCH: i686 or x86_64)
# Exit: 0 all matched, 1 a mismatch or a failed run (each printed), 2 bad usage,
# 77 skipped with the reason printed (CTest SKIP_RETURN_CODE), never counted as passed.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/check-lib.sh"
nm_check_init check-samples "$@"
helper=$here/check-samples.py
command -v python3 >/dev/null || skip "python3 not found (makes the capture, reads JSON)"
command -v tshark >/dev/null || skip "tshark not found (the reference decoder)"
command -v editcap >/dev/null || skip "editcap not found (makes the pcapng copies)"
nm_check_built nmhost.exe topusers.dll protodist.dll

nm_check_wine

# Kept after a failure, for a look at the JSON and tshark files; removed otherwise.
trap '[ $failures = 0 ] && rm -rf "$tmp"' EXIT

# The captures: NAME:PATH. sample.cap is the other helpers' NetMon 2.x capture.
captures=()
if [ -f "$top/data/sample.cap" ]; then
    captures+=("sample.cap:$top/data/sample.cap")
    if editcap -F pcapng "$top/data/sample.cap" "$tmp/sample.pcapng" 2>"$tmp/editcap.err"; then
        captures+=("sample.pcapng:$tmp/sample.pcapng")
    else
        fail "editcap could not convert data/sample.cap: $(head -1 "$tmp/editcap.err")"
    fi
else
    echo "note: no data/sample.cap; only the synthetic captures are checked"
fi
python3 "$helper" gen "$tmp/gen.pcap" || { echo "check-samples: gen failed" >&2; exit 1; }
captures+=("gen.pcap:$tmp/gen.pcap")
if editcap -F pcapng "$tmp/gen.pcap" "$tmp/gen.pcapng" 2>"$tmp/editcap.err"; then
    captures+=("gen.pcapng:$tmp/gen.pcapng")
else
    fail "editcap could not write pcapng: $(head -1 "$tmp/editcap.err")"
fi

fields=()
for f in $(python3 "$helper" fields); do fields+=(-e "$f"); done

# check NAME CAPTURE TOP_N [NMHOST OPTIONS...]: runs both experts on CAPTURE and
# compares their events with tshark's view of the same file.
check() {
    local name=$1 cap=$2 top_n=$3 rc
    shift 3
    tshark -r "$cap" -T fields -E separator=/t -E occurrence=a -E aggregator=, \
        "${fields[@]}" >"$tmp/$name.tsv" 2>"$tmp/$name.tshark.err"
    rc=$?
    if [ $rc != 0 ]; then
        fail "$name: tshark exited $rc: $(grep -v '^Running as' "$tmp/$name.tshark.err" | head -1)"
        return
    fi
    (cd "$bin" && exec "$run" "$bin/nmhost.exe" -q -c "$cap" -j "$tmp/$name.json" "$@" \
        topusers.dll protodist.dll) >"$tmp/$name.out" 2>"$tmp/$name.err"
    rc=$?
    if [ $rc != 0 ] || [ ! -s "$tmp/$name.json" ]; then
        fail "$name: nmhost exited $rc (expected 0)"
        sed 's/^/    stderr: /' "$tmp/$name.err" | head -5
        sed 's/^/    stdout: /' "$tmp/$name.out" | head -20
        [ -s "$tmp/$name.json" ] || return
    fi
    python3 "$helper" compare "$tmp/$name.json" "$tmp/$name.tsv" "$name ($arch)" "$top_n" ||
        failures=$((failures + 1))
}

for c in "${captures[@]}"; do
    check "${c%%:*}" "${c#*:}" 10
done

# Top Users takes N from its configuration: a DWORD after RawConfigLength (8 bytes in
# all, little-endian), stored in nmhost's --config file format (host/REPORT.md).
printf 'nmhost-config 1\ntopusers.dll\t0800000003000000\n' >"$tmp/top3.cfg"
check gen-top3 "$tmp/gen.pcap" 3 --config "$tmp/top3.cfg"

# Nothing to count (issue 9 §3): an empty capture, and one whose frames are all runts
# under the 14-byte Ethernet header. Both experts must end `done` (exit 0) with no
# events, Protocol Distribution saying there was nothing to count; before the fix it
# failed with "ExpertSubmitEvent failed (NMERR 5)" and exit 1.
python3 - "$tmp/empty.pcap" "$tmp/runts.pcap" <<'PY' || fail "could not write the empty/runt captures"
import struct, sys
hdr = struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)
open(sys.argv[1], "wb").write(hdr)
recs = b"".join(struct.pack("<IIII", 1700000000, i, n, n) + bytes(range(n))
                for i, n in enumerate((0, 1, 13, 13, 7)))
open(sys.argv[2], "wb").write(hdr + recs)
PY
for name in empty runts; do
    (cd "$bin" && exec "$run" "$bin/nmhost.exe" -q -c "$tmp/$name.pcap" -j "$tmp/$name.json" \
        topusers.dll protodist.dll) >"$tmp/$name.out" 2>"$tmp/$name.err"
    rc=$?
    [ $rc = 0 ] || fail "$name.pcap: nmhost exited $rc (expected 0): $(grep -i problem "$tmp/$name.out" | head -2)"
    python3 - "$tmp/$name.json" "$name.pcap ($arch)" <<'PY' || failures=$((failures + 1))
import json, sys
r = json.load(open(sys.argv[1]))
bad = []
for e in r["experts"]:
    if e["outcome"] != "done":
        bad.append("%s: outcome %s (%s)" % (e["dll"], e["outcome"], (e.get("status") or {}).get("text")))
    if e["dll"].lower().endswith("protodist.dll"):
        if e["events"]:
            bad.append("protodist.dll: %d events, expected none" % len(e["events"]))
        if "nothing to count" not in (e.get("status") or {}).get("text", ""):
            bad.append("protodist.dll: status %r lacks 'nothing to count'" % (e.get("status") or {}).get("text"))
for b in bad:
    print("FAIL: %s: %s" % (sys.argv[2], b))
sys.exit(1 if bad else 0)
PY
done

if [ $failures != 0 ]; then
    echo "check-samples ($arch): $failures failed; work files were in $tmp"
    exit 1
fi
echo "check-samples ($arch): all ${#captures[@]} captures (+1 configured run) match tshark; empty and runt-only captures run clean"
exit 0
