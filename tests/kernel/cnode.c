/* CNODEOP: the CNode operations (Copy, Mint, Move, Mutate, Rotate, Delete, Revoke, SaveCaller):
 * the effect of each on the slots and the derivation tree, and every error seL4 documents for
 * them with its details (TruncatedMessage, FailedLookup, RangeError, DeleteFirst, RevokeFirst,
 * IllegalOperation). Slots are named from the root CNode with depth 64 unless stated. */
#include "support.h"
#include "test.h"

#define ROOT seL4_CapInitThreadCNode
#define D    TEST_ROOT_DEPTH

/* CNode capability data (guard, guard size) as the word Mint, Mutate and Rotate take. */
static seL4_Word guard_data(seL4_Word guard, seL4_Word guard_size)
{
    return seL4_CNode_CapData_new(guard, guard_size).words[0];
}

/* A fresh 4 KiB frame and its physical address. */
static seL4_CPtr new_frame(seL4_Word *pa)
{
    seL4_CPtr f = test_object(seL4_X86_4K, 0);
    *pa = test_paddr(f);
    CHECK(*pa != 0);
    return f;
}

/* Checks the last error's FailedLookup details: which side failed and the failure type. */
static void check_lookup(seL4_Error err, seL4_Word source, seL4_Word type)
{
    seL4_ErrorDetail_t d = seL4_GetErrorDetail();
    CHECK_EQ(err, seL4_FailedLookup);
    CHECK_EQ(d.source, source);
    CHECK_EQ(d.lookup_type, type);
}

/* Checks the last error is RangeError(1, 64), the depth range of CNode operations. */
static void check_depth_range(seL4_Error err)
{
    seL4_ErrorDetail_t d = seL4_GetErrorDetail();
    CHECK_EQ(err, seL4_RangeError);
    CHECK_EQ(d.min, 1);
    CHECK_EQ(d.max, seL4_WordBits);
}

/* A raw invocation with label, length and extra capabilities as given; MR0.. from mrs. Returns
 * the error (the reply label); details stay in the message registers. */
static seL4_Error raw_call(seL4_CPtr service, seL4_Word label, seL4_Word length,
                           seL4_Word extra_caps, const seL4_Word *mrs, seL4_CPtr cap0,
                           seL4_CPtr cap1)
{
    for (seL4_Word i = 0; i < length; i++) {
        seL4_SetMR((int)i, mrs[i]);
    }
    seL4_SetCap(0, cap0);
    seL4_SetCap(1, cap1);
    seL4_MessageInfo_t info =
        seL4_Call(service, seL4_MessageInfo_new(label, 0, extra_caps, length));
    return (seL4_Error)seL4_MessageInfo_get_label(info);
}

static void cnode_copy(void)
{
    seL4_Word pa;
    seL4_CPtr f = new_frame(&pa);
    seL4_CPtr c = test_slot(), c2 = test_slot();
    CHECK_EQ(seL4_CNode_Copy(ROOT, c, D, ROOT, f, D, seL4_AllRights), seL4_NoError);
    CHECK_EQ(test_paddr(c), pa);
    CHECK_EQ(test_paddr(f), pa);
    /* A copy of the copy with no rights at all is still a capability to the frame. */
    CHECK_EQ(seL4_CNode_Copy(ROOT, c2, D, ROOT, c, D, seL4_NoRights), seL4_NoError);
    CHECK_EQ(test_paddr(c2), pa);
    /* Deleting the original leaves the copies working. */
    CHECK_EQ(seL4_CNode_Delete(ROOT, f, D), seL4_NoError);
    CHECK_EQ(test_probe(f), seL4_InvalidCapability);
    CHECK_EQ(test_paddr(c), pa);
    CHECK_EQ(test_paddr(c2), pa);
    /* A copy of the root CNode capability serves CNode operations as the original does. */
    seL4_CPtr rc = test_slot(), c3 = test_slot();
    CHECK_EQ(seL4_CNode_Copy(ROOT, rc, D, ROOT, ROOT, D, seL4_AllRights), seL4_NoError);
    CHECK_EQ(seL4_CNode_Copy(rc, c3, D, rc, c, D, seL4_AllRights), seL4_NoError);
    CHECK_EQ(test_paddr(c3), pa);
    /* The TCB and the ASID control capability can be copied too. */
    seL4_CPtr t = test_slot(), a = test_slot();
    CHECK_EQ(seL4_CNode_Copy(ROOT, t, D, ROOT, seL4_CapInitThreadTCB, D, seL4_AllRights),
             seL4_NoError);
    CHECK_EQ(test_probe(t), seL4_IllegalOperation);
    CHECK_EQ(seL4_CNode_Copy(ROOT, a, D, ROOT, seL4_CapASIDControl, D, seL4_AllRights),
             seL4_NoError);
    CHECK_EQ(test_probe(a), seL4_IllegalOperation);
}
DEFINE_TEST(CNODEOP0001, "Copy: both capabilities name the object; copies outlive the original",
            cnode_copy);

static void cnode_copy_errors(void)
{
    seL4_Word pa, pb;
    seL4_CPtr f = new_frame(&pa), g = new_frame(&pb);
    seL4_CPtr empty = test_slot(), dest = test_slot();
    seL4_Error err;
    /* Destination not empty: DeleteFirst, and both capabilities are unchanged. */
    CHECK_EQ(seL4_CNode_Copy(ROOT, g, D, ROOT, f, D, seL4_AllRights), seL4_DeleteFirst);
    CHECK_EQ(test_paddr(g), pb);
    CHECK_EQ(test_paddr(f), pa);
    /* DeleteFirst is checked before the source is looked up. */
    CHECK_EQ(seL4_CNode_Copy(ROOT, g, D, ROOT, empty, D, seL4_AllRights), seL4_DeleteFirst);
    /* Empty source: FailedLookup from the source, MissingCapability with the depth left. */
    err = seL4_CNode_Copy(ROOT, dest, D, ROOT, empty, D, seL4_AllRights);
    check_lookup(err, 1, seL4_MissingCapability);
    CHECK_EQ(seL4_GetErrorDetail().bits_left, D);
    /* Destination that does not resolve: FailedLookup from the destination (source = 0); at
     * depth 32 the root CNode's 52-bit guard does not fit. */
    err = seL4_CNode_Copy(ROOT, dest, 32, ROOT, f, D, seL4_AllRights);
    check_lookup(err, 0, seL4_GuardMismatch);
    CHECK_EQ(seL4_GetErrorDetail().bits_left, 32);
    CHECK_EQ(seL4_GetErrorDetail().guard_found, 0);
    CHECK_EQ(seL4_GetErrorDetail().bits_found, 52);
    /* Source depth that stops inside the root CNode's level (the guard, bits 59..8 of the
     * index, matches): DepthMismatch. */
    err = seL4_CNode_Copy(ROOT, dest, D, ROOT, 1, 60, seL4_AllRights);
    check_lookup(err, 1, seL4_DepthMismatch);
    CHECK_EQ(seL4_GetErrorDetail().bits_left, 60);
    CHECK_EQ(seL4_GetErrorDetail().bits_found, 64);
    /* None of these placed anything. */
    CHECK_EQ(test_probe(dest), seL4_InvalidCapability);
}
DEFINE_TEST(CNODEOP0002, "Copy errors: DeleteFirst first, then source/destination FailedLookup",
            cnode_copy_errors);

