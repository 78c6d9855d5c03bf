#!/usr/bin/env python3
"""check-samples.py - helper of tests/check-samples.sh: makes a synthetic Ethernet pcap
that exercises the sample experts' decoders, and compares the experts' events in an
nmhost JSON report with what tshark found in the same capture.

  check-samples.py gen OUT.pcap
  check-samples.py compare REPORT.json TSHARK.tsv LABEL [TOP_N]

TSHARK.tsv is `tshark -T fields` output with the fields of TSHARK_FIELDS, in that order
(check-samples.sh prints the list with `check-samples.py fields`). compare exits 0 when
everything matches, 1 with one line per mismatch.
"""
import ipaddress
import json
import struct
import sys

# tshark fields, one column each; -E occurrence=a -E aggregator=, gives every occurrence.
TSHARK_FIELDS = [
    "frame.len", "eth.type", "eth.len", "vlan.etype", "vlan.len",
    "ip.src", "ip.dst", "ip.proto", "ip.hdr_len",
    "ipv6.src", "ipv6.dst", "ipv6.nxt",
    "ipv6.hopopts.nxt", "ipv6.routing.nxt", "ipv6.fraghdr.nxt", "ipv6.dstopts.nxt",
    "ah.next_header",
]

# The IPv6 extension headers the Protocol Distribution expert walks, and the tshark
# field that holds each one's "next header".
IPV6_EXT_FIELD = {0: "ipv6.hopopts.nxt", 43: "ipv6.routing.nxt", 44: "ipv6.fraghdr.nxt",
                  60: "ipv6.dstopts.nxt", 51: "ah.next_header"}

# Names the expert must give (a subset of its table; unknown EtherTypes are 0x%04x).
ETHER_NAMES = {0x0800: "IPv4", 0x0806: "ARP", 0x86DD: "IPv6", 0: "802.3"}
IP_NAMES = {1: "ICMP", 2: "IGMP", 6: "TCP", 17: "UDP", 47: "GRE", 58: "ICMPv6"}

DEFAULT_TOP = 10


# ---- the synthetic capture ----------------------------------------------------------

def mac(n):
    return bytes([0x02, 0, 0, 0, 0, n & 0xFF])


def ether(dst, src, etype, payload, tags=()):
    """Ethernet II with optional VLAN tags: tags = [(tpid, vid), ...] outermost first."""
    hdr = dst + src
    for tpid, vid in tags:
        hdr += struct.pack("!HH", tpid, vid)
    return hdr + struct.pack("!H", etype) + payload


def ipv4(src, dst, proto, payload):
    total = 20 + len(payload)
    return struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, 1, 0, 64, proto, 0,
                       ipaddress.IPv4Address(src).packed,
                       ipaddress.IPv4Address(dst).packed) + payload


def ipv6(src, dst, nxt, payload):
    return struct.pack("!IHBB16s16s", 6 << 28, len(payload), nxt, 64,
                       ipaddress.IPv6Address(src).packed,
                       ipaddress.IPv6Address(dst).packed) + payload


def ext(nxt, body_len8=0):
    """A hop-by-hop / destination-options header of (body_len8 + 1) * 8 bytes (PadN)."""
    size = (body_len8 + 1) * 8
    return struct.pack("!BB", nxt, body_len8) + bytes([1, size - 4]) + bytes(size - 4)


def udp(n):
    return struct.pack("!HHHH", 40000, 53, 8 + n, 0) + bytes(n)


def tcp(n):
    return struct.pack("!HHIIBBHHH", 40000, 80, 1, 0, 0x50, 0x18, 65535, 0, 0) + bytes(n)


def icmp(n):
    return struct.pack("!BBHHH", 8, 0, 0, 1, 1) + bytes(n)


