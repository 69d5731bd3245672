/* RETYPE: Untyped_Retype for every object type and size, the free watermark with natural
 * alignment (observed through X86_Page_GetAddress of frames placed after other objects), many
 * objects at once and the fan-out limit, the destination window, NotEnoughMemory with the bytes
 * left, invalid types and sizes, device untypeds, and reuse of the memory after Revoke. */
#include "support.h"
#include "test.h"

#define ROOT seL4_CapInitThreadCNode
#define D    TEST_ROOT_DEPTH
#define PAGE 4096ul

/* A root slot for short-lived frames (left empty between uses). */
static seL4_CPtr scratch(void)
{
    static seL4_CPtr s;
    if (!s) {
        s = test_slot();
    }
    return s;
}

/* A root slot for retypes expected to fail (left empty). */
static seL4_CPtr spare_slot(void)
{
    static seL4_CPtr s;
    if (!s) {
        s = test_slot();
    }
    return s;
}

/* A CNode of 16 empty slots for windows of expected failures (left empty). */
static seL4_CPtr spare_cnode(void)
{
    static seL4_CPtr c;
    if (!c) {
        c = test_cnode(4);
    }
    return c;
}

/* The address at which the next 4 KiB frame from u lands (the frame is made and deleted). */
static seL4_Word next_frame(seL4_CPtr u)
{
    seL4_CPtr s = scratch();
    seL4_Error err = seL4_Untyped_Retype(u, seL4_X86_4K, 0, ROOT, 0, 0, s, 1);
    CHECK_EQ(err, seL4_NoError);
    seL4_Word pa = err == seL4_NoError ? test_paddr(s) : 0;
    CHECK_EQ(seL4_CNode_Delete(ROOT, s, D), seL4_NoError);
    return pa;
}

/* The base address of an untyped without children (a frame is made there, then revoked). */
static seL4_Word untyped_base(seL4_CPtr u)
{
    seL4_Word pa = next_frame(u);
    CHECK_EQ(seL4_CNode_Revoke(ROOT, u, D), seL4_NoError);
    return pa;
}

static seL4_Error retype(seL4_CPtr u, seL4_Word type, seL4_Word size, seL4_CPtr slot)
{
    return seL4_Untyped_Retype(u, type, size, ROOT, 0, 0, slot, 1);
}

static void check_range(seL4_Error err, seL4_Word min, seL4_Word max)
{
    CHECK_EQ(err, seL4_RangeError);
    CHECK_EQ(seL4_GetErrorDetail().min, min);
    CHECK_EQ(seL4_GetErrorDetail().max, max);
}

static void check_invalid_argument(seL4_Error err, seL4_Word index)
{
    CHECK_EQ(err, seL4_InvalidArgument);
    CHECK_EQ(seL4_GetErrorDetail().argument, index);
}

static void check_not_enough(seL4_Error err, seL4_Word bytes)
{
    CHECK_EQ(err, seL4_NotEnoughMemory);
    CHECK_EQ(seL4_GetErrorDetail().bytes_available, bytes);
}

typedef struct {
    seL4_Word type, size_bits, object_bits;
} object_kind_t;

static const object_kind_t kinds[] = {
    {seL4_UntypedObject, 12, 12},
    {seL4_UntypedObject, 4, 4},
    {seL4_TCBObject, 0, seL4_TCBBits},
    {seL4_EndpointObject, 0, seL4_EndpointBits},
    {seL4_NotificationObject, 0, seL4_NotificationBits},
    {seL4_CapTableObject, 3, 3 + seL4_SlotBits},
    {seL4_CapTableObject, 8, 8 + seL4_SlotBits},
    {seL4_X86_PDPTObject, 0, seL4_PDPTBits},
    {seL4_X64_PML4Object, 0, seL4_PML4Bits},
    {seL4_X86_4K, 0, seL4_PageBits},
    {seL4_X86_LargePageObject, 0, seL4_LargePageBits},
    {seL4_X86_PageTableObject, 0, seL4_PageTableBits},
    {seL4_X86_PageDirectoryObject, 0, seL4_PageDirBits},
};