static void cnode_copy_underivable(void)
{
    seL4_CPtr dest = test_slot();
    /* Capabilities seL4 refuses to derive: IRQControl, IOPortControl, and paging structures
     * that are not mapped (each has exactly one capability until it is mapped). */
    CHECK_EQ(seL4_CNode_Copy(ROOT, dest, D, ROOT, seL4_CapIRQControl, D, seL4_AllRights),
             seL4_IllegalOperation);
    CHECK_EQ(seL4_CNode_Mint(ROOT, dest, D, ROOT, seL4_CapIRQControl, D, seL4_AllRights, 0),
             seL4_IllegalOperation);
    CHECK_EQ(seL4_CNode_Copy(ROOT, dest, D, ROOT, seL4_CapIOPortControl, D, seL4_AllRights),
             seL4_IllegalOperation);
    static const seL4_Word paging[] = {seL4_X86_PageTableObject, seL4_X86_PageDirectoryObject,
                                       seL4_X86_PDPTObject, seL4_X64_PML4Object};
    for (unsigned i = 0; i < sizeof(paging) / sizeof(paging[0]); i++) {
        seL4_CPtr p = test_object(paging[i], 0);
        CHECK_EQ(seL4_CNode_Copy(ROOT, dest, D, ROOT, p, D, seL4_AllRights), seL4_IllegalOperation);
    }
    CHECK_EQ(test_probe(dest), seL4_InvalidCapability);
    /* They can still be moved (Move does not derive). */
    seL4_CPtr m = test_slot();
    CHECK_EQ(seL4_CNode_Move(ROOT, m, D, ROOT, seL4_CapIRQControl, D), seL4_NoError);
    CHECK_EQ(test_probe(seL4_CapIRQControl), seL4_InvalidCapability);
    CHECK_EQ(seL4_CNode_Move(ROOT, seL4_CapIRQControl, D, ROOT, m, D), seL4_NoError);
    CHECK_EQ(test_probe(seL4_CapIRQControl), seL4_IllegalOperation);
}
DEFINE_TEST(CNODEOP0003, "Copy of IRQControl, IOPortControl, unmapped paging objects: IllegalOp",
            cnode_copy_underivable);

static void cnode_copy_untyped(void)
{
    seL4_CPtr u = test_untyped(14);
    seL4_CPtr f = test_slot(), fu = test_slot(), fc = test_slot(), f2 = test_slot();
    seL4_CPtr c = test_slot(), d = test_slot();
    CHECK_EQ(seL4_Untyped_Retype(u, seL4_X86_4K, 0, ROOT, 0, 0, f, 1), seL4_NoError);
    seL4_Word base = test_paddr(f);
    CHECK(base != 0);
    /* An untyped with children cannot be copied. */
    CHECK_EQ(seL4_CNode_Copy(ROOT, c, D, ROOT, u, D, seL4_AllRights), seL4_RevokeFirst);
    CHECK_EQ(seL4_CNode_Mint(ROOT, c, D, ROOT, u, D, seL4_AllRights, 0), seL4_RevokeFirst);
    CHECK_EQ(test_probe(c), seL4_InvalidCapability);
    /* Once revoked it can. The copy is a child covering all of the parent, so the parent is
     * full (seL4 marks it so on insertion): only the copy can be retyped, from the base. */
    CHECK_EQ(seL4_CNode_Revoke(ROOT, u, D), seL4_NoError);
    CHECK_EQ(test_probe(f), seL4_InvalidCapability);
    CHECK_EQ(seL4_CNode_Copy(ROOT, c, D, ROOT, u, D, seL4_AllRights), seL4_NoError);
    CHECK_EQ(seL4_Untyped_Retype(u, seL4_X86_4K, 0, ROOT, 0, 0, fu, 1), seL4_NotEnoughMemory);
    CHECK_EQ(seL4_GetErrorDetail().bytes_available, 0);
    CHECK_EQ(seL4_Untyped_Retype(c, seL4_X86_4K, 0, ROOT, 0, 0, fc, 1), seL4_NoError);
    CHECK_EQ(test_paddr(fc), base);
    /* The copy now has a child itself and cannot be copied either. */
    CHECK_EQ(seL4_CNode_Copy(ROOT, d, D, ROOT, c, D, seL4_AllRights), seL4_RevokeFirst);
    /* Revoking the original removes the copy and what was made from it. */
    CHECK_EQ(seL4_CNode_Revoke(ROOT, u, D), seL4_NoError);
    CHECK_EQ(test_probe(c), seL4_InvalidCapability);
    CHECK_EQ(test_probe(fc), seL4_InvalidCapability);
    CHECK_EQ(test_probe(fu), seL4_InvalidCapability);
    CHECK_EQ(seL4_Untyped_Retype(u, seL4_X86_4K, 0, ROOT, 0, 0, f2, 1), seL4_NoError);
    CHECK_EQ(test_paddr(f2), base);
    /* Were the parent not full, parent and copy would hand out the same memory twice. */
    seL4_CPtr u0 = test_untyped(13), c0 = test_slot(), g0 = test_slot(), g1 = test_slot();
    CHECK_EQ(seL4_CNode_Copy(ROOT, c0, D, ROOT, u0, D, seL4_AllRights), seL4_NoError);
    CHECK_EQ(seL4_Untyped_Retype(c0, seL4_X86_4K, 0, ROOT, 0, 0, g0, 1), seL4_NoError);
    seL4_Error err = seL4_Untyped_Retype(u0, seL4_X86_4K, 0, ROOT, 0, 0, g1, 1);
    CHECK_EQ(err, seL4_NotEnoughMemory);
    if (err == seL4_NoError) {
        CHECK(test_paddr(g1) != test_paddr(g0));
    }
}
DEFINE_TEST(CNODEOP0004, "Copy of an untyped with children: RevokeFirst; a copy fills the parent",
            cnode_copy_untyped);

