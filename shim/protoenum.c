/*
 * protoenum.c - the engine's protocols as the undocumented nmapi.lib exports see them
 * (nmapi.@; prototypes inferred from their @N and names, shim/stubs_engine.c's earlier
 * stubs): EnumProtocols, GetMaxAmountOfProtocols, GetProtocolFromProperty,
 * GetProtocolFromProtocolID, GetProtocolDLLName. Read-only answers from the engine's
 * registries (engine.h) and the plug-in list (plugin.c); every handle is checked by the
 * engine (a bad one gets NULL), none is dereferenced here.
 */
#include "nmapi_compat.h"
#include "engine.h"
#include "handoff.h"

/* Inferred prototypes (nmapi.lib gives only @N). */
LPPROTOCOLTABLE WINAPI EnumProtocols(VOID);
DWORD WINAPI GetMaxAmountOfProtocols(VOID);
HPROTOCOL WINAPI GetProtocolFromProperty(HPROPERTY hProperty);
HPROTOCOL WINAPI GetProtocolFromProtocolID(DWORD ProtocolID);
LPSTR WINAPI GetProtocolDLLName(HPROTOCOL hProtocol);

/* EnumProtocols (nmapi.@): every protocol the engine holds, built-in and plug-in, in
 * creation order: the table GetEnabledProtocols gives (every protocol is enabled). */
LPPROTOCOLTABLE WINAPI EnumProtocols(VOID)
{
    LPPROTOCOLTABLE t;

    nm_engine_init();
    t = (LPPROTOCOLTABLE)nm_engine_protocol_table();
    TRACE("-> %p (%lu protocols)\n", (void *)t, t ? t->nProtocols : 0);
    return t;
}

/* GetMaxAmountOfProtocols (nmapi.@): the engine's capacity (NM_MAX_PROTOCOLS). */
DWORD WINAPI GetMaxAmountOfProtocols(VOID)
{
    return NM_MAX_PROTOCOLS;
}

/* GetProtocolFromProperty (nmapi.@): the protocol whose database holds hProperty. */
HPROTOCOL WINAPI GetProtocolFromProperty(HPROPERTY hProperty)
{
    struct nm_protocol *owner = NULL;

    nm_engine_init();
    if (!hProperty || !nm_engine_property(hProperty, &owner)) {
        WARN("%p is not a property handle\n", (void *)hProperty);
        return NULL;
    }
    TRACE("property %p -> %p\n", (void *)hProperty, (void *)owner);
    return (HPROTOCOL)owner;
}

/* GetProtocolFromProtocolID (nmapi.@): by PROTOCOLINFO.ProtocolID (the engine numbers
 * protocols 1, 2, ... in creation order; RECOGNIZEDATA carries the same numbers). */
HPROTOCOL WINAPI GetProtocolFromProtocolID(DWORD ProtocolID)
{
    unsigned i, n;

    nm_engine_init();
    n = nm_engine_protocol_count();
    for (i = 0; i < n; i++) {
        struct nm_protocol *p = nm_engine_protocol_at(i);
        if (p && p->info.ProtocolID == ProtocolID) return (HPROTOCOL)p;
    }
    WARN("no protocol has ID %lu\n", ProtocolID);
    return NULL;
}

/* GetProtocolDLLName (nmapi.@): the file name of the DLL whose code parses the protocol:
 * a plug-in parser's ("t_zap_parser.dll"), or "nmapi.dll" for the built-in parsers. The
 * string stays valid for the process. NULL for a bad handle. */
LPSTR WINAPI GetProtocolDLLName(HPROTOCOL hProtocol)
{
    static char builtin[] = "nmapi.dll";
    struct nm_protocol *p;
    const char *name;

    nm_engine_init();
    if (!(p = nm_engine_protocol(hProtocol))) {
        WARN("%p is not a protocol handle\n", (void *)hProtocol);
        return NULL;
    }
    name = p->plugin ? nm_plugin_dll_name(p->plugin) : builtin;
    TRACE("protocol %p -> %s\n", (void *)hProtocol, name ? name : "(null)");
    return (LPSTR)name;
}
