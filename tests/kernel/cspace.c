/* CSPACE: capability addressing through chains of CNodes with guards: resolution through two
 * and three levels, partial depths, the lookup failures with their details (GuardMismatch,
 * DepthMismatch, MissingCapability, InvalidRoot), every bit of a pointer flipped, cycles.
 * The root task's own CSpace root resolves all 64 bits in one level (52-bit guard, 12-bit
 * radix), so multi-level pointers are exercised through CNode operations with explicit roots
 * and depths (a failed lookup of an invoked pointer would be a capability fault). */
#include "support.h"
#include "test.h"

#define ROOT seL4_CapInitThreadCNode
#define D    TEST_ROOT_DEPTH

/* The two-level CSpace: A (radix 4, guard G1 of 20 bits) holds at IDX1 a capability to B
 * (radix 8, guard G2 of 32 bits), which holds frames at IDX2 and IDX2 ^ 1; A also holds a frame
 * at IDX1 ^ 1. 20 + 4 + 32 + 8 = 64 bits. */
#define G1   0xabcdeul
#define G2   0x12345678ul
#define IDX1 9ul
#define IDX2 0x5aul

typedef struct {
    seL4_CPtr a;  /* A, original capability (no guard) */
    seL4_CPtr ag; /* A with its guard: the root of the two-level space */
    seL4_CPtr b;  /* B, original capability (no guard) */
    seL4_Word pa, pa2, pa3;
} two_level_t;

static seL4_Word guard_data(seL4_Word guard, seL4_Word guard_size)
{
    return seL4_CNode_CapData_new(guard, guard_size).words[0];
}

/* A pointer through the two-level space. */
static seL4_Word ptr2(seL4_Word g1, seL4_Word i1, seL4_Word g2, seL4_Word i2)
{
    return (g1 << 44) | (i1 << 40) | (g2 << 8) | i2;
}

/* A fresh frame copied into (cnode, index, depth); returns its physical address. */
static seL4_Word frame_into(seL4_CPtr cnode, seL4_Word index, seL4_Word depth)
{
    seL4_CPtr f = test_object(seL4_X86_4K, 0);
    seL4_Word pa = test_paddr(f);
    CHECK(pa != 0);
    CHECK_EQ(seL4_CNode_Copy(cnode, index, (seL4_Uint8)depth, ROOT, f, D, seL4_AllRights),
             seL4_NoError);
    return pa;
}

static void two_level_make(two_level_t *t)
{
    t->a = test_cnode(4);
    t->b = test_cnode(8);
    t->ag = test_slot();
    CHECK_EQ(seL4_CNode_Mint(ROOT, t->ag, D, ROOT, t->a, D, seL4_AllRights, guard_data(G1, 20)),
             seL4_NoError);
    CHECK_EQ(seL4_CNode_Mint(t->a, IDX1, 4, ROOT, t->b, D, seL4_AllRights, guard_data(G2, 32)),
             seL4_NoError);
    t->pa = frame_into(t->b, IDX2, 8);
    t->pa2 = frame_into(t->b, IDX2 ^ 1, 8);
    t->pa3 = frame_into(t->a, IDX1 ^ 1, 4);
}

/* The three-level space: A3 (radix 2, guard 0x2aa of 10 bits) -> B3 at A3[1] (radix 3, no
 * guard) -> C3 at B3[6] (radix 5, guard GC of 44 bits) -> frame at C3[17]. 12 + 3 + 49 bits. */
#define GA 0x2aaul
#define GC 0x123456789abul

static seL4_Word ptr3(seL4_Word i1, seL4_Word i2, seL4_Word gc, seL4_Word i3)
{
    return (GA << 54) | (i1 << 52) | (i2 << 49) | (gc << 5) | i3;
}