static void cnode_mint_badge(void)
{
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    seL4_CPtr ntfn = test_object(seL4_NotificationObject, 0);
    seL4_CPtr b1 = test_slot(), b2 = test_slot(), u0 = test_slot(), b3 = test_slot();
    seL4_CPtr bc = test_slot(), n1 = test_slot(), n2 = test_slot();
    CHECK_EQ(seL4_CNode_Mint(ROOT, b1, D, ROOT, ep, D, seL4_AllRights, 0x42), seL4_NoError);
    CHECK_EQ(test_probe(b1), seL4_IllegalOperation);
    /* A badge cannot be changed once set, whatever the new value. */
    CHECK_EQ(seL4_CNode_Mint(ROOT, b2, D, ROOT, b1, D, seL4_AllRights, 7), seL4_IllegalOperation);
    CHECK_EQ(seL4_CNode_Mint(ROOT, b2, D, ROOT, b1, D, seL4_AllRights, 0), seL4_IllegalOperation);
    CHECK_EQ(seL4_CNode_Mint(ROOT, b2, D, ROOT, b1, D, seL4_CanRead, 0x42), seL4_IllegalOperation);
    CHECK_EQ(test_probe(b2), seL4_InvalidCapability);
    /* Copy keeps the badge and needs no new one. */
    CHECK_EQ(seL4_CNode_Copy(ROOT, bc, D, ROOT, b1, D, seL4_CanWrite), seL4_NoError);
    /* Badge 0 leaves an endpoint unbadged, so it can be badged later. */
    CHECK_EQ(seL4_CNode_Mint(ROOT, u0, D, ROOT, ep, D, seL4_AllRights, 0), seL4_NoError);
    CHECK_EQ(seL4_CNode_Mint(ROOT, b3, D, ROOT, u0, D, seL4_AllRights, 9), seL4_NoError);
    /* Notifications follow the same rules. */
    CHECK_EQ(seL4_CNode_Mint(ROOT, n1, D, ROOT, ntfn, D, seL4_AllRights, 1), seL4_NoError);
    CHECK_EQ(seL4_CNode_Mint(ROOT, n2, D, ROOT, n1, D, seL4_AllRights, 2), seL4_IllegalOperation);
    CHECK_EQ(test_probe(n2), seL4_InvalidCapability);
    /* For a frame the badge word means nothing: Mint is a Copy. */
    seL4_Word pa;
    seL4_CPtr f = new_frame(&pa), fm = test_slot(), fm2 = test_slot();
    CHECK_EQ(seL4_CNode_Mint(ROOT, fm, D, ROOT, f, D, seL4_AllRights, 0x1234), seL4_NoError);
    CHECK_EQ(test_paddr(fm), pa);
    CHECK_EQ(seL4_CNode_Mint(ROOT, fm2, D, ROOT, fm, D, seL4_ReadWrite, 0x99), seL4_NoError);
    CHECK_EQ(test_paddr(fm2), pa);
}
DEFINE_TEST(CNODEOP0005, "Mint badges endpoints and notifications once; badged: IllegalOperation",
            cnode_mint_badge);

static void cnode_mint_guard(void)
{
    seL4_Word pa;
    seL4_CPtr f = new_frame(&pa);
    seL4_CPtr c = test_cnode(4), g = test_slot(), g8 = test_slot(), bad = test_slot();
    seL4_Error err;
    CHECK_EQ(seL4_CNode_Copy(c, 5, 4, ROOT, f, D, seL4_AllRights), seL4_NoError);
    CHECK_EQ(test_paddr_at(c, 5, 4), pa);
    /* A 60-bit guard: the CNode now resolves a whole word. */
    CHECK_EQ(seL4_CNode_Mint(ROOT, g, D, ROOT, c, D, seL4_AllRights, guard_data(0xabc, 60)),
             seL4_NoError);
    CHECK_EQ(test_paddr_at(g, (0xabcul << 4) | 5, 64), pa);
    err = seL4_CNode_Copy(ROOT, bad, D, g, (0xabdul << 4) | 5, 64, seL4_AllRights);
    check_lookup(err, 1, seL4_GuardMismatch);
    CHECK_EQ(seL4_GetErrorDetail().bits_left, 64);
    CHECK_EQ(seL4_GetErrorDetail().guard_found, 0xabc);
    CHECK_EQ(seL4_GetErrorDetail().bits_found, 60);
    /* Through the guarded copy 4 bits are too few; through the original 64 are too many. */
    err = seL4_CNode_Copy(ROOT, bad, D, g, 5, 4, seL4_AllRights);
    check_lookup(err, 1, seL4_GuardMismatch);
    CHECK_EQ(seL4_GetErrorDetail().bits_left, 4);
    err = seL4_CNode_Copy(ROOT, bad, D, c, 5, 64, seL4_AllRights);
    check_lookup(err, 1, seL4_DepthMismatch);
    CHECK_EQ(seL4_GetErrorDetail().bits_left, 60);
    CHECK_EQ(seL4_GetErrorDetail().bits_found, 0);
    /* A guard value wider than the guard size is cut to the size. */
    CHECK_EQ(seL4_CNode_Mint(ROOT, g8, D, ROOT, c, D, seL4_AllRights, guard_data(0x1ff, 8)),
             seL4_NoError);
    CHECK_EQ(test_paddr_at(g8, (0xfful << 4) | 5, 12), pa);
    /* Guard size plus radix above 64 bits: the minted capability would be invalid. */
    CHECK_EQ(seL4_CNode_Mint(ROOT, bad, D, ROOT, c, D, seL4_AllRights, guard_data(0, 61)),
             seL4_IllegalOperation);
    CHECK_EQ(test_probe(bad), seL4_InvalidCapability);
}
DEFINE_TEST(CNODEOP0006, "Mint sets a CNode guard: pointers resolve through the guarded copy",
            cnode_mint_guard);

