/* FRAME: frame capabilities: deleting one unmaps it, copies map independently, GetAddress lies
 * in the untyped the frame came from, fresh frames are zeroed, stale mappings are harmless.
 * Each case maps in its own PML4 slot of the test root task's address space (FR_REGION). */
#include "support.h"
#include "test.h"

#define PAGE_SIZE       (1ul << seL4_PageBits)
#define LARGE_PAGE_SIZE (1ul << seL4_LargePageBits)
#define ROOT            seL4_CapInitThreadCNode
#define VSPACE          seL4_CapInitThreadVSpace

/* 512 GiB regions (PML4 slots 96 and up) that no other test area uses. */
#define FR_REGION(n) (0x300000000000ul + ((seL4_Word)(n) << 39))

/* Maps a PDPT, page directory and page table for vaddr; returns the page table. */
static seL4_CPtr map_tables(seL4_Word vaddr)
{
    seL4_CPtr pdpt = test_object(seL4_X86_PDPTObject, 0);
    seL4_CPtr pd = test_object(seL4_X86_PageDirectoryObject, 0);
    seL4_CPtr pt = test_object(seL4_X86_PageTableObject, 0);
    CHECK_EQ(seL4_X86_PDPT_Map(pdpt, VSPACE, vaddr, 0), seL4_NoError);
    CHECK_EQ(seL4_X86_PageDirectory_Map(pd, VSPACE, vaddr, 0), seL4_NoError);
    CHECK_EQ(seL4_X86_PageTable_Map(pt, VSPACE, vaddr, 0), seL4_NoError);
    return pt;
}

static seL4_CPtr new_frame(void)
{
    return test_object(seL4_X86_4K, 0);
}

static seL4_Error map_rw(seL4_CPtr frame, seL4_Word vaddr)
{
    return seL4_X86_Page_Map(frame, VSPACE, vaddr, seL4_ReadWrite, seL4_X86_Default_VMAttributes);
}

static volatile seL4_Word *word_at(seL4_Word vaddr)
{
    return (volatile seL4_Word *)vaddr;
}

static seL4_Error delete_cap(seL4_CPtr slot)
{
    return seL4_CNode_Delete(ROOT, slot, TEST_ROOT_DEPTH);
}

/* Number of non-zero words in the 2^bits bytes at vaddr. */
static seL4_Word nonzero_words(seL4_Word vaddr, seL4_Word bits)
{
    seL4_Word n = 0;
    for (seL4_Word i = 0; i < (1ul << bits) / sizeof(seL4_Word); i++) {
        n += word_at(vaddr)[i] != 0;
    }
    return n;
}

static void test_delete_unmaps(void)
{
    seL4_Word v = FR_REGION(0);
    map_tables(v);
    seL4_CPtr f = new_frame(), g = new_frame();
    CHECK_EQ(map_rw(f, v), seL4_NoError);
    word_at(v)[0] = 0xf00d;
    CHECK_EQ(map_rw(g, v), seL4_DeleteFirst);
    CHECK_EQ(delete_cap(f), seL4_NoError);
    CHECK_EQ(map_rw(g, v), seL4_NoError);
    CHECK_EQ(word_at(v)[0], 0);
}
DEFINE_TEST(FRAME0001, "deleting a mapped frame's capability unmaps it", test_delete_unmaps);

static void test_get_address_in_untyped(void)
{
    const seL4_BootInfo *bi = test_bootinfo();
    const seL4_UntypedDesc *d = &bi->untypedList[test_largest_untyped_index()];
    seL4_Word lo = d->paddr, hi = d->paddr + (1ul << d->sizeBits);
    /* Frames from the test pool (the largest untyped) lie inside it, naturally aligned. */
    seL4_Word a = seL4_X86_Page_GetAddress(new_frame()).paddr;
    CHECK(a >= lo && a + PAGE_SIZE <= hi);
    CHECK_EQ(a & (PAGE_SIZE - 1), 0);
    seL4_Word l = seL4_X86_Page_GetAddress(test_object(seL4_X86_LargePageObject, 0)).paddr;
    CHECK(l >= lo && l + LARGE_PAGE_SIZE <= hi);
    CHECK_EQ(l & (LARGE_PAGE_SIZE - 1), 0);
    /* Four frames from one untyped sit one after another from its start. */
    seL4_CPtr ut = test_untyped(14), first = test_slot();
    for (int i = 1; i < 4; i++) {
        CHECK_EQ(test_slot(), first + i);
    }
    CHECK_EQ(seL4_Untyped_Retype(ut, seL4_X86_4K, 0, ROOT, 0, 0, first, 4), seL4_NoError);
    seL4_Word base = seL4_X86_Page_GetAddress(first).paddr;
    CHECK(base >= lo && base + 4 * PAGE_SIZE <= hi);
    CHECK_EQ(base & ((1ul << 14) - 1), 0);
    for (int i = 1; i < 4; i++) {
        CHECK_EQ(seL4_X86_Page_GetAddress(first + i).paddr, base + i * PAGE_SIZE);
    }
}
DEFINE_TEST(FRAME0002, "GetAddress of retyped frames lies inside the untyped they came from",
            test_get_address_in_untyped);

