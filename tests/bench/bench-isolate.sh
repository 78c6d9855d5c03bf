#!/usr/bin/env bash
# bench-isolate.sh - what nmhost --isolate costs per expert: wall time of nmhost.exe
# (under the Wine runner, as a user runs it) on data/sample.cap, in-process against
# --isolate, median of REPS runs each, interleaved so that drift hits both sides alike.
#
# Usage: tests/bench/bench-isolate.sh ARCH          (ARCH: x86_64 or i686)
#   BENCH_BUILD  build tree holding bin/nmhost.exe (default: build/ARCH)
#   BENCH_REPS   runs per side (default 20)
# Prints one line per case: in-process / isolated ms and the difference per expert,
# from the medians and from the fastest runs.
# Exit status: 0 when every run succeeded (the numbers are a report, not a judgement).
set -euo pipefail
arch=${1:?usage: bench-isolate.sh ARCH (x86_64 or i686)}
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
case "$arch" in
    x86_64) runner=$top/scripts/wine64-run ;;
    i686)   runner=$top/scripts/wine32-run ;;
    *) echo "bench-isolate: unknown arch $arch" >&2; exit 1 ;;
esac
bin=${BENCH_BUILD:-$top/build/$arch}/bin
reps=${BENCH_REPS:-20}
[ -f "$bin/nmhost.exe" ] || { echo "bench-isolate: $bin/nmhost.exe missing" >&2; exit 1; }
"$runner" --prepare

python3 - "$runner" "$bin" "$top/data/sample.cap" "$reps" <<'EOF'
import os, statistics, subprocess, sys, time
runner, bin_dir, cap, reps = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
# One expert: the latency --isolate adds. 20 at once: the cost per expert when the
# children run side by side (as the in-process experts do). 20 one after the other:
# the latency of one child, measured over 20 so that the noise of starting the outer
# nmhost counts once (--configure --config makes the children take turns; null_expert
# is not configurable and the file does not exist, so nothing else changes).
seq = ["--configure", "--config", os.path.join(bin_dir, "bench-isolate-none.cfg")]
cases = [("null_expert", ["null_expert.dll"]), ("topusers", ["topusers.dll"]),
         ("protodist", ["protodist.dll"]), ("20 x null_expert", ["null_expert.dll"] * 20),
         ("20 x null, in turn", seq + ["null_expert.dll"] * 20)]
def once(args):
    t = time.perf_counter()
    r = subprocess.run([runner, os.path.join(bin_dir, "nmhost.exe"), "-q", "-c", cap] + args,
                       cwd=bin_dir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if r.returncode != 0:
        sys.exit("bench-isolate: nmhost %s exited %d" % (" ".join(args), r.returncode))
    return (time.perf_counter() - t) * 1000
print("bench-isolate (%s): wall ms of nmhost.exe under Wine, in-process / --isolate, %d runs"
      " each; load average %s" % (os.path.basename(runner), reps, os.getloadavg()[0]))
for name, experts in cases:
    dlls = [e for e in experts if e.endswith(".dll")]
    if not all(os.path.exists(os.path.join(bin_dir, e)) for e in dlls):
        continue
    a, b = [], []
    for _ in range(reps):
        a.append(once(experts))
        b.append(once(["--isolate"] + experts))
    ma, mb = statistics.median(a), statistics.median(b)
    # The fastest runs are the least disturbed by other load on the machine; both
    # estimates are printed, the spread between them says how noisy the run was.
    print("  %-18s medians %7.1f / %7.1f ms -> %6.1f ms per expert;"
          "  fastest %7.1f / %7.1f ms -> %6.1f ms per expert"
          % (name, ma, mb, (mb - ma) / len(dlls), min(a), min(b),
             (min(b) - min(a)) / len(dlls)))
EOF
