/*
 * test_frametable.c - suite "frametable": FrameRecognize, LockFramePropertyTable,
 * UnlockFramePropertyTable (shim/frametable.c), white-box over an engine frame table:
 * recognition only, then the property table (a slice per protocol, the instances
 * FindPropertyInstance finds), and stale or bad HFRAMEs answered, not dereferenced.
 * (NULL/random arguments and the i686 argument sizes through nmapi.dll: suite compat.)
 */
#include <string.h>
#include "test_util.h"
#include "engine.h"

DWORD WINAPI FrameRecognize(HFRAME hFrame);
LPPROPERTYTABLE WINAPI LockFramePropertyTable(HFRAME hFrame);
DWORD WINAPI UnlockFramePropertyTable(HFRAME hFrame);

static int init(void) { nm_engine_init(); return 0; }

/* Ethernet / IPv4 / UDP 1024 -> 9 (discard), 4 bytes of data */
static const BYTE udp_frame[46] = {
    0x00,0x11,0x22,0x33,0x44,0x55, 0x66,0x77,0x88,0x99,0xaa,0xbb, 0x08,0x00,
    0x45,0x00,0x00,0x20, 0x00,0x01,0x00,0x00, 0x40,0x11,0x00,0x00, 10,0,0,1, 10,0,0,2,
    0x04,0x00,0x00,0x09, 0x00,0x0c,0x00,0x00, 'z','a','p','!',
};

static void test_frametable_lock_and_recognize(void)
{
    struct nm_ptable *t = nm_engine_table_acquire();
    HFRAME hf, old;
    LPPROPERTYTABLE pt;
    LPPROPERTYINST ttl;
    DWORD i;
    int local;

    CHECK(t != NULL);
    if (!t) return;
    hf = nm_engine_table_load(t, udp_frame, sizeof(udp_frame), 1, 3);
    CHECK(hf != NULL);
    CHECK_EQ_U(FrameRecognize(hf), NMERR_SUCCESS);
    CHECK_EQ_U(t->nprot, 3);                         /* ETHERNET IP UDP */
    CHECK_EQ_U(t->ninsts, 0);                        /* recognized, nothing attached */
    CHECK_EQ_U(GetFrameRecognizeData(hf)->nRecognizeDatas, 3);

    pt = LockFramePropertyTable(hf);
    CHECK(pt != NULL);
    if (!pt) { nm_engine_table_release(t); return; }
    CHECK_EQ_U(pt->nPropertyInstTables, 3);
    CHECK(pt->nTotalPropertyInsts >= 10);
    CHECK_EQ_PTR(pt->lpFirstPropertyInst, t->insts);
    for (i = 0; i < pt->nPropertyInstTables; i++)    /* slices in frame order, inside the list */
        CHECK(pt->PropertyInstTable[i].nPropertyInstIndex + pt->PropertyInstTable[i].nPropertyInsts
              <= pt->nTotalPropertyInsts);
    ttl = FindPropertyInstance(hf, GetProperty(GetProtocolFromName((LPSTR)"IP"), (LPSTR)"Time to Live"));
    CHECK(ttl && ttl >= pt->lpFirstPropertyInst && ttl < pt->lpFirstPropertyInst + pt->nTotalPropertyInsts);
    CHECK(ttl && ttl->lpByte[0] == 64);
    CHECK_EQ_PTR(LockFramePropertyTable(hf), pt);   /* the same table again */
    CHECK_EQ_U(UnlockFramePropertyTable(hf), NMERR_SUCCESS);
    CHECK_EQ_U(UnlockFramePropertyTable(hf), NMERR_SUCCESS);
    CHECK_EQ_U(FrameRecognize(hf), NMERR_SUCCESS);  /* a parsed frame: still answers */

    /* the table's next frame: the old handle is stale */
    old = hf;
    hf = nm_engine_table_load(t, udp_frame, sizeof(udp_frame), 1, 4);
    CHECK(hf != old);
    CHECK_EQ_U(FrameRecognize(old), NMERR_INVALID_HFRAME);
    CHECK_EQ_PTR(LockFramePropertyTable(old), NULL);
    CHECK_EQ_U(UnlockFramePropertyTable(old), NMERR_INVALID_HFRAME);
    CHECK(LockFramePropertyTable(hf) != NULL);
    nm_engine_table_release(t);
    CHECK_EQ_PTR(LockFramePropertyTable(hf), NULL);  /* released */

    CHECK_EQ_U(FrameRecognize(NULL), NMERR_INVALID_HFRAME);
    CHECK_EQ_U(FrameRecognize((HFRAME)&local), NMERR_INVALID_HFRAME);
    CHECK_EQ_PTR(LockFramePropertyTable((HFRAME)(ULONG_PTR)0x7fff1231), NULL);
    CHECK_EQ_U(UnlockFramePropertyTable(NULL), NMERR_INVALID_HFRAME);
}

static const struct nm_test tests[] = {
    NM_TEST(test_frametable_lock_and_recognize),
    NM_TEST_END
};
const struct nm_suite suite_frametable = { "frametable", init, NULL, tests };
