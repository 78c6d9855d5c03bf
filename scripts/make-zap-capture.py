#!/usr/bin/env python3
"""make-zap-capture.py - writes a small pcap carrying ZAP, the made-up protocol of the test
parser DLLs (tests/parsers/zap_parser.c), for tests/check-parsers.sh.

Frames (Ethernet / IPv4):
  0  UDP 1024 -> 53, a DNS query (built-in parsers only)
  1  UDP 40000 -> 7777, one ZAP message (Hello, Urgent, 4 payload bytes)
  2  UDP 7777 -> 40000, three ZAP messages in one frame: ZAP follows itself twice
  3  UDP 40001 -> 7777, a ZAP message truncated by the capture (40 payload bytes said,
     10 captured)
  4  UDP 40002 -> 7780, one ZAP message (the port of the INI beside the parser DLL,
     instance data 100)
  5  UDP 40003 -> 7778, ZAPFAULT (its parser faults in AttachProperties)
  6  UDP 40003 -> 7778, ZAPFAULT again (disabled by then)
  7  UDP 40004 -> 7779, ZAPBAD (its parser answers an offset past the frame)
  8  UDP 40004 -> 7779, ZAPBAD again
  9  UDP 40005 -> 9999, a ZAP message on a port only an --handoff-ini file gives ZAP
  10 TCP 40006 -> 80, not UDP
  11 UDP 40007 -> 7781, ZAPFMT (its parser's Summary formatter faults)
  12 UDP 40007 -> 7781, ZAPFMT again (disabled by then)
With --expect, prints instead the event descriptions t_zapwatch.dll must submit when
t_zap_parser.dll is loaded (one line each; the faulting parsers change nothing in them);
--expect-ini: the same with an INI that hands UDP port 9999 to ZAP.

Usage: scripts/make-zap-capture.py OUT.pcap | --expect | --expect-ini
Python standard library only; no network.
"""
import struct
import sys

START = 1700000000


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def eth(payload):
    frame = bytes([2, 0, 0x5e, 0, 0, 2]) + bytes([2, 0, 0x5e, 0, 0, 1]) + b"\x08\x00" + payload
    return frame + b"\0" * max(0, 60 - len(frame))


def ipv4(proto, payload, ident):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, 0x4000, 64, proto, 0,
                      bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    return hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:] + payload


def udp(sport, dport, data):
    return struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data


def tcp(sport, dport, data=b""):
    return struct.pack("!HHIIBBHHH", sport, dport, 1, 0, 5 << 4, 0x18, 65535, 0, 0) + data


def zap(opcode, flags, nxt, payload, length=None):
    n = len(payload) if length is None else length
    return b"ZP" + struct.pack("!HBBH", opcode, flags, nxt, n) + payload


LABELS = {1: "Hello", 2: "Data", 3: "Bye"}
BITS = ["Urgent", "Compressed", "Last"]

# (frame, [(index, opcode, flags, next, length, payload bytes captured)])
ZAP_MESSAGES = [
    (1, [(0, 1, 0x01, 0, 4, 4)]),
    (2, [(0, 2, 0x02, 1, 3, 3), (1, 2, 0x00, 1, 0, 0), (2, 3, 0x04, 0, 2, 2)]),
    (3, [(0, 2, 0x03, 0, 40, 10)]),
    (4, [(100, 1, 0x00, 0, 0, 0)]),
]


def frames():
    dns = b"\xab\xcd\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x03www\x07example\x03com\x00\x00\x01\x00\x01"
    out = []
    out.append(eth(ipv4(17, udp(1024, 53, dns), 1)))
    out.append(eth(ipv4(17, udp(40000, 7777, zap(1, 0x01, 0, b"abcd")), 2)))
    three = zap(2, 0x02, 1, b"xyz") + zap(2, 0x00, 1, b"") + zap(3, 0x04, 0, b"ok")
    out.append(eth(ipv4(17, udp(7777, 40000, three), 3)))
    full = eth(ipv4(17, udp(40001, 7777, zap(2, 0x03, 0, b"0123456789" * 4)), 4))
    out.append((full[:14 + 20 + 8 + 8 + 10], len(full)))        # truncated by the capture
    out.append(eth(ipv4(17, udp(40002, 7780, zap(1, 0x00, 0, b"")), 5)))
    out.append(eth(ipv4(17, udp(40003, 7778, zap(1, 0x01, 0, b"boom")), 6)))
    out.append(eth(ipv4(17, udp(40003, 7778, zap(1, 0x01, 0, b"boom")), 7)))
    out.append(eth(ipv4(17, udp(40004, 7779, zap(2, 0x00, 0, b"far")), 8)))
    out.append(eth(ipv4(17, udp(40004, 7779, zap(2, 0x00, 0, b"far")), 9)))
    out.append(eth(ipv4(17, udp(40005, 9999, zap(3, 0x00, 0, b"")), 10)))
    out.append(eth(ipv4(6, tcp(40006, 80, b"GET / HTTP/1.0\r\n\r\n"), 11)))
    out.append(eth(ipv4(17, udp(40007, 7781, zap(1, 0x00, 0, b"fmt")), 12)))
    out.append(eth(ipv4(17, udp(40007, 7781, zap(1, 0x00, 0, b"fmt")), 13)))
    return out


def expect(ini=False):
    lines = []
    messages = ZAP_MESSAGES + ([(9, [(0, 3, 0x00, 0, 0, 0)])] if ini else [])
    for frame, msgs in messages:
        for index, op, flags, nxt, length, payload in msgs:
            bits = ",".join(b for i, b in enumerate(BITS) if flags & (1 << i))
            text = "ZAP: %s (%d), %d payload bytes" % (LABELS[op], op, length)
            lines.append("frame %d: index %d opcode %d (%s) flags 0x%02x [%s] next %d length %d "
                         "payload %d heap 1 text '%s'" % (frame, index, op, LABELS[op], flags, bits,
                                                          nxt, length, payload, text))
    fr = frames()
    udp_frames = sum(1 for f in fr if (f[0] if isinstance(f, tuple) else f)[23] == 17)
    lines.append("frames %d udp %d zap %d zapfault 0 zapbad 0" % (len(fr), udp_frames, len(messages)))
    return lines


def write(path):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frames()):
            data, orig = fr if isinstance(fr, tuple) else (fr, len(fr))
            f.write(struct.pack("<IIII", START + i, 1000 * i, len(data), orig))
            f.write(data)


def main(argv):
    if len(argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    if argv[1] in ("--expect", "--expect-ini"):
        print("\n".join(expect(argv[1] == "--expect-ini")))
    else:
        write(argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