/* Checks that the capability in slot behaves as an object of the given type should. */
static void check_kind(seL4_Word type, seL4_Word size_bits, seL4_CPtr slot, seL4_Word base)
{
    seL4_CPtr s = scratch();
    switch (type) {
    case seL4_UntypedObject:
        if (size_bits >= 12) {
            CHECK_EQ(next_frame(slot), base);
        } else {
            /* Room for exactly one object of its own size. */
            CHECK_EQ(retype(slot, seL4_UntypedObject, size_bits, s), seL4_NoError);
            check_not_enough(retype(slot, seL4_UntypedObject, size_bits, spare_slot()), 0);
            CHECK_EQ(seL4_CNode_Revoke(ROOT, slot, D), seL4_NoError);
        }
        break;
    case seL4_TCBObject:
        CHECK_EQ(seL4_TCB_SetTLSBase(slot, 0x1000), seL4_NoError);
        CHECK_EQ(seL4_X86_Page_GetAddress(slot).error, seL4_IllegalOperation);
        break;
    case seL4_EndpointObject:
    case seL4_NotificationObject:
        /* Badgeable, once. */
        CHECK_EQ(seL4_CNode_Mint(ROOT, s, D, ROOT, slot, D, seL4_AllRights, 3), seL4_NoError);
        CHECK_EQ(seL4_CNode_Mint(ROOT, spare_slot(), D, ROOT, s, D, seL4_AllRights, 4),
                 seL4_IllegalOperation);
        CHECK_EQ(seL4_CNode_Delete(ROOT, s, D), seL4_NoError);
        break;
    case seL4_CapTableObject: {
        /* 2^size_bits slots, all empty: the last one takes a copy. */
        seL4_Word last = (1ul << size_bits) - 1;
        CHECK_EQ(test_slot_empty_at(slot, last, size_bits), 1);
        CHECK_EQ(seL4_CNode_Copy(slot, last, (seL4_Uint8)size_bits, ROOT, ROOT, D, seL4_AllRights),
                 seL4_NoError);
        CHECK_EQ(test_slot_empty_at(slot, last, size_bits), 0);
        break;
    }
    case seL4_X86_4K:
    case seL4_X86_LargePageObject:
        CHECK_EQ(test_paddr(slot), base);
        break;
    default:
        /* Paging structures: not frames, and not copyable while unmapped. */
        CHECK_EQ(seL4_X86_Page_GetAddress(slot).error, seL4_IllegalOperation);
        CHECK_EQ(seL4_CNode_Copy(ROOT, s, D, ROOT, slot, D, seL4_AllRights), seL4_IllegalOperation);
        break;
    }
}

static void retype_every_type(void)
{
    for (unsigned k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
        const object_kind_t *o = &kinds[k];
        seL4_Word bits = o->object_bits < 12 ? 14 : o->object_bits + 1;
        seL4_CPtr u = test_untyped(bits), first = test_slot();
        seL4_CPtr c = test_cnode(9);
        seL4_Word base = untyped_base(u);
        /* n objects fill 4 KiB exactly (or one object of 4 KiB and more). */
        seL4_Word n = o->object_bits < 12 ? 1ul << (12 - o->object_bits) : 1;
        CHECK_EQ(retype(u, o->type, o->size_bits, first), seL4_NoError);
        if (n > 1) {
            CHECK_EQ(seL4_Untyped_Retype(u, o->type, o->size_bits, c, 0, 0, 0, n - 1),
                     seL4_NoError);
            /* One more crosses into the next page. */
            CHECK_EQ(seL4_Untyped_Retype(u, o->type, o->size_bits, c, 0, 0, 256, 1), seL4_NoError);
        }
        /* The next frame lands right after, naturally aligned: this pins the object size. */
        seL4_Word expect = base + (o->object_bits < 12 ? 2 * PAGE : 1ul << o->object_bits);
        seL4_Word got = next_frame(u);
        CHECK_EQ(got, expect);
        if (got != expect) {
            CHECK_EQ(o->type, ~0ul); /* names the failing type in the log */
        }
        check_kind(o->type, o->size_bits, first, base);
    }
}
DEFINE_TEST(RETYPE0001, "every object type: size, placement at the base, behaves as its type",
            retype_every_type);

