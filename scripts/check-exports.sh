#!/usr/bin/env bash
# Checks nmapi.dll's export table (objdump -p) against def/nmapi.def: exactly the
# names listed there, undecorated (no '@'), nothing more. Usage: OBJDUMP DLL DEF
set -euo pipefail
objdump=$1 dll=$2 def=$3
want=$(sed -n '/^EXPORTS/,$p' "$def" | grep -E '^\s+[A-Za-z_]' | awk '{print $1}' | sed 's/@[0-9]*$//' | sort)
got=$("$objdump" -p "$dll" | awk '/\[Ordinal\/Name Pointer\] Table/ {t=1; next} t && /^[ \t]*\[/ {print $NF; next} t {t=0}' | sort)
[ -n "$got" ] || { echo "no export table found in $dll"; exit 1; }
if grep -q '@' <<<"$got"; then echo "decorated export names in $dll:"; grep '@' <<<"$got"; exit 1; fi
if [ "$want" != "$got" ]; then
    echo "export table of $dll differs from $def:"; diff <(echo "$want") <(echo "$got") || true; exit 1
fi
echo "$(wc -l <<<"$got") exports, all undecorated, as listed in def/nmapi.def"
