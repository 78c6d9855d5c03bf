#!/usr/bin/env bash
# Installs everything nmshim needs on a Debian 12 machine, from Debian's own packages:
# both MinGW-w64 compilers, Wine (64-bit), tshark, CUnit's source package, and a cached
# i386 chroot with 32-bit Wine (see docs/toolchain.md: wine32:i386 cannot be installed
# on the host). Idempotent: a second run with everything present takes a few seconds.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)
# shellcheck source=scripts/env.sh
. "$here/env.sh"

die() { echo "setup: $*" >&2; exit 1; }
say() { echo "setup: $*" >&2; }

[ "$(id -u)" = 0 ] || die "must run as root (installs Debian packages and builds a chroot)"
# --tests: also what only the test suite needs (the native fuzzers' clang runtime, headless
# chromium for tests/check-html.sh, the test captures of Debian's tcpdump and wireshark
# source packages); scripts/test.sh asks.
tests=0
[ "${1:-}" = --tests ] && tests=1

packages=(gcc-mingw-w64-i686 gcc-mingw-w64-x86-64 g++-mingw-w64-i686 g++-mingw-w64-x86-64
          mingw-w64-tools binutils-mingw-w64-i686 binutils-mingw-w64-x86-64
          wine wine64 debootstrap cmake make tshark dpkg-dev python3 util-linux)
[ $tests = 1 ] && packages+=(clang-14 libclang-rt-14-dev chromium)

# The machine's own mirror, read at run time: never written into the repository.
mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
[ -n "$mirror" ] || mirror=$(awk '/^deb / { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)

# --- 1. host packages -------------------------------------------------------------
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
    say "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null || die "apt-get update failed"
    mkdir -p "$NMSHIM_CACHE"
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$NMSHIM_CACHE/apt.log" 2>&1 \
        || { tail -20 "$NMSHIM_CACHE/apt.log" >&2; die "apt-get install failed for: ${missing[*]}"; }
fi

# --- 2. CUnit source package (Debian ships no MinGW build of it) -------------------
if [ ! -f "$NMSHIM_DEPS/cunit/CUnit/Headers/CUnit.h" ]; then
    [ -f /etc/apt/sources.list.d/debian.sources ] || die "no /etc/apt/sources.list.d/debian.sources to derive deb-src from"
    src=/etc/apt/sources.list.d/nmshim-src.sources
    if [ ! -f "$src" ]; then
        sed 's/^Types:.*/Types: deb-src/' /etc/apt/sources.list.d/debian.sources > "$src"
        apt-get update -qq >/dev/null || die "apt-get update (deb-src) failed"
    fi
    tmp=$(mktemp -d "$NMSHIM_DEPS.cunit.XXXXXX" 2>/dev/null || { mkdir -p "$NMSHIM_DEPS"; mktemp -d "$NMSHIM_DEPS/.cunit.XXXXXX"; })
    (cd "$tmp" && apt-get source -qq cunit >/dev/null 2>&1) || { rm -rf "$tmp"; die "apt-get source cunit failed"; }
    d=$(find "$tmp" -maxdepth 1 -type d -name 'cunit-*' | head -n1)
    [ -n "$d" ] && [ -f "$d/CUnit/Headers/CUnit.h" ] || { rm -rf "$tmp"; die "cunit source has an unexpected layout"; }
    mkdir -p "$NMSHIM_DEPS"
    rm -rf "$NMSHIM_DEPS/cunit"
    mv "$d" "$NMSHIM_DEPS/cunit"
    rm -rf "$tmp"
    say "CUnit source in $NMSHIM_DEPS/cunit"
fi

# --- 2b. test captures: Debian's tcpdump and wireshark source packages carry hundreds of
# real captures (tests/check-properties.sh picks some); fetched, never committed.
for pkg in tcpdump wireshark; do
    [ $tests = 1 ] || break
    [ -f "$NMSHIM_DEPS/$pkg/.nmshim-complete" ] && continue
    src=/etc/apt/sources.list.d/nmshim-src.sources
    if [ ! -f "$src" ]; then
        sed 's/^Types:.*/Types: deb-src/' /etc/apt/sources.list.d/debian.sources > "$src"
        apt-get update -qq >/dev/null || die "apt-get update (deb-src) failed"
    fi
    mkdir -p "$NMSHIM_DEPS"
    tmp=$(mktemp -d "$NMSHIM_DEPS/.$pkg.XXXXXX")
    # --download-only + dpkg-source -x of the orig tarball only: no Debian patches needed.
    (cd "$tmp" && apt-get source -qq "$pkg" >/dev/null 2>&1) || { rm -rf "$tmp"; die "apt-get source $pkg failed"; }
    d=$(find "$tmp" -maxdepth 1 -type d -name "$pkg-*" | head -n1)
    [ -n "$d" ] || { rm -rf "$tmp"; die "$pkg source has an unexpected layout"; }
    rm -rf "$NMSHIM_DEPS/$pkg"
    mv "$d" "$NMSHIM_DEPS/$pkg"
    rm -rf "$tmp"
    touch "$NMSHIM_DEPS/$pkg/.nmshim-complete"
    say "$pkg source (test captures) in $NMSHIM_DEPS/$pkg"
done

# --- 3. i386 chroot with 32-bit Wine, cached outside the repository ----------------
if [ ! -f "$NMSHIM_ROOT32/.nmshim-complete" ]; then
    [ -n "$mirror" ] || die "cannot read the apt mirror from /etc/apt/sources.list.d/debian.sources"
    mkdir -p "$(dirname "$NMSHIM_ROOT32")"
    tmp="$NMSHIM_ROOT32.building"
    # A half-built tree from an interrupted run is never reused.
    if [ -e "$tmp" ]; then
        umount -l "$tmp/proc" 2>/dev/null || true
        rm -rf --one-file-system "$tmp"
    fi
    say "building the i386 chroot (debootstrap from $mirror)"
    debootstrap --arch=i386 --variant=minbase bookworm "$tmp" "$mirror" >"$tmp.log" 2>&1 \
        || die "debootstrap --arch=i386 failed (log: $tmp.log)"
    unshare --mount --propagation private -- sh -c "
        mount -t proc proc '$tmp/proc' &&
        chroot '$tmp' env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
        chroot '$tmp' env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wine wine32
    " >>"$tmp.log" 2>&1 || die "installing wine32 in the i386 chroot failed (log: $tmp.log)"
    chroot "$tmp" apt-get clean >/dev/null 2>&1 || true
    touch "$tmp/.nmshim-complete"
    rm -rf --one-file-system "$NMSHIM_ROOT32"
    mv "$tmp" "$NMSHIM_ROOT32"
    rm -f "$tmp.log"
    say "i386 chroot ready in $NMSHIM_ROOT32"
fi

# --- 4. sanity: the tools answer ---------------------------------------------------
for t in i686-w64-mingw32-gcc x86_64-w64-mingw32-gcc i686-w64-mingw32-dlltool wine cmake tshark editcap capinfos; do
    command -v "$t" >/dev/null || die "$t is missing after install"
done
[ -x "$NMSHIM_ROOT32/usr/bin/wine" ] || die "the i386 chroot has no wine"
say "ready"