static void retype_untyped_sizes(void)
{
    seL4_CPtr parent = test_untyped(21);
    for (seL4_Word s = seL4_MinUntypedBits; s <= 20; s++) {
        seL4_CPtr child = test_slot();
        CHECK_EQ(retype(parent, seL4_UntypedObject, s, child), seL4_NoError);
        /* Exactly 2^s bytes: an untyped of 2^(s+1) does not fit, one of 2^s does. */
        check_not_enough(retype(child, seL4_UntypedObject, s + 1, scratch()), 1ul << s);
        CHECK_EQ(retype(child, seL4_UntypedObject, s, scratch()), seL4_NoError);
        check_not_enough(retype(child, seL4_UntypedObject, seL4_MinUntypedBits, spare_slot()), 0);
        CHECK_EQ(seL4_CNode_Revoke(ROOT, child, D), seL4_NoError);
        CHECK_EQ(test_probe(scratch()), seL4_InvalidCapability);
    }
}
DEFINE_TEST(RETYPE0002, "untypeds of every size 2^4..2^20 hold exactly 2^size bytes",
            retype_untyped_sizes);

static void retype_cnode_sizes(void)
{
    seL4_CPtr u = test_untyped(19);
    for (seL4_Word r = 1; r <= 12; r++) {
        seL4_CPtr c = test_slot();
        CHECK_EQ(retype(u, seL4_CapTableObject, r, c), seL4_NoError);
        seL4_Word slots = 1ul << r;
        /* Offsets 0 .. 2^r - 1 exist, 2^r does not. */
        check_range(seL4_Untyped_Retype(u, seL4_EndpointObject, 0, c, 0, 0, slots, 1), 0,
                    slots - 1);
        CHECK_EQ(seL4_Untyped_Retype(u, seL4_EndpointObject, 0, c, 0, 0, slots - 1, 1),
                 seL4_NoError);
        CHECK_EQ(test_slot_empty_at(c, slots - 1, r), 0);
        CHECK_EQ(test_slot_empty_at(c, 0, r), 1);
    }
}
DEFINE_TEST(RETYPE0003, "CNodes of radix 1..12 have exactly 2^radix slots", retype_cnode_sizes);

static void retype_watermark(void)
{
    seL4_CPtr u = test_untyped(16);
    seL4_Word base = untyped_base(u);
    CHECK_EQ(base & 0xffff, 0);
    /* A 16-byte untyped, then a frame: the frame is 4 KiB aligned past the watermark. */
    CHECK_EQ(retype(u, seL4_UntypedObject, 4, test_slot()), seL4_NoError);
    CHECK_EQ(next_frame(u), base + PAGE);
    /* 16 bytes at +8K, a TCB aligned up to +10K, then a frame at +12K. */
    CHECK_EQ(retype(u, seL4_UntypedObject, 4, test_slot()), seL4_NoError);
    CHECK_EQ(retype(u, seL4_TCBObject, 0, test_slot()), seL4_NoError);
    CHECK_EQ(next_frame(u), base + 3 * PAGE);
    /* An 8 KiB CNode aligned to 8K (+16K), then a frame at +24K. */
    CHECK_EQ(retype(u, seL4_CapTableObject, 8, test_slot()), seL4_NoError);
    CHECK_EQ(next_frame(u), base + 6 * PAGE);
    /* 36 KiB are left (the watermark at +28K): 16 frames do not fit. */
    check_not_enough(seL4_Untyped_Retype(u, seL4_X86_4K, 0, spare_cnode(), 0, 0, 0, 16), 36 * 1024);
    /* Deleting a frame does not move the watermark back while other children remain. */
    CHECK_EQ(next_frame(u), base + 7 * PAGE);
    CHECK_EQ(next_frame(u), base + 8 * PAGE);
}
DEFINE_TEST(RETYPE0004, "the watermark: objects placed in order, each naturally aligned",
            retype_watermark);

