/* VSPACE: PDPT, page directory, page table and frame Map/Unmap, ASID pools (MakePool, Assign)
 * and what deleting paging objects undoes. Each case uses its own PML4 slot of the test root
 * task's address space (VS_REGION), so cases never see each other's mappings. */
#include "support.h"
#include "test.h"

#define PAGE_SIZE       (1ul << seL4_PageBits)
#define LARGE_PAGE_SIZE (1ul << seL4_LargePageBits)
#define ROOT            seL4_CapInitThreadCNode
#define VSPACE          seL4_CapInitThreadVSpace

/* 512 GiB regions (PML4 slots 32 and up) that no other test area uses. */
#define VS_REGION(n) (0x100000000000ul + ((seL4_Word)(n) << 39))

/* Paging structures made for one address. */
typedef struct tables {
    seL4_CPtr pdpt, pd, pt;
} tables_t;

/* Makes and maps the first `levels` paging structures (1: PDPT, 2: and PD, 3: and PT) for
 * vaddr in vspace. */
static tables_t map_tables(seL4_CPtr vspace, seL4_Word vaddr, int levels)
{
    tables_t t = {0, 0, 0};
    t.pdpt = test_object(seL4_X86_PDPTObject, 0);
    CHECK_EQ(seL4_X86_PDPT_Map(t.pdpt, vspace, vaddr, seL4_X86_Default_VMAttributes), seL4_NoError);
    if (levels >= 2) {
        t.pd = test_object(seL4_X86_PageDirectoryObject, 0);
        CHECK_EQ(seL4_X86_PageDirectory_Map(t.pd, vspace, vaddr, seL4_X86_Default_VMAttributes),
                 seL4_NoError);
    }
    if (levels >= 3) {
        t.pt = test_object(seL4_X86_PageTableObject, 0);
        CHECK_EQ(seL4_X86_PageTable_Map(t.pt, vspace, vaddr, seL4_X86_Default_VMAttributes),
                 seL4_NoError);
    }
    return t;
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

/* A copy of the capability in src, in a fresh slot. */
static seL4_CPtr copy_cap(seL4_CPtr src)
{
    seL4_CPtr dst = test_slot();
    CHECK_EQ(
        seL4_CNode_Copy(ROOT, dst, TEST_ROOT_DEPTH, ROOT, src, TEST_ROOT_DEPTH, seL4_AllRights),
        seL4_NoError);
    return dst;
}

static seL4_Error delete_cap(seL4_CPtr slot)
{
    return seL4_CNode_Delete(ROOT, slot, TEST_ROOT_DEPTH);
}

/* Checks that the last failed stub reported FailedLookup with MissingCapability and bits
 * left (destination side, as seL4 reports paging lookups). */
static void check_missing(seL4_Error err, seL4_Word bits_left)
{
    CHECK_EQ(err, seL4_FailedLookup);
    seL4_ErrorDetail_t d = seL4_GetErrorDetail();
    CHECK_EQ(d.source, 0);
    CHECK_EQ(d.lookup_type, seL4_MissingCapability);
    CHECK_EQ(d.bits_left, bits_left);
}

static void check_invalid_cap(seL4_Error err, seL4_Word index)
{
    CHECK_EQ(err, seL4_InvalidCapability);
    CHECK_EQ(seL4_GetErrorDetail().argument, index);
}

static void check_invalid_arg(seL4_Error err, seL4_Word index)
{
    CHECK_EQ(err, seL4_InvalidArgument);
    CHECK_EQ(seL4_GetErrorDetail().argument, index);
}

/* A new ASID pool from a fresh 4 KiB untyped (0 if every pool exists). */
static seL4_CPtr make_pool(void)
{
    seL4_CPtr ut = test_untyped(seL4_ASIDPoolBits);
    seL4_CPtr pool = test_slot();
    seL4_Error err =
        seL4_X86_ASIDControl_MakePool(seL4_CapASIDControl, ut, ROOT, pool, TEST_ROOT_DEPTH);
    CHECK_EQ(err, seL4_NoError);
    return err == seL4_NoError ? pool : 0;
}

/* A new PML4 with an ASID from the root task's pool. */
static seL4_CPtr new_vspace(void)
{
    seL4_CPtr pml4 = test_object(seL4_X64_PML4Object, 0);
    CHECK_EQ(seL4_X86_ASIDPool_Assign(seL4_CapInitThreadASIDPool, pml4), seL4_NoError);
    return pml4;
}

static void test_map_write_read(void)
{
    seL4_Word v = VS_REGION(0);
    map_tables(VSPACE, v, 3);
    seL4_CPtr f = new_frame();
    CHECK_EQ(map_rw(f, v), seL4_NoError);
    seL4_CPtr f2 = copy_cap(f);
    CHECK_EQ(map_rw(f2, v + PAGE_SIZE), seL4_NoError);
    for (seL4_Word i = 0; i < PAGE_SIZE / sizeof(seL4_Word); i += 64) {
        word_at(v)[i] = 0x5a5a000000000000ul + i;
    }
    int bad = 0;
    for (seL4_Word i = 0; i < PAGE_SIZE / sizeof(seL4_Word); i += 64) {
        bad += word_at(v + PAGE_SIZE)[i] != 0x5a5a000000000000ul + i;
    }
    CHECK_EQ(bad, 0);
    word_at(v + PAGE_SIZE)[7] = 77;
    CHECK_EQ(word_at(v)[7], 77);
    CHECK_EQ(seL4_X86_Page_GetAddress(f).paddr, seL4_X86_Page_GetAddress(f2).paddr);
}
DEFINE_TEST(VSPACE0001, "PDPT, PD, PT and two mappings of one frame: writes show through both",
            test_map_write_read);

static void test_unmap(void)
{
    seL4_Word v = VS_REGION(1);
    map_tables(VSPACE, v, 3);
    seL4_CPtr f = new_frame(), g = new_frame();
    CHECK_EQ(map_rw(f, v), seL4_NoError);
    word_at(v)[0] = 1234;
    CHECK_EQ(map_rw(g, v), seL4_DeleteFirst);
    CHECK_EQ(seL4_X86_Page_Unmap(f), seL4_NoError);
    CHECK_EQ(map_rw(g, v), seL4_NoError);
    CHECK_EQ(word_at(v)[0], 0); /* g is a fresh (zeroed) frame */
    CHECK_EQ(seL4_X86_Page_Unmap(g), seL4_NoError);
    CHECK_EQ(seL4_X86_Page_Unmap(g), seL4_NoError); /* unmapping twice does nothing */
    /* f is unmapped now, so it may go to another address. */
    CHECK_EQ(map_rw(f, v + 5 * PAGE_SIZE), seL4_NoError);
    CHECK_EQ(word_at(v + 5 * PAGE_SIZE)[0], 1234);
}
DEFINE_TEST(VSPACE0002, "Unmap frees the address for another frame and lets the frame move",
            test_unmap);

static void test_remap(void)
{
    seL4_Word v = VS_REGION(2);
    map_tables(VSPACE, v, 3);
    seL4_CPtr f = new_frame();
    CHECK_EQ(map_rw(f, v), seL4_NoError);
    word_at(v)[3] = 33;
    /* Same frame, same address: a remap with new rights and attributes. */
    CHECK_EQ(seL4_X86_Page_Map(f, VSPACE, v, seL4_CanRead, seL4_X86_Default_VMAttributes),
             seL4_NoError);
    CHECK_EQ(word_at(v)[3], 33);
    CHECK_EQ(seL4_X86_Page_Map(f, VSPACE, v, seL4_ReadWrite, seL4_X86_WriteThrough), seL4_NoError);
    word_at(v)[3] = 34;
    CHECK_EQ(word_at(v)[3], 34);
    /* A mapped frame cannot move to another address, nor to another address space. */
    check_invalid_arg(map_rw(f, v + PAGE_SIZE), 0);
    seL4_CPtr other = new_vspace();
    check_invalid_cap(seL4_X86_Page_Map(f, other, v, seL4_ReadWrite, 0), 1);
}
DEFINE_TEST(VSPACE0003,
            "remapping at the same address changes rights; another address or "
            "VSpace is refused",
            test_remap);

static void test_missing_structures(void)
{
    seL4_Word v = VS_REGION(3);
    seL4_CPtr f = new_frame(), pt = test_object(seL4_X86_PageTableObject, 0);
    seL4_CPtr pd = test_object(seL4_X86_PageDirectoryObject, 0);
    seL4_CPtr large = test_object(seL4_X86_LargePageObject, 0);
    /* No PDPT: every lookup stops at the PML4 with 39 bits left. */
    check_missing(map_rw(f, v), 39);
    check_missing(seL4_X86_PageTable_Map(pt, VSPACE, v, 0), 39);
    check_missing(seL4_X86_PageDirectory_Map(pd, VSPACE, v, 0), 39);
    check_missing(map_rw(large, v), 39);
    /* A PDPT but no page directory: 30 bits left. */
    seL4_CPtr pdpt = test_object(seL4_X86_PDPTObject, 0);
    CHECK_EQ(seL4_X86_PDPT_Map(pdpt, VSPACE, v, 0), seL4_NoError);
    check_missing(map_rw(f, v), 30);
    check_missing(seL4_X86_PageTable_Map(pt, VSPACE, v, 0), 30);
    check_missing(map_rw(large, v), 30);
    /* A page directory but no page table: 21 bits left for a 4 KiB frame. */
    CHECK_EQ(seL4_X86_PageDirectory_Map(pd, VSPACE, v, 0), seL4_NoError);
    check_missing(map_rw(f, v), 21);
    CHECK_EQ(seL4_X86_PageTable_Map(pt, VSPACE, v, 0), seL4_NoError);
    CHECK_EQ(map_rw(f, v), seL4_NoError);
}
DEFINE_TEST(VSPACE0004, "a missing paging structure is FailedLookup with 39, 30 or 21 bits left",
            test_missing_structures);

static void test_already_mapped(void)
{
    seL4_Word v = VS_REGION(4);
    tables_t t = map_tables(VSPACE, v, 3);
    /* The slot each level would use is taken. */
    CHECK_EQ(seL4_X86_PDPT_Map(test_object(seL4_X86_PDPTObject, 0), VSPACE, v, 0),
             seL4_DeleteFirst);
    CHECK_EQ(seL4_X86_PageDirectory_Map(test_object(seL4_X86_PageDirectoryObject, 0), VSPACE,
                                        v + PAGE_SIZE, 0),
             seL4_DeleteFirst);
    CHECK_EQ(seL4_X86_PageTable_Map(test_object(seL4_X86_PageTableObject, 0), VSPACE, v, 0),
             seL4_DeleteFirst);
    /* A mapped table cannot be mapped a second time (InvalidCapability, the invoked cap). */
    check_invalid_cap(seL4_X86_PageTable_Map(t.pt, VSPACE, v + LARGE_PAGE_SIZE, 0), 0);
    check_invalid_cap(seL4_X86_PageDirectory_Map(t.pd, VSPACE, v + (1ul << 30), 0), 0);
    check_invalid_cap(seL4_X86_PDPT_Map(t.pdpt, VSPACE, v + (1ul << 39), 0), 0);
    /* A second frame at a taken address. */
    CHECK_EQ(map_rw(new_frame(), v), seL4_NoError);
    CHECK_EQ(map_rw(new_frame(), v), seL4_DeleteFirst);
    /* A 2 MiB frame where a page table is. */
    CHECK_EQ(map_rw(test_object(seL4_X86_LargePageObject, 0), v), seL4_DeleteFirst);
}
DEFINE_TEST(VSPACE0005, "mapping over a used slot is DeleteFirst; a mapped table maps once",
            test_already_mapped);

static void test_alignment(void)
{
    seL4_Word v = VS_REGION(5);
    map_tables(VSPACE, v, 3);
    seL4_CPtr f = new_frame();
    CHECK_EQ(map_rw(f, v + 8), seL4_AlignmentError);
    CHECK_EQ(map_rw(f, v + PAGE_SIZE / 2), seL4_AlignmentError);
    seL4_CPtr large = test_object(seL4_X86_LargePageObject, 0);
    CHECK_EQ(map_rw(large, v + 4 * LARGE_PAGE_SIZE + PAGE_SIZE), seL4_AlignmentError);
    /* Tables take any address in the region they cover (the low bits are ignored). */
    seL4_CPtr pt = test_object(seL4_X86_PageTableObject, 0);
    CHECK_EQ(seL4_X86_PageTable_Map(pt, VSPACE, v + 3 * LARGE_PAGE_SIZE + 0x1234, 0), seL4_NoError);
    CHECK_EQ(map_rw(f, v + 3 * LARGE_PAGE_SIZE), seL4_NoError);
    word_at(v + 3 * LARGE_PAGE_SIZE)[0] = 9;
    CHECK_EQ(word_at(v + 3 * LARGE_PAGE_SIZE)[0], 9);
}
DEFINE_TEST(VSPACE0006, "a frame address not aligned to its size is AlignmentError",
            test_alignment);

static void test_kernel_addresses(void)
{
    seL4_CPtr f = new_frame();
    check_invalid_arg(map_rw(f, 0xffff800000000000ul), 0);
    check_invalid_arg(map_rw(f, 0x800000000000ul), 0);
    check_invalid_arg(map_rw(f, 0xffffffff80000000ul), 0);
    /* seL4 checks the end of the frame too: the last page of the lower half is refused. */
    check_invalid_arg(map_rw(f, 0x7ffffffff000ul), 0);
    check_invalid_arg(map_rw(test_object(seL4_X86_LargePageObject, 0), 0x7fffffe00000ul), 0);
    check_invalid_arg(
        seL4_X86_PDPT_Map(test_object(seL4_X86_PDPTObject, 0), VSPACE, 0xffff800000000000ul, 0), 0);
    check_invalid_arg(seL4_X86_PageDirectory_Map(test_object(seL4_X86_PageDirectoryObject, 0),
                                                 VSPACE, 0x800000000000ul, 0),
                      0);
    check_invalid_arg(seL4_X86_PageTable_Map(test_object(seL4_X86_PageTableObject, 0), VSPACE,
                                             0xffffffff80000000ul, 0),
                      0);
}
DEFINE_TEST(VSPACE0007,
            "kernel addresses (and the last user page for frames) are "
            "InvalidArgument 0",
            test_kernel_addresses);

static void test_vspace_without_asid(void)
{
    seL4_Word v = VS_REGION(6);
    seL4_CPtr pml4 = test_object(seL4_X64_PML4Object, 0);
    seL4_CPtr pdpt = test_object(seL4_X86_PDPTObject, 0);
    check_invalid_cap(seL4_X86_PDPT_Map(pdpt, pml4, v, 0), 1);
    check_invalid_cap(
        seL4_X86_PageDirectory_Map(test_object(seL4_X86_PageDirectoryObject, 0), pml4, v, 0), 1);
    check_invalid_cap(seL4_X86_PageTable_Map(test_object(seL4_X86_PageTableObject, 0), pml4, v, 0),
                      1);
    check_invalid_cap(seL4_X86_Page_Map(new_frame(), pml4, v, seL4_ReadWrite, 0), 1);
    /* Something that is not a PML4 at all, or an empty slot. */
    check_invalid_cap(seL4_X86_PDPT_Map(pdpt, pdpt, v, 0), 1);
    check_invalid_cap(seL4_X86_Page_Map(new_frame(), ROOT, v, seL4_ReadWrite, 0), 1);
    /* Once it has an ASID, it works. */
    CHECK_EQ(seL4_X86_ASIDPool_Assign(seL4_CapInitThreadASIDPool, pml4), seL4_NoError);
    CHECK_EQ(seL4_X86_PDPT_Map(pdpt, pml4, v, 0), seL4_NoError);
}
DEFINE_TEST(VSPACE0008, "a VSpace without an ASID, or not a PML4, is InvalidCapability 1",
            test_vspace_without_asid);

static void test_pool_make_assign(void)
{
    seL4_CPtr pool = make_pool();
    seL4_CPtr pml4 = test_object(seL4_X64_PML4Object, 0);
    CHECK_EQ(seL4_X86_ASIDPool_Assign(pool, pml4), seL4_NoError);
    /* A second ASID for the same root, or a non-root: InvalidCapability 1. */
    check_invalid_cap(seL4_X86_ASIDPool_Assign(pool, pml4), 1);
    check_invalid_cap(seL4_X86_ASIDPool_Assign(pool, new_frame()), 1);
    check_invalid_cap(seL4_X86_ASIDPool_Assign(pool, VSPACE), 1);
    /* Paging structures and frames map into the new VSpace. */
    seL4_Word v = VS_REGION(7);
    tables_t t = map_tables(pml4, v, 3);
    CHECK(t.pt != 0);
    CHECK_EQ(seL4_X86_Page_Map(new_frame(), pml4, v, seL4_ReadWrite, 0), seL4_NoError);
    /* The pool capability cannot be used as something else. */
    CHECK_EQ(seL4_X86_Page_GetAddress(pool).error, seL4_IllegalOperation);
    CHECK_EQ(delete_cap(pool), seL4_NoError);
}
DEFINE_TEST(VSPACE0009, "MakePool makes a pool whose ASIDs VSpaces get with Assign",
            test_pool_make_assign);

static void test_make_pool_errors(void)
{
    seL4_CPtr dest = test_slot();
    /* Not an untyped, or an untyped of the wrong size: InvalidCapability 1. */
    check_invalid_cap(seL4_X86_ASIDControl_MakePool(seL4_CapASIDControl, new_frame(), ROOT, dest,
                                                    TEST_ROOT_DEPTH),
                      1);
    check_invalid_cap(seL4_X86_ASIDControl_MakePool(seL4_CapASIDControl, test_untyped(13), ROOT,
                                                    dest, TEST_ROOT_DEPTH),
                      1);
    check_invalid_cap(seL4_X86_ASIDControl_MakePool(seL4_CapASIDControl, test_untyped(11), ROOT,
                                                    dest, TEST_ROOT_DEPTH),
                      1);
    /* An untyped with children: RevokeFirst. */
    seL4_CPtr used = test_untyped(12);
    CHECK_EQ(seL4_Untyped_Retype(used, seL4_EndpointObject, 0, ROOT, 0, 0, test_slot(), 1),
             seL4_NoError);
    CHECK_EQ(seL4_X86_ASIDControl_MakePool(seL4_CapASIDControl, used, ROOT, dest, TEST_ROOT_DEPTH),
             seL4_RevokeFirst);
    /* A destination that is taken, or does not resolve. */
    seL4_CPtr ut = test_untyped(12);
    CHECK_EQ(seL4_X86_ASIDControl_MakePool(seL4_CapASIDControl, ut, ROOT, seL4_CapInitThreadTCB,
                                           TEST_ROOT_DEPTH),
             seL4_DeleteFirst);
    CHECK_EQ(seL4_X86_ASIDControl_MakePool(seL4_CapASIDControl, ut, ROOT, dest, 0),
             seL4_RangeError);
    CHECK_EQ(seL4_X86_ASIDControl_MakePool(seL4_CapASIDControl, ut, seL4_CapInitThreadTCB, dest,
                                           TEST_ROOT_DEPTH),
             seL4_FailedLookup);
    /* Only the ASID control capability makes pools. */
    CHECK_EQ(seL4_X86_ASIDControl_MakePool(seL4_CapInitThreadTCB, ut, ROOT, dest, TEST_ROOT_DEPTH),
             seL4_IllegalOperation);
    /* The untyped is used up: it has a child and no room left. */
    CHECK_EQ(seL4_X86_ASIDControl_MakePool(seL4_CapASIDControl, ut, ROOT, dest, TEST_ROOT_DEPTH),
             seL4_NoError);
    CHECK_EQ(
        seL4_X86_ASIDControl_MakePool(seL4_CapASIDControl, ut, ROOT, test_slot(), TEST_ROOT_DEPTH),
        seL4_RevokeFirst);
    CHECK_EQ(seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, ROOT, 0, 0, test_slot(), 1),
             seL4_NotEnoughMemory);
    CHECK_EQ(delete_cap(dest), seL4_NoError);
}
DEFINE_TEST(VSPACE0010, "MakePool errors: wrong capability or size, children, destination",
            test_make_pool_errors);