/* Checks a FailedLookup error and its details (words that do not apply are 0). */
static void check_fail(seL4_Error err, seL4_Word source, seL4_Word type, seL4_Word bits_left,
                       seL4_Word guard_found, seL4_Word bits_found)
{
    seL4_ErrorDetail_t d = seL4_GetErrorDetail();
    CHECK_EQ(err, seL4_FailedLookup);
    CHECK_EQ(d.source, source);
    CHECK_EQ(d.lookup_type, type);
    CHECK_EQ(d.bits_left, bits_left);
    CHECK_EQ(d.guard_found, guard_found);
    CHECK_EQ(d.bits_found, bits_found);
}

/* Copy from (root, index, depth) into a fresh root slot: the error. */
static seL4_Error copy_from(seL4_CPtr root, seL4_Word index, seL4_Word depth)
{
    seL4_CPtr s = test_slot();
    return seL4_CNode_Copy(ROOT, s, D, root, index, (seL4_Uint8)depth, seL4_AllRights);
}

static void cspace_two_levels(void)
{
    two_level_t t;
    two_level_make(&t);
    CHECK_EQ(test_paddr_at(t.ag, ptr2(G1, IDX1, G2, IDX2), 64), t.pa);
    CHECK_EQ(test_paddr_at(t.ag, ptr2(G1, IDX1, G2, IDX2 ^ 1), 64), t.pa2);
    /* 24 bits name A's slots: the frame there, and the guarded B capability, which resolves the
     * remaining 40 bits when used as a root itself. */
    CHECK_EQ(test_paddr_at(t.ag, (G1 << 4) | (IDX1 ^ 1), 24), t.pa3);
    seL4_CPtr bg = test_slot();
    CHECK_EQ(seL4_CNode_Copy(ROOT, bg, D, t.ag, (G1 << 4) | IDX1, 24, seL4_AllRights),
             seL4_NoError);
    CHECK_EQ(test_paddr_at(bg, (G2 << 8) | IDX2, 40), t.pa);
    /* The two-level space serves as destination too: copy in and delete through it. */
    seL4_CPtr f = test_object(seL4_X86_4K, 0);
    seL4_Word pf = test_paddr(f);
    CHECK_EQ(seL4_CNode_Copy(t.ag, ptr2(G1, IDX1, G2, 0x10), 64, ROOT, f, D, seL4_AllRights),
             seL4_NoError);
    CHECK_EQ(test_paddr_at(t.b, 0x10, 8), pf);
    CHECK_EQ(seL4_CNode_Delete(t.ag, ptr2(G1, IDX1, G2, 0x10), 64), seL4_NoError);
    CHECK_EQ(test_slot_empty_at(t.b, 0x10, 8), 1);
    /* Bits above the depth are ignored: only the low 8 bits of the index count at depth 8. */
    CHECK_EQ(test_paddr_at(t.b, ~0xfful | IDX2, 8), t.pa);
    CHECK_EQ(test_paddr_at(t.ag, (0xful << 24) | (G1 << 4) | (IDX1 ^ 1), 24), t.pa3);
}
DEFINE_TEST(CSPACE0001, "two-level resolution: guarded CNode chain, partial depth, as root",
            cspace_two_levels);

