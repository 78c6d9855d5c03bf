/*
 * nmparse_native.h - the subset of netmon.h (and windows.h) types that the parser engine,
 * the built-in parsers and the filter program use, for native builds (libFuzzer with
 * ASan/UBSan on Linux: tests/fuzz). Laid out as MinGW-w64's netmon.h lays them out;
 * WINAPI is empty here. Never used by the DLL build (nmparse.h picks netmon.h there).
 */
#ifndef NM_PARSE_NATIVE_H
#define NM_PARSE_NATIVE_H

#include <stddef.h>
#include <stdint.h>

#define WINAPI
#define VOID void
#define TRUE 1
#define FALSE 0
typedef uint8_t BYTE;
typedef uint16_t WORD;
typedef uint32_t DWORD;
typedef uintptr_t DWORD_PTR, ULONG_PTR;
typedef int BOOL, WINBOOL;
typedef char *LPSTR;
typedef void *LPVOID, *ULPVOID;
typedef BYTE *LPBYTE, *ULPBYTE;
typedef WORD *LPWORD, *ULPWORD;
typedef DWORD *LPDWORD, *ULPDWORD;
typedef DWORD_PTR *PDWORD_PTR;
typedef union { struct { DWORD LowPart; int32_t HighPart; } u; int64_t QuadPart; } LARGE_INTEGER;
typedef struct { WORD wYear, wMonth, wDayOfWeek, wDay, wHour, wMinute, wSecond, wMilliseconds; } SYSTEMTIME;

typedef struct _CAPFRAMEDESC *HFRAME;
typedef struct _FILTER *HFILTER;
typedef struct _PROTOCOL *HPROTOCOL;
typedef DWORD_PTR HPROPERTY;
typedef HPROTOCOL *LPHPROTOCOL;

#define PROP_TYPE_VOID (0)
#define PROP_TYPE_SUMMARY (0x1)
#define PROP_TYPE_BYTE (0x2)
#define PROP_TYPE_WORD (0x3)
#define PROP_TYPE_DWORD (0x4)
#define PROP_TYPE_LARGEINT (0x5)
#define PROP_TYPE_ADDR (0x6)
#define PROP_TYPE_TIME (0x7)
#define PROP_TYPE_STRING (0x8)
#define PROP_TYPE_IP_ADDRESS (0x9)
#define PROP_TYPE_IPX_ADDRESS (0xa)
#define PROP_TYPE_BYTESWAPPED_WORD (0xb)
#define PROP_TYPE_BYTESWAPPED_DWORD (0xc)
#define PROP_TYPE_TYPED_STRING (0xd)
#define PROP_TYPE_RAW_DATA (0xe)
#define PROP_TYPE_COMMENT (0xf)
#define PROP_TYPE_ETHERNET_ADDRESS (0x14)
#define PROP_TYPE_VAR_LEN_SMALL_INT (0x17)
#define PROP_TYPE_IP6_ADDRESS (0x1a)
#define PROP_QUAL_NONE (0)
#define PROP_QUAL_RANGE (0x1)
#define PROP_QUAL_SET (0x2)
#define PROP_QUAL_LABELED_SET (0x4)
#define PROP_QUAL_FLAGS (0xa)
/* property text (propfmt.c) */
#define PROP_TYPE_SRCFRIENDLYNAME (0x10)
#define PROP_TYPE_DSTFRIENDLYNAME (0x11)
#define PROP_TYPE_TOKENRING_ADDRESS (0x12)
#define PROP_TYPE_FDDI_ADDRESS (0x13)
#define PROP_TYPE_OBJECT_IDENTIFIER (0x15)
#define PROP_QUAL_ARRAY (0xb)
#define IFLAG_ERROR (0x1)
#define IFLAG_SWAPPED (0x2)
#define IFLAG_UNICODE (0x4)
#define PROTOCOL_STATUS_RECOGNIZED (0)
#define PROTOCOL_STATUS_NOT_RECOGNIZED (1)
#define PROTOCOL_STATUS_CLAIMED (2)
#define PROTOCOL_STATUS_NEXT_PROTOCOL (3)
#define MAC_TYPE_UNKNOWN (0)
#define MAC_TYPE_ETHERNET (1)
#define PROTOCOL_NUM_ANY (-1)

