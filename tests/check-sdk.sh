#!/usr/bin/env bash
# check-sdk.sh - the installed SDK, used as a third party would (issue 14 §1, README
# "Writing an expert"): `cmake --install` of this build tree into a fresh prefix; the
# layout; find_package(nmshim) from a project of its own (targets, paths, version, the
# other arch's tree refused); examples/expert-template copied out and built against the
# prefix, its exports undecorated; an object compiled against <netmon.h> (on i686 it
# references _ExpertAllocMemory@12) linked with plain -lnmapi against the installed lib/
# and run; then the INSTALLED nmhost.exe runs the template on its default capture (the
# sample beside it): done, exit 0, events, nothing leaked.
#   tests/check-sdk.sh BIN_DIR ARCH
# Exit 0 passed, 1 failed, 77 skipped (with the reason).
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/check-lib.sh"
nm_check_init check-sdk "$@"
triple=$arch-w64-mingw32
other=x86_64; [ "$arch" = x86_64 ] && other=i686
nm_check_tools cmake python3 "$triple-gcc" "$triple-objdump" "$triple-nm"
nm_check_built nmapi.dll nmhost.exe
nm_check_sample
nm_check_wine
build=$(dirname "$bin")
prefix=$tmp/prefix
toolchain=$top/scripts/toolchain-$arch.cmake
# step NAME CMD...: runs one command quietly; on failure counts it and shows its output.
step() {
    local name=$1 log=$tmp/$1.log
    shift
    if ! "$@" >"$log" 2>&1; then fail "$name: $* (log $log)"; tail -20 "$log"; return 1; fi
}

# 1. Install, and the layout (issue 14 §1).
step install cmake --install "$build" --prefix "$prefix" || exit 1
for f in bin/nmapi.dll bin/nmhost.exe bin/sample.cap include/nmshim.h lib/libnmapi.dll.a \
         bin/parser.dll bin/bhsupp.dll lib/libparser.dll.a lib/libbhsupp.dll.a \
         lib/cmake/nmshim/nmshimConfig.cmake lib/cmake/nmshim/nmshimConfigVersion.cmake \
         lib/cmake/nmshim/nmshimExpert.cmake; do
    [ -f "$prefix/$f" ] || fail "install: no $f"
done
got=$(ls "$prefix/include")
[ "$got" = nmshim.h ] || fail "include/ holds '$(echo $got)', expected nmshim.h only"
[ ! -e "$prefix/lib/ld-implib" ] || fail "install: ld's --kill-at import library was installed"

# 2. find_package from a project of its own (no compiler needed): what the package gives.
mkdir -p "$tmp/probe"
cat >"$tmp/probe/CMakeLists.txt" <<'EOF'
cmake_minimum_required(VERSION 3.20)
project(probe NONE)
find_package(nmshim 0.1 REQUIRED)
foreach(p IMPORTED_LOCATION IMPORTED_IMPLIB INTERFACE_INCLUDE_DIRECTORIES)
  get_target_property(v nmshim::nmapi ${p})
  message(STATUS "probe nmapi.${p}=${v}")
endforeach()
get_target_property(v nmshim::nmhost IMPORTED_LOCATION)
message(STATUS "probe nmhost.IMPORTED_LOCATION=${v}")
foreach(c parser bhsupp)
  get_target_property(v nmshim::${c} IMPORTED_IMPLIB)
  message(STATUS "probe ${c}.IMPORTED_IMPLIB=${v}")
endforeach()
message(STATUS "probe NMSHIM_NMHOST=${NMSHIM_NMHOST}")
message(STATUS "probe NMSHIM_ARCH=${NMSHIM_ARCH}")
message(STATUS "probe nmshim_DIR=${nmshim_DIR}")
if(COMMAND nmshim_add_expert)
  message(STATUS "probe nmshim_add_expert=yes")
endif()
EOF
if step probe cmake -S "$tmp/probe" -B "$tmp/probe/build" -DCMAKE_TOOLCHAIN_FILE="$toolchain" \
        -DCMAKE_PREFIX_PATH="$prefix"; then
    want="nmapi.IMPORTED_LOCATION=$prefix/bin/nmapi.dll