static void cspace_three_levels(void)
{
    seL4_CPtr a3 = test_cnode(2), b3 = test_cnode(3), c3 = test_cnode(5), a3g = test_slot();
    CHECK_EQ(seL4_CNode_Mint(ROOT, a3g, D, ROOT, a3, D, seL4_AllRights, guard_data(GA, 10)),
             seL4_NoError);
    CHECK_EQ(seL4_CNode_Copy(a3, 1, 2, ROOT, b3, D, seL4_AllRights), seL4_NoError);
    CHECK_EQ(seL4_CNode_Mint(b3, 6, 3, ROOT, c3, D, seL4_AllRights, guard_data(GC, 44)),
             seL4_NoError);
    seL4_Word pa = frame_into(c3, 17, 5);
    seL4_Word px = frame_into(b3, 2, 3);
    CHECK_EQ(test_paddr_at(a3g, ptr3(1, 6, GC, 17), 64), pa);
    /* 12 bits name B3's capability, 15 bits C3's (with its guard): each resolves the rest. */
    seL4_CPtr b = test_slot(), c = test_slot();
    CHECK_EQ(seL4_CNode_Copy(ROOT, b, D, a3g, (GA << 2) | 1, 12, seL4_AllRights), seL4_NoError);
    CHECK_EQ(test_paddr_at(b, ptr3(1, 6, GC, 17) & ((1ul << 52) - 1), 52), pa);
    CHECK_EQ(seL4_CNode_Copy(ROOT, c, D, a3g, (GA << 5) | (1 << 3) | 6, 15, seL4_AllRights),
             seL4_NoError);
    CHECK_EQ(test_paddr_at(c, (GC << 5) | 17, 49), pa);
    /* A frame at the second level ends resolution at 15 bits. */
    CHECK_EQ(test_paddr_at(a3g, (GA << 5) | (1 << 3) | 2, 15), px);
    check_fail(copy_from(a3g, ptr3(1, 2, GC, 17), 64), 1, seL4_DepthMismatch, 49, 0, 0);
    /* Retype places a new object through the three-level path to C3. */
    seL4_CPtr u = test_untyped(12);
    CHECK_EQ(seL4_Untyped_Retype(u, seL4_X86_4K, 0, a3g, (GA << 5) | (1 << 3) | 6, 15, 3, 1),
             seL4_NoError);
    seL4_Word pn = test_paddr_at(a3g, ptr3(1, 6, GC, 3), 64);
    CHECK(pn != 0);
    CHECK_EQ(pn & 0xfff, 0);
    CHECK(pn != pa && pn != px);
}
DEFINE_TEST(CSPACE0002, "three-level resolution, each partial depth, Retype through the path",
            cspace_three_levels);

static void cspace_guard_mismatch(void)
{
    two_level_t t;
    two_level_make(&t);
    /* Level 1 guard wrong: all 64 bits left, A's guard and guard size reported. */
    check_fail(copy_from(t.ag, ptr2(G1 ^ 1, IDX1, G2, IDX2), 64), 1, seL4_GuardMismatch, 64, G1,
               20);
    /* Level 2 guard wrong: 40 bits left, B's guard. */
    check_fail(copy_from(t.ag, ptr2(G1, IDX1, G2 ^ 0x100, IDX2), 64), 1, seL4_GuardMismatch, 40, G2,
               32);
    /* Fewer bits left than the guard: GuardMismatch too. */
    check_fail(copy_from(t.ag, G1 >> 10, 10), 1, seL4_GuardMismatch, 10, G1, 20);
    check_fail(copy_from(t.ag, (G1 << 10) | (IDX1 << 6), 30), 1, seL4_GuardMismatch, 6, G2, 32);
    /* The same from the destination side. */
    seL4_CPtr f = test_object(seL4_X86_4K, 0);
    check_fail(seL4_CNode_Copy(t.ag, ptr2(G1 ^ 2, IDX1, G2, 1), 64, ROOT, f, D, seL4_AllRights), 0,
               seL4_GuardMismatch, 64, G1, 20);
    check_fail(seL4_CNode_Copy(t.ag, ptr2(G1, IDX1, 0, 1), 64, ROOT, f, D, seL4_AllRights), 0,
               seL4_GuardMismatch, 40, G2, 32);
    /* The root CNode's 52-bit zero guard. */
    check_fail(copy_from(ROOT, (1ul << 40) | f, 64), 1, seL4_GuardMismatch, 64, 0, 52);
    CHECK_EQ(test_slot_empty_at(t.b, 1, 8), 1);
}
DEFINE_TEST(CSPACE0003, "GuardMismatch details: bits left, guard and guard size, both sides",
            cspace_guard_mismatch);