static void retype_many(void)
{
    seL4_CPtr u = test_untyped(20), c = test_cnode(8);
    seL4_Word base = untyped_base(u);
    /* 256 frames in one call fill the whole 1 MiB untyped, in order. */
    CHECK_EQ(seL4_Untyped_Retype(u, seL4_X86_4K, 0, c, 0, 0, 0, 256), seL4_NoError);
    unsigned wrong = 0;
    for (seL4_Word i = 0; i < 256; i++) {
        wrong += test_paddr_at(c, i, 8) != base + i * PAGE;
    }
    CHECK_EQ(wrong, 0);
    check_not_enough(retype(u, seL4_EndpointObject, 0, scratch()), 0);
    /* 256 endpoints and 256 notifications in two calls into a 512-slot CNode. */
    seL4_CPtr u2 = test_untyped(14), c2 = test_cnode(9);
    CHECK_EQ(seL4_Untyped_Retype(u2, seL4_EndpointObject, 0, c2, 0, 0, 0, 256), seL4_NoError);
    CHECK_EQ(seL4_Untyped_Retype(u2, seL4_NotificationObject, 0, c2, 0, 0, 256, 256), seL4_NoError);
    unsigned present = 0;
    for (seL4_Word i = 0; i < 512; i += 17) {
        present += test_slot_empty_at(c2, i, 9) == 0;
    }
    CHECK_EQ(present, (512 + 16) / 17);
    /* 4 KiB + 8 KiB used of 16 KiB. */
    check_not_enough(seL4_Untyped_Retype(u2, seL4_X86_4K, 0, spare_cnode(), 0, 0, 0, 2),
                     4 * PAGE - 3 * PAGE);
}
DEFINE_TEST(RETYPE0005, "256 objects in one call (the fan-out limit), consecutive and in order",
            retype_many);

static void retype_fan_out(void)
{
    seL4_CPtr u = test_untyped(14), c = test_cnode(9);
    seL4_Word base = untyped_base(u);
    check_range(seL4_Untyped_Retype(u, seL4_EndpointObject, 0, c, 0, 0, 0, 0), 1, 256);
    check_range(seL4_Untyped_Retype(u, seL4_EndpointObject, 0, c, 0, 0, 0, 257), 1, 256);
    check_range(seL4_Untyped_Retype(u, seL4_EndpointObject, 0, c, 0, 0, 0, ~0ul), 1, 256);
    /* Nothing was made. */
    CHECK_EQ(test_slot_empty_at(c, 0, 9), 1);
    CHECK_EQ(next_frame(u), base);
}
DEFINE_TEST(RETYPE0006, "num_objects 0 or above 256: RangeError(1, 256), nothing made",
            retype_fan_out);

static void retype_window(void)
{
    seL4_CPtr u = test_untyped(12), c = test_cnode(4);
    seL4_Word base = untyped_base(u);
    /* Offset beyond the CNode: RangeError(0, slots - 1). */
    check_range(seL4_Untyped_Retype(u, seL4_EndpointObject, 0, c, 0, 0, 16, 1), 0, 15);
    check_range(seL4_Untyped_Retype(u, seL4_EndpointObject, 0, c, 0, 0, ~0ul, 1), 0, 15);
    check_range(seL4_Untyped_Retype(u, seL4_EndpointObject, 0, ROOT, 0, 0, 4096, 1), 0, 4095);
    /* Window overrunning the CNode: RangeError(1, slots left from the offset). */
    check_range(seL4_Untyped_Retype(u, seL4_EndpointObject, 0, c, 0, 0, 14, 3), 1, 2);
    check_range(seL4_Untyped_Retype(u, seL4_EndpointObject, 0, c, 0, 0, 0, 17), 1, 16);
    check_range(seL4_Untyped_Retype(u, seL4_EndpointObject, 0, c, 0, 0, 15, 2), 1, 1);
    CHECK_EQ(next_frame(u), base);
    /* The exact fit works. */
    CHECK_EQ(seL4_Untyped_Retype(u, seL4_EndpointObject, 0, c, 0, 0, 14, 2), seL4_NoError);
    CHECK_EQ(test_slot_empty_at(c, 15, 4), 0);
}
DEFINE_TEST(RETYPE0007, "destination window: offset and count checked against the CNode",
            retype_window);

