/*
 * nmapi_compat.h - what the compatibility exports share (framefuncs.c, snmp.c, misc.c,
 * stubs.c, stubs_engine.c): the stub trace and prototypes of the nmapi.lib exports that
 * no header declares.
 *
 * How the undeclared prototypes were inferred (docs/sdk-samples.md Appendix A gives each
 * export's i686 argument size; every prototype below pops exactly that many bytes):
 *  - HelperFormatUnicodeString, DecodeSNMPObjectIdentifier: the SDK sample PropDist
 *    declares them itself ("Magic prototype (in the kernel)", docs/sdk-samples.md §0.3, §6.14).
 *  - EncodeSNMPObjectIdentifier (@12): Decode's mirror: the data buffer first, its length
 *    in/out by pointer, the identifier last.
 *  - IsValidSNMPObjectIdentifier (@4): the one OBJECT_IDENTIFIER it checks.
 *  - ObjectIdentifierContains (@20): two encoded identifiers (pointer, WORD length each,
 *    one stack slot apiece on i686) and a DWORD of match flags (begins / ends / anywhere).
 *  - BHGetLastError (@0) / BHSetLastError (@4): as NMSUPP's BhGetLastError/BhSetLastError,
 *    which MinGW's netmon.h declares (the same names with a capital H).
 *  - CompareRawAddresses (@12): two raw address byte strings and their length; an int
 *    like CompareAddresses.
 *  - LockFrame / UnlockFrame / ReleaseFrame (@4): one HFRAME; LockFrame returns the frame
 *    data like ParserTemporaryLockFrame, the other two an NMERR code.
 *  - the stubs: one pointer-sized argument per 4 bytes of @N, typed after the name
 *    (handles, pointers, DWORD values); they read none of them.
 */
#ifndef NM_COMPAT_H
#define NM_COMPAT_H

#include "nmapi_private.h"

/* A stub says so once per function (NMAPI_TRACE=1 or warn), then stays quiet. */
#define NM_STUB() do { static LONG said; \
    if (!InterlockedExchange(&said, 1)) FIXME("stub: not implemented by nmshim\n"); } while (0)

/* misc.c: per-thread NetMon error (BHGetLastError). */
DWORD WINAPI BHGetLastError(void);
DWORD WINAPI BHSetLastError(DWORD Error);

/* Undeclared implemented exports. */
DWORD WINAPI HelperFormatUnicodeString(LPSTR szOut, LPCWSTR szIn, WORD Len);
DWORD WINAPI DecodeSNMPObjectIdentifier(LPBYTE lpData, DWORD DataLen, LPOBJECT_IDENTIFIER lpOID);
DWORD WINAPI EncodeSNMPObjectIdentifier(LPBYTE lpData, LPDWORD lpDataLen, LPOBJECT_IDENTIFIER lpOID);
BOOL  WINAPI IsValidSNMPObjectIdentifier(LPOBJECT_IDENTIFIER lpOID);
BOOL  WINAPI ObjectIdentifierContains(LPBYTE SubOID, WORD SubOIDLen, LPBYTE OID, WORD OIDLen,
                                      DWORD ContainFlags);
int   WINAPI CompareRawAddresses(LPBYTE lpAddress1, LPBYTE lpAddress2, DWORD Length);
ULPBYTE WINAPI LockFrame(HFRAME hFrame);
DWORD WINAPI UnlockFrame(HFRAME hFrame);
DWORD WINAPI ReleaseFrame(HFRAME hFrame);

/* ObjectIdentifierContains flags (inferred, see above). */
#define NM_OID_BEGINS_WITH 1u
#define NM_OID_ENDS_WITH   2u

#endif /* NM_COMPAT_H */