static void test_pools_exhausted(void)
{
    seL4_CPtr pools[8];
    int made = 0;
    seL4_Error err = seL4_NoError;
    while (made < 8) {
        seL4_CPtr ut = test_untyped(seL4_ASIDPoolBits), slot = test_slot();
        err = seL4_X86_ASIDControl_MakePool(seL4_CapASIDControl, ut, ROOT, slot, TEST_ROOT_DEPTH);
        if (err != seL4_NoError) {
            break;
        }
        pools[made++] = slot;
    }
    /* The root task's pool is one of the 8, so at most 7 more fit. */
    CHECK_EQ(err, seL4_DeleteFirst);
    CHECK(made >= 1 && made <= 7);
    /* Deleting a pool frees its place in the ASID table. */
    if (made >= 1) {
        CHECK_EQ(delete_cap(pools[made - 1]), seL4_NoError);
        pools[made - 1] = make_pool();
        CHECK_EQ(seL4_X86_ASIDControl_MakePool(seL4_CapASIDControl, test_untyped(12), ROOT,
                                               test_slot(), TEST_ROOT_DEPTH),
                 seL4_DeleteFirst);
    }
    for (int i = 0; i < made; i++) {
        CHECK_EQ(delete_cap(pools[i]), seL4_NoError);
    }
}
DEFINE_TEST(VSPACE0011, "8 ASID pools at most (the root task's included): then DeleteFirst",
            test_pools_exhausted);

