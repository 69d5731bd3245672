/* LIB: the root task allocator library (<sel4ish/alloc.h>, <sel4ish/vspace.h>) against the
 * kernel: slots, objects across untypeds, NotEnoughMemory fall-through, mapping with missing
 * paging structures made on demand. Each case builds its own allocator over fresh slots and
 * fresh untypeds from the test support, so it never touches the bootinfo untypeds directly. */
#include "support.h"
#include "test.h"
#include <sel4ish/alloc.h>
#include <sel4ish/vspace.h>

/* Virtual addresses of the mapping cases: PML4 entries nothing else in the suite uses. */
#define LIB_VADDR       0x5a0000000000ul
#define LIB_VADDR_LARGE 0x5b0000000000ul
#define PAGE_SIZE       (1ul << seL4_PageBits)
#define LARGE_PAGE_SIZE (1ul << seL4_LargePageBits)
#define GIB             (1ul << 30)

/* Large (bitmap and untyped table): not on the stack. */
static sel4ish_alloc_t lib_alloc;

/* Initialises lib_alloc over count fresh consecutive slots of the root CNode, no untypeds.
 * Returns the first slot (0 on failure). */
static seL4_CPtr lib_init(seL4_Word count)
{
    seL4_CPtr first = test_slot();
    for (seL4_Word i = 1; i < count; i++) {
        if (test_slot() != first + i) {
            CHECK(!"test slots are not consecutive");
            return 0;
        }
    }
    sel4ish_alloc_init(&lib_alloc, first, first + count);
    return first;
}

/* Adds a fresh untyped of 2^bits bytes to lib_alloc; returns its capability (0 on failure). */
static seL4_CPtr lib_add_untyped(seL4_Word bits)
{
    seL4_CPtr ut = test_untyped(bits);
    if (ut) {
        CHECK_EQ(sel4ish_alloc_add_untyped(&lib_alloc, ut, 0, bits), seL4_NoError);
    }
    return ut;
}

/* True if slot holds no capability: retyping into it works (then the object is deleted). */
static int slot_is_empty(seL4_CPtr slot)
{
    seL4_CPtr ut = test_untyped(seL4_EndpointBits);
    seL4_Error err =
        seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, seL4_CapInitThreadCNode, 0, 0, slot, 1);
    if (err == seL4_NoError) {
        seL4_CNode_Delete(seL4_CapInitThreadCNode, slot, SEL4ISH_SLOT_DEPTH);
    }
    return err == seL4_NoError;
}

static void lib_slots_alloc_free(void)
{
    sel4ish_slots_t *s = &lib_alloc.slots;
    seL4_CPtr first = lib_init(8);
    seL4_CPtr slot;
    for (seL4_Word i = 0; i < 8; i++) {
        CHECK_EQ(sel4ish_slot_alloc(s, &slot), seL4_NoError);
        CHECK_EQ(slot, first + i);
    }
    CHECK_EQ(sel4ish_slots_free_count(s), 0);
    CHECK_EQ(sel4ish_slot_alloc(s, &slot), seL4_NotEnoughMemory);
    CHECK_EQ(sel4ish_slot_free(s, first + 5), seL4_NoError);
    CHECK_EQ(sel4ish_slot_free(s, first + 2), seL4_NoError);
    CHECK_EQ(sel4ish_slots_free_count(s), 2);
    CHECK_EQ(sel4ish_slot_alloc(s, &slot), seL4_NoError);
    CHECK_EQ(slot, first + 2);
    CHECK_EQ(sel4ish_slot_alloc(s, &slot), seL4_NoError);
    CHECK_EQ(slot, first + 5);
    CHECK_EQ(sel4ish_slot_free(s, first + 8), seL4_RangeError);
    CHECK_EQ(sel4ish_slot_free(s, first - 1), seL4_RangeError);
}
DEFINE_TEST(LIB0001, "slot allocator: lowest free slot first, exhaustion, freeing, range",
            lib_slots_alloc_free);

