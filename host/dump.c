/*
 * dump.c - nmhost's parser-engine options (dump.h, README "Protocols and properties",
 * "Display filters", "Startup data"). Everything goes through nmapi's public API, as an
 * expert's would: GetEnabledProtocols, GetProtocolInfo, GetPropertyInfo, CreateFilter,
 * FilterAddObject, FindPropertyInstance; plus NmShimParseFrame / NmShimSetDisplayFilter.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "dump.h"

void nm_engine_opts_init(struct nm_engine_opts *e)
{
    memset(e, 0, sizeof(*e));
    e->startup_bit = -1;
}

/* "--name VALUE" or "--name=VALUE": 1 with *v, 0 not this option, -1 value missing. */
static int opt(int argc, char **argv, int *i, const char *name, const char **v)
{
    size_t n = strlen(name);
    const char *a = argv[*i];

    if (strncmp(a, name, n)) return 0;
    if (a[n] == '=') { *v = a + n + 1; return 1; }
    if (a[n]) return 0;
    if (*i + 1 >= argc) return -1;
    *v = argv[++*i];
    return 1;
}

static int number(const char *s, DWORD *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 0);

    if (!*s || *end || v > 0xfffffffful) return -1;
    *out = (DWORD)v;
    return 0;
}

static int usage_err(const char *msg, const char *what)
{
    fprintf(stderr, "nmhost: %s%s%s\nTry 'nmhost --help'.\n", msg, what ? ": " : "", what ? what : "");
    return -1;
}

int nm_engine_opts_parse(struct nm_engine_opts *e, int argc, char **argv, int *i)
{
    const char *v = NULL;
    DWORD n;
    int m;

    if (!strcmp(argv[*i], "--protocols")) { e->protocols = TRUE; return 1; }
    if ((m = opt(argc, argv, i, "--dump", &v))) {
        if (m < 0 || number(v, &e->dump_frame)) return usage_err("--dump wants a frame number", v);
        e->dump = TRUE;
        return 1;
    }
    if ((m = opt(argc, argv, i, "--filter", &v))) {
        if (m < 0 || !*v) return usage_err("--filter wants an expression", NULL);
        e->filter = v;
        return 1;
    }
    if ((m = opt(argc, argv, i, "--startup-frame", &v))) {
        if (m < 0 || number(v, &e->startup_frame)) return usage_err("--startup-frame wants a frame number", v);
        e->startup = TRUE;
        return 1;
    }
    if ((m = opt(argc, argv, i, "--startup-property", &v))) {
        if (m < 0 || !strchr(v, ':')) return usage_err("--startup-property wants PROTOCOL:LABEL", v);
        e->startup_property = v;
        return 1;
    }
    if ((m = opt(argc, argv, i, "--startup-bit", &v))) {
        if (m < 0 || number(v, &n) || n > 255) return usage_err("--startup-bit wants a bit number 0-255", v);
        e->startup_bit = (int)n;
        return 1;
    }
    return 0;
}

BOOL nm_engine_opts_standalone(const struct nm_engine_opts *e)
{
    return e->protocols || e->dump;
}

/* ---- values, as NetMon's detail pane would show them ------------------------------- */
static const char *type_name(BYTE t)
{
    static const char *names[] = { "VOID", "SUMMARY", "BYTE", "WORD", "DWORD", "LARGEINT",
        "ADDR", "TIME", "STRING", "IP_ADDRESS", "IPX_ADDRESS", "BYTESWAPPED_WORD",
        "BYTESWAPPED_DWORD", "TYPED_STRING", "RAW_DATA", "COMMENT", "SRCFRIENDLYNAME",
        "DSTFRIENDLYNAME", "TOKENRING_ADDRESS", "FDDI_ADDRESS", "ETHERNET_ADDRESS",
        "OBJECT_IDENTIFIER", "VINES_IP_ADDRESS", "VAR_LEN_SMALL_INT", "ATM_ADDRESS",
        "1394_ADDRESS", "IP6_ADDRESS" };
    return t < sizeof(names) / sizeof(names[0]) ? names[t] : "?";
}

