# nmshim_import_symbol(LINE NAME_VAR BYTES_VAR SYM_VAR): one export line of a .def
# inventory ("Name@N" stdcall, "Name" cdecl; comments already cut) as the import symbol a
# caller links against on this arch: __imp__Name@N / __imp__Name on i686, __imp_Name on
# x86_64, with the argument bytes (-1: cdecl). The test DLLs that import every name of an
# inventory (tests/compat, tests/companions) generate their import tables with it.
function(nmshim_import_symbol line name_var bytes_var sym_var)
  string(STRIP "${line}" line)
  if(line MATCHES "^([A-Za-z_0-9]+)@([0-9]+)$")
    set(name ${CMAKE_MATCH_1})
    set(bytes ${CMAKE_MATCH_2})
    set(sym32 "__imp__${name}@${bytes}")
  else()
    set(name ${line})
    set(bytes -1)
    set(sym32 "__imp__${name}")
  endif()
  if(NMSHIM_ARCH STREQUAL "x86_64")
    set(${sym_var} "__imp_${name}" PARENT_SCOPE)
  else()
    set(${sym_var} ${sym32} PARENT_SCOPE)
  endif()
  set(${name_var} ${name} PARENT_SCOPE)
  set(${bytes_var} ${bytes} PARENT_SCOPE)
endfunction()
