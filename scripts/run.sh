#!/usr/bin/env bash
# README command 1: install what is needed (idempotent), build, and run the main job on
# the embedded default: nmhost runs both sample experts (Top Users, Protocol
# Distribution) on the bundled capture data/sample.cap and prints its report.
#   scripts/run.sh [--arch i686|x86_64] [nmhost options]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)
arch=x86_64
if [ "${1:-}" = --arch ]; then arch=${2:?--arch needs i686 or x86_64}; shift 2; fi
bash "$here/setup.sh"
bash "$here/build.sh" "$arch" >&2
exec "$here/nmhost" --arch "$arch" "$@" "$top/build/$arch/bin/topusers.dll" \
    "$top/build/$arch/bin/protodist.dll"
