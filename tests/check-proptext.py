#!/usr/bin/env python3
"""check-proptext.py CAPTURE TMP RUNNER NMHOST - see check-proptext.sh."""
import re
import subprocess
import sys

cap, tmp, run, nmhost = sys.argv[1:5]
FIELDS = ["frame.number", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "tcp.srcport", "tcp.dstport",
          "tcp.flags", "udp.srcport", "udp.dstport", "dns.qry.name", "dns.flags.response",
          "arp.src.proto_ipv4", "arp.dst.proto_ipv4", "arp.src.hw_mac", "_ws.col.Protocol"]
out = subprocess.run(["tshark", "-r", cap, "-T", "fields", "-E", "separator=|", "-E", "occurrence=f"]
                     + sum((["-e", f] for f in FIELDS), []), capture_output=True, text=True, check=True)
rows = [dict(zip(FIELDS, l.split("|"))) for l in out.stdout.splitlines()]

def first(pred):
    return next((r for r in rows if pred(r)), None)

picks = [first(lambda r: r["dns.qry.name"] and r["dns.flags.response"] in ("0", "False")),
         first(lambda r: r["dns.qry.name"] and r["dns.flags.response"] in ("1", "True")),
         first(lambda r: r["tcp.flags"] == "0x0002"), first(lambda r: r["tcp.flags"] == "0x0012"),
         first(lambda r: r["tcp.flags"] == "0x0018"), first(lambda r: r["tcp.flags"] == "0x0011"),
         first(lambda r: r["ipv6.src"]), first(lambda r: r["arp.src.proto_ipv4"])]
picks = [p for p in picks if p]
failures = checks = 0

def check(frame, texts, proto, label, want, how="exact"):
    global failures, checks
    if not want:
        return
    checks += 1
    got = texts.get((proto, label))
    prefix = label + " = "
    ok = got is not None and got.startswith(prefix)
    value = got[len(prefix):] if ok else None
    if ok and how == "exact":
        ok = value == want
    elif ok and how == "port":                 # "53 (DNS)" or "54321"
        ok = re.fullmatch(re.escape(want) + r"( \(.*\))?", value) is not None
    elif ok and how == "flags":                # "0x18: PSH, ACK": the value, as a number
        m = re.match(r"0x([0-9a-f]+)", value)
        ok = m is not None and int(m.group(1), 16) == int(want, 16) & 0xfff
    if not ok:
        failures += 1
        print(f"FAIL: frame {frame} {proto}:{label}: got {got!r}, tshark says {want!r}")

for r in picks:
    n = int(r["frame.number"]) - 1               # nmhost numbers frames from 0
    p = subprocess.run([run, nmhost, "-c", cap, "--dump", str(n)], capture_output=True, text=True)
    if p.returncode != 0:
        failures += 1
        print(f"FAIL: nmhost --dump {n}: exit {p.returncode}: {p.stderr.strip()[:200]}")
        continue
    texts = {}
    for line in p.stdout.splitlines():
        m = re.match(r"\s*([A-Z0-9_]+): (.*?) = ", line)
        if m:
            texts.setdefault((m.group(1), m.group(2)), line.strip()[len(m.group(1)) + 2:])
    check(n, texts, "IP", "Source Address", r["ip.src"])
    check(n, texts, "IP", "Destination Address", r["ip.dst"])
    check(n, texts, "IPV6", "Source Address", r["ipv6.src"])
    check(n, texts, "IPV6", "Destination Address", r["ipv6.dst"])
    check(n, texts, "TCP", "Source Port", r["tcp.srcport"], "port")
    check(n, texts, "TCP", "Destination Port", r["tcp.dstport"], "port")
    check(n, texts, "TCP", "Flags", r["tcp.flags"], "flags")
    check(n, texts, "UDP", "Source Port", r["udp.srcport"], "port")
    check(n, texts, "UDP", "Destination Port", r["udp.dstport"], "port")
    check(n, texts, "DNS", "Question Name", r["dns.qry.name"])
    check(n, texts, "ARP_RARP", "Sender's Protocol Address", r["arp.src.proto_ipv4"])
    check(n, texts, "ARP_RARP", "Target's Protocol Address", r["arp.dst.proto_ipv4"])
    check(n, texts, "ARP_RARP", "Sender's Hardware Address", r["arp.src.hw_mac"])

if checks < 25:
    print(f"FAIL: only {checks} texts compared on {len(picks)} frames")
    failures += 1
print(f"{'ok' if not failures else 'FAIL'}: {checks} property texts on {len(picks)} frames compared with tshark, {failures} differ")
sys.exit(1 if failures else 0)