static void cnode_move(void)
{
    seL4_Word pa, pb;
    seL4_CPtr f = new_frame(&pa), o = new_frame(&pb);
    seL4_CPtr m = test_slot(), c = test_cnode(4);
    seL4_Error err;
    CHECK_EQ(seL4_CNode_Move(ROOT, m, D, ROOT, f, D), seL4_NoError);
    CHECK_EQ(test_probe(f), seL4_InvalidCapability);
    CHECK_EQ(test_paddr(m), pa);
    /* Moving back works. */
    CHECK_EQ(seL4_CNode_Move(ROOT, f, D, ROOT, m, D), seL4_NoError);
    CHECK_EQ(test_paddr(f), pa);
    CHECK_EQ(test_probe(m), seL4_InvalidCapability);
    /* Occupied destination (also: onto itself): DeleteFirst, nothing moves. */
    CHECK_EQ(seL4_CNode_Move(ROOT, o, D, ROOT, f, D), seL4_DeleteFirst);
    CHECK_EQ(seL4_CNode_Move(ROOT, f, D, ROOT, f, D), seL4_DeleteFirst);
    CHECK_EQ(test_paddr(o), pb);
    CHECK_EQ(test_paddr(f), pa);
    /* Empty source. */
    err = seL4_CNode_Move(ROOT, o, D, ROOT, m, D);
    CHECK_EQ(err, seL4_DeleteFirst);
    err = seL4_CNode_Move(ROOT, m, D, ROOT, test_slot(), D);
    check_lookup(err, 1, seL4_MissingCapability);
    CHECK_EQ(seL4_GetErrorDetail().bits_left, D);
    /* Into another CNode and out again. */
    CHECK_EQ(seL4_CNode_Move(c, 3, 4, ROOT, f, D), seL4_NoError);
    CHECK_EQ(test_probe(f), seL4_InvalidCapability);
    CHECK_EQ(test_paddr_at(c, 3, 4), pa);
    CHECK_EQ(seL4_CNode_Move(ROOT, m, D, c, 3, 4), seL4_NoError);
    CHECK_EQ(test_paddr(m), pa);
    CHECK_EQ(test_slot_empty_at(c, 3, 4), 1);
}
DEFINE_TEST(CNODEOP0007, "Move empties the source; DeleteFirst; empty source FailedLookup",
            cnode_move);

static void cnode_move_keeps_derivation(void)
{
    seL4_Word pa;
    seL4_CPtr f = new_frame(&pa), c = test_slot(), m = test_slot();
    CHECK_EQ(seL4_CNode_Copy(ROOT, c, D, ROOT, f, D, seL4_AllRights), seL4_NoError);
    CHECK_EQ(seL4_CNode_Move(ROOT, m, D, ROOT, c, D), seL4_NoError);
    /* The moved copy is still a child of the original: Revoke removes it. */
    CHECK_EQ(seL4_CNode_Revoke(ROOT, f, D), seL4_NoError);
    CHECK_EQ(test_probe(m), seL4_InvalidCapability);
    CHECK_EQ(test_paddr(f), pa);
    /* A moved untyped keeps its children: Revoke through the new slot removes them and the
     * untyped starts again from its base. */
    seL4_CPtr u = test_untyped(13), u2 = test_slot(), x = test_slot(), y = test_slot();
    CHECK_EQ(seL4_Untyped_Retype(u, seL4_X86_4K, 0, ROOT, 0, 0, x, 1), seL4_NoError);
    seL4_Word base = test_paddr(x);
    CHECK_EQ(seL4_CNode_Move(ROOT, u2, D, ROOT, u, D), seL4_NoError);
    CHECK_EQ(seL4_CNode_Copy(ROOT, y, D, ROOT, u2, D, seL4_AllRights), seL4_RevokeFirst);
    CHECK_EQ(seL4_CNode_Revoke(ROOT, u2, D), seL4_NoError);
    CHECK_EQ(test_probe(x), seL4_InvalidCapability);
    CHECK_EQ(seL4_Untyped_Retype(u2, seL4_X86_4K, 0, ROOT, 0, 0, y, 1), seL4_NoError);
    CHECK_EQ(test_paddr(y), base);
}
DEFINE_TEST(CNODEOP0008, "Move keeps a capability's place in the derivation tree",
            cnode_move_keeps_derivation);

static void cnode_mutate(void)
{
    seL4_Word pa, pb;
    seL4_CPtr f = new_frame(&pa);
    seL4_CPtr c = test_cnode(4), c1 = test_slot(), mg = test_slot(), bad = test_slot();
    CHECK_EQ(seL4_CNode_Copy(c, 5, 4, ROOT, f, D, seL4_AllRights), seL4_NoError);
    CHECK_EQ(seL4_CNode_Copy(ROOT, c1, D, ROOT, c, D, seL4_AllRights), seL4_NoError);
    /* Mutate moves the CNode capability and gives it a guard. */
    CHECK_EQ(seL4_CNode_Mutate(ROOT, mg, D, ROOT, c1, D, guard_data(0x123, 60)), seL4_NoError);
    CHECK_EQ(test_probe(c1), seL4_InvalidCapability);
    CHECK_EQ(test_paddr_at(mg, (0x123ul << 4) | 5, 64), pa);
    CHECK_EQ(test_paddr_at(mg, 5, 4), 0);
    /* An invalid guard: IllegalOperation, the source stays. */
    CHECK_EQ(seL4_CNode_Mutate(ROOT, bad, D, ROOT, mg, D, guard_data(0, 62)),
             seL4_IllegalOperation);
    CHECK_EQ(test_paddr_at(mg, (0x123ul << 4) | 5, 64), pa);
    /* An endpoint cannot be mutated (its badge could otherwise change): IllegalOperation. */
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    CHECK_EQ(seL4_CNode_Mutate(ROOT, bad, D, ROOT, ep, D, 0), seL4_IllegalOperation);
    CHECK_EQ(seL4_CNode_Mutate(ROOT, bad, D, ROOT, ep, D, 5), seL4_IllegalOperation);
    CHECK_EQ(test_probe(ep), seL4_IllegalOperation);
    CHECK_EQ(test_probe(bad), seL4_InvalidCapability);
    /* A frame ignores the data word: Mutate is a Move. */
    seL4_CPtr g = new_frame(&pb), gm = test_slot();
    CHECK_EQ(seL4_CNode_Mutate(ROOT, gm, D, ROOT, g, D, 0x55), seL4_NoError);
    CHECK_EQ(test_paddr(gm), pb);
    CHECK_EQ(test_probe(g), seL4_InvalidCapability);
    /* Occupied destination and empty source as for Move. */
    CHECK_EQ(seL4_CNode_Mutate(ROOT, gm, D, ROOT, mg, D, 0), seL4_DeleteFirst);
    check_lookup(seL4_CNode_Mutate(ROOT, bad, D, ROOT, g, D, 0), 1, seL4_MissingCapability);
    /* The mutated CNode capability is still the copy's: revoking the original removes it. */
    CHECK_EQ(seL4_CNode_Revoke(ROOT, c, D), seL4_NoError);
    CHECK_EQ(test_probe(mg), seL4_InvalidCapability);
    CHECK_EQ(test_paddr_at(c, 5, 4), pa);
}
DEFINE_TEST(CNODEOP0009, "Mutate: CNode guard set on move; endpoint: IllegalOperation",
            cnode_mutate);

