/*
 * null.c - LOOPBACK: the BSD loopback header of pcap link types NULL (0, the capturing
 * host's byte order) and LOOP (108, network order): a 4-byte address family, 2 for IPv4,
 * 10, 24, 28 or 30 for IPv6 depending on the system.
 */
#include "builtin.h"

enum { P_SUMMARY, P_FAMILY };
static PROPERTYINFO props[] = {
    NM_PROP("Summary", "Loopback header", PROP_TYPE_SUMMARY, PROP_QUAL_NONE, NULL),
    NM_PROP("Address Family", "Address family of the payload", PROP_TYPE_DWORD, PROP_QUAL_NONE, NULL),
};

static VOID WINAPI null_register(HPROTOCOL h) { nm_register_props(h, props, NM_COUNT(props)); }
static VOID WINAPI null_deregister(HPROTOCOL h) { DestroyPropertyDatabase(h); }

/* The family, whichever byte order it was written in (families are small numbers). */
static DWORD family(const BYTE *p)
{
    DWORD be = rd32(p), le = p[0] | (p[1] << 8) | ((DWORD)p[2] << 16) | ((DWORD)p[3] << 24);
    return be <= 0xffff ? be : le;
}

static LPBYTE WINAPI null_recognize(HFRAME f, ULPBYTE frame, ULPBYTE p, DWORD mac, DWORD left,
                                    HPROTOCOL prev, DWORD prevoff, LPDWORD status,
                                    LPHPROTOCOL next, PDWORD_PTR inst)
{
    DWORD fam;

    if (left < 4) { *status = PROTOCOL_STATUS_NOT_RECOGNIZED; return p; }
    fam = family(p);
    *next = fam == 2 ? nm_engine_builtin("IP")
          : fam == 10 || fam == 24 || fam == 28 || fam == 30 ? nm_engine_builtin("IPV6") : NULL;
    if (!*next) { *status = PROTOCOL_STATUS_CLAIMED; return NULL; }
    *inst = NM_INST(0, left - 4);
    *status = PROTOCOL_STATUS_NEXT_PROTOCOL;
    return p + 4;
}

static LPBYTE WINAPI null_attach(HFRAME f, ULPBYTE frame, ULPBYTE p, DWORD mac, DWORD left,
                                 HPROTOCOL prev, DWORD prevoff, DWORD_PTR inst)
{
    struct nm_att a = { f, p, left, NM_INST_LEVEL(inst) };

    if (left < 4) return NULL;
    att(&a, &props[P_SUMMARY], 0, 4, 0);
    att_dword(&a, &props[P_FAMILY], 0, 4, family(p), 1);
    return NULL;
}

static ENTRYPOINTS entry = { null_register, null_deregister, null_recognize, null_attach, NULL };

void nm_parser_null_create(void) { CreateProtocol((LPSTR)"LOOPBACK", &entry, sizeof(entry)); }
