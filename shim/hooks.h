/*
 * hooks.h - what an expert may call that would end the host's process or thread, or
 * start threads the host does not know of (hooks.c): the expert module's import address
 * table is patched to shims, also before its DllMain runs (loader notification), and a
 * vectored handler notes the exceptions of a DllMain for the report.
 *
 * The shims raise NM_EXIT_EXCEPTION on a thread that runs an expert entry point or an
 * expert's worker thread; the fault guard around the entry point (or worker) catches it,
 * and expert.c reports it as a fault of that expert under a name of our own.
 */
#ifndef NM_HOOKS_H
#define NM_HOOKS_H

#include <windows.h>
#include "guard.h"

struct nm_expert;

/* Private exception: "customer" bit set, facility 'NM', code 'X'. Parameters:
 * [0] one of NM_EXIT_* below, [1] the exit code the expert passed (or 0). */
#define NM_EXIT_EXCEPTION           ((DWORD)0xE04E4D58)
#define NM_EXIT_CALLED_EXIT         1   /* exit, _exit, _Exit, quick_exit */
#define NM_EXIT_CALLED_ABORT        2   /* abort (also std::terminate on i686) */
#define NM_EXIT_ASSERT_FAILED       3   /* _assert / _wassert */
#define NM_EXIT_CALLED_EXITPROCESS  4
#define NM_EXIT_CALLED_TERMINATEPROCESS 5   /* TerminateProcess on our own process */
#define NM_EXIT_CALLED_EXITTHREAD   6   /* ExitThread / FreeLibraryAndExitThread on a
                                         * thread running an entry point */
#define NM_EXIT_THREAD_ENDED        7   /* the entry point's thread ended without
                                         * returning (not through a hooked call) */

/* What the calling thread is doing for which expert (a TLS slot; NULL: nothing). */
struct nm_role {
    struct nm_expert *expert;
    const char *entry;          /* "DllMain", "Register", "Configure", "Run" */
    BOOL worker;                /* a thread the expert created (CreateThread hook) */
    BOOL loading;               /* inside LoadLibrary: note exceptions in load_rec */
    BOOL load_faulted;
    struct nm_fault_record load_rec;    /* the last exception seen while loading */
    char load_module[64];       /* where, looked up at once: the DLL is gone after */
    ULONG_PTR load_offset;
    char note[96];              /* e.g. the failed assertion, for the report */
};

void nm_hooks_init(void);                       /* once; idempotent, thread-safe */
void nm_role_set(struct nm_role *role);
struct nm_role *nm_role_get(void);
/* Patches m's imports (by name, from the CRT and kernel32 families). The module is
 * remembered for e so calls on threads with no role are still attributed. */
void nm_hooks_patch(HMODULE m, struct nm_expert *e);
void nm_hooks_forget(HMODULE m);
/* The name of an NM_EXIT_* kind ("EXPERT_CALLED_EXIT", ...), or NULL. */
const char *nm_hooks_exit_name(ULONG_PTR kind);

/* expert.c, called from the hooks */
void nm_expert_worker_started(struct nm_expert *e, HANDLE thread);
void nm_expert_worker_fault(struct nm_expert *e, const struct nm_fault_record *rec,
                            const char *note);
/* Is path a module of expert e's (its own DLL, or one in its folder)? */
BOOL nm_expert_owns_path(const struct nm_expert *e, const WCHAR *path);

#endif /* NM_HOOKS_H */
