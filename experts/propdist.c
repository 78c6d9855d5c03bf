/* propdist.c - sample expert "Property Distribution": for one protocol property (from the
 * stored configuration, or from the startup data a right click gives), how it is
 * distributed over the capture: minimum, maximum and mean of a number, a count per
 * distinct value (with its name for labelled sets, per distinct string for strings), and
 * on/off counts per flag bit. Written as a third party would, with <netmon.h> and the
 * property API only: GetProtocolFromName, GetProperty, GetProtocolInfo, GetPropertyInfo,
 * a PROPERTY + PROPERTYEXIST filter, ExpertGetFrame(FLAGS_ATTACH_PROPERTIES) and
 * FindPropertyInstanceRestart, each instance decoded by PROPERTYINFO.DataType.
 *
 * Events (source "Property Distribution"):
 *   ident 1 "summary": protocol, property, frames, frames_pct, instances, and for numbers
 *           min, max, mean;
 *   ident 2 "value":   value (number or string), label, count, pct (of instances);
 *   ident 3 "bit":     bit, label_off, label_on, off, on (every labelled bit; only the
 *                      configured one when the configuration names a bit).
 * Configuration (EXPERTCONFIG.RawConfigData): struct pd_config below. */
#include <windows.h>
#include <netmon.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__declspec(dllexport) BOOL WINAPI Register(PEXPERTENUMINFO info);
__declspec(dllexport) BOOL WINAPI Configure(HEXPERTKEY key, PEXPERTCONFIG *config,
                                            PEXPERTSTARTUPINFO startup, DWORD flags, HWND wnd);
__declspec(dllexport) BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config,
                                      PEXPERTSTARTUPINFO startup, DWORD flags, HWND wnd);

#define MAX_COLUMNS 8
#define MAX_BITS 64

struct pd_config {
    DWORD total;                /* = EXPERTCONFIG.RawConfigLength */
    DWORD bit_set;              /* a bit was chosen (flags properties) */
    DWORD bit;
    char protocol[16];
    char property[128];         /* PROPERTYINFO.Label */
};

enum kind { K_COUNT, K_NUMBER, K_LABELED, K_FLAGS, K_STRING };

struct value { DWORD number; char *text; DWORD len; DWORD count; };

struct dist {
    HEXPERTKEY key;
    enum kind kind;
    LPPROPERTYINFO info;
    struct value *values;       /* sorted by number (numbers), in order of first sight (strings) */
    DWORD nvalues, cap;
    DWORD frames, instances;
    DWORD min, max;
    double sum;
    DWORD on[MAX_BITS], off[MAX_BITS];
};

struct event {
    NMEVENTDATA head;
    NMCOLUMNINFO column[MAX_COLUMNS];
};
_Static_assert(offsetof(struct event, column) == offsetof(NMEVENTDATA, Column),
               "columns must follow NMEVENTDATA directly");

BOOL WINAPI Register(PEXPERTENUMINFO info)
{
    strcpy(info->szName, "Property Distribution");
    strcpy(info->szVendor, "nmshim");
    strcpy(info->szDescription, "Distribution of one protocol property over the capture");
    info->Version = 1;
    info->Flags = EXPERT_ENUM_FLAG_CONFIGURABLE | EXPERT_ENUM_FLAG_ADD_ME_TO_RMC_IN_DETAIL;
    return TRUE;
}

