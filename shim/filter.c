/*
 * filter.c - filter programs: checked postfix sequences of FILTEROBJECT2 actions,
 * evaluated on a frame's property table (docs/sdk-help.md §1; README "Filters").
 *
 * Choices where the help is silent:
 *  - operands are taken in the order they were pushed: PROPERTY, VALUE, GREATER means
 *    "property > value";
 *  - a comparison on a property is true when any instance of it in the frame satisfies
 *    it (bhfilter.h's comment on hProperty, docs/sdk-help.md §1.5); an instance whose type cannot
 *    be compared with the operand does not satisfy it;
 *  - PROPERTYEXIST takes the PROPERTY pushed just before it (the SDK's PropDist pushes
 *    PROPERTY, then PROPERTYEXIST with hProperty still set), otherwise its own hProperty;
 *  - PROTOCOLSEXIST is true when any of the listed protocols is in the frame
 *    (PROTOCOL_NUM_ANY: any protocol at all);
 *  - where a truth value is wanted, a property means "exists", a value "is not 0";
 *  - AREBITSON: (value & mask) == mask, AREBITSOFF: (value & mask) == 0, mask pushed last;
 *  - an empty filter passes every frame; a program that leaves more than one item is
 *    judged by the last one pushed;
 *  - anything else (ARRAY, PLUS, MINUS, ADDRESS pairs, OID, TIME, LARGEINT, ...) is refused
 *    by FilterAddObject with NMERR_NOT_SUPPORTED, an operator without its operands with
 *    NMERR_FILTER_INVALID_EXPRESSION.
 */
#include <stdlib.h>
#include <string.h>
#include "filter.h"

#define FILTER_MAGIC 0x46494c54u              /* 'FILT' */
#define REG_SIZE 4096u                        /* live filters at once (power of two) */

static struct nm_filter *reg[REG_SIZE];
static unsigned reg_count;
static volatile int reg_lock;

static void lock(void) { while (__atomic_exchange_n(&reg_lock, 1, __ATOMIC_ACQUIRE)) __builtin_ia32_pause(); }
static void unlock(void) { __atomic_store_n(&reg_lock, 0, __ATOMIC_RELEASE); }

static unsigned hash(const void *p)
{
    uintptr_t v = (uintptr_t)p;
    return (unsigned)((v >> 4) * 2654435761u) & (REG_SIZE - 1);
}

static int reg_insert(struct nm_filter *f)
{
    unsigned i;

    lock();
    if (reg_count >= REG_SIZE / 2) { unlock(); return -1; }
    for (i = hash(f); reg[i]; i = (i + 1) & (REG_SIZE - 1)) ;
    reg[i] = f;
    reg_count++;
    unlock();
    return 0;
}

static void reg_remove(struct nm_filter *f)
{
    unsigned i, j;

    lock();
    for (i = hash(f); reg[i] && reg[i] != f; i = (i + 1) & (REG_SIZE - 1)) ;
    if (reg[i] == f) {                       /* backward-shift deletion */
        reg[i] = NULL;
        reg_count--;
        for (j = (i + 1) & (REG_SIZE - 1); reg[j]; j = (j + 1) & (REG_SIZE - 1)) {
            unsigned h = hash(reg[j]);
            if ((j > i && (h <= i || h > j)) || (j < i && h <= i && h > j)) {
                reg[i] = reg[j];
                reg[j] = NULL;
                i = j;
            }
        }
    }
    unlock();
}

struct nm_filter *nm_filter_lookup(HFILTER h)
{
    struct nm_filter *f = NULL;
    unsigned i;

    if (!h) return NULL;
    lock();
    for (i = hash(h); reg[i]; i = (i + 1) & (REG_SIZE - 1))
        if ((HFILTER)reg[i] == h) { f = reg[i]; break; }
    unlock();
    return f && f->magic == FILTER_MAGIC ? f : NULL;
}

struct nm_filter *nm_filter_new(void)
{
    struct nm_filter *f = calloc(1, sizeof(*f));

    if (!f) return NULL;
    f->magic = FILTER_MAGIC;
    if (reg_insert(f)) { free(f); return NULL; }
    return f;
}

static void free_op(struct nm_fop *op)
{
    free(op->protos);
    free(op->bytes);
}

void nm_filter_free(struct nm_filter *f)
{
    DWORD i;

    if (!f) return;
    reg_remove(f);
    f->magic = 0;
    for (i = 0; i < f->nops; i++) free_op(&f->ops[i]);
    free(f->ops);
    free(f);
}