static const char *qual_name(BYTE q)
{
    switch (q) {
    case PROP_QUAL_NONE: return "NONE";
    case PROP_QUAL_RANGE: return "RANGE";
    case PROP_QUAL_SET: return "SET";
    case PROP_QUAL_BITFIELD: return "BITFIELD";
    case PROP_QUAL_LABELED_SET: return "LABELED_SET";
    case PROP_QUAL_LABELED_BITFIELD: return "LABELED_BITFIELD";
    case PROP_QUAL_CONST: return "CONST";
    case PROP_QUAL_FLAGS: return "FLAGS";
    case PROP_QUAL_ARRAY: return "ARRAY";
    default: return "?";
    }
}

static void inst_data(LPPROPERTYINST pi, const BYTE **d, DWORD *len)
{
    if (pi->DataLength == 0xffff) {
        *d = pi->lpPropertyInstEx->Byte;
        *len = pi->lpPropertyInstEx->LengthEx;
    } else {
        *d = pi->lpByte;
        *len = pi->DataLength;
    }
}

/* The number of a numeric instance (1), decoded by DataType as a legacy expert does. */
static int inst_number(LPPROPERTYINST pi, DWORD *v)
{
    BYTE t = pi->lpPropertyInfo->DataType;
    int sw = (t == PROP_TYPE_BYTESWAPPED_WORD || t == PROP_TYPE_BYTESWAPPED_DWORD) ^
             !!(pi->IFlags & IFLAG_SWAPPED);
    const BYTE *d;
    DWORD len;

    inst_data(pi, &d, &len);
    if (t == PROP_TYPE_BYTE && len >= 1) { *v = d[0]; return 1; }
    if ((t == PROP_TYPE_WORD || t == PROP_TYPE_BYTESWAPPED_WORD) && len >= 2) {
        *v = sw ? (DWORD)(d[0] << 8 | d[1]) : (DWORD)(d[0] | d[1] << 8);
        return 1;
    }
    if ((t == PROP_TYPE_DWORD || t == PROP_TYPE_BYTESWAPPED_DWORD) && len >= 4) {
        *v = sw ? ((DWORD)d[0] << 24 | (DWORD)d[1] << 16 | (DWORD)d[2] << 8 | d[3])
                : (d[0] | (DWORD)d[1] << 8 | (DWORD)d[2] << 16 | (DWORD)d[3] << 24);
        return 1;
    }
    return 0;
}

static const char *set_label(LPPROPERTYINFO info, DWORD v)
{
    DWORD i;

    if (info->DataQualifier != PROP_QUAL_LABELED_SET || !info->lpSet) return NULL;
    for (i = 0; i < info->lpSet->nEntries; i++) {
        if (info->DataType == PROP_TYPE_BYTE) {
            if (info->lpSet->lpLabeledByteTable[i].Value == v) return info->lpSet->lpLabeledByteTable[i].Label;
        } else if (info->DataType == PROP_TYPE_WORD || info->DataType == PROP_TYPE_BYTESWAPPED_WORD) {
            if (info->lpSet->lpLabeledWordTable[i].Value == v) return info->lpSet->lpLabeledWordTable[i].Label;
        } else if (info->lpSet->lpLabeledDwordTable[i].Value == v) {
            return info->lpSet->lpLabeledDwordTable[i].Label;
        }
    }
    return NULL;
}