/* Headless: the configuration is taken from the startup data (a right click), if any. */
BOOL WINAPI Configure(HEXPERTKEY key, PEXPERTCONFIG *config, PEXPERTSTARTUPINFO startup,
                      DWORD flags, HWND wnd)
{
    struct pd_config c;
    LPPROTOCOLINFO pi;
    PEXPERTCONFIG cfg;
    DWORD err = 0;

    if (!config || !startup || !startup->lpPropertyInst) return *config != NULL;
    if (*config && !(flags & EXPERT_STARTUP_FLAG_USE_STARTUP_DATA_OVER_CONFIG_DATA)) return TRUE;
    if (!(pi = GetProtocolInfo(startup->hProtocol))) return FALSE;
    memset(&c, 0, sizeof(c));
    c.total = sizeof(c);
    memcpy(c.protocol, pi->ProtocolName, sizeof(c.protocol) - 1);
    snprintf(c.property, sizeof(c.property), "%s", startup->lpPropertyInst->lpPropertyInfo->Label);
    if (startup->lpPropertyInst->lpPropertyInfo->DataQualifier == PROP_QUAL_FLAGS) {
        c.bit_set = 1;
        c.bit = startup->sBitfield.BitNumber;
    }
    cfg = *config ? ExpertReallocMemory(key, *config, sizeof(EXPERTCONFIG) + sizeof(c), &err)
                  : ExpertAllocMemory(key, sizeof(EXPERTCONFIG) + sizeof(c), &err);
    if (!cfg) return FALSE;
    cfg->RawConfigLength = sizeof(c);
    memcpy(cfg->RawConfigData, &c, sizeof(c));
    *config = cfg;
    return TRUE;
}

static void problem(HEXPERTKEY key, const char *what, DWORD err)
{
    char text[128];

    snprintf(text, sizeof(text), "%s failed (%lu)", what, (unsigned long)err);
    ExpertIndicateStatus(key, EXPERTSTATUS_PROBLEM, err, text, 0);
}

static enum kind kind_of(LPPROPERTYINFO info)
{
    BYTE t = info->DataType, q = info->DataQualifier;
    int numeric = t == PROP_TYPE_BYTE || t == PROP_TYPE_WORD || t == PROP_TYPE_DWORD ||
                  t == PROP_TYPE_BYTESWAPPED_WORD || t == PROP_TYPE_BYTESWAPPED_DWORD;

    if (t == PROP_TYPE_STRING) return K_STRING;
    if (!numeric) return K_COUNT;
    if (q == PROP_QUAL_FLAGS) return K_FLAGS;
    if (q == PROP_QUAL_LABELED_SET) return K_LABELED;
    return K_NUMBER;
}

/* The instance's bytes: in the frame, or the parser's decoded copy (DataLength 0xFFFF). */
static const BYTE *inst_data(LPPROPERTYINST pi, DWORD *len)
{
    if (pi->DataLength == 0xffff) {
        *len = pi->lpPropertyInstEx->LengthEx;
        return pi->lpPropertyInstEx->Byte;
    }
    *len = pi->DataLength;
    return pi->lpByte;
}

static int inst_number(LPPROPERTYINST pi, DWORD *v)
{
    BYTE t = pi->lpPropertyInfo->DataType;
    int swapped = (t == PROP_TYPE_BYTESWAPPED_WORD || t == PROP_TYPE_BYTESWAPPED_DWORD) ^
                  ((pi->IFlags & IFLAG_SWAPPED) != 0);
    DWORD len;
    const BYTE *d = inst_data(pi, &len);
    WORD w;

    switch (t) {
    case PROP_TYPE_BYTE:
        if (len < 1) return 0;
        *v = d[0];
        return 1;
    case PROP_TYPE_WORD: case PROP_TYPE_BYTESWAPPED_WORD:
        if (len < 2) return 0;
        memcpy(&w, d, 2);
        *v = swapped ? XCHG(w) : w;
        return 1;
    case PROP_TYPE_DWORD: case PROP_TYPE_BYTESWAPPED_DWORD:
        if (len < 4) return 0;
        memcpy(v, d, 4);
        if (swapped) *v = DXCHG(*v);
        return 1;
    }
    return 0;
}

static struct value *slot(struct dist *d, DWORD at)
{
    if (d->nvalues == d->cap) {
        DWORD err = 0, cap = d->cap ? d->cap * 2 : 64;
        struct value *n = d->values ? ExpertReallocMemory(d->key, d->values, cap * sizeof(*n), &err)
                                    : ExpertAllocMemory(d->key, cap * sizeof(*n), &err);
        if (!n) return NULL;
        d->values = n;
        d->cap = cap;
    }
    memmove(&d->values[at + 1], &d->values[at], (d->nvalues - at) * sizeof(*d->values));
    memset(&d->values[at], 0, sizeof(*d->values));
    d->nvalues++;
    return &d->values[at];
}