static void cnode_rotate(void)
{
    seL4_Word pa, pb;
    seL4_CPtr a = new_frame(&pa), b = new_frame(&pb), d = test_slot();
    /* src -> pivot, pivot -> dest (dest empty). */
    CHECK_EQ(seL4_CNode_Rotate(ROOT, d, D, 0, ROOT, b, D, 0, ROOT, a, D), seL4_NoError);
    CHECK_EQ(test_paddr(d), pb);
    CHECK_EQ(test_paddr(b), pa);
    CHECK_EQ(test_probe(a), seL4_InvalidCapability);
    /* src == dest: a swap of dest and pivot. */
    CHECK_EQ(seL4_CNode_Rotate(ROOT, d, D, 0, ROOT, b, D, 0, ROOT, d, D), seL4_NoError);
    CHECK_EQ(test_paddr(d), pa);
    CHECK_EQ(test_paddr(b), pb);
    /* The data words apply as in Mutate: dest_badge to the capability that lands in dest (the
     * pivot's), pivot_badge to the one that lands in the pivot slot (the source's). */
    seL4_Word pc;
    seL4_CPtr f = new_frame(&pc);
    seL4_CPtr c = test_cnode(4), c1 = test_slot(), c2 = test_slot(), e = test_slot();
    CHECK_EQ(seL4_CNode_Copy(c, 5, 4, ROOT, f, D, seL4_AllRights), seL4_NoError);
    CHECK_EQ(seL4_CNode_Copy(ROOT, c1, D, ROOT, c, D, seL4_AllRights), seL4_NoError);
    CHECK_EQ(seL4_CNode_Copy(ROOT, c2, D, ROOT, c, D, seL4_AllRights), seL4_NoError);
    CHECK_EQ(seL4_CNode_Rotate(ROOT, e, D, guard_data(0x7, 60), ROOT, c1, D, guard_data(0x3, 4),
                               ROOT, c2, D),
             seL4_NoError);
    CHECK_EQ(test_paddr_at(e, (0x7ul << 4) | 5, 64), pc);
    CHECK_EQ(test_paddr_at(c1, (0x3ul << 4) | 5, 8), pc);
    CHECK_EQ(test_probe(c2), seL4_InvalidCapability);
}
DEFINE_TEST(CNODEOP0010, "Rotate: src to pivot, pivot to dest; a swap when src is dest",
            cnode_rotate);

static void cnode_rotate_errors(void)
{
    seL4_Word pa, pb, pc;
    seL4_CPtr a = new_frame(&pa), b = new_frame(&pb), o = new_frame(&pc);
    seL4_CPtr d = test_slot(), empty = test_slot();
    seL4_Error err;
    /* The pivot may be neither the source nor the destination. */
    CHECK_EQ(seL4_CNode_Rotate(ROOT, d, D, 0, ROOT, a, D, 0, ROOT, a, D), seL4_IllegalOperation);
    CHECK_EQ(seL4_CNode_Rotate(ROOT, o, D, 0, ROOT, o, D, 0, ROOT, a, D), seL4_IllegalOperation);
    /* Occupied destination (src != dest): DeleteFirst. */
    CHECK_EQ(seL4_CNode_Rotate(ROOT, o, D, 0, ROOT, b, D, 0, ROOT, a, D), seL4_DeleteFirst);
    /* Empty source: FailedLookup from the source; empty pivot: from the "destination" side. */
    err = seL4_CNode_Rotate(ROOT, d, D, 0, ROOT, b, D, 0, ROOT, empty, D);
    check_lookup(err, 1, seL4_MissingCapability);
    CHECK_EQ(seL4_GetErrorDetail().bits_left, D);
    err = seL4_CNode_Rotate(ROOT, d, D, 0, ROOT, empty, D, 0, ROOT, a, D);
    check_lookup(err, 0, seL4_MissingCapability);
    CHECK_EQ(seL4_GetErrorDetail().bits_left, D);
    /* Pivot and source roots must be CNodes: FailedLookup (source side), InvalidRoot. */
    check_lookup(seL4_CNode_Rotate(ROOT, d, D, 0, a, b, D, 0, ROOT, a, D), 1, seL4_InvalidRoot);
    check_lookup(seL4_CNode_Rotate(ROOT, d, D, 0, ROOT, b, D, 0, b, a, D), 1, seL4_InvalidRoot);
    /* Endpoints cannot be rotated (their badge would be rewritten). */
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    CHECK_EQ(seL4_CNode_Rotate(ROOT, d, D, 0, ROOT, b, D, 0, ROOT, ep, D), seL4_IllegalOperation);
    CHECK_EQ(seL4_CNode_Rotate(ROOT, d, D, 0, ROOT, ep, D, 0, ROOT, a, D), seL4_IllegalOperation);
    /* A CNode data word that would make an invalid capability: IllegalOperation. */
    seL4_CPtr c = test_cnode(4);
    CHECK_EQ(seL4_CNode_Rotate(ROOT, d, D, guard_data(0, 61), ROOT, c, D, 0, ROOT, a, D),
             seL4_IllegalOperation);
    /* Nothing moved. */
    CHECK_EQ(test_paddr(a), pa);
    CHECK_EQ(test_paddr(b), pb);
    CHECK_EQ(test_paddr(o), pc);
    CHECK_EQ(test_probe(d), seL4_InvalidCapability);
    CHECK_EQ(test_probe(ep), seL4_IllegalOperation);
    CHECK_EQ(test_probe(c), seL4_IllegalOperation);
}
DEFINE_TEST(CNODEOP0011, "Rotate errors: pivot == src/dest, DeleteFirst, FailedLookup sides",
            cnode_rotate_errors);

static void cnode_delete(void)
{
    seL4_Word pa;
    seL4_CPtr f = new_frame(&pa), c = test_cnode(4);
    CHECK_EQ(seL4_CNode_Delete(ROOT, f, D), seL4_NoError);
    CHECK_EQ(test_probe(f), seL4_InvalidCapability);
    /* Deleting an empty slot succeeds and does nothing. */
    CHECK_EQ(seL4_CNode_Delete(ROOT, f, D), seL4_NoError);
    /* In another CNode. */
    seL4_CPtr g = new_frame(&pa);
    CHECK_EQ(seL4_CNode_Copy(c, 9, 4, ROOT, g, D, seL4_AllRights), seL4_NoError);
    CHECK_EQ(seL4_CNode_Delete(c, 9, 4), seL4_NoError);
    CHECK_EQ(test_slot_empty_at(c, 9, 4), 1);
    CHECK_EQ(test_paddr(g), pa);
    /* Bad depths and a destination that does not resolve. */
    check_depth_range(seL4_CNode_Delete(ROOT, g, 0));
    check_depth_range(seL4_CNode_Delete(ROOT, g, 65));
    check_lookup(seL4_CNode_Delete(ROOT, g, 40), 0, seL4_GuardMismatch);
    check_lookup(seL4_CNode_Delete(c, 9, 64), 0, seL4_DepthMismatch);
    CHECK_EQ(test_paddr(g), pa);
}
DEFINE_TEST(CNODEOP0012, "Delete empties a slot; an empty slot is fine; depth and lookup errors",
            cnode_delete);