static void retype_delete_first(void)
{
    seL4_CPtr u = test_untyped(12), c = test_cnode(4);
    seL4_Word base = untyped_base(u);
    CHECK_EQ(seL4_CNode_Copy(c, 6, 4, ROOT, ROOT, D, seL4_AllRights), seL4_NoError);
    /* A window with one occupied slot in the middle: DeleteFirst, nothing made. */
    CHECK_EQ(seL4_Untyped_Retype(u, seL4_EndpointObject, 0, c, 0, 0, 4, 4), seL4_DeleteFirst);
    CHECK_EQ(seL4_Untyped_Retype(u, seL4_X86_4K, 0, c, 0, 0, 6, 1), seL4_DeleteFirst);
    CHECK_EQ(seL4_Untyped_Retype(u, seL4_X86_4K, 0, ROOT, 0, 0, seL4_CapInitThreadTCB, 1),
             seL4_DeleteFirst);
    CHECK_EQ(test_slot_empty_at(c, 4, 4), 1);
    CHECK_EQ(test_slot_empty_at(c, 5, 4), 1);
    CHECK_EQ(test_slot_empty_at(c, 7, 4), 1);
    CHECK_EQ(next_frame(u), base);
    /* Beside it, it works. */
    CHECK_EQ(seL4_Untyped_Retype(u, seL4_EndpointObject, 0, c, 0, 0, 7, 4), seL4_NoError);
}
DEFINE_TEST(RETYPE0008, "an occupied slot in the window: DeleteFirst, nothing made",
            retype_delete_first);

static void retype_not_enough_memory(void)
{
    seL4_CPtr u = test_untyped(14);
    seL4_Word base = untyped_base(u);
    CHECK_EQ(seL4_Untyped_Retype(u, seL4_X86_4K, 0, ROOT, 0, 0, test_slots(4), 4), seL4_NoError);
    check_not_enough(retype(u, seL4_X86_4K, 0, scratch()), 0);
    check_not_enough(retype(u, seL4_UntypedObject, 4, scratch()), 0);
    /* After a 16-byte object, 16368 bytes are left: 4 frames do not fit, 3 do, after it. */
    seL4_CPtr u2 = test_untyped(14);
    seL4_Word base2 = untyped_base(u2);
    CHECK_EQ(retype(u2, seL4_UntypedObject, 4, test_slot()), seL4_NoError);
    check_not_enough(seL4_Untyped_Retype(u2, seL4_X86_4K, 0, spare_cnode(), 0, 0, 0, 4),
                     16384 - 16);
    seL4_CPtr three = test_slots(3);
    CHECK_EQ(seL4_Untyped_Retype(u2, seL4_X86_4K, 0, ROOT, 0, 0, three, 3), seL4_NoError);
    CHECK_EQ(test_paddr(three), base2 + PAGE);
    CHECK_EQ(test_paddr(three + 2), base2 + 3 * PAGE);
    /* Objects larger than the whole untyped. */
    seL4_CPtr u3 = test_untyped(14);
    check_not_enough(retype(u3, seL4_X86_LargePageObject, 0, scratch()), 16384);
    check_not_enough(retype(u3, seL4_X64_HugePageObject, 0, scratch()), 16384);
    check_not_enough(retype(u3, seL4_CapTableObject, 10, scratch()), 16384);
    check_not_enough(retype(u3, seL4_UntypedObject, 15, scratch()), 16384);
    CHECK_EQ(test_probe(scratch()), seL4_InvalidCapability);
    CHECK(base != 0);
}
DEFINE_TEST(RETYPE0009, "NotEnoughMemory reports the bytes left (before alignment)",
            retype_not_enough_memory);

