/*
 * test_exports.c - suite "exports" (def/nmapi.def): every documented Expert* name and
 * every extension resolves by its plain name, and an expert linked through the import
 * library (stdcall-decorated imports on i686) binds to our undecorated exports.
 */
#include <string.h>
#include "test_util.h"

static int init(void) { return nm_load_nmapi(); }

static void test_exports_expert_names_resolve(void)
{
    static const char *names[] = { "ExpertAllocMemory", "ExpertReallocMemory",
        "ExpertFreeMemory", "ExpertMemorySize", "ExpertGetFrame", "ExpertIndicateStatus",
        "ExpertSubmitEvent", "ExpertGetStartupInfo" };
    char deco[64];
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        CHECK_MSG(GetProcAddress(nm.dll, names[i]) != NULL, "%s does not resolve", names[i]);
        /* Undecorated only: no "Name@N" twin in the export table. */
        snprintf(deco, sizeof(deco), "%s@%d", names[i], 8);
        CHECK_MSG(GetProcAddress(nm.dll, deco) == NULL, "%s resolves", deco);
    }
}

static void test_exports_import_library_binds(void)
{
    HMODULE m = LoadLibraryA(nm_test_path("t_ok.dll"));
    BOOL (WINAPI *run)(HEXPERTKEY, PEXPERTCONFIG, PEXPERTSTARTUPINFO, DWORD, HWND);
    NMSHIM_MEMSTATS st;
    HEXPERTKEY key = NULL;

    CHECK_MSG(m != NULL, "t_ok.dll (linked through libnmapi.dll.a) does not load: error %lu",
              GetLastError());
    if (!m) return;
    /* The expert's imports must bind to the nmapi.dll this process already has. */
    CHECK(GetModuleHandleA("nmapi.dll") == nm.dll);
    {
        FARPROC p = GetProcAddress(m, "Run");
        memcpy(&run, &p, sizeof(p));
    }
    CHECK(run != NULL);
    CHECK_EQ_U(nm.NmShimCreateInstance(0, &key), NMERR_SUCCESS);
    if (run && key) {
        CHECK_EQ_U(run(key, NULL, NULL, 0, NULL), TRUE);
        CHECK_EQ_U(nm.NmShimEndInstance(key, &st), NMERR_SUCCESS);
        CHECK_EQ_U(st.allocs, 10);
        CHECK_EQ_U(st.reallocs, 1);
        CHECK_EQ_U(st.frees, 10);
        CHECK_EQ_U(st.leaked_blocks, 0);
    }
    FreeLibrary(m);
}

static const struct nm_test tests[] = {
    NM_TEST(test_exports_expert_names_resolve),
    NM_TEST(test_exports_import_library_binds),
    NM_TEST_END
};
const struct nm_suite suite_exports = { "exports", init, NULL, tests };
