/*
 * hooks.c - keeps an expert from ending the host (exit, abort, ExitProcess,
 * TerminateProcess on itself, ExitThread on a host thread) and brings the threads it
 * creates under the fault guard (CreateThread, _beginthreadex, _beginthread).
 *
 * How: the expert module's import address table is patched to the shims below (by
 * import name, only for imports from the CRT and kernel32 families; GetProcAddress on
 * those DLLs for the same names answers the shims too). DllMain runs inside LoadLibrary,
 * before the host could patch anything, so the patch is also applied from a loader
 * notification (LdrRegisterDllNotification): Wine 8 sends LOADED after the imports are
 * bound and right before DllMain (dlls/ntdll/loader.c process_attach), so DllMain is
 * covered too. Modules in the expert's folder that it imports are patched as well.
 * Not covered (README "Lifecycle"): delay-loaded imports, calls made by other system
 * DLLs on the expert's behalf, ntdll's own exits (NtTerminateProcess, RtlExitUserThread).
 *
 * The shims raise NM_EXIT_EXCEPTION on a thread that runs an expert entry point or one
 * of its workers; the guard there catches it and expert.c reports a fault. On a thread
 * the host knows nothing of (a thread pool callback) they end that thread only and
 * report the fault against the expert whose code called them.
 */
#include <stdio.h>
#include <string.h>
#include <windows.h>
#include "nmapi_private.h"
#include "hooks.h"

static DWORD tls = TLS_OUT_OF_INDEXES;
static INIT_ONCE init_once = INIT_ONCE_STATIC_INIT;

/* The real functions, resolved from the system DLLs at init (never NULL after it). */
static void   (WINAPI *real_ExitThread)(DWORD);
static HANDLE (WINAPI *real_CreateThread)(SECURITY_ATTRIBUTES *, SIZE_T,
                                          LPTHREAD_START_ROUTINE, void *, DWORD, DWORD *);
static BOOL   (WINAPI *real_TerminateProcess)(HANDLE, UINT);
static FARPROC (WINAPI *real_GetProcAddress)(HMODULE, LPCSTR);
static uintptr_t (__cdecl *real_beginthreadex)(void *, unsigned, unsigned (__stdcall *)(void *),
                                               void *, unsigned, unsigned *);
static uintptr_t (__cdecl *real_beginthread)(void (__cdecl *)(void *), unsigned, void *);

/* ---- the thread's role ------------------------------------------------------------ */

void nm_role_set(struct nm_role *role)
{
    TlsSetValue(tls, role);
}

struct nm_role *nm_role_get(void)
{
    DWORD err = GetLastError();     /* TlsGetValue clears it: keep the expert's */
    struct nm_role *r = tls == TLS_OUT_OF_INDEXES ? NULL : TlsGetValue(tls);
    SetLastError(err);
    return r;
}

/* ---- modules patched, by expert ------------------------------------------------------- */

#define MAX_MODULES 256
static SRWLOCK modules_lock = SRWLOCK_INIT;
static struct { HMODULE module; struct nm_expert *expert; } modules[MAX_MODULES];

static struct nm_expert *expert_of(ULONG_PTR address)
{
    struct nm_expert *e = NULL;
    HMODULE m = NULL;
    int i;

    if (!GetModuleHandleExA(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS |
                            GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT, (LPCSTR)address, &m))
        return NULL;
    AcquireSRWLockShared(&modules_lock);
    for (i = 0; i < MAX_MODULES; i++)
        if (modules[i].module == m) { e = modules[i].expert; break; }
    ReleaseSRWLockShared(&modules_lock);
    return e;
}

static void remember(HMODULE m, struct nm_expert *e)
{
    int i, free_slot = -1;

    AcquireSRWLockExclusive(&modules_lock);
    for (i = 0; i < MAX_MODULES; i++) {
        if (modules[i].module == m) { modules[i].expert = e; free_slot = -2; break; }
        if (!modules[i].module && free_slot == -1) free_slot = i;
    }
    if (free_slot >= 0) { modules[free_slot].module = m; modules[free_slot].expert = e; }
    ReleaseSRWLockExclusive(&modules_lock);
}

void nm_hooks_forget(HMODULE m)
{
    int i;

    AcquireSRWLockExclusive(&modules_lock);
    for (i = 0; i < MAX_MODULES; i++)
        if (modules[i].module == m) modules[i].module = NULL, modules[i].expert = NULL;
    ReleaseSRWLockExclusive(&modules_lock);
}

/* ---- the exits ---------------------------------------------------------------------- */

