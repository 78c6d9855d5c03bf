/*
 * stubs.c - documented stubs of the exports nmshim does not implement (nmapi.@): capture
 * creation and saving, the address database, expert groups, the host's expert UI,
 * ModifyFrame and the like (docs/sdk-samples.md Appendix A; docs/nmapi-functions.md §1).
 *
 * Each stub traces one FIXME per function and returns the failure value its doc page
 * names, or, undocumented, NULL / FALSE / NMERR_NOT_SUPPORTED. No stub reads or writes
 * any argument. Prototypes: MinGW's netmon.h where it declares the function, else
 * inferred from the i686 argument size and the name (nmapi_compat.h says how).
 */
#include "nmapi_compat.h"

#pragma GCC diagnostic ignored "-Wunused-parameter"

/* Undeclared in netmon.h: inferred prototypes. */
HCAPTURE WINAPI CreateCapture(LPVOID lpReserved, DWORD Flags);
HFRAME WINAPI CreateFrame(HCAPTURE hCapture, LPBYTE FrameData, DWORD FrameLength, DWORD TimeStamp);
DWORD WINAPI DebugGetFrameLocks(HCAPTURE hCapture, LPDWORD lpLocks, DWORD nLocks);
VOID WINAPI DebugShowLocks(HCAPTURE hCapture);
DWORD WINAPI DeleteFrame(HCAPTURE hCapture, DWORD FrameNumber);
DWORD WINAPI DestroyCapture(HCAPTURE hCapture);
DWORD WINAPI DestroyFrame(HFRAME hFrame);
LPVOID WINAPI GetCaptureInstanceData(HCAPTURE hCapture);
LPBYTE WINAPI GetFrameRoutingInformation(HFRAME hFrame, LPDWORD lpLength);
DWORD WINAPI InsertFrame(HCAPTURE hCapture, DWORD FrameNumber, HFRAME hFrame);
DWORD WINAPI LoadCapture(LPSTR lpFilename, HCAPTURE *lphCapture);
DWORD WINAPI LoadCaptureW(LPWSTR lpFilename, HCAPTURE *lphCapture);
DWORD WINAPI SaveCapture(HCAPTURE hCapture, LPSTR lpFilename, HFILTER hFilter, DWORD FirstFrame, DWORD LastFrame, STATUSPROC StatusProc, LPVOID UIInstance, DWORD TimeDelta, LPSTR lpComment, DWORD Flags);
DWORD WINAPI SaveCaptureW(HCAPTURE hCapture, LPWSTR lpFilename, HFILTER hFilter, DWORD FirstFrame, DWORD LastFrame, STATUSPROC StatusProc, LPVOID UIInstance, DWORD TimeDelta, LPWSTR lpComment, DWORD Flags);
DWORD WINAPI SaveDownLevelCapture(HCAPTURE hCapture, LPSTR lpFilename, HFILTER hFilter, DWORD FirstFrame, DWORD LastFrame, STATUSPROC StatusProc, LPVOID UIInstance, DWORD TimeDelta, DWORD Flags);
LPVOID WINAPI SetCaptureInstanceData(HCAPTURE hCapture, LPVOID lpInstanceData);
DWORD WINAPI SetCaptureMacType(HCAPTURE hCapture, DWORD MacType);
DWORD WINAPI SetCaptureTimeStamp(HCAPTURE hCapture, LPSYSTEMTIME lpTimeStamp);
DWORD WINAPI AddAddress(HANDLE hAddressDB, LPADDRESS2 lpAddress, LPSTR lpName, DWORD Flags);
HANDLE WINAPI CreateAddressDatabase(VOID);
DWORD WINAPI DeleteAddress(HANDLE hAddressDB, LPADDRESS2 lpAddress);
DWORD WINAPI DestroyAddressDatabase(HANDLE hAddressDB);
DWORD WINAPI EmptyAddressDatabase(HANDLE hAddressDB);
LPVOID WINAPI EnumAddresses(HANDLE hAddressDB, DWORD Index);
LPVOID WINAPI FindAddressInfoByAddress(HANDLE hAddressDB, LPADDRESS2 lpAddress);
LPVOID WINAPI FindAddressInfoByName(HANDLE hAddressDB, LPSTR lpName, DWORD AddressType);
LPVOID WINAPI GetAddressDatabaseInstanceData(HANDLE hAddressDB);
LPVOID WINAPI GetAddressInfo(HANDLE hAddressDB, DWORD Index);
LPVOID WINAPI GetAddressInfoByName(HANDLE hAddressDB, LPSTR lpName);
HANDLE WINAPI GetCaptureAddressDB(HCAPTURE hCapture);
LPVOID WINAPI SetAddressDatabaseInstanceData(HANDLE hAddressDB, LPVOID lpInstanceData);
HANDLE WINAPI SetCaptureAddressDB(HCAPTURE hCapture, HANDLE hAddressDB);
DWORD WINAPI AbortExpert(HANDLE hExpert);
DWORD WINAPI AddExpertToGroup(HANDLE hGroup, HANDLE hExpert);
HANDLE WINAPI AddGroup(LPSTR lpGroupName, DWORD Flags);
DWORD WINAPI DeleteExpertFromGroup(HANDLE hGroup, HANDLE hExpert);
DWORD WINAPI DeleteGroup(HANDLE hGroup);
DWORD WINAPI EnumExpertHandles(HANDLE hGroup, HANDLE *lphExperts, LPDWORD lpnExperts);
DWORD WINAPI EnumExpertInfos(HANDLE hGroup, PEXPERTENUMINFO lpInfos, LPDWORD lpnInfos);
DWORD WINAPI EnumGroups(HANDLE *lphGroups, LPDWORD lpnGroups);
HWND WINAPI GetASRThWnd(VOID);
HANDLE WINAPI GetExpertFromName(HANDLE hGroup, LPSTR lpName);
DWORD WINAPI GetExpertInfo(HANDLE hExpert, PEXPERTENUMINFO lpInfo);
DWORD WINAPI GetExpertStatus(HANDLE hExpert, PEXPERTSTATUS lpStatus);
DWORD WINAPI GetGroupName(HANDLE hGroup, LPSTR lpName);
DWORD WINAPI LoadExpertConfiguration(HANDLE hExpert, LPSTR lpFilename, PEXPERTCONFIG *lppConfig);
DWORD WINAPI PopupExpertConfigurationUI(HANDLE hExpert, PEXPERTCONFIG *lppConfig, PEXPERTSTARTUPINFO lpStartupInfo, DWORD StartupFlags, HWND hWnd);
DWORD WINAPI RunExperts(HANDLE *lphExperts, DWORD nExperts, HCAPTURE hCapture, HWND hWnd, PEXPERTSTARTUPINFO lpStartupInfo, DWORD StartupFlags, LPVOID lpReserved, DWORD Flags);
DWORD WINAPI SaveExpertConfiguration(HANDLE hExpert, LPSTR lpFilename, PEXPERTCONFIG lpConfig);
DWORD WINAPI SetGroupName(HANDLE hGroup, LPSTR lpName);
LPVOID WINAPI CreateErrorLogEntry(VOID);
LPSTR WINAPI GetSystemPath(LPSTR lpBuffer, DWORD BufferSize);
DWORD WINAPI PanicMessage(HWND hWnd, LPSTR lpText, DWORD Flags);
BOOL __cdecl bInsert(LPVOID lpKey, LPVOID lpBase, DWORD nElements, DWORD ElementSize, LPVOID lpCompare);
int __cdecl eprintf(const char *lpFormat, ...);

