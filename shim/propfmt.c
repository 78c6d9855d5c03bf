/*
 * propfmt.c - property text, portable (propfmt.h has the rules). No Win32 calls: the
 * caller's memory is read only through nm_fmt_io, every write is bounded.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "propfmt.h"

#define MAX_DATA   512          /* value bytes read: more never fit a text anyway */
#define MAX_SET    0x10000      /* entries of a SET we will search */

struct sb { char *p; size_t size, len; };

static void sb_put(struct sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_put(struct sb *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (b->len + 1 >= b->size) return;
    va_start(ap, fmt);
    n = vsnprintf(b->p + b->len, b->size - b->len, fmt, ap);
    va_end(ap);
    if (n < 0) { b->p[b->len] = 0; return; }
    b->len += (size_t)n < b->size - b->len ? (size_t)n : b->size - b->len - 1;
}

static void sb_char(struct sb *b, char c)
{
    if (b->len + 1 < b->size) { b->p[b->len++] = c; b->p[b->len] = 0; }
}

/* A string of the caller's (a label), as printable text. */
static void sb_str(struct sb *b, const struct nm_fmt_io *io, const char *s, size_t max)
{
    char tmp[NM_FMT_MAX_LABEL];
    size_t n, i;

    if (!s) return;
    if (max > sizeof(tmp)) max = sizeof(tmp);
    n = io->strnlen(s, max);
    if (n == (size_t)-1 || io->copy(tmp, s, n)) { sb_put(b, "?"); return; }
    for (i = 0; i < n; i++) sb_char(b, tmp[i] >= 0x20 && tmp[i] < 0x7f ? tmp[i] : '.');
}

size_t nm_fmt_capacity(const PROPERTYINFO *info)
{
    return info && info->FormatStringSize ? info->FormatStringSize : NM_FMT_DEFAULT_SIZE;
}

size_t nm_fmt_bits(char *out, size_t size, DWORD value, DWORD mask, int nbits)
{
    size_t o = 0;
    int i;

    if (!out || !size) return 0;
    for (i = nbits - 1; i >= 0 && o + 1 < size; i--)
        out[o++] = (mask >> i) & 1 ? ((value >> i) & 1 ? '1' : '0') : '.';
    out[o] = 0;
    return o;
}

size_t nm_fmt_binary(char *out, size_t size, DWORD value, int nbits)
{
    return nm_fmt_bits(out, size, value, 0xffffffffu, nbits);
}

size_t nm_fmt_systime(char *out, size_t size, const SYSTEMTIME *t)
{
    int n;

    if (!out || !size) return 0;
    n = snprintf(out, size, "%02u/%02u/%04u %02u:%02u:%02u.%03u", t->wMonth % 100u,
                 t->wDay % 100u, t->wYear % 10000u, t->wHour % 100u, t->wMinute % 100u,
                 t->wSecond % 100u, t->wMilliseconds % 1000u);
    return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}

size_t nm_fmt_ip6(char *out, size_t size, const BYTE *a)
{
    struct sb b = { out, size, 0 };
    unsigned w[8], i, best = 8, bestlen = 0, run = 0;

    if (!out || !size) return 0;
    out[0] = 0;
    for (i = 0; i < 8; i++) w[i] = ((unsigned)a[2 * i] << 8) | a[2 * i + 1];
    /* RFC 5952 §4.2: the longest run of two or more zero groups (the first on a tie) */
    for (i = 0; i < 8; i++) {
        run = w[i] ? 0 : run + 1;
        if (run > bestlen && run >= 2) { bestlen = run; best = i + 1 - run; }
    }
    /* RFC 5952 §5: IPv4-mapped addresses keep the dotted quad */
    if (best == 0 && bestlen == 5 && w[5] == 0xffff) {
        sb_put(&b, "::ffff:%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
        return b.len;
    }
    for (i = 0; i < 8; i++) {
        if (i == best) { sb_put(&b, "::"); i += bestlen - 1; continue; }
        if (i && i != best + bestlen) sb_char(&b, ':');
        sb_put(&b, "%x", w[i]);
    }
    return b.len;
}

size_t nm_fmt_hexbytes(char *out, size_t size, const BYTE *p, size_t n, int group, int swap)
{
    struct sb b = { out, size, 0 };
    size_t i, j;

    if (!out || !size) return 0;
    out[0] = 0;
    if (group < 1) group = 1;
    for (i = 0; i + (size_t)group <= n; i += (size_t)group) {
        if (i) sb_char(&b, ' ');
        for (j = 0; j < (size_t)group; j++)       /* a WORD/DWORD group as a number */
            sb_put(&b, "%02x", p[i + (swap || group == 1 ? j : (size_t)group - 1 - j)]);
    }
    for (; i < n; i++) { if (i) sb_char(&b, ' '); sb_put(&b, "%02x", p[i]); }
    return b.len;
}

/* The value bytes of an instance: the attached data, or an extended instance's copy
 * (DataLength 0xFFFF, netmon-sdk-help.md §2.6). *total = their full length; -1: unreadable. */
static int get_data(const struct nm_fmt_io *io, const PROPERTYINST *pi, BYTE *buf, size_t max,
                    size_t *n, size_t *total)
{
    const BYTE *src;

    if (pi->DataLength == 0xffff) {
        PROPERTYINSTEX ex;
        if (!pi->lpPropertyInstEx || io->copy(&ex, pi->lpPropertyInstEx, offsetof(PROPERTYINSTEX, Byte)))
            return -1;
        *total = ex.LengthEx;
        src = (const BYTE *)pi->lpPropertyInstEx + offsetof(PROPERTYINSTEX, Byte);
    } else {
        *total = pi->DataLength;
        src = pi->lpData;
    }
    *n = *total < max ? *total : max;
    if (!*n) return 0;
    if (!src || io->copy(buf, src, *n)) return -1;
    return 0;
}

static int type_width(BYTE type)
{
    switch (type) {
    case PROP_TYPE_BYTE: return 1;
    case PROP_TYPE_WORD: case PROP_TYPE_BYTESWAPPED_WORD: return 2;
    case PROP_TYPE_DWORD: case PROP_TYPE_BYTESWAPPED_DWORD: return 4;
    case PROP_TYPE_LARGEINT: return 8;
    default: return 0;
    }
}

static unsigned long long get_value(const BYTE *d, int width, int big)
{
    unsigned long long v = 0;
    int i;

    for (i = 0; i < width; i++) v |= (unsigned long long)d[big ? width - 1 - i : i] << (8 * i);
    return v;
}

static void put_number(struct sb *b, unsigned long long v, int base, int width)
{
    char bits[65];

    switch (base) {
    case 2: nm_fmt_binary(bits, sizeof(bits), (DWORD)v, width * 8 > 32 ? 32 : width * 8); sb_put(b, "%s", bits); break;
    case 8: sb_put(b, "0%llo", v); break;
    case 10: sb_put(b, "%llu", v); break;
    case 16: sb_put(b, "0x%0*llX", width * 2, v); break;
    default: sb_put(b, "%llu (0x%llx)", v, v); break;
    }
}

/* Reads the SET header, then entry i (of esize bytes) into e; -1: unreadable or too big. */
static int set_header(const struct nm_fmt_io *io, const void *setp, SET *s)
{
    if (!setp || io->copy(s, setp, sizeof(*s)) || s->nEntries > MAX_SET || !s->lpVoidTable) return -1;
    return 0;
}

/* The label of v in a labelled set of width-byte values; 1 found (*label set). */
static int set_label(const struct nm_fmt_io *io, const void *setp, int width, unsigned long long v,
                     const char **label)
{
    SET s;
    DWORD i;

    if (set_header(io, setp, &s)) return 0;
    for (i = 0; i < s.nEntries; i++) {
        if (width == 1) {
            LABELED_BYTE e;
            if (io->copy(&e, s.lpLabeledByteTable + i, sizeof(e))) return 0;
            if (e.Value == v) { *label = e.Label; return 1; }
        } else if (width == 2) {
            LABELED_WORD e;
            if (io->copy(&e, s.lpLabeledWordTable + i, sizeof(e))) return 0;
            if (e.Value == v) { *label = e.Label; return 1; }
        } else {
            LABELED_DWORD e;
            if (io->copy(&e, s.lpLabeledDwordTable + i, sizeof(e))) return 0;
            if (e.Value == v) { *label = e.Label; return 1; }
        }
    }
    return 0;
}

/* Plain-value set membership (PROP_QUAL_SET). */
static int set_member(const struct nm_fmt_io *io, const void *setp, int width, unsigned long long v)
{
    SET s;
    DWORD i;
    BYTE e[8];

    if (set_header(io, setp, &s) || width > 8) return 0;
    for (i = 0; i < s.nEntries; i++) {
        if (io->copy(e, (const BYTE *)s.lpVoidTable + (size_t)i * (size_t)width, (size_t)width)) return 0;
        if (get_value(e, width, 0) == v) return 1;
    }
    return 0;
}

static void put_labeled(struct sb *b, const struct nm_fmt_io *io, const void *setp, int width,
                        unsigned long long v)
{
    const char *label;

    sb_put(b, "%llu", v);
    if (set_label(io, setp, width, v, &label) && label) {
        sb_put(b, " (");
        sb_str(b, io, label, NM_FMT_MAX_LABEL);
        sb_char(b, ')');
    }
}

/* FLAGS: the on-labels of the listed bits that are set (netmon-sdk-help.md §2.5: only the
 * listed bits are shown). */
static void put_bit_flags(struct sb *b, const struct nm_fmt_io *io, const void *setp,
                          unsigned long long v)
{
    SET s;
    LABELED_BIT e;
    DWORD i;
    int first = 1;

    sb_put(b, "0x%llx", v);
    if (set_header(io, setp, &s)) return;
    for (i = 0; i < s.nEntries; i++) {
        if (io->copy(&e, s.lpLabeledBit + i, sizeof(e))) return;
        if (e.BitNumber >= 64 || !((v >> e.BitNumber) & 1) || !e.LabelOn) continue;
        sb_put(b, first ? ": " : ", ");
        sb_str(b, io, e.LabelOn, NM_FMT_MAX_LABEL);
        first = 0;
    }
}

/* A labelled set whose values are bit masks: the labels of those all set in v. */
static void put_set_as_flags(struct sb *b, const struct nm_fmt_io *io, const void *setp, int width,
                             unsigned long long v)
{
    SET s;
    DWORD i;
    int first = 1;

    sb_put(b, "0x%llx", v);
    if (set_header(io, setp, &s)) return;
    for (i = 0; i < s.nEntries; i++) {
        unsigned long long m;
        const char *label;
        if (width == 1) {
            LABELED_BYTE e;
            if (io->copy(&e, s.lpLabeledByteTable + i, sizeof(e))) return;
            m = e.Value; label = e.Label;
        } else if (width == 2) {
            LABELED_WORD e;
            if (io->copy(&e, s.lpLabeledWordTable + i, sizeof(e))) return;
            m = e.Value; label = e.Label;
        } else {
            LABELED_DWORD e;
            if (io->copy(&e, s.lpLabeledDwordTable + i, sizeof(e))) return;
            m = e.Value; label = e.Label;
        }
        if (!m || (v & m) != m || !label) continue;
        sb_put(b, first ? ": " : ", ");
        sb_str(b, io, label, NM_FMT_MAX_LABEL);
        first = 0;
    }
}

static void put_string(struct sb *b, const BYTE *d, size_t n, int unicode)
{
    size_t i;

    if (unicode) {
        for (i = 0; i + 1 < n; i += 2) {
            unsigned c = d[i] | ((unsigned)d[i + 1] << 8);
            if (!c) break;
            sb_char(b, c < 0x20 ? '.' : c < 0x7f ? (char)c : '?');
        }
        return;
    }
    for (i = 0; i < n && d[i]; i++) sb_char(b, d[i] >= 0x20 && d[i] < 0x7f ? (char)d[i] : '.');
}

/* BER object identifier contents (SNMP): "1.3.6.1.2.1". */
static void put_oid(struct sb *b, const BYTE *d, size_t n)
{
    unsigned long long arc = 0;
    size_t i;
    int first = 1;

    for (i = 0; i < n; i++) {
        arc = (arc << 7) | (d[i] & 0x7f);
        if (d[i] & 0x80) { if (arc >> 56) { sb_put(b, "?"); return; } continue; }
        if (first) sb_put(b, "%llu.%llu", arc < 80 ? arc / 40 : 2, arc < 80 ? arc % 40 : arc - 80);
        else sb_put(b, ".%llu", arc);
        first = 0;
        arc = 0;
    }
}

size_t nm_fmt_instance(const struct nm_fmt_io *io, const PROPERTYINST *pi,
                       const PROPERTYINFO *info, const struct nm_fmt_req *req,
                       char *out, size_t size)
{
    struct sb b = { out, size, 0 };
    BYTE d[MAX_DATA];
    size_t n = 0, total = 0;
    int width, big, style = req ? req->style : NM_FMT_GENERIC, type, qual;
    unsigned long long v;

    if (!out || !size) return 0;
    out[0] = 0;
    if (!pi || !info) return 0;
    type = info->DataType;
    qual = info->DataQualifier;
    sb_str(&b, io, info->Label, NM_FMT_MAX_LABEL);
    if (style == NM_FMT_NAME) return b.len;
    if (style == NM_FMT_GENERIC && type == PROP_TYPE_RAW_DATA) {
        sb_put(&b, " (%u bytes)", pi->DataLength == 0xffff ? 0u : (unsigned)pi->DataLength);
        return b.len;
    }
    sb_put(&b, " = ");
    if (get_data(io, pi, d, sizeof(d), &n, &total)) { sb_put(&b, "(unreadable data)"); return b.len; }

    width = req && req->width ? req->width : type_width((BYTE)type);
    big = (req && req->swap) || type == PROP_TYPE_BYTESWAPPED_WORD ||
          type == PROP_TYPE_BYTESWAPPED_DWORD || (pi->IFlags & IFLAG_SWAPPED);
    if (style == NM_FMT_STRING) { put_string(&b, d, n, (pi->IFlags & IFLAG_UNICODE) != 0); return b.len; }
    if (style == NM_FMT_HEX) {
        char hex[3 * 64];
        nm_fmt_hexbytes(hex, sizeof(hex), d, n, 1, 0);
        sb_put(&b, "%s", hex);
        return b.len;
    }
    if (style == NM_FMT_TIME || (style == NM_FMT_GENERIC && type == PROP_TYPE_TIME)) {
        SYSTEMTIME t;
        char s[32];
        if (n < sizeof(t)) { sb_put(&b, "(%u bytes, not a time)", (unsigned)total); return b.len; }
        memcpy(&t, d, sizeof(t));
        nm_fmt_systime(s, sizeof(s), &t);
        sb_put(&b, "%s", s);
        return b.len;
    }
    if (style != NM_FMT_GENERIC || (width && qual != PROP_QUAL_ARRAY)) {
        if (!width || width > 8 || n < (size_t)width) {
            char hex[3 * 16];
            nm_fmt_hexbytes(hex, sizeof(hex), d, n, 1, 0);
            sb_put(&b, "%s", hex);
            return b.len;
        }
        v = get_value(d, width, big);
        switch (style) {
        case NM_FMT_NUMBER: put_number(&b, v, req->base, width); return b.len;
        case NM_FMT_LABELED_SET: put_labeled(&b, io, info->lpSet, width, v); return b.len;
        case NM_FMT_SET_AS_FLAGS: put_set_as_flags(&b, io, info->lpSet, width, v); return b.len;
        case NM_FMT_BIT_FLAGS: put_bit_flags(&b, io, info->lpSet, v); return b.len;
        default: break;
        }
        switch (qual) {
        case PROP_QUAL_LABELED_SET: put_labeled(&b, io, info->lpSet, width, v); break;
        case PROP_QUAL_FLAGS: put_bit_flags(&b, io, info->lpSet, v); break;
        case PROP_QUAL_RANGE: {
            RANGE r;
            put_number(&b, v, 0, width);
            if (info->lpRange && !io->copy(&r, info->lpRange, sizeof(r)))
                sb_put(&b, " Range:(%lu (0x%lx) - %lu (0x%lx))", (unsigned long)r.MinValue,
                       (unsigned long)r.MinValue, (unsigned long)r.MaxValue, (unsigned long)r.MaxValue);
            break;
        }
        case PROP_QUAL_SET:
            put_number(&b, v, 0, width);
            sb_put(&b, set_member(io, info->lpSet, width, v) ? ", Matches Set Value" : ", Unknown Set Value");
            break;
        default: put_number(&b, v, 0, width); break;
        }
        return b.len;
    }
    switch (type) {
    case PROP_TYPE_IP_ADDRESS:
        if (n >= 4) { sb_put(&b, "%u.%u.%u.%u", d[0], d[1], d[2], d[3]); return b.len; }
        break;
    case PROP_TYPE_IP6_ADDRESS:
        if (n >= 16) { char s[48]; nm_fmt_ip6(s, sizeof(s), d); sb_put(&b, "%s", s); return b.len; }
        break;
    case PROP_TYPE_ADDR: case PROP_TYPE_ETHERNET_ADDRESS: case PROP_TYPE_TOKENRING_ADDRESS:
    case PROP_TYPE_FDDI_ADDRESS:
        if (n >= 6) {
            sb_put(&b, "%02x:%02x:%02x:%02x:%02x:%02x", d[0], d[1], d[2], d[3], d[4], d[5]);
            return b.len;
        }
        break;
    case PROP_TYPE_STRING: case PROP_TYPE_SRCFRIENDLYNAME: case PROP_TYPE_DSTFRIENDLYNAME:
        put_string(&b, d, n, (pi->IFlags & IFLAG_UNICODE) != 0);
        return b.len;
    case PROP_TYPE_VAR_LEN_SMALL_INT:
        if (n >= 1 && n <= 8) { sb_put(&b, "%llu", get_value(d, (int)n, !(pi->IFlags & IFLAG_SWAPPED) ? 0 : 1)); return b.len; }
        break;
    case PROP_TYPE_OBJECT_IDENTIFIER:
        put_oid(&b, d, n);
        return b.len;
    default: break;
    }
    {
        char hex[3 * 64];
        int group = qual == PROP_QUAL_ARRAY && (type == PROP_TYPE_WORD || type == PROP_TYPE_DWORD)
                    ? type_width((BYTE)type) : 1;
        nm_fmt_hexbytes(hex, sizeof(hex), d, n, group, 0);
        sb_put(&b, "%s", hex);
        if (total > n || strlen(hex) + 1 >= sizeof(hex)) sb_put(&b, "...");
    }
    return b.len;
}