static void test_copy_is_unmapped(void)
{
    seL4_Word v = FR_REGION(1);
    map_tables(v);
    seL4_CPtr f = new_frame(), copy = test_slot();
    CHECK_EQ(map_rw(f, v), seL4_NoError);
    word_at(v)[2] = 0xc0b1;
    CHECK_EQ(seL4_CNode_Copy(ROOT, copy, TEST_ROOT_DEPTH, ROOT, f, TEST_ROOT_DEPTH, seL4_AllRights),
             seL4_NoError);
    /* The copy is not mapped: it goes to another address (a mapped frame could not). */
    CHECK_EQ(map_rw(copy, v + 3 * PAGE_SIZE), seL4_NoError);
    CHECK_EQ(word_at(v + 3 * PAGE_SIZE)[2], 0xc0b1);
    CHECK_EQ(seL4_X86_Page_GetAddress(copy).paddr, seL4_X86_Page_GetAddress(f).paddr);
    /* Unmapping or deleting the copy leaves the original's mapping alone. */
    CHECK_EQ(seL4_X86_Page_Unmap(copy), seL4_NoError);
    CHECK_EQ(word_at(v)[2], 0xc0b1);
    CHECK_EQ(map_rw(copy, v + 4 * PAGE_SIZE), seL4_NoError);
    CHECK_EQ(delete_cap(copy), seL4_NoError);
    CHECK_EQ(word_at(v)[2], 0xc0b1);
    CHECK_EQ(map_rw(new_frame(), v + 4 * PAGE_SIZE), seL4_NoError);
}
DEFINE_TEST(FRAME0003, "a copy of a mapped frame is unmapped and maps on its own",
            test_copy_is_unmapped);

static void test_read_only(void)
{
    seL4_Word v = FR_REGION(2);
    map_tables(v);
    seL4_CPtr f = new_frame();
    CHECK_EQ(map_rw(f, v), seL4_NoError);
    word_at(v)[9] = 99;
    CHECK_EQ(seL4_X86_Page_Unmap(f), seL4_NoError);
    /* Read-only by the mapping's rights mask. */
    CHECK_EQ(seL4_X86_Page_Map(f, VSPACE, v, seL4_CanRead, 0), seL4_NoError);
    CHECK_EQ(word_at(v)[9], 99);
    /* Read-only by the capability's rights: a minted read-only copy maps read-only even when
     * asked for more, and reads the same data. */
    seL4_CPtr ro = test_slot();
    CHECK_EQ(seL4_CNode_Mint(ROOT, ro, TEST_ROOT_DEPTH, ROOT, f, TEST_ROOT_DEPTH, seL4_CanRead, 0),
             seL4_NoError);
    CHECK_EQ(seL4_X86_Page_Map(ro, VSPACE, v + PAGE_SIZE, seL4_AllRights, 0), seL4_NoError);
    CHECK_EQ(word_at(v + PAGE_SIZE)[9], 99);
    /* No read right leaves a kernel-only mapping, which seL4 allows to be made. */
    CHECK_EQ(seL4_X86_Page_Map(new_frame(), VSPACE, v + 2 * PAGE_SIZE, seL4_CanWrite, 0),
             seL4_NoError);
    /* Writes through the read-write mapping show in the read-only ones. */
    CHECK_EQ(seL4_X86_Page_Map(f, VSPACE, v, seL4_ReadWrite, 0), seL4_NoError);
    word_at(v)[9] = 100;
    CHECK_EQ(word_at(v + PAGE_SIZE)[9], 100);
}
DEFINE_TEST(FRAME0004, "read-only mappings by rights mask and by capability rights",
            test_read_only);

static void test_frames_zeroed(void)
{
    seL4_Word v = FR_REGION(3);
    map_tables(v);
    seL4_CPtr ut = test_untyped(seL4_PageBits), slot = test_slot();
    CHECK_EQ(seL4_Untyped_Retype(ut, seL4_X86_4K, 0, ROOT, 0, 0, slot, 1), seL4_NoError);
    seL4_Word pa = seL4_X86_Page_GetAddress(slot).paddr;
    CHECK_EQ(map_rw(slot, v), seL4_NoError);
    CHECK_EQ(nonzero_words(v, seL4_PageBits), 0);
    for (seL4_Word i = 0; i < PAGE_SIZE / sizeof(seL4_Word); i++) {
        word_at(v)[i] = ~i;
    }
    /* Revoke deletes (and unmaps) the frame; the same memory comes back zeroed. */
    CHECK_EQ(seL4_CNode_Revoke(ROOT, ut, TEST_ROOT_DEPTH), seL4_NoError);
    CHECK_EQ(seL4_Untyped_Retype(ut, seL4_X86_4K, 0, ROOT, 0, 0, slot, 1), seL4_NoError);
    CHECK_EQ(seL4_X86_Page_GetAddress(slot).paddr, pa);
    CHECK_EQ(map_rw(slot, v), seL4_NoError);
    CHECK_EQ(nonzero_words(v, seL4_PageBits), 0);
}
DEFINE_TEST(FRAME0005, "frames come zeroed, also when their memory is reused after Revoke",
            test_frames_zeroed);