static void cnode_delete_last_cnode_cap(void)
{
    /* A CNode holding a copy of an untyped: while the copy exists the untyped has a child and
     * cannot be copied. Deleting the CNode's only capability deletes its contents. */
    seL4_CPtr u = test_untyped(12), c = test_cnode(3), probe = test_slot();
    CHECK_EQ(seL4_CNode_Copy(c, 2, 3, ROOT, u, D, seL4_AllRights), seL4_NoError);
    CHECK_EQ(seL4_CNode_Copy(ROOT, probe, D, ROOT, u, D, seL4_AllRights), seL4_RevokeFirst);
    CHECK_EQ(seL4_CNode_Delete(ROOT, c, D), seL4_NoError);
    CHECK_EQ(test_probe(c), seL4_InvalidCapability);
    CHECK_EQ(seL4_CNode_Copy(ROOT, probe, D, ROOT, u, D, seL4_AllRights), seL4_NoError);
    /* With a second capability to the CNode, deleting one keeps the contents. */
    seL4_CPtr c2 = test_cnode(3), c2b = test_slot(), u2 = test_untyped(12), p2 = test_slot();
    CHECK_EQ(seL4_CNode_Copy(ROOT, c2b, D, ROOT, c2, D, seL4_AllRights), seL4_NoError);
    CHECK_EQ(seL4_CNode_Copy(c2, 1, 3, ROOT, u2, D, seL4_AllRights), seL4_NoError);
    CHECK_EQ(seL4_CNode_Delete(ROOT, c2, D), seL4_NoError);
    CHECK_EQ(test_slot_empty_at(c2b, 1, 3), 0);
    CHECK_EQ(seL4_CNode_Copy(ROOT, p2, D, ROOT, u2, D, seL4_AllRights), seL4_RevokeFirst);
    CHECK_EQ(seL4_CNode_Delete(ROOT, c2b, D), seL4_NoError);
    CHECK_EQ(seL4_CNode_Copy(ROOT, p2, D, ROOT, u2, D, seL4_AllRights), seL4_NoError);
}
DEFINE_TEST(CNODEOP0013, "deleting the last capability to a CNode deletes what it holds",
            cnode_delete_last_cnode_cap);

static void cnode_revoke(void)
{
    seL4_Word pa;
    seL4_CPtr f = new_frame(&pa);
    seL4_CPtr c1 = test_slot(), c2 = test_slot(), c3 = test_slot();
    CHECK_EQ(seL4_CNode_Copy(ROOT, c1, D, ROOT, f, D, seL4_AllRights), seL4_NoError);
    CHECK_EQ(seL4_CNode_Copy(ROOT, c2, D, ROOT, c1, D, seL4_AllRights), seL4_NoError);
    CHECK_EQ(seL4_CNode_Copy(ROOT, c3, D, ROOT, f, D, seL4_CanRead), seL4_NoError);
    /* A copy of a frame is not an original: revoking it removes nothing. */
    CHECK_EQ(seL4_CNode_Revoke(ROOT, c1, D), seL4_NoError);
    CHECK_EQ(test_paddr(c2), pa);
    /* Revoking the original removes every copy, and keeps the original. */
    CHECK_EQ(seL4_CNode_Revoke(ROOT, f, D), seL4_NoError);
    CHECK_EQ(test_probe(c1), seL4_InvalidCapability);
    CHECK_EQ(test_probe(c2), seL4_InvalidCapability);
    CHECK_EQ(test_probe(c3), seL4_InvalidCapability);
    CHECK_EQ(test_paddr(f), pa);
    /* Again (no children), and on an empty slot: nothing to do. */
    CHECK_EQ(seL4_CNode_Revoke(ROOT, f, D), seL4_NoError);
    CHECK_EQ(seL4_CNode_Revoke(ROOT, c1, D), seL4_NoError);
    /* A badged endpoint is a new original: revoking it removes its copies only; revoking the
     * unbadged original removes the badged one too. */
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    seL4_CPtr b = test_slot(), bc = test_slot(), ec = test_slot();
    CHECK_EQ(seL4_CNode_Mint(ROOT, b, D, ROOT, ep, D, seL4_AllRights, 5), seL4_NoError);
    CHECK_EQ(seL4_CNode_Copy(ROOT, bc, D, ROOT, b, D, seL4_AllRights), seL4_NoError);
    CHECK_EQ(seL4_CNode_Copy(ROOT, ec, D, ROOT, ep, D, seL4_AllRights), seL4_NoError);
    CHECK_EQ(seL4_CNode_Revoke(ROOT, b, D), seL4_NoError);
    CHECK_EQ(test_probe(bc), seL4_InvalidCapability);
    CHECK_EQ(test_probe(b), seL4_IllegalOperation);
    CHECK_EQ(test_probe(ec), seL4_IllegalOperation);
    CHECK_EQ(seL4_CNode_Revoke(ROOT, ep, D), seL4_NoError);
    CHECK_EQ(test_probe(b), seL4_InvalidCapability);
    CHECK_EQ(test_probe(ec), seL4_InvalidCapability);
    CHECK_EQ(test_probe(ep), seL4_IllegalOperation);
    /* Errors: depth range and lookup. */
    check_depth_range(seL4_CNode_Revoke(ROOT, ep, 0));
    check_depth_range(seL4_CNode_Revoke(ROOT, ep, 200));
    check_lookup(seL4_CNode_Revoke(ROOT, ep, 8), 0, seL4_GuardMismatch);
}
DEFINE_TEST(CNODEOP0014, "Revoke removes an original's copies (and badged ones' only their own)",
            cnode_revoke);

