#!/usr/bin/env bash
# Configures and builds nmshim for one or both arches: scripts/build.sh [i686|x86_64]...
# Build trees: build/<arch>. NMAPI_WERROR=ON when CI is set (warnings are errors in CI).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)
arches=("$@"); [ "${#arches[@]}" -gt 0 ] || arches=(i686 x86_64)
werror=OFF; [ -n "${CI:-}" ] && werror=ON
for arch in "${arches[@]}"; do
    case "$arch" in i686|x86_64) ;; *) echo "build: unknown arch $arch" >&2; exit 2 ;; esac
    b="$top/build/$arch"
    mkdir -p "$top/build"
    if [ ! -f "$b/CMakeCache.txt" ]; then
        cmake -S "$top" -B "$b" -DCMAKE_TOOLCHAIN_FILE="$top/scripts/toolchain-$arch.cmake" \
              -DNMAPI_WERROR=$werror >"$b.configure.log" 2>&1 \
            || { cat "$b.configure.log" >&2; echo "build: configure failed ($arch)" >&2; exit 1; }
    fi
    cmake --build "$b" -j "$(nproc)" >"$b.build.log" 2>&1 \
        || { grep -E 'error|Error' "$b.build.log" | head -40 >&2; echo "build: failed ($arch), log: $b.build.log" >&2; exit 1; }
    echo "build: $arch ok"
done