/* ModifyFrame (nmapi.@) */
HFRAME WINAPI ModifyFrame(HCAPTURE hCapture,DWORD FrameNumber,LPBYTE FrameData,DWORD FrameLength,__int64 TimeStamp)
{
    NM_STUB();
    return NULL;
}

/* CreateCapture (nmapi.@): prototype inferred from its @N and name */
HCAPTURE WINAPI CreateCapture(LPVOID lpReserved, DWORD Flags)
{
    NM_STUB();
    return NULL;
}

/* CreateFrame (nmapi.@): prototype inferred from its @N and name */
HFRAME WINAPI CreateFrame(HCAPTURE hCapture, LPBYTE FrameData, DWORD FrameLength, DWORD TimeStamp)
{
    NM_STUB();
    return NULL;
}

/* DebugGetFrameLocks (nmapi.@): prototype inferred from its @N and name */
DWORD WINAPI DebugGetFrameLocks(HCAPTURE hCapture, LPDWORD lpLocks, DWORD nLocks)
{
    NM_STUB();
    return NMERR_NOT_SUPPORTED;
}

/* DebugShowLocks (nmapi.@): prototype inferred from its @N and name */
VOID WINAPI DebugShowLocks(HCAPTURE hCapture)
{
    NM_STUB();
}

/* DeleteFrame (nmapi.@): prototype inferred from its @N and name */
DWORD WINAPI DeleteFrame(HCAPTURE hCapture, DWORD FrameNumber)
{
    NM_STUB();
    return NMERR_NOT_SUPPORTED;
}