struct nm_filter *nm_filter_dup(const struct nm_filter *src)
{
    struct nm_filter *f = nm_filter_new();
    DWORD i;

    if (!f) return NULL;
    if (src->nops && !(f->ops = calloc(src->nops, sizeof(*f->ops)))) goto fail;
    f->cap = src->nops;
    for (i = 0; i < src->nops; i++) {
        struct nm_fop *d = &f->ops[i];
        *d = src->ops[i];
        d->protos = NULL;
        d->bytes = NULL;
        f->nops = i + 1;
        if (src->ops[i].nprotos &&
            !(d->protos = malloc(src->ops[i].nprotos * sizeof(*d->protos)))) goto fail;
        if (d->protos) memcpy(d->protos, src->ops[i].protos, src->ops[i].nprotos * sizeof(*d->protos));
        if (src->ops[i].nbytes && !(d->bytes = malloc(src->ops[i].nbytes))) goto fail;
        if (d->bytes) memcpy(d->bytes, src->ops[i].bytes, src->ops[i].nbytes);
    }
    f->depth = src->depth;
    f->attaches = src->attaches;
    f->desc = src->desc;
    return f;
fail:
    nm_filter_free(f);
    return NULL;
}

static int is_compare(DWORD a) { return a >= FILTERACTION_EQUALNC && a <= FILTERACTION_LESSEQUAL; }

DWORD nm_filter_add(struct nm_filter *f, struct nm_fop *op)
{
    DWORD a = op->action, need = 0, push = 1;

    switch (a) {
    case FILTERACTION_PROPERTY:
        if (!nm_engine_property(op->hprop, NULL)) return NMERR_INVALID_HPROPERTY;
        f->attaches = 1;
        break;
    case FILTERACTION_PROPERTYEXIST:
        /* its own handle, or the PROPERTY just before it */
        if (f->nops && f->ops[f->nops - 1].action == FILTERACTION_PROPERTY) need = 1;
        else if (!nm_engine_property(op->hprop, NULL)) return NMERR_INVALID_HPROPERTY;
        f->attaches = 1;
        break;
    case FILTERACTION_PROTOCOLEXIST:
        if (!op->proto) return NMERR_INVALID_HPROTOCOL;
        break;
    case FILTERACTION_PROTOCOLSEXIST:
    case FILTERACTION_VALUE:
    case FILTERACTION_STRING:
    case FILTERACTION_ADDR_ETHER:
    case FILTERACTION_ADDR_IP:
    case FILTERACTION_ADDR_IP6:
        break;
    case FILTERACTION_AND: case FILTERACTION_OR: case FILTERACTION_XOR:
    case FILTERACTION_CONTAINS: case FILTERACTION_CONTAINSNC:
    case FILTERACTION_AREBITSON: case FILTERACTION_AREBITSOFF:
        need = 2;
        break;
    case FILTERACTION_NOT:
        need = 1;
        break;
    default:
        if (is_compare(a)) { need = 2; break; }
        return NMERR_NOT_SUPPORTED;
    }
    if (f->depth < need) return NMERR_FILTER_INVALID_EXPRESSION;
    if (f->nops >= NM_FILTER_MAX_OBJECTS) return NMERR_OUT_OF_MEMORY;
    if (f->nops == f->cap) {
        DWORD cap = f->cap ? f->cap * 2 : 8;
        struct nm_fop *n = realloc(f->ops, cap * sizeof(*n));
        if (!n) return NMERR_OUT_OF_MEMORY;
        f->ops = n;
        f->cap = cap;
    }
    f->ops[f->nops++] = *op;
    f->depth = f->depth - need + push;
    f->desc.NumEntries = (WORD)f->nops;
    return NMERR_SUCCESS;
}

/* ---- evaluation -------------------------------------------------------------------- */
enum { T_BOOL, T_PROP, T_VAL, T_STR, T_BYTES };
struct item { int t; int b; const struct nm_fop *op; };

static void inst_data(const PROPERTYINST *pi, const BYTE **d, DWORD *len)
{
    if (pi->DataLength == 0xffff) {
        *d = pi->lpPropertyInstEx->Byte;
        *len = pi->lpPropertyInstEx->LengthEx;
    } else {
        *d = pi->lpByte;
        *len = pi->DataLength;
    }
}