/* Moves the capability in slot i of the CNode at cnode (radix 9) to dst, or back. */
static seL4_Error move_from(seL4_CPtr cnode, seL4_Word i, seL4_CPtr dst)
{
    return seL4_CNode_Move(ROOT, dst, TEST_ROOT_DEPTH, cnode, i, 9);
}
static seL4_Error move_to(seL4_CPtr cnode, seL4_Word i, seL4_CPtr src)
{
    return seL4_CNode_Move(cnode, i, 9, ROOT, src, TEST_ROOT_DEPTH);
}

static void test_pool_full(void)
{
    seL4_CPtr pool = make_pool();
    /* 512 PML4s in a CNode of their own; each is moved out, assigned and moved back. */
    seL4_CPtr cnode = test_object(seL4_CapTableObject, 9), work = test_slot();
    seL4_CPtr ut = test_untyped(21);
    CHECK_EQ(seL4_Untyped_Retype(ut, seL4_X64_PML4Object, 0, ROOT, cnode, TEST_ROOT_DEPTH, 0, 256),
             seL4_NoError);
    CHECK_EQ(
        seL4_Untyped_Retype(ut, seL4_X64_PML4Object, 0, ROOT, cnode, TEST_ROOT_DEPTH, 256, 256),
        seL4_NoError);
    int failed = 0;
    for (seL4_Word i = 0; i < 512; i++) {
        failed += move_from(cnode, i, work) != seL4_NoError;
        failed += seL4_X86_ASIDPool_Assign(pool, work) != seL4_NoError;
        failed += move_to(cnode, i, work) != seL4_NoError;
    }
    CHECK_EQ(failed, 0);
    seL4_CPtr extra = test_object(seL4_X64_PML4Object, 0);
    CHECK_EQ(seL4_X86_ASIDPool_Assign(pool, extra), seL4_DeleteFirst);
    /* Deleting one PML4 gives its ASID back. */
    CHECK_EQ(seL4_CNode_Delete(cnode, 100, 9), seL4_NoError);
    CHECK_EQ(seL4_X86_ASIDPool_Assign(pool, extra), seL4_NoError);
    CHECK_EQ(seL4_X86_ASIDPool_Assign(pool, test_object(seL4_X64_PML4Object, 0)), seL4_DeleteFirst);
    CHECK_EQ(delete_cap(pool), seL4_NoError);
}
DEFINE_TEST(VSPACE0012,
            "an ASID pool holds 512 VSpaces, then DeleteFirst; deleting one frees "
            "its ASID",
            test_pool_full);

