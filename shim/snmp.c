/*
 * snmp.c - BER object identifiers (nmapi.@, undocumented; prototypes inferred, see
 * nmapi_compat.h): DecodeSNMPObjectIdentifier, EncodeSNMPObjectIdentifier,
 * IsValidSNMPObjectIdentifier, ObjectIdentifierContains. Pure functions over X.690
 * §8.19 encodings (the content octets of an OBJECT IDENTIFIER, without tag and length):
 * the first subidentifier is 40 * arc1 + arc2, each subidentifier base 128, high bit =
 * more to come. Strict: no 0x80 padding, no truncated subidentifier, arcs fit a DWORD.
 *
 * PropDist (docs/sdk-samples.md §2.1 "OIDToString") hands Decode an lpIdentifier array of
 * (data length + 1) DWORDs, which always suffices (one arc per byte at most, plus one
 * for the first byte's two); Decode writes at most that many and sets Length to the arc
 * count.
 */
#include <string.h>
#include "nmapi_compat.h"
#include "expert.h"

#define MAX_OID_BYTES 1024u     /* SNMP varbind names are far shorter; bounds our copies */

/* Decodes content octets into arcs (capacity len + 1); returns the count, 0 if invalid. */
static DWORD decode(const BYTE *p, DWORD len, DWORD *arcs)
{
    DWORD n = 0, i, v = 0;
    BOOL start = TRUE;

    for (i = 0; i < len; i++) {
        if (start && p[i] == 0x80) return 0;           /* non-minimal */
        if (v > 0x01ffffffu) return 0;                 /* would overflow 32 bits */
        v = v << 7 | (p[i] & 0x7f);
        start = !(p[i] & 0x80);
        if (!start) continue;
        if (!n) {
            arcs[n++] = v < 40 ? 0 : v < 80 ? 1 : 2;
            arcs[n++] = v - arcs[0] * 40;
        } else arcs[n++] = v;
        v = 0;
    }
    return start ? n : 0;                              /* 0: empty or truncated */
}

/* Encodes arcs; returns the byte count (written only while it fits cap), 0 if invalid. */
static DWORD encode(const DWORD *arcs, DWORD n, BYTE *out, DWORD cap)
{
    DWORD i, len = 0, v;
    BYTE tmp[5];
    int k;

    if (n < 2 || arcs[0] > 2 || (arcs[0] < 2 && arcs[1] > 39) || arcs[1] > 0xffffffffu - 80) return 0;
    for (i = 1; i < n; i++) {
        v = i == 1 ? arcs[0] * 40 + arcs[1] : arcs[i];
        k = 0;
        do tmp[k++] = v & 0x7f; while (v >>= 7);
        while (k--) {
            if (len < cap) out[len] = tmp[k] | (k ? 0x80 : 0);
            len++;
        }
    }
    return len;
}

/* Copies a caller's OBJECT_IDENTIFIER and its arcs; NULL (and *n 0) when unreadable. */
static DWORD *read_oid(LPOBJECT_IDENTIFIER lpOID, DWORD *n)
{
    OBJECT_IDENTIFIER oid;
    DWORD *arcs;

    *n = 0;
    if (!lpOID || nm_safe_copy(&oid, lpOID, sizeof(oid)) || !oid.Length || oid.Length > MAX_OID_BYTES)
        return NULL;
    if (!(arcs = HeapAlloc(GetProcessHeap(), 0, oid.Length * sizeof(DWORD)))) return NULL;
    if (nm_safe_copy(arcs, oid.lpIdentifier, oid.Length * sizeof(DWORD))) {
        HeapFree(GetProcessHeap(), 0, arcs);
        return NULL;
    }
    *n = oid.Length;
    return arcs;
}

/* DecodeSNMPObjectIdentifier (nmapi.@) */
DWORD WINAPI DecodeSNMPObjectIdentifier(LPBYTE lpData, DWORD DataLen, LPOBJECT_IDENTIFIER lpOID)
{
    BYTE data[MAX_OID_BYTES];
    DWORD arcs[MAX_OID_BYTES + 1], n = 0, err = NMERR_SUCCESS;
    OBJECT_IDENTIFIER oid;

    if (!lpData || !DataLen || DataLen > MAX_OID_BYTES || !lpOID ||
        nm_safe_copy(data, lpData, DataLen) || nm_safe_copy(&oid, lpOID, sizeof(oid)))
        err = NMERR_INVALID_PARAMETER;
    else if (!(n = decode(data, DataLen, arcs))) err = NMERR_INVALID_PARAMETER;
    else if (nm_safe_copy(oid.lpIdentifier, arcs, n * sizeof(DWORD)) ||
             nm_safe_copy(&lpOID->Length, &n, sizeof(n))) err = NMERR_INVALID_PARAMETER;
    TRACE("data %p, length %lu, oid %p -> %lu arcs, error %lu\n", lpData, DataLen, lpOID, n, err);
    return err;
}