static void cspace_depth_mismatch(void)
{
    two_level_t t;
    two_level_make(&t);
    seL4_CPtr a3 = test_cnode(2), b3 = test_cnode(3), a3g = test_slot();
    CHECK_EQ(seL4_CNode_Mint(ROOT, a3g, D, ROOT, a3, D, seL4_AllRights, guard_data(GA, 10)),
             seL4_NoError);
    CHECK_EQ(seL4_CNode_Copy(a3, 1, 2, ROOT, b3, D, seL4_AllRights), seL4_NoError);
    /* Depth ends inside a level: bits left, the level's size. */
    check_fail(copy_from(a3g, GA << 1, 11), 1, seL4_DepthMismatch, 11, 0, 12);
    check_fail(copy_from(a3g, (GA << 3) | (1 << 1), 13), 1, seL4_DepthMismatch, 1, 0, 3);
    check_fail(copy_from(ROOT, 5, 60), 1, seL4_DepthMismatch, 60, 0, 64);
    /* Depth goes past a non-CNode capability or an empty slot: bits left, none found. */
    check_fail(copy_from(t.ag, ptr2(G1, IDX1 ^ 1, G2, IDX2), 64), 1, seL4_DepthMismatch, 40, 0, 0);
    check_fail(copy_from(t.ag, ptr2(G1, 3, G2, IDX2), 64), 1, seL4_DepthMismatch, 40, 0, 0);
    check_fail(copy_from(t.b, IDX2 << 4, 12), 1, seL4_DepthMismatch, 4, 0, 0);
    /* And from the destination side. */
    seL4_CPtr f = test_object(seL4_X86_4K, 0);
    check_fail(seL4_CNode_Copy(t.ag, ptr2(G1, 3, G2, IDX2), 64, ROOT, f, D, seL4_AllRights), 0,
               seL4_DepthMismatch, 40, 0, 0);
}
DEFINE_TEST(CSPACE0004, "DepthMismatch details: inside a level and past a leaf, both sides",
            cspace_depth_mismatch);

static void cspace_missing(void)
{
    two_level_t t;
    two_level_make(&t);
    seL4_CPtr u = test_untyped(12), f = test_object(seL4_X86_4K, 0), d = test_slot();
    /* An empty slot at the exact depth: MissingCapability with the depth of the lookup. */
    check_fail(copy_from(t.ag, ptr2(G1, IDX1, G2, 0), 64), 1, seL4_MissingCapability, 64, 0, 0);
    check_fail(copy_from(t.ag, (G1 << 4) | 3, 24), 1, seL4_MissingCapability, 24, 0, 0);
    check_fail(seL4_CNode_Move(ROOT, d, D, t.b, 7, 8), 1, seL4_MissingCapability, 8, 0, 0);
    /* Retype's destination CNode: an empty slot or a frame is not a CNode (source = 0). */
    check_fail(
        seL4_Untyped_Retype(u, seL4_EndpointObject, 0, t.ag, ptr2(G1, IDX1, G2, 0), 64, 0, 1), 0,
        seL4_MissingCapability, 64, 0, 0);
    check_fail(
        seL4_Untyped_Retype(u, seL4_EndpointObject, 0, t.ag, ptr2(G1, IDX1, G2, IDX2), 64, 0, 1), 0,
        seL4_MissingCapability, 64, 0, 0);
    check_fail(
        seL4_Untyped_Retype(u, seL4_EndpointObject, 0, t.ag, (G1 << 4) | (IDX1 ^ 1), 24, 0, 1), 0,
        seL4_MissingCapability, 24, 0, 0);
    /* Rotate's pivot: an empty pivot is reported as the "destination" side. */
    check_fail(seL4_CNode_Rotate(ROOT, d, D, 0, t.ag, ptr2(G1, IDX1, G2, 0), 64, 0, ROOT, f, D), 0,
               seL4_MissingCapability, 64, 0, 0);
    CHECK_EQ(test_probe(d), seL4_InvalidCapability);
    CHECK(test_paddr(f) != 0);
}
DEFINE_TEST(CSPACE0005, "MissingCapability with the depth: sources, Retype node, Rotate pivot",
            cspace_missing);

