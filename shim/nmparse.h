/*
 * nmparse.h - the NetMon parser contract types (netmon.h: PROPERTYINFO, PROPERTYINST,
 * ENTRYPOINTS, ...) for the parser engine and the built-in parsers.
 *
 * Under MinGW this is netmon.h itself. The engine and the parsers use nothing else from
 * Win32, so they also build natively (tests/fuzz, docs/design.md §5): there the few types they
 * need come from nmparse_native.h, laid out as netmon.h lays them out.
 */
#ifndef NM_PARSE_H
#define NM_PARSE_H

#ifdef _WIN32
#include <windows.h>
#include <netmon.h>
#else
#include "nmparse_native.h"
#endif

#endif /* NM_PARSE_H */