#define NMERR_SUCCESS (0)
#define NMERR_INVALID_HFILTER (2)
#define NMERR_INVALID_HFRAME (11)
#define NMERR_INVALID_HPROTOCOL (12)
#define NMERR_INVALID_HPROPERTY (13)
#define NMERR_OUT_OF_MEMORY (19)
#define NMERR_INVALID_HPROPERTYDB (33)
#define NMERR_PROTOCOL_NOT_FOUND (35)
#define NMERR_FILTER_INVALID_EXPRESSION (57)
#define NMERR_INVALID_PARAMETER (76)
#define NMERR_NOT_SUPPORTED (90)

#define FILTERACTION_PROPERTY (1)
#define FILTERACTION_VALUE (2)
#define FILTERACTION_STRING (3)
#define FILTERACTION_AND (5)
#define FILTERACTION_OR (6)
#define FILTERACTION_XOR (7)
#define FILTERACTION_PROPERTYEXIST (8)
#define FILTERACTION_CONTAINSNC (9)
#define FILTERACTION_CONTAINS (10)
#define FILTERACTION_NOT (11)
#define FILTERACTION_EQUALNC (12)
#define FILTERACTION_EQUAL (13)
#define FILTERACTION_NOTEQUALNC (14)
#define FILTERACTION_NOTEQUAL (15)
#define FILTERACTION_GREATERNC (16)
#define FILTERACTION_GREATER (17)
#define FILTERACTION_LESSNC (18)
#define FILTERACTION_LESS (19)
#define FILTERACTION_GREATEREQUALNC (20)
#define FILTERACTION_GREATEREQUAL (21)
#define FILTERACTION_LESSEQUALNC (22)
#define FILTERACTION_LESSEQUAL (23)
#define FILTERACTION_AREBITSON (31)
#define FILTERACTION_AREBITSOFF (32)
#define FILTERACTION_PROTOCOLSEXIST (33)
#define FILTERACTION_PROTOCOLEXIST (34)
#define FILTERACTION_ADDR_ETHER (39)
#define FILTERACTION_ADDR_IP (43)
#define FILTERACTION_ADDR_IP6 (49)

typedef struct _RANGE { DWORD MinValue; DWORD MaxValue; } RANGE, *LPRANGE;
typedef struct _LABELED_BYTE { BYTE Value; LPSTR Label; } LABELED_BYTE, *LPLABELED_BYTE;
typedef struct _LABELED_WORD { WORD Value; LPSTR Label; } LABELED_WORD, *LPLABELED_WORD;
typedef struct _LABELED_DWORD { DWORD Value; LPSTR Label; } LABELED_DWORD, *LPLABELED_DWORD;
typedef struct _LABELED_BIT { BYTE BitNumber; LPSTR LabelOff; LPSTR LabelOn; } LABELED_BIT, *LPLABELED_BIT;
typedef struct _SET {
    DWORD nEntries;
    union {
        LPVOID lpVoidTable;
        LPLABELED_BYTE lpLabeledByteTable;
        LPLABELED_WORD lpLabeledWordTable;
        LPLABELED_DWORD lpLabeledDwordTable;
        LPLABELED_BIT lpLabeledBit;
    };
} SET, *LPSET;

typedef struct _RECOGNIZEDATA { WORD ProtocolID; WORD nProtocolOffset; LPVOID InstData; } RECOGNIZEDATA;
typedef struct _RECOGNIZEDATATABLE { WORD nRecognizeDatas; RECOGNIZEDATA RecognizeData[]; } RECOGNIZEDATATABLE, *LPRECOGNIZEDATATABLE;

typedef struct _PROPERTYINFO {
    HPROPERTY hProperty;
    DWORD Version;
    LPSTR Label;
    LPSTR Comment;
    BYTE DataType;
    BYTE DataQualifier;
    union { LPVOID lpExtendedInfo; LPRANGE lpRange; LPSET lpSet; DWORD Bitmask; DWORD Value; };
    WORD FormatStringSize;
    LPVOID InstanceData;
} PROPERTYINFO, *LPPROPERTYINFO;

typedef struct _PROPERTYINSTEX {
    WORD Length;
    WORD LengthEx;
    ULPVOID lpData;
    union { BYTE Byte[1]; WORD Word[1]; DWORD Dword[1]; LARGE_INTEGER LargeInt[1]; SYSTEMTIME SysTime[1]; };
} PROPERTYINSTEX, *LPPROPERTYINSTEX;

typedef struct _PROPERTYINST {
    LPPROPERTYINFO lpPropertyInfo;
    LPSTR szPropertyText;
    union { LPVOID lpData; ULPBYTE lpByte; ULPWORD lpWord; ULPDWORD lpDword; LPPROPERTYINSTEX lpPropertyInstEx; };
    WORD DataLength;
    WORD Level : 4;
    WORD HelpID : 12;
    DWORD IFlags;
} PROPERTYINST, *LPPROPERTYINST;

