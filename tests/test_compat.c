/*
 * test_compat.c - suite "compat" (issue 11, binary compatibility): the 2001 SDK's list of
 * NMAPI.dll exports (tests/compat/nmapi-sdk.def, independent of def/nmapi.def) against
 * the DLL, black-box:
 *  - t_compat_imports.dll, which imports all 160 through a real import table, loads and
 *    runs to the end on the sample capture, every slot bound to nmapi.dll's export;
 *  - every export, called with all arguments NULL, random values and (i686) handles of
 *    a closed capture: no crash, the documented failure (def/nmapi.def's "; stub:
 *    returns ..." for stubs, the table below for implemented functions); on i686 each
 *    stdcall export pops exactly the @N bytes of the SDK list (checked on ESP through an
 *    asm thunk), a cdecl one pops nothing.
 */
#include <stdlib.h>
#include <string.h>
#include "test_util.h"
#include "compat/compat.h"

static int init(void) { return nm_load_nmapi(); }

struct sdk_export { char name[64]; int bytes; };    /* bytes -1: cdecl */
static struct sdk_export sdk[COMPAT_NIMPORTS + 8];
static int nsdk;

static FILE *open_source(const char *rel)
{
    char path[MAX_PATH], *p;

    snprintf(path, sizeof(path), "Z:%s/%s", NMSHIM_SOURCE_DIR, rel);
    for (p = path; *p; p++) if (*p == '/') *p = '\\';
    return fopen(path, "r");
}

/* Reads nmapi-sdk.def: "    Name@N" or "    Name" (cdecl) per line after EXPORTS. */
static int load_sdk_list(void)
{
    FILE *f = open_source("tests/compat/nmapi-sdk.def");
    char line[256], *at;

    nsdk = 0;
    if (!f) return -1;
    while (fgets(line, sizeof(line), f) && nsdk < (int)(sizeof(sdk) / sizeof(sdk[0]))) {
        if (strncmp(line, "    ", 4) || !(line[4] == '_' || (line[4] | 32) >= 'a')) continue;
        line[strcspn(line, " \t\r\n;")] = 0;
        line[strcspn(line + 4, " \t\r\n;") + 4] = 0;
        at = strchr(line + 4, '@');
        sdk[nsdk].bytes = at ? atoi(at + 1) : -1;
        if (at) *at = 0;
        lstrcpynA(sdk[nsdk].name, line + 4, sizeof(sdk[nsdk].name));
        nsdk++;
    }
    fclose(f);
    return 0;
}

/* def/nmapi.def's annotation of a stub, as a value: 1 and *ret set, or 0 (implemented,
 * VOID, or not found). */
static int stub_failure(const char *name, ULONG_PTR *ret)
{
    static const struct { const char *s; ULONG_PTR v; } codes[] = {
        { "NULL", 0 }, { "FALSE", 0 }, { "0", 0 }, { "-1", (DWORD)-1 },
        { "NMERR_INVALID_PARAMETER", NMERR_INVALID_PARAMETER },
        { "NMERR_PROTOCOL_NOT_FOUND", NMERR_PROTOCOL_NOT_FOUND },
        { "NMERR_INVALID_HPROTOCOL", NMERR_INVALID_HPROTOCOL },
        { "NMERR_NOT_SUPPORTED", NMERR_NOT_SUPPORTED },
        { "NMERR_INVALID_HCAPTURE", NMERR_INVALID_HCAPTURE },
        { "NMERR_INVALID_HFRAME", NMERR_INVALID_HFRAME },
        { "NMERR_INVALID_HFILTER", NMERR_INVALID_HFILTER },
    };
    FILE *f = open_source("def/nmapi.def");
    char line[256], word[64], *p;
    size_t i, n = strlen(name);
    int found = 0;

    if (!f) return 0;
    while (!found && fgets(line, sizeof(line), f)) {
        for (p = line; *p == ' '; p++) ;
        if (p == line || strncmp(p, name, n) || (p[n] != '@' && p[n] != ' ')) continue;
        if (!(p = strstr(line, "; stub: returns "))) break;
        sscanf(p + strlen("; stub: returns "), "%63s", word);
        for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
            if (!strcmp(word, codes[i].s)) { *ret = codes[i].v; found = 1; }
        if (!found && strcmp(word, "nothing")) CHECK_MSG(0, "%s: unknown failure value %s", name, word);
        break;
    }
    fclose(f);
    return found;
}

