/*
 * test_capture.c - white-box suite "capture": the NetMon 2.x, pcap and pcapng readers.
 *
 * The test writes its own files (so they exist under Wine): one frame set encoded in
 * every format and byte order must read back identically (lengths, timestamps, bytes,
 * link types) forward, backward and at random; hostile files must fail with the
 * offset of the bad field; a 1,000,000-frame file must read quickly with a bounded
 * index; the committed data/sample.cap must have the frame count capinfos reports.
 */
#include <stdlib.h>
#include <string.h>
#include "test_util.h"
#include "capture_private.h"

/* ---- positional reads over Win32 ReadFile with an OVERLAPPED offset ---- */

static size_t win_read_at(void *handle, uint64_t offset, void *buf, size_t len)
{
    size_t done = 0;

    while (done < len) {
        OVERLAPPED ov;
        DWORD got = 0, want = len - done > (1u << 30) ? (1u << 30) : (DWORD)(len - done);
        uint64_t o = offset + done;
        memset(&ov, 0, sizeof(ov));
        ov.Offset = (DWORD)o;
        ov.OffsetHigh = (DWORD)(o >> 32);
        if (!ReadFile((HANDLE)handle, (char *)buf + done, want, &got, &ov)) {
            if (GetLastError() == ERROR_HANDLE_EOF) break;
            return (size_t)-1;
        }
        if (!got) break;
        done += got;
    }
    return done;
}

static int io_open(const char *path, struct nm_io *io)
{
    LARGE_INTEGER size;
    HANDLE h = CreateFileA(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_DELETE, NULL,
                           OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    if (h == INVALID_HANDLE_VALUE) return -1;
    GetFileSizeEx(h, &size);
    io->read_at = win_read_at;
    io->handle = h;
    io->size = (uint64_t)size.QuadPart;
    return 0;
}

static void io_close(struct nm_io *io)
{
    if (io->handle) CloseHandle((HANDLE)io->handle);
    io->handle = NULL;
}

/* ---- a byte buffer the writers fill ---- */

struct wbuf { uint8_t *p; size_t len, cap; int be; };

static void put(struct wbuf *b, const void *src, size_t n)
{
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2 + 4096;
        b->p = realloc(b->p, b->cap);
    }
    memcpy(b->p + b->len, src, n);
    b->len += n;
}
static void put8(struct wbuf *b, uint8_t v) { put(b, &v, 1); }
static void put16(struct wbuf *b, uint16_t v)
{
    uint8_t x[2] = { (uint8_t)(b->be ? v >> 8 : v), (uint8_t)(b->be ? v : v >> 8) };
    put(b, x, 2);
}
static void put32(struct wbuf *b, uint32_t v)
{
    if (b->be) { put16(b, (uint16_t)(v >> 16)); put16(b, (uint16_t)v); }
    else { put16(b, (uint16_t)v); put16(b, (uint16_t)(v >> 16)); }
}
static void put64(struct wbuf *b, uint64_t v)
{
    if (b->be) { put32(b, (uint32_t)(v >> 32)); put32(b, (uint32_t)v); }
    else { put32(b, (uint32_t)v); put32(b, (uint32_t)(v >> 32)); }
}
static void set32(struct wbuf *b, size_t at, uint32_t v)
{
    size_t keep = b->len;
    b->len = at;
    put32(b, v);
    b->len = keep;
}
static void pad4(struct wbuf *b) { while (b->len % 4) put8(b, 0); }

static const char *write_file(const char *name, const void *data, size_t len)
{
    static char path[4][MAX_PATH];
    static int next;
    char *p = path[next++ & 3];
    FILE *f;

    snprintf(p, MAX_PATH, "%s", nm_test_tmp(name));
    if ((f = fopen(p, "wb"))) {
        if (len) fwrite(data, 1, len, f);
        fclose(f);
    }
    return p;
}

/* ---- the reference frame set ---- */

#define NFR 600                     /* more than two checkpoint blocks */
#define T0_US 1700000000123000ll    /* 2023-11-14 22:13:20.123 UTC, millisecond-aligned
                                     * so NetMon's SYSTEMTIME start holds it exactly */

static uint32_t fr_caplen(uint32_t i) { return i == 5 ? 0 : 14 + (i * 37) % 1500; }
static uint32_t fr_origlen(uint32_t i) { return fr_caplen(i) + (i % 10 == 3 ? 100 : 0); }
static int64_t fr_ts(uint32_t i) { return T0_US + (int64_t)i * 1000003; }
static uint8_t fr_byte(uint32_t i, uint32_t j) { return (uint8_t)(i * 7 + j * 13 + 1); }
static uint32_t fr_link2(uint32_t i) { return i % 3 == 2 ? 101 : 1; }  /* two interfaces */

static void put_data(struct wbuf *b, uint32_t i)
{
    uint32_t j;
    for (j = 0; j < fr_caplen(i); j++) put8(b, fr_byte(i, j));
}

static void w_pcap(struct wbuf *b, int be, int nsec, uint32_t nfr)
{
    uint32_t i;

    b->be = be;
    put32(b, nsec ? 0xa1b23c4du : 0xa1b2c3d4u);
    put16(b, 2); put16(b, 4); put32(b, 0); put32(b, 0); put32(b, 65535); put32(b, 1);
    for (i = 0; i < nfr; i++) {
        int64_t t = fr_ts(i);
        put32(b, (uint32_t)(t / 1000000));
        /* nanosecond files carry 999 ns below the microsecond: readers truncate */
        put32(b, nsec ? (uint32_t)(t % 1000000) * 1000 + 999 : (uint32_t)(t % 1000000));
        put32(b, fr_caplen(i)); put32(b, fr_origlen(i));
        put_data(b, i);
    }
}

static void ng_block_start(struct wbuf *b, uint32_t type, size_t *start)
{
    *start = b->len;
    put32(b, type);
    put32(b, 0);            /* length, fixed by ng_block_end */
}

static void ng_block_end(struct wbuf *b, size_t start)
{
    uint32_t len = (uint32_t)(b->len - start + 4);
    put32(b, len);
    set32(b, start + 4, len);
}

static void w_shb(struct wbuf *b)
{
    size_t s;
    ng_block_start(b, 0x0a0d0d0au, &s);
    put32(b, 0x1a2b3c4du); put16(b, 1); put16(b, 0); put64(b, ~0ull);
    ng_block_end(b, s);
}