static void test_large_zeroed(void)
{
    seL4_Word v = FR_REGION(4);
    seL4_CPtr pdpt = test_object(seL4_X86_PDPTObject, 0);
    seL4_CPtr pd = test_object(seL4_X86_PageDirectoryObject, 0);
    CHECK_EQ(seL4_X86_PDPT_Map(pdpt, VSPACE, v, 0), seL4_NoError);
    CHECK_EQ(seL4_X86_PageDirectory_Map(pd, VSPACE, v, 0), seL4_NoError);
    seL4_CPtr large = test_object(seL4_X86_LargePageObject, 0);
    CHECK_EQ(map_rw(large, v), seL4_NoError);
    CHECK_EQ(nonzero_words(v, seL4_LargePageBits), 0);
    word_at(v + LARGE_PAGE_SIZE / 2)[0] = 1;
    CHECK_EQ(nonzero_words(v, seL4_LargePageBits), 1);
    CHECK_EQ(delete_cap(large), seL4_NoError);
    CHECK_EQ(map_rw(new_frame(), v + LARGE_PAGE_SIZE / 2), seL4_FailedLookup);
}
DEFINE_TEST(FRAME0006, "2 MiB frames come zeroed; deleting one unmaps it", test_large_zeroed);

static void test_stale_delete(void)
{
    seL4_Word v = FR_REGION(5);
    seL4_CPtr pt = map_tables(v);
    seL4_CPtr f = new_frame(), g = new_frame();
    CHECK_EQ(map_rw(f, v), seL4_NoError);
    /* The page table goes: f's capability still records v, but the mapping is gone. */
    CHECK_EQ(delete_cap(pt), seL4_NoError);
    CHECK_EQ(seL4_X86_PageTable_Map(test_object(seL4_X86_PageTableObject, 0), VSPACE, v, 0),
             seL4_NoError);
    CHECK_EQ(map_rw(g, v), seL4_NoError);
    word_at(v)[0] = 0x9;
    /* Deleting (or unmapping) f must not take g's mapping at the same address. */
    CHECK_EQ(seL4_X86_Page_Unmap(f), seL4_NoError);
    CHECK_EQ(word_at(v)[0], 0x9);
    CHECK_EQ(map_rw(f, v), seL4_DeleteFirst);
    CHECK_EQ(delete_cap(f), seL4_NoError);
    CHECK_EQ(word_at(v)[0], 0x9);
    CHECK_EQ(map_rw(new_frame(), v), seL4_DeleteFirst);
}
DEFINE_TEST(FRAME0007, "a stale frame capability never removes another frame's mapping",
            test_stale_delete);

static void test_revoke_unmaps(void)
{
    seL4_Word v = FR_REGION(6);
    map_tables(v);
    seL4_CPtr ut = test_untyped(14), slot = test_slot(), copy = test_slot();
    CHECK_EQ(seL4_Untyped_Retype(ut, seL4_X86_4K, 0, ROOT, 0, 0, slot, 1), seL4_NoError);
    CHECK_EQ(map_rw(slot, v), seL4_NoError);
    CHECK_EQ(
        seL4_CNode_Copy(ROOT, copy, TEST_ROOT_DEPTH, ROOT, slot, TEST_ROOT_DEPTH, seL4_AllRights),
        seL4_NoError);
    CHECK_EQ(map_rw(copy, v + PAGE_SIZE), seL4_NoError);
    /* Revoking the untyped deletes both capabilities and so both mappings. */
    CHECK_EQ(seL4_CNode_Revoke(ROOT, ut, TEST_ROOT_DEPTH), seL4_NoError);
    CHECK_EQ(map_rw(new_frame(), v), seL4_NoError);
    CHECK_EQ(map_rw(new_frame(), v + PAGE_SIZE), seL4_NoError);
}
DEFINE_TEST(FRAME0008, "revoking the untyped unmaps every copy of its frames", test_revoke_unmaps);

static void test_unmap_unmapped(void)
{
    seL4_CPtr f = new_frame();
    CHECK_EQ(seL4_X86_Page_Unmap(f), seL4_NoError);
    CHECK_EQ(seL4_X86_Page_Unmap(f), seL4_NoError);
    seL4_X86_Page_GetAddress_t r = seL4_X86_Page_GetAddress(f);
    CHECK_EQ(r.error, seL4_NoError);
    CHECK(r.paddr != 0);
}
DEFINE_TEST(FRAME0009, "unmapping an unmapped frame succeeds and changes nothing",
            test_unmap_unmapped);