static void cspace_invalid_root(void)
{
    seL4_CPtr f = test_object(seL4_X86_4K, 0), ep = test_object(seL4_EndpointObject, 0);
    seL4_CPtr u = test_untyped(12), d = test_slot(), g = test_object(seL4_X86_4K, 0);
    /* A source root that is not a CNode: FailedLookup from the source, InvalidRoot. */
    check_fail(seL4_CNode_Copy(ROOT, d, D, f, g, D, seL4_AllRights), 1, seL4_InvalidRoot, 0, 0, 0);
    check_fail(seL4_CNode_Mint(ROOT, d, D, ep, g, D, seL4_AllRights, 1), 1, seL4_InvalidRoot, 0, 0,
               0);
    check_fail(seL4_CNode_Move(ROOT, d, D, u, g, D), 1, seL4_InvalidRoot, 0, 0, 0);
    check_fail(seL4_CNode_Mutate(ROOT, d, D, seL4_CapInitThreadTCB, g, D, 0), 1, seL4_InvalidRoot,
               0, 0, 0);
    /* InvalidRoot is found before the depth is checked. */
    check_fail(seL4_CNode_Move(ROOT, d, D, f, g, 0), 1, seL4_InvalidRoot, 0, 0, 0);
    /* Rotate: both the pivot and the source root count as sources. */
    check_fail(seL4_CNode_Rotate(ROOT, d, D, 0, f, g, D, 0, ROOT, g, D), 1, seL4_InvalidRoot, 0, 0,
               0);
    /* Retype: a root that is not a CNode with a depth is an invalid root of the destination;
     * with depth 0 the root itself must be the CNode (MissingCapability, 0 bits). */
    check_fail(seL4_Untyped_Retype(u, seL4_EndpointObject, 0, f, d, 64, 0, 1), 0, seL4_InvalidRoot,
               0, 0, 0);
    check_fail(seL4_Untyped_Retype(u, seL4_EndpointObject, 0, f, 0, 0, 0, 1), 0,
               seL4_MissingCapability, 0, 0, 0);
    CHECK_EQ(test_probe(d), seL4_InvalidCapability);
    CHECK(test_paddr(g) != 0);
}
DEFINE_TEST(CSPACE0006, "InvalidRoot: source, pivot and Retype roots that are not CNodes",
            cspace_invalid_root);

