// cxx_uncaught.cpp - test expert in C++: Run lets a C++ exception escape. On i686 (DWARF
// unwinding) nothing catches it and std::terminate calls abort(); on x86_64 it reaches
// the host's guard as an unhandled SEH exception. Either way a fault of Run, not the end
// of the host.
#include <windows.h>
#include <netmon.h>
#include <cstdio>
#include <stdexcept>

extern "C" {
__declspec(dllexport) BOOL WINAPI Register(PEXPERTENUMINFO info);
__declspec(dllexport) BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config,
                                      PEXPERTSTARTUPINFO startup, DWORD flags, HWND wnd);
}

namespace {
__attribute__((noinline)) void throw_one(int i)
{
    if (i >= 0)
        throw std::runtime_error("uncaught");
}
}

extern "C" BOOL WINAPI Register(PEXPERTENUMINFO info)
{
    std::snprintf(info->szName, sizeof(info->szName), "t_cxx_uncaught");
    std::snprintf(info->szVendor, sizeof(info->szVendor), "nmshim tests");
    std::snprintf(info->szDescription, sizeof(info->szDescription),
                  "Lets a C++ exception escape from Run");
    info->Version = 0;
    info->Flags = 0;
    return TRUE;
}

extern "C" BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config, PEXPERTSTARTUPINFO startup,
                           DWORD flags, HWND wnd)
{
    DWORD err;
    (void)config; (void)startup; (void)flags; (void)wnd;
    ExpertAllocMemory(key, 100, &err);
    throw_one(1);
    return TRUE;
}