/* The instance's number, when its type has one: 1, else 0. */
static int inst_number(const PROPERTYINST *pi, uint64_t *v)
{
    BYTE t = pi->lpPropertyInfo->DataType;
    int swapped = (t == PROP_TYPE_BYTESWAPPED_WORD || t == PROP_TYPE_BYTESWAPPED_DWORD) ^
                  !!(pi->IFlags & IFLAG_SWAPPED);
    const BYTE *d;
    DWORD len, i;

    inst_data(pi, &d, &len);
    switch (t) {
    case PROP_TYPE_BYTE:
        if (len < 1) return 0;
        *v = d[0];
        return 1;
    case PROP_TYPE_WORD: case PROP_TYPE_BYTESWAPPED_WORD:
        if (len < 2) return 0;
        *v = swapped ? ((DWORD)d[0] << 8 | d[1]) : (d[0] | (DWORD)d[1] << 8);
        return 1;
    case PROP_TYPE_DWORD: case PROP_TYPE_BYTESWAPPED_DWORD:
        if (len < 4) return 0;
        *v = swapped ? ((DWORD)d[0] << 24 | (DWORD)d[1] << 16 | (DWORD)d[2] << 8 | d[3])
                     : (d[0] | (DWORD)d[1] << 8 | (DWORD)d[2] << 16 | (DWORD)d[3] << 24);
        return 1;
    case PROP_TYPE_VAR_LEN_SMALL_INT:
        if (len < 1 || len > 8) return 0;
        for (*v = 0, i = 0; i < len; i++) *v = *v << 8 | d[i];
        return 1;
    default:
        return 0;
    }
}

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

static int bytes_cmp(const BYTE *a, DWORD na, const BYTE *b, DWORD nb, int nc)
{
    DWORD i, n = na < nb ? na : nb;

    for (i = 0; i < n; i++) {
        int x = nc ? lower(a[i]) : a[i], y = nc ? lower(b[i]) : b[i];
        if (x != y) return x < y ? -1 : 1;
    }
    return na == nb ? 0 : na < nb ? -1 : 1;
}

static int contains(const BYTE *h, DWORD nh, const BYTE *n, DWORD nn, int nc)
{
    DWORD i, j;

    if (!nn) return 1;
    for (i = 0; i + nn <= nh; i++) {
        for (j = 0; j < nn; j++)
            if ((nc ? lower(h[i + j]) : h[i + j]) != (nc ? lower(n[j]) : n[j])) break;
        if (j == nn) return 1;
    }
    return 0;
}

/* -1/0/1 comparing instance pi with operand o, or 2 when they cannot be compared. */
static int cmp_inst(const PROPERTYINST *pi, const struct item *o, int nc)
{
    const BYTE *d;
    DWORD len;
    uint64_t v;

    inst_data(pi, &d, &len);
    switch (o->t) {
    case T_VAL:
        if (!inst_number(pi, &v)) return 2;
        return v == o->op->value ? 0 : v < o->op->value ? -1 : 1;
    case T_STR:
        if (pi->lpPropertyInfo->DataType != PROP_TYPE_STRING) return 2;
        return bytes_cmp(d, len, o->op->bytes, o->op->nbytes, nc);
    case T_BYTES:
        if (len != o->op->nbytes) return 2;
        return bytes_cmp(d, len, o->op->bytes, o->op->nbytes, 0);
    default:
        return 2;
    }
}

static int truth(const struct nm_ptable *t, const struct item *it)
{
    switch (it->t) {
    case T_BOOL: return it->b;
    case T_PROP: return nm_engine_find((struct nm_ptable *)t, it->op->hprop, NULL, 1) != NULL;
    case T_VAL: return it->op->value != 0;
    default: return it->op->nbytes != 0;
    }
}

static int compare_holds(DWORD a, int c)
{
    switch (a) {
    case FILTERACTION_EQUAL: case FILTERACTION_EQUALNC: return c == 0;
    case FILTERACTION_NOTEQUAL: case FILTERACTION_NOTEQUALNC: return c != 0 && c != 2;
    case FILTERACTION_GREATER: case FILTERACTION_GREATERNC: return c == 1;
    case FILTERACTION_LESS: case FILTERACTION_LESSNC: return c == -1;
    case FILTERACTION_GREATEREQUAL: case FILTERACTION_GREATEREQUALNC: return c == 0 || c == 1;
    case FILTERACTION_LESSEQUAL: case FILTERACTION_LESSEQUALNC: return c == 0 || c == -1;
    default: return 0;
    }
}