static void cnode_revoke_untyped(void)
{
    seL4_CPtr u = test_untyped(16);
    seL4_CPtr f1 = test_slot(), f2 = test_slot(), e = test_slot(), f3 = test_slot();
    CHECK_EQ(seL4_Untyped_Retype(u, seL4_X86_4K, 0, ROOT, 0, 0, f1, 1), seL4_NoError);
    CHECK_EQ(seL4_Untyped_Retype(u, seL4_X86_4K, 0, ROOT, 0, 0, f2, 1), seL4_NoError);
    CHECK_EQ(seL4_Untyped_Retype(u, seL4_EndpointObject, 0, ROOT, 0, 0, e, 1), seL4_NoError);
    seL4_Word base = test_paddr(f1);
    CHECK_EQ(test_paddr(f2), base + 4096);
    /* 512 more children in a CNode: the revoke is long (preempted and restarted). */
    seL4_CPtr c = test_cnode(9);
    CHECK_EQ(seL4_Untyped_Retype(u, seL4_EndpointObject, 0, c, 0, 0, 0, 256), seL4_NoError);
    CHECK_EQ(seL4_Untyped_Retype(u, seL4_NotificationObject, 0, c, 0, 0, 256, 256), seL4_NoError);
    CHECK_EQ(seL4_CNode_Revoke(ROOT, u, D), seL4_NoError);
    CHECK_EQ(test_probe(f1), seL4_InvalidCapability);
    CHECK_EQ(test_probe(f2), seL4_InvalidCapability);
    CHECK_EQ(test_probe(e), seL4_InvalidCapability);
    int empty = 0;
    for (seL4_Word i = 0; i < 512; i++) {
        empty += test_slot_empty_at(c, i, 9) == 1;
    }
    CHECK_EQ(empty, 512);
    /* The memory is free again: allocation starts at the base. */
    CHECK_EQ(seL4_Untyped_Retype(u, seL4_X86_4K, 0, ROOT, 0, 0, f3, 1), seL4_NoError);
    CHECK_EQ(test_paddr(f3), base);
}
DEFINE_TEST(CNODEOP0015, "Revoke of an untyped deletes all 515 children and frees its memory",
            cnode_revoke_untyped);

static void cnode_save_caller(void)
{
    seL4_Word pa;
    seL4_CPtr s = test_slot(), f = new_frame(&pa);
    /* No reply capability is stored (nobody called us): nothing happens. */
    CHECK_EQ(seL4_CNode_SaveCaller(ROOT, s, D), seL4_NoError);
    CHECK_EQ(test_probe(s), seL4_InvalidCapability);
    /* Occupied destination, bad depth, unresolvable destination. */
    CHECK_EQ(seL4_CNode_SaveCaller(ROOT, f, D), seL4_DeleteFirst);
    CHECK_EQ(test_paddr(f), pa);
    check_depth_range(seL4_CNode_SaveCaller(ROOT, s, 0));
    check_depth_range(seL4_CNode_SaveCaller(ROOT, s, 65));
    check_lookup(seL4_CNode_SaveCaller(ROOT, s, 32), 0, seL4_GuardMismatch);
    CHECK_EQ(seL4_GetErrorDetail().bits_left, 32);
}
DEFINE_TEST(CNODEOP0016, "SaveCaller without a caller does nothing; DeleteFirst; depth errors",
            cnode_save_caller);

static void cnode_truncated(void)
{
    seL4_Word pa, pb;
    seL4_CPtr f = new_frame(&pa), g = new_frame(&pb), d = test_slot();
    seL4_Word copy[5] = {d, D, f, D, seL4_AllRights.words[0]};
    /* Each method with one message word or one capability too few. */
    CHECK_EQ(raw_call(ROOT, CNodeCopy, 4, 1, copy, ROOT, 0), seL4_TruncatedMessage);
    CHECK_EQ(raw_call(ROOT, CNodeCopy, 5, 0, copy, ROOT, 0), seL4_TruncatedMessage);
    seL4_Word mint[6] = {d, D, f, D, seL4_AllRights.words[0], 3};
    CHECK_EQ(raw_call(ROOT, CNodeMint, 5, 1, mint, ROOT, 0), seL4_TruncatedMessage);
    seL4_Word move[4] = {d, D, f, D};
    CHECK_EQ(raw_call(ROOT, CNodeMove, 3, 1, move, ROOT, 0), seL4_TruncatedMessage);
    CHECK_EQ(raw_call(ROOT, CNodeMove, 4, 0, move, ROOT, 0), seL4_TruncatedMessage);
    seL4_Word mutate[5] = {d, D, f, D, 0};
    CHECK_EQ(raw_call(ROOT, CNodeMutate, 4, 1, mutate, ROOT, 0), seL4_TruncatedMessage);
    seL4_Word rotate[8] = {d, D, 0, g, D, 0, f, D};
    CHECK_EQ(raw_call(ROOT, CNodeRotate, 7, 2, rotate, ROOT, ROOT), seL4_TruncatedMessage);
    CHECK_EQ(raw_call(ROOT, CNodeRotate, 8, 1, rotate, ROOT, ROOT), seL4_TruncatedMessage);
    seL4_Word one[2] = {f, D};
    CHECK_EQ(raw_call(ROOT, CNodeDelete, 1, 0, one, 0, 0), seL4_TruncatedMessage);
    CHECK_EQ(raw_call(ROOT, CNodeRevoke, 0, 0, one, 0, 0), seL4_TruncatedMessage);
    CHECK_EQ(raw_call(ROOT, CNodeSaveCaller, 1, 0, one, 0, 0), seL4_TruncatedMessage);
    /* Nothing happened. */
    CHECK_EQ(test_probe(d), seL4_InvalidCapability);
    CHECK_EQ(test_paddr(f), pa);
    CHECK_EQ(test_paddr(g), pb);
    /* The full messages work through the same raw path. */
    CHECK_EQ(raw_call(ROOT, CNodeMint, 6, 1, mint, ROOT, 0), seL4_NoError);
    CHECK_EQ(test_paddr(d), pa);
    CHECK_EQ(raw_call(ROOT, CNodeDelete, 2, 0, copy, 0, 0), seL4_NoError);
    CHECK_EQ(test_probe(d), seL4_InvalidCapability);
}
DEFINE_TEST(CNODEOP0017, "TruncatedMessage for each method short of a word or a capability",
            cnode_truncated);

