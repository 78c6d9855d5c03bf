/*
 * stubs.c - documented stubs of parser.dll (def/parser.def marks them "; stub:"): each
 * traces one FIXME (NMAPI_TRACE=warn) and returns the failure value the inventory names
 * (NULL, FALSE, 0, or nothing for VOID). No stub reads or writes any argument. A function
 * leaves this file when it becomes real.
 */
#include "parser_private.h"

#pragma GCC diagnostic ignored "-Wunused-parameter"

/* AddressToString (parser.@) */
LPSTR WINAPI AddressToString(LPSTR string,BYTE *lpAddress)
{
    PD_STUB();
    return NULL;
}

/* BERGetHeader (parser.@) */
WINBOOL __cdecl BERGetHeader(ULPBYTE pCurrentPointer,ULPBYTE pTag,LPDWORD pHeaderLength,LPDWORD pDataLength,ULPBYTE *ppNext)
{
    PD_STUB();
    return FALSE;
}

/* BERGetInteger (parser.@) */
WINBOOL __cdecl BERGetInteger(ULPBYTE pCurrentPointer,ULPBYTE *ppValuePointer,LPDWORD pHeaderLength,LPDWORD pDataLength,ULPBYTE *ppNext)
{
    PD_STUB();
    return FALSE;
}

/* BERGetString (parser.@) */
WINBOOL __cdecl BERGetString(ULPBYTE pCurrentPointer,ULPBYTE *ppValuePointer,LPDWORD pHeaderLength,LPDWORD pDataLength,ULPBYTE *ppNext)
{
    PD_STUB();
    return FALSE;
}

/* BuildINIPath (parser.@) */
LPSTR __cdecl BuildINIPath(char *FullPath,char *IniFileName)
{
    PD_STUB();
    return NULL;
}

/* ByteToBinary (parser.@) */
DWORD WINAPI ByteToBinary(LPSTR string,DWORD ByteValue)
{
    PD_STUB();
    return 0;
}

/* CanonHex (parser.@) */
void WINAPI CanonHex(UCHAR *pDest,UCHAR *pSource,int iLen,WINBOOL fOx)
{
    PD_STUB();
}

/* CanonicalizeHexString (parser.@) */
VOID WINAPI CanonicalizeHexString(LPSTR hex,LPSTR dest,DWORD len)
{
    PD_STUB();
}

/* DwordToBinary (parser.@) */
DWORD WINAPI DwordToBinary(LPSTR string,DWORD DwordValue)
{
    PD_STUB();
    return 0;
}

/* FormatByteFlags (parser.@) */
DWORD WINAPIV FormatByteFlags(LPSTR string,DWORD ByteValue,DWORD BitMask)
{
    PD_STUB();
    return 0;
}

/* FormatDwordFlags (parser.@) */
DWORD WINAPIV FormatDwordFlags(LPSTR string,DWORD DwordValue,DWORD BitMask)
{
    PD_STUB();
    return 0;
}

/* FormatWordFlags (parser.@) */
DWORD WINAPIV FormatWordFlags(LPSTR string,DWORD WordValue,DWORD BitMask)
{
    PD_STUB();
    return 0;
}

/* FormatLabeledByteSet (parser.@) */
VOID WINAPIV FormatLabeledByteSet(LPPROPERTYINST lpPropertyInst)
{
    PD_STUB();
}

/* FormatLabeledByteSetAsFlags (parser.@) */
VOID WINAPIV FormatLabeledByteSetAsFlags(LPPROPERTYINST lpPropertyInst)
{
    PD_STUB();
}

/* FormatLabeledDwordSet (parser.@) */
VOID WINAPIV FormatLabeledDwordSet(LPPROPERTYINST lpPropertyInst)
{
    PD_STUB();
}

/* FormatLabeledDwordSetAsFlags (parser.@) */
VOID WINAPIV FormatLabeledDwordSetAsFlags(LPPROPERTYINST lpPropertyInst)
{
    PD_STUB();
}

/* FormatLabeledWordSet (parser.@) */
VOID WINAPIV FormatLabeledWordSet(LPPROPERTYINST lpPropertyInst)
{
    PD_STUB();
}