def make_frames():
    """(captured bytes, wire length) pairs; deterministic."""
    frames = []

    def add(data, wire=None):
        if len(data) < 60 and wire is None:
            data = data + bytes(60 - len(data))       # Ethernet minimum, as on the wire
        frames.append((data, wire if wire is not None else len(data)))

    server, gw = mac(100), mac(1)
    # 14 IPv4 clients with different volumes: more talkers than the default top 10.
    for c in range(1, 15):
        for k in range(c):
            add(ether(server, mac(c), 0x0800, ipv4("10.0.0.%d" % c, "10.0.0.100", 6,
                                                   tcp(40 * c + k))))
            add(ether(mac(c), server, 0x0800, ipv4("10.0.0.100", "10.0.0.%d" % c, 6,
                                                   tcp(10 * c))))
    # Two clients with identical traffic: the tie is broken by address.
    for c in (201, 202):
        for _ in range(3):
            add(ether(server, gw, 0x0800, ipv4("192.168.1.%d" % c, "10.0.0.100", 17,
                                               udp(333))))
    # IPv4 odds and ends: ICMP, IGMP, GRE, an unassigned protocol number.
    add(ether(server, gw, 0x0800, ipv4("10.0.0.1", "10.0.0.100", 1, icmp(56))))
    add(ether(mac(255), gw, 0x0800, ipv4("10.0.0.2", "224.0.0.22", 2, bytes(8))))
    add(ether(server, gw, 0x0800, ipv4("172.16.0.1", "172.16.0.2", 47, bytes(24))))
    add(ether(server, gw, 0x0800, ipv4("172.16.0.1", "172.16.0.2", 253, bytes(24))))
    # ARP.
    arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, mac(3),
                      ipaddress.IPv4Address("10.0.0.3").packed, bytes(6),
                      ipaddress.IPv4Address("10.0.0.100").packed)
    add(ether(b"\xff" * 6, mac(3), 0x0806, arp))
    add(ether(b"\xff" * 6, mac(4), 0x0806, arp))
    # IPv6: plain UDP, TCP and ICMPv6; hop-by-hop -> ICMPv6 (MLD); destination
    # options -> UDP; fragment -> UDP; hop-by-hop -> dstopts -> TCP.
    a, b = "2001:db8::1", "2001:db8:0:1::20"
    add(ether(server, gw, 0x86DD, ipv6(a, b, 17, udp(100))))
    add(ether(server, gw, 0x86DD, ipv6(b, a, 6, tcp(700))))
    add(ether(server, gw, 0x86DD, ipv6("fe80::1", "ff02::1", 58,
                                       struct.pack("!BBHI", 128, 0, 0, 0) + bytes(32))))
    add(ether(server, gw, 0x86DD, ipv6("fe80::2", "ff02::16", 0,
                                       ext(58) + struct.pack("!BBHI", 143, 0, 0, 0))))
    add(ether(server, gw, 0x86DD, ipv6(a, "2001:db8::abcd:0:0:2", 60, ext(17, 1) + udp(20))))
    add(ether(server, gw, 0x86DD, ipv6(a, b, 44,
                                       struct.pack("!BBHI", 17, 0, 1, 77) + udp(64))))
    add(ether(server, gw, 0x86DD, ipv6("::ffff:10.1.2.3", a, 0, ext(60) + ext(6) + tcp(5))))
    # 802.1Q IPv4 and 802.1ad + 802.1Q IPv6.
    add(ether(server, gw, 0x0800, ipv4("10.0.0.5", "10.9.9.9", 17, udp(80)),
              tags=[(0x8100, 10)]))
    add(ether(server, gw, 0x86DD, ipv6(b, "2001:db8::5", 6, tcp(10)),
              tags=[(0x88A8, 100), (0x8100, 20)]))
    # 802.3 + LLC (spanning tree): a length, not an EtherType.
    stp = bytes([0x42, 0x42, 0x03]) + bytes(35)
    add(b"\x01\x80\xc2\x00\x00\x00" + mac(7) + struct.pack("!H", len(stp)) + stp)
    # LLDP: an EtherType the expert has no name for.
    add(ether(b"\x01\x80\xc2\x00\x00\x0e", mac(8), 0x88CC, bytes(40)))
    # Cut by the snap length: 1514 bytes on the wire, 64 captured (headers intact).
    big = ether(server, mac(9), 0x0800, ipv4("10.0.0.9", "10.0.0.100", 6, tcp(1460)))
    add(big[:64], wire=len(big))
    # A runt of 12 bytes: no EtherType at all; only in the totals.
    add(server + mac(10), wire=12)
    return frames


def write_pcap(path):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, (data, wire) in enumerate(make_frames()):
            f.write(struct.pack("<IIII", 1700000000 + i // 100, (i % 100) * 10000,
                                len(data), wire))
            f.write(data)


