#!/usr/bin/env bash
# make-corpus.sh - writes the capture fuzzers' seed corpus (not committed: made on demand
# by scripts/fuzz.sh). Small captures (12 frames at most, so the fuzzer stays fast) in
# every format and byte order our readers take, written by editcap/tshark's own writers
# from the bundled data/sample.cap and check-samples.py's synthetic capture, big-endian
# copies made by byteswap.py (editcap writes only the host's order; each copy must decode
# exactly as its original under tshark), a two-section pcapng (one section of each byte
# order), and every regression file of tests/captures.
#   tests/fuzz/make-corpus.sh OUT_DIR      -> OUT_DIR/{netmon2,pcap,pcapng}/
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
out=${1:?usage: make-corpus.sh OUT_DIR}
for t in editcap tshark python3; do
    command -v "$t" >/dev/null || { echo "make-corpus: $t not found" >&2; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out/netmon2" "$out/pcap" "$out/pcapng"

# Two sources: the NetMon sample (Ethernet, ARP/IP/TCP/UDP) and the synthetic pcap
# (VLAN tags, IPv6 extension headers, runts).
python3 "$top/tests/check-samples.py" gen "$tmp/gen.pcap"
editcap -r "$top/data/sample.cap" "$tmp/s.pcap" 1-12 2>/dev/null
editcap -r "$tmp/gen.pcap" "$tmp/g.pcap" 1-12 2>/dev/null
editcap -r "$tmp/gen.pcap" "$tmp/g1.pcap" 1 2>/dev/null

decode() { tshark -r "$1" -T fields -e frame.time_epoch -e frame.len -e frame.cap_len \
               -e frame.protocols 2>/dev/null; }
n=0
add() {   # add FORMAT FILE NAME
    cp "$2" "$out/$1/$3"
    n=$((n + 1))
}
for src in s g g1; do
    in=$tmp/$src.pcap
    for fmt in pcap nsecpcap pcapng netmon2; do
        f=$tmp/$src.$fmt
        editcap -F "$fmt" "$in" "$f" 2>/dev/null || { echo "make-corpus: editcap -F $fmt failed" >&2; exit 1; }
        case $fmt in
            pcap|nsecpcap) dir=pcap ;;
            *) dir=$fmt ;;
        esac
        add "$dir" "$f" "$src-$fmt-le"
        if [ "$dir" != netmon2 ]; then
            python3 "$here/byteswap.py" "$f" "$f.be"
            if [ "$(decode "$f")" != "$(decode "$f.be")" ]; then
                echo "make-corpus: byteswap.py copy of $src.$fmt decodes differently" >&2
                exit 1
            fi
            add "$dir" "$f.be" "$src-$fmt-be"
        fi
    done
done
# nanosecond pcapng (if_tsresol 9) from the nanosecond pcap, both orders
editcap -F pcapng "$tmp/s.nsecpcap" "$tmp/sn.pcapng" 2>/dev/null
python3 "$here/byteswap.py" "$tmp/sn.pcapng" "$tmp/sn.pcapng.be"
add pcapng "$tmp/sn.pcapng" "s-nsec-pcapng-le"
add pcapng "$tmp/sn.pcapng.be" "s-nsec-pcapng-be"
# two sections, little- then big-endian
cat "$tmp/g1.pcapng" "$tmp/s.pcapng.be" >"$tmp/two.pcapng"
[ "$(decode "$tmp/two.pcapng" | wc -l)" = 13 ] || { echo "make-corpus: two-section pcapng unreadable" >&2; exit 1; }
add pcapng "$tmp/two.pcapng" "two-sections"
# the regression files, each in its format's folder
for f in "$top"/tests/captures/*; do
    case $f in *.py|*.txt|*.md) continue ;; esac
    case $(head -c4 "$f" | od -An -tx1 | tr -d ' \n') in
        474d4255|52545353) add netmon2 "$f" "reg-$(basename "$f")" ;;
        0a0d0d0a) add pcapng "$f" "reg-$(basename "$f")" ;;
        *) add pcap "$f" "reg-$(basename "$f")" ;;
    esac
done
echo "make-corpus: $n seeds in $out ($(ls "$out/netmon2" | wc -l) netmon2, $(ls "$out/pcap" | wc -l) pcap, $(ls "$out/pcapng" | wc -l) pcapng)"