static void cspace_bit_flips(void)
{
    two_level_t t;
    two_level_make(&t);
    const seL4_Word p = ptr2(G1, IDX1, G2, IDX2);
    seL4_CPtr s = test_slot();
    unsigned wrong = 0, first_wrong = 64, found_other = 0;
    CHECK_EQ(test_paddr_at(t.ag, p, 64), t.pa);
    for (unsigned bit = 0; bit < 64; bit++) {
        seL4_Word q = p ^ (1ul << bit);
        seL4_Error err = seL4_CNode_Copy(ROOT, s, D, t.ag, q, 64, seL4_AllRights);
        seL4_ErrorDetail_t d = seL4_GetErrorDetail();
        int ok;
        if (bit >= 44) { /* A's guard */
            ok = err == seL4_FailedLookup && d.source == 1 && d.lookup_type == seL4_GuardMismatch &&
                 d.bits_left == 64 && d.guard_found == G1 && d.bits_found == 20;
        } else if (bit >= 40) { /* A's index: an empty slot or the frame at IDX1 ^ 1 */
            ok = err == seL4_FailedLookup && d.source == 1 && d.lookup_type == seL4_DepthMismatch &&
                 d.bits_left == 40 && d.bits_found == 0;
        } else if (bit >= 8) { /* B's guard */
            ok = err == seL4_FailedLookup && d.source == 1 && d.lookup_type == seL4_GuardMismatch &&
                 d.bits_left == 40 && d.guard_found == G2 && d.bits_found == 32;
        } else if (bit == 0) { /* B's index: IDX2 ^ 1 holds the second frame */
            ok = err == seL4_NoError && test_paddr(s) == t.pa2;
            found_other += ok;
        } else { /* B's index: empty slots */
            ok = err == seL4_FailedLookup && d.source == 1 &&
                 d.lookup_type == seL4_MissingCapability && d.bits_left == 64;
        }
        if (err == seL4_NoError) {
            CHECK_EQ(seL4_CNode_Delete(ROOT, s, D), seL4_NoError);
        }
        if (!ok) {
            wrong++;
            first_wrong = first_wrong < bit ? first_wrong : bit;
        }
    }
    CHECK_EQ(wrong, 0);
    CHECK_EQ(first_wrong, 64);
    CHECK_EQ(found_other, 1);
    /* The same flips as destinations of Delete: lookup failures name the destination side;
     * the one flip that names the second frame deletes it and nothing else. */
    wrong = 0;
    for (unsigned bit = 0; bit < 64; bit++) {
        seL4_Error err = seL4_CNode_Delete(t.ag, p ^ (1ul << bit), 64);
        seL4_ErrorDetail_t d = seL4_GetErrorDetail();
        int ok = bit < 8 ? err == seL4_NoError : err == seL4_FailedLookup && d.source == 0;
        wrong += !ok;
    }
    CHECK_EQ(wrong, 0);
    CHECK_EQ(test_paddr_at(t.ag, p, 64), t.pa);
    CHECK_EQ(test_slot_empty_at(t.b, IDX2 ^ 1, 8), 1);
    CHECK_EQ(test_paddr_at(t.a, IDX1 ^ 1, 4), t.pa3);
}
DEFINE_TEST(CSPACE0007, "each of 64 bits flipped in a two-level pointer: right error or slot",
            cspace_bit_flips);

static void cspace_cycle(void)
{
    /* A CNode holding a capability to itself: every level consumes 4 bits, so a 64-bit lookup
     * goes round 16 times and ends. */
    seL4_CPtr u = test_untyped(12), c = test_slot(), x = test_slot(), cc = test_slot();
    CHECK_EQ(seL4_Untyped_Retype(u, seL4_X86_4K, 0, ROOT, 0, 0, x, 1), seL4_NoError);
    seL4_Word base = test_paddr(x);
    CHECK_EQ(seL4_CNode_Revoke(ROOT, u, D), seL4_NoError);
    CHECK_EQ(seL4_Untyped_Retype(u, seL4_CapTableObject, 4, ROOT, 0, 0, c, 1), seL4_NoError);
    CHECK_EQ(seL4_CNode_Copy(c, 0, 4, ROOT, c, D, seL4_AllRights), seL4_NoError);
    seL4_Word pa = frame_into(c, 5, 4);
    CHECK_EQ(test_paddr_at(c, 5, 64), pa);
    check_fail(copy_from(c, 0x50, 64), 1, seL4_DepthMismatch, 4, 0, 0);
    CHECK_EQ(seL4_CNode_Copy(ROOT, cc, D, c, 0, 64, seL4_AllRights), seL4_NoError);
    CHECK_EQ(test_paddr_at(cc, 5, 4), pa);
    /* Revoking the untyped deletes the CNode although it holds a capability to itself. */
    CHECK_EQ(seL4_CNode_Revoke(ROOT, u, D), seL4_NoError);
    CHECK_EQ(test_probe(c), seL4_InvalidCapability);
    CHECK_EQ(test_probe(cc), seL4_InvalidCapability);
    CHECK_EQ(seL4_Untyped_Retype(u, seL4_X86_4K, 0, ROOT, 0, 0, x, 1), seL4_NoError);
    CHECK_EQ(test_paddr(x), base);
}
DEFINE_TEST(CSPACE0008, "a CNode holding itself: lookups end after 64 bits; revoke reclaims it",
            cspace_cycle);