static void print_value(FILE *f, LPPROPERTYINST pi)
{
    LPPROPERTYINFO info = pi->lpPropertyInfo;
    const BYTE *d;
    DWORD len, v, i;

    inst_data(pi, &d, &len);
    if (inst_number(pi, &v)) {
        const char *l = set_label(info, v);
        fprintf(f, "%lu (0x%lX)", (unsigned long)v, (unsigned long)v);
        if (l) fprintf(f, " %s", l);
        if (info->DataQualifier == PROP_QUAL_FLAGS && info->lpSet)
            for (i = 0; i < info->lpSet->nEntries; i++) {
                LPLABELED_BIT b = &info->lpSet->lpLabeledBit[i];
                const char *t = (v >> b->BitNumber) & 1 ? b->LabelOn : b->LabelOff;
                if (t) fprintf(f, "%s%s", i ? ", " : ": ", t);
            }
        return;
    }
    switch (info->DataType) {
    case PROP_TYPE_ETHERNET_ADDRESS:
        if (len == 6) { fprintf(f, "%02X%02X%02X%02X%02X%02X", d[0], d[1], d[2], d[3], d[4], d[5]); return; }
        break;
    case PROP_TYPE_IP_ADDRESS:
        if (len == 4) { fprintf(f, "%u.%u.%u.%u", d[0], d[1], d[2], d[3]); return; }
        break;
    case PROP_TYPE_IP6_ADDRESS:
        if (len == 16) {
            for (i = 0; i < 16; i += 2) fprintf(f, "%s%x", i ? ":" : "", d[i] << 8 | d[i + 1]);
            return;
        }
        break;
    case PROP_TYPE_STRING:
        fprintf(f, "%.*s", (int)len, (const char *)d);
        return;
    case PROP_TYPE_SUMMARY:
        fprintf(f, "(%lu bytes)", (unsigned long)len);
        return;
    }
    fprintf(f, "%lu bytes:", (unsigned long)len);
    for (i = 0; i < len && i < 32; i++) fprintf(f, " %02X", d[i]);
    if (len > 32) fputs(" ...", f);
}

static const char *proto_of(WORD id)
{
    LPPROTOCOLTABLE t = GetEnabledProtocols(NULL);
    DWORD i;

    for (i = 0; t && i < t->nProtocols; i++) {
        LPPROTOCOLINFO pi = GetProtocolInfo(t->hProtocol[i]);
        if (pi && pi->ProtocolID == id) return (const char *)pi->ProtocolName;
    }
    return "?";
}

static int dump_protocols(FILE *f)
{
    LPPROTOCOLTABLE t = GetEnabledProtocols(NULL);
    DWORD i, j;

    if (!t) return 1;
    for (i = 0; i < t->nProtocols; i++) {
        LPPROTOCOLINFO pi = GetProtocolInfo(t->hProtocol[i]);
        if (!pi) continue;
        fprintf(f, "%s\n", (const char *)pi->ProtocolName);
        for (j = 0; pi->PropertyDatabase && j < pi->PropertyDatabase->nProperties; j++) {
            LPPROPERTYINFO p = GetPropertyInfo(pi->PropertyDatabase->PropertyInfo[j]->hProperty);
            if (p) fprintf(f, "    %-32s %-18s %s\n", p->Label, type_name(p->DataType), qual_name(p->DataQualifier));
        }
    }
    return 0;
}

static int dump_frame(FILE *f, HNMCAPTURE cap, DWORD n)
{
    EXPERTFRAMEDESCRIPTOR d;
    DWORD err = NmShimParseFrame(cap, n, &d), i, j;
    LPPROPERTYTABLE t;
    LPRECOGNIZEDATATABLE r;

    if (err) {
        fprintf(stderr, "nmhost: --dump %lu: %s (error %lu)\n", (unsigned long)n,
                err == NMERR_FRAME_NOT_FOUND ? "no such frame" : "cannot read it", (unsigned long)err);
        return 2;
    }
    t = d.lpPropertyTable;
    r = d.lpRecognizeDataTable;
    fprintf(f, "Frame %lu: %lu bytes captured, %lu on the wire\n", (unsigned long)n,
            (unsigned long)d.pFrame->nBytesAvail, (unsigned long)d.pFrame->FrameLength);
    for (i = 0; t && r && i < t->nPropertyInstTables && i < r->nRecognizeDatas; i++) {
        const char *pn = proto_of(r->RecognizeData[i].ProtocolID);
        for (j = 0; j < t->PropertyInstTable[i].nPropertyInsts; j++) {
            LPPROPERTYINST pi = &t->lpFirstPropertyInst[t->PropertyInstTable[i].nPropertyInstIndex + j];
            char text[512];
            /* the property's text, as the detail pane shows it (GetPropertyText runs the
             * protocol's FormatProperties, or the generic formatter) */
            if (GetPropertyText(d.hFrame, pi, text, sizeof(text))) {
                fprintf(f, "%*s%s: %s\n", 2 * pi->Level, "", pn, text);
                continue;
            }
            fprintf(f, "%*s%s: %s = ", 2 * pi->Level, "", pn, pi->lpPropertyInfo->Label);
            print_value(f, pi);
            fputc('\n', f);
        }
    }
    return 0;
}