static void test_pool_deleted(void)
{
    seL4_Word v = VS_REGION(8);
    seL4_CPtr pool = make_pool();
    seL4_CPtr pml4 = test_object(seL4_X64_PML4Object, 0);
    CHECK_EQ(seL4_X86_ASIDPool_Assign(pool, pml4), seL4_NoError);
    seL4_CPtr pool_copy = copy_cap(pool);
    CHECK_EQ(delete_cap(pool), seL4_NoError); /* not the last capability: nothing happens */
    CHECK_EQ(seL4_X86_PDPT_Map(test_object(seL4_X86_PDPTObject, 0), pml4, v, 0), seL4_NoError);
    CHECK_EQ(delete_cap(pool_copy), seL4_NoError);
    /* The PML4 keeps its (now dead) ASID: mapping fails the ASID lookup, Assign refuses it. */
    seL4_Error err = seL4_X86_PDPT_Map(test_object(seL4_X86_PDPTObject, 0), pml4, v, 0);
    CHECK_EQ(err, seL4_FailedLookup);
    CHECK_EQ(seL4_GetErrorDetail().lookup_type, seL4_InvalidRoot);
    CHECK_EQ(seL4_X86_Page_Map(new_frame(), pml4, v, seL4_ReadWrite, 0), seL4_FailedLookup);
    check_invalid_cap(seL4_X86_ASIDPool_Assign(seL4_CapInitThreadASIDPool, pml4), 1);
    CHECK_EQ(delete_cap(pml4), seL4_NoError);
}
DEFINE_TEST(VSPACE0013, "deleting an ASID pool's last capability invalidates its VSpaces",
            test_pool_deleted);

