/* STRESS: long sequences of retype and revoke on one untyped, with every cycle's memory coming
 * back; revokes long enough to be preempted (debug kernels simulate an interrupt every 100 units
 * of work) and restarted. */
#include "support.h"
#include "test.h"

#define ROOT    seL4_CapInitThreadCNode
#define D       TEST_ROOT_DEPTH
#define PAGE    4096ul
#define CYCLES  10000
#define UT_BITS 16

/* Records a failure of one step without flooding the log: counts, and remembers the first. */
typedef struct {
    unsigned failures;
    unsigned first_cycle, first_step;
} tally_t;

static void tally(tally_t *t, int ok, unsigned cycle, unsigned step)
{
    if (!ok && t->failures++ == 0) {
        t->first_cycle = cycle;
        t->first_step = step;
    }
}

/* One cycle's objects: endpoints, notifications and frames in the CNode c; a frame, a small
 * CNode, an untyped (with a grandchild frame) and a badged endpoint in root slots r..r+3;
 * copies in both. Every 100th cycle also 256 more endpoints, so that Revoke is preempted. */
static void stress_cycle(tally_t *t, unsigned n, seL4_CPtr u, seL4_CPtr c, seL4_CPtr r,
                         seL4_Word base)
{
    tally(t, seL4_Untyped_Retype(u, seL4_EndpointObject, 0, c, 0, 0, 0, 4) == seL4_NoError, n, 1);
    tally(t, seL4_Untyped_Retype(u, seL4_NotificationObject, 0, c, 0, 0, 4, 2) == seL4_NoError, n,
          2);
    tally(t, seL4_Untyped_Retype(u, seL4_X86_4K, 0, ROOT, 0, 0, r + 2, 1) == seL4_NoError, n, 3);
    if (n % 4) {
        tally(t, seL4_Untyped_Retype(u, seL4_X86_4K, 0, c, 0, 0, 6, n % 4) == seL4_NoError, n, 4);
    }
    tally(t, seL4_Untyped_Retype(u, seL4_CapTableObject, 2, ROOT, 0, 0, r + 1, 1) == seL4_NoError,
          n, 5);
    tally(t, seL4_Untyped_Retype(u, seL4_UntypedObject, 12, ROOT, 0, 0, r, 1) == seL4_NoError, n,
          6);
    tally(t, seL4_Untyped_Retype(r, seL4_X86_4K, 0, c, 0, 0, 10, 1) == seL4_NoError, n, 7);
    tally(t, seL4_CNode_Copy(r + 1, 0, 2, c, 0, 9, seL4_AllRights) == seL4_NoError, n, 8);
    tally(t, seL4_CNode_Mint(ROOT, r + 3, D, c, 1, 9, seL4_AllRights, n + 1) == seL4_NoError, n, 9);
    tally(t, seL4_CNode_Copy(c, 11, 9, ROOT, r + 3, D, seL4_AllRights) == seL4_NoError, n, 10);
    if (n % 100 == 0) {
        tally(t, seL4_Untyped_Retype(u, seL4_EndpointObject, 0, c, 0, 0, 256, 256) == seL4_NoError,
              n, 11);
    }
    /* The first frame of every cycle is at the same place: the untyped started from its base. */
    tally(t, test_paddr(r + 2) == base + PAGE, n, 12);
    tally(t, seL4_CNode_Revoke(ROOT, u, D) == seL4_NoError, n, 13);
}

/* Everything a cycle made is gone and the whole untyped is usable again. */
static void stress_check_empty(tally_t *t, unsigned n, seL4_CPtr u, seL4_CPtr c, seL4_CPtr r)
{
    for (seL4_CPtr i = 0; i < 4; i++) {
        tally(t, test_probe(r + i) == seL4_InvalidCapability, n, 20);
    }
    for (seL4_Word i = 0; i < 512; i += 11) {
        tally(t, test_slot_empty_at(c, i, 9) == 1, n, 21);
    }
    tally(t, seL4_Untyped_Retype(u, seL4_UntypedObject, UT_BITS, ROOT, 0, 0, r, 1) == seL4_NoError,
          n, 22);
    tally(t, seL4_CNode_Revoke(ROOT, u, D) == seL4_NoError, n, 23);
}