nmapi.IMPORTED_IMPLIB=$prefix/lib/libnmapi.dll.a
nmapi.INTERFACE_INCLUDE_DIRECTORIES=$prefix/include
nmhost.IMPORTED_LOCATION=$prefix/bin/nmhost.exe
parser.IMPORTED_IMPLIB=$prefix/lib/libparser.dll.a
bhsupp.IMPORTED_IMPLIB=$prefix/lib/libbhsupp.dll.a
NMSHIM_NMHOST=$prefix/bin/nmhost.exe
NMSHIM_ARCH=$arch
nmshim_DIR=$prefix/lib/cmake/nmshim
nmshim_add_expert=yes"
    got=$(sed -n 's/^-- probe //p' "$tmp/probe.log")
    [ "$got" = "$want" ] || { fail "find_package(nmshim) gave:"; diff <(echo "$want") <(echo "$got"); }
fi

# 3. The template, copied out of the repository, built against the prefix with the
#    project's warnings as errors.
cp -r "$top/examples/expert-template" "$tmp/src"
step configure cmake -S "$tmp/src" -B "$tmp/src/build" -DCMAKE_TOOLCHAIN_FILE="$toolchain" \
    -DCMAKE_PREFIX_PATH="$prefix" \
    "-DCMAKE_C_FLAGS=-Wall -Wextra -Wstrict-prototypes -Wmissing-prototypes -Werror" || exit 1
step build cmake --build "$tmp/src/build" || exit 1
dll=$tmp/src/build/template.dll
[ -f "$dll" ] || { fail "no template.dll built"; exit 1; }
# Exactly the four entry points, undecorated (the decorations in this list are dropped
# before comparing: scripts/check-exports.sh).
printf 'EXPORTS\n    Configure@20\n    DllMain@12\n    Register@4\n    Run@20\n' >"$tmp/template.def"
step exports bash "$top/scripts/check-exports.sh" "$triple-objdump" "$dll" "$tmp/template.def"
imports=$("$triple-objdump" -p "$dll" | sed -n 's/^\tDLL Name: //p' | sort | tr '\n' ' ')
[ "$imports" = "KERNEL32.dll msvcrt.dll nmapi.dll " ] || fail "template.dll imports $imports"

# The same expert as the SDK's experts were written: no __declspec(dllexport), a .def
# naming the entry points plainly (propdist.def); the same exports, no linker warning.
mkdir -p "$tmp/legacy"
sed 's/__declspec(dllexport) //' "$tmp/src/template.c" >"$tmp/legacy/legacy.c"
printf 'EXPORTS\n    DllMain\n    Register\n    Configure\n    Run\n' >"$tmp/legacy/legacy.def"
printf 'cmake_minimum_required(VERSION 3.20)\nproject(legacy C)\nfind_package(nmshim REQUIRED)\n%s\n' \
    'nmshim_add_expert(legacy legacy.c legacy.def)' >"$tmp/legacy/CMakeLists.txt"
if step legacy-configure cmake -S "$tmp/legacy" -B "$tmp/legacy/build" \
        -DCMAKE_TOOLCHAIN_FILE="$toolchain" -DCMAKE_PREFIX_PATH="$prefix" &&
   step legacy-build cmake --build "$tmp/legacy/build"; then
    step legacy-exports bash "$top/scripts/check-exports.sh" "$triple-objdump" \
        "$tmp/legacy/build/legacy.dll" "$tmp/template.def"
    ! grep -i 'warning' "$tmp/legacy-build.log" || fail "legacy .def: linker warnings"
fi

# The other arch's tree is refused (nmshimConfigVersion.cmake: pointer size).
otherlog=$tmp/other-arch.log
if cmake -S "$tmp/src" -B "$tmp/src/build-$other" \
        -DCMAKE_TOOLCHAIN_FILE="$top/scripts/toolchain-$other.cmake" \
        -DCMAKE_PREFIX_PATH="$prefix" >"$otherlog" 2>&1; then
    fail "an $other project accepted the $arch tree"