/* FormatLabeledWordSetAsFlags (parser.@) */
VOID WINAPIV FormatLabeledWordSetAsFlags(LPPROPERTYINST lpPropertyInst)
{
    PD_STUB();
}

/* FormatPropertyDataAsHexString (parser.@) */
VOID WINAPIV FormatPropertyDataAsHexString(LPPROPERTYINST lpPropertyInst)
{
    PD_STUB();
}

/* FormatPropertyDataAsInt64 (parser.@) */
VOID WINAPIV FormatPropertyDataAsInt64(LPPROPERTYINST lpPropertyInst,DWORD Base)
{
    PD_STUB();
}

/* FormatPropertyDataAsString (parser.@) */
VOID WINAPIV FormatPropertyDataAsString(LPPROPERTYINST lpPropertyInst)
{
    PD_STUB();
}

/* FormatPropertyDataAsTime (parser.@) */
VOID WINAPIV FormatPropertyDataAsTime(LPPROPERTYINST lpPropertyInst)
{
    PD_STUB();
}

/* FormatPropertyDataAsWord (parser.@) */
VOID WINAPIV FormatPropertyDataAsWord(LPPROPERTYINST lpPropertyInst,DWORD Base)
{
    PD_STUB();
}

/* FormatTimeAsString (parser.@) */
LPSTR WINAPIV FormatTimeAsString(SYSTEMTIME *time,LPSTR string)
{
    PD_STUB();
    return NULL;
}

/* GetEtype (parser.@) */
DWORD WINAPI GetEtype(LPVOID MacHeader,DWORD MacType)
{
    PD_STUB();
    return 0;
}

/* GetLLCHeaderLength (parser.@) */
DWORD WINAPI GetLLCHeaderLength(LPLLC Frame)
{
    PD_STUB();
    return 0;
}

/* GetMacHeaderLength (parser.@) */
DWORD WINAPI GetMacHeaderLength(LPVOID MacHeader,DWORD MacType)
{
    PD_STUB();
    return 0;
}

/* GetProtocolDescription (parser.@) */
LPLABELED_WORD WINAPI GetProtocolDescription(DWORD ProtocolID)
{
    PD_STUB();
    return NULL;
}

/* GetProtocolDescriptionTable (parser.@) */
LPLABELED_WORD WINAPI GetProtocolDescriptionTable(LPDWORD TableSize)
{
    PD_STUB();
    return NULL;
}

/* GetSaps (parser.@) */
DWORD WINAPI GetSaps(LPVOID MacHeader,DWORD MacType)
{
    PD_STUB();
    return 0;
}

/* IsLLCPresent (parser.@) */
WINBOOL WINAPI IsLLCPresent(LPVOID MacHeader,DWORD MacType)
{
    PD_STUB();
    return FALSE;
}

/* StringToAddress (parser.@) */
LPBYTE WINAPI StringToAddress(BYTE *lpAddress,LPSTR string)
{
    PD_STUB();
    return NULL;
}

/* VarLenSmallIntToDword (parser.@) */
LPDWORD WINAPI VarLenSmallIntToDword(LPBYTE pValue,WORD ValueLen,WINBOOL fIsByteswapped,LPDWORD lpDword)
{
    PD_STUB();
    return NULL;
}

/* WordToBinary (parser.@) */
DWORD WINAPI WordToBinary(LPSTR string,DWORD WordValue)
{
    PD_STUB();
    return 0;
}

/* strcpy1 (parser.@) */
UCHAR *WINAPIV strcpy1(UCHAR *string1,UCHAR *string2)
{
    PD_STUB();
    return NULL;
}

/* itoa1 (parser.@) */
UCHAR *WINAPIV itoa1(WORD num,UCHAR *string)
{
    PD_STUB();
    return NULL;
}

/* byte_flag_to_string (parser.@) */
UCHAR *WINAPIV byte_flag_to_string(UCHAR byte,UCHAR mask,UCHAR *string)
{
    PD_STUB();
    return NULL;
}

/* word_flag_to_string (parser.@) */
UCHAR *WINAPIV word_flag_to_string(WORD word,WORD mask,UCHAR *string)
{
    PD_STUB();
    return NULL;
}

/* dword_flag_to_string (parser.@) */
UCHAR *WINAPIV dword_flag_to_string(DWORD dword,DWORD mask,UCHAR *string)
{
    PD_STUB();
    return NULL;
}