static void lib_slot_free_deletes(void)
{
    lib_init(4);
    lib_add_untyped(12);
    seL4_CPtr ep;
    CHECK_EQ(sel4ish_alloc_object(&lib_alloc, seL4_EndpointObject, 0, &ep), seL4_NoError);
    CHECK(!slot_is_empty(ep));
    CHECK_EQ(sel4ish_free_object(&lib_alloc, ep), seL4_NoError);
    CHECK(slot_is_empty(ep));
    seL4_CPtr again;
    CHECK_EQ(sel4ish_alloc_object(&lib_alloc, seL4_NotificationObject, 0, &again), seL4_NoError);
    CHECK_EQ(again, ep);
}
DEFINE_TEST(LIB0002, "freeing an object deletes its capability and reuses the slot",
            lib_slot_free_deletes);

static void lib_object_sizes(void)
{
    CHECK_EQ(sel4ish_object_size_bits(seL4_UntypedObject, 17), 17);
    CHECK_EQ(sel4ish_object_size_bits(seL4_TCBObject, 0), seL4_TCBBits);
    CHECK_EQ(sel4ish_object_size_bits(seL4_EndpointObject, 0), seL4_EndpointBits);
    CHECK_EQ(sel4ish_object_size_bits(seL4_NotificationObject, 0), seL4_NotificationBits);
    CHECK_EQ(sel4ish_object_size_bits(seL4_CapTableObject, 4), 4 + seL4_SlotBits);
    CHECK_EQ(sel4ish_object_size_bits(seL4_X86_4K, 0), seL4_PageBits);
    CHECK_EQ(sel4ish_object_size_bits(seL4_X86_LargePageObject, 0), seL4_LargePageBits);
    CHECK_EQ(sel4ish_object_size_bits(seL4_X86_PageTableObject, 0), seL4_PageTableBits);
    CHECK_EQ(sel4ish_object_size_bits(seL4_X86_PageDirectoryObject, 0), seL4_PageDirBits);
    CHECK_EQ(sel4ish_object_size_bits(seL4_X86_PDPTObject, 0), seL4_PDPTBits);
    CHECK_EQ(sel4ish_object_size_bits(seL4_X64_PML4Object, 0), seL4_PML4Bits);
    CHECK_EQ(sel4ish_object_size_bits(seL4_ObjectTypeCount, 0), 0);
}
DEFINE_TEST(LIB0003, "object sizes follow the ABI's constants", lib_object_sizes);

static void lib_watermark(void)
{
    lib_init(8);
    seL4_CPtr ut = lib_add_untyped(12);
    const sel4ish_untyped_t *mirror = &lib_alloc.untypeds[0];
    seL4_CPtr cap;
    CHECK_EQ(sel4ish_alloc_object(&lib_alloc, seL4_EndpointObject, 0, &cap), seL4_NoError);
    CHECK_EQ(mirror->used, 16);
    CHECK_EQ(sel4ish_alloc_object(&lib_alloc, seL4_NotificationObject, 0, &cap), seL4_NoError);
    CHECK_EQ(mirror->used, 64); /* aligned up from 16 to 32, then 32 bytes */
    CHECK_EQ(sel4ish_alloc_object(&lib_alloc, seL4_CapTableObject, 6, &cap), seL4_NoError);
    CHECK_EQ(mirror->used, 4096); /* 2 KiB, aligned up to 2 KiB */
    /* Full by our count, and by the kernel's: a direct retype fails. */
    CHECK_EQ(sel4ish_alloc_object(&lib_alloc, seL4_EndpointObject, 0, &cap), seL4_NotEnoughMemory);
    seL4_CPtr slot = test_slot();
    CHECK_EQ(
        seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, seL4_CapInitThreadCNode, 0, 0, slot, 1),
        seL4_NotEnoughMemory);
}
DEFINE_TEST(LIB0004, "the allocator's watermark follows the kernel's natural alignment",
            lib_watermark);

static void lib_across_untypeds(void)
{
    lib_init(8);
    lib_add_untyped(12);
    lib_add_untyped(12);
    seL4_CPtr cap;
    for (int i = 0; i < 3; i++) {
        CHECK_EQ(sel4ish_alloc_object(&lib_alloc, seL4_CapTableObject, 6, &cap), seL4_NoError);
    }
    CHECK_EQ(lib_alloc.untypeds[0].used, 4096);
    CHECK_EQ(lib_alloc.untypeds[1].used, 2048);
    CHECK_EQ(sel4ish_alloc_object(&lib_alloc, seL4_X86_4K, 0, &cap), seL4_NotEnoughMemory);
    CHECK_EQ(sel4ish_alloc_object(&lib_alloc, seL4_CapTableObject, 6, &cap), seL4_NoError);
    CHECK_EQ(lib_alloc.untypeds[1].used, 4096);
}
DEFINE_TEST(LIB0005, "objects go to the next untyped when one is full", lib_across_untypeds);