static void stress_retype_revoke(void)
{
    seL4_CPtr u = test_untyped(UT_BITS), c = test_cnode(9), r = test_slots(4);
    CHECK_EQ(seL4_Untyped_Retype(u, seL4_X86_4K, 0, ROOT, 0, 0, r, 1), seL4_NoError);
    seL4_Word base = test_paddr(r);
    CHECK_EQ(seL4_CNode_Revoke(ROOT, u, D), seL4_NoError);
    tally_t t = {0, 0, 0};
    for (unsigned n = 0; n < CYCLES; n++) {
        stress_cycle(&t, n, u, c, r, base);
        if (n % 1000 == 999) {
            stress_check_empty(&t, n, u, c, r);
        }
    }
    CHECK_EQ(t.failures, 0);
    CHECK_EQ(t.first_cycle, 0);
    CHECK_EQ(t.first_step, 0);
    /* At the end: one untyped of the full size, then a frame at the base. */
    CHECK_EQ(seL4_Untyped_Retype(u, seL4_UntypedObject, UT_BITS, ROOT, 0, 0, r, 1), seL4_NoError);
    CHECK_EQ(seL4_Untyped_Retype(u, seL4_EndpointObject, 0, ROOT, 0, 0, r + 1, 1),
             seL4_NotEnoughMemory);
    CHECK_EQ(seL4_CNode_Revoke(ROOT, u, D), seL4_NoError);
    CHECK_EQ(seL4_Untyped_Retype(u, seL4_X86_4K, 0, ROOT, 0, 0, r, 1), seL4_NoError);
    CHECK_EQ(test_paddr(r), base);
    CHECK_EQ(seL4_CNode_Revoke(ROOT, u, D), seL4_NoError);
}
DEFINE_TEST(STRESS0001, "10,000 retype/revoke cycles on one untyped; all memory usable again",
            stress_retype_revoke);

static void stress_long_chains(void)
{
    /* 1024 copies of copies of a frame: Revoke of the original removes all of them. */
    seL4_CPtr f = test_object(seL4_X86_4K, 0), c = test_cnode(10);
    seL4_Word pa = test_paddr(f);
    unsigned bad = 0;
    bad += seL4_CNode_Copy(c, 0, 10, ROOT, f, D, seL4_AllRights) != seL4_NoError;
    for (seL4_Word i = 1; i < 1024; i++) {
        bad += seL4_CNode_Copy(c, i, 10, c, i - 1, 10, seL4_AllRights) != seL4_NoError;
    }
    CHECK_EQ(bad, 0);
    CHECK_EQ(test_paddr_at(c, 1023, 10), pa);
    CHECK_EQ(seL4_CNode_Revoke(ROOT, f, D), seL4_NoError);
    unsigned left = 0;
    for (seL4_Word i = 0; i < 1024; i++) {
        left += test_slot_empty_at(c, i, 10) != 1;
    }
    CHECK_EQ(left, 0);
    CHECK_EQ(test_paddr(f), pa);
    /* An untyped nested 17 deep (2^20 down to 2^4), then Revoke of the top one. */
    seL4_CPtr top = test_untyped(20), chain = test_slots(17);
    seL4_CPtr parent = top;
    bad = 0;
    for (seL4_Word i = 0; i < 17; i++) {
        bad += seL4_Untyped_Retype(parent, seL4_UntypedObject, 20 - i, ROOT, 0, 0, chain + i, 1) !=
               seL4_NoError;
        parent = chain + i;
    }
    CHECK_EQ(bad, 0);
    CHECK_EQ(seL4_CNode_Revoke(ROOT, top, D), seL4_NoError);
    left = 0;
    for (seL4_Word i = 0; i < 17; i++) {
        left += test_probe(chain + i) != seL4_InvalidCapability;
    }
    CHECK_EQ(left, 0);
    CHECK_EQ(seL4_Untyped_Retype(top, seL4_UntypedObject, 20, ROOT, 0, 0, chain, 1), seL4_NoError);
}
DEFINE_TEST(STRESS0002, "Revoke of 1024 chained copies and of a 17-deep untyped chain",
            stress_long_chains);
