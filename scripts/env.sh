# Shared locations for nmshim's scripts (sourced, not run). Nothing here is machine
# specific: caches live under XDG_CACHE_HOME (default ~/.cache), outside the repository.
: "${top:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
NMSHIM_CACHE=${NMSHIM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nmshim}
NMSHIM_ROOT32=${NMSHIM_ROOT32:-$NMSHIM_CACHE/i386-root}
NMSHIM_PREFIX64=${NMSHIM_PREFIX64:-$NMSHIM_CACHE/wine64}
NMSHIM_DEPS=${NMSHIM_DEPS:-$top/.deps}
export NMSHIM_CACHE NMSHIM_ROOT32 NMSHIM_PREFIX64 NMSHIM_DEPS