const char *nm_hooks_exit_name(ULONG_PTR kind)
{
    switch (kind) {
    case NM_EXIT_CALLED_EXIT:             return "EXPERT_CALLED_EXIT";
    case NM_EXIT_CALLED_ABORT:            return "EXPERT_CALLED_ABORT";
    case NM_EXIT_ASSERT_FAILED:           return "EXPERT_ASSERT_FAILED";
    case NM_EXIT_CALLED_EXITPROCESS:      return "EXPERT_CALLED_EXITPROCESS";
    case NM_EXIT_CALLED_TERMINATEPROCESS: return "EXPERT_CALLED_TERMINATEPROCESS";
    case NM_EXIT_CALLED_EXITTHREAD:       return "EXPERT_CALLED_EXITTHREAD";
    case NM_EXIT_THREAD_ENDED:            return "EXPERT_THREAD_ENDED";
    }
    return NULL;
}

/* The expert asked to end the process (or its entry point's thread). ret: the return
 * address into the expert, for a thread the host does not know. Never returns. */
static void __attribute__((noreturn)) exit_call(ULONG_PTR kind, ULONG_PTR code, void *ret,
                                                const char *note)
{
    struct nm_role *r = nm_role_get();
    ULONG_PTR p[2] = { kind, code };
    struct nm_expert *e;

    if (r && r->expert) {
        if (note) lstrcpynA(r->note, note, sizeof(r->note));
        else r->note[0] = 0;
        RaiseException(NM_EXIT_EXCEPTION, EXCEPTION_NONCONTINUABLE, 2, p);
        /* Only if the expert's own handler swallowed a non-continuable exception. */
    } else if ((e = expert_of((ULONG_PTR)ret))) {
        struct nm_fault_record rec;
        memset(&rec, 0, sizeof(rec));
        rec.code = NM_EXIT_EXCEPTION;
        rec.flags = EXCEPTION_NONCONTINUABLE;
        rec.address = rec.caller = (ULONG_PTR)ret;
        rec.nparams = 2;
        rec.params[0] = kind;
        rec.params[1] = code;
        nm_expert_worker_fault(e, &rec, note);
    }
    /* The process stays: only this thread ends. */
    real_ExitThread((DWORD)code);
    for (;;) Sleep(INFINITE);
}

static void __cdecl hook_exit(int code)
{
    exit_call(NM_EXIT_CALLED_EXIT, (ULONG_PTR)(DWORD)code, __builtin_return_address(0), NULL);
}

static void __cdecl hook_abort(void)
{
    exit_call(NM_EXIT_CALLED_ABORT, 3, __builtin_return_address(0), NULL);
}

static void __cdecl hook_assert(const char *msg, const char *file, unsigned line)
{
    char note[96];
    snprintf(note, sizeof(note), "assertion failed: %.40s, %.32s:%u", msg ? msg : "?",
             file ? file : "?", line);
    exit_call(NM_EXIT_ASSERT_FAILED, 3, __builtin_return_address(0), note);
}

static void __cdecl hook_wassert(const WCHAR *msg, const WCHAR *file, unsigned line)
{
    char note[96];
    snprintf(note, sizeof(note), "assertion failed: %.40ls, %.32ls:%u", msg ? msg : L"?",
             file ? file : L"?", line);
    exit_call(NM_EXIT_ASSERT_FAILED, 3, __builtin_return_address(0), note);
}

static void WINAPI hook_ExitProcess(UINT code)
{
    exit_call(NM_EXIT_CALLED_EXITPROCESS, code, __builtin_return_address(0), NULL);
}

static BOOL is_own_process(HANDLE h)
{
    return h == GetCurrentProcess() || GetProcessId(h) == GetCurrentProcessId();
}

static BOOL WINAPI hook_TerminateProcess(HANDLE h, UINT code)
{
    if (is_own_process(h))
        exit_call(NM_EXIT_CALLED_TERMINATEPROCESS, code, __builtin_return_address(0), NULL);
    return real_TerminateProcess(h, code);
}

/* On an entry point's thread it is a fault (the host's thread would vanish mid-call);
 * a worker of the expert's own may end itself. */
static void WINAPI hook_ExitThread(DWORD code)
{
    struct nm_role *r = nm_role_get();
    if (r && r->expert && !r->worker)
        exit_call(NM_EXIT_CALLED_EXITTHREAD, code, __builtin_return_address(0), NULL);
    real_ExitThread(code);
}

static void WINAPI hook_FreeLibraryAndExitThread(HMODULE m, DWORD code)
{
    struct nm_role *r = nm_role_get();
    if (r && r->expert && !r->worker)
        exit_call(NM_EXIT_CALLED_EXITTHREAD, code, __builtin_return_address(0), NULL);
    FreeLibrary(m);
    real_ExitThread(code);
}

