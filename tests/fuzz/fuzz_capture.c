/*
 * fuzz_capture.c - libFuzzer target for the capture readers (shim/capture*.c), built
 * natively with clang, ASan and UBSan by scripts/fuzz.sh; one binary per format
 * (NM_FUZZ_FORMAT = NM_FORMAT_NETMON2, _PCAP or _PCAPNG: inputs of other formats are
 * ignored, so each target's corpus and coverage stay its own).
 *
 * Each input is a whole capture file behind an in-memory nm_io. The target opens it,
 * and if that succeeds reads every frame forward, backward and in an order taken from
 * the input, with two cursors, and checks what the readers promise (capture.h):
 *  - open fails with one line "NAME: offset N: ..." or succeeds;
 *  - every frame of an opened capture reads back (the scan validated it), caplen is at
 *    most NM_CAPTURE_MAX_FRAME, its bytes lie inside the file, the origlen sum is the
 *    scan's byte total, frame n past the end gives 1;
 *  - memory: claimed sizes never drive an allocation. The peak of live heap bytes
 *    during one input (two cursors, the index, the pcapng tables) must stay below
 *    NM_FUZZ_HEAP_BASE + NM_FUZZ_HEAP_PER_BYTE * input size, so a file claiming 2^30
 *    frames or a 4 GiB block costs what a sane one of its size does.
 * Any violation aborts, which libFuzzer reports as a crash with the input saved.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sanitizer/allocator_interface.h>
#include "capture.h"

#ifndef NM_FUZZ_FORMAT
#error "build with -DNM_FUZZ_FORMAT=NM_FORMAT_NETMON2 / NM_FORMAT_PCAP / NM_FORMAT_PCAPNG"
#endif

#define NM_FUZZ_HEAP_BASE      (2u * 1024u * 1024u)  /* two cursors (~516 KiB each) */
#define NM_FUZZ_HEAP_PER_BYTE  8u                    /* index and tables: < 3 per byte */

struct mem { const uint8_t *p; size_t n; };

static size_t mem_read_at(void *handle, uint64_t offset, void *buf, size_t len)
{
    const struct mem *m = handle;

    if (offset >= m->n) return 0;
    if (len > m->n - offset) len = (size_t)(m->n - offset);
    memcpy(buf, m->p + offset, len);
    return len;
}

/* Live heap bytes while an input runs, through the sanitizer allocator's hooks. */
static int tracking;
static size_t live, peak;

static void malloc_hook(const volatile void *ptr, size_t size)
{
    (void)ptr;
    if (!tracking) return;
    live += size;
    if (live > peak) peak = live;
}

static void free_hook(const volatile void *ptr)
{
    size_t size;

    if (!tracking || !ptr) return;
    size = __sanitizer_get_allocated_size((const void *)ptr);
    live = size > live ? 0 : live - size;
}

/* NM_FUZZ_PEAK=1 in the environment prints each input's heap peak (scripts/fuzz.sh
 * replay shows them for the files that claim huge sizes). */
static int show_peak;

static void report(const char *what, size_t size)
{
    if (show_peak) fprintf(stderr, "fuzz_capture: %s, %zu-byte file: heap peak %zu bytes\n",
                           what, size, peak);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *e = getenv("NM_FUZZ_PEAK");

    (void)argc; (void)argv;
    show_peak = e && *e == '1';
    __sanitizer_install_malloc_and_free_hooks(malloc_hook, free_hook);
    return 0;
}

static int wanted(const uint8_t *d, size_t n)
{
    uint32_t m;

    if (n < 4) return NM_FUZZ_FORMAT == NM_FORMAT_PCAP;   /* short files: one target */
    m = (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 | (uint32_t)d[2] << 8 | d[3];
    switch (NM_FUZZ_FORMAT) {
    case NM_FORMAT_NETMON2: return !memcmp(d, "GMBU", 4) || !memcmp(d, "RTSS", 4);
    case NM_FORMAT_PCAPNG: return m == 0x0a0d0d0au;
    default: return m == 0xa1b2c3d4u || m == 0xd4c3b2a1u || m == 0xa1b23c4du ||
                    m == 0x4d3cb2a1u || (memcmp(d, "GMBU", 4) && memcmp(d, "RTSS", 4) &&
                                         m != 0x0a0d0d0au);
    }
}

#define FAIL(...) do { fprintf(stderr, "fuzz_capture: " __VA_ARGS__); \
                       fputc('\n', stderr); abort(); } while (0)

