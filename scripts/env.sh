# Shared locations for nmshim's scripts (sourced, not run). Nothing here is machine
# specific: caches live under XDG_CACHE_HOME (default ~/.cache), outside the repository.
# Each checkout has Wine prefixes of its own (named after a checksum of its path): a
# wineserver serves files from the mount namespace it started in (the chroot binds the
# checkout), and two checkouts must never share, or stop, each other's server.
: "${top:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
NMSHIM_CACHE=${NMSHIM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nmshim}
NMSHIM_ROOT32=${NMSHIM_ROOT32:-$NMSHIM_CACHE/i386-root}
NMSHIM_CHECKOUT=${NMSHIM_CHECKOUT:-$(printf '%s' "$top" | cksum | cut -d' ' -f1)}
NMSHIM_PREFIX64=${NMSHIM_PREFIX64:-$NMSHIM_CACHE/wine64-$NMSHIM_CHECKOUT}
NMSHIM_PREFIX32=${NMSHIM_PREFIX32:-/root/.wine32-$NMSHIM_CHECKOUT}   # inside the chroot
NMSHIM_DEPS=${NMSHIM_DEPS:-$top/.deps}
export NMSHIM_CACHE NMSHIM_ROOT32 NMSHIM_CHECKOUT NMSHIM_PREFIX64 NMSHIM_PREFIX32 NMSHIM_DEPS

# nmshim_heap_checked CMD...: runs a Wine command on Wine's checking heap (the caller sets
# WINEDEBUG to include warn+heap) and fails it when Wine reports heap misuse (Wine 8 uses
# the warn channel for that, docs/toolchain.md). stderr is passed on after the run.
nmshim_heap_checked() {
    local log rc
    log=$(mktemp "${TMPDIR:-/tmp}/nmshim-heap.XXXXXX") || return 125
    "$@" 2>"$log"
    rc=$?
    cat "$log" >&2
    if grep -qE '(err|warn):heap' "$log"; then
        echo "checked heap: Wine reported heap misuse running $*" >&2
        [ $rc = 0 ] && rc=1
    fi
    rm -f "$log"
    return $rc
}
