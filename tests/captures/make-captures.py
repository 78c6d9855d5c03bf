#!/usr/bin/env python3
"""make-captures.py - writes the small crafted regression captures of this folder.

  python3 tests/captures/make-captures.py [OUT_DIR]      (default: this folder)

Each file pins one reader defect (issue 9 §3, issue 12 §2) or one hostile claim; its
expected outcome is a line of expected.txt, checked by the "capture" suite's
test_capture_regressions (every file, both arches, under Wine) and by the native fuzz
targets' replay (scripts/fuzz.sh replay, sanitizers on). The files are committed (a few
hundred bytes each) so that the replay needs no Python; run this script after changing
it and commit what it writes. Files found by the fuzzer (fuzz-*) are committed as found.
Large regressions (a 300 KiB simple packet block, 80 KiB of interface options, millions
of tiny blocks) are written at test time by tests/test_capture.c instead.
"""
import os
import struct
import sys

I64_MAX = (1 << 63) - 1
I64_MIN = -(1 << 63)


# ---- pcapng ----------------------------------------------------------------------
def block(btype, body, be=False):
    e = ">" if be else "<"
    body += b"\0" * (-len(body) % 4)
    n = len(body) + 12
    return struct.pack(e + "II", btype, n) + body + struct.pack(e + "I", n)


def shb(be=False):
    e = ">" if be else "<"
    return block(0x0A0D0D0A, struct.pack(e + "IHHq", 0x1A2B3C4D, 1, 0, -1), be)


def opt(code, value, be=False):
    e = ">" if be else "<"
    return struct.pack(e + "HH", code, len(value)) + value + b"\0" * (-len(value) % 4)


def idb(link=1, tsresol=None, tsoffset=None, snaplen=0, be=False):
    e = ">" if be else "<"
    body = struct.pack(e + "HHI", link, 0, snaplen)
    opts = b""
    if tsresol is not None:
        opts += opt(9, bytes([tsresol]), be)
    if tsoffset is not None:
        opts += opt(14, struct.pack(e + "q", tsoffset), be)
    if opts:
        opts += struct.pack(e + "HH", 0, 0)
    return block(1, body + opts, be)


def epb(ifid, ts, data, origlen=None, be=False):
    e = ">" if be else "<"
    ts &= (1 << 64) - 1
    body = struct.pack(e + "IIIII", ifid, ts >> 32, ts & 0xFFFFFFFF, len(data),
                       len(data) if origlen is None else origlen) + data
    return block(6, body, be)


# ---- NetMon 2.x ------------------------------------------------------------------
def netmon(minor, start, frames, table_len=None):
    """start = (year, month, dow, day, hour, minute, second, ms); frames = list of
    (delta_us u64, data, utc u64 or None)."""
    hdr = bytearray(128)
    hdr[0:4] = b"GMBU"
    hdr[4] = minor
    hdr[5] = 2
    struct.pack_into("<H", hdr, 6, 1)
    struct.pack_into("<8H", hdr, 8, *start)
    out = bytearray(hdr)
    table = []
    for delta, data, utc in frames:
        table.append(len(out))
        out += struct.pack("<QII", delta & ((1 << 64) - 1), len(data), len(data)) + data
        if minor == 1:
            out += struct.pack("<H", 1)
        elif minor == 2:
            out += struct.pack("<HI", 1, 0)
        elif minor >= 3:
            out += struct.pack("<HIQB", 1, 0, (utc or 0) & ((1 << 64) - 1), 0)
    struct.pack_into("<II", out, 24, len(out), len(table) * 4 if table_len is None else table_len)
    for t in table:
        out += struct.pack("<I", t)
    return bytes(out)


ETH = bytes.fromhex("020000000001020000000002") + b"\x08\x00" + bytes(20)