# ---- what tshark saw ------------------------------------------------------------------

def parse_tsv(path):
    rows = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            cells = line.rstrip("\n").split("\t")
            cells += [""] * (len(TSHARK_FIELDS) - len(cells))
            rows.append({k: [v for v in cell.split(",") if v]
                         for k, cell in zip(TSHARK_FIELDS, cells)})
    return rows


def num(text):
    return int(text, 0)


def expected(rows):
    """The numbers both experts should report, derived from tshark's fields with the
    experts' documented rules: the EtherType under any VLAN tags (802.3 length frames
    as 0), the outer IP header only, the IPv6 next header after extension headers,
    bytes = frame.len (on the wire)."""
    exp = {"frames": 0, "bytes": 0, "ether": {}, "ip": {}, "talkers": {}}
    for r in rows:
        flen = num(r["frame.len"][0])
        exp["frames"] += 1
        exp["bytes"] += flen
        if r["eth.len"] or r["vlan.len"]:
            etype = 0
        elif r["vlan.etype"]:
            etype = num(r["vlan.etype"][-1])
        elif r["eth.type"]:
            etype = num(r["eth.type"][0])
        else:
            continue                        # a runt: no EtherType
        e = exp["ether"].setdefault(etype, [0, 0])
        e[0] += 1
        e[1] += flen

        if etype == 0x0800 and r["ip.src"] and r["ip.dst"]:
            src, dst = r["ip.src"][0], r["ip.dst"][0]
            proto = num(r["ip.proto"][0])
        elif etype == 0x86DD and r["ipv6.src"] and r["ipv6.dst"]:
            src, dst = r["ipv6.src"][0], r["ipv6.dst"][0]
            proto = num(r["ipv6.nxt"][0])
            used = {k: 0 for k in IPV6_EXT_FIELD}
            for _ in range(8):              # the expert follows at most 8 headers
                field = IPV6_EXT_FIELD.get(proto)
                if field is None or used[proto] >= len(r[field]):
                    break
                nxt = num(r[field][used[proto]])
                used[proto] += 1
                proto = nxt
        else:
            continue
        p = exp["ip"].setdefault(proto, [0, 0])
        p[0] += 1
        p[1] += flen
        for addr, sent in ((src, True), (dst, False)):
            t = exp["talkers"].setdefault(ipaddress.ip_address(addr), [0, 0, 0, 0])
            if sent:
                t[0] += 1
                t[2] += flen
            else:
                t[1] += 1
                t[3] += flen
    return exp


# ---- what the experts said ------------------------------------------------------------

def columns(event):
    return {c["name"]: (c["type"], c["value"]) for c in event["columns"]}