/* prop_name_equals (parser.@) */
UCHAR *WINAPIV prop_name_equals(LPPROPERTYINST prop)
{
    PD_STUB();
    return NULL;
}

/* property_name (parser.@) */
UCHAR *WINAPIV property_name(LPPROPERTYINST prop,UCHAR *string)
{
    PD_STUB();
    return NULL;
}

/* hex_canon (parser.@) */
void WINAPIV hex_canon(UCHAR *hex,UCHAR *dest,int len)
{
    PD_STUB();
}

/* hex_canon2 (parser.@) */
void WINAPIV hex_canon2(UCHAR *hex,UCHAR *dest,int len)
{
    PD_STUB();
}

/* time_string (parser.@) */
UCHAR *WINAPIV time_string(ULPSYSTEMTIME time,UCHAR *string)
{
    PD_STUB();
    return NULL;
}

/* fm_byte_flags (parser.@) */
void WINAPIV fm_byte_flags(LPPROPERTYINST prop)
{
    PD_STUB();
}

/* fm_word_flags (parser.@) */
void WINAPIV fm_word_flags(LPPROPERTYINST prop)
{
    PD_STUB();
}

/* fm_dword_flags (parser.@) */
void WINAPIV fm_dword_flags(LPPROPERTYINST prop)
{
    PD_STUB();
}

/* fm_property_name (parser.@) */
void WINAPIV fm_property_name(LPPROPERTYINST prop)
{
    PD_STUB();
}

/* fm_dword10 (parser.@) */
void WINAPIV fm_dword10(LPPROPERTYINST prop)
{
    PD_STUB();
}

/* fm_dword16 (parser.@) */
void WINAPIV fm_dword16(LPPROPERTYINST prop)
{
    PD_STUB();
}

/* fm_word10 (parser.@) */
void WINAPIV fm_word10(LPPROPERTYINST prop)
{
    PD_STUB();
}

/* fm_word16 (parser.@) */
void WINAPIV fm_word16(LPPROPERTYINST prop)
{
    PD_STUB();
}

/* fm_byte10 (parser.@) */
void WINAPIV fm_byte10(LPPROPERTYINST prop)
{
    PD_STUB();
}

/* fm_byte16 (parser.@) */
void WINAPIV fm_byte16(LPPROPERTYINST prop)
{
    PD_STUB();
}

/* fm_swap_word10 (parser.@) */
void WINAPIV fm_swap_word10(LPPROPERTYINST prop)
{
    PD_STUB();
}

/* fm_swap_word16 (parser.@) */
void WINAPIV fm_swap_word16(LPPROPERTYINST prop)
{
    PD_STUB();
}

/* fm_swap_dword10 (parser.@) */
void WINAPIV fm_swap_dword10(LPPROPERTYINST prop)
{
    PD_STUB();
}

/* fm_swap_dword16 (parser.@) */
void WINAPIV fm_swap_dword16(LPPROPERTYINST prop)
{
    PD_STUB();
}

/* fm_string (parser.@) */
void WINAPIV fm_string(LPPROPERTYINST prop)
{
    PD_STUB();
}

/* fm_hex_string (parser.@) */
void WINAPIV fm_hex_string(LPPROPERTYINST prop)
{
    PD_STUB();
}

/* fm_word_set (parser.@) */
void WINAPIV fm_word_set(LPPROPERTYINST prop)
{
    PD_STUB();
}

/* fm_dword_set (parser.@) */
void WINAPIV fm_dword_set(LPPROPERTYINST prop)
{
    PD_STUB();
}

/* fm_byte_set (parser.@) */
void WINAPIV fm_byte_set(LPPROPERTYINST prop)
{
    PD_STUB();
}

/* fm_time (parser.@) */
void WINAPIV fm_time(LPPROPERTYINST prop)
{
    PD_STUB();
}

/* fm_time_ex (parser.@) */
void WINAPIV fm_time_ex(LPPROPERTYINST prop)
{
    PD_STUB();
}

/* fm_largeint16 (parser.@) */
void WINAPIV fm_largeint16(LPPROPERTYINST prop)
{
    PD_STUB();
}