static void cspace_self_held_last_cap(void)
{
    /* The only capability left to a CNode is stored inside that CNode (at its slot 0, and then
     * at slot 3): revoking the untyped must still tear it down and terminate. */
    for (seL4_Word at = 0; at < 4; at += 3) {
        seL4_CPtr u = test_untyped(12), c = test_slot(), x = test_slot();
        CHECK_EQ(seL4_Untyped_Retype(u, seL4_CapTableObject, 4, ROOT, 0, 0, c, 1), seL4_NoError);
        seL4_Word pa = frame_into(c, 5, 4);
        CHECK(pa != 0);
        CHECK_EQ(seL4_CNode_Copy(c, at, 4, ROOT, c, D, seL4_AllRights), seL4_NoError);
        CHECK_EQ(seL4_CNode_Delete(ROOT, c, D), seL4_NoError);
        CHECK_EQ(test_probe(c), seL4_InvalidCapability);
        CHECK_EQ(seL4_CNode_Revoke(ROOT, u, D), seL4_NoError);
        /* Everything made from the untyped is gone: all of it can be retyped again. */
        CHECK_EQ(seL4_Untyped_Retype(u, seL4_UntypedObject, 12, ROOT, 0, 0, x, 1), seL4_NoError);
    }
}
DEFINE_TEST(CSPACE0012, "a CNode whose last capability is inside itself is torn down by Revoke",
            cspace_self_held_last_cap);

static void cspace_mutually_held_caps(void)
{
    /* Two CNodes whose only capabilities are held by each other, and a third in a chain
     * through them: revoking the untyped tears all of them down and terminates. */
    seL4_CPtr u = test_untyped(12), c1 = test_slot(), c2 = test_slot(), c3 = test_slot();
    seL4_CPtr x = test_slot();
    CHECK_EQ(seL4_Untyped_Retype(u, seL4_CapTableObject, 3, ROOT, 0, 0, c1, 1), seL4_NoError);
    CHECK_EQ(seL4_Untyped_Retype(u, seL4_CapTableObject, 3, ROOT, 0, 0, c2, 1), seL4_NoError);
    CHECK_EQ(seL4_Untyped_Retype(u, seL4_CapTableObject, 3, ROOT, 0, 0, c3, 1), seL4_NoError);
    CHECK_EQ(seL4_CNode_Move(c1, 2, 3, ROOT, c2, D), seL4_NoError);
    CHECK_EQ(seL4_CNode_Move(c1, 5, 3, ROOT, c3, D), seL4_NoError);
    CHECK_EQ(seL4_CNode_Copy(ROOT, c2, D, c1, 2, 3, seL4_AllRights), seL4_NoError);
    CHECK_EQ(seL4_CNode_Move(c2, 0, 3, ROOT, c1, D), seL4_NoError);
    CHECK_EQ(seL4_CNode_Delete(ROOT, c2, D), seL4_NoError);
    CHECK_EQ(seL4_CNode_Revoke(ROOT, u, D), seL4_NoError);
    CHECK_EQ(seL4_Untyped_Retype(u, seL4_UntypedObject, 12, ROOT, 0, 0, x, 1), seL4_NoError);
}
DEFINE_TEST(CSPACE0013, "CNodes holding each other's last capabilities are torn down by Revoke",
            cspace_mutually_held_caps);

