#!/usr/bin/env python3
"""byteswap.py - rewrites a little-endian pcap or pcapng file in big-endian byte order
(editcap only writes the host's order), for the fuzz seed corpus.

  byteswap.py IN OUT

pcap: the file header and every record header. pcapng: every block's type and lengths;
the section header's magic, version and section length; interface descriptions (link
type, snaplen); enhanced, obsolete and simple packet blocks' fixed fields; interface
statistics' fixed fields; and every option's code and length, with the 2/4/8-byte
numeric options of the blocks above swapped as numbers (strings stay as they are).
"""
import struct
import sys

# Options holding a number, per block type: code -> width (bytes).
NUMERIC = {
    1: {8: 8, 10: 8, 11: 8, 14: 8, 9: 1, 13: 1, 16: 1},     # IDB (speed, tsoffset, ...)
    6: {2: 4, 4: 8, 5: 8, 6: 8, 7: 8},                        # EPB (flags, counters)
    5: {2: 8, 3: 8, 4: 8, 5: 8, 6: 8, 7: 8, 8: 8},            # ISB (times, counters)
}


def swap_options(body, codes):
    out = bytearray()
    i = 0
    while i + 4 <= len(body):
        code, n = struct.unpack_from("<HH", body, i)
        val = body[i + 4:i + 4 + n]
        pad = body[i + 4 + n:i + 4 + n + (-n % 4)]
        w = codes.get(code)
        if w in (2, 4, 8) and n == w:
            val = val[::-1]
        out += struct.pack(">HH", code, n) + val + pad
        i += 4 + n + (-n % 4)
        if code == 0:
            break
    return bytes(out) + body[i:]


def pcapng(data):
    out = bytearray()
    i = 0
    while i + 12 <= len(data):
        btype, n = struct.unpack_from("<II", data, i)
        body = data[i + 8:i + n - 4]
        if btype == 0x0A0D0D0A:
            magic, major, minor, slen = struct.unpack_from("<IHHq", body)
            body = struct.pack(">IHHq", magic, major, minor, slen) + swap_options(body[16:], {})
        elif btype == 1:
            link, res, snap = struct.unpack_from("<HHI", body)
            body = struct.pack(">HHI", link, res, snap) + swap_options(body[8:], NUMERIC[1])
        elif btype in (6, 2):
            if btype == 6:
                f = struct.unpack_from("<IIIII", body)
                hdr = struct.pack(">IIIII", *f)
            else:
                f = struct.unpack_from("<HHIIII", body)
                hdr = struct.pack(">HHIIII", *f)
            cap = f[3] if btype == 6 else f[4]
            dlen = cap + (-cap % 4)
            body = hdr + body[20:20 + dlen] + swap_options(body[20 + dlen:], NUMERIC[6])
        elif btype == 3:
            body = struct.pack(">I", struct.unpack_from("<I", body)[0]) + body[4:]
        elif btype == 5:
            f = struct.unpack_from("<III", body)
            body = struct.pack(">III", *f) + swap_options(body[12:], NUMERIC[5])
        out += struct.pack(">II", btype, n) + body + struct.pack(">I", n)
        i += n
    return bytes(out)


def pcap(data):
    out = bytearray(struct.pack(">IHHiIII", *struct.unpack_from("<IHHiIII", data)))
    i = 24
    while i + 16 <= len(data):
        sec, frac, cap, orig = struct.unpack_from("<IIII", data, i)
        out += struct.pack(">IIII", sec, frac, cap, orig) + data[i + 16:i + 16 + cap]
        i += 16 + cap
    return bytes(out)


def main():
    data = open(sys.argv[1], "rb").read()
    magic = struct.unpack_from("<I", data)[0]
    if magic == 0x0A0D0D0A:
        out = pcapng(data)
    elif magic in (0xA1B2C3D4, 0xA1B23C4D):
        out = pcap(data)
    else:
        sys.exit("byteswap: %s is not a little-endian pcap or pcapng file" % sys.argv[1])
    open(sys.argv[2], "wb").write(out)


if __name__ == "__main__":
    main()