def files():
    f = {}
    # if_tsresol 0xFF (2^-127 s): the reader shifted a 64-bit value by 87 bits; also
    # 0xC0 (2^-64 s: 2^63 of them is 0.5 s), 0x7F (10^-127 s) and 0x80 / 0 (whole seconds,
    # a 64-bit count saturates), if_tsoffset at the int64 edges.
    f["pcapng-tsresol-extremes.pcapng"] = (
        shb() + idb(tsresol=0xFF) + idb(tsresol=0xC0) + idb(tsresol=0x7F) + idb(tsresol=0x80)
        + idb(tsresol=0) + idb(tsoffset=I64_MIN) + idb(tsoffset=I64_MAX) + idb(tsoffset=-1)
        + epb(0, (1 << 64) - 1, ETH) + epb(1, 1 << 63, ETH) + epb(2, (1 << 64) - 1, ETH)
        + epb(3, (1 << 64) - 1, ETH) + epb(4, 5, ETH) + epb(5, 0, ETH)
        + epb(6, (1 << 64) - 1, ETH) + epb(7, 0, ETH))
    # Frame times spanning the int64 range: frame time minus start time in frames.c.
    # Interfaces: 0 whole seconds (saturates high), 1 default, 2 offset -1 s, 3 offset
    # beyond the range (saturates low).
    ifs = idb(tsresol=0x80) + idb() + idb(tsoffset=-1) + idb(tsoffset=-9223372036855)
    f["pcapng-span-up.pcapng"] = (shb() + ifs + epb(3, 0, ETH) + epb(2, 0, ETH)
                                  + epb(1, 0, ETH) + epb(0, (1 << 64) - 1, ETH))
    f["pcapng-span-down.pcapng"] = (shb(True) + idb(tsresol=0x80, be=True) + idb(be=True)
                                    + idb(tsoffset=-1, be=True)
                                    + idb(tsoffset=-9223372036855, be=True)
                                    + epb(0, (1 << 64) - 1, ETH, be=True)
                                    + epb(1, 7, ETH, be=True) + epb(2, 0, ETH, be=True)
                                    + epb(3, 0, ETH, be=True))
    # Simple and obsolete packet blocks (editcap writes neither, so the fuzz corpus has
    # them from here): SPB original lengths above the snaplen (the data is the snaplen's
    # worth, as the draft says and tshark insists), a PB
    # with a u16 interface id, a second section big-endian; an SPB larger than the fuzz
    # targets' 256-byte window, followed by another block.
    def spb(origlen, data, be=False):
        return block(3, struct.pack(">I" if be else "<I", origlen) + data, be)

    def pb(ifid, ts, data, be=False):
        e = ">" if be else "<"
        return block(2, struct.pack(e + "HHIIII", ifid, 0, ts >> 32, ts & 0xFFFFFFFF,
                                    len(data), len(data)) + data, be)
    f["pcapng-spb-and-pb.pcapng"] = (
        shb() + idb(snaplen=20) + idb(link=101) + spb(34, ETH[:20]) + spb(100, ETH[:20])
        + pb(1, 1700000000000000, ETH) + spb(5, ETH[:5])
        + shb(True) + idb(snaplen=0, be=True) + spb(34, ETH, True)
        + pb(0, 1700000000000001, ETH, True)
        + spb(300, ETH + bytes(266), True) + epb(0, 2, ETH, be=True))
    # Blocks we skip between frames (unknown, name resolution, interface statistics):
    # with the fuzz targets' 128-byte skip limit and 4-frame blocks, extra checkpoints.
    skip = block(0x40000BAD, b"pad!") * 3
    body = b""
    for i in range(10):
        body += epb(0, 1700000000000000 + i, ETH)
        body += skip if i % 2 else block(4, bytes(200)) + block(5, bytes(12))
    f["pcapng-skipped-blocks.pcapng"] = shb() + idb() + skip + body
    # A block that claims 4 GiB, an option that claims 64 KiB: rejected, nothing allocated.
    f["pcapng-claims-4gib-block.pcapng"] = (shb() + idb() + struct.pack("<II", 6, 0xFFFFFFFC)
                                            + bytes(64))
    # NetMon start date "March 0" (day 0 = last day of February): the day arithmetic
    # wrapped to 2^32 days and overflowed; also January 0 (Dec 31 of the year before).
    f["netmon-march-day0.cap"] = netmon(0, (2024, 3, 0, 0, 22, 13, 20, 123),
                                        [(0, ETH, None), (1000000, ETH, None)])
    f["netmon-january-day0.cap"] = netmon(1, (2024, 1, 0, 0, 0, 0, 0, 0), [(5, ETH, None)])
    # NetMon 2.3 UTC times near 2^63 and 2^64 (signed subtraction overflowed), and 0.
    f["netmon23-utc-extremes.cap"] = netmon(3, (2023, 11, 2, 14, 22, 13, 20, 123), [
        (0, ETH, (1 << 63) - 1), (0, ETH, (1 << 64) - 1), (0, ETH, 1 << 63), (0, ETH, 0),
        (0, ETH, 116444736000000000 + 17000000001234567)])
    # NetMon 2.0 deltas at the edges (negative once times 10, as Wireshark reads them).
    f["netmon20-delta-extremes.cap"] = netmon(0, (2023, 11, 2, 14, 22, 13, 20, 123), [
        (0, ETH, None), ((1 << 64) - 1, ETH, None), ((1 << 63) - 1, ETH, None),
        (1 << 63, ETH, None), (922337203685477580, ETH, None)])
    # A frame table that claims 2^30 - 1 frames (4 GiB of table): rejected at open.
    f["netmon-claims-2g-frames.cap"] = netmon(1, (2023, 11, 2, 14, 22, 13, 20, 123),
                                              [(0, ETH, None)], table_len=0xFFFFFFFC)
    return f


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    os.makedirs(out, exist_ok=True)
    for name, data in sorted(files().items()):
        with open(os.path.join(out, name), "wb") as fp:
            fp.write(data)
    print("make-captures: %d files in %s" % (len(files()), out))


if __name__ == "__main__":
    main()