elif ! grep -qE 'nmshimConfig\.cmake, version: [0-9.]+ \((32|64)bit\)' "$otherlog"; then
    fail "an $other project failed, but not on the version check:"; tail -10 "$otherlog"
fi

# 4. The import library maps the decorated references: an object compiled against
#    <netmon.h> references _ExpertAllocMemory@12 on i686 (ExpertAllocMemory on x86_64),
#    and links with -lnmapi from lib/ to an import of the plain name, which loads.
cat >"$tmp/ref.c" <<'EOF'
#include <windows.h>
#include <netmon.h>
#include <stdio.h>
int main(void)
{
    DWORD err = 0;
    LPVOID p = ExpertAllocMemory(NULL, 16, &err);   /* no key: NULL, INVALID_EXPERT_HANDLE */
    printf("%s %lu\n", p ? "block" : "NULL", (unsigned long)err);
    return !(p == NULL && err == NMERR_INVALID_EXPERT_HANDLE);
}
EOF
ref=ExpertAllocMemory; [ "$arch" = i686 ] && ref=_ExpertAllocMemory@12
if step ref-compile "$triple-gcc" -c -o "$tmp/ref.o" "$tmp/ref.c"; then
    "$triple-nm" "$tmp/ref.o" | grep -qE "^ +U (__imp_)?$ref\$" \
        || fail "ref.o does not reference $ref: $("$triple-nm" "$tmp/ref.o" | grep -i expertalloc)"
    if step ref-link "$triple-gcc" -o "$prefix/bin/ref.exe" "$tmp/ref.o" -L"$prefix/lib" -lnmapi; then
        "$triple-objdump" -p "$prefix/bin/ref.exe" | grep -qE '^\s+[0-9a-f]+\s+[0-9]+\s+ExpertAllocMemory$' \
            || fail "ref.exe does not import the plain name ExpertAllocMemory"
        got=$("$run" "$prefix/bin/ref.exe" 2>"$tmp/ref.err" | tr -d '\r')
        [ "$got" = "NULL 130" ] || fail "ref.exe under Wine printed '$got', expected 'NULL 130'"
    fi
fi

# 5. The installed nmhost runs the template on its default capture (bin/sample.cap).
"$run" "$prefix/bin/nmhost.exe" --configure -q -j "$tmp/report.json" "$dll" \
    >"$tmp/report.txt" 2>"$tmp/report.err"
rc=$?
[ $rc = 0 ] || { fail "installed nmhost exited $rc"; head -20 "$tmp/report.txt" "$tmp/report.err"; }
python3 - "$tmp/report.json" <<'PY' || failures=$((failures + 1))
import json, sys
d = json.load(open(sys.argv[1]))
bad = []
def check(what, got, want):
    if got != want: bad.append("%s: got %r, expected %r" % (what, got, want))
check("exit_status", d["exit_status"], 0)
if not (d["capture"] or {}).get("path", "").lower().endswith("sample.cap"):
    bad.append("capture is %r, expected the sample beside nmhost.exe" % d["capture"])
e = d["experts"][0]
check("outcome", e["outcome"], "done")
check("configured", e["configured"], True)
check("status", (e["status"]["state"], e["status"]["percent"]), ("done", 100))
if not e["events"]: bad.append("no events")
for ev in e["events"]:
    check("event columns", [c["name"] for c in ev["columns"]], ["port", "frames", "share"])
m = e["memory"]
check("leaked", (m["leaked_blocks"], m["leaked_bytes"]), (0, 0))
check("bad_calls", m["bad_calls"], 0)
check("frees", m["frees"], m["allocs"])
for b in bad: print("FAIL:", b)
print("check-sdk: %d events, %d allocs, report %s" % (len(e["events"]), m["allocs"],
      "ok" if not bad else "with %d problems" % len(bad)))
sys.exit(1 if bad else 0)
PY
echo "check-sdk ($arch): $failures failed"
[ $failures = 0 ]