static void test_delete_pt(void)
{
    seL4_Word v = VS_REGION(9);
    tables_t t = map_tables(VSPACE, v, 3);
    seL4_CPtr f = new_frame();
    CHECK_EQ(map_rw(f, v), seL4_NoError);
    word_at(v)[1] = 4242;
    CHECK_EQ(delete_cap(t.pt), seL4_NoError);
    /* The page table is gone from the page directory: no frame can be mapped there. */
    check_missing(map_rw(new_frame(), v + PAGE_SIZE), 21);
    /* A new page table: f's stale mapping can be made again at its address. */
    seL4_CPtr pt = test_object(seL4_X86_PageTableObject, 0);
    CHECK_EQ(seL4_X86_PageTable_Map(pt, VSPACE, v, 0), seL4_NoError);
    CHECK_EQ(map_rw(f, v), seL4_NoError);
    CHECK_EQ(word_at(v)[1], 4242);
}
DEFINE_TEST(VSPACE0014, "deleting a page table unmaps it and the frames below it", test_delete_pt);

static void test_delete_pd_pdpt(void)
{
    seL4_Word v = VS_REGION(10);
    tables_t t = map_tables(VSPACE, v, 3);
    CHECK_EQ(map_rw(new_frame(), v), seL4_NoError);
    CHECK_EQ(delete_cap(t.pd), seL4_NoError);
    check_missing(map_rw(new_frame(), v + PAGE_SIZE), 30);
    check_missing(seL4_X86_PageTable_Map(test_object(seL4_X86_PageTableObject, 0), VSPACE, v, 0),
                  30);
    /* The page table's capability still says mapped: it cannot be mapped again until unmapped. */
    check_invalid_cap(seL4_X86_PageTable_Map(t.pt, VSPACE, v, 0), 0);
    CHECK_EQ(delete_cap(t.pdpt), seL4_NoError);
    check_missing(map_rw(new_frame(), v + PAGE_SIZE), 39);
    CHECK_EQ(seL4_X86_PDPT_Map(test_object(seL4_X86_PDPTObject, 0), VSPACE, v, 0), seL4_NoError);
}
DEFINE_TEST(VSPACE0015, "deleting a page directory or PDPT unmaps it from its parent",
            test_delete_pd_pdpt);

