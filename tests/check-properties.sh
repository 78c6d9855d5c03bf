#!/usr/bin/env bash
# check-properties.sh - the parser engine against tshark: runs t_propdump.dll (it reads
# every frame with FLAGS_ATTACH_PROPERTIES and prints each property instance, decoded by
# its DataType as a legacy expert does) with nmhost.exe under Wine on real captures, and
# compares every field of every frame with tshark -T fields (tests/check-properties.py).
# Also: the expert filters (t_filterwalk.dll), the display filter (nmhost --filter), the
# startup data (--startup-*) and Property Distribution (propdist.dll), all against tshark.
# Then runs it on the hostile captures of tcpdump's test suite (out-of-bounds and
# heap-overflow reproducers): each run must end "done", no fault.
#   tests/check-properties.sh BIN_DIR ARCH        (ARCH: i686 or x86_64)
# Captures: data/sample.cap and files from Debian's tcpdump and wireshark source packages
# (fetched by scripts/setup.sh into .deps). Exit: 0 no mismatch, 1 some, 2 usage, 77 skip.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/check-lib.sh"
nm_check_init check-properties "$@"
command -v python3 >/dev/null || skip "python3 not found"
command -v tshark >/dev/null || skip "tshark not found (the reference decoder)"
deps=${NMSHIM_DEPS:-$top/.deps}
tcpd=$deps/tcpdump/tests
wsc=$deps/wireshark/test/captures
[ -d "$tcpd" ] && [ -d "$wsc" ] || skip "no tcpdump/wireshark test captures in $deps (run scripts/setup.sh)"
nm_check_built nmhost.exe t_propdump.dll t_filterwalk.dll
nm_check_wine

# NetMon 2.x; VLAN (802.1ad + 802.1Q); IPv6 (extension headers, ICMPv6, routing header,
# DCCP over IPv6); DNS over UDP and TCP (EDNS options, DNSSEC, a DNS+ICMP mix); TCP
# (MPTCP options); IP in IP in IP; HTTP; BSD loopback (the icmpv6-RFC2894 and dns-badcookie captures).
captures=(
    "$top/data/sample.cap"
    "$tcpd/QinQpacket.pcap"
    "$tcpd/icmpv6.pcap" "$tcpd/ipv6-routing-header.pcap" "$tcpd/dccp_partial_csum_v6_longer.pcap"
    "$tcpd/icmpv6-RFC2894-RR.pcap" "$wsc/ipv6.pcap"
    "$tcpd/edns-opts.pcap" "$tcpd/dnssec.pcap" "$tcpd/dns_tcp.pcap" "$tcpd/dns_udp.pcap"
    "$tcpd/dns-badcookie.pcap" "$wsc/dns+icmp.pcapng.gz"
    "$tcpd/mptcp-v0.pcap" "$wsc/ipoipoip.pcap" "$wsc/http.pcap"
)
total_frames=0
for c in "${captures[@]}"; do
    [ -f "$c" ] || { fail "capture $c is missing"; continue; }
    name=$(basename "$c")
    if [ "${c%.gz}" != "$c" ]; then
        gzip -dc "$c" > "$tmp/${name%.gz}" || { fail "cannot decompress $c"; continue; }
        c=$tmp/${name%.gz}
        name=${name%.gz}
    fi
    dump=$tmp/$name.props
    NMSHIM_PROPDUMP=$dump "$run" "$bin/nmhost.exe" -q -c "$c" "$bin/t_propdump.dll" \
        > "$tmp/$name.out" 2>&1 || { fail "nmhost on $name: $(grep -m1 -i 'fault\|error\|failed' "$tmp/$name.out")"; continue; }
    out=$(python3 "$here/check-properties.py" "$c" "$dump" 2>&1)
    rc=$?
    echo "$out" | tail -1
    if [ $rc != 0 ]; then fail "$name: property mismatches"; echo "$out" | head -15; fi
    # expert filters: the SDK samples' programs, forward, backward and specified frames
    NMSHIM_PROPDUMP=$tmp/$name.walk "$run" "$bin/nmhost.exe" -q -c "$c" "$bin/t_filterwalk.dll" \
        > "$tmp/$name.walk.out" 2>&1 || fail "nmhost t_filterwalk on $name"
    want=$(python3 "$here/check-properties.py" --counts "$c")
    got=$(cat "$tmp/$name.walk" 2>/dev/null)
    [ "$got" = "$want" ] || fail "$name filters: got '$got', tshark says '$want'"
    n=$(echo "$out" | tail -1 | sed -n 's/.*: \([0-9]*\) frames.*/\1/p')
    total_frames=$((total_frames + ${n:-0}))
done