static void retype_bad_type_and_size(void)
{
    seL4_CPtr u = test_untyped(12);
    seL4_Word base = untyped_base(u);
    seL4_CPtr s = scratch();
    /* Invalid type: InvalidArgument(0), checked before the size. */
    check_invalid_argument(retype(u, seL4_ObjectTypeCount, 0, s), 0);
    check_invalid_argument(retype(u, 100, 0, s), 0);
    check_invalid_argument(retype(u, ~0ul, 99, s), 0);
    /* Too small: a CNode of 2^0 slots, an untyped below 2^4 bytes: InvalidArgument(1). */
    check_invalid_argument(retype(u, seL4_CapTableObject, 0, s), 1);
    for (seL4_Word b = 0; b < seL4_MinUntypedBits; b++) {
        check_invalid_argument(retype(u, seL4_UntypedObject, b, s), 1);
    }
    /* Too big: RangeError(0, 47), before anything else about the destination. */
    check_range(retype(u, seL4_UntypedObject, 48, s), 0, seL4_MaxUntypedBits);
    check_range(retype(u, seL4_UntypedObject, 64, s), 0, seL4_MaxUntypedBits);
    check_range(retype(u, seL4_UntypedObject, ~0ul, s), 0, seL4_MaxUntypedBits);
    check_range(retype(u, seL4_CapTableObject, 43, s), 0, seL4_MaxUntypedBits);
    check_range(retype(u, seL4_EndpointObject, 64, s), 0, seL4_MaxUntypedBits);
    check_range(seL4_Untyped_Retype(u, seL4_UntypedObject, 48, ROOT, 0, 0, ~0ul, 0), 0,
                seL4_MaxUntypedBits);
    /* The largest sizes pass the size check and fail for memory. */
    check_not_enough(retype(u, seL4_UntypedObject, 47, s), PAGE);
    check_not_enough(retype(u, seL4_CapTableObject, 42, s), PAGE);
    CHECK_EQ(test_probe(s), seL4_InvalidCapability);
    CHECK_EQ(next_frame(u), base);
}
DEFINE_TEST(RETYPE0010, "invalid type: InvalidArgument(0); too small: (1); too big: RangeError",
            retype_bad_type_and_size);

static void retype_size_ignored(void)
{
    /* seL4 ignores size_bits for fixed-size objects as long as it is below the word size. */
    seL4_CPtr u = test_untyped(13); /* room for the endpoint and an aligned 4K frame */
    CHECK_EQ(retype(u, seL4_EndpointObject, 50, test_slot()), seL4_NoError);
    CHECK_EQ(retype(u, seL4_X86_4K, 63, test_slot()), seL4_NoError);
}
DEFINE_TEST(RETYPE0011, "size_bits below 64 is ignored for fixed-size objects",
            retype_size_ignored);

/* The bootinfo index of the smallest device untyped of at least 2^min_bits bytes. */
static int device_untyped(seL4_Word min_bits)
{
    seL4_BootInfo *bi = test_bootinfo();
    int best = -1;
    for (seL4_Word i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        const seL4_UntypedDesc *d = &bi->untypedList[i];
        if (d->isDevice && d->sizeBits >= min_bits &&
            (best < 0 || d->sizeBits < bi->untypedList[best].sizeBits)) {
            best = (int)i;
        }
    }
    return best;
}

static void retype_device(void)
{
    seL4_BootInfo *bi = test_bootinfo();
    int i = device_untyped(13);
    CHECK(i >= 0);
    if (i < 0) {
        return;
    }
    seL4_CPtr dev = bi->untyped.start + (seL4_Word)i;
    seL4_Word pa = bi->untypedList[i].paddr;
    /* Frames come from the start (the kernel leaves their contents alone; not read here). */
    seL4_CPtr f = test_slot(), k = test_slot();
    CHECK_EQ(retype(dev, seL4_X86_4K, 0, f), seL4_NoError);
    CHECK_EQ(test_paddr(f), pa);
    /* Kernel objects cannot come from device memory: InvalidArgument(1). */
    static const seL4_Word refused[] = {seL4_TCBObject,           seL4_EndpointObject,
                                        seL4_NotificationObject,  seL4_CapTableObject,
                                        seL4_X86_PageTableObject, seL4_X86_PageDirectoryObject,
                                        seL4_X86_PDPTObject,      seL4_X64_PML4Object};
    for (unsigned t = 0; t < sizeof(refused) / sizeof(refused[0]); t++) {
        check_invalid_argument(retype(dev, refused[t], 4, scratch()), 1);
    }
    /* Untyped children are device memory too. */
    CHECK_EQ(retype(dev, seL4_UntypedObject, 12, k), seL4_NoError);
    check_invalid_argument(retype(k, seL4_EndpointObject, 0, scratch()), 1);
    /* The memory check comes first: too many TCBs is NotEnoughMemory. */
    check_not_enough(seL4_Untyped_Retype(k, seL4_TCBObject, 0, spare_cnode(), 0, 0, 0, 4), PAGE);
    CHECK_EQ(retype(k, seL4_X86_4K, 0, scratch()), seL4_NoError);
    CHECK_EQ(test_paddr(scratch()), pa + PAGE);
    CHECK_EQ(seL4_CNode_Delete(ROOT, scratch(), D), seL4_NoError);
    /* Revoke gives it all back: the next frame is at the start again. */
    CHECK_EQ(seL4_CNode_Revoke(ROOT, dev, D), seL4_NoError);
    CHECK_EQ(test_probe(f), seL4_InvalidCapability);
    CHECK_EQ(test_probe(k), seL4_InvalidCapability);
    CHECK_EQ(next_frame(dev), pa);
    CHECK_EQ(seL4_CNode_Revoke(ROOT, dev, D), seL4_NoError);
}
DEFINE_TEST(RETYPE0012, "device untyped: frames and untypeds only (else InvalidArgument(1))",
            retype_device);

