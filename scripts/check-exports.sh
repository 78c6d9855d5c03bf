#!/usr/bin/env bash
# Checks a DLL's export table (objdump -p) against its inventory (def/nmapi.def,
# def/parser.def, def/bhsupp.def): exactly the
# names listed there, undecorated (no '@'), nothing more. With a fourth argument (the
# 2001 SDK's list, tests/compat/nmapi-sdk.def), also that every name of that list is
# exported. Usage: OBJDUMP DLL DEF [SDK_DEF]
set -euo pipefail
objdump=$1 dll=$2 def=$3 sdk=${4:-}
names() { sed -n '/^EXPORTS/,$p' "$1" | grep -E '^\s+[A-Za-z_]' | awk '{print $1}' | sed 's/@[0-9]*$//' | sort; }
want=$(names "$def")
got=$("$objdump" -p "$dll" | awk '/\[Ordinal\/Name Pointer\] Table/ {t=1; next} t && /^[ \t]*\[/ {print $NF; next} t {t=0}' | sort)
[ -n "$got" ] || { echo "no export table found in $dll"; exit 1; }
if grep -q '@' <<<"$got"; then echo "decorated export names in $dll:"; grep '@' <<<"$got"; exit 1; fi
if [ "$want" != "$got" ]; then
    echo "export table of $dll differs from $def:"; diff <(echo "$want") <(echo "$got") || true; exit 1
fi
if [ -n "$sdk" ]; then
    missing=$(comm -23 <(names "$sdk") <(echo "$got"))
    if [ -n "$missing" ]; then echo "SDK names $dll does not export:"; echo "$missing"; exit 1; fi
    echo "all $(names "$sdk" | wc -l) names of $(basename "$sdk") exported"
fi
echo "$(wc -l <<<"$got") exports, all undecorated, as listed in $(basename "$def")"