/* ---- the display filter language ---------------------------------------------------
 *   expr   := and ( "||" and )*          and := unary ( "&&" unary )*
 *   unary  := "!" unary | "(" expr ")" | term
 *   term   := PROTOCOL [ ":" LABEL [ OP VALUE ] ]      LABEL: "quoted" or a bare word
 *   OP     := == != > < >= <= contains
 *   VALUE  := number (decimal or 0x) | IPv4 | IPv6 | MAC (6 hex bytes, - or : between)
 *             | "string"
 * PROTOCOL alone: the protocol is in the frame; PROTOCOL:LABEL alone: the property is. */
struct cc {
    const char *s, *p;
    HFILTER f;
    const char *msg;
    const char *at;
};

static void ws(struct cc *c) { while (*c->p == ' ' || *c->p == '\t') c->p++; }

static int fail(struct cc *c, const char *at, const char *msg)
{
    if (!c->msg) { c->msg = msg; c->at = at; }
    return -1;
}

static int add(struct cc *c, DWORD action, HPROPERTY hp, DWORD value, LPVOID ptr, const char *at)
{
    FILTEROBJECT2 o;

    memset(&o, 0, sizeof(o));
    o.Action = action;
    o.hProperty = hp;
    if (ptr) o.lpArray = ptr;
    else o.Value = value;
    if (FilterAddObject(c->f, &o)) return fail(c, at, "the filter refused this");
    return 0;
}

static int word(struct cc *c, char *out, size_t max)
{
    size_t n = 0;

    while (isalnum((unsigned char)*c->p) || *c->p == '_' || *c->p == '\'' || *c->p == '-' || *c->p == '.') {
        if (n + 1 >= max) return -1;
        out[n++] = *c->p++;
    }
    out[n] = 0;
    return n ? 0 : -1;
}

static int quoted(struct cc *c, char *out, size_t max)
{
    size_t n = 0;

    if (*c->p != '"') return -1;
    c->p++;
    while (*c->p && *c->p != '"') {
        if (n + 1 >= max) return -1;
        out[n++] = *c->p++;
    }
    if (*c->p != '"') return -1;
    c->p++;
    out[n] = 0;
    return 0;
}

static int parse_ip6(const char *s, BYTE out[16])
{
    WORD g[8];
    int n = 0, gap = -1, i;

    if (s[0] == ':' && s[1] == ':') { gap = 0; s += 2; }
    while (*s) {
        char *end;
        unsigned long v;
        if (n == 8) return -1;
        v = strtoul(s, &end, 16);
        if (end == s || end - s > 4 || v > 0xffff) return -1;
        g[n++] = (WORD)v;
        s = end;
        if (!*s) break;
        if (*s != ':') return -1;
        s++;
        if (*s == ':') {
            if (gap >= 0) return -1;
            gap = n;
            s++;
        }
    }
    if (gap < 0 && n != 8) return -1;
    memset(out, 0, 16);
    for (i = 0; i < n; i++) {
        int pos = gap >= 0 && i >= gap ? 8 - (n - i) : i;
        out[2 * pos] = g[i] >> 8;
        out[2 * pos + 1] = g[i] & 0xff;
    }
    return 0;
}

