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