/* DestroyCapture (nmapi.@): prototype inferred from its @N and name */
DWORD WINAPI DestroyCapture(HCAPTURE hCapture)
{
    NM_STUB();
    return NMERR_INVALID_HCAPTURE;
}

/* DestroyFrame (nmapi.@): prototype inferred from its @N and name */
DWORD WINAPI DestroyFrame(HFRAME hFrame)
{
    NM_STUB();
    return NMERR_INVALID_HFRAME;
}

/* GetCaptureInstanceData (nmapi.@): prototype inferred from its @N and name */
LPVOID WINAPI GetCaptureInstanceData(HCAPTURE hCapture)
{
    NM_STUB();
    return NULL;
}

/* GetFrameRoutingInformation (nmapi.@): prototype inferred from its @N and name */
LPBYTE WINAPI GetFrameRoutingInformation(HFRAME hFrame, LPDWORD lpLength)
{
    NM_STUB();
    return NULL;
}

/* InsertFrame (nmapi.@): prototype inferred from its @N and name */
DWORD WINAPI InsertFrame(HCAPTURE hCapture, DWORD FrameNumber, HFRAME hFrame)
{
    NM_STUB();
    return NMERR_NOT_SUPPORTED;
}

/* LoadCapture (nmapi.@): prototype inferred from its @N and name */
DWORD WINAPI LoadCapture(LPSTR lpFilename, HCAPTURE *lphCapture)
{
    NM_STUB();
    return NMERR_NOT_SUPPORTED;
}

/* LoadCaptureW (nmapi.@): prototype inferred from its @N and name */
DWORD WINAPI LoadCaptureW(LPWSTR lpFilename, HCAPTURE *lphCapture)
{
    NM_STUB();
    return NMERR_NOT_SUPPORTED;
}

/* SaveCapture (nmapi.@): prototype inferred from its @N and name */
DWORD WINAPI SaveCapture(HCAPTURE hCapture, LPSTR lpFilename, HFILTER hFilter, DWORD FirstFrame, DWORD LastFrame, STATUSPROC StatusProc, LPVOID UIInstance, DWORD TimeDelta, LPSTR lpComment, DWORD Flags)
{
    NM_STUB();
    return NMERR_NOT_SUPPORTED;
}

/* SaveCaptureW (nmapi.@): prototype inferred from its @N and name */
DWORD WINAPI SaveCaptureW(HCAPTURE hCapture, LPWSTR lpFilename, HFILTER hFilter, DWORD FirstFrame, DWORD LastFrame, STATUSPROC StatusProc, LPVOID UIInstance, DWORD TimeDelta, LPWSTR lpComment, DWORD Flags)
{
    NM_STUB();
    return NMERR_NOT_SUPPORTED;
}

/* SaveDownLevelCapture (nmapi.@): prototype inferred from its @N and name */
DWORD WINAPI SaveDownLevelCapture(HCAPTURE hCapture, LPSTR lpFilename, HFILTER hFilter, DWORD FirstFrame, DWORD LastFrame, STATUSPROC StatusProc, LPVOID UIInstance, DWORD TimeDelta, DWORD Flags)
{
    NM_STUB();
    return NMERR_NOT_SUPPORTED;
}

/* SetCaptureInstanceData (nmapi.@): prototype inferred from its @N and name */
LPVOID WINAPI SetCaptureInstanceData(HCAPTURE hCapture, LPVOID lpInstanceData)
{
    NM_STUB();
    return NULL;
}

/* SetCaptureMacType (nmapi.@): prototype inferred from its @N and name */
DWORD WINAPI SetCaptureMacType(HCAPTURE hCapture, DWORD MacType)
{
    NM_STUB();
    return NMERR_NOT_SUPPORTED;
}

/* SetCaptureTimeStamp (nmapi.@): prototype inferred from its @N and name */
DWORD WINAPI SetCaptureTimeStamp(HCAPTURE hCapture, LPSYSTEMTIME lpTimeStamp)
{
    NM_STUB();
    return NMERR_NOT_SUPPORTED;
}

/* AddAddress (nmapi.@): prototype inferred from its @N and name */
DWORD WINAPI AddAddress(HANDLE hAddressDB, LPADDRESS2 lpAddress, LPSTR lpName, DWORD Flags)
{
    NM_STUB();
    return NMERR_NOT_SUPPORTED;
}

/* CreateAddressDatabase (nmapi.@): prototype inferred from its @N and name */
HANDLE WINAPI CreateAddressDatabase(VOID)
{
    NM_STUB();
    return NULL;
}