static void w_idb(struct wbuf *b, uint16_t link, int tsresol)
{
    size_t s;
    ng_block_start(b, 1, &s);
    put16(b, link); put16(b, 0); put32(b, 0);
    if (tsresol >= 0) {
        put16(b, 2); put16(b, 4); put(b, "if-x", 4);          /* if_name, skipped */
        put16(b, 9); put16(b, 1); put8(b, (uint8_t)tsresol); pad4(b);
        put16(b, 0); put16(b, 0);
    }
    ng_block_end(b, s);
}

/* Interface 0: Ethernet, default microseconds; interface 1 (two_if): raw IP with
 * if_tsresol 9 (nanoseconds). Unknown and statistics blocks sit between packets. */
static void w_pcapng(struct wbuf *b, int be, int two_if, uint32_t nfr)
{
    uint32_t i;
    size_t s;

    b->be = be;
    w_shb(b);
    w_idb(b, 1, two_if ? 6 : -1);
    if (two_if) w_idb(b, 101, 9);
    for (i = 0; i < nfr; i++) {
        int on1 = two_if && fr_link2(i) == 101;
        uint64_t ts = on1 ? (uint64_t)fr_ts(i) * 1000 + 999 : (uint64_t)fr_ts(i);
        if (i % 97 == 1) {                      /* a block type we do not know */
            ng_block_start(b, 0x40000bad, &s); put32(b, 0x12345678); ng_block_end(b, s);
        }
        ng_block_start(b, 6, &s);
        put32(b, on1 ? 1 : 0); put32(b, (uint32_t)(ts >> 32)); put32(b, (uint32_t)ts);
        put32(b, fr_caplen(i)); put32(b, fr_origlen(i));
        put_data(b, i); pad4(b);
        if (i % 5 == 0) {                       /* opt_comment, then opt_endofopt */
            put16(b, 1); put16(b, 5); put(b, "hello", 5); pad4(b); put16(b, 0); put16(b, 0);
        }
        ng_block_end(b, s);
    }
    ng_block_start(b, 5, &s);                   /* interface statistics: skipped */
    put32(b, 0); put32(b, 0); put32(b, 0);
    ng_block_end(b, s);
}

/* NetMon 2.x: 128-byte header, records, frame table last (as editcap writes). minor 1
 * adds the 2-byte MAC trailer; shuffle stores the records in reverse file order so only
 * the frame table gives the sequence. */
static void w_netmon(struct wbuf *b, int minor, int shuffle, uint32_t nfr)
{
    uint32_t *table = calloc(nfr + 1, sizeof(*table)), i, k;
    static const uint16_t st[8] = { 2023, 11, 2, 14, 22, 13, 20, 123 };

    b->be = 0;
    put(b, "GMBU", 4); put8(b, (uint8_t)minor); put8(b, 2); put16(b, 1);
    for (i = 0; i < 8; i++) put16(b, st[i]);
    while (b->len < 128) put8(b, 0);
    for (k = 0; k < nfr; k++) {
        i = shuffle ? nfr - 1 - k : k;
        table[i] = (uint32_t)b->len;
        put64(b, (uint64_t)(fr_ts(i) - T0_US));
        put32(b, fr_origlen(i)); put32(b, fr_caplen(i));
        put_data(b, i);
        if (minor >= 1) put16(b, 1);
    }
    set32(b, 24, (uint32_t)b->len);
    set32(b, 28, nfr * 4);
    for (i = 0; i < nfr; i++) put32(b, table[i]);
    free(table);
}

/* ---- checks ---- */

struct opened { struct nm_io io; struct nm_capture *cap; char err[NM_CAPTURE_ERRLEN]; };

static int open_buf(struct opened *o, const char *name, const struct wbuf *b)
{
    const char *path = write_file(name, b->p, b->len);
    memset(o, 0, sizeof(*o));
    if (io_open(path, &o->io)) { CHECK_MSG(0, "cannot open %s", path); return -1; }
    if (nm_capture_open(&o->io, name, &o->cap, o->err)) {
        io_close(&o->io);
        return -1;
    }
    return 0;
}

static void close_opened(struct opened *o)
{
    nm_capture_close(o->cap);
    io_close(&o->io);
}

/* Frame n as the reference says, link type by the file's interfaces. */
static int check_frame(struct nm_cursor *cur, uint32_t n, int two_if, const char *what)
{
    struct nm_frame_info fi;
    const uint8_t *d = NULL;
    char err[NM_CAPTURE_ERRLEN] = "";
    uint32_t j;
    int rc = nm_cursor_read(cur, n, &fi, &d, err);

    if (rc) { CHECK_MSG(0, "%s frame %u: rc %d, got \"%s\"", what, n, rc, err); return -1; }
    if (fi.caplen != fr_caplen(n) || fi.origlen != fr_origlen(n) || fi.ts_us != fr_ts(n) ||
        fi.link_type != (two_if ? fr_link2(n) : 1)) {
        CHECK_MSG(0, "%s frame %u: got caplen %u origlen %u ts %lld link %u, expected %u %u "
                  "%lld %u", what, n, fi.caplen, fi.origlen, (long long)fi.ts_us, fi.link_type,
                  fr_caplen(n), fr_origlen(n), (long long)fr_ts(n), two_if ? fr_link2(n) : 1);
        return -1;
    }
    for (j = 0; j < fi.caplen; j++)
        if (d[j] != fr_byte(n, j)) {
            CHECK_MSG(0, "%s frame %u byte %u: got %u, expected %u", what, n, j, d[j],
                      fr_byte(n, j));
            return -1;
        }
    return 0;
}

