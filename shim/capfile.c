/*
 * capfile.c - a capture file as the host opens it: a Win32 file handle behind the
 * portable readers' positional-read callback, and one cursor per run (capture.h).
 */
#include <stdio.h>
#include <string.h>
#include "expert.h"
#include "handles.h"
#include "engine.h"

struct NMSHIM_CAPTURE {
    HANDLE file;
    struct nm_io io;
    struct nm_capture *cap;
    NMSHIM_CAPTURE_INFO info;
};

/* ReadFile with an explicit offset: safe from several runs' threads at once. */
static size_t read_at(void *handle, uint64_t offset, void *buf, size_t len)
{
    OVERLAPPED ov;
    DWORD got = 0;
    size_t total = 0;

    while (total < len) {
        DWORD want = len - total > 0x40000000 ? 0x40000000 : (DWORD)(len - total);
        memset(&ov, 0, sizeof(ov));
        ov.Offset = (DWORD)(offset + total);
        ov.OffsetHigh = (DWORD)((offset + total) >> 32);
        if (!ReadFile(handle, (char *)buf + total, want, &got, &ov)) {
            if (GetLastError() == ERROR_HANDLE_EOF) break;
            return (size_t)-1;
        }
        if (!got) break;
        total += got;
    }
    return total;
}

DWORD nm_capfile_open(const char *path, struct NMSHIM_CAPTURE **out, char *err, DWORD errlen)
{
    struct NMSHIM_CAPTURE *c;
    char msg[NM_CAPTURE_ERRLEN];
    LARGE_INTEGER size;
    DWORD e;

    *out = NULL;
    if (!(c = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*c)))) return NMERR_OUT_OF_MEMORY;
    c->file = CreateFileA(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                          FILE_ATTRIBUTE_NORMAL | FILE_FLAG_SEQUENTIAL_SCAN, NULL);
    if (c->file == INVALID_HANDLE_VALUE) {
        e = GetLastError();
        if (err) snprintf(err, errlen, "%s: cannot open (error %lu)", path, e);
        HeapFree(GetProcessHeap(), 0, c);
        return e == ERROR_FILE_NOT_FOUND || e == ERROR_PATH_NOT_FOUND ? NMERR_FILE_NOT_FOUND
                                                                      : NMERR_FILE_READ_ERROR;
    }
    if (!GetFileSizeEx(c->file, &size)) {
        if (err) snprintf(err, errlen, "%s: cannot read its size (error %lu)", path, GetLastError());
        CloseHandle(c->file);
        HeapFree(GetProcessHeap(), 0, c);
        return NMERR_FILE_READ_ERROR;
    }
    c->io.read_at = read_at;
    c->io.handle = c->file;
    c->io.size = (uint64_t)size.QuadPart;
    if (nm_capture_open(&c->io, path, &c->cap, msg)) {
        if (err) lstrcpynA(err, msg, errlen);
        CloseHandle(c->file);
        HeapFree(GetProcessHeap(), 0, c);
        return NMERR_INVALID_FILE_FORMAT;
    }
    lstrcpynA(c->info.path, path, sizeof(c->info.path));
    lstrcpynA(c->info.format, nm_capture_format_name(c->cap), sizeof(c->info.format));
    c->info.frames = nm_capture_frames(c->cap);
    c->info.bytes = nm_capture_bytes(c->cap);
    c->info.link_type = nm_capture_link_type(c->cap);
    nm_handles_capture_add(c, c->cap, &c->io);     /* its HCAPTURE and HFRAMEs (handles.h) */
    *out = c;
    return NMERR_SUCCESS;
}

void nm_capfile_close(struct NMSHIM_CAPTURE *c)
{
    if (!c) return;
    nm_handles_capture_remove(c);
    nm_capture_close(c->cap);
    CloseHandle(c->file);
    HeapFree(GetProcessHeap(), 0, c);
}

void nm_capfile_info(const struct NMSHIM_CAPTURE *c, NMSHIM_CAPTURE_INFO *info)
{
    *info = c->info;
}

void nm_capfile_name(const struct NMSHIM_CAPTURE *c, char *buf, size_t len)
{
    lstrcpynA(buf, c->info.path, (int)len);
}

uint32_t nm_capfile_frames(const struct NMSHIM_CAPTURE *c)
{
    return c ? c->info.frames : 0;
}

int64_t nm_capfile_start_us(const struct NMSHIM_CAPTURE *c)
{
    return nm_capture_start_us(c->cap);
}

int nm_capfile_attach(struct NMSHIM_CAPTURE *c, struct nm_run *r)
{
    if (!(r->cursor = nm_cursor_new(c->cap))) return -1;
    r->capture = c;
    return 0;
}

void nm_capfile_detach(struct nm_run *r)
{
    if (r->cursor) nm_cursor_free(r->cursor);
    nm_engine_table_release(r->ptable);     /* every HFRAME of the run is stale now */
    r->ptable = NULL;
    if (r->frame) HeapFree(GetProcessHeap(), 0, r->frame);
    r->cursor = NULL;
    r->frame = NULL;
    r->frame_cap = 0;
    r->capture = NULL;
}