/* What an implemented function returns when every argument is `fill` (NULL, or a value
 * that is no handle and no readable address). 1 and *ret set, or 0: not checked here. */
static int implemented_failure(const char *name, ULONG_PTR fill, ULONG_PTR *ret)
{
    static const struct { const char *name; ULONG_PTR v; } t[] = {
        { "GetFrame", 0 }, { "GetFrameNumber", (DWORD)-1 }, { "GetFrameLength", 0 },
        { "GetFrameStoredLength", 0 }, { "GetFrameTimeStamp", (DWORD)-1 },
        { "GetFrameFromFrameHandle", 0 }, { "GetFrameCaptureHandle", 0 },
        { "GetFrameMacType", MAC_TYPE_UNKNOWN }, { "GetFrameMacHeaderLength", 0 },
        { "GetFrameDstAddressOffset", (DWORD)-1 }, { "GetFrameSrcAddressOffset", (DWORD)-1 },
        { "GetFrameDestAddress", NMERR_INVALID_HFRAME }, { "GetFrameSourceAddress", NMERR_INVALID_HFRAME },
        { "CompareFrameDestAddress", FALSE }, { "CompareFrameSourceAddress", FALSE },
        { "CompareAddresses", 0 }, { "MacTypeToAddressType", (DWORD)-1 },
        { "GetCaptureTotalFrames", 0 }, { "GetCaptureTimeStamp", 0 }, { "GetCaptureMacType", MAC_TYPE_UNKNOWN },
        { "GetCaptureComment", 0 }, { "GetCaptureCommentFromFilename", NMERR_INVALID_PARAMETER },
        { "FindNextFrame", 0 }, { "FindPreviousFrame", 0 }, { "LockFrame", 0 },
        { "UnlockFrame", NMERR_INVALID_HFRAME }, { "ReleaseFrame", NMERR_INVALID_HFRAME },
        { "ParserTemporaryLockFrame", 0 }, { "HelperFormatUnicodeString", 0 },
        { "DecodeSNMPObjectIdentifier", NMERR_INVALID_PARAMETER },
        { "EncodeSNMPObjectIdentifier", NMERR_INVALID_PARAMETER },
        { "IsValidSNMPObjectIdentifier", FALSE }, { "ObjectIdentifierContains", FALSE },
        { "AdjustSystemTime", 0 },
        /* the parser engine's (shim/engine.c, props.c, filterapi.c) */
        { "AddProperty", 0 }, { "AttachPropertyInstance", FALSE }, { "AttachPropertyInstanceEx", FALSE },
        { "CreatePropertyDatabase", NMERR_INVALID_HPROTOCOL }, { "CreateProtocol", 0 },
        { "DestroyPropertyDatabase", NMERR_INVALID_HPROTOCOL }, { "DestroyFilter", NMERR_INVALID_HFILTER },
        { "FilterAddObject", NMERR_INVALID_HFILTER }, { "FilterAttachesProperties", FALSE },
        { "FilterDuplicate", 0 }, { "FilterFrame", (DWORD)-1 }, { "FindPropertyInstance", 0 },
        { "FindPropertyInstanceRestart", 0 }, { "GetFrameRecognizeData", 0 },
        { "GetPreviousProtocolOffsetByName", NMERR_INVALID_PARAMETER }, { "GetProperty", 0 },
        { "GetPropertyInfo", 0 }, { "GetProtocolFromName", 0 }, { "GetProtocolFromTable", 0 },
        { "GetProtocolInfo", 0 }, { "GetProtocolStartOffset", (DWORD)-1 },
        { "GetProtocolStartOffsetHandle", (DWORD)-1 },
        /* shim/protoenum.c (EnumProtocols: the engine's table, below) */
        { "GetMaxAmountOfProtocols", 64 }, { "GetProtocolFromProperty", 0 },
        { "GetProtocolFromProtocolID", 0 }, { "GetProtocolDLLName", 0 },
        /* shim/frametable.c */
        { "FrameRecognize", NMERR_INVALID_HFRAME }, { "LockFramePropertyTable", 0 },
        { "UnlockFramePropertyTable", NMERR_INVALID_HFRAME },
    };
    size_t i;

    if (!strcmp(name, "BHSetLastError")) { *ret = fill; return 1; }
    /* NULL is the engine's own table; a handle that is not a capture gets NULL */
    if (!strcmp(name, "GetEnabledProtocols")) { *ret = 0; return fill != 0; }
    if (!strcmp(name, "EnumProtocols")) return 0;                 /* the table, always */
    if (!strcmp(name, "AddressTypeToMacType")) { *ret = fill ? MAC_TYPE_UNKNOWN : MAC_TYPE_ETHERNET; return 1; }
    if (!strcmp(name, "CompareRawAddresses")) { *ret = fill ? (DWORD)-1 : 0; return 1; }
    for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
        if (!strcmp(name, t[i].name)) { *ret = t[i].v; return 1; }
    return 0;
}

