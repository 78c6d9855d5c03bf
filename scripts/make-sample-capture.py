#!/usr/bin/env python3
"""make-sample-capture.py - writes the small deterministic sample capture data/sample.cap.

Builds an Ethernet pcap in memory (IPv4 and IPv6 hosts; TCP sessions, DNS-like UDP,
ICMP, ICMPv6 echo, ARP; varied sizes, increasing timestamps; lengths consistent so
tshark dissects every layer), writes it next to the output as sample.pcap, then converts
it with `editcap -F netmon2` (NetMon 2.x, what NetMon experts were run on); with
--pcap FILE the intermediate pcap is kept there. TZ=UTC is
set for editcap because NetMon stores the start time as a zone-less SYSTEMTIME that
Wireshark writes in local time; nmshim reads it as UTC.

Usage: scripts/make-sample-capture.py [--pcap FILE] [OUT.cap]   (default: data/sample.cap)
Python standard library only; no network.
"""
import os
import random
import struct
import subprocess
import sys
import tempfile

START = 1700000000          # 2023-11-14 22:13:20 UTC
rng = random.Random(20240501)


def mac(n):
    return bytes([0x02, 0x00, 0x5e, 0x00, 0x00, n])


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def eth(dst, src, etype, payload):
    frame = dst + src + struct.pack("!H", etype) + payload
    return frame + b"\0" * max(0, 60 - len(frame))   # pad to the Ethernet minimum


def ipv4(src, dst, proto, payload, ident):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, 0x4000, 64,
                      proto, 0, bytes(src), bytes(dst))
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + payload


def ipv6(src, dst, nxt, payload):
    return struct.pack("!IHBB16s16s", 6 << 28, len(payload), nxt, 64, src, dst) + payload


def tcp(sport, dport, seq, ack, flags, data=b""):
    return struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0) + data


def udp(sport, dport, data):
    return struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data


def dns_query(qid, name, response=False):
    flags = 0x8180 if response else 0x0100
    q = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
    body = struct.pack("!HHHHHH", qid, flags, 1, 1 if response else 0, 0, 0)
    body += q + struct.pack("!HH", 1, 1)
    if response:
        body += struct.pack("!HHHIH4s", 0xC00C, 1, 1, 300, 4, bytes([93, 184, 216, rng.randrange(1, 255)]))
    return body


V4 = {n: [10, 0, 0, n] for n in range(1, 6)}
V4["gw"] = [10, 0, 0, 254]
V4["dns"] = [10, 0, 0, 53]
V4["web"] = [198, 51, 100, 80]
V6 = {"a": bytes.fromhex("20010db8000000000000000000000001"),
      "b": bytes.fromhex("20010db8000000000000000000000002")}
MACS = {1: mac(1), 2: mac(2), 3: mac(3), 4: mac(4), 5: mac(5), "gw": mac(0xfe),
        "dns": mac(0x35), "a": mac(0xa), "b": mac(0xb)}


def build():
    frames = []
    t = START * 1000000 + 123456
    ident = 1

    def add(frame):
        nonlocal t
        frames.append((t, frame))
        t += rng.randrange(200, 40000)

    def v4(src, dst, proto, payload, dmac=None, smac=None):
        nonlocal ident
        ident += 1
        add(eth(dmac or MACS.get(dst, MACS["gw"]), smac or MACS.get(src, MACS["gw"]),
                0x0800, ipv4(V4[src], V4[dst], proto, payload, ident)))

    for h in (1, 2, 3):        # ARP for the gateway
        arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, MACS[h], bytes(V4[h]),
                          b"\0" * 6, bytes(V4["gw"]))
        add(eth(b"\xff" * 6, MACS[h], 0x0806, arp))
        arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 2, MACS["gw"], bytes(V4["gw"]),
                          MACS[h], bytes(V4[h]))
        add(eth(MACS[h], MACS["gw"], 0x0806, arp))
    for round_ in range(12):
        for h in (1, 2, 3, 4, 5):
            qid = 0x1000 + round_ * 8 + h
            name = "host%d.example.com" % rng.randrange(1, 9)
            v4(h, "dns", 17, udp(40000 + qid % 1000, 53, dns_query(qid, name)))
            v4("dns", h, 17, udp(53, 40000 + qid % 1000, dns_query(qid, name, True)))
        # one TCP session per round: handshake, a few data segments of varied sizes, close
        c = 1 + round_ % 5
        sport = 50000 + round_
        seq, ack = 1000 * (round_ + 1), 5000 * (round_ + 1)
        v4(c, "web", 6, tcp(sport, 80, seq, 0, 0x02))
        v4("web", c, 6, tcp(80, sport, ack, seq + 1, 0x12))
        seq += 1; ack += 1
        v4(c, "web", 6, tcp(sport, 80, seq, ack, 0x10))
        req = b"GET /index%d.html HTTP/1.1\r\nHost: web\r\n\r\n" % round_
        v4(c, "web", 6, tcp(sport, 80, seq, ack, 0x18, req))
        seq += len(req)
        for k in range(3):
            size = rng.choice((100, 512, 1000, 1460))
            v4("web", c, 6, tcp(80, sport, ack, seq, 0x18, bytes([65 + k]) * size))
            ack += size
            v4(c, "web", 6, tcp(sport, 80, seq, ack, 0x10))
        v4(c, "web", 6, tcp(sport, 80, seq, ack, 0x11))
        v4("web", c, 6, tcp(80, sport, ack, seq + 1, 0x11))
        v4(c, "web", 6, tcp(sport, 80, seq + 1, ack + 1, 0x10))
        # ICMP echo request/reply with varied payloads
        h = 1 + (round_ * 2) % 5
        pl = bytes(range(32 + round_ * 4))
        v4(h, "gw", 1, struct.pack("!BBHHH", 8, 0, 0, 0x77, round_) + pl)
        v4("gw", h, 1, struct.pack("!BBHHH", 0, 0, 0, 0x77, round_) + pl)
        # ICMPv6 echo between the two IPv6 hosts
        pl = bytes(rng.randrange(256) for _ in range(16 + round_ * 8))
        add(eth(MACS["b"], MACS["a"], 0x86DD,
                ipv6(V6["a"], V6["b"], 58, struct.pack("!BBHHH", 128, 0, 0, 0x66, round_) + pl)))
        add(eth(MACS["a"], MACS["b"], 0x86DD,
                ipv6(V6["b"], V6["a"], 58, struct.pack("!BBHHH", 129, 0, 0, 0x66, round_) + pl)))
    return frames


def write_pcap(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for t, frame in frames:
            f.write(struct.pack("<IIII", t // 1000000, t % 1000000, len(frame), len(frame)))
            f.write(frame)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    args = sys.argv[1:]
    keep = None
    if args[:1] == ["--pcap"] and len(args) >= 2:
        keep, args = args[1], args[2:]
    out = os.path.abspath(args[0] if args else os.path.join(here, "..", "data", "sample.cap"))
    os.makedirs(os.path.dirname(out), exist_ok=True)
    frames = build()
    with tempfile.TemporaryDirectory() as tmp:
        pcap = keep or os.path.join(tmp, "sample.pcap")
        write_pcap(pcap, frames)
        subprocess.run(["editcap", "-F", "netmon2", pcap, out], check=True,
                       env=dict(os.environ, TZ="UTC"))
    print("%s: %d frames" % (out, len(frames)))


if __name__ == "__main__":
    main()