static void cnode_depth_range(void)
{
    seL4_Word pa;
    seL4_CPtr f = new_frame(&pa), d = test_slot(), c = test_cnode(2);
    /* Destination depth 0 and above 64, source depth 0 and above 64, for every method. */
    check_depth_range(seL4_CNode_Copy(ROOT, d, 0, ROOT, f, D, seL4_AllRights));
    check_depth_range(seL4_CNode_Copy(ROOT, d, 65, ROOT, f, D, seL4_AllRights));
    check_depth_range(seL4_CNode_Copy(ROOT, d, D, ROOT, f, 0, seL4_AllRights));
    check_depth_range(seL4_CNode_Copy(ROOT, d, D, ROOT, f, 255, seL4_AllRights));
    check_depth_range(seL4_CNode_Mint(ROOT, d, D, ROOT, f, 0, seL4_AllRights, 0));
    check_depth_range(seL4_CNode_Move(ROOT, d, D, ROOT, f, 65));
    check_depth_range(seL4_CNode_Mutate(ROOT, d, 0, ROOT, f, D, 0));
    check_depth_range(seL4_CNode_Rotate(ROOT, d, 0, 0, ROOT, c, D, 0, ROOT, f, D));
    check_depth_range(seL4_CNode_Rotate(ROOT, d, D, 0, ROOT, c, 0, 0, ROOT, f, D));
    check_depth_range(seL4_CNode_Rotate(ROOT, d, D, 0, ROOT, c, D, 0, ROOT, f, 66));
    /* The depth is checked against the word size, not the CNode's radix: depth 1 on a 2-bit
     * CNode is a DepthMismatch (1 bit left, 2 needed), not a RangeError. */
    check_lookup(seL4_CNode_Copy(c, 1, 1, ROOT, f, D, seL4_AllRights), 0, seL4_DepthMismatch);
    CHECK_EQ(seL4_GetErrorDetail().bits_left, 1);
    CHECK_EQ(seL4_GetErrorDetail().bits_found, 2);
    /* Nothing moved. */
    CHECK_EQ(test_paddr(f), pa);
    CHECK_EQ(test_probe(d), seL4_InvalidCapability);
}
DEFINE_TEST(CNODEOP0018, "RangeError(1, 64) for depth 0 and depth above 64 on every slot argument",
            cnode_depth_range);

static void cnode_depth_full_word(void)
{
    seL4_Word pa;
    seL4_CPtr f = new_frame(&pa), d = test_slot();
    /* seL4 reads the depth as a whole word: 64 + 256 is out of range, not 64. */
    seL4_Word del[2] = {f, 64 + 256};
    seL4_Error err = raw_call(ROOT, CNodeDelete, 2, 0, del, 0, 0);
    CHECK_EQ(err, seL4_RangeError);
    CHECK_EQ(test_paddr(f), pa);
    seL4_Word copy[5] = {d, D, f, 64 + 512, seL4_AllRights.words[0]};
    err = raw_call(ROOT, CNodeCopy, 5, 1, copy, ROOT, 0);
    CHECK_EQ(err, seL4_RangeError);
    CHECK_EQ(test_probe(d), seL4_InvalidCapability);
}
DEFINE_TEST(CNODEOP0019, "a depth word above 255 is a RangeError (not truncated to 8 bits)",
            cnode_depth_full_word);

static void cnode_failed_lookup_words(void)
{
    seL4_Word pa;
    seL4_CPtr f = new_frame(&pa), d = test_slot(), c = test_cnode(4);
    seL4_Error err;
    /* The raw message registers, as seL4 lays them out. InvalidRoot from the source: */
    err = seL4_CNode_Copy(ROOT, d, D, f, 0, D, seL4_AllRights);
    CHECK_EQ(err, seL4_FailedLookup);
    CHECK_EQ(seL4_GetMR(0), 1);
    CHECK_EQ(seL4_GetMR(1), seL4_InvalidRoot);
    /* InvalidRoot comes before the depth check. */
    err = seL4_CNode_Copy(ROOT, d, D, f, 0, 0, seL4_AllRights);
    CHECK_EQ(err, seL4_FailedLookup);
    CHECK_EQ(seL4_GetMR(1), seL4_InvalidRoot);
    /* DepthMismatch from the destination: 60 bits left after a 4-bit CNode, none found. */
    err = seL4_CNode_Copy(c, 1, 64, ROOT, f, D, seL4_AllRights);
    CHECK_EQ(err, seL4_FailedLookup);
    CHECK_EQ(seL4_GetMR(0), 0);
    CHECK_EQ(seL4_GetMR(1), seL4_DepthMismatch);
    CHECK_EQ(seL4_GetMR(2), 60);
    CHECK_EQ(seL4_GetMR(3), 0);
    /* GuardMismatch from the source: bits left, the CNode's guard, its guard size. */
    err = seL4_CNode_Copy(ROOT, d, D, ROOT, (1ul << 63) | f, D, seL4_AllRights);
    CHECK_EQ(err, seL4_FailedLookup);
    CHECK_EQ(seL4_GetMR(0), 1);
    CHECK_EQ(seL4_GetMR(1), seL4_GuardMismatch);
    CHECK_EQ(seL4_GetMR(2), 64);
    CHECK_EQ(seL4_GetMR(3), 0);
    CHECK_EQ(seL4_GetMR(4), 52);
    /* MissingCapability from the source: the depth left. */
    err = seL4_CNode_Copy(ROOT, d, D, c, 7, 4, seL4_AllRights);
    CHECK_EQ(err, seL4_FailedLookup);
    CHECK_EQ(seL4_GetMR(0), 1);
    CHECK_EQ(seL4_GetMR(1), seL4_MissingCapability);
    CHECK_EQ(seL4_GetMR(2), 4);
    CHECK_EQ(test_probe(d), seL4_InvalidCapability);
}
DEFINE_TEST(CNODEOP0020, "FailedLookup message words: source flag, failure type, its details",
            cnode_failed_lookup_words);

static void cnode_not_a_cnode(void)
{
    seL4_Word pa;
    seL4_CPtr f = new_frame(&pa), d = test_slot();
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0), u = test_untyped(12);
    /* CNode methods on other capabilities: IllegalOperation. */
    CHECK_EQ(seL4_CNode_Copy(f, d, D, ROOT, f, D, seL4_AllRights), seL4_IllegalOperation);
    CHECK_EQ(seL4_CNode_Delete(seL4_CapInitThreadASIDPool, 0, D), seL4_IllegalOperation);
    CHECK_EQ(seL4_CNode_Revoke(u, u, D), seL4_IllegalOperation);
    CHECK_EQ(seL4_CNode_Move(seL4_CapInitThreadTCB, d, D, ROOT, f, D), seL4_IllegalOperation);
    /* Other objects' methods on a CNode: IllegalOperation. */
    CHECK_EQ(seL4_Untyped_Retype(ROOT, seL4_EndpointObject, 0, ROOT, 0, 0, d, 1),
             seL4_IllegalOperation);
    CHECK_EQ(seL4_X86_Page_GetAddress(ROOT).error, seL4_IllegalOperation);
    /* Nothing happened. */
    CHECK_EQ(test_probe(d), seL4_InvalidCapability);
    CHECK_EQ(test_paddr(f), pa);
    CHECK_EQ(test_probe(ep), seL4_IllegalOperation);
}
DEFINE_TEST(CNODEOP0021, "CNode methods on a non-CNode, other methods on a CNode: IllegalOperation",
            cnode_not_a_cnode);
