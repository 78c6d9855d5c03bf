// cxx_throw.cpp - test expert in C++: throws and catches 1000 C++ exceptions inside
// Run. They are the expert's own (SEH-based on x86_64), so the host's fault guard must
// let every one of them reach the expert's catch block ("Faults that the expert
// handles itself must stay the expert's", docs/design.md).
#include <windows.h>
#include <netmon.h>
#include <cstdio>
#include <stdexcept>

// C linkage and WINAPI, as the host looks the entry points up by their plain names.
extern "C" {
__declspec(dllexport) BOOL WINAPI Register(PEXPERTENUMINFO info);
__declspec(dllexport) BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config,
                                      PEXPERTSTARTUPINFO startup, DWORD flags, HWND wnd);
}

namespace {
const int kThrows = 1000;

// Out of line so the throw really goes through the unwinder, not folded by the optimiser.
__attribute__((noinline)) void throw_one(int i)
{
    if (i >= 0)
        throw std::runtime_error("x");
}
}

extern "C" BOOL WINAPI Register(PEXPERTENUMINFO info)
{
    std::snprintf(info->szName, sizeof(info->szName), "t_cxx_throw");
    std::snprintf(info->szVendor, sizeof(info->szVendor), "nmshim tests");
    std::snprintf(info->szDescription, sizeof(info->szDescription),
                  "Throws and catches 1000 C++ exceptions in Run");
    info->Version = 0;
    info->Flags = 0;
    return TRUE;
}

extern "C" BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config, PEXPERTSTARTUPINFO startup,
                           DWORD flags, HWND wnd)
{
    char text[EXPERTSTRINGLENGTH];
    DWORD err = 0xdeadbeef, rc = NMERR_SUCCESS;
    int caught = 0;
    void *p;

    (void)config; (void)startup; (void)flags; (void)wnd;

    for (int i = 0; i < kThrows; i++) {
        try {
            throw_one(i);
        } catch (const std::exception &) {
            ++caught;
        }
    }

    p = ExpertAllocMemory(key, 32, &err);
    if (p)
        rc = ExpertFreeMemory(key, p);
    if (caught == kThrows && p && rc == NMERR_SUCCESS)
        return TRUE;
    std::snprintf(text, sizeof(text), "caught %d of %d; alloc %p err %lu; free %lu",
                  caught, kThrows, p, err, rc);
    ExpertIndicateStatus(key, EXPERTSTATUS_PROBLEM, 0, text, 0);
    return FALSE;
}
