/*
 * stubs_engine.c - documented stubs of the protocol, property, filter and handoff
 * exports (nmapi.@): everything the parser engine will serve (docs/design.md §5). (Real
 * elsewhere: the Parser.lib helpers, companions/parserlib and shim/parserlib.c; the
 * protocol enumeration, shim/protoenum.c; a frame's parse, shim/frametable.c.) What is
 * left has no documented result our engine could give: per-capture protocol state
 * (Enable/DisableProtocol, QueryProtocolState: every protocol is enabled for every
 * capture), the filter searches' and frame texts' results, the UI's current filter.
 * Nothing else lives here: each function is deleted from this file when the engine
 * implements it (def/nmapi.def marks these lines "(engine)").
 *
 * Each stub traces one FIXME per function and returns the failure value its doc page
 * names (docs/nmapi-functions.md §1), or, undocumented, NULL / FALSE / NMERR_NOT_SUPPORTED. No
 * stub reads or writes any argument. Prototypes: MinGW's netmon.h where it declares the
 * function (the compiler checks ours against it), else inferred (nmapi_compat.h).
 */
/* netmon.h declares FilterFindPropertyInstance without WINAPI, but nmapi.lib has it
 * stdcall with 36 bytes (docs/sdk-samples.md §6.18): keep the header's declaration aside. */
#define FilterFindPropertyInstance nm_netmon_h_FilterFindPropertyInstance
#include "nmapi_compat.h"
#undef FilterFindPropertyInstance

#pragma GCC diagnostic ignored "-Wunused-parameter"

/* Undeclared in netmon.h (or declared with another convention): inferred prototypes. */
DWORD WINAPI DisableProtocol(HCAPTURE hCapture, HPROTOCOL hProtocol);
DWORD WINAPI EnableProtocol(HCAPTURE hCapture, HPROTOCOL hProtocol);
HFRAME WINAPI FilterFindPropertyInstance(HFRAME hFrame, HFILTER hMasterFilter, HCAPTURE hCapture, HFILTER hInstanceFilter, LPPROPERTYINST *lpPropRestartKey, STATUSPROC StatusProc, LPVOID UIInstance, DWORD TimeDelta, WINBOOL FilterForward);
LPVOID WINAPI LockFrameText(HFRAME hFrame);
DWORD WINAPI QueryProtocolState(HCAPTURE hCapture, HPROTOCOL hProtocol);
VOID __cdecl SetMaxAmountOfProtocols(DWORD nMaxProtocols);
DWORD WINAPI UnlockFrameText(HFRAME hFrame);

/* DisableParserFilter (nmapi.@) */
DWORD WINAPI DisableParserFilter(HFILTER hFilter,HPARSER hParser)
{
    NM_STUB();
    return NMERR_NOT_SUPPORTED;
}

/* DisableProtocol (nmapi.@): prototype inferred from its @N and name */
DWORD WINAPI DisableProtocol(HCAPTURE hCapture, HPROTOCOL hProtocol)
{
    NM_STUB();
    return NMERR_NOT_SUPPORTED;
}

/* EnableParserFilter (nmapi.@) */
DWORD WINAPI EnableParserFilter(HFILTER hFilter,HPARSER hParser)
{
    NM_STUB();
    return NMERR_NOT_SUPPORTED;
}

/* EnableProtocol (nmapi.@): prototype inferred from its @N and name */
DWORD WINAPI EnableProtocol(HCAPTURE hCapture, HPROTOCOL hProtocol)
{
    NM_STUB();
    return NMERR_NOT_SUPPORTED;
}


/* FilterFindFrame (nmapi.@) */
DWORD WINAPI FilterFindFrame(HFILTER hFilter,HCAPTURE hCapture,DWORD nFrame,STATUSPROC StatusProc,LPVOID UIInstance,DWORD TimeDelta,WINBOOL FilterDirection)
{
    NM_STUB();
    return NMERR_NOT_SUPPORTED;
}

/* FilterFindPropertyInstance (nmapi.@): prototype inferred from its @N and name */
HFRAME WINAPI FilterFindPropertyInstance(HFRAME hFrame, HFILTER hMasterFilter, HCAPTURE hCapture, HFILTER hInstanceFilter, LPPROPERTYINST *lpPropRestartKey, STATUSPROC StatusProc, LPVOID UIInstance, DWORD TimeDelta, WINBOOL FilterForward)
{
    NM_STUB();
    return NULL;
}

/* FilterFlushBits (nmapi.@) */
VOID WINAPI FilterFlushBits(HFILTER hFilter)
{
    NM_STUB();
}


/* GetCurrentFilter (nmapi.@) */
HFILTER WINAPI GetCurrentFilter(VOID)
{
    NM_STUB();
    return NULL;
}





/* IsRawIPXEnabled (nmapi.@) */
BOOLEAN WINAPI IsRawIPXEnabled(LPSTR secName,LPSTR iniFile,LPSTR CurProtocol)
{
    NM_STUB();
    return FALSE;
}


/* LockFrameText (nmapi.@): prototype inferred from its @N and name */
LPVOID WINAPI LockFrameText(HFRAME hFrame)
{
    NM_STUB();
    return NULL;
}

/* QueryProtocolState (nmapi.@): prototype inferred from its @N and name */
DWORD WINAPI QueryProtocolState(HCAPTURE hCapture, HPROTOCOL hProtocol)
{
    NM_STUB();
    return 0;
}

/* ResetPropertyInstanceLength (nmapi.@) */
DWORD WINAPI ResetPropertyInstanceLength(LPPROPERTYINST lpProp,WORD nOrgLen,WORD nNewLen)
{
    NM_STUB();
    return NMERR_NOT_SUPPORTED;
}

/* SetCurrentFilter (nmapi.@) */
VOID WINAPI SetCurrentFilter(HFILTER hFilter)
{
    NM_STUB();
}

/* SetMaxAmountOfProtocols (nmapi.@): cdecl (no @N in nmapi.lib); prototype inferred from its name */
VOID __cdecl SetMaxAmountOfProtocols(DWORD nMaxProtocols)
{
    NM_STUB();
}


/* UnlockFrameText (nmapi.@): prototype inferred from its @N and name */
DWORD WINAPI UnlockFrameText(HFRAME hFrame)
{
    NM_STUB();
    return NMERR_NOT_SUPPORTED;
}
