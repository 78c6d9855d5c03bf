/*
 * fuzz_parsers.c - libFuzzer target for the parser engine, the built-in parsers and the
 * filter program, built natively (no Wine): shim/engine.c, shim/parsers/, shim/filter.c
 * are portable C (shim/nmparse_native.h stands in for netmon.h).
 *   bash tests/fuzz/fuzz-parsers.sh [SECONDS]
 * Input: byte 0 picks the link type (Ethernet, Linux cooked, BSD loopback, raw IP),
 * byte 1 the length L of a filter program, bytes 2..2+3L its objects (action, operand),
 * the rest is the frame. Every attached instance must lie inside the frame (or in the
 * engine's extended-data copy), its text must fit FormatStringSize, and the filter must
 * evaluate without fault.
 * A finding: copy build/fuzz-parsers/artifacts/<file> to tests/fuzz/parsers/<what>.bin;
 * the engine suite replays every file there under Wine on both arches.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "engine.h"
#include "filter.h"

static const uint32_t links[] = { 1, 113, 0, 101, 228, 229, 108, 147 };
static const char *const props[][2] = {
    { "IP", "Time to Live" }, { "IP", "Source Address" }, { "TCP", "Flags" },
    { "DNS", "Question Name" }, { "UDP", "Destination Port" }, { "IPV6", "Destination Address" },
    { "ETHERNET", "Source Address" }, { "VLAN", "Identifier" },
};
static const char *const protos[] = { "ETHERNET", "VLAN", "IP", "IPV6", "TCP", "UDP", "DNS", "ICMP" };
static const DWORD actions[] = {
    FILTERACTION_PROPERTY, FILTERACTION_VALUE, FILTERACTION_STRING, FILTERACTION_AND,
    FILTERACTION_OR, FILTERACTION_XOR, FILTERACTION_PROPERTYEXIST, FILTERACTION_CONTAINSNC,
    FILTERACTION_CONTAINS, FILTERACTION_NOT, FILTERACTION_EQUAL, FILTERACTION_NOTEQUALNC,
    FILTERACTION_GREATER, FILTERACTION_LESSEQUAL, FILTERACTION_AREBITSON, FILTERACTION_AREBITSOFF,
    FILTERACTION_PROTOCOLEXIST, FILTERACTION_ADDR_IP, FILTERACTION_ADDR_ETHER, FILTERACTION_ADDR_IP6,
    FILTERACTION_PROTOCOLSEXIST, 200,
};

/* The engine's reads of a caller's memory: plain here (nmapi.dll guards them, props.c). */
size_t nm_engine_in_strnlen(const char *s, size_t max) { return strnlen(s, max); }
int nm_engine_in_copy(void *dst, const void *src, size_t n) { memcpy(dst, src, n); return 0; }

static HPROPERTY prop(unsigned i)
{
    i %= sizeof(props) / sizeof(props[0]);
    return nm_engine_property_by_label(nm_engine_protocol_by_name(props[i][0]), props[i][1]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct nm_ptable *t;
    struct nm_filter *f;
    size_t nops, i;
    unsigned k;
    const uint8_t *frame;
    uint8_t *copy;
    DWORD len;
    HFRAME hf;

    if (size < 2) return 0;
    nm_engine_init();
    if (!t && !(t = nm_engine_table_acquire())) abort();
    nops = data[1] % 16;
    if (size < 2 + 3 * nops) return 0;
    frame = data + 2 + 3 * nops;
    len = (DWORD)(size - 2 - 3 * nops);
    copy = malloc(len ? len : 1);                  /* exact size: ASan sees any overrun */
    memcpy(copy, frame, len);
    hf = nm_engine_table_load(t, copy, len, links[data[0] % 8], 0);
    if (!(t = nm_engine_table_lock(hf))) abort();
    nm_engine_table_parse(t, 1);
    for (i = 0; i < t->ninsts; i++) {
        const PROPERTYINST *pi = &t->insts[i];
        const BYTE *d = pi->DataLength == 0xffff ? pi->lpPropertyInstEx->lpData : pi->lpByte;
        DWORD l = pi->DataLength == 0xffff ? pi->lpPropertyInstEx->Length : pi->DataLength;
        if (d < copy || d + l > copy + len) abort();     /* an instance outside the frame */
        if (pi->Level > 15 || !pi->lpPropertyInfo) abort();
    }
    /* every instance's text (issue 13 §3): its protocol's FormatProperties, else the
     * generic formatter, into exactly FormatStringSize bytes (ASan sees any overrun) */
    for (k = 0; k < t->ptable->nPropertyInstTables && k < t->nprot; k++) {
        const PROPERTYINSTTABLE *s = &t->ptable->PropertyInstTable[k];
        FORMATPROPERTIES fp = t->prot[k].proto->ep.FormatProperties;
        for (i = s->nPropertyInstIndex; i < (size_t)s->nPropertyInstIndex + s->nPropertyInsts; i++) {
            PROPERTYINST c = t->insts[i];
            size_t cap = c.lpPropertyInfo->FormatStringSize ? c.lpPropertyInfo->FormatStringSize : 80;
            char *text = malloc(cap);
            text[0] = 0;
            c.szPropertyText = text;
            if (fp) fp(hf, copy, copy + t->prot[k].offset, 1, &c);
            else FormatPropertyInstance(&c);
            if (c.szPropertyText != text || !memchr(text, 0, cap)) abort();   /* unterminated */
            free(text);
        }
    }
    f = nm_filter_new();
    for (i = 0; f && i < nops; i++) {
        const uint8_t *o = data + 2 + 3 * i;
        struct nm_fop op;
        static BYTE addr[16] = { 10, 0, 0, 1 };
        static struct nm_protocol *plist[2];
        memset(&op, 0, sizeof(op));
        op.action = actions[o[0] % (sizeof(actions) / sizeof(actions[0]))];
        op.hprop = prop(o[1]);
        op.value = o[2];
        op.proto = nm_engine_protocol_by_name(protos[o[1] % 8]);
        if (op.action == FILTERACTION_STRING || op.action == FILTERACTION_ADDR_IP ||
            op.action == FILTERACTION_ADDR_ETHER || op.action == FILTERACTION_ADDR_IP6) {
            op.nbytes = op.action == FILTERACTION_ADDR_ETHER ? 6 : op.action == FILTERACTION_ADDR_IP6 ? 16
                      : op.action == FILTERACTION_ADDR_IP ? 4 : o[2] % 8;
            op.bytes = malloc(16);
            memcpy(op.bytes, op.action == FILTERACTION_STRING ? (const BYTE *)"example!" : addr, 8);
            memset(op.bytes + 8, 0, 8);
        }
        if (op.action == FILTERACTION_PROTOCOLSEXIST) {
            plist[0] = op.proto;
            op.protos = malloc(sizeof(plist));
            memcpy(op.protos, plist, sizeof(plist));
            op.nprotos = 1;
        }
        if (nm_filter_add(f, &op)) {
            free(op.bytes);
            free(op.protos);
        }
    }
    if (f) {
        nm_filter_eval(f, t);
        nm_filter_free(f);
    }
    nm_engine_table_unlock(t);
    free(copy);
    return 0;
}