#ifdef _WIN64
typedef ULONG_PTR (WINAPI *ANY10)(ULONG_PTR, ULONG_PTR, ULONG_PTR, ULONG_PTR, ULONG_PTR,
                                  ULONG_PTR, ULONG_PTR, ULONG_PTR, ULONG_PTR, ULONG_PTR);
/* x86_64 has one convention: pass ten copies (the callee reads what it declares). */
static ULONG_PTR call_export(FARPROC fn, int bytes, ULONG_PTR fill, DWORD *popped)
{
    ANY10 f;

    memcpy(&f, &fn, sizeof(f));
    *popped = bytes < 0 ? 0 : (DWORD)bytes;
    return f(fill, fill, fill, fill, fill, fill, fill, fill, fill, fill);
}
#else
/* Pushes nargs copies of fill, calls fn, and reports how many bytes fn popped
 * (ESP after the call minus ESP before it: a stdcall function pops its arguments, a
 * cdecl one none). ESI (callee-saved) keeps the reference; EBP restores our stack. */
DWORD nm_call_measure(FARPROC fn, DWORD nargs, DWORD fill, DWORD *popped);
__asm__(".text\n"
        ".globl _nm_call_measure\n"
        "_nm_call_measure:\n"
        "  pushl %ebp\n  movl %esp, %ebp\n  pushl %ebx\n  pushl %esi\n  pushl %edi\n"
        "  movl 12(%ebp), %ecx\n  movl 16(%ebp), %edx\n"
        "1: testl %ecx, %ecx\n  jz 2f\n  pushl %edx\n  decl %ecx\n  jmp 1b\n"
        "2: movl %esp, %esi\n  call *8(%ebp)\n"
        "  movl %esp, %ecx\n  subl %esi, %ecx\n  movl 20(%ebp), %edx\n  movl %ecx, (%edx)\n"
        "  leal -12(%ebp), %esp\n  popl %edi\n  popl %esi\n  popl %ebx\n  popl %ebp\n  ret\n");

static ULONG_PTR call_export(FARPROC fn, int bytes, ULONG_PTR fill, DWORD *popped)
{
    /* cdecl: four arguments pushed, none may be popped */
    return nm_call_measure(fn, bytes < 0 ? 4 : (DWORD)bytes / 4, (DWORD)fill, popped);
}
#endif

/* Runs t_compat_imports on the sample capture; returns the expert (to unload) and
 * fills *res, *capture, and the expert's results. */
static HNMEXPERT run_compat_expert(HNMCAPTURE *capture, const struct compat_results **r,
                                   const struct compat_import **list)
{
    NMSHIM_RESULT res;
    COMPAT_RESULTS get;
    HNMEXPERT e;

    *r = NULL;
    if (!(*capture = nm_open_sample(NULL))) return NULL;
    e = nm_run_expert("t_compat_imports.dll", *capture, 30000, &res);
    CHECK_MSG(res.outcome == NMSHIM_DONE, "t_compat_imports: outcome %d, %s", res.outcome, res.message);
    get = (COMPAT_RESULTS)(void *)GetProcAddress(GetModuleHandleA("t_compat_imports.dll"), "CompatResults");
    CHECK(get != NULL);
    if (get) *r = get(list);
    return e;
}

static void test_compat_imports_all_160(void)
{
    const struct compat_results *r;
    const struct compat_import *list = NULL;
    HNMCAPTURE cap;
    HNMEXPERT e = run_compat_expert(&cap, &r, &list);
    int i;

    CHECK(e != NULL);
    if (r) {
        CHECK_EQ_U(r->bound, COMPAT_NIMPORTS);
        CHECK_EQ_U(r->mismatched, 0);
        CHECK_MSG(!r->problem[0], "t_compat_imports: %s", r->problem);
        CHECK(r->capture != NULL);
        CHECK(r->frame0 != NULL);
        CHECK(r->frames > 100);
    }
    /* the expert's list is nmapi-sdk.def's, name for name */
    CHECK_EQ_U(load_sdk_list(), 0);
    CHECK_EQ_U(nsdk, COMPAT_NIMPORTS);
    for (i = 0; list && i < nsdk && i < COMPAT_NIMPORTS; i++) {
        CHECK_STR(list[i].name, sdk[i].name);
        CHECK_EQ_U(list[i].bytes, sdk[i].bytes);
    }
    if (e) nm.NmShimUnloadExpert(e);
    if (cap) nm.NmShimCloseCapture(cap);
}