# The display filter (nmhost --filter, FLAGS_DEFER_TO_UI_FILTER) on the DNS + ICMP capture:
# the deferring walks see frames that pass both filters, the others every frame.
c=$tmp/dns+icmp.pcapng
if [ -f "$c" ]; then
    ui=$(python3 "$here/check-properties.py" --ui-filter)
    NMSHIM_PROPDUMP=$tmp/ui.walk "$run" "$bin/nmhost.exe" -q -c "$c" --filter "$ui" "$bin/t_filterwalk.dll" \
        > "$tmp/ui.out" 2>&1 || fail "nmhost --filter '$ui' t_filterwalk: $(head -3 "$tmp/ui.out")"
    want=$(python3 "$here/check-properties.py" --counts-ui "$c")
    got=$(cat "$tmp/ui.walk" 2>/dev/null)
    [ "$got" = "$want" ] && echo "display filter '$ui': $got" || fail "--filter '$ui': got '$got', tshark says '$want'"
fi
# A bad expression exits 2 and points at the position; so does a missing startup property.
"$run" "$bin/nmhost.exe" -q --filter 'TCP && (IP:"Time to Live" >' "$bin/t_filterwalk.dll" > "$tmp/bad.out" 2>&1
rc=$?
[ $rc = 2 ] && grep -q "expected a value at position 28" "$tmp/bad.out" || fail "bad --filter: exit $rc, $(head -2 "$tmp/bad.out")"
"$run" "$bin/nmhost.exe" -q --startup-frame 0 --startup-property 'DNS:Question Name' "$bin/t_filterwalk.dll" > "$tmp/bad.out" 2>&1
rc=$?
[ $rc = 2 ] && grep -q "has no DNS:Question Name" "$tmp/bad.out" || fail "startup property missing: exit $rc, $(head -2 "$tmp/bad.out")"

# Property Distribution (experts/propdist.dll), started as a right click on the first
# frame that has the property, against tshark: counts, min/max/mean, strings, flag bits.
propdist_cases=(
    "$tcpd/mptcp-v0.pcap|IP:Time to Live|ip.ttl|number"
    "$tcpd/mptcp-v0.pcap|TCP:Flags|tcp.flags|flags:0,1,2,3,4,5,6,7,8"
    "$tcpd/mptcp-v0.pcap|TCP:Destination Port|tcp.dstport|number"
    "$tcpd/QinQpacket.pcap|VLAN:Identifier|ieee8021ad.id|vlan.id|number"
    "$top/data/sample.cap|IP:Protocol|ip.proto|labeled"
    "$tcpd/edns-opts.pcap|DNS:Question Name|dns.qry.name|string"
)
for pc in "${propdist_cases[@]}"; do
    IFS='|' read -r c spec f1 f2 kind <<<"$pc"
    if [ -z "$kind" ]; then kind=$f2; field=$f1; else field="$f1|$f2"; fi
    [ -f "$bin/propdist.dll" ] || { fail "propdist.dll not built"; break; }
    first=$(python3 "$here/check-propdist.py" first "$c" "$field") || { fail "no $field in $c"; continue; }
    "$run" "$bin/nmhost.exe" -q -c "$c" --startup-frame "$first" --startup-property "$spec" \
        -j "$tmp/propdist.json" "$bin/propdist.dll" > "$tmp/propdist.out" 2>&1 \
        || fail "propdist on $(basename "$c") $spec: $(head -3 "$tmp/propdist.out")"
    python3 "$here/check-propdist.py" check "$c" "$field" "$kind" "$tmp/propdist.json" \
        || fail "propdist $(basename "$c") $spec differs from tshark"
done

# Hostile frames: tcpdump's own out-of-bounds / overflow reproducers must parse cleanly.
hostile=0
for c in "$tcpd"/*; do
    b=$(basename "$c")
    case "$b" in *oobr*.pcap|*overflow*.pcap|*oobr*.pcapng|*overflow*.pcapng) ;; *) continue ;; esac
    # the ones aimed at protocols we parse (the others never reach a built-in parser)
    echo "$b" | grep -qiE 'ip|icmp|dns|tcp|udp|arp|vlan|ether|llc' || continue
    NMSHIM_PROPDUMP=$tmp/hostile.props "$run" "$bin/nmhost.exe" -q -c "$c" "$bin/t_propdump.dll" \
        > "$tmp/hostile.out" 2>&1
    rc=$?
    # exit 2: a capture the readers refuse (damaged file); any other non-zero: the expert
    # did not finish (a fault in the engine would show here).
    if [ $rc != 0 ] && [ $rc != 2 ]; then fail "hostile capture $(basename "$c"): nmhost exit $rc"; fi
    hostile=$((hostile + 1))
done
echo "check-properties ($arch): ${#captures[@]} captures, $total_frames frames compared; $hostile hostile captures parsed; $failures failures"
[ $failures = 0 ]
