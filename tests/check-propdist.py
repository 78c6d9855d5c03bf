#!/usr/bin/env python3
"""check-propdist.py - checks Property Distribution's events (nmhost -j) against tshark.

  check-propdist.py first CAPTURE FIELD        the 0-based number of the first frame
                                               where tshark shows FIELD (the right click)
  check-propdist.py check CAPTURE FIELD KIND JSON
      KIND: number | labeled | string | flags:BIT,BIT,...   exit 0 match, 1 mismatch
FIELD may be "a|b" (both tshark fields, in that order), as in check-properties.py.
"""
import json
import subprocess
import sys
from collections import Counter

OPTS = ["-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE",
        "-o", "tcp.desegment_tcp_streams:FALSE"]


def values(capture, field):
    names = field.split("|")
    cmd = ["tshark", "-n", "-r", capture, *OPTS, "-T", "fields", "-E", "separator=/t",
           "-E", "occurrence=a", "-E", "aggregator=\x1f"]
    for n in names:
        cmd += ["-e", n]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, errors="replace").stdout
    rows = []
    for line in out.split("\n")[:-1]:
        cols = line.split("\t") + [""] * len(names)
        vals = []
        for c in cols[:len(names)]:
            vals += c.split("\x1f") if c else []
        rows.append(vals)
    return rows


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "first":
        rows = values(sys.argv[2], sys.argv[3])
        print(next(i for i, r in enumerate(rows) if r))
        return 0
    if len(sys.argv) != 6 or sys.argv[1] != "check":
        print(__doc__, file=sys.stderr)
        return 2
    _, _, capture, field, kind, jpath = sys.argv
    rows = values(capture, field)
    with open(jpath, encoding="utf-8") as fh:
        report = json.load(fh)
    ex = report["experts"][0]
    if ex["outcome"] != "done":
        print(f"  outcome {ex['outcome']}: {ex.get('message')}")
        return 1
    events = [{c["name"]: c["value"] for c in e["columns"]} | {"_ident": e["ident"]}
              for e in ex["events"]]
    summary = next(e for e in events if e["_ident"] == 1)
    flat = [v for r in rows for v in r]
    bad = []

    def want(name, got, exp):
        if got != exp:
            bad.append(f"{name}: propdist {got}, tshark {exp}")

    want("frames", summary["frames"], sum(1 for r in rows if r))
    want("instances", summary["instances"], len(flat))
    if kind in ("number", "labeled"):
        nums = [int(v, 0) for v in flat]
        want("min", summary.get("min"), min(nums))
        want("max", summary.get("max"), max(nums))
        if abs(summary.get("mean", 0) - sum(nums) / len(nums)) > 1e-6:
            bad.append(f"mean: propdist {summary.get('mean')}, tshark {sum(nums) / len(nums)}")
        got = {e["value"]: e["count"] for e in events if e["_ident"] == 2}
        want("counts per value", got, dict(Counter(nums)))
        if kind == "labeled" and not any(e.get("label") for e in events if e["_ident"] == 2):
            bad.append("labeled: no value has a label")
    elif kind == "string":
        got = {e["value"]: e["count"] for e in events if e["_ident"] == 2}
        want("counts per string", got, dict(Counter(flat)))
    elif kind.startswith("flags:"):
        bits = [int(b) for b in kind[6:].split(",")]
        nums = [int(v, 0) for v in flat]
        got = {e["bit"]: (e["off"], e["on"]) for e in events if e["_ident"] == 3}
        exp = {b: (sum(1 for n in nums if not (n >> b) & 1), sum(1 for n in nums if (n >> b) & 1))
               for b in bits}
        want("on/off per bit", got, exp)
    name = capture.split("/")[-1]
    if bad:
        for b in bad:
            print(f"  {name} {field}: {b}")
        return 1
    print(f"propdist {name} {field} ({kind}): {len(flat)} instances in "
          f"{summary['frames']} frames, matches tshark")
    return 0


if __name__ == "__main__":
    sys.exit(main())