static int count_number(struct dist *d, DWORD v)
{
    DWORD lo = 0, hi = d->nvalues;
    struct value *s;

    while (lo < hi) {
        DWORD mid = (lo + hi) / 2;
        if (d->values[mid].number == v) { d->values[mid].count++; return 0; }
        if (d->values[mid].number < v) lo = mid + 1; else hi = mid;
    }
    if (!(s = slot(d, lo))) return -1;
    s->number = v;
    s->count = 1;
    return 0;
}

static int count_string(struct dist *d, const BYTE *p, DWORD len)
{
    struct value *s;
    DWORD i, err = 0;

    for (i = 0; i < d->nvalues; i++)
        if (d->values[i].len == len && !memcmp(d->values[i].text, p, len)) {
            d->values[i].count++;
            return 0;
        }
    if (!(s = slot(d, d->nvalues))) return -1;
    if (!(s->text = ExpertAllocMemory(d->key, len + 1, &err))) return -1;
    memcpy(s->text, p, len);
    s->len = len;
    s->count = 1;
    return 0;
}

static int add_instance(struct dist *d, LPPROPERTYINST pi)
{
    DWORD v, len, i;
    const BYTE *p;

    d->instances++;
    switch (d->kind) {
    case K_STRING:
        p = inst_data(pi, &len);
        return count_string(d, p, len);
    case K_NUMBER: case K_LABELED:
        if (!inst_number(pi, &v)) return 0;
        if (d->instances == 1 || v < d->min) d->min = v;
        if (d->instances == 1 || v > d->max) d->max = v;
        d->sum += v;
        return count_number(d, v);
    case K_FLAGS:
        if (!inst_number(pi, &v)) return 0;
        for (i = 0; i < MAX_BITS && i < 32; i++) {
            if ((v >> i) & 1) d->on[i]++; else d->off[i]++;
        }
        return 0;
    default:
        return 0;
    }
}

static const char *label_of(LPPROPERTYINFO info, DWORD v)
{
    DWORD i;
    LPSET s = info->lpSet;

    if (info->DataQualifier != PROP_QUAL_LABELED_SET || !s) return NULL;
    for (i = 0; i < s->nEntries; i++) {
        if (info->DataType == PROP_TYPE_BYTE) {
            if (s->lpLabeledByteTable[i].Value == v) return s->lpLabeledByteTable[i].Label;
        } else if (info->DataType == PROP_TYPE_WORD || info->DataType == PROP_TYPE_BYTESWAPPED_WORD) {
            if (s->lpLabeledWordTable[i].Value == v) return s->lpLabeledWordTable[i].Label;
        } else if (s->lpLabeledDwordTable[i].Value == v) {
            return s->lpLabeledDwordTable[i].Label;
        }
    }
    return NULL;
}

static void column(struct event *e, int i, const char *name, NMCOLUMNTYPE type)
{
    e->column[i].szColumnName = (LPSTR)name;
    e->column[i].VariantData.Type = type;
    e->head.NumColumns = (BYTE)(i + 1);
}

static void begin(struct event *e, DWORD ident, const char *name)
{
    memset(e, 0, sizeof(*e));
    e->head.EventIdent = ident;
    e->head.Flags = NMEVENTFLAG_EXPERT;
    e->head.Severity = NMEVENT_SEVERITY_INFORMATIONAL;
    e->head.szSourceName = (LPSTR)"Property Distribution";
    e->head.szEventName = (LPSTR)name;
}