static void check_all(const char *name, struct wbuf *b, const char *fmt, int two_if)
{
    struct opened o;
    struct nm_cursor *cur;
    uint64_t bytes = 0;
    uint32_t i, bad = 0;
    struct nm_frame_info fi;
    const uint8_t *d;

    for (i = 0; i < NFR; i++) bytes += fr_origlen(i);
    if (open_buf(&o, name, b)) { CHECK_MSG(0, "%s: open failed: %s", name, o.err); return; }
    CHECK_STR(nm_capture_format_name(o.cap), fmt);
    CHECK_EQ_U(nm_capture_frames(o.cap), NFR);
    CHECK_EQ_U(nm_capture_bytes(o.cap), bytes);
    CHECK_EQ_U(nm_capture_start_us(o.cap), T0_US);
    CHECK_EQ_U(nm_capture_link_type(o.cap), 1);
    cur = nm_cursor_new(o.cap);
    for (i = 0; i < NFR && bad < 3; i++) bad += check_frame(cur, i, two_if, "forward") != 0;
    for (i = NFR; i-- > 0 && bad < 3;) bad += check_frame(cur, i, two_if, "backward") != 0;
    /* random access: a fixed pseudo-random walk */
    for (i = 0; i < 2000 && bad < 3; i++) {
        uint32_t n = (i * 2654435761u >> 7) % NFR;
        bad += check_frame(cur, n, two_if, "random") != 0;
    }
    CHECK_EQ_U(nm_cursor_read(cur, NFR, &fi, &d, NULL), 1);
    CHECK_EQ_U(nm_cursor_read(cur, UINT32_MAX, &fi, &d, NULL), 1);
    CHECK_EQ_U(bad, 0);
    nm_cursor_free(cur);
    close_opened(&o);
    free(b->p);
    memset(b, 0, sizeof(*b));
}

static void test_capture_pcap_usec_le(void)
{ struct wbuf b = { 0 }; w_pcap(&b, 0, 0, NFR); check_all("usec-le.pcap", &b, "pcap", 0); }
static void test_capture_pcap_usec_be(void)
{ struct wbuf b = { 0 }; w_pcap(&b, 1, 0, NFR); check_all("usec-be.pcap", &b, "pcap", 0); }
static void test_capture_pcap_nsec_le(void)
{ struct wbuf b = { 0 }; w_pcap(&b, 0, 1, NFR); check_all("nsec-le.pcap", &b, "pcap", 0); }
static void test_capture_pcap_nsec_be(void)
{ struct wbuf b = { 0 }; w_pcap(&b, 1, 1, NFR); check_all("nsec-be.pcap", &b, "pcap", 0); }
static void test_capture_pcapng_le(void)
{ struct wbuf b = { 0 }; w_pcapng(&b, 0, 0, NFR); check_all("le.pcapng", &b, "pcapng", 0); }
static void test_capture_pcapng_be(void)
{ struct wbuf b = { 0 }; w_pcapng(&b, 1, 0, NFR); check_all("be.pcapng", &b, "pcapng", 0); }
static void test_capture_pcapng_two_interfaces(void)
{
    struct wbuf b = { 0 };
    w_pcapng(&b, 0, 1, NFR); check_all("two-le.pcapng", &b, "pcapng", 1);
    w_pcapng(&b, 1, 1, NFR); check_all("two-be.pcapng", &b, "pcapng", 1);
}
static void test_capture_netmon2(void)
{ struct wbuf b = { 0 }; w_netmon(&b, 0, 0, NFR); check_all("v20.cap", &b, "netmon2", 0); }
static void test_capture_netmon2_trailer_and_table_order(void)
{
    struct wbuf b = { 0 };
    w_netmon(&b, 1, 1, NFR); check_all("v21-reversed.cap", &b, "netmon2", 0);
}

/* The same file twice, the second section big-endian with its own interfaces (a new
 * SHB forgets the old ones); an SPB takes interface 0 and has no timestamp. */
static void test_capture_pcapng_sections_and_spb(void)
{
    struct wbuf b = { 0 };
    struct opened o;
    struct nm_cursor *cur;
    struct nm_frame_info fi;
    const uint8_t *d;
    char err[NM_CAPTURE_ERRLEN];
    size_t s;

    b.be = 0;
    w_shb(&b); w_idb(&b, 1, -1);
    ng_block_start(&b, 3, &s); put32(&b, 5); put(&b, "abcde", 5); pad4(&b); ng_block_end(&b, s);
    b.be = 1;
    w_shb(&b); w_idb(&b, 105, 3); w_idb(&b, 113, 0x80 | 10);   /* ms; 2^-10 s */
    ng_block_start(&b, 6, &s); put32(&b, 1); put32(&b, 0); put32(&b, 3 * 1024 + 512);
    put32(&b, 2); put32(&b, 2); put(&b, "xy", 2); pad4(&b); ng_block_end(&b, s);
    ng_block_start(&b, 6, &s); put32(&b, 0); put32(&b, (uint32_t)(1700000000123ull >> 32));
    put32(&b, (uint32_t)1700000000123ull);
    put32(&b, 1); put32(&b, 1); put(&b, "z", 1); pad4(&b); ng_block_end(&b, s);
    if (open_buf(&o, "sections.pcapng", &b)) { CHECK_MSG(0, "open: %s", o.err); free(b.p); return; }
    CHECK_EQ_U(nm_capture_frames(o.cap), 3);
    cur = nm_cursor_new(o.cap);
    CHECK_EQ_U(nm_cursor_read(cur, 0, &fi, &d, err), 0);
    CHECK_EQ_U(fi.caplen, 5); CHECK_EQ_U(fi.ts_us, 0); CHECK_EQ_U(fi.link_type, 1);
    CHECK(!memcmp(d, "abcde", 5));
    CHECK_EQ_U(nm_cursor_read(cur, 1, &fi, &d, err), 0);
    CHECK_EQ_U(fi.link_type, 113); CHECK_EQ_U(fi.ts_us, 3500000);   /* 3.5 s in 2^-10 */
    CHECK(!memcmp(d, "xy", 2));
    CHECK_EQ_U(nm_cursor_read(cur, 2, &fi, &d, err), 0);
    CHECK_EQ_U(fi.link_type, 105); CHECK_EQ_U(fi.ts_us, 1700000000123000ll);
    CHECK_EQ_U(nm_cursor_read(cur, 0, &fi, &d, err), 0);       /* back to section 1 */
    CHECK_EQ_U(fi.link_type, 1);
    nm_cursor_free(cur);
    close_opened(&o);
    free(b.p);
}

static void test_capture_zero_frames(void)
{
    struct wbuf b[3] = { { 0 }, { 0 }, { 0 } };
    static const char *const names[3] = { "zero.pcap", "zero.pcapng", "zero.cap" };
    struct opened o;
    struct nm_frame_info fi;
    const uint8_t *d;
    int i;

    w_pcap(&b[0], 0, 0, 0);
    w_pcapng(&b[1], 0, 0, 0);
    w_netmon(&b[2], 0, 0, 0);
    for (i = 0; i < 3; i++) {
        struct nm_cursor *cur;
        if (open_buf(&o, names[i], &b[i])) { CHECK_MSG(0, "%s: %s", names[i], o.err); continue; }
        CHECK_EQ_U(nm_capture_frames(o.cap), 0);
        CHECK_EQ_U(nm_capture_bytes(o.cap), 0);
        CHECK_EQ_U(nm_capture_link_type(o.cap), 1);
        cur = nm_cursor_new(o.cap);
        CHECK_EQ_U(nm_cursor_read(cur, 0, &fi, &d, NULL), 1);
        nm_cursor_free(cur);
        close_opened(&o);
        free(b[i].p);
    }
}