/* DeleteAddress (nmapi.@): prototype inferred from its @N and name */
DWORD WINAPI DeleteAddress(HANDLE hAddressDB, LPADDRESS2 lpAddress)
{
    NM_STUB();
    return NMERR_NOT_SUPPORTED;
}

/* DestroyAddressDatabase (nmapi.@): prototype inferred from its @N and name */
DWORD WINAPI DestroyAddressDatabase(HANDLE hAddressDB)
{
    NM_STUB();
    return NMERR_NOT_SUPPORTED;
}

/* EmptyAddressDatabase (nmapi.@): prototype inferred from its @N and name */
DWORD WINAPI EmptyAddressDatabase(HANDLE hAddressDB)
{
    NM_STUB();
    return NMERR_NOT_SUPPORTED;
}

/* EnumAddresses (nmapi.@): prototype inferred from its @N and name */
LPVOID WINAPI EnumAddresses(HANDLE hAddressDB, DWORD Index)
{
    NM_STUB();
    return NULL;
}

/* FindAddressInfoByAddress (nmapi.@): prototype inferred from its @N and name */
LPVOID WINAPI FindAddressInfoByAddress(HANDLE hAddressDB, LPADDRESS2 lpAddress)
{
    NM_STUB();
    return NULL;
}

/* FindAddressInfoByName (nmapi.@): prototype inferred from its @N and name */
LPVOID WINAPI FindAddressInfoByName(HANDLE hAddressDB, LPSTR lpName, DWORD AddressType)
{
    NM_STUB();
    return NULL;
}

/* GetAddressDatabaseInstanceData (nmapi.@): prototype inferred from its @N and name */
LPVOID WINAPI GetAddressDatabaseInstanceData(HANDLE hAddressDB)
{
    NM_STUB();
    return NULL;
}

/* GetAddressInfo (nmapi.@): prototype inferred from its @N and name */
LPVOID WINAPI GetAddressInfo(HANDLE hAddressDB, DWORD Index)
{
    NM_STUB();
    return NULL;
}

/* GetAddressInfoByName (nmapi.@): prototype inferred from its @N and name */
LPVOID WINAPI GetAddressInfoByName(HANDLE hAddressDB, LPSTR lpName)
{
    NM_STUB();
    return NULL;
}

/* GetCaptureAddressDB (nmapi.@): prototype inferred from its @N and name */
HANDLE WINAPI GetCaptureAddressDB(HCAPTURE hCapture)
{
    NM_STUB();
    return NULL;
}

/* SetAddressDatabaseInstanceData (nmapi.@): prototype inferred from its @N and name */
LPVOID WINAPI SetAddressDatabaseInstanceData(HANDLE hAddressDB, LPVOID lpInstanceData)
{
    NM_STUB();
    return NULL;
}

/* SetCaptureAddressDB (nmapi.@): prototype inferred from its @N and name */
HANDLE WINAPI SetCaptureAddressDB(HCAPTURE hCapture, HANDLE hAddressDB)
{
    NM_STUB();
    return NULL;
}

/* AbortExpert (nmapi.@): prototype inferred from its @N and name */
DWORD WINAPI AbortExpert(HANDLE hExpert)
{
    NM_STUB();
    return NMERR_NOT_SUPPORTED;
}

/* AddExpertToGroup (nmapi.@): prototype inferred from its @N and name */
DWORD WINAPI AddExpertToGroup(HANDLE hGroup, HANDLE hExpert)
{
    NM_STUB();
    return NMERR_NOT_SUPPORTED;
}

/* AddGroup (nmapi.@): prototype inferred from its @N and name */
HANDLE WINAPI AddGroup(LPSTR lpGroupName, DWORD Flags)
{
    NM_STUB();
    return NULL;
}

/* DeleteExpertFromGroup (nmapi.@): prototype inferred from its @N and name */
DWORD WINAPI DeleteExpertFromGroup(HANDLE hGroup, HANDLE hExpert)
{
    NM_STUB();
    return NMERR_NOT_SUPPORTED;
}

/* DeleteGroup (nmapi.@): prototype inferred from its @N and name */
DWORD WINAPI DeleteGroup(HANDLE hGroup)
{
    NM_STUB();
    return NMERR_NOT_SUPPORTED;
}

/* EnumExpertHandles (nmapi.@): prototype inferred from its @N and name */
DWORD WINAPI EnumExpertHandles(HANDLE hGroup, HANDLE *lphExperts, LPDWORD lpnExperts)
{
    NM_STUB();
    return NMERR_NOT_SUPPORTED;
}