static DWORD report(struct dist *d, const char *proto, DWORD total, int bit_set, DWORD bit)
{
    struct event e;
    DWORD i, err;
    char text[260];

    begin(&e, 1, "summary");
    column(&e, 0, "protocol", NMCOLUMNTYPE_STRING);
    e.column[0].VariantData.Value.pStringVal = (LPSTR)proto;
    column(&e, 1, "property", NMCOLUMNTYPE_STRING);
    e.column[1].VariantData.Value.pStringVal = d->info->Label;
    column(&e, 2, "frames", NMCOLUMNTYPE_UINT32);
    e.column[2].VariantData.Value.Uint32Val = d->frames;
    column(&e, 3, "frames_pct", NMCOLUMNTYPE_FLOAT64);
    e.column[3].VariantData.Value.Float64Val = total ? 100.0 * d->frames / total : 0;
    column(&e, 4, "instances", NMCOLUMNTYPE_UINT32);
    e.column[4].VariantData.Value.Uint32Val = d->instances;
    if ((d->kind == K_NUMBER || d->kind == K_LABELED) && d->instances) {
        column(&e, 5, "min", NMCOLUMNTYPE_UINT32);
        e.column[5].VariantData.Value.Uint32Val = d->min;
        column(&e, 6, "max", NMCOLUMNTYPE_UINT32);
        e.column[6].VariantData.Value.Uint32Val = d->max;
        column(&e, 7, "mean", NMCOLUMNTYPE_FLOAT64);
        e.column[7].VariantData.Value.Float64Val = d->sum / d->instances;
    }
    if ((err = ExpertSubmitEvent(d->key, &e.head))) return err;
    if (d->kind == K_FLAGS) {
        LPSET s = d->info->lpSet;
        for (i = 0; s && i < s->nEntries; i++) {
            LPLABELED_BIT b = &s->lpLabeledBit[i];
            if (b->BitNumber >= 32 || (bit_set && b->BitNumber != bit)) continue;
            begin(&e, 3, "bit");
            column(&e, 0, "bit", NMCOLUMNTYPE_UINT32);
            e.column[0].VariantData.Value.Uint32Val = b->BitNumber;
            column(&e, 1, "label_off", NMCOLUMNTYPE_STRING);
            e.column[1].VariantData.Value.pStringVal = b->LabelOff;
            column(&e, 2, "label_on", NMCOLUMNTYPE_STRING);
            e.column[2].VariantData.Value.pStringVal = b->LabelOn;
            column(&e, 3, "off", NMCOLUMNTYPE_UINT32);
            e.column[3].VariantData.Value.Uint32Val = d->off[b->BitNumber];
            column(&e, 4, "on", NMCOLUMNTYPE_UINT32);
            e.column[4].VariantData.Value.Uint32Val = d->on[b->BitNumber];
            if ((err = ExpertSubmitEvent(d->key, &e.head))) return err;
        }
        return NMERR_SUCCESS;
    }
    if (d->kind == K_COUNT) return NMERR_SUCCESS;
    for (i = 0; i < d->nvalues; i++) {
        begin(&e, 2, "value");
        if (d->kind == K_STRING) {
            column(&e, 0, "value", NMCOLUMNTYPE_STRING);
            snprintf(text, sizeof(text), "%.*s", (int)d->values[i].len, d->values[i].text);
            e.column[0].VariantData.Value.pStringVal = text;
        } else {
            column(&e, 0, "value", NMCOLUMNTYPE_UINT32);
            e.column[0].VariantData.Value.Uint32Val = d->values[i].number;
        }
        column(&e, 1, "label", NMCOLUMNTYPE_STRING);
        e.column[1].VariantData.Value.pStringVal =
            d->kind == K_LABELED ? (LPSTR)label_of(d->info, d->values[i].number) : NULL;
        column(&e, 2, "count", NMCOLUMNTYPE_UINT32);
        e.column[2].VariantData.Value.Uint32Val = d->values[i].count;
        column(&e, 3, "pct", NMCOLUMNTYPE_FLOAT64);
        e.column[3].VariantData.Value.Float64Val = 100.0 * d->values[i].count / d->instances;
        if ((err = ExpertSubmitEvent(d->key, &e.head))) return err;
    }
    return NMERR_SUCCESS;
}

BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config, PEXPERTSTARTUPINFO startup,
                DWORD flags, HWND wnd)
{
    const struct pd_config *c = NULL;
    HPROTOCOL hproto;
    HPROPERTY hprop;
    LPPROTOCOLINFO pinfo;
    FILTEROBJECT2 o;
    HFILTER filter;
    EXPERTFRAMEDESCRIPTOR desc;
    struct dist d;
    DWORD err, total = 0, bit = 0, n;
    int bit_set = 0;
    char proto[17];

    if (ExpertIndicateStatus(key, EXPERTSTATUS_RUNNING, 0, "Initializing", 0)) return TRUE;
    if (config && config->RawConfigLength >= sizeof(*c) &&
        !(startup && (flags & EXPERT_STARTUP_FLAG_USE_STARTUP_DATA_OVER_CONFIG_DATA)))
        c = (const struct pd_config *)config->RawConfigData;
    if (c) {
        char name[sizeof(c->protocol) + 1], label[sizeof(c->property) + 1];
        memcpy(name, c->protocol, sizeof(c->protocol));
        name[sizeof(c->protocol)] = 0;
        memcpy(label, c->property, sizeof(c->property));
        label[sizeof(c->property)] = 0;
        if (!(hproto = GetProtocolFromName(name))) { problem(key, "GetProtocolFromName", 0); return FALSE; }
        if (!(hprop = GetProperty(hproto, label))) { problem(key, "GetProperty", 0); return FALSE; }
        bit_set = c->bit_set != 0;
        bit = c->bit;
    } else if (startup && startup->lpPropertyInst && startup->lpPropertyInst->lpPropertyInfo) {
        hproto = startup->hProtocol;
        hprop = startup->lpPropertyInst->lpPropertyInfo->hProperty;
        bit = startup->sBitfield.BitNumber;
        bit_set = 0;                    /* a right click: every bit of the flags is reported */
    } else {
        problem(key, "no property configured", 0);
        return FALSE;
    }
    memset(&d, 0, sizeof(d));
    d.key = key;
    if (!(pinfo = GetProtocolInfo(hproto)) || !(d.info = GetPropertyInfo(hprop))) {
        problem(key, "GetPropertyInfo", 0);
        return FALSE;
    }
    memcpy(proto, pinfo->ProtocolName, 16);
    proto[16] = 0;
    d.kind = kind_of(d.info);
    if (!(filter = CreateFilter())) { problem(key, "CreateFilter", 0); return FALSE; }
    memset(&o, 0, sizeof(o));
    o.hProperty = hprop;
    o.Action = FILTERACTION_PROPERTY;
    err = FilterAddObject(filter, &o);
    o.Action = FILTERACTION_PROPERTYEXIST;
    if (err || (err = FilterAddObject(filter, &o))) {
        problem(key, "FilterAddObject", err);
        DestroyFilter(filter);
        return FALSE;
    }
    /* Frames in the capture, for the percentage: the last frame's number + 1. */
    if (!ExpertGetFrame(key, GET_FRAME_NEXT_BACKWARD, 0, INVALID_FRAME_NUMBER, NULL, &desc))
        total = desc.FrameNumber + 1;
    for (n = INVALID_FRAME_NUMBER;
         !(err = ExpertGetFrame(key, GET_FRAME_NEXT_FORWARD,
                                FLAGS_DEFER_TO_UI_FILTER | FLAGS_ATTACH_PROPERTIES, n, filter, &desc));
         n = desc.FrameNumber) {
        LPPROPERTYINST inst = NULL;
        d.frames++;
        while ((inst = FindPropertyInstanceRestart(desc.hFrame, hprop, &inst, TRUE)))
            if (add_instance(&d, inst)) { err = NMERR_OUT_OF_MEMORY; break; }
        if (err) break;
        if (total && (d.frames & 1023) == 0)
            ExpertIndicateStatus(key, EXPERTSTATUS_RUNNING, 0, "Running", (LONG)(100.0 * n / total));
    }
    DestroyFilter(filter);
    if (err == NMERR_NO_MORE_FRAMES && (err = report(&d, proto, total, bit_set, bit)) &&
        err != NMERR_EXPERT_TERMINATE)
        problem(key, "ExpertSubmitEvent", err);
    else if (err && err != NMERR_NO_MORE_FRAMES && err != NMERR_EXPERT_TERMINATE)
        problem(key, "ExpertGetFrame", err);
    for (n = 0; n < d.nvalues; n++)
        if (d.values[n].text) ExpertFreeMemory(key, d.values[n].text);
    if (d.values) ExpertFreeMemory(key, d.values);
    return !err || err == NMERR_NO_MORE_FRAMES || err == NMERR_EXPERT_TERMINATE;
}