/* ---- the expert's threads ------------------------------------------------------------ */

enum { START_WIN32, START_CRTEX, START_CRT };

struct worker_start {
    struct nm_expert *expert;
    const char *entry;
    int kind;
    void *proc;
    void *arg;
    DWORD ret;
};

static void worker_fn(void *arg)
{
    struct worker_start *w = arg;
    switch (w->kind) {
    case START_WIN32: w->ret = ((LPTHREAD_START_ROUTINE)w->proc)(w->arg); break;
    case START_CRTEX: w->ret = ((unsigned (__stdcall *)(void *))w->proc)(w->arg); break;
    default:          ((void (__cdecl *)(void *))w->proc)(w->arg); w->ret = 0; break;
    }
}

/* Every thread the expert creates starts here: its procedure runs under the guard, and
 * a fault in it is the expert's (test_expert_worker_fault). */
static DWORD WINAPI worker_main(void *arg)
{
    struct worker_start w = *(struct worker_start *)arg;
    struct nm_fault_record rec;
    struct nm_role role;

    HeapFree(GetProcessHeap(), 0, arg);
    memset(&role, 0, sizeof(role));
    role.expert = w.expert;
    role.entry = w.entry;
    role.worker = TRUE;
    nm_role_set(&role);
    if (nm_guard_call(worker_fn, &w, &rec) != NM_GUARD_OK) {
        nm_expert_worker_fault(w.expert, &rec, role.note[0] ? role.note : NULL);
        w.ret = rec.code;
    }
    nm_role_set(NULL);
    return w.ret;
}

static unsigned __stdcall worker_main_crt(void *arg)
{
    return worker_main(arg);
}

static struct worker_start *worker_new(int kind, void *proc, void *arg, void *ret)
{
    struct nm_role *r = nm_role_get();
    struct nm_expert *e = r && r->expert ? r->expert : expert_of((ULONG_PTR)ret);
    struct worker_start *w;

    if (!e || !(w = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*w)))) return NULL;
    w->expert = e;
    w->entry = r && r->entry ? r->entry : "?";
    w->kind = kind;
    w->proc = proc;
    w->arg = arg;
    return w;
}

/* Created suspended so the host has the handle before the thread can run (and fault). */
static HANDLE WINAPI hook_CreateThread(SECURITY_ATTRIBUTES *sa, SIZE_T stack,
                                       LPTHREAD_START_ROUTINE proc, void *arg, DWORD flags,
                                       DWORD *id)
{
    struct worker_start *w = worker_new(START_WIN32, (void *)proc, arg, __builtin_return_address(0));
    HANDLE h;

    if (!w) return real_CreateThread(sa, stack, proc, arg, flags, id);
    if (!(h = real_CreateThread(sa, stack, worker_main, w, flags | CREATE_SUSPENDED, id))) {
        HeapFree(GetProcessHeap(), 0, w);
        return NULL;
    }
    nm_expert_worker_started(w->expert, h);
    if (!(flags & CREATE_SUSPENDED)) ResumeThread(h);
    return h;
}

static uintptr_t __cdecl hook_beginthreadex(void *sa, unsigned stack,
                                            unsigned (__stdcall *proc)(void *), void *arg,
                                            unsigned flags, unsigned *id)
{
    struct worker_start *w = worker_new(START_CRTEX, (void *)proc, arg, __builtin_return_address(0));
    uintptr_t h;

    if (!w) return real_beginthreadex(sa, stack, proc, arg, flags, id);
    if (!(h = real_beginthreadex(sa, stack, worker_main_crt, w, flags | CREATE_SUSPENDED, id))) {
        HeapFree(GetProcessHeap(), 0, w);
        return 0;
    }
    nm_expert_worker_started(w->expert, (HANDLE)h);
    if (!(flags & CREATE_SUSPENDED)) ResumeThread((HANDLE)h);
    return h;
}

/* _beginthread's handle closes itself when the thread ends, too early for the host to
 * duplicate it safely: the thread is made with _beginthreadex (suspended), the host
 * takes its copy, and the caller gets a closed handle value, which msvcrt's
 * documentation already says may be invalid by the time _beginthread returns. */
