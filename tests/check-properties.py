#!/usr/bin/env python3
"""check-properties.py - compares the properties nmshim's engine attaches (a t_propdump.dll
dump: FRAME LEVEL PROTOCOL LABEL VALUE per line) with tshark's field extraction, frame by
frame, field by field, every occurrence in order (tshark -E occurrence=a).

  check-properties.py CAPTURE DUMP      prints mismatches, exit 0 none, 1 some, 2 usage
  check-properties.py --counts CAPTURE  what t_filterwalk.dll must print for it

Reassembly is off in tshark (the engine parses frame by frame, as NetMon's parsers do):
ip/ipv6 defragmentation and TCP desegmentation.
"""
import subprocess
import sys
from collections import defaultdict

# tshark field -> (protocol, property label, kind)
FIELDS = [
    ("eth.src", "ETHERNET", "Source Address", "str"),
    ("eth.dst", "ETHERNET", "Destination Address", "str"),
    ("eth.type", "ETHERNET", "Ethernet Type", "int"),
    # an 802.1ad S-tag (0x88a8) is ieee8021ad.* in tshark, the outer tag: it comes first
    ("ieee8021ad.id|vlan.id", "VLAN", "Identifier", "int"),
    ("ieee8021ad.priority|vlan.priority", "VLAN", "Priority", "int"),
    ("arp.opcode", "ARP_RARP", "Opcode", "int"),
    ("arp.src.proto_ipv4", "ARP_RARP", "Sender's Protocol Address", "str"),
    ("arp.dst.proto_ipv4", "ARP_RARP", "Target's Protocol Address", "str"),
    ("ip.src", "IP", "Source Address", "str"),
    ("ip.dst", "IP", "Destination Address", "str"),
    ("ip.proto", "IP", "Protocol", "int"),
    ("ip.ttl", "IP", "Time to Live", "int"),
    ("ip.len", "IP", "Total Length", "int"),
    ("ip.id", "IP", "Identification", "int"),
    ("ip.hdr_len", "IP", "Header Length", "int"),
    ("ipv6.src", "IPV6", "Source Address", "str"),
    ("ipv6.dst", "IPV6", "Destination Address", "str"),
    ("ipv6.nxt", "IPV6", "Next Header", "int"),
    ("ipv6.hlim", "IPV6", "Hop Limit", "int"),
    ("ipv6.plen", "IPV6", "Payload Length", "int"),
    ("ipv6.flow", "IPV6", "Flow Label", "int"),
    ("tcp.srcport", "TCP", "Source Port", "int"),
    ("tcp.dstport", "TCP", "Destination Port", "int"),
    ("tcp.flags", "TCP", "Flags", "int"),
    ("tcp.window_size_value", "TCP", "Window", "int"),
    ("tcp.hdr_len", "TCP", "Data Offset", "int"),
    ("udp.srcport", "UDP", "Source Port", "int"),
    ("udp.dstport", "UDP", "Destination Port", "int"),
    ("udp.length", "UDP", "Total Length", "int"),
    ("icmp.type", "ICMP", "Packet Type", "int"),
    ("icmp.code", "ICMP", "Code", "int"),
    ("icmpv6.type", "ICMPV6", "Packet Type", "int"),
    ("dns.id", "DNS", "Query Identifier", "int"),
    ("dns.count.queries", "DNS", "Question Count", "int"),
    ("dns.qry.name", "DNS", "Question Name", "str"),
    ("dns.qry.type", "DNS", "Question Type", "int"),
]

TSHARK_OPTS = ["-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE",
               "-o", "tcp.desegment_tcp_streams:FALSE"]


def norm(kind, v):
    if kind == "int":
        try:
            return str(int(v, 0))
        except ValueError:
            return v
    return v