static void lib_not_enough_memory_fall_through(void)
{
    lib_init(8);
    seL4_CPtr first = lib_add_untyped(12);
    lib_add_untyped(12);
    /* Fill the first untyped behind the allocator's back: its count still says empty. */
    seL4_CPtr slot = test_slot();
    CHECK_EQ(seL4_Untyped_Retype(first, seL4_X86_4K, 0, seL4_CapInitThreadCNode, 0, 0, slot, 1),
             seL4_NoError);
    seL4_CPtr frame;
    CHECK_EQ(sel4ish_alloc_object(&lib_alloc, seL4_X86_4K, 0, &frame), seL4_NoError);
    CHECK_EQ(lib_alloc.untypeds[0].used, 4096); /* taken from the kernel's bytes left */
    CHECK_EQ(lib_alloc.untypeds[1].used, 4096);
    CHECK_EQ(sel4ish_slots_free_count(&lib_alloc.slots), 7);
}
DEFINE_TEST(LIB0006, "seL4_NotEnoughMemory from the kernel moves on to the next untyped",
            lib_not_enough_memory_fall_through);

static void lib_nothing_fits(void)
{
    lib_init(4);
    lib_add_untyped(12);
    seL4_CPtr cap = 0;
    CHECK_EQ(sel4ish_alloc_object(&lib_alloc, seL4_CapTableObject, 8, &cap), seL4_NotEnoughMemory);
    CHECK_EQ(cap, 0);
    CHECK_EQ(sel4ish_slots_free_count(&lib_alloc.slots), 4);
    CHECK_EQ(lib_alloc.untypeds[0].used, 0);
    /* A bad argument is the kernel's error, and allocates nothing either. */
    CHECK_EQ(sel4ish_alloc_object(&lib_alloc, seL4_ObjectTypeCount, 0, &cap), seL4_InvalidArgument);
    CHECK_EQ(sel4ish_slots_free_count(&lib_alloc.slots), 4);
    /* Nor does running out of slots. */
    lib_init(0);
    lib_add_untyped(12);
    CHECK_EQ(sel4ish_alloc_object(&lib_alloc, seL4_EndpointObject, 0, &cap), seL4_NotEnoughMemory);
    CHECK_EQ(lib_alloc.untypeds[0].used, 0);
}
DEFINE_TEST(LIB0007, "an object that fits nowhere: NotEnoughMemory, nothing allocated",
            lib_nothing_fits);

static void lib_carve_untyped(void)
{
    lib_init(8);
    lib_add_untyped(16);
    seL4_CPtr small;
    CHECK_EQ(sel4ish_alloc_untyped(&lib_alloc, 13, &small), seL4_NoError);
    CHECK_EQ(lib_alloc.untypeds[0].used, 1ul << 13);
    /* The carved untyped holds two frames, not three. */
    seL4_CPtr slot = test_slot();
    test_slot();
    CHECK_EQ(seL4_Untyped_Retype(small, seL4_X86_4K, 0, seL4_CapInitThreadCNode, 0, 0, slot, 2),
             seL4_NoError);
    CHECK_EQ(
        seL4_Untyped_Retype(small, seL4_X86_4K, 0, seL4_CapInitThreadCNode, 0, 0, test_slot(), 1),
        seL4_NotEnoughMemory);
    /* It can feed an allocator of its own. */
    CHECK_EQ(sel4ish_alloc_untyped(&lib_alloc, 12, &small), seL4_NoError);
    lib_init(4);
    CHECK_EQ(sel4ish_alloc_add_untyped(&lib_alloc, small, 0, 12), seL4_NoError);
    seL4_CPtr frame;
    CHECK_EQ(sel4ish_alloc_object(&lib_alloc, seL4_X86_4K, 0, &frame), seL4_NoError);
    CHECK_EQ(sel4ish_alloc_object(&lib_alloc, seL4_X86_4K, 0, &frame), seL4_NotEnoughMemory);
}
DEFINE_TEST(LIB0008, "carving an untyped of a given size", lib_carve_untyped);