/* EnumExpertInfos (nmapi.@): prototype inferred from its @N and name */
DWORD WINAPI EnumExpertInfos(HANDLE hGroup, PEXPERTENUMINFO lpInfos, LPDWORD lpnInfos)
{
    NM_STUB();
    return NMERR_NOT_SUPPORTED;
}

/* EnumGroups (nmapi.@): prototype inferred from its @N and name */
DWORD WINAPI EnumGroups(HANDLE *lphGroups, LPDWORD lpnGroups)
{
    NM_STUB();
    return NMERR_NOT_SUPPORTED;
}

/* GetASRThWnd (nmapi.@): prototype inferred from its @N and name */
HWND WINAPI GetASRThWnd(VOID)
{
    NM_STUB();
    return NULL;
}

/* GetExpertFromName (nmapi.@): prototype inferred from its @N and name */
HANDLE WINAPI GetExpertFromName(HANDLE hGroup, LPSTR lpName)
{
    NM_STUB();
    return NULL;
}

/* GetExpertInfo (nmapi.@): prototype inferred from its @N and name */
DWORD WINAPI GetExpertInfo(HANDLE hExpert, PEXPERTENUMINFO lpInfo)
{
    NM_STUB();
    return NMERR_NOT_SUPPORTED;
}

/* GetExpertStatus (nmapi.@): prototype inferred from its @N and name */
DWORD WINAPI GetExpertStatus(HANDLE hExpert, PEXPERTSTATUS lpStatus)
{
    NM_STUB();
    return NMERR_NOT_SUPPORTED;
}

/* GetGroupName (nmapi.@): prototype inferred from its @N and name */
DWORD WINAPI GetGroupName(HANDLE hGroup, LPSTR lpName)
{
    NM_STUB();
    return NMERR_NOT_SUPPORTED;
}

/* LoadExpertConfiguration (nmapi.@): prototype inferred from its @N and name */
DWORD WINAPI LoadExpertConfiguration(HANDLE hExpert, LPSTR lpFilename, PEXPERTCONFIG *lppConfig)
{
    NM_STUB();
    return NMERR_NOT_SUPPORTED;
}

/* PopupExpertConfigurationUI (nmapi.@): prototype inferred from its @N and name */
DWORD WINAPI PopupExpertConfigurationUI(HANDLE hExpert, PEXPERTCONFIG *lppConfig, PEXPERTSTARTUPINFO lpStartupInfo, DWORD StartupFlags, HWND hWnd)
{
    NM_STUB();
    return NMERR_NOT_SUPPORTED;
}

/* RunExperts (nmapi.@): prototype inferred from its @N and name */
DWORD WINAPI RunExperts(HANDLE *lphExperts, DWORD nExperts, HCAPTURE hCapture, HWND hWnd, PEXPERTSTARTUPINFO lpStartupInfo, DWORD StartupFlags, LPVOID lpReserved, DWORD Flags)
{
    NM_STUB();
    return NMERR_NOT_SUPPORTED;
}

/* SaveExpertConfiguration (nmapi.@): prototype inferred from its @N and name */
DWORD WINAPI SaveExpertConfiguration(HANDLE hExpert, LPSTR lpFilename, PEXPERTCONFIG lpConfig)
{
    NM_STUB();
    return NMERR_NOT_SUPPORTED;
}

/* SetGroupName (nmapi.@): prototype inferred from its @N and name */
DWORD WINAPI SetGroupName(HANDLE hGroup, LPSTR lpName)
{
    NM_STUB();
    return NMERR_NOT_SUPPORTED;
}

/* CreateErrorLogEntry (nmapi.@): prototype inferred from its @N and name */
LPVOID WINAPI CreateErrorLogEntry(VOID)
{
    NM_STUB();
    return NULL;
}

/* GetSystemPath (nmapi.@): prototype inferred from its @N and name */
LPSTR WINAPI GetSystemPath(LPSTR lpBuffer, DWORD BufferSize)
{
    NM_STUB();
    return NULL;
}

/* PanicMessage (nmapi.@): prototype inferred from its @N and name */
DWORD WINAPI PanicMessage(HWND hWnd, LPSTR lpText, DWORD Flags)
{
    NM_STUB();
    return 0;
}

/* bInsert (nmapi.@): cdecl (no @N in nmapi.lib); prototype inferred from its name */
BOOL __cdecl bInsert(LPVOID lpKey, LPVOID lpBase, DWORD nElements, DWORD ElementSize, LPVOID lpCompare)
{
    NM_STUB();
    return FALSE;
}

/* eprintf (nmapi.@): cdecl (no @N in nmapi.lib); prototype inferred from its name */
int __cdecl eprintf(const char *lpFormat, ...)
{
    NM_STUB();
    return 0;
}