typedef struct _PROPERTYINSTTABLE { WORD nPropertyInsts; WORD nPropertyInstIndex; } PROPERTYINSTTABLE;
typedef struct _PROPERTYTABLE {
    LPVOID lpFormatBuffer;
    DWORD FormatBufferLength;
    DWORD nTotalPropertyInsts;
    LPPROPERTYINST lpFirstPropertyInst;
    BYTE nPropertyInstTables;
    PROPERTYINSTTABLE PropertyInstTable[];
} PROPERTYTABLE, *LPPROPERTYTABLE;

typedef VOID (WINAPI *REGISTER)(HPROTOCOL);
typedef VOID (WINAPI *DEREGISTER)(HPROTOCOL);
typedef LPBYTE (WINAPI *RECOGNIZEFRAME)(HFRAME, ULPBYTE, ULPBYTE, DWORD, DWORD, HPROTOCOL, DWORD,
                                        LPDWORD, LPHPROTOCOL, PDWORD_PTR);
typedef LPBYTE (WINAPI *ATTACHPROPERTIES)(HFRAME, ULPBYTE, ULPBYTE, DWORD, DWORD, HPROTOCOL, DWORD,
                                          DWORD_PTR);
typedef DWORD (WINAPI *FORMATPROPERTIES)(HFRAME, ULPBYTE, ULPBYTE, DWORD, LPPROPERTYINST);
typedef struct _ENTRYPOINTS {
    REGISTER Register;
    DEREGISTER Deregister;
    RECOGNIZEFRAME RecognizeFrame;
    ATTACHPROPERTIES AttachProperties;
    FORMATPROPERTIES FormatProperties;
} ENTRYPOINTS, *LPENTRYPOINTS;

typedef struct _PROPERTYDATABASE { DWORD nProperties; LPPROPERTYINFO PropertyInfo[]; } PROPERTYDATABASE, *LPPROPERTYDATABASE;
typedef struct _PROTOCOLINFO {
    DWORD ProtocolID;
    LPPROPERTYDATABASE PropertyDatabase;
    BYTE ProtocolName[16];
    BYTE HelpFile[16];
    BYTE Comment[128];
} PROTOCOLINFO, *LPPROTOCOLINFO;
typedef struct _PROTOCOLTABLE { DWORD nProtocols; HPROTOCOL hProtocol[1]; } PROTOCOLTABLE, *LPPROTOCOLTABLE;

typedef DWORD FILTERBITS, *LPFILTERBITS;
typedef struct _FILTEROBJECT2 FILTEROBJECT2, *LPFILTEROBJECT2;
typedef struct _FILTERDESC2 {
    WORD NumEntries;
    WORD Flags;
    LPFILTEROBJECT2 lpStack;
    LPFILTEROBJECT2 lpKeepLast;
    LPVOID UIInstanceData;
    LPFILTERBITS lpFilterBits;
    LPFILTERBITS lpCheckBits;
} FILTERDESC2, *LPFILTERDESC2;

/* The contract functions the engine defines (engine.c) and the parsers call. */
HPROTOCOL CreateProtocol(LPSTR ProtocolName, LPENTRYPOINTS lpEntryPoints, DWORD cbEntryPoints);
VOID DestroyProtocol(HPROTOCOL hProtocol);
DWORD CreatePropertyDatabase(HPROTOCOL hProtocol, DWORD nProperties);
DWORD DestroyPropertyDatabase(HPROTOCOL hProtocol);
HPROPERTY AddProperty(HPROTOCOL hProtocol, LPPROPERTYINFO PropertyInfo);
WINBOOL AttachPropertyInstance(HFRAME hFrame, HPROPERTY hProperty, DWORD Length, ULPVOID lpData,
                               DWORD HelpID, DWORD Level, DWORD IFlags);
WINBOOL AttachPropertyInstanceEx(HFRAME hFrame, HPROPERTY hProperty, DWORD Length, ULPVOID lpData,
                                 DWORD ExLength, ULPVOID lpExData, DWORD HelpID, DWORD Level,
                                 DWORD IFlags);
/* The generic formatter (proptext.c in the DLL; propfmt.c's plain version natively). */
DWORD FormatPropertyInstance(LPPROPERTYINST lpPropertyInst, ...);

#endif /* NM_PARSE_NATIVE_H */