def compare(report_path, tsv_path, label, top_n):
    errors = []

    def err(msg):
        errors.append("%s: %s" % (label, msg))

    with open(report_path, encoding="utf-8") as f:
        report = json.load(f)
    exp = expected(parse_tsv(tsv_path))

    cap = report.get("capture") or {}
    if cap.get("frames") != exp["frames"] or cap.get("bytes") != exp["bytes"]:
        err("nmhost read %s frames / %s bytes, tshark %d / %d"
            % (cap.get("frames"), cap.get("bytes"), exp["frames"], exp["bytes"]))

    experts = {e["name"]: e for e in report.get("experts", [])}
    for name in ("Top Users", "Protocol Distribution"):
        e = experts.get(name)
        if e is None:
            err("no expert named %r in the report" % name)
            continue
        if e.get("outcome") != "done":
            err("%s: outcome %s (%s), status %s" % (name, e.get("outcome"),
                                                    e.get("message"), e.get("status")))
        mem = e.get("memory") or {}
        if mem.get("leaked_blocks", 0) or mem.get("bad_calls", 0):
            err("%s: leaked %s blocks / %s bytes, %s bad calls (%s)"
                % (name, mem.get("leaked_blocks"), mem.get("leaked_bytes"),
                   mem.get("bad_calls"), mem.get("last_bad_reason")))

    # Top Users: the top N by total bytes, ties by frames, then IPv4 before IPv6, then
    # by address (the expert's documented order).
    e = experts.get("Top Users")
    if e is not None:
        order = sorted(exp["talkers"].items(),
                       key=lambda kv: (-(kv[1][2] + kv[1][3]), -(kv[1][0] + kv[1][1]),
                                       kv[0].version, kv[0].packed))
        want = [(str(a), *v) for a, v in order[:top_n]]
        got = []
        for ev in e.get("events", []):
            c = columns(ev)
            types = {k: t for k, (t, _) in c.items()}
            if types != {"address": "string", "frames_sent": "uint32",
                         "frames_received": "uint32", "bytes_sent": "uint32",
                         "bytes_received": "uint32"}:
                err("Top Users: unexpected columns %s" % types)
                break
            got.append((str(ipaddress.ip_address(c["address"][1])), c["frames_sent"][1],
                        c["frames_received"][1], c["bytes_sent"][1], c["bytes_received"][1]))
        if got != want:
            err("Top Users: %d events, expected %d" % (len(got), len(want)))
            for i in range(max(len(got), len(want))):
                g = got[i] if i < len(got) else None
                w = want[i] if i < len(want) else None
                if g != w:
                    err("  #%d: expert %s, tshark %s (address, frames sent/received, "
                        "bytes sent/received)" % (i + 1, g, w))

    # Protocol Distribution: every EtherType and IP protocol, exact counts, shares of
    # all frames and bytes, and the names the expert must know.
    e = experts.get("Protocol Distribution")
    if e is not None:
        got = {"ethertype": {}, "ipproto": {}}
        last = {}
        for ev in e.get("events", []):
            c = columns(ev)
            try:
                layer = c["layer"][1]
                value = c["value"][1]
                got[layer][value] = (c["protocol"][1], c["frames"][1], c["bytes"][1],
                                     c["frames_pct"][1], c["bytes_pct"][1])
            except (KeyError, TypeError) as x:
                err("Protocol Distribution: malformed event %s (%s)" % (c, x))
                continue
            if layer in last and c["frames"][1] > last[layer]:
                err("Protocol Distribution: %s list not sorted by frames" % layer)
            last[layer] = c["frames"][1]
        for layer, want, names, fmt in (("ethertype", exp["ether"], ETHER_NAMES, "0x%04x"),
                                        ("ipproto", exp["ip"], IP_NAMES, "%d")):
            for value in sorted(set(want) | set(got[layer])):
                w, g = want.get(value), got[layer].get(value)
                shown = fmt % value
                if g is None or w is None:
                    err("Protocol Distribution: %s %s: expert %s, tshark %s"
                        % (layer, shown, g and g[1:3], w))
                    continue
                if list(g[1:3]) != w:
                    err("Protocol Distribution: %s %s: expert %d frames / %d bytes, "
                        "tshark %d / %d" % (layer, shown, g[1], g[2], w[0], w[1]))
                for i, (part, whole, what) in enumerate(((w[0], exp["frames"], "frames_pct"),
                                                         (w[1], exp["bytes"], "bytes_pct"))):
                    pct = 100.0 * part / whole if whole else 0.0
                    if g[3 + i] is None or abs(g[3 + i] - pct) > 1e-9 * max(1.0, pct):
                        err("Protocol Distribution: %s %s: %s %s, expected %.12g"
                            % (layer, shown, what, g[3 + i], pct))
                name = names.get(value)
                if layer == "ethertype" and name is None and value == 0x88CC:
                    name = "0x88cc"
                if name is not None and g[0] != name:
                    err("Protocol Distribution: %s %s named %r, expected %r"
                        % (layer, shown, g[0], name))

    for line in errors:
        print("MISMATCH " + line)
    if not errors:
        print("ok %s: %d frames, %d addresses (top %d), %d EtherTypes, %d IP protocols"
              % (label, exp["frames"], len(exp["talkers"]), min(top_n, len(exp["talkers"])),
                 len(exp["ether"]), len(exp["ip"])))
    return 1 if errors else 0


def main(argv):
    if len(argv) == 3 and argv[1] == "gen":
        write_pcap(argv[2])
        return 0
    if len(argv) == 2 and argv[1] == "fields":
        print(" ".join(TSHARK_FIELDS))
        return 0
    if len(argv) in (5, 6) and argv[1] == "compare":
        top_n = int(argv[5]) if len(argv) == 6 else DEFAULT_TOP
        return compare(argv[2], argv[3], argv[4], top_n)
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