/* ---- hostile files: each fails at open with "NAME: offset N: ..." ---- */

static void expect_fail(const char *name, struct wbuf *b, const char *expect)
{
    struct opened o;
    char want[NM_CAPTURE_ERRLEN];

    snprintf(want, sizeof(want), "%s: %s", name, expect);
    if (!open_buf(&o, name, b)) {
        CHECK_MSG(0, "%s: opened, expected failure \"%s\"", name, want);
        close_opened(&o);
    } else {
        CHECK_MSG(!strncmp(o.err, want, strlen(want)) && !strchr(o.err, '\n'),
                  "%s: got \"%s\", expected \"%s...\"", name, o.err, want);
    }
    free(b->p);
    memset(b, 0, sizeof(*b));
}

static void test_capture_hostile_common(void)
{
    struct wbuf b = { 0 };
    expect_fail("empty.bin", &b, "offset 0: 4 bytes needed");
    put(&b, "\x7f" "ELF\x02\x01\x01\0", 8);
    expect_fail("elf.bin", &b, "offset 0: unknown magic 7f454c46");
    put(&b, "RTSS", 4); while (b.len < 128) put8(&b, 0);
    expect_fail("v1.cap", &b, "offset 0: NetMon 1.x");
}

static void test_capture_hostile_pcap(void)
{
    struct wbuf b = { 0 };
    put32(&b, 0xa1b2c3d4u); put32(&b, 0x00040002u);
    expect_fail("short.pcap", &b, "offset 0: pcap file header truncated");
    w_pcap(&b, 0, 0, 0); b.p[4] = 9;
    expect_fail("version.pcap", &b, "offset 4: pcap version 9.4");
    w_pcap(&b, 0, 0, 2); b.len -= 3;
    expect_fail("cut.pcap", &b, "offset 54: captured length 51 runs past the end");
    w_pcap(&b, 0, 0, 1); put32(&b, 0); put32(&b, 0);
    expect_fail("cuthdr.pcap", &b, "offset 54: record header truncated");
    w_pcap(&b, 1, 0, 1); set32(&b, 24 + 8, 300000);
    expect_fail("huge.pcap", &b, "offset 24: captured length 300000 exceeds the maximum");
    w_pcap(&b, 0, 1, 3); set32(&b, 24 + 8, 0xffffffffu);
    expect_fail("wrap.pcap", &b, "offset 24: captured length 4294967295 exceeds");
}

static void test_capture_hostile_pcapng(void)
{
    struct wbuf b = { 0 };
    size_t s;

    w_shb(&b); set32(&b, 8, 0x11223344u);
    expect_fail("bom.pcapng", &b, "offset 8: bad byte-order magic");
    w_shb(&b); b.len -= 4; set32(&b, 4, 24); set32(&b, 20, 24);
    expect_fail("shb.pcapng", &b, "offset 0: section header of 24 bytes");
    w_shb(&b); w_idb(&b, 1, -1); set32(&b, 28 + 4, 22);
    expect_fail("len4.pcapng", &b, "offset 28: block length 22 not a multiple of 4");
    w_shb(&b); w_idb(&b, 1, -1); set32(&b, 28 + 4, 8);
    expect_fail("len8.pcapng", &b, "offset 28: block length 8 below the minimum 12");
    w_shb(&b); w_idb(&b, 1, -1); set32(&b, 28 + 4, 0);
    expect_fail("len0.pcapng", &b, "offset 28: block length 0 below the minimum 12");
    w_shb(&b); w_idb(&b, 1, -1); set32(&b, 28 + 4, 0x7ffffff0u);
    expect_fail("past.pcapng", &b, "offset 28: block of 2147483632 bytes runs past the end");
    w_shb(&b); w_idb(&b, 1, -1); set32(&b, 28 + 16, 24);
    expect_fail("trail.pcapng", &b, "offset 44: trailing block length 24 differs from 20");
    w_shb(&b); ng_block_start(&b, 1, &s); put32(&b, 1); ng_block_end(&b, s);
    expect_fail("idbmin.pcapng", &b, "offset 28: interface description of 16 bytes");
    w_shb(&b); w_idb(&b, 1, -1);
    ng_block_start(&b, 1, &s); put32(&b, 1); put32(&b, 0); put16(&b, 9); put16(&b, 200);
    put32(&b, 0); ng_block_end(&b, s);
    expect_fail("opt.pcapng", &b, "offset 64: interface option 9 of 200 bytes runs past");
    w_shb(&b); w_idb(&b, 1, -1);
    ng_block_start(&b, 6, &s); put32(&b, 0); put32(&b, 0); put32(&b, 0); put32(&b, 100);
    put32(&b, 100); ng_block_end(&b, s);
    expect_fail("epbfit.pcapng", &b, "offset 48: captured length 100 does not fit in a "
                "block of 32 bytes");
    w_shb(&b); w_idb(&b, 1, -1);
    ng_block_start(&b, 6, &s); put32(&b, 5); put32(&b, 0); put32(&b, 0); put32(&b, 0);
    put32(&b, 0); ng_block_end(&b, s);
    expect_fail("ifid.pcapng", &b, "offset 48: packet on interface 5, but the section "
                "describes 1");
    w_shb(&b); ng_block_start(&b, 3, &s); put32(&b, 0); ng_block_end(&b, s);
    expect_fail("spbnoif.pcapng", &b, "offset 28: simple packet block without an interface");
    w_shb(&b); w_idb(&b, 1, -1); put32(&b, 6); put32(&b, 32);
    expect_fail("tail.pcapng", &b, "offset 48: block header truncated (8 bytes left)");
    w_shb(&b); w_idb(&b, 1, -1);
    ng_block_start(&b, 6, &s); put32(&b, 0); put32(&b, 0); put32(&b, 0);
    put32(&b, 300000); put32(&b, 300000);
    while (b.len - s < 300000 + 28) put32(&b, 0);
    ng_block_end(&b, s);
    expect_fail("bigcap.pcapng", &b, "offset 48: captured length 300000 exceeds the maximum");
}