/* "property OP operand" (or the mirror) over every instance; constants compared directly. */
static int binary(const struct nm_ptable *t, DWORD a, const struct item *x, const struct item *y)
{
    int nc = a == FILTERACTION_EQUALNC || a == FILTERACTION_NOTEQUALNC || a == FILTERACTION_GREATERNC ||
             a == FILTERACTION_LESSNC || a == FILTERACTION_GREATEREQUALNC ||
             a == FILTERACTION_LESSEQUALNC || a == FILTERACTION_CONTAINSNC;
    const struct item *p = x, *o = y;
    int mirrored = 0;
    PROPERTYINFO *info;
    size_t i;

    if (x->t != T_PROP && y->t == T_PROP) { p = y; o = x; mirrored = 1; }
    if (p->t != T_PROP) {                          /* two constants */
        if (x->t == T_VAL && y->t == T_VAL)
            return is_compare(a) && compare_holds(a, x->op->value == y->op->value ? 0 :
                                                  x->op->value < y->op->value ? -1 : 1);
        return 0;
    }
    if (!(info = nm_engine_property(p->op->hprop, NULL))) return 0;
    for (i = 0; i < t->ninsts; i++) {
        const PROPERTYINST *pi = &t->insts[i];
        if (pi->lpPropertyInfo != info) continue;
        if (a == FILTERACTION_CONTAINS || a == FILTERACTION_CONTAINSNC) {
            const BYTE *d;
            DWORD len;
            if (o->t != T_STR && o->t != T_BYTES) return 0;
            inst_data(pi, &d, &len);
            if (contains(d, len, o->op->bytes, o->op->nbytes, nc)) return 1;
        } else if (a == FILTERACTION_AREBITSON || a == FILTERACTION_AREBITSOFF) {
            uint64_t v;
            if (o->t != T_VAL || !inst_number(pi, &v)) continue;
            if (a == FILTERACTION_AREBITSON ? (v & o->op->value) == o->op->value
                                            : (v & o->op->value) == 0) return 1;
        } else {
            int c = cmp_inst(pi, o, nc);
            if (c != 2 && mirrored) c = -c;
            if (compare_holds(a, c)) return 1;
        }
    }
    return 0;
}

int nm_filter_eval(const struct nm_filter *f, struct nm_ptable *t)
{
    struct item stack[NM_FILTER_MAX_OBJECTS];
    DWORD i, sp = 0;

    if (!f->nops) return 1;
    nm_engine_table_parse(t, f->attaches);
    for (i = 0; i < f->nops; i++) {
        const struct nm_fop *op = &f->ops[i];
        struct item r = { T_BOOL, 0, op };
        DWORD j;
        switch (op->action) {
        case FILTERACTION_PROPERTY: r.t = T_PROP; break;
        case FILTERACTION_VALUE: r.t = T_VAL; break;
        case FILTERACTION_STRING: r.t = T_STR; break;
        case FILTERACTION_ADDR_ETHER: case FILTERACTION_ADDR_IP: case FILTERACTION_ADDR_IP6:
            r.t = T_BYTES;
            break;
        case FILTERACTION_PROTOCOLEXIST:
            r.b = nm_engine_has_protocol(t, op->proto);
            break;
        case FILTERACTION_PROTOCOLSEXIST:
            r.b = op->any_protocol ? t->nprot > 0 : 0;
            for (j = 0; j < op->nprotos && !r.b; j++) r.b = nm_engine_has_protocol(t, op->protos[j]);
            break;
        case FILTERACTION_PROPERTYEXIST:
            if (sp && stack[sp - 1].t == T_PROP && (i && f->ops[i - 1].action == FILTERACTION_PROPERTY))
                r.b = nm_engine_find(t, stack[--sp].op->hprop, NULL, 1) != NULL;
            else
                r.b = nm_engine_find(t, op->hprop, NULL, 1) != NULL;
            break;
        case FILTERACTION_NOT:
            r.b = !truth(t, &stack[--sp]);
            break;
        case FILTERACTION_AND: case FILTERACTION_OR: case FILTERACTION_XOR: {
            int y = truth(t, &stack[--sp]), x = truth(t, &stack[--sp]);
            r.b = op->action == FILTERACTION_AND ? x && y : op->action == FILTERACTION_OR ? x || y : x != y;
            break;
        }
        default: {                                   /* comparisons, CONTAINS, bits */
            struct item y = stack[--sp], x = stack[--sp];
            r.b = binary(t, op->action, &x, &y);
            break;
        }
        }
        stack[sp++] = r;
    }
    return truth(t, &stack[sp - 1]);
}

static struct nm_filter *ui_filter;

struct nm_filter *nm_filter_ui(void) { return __atomic_load_n(&ui_filter, __ATOMIC_ACQUIRE); }

void nm_filter_set_ui(struct nm_filter *f)
{
    struct nm_filter *old = __atomic_exchange_n(&ui_filter, f, __ATOMIC_ACQ_REL);
    if (old) nm_filter_free(old);
}