static void retype_destination_errors(void)
{
    seL4_CPtr u = test_untyped(12), f = test_object(seL4_X86_4K, 0);
    seL4_Word base = untyped_base(u);
    seL4_ErrorDetail_t d;
    /* node_index/node_depth naming a frame: FailedLookup, destination side, MissingCapability. */
    seL4_Error err = seL4_Untyped_Retype(u, seL4_EndpointObject, 0, ROOT, f, D, 0, 1);
    d = seL4_GetErrorDetail();
    CHECK_EQ(err, seL4_FailedLookup);
    CHECK_EQ(d.source, 0);
    CHECK_EQ(d.lookup_type, seL4_MissingCapability);
    CHECK_EQ(d.bits_left, D);
    /* Depth out of range for the lookup. */
    check_range(seL4_Untyped_Retype(u, seL4_EndpointObject, 0, ROOT, f, 65, 0, 1), 1, 64);
    /* The root CNode named through itself at depth 64 is a CNode: fine. */
    seL4_CPtr s = test_slot();
    CHECK_EQ(seL4_Untyped_Retype(u, seL4_X86_4K, 0, ROOT, ROOT, D, s, 1), seL4_NoError);
    CHECK_EQ(test_paddr(s), base);
    /* Truncated: five words, or no root capability. */
    seL4_Word mrs[6] = {seL4_EndpointObject, 0, 0, 0, test_slot(), 1};
    for (int i = 0; i < 6; i++) {
        seL4_SetMR(i, mrs[i]);
    }
    seL4_SetCap(0, ROOT);
    seL4_MessageInfo_t info = seL4_Call(u, seL4_MessageInfo_new(UntypedRetype, 0, 1, 5));
    CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_TruncatedMessage);
    for (int i = 0; i < 6; i++) {
        seL4_SetMR(i, mrs[i]);
    }
    info = seL4_Call(u, seL4_MessageInfo_new(UntypedRetype, 0, 0, 6));
    CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_TruncatedMessage);
    CHECK_EQ(test_probe(mrs[4]), seL4_InvalidCapability);
    /* Other methods on an untyped: IllegalOperation. */
    CHECK_EQ(seL4_X86_Page_GetAddress(u).error, seL4_IllegalOperation);
    CHECK_EQ(seL4_CNode_Delete(u, 0, D), seL4_IllegalOperation);
}
DEFINE_TEST(RETYPE0013, "destination lookup errors, TruncatedMessage, other methods refused",
            retype_destination_errors);

/* Makes a mixture of objects from u: frames (addresses into pa[3]), a TCB, endpoints, a CNode
 * holding copies, an untyped with a child. */