static void test_capture_hostile_netmon2(void)
{
    struct wbuf b = { 0 };

    put(&b, "GMBU", 4); put32(&b, 0x0102);
    expect_fail("short.cap", &b, "offset 0: NetMon header truncated");
    w_netmon(&b, 0, 0, 3); b.p[5] = 3;
    expect_fail("v3.cap", &b, "offset 5: NetMon version 3.0 not supported");
    w_netmon(&b, 0, 0, 3); set32(&b, 28, 10);
    expect_fail("tlen.cap", &b, "offset 28: frame table length 10 not a multiple of 4");
    w_netmon(&b, 0, 0, 3); set32(&b, 24, 1000000000u);
    expect_fail("toff.cap", &b, "offset 24: frame table (offset 1000000000, 12 bytes) lies "
                "outside the file");
    w_netmon(&b, 0, 0, 3); set32(&b, 28, 0x40000000u);
    expect_fail("tcount.cap", &b, "offset 24: frame table");
    w_netmon(&b, 0, 0, 3); set32(&b, b.len - 8, 0x7fffffffu);
    expect_fail("entry.cap", &b, "offset 333: frame table entry 2 points to offset 2147483647");
    w_netmon(&b, 0, 0, 3); set32(&b, 128 + 12, 300000);
    expect_fail("huge.cap", &b, "offset 128: frame 1: captured length 300000 exceeds");
    w_netmon(&b, 0, 0, 3); set32(&b, 128 + 12, 100000);
    expect_fail("past.cap", &b, "offset 128: frame 1 (100016 bytes with header) runs past");
    w_netmon(&b, 0, 0, 3); set32(&b, b.len - 4, (uint32_t)b.len - 10);
    expect_fail("hdr.cap", &b, "offset 331: frame 3 header truncated");
    w_netmon(&b, 0, 0, 1); b.p[10] = 13;
    expect_fail("month.cap", &b, "offset 8: bad start time 2023-13-14");
}

/* A hostile file must also be safe through a cursor when it changes after open. */
static void test_capture_read_errors_have_offsets(void)
{
    struct wbuf b = { 0 };
    struct opened o;
    struct nm_cursor *cur;
    struct nm_frame_info fi;
    const uint8_t *d;
    char err[NM_CAPTURE_ERRLEN];
    int rc;

    w_pcap(&b, 0, 0, 10);
    if (open_buf(&o, "shrink.pcap", &b)) { CHECK_MSG(0, "open: %s", o.err); free(b.p); return; }
    o.cap->io.size = 100;              /* the file "shrank" after open */
    cur = nm_cursor_new(o.cap);
    strcpy(err, "poison");
    rc = nm_cursor_read(cur, 9, &fi, &d, err);
    CHECK_MSG(rc == -1, "rc: got %d, expected -1", rc);
    CHECK_MSG(!strncmp(err, "shrink.pcap: offset ", 20), "got \"%s\", expected "
              "\"shrink.pcap: offset ...\"", err);
    nm_cursor_free(cur);
    close_opened(&o);
    free(b.p);
}

/* ---- a million frames: sequential speed and a bounded index ---- */

static void test_capture_million_frames(void)
{
    const uint32_t n = 1000000;
    const char *path = nm_test_tmp("million.pcap");
    static uint8_t chunk[1 << 20];
    struct nm_io io;
    struct nm_capture *cap;
    struct nm_cursor *cur;
    struct nm_frame_info fi;
    const uint8_t *d;
    char err[NM_CAPTURE_ERRLEN], keep[MAX_PATH];
    LARGE_INTEGER f, t0, t1, t2;
    uint64_t sum = 0;
    uint32_t i, bad = 0;
    size_t used = 0;
    FILE *fp;

    snprintf(keep, sizeof(keep), "%s", path);
    if (!(fp = fopen(keep, "wb"))) { CHECK_MSG(0, "cannot write %s", keep); return; }
    {
        struct wbuf h = { 0 };
        w_pcap(&h, 0, 0, 0);
        fwrite(h.p, 1, h.len, fp);
        free(h.p);
    }
    for (i = 0; i < n; i++) {           /* 16 + 60 bytes per frame: 76 MB */
        uint8_t *r = chunk + used;
        uint32_t v[4] = { 1700000000u + i / 1000000, i % 1000000, 60, 60 };
        memcpy(r, v, 16);               /* the test exe is little-endian on both arches */
        memset(r + 16, (int)(i & 0xff), 60);
        used += 76;
        if (used + 76 > sizeof(chunk)) { fwrite(chunk, 1, used, fp); used = 0; }
    }
    fwrite(chunk, 1, used, fp);
    fclose(fp);
    if (io_open(keep, &io)) { CHECK_MSG(0, "cannot open %s", keep); DeleteFileA(keep); return; }
    QueryPerformanceFrequency(&f);
    QueryPerformanceCounter(&t0);
    if (nm_capture_open(&io, "million.pcap", &cap, err)) {
        CHECK_MSG(0, "open: %s", err);
        io_close(&io); DeleteFileA(keep);
        return;
    }
    QueryPerformanceCounter(&t1);
    cur = nm_cursor_new(cap);
    for (i = 0; i < n; i++) {
        if (nm_cursor_read(cur, i, &fi, &d, err)) { CHECK_MSG(0, "frame %u: %s", i, err); break; }
        bad += d[59] != (uint8_t)i || fi.ts_us != 1700000000000000ll + i;
        sum += fi.caplen;
    }
    QueryPerformanceCounter(&t2);
    CHECK_EQ_U(bad, 0);
    CHECK_EQ_U(sum, 60ull * n);
    CHECK_EQ_U(nm_capture_frames(cap), n);
    /* Bounded memory: the index is one 16-byte checkpoint per 256 frames (~62 KB for
     * 76 MB), capacity within a factor of two. */
    CHECK_EQ_U(cap->ncps, (n + NM_CAPTURE_CHECKPOINT - 1) / NM_CAPTURE_CHECKPOINT);
    CHECK_MSG(cap->cps_cap * sizeof(*cap->cps) < 256 * 1024, "index capacity %u entries",
              cap->cps_cap);
    printf("\n    million frames: open (scan) %.3f s, sequential read %.3f s = %.0f frames/s\n",
           (double)(t1.QuadPart - t0.QuadPart) / f.QuadPart,
           (double)(t2.QuadPart - t1.QuadPart) / f.QuadPart,
           n / ((double)(t2.QuadPart - t1.QuadPart) / f.QuadPart));
    /* NEXT_BACKWARD over the last 5000 frames must be quick too (block cache). */
    for (i = n; i-- > n - 5000;)
        if (nm_cursor_read(cur, i, &fi, &d, err) || d[0] != (uint8_t)i) { bad++; break; }
    CHECK_EQ_U(bad, 0);
    nm_cursor_free(cur);
    nm_capture_close(cap);
    io_close(&io);
    CHECK_MSG(DeleteFileA(keep), "cannot delete %s: error %lu", keep, GetLastError());
}