static uintptr_t __cdecl hook_beginthread(void (__cdecl *proc)(void *), unsigned stack, void *arg)
{
    struct worker_start *w = worker_new(START_CRT, (void *)proc, arg, __builtin_return_address(0));
    uintptr_t h;

    if (!w) return real_beginthread(proc, stack, arg);
    if (!(h = real_beginthreadex(NULL, stack, worker_main_crt, w, CREATE_SUSPENDED, NULL))) {
        HeapFree(GetProcessHeap(), 0, w);
        return (uintptr_t)-1;
    }
    nm_expert_worker_started(w->expert, (HANDLE)h);
    ResumeThread((HANDLE)h);
    CloseHandle((HANDLE)h);
    return h;
}

/* ---- the table, and patching ---------------------------------------------------------- */

enum { CRT = 1, KERNEL = 2 };

static FARPROC WINAPI hook_GetProcAddress(HMODULE m, LPCSTR name);

static const struct hook {
    const char *name;
    int family;
    void *shim;
} hooks[] = {
    { "exit", CRT, (void *)hook_exit },
    { "_exit", CRT, (void *)hook_exit },
    { "_Exit", CRT, (void *)hook_exit },
    { "quick_exit", CRT, (void *)hook_exit },
    { "abort", CRT, (void *)hook_abort },
    { "_assert", CRT, (void *)hook_assert },
    { "_wassert", CRT, (void *)hook_wassert },
    { "_beginthreadex", CRT, (void *)hook_beginthreadex },
    { "_beginthread", CRT, (void *)hook_beginthread },
    { "ExitProcess", KERNEL, (void *)hook_ExitProcess },
    { "TerminateProcess", KERNEL, (void *)hook_TerminateProcess },
    { "ExitThread", KERNEL, (void *)hook_ExitThread },
    { "FreeLibraryAndExitThread", KERNEL, (void *)hook_FreeLibraryAndExitThread },
    { "CreateThread", KERNEL, (void *)hook_CreateThread },
    { "GetProcAddress", KERNEL, (void *)hook_GetProcAddress },
};

static int family_of(const char *dll)
{
    if (!_strnicmp(dll, "msvcr", 5) || !_strnicmp(dll, "ucrtbase", 8) ||
        !_strnicmp(dll, "api-ms-win-crt-", 15)) return CRT;
    if (!_strnicmp(dll, "kernel32", 8) || !_strnicmp(dll, "kernelbase", 10) ||
        !_strnicmp(dll, "api-ms-win-core-", 16)) return KERNEL;
    return 0;
}

static const struct hook *find_hook(const char *name, int family)
{
    size_t i;
    for (i = 0; i < sizeof(hooks) / sizeof(hooks[0]); i++)
        if (hooks[i].family == family && !strcmp(hooks[i].name, name)) return &hooks[i];
    return NULL;
}

/* GetProcAddress(kernel32 or a CRT, "ExitProcess") answers the shim as the IAT does. */
static FARPROC WINAPI hook_GetProcAddress(HMODULE m, LPCSTR name)
{
    FARPROC p = real_GetProcAddress(m, name);
    char path[MAX_PATH], *base;
    const struct hook *h;
    DWORD n;

    if (!p || !((ULONG_PTR)name >> 16)) return p;
    n = GetModuleFileNameA(m, path, sizeof(path));
    if (!n || n >= sizeof(path)) return p;
    base = strrchr(path, '\\');
    base = base ? base + 1 : path;
    if ((h = find_hook(name, family_of(base)))) return (FARPROC)h->shim;
    return p;
}

void nm_hooks_patch(HMODULE m, struct nm_expert *e)
{
    BYTE *base = (BYTE *)m;
    IMAGE_NT_HEADERS *nt;
    IMAGE_DATA_DIRECTORY *dir;
    IMAGE_IMPORT_DESCRIPTOR *d;

    if (!m) return;
    remember(m, e);
    nt = (IMAGE_NT_HEADERS *)(base + ((IMAGE_DOS_HEADER *)base)->e_lfanew);
    dir = &nt->OptionalHeader.DataDirectory[IMAGE_DIRECTORY_ENTRY_IMPORT];
    if (!dir->VirtualAddress || !dir->Size) return;
    for (d = (IMAGE_IMPORT_DESCRIPTOR *)(base + dir->VirtualAddress); d->Name; d++) {
        int family = family_of((const char *)(base + d->Name));
        IMAGE_THUNK_DATA *names, *iat;

        /* Without the name table (OriginalFirstThunk) the names are gone once bound. */
        if (!family || !d->OriginalFirstThunk) continue;
        names = (IMAGE_THUNK_DATA *)(base + d->OriginalFirstThunk);
        iat = (IMAGE_THUNK_DATA *)(base + d->FirstThunk);
        for (; names->u1.AddressOfData; names++, iat++) {
            const struct hook *h;
            DWORD old;
            if (IMAGE_SNAP_BY_ORDINAL(names->u1.Ordinal)) continue;
            h = find_hook((const char *)((IMAGE_IMPORT_BY_NAME *)(base + names->u1.AddressOfData))->Name,
                          family);
            if (!h || iat->u1.Function == (ULONG_PTR)h->shim) continue;
            if (!VirtualProtect(&iat->u1.Function, sizeof(iat->u1.Function), PAGE_READWRITE, &old))
                continue;
            iat->u1.Function = (ULONG_PTR)h->shim;
            VirtualProtect(&iat->u1.Function, sizeof(iat->u1.Function), old, &old);
        }
    }
    TRACE("patched the imports of %p\n", m);
}

