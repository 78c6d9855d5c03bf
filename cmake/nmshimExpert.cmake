# nmshim_add_expert(NAME [SOURCES] source... [DECORATED])
#
# Builds a Network Monitor 2.x expert DLL, NAME.dll, from C or C++ sources written against
# MinGW-w64's <netmon.h>, linked to nmapi.dll through nmshim::nmapi. The one place that
# handles the stdcall decoration trap (docs/toolchain.md "Exports: undecorated stdcall
# names") for the repository's experts, its test experts and every installed user:
#  * Network Monitor looks up "Register", "Configure" and "Run" by plain name, and the SDK
#    experts' .def files export DllMain, Register, Configure and Run so. On i686 a WINAPI
#    function is the symbol _Register@4, and MinGW exports it as "Register@4": the host
#    would not find it. -Wl,--kill-at drops the @N from every export name, whether the
#    source marks the functions __declspec(dllexport) or lists them in a .def file among
#    the sources. A legacy .def names them plainly ("Register"), as MSVC's linker took
#    it: ld resolves that to _Register@4 too (stdcall fixup), quietly when a .def is
#    given. x86_64 has no stdcall decoration: nothing to do.
#  * The expert calls nmapi.dll through nmshim::nmapi, whose import library maps the
#    decorated references _ExpertAllocMemory@12 ... to the plain exports, as the SDK's
#    nmapi.lib did.
#  * netmon.h needs GNU C (C_EXTENSIONS ON); the DLL is NAME.dll (no "lib" prefix) and
#    imports only KERNEL32 and msvcrt (-static-libgcc, -static-libstdc++), so it loads
#    wherever nmapi.dll does, under Wine too.
# DECORATED keeps the i686 decorations (exports "Register@4"): only for testing a host's
# fallback lookup (tests/experts). Needs the target nmshim::nmapi: find_package(nmshim)
# defines it; in the nmshim tree it is an alias of the build's import library.
include_guard(GLOBAL)

function(nmshim_add_expert name)
  cmake_parse_arguments(PARSE_ARGV 1 A "DECORATED" "" "SOURCES")
  set(sources ${A_SOURCES} ${A_UNPARSED_ARGUMENTS})
  if(NOT sources)
    message(FATAL_ERROR "nmshim_add_expert(${name}): no sources given")
  endif()
  if(NOT CMAKE_SYSTEM_NAME STREQUAL "Windows")
    message(FATAL_ERROR "nmshim_add_expert(${name}): experts are Windows DLLs; configure "
                        "with a MinGW-w64 toolchain file (scripts/toolchain-<arch>.cmake)")
  endif()
  if(NOT TARGET nmshim::nmapi)
    message(FATAL_ERROR "nmshim_add_expert(${name}): no target nmshim::nmapi "
                        "(call find_package(nmshim) first)")
  endif()
  add_library(${name} SHARED ${sources})
  target_link_libraries(${name} PRIVATE nmshim::nmapi)
  set_target_properties(${name} PROPERTIES PREFIX "" C_EXTENSIONS ON)
  target_link_options(${name} PRIVATE -static-libgcc $<$<LINK_LANGUAGE:CXX>:-static-libstdc++>)
  if(CMAKE_SIZEOF_VOID_P EQUAL 4 AND NOT A_DECORATED)
    target_link_options(${name} PRIVATE -Wl,--kill-at)
    if(sources MATCHES "\\.[dD][eE][fF](;|$)")
      target_link_options(${name} PRIVATE -Wl,--enable-stdcall-fixup)
    endif()
  endif()
endfunction()