/* EncodeSNMPObjectIdentifier (nmapi.@): *lpDataLen is the buffer's size on entry and the
 * encoding's length on return; too small: NMERR_BUFFER_TOO_SMALL, nothing written to lpData. */
DWORD WINAPI EncodeSNMPObjectIdentifier(LPBYTE lpData, LPDWORD lpDataLen, LPOBJECT_IDENTIFIER lpOID)
{
    BYTE out[MAX_OID_BYTES * 5];
    DWORD n, cap, len = 0, err = NMERR_SUCCESS;
    DWORD *arcs = read_oid(lpOID, &n);

    if (!arcs || !lpDataLen || nm_safe_copy(&cap, lpDataLen, sizeof(cap))) err = NMERR_INVALID_PARAMETER;
    else if (!(len = encode(arcs, n, out, sizeof(out)))) err = NMERR_INVALID_PARAMETER;
    else if (len > cap) err = NMERR_BUFFER_TOO_SMALL;
    else if (!lpData || nm_safe_copy(lpData, out, len)) err = NMERR_INVALID_PARAMETER;
    if ((!err || err == NMERR_BUFFER_TOO_SMALL) && nm_safe_copy(lpDataLen, &len, sizeof(len)))
        err = NMERR_INVALID_PARAMETER;
    HeapFree(GetProcessHeap(), 0, arcs);
    TRACE("data %p, length %p, oid %p -> %lu bytes, error %lu\n", lpData, lpDataLen, lpOID, len, err);
    return err;
}

/* IsValidSNMPObjectIdentifier (nmapi.@): at least two arcs, the first 0-2, the second
 * 0-39 under 0 and 1 (X.660), and the whole encodable. */
BOOL WINAPI IsValidSNMPObjectIdentifier(LPOBJECT_IDENTIFIER lpOID)
{
    BYTE out[MAX_OID_BYTES * 5];
    DWORD n, *arcs = read_oid(lpOID, &n);
    BOOL ok = arcs && encode(arcs, n, out, sizeof(out)) != 0;

    HeapFree(GetProcessHeap(), 0, arcs);
    TRACE("oid %p -> %d\n", lpOID, ok);
    return ok;
}

/* Is there a subidentifier boundary before byte i of an encoding? */
static BOOL boundary(const BYTE *p, DWORD i)
{
    return !i || !(p[i - 1] & 0x80);
}

/* ObjectIdentifierContains (nmapi.@): does the encoded OID begin with (flags bit 0), end
 * with (bit 1), or, both bits, contain anywhere the encoded SubOID, on whole
 * subidentifiers? Both are content octets as Decode takes them; 0 flags: equality. */
BOOL WINAPI ObjectIdentifierContains(LPBYTE SubOID, WORD SubOIDLen, LPBYTE OID, WORD OIDLen,
                                     DWORD ContainFlags)
{
    BYTE *sub = NULL, *oid;
    BOOL res = FALSE;
    DWORD i;

    if (!SubOIDLen || !OIDLen || SubOIDLen > OIDLen || !SubOID || !OID ||
        !(sub = HeapAlloc(GetProcessHeap(), 0, (size_t)SubOIDLen + OIDLen))) goto done;
    oid = sub + SubOIDLen;
    if (!nm_safe_copy(sub, SubOID, SubOIDLen) && !nm_safe_copy(oid, OID, OIDLen) &&
        !(sub[SubOIDLen - 1] & 0x80) && !(oid[OIDLen - 1] & 0x80)) {
        switch (ContainFlags & (NM_OID_BEGINS_WITH | NM_OID_ENDS_WITH)) {
        case 0: res = SubOIDLen == OIDLen && !memcmp(sub, oid, OIDLen); break;
        case NM_OID_BEGINS_WITH: res = !memcmp(sub, oid, SubOIDLen); break;
        case NM_OID_ENDS_WITH:
            res = boundary(oid, OIDLen - SubOIDLen) && !memcmp(sub, oid + OIDLen - SubOIDLen, SubOIDLen);
            break;
        default:
            for (i = 0; i + SubOIDLen <= OIDLen && !res; i++)
                res = boundary(oid, i) && !memcmp(sub, oid + i, SubOIDLen);
        }
    }
done:
    HeapFree(GetProcessHeap(), 0, sub);
    TRACE("sub %p (%u), oid %p (%u), flags %#lx -> %d\n", SubOID, SubOIDLen, OID, OIDLen,
          ContainFlags, res);
    return res;
}