/* ---- the committed sample: capinfos says 330 packets, 51586 data bytes ---- */

static void test_capture_sample_cap(void)
{
    char path[MAX_PATH], *p;
    struct nm_io io;
    struct nm_capture *cap;
    struct nm_cursor *cur;
    struct nm_frame_info fi;
    const uint8_t *d;
    char err[NM_CAPTURE_ERRLEN];

    /* NMSHIM_SOURCE_DIR is a Linux path; Wine maps the Unix root as drive Z:. */
    snprintf(path, sizeof(path), "Z:%s/data/sample.cap", NMSHIM_SOURCE_DIR);
    for (p = path; *p; p++) if (*p == '/') *p = '\\';
    if (io_open(path, &io)) { CHECK_MSG(0, "cannot open %s", path); return; }
    if (nm_capture_open(&io, "sample.cap", &cap, err)) {
        CHECK_MSG(0, "open: %s", err);
        io_close(&io);
        return;
    }
    CHECK_STR(nm_capture_format_name(cap), "netmon2");
    CHECK_EQ_U(nm_capture_frames(cap), 330);
    CHECK_EQ_U(nm_capture_bytes(cap), 51586);
    CHECK_EQ_U(nm_capture_link_type(cap), 1);
    CHECK_EQ_U(nm_capture_start_us(cap), 1700000000123456ll);  /* capinfos, TZ=UTC */
    cur = nm_cursor_new(cap);
    CHECK_EQ_U(nm_cursor_read(cur, 329, &fi, &d, err), 0);
    CHECK_EQ_U(fi.ts_us, 1700000006917596ll);                  /* last packet time */
    CHECK_EQ_U(nm_cursor_read(cur, 0, &fi, &d, err), 0);
    CHECK(d[12] == 0x08 && d[13] == 0x06);                     /* frame 1 is ARP */
    nm_cursor_free(cur);
    nm_capture_close(cap);
    io_close(&io);
}

/* ---- issue 9 §3: pcapng defects, each with a file written here at test time ---- */

/* A Simple Packet Block larger than the 256 KiB window: the open-time scan's trailer
 * check reloaded the buffer and the original length was read through the stale pointer
 * (the byte total came out as 4,008,636,142 instead of 1,234). */
static void test_capture_pcapng_big_spb(void)
{
    struct wbuf b = { 0 };
    struct opened o;
    struct nm_cursor *cur;
    struct nm_frame_info fi;
    const uint8_t *d = NULL;
    char err[NM_CAPTURE_ERRLEN];
    uint32_t j, bad = 0;
    size_t s;

    w_shb(&b);
    ng_block_start(&b, 1, &s); put16(&b, 1); put16(&b, 0); put32(&b, 65535); ng_block_end(&b, s);
    ng_block_start(&b, 3, &s); put32(&b, 1234);
    for (j = 0; j < 1234; j++) put8(&b, (uint8_t)(j * 7));
    while (b.len - s < 300000 - 4) put8(&b, 0xee);        /* padding inside the block */
    ng_block_end(&b, s);
    /* 64 KiB of 0xee after it: what the reloaded window holds where the header was */
    ng_block_start(&b, 0x40000bad, &s);
    while (b.len - s < 65536) put8(&b, 0xee);
    ng_block_end(&b, s);
    ng_block_start(&b, 6, &s); put32(&b, 0); put32(&b, 0); put32(&b, 1);
    put32(&b, 4); put32(&b, 60); put(&b, "tail", 4); ng_block_end(&b, s);
    if (open_buf(&o, "bigspb.pcapng", &b)) { CHECK_MSG(0, "open: %s", o.err); free(b.p); return; }
    CHECK_EQ_U(nm_capture_frames(o.cap), 2);
    CHECK_EQ_U(nm_capture_bytes(o.cap), 1234 + 60);
    cur = nm_cursor_new(o.cap);
    CHECK_EQ_U(nm_cursor_read(cur, 1, &fi, &d, err), 0);    /* from the far end first */
    CHECK_EQ_U(fi.caplen, 4);
    CHECK_EQ_U(nm_cursor_read(cur, 0, &fi, &d, err), 0);
    CHECK_EQ_U(fi.caplen, 1234);
    CHECK_EQ_U(fi.origlen, 1234);
    for (j = 0; d && j < fi.caplen; j++) bad += d[j] != (uint8_t)(j * 7);
    CHECK_EQ_U(bad, 0);
    nm_cursor_free(cur);
    close_opened(&o);
    free(b.p);
}

/* Interface options totalling more than 64 KiB (two 40,000-byte comments) before
 * if_tsresol: valid (tshark reads it), and the resolution after them must count. */
static void test_capture_pcapng_big_idb_options(void)
{
    struct wbuf b = { 0 };
    struct opened o;
    struct nm_cursor *cur;
    struct nm_frame_info fi;
    const uint8_t *d;
    char err[NM_CAPTURE_ERRLEN];
    uint64_t ts = 1700000000123456789ull;
    size_t s;
    int k;

    w_shb(&b);
    ng_block_start(&b, 1, &s);
    put16(&b, 1); put16(&b, 0); put32(&b, 0);
    for (k = 0; k < 2; k++) {
        put16(&b, 1); put16(&b, 40000);
        while (b.len - s < 16 + (size_t)(k + 1) * 40004) put8(&b, 'c');
    }
    put16(&b, 9); put16(&b, 1); put8(&b, 9); pad4(&b);       /* nanoseconds */
    put16(&b, 0); put16(&b, 0);
    ng_block_end(&b, s);
    ng_block_start(&b, 6, &s); put32(&b, 0); put32(&b, (uint32_t)(ts >> 32));
    put32(&b, (uint32_t)ts); put32(&b, 2); put32(&b, 2); put(&b, "ok", 2); pad4(&b);
    ng_block_end(&b, s);
    if (open_buf(&o, "bigidb.pcapng", &b)) { CHECK_MSG(0, "open: %s", o.err); free(b.p); return; }
    CHECK_EQ_U(nm_capture_frames(o.cap), 1);
    cur = nm_cursor_new(o.cap);
    CHECK_EQ_U(nm_cursor_read(cur, 0, &fi, &d, err), 0);
    CHECK_EQ_U(fi.ts_us, 1700000000123456ll);
    CHECK(!memcmp(d, "ok", 2));
    nm_cursor_free(cur);
    close_opened(&o);
    free(b.p);
}