static void test_table_unmap(void)
{
    seL4_Word v = VS_REGION(11);
    tables_t t = map_tables(VSPACE, v, 3);
    seL4_CPtr f = new_frame();
    CHECK_EQ(map_rw(f, v + 7 * PAGE_SIZE), seL4_NoError);
    /* Another capability to the mapped page table: Unmap needs the last one. */
    seL4_CPtr copy = copy_cap(t.pt);
    CHECK_EQ(seL4_X86_PageTable_Unmap(t.pt), seL4_RevokeFirst);
    CHECK_EQ(delete_cap(copy), seL4_NoError);
    CHECK_EQ(seL4_X86_PageTable_Unmap(t.pt), seL4_NoError);
    check_missing(map_rw(new_frame(), v), 21);
    CHECK_EQ(seL4_X86_PageTable_Unmap(t.pt), seL4_NoError); /* already unmapped */
    /* Mapped again elsewhere, the table is empty: the slot f used is free. */
    seL4_Word w = v + 8 * LARGE_PAGE_SIZE;
    CHECK_EQ(seL4_X86_PageTable_Map(t.pt, VSPACE, w, 0), seL4_NoError);
    CHECK_EQ(map_rw(new_frame(), w + 7 * PAGE_SIZE), seL4_NoError);
    /* Page directory and PDPT Unmap. */
    CHECK_EQ(seL4_X86_PageDirectory_Unmap(t.pd), seL4_NoError);
    check_missing(map_rw(new_frame(), w + PAGE_SIZE), 30);
    CHECK_EQ(seL4_X86_PDPT_Unmap(t.pdpt), seL4_NoError);
    check_missing(map_rw(new_frame(), w + PAGE_SIZE), 39);
    CHECK_EQ(seL4_X86_PDPT_Map(t.pdpt, VSPACE, v, 0), seL4_NoError);
    CHECK_EQ(seL4_X86_PageDirectory_Map(t.pd, VSPACE, v, 0), seL4_NoError);
}
DEFINE_TEST(VSPACE0016, "table Unmap: RevokeFirst with copies, then unmapped and cleared",
            test_table_unmap);