static int term(struct cc *c)
{
    char name[64], label[128], val[128];
    const char *at = c->p, *vat;
    HPROTOCOL hp;
    HPROPERTY prop;
    LPPROPERTYINFO info;
    DWORD op = 0;
    ADDRESS2 addr;

    if (word(c, name, sizeof(name))) return fail(c, at, "expected a protocol name");
    if (!(hp = GetProtocolFromName(name))) return fail(c, at, "unknown protocol");
    ws(c);
    if (*c->p != ':') return add(c, FILTERACTION_PROTOCOLEXIST, 0, 0, hp, at);
    c->p++;
    ws(c);
    at = c->p;
    if (*c->p == '"' ? quoted(c, label, sizeof(label)) : word(c, label, sizeof(label)))
        return fail(c, at, "expected a property label");
    if (!(prop = GetProperty(hp, label)) || !(info = GetPropertyInfo(prop)))
        return fail(c, at, "unknown property of this protocol");
    ws(c);
    at = c->p;
    if (!strncmp(c->p, "==", 2)) op = FILTERACTION_EQUAL, c->p += 2;
    else if (!strncmp(c->p, "!=", 2)) op = FILTERACTION_NOTEQUAL, c->p += 2;
    else if (!strncmp(c->p, ">=", 2)) op = FILTERACTION_GREATEREQUAL, c->p += 2;
    else if (!strncmp(c->p, "<=", 2)) op = FILTERACTION_LESSEQUAL, c->p += 2;
    else if (*c->p == '>') op = FILTERACTION_GREATER, c->p++;
    else if (*c->p == '<') op = FILTERACTION_LESS, c->p++;
    else if (!strncmp(c->p, "contains", 8)) op = FILTERACTION_CONTAINS, c->p += 8;
    if (!op) return add(c, FILTERACTION_PROPERTYEXIST, prop, 0, NULL, at);
    if (add(c, FILTERACTION_PROPERTY, prop, 0, NULL, at)) return -1;
    ws(c);
    vat = c->p;
    if (*c->p == '"') {
        if (quoted(c, val, sizeof(val))) return fail(c, vat, "unterminated string");
        if (add(c, FILTERACTION_STRING, 0, 0, val, vat)) return -1;
        return add(c, op, 0, 0, NULL, at);
    }
    {
        size_t n = 0;
        while (isxdigit((unsigned char)*c->p) || *c->p == '.' || *c->p == ':' || *c->p == 'x' ||
               *c->p == 'X' || *c->p == '-') {
            if (n + 1 >= sizeof(val)) return fail(c, vat, "value too long");
            val[n++] = *c->p++;
        }
        val[n] = 0;
        if (!n) return fail(c, vat, "expected a value");
    }
    memset(&addr, 0, sizeof(addr));
    switch (info->DataType) {
    case PROP_TYPE_IP_ADDRESS: {
        unsigned a, b, d3, e;
        char tail;
        if (sscanf(val, "%u.%u.%u.%u%c", &a, &b, &d3, &e, &tail) != 4 || a > 255 || b > 255 || d3 > 255 || e > 255)
            return fail(c, vat, "expected an IPv4 address");
        addr.IPAddress[0] = a; addr.IPAddress[1] = b; addr.IPAddress[2] = d3; addr.IPAddress[3] = e;
        if (add(c, FILTERACTION_ADDR_IP, 0, 0, &addr, vat)) return -1;
        break;
    }
    case PROP_TYPE_IP6_ADDRESS:
        if (parse_ip6(val, addr.IP6Address)) return fail(c, vat, "expected an IPv6 address");
        if (add(c, FILTERACTION_ADDR_IP6, 0, 0, &addr, vat)) return -1;
        break;
    case PROP_TYPE_ETHERNET_ADDRESS: {
        unsigned m[6], i;
        if (sscanf(val, "%2x%*1[-:]%2x%*1[-:]%2x%*1[-:]%2x%*1[-:]%2x%*1[-:]%2x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]) != 6 &&
            sscanf(val, "%2x%2x%2x%2x%2x%2x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]) != 6)
            return fail(c, vat, "expected a MAC address");
        for (i = 0; i < 6; i++) addr.MACAddress[i] = (BYTE)m[i];
        if (add(c, FILTERACTION_ADDR_ETHER, 0, 0, &addr, vat)) return -1;
        break;
    }
    default: {
        DWORD v;
        if (number(val, &v)) return fail(c, vat, "expected a number");
        if (add(c, FILTERACTION_VALUE, 0, v, NULL, vat)) return -1;
        break;
    }
    }
    return add(c, op, 0, 0, NULL, at);
}

static int expr(struct cc *c);

static int unary(struct cc *c)
{
    const char *at;

    ws(c);
    at = c->p;
    if (*c->p == '!' && c->p[1] != '=') {
        c->p++;
        if (unary(c)) return -1;
        return add(c, FILTERACTION_NOT, 0, 0, NULL, at);
    }
    if (*c->p == '(') {
        c->p++;
        if (expr(c)) return -1;
        ws(c);
        if (*c->p != ')') return fail(c, c->p, "expected ')'");
        c->p++;
        return 0;
    }
    return term(c);
}

static int and_expr(struct cc *c)
{
    if (unary(c)) return -1;
    for (;;) {
        const char *at;
        ws(c);
        at = c->p;
        if (strncmp(c->p, "&&", 2)) return 0;
        c->p += 2;
        if (unary(c) || add(c, FILTERACTION_AND, 0, 0, NULL, at)) return -1;
    }
}

static int expr(struct cc *c)
{
    if (and_expr(c)) return -1;
    for (;;) {
        const char *at;
        ws(c);
        at = c->p;
        if (strncmp(c->p, "||", 2)) return 0;
        c->p += 2;
        if (and_expr(c) || add(c, FILTERACTION_OR, 0, 0, NULL, at)) return -1;
    }
}

int nm_filter_compile(const char *s, HFILTER f, size_t *pos, const char **msg)
{
    struct cc c = { s, s, f, NULL, NULL };

    if (!expr(&c)) {
        ws(&c);
        if (!*c.p) return 0;
        fail(&c, c.p, "unexpected text");
    }
    *pos = (size_t)(c.at - s);
    *msg = c.msg;
    return -1;
}

/* ---- apply ------------------------------------------------------------------------- */
int nm_engine_opts_apply(const struct nm_engine_opts *e, HNMCAPTURE cap, NMSHIM_RUN_PARAMS *params)
{
    if (e->protocols) return dump_protocols(stdout) ? 2 : 0;
    if (e->dump) return dump_frame(stdout, cap, e->dump_frame);
    if (e->filter) {
        HFILTER f = CreateFilter();
        const char *msg = NULL;
        size_t pos = 0;
        if (!f) { fputs("nmhost: --filter: out of memory\n", stderr); return 2; }
        if (nm_filter_compile(e->filter, f, &pos, &msg)) {
            fprintf(stderr, "nmhost: --filter: %s at position %lu\n  %s\n  %*s^\n", msg,
                    (unsigned long)pos + 1, e->filter, (int)pos, "");
            DestroyFilter(f);
            return 2;
        }
        NmShimSetDisplayFilter(f);
        DestroyFilter(f);
    }
    if (e->startup || e->startup_property) {
        EXPERTFRAMEDESCRIPTOR d;
        char proto[64];
        const char *colon = e->startup_property ? strchr(e->startup_property, ':') : NULL;
        HPROTOCOL hp;
        HPROPERTY prop;
        LPPROPERTYINST pi;
        size_t n;
        if (!e->startup || !colon) {
            fputs("nmhost: --startup-frame and --startup-property go together\n", stderr);
            return 2;
        }
        n = (size_t)(colon - e->startup_property);
        if (n >= sizeof(proto)) n = sizeof(proto) - 1;
        memcpy(proto, e->startup_property, n);
        proto[n] = 0;
        if (!(hp = GetProtocolFromName(proto)) || !(prop = GetProperty(hp, (LPSTR)colon + 1))) {
            fprintf(stderr, "nmhost: --startup-property %s: no such protocol or property\n", e->startup_property);
            return 2;
        }
        if (NmShimParseFrame(cap, e->startup_frame, &d)) {
            fprintf(stderr, "nmhost: --startup-frame %lu: no such frame\n", (unsigned long)e->startup_frame);
            return 2;
        }
        /* The instance stays valid for the whole run: nothing else parses host frames. */
        if (!(pi = FindPropertyInstance(d.hFrame, prop))) {
            fprintf(stderr, "nmhost: frame %lu has no %s\n", (unsigned long)e->startup_frame, e->startup_property);
            return 2;
        }
        params->frame_number = e->startup_frame;
        params->startup_protocol = hp;
        params->startup_property = pi;
        params->startup_bit = (BYTE)(e->startup_bit < 0 ? 0 : e->startup_bit);
        params->startup_flags |= EXPERT_STARTUP_FLAG_USE_STARTUP_DATA_OVER_CONFIG_DATA;
    }
    return -1;
}