/* Two million 12-byte unknown blocks between frames 0 and 1, then 400 more frames: every
 * jump between checkpoint blocks re-walked the padding (65 ms each). The index now
 * starts a block after NM_CAPTURE_SKIP_MAX skipped bytes, at a frame's own record. */
static void test_capture_pcapng_tiny_block_padding(void)
{
    const uint32_t pad = 2000000, nfr = 402;
    const char *path = nm_test_tmp("padded.pcapng");
    char keep[MAX_PATH], err[NM_CAPTURE_ERRLEN];
    struct wbuf b = { 0 };
    struct nm_io io;
    struct nm_capture *cap;
    struct nm_cursor *cur;
    struct nm_frame_info fi;
    const uint8_t *d;
    LARGE_INTEGER f, t0, t1;
    uint32_t i, bad = 0;
    double ms;
    size_t s;
    FILE *fp;

    snprintf(keep, sizeof(keep), "%s", path);
    if (!(fp = fopen(keep, "wb"))) { CHECK_MSG(0, "cannot write %s", keep); return; }
    w_shb(&b); w_idb(&b, 1, -1);
    for (i = 0; i < nfr; i++) {
        ng_block_start(&b, 6, &s); put32(&b, 0); put32(&b, 0); put32(&b, i);
        put32(&b, 4); put32(&b, 4); put32(&b, i); ng_block_end(&b, s);
        if (i == 0) {
            uint32_t k;
            fwrite(b.p, 1, b.len, fp);
            b.len = 0;
            for (k = 0; k < pad; k++) {            /* type 0x40000bad, length 12 */
                put32(&b, 0x40000badu); put32(&b, 12); put32(&b, 12);
                if (b.len >= (1u << 20)) { fwrite(b.p, 1, b.len, fp); b.len = 0; }
            }
        }
    }
    fwrite(b.p, 1, b.len, fp);
    fclose(fp);
    free(b.p);
    if (io_open(keep, &io)) { CHECK_MSG(0, "cannot open %s", keep); DeleteFileA(keep); return; }
    if (nm_capture_open(&io, "padded.pcapng", &cap, err)) {
        CHECK_MSG(0, "open: %s", err);
        io_close(&io); DeleteFileA(keep);
        return;
    }
    CHECK_EQ_U(nm_capture_frames(cap), nfr);
    /* frame 0 alone, then 1..256 and 257..401: the padding starts a block of its own */
    CHECK_EQ_U(cap->ncps, 3);
    cur = nm_cursor_new(cap);
    QueryPerformanceFrequency(&f);
    QueryPerformanceCounter(&t0);
    for (i = 0; i < 100; i++) {
        uint32_t n = i % 2 ? 400 : 100;
        if (nm_cursor_read(cur, n, &fi, &d, err) || memcmp(d, &n, 4)) bad++;
    }
    QueryPerformanceCounter(&t1);
    ms = (double)(t1.QuadPart - t0.QuadPart) * 1000.0 / (double)f.QuadPart;
    CHECK_EQ_U(bad, 0);
    /* before the fix: ~65 ms per jump (6.5 s); now a few microseconds each */
    CHECK_MSG(ms < 500.0, "100 jumps across the padding took %.1f ms", ms);
    printf("\n    100 jumps between checkpoint blocks of a file with %u tiny blocks: %.2f ms\n",
           pad, ms);
    /* and frame 0 -> 1 steps across the padding once, correctly */
    CHECK_EQ_U(nm_cursor_read(cur, 0, &fi, &d, err), 0);
    CHECK_EQ_U(nm_cursor_read(cur, 1, &fi, &d, err), 0);
    CHECK_EQ_U(fi.ts_us, 1);
    nm_cursor_free(cur);
    nm_capture_close(cap);
    io_close(&io);
    CHECK_MSG(DeleteFileA(keep), "cannot delete %s: error %lu", keep, GetLastError());
}

/* ---- the regression files of tests/captures, as expected.txt says ---- */

static void src_path(char *out, size_t len, const char *rel)
{
    char *p;
    /* NMSHIM_SOURCE_DIR is a Linux path; Wine maps the Unix root as drive Z:. */
    snprintf(out, len, "Z:%s/%s", NMSHIM_SOURCE_DIR, rel);
    for (p = out; *p; p++) if (*p == '/') *p = '\\';
}

/* Opens one regression file and checks it against its expected.txt line (the part
 * after the name). Every frame of a file that opens must read back, forward and
 * backward, with the byte total the scan found. */