static void make_mixture(seL4_CPtr u, seL4_CPtr slots, seL4_Word pa[3])
{
    CHECK_EQ(retype(u, seL4_EndpointObject, 0, slots), seL4_NoError);
    CHECK_EQ(retype(u, seL4_X86_4K, 0, slots + 1), seL4_NoError);
    CHECK_EQ(retype(u, seL4_TCBObject, 0, slots + 2), seL4_NoError);
    CHECK_EQ(retype(u, seL4_CapTableObject, 6, slots + 3), seL4_NoError);
    CHECK_EQ(retype(u, seL4_X86_4K, 0, slots + 4), seL4_NoError);
    CHECK_EQ(retype(u, seL4_UntypedObject, 13, slots + 5), seL4_NoError);
    CHECK_EQ(retype(slots + 5, seL4_X86_4K, 0, slots + 6), seL4_NoError);
    pa[0] = test_paddr(slots + 1);
    pa[1] = test_paddr(slots + 4);
    pa[2] = test_paddr(slots + 6);
    for (seL4_Word i = 0; i < 64; i += 9) {
        CHECK_EQ(test_slot_empty_at(slots + 3, i, 6), 1);
    }
    for (seL4_Word i = 0; i < 64; i += 9) {
        CHECK_EQ(seL4_CNode_Copy(slots + 3, i, 6, ROOT, slots, D, seL4_AllRights), seL4_NoError);
    }
}

static void retype_reuse_after_revoke(void)
{
    seL4_CPtr u = test_untyped(16), slots = test_slots(7);
    seL4_Word first[3], again[3];
    make_mixture(u, slots, first);
    CHECK_EQ(seL4_CNode_Revoke(ROOT, u, D), seL4_NoError);
    for (seL4_Word i = 0; i < 7; i++) {
        CHECK_EQ(test_probe(slots + i), seL4_InvalidCapability);
    }
    /* The same objects again: the same addresses, and the new CNode (over the old one, which
     * held capabilities) is empty. */
    make_mixture(u, slots, again);
    for (int i = 0; i < 3; i++) {
        CHECK_EQ(again[i], first[i]);
    }
    CHECK_EQ(first[1], first[0] + 2 * PAGE);
    CHECK_EQ(first[2], first[1] + PAGE);
    CHECK_EQ(seL4_CNode_Revoke(ROOT, u, D), seL4_NoError);
    CHECK_EQ(next_frame(u), first[0] - PAGE);
}
DEFINE_TEST(RETYPE0014, "after Revoke the same retypes give the same addresses, cleared objects",
            retype_reuse_after_revoke);

static void retype_nested_untypeds(void)
{
    seL4_CPtr u = test_untyped(16), k = test_slot(), k2 = test_slot(), x = test_slot();
    seL4_Word base = untyped_base(u);
    CHECK_EQ(retype(u, seL4_UntypedObject, 12, k), seL4_NoError);
    CHECK_EQ(retype(u, seL4_UntypedObject, 13, k2), seL4_NoError);
    /* Children share the parent's memory in order: k at the base, k2 at +8K. */
    CHECK_EQ(next_frame(k), base);
    CHECK_EQ(next_frame(k2), base + 2 * PAGE);
    CHECK_EQ(next_frame(u), base + 4 * PAGE);
    /* A grandchild, then Revoke of the child only: the parent's other children stay. */
    CHECK_EQ(retype(k2, seL4_X86_4K, 0, x), seL4_NoError);
    CHECK_EQ(test_paddr(x), base + 2 * PAGE);
    CHECK_EQ(seL4_CNode_Revoke(ROOT, k2, D), seL4_NoError);
    CHECK_EQ(test_probe(x), seL4_InvalidCapability);
    CHECK_EQ(next_frame(k2), base + 2 * PAGE);
    CHECK_EQ(test_probe(k), seL4_IllegalOperation);
    /* Revoke of the parent removes children and grandchildren. */
    CHECK_EQ(retype(k2, seL4_X86_4K, 0, x), seL4_NoError);
    CHECK_EQ(seL4_CNode_Revoke(ROOT, u, D), seL4_NoError);
    CHECK_EQ(test_probe(k), seL4_InvalidCapability);
    CHECK_EQ(test_probe(k2), seL4_InvalidCapability);
    CHECK_EQ(test_probe(x), seL4_InvalidCapability);
    /* A child of the parent's full size uses it all. */
    CHECK_EQ(retype(u, seL4_UntypedObject, 16, k), seL4_NoError);
    check_not_enough(retype(u, seL4_UntypedObject, 4, k2), 0);
    CHECK_EQ(next_frame(k), base);
}
DEFINE_TEST(RETYPE0015, "untyped children: nested placement, revoking a child or the parent",
            retype_nested_untypeds);