static void read_frame(struct nm_cursor *cur, const struct mem *m, uint32_t n, uint32_t total,
                       uint64_t *sum)
{
    struct nm_frame_info fi;
    const uint8_t *d = NULL;
    char err[NM_CAPTURE_ERRLEN];
    volatile uint8_t touch;
    int rc = nm_cursor_read(cur, n, &fi, &d, err);

    if (n >= total) {
        if (rc != 1) FAIL("frame %u of %u: rc %d, expected 1", n, total, rc);
        return;
    }
    if (rc) FAIL("frame %u of %u of an opened capture: rc %d: %s", n, total, rc, err);
    if (fi.caplen > NM_CAPTURE_MAX_FRAME) FAIL("frame %u: caplen %u", n, fi.caplen);
    if (fi.offset > m->n || fi.caplen > m->n - fi.offset || fi.record > fi.offset)
        FAIL("frame %u: bytes at %llu+%u outside the file (%zu bytes)", n,
             (unsigned long long)fi.offset, fi.caplen, m->n);
    if (fi.caplen) {
        if (!d || memcmp(d, m->p + fi.offset, fi.caplen))
            FAIL("frame %u: data differs from the file at %llu", n,
                 (unsigned long long)fi.offset);
        touch = d[0];
        touch = d[fi.caplen - 1];
        (void)touch;
    }
    if (sum) *sum += fi.origlen;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mem m = { data, size };
    struct nm_io io = { mem_read_at, &m, size };
    struct nm_capture *cap = NULL;
    struct nm_cursor *a, *b;
    char err[NM_CAPTURE_ERRLEN];
    uint64_t sum = 0;
    uint32_t total, i;
    size_t limit = NM_FUZZ_HEAP_BASE + (size_t)NM_FUZZ_HEAP_PER_BYTE * size;

    if (!wanted(data, size)) return 0;
    live = peak = 0;
    tracking = 1;
    if (nm_capture_open(&io, "fuzz", &cap, err)) {
        tracking = 0;
        if (cap) FAIL("open failed but returned a capture");
        if (strncmp(err, "fuzz: ", 6) || strchr(err, '\n') || strlen(err) >= NM_CAPTURE_ERRLEN)
            FAIL("bad open message \"%s\"", err);
        if (peak > limit) FAIL("open of a %zu-byte file peaked at %zu heap bytes", size, peak);
        report("rejected", size);
        return 0;
    }
    total = nm_capture_frames(cap);
    a = nm_cursor_new(cap);
    b = nm_cursor_new(cap);
    if (!a || !b) FAIL("nm_cursor_new failed");
    for (i = 0; i < total; i++) read_frame(a, &m, i, total, &sum);
    if (sum != nm_capture_bytes(cap))
        FAIL("frames sum to %llu bytes, the scan said %llu", (unsigned long long)sum,
             (unsigned long long)nm_capture_bytes(cap));
    for (i = total; i-- > 0;) read_frame(b, &m, i, total, NULL);
    /* jumps in an order the input chooses (its last bytes), on both cursors */
    for (i = 0; i < 64 && i < size && total; i++) {
        uint32_t n = (uint32_t)data[size - 1 - i] * 2654435761u % (total + 1);
        read_frame(i & 1 ? a : b, &m, n, total, NULL);
    }
    read_frame(a, &m, UINT32_MAX, total, NULL);
    nm_cursor_free(a);
    nm_cursor_free(b);
    nm_capture_close(cap);
    tracking = 0;
    if (peak > limit) FAIL("a %zu-byte file peaked at %zu heap bytes", size, peak);
    report("opened and read", size);
    return 0;
}