/* Calls every SDK export with every argument = fill; checks bytes popped and result. */
static void call_all(ULONG_PTR fill, const char *what)
{
    DWORD popped;
    ULONG_PTR got, want;
    int i, checked = 0;

    for (i = 0; i < nsdk; i++) {
        FARPROC fn = GetProcAddress(nm.dll, sdk[i].name);
        CHECK_MSG(fn != NULL, "nmapi.dll does not export %s", sdk[i].name);
        if (!fn) continue;
        /* Expert*: their suites test forged keys; with every argument random, the
         * memory functions write the error code through the random pError, which the
         * contract leaves to the expert (memory.c writes it unguarded). */
        if (fill && !strncmp(sdk[i].name, "Expert", 6)) continue;
        got = call_export(fn, sdk[i].bytes, fill, &popped);
        if (!strcmp(sdk[i].name, "CreateFilter") && got) {     /* a real filter: give it back */
            DWORD (WINAPI *destroy)(HFILTER) = (DWORD (WINAPI *)(HFILTER))(void *)GetProcAddress(nm.dll, "DestroyFilter");
            CHECK_MSG(destroy && destroy((HFILTER)got) == NMERR_SUCCESS, "DestroyFilter(CreateFilter())");
        }
        CHECK_MSG(popped == (DWORD)(sdk[i].bytes < 0 ? 0 : sdk[i].bytes),
                  "%s (%s): popped %lu bytes, the SDK says %d", sdk[i].name, what, popped, sdk[i].bytes);
        if (stub_failure(sdk[i].name, &want) || implemented_failure(sdk[i].name, fill, &want)) {
            /* the low 32 bits: DWORD, int and BOOL results leave the upper half of RAX
             * undefined on x86_64; the values compared all fit 32 bits */
            got = (DWORD)got;
            want = (DWORD)want;
            CHECK_MSG(got == want, "%s (%s): returned %#llx, expected %#llx", sdk[i].name, what,
                      (unsigned long long)got, (unsigned long long)want);
            checked++;
        }
    }
    CHECK_MSG(checked > 130, "%s: only %d results checked", what, checked);
}

static void test_compat_every_export_null_random_freed(void)
{
    const struct compat_results *r;
    HNMCAPTURE cap;
    HNMEXPERT e;
    HFRAME freed_frame;
    HCAPTURE freed_capture;
    unsigned seed = 11;
    int k;

    CHECK_EQ_U(load_sdk_list(), 0);
    CHECK_EQ_U(nsdk, COMPAT_NIMPORTS);
    call_all(0, "NULL");
    /* Random values that are neither handles nor readable addresses: i686, the upper
     * 2 GiB (kernel space for a non-large-address-aware exe); x86_64, kernel space. */
    for (k = 0; k < 4; k++) {
        seed = seed * 1103515245u + 12345u;
#ifdef _WIN64
        call_all(0xffff800000000000ull | ((ULONG_PTR)seed << 4), "random");
#else
        call_all(0x80000000u | seed | (k & 1), "random");
#endif
    }
    /* Handles of a capture that was open and is closed now. */
    e = run_compat_expert(&cap, &r, NULL);
    freed_frame = r ? r->frame0 : NULL;
    freed_capture = r ? r->capture : NULL;
    if (e) nm.NmShimUnloadExpert(e);
    if (cap) nm.NmShimCloseCapture(cap);
    CHECK(freed_frame != NULL && freed_capture != NULL);
#ifndef _WIN64
    /* i686: both values are in the upper 2 GiB, so also safe as bogus pointers */
    call_all((ULONG_PTR)freed_frame, "freed HFRAME");
    call_all((ULONG_PTR)freed_capture, "freed HCAPTURE");
#endif
}

static const struct nm_test tests[] = {
    NM_TEST(test_compat_imports_all_160),
    NM_TEST(test_compat_every_export_null_random_freed),
    NM_TEST_END
};

const struct nm_suite suite_compat = { "compat", init, NULL, tests };