def tshark_rows(capture):
    cmd = ["tshark", "-n", "-r", capture, *TSHARK_OPTS, "-T", "fields", "-E", "separator=/t",
           "-E", "occurrence=a", "-E", "aggregator=\x1f"]
    names = [n for f in FIELDS for n in f[0].split("|")]
    for n in names:
        cmd += ["-e", n]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True,
                         errors="replace").stdout
    rows = []
    for line in out.split("\n")[:-1]:
        cols = line.split("\t")
        cols += [""] * (len(names) - len(cols))
        row, k = [], 0
        for f in FIELDS:
            vals = []
            for _ in f[0].split("|"):
                c = cols[k]
                k += 1
                vals += [norm(f[3], x) for x in c.split("\x1f")] if c else []
            row.append(vals)
        rows.append(row)
    return rows


def dump_rows(path, nframes):
    want = {(f[1], f[2]): i for i, f in enumerate(FIELDS)}
    rows = [[[] for _ in FIELDS] for _ in range(nframes)]
    extra = 0
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 5:
                continue
            n = int(parts[0])
            i = want.get((parts[2], parts[3]))
            if i is None:
                continue
            if n >= nframes:
                extra += 1
                continue
            rows[n][i].append(norm(FIELDS[i][3], parts[4]))
    return rows, extra


def counts(capture):
    """What t_filterwalk.dll must count on this capture, from tshark's fields."""
    rows = tshark_rows(capture)
    i_tcp = [f[0] for f in FIELDS].index("tcp.srcport")
    i_dns = [f[0] for f in FIELDS].index("dns.qry.name")
    tcp = sum(1 for r in rows if r[i_tcp])
    dframes = sum(1 for r in rows if r[i_dns])
    dnames = sum(len(r[i_dns]) for r in rows)
    return (f"tcp={tcp} back={tcp} spec_pass={tcp} spec_fail={len(rows) - tcp} "
            f"dns_frames={dframes} dns_names={dnames} bad=0")


UI_FILTER = '!ICMP && UDP:"Destination Port" == 53'


def counts_ui(capture):
    """t_filterwalk.dll's counts under nmhost --filter UI_FILTER: its forward walks defer
    to the display filter, its backward and specified walks do not."""
    rows = tshark_rows(capture)
    col = {f[0]: i for i, f in enumerate(FIELDS)}
    ui = [not r[col["icmp.type"]] and "53" in r[col["udp.dstport"]] for r in rows]
    tcp_rows = [bool(r[col["tcp.srcport"]]) for r in rows]
    tcp = sum(1 for t, u in zip(tcp_rows, ui) if t and u)
    alltcp = sum(tcp_rows)
    names = [r[col["dns.qry.name"]] for r in rows]
    dframes = sum(1 for n, u in zip(names, ui) if n and u)
    dnames = sum(len(n) for n, u in zip(names, ui) if u)
    return (f"tcp={tcp} back={alltcp} spec_pass={alltcp} spec_fail={len(rows) - alltcp} "
            f"dns_frames={dframes} dns_names={dnames} bad=0")


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--counts":
        print(counts(sys.argv[2]))
        return 0
    if len(sys.argv) == 3 and sys.argv[1] == "--counts-ui":
        print(counts_ui(sys.argv[2]))
        return 0
    if len(sys.argv) == 2 and sys.argv[1] == "--ui-filter":
        print(UI_FILTER)
        return 0
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    capture, dump = sys.argv[1:]
    ts = tshark_rows(capture)
    ours, extra = dump_rows(dump, len(ts))
    mismatches = 0
    compared = 0
    per_field = defaultdict(int)
    for n, (a, b) in enumerate(zip(ts, ours)):
        for i, f in enumerate(FIELDS):
            compared += 1
            if a[i] != b[i]:
                mismatches += 1
                per_field[f[0]] += 1
                if mismatches <= 15:
                    print(f"  frame {n + 1} {f[0]}: tshark {','.join(a[i]) or '-'} / "
                          f"nmshim {','.join(b[i]) or '-'}")
    if extra:
        mismatches += extra
        print(f"  {extra} dump lines for frames tshark does not have")
    print(f"{capture.split('/')[-1]}: {len(ts)} frames, {compared} field comparisons, "
          f"{mismatches} mismatches" +
          (" (" + ", ".join(f"{k} {v}" for k, v in sorted(per_field.items())) + ")"
           if per_field else ""))
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