static void check_regression(const char *name, const char *expect)
{
    char path[MAX_PATH], rel[MAX_PATH], err[NM_CAPTURE_ERRLEN], want[NM_CAPTURE_ERRLEN];
    struct nm_io io;
    struct nm_capture *cap;
    struct nm_cursor *cur;
    struct nm_frame_info fi;
    const uint8_t *d;
    unsigned long long frames = 0, bytes = 0, sum = 0;
    uint32_t i, bad = 0;
    const char *ts = NULL;
    int rc, pos = 0;

    snprintf(rel, sizeof(rel), "tests/captures/%s", name);
    src_path(path, sizeof(path), rel);
    if (io_open(path, &io)) { CHECK_MSG(0, "cannot open %s", path); return; }
    rc = nm_capture_open(&io, name, &cap, err);
    if (!strncmp(expect, "error ", 6)) {
        snprintf(want, sizeof(want), "%s: %s", name, expect + 6);
        CHECK_MSG(rc == -1 && !strncmp(err, want, strlen(want)) && !strchr(err, '\n'),
                  "%s: rc %d, got \"%s\", expected \"%s...\"", name, rc, err, want);
        if (!rc) nm_capture_close(cap);
        io_close(&io);
        return;
    }
    if (!strncmp(expect, "ok ", 3)) {
        if (sscanf(expect + 3, "%llu %llu %n", &frames, &bytes, &pos) < 2)
            CHECK_MSG(0, "%s: bad expected.txt line \"%s\"", name, expect);
        ts = pos ? expect + 3 + pos : NULL;
        if (ts && !*ts) ts = NULL;
        CHECK_MSG(rc == 0, "%s: open failed: %s", name, err);
    } else if (strcmp(expect, "any")) {
        CHECK_MSG(0, "%s: bad expected.txt line \"%s\"", name, expect);
    } else if (rc) {
        /* a finding that is rejected: one line naming the file and an offset */
        snprintf(want, sizeof(want), "%s: offset ", name);
        CHECK_MSG(!strncmp(err, want, strlen(want)) && !strchr(err, '\n'),
                  "%s: message \"%s\"", name, err);
    }
    if (rc) { io_close(&io); return; }
    if (!strncmp(expect, "ok ", 3)) {
        CHECK_MSG(nm_capture_frames(cap) == frames && nm_capture_bytes(cap) == bytes,
                  "%s: %lu frames, %llu bytes, expected %llu, %llu", name,
                  (unsigned long)nm_capture_frames(cap),
                  (unsigned long long)nm_capture_bytes(cap), frames, bytes);
    }
    cur = nm_cursor_new(cap);
    for (i = 0; i < nm_capture_frames(cap); i++) {
        if ((rc = nm_cursor_read(cur, i, &fi, &d, err))) {
            CHECK_MSG(0, "%s: frame %u: rc %d: %s", name, i, rc, err);
            bad++;
            break;
        }
        sum += fi.origlen;
        if (fi.caplen > NM_CAPTURE_MAX_FRAME) bad++;
        if (ts) {
            char *end;
            long long want_ts = strtoll(ts, &end, 10);
            CHECK_MSG(fi.ts_us == want_ts, "%s: frame %u time %lld, expected %lld", name, i,
                      (long long)fi.ts_us, want_ts);
            ts = *end == ',' ? end + 1 : NULL;
        }
    }
    for (i = nm_capture_frames(cap); !bad && i-- > 0;)
        if ((rc = nm_cursor_read(cur, i, &fi, &d, err))) {
            CHECK_MSG(0, "%s: backward, frame %u: rc %d: %s", name, i, rc, err);
            bad++;
        }
    CHECK_MSG(bad || sum == nm_capture_bytes(cap), "%s: frames sum to %llu bytes, the scan "
              "said %llu", name, sum, (unsigned long long)nm_capture_bytes(cap));
    CHECK_EQ_U(nm_cursor_read(cur, nm_capture_frames(cap), &fi, &d, NULL), 1);
    nm_cursor_free(cur);
    nm_capture_close(cap);
    io_close(&io);
}

static void test_capture_regressions(void)
{
    char path[MAX_PATH], line[1024], *sp, *nl;
    char names[256][128];
    int nnames = 0, seen = 0, i, listed;
    WIN32_FIND_DATAA fd;
    HANDLE h;
    FILE *f;

    /* every file of the folder (but the script and this list) needs a line */
    src_path(path, sizeof(path), "tests/captures/*");
    h = FindFirstFileA(path, &fd);
    CHECK_MSG(h != INVALID_HANDLE_VALUE, "cannot list %s", path);
    if (h == INVALID_HANDLE_VALUE) return;
    do {
        const char *n = fd.cFileName, *dot = strrchr(n, '.');
        if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) continue;
        if (dot && (!strcmp(dot, ".py") || !strcmp(dot, ".txt") || !strcmp(dot, ".md")))
            continue;
        if (nnames < 256) snprintf(names[nnames++], sizeof(names[0]), "%s", n);
    } while (FindNextFileA(h, &fd));
    FindClose(h);
    src_path(path, sizeof(path), "tests/captures/expected.txt");
    if (!(f = fopen(path, "r"))) { CHECK_MSG(0, "cannot read %s", path); return; }
    while (fgets(line, sizeof(line), f)) {
        if ((nl = strpbrk(line, "\r\n"))) *nl = 0;
        if (!line[0] || line[0] == '#' || !(sp = strchr(line, ' '))) continue;
        *sp = 0;
        for (listed = 0, i = 0; i < nnames; i++)
            if (!strcmp(names[i], line)) { names[i][0] = 0; listed = 1; }
        CHECK_MSG(listed, "expected.txt names %s, which is not in tests/captures", line);
        if (listed) { check_regression(line, sp + 1); seen++; }
    }
    fclose(f);
    for (i = 0; i < nnames; i++)
        CHECK_MSG(!names[i][0], "tests/captures/%s has no line in expected.txt", names[i]);
    CHECK_MSG(seen >= 9, "only %d regression files replayed", seen);
    printf("\n    %d regression captures replayed\n", seen);
}

static const struct nm_test tests[] = {
    NM_TEST(test_capture_pcap_usec_le),
    NM_TEST(test_capture_pcap_usec_be),
    NM_TEST(test_capture_pcap_nsec_le),
    NM_TEST(test_capture_pcap_nsec_be),
    NM_TEST(test_capture_pcapng_le),
    NM_TEST(test_capture_pcapng_be),
    NM_TEST(test_capture_pcapng_two_interfaces),
    NM_TEST(test_capture_pcapng_sections_and_spb),
    NM_TEST(test_capture_netmon2),
    NM_TEST(test_capture_netmon2_trailer_and_table_order),
    NM_TEST(test_capture_zero_frames),
    NM_TEST(test_capture_hostile_common),
    NM_TEST(test_capture_hostile_pcap),
    NM_TEST(test_capture_hostile_pcapng),
    NM_TEST(test_capture_hostile_netmon2),
    NM_TEST(test_capture_read_errors_have_offsets),
    NM_TEST(test_capture_million_frames),
    NM_TEST(test_capture_sample_cap),
    NM_TEST(test_capture_pcapng_big_spb),
    NM_TEST(test_capture_pcapng_big_idb_options),
    NM_TEST(test_capture_pcapng_tiny_block_padding),
    NM_TEST(test_capture_regressions),
    NM_TEST_END
};

const struct nm_suite suite_capture = { "capture", NULL, NULL, tests };