static void cspace_broken_chain(void)
{
    two_level_t t;
    two_level_make(&t);
    const seL4_Word p = ptr2(G1, IDX1, G2, IDX2);
    /* Without B's capability in A the path ends at an empty slot with 40 bits left. */
    CHECK_EQ(seL4_CNode_Delete(t.a, IDX1, 4), seL4_NoError);
    check_fail(copy_from(t.ag, p, 64), 1, seL4_DepthMismatch, 40, 0, 0);
    CHECK_EQ(test_paddr_at(t.b, IDX2, 8), t.pa);
    /* B with another guard: the old pointer mismatches, the new one resolves. */
    CHECK_EQ(seL4_CNode_Mint(t.a, IDX1, 4, ROOT, t.b, D, seL4_AllRights, guard_data(0x77, 32)),
             seL4_NoError);
    check_fail(copy_from(t.ag, p, 64), 1, seL4_GuardMismatch, 40, 0x77, 32);
    CHECK_EQ(test_paddr_at(t.ag, ptr2(G1, IDX1, 0x77, IDX2), 64), t.pa);
    /* Revoking B removes the minted capability in A: the path breaks again. */
    CHECK_EQ(seL4_CNode_Revoke(ROOT, t.b, D), seL4_NoError);
    CHECK_EQ(test_slot_empty_at(t.a, IDX1, 4), 1);
    check_fail(copy_from(t.ag, ptr2(G1, IDX1, 0x77, IDX2), 64), 1, seL4_DepthMismatch, 40, 0, 0);
    /* Revoking A removes its guarded copy, the root of the space. */
    CHECK_EQ(seL4_CNode_Revoke(ROOT, t.a, D), seL4_NoError);
    CHECK_EQ(test_probe(t.ag), seL4_InvalidCapability);
    CHECK_EQ(test_paddr_at(t.a, IDX1 ^ 1, 4), t.pa3);
}
DEFINE_TEST(CSPACE0009, "deleting, re-guarding and revoking a CNode in the chain re-routes lookups",
            cspace_broken_chain);

static void cspace_service_guard(void)
{
    two_level_t t;
    two_level_make(&t);
    /* Invoking a guarded CNode capability: the destination index goes through its guard. */
    seL4_CPtr bg = test_slot(), f = test_object(seL4_X86_4K, 0);
    seL4_Word pf = test_paddr(f);
    CHECK_EQ(seL4_CNode_Copy(ROOT, bg, D, t.ag, (G1 << 4) | IDX1, 24, seL4_AllRights),
             seL4_NoError);
    CHECK_EQ(seL4_CNode_Copy(bg, (G2 << 8) | 0x20, 40, ROOT, f, D, seL4_AllRights), seL4_NoError);
    CHECK_EQ(test_paddr_at(t.b, 0x20, 8), pf);
    check_fail(seL4_CNode_Copy(bg, 0x21, 8, ROOT, f, D, seL4_AllRights), 0, seL4_GuardMismatch, 8,
               G2, 32);
    check_fail(seL4_CNode_Delete(bg, (G2 << 8) | 0x20, 64), 0, seL4_GuardMismatch, 64, G2, 32);
    CHECK_EQ(seL4_CNode_Delete(bg, (G2 << 8) | 0x20, 40), seL4_NoError);
    CHECK_EQ(test_slot_empty_at(t.b, 0x20, 8), 1);
}
DEFINE_TEST(CSPACE0010, "an invoked CNode's own guard applies to the destination index",
            cspace_service_guard);

static void cspace_radix_one(void)
{
    /* The smallest CNode (2 slots) with a 63-bit guard resolves a whole word in one level. */
    seL4_CPtr c = test_cnode(1), cg = test_slot();
    seL4_Word pa0 = frame_into(c, 0, 1), pa1 = frame_into(c, 1, 1);
    CHECK(pa0 != pa1);
    /* The guard field holds 58 bits; a 63-bit guard's top 5 bits are therefore 0. */
    const seL4_Word g58 = 0x25a5a5a5a5a5a5aul;
    CHECK_EQ(seL4_CNode_Mint(ROOT, cg, D, ROOT, c, D, seL4_AllRights, guard_data(g58, 63)),
             seL4_NoError);
    CHECK_EQ(test_paddr_at(cg, (g58 << 1) | 1, 64), pa1);
    CHECK_EQ(test_paddr_at(cg, g58 << 1, 64), pa0);
    check_fail(copy_from(cg, ((g58 ^ 1) << 1) | 1, 64), 1, seL4_GuardMismatch, 64, g58, 63);
}
DEFINE_TEST(CSPACE0011, "a 2-slot CNode with a 63-bit guard resolves a whole word in one level",
            cspace_radix_one);