/* ---- before DllMain: the loader notification ------------------------------------------- */

typedef struct { USHORT Length, MaximumLength; WCHAR *Buffer; } nm_ustring;
typedef struct {
    ULONG Flags;
    const nm_ustring *FullDllName;
    const nm_ustring *BaseDllName;
    void *DllBase;
    ULONG SizeOfImage;
} nm_dll_notification;
#define NM_LDR_LOADED 1

static void CALLBACK on_dll_loaded(ULONG reason, const nm_dll_notification *d, void *ctx)
{
    struct nm_role *r = nm_role_get();
    WCHAR path[MAX_PATH];
    size_t n;

    (void)ctx;
    if (reason != NM_LDR_LOADED || !r || !r->loading || !r->expert || !d->FullDllName) return;
    n = d->FullDllName->Length / sizeof(WCHAR);
    if (n >= MAX_PATH) return;
    memcpy(path, d->FullDllName->Buffer, n * sizeof(WCHAR));
    path[n] = 0;
    if (nm_expert_owns_path(r->expert, path)) nm_hooks_patch((HMODULE)d->DllBase, r->expert);
}

/* ---- DllMain's exceptions -------------------------------------------------------------- */

/* The loader catches an exception in DllMain itself and only fails the load (Wine:
 * MODULE_InitDLL, the status becomes the exception code), so the guard never sees it.
 * This first-chance look notes the last one on a loading thread; expert.c decides
 * whether it is why the load failed. Nothing else: CONTINUE_SEARCH always. */
static LONG CALLBACK load_watch(EXCEPTION_POINTERS *ep)
{
    struct nm_role *r = nm_role_get();
    const EXCEPTION_RECORD *er = ep->ExceptionRecord;

    if (!r || !r->loading || nm_guard_is_debug_output(er->ExceptionCode))
        return EXCEPTION_CONTINUE_SEARCH;
#ifdef _WIN64
    nm_guard_fill(&r->load_rec, er, ep->ContextRecord->Rsp);
#else
    nm_guard_fill(&r->load_rec, er, ep->ContextRecord->Esp);
#endif
    nm_guard_module_of(r->load_rec.caller ? r->load_rec.caller : r->load_rec.address,
                       r->load_module, sizeof(r->load_module), &r->load_offset);
    r->load_faulted = TRUE;
    return EXCEPTION_CONTINUE_SEARCH;
}

static BOOL CALLBACK do_init(INIT_ONCE *once, void *param, void **context)
{
    HMODULE k32 = GetModuleHandleA("kernel32.dll"), crt = GetModuleHandleA("msvcrt.dll");
    LONG (NTAPI *reg)(ULONG, void *, void *, void **);
    static void *cookie;

    (void)once; (void)param; (void)context;
    if (!crt) crt = LoadLibraryA("msvcrt.dll");
    real_ExitThread = (void *)GetProcAddress(k32, "ExitThread");
    real_CreateThread = (void *)GetProcAddress(k32, "CreateThread");
    real_TerminateProcess = (void *)GetProcAddress(k32, "TerminateProcess");
    real_GetProcAddress = (void *)GetProcAddress(k32, "GetProcAddress");
    real_beginthreadex = (void *)GetProcAddress(crt, "_beginthreadex");
    real_beginthread = (void *)GetProcAddress(crt, "_beginthread");
    tls = TlsAlloc();
    AddVectoredExceptionHandler(1, load_watch);
    reg = (void *)GetProcAddress(GetModuleHandleA("ntdll.dll"), "LdrRegisterDllNotification");
    if (!reg || reg(0, (void *)on_dll_loaded, NULL, &cookie))
        WARN("no loader notification: DllMain runs unhooked\n");
    return TRUE;
}

void nm_hooks_init(void)
{
    InitOnceExecuteOnce(&init_once, do_init, NULL, NULL);
}