static void lib_init_bootinfo(void)
{
    const seL4_BootInfo *bi = test_bootinfo();
    sel4ish_alloc_init_bootinfo(&lib_alloc, bi);
    seL4_Word ram = 0;
    for (seL4_Word i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        ram += !bi->untypedList[i].isDevice;
    }
    CHECK(ram > 0);
    CHECK_EQ(lib_alloc.num_untypeds, ram);
    CHECK_EQ(lib_alloc.slots.start, bi->empty.start);
    CHECK_EQ(lib_alloc.slots.end, bi->empty.end);
    for (seL4_Word i = 0; i < lib_alloc.num_untypeds; i++) {
        const sel4ish_untyped_t *ut = &lib_alloc.untypeds[i];
        const seL4_UntypedDesc *d = &bi->untypedList[ut->cap - bi->untyped.start];
        CHECK(ut->cap >= bi->untyped.start && ut->cap < bi->untyped.end);
        CHECK_EQ(d->isDevice, 0);
        CHECK_EQ(ut->paddr, d->paddr);
        CHECK_EQ(ut->size_bits, d->sizeBits);
        CHECK_EQ(ut->used, 0);
    }
    /* A full table refuses more. */
    lib_alloc.num_untypeds = SEL4ISH_MAX_UNTYPEDS;
    CHECK_EQ(sel4ish_alloc_add_untyped(&lib_alloc, 1, 0, 12), seL4_RangeError);
}
DEFINE_TEST(LIB0009, "init from bootinfo: empty slots and every RAM untyped", lib_init_bootinfo);

/* An allocator with 32 slots and a 64 KiB untyped, for the mapping cases. */
static void lib_init_for_mapping(void)
{
    lib_init(32);
    lib_add_untyped(16);
}

static void lib_map_makes_levels(void)
{
    lib_init_for_mapping();
    seL4_Word free = sel4ish_slots_free_count(&lib_alloc.slots);
    seL4_CPtr vspace = seL4_CapInitThreadVSpace;
    seL4_X86_VMAttributes attr = seL4_X86_Default_VMAttributes;
    seL4_CPtr frame;
    /* An empty PML4 entry: PDPT, page directory and page table are made, then the frame. */
    CHECK_EQ(sel4ish_map_new_frame(&lib_alloc, vspace, LIB_VADDR, seL4_ReadWrite, attr, &frame),
             seL4_NoError);
    CHECK_EQ(sel4ish_slots_free_count(&lib_alloc.slots), free - 4);
    volatile seL4_Word *p = (volatile seL4_Word *)LIB_VADDR;
    p[0] = 0x11b0001;
    CHECK_EQ(p[0], 0x11b0001);
    /* The next page shares all three. */
    CHECK_EQ(sel4ish_map_new_frame(&lib_alloc, vspace, LIB_VADDR + PAGE_SIZE, seL4_ReadWrite, attr,
                                   &frame),
             seL4_NoError);
    CHECK_EQ(sel4ish_slots_free_count(&lib_alloc.slots), free - 5);
    /* 2 MiB on: a new page table only; 1 GiB on: a page directory and a page table. */
    CHECK_EQ(sel4ish_map_new_frame(&lib_alloc, vspace, LIB_VADDR + LARGE_PAGE_SIZE, seL4_ReadWrite,
                                   attr, &frame),
             seL4_NoError);
    CHECK_EQ(sel4ish_slots_free_count(&lib_alloc.slots), free - 7);
    CHECK_EQ(
        sel4ish_map_new_frame(&lib_alloc, vspace, LIB_VADDR + GIB, seL4_ReadWrite, attr, &frame),
        seL4_NoError);
    CHECK_EQ(sel4ish_slots_free_count(&lib_alloc.slots), free - 10);
    p = (volatile seL4_Word *)(LIB_VADDR + GIB);
    p[1] = 0x11b0002;
    CHECK_EQ(p[1], 0x11b0002);
}
DEFINE_TEST(LIB0010, "mapping a frame makes the missing PDPT, page directory and page table",
            lib_map_makes_levels);

