/* Test support: slot and object allocation for the QEMU test cases (see support.h). */
#include "support.h"
#include "test.h"

static seL4_CPtr next_slot;
static seL4_CPtr pool = seL4_CapNull; /* the untyped all test objects come from */

seL4_Word test_largest_untyped_index(void)
{
    seL4_BootInfo *bi = test_bootinfo();
    seL4_Word best = 0, best_bits = 0;
    for (seL4_Word i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        const seL4_UntypedDesc *d = &bi->untypedList[i];
        if (!d->isDevice && d->sizeBits > best_bits) {
            best = i;
            best_bits = d->sizeBits;
        }
    }
    return best;
}

seL4_CPtr test_slot(void)
{
    seL4_BootInfo *bi = test_bootinfo();
    if (next_slot == 0) {
        next_slot = bi->empty.start;
    }
    if (next_slot >= bi->empty.end) {
        CHECK(!"the root CNode has no empty slot left");
        return 0;
    }
    return next_slot++;
}

/* The untyped test objects are carved from: the largest RAM untyped. */
static seL4_CPtr test_pool(void)
{
    if (pool == seL4_CapNull) {
        seL4_BootInfo *bi = test_bootinfo();
        pool = bi->untyped.start + test_largest_untyped_index();
    }
    return pool;
}

seL4_CPtr test_object(seL4_Word type, seL4_Word size_bits)
{
    seL4_CPtr slot = test_slot();
    if (!slot) {
        return 0;
    }
    seL4_Error err =
        seL4_Untyped_Retype(test_pool(), type, size_bits, seL4_CapInitThreadCNode, 0, 0, slot, 1);
    CHECK_EQ(err, seL4_NoError);
    return err == seL4_NoError ? slot : 0;
}

seL4_CPtr test_untyped(seL4_Word size_bits)
{
    return test_object(seL4_UntypedObject, size_bits);
}

seL4_CPtr test_slots(seL4_Word count)
{
    seL4_CPtr first = test_slot();
    for (seL4_Word i = 1; i < count; i++) {
        if (test_slot() != first + i) {
            CHECK(!"test slots are not consecutive");
            return 0;
        }
    }
    return first;
}

seL4_CPtr test_cnode(seL4_Word radix)
{
    return test_object(seL4_CapTableObject, radix);
}

seL4_Error test_probe(seL4_CPtr slot)
{
    /* Not by invoking it: for an endpoint, notification or reply capability that is IPC, which
     * could block. Moving it out and back tells a full slot from an empty one in every build
     * (release kernels have no DebugCapIdentify). */
    return test_slot_empty_at(seL4_CapInitThreadCNode, slot, TEST_ROOT_DEPTH) == 0
               ? seL4_IllegalOperation
               : seL4_InvalidCapability;
}

seL4_Word test_paddr(seL4_CPtr slot)
{
    seL4_X86_Page_GetAddress_t r = seL4_X86_Page_GetAddress(slot);
    return r.error == seL4_NoError ? r.paddr : 0;
}

/* A root slot for short-lived copies (allocated once, left empty between uses). */
static seL4_CPtr test_scratch(void)
{
    static seL4_CPtr scratch;
    if (!scratch) {
        scratch = test_slot();
    }
    return scratch;
}

seL4_Word test_paddr_at(seL4_CPtr root, seL4_Word index, seL4_Word depth)
{
    seL4_CPtr s = test_scratch();
    if (seL4_CNode_Copy(seL4_CapInitThreadCNode, s, TEST_ROOT_DEPTH, root, index, (seL4_Uint8)depth,
                        seL4_AllRights) != seL4_NoError) {
        return 0;
    }
    seL4_Word pa = test_paddr(s);
    CHECK_EQ(seL4_CNode_Delete(seL4_CapInitThreadCNode, s, TEST_ROOT_DEPTH), seL4_NoError);
    return pa;
}

int test_slot_empty_at(seL4_CPtr root, seL4_Word index, seL4_Word depth)
{
    seL4_CPtr s = test_scratch();
    seL4_Error err = seL4_CNode_Move(seL4_CapInitThreadCNode, s, TEST_ROOT_DEPTH, root, index,
                                     (seL4_Uint8)depth);
    if (err == seL4_NoError) {
        CHECK_EQ(seL4_CNode_Move(root, index, (seL4_Uint8)depth, seL4_CapInitThreadCNode, s,
                                 TEST_ROOT_DEPTH),
                 seL4_NoError);
        return 0;
    }
    if (err == seL4_FailedLookup && seL4_GetErrorDetail().lookup_type == seL4_MissingCapability) {
        return 1;
    }
    return -1;
}

seL4_CPtr test_untyped_at(seL4_Word size_bits, seL4_Word *paddr)
{
    seL4_CPtr ut = test_untyped(size_bits), probe = test_slot();
    *paddr = 0;
    if (!ut || !probe) {
        return 0;
    }
    /* A new untyped's first object is at its start. */
    CHECK_EQ(seL4_Untyped_Retype(ut, seL4_X86_4K, 0, seL4_CapInitThreadCNode, 0, 0, probe, 1),
             seL4_NoError);
    *paddr = test_paddr(probe);
    CHECK_EQ(seL4_CNode_Revoke(seL4_CapInitThreadCNode, ut, TEST_ROOT_DEPTH), seL4_NoError);
    return ut;
}

seL4_Word test_untyped_free(seL4_CPtr ut)
{
    static seL4_CPtr probe;
    if (!probe) {
        probe = test_slot();
    }
    seL4_Error err = seL4_Untyped_Retype(ut, seL4_UntypedObject, seL4_MaxUntypedBits,
                                         seL4_CapInitThreadCNode, 0, 0, probe, 1);
    CHECK_EQ(err, seL4_NotEnoughMemory);
    return err == seL4_NotEnoughMemory ? seL4_GetErrorDetail().bytes_available : 0;
}