static void test_large_pages(void)
{
    seL4_Word v = VS_REGION(12);
    map_tables(VSPACE, v, 2);
    seL4_CPtr large = test_object(seL4_X86_LargePageObject, 0);
    CHECK_EQ(map_rw(large, v), seL4_NoError);
    word_at(v)[0] = 11;
    word_at(v + LARGE_PAGE_SIZE - sizeof(seL4_Word))[0] = 22;
    /* Seen through a 4 KiB view? No: its page directory slot holds the large page. */
    check_missing(map_rw(new_frame(), v + PAGE_SIZE), 21);
    CHECK_EQ(seL4_X86_PageTable_Map(test_object(seL4_X86_PageTableObject, 0), VSPACE, v, 0),
             seL4_DeleteFirst);
    CHECK_EQ(map_rw(test_object(seL4_X86_LargePageObject, 0), v), seL4_DeleteFirst);
    /* A copy of the capability maps the same 2 MiB elsewhere. */
    seL4_CPtr copy = copy_cap(large);
    CHECK_EQ(map_rw(copy, v + LARGE_PAGE_SIZE), seL4_NoError);
    CHECK_EQ(word_at(v + LARGE_PAGE_SIZE)[0], 11);
    CHECK_EQ(word_at(v + 2 * LARGE_PAGE_SIZE - sizeof(seL4_Word))[0], 22);
    seL4_Word pa = seL4_X86_Page_GetAddress(large).paddr;
    CHECK_EQ(pa & (LARGE_PAGE_SIZE - 1), 0);
    CHECK_EQ(seL4_X86_Page_Unmap(large), seL4_NoError);
    CHECK_EQ(seL4_X86_PageTable_Map(test_object(seL4_X86_PageTableObject, 0), VSPACE, v, 0),
             seL4_NoError);
}
DEFINE_TEST(VSPACE0017, "2 MiB frames map in a page directory entry, exclusive of page tables",
            test_large_pages);