static void lib_map_errors(void)
{
    lib_init_for_mapping();
    seL4_CPtr vspace = seL4_CapInitThreadVSpace;
    seL4_X86_VMAttributes attr = seL4_X86_Default_VMAttributes;
    seL4_Word vaddr = LIB_VADDR + 2 * GIB;
    seL4_CPtr frame, other;
    CHECK_EQ(sel4ish_map_new_frame(&lib_alloc, vspace, vaddr, seL4_ReadWrite, attr, &frame),
             seL4_NoError);
    seL4_Word free = sel4ish_slots_free_count(&lib_alloc.slots);
    /* Something is mapped there already: the kernel's DeleteFirst, nothing left allocated. */
    CHECK_EQ(sel4ish_map_new_frame(&lib_alloc, vspace, vaddr, seL4_ReadWrite, attr, &other),
             seL4_DeleteFirst);
    CHECK_EQ(sel4ish_slots_free_count(&lib_alloc.slots), free);
    /* Freeing the frame unmaps it, so the place can be used again. */
    CHECK_EQ(sel4ish_free_object(&lib_alloc, frame), seL4_NoError);
    CHECK_EQ(sel4ish_map_new_frame(&lib_alloc, vspace, vaddr, seL4_ReadWrite, attr, &other),
             seL4_NoError);
    volatile seL4_Word *p = (volatile seL4_Word *)vaddr;
    CHECK_EQ(p[0], 0); /* a new frame, zeroed */
    /* Room for the frame but not for its page directory and page table: nothing left
     * allocated either, and nothing mapped. */
    lib_init(8);
    lib_add_untyped(12);
    free = sel4ish_slots_free_count(&lib_alloc.slots);
    CHECK_EQ(sel4ish_map_new_frame(&lib_alloc, vspace, LIB_VADDR + 4 * GIB, seL4_ReadWrite, attr,
                                   &other),
             seL4_NotEnoughMemory);
    CHECK_EQ(sel4ish_slots_free_count(&lib_alloc.slots), free);
}
DEFINE_TEST(LIB0011, "mapping errors leave nothing allocated; freeing a frame unmaps it",
            lib_map_errors);

static void lib_map_existing_frame(void)
{
    lib_init_for_mapping();
    seL4_CPtr frame = test_object(seL4_X86_4K, 0);
    seL4_Word vaddr = LIB_VADDR + 3 * GIB;
    CHECK_EQ(sel4ish_map_frame(&lib_alloc, seL4_CapInitThreadVSpace, frame, vaddr, seL4_CanRead,
                               seL4_X86_Default_VMAttributes),
             seL4_NoError);
    volatile seL4_Word *p = (volatile seL4_Word *)vaddr;
    CHECK_EQ(p[0], 0);
    seL4_X86_Page_GetAddress_t addr = seL4_X86_Page_GetAddress(frame);
    CHECK_EQ(addr.error, seL4_NoError);
    CHECK(addr.paddr != 0);
}
DEFINE_TEST(LIB0012, "mapping a frame the caller made, read-only", lib_map_existing_frame);

static void lib_map_large_frame(void)
{
    lib_init(8);
    lib_add_untyped(22);
    seL4_CPtr vspace = seL4_CapInitThreadVSpace;
    seL4_CPtr frame;
    CHECK_EQ(sel4ish_alloc_object(&lib_alloc, seL4_X86_LargePageObject, 0, &frame), seL4_NoError);
    seL4_Word free = sel4ish_slots_free_count(&lib_alloc.slots);
    CHECK_EQ(sel4ish_map_large_frame(&lib_alloc, vspace, frame, LIB_VADDR_LARGE, seL4_ReadWrite,
                                     seL4_X86_Default_VMAttributes),
             seL4_NoError);
    CHECK_EQ(sel4ish_slots_free_count(&lib_alloc.slots), free - 2); /* a PDPT and a PD */
    volatile seL4_Word *p = (volatile seL4_Word *)(LIB_VADDR_LARGE + LARGE_PAGE_SIZE - 8);
    *p = 0x11b0003;
    CHECK_EQ(*p, 0x11b0003);
}
DEFINE_TEST(LIB0013, "mapping a 2 MiB frame makes a PDPT and a page directory only",
            lib_map_large_frame);