static void test_attributes(void)
{
    seL4_Word v = VS_REGION(13);
    map_tables(VSPACE, v, 3);
    static const seL4_X86_VMAttributes attrs[] = {seL4_X86_WriteBack, seL4_X86_WriteThrough,
                                                  seL4_X86_CacheDisabled, seL4_X86_Uncacheable,
                                                  seL4_X86_WriteCombining};
    for (seL4_Word i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
        seL4_Word a = v + i * PAGE_SIZE;
        CHECK_EQ(seL4_X86_Page_Map(new_frame(), VSPACE, a, seL4_ReadWrite, attrs[i]), seL4_NoError);
        word_at(a)[5] = 100 + i;
        CHECK_EQ(word_at(a)[5], 100 + i);
    }
    seL4_CPtr pt = test_object(seL4_X86_PageTableObject, 0);
    CHECK_EQ(seL4_X86_PageTable_Map(pt, VSPACE, v + LARGE_PAGE_SIZE, seL4_X86_CacheDisabled),
             seL4_NoError);
    CHECK_EQ(map_rw(new_frame(), v + LARGE_PAGE_SIZE), seL4_NoError);
    word_at(v + LARGE_PAGE_SIZE)[0] = 5;
    CHECK_EQ(word_at(v + LARGE_PAGE_SIZE)[0], 5);
}
DEFINE_TEST(VSPACE0018, "every caching attribute maps usable memory", test_attributes);

static void test_wrong_object(void)
{
    seL4_Word v = VS_REGION(14);
    seL4_CPtr pt = test_object(seL4_X86_PageTableObject, 0), f = new_frame();
    /* A method of one paging object invoked on another. */
    seL4_MessageInfo_t info = seL4_MessageInfo_new(X86PageMap, 0, 1, 3);
    seL4_SetCap(0, VSPACE);
    seL4_SetMR(0, v);
    seL4_SetMR(1, 3); /* read and write */
    seL4_SetMR(2, 0);
    CHECK_EQ(seL4_MessageInfo_get_label(seL4_Call(pt, info)), seL4_IllegalOperation);
    CHECK_EQ(seL4_X86_PageTable_Unmap(f), seL4_IllegalOperation);
    CHECK_EQ(seL4_X86_PDPT_Unmap(pt), seL4_IllegalOperation);
    CHECK_EQ(seL4_X86_ASIDPool_Assign(seL4_CapASIDControl, test_object(seL4_X64_PML4Object, 0)),
             seL4_IllegalOperation);
    /* The root VSpace itself has no methods. */
    CHECK_EQ(seL4_X86_PageTable_Unmap(VSPACE), seL4_IllegalOperation);
}
DEFINE_TEST(VSPACE0019, "paging methods on the wrong object type are IllegalOperation",
            test_wrong_object);

static void test_truncated(void)
{
    seL4_CPtr f = new_frame();
    /* Map without the VSpace capability, or with too few words. */
    seL4_MessageInfo_t info = seL4_MessageInfo_new(X86PageMap, 0, 0, 3);
    CHECK_EQ(seL4_MessageInfo_get_label(seL4_Call(f, info)), seL4_TruncatedMessage);
    seL4_SetCap(0, VSPACE);
    info = seL4_MessageInfo_new(X86PageMap, 0, 1, 2);
    CHECK_EQ(seL4_MessageInfo_get_label(seL4_Call(f, info)), seL4_TruncatedMessage);
    info = seL4_MessageInfo_new(X86ASIDPoolAssign, 0, 0, 0);
    CHECK_EQ(seL4_MessageInfo_get_label(seL4_Call(seL4_CapInitThreadASIDPool, info)),
             seL4_TruncatedMessage);
}
DEFINE_TEST(VSPACE0020, "Map and Assign without their arguments are TruncatedMessage",
            test_truncated);

static void test_delete_vspace(void)
{
    seL4_Word v = VS_REGION(15);
    seL4_CPtr pml4 = new_vspace();
    tables_t t = map_tables(pml4, v, 3);
    seL4_CPtr f = new_frame();
    CHECK_EQ(seL4_X86_Page_Map(f, pml4, v, seL4_ReadWrite, 0), seL4_NoError);
    CHECK_EQ(delete_cap(pml4), seL4_NoError);
    /* The frame and tables still record the dead mapping; unmapping and deleting them is
     * safe, and the frame can then go into the root task's VSpace. */
    CHECK_EQ(seL4_X86_Page_Unmap(f), seL4_NoError);
    CHECK_EQ(delete_cap(t.pt), seL4_NoError);
    CHECK_EQ(seL4_X86_PageDirectory_Unmap(t.pd), seL4_NoError);
    map_tables(VSPACE, v, 3);
    CHECK_EQ(map_rw(f, v), seL4_NoError);
    word_at(v)[0] = 8;
    CHECK_EQ(word_at(v)[0], 8);
}
DEFINE_TEST(VSPACE0021, "deleting a VSpace leaves stale mappings that are safe to undo",
            test_delete_vspace);
