/*
 * Host tests for kernel/src/kernel/cdt.c: the capability predicates for every capability type,
 * hand-picked derivation trees (copies, retype children, badge groups, move, swap, remove) and
 * random operation sequences checked against an explicit parent-pointer model of seL4's rules.
 */
#include "test.h"

#include <object/cdt.h>

#define POOL 48

static cte_t pool[POOL];

static int idx(const cte_t *s)
{
    return s ? (int)(s - pool) : -1;
}

static cte_t *S(int i)
{
    return &pool[i];
}

static void pool_reset(void)
{
    memset(pool, 0, sizeof(pool));
}

static bool cap_eq(cap_t a, cap_t b)
{
    return a.words[0] == b.words[0] && a.words[1] == b.words[1];
}

/* Physical addresses of the hand-made objects: a 1 MiB untyped at 1 MiB and objects in it. */
#define UT_BASE 0x100000ul
#define UT_BITS 20

static cap_t ep(paddr_t pa, word_t badge)
{
    return cap_endpoint_new(pa, badge, CAP_RIGHTS_ALL);
}

static cap_t ntfn(paddr_t pa, word_t badge)
{
    return cap_notification_new(pa, badge, CAP_RIGHT_READ | CAP_RIGHT_WRITE);
}

/* --- The capability predicates, for every type ----------------------------------------- */

static void test_physical_and_sizes(void)
{
    struct {
        cap_t cap;
        bool physical;
        unsigned bits;
    } t[] = {
        {cap_untyped_new(UT_BASE, UT_BITS, false, 0), true, UT_BITS},
        {cap_untyped_new(0, CAP_MAX_UNTYPED_BITS, true, 0), true, CAP_MAX_UNTYPED_BITS},
        {ep(UT_BASE, 0), true, 4},
        {ntfn(UT_BASE, 3), true, 5},
        {cap_cnode_new(UT_BASE, 4, 3, 5), true, 9},
        {cap_cnode_new(UT_BASE, 12, 0, 0), true, 17},
        {cap_thread_new(UT_BASE), true, 11},
        {cap_zombie_new(UT_BASE, 4, 16), true, 9},
        {cap_zombie_new(UT_BASE, ZOMBIE_TYPE_TCB, 5), true, 11},
        {cap_frame_new(UT_BASE, FRAME_SIZE_4K, VM_READ_WRITE, false, 0x400000, 3), true, 12},
        {cap_frame_new(UT_BASE, FRAME_SIZE_2M, VM_READ_ONLY, true, 0, 0), true, 21},
        {cap_frame_new(UT_BASE, FRAME_SIZE_1G, VM_READ_ONLY, false, 0, 0), true, 30},
        {cap_paging_new(CAP_TYPE_PAGE_TABLE, UT_BASE, 0x200000, 1), true, 12},
        {cap_paging_new(CAP_TYPE_PAGE_DIRECTORY, UT_BASE, 0, 0), true, 12},
        {cap_paging_new(CAP_TYPE_PDPT, UT_BASE, 0, 0), true, 12},
        {cap_pml4_new(UT_BASE, 7), true, 12},
        {cap_asid_pool_new(UT_BASE, 512), true, 12},
        {cap_null(), false, 0},
        {cap_reply_new(UT_BASE, true, true), false, 0},
        {cap_control_new(CAP_TYPE_IRQ_CONTROL), false, 0},
        {cap_irq_handler_new(5), false, 0},
        {cap_control_new(CAP_TYPE_DOMAIN), false, 0},
        {cap_control_new(CAP_TYPE_ASID_CONTROL), false, 0},
        {cap_control_new(CAP_TYPE_IO_PORT_CONTROL), false, 0},
        {cap_io_port_new(0x60, 0x64), false, 0},
        {cap_control_new(CAP_TYPE_IO_SPACE), false, 0},
    };
    bool seen[N_CAP_TYPES] = {false};
    for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
        seen[cap_type(t[i].cap)] = true;
        CHECK_EQ(cap_is_physical(t[i].cap), t[i].physical);
        if (t[i].physical) {
            CHECK_EQ(cap_object_size_bits(t[i].cap), t[i].bits);
        } else {
            (void)cap_object_size_bits(t[i].cap); /* defined (not meaningful) for the rest */
        }
    }
    for (int ty = 0; ty < N_CAP_TYPES; ty++) {
        if (!seen[ty]) {
            TEST_FAIL("capability type %d not covered", ty);
        }
    }
}

/* A capability of each type, the physical ones inside the untyped at UT_BASE. */
static cap_t sample_cap(cap_type_t ty)
{
    switch (ty) {
    case CAP_TYPE_UNTYPED:
        return cap_untyped_new(UT_BASE + 0x80000, 16, false, 0);
    case CAP_TYPE_ENDPOINT:
        return ep(UT_BASE + 0x10, 0);
    case CAP_TYPE_NOTIFICATION:
        return ntfn(UT_BASE + 0x20, 0);
    case CAP_TYPE_REPLY:
        return cap_reply_new(UT_BASE + 0x800, true, false);
    case CAP_TYPE_CNODE:
        return cap_cnode_new(UT_BASE + 0x200, 4, 0, 0);
    case CAP_TYPE_THREAD:
        return cap_thread_new(UT_BASE + 0x800);
    case CAP_TYPE_IRQ_CONTROL:
    case CAP_TYPE_DOMAIN:
    case CAP_TYPE_ASID_CONTROL:
    case CAP_TYPE_IO_PORT_CONTROL:
    case CAP_TYPE_IO_SPACE:
    case CAP_TYPE_NULL:
        return cap_control_new(ty);
    case CAP_TYPE_IRQ_HANDLER:
        return cap_irq_handler_new(9);
    case CAP_TYPE_ZOMBIE:
        return cap_zombie_new(UT_BASE + 0x1000, 3, 8);
    case CAP_TYPE_FRAME:
        return cap_frame_new(UT_BASE + 0x2000, FRAME_SIZE_4K, VM_READ_WRITE, false, 0, 0);
    case CAP_TYPE_PAGE_TABLE:
    case CAP_TYPE_PAGE_DIRECTORY:
    case CAP_TYPE_PDPT:
        return cap_paging_new(ty, UT_BASE + 0x3000 + ((word_t)ty << 12), 0, 0);
    case CAP_TYPE_PML4:
        return cap_pml4_new(UT_BASE + 0x10000, 0);
    case CAP_TYPE_ASID_POOL:
        return cap_asid_pool_new(UT_BASE + 0x11000, 0);
    case CAP_TYPE_IO_PORT:
        return cap_io_port_new(0x3f8, 0x3ff);
    default:
        return cap_null();
    }
}

static void test_same_region_and_object(void)
{
    /* Across types: only the pairs seL4's sameRegionAs names. */
    cap_t ut = cap_untyped_new(UT_BASE, UT_BITS, false, 0x1000);
    for (int a = 0; a < N_CAP_TYPES; a++) {
        for (int b = 0; b < N_CAP_TYPES; b++) {
            cap_t ca = sample_cap((cap_type_t)a), cb = sample_cap((cap_type_t)b);
            bool want = a == b && a != CAP_TYPE_NULL && a != CAP_TYPE_ZOMBIE;
            if ((a == CAP_TYPE_IRQ_CONTROL && b == CAP_TYPE_IRQ_HANDLER) ||
                (a == CAP_TYPE_IO_PORT_CONTROL && b == CAP_TYPE_IO_PORT)) {
                want = true;
            }
            if (a == CAP_TYPE_UNTYPED) {
                want = b == CAP_TYPE_UNTYPED;
            }
            test_checks++;
            if (cap_same_region_as(ca, cb) != want) {
                TEST_FAIL("same_region_as(type %d, type %d) != %d", a, b, want);
            }
            bool want_obj = want && a != CAP_TYPE_UNTYPED && !(a != b);
            test_checks++;
            if (cap_same_object_as(ca, cb) != want_obj) {
                TEST_FAIL("same_object_as(type %d, type %d) != %d", a, b, want_obj);
            }
            /* The untyped contains every physical object inside it, and nothing else. */
            CHECK_EQ(cap_same_region_as(ut, cb), cap_is_physical(cb));
            CHECK(!cap_same_object_as(ut, cb));
        }
    }

    /* Untyped containment at the edges. */
    CHECK(cap_same_region_as(ut, ut));
    CHECK(!cap_same_object_as(ut, ut));
    CHECK(cap_same_region_as(ut, cap_untyped_new(UT_BASE, UT_BITS, false, 0)));
    CHECK(!cap_same_region_as(ut, cap_untyped_new(UT_BASE, UT_BITS + 1, false, 0)));
    CHECK(!cap_same_region_as(cap_untyped_new(UT_BASE + 0x1000, 12, false, 0), ut));
    CHECK(cap_same_region_as(ut, cap_frame_new(UT_BASE + 0xff000, 0, 3, false, 0, 0)));
    CHECK(!cap_same_region_as(ut, cap_frame_new(UT_BASE + 0x100000, 0, 3, false, 0, 0)));
    CHECK(!cap_same_region_as(ut, cap_frame_new(UT_BASE - 0x1000, 0, 3, false, 0, 0)));
    CHECK(!cap_same_region_as(ut, cap_frame_new(0, FRAME_SIZE_2M, 3, false, 0, 0)));
    CHECK(cap_same_region_as(ut, ep(UT_BASE + 0xffff0, 0)));
    CHECK(!cap_same_region_as(ut, cap_cnode_new(UT_BASE + 0xffe00, 5, 0, 0))); /* straddles */
    CHECK(cap_same_region_as(ut, cap_cnode_new(UT_BASE + 0xffc00, 5, 0, 0)));
    CHECK(cap_same_region_as(ut, cap_zombie_new(UT_BASE + 0xff800, ZOMBIE_TYPE_TCB, 5)));
    CHECK(!cap_same_region_as(ut, cap_zombie_new(UT_BASE + 0xffc00, ZOMBIE_TYPE_TCB, 5)));
    CHECK(!cap_same_region_as(ut, cap_reply_new(UT_BASE + 0x800, true, true)));
    cap_t ut0 = cap_untyped_new(0, 12, false, 0);
    CHECK(cap_same_region_as(ut0, ep(0, 0)));
    CHECK(cap_same_region_as(ut0, cap_frame_new(0, 0, 3, false, 0, 0)));
    cap_t top = cap_untyped_new(CAP_PADDR_MASK & ~MASK(30), 30, false, 0);
    CHECK(cap_same_region_as(top, cap_frame_new(CAP_PADDR_MASK & ~MASK(12), 0, 3, false, 0, 0)));
    CHECK(cap_same_region_as(top, cap_frame_new(CAP_PADDR_MASK & ~MASK(30), 2, 3, false, 0, 0)));

    /* Endpoints and notifications: the object, whatever the badge and rights. */
    CHECK(cap_same_region_as(ep(0x1000, 0), ep(0x1000, 5)));
    CHECK(cap_same_object_as(ep(0x1000, 5), cap_endpoint_new(0x1000, 6, CAP_RIGHT_READ)));
    CHECK(!cap_same_region_as(ep(0x1000, 0), ep(0x1010, 0)));
    CHECK(!cap_same_region_as(ep(0x1000, 0), ntfn(0x1000, 0)));
    CHECK(cap_same_object_as(ntfn(0x1000, 1), ntfn(0x1000, 2)));
    CHECK(!cap_same_object_as(ntfn(0x1000, 1), ntfn(0x1020, 1)));

    /* CNodes: address and radix; the guard does not matter. */
    CHECK(cap_same_object_as(cap_cnode_new(0x2000, 4, 0, 0), cap_cnode_new(0x2000, 4, 7, 99)));
    CHECK(!cap_same_region_as(cap_cnode_new(0x2000, 4, 0, 0), cap_cnode_new(0x2000, 5, 0, 0)));
    CHECK(!cap_same_region_as(cap_cnode_new(0x2000, 4, 0, 0), cap_cnode_new(0x2200, 4, 0, 0)));

    /* Threads and replies (a reply names its TCB but is not the thread's capability). */
    CHECK(cap_same_object_as(cap_thread_new(0x4000), cap_thread_new(0x4000)));
    CHECK(!cap_same_object_as(cap_thread_new(0x4000), cap_thread_new(0x4800)));
    CHECK(cap_same_object_as(cap_reply_new(0x4000, true, true), cap_reply_new(0x4000, 0, 0)));
    CHECK(!cap_same_region_as(cap_reply_new(0x4000, true, true), cap_thread_new(0x4000)));
    CHECK(!cap_same_region_as(cap_thread_new(0x4000), cap_reply_new(0x4000, true, true)));

    /* Frames: a large frame's region holds the small frames inside it, but they are other
     * objects; the device bit and the size tell frames at one address apart. */
    cap_t f2m = cap_frame_new(0x200000, FRAME_SIZE_2M, 3, false, 0, 0);
    cap_t f4k = cap_frame_new(0x3ff000, FRAME_SIZE_4K, 3, false, 0x1000, 1);
    CHECK(cap_same_region_as(f2m, f4k));
    CHECK(!cap_same_object_as(f2m, f4k));
    CHECK(!cap_same_region_as(f4k, f2m));
    CHECK(!cap_same_region_as(f2m, cap_frame_new(0x400000, FRAME_SIZE_4K, 3, false, 0, 0)));
    cap_t f2m_mapped = cap_frame_new(0x200000, FRAME_SIZE_2M, 2, false, 0x40000000, 9);
    CHECK(cap_same_object_as(f2m, f2m_mapped));
    cap_t f2m_dev = cap_frame_new(0x200000, FRAME_SIZE_2M, 3, true, 0, 0);
    CHECK(cap_same_region_as(f2m, f2m_dev));
    CHECK(!cap_same_object_as(f2m, f2m_dev));
    CHECK(!cap_same_object_as(f2m, cap_frame_new(0x200000, FRAME_SIZE_4K, 3, false, 0, 0)));
    cap_t f1g = cap_frame_new(0x40000000, FRAME_SIZE_1G, 3, false, 0, 0);
    CHECK(cap_same_region_as(f1g, cap_frame_new(0x7fe00000, FRAME_SIZE_2M, 3, false, 0, 0)));
    CHECK(!cap_same_region_as(f1g, cap_frame_new(0x80000000, FRAME_SIZE_4K, 3, false, 0, 0)));

    /* Paging structures: type and address; the mapping does not matter. */
    cap_type_t paging[] = {CAP_TYPE_PAGE_TABLE, CAP_TYPE_PAGE_DIRECTORY, CAP_TYPE_PDPT};
    for (size_t i = 0; i < ARRAY_SIZE(paging); i++) {
        cap_t a = cap_paging_new(paging[i], 0x5000, 0, 0);
        CHECK(cap_same_object_as(a, cap_paging_new(paging[i], 0x5000, 0x200000, 4)));
        CHECK(!cap_same_region_as(a, cap_paging_new(paging[i], 0x6000, 0, 0)));
        CHECK(!cap_same_region_as(a, cap_paging_new(paging[(i + 1) % 3], 0x5000, 0, 0)));
        CHECK(!cap_same_region_as(a, cap_pml4_new(0x5000, 0)));
    }
    CHECK(cap_same_object_as(cap_pml4_new(0x5000, 0), cap_pml4_new(0x5000, 3)));
    CHECK(cap_same_object_as(cap_asid_pool_new(0x5000, 0), cap_asid_pool_new(0x5000, 512)));
    CHECK(!cap_same_object_as(cap_asid_pool_new(0x5000, 0), cap_asid_pool_new(0x6000, 0)));

    /* IRQs and I/O ports: the control capability's region holds the issued ones; objects are
     * the IRQ number and the exact port range. */
    cap_t irqc = cap_control_new(CAP_TYPE_IRQ_CONTROL);
    CHECK(cap_same_region_as(irqc, cap_irq_handler_new(3)));
    CHECK(!cap_same_object_as(irqc, cap_irq_handler_new(3)));
    CHECK(cap_same_object_as(irqc, irqc));
    CHECK(!cap_same_region_as(cap_irq_handler_new(3), irqc));
    CHECK(cap_same_object_as(cap_irq_handler_new(3), cap_irq_handler_new(3)));
    CHECK(!cap_same_region_as(cap_irq_handler_new(3), cap_irq_handler_new(4)));
    cap_t ioc = cap_control_new(CAP_TYPE_IO_PORT_CONTROL);
    CHECK(cap_same_region_as(ioc, cap_io_port_new(0x60, 0x64)));
    CHECK(!cap_same_object_as(ioc, cap_io_port_new(0x60, 0x64)));
    CHECK(cap_same_object_as(ioc, ioc));
    CHECK(!cap_same_region_as(cap_io_port_new(0x60, 0x64), ioc));
    CHECK(cap_same_object_as(cap_io_port_new(0x60, 0x64), cap_io_port_new(0x60, 0x64)));
    CHECK(!cap_same_region_as(cap_io_port_new(0x60, 0x64), cap_io_port_new(0x60, 0x63)));
    CHECK(!cap_same_region_as(cap_io_port_new(0x60, 0x64), cap_io_port_new(0x61, 0x64)));

    /* Null and zombie capabilities have no region, not even their own. */
    CHECK(!cap_same_region_as(cap_null(), cap_null()));
    cap_t z = cap_zombie_new(0x8000, 4, 16);
    CHECK(!cap_same_region_as(z, z));
    CHECK(!cap_same_object_as(z, z));
}

static void test_is_revocable(void)
{
    cap_t e0 = ep(0x1000, 0), e5 = ep(0x1000, 5), n0 = ntfn(0x2000, 0), n7 = ntfn(0x2000, 7);
    CHECK(cap_is_revocable(e5, e0)); /* Mint with a badge */
    CHECK(!cap_is_revocable(e0, e0));
    CHECK(!cap_is_revocable(e5, e5));
    CHECK(cap_is_revocable(n7, n0));
    CHECK(!cap_is_revocable(n0, n0));
    cap_t ut = cap_untyped_new(UT_BASE, UT_BITS, false, 0);
    CHECK(cap_is_revocable(ut, ut));
    cap_t irqc = cap_control_new(CAP_TYPE_IRQ_CONTROL), h = cap_irq_handler_new(3);
    CHECK(cap_is_revocable(h, irqc));
    CHECK(!cap_is_revocable(h, h));
    cap_t ioc = cap_control_new(CAP_TYPE_IO_PORT_CONTROL), io = cap_io_port_new(1, 2);
    CHECK(cap_is_revocable(io, ioc));
    CHECK(!cap_is_revocable(io, io));
    cap_t others[] = {cap_cnode_new(0x2000, 4, 0, 0),
                      cap_thread_new(0x4000),
                      cap_frame_new(0x5000, 0, 3, false, 0, 0),
                      cap_paging_new(CAP_TYPE_PAGE_TABLE, 0x6000, 0, 0),
                      cap_pml4_new(0x7000, 0),
                      cap_asid_pool_new(0x8000, 0),
                      cap_control_new(CAP_TYPE_DOMAIN)};
    for (size_t i = 0; i < ARRAY_SIZE(others); i++) {
        CHECK(!cap_is_revocable(others[i], others[i]));
    }
}

/* --- Checking the list ---------------------------------------------------------------------- */

/* Checks that the list is exactly the slots want[0..n) in this order, well linked. */
static void check_list(int line, const int *want, int n)
{
    test_checks++;
    int head = -1, heads = 0, used = 0;
    for (int i = 0; i < POOL; i++) {
        if (cap_is_null(pool[i].cap)) {
            if (pool[i].mdb.prev_flags != 0 || pool[i].mdb.next != NULL) {
                TEST_FAIL("(line %d) empty slot %d has links", line, i);
            }
            continue;
        }
        used++;
        if (mdb_prev(pool[i].mdb) == NULL) {
            head = i;
            heads++;
        }
    }
    if (used != n || (n > 0 && heads != 1)) {
        TEST_FAIL("(line %d) %d slots used, %d heads; want %d slots, one head", line, used, heads,
                  n);
        return;
    }
    const cte_t *prev = NULL;
    int k = 0;
    for (const cte_t *s = n ? &pool[head] : NULL; s; s = s->mdb.next, k++) {
        if (k >= n || s < pool || s >= pool + POOL || mdb_prev(s->mdb) != prev ||
            idx(s) != want[k]) {
            TEST_FAIL("(line %d) list position %d: slot %d (prev %d), want slot %d", line, k,
                      idx(s), idx(mdb_prev(s->mdb)), k < n ? want[k] : -1);
            return;
        }
        prev = s;
    }
}

#define CHECK_LIST(...)                                                                            \
    do {                                                                                           \
        const int want_[] = {__VA_ARGS__};                                                         \
        check_list(__LINE__, want_, (int)ARRAY_SIZE(want_));                                       \
    } while (0)

/* The real descendants of s: the run after it for which cdt_is_parent_of(s, x) holds. */
static u64 run_after(const cte_t *s)
{
    u64 set = 0;
    int n = 0;
    for (const cte_t *x = s->mdb.next; x && cdt_is_parent_of(s, x); x = x->mdb.next) {
        if (++n > POOL || x < pool || x >= pool + POOL) {
            TEST_FAIL("the run after slot %d does not end within the pool", idx(s));
            break;
        }
        set |= 1ull << idx(x);
    }
    return set;
}

static void check_run(int line, int s, const int *want, int n)
{
    u64 w = 0;
    for (int i = 0; i < n; i++) {
        w |= 1ull << want[i];
    }
    test_checks++;
    u64 got = run_after(&pool[s]);
    if (got != w) {
        TEST_FAIL("(line %d) descendants of slot %d: %#" PRIx64 ", want %#" PRIx64, line, s, got,
                  w);
    }
    CHECK_EQ(cdt_has_children(&pool[s]), n > 0);
}

#define CHECK_RUN(s, ...)                                                                          \
    do {                                                                                           \
        const int want_[] = {__VA_ARGS__};                                                         \
        check_run(__LINE__, s, want_, (int)ARRAY_SIZE(want_));                                     \
    } while (0)
#define CHECK_NO_RUN(s) check_run(__LINE__, s, NULL, 0)

#define FLAGS(i) mdb_flags(pool[i].mdb)
#define RF       (MDB_REVOCABLE | MDB_FIRST_BADGED)

/* --- Hand-picked trees ------------------------------------------------------------------ */

static void test_insert_and_remove(void)
{
    pool_reset();
    cap_t ut = cap_untyped_new(UT_BASE, UT_BITS, false, 0);
    cap_t e1 = ep(UT_BASE, 0), e2 = ep(UT_BASE + 0x10, 0);
    cdt_insert_root(NULL, S(0), ut);
    CHECK_LIST(0);
    CHECK_EQ(FLAGS(0), RF);
    CHECK(cap_eq(pool[0].cap, ut));
    CHECK_NO_RUN(0);
    CHECK(cdt_is_final(S(0)));

    cdt_insert_new(S(0), S(1), e1); /* Retype: an original child of the untyped */
    CHECK_LIST(0, 1);
    CHECK_EQ(FLAGS(1), RF);
    CHECK(cap_eq(pool[1].cap, e1));
    CHECK(cdt_is_parent_of(S(0), S(1)));
    CHECK(!cdt_is_parent_of(S(1), S(0)));
    CHECK_RUN(0, 1);
    CHECK(cdt_is_final(S(1)));

    cdt_insert(S(1), S(2), e1); /* Copy: right after its parent, not revocable */
    CHECK_LIST(0, 1, 2);
    CHECK_EQ(FLAGS(2), 0);
    CHECK(cdt_is_parent_of(S(1), S(2)));
    CHECK(!cdt_is_final(S(1)));
    CHECK(!cdt_is_final(S(2)));
    CHECK_RUN(1, 2);
    CHECK_NO_RUN(2);

    cdt_insert(S(2), S(3), e1); /* a copy of the copy: a sibling, a child of slot 1 */
    CHECK_LIST(0, 1, 2, 3);
    CHECK(!cdt_is_parent_of(S(2), S(3)));
    CHECK_RUN(1, 2, 3);
    CHECK_RUN(0, 1, 2, 3);

    cdt_insert_new(S(0), S(4), e2); /* the newest child of the untyped comes first */
    CHECK_LIST(0, 4, 1, 2, 3);
    CHECK_RUN(0, 4, 1, 2, 3);
    CHECK_NO_RUN(4);
    CHECK(cdt_is_final(S(4)));
    CHECK(cdt_is_final(S(0)));

    cdt_remove(S(1)); /* its children move up to the untyped */
    CHECK_LIST(0, 4, 2, 3);
    CHECK(cap_is_null(pool[1].cap));
    CHECK_RUN(0, 4, 2, 3);
    CHECK_NO_RUN(2);
    CHECK(!cdt_is_final(S(2)));
    CHECK(!cdt_is_final(S(3)));
    cdt_remove(S(2));
    CHECK_LIST(0, 4, 3);
    CHECK(cdt_is_final(S(3)));
    cdt_remove(S(0)); /* the head: the rest stays linked */
    CHECK_LIST(4, 3);
    cdt_remove(S(3)); /* the tail */
    CHECK_LIST(4);
    cdt_remove(S(4));
    check_list(__LINE__, NULL, 0);

    /* Roots one after another; a root inserted in the middle. */
    cdt_insert_root(NULL, S(10), ut);
    cdt_insert_root(S(10), S(11), cap_untyped_new(0x1000000, 20, false, 0));
    cdt_insert_root(S(10), S(12), cap_control_new(CAP_TYPE_IRQ_CONTROL));
    CHECK_LIST(10, 12, 11);
    CHECK_EQ(FLAGS(12), RF);
    CHECK_NO_RUN(10);
    CHECK_NO_RUN(12);
    pool_reset();
}

static void test_untyped_tree(void)
{
    pool_reset();
    cap_t ut = cap_untyped_new(UT_BASE, UT_BITS, false, 0);
    cap_t child = cap_untyped_new(UT_BASE + 0x10000, 16, false, 0);
    cdt_insert_root(NULL, S(0), ut);
    cdt_insert_new(S(0), S(1), child);
    cdt_insert_new(S(1), S(2), ep(UT_BASE + 0x10000, 0));
    cdt_insert_new(S(1), S(3), cap_frame_new(UT_BASE + 0x11000, 0, 3, false, 0, 0));
    cdt_insert(S(3), S(4), cap_frame_new(UT_BASE + 0x11000, 0, 3, false, 0x1000, 1));
    cdt_insert_new(S(0), S(5), cap_cnode_new(UT_BASE, 4, 0, 0));
    CHECK_LIST(0, 5, 1, 3, 4, 2);
    CHECK_RUN(0, 5, 1, 3, 4, 2);
    CHECK_RUN(1, 3, 4, 2);
    CHECK_RUN(3, 4);
    CHECK_NO_RUN(5);
    CHECK(cdt_is_final(S(5)));
    CHECK(!cdt_is_final(S(3)));
    CHECK(cdt_is_final(S(2)));
    /* A copy of an untyped is a child of it (revocable); untyped capabilities are always final. */
    cap_t spare = cap_untyped_new(UT_BASE + 0x20000, 12, false, 0);
    cdt_insert_new(S(0), S(7), spare);
    cdt_insert(S(7), S(8), spare);
    CHECK_LIST(0, 7, 8, 5, 1, 3, 4, 2);
    CHECK_EQ(FLAGS(8), RF);
    CHECK_RUN(7, 8);
    CHECK(cdt_is_final(S(7)));
    CHECK(cdt_is_final(S(8)));
    /* Removing the child untyped: its children move up to the root untyped. */
    cdt_remove(S(1));
    CHECK_LIST(0, 7, 8, 5, 3, 4, 2);
    CHECK_RUN(0, 7, 8, 5, 3, 4, 2);
    CHECK_RUN(3, 4);
    pool_reset();
}

static void test_badges(void)
{
    pool_reset();
    paddr_t pa = UT_BASE + 0x40;
    cdt_insert_root(NULL, S(0), cap_untyped_new(UT_BASE, UT_BITS, false, 0));
    cdt_insert_new(S(0), S(1), ep(pa, 0)); /* E: the unbadged original */
    cdt_insert(S(1), S(2), ep(pa, 5));     /* M: Mint with badge 5 */
    CHECK_EQ(FLAGS(2), RF);
    cdt_insert(S(2), S(3), ep(pa, 5)); /* copies of M */
    cdt_insert(S(2), S(4), ep(pa, 5));
    CHECK_EQ(FLAGS(3), 0);
    CHECK_LIST(0, 1, 2, 4, 3);
    CHECK_RUN(1, 2, 4, 3);
    CHECK_RUN(2, 4, 3);
    CHECK_NO_RUN(4);

    /* An unbadged copy of E next to it stays E's child and outside M's group. */
    cdt_insert(S(1), S(5), ep(pa, 0));
    CHECK_LIST(0, 1, 5, 2, 4, 3);
    CHECK_RUN(1, 5, 2, 4, 3);
    CHECK_NO_RUN(5);
    CHECK(!cdt_is_parent_of(S(2), S(5)));

    /* A second badge group with the same badge, side by side with M's. */
    cdt_insert(S(1), S(6), ep(pa, 5)); /* M' */
    cdt_insert(S(6), S(7), ep(pa, 5)); /* a copy of M' */
    CHECK_LIST(0, 1, 6, 7, 5, 2, 4, 3);
    CHECK_RUN(6, 7);
    CHECK_RUN(2, 4, 3);
    CHECK_RUN(1, 6, 7, 5, 2, 4, 3);
    /* And a group with another badge right before it. */
    cdt_insert(S(5), S(8), ep(pa, 6)); /* minted from the unbadged copy */
    CHECK_LIST(0, 1, 6, 7, 5, 8, 2, 4, 3);
    CHECK_NO_RUN(8);
    CHECK_RUN(1, 6, 7, 5, 8, 2, 4, 3);
    CHECK(!cdt_is_parent_of(S(8), S(2)));
    cdt_insert(S(8), S(9), ep(pa, 6));
    CHECK_LIST(0, 1, 6, 7, 5, 8, 9, 2, 4, 3);
    CHECK_RUN(8, 9);
    CHECK_RUN(2, 4, 3);

    /* Removing M: its first copy takes its role, so M's copies stay out of M' (same badge)
     * if M' comes to stand right before them. */
    cdt_remove(S(2));
    CHECK(FLAGS(4) & MDB_FIRST_BADGED);
    CHECK(!(FLAGS(4) & MDB_REVOCABLE));
    CHECK_LIST(0, 1, 6, 7, 5, 8, 9, 4, 3);
    CHECK_RUN(1, 6, 7, 5, 8, 9, 4, 3);
    CHECK_RUN(8, 9);
    CHECK_NO_RUN(4);
    cdt_remove(S(5));
    cdt_remove(S(8));
    cdt_remove(S(9));
    CHECK_LIST(0, 1, 6, 7, 4, 3);
    CHECK_RUN(6, 7);
    CHECK(cdt_is_parent_of(S(6), S(3))); /* 3 alone would pass, but 4 ends the run of M' */
    CHECK(!cdt_is_parent_of(S(6), S(4)));
    CHECK_RUN(1, 6, 7, 4, 3);
    CHECK(!cdt_is_final(S(7)));
    CHECK(!cdt_is_final(S(4)));
    /* Removing M' the same way: its copy takes the role and keeps out of nothing else. */
    cdt_remove(S(6));
    CHECK_LIST(0, 1, 7, 4, 3);
    CHECK(FLAGS(7) & MDB_FIRST_BADGED);
    CHECK_RUN(1, 7, 4, 3);
    /* A new group minted from E now: inserted after E, it ends at 7. */
    cdt_insert(S(1), S(10), ep(pa, 5));
    CHECK_LIST(0, 1, 10, 7, 4, 3);
    CHECK_NO_RUN(10);
    cdt_insert(S(10), S(11), ep(pa, 5));
    CHECK_RUN(10, 11);
    /* Removing E: everything moves up to the untyped. */
    cdt_remove(S(1));
    CHECK_LIST(0, 10, 11, 7, 4, 3);
    CHECK_RUN(0, 10, 11, 7, 4, 3);
    CHECK_RUN(10, 11);
    pool_reset();

    /* Notifications follow the same rules. */
    cdt_insert_root(NULL, S(0), cap_untyped_new(UT_BASE, UT_BITS, false, 0));
    cdt_insert_new(S(0), S(1), ntfn(pa, 0));
    cdt_insert(S(1), S(2), ntfn(pa, 1));
    cdt_insert(S(2), S(3), ntfn(pa, 1));
    cdt_insert(S(1), S(4), ntfn(pa, 1));
    CHECK_LIST(0, 1, 4, 2, 3);
    CHECK_EQ(FLAGS(4), RF);
    CHECK_NO_RUN(4);
    CHECK_RUN(2, 3);
    cdt_remove(S(2));
    CHECK_NO_RUN(4);
    CHECK_RUN(1, 4, 3);
    pool_reset();
}

static void test_irq_and_io_ports(void)
{
    pool_reset();
    cdt_insert_root(NULL, S(0), cap_control_new(CAP_TYPE_IRQ_CONTROL));
    cdt_insert_root(S(0), S(1), cap_control_new(CAP_TYPE_IO_PORT_CONTROL));
    cdt_insert(S(0), S(2), cap_irq_handler_new(5)); /* IRQControl_Get */
    CHECK_EQ(FLAGS(2), RF);
    cdt_insert(S(2), S(3), cap_irq_handler_new(5)); /* a copy of the handler */
    CHECK_EQ(FLAGS(3), 0);
    cdt_insert(S(0), S(4), cap_irq_handler_new(7));
    CHECK_LIST(0, 4, 2, 3, 1);
    CHECK_RUN(0, 4, 2, 3);
    CHECK_RUN(2, 3);
    CHECK_NO_RUN(4);
    CHECK(cdt_is_final(S(0)));
    CHECK(cdt_is_final(S(4)));
    CHECK(!cdt_is_final(S(2)));
    cdt_insert(S(1), S(5), cap_io_port_new(0x60, 0x64));
    cdt_insert(S(5), S(6), cap_io_port_new(0x60, 0x64));
    cdt_insert(S(1), S(7), cap_io_port_new(0x3f8, 0x3ff));
    CHECK_LIST(0, 4, 2, 3, 1, 7, 5, 6);
    CHECK_RUN(1, 7, 5, 6);
    CHECK_RUN(5, 6);
    CHECK(cdt_is_final(S(1)));
    CHECK(cdt_is_final(S(7)));
    CHECK(!cdt_is_final(S(6)));
    cdt_remove(S(5));
    CHECK(cdt_is_final(S(6)));
    CHECK_RUN(1, 7, 6);
    pool_reset();
}

static void test_move_and_swap(void)
{
    pool_reset();
    paddr_t pa = UT_BASE + 0x100;
    cap_t ut = cap_untyped_new(UT_BASE, UT_BITS, false, 0);
    cdt_insert_root(NULL, S(0), ut);
    cdt_insert_new(S(0), S(1), ep(pa, 0));
    cdt_insert(S(1), S(2), ep(pa, 3));
    cdt_insert(S(2), S(3), ep(pa, 3));
    cdt_insert_new(S(0), S(4), cap_thread_new(UT_BASE + 0x800));
    CHECK_LIST(0, 4, 1, 2, 3);

    /* Move keeps the tree position and the flags; the source is empty afterwards. */
    cdt_move(S(2), S(20), ep(pa, 3));
    CHECK_LIST(0, 4, 1, 20, 3);
    CHECK_EQ(FLAGS(20), RF);
    CHECK(cap_is_null(pool[2].cap));
    CHECK_RUN(20, 3);
    CHECK_RUN(1, 20, 3);
    cdt_move(S(0), S(21), ut); /* the head */
    CHECK_LIST(21, 4, 1, 20, 3);
    CHECK_RUN(21, 4, 1, 20, 3);
    cdt_move(S(3), S(22), ep(pa, 3)); /* the tail */
    CHECK_LIST(21, 4, 1, 20, 22);
    cap_t badged_ro = cap_endpoint_new(pa, 3, CAP_RIGHT_READ);
    cdt_move(S(22), S(3), badged_ro); /* the new capability value is stored */
    CHECK(cap_eq(pool[3].cap, badged_ro));
    CHECK_RUN(20, 3);

    /* Swap, not adjacent: capabilities and tree positions change places. */
    cap_t c4 = pool[4].cap, c20 = pool[20].cap;
    cdt_swap(S(4), c4, S(20), c20);
    CHECK_LIST(21, 20, 1, 4, 3);
    CHECK(cap_eq(pool[20].cap, c4));
    CHECK(cap_eq(pool[4].cap, c20));
    CHECK_EQ(FLAGS(4), RF);
    CHECK_RUN(4, 3);
    CHECK_RUN(1, 4, 3);
    CHECK_NO_RUN(20);
    /* Adjacent, in both orders: a before b, then b before a. */
    cap_t c1 = pool[1].cap, c4b = pool[4].cap;
    cdt_swap(S(1), c1, S(4), c4b);
    CHECK_LIST(21, 20, 4, 1, 3);
    CHECK_RUN(4, 1, 3);
    CHECK_RUN(1, 3);
    cdt_swap(S(1), pool[1].cap, S(4), pool[4].cap);
    CHECK_LIST(21, 20, 1, 4, 3);
    CHECK_RUN(1, 4, 3);
    cdt_swap(S(3), pool[3].cap, S(4), pool[4].cap); /* b first, and b is the tail */
    CHECK_LIST(21, 20, 1, 3, 4);
    CHECK_RUN(3, 4);
    CHECK_EQ(FLAGS(3), RF);
    CHECK_EQ(FLAGS(4), 0);
    cdt_swap(S(20), pool[20].cap, S(21), pool[21].cap); /* the head and its successor */
    CHECK_LIST(20, 21, 1, 3, 4);
    CHECK_RUN(20, 21, 1, 3, 4);
    cdt_swap(S(20), pool[20].cap, S(4), pool[4].cap); /* the head and the tail */
    CHECK_LIST(4, 21, 1, 3, 20);
    CHECK_RUN(4, 21, 1, 3, 20);
    CHECK_RUN(3, 20);
    /* Swap with a new value for each (Rotate stores updated capabilities). */
    cap_t e_ro = cap_endpoint_new(pa, 0, CAP_RIGHT_READ);
    cdt_swap(S(1), e_ro, S(3), pool[3].cap);
    CHECK(cap_eq(pool[3].cap, e_ro));
    CHECK_LIST(4, 21, 3, 1, 20);
    CHECK_RUN(3, 1, 20);
    CHECK_RUN(1, 20);
    /* A two-element list swapped in both orders. */
    pool_reset();
    cdt_insert_root(NULL, S(5), ut);
    cdt_insert_new(S(5), S(6), ep(pa, 0));
    cdt_swap(S(5), pool[5].cap, S(6), pool[6].cap);
    CHECK_LIST(6, 5);
    CHECK_RUN(6, 5);
    cdt_swap(S(5), pool[5].cap, S(6), pool[6].cap);
    CHECK_LIST(5, 6);
    cdt_swap(S(6), pool[6].cap, S(5), pool[5].cap);
    CHECK_LIST(6, 5);
    CHECK(cap_eq(pool[6].cap, ut));
    pool_reset();
}

/* --- The model ---------------------------------------------------------------------------- */

/*
 * Each capability records its parent slot, computed with seL4's rules (the abstract
 * specification's cdt): Retype makes children of the untyped; a copy is a child of its source if
 * the source is an original that may parent it (an unbadged or untyped original, or the badged
 * original of the same badge for a non-original copy), else a child of the source's parent;
 * removal hands a slot's children to its parent; move and swap only rename slots. obj names the
 * object for finality (0: untyped, which seL4's sameObjectAs never matches).
 */
typedef struct {
    bool used;
    bool original;
    int parent; /* slot index, -1: none */
    u64 obj;
    cap_t cap;
} mslot_t;

static mslot_t m[POOL];
static u64 next_obj;

static bool m_is_badgeable(cap_t c)
{
    return cap_type(c) == CAP_TYPE_ENDPOINT || cap_type(c) == CAP_TYPE_NOTIFICATION;
}

static bool m_has_children(int s)
{
    for (int i = 0; i < POOL; i++) {
        if (m[i].used && m[i].parent == s) {
            return true;
        }
    }
    return false;
}

/* The set of the model's descendants of s (transitive children). */
static u64 m_descendants(int s)
{
    u64 set = 0;
    for (int t = 0; t < POOL; t++) {
        for (int a = m[t].used ? m[t].parent : -1, n = 0; a >= 0 && n <= POOL; a = m[a].parent) {
            if (a == s) {
                set |= 1ull << t;
                break;
            }
            n++;
        }
    }
    return set;
}

static bool m_is_final(int s)
{
    if (m[s].obj == 0) {
        return true;
    }
    for (int t = 0; t < POOL; t++) {
        if (t != s && m[t].used && m[t].obj == m[s].obj) {
            return false;
        }
    }
    return true;
}

/* The parent a new capability (original or not) derived from src gets. */
static int m_parent_for(int src, cap_t new_cap, bool new_original)
{
    bool parent = m[src].original;
    if (parent && m_is_badgeable(m[src].cap) && cap_badge(m[src].cap) != 0) {
        parent = cap_badge(new_cap) == cap_badge(m[src].cap) && !new_original;
    }
    return parent ? src : m[src].parent;
}

static void m_set(int d, cap_t cap, int parent, bool original, u64 obj)
{
    m[d] = (mslot_t){true, original, parent, obj, cap};
}

static void m_remove(int s)
{
    for (int t = 0; t < POOL; t++) {
        if (m[t].used && m[t].parent == s) {
            m[t].parent = m[s].parent;
        }
    }
    m[s] = (mslot_t){0};
    m[s].parent = -1;
}

static void m_rename(int from, int to)
{
    for (int t = 0; t < POOL; t++) {
        if (m[t].used && m[t].parent == from) {
            m[t].parent = to;
        }
    }
}

/* Compares the real tree with the model after an operation. */
static int op_count;
static char last_ops[8][96];

static void report_ops(void)
{
    fprintf(stderr, "  last operations (newest last):\n");
    for (int i = 7; i >= 0; i--) {
        if (op_count - 1 - i >= 0) {
            fprintf(stderr, "    %s\n", last_ops[(op_count - 1 - i) % 8]);
        }
    }
}

static void check_model(void)
{
    int before = test_failures;
    int order[POOL], n = 0;
    for (int i = 0; i < POOL; i++) {
        if (m[i].used) {
            n++;
            if (!cap_eq(pool[i].cap, m[i].cap)) {
                TEST_FAIL("slot %d holds another capability than the model's", i);
            }
        } else if (!cap_is_null(pool[i].cap) || pool[i].mdb.prev_flags || pool[i].mdb.next) {
            TEST_FAIL("slot %d should be empty", i);
        }
    }
    /* Well formed: one list through exactly the used slots, linked both ways. */
    int head = -1, heads = 0;
    for (int i = 0; i < POOL; i++) {
        if (m[i].used && mdb_prev(pool[i].mdb) == NULL) {
            head = i;
            heads++;
        }
    }
    if (n > 0 && heads != 1) {
        TEST_FAIL("%d list heads", heads);
    }
    int k = 0;
    const cte_t *prev = NULL;
    for (const cte_t *s = heads == 1 ? &pool[head] : NULL; s; s = s->mdb.next) {
        if (k == n || s < pool || s >= pool + POOL || !m[idx(s)].used || mdb_prev(s->mdb) != prev) {
            TEST_FAIL("list broken at position %d", k);
            break;
        }
        order[k++] = idx(s);
        prev = s;
    }
    if (k != n) {
        TEST_FAIL("list has %d slots, %d are used", k, n);
    }
    test_checks++;
    /* Descendants, children and finality. */
    for (int i = 0; i < k && test_failures == before; i++) {
        int s = order[i];
        u64 want = m_descendants(s), got = run_after(&pool[s]);
        test_checks += 3;
        if (got != want) {
            TEST_FAIL("descendants of slot %d: real %#" PRIx64 ", model %#" PRIx64, s, got, want);
        }
        if (cdt_has_children(&pool[s]) != m_has_children(s)) {
            TEST_FAIL("has_children(slot %d) = %d, model %d", s, cdt_has_children(&pool[s]),
                      m_has_children(s));
        }
        if (cdt_is_final(&pool[s]) != m_is_final(s)) {
            TEST_FAIL("is_final(slot %d) = %d, model %d", s, cdt_is_final(&pool[s]), m_is_final(s));
        }
    }
    if (test_failures != before) {
        fprintf(stderr, "  list:");
        for (int i = 0; i < k; i++) {
            int s = order[i];
            fprintf(stderr, " %d(t%d b%" PRIu64 " f%" PRIu64 " p%d o%d)", s, cap_type(m[s].cap),
                    m_is_badgeable(m[s].cap) ? cap_badge(m[s].cap) : 0, mdb_flags(pool[s].mdb),
                    m[s].parent, m[s].original);
        }
        fprintf(stderr, "\n");
        report_ops();
    }
}

#define LOG_OP(...) snprintf(last_ops[op_count++ % 8], sizeof(last_ops[0]), __VA_ARGS__)

/* --- Random operations ---------------------------------------------------------------------- */

static word_t next_region, next_irq, next_port;
static u64 n_ops[8];

static int rand_slot(bool used)
{
    int c = 0;
    for (int i = 0; i < POOL; i++) {
        c += m[i].used == used;
    }
    if (c == 0) {
        return -1;
    }
    int pick = (int)test_rand_below((u64)c);
    for (int i = 0; i < POOL; i++) {
        if (m[i].used == used && pick-- == 0) {
            return i;
        }
    }
    return -1;
}

/* A used slot whose capability satisfies pred, or -1. */
static int rand_slot_where(bool (*pred)(int))
{
    int c = 0, cand[POOL];
    for (int i = 0; i < POOL; i++) {
        if (m[i].used && pred(i)) {
            cand[c++] = i;
        }
    }
    return c ? cand[test_rand_below((u64)c)] : -1;
}

static int list_tail(void)
{
    for (int i = 0; i < POOL; i++) {
        if (m[i].used && pool[i].mdb.next == NULL) {
            return i;
        }
    }
    return -1;
}

/* A new root untyped (boot): appended at the end of the list, in a region of its own. */
static void op_root(void)
{
    int d = rand_slot(false), t = list_tail();
    if (d < 0) {
        return;
    }
    cap_t c = cap_untyped_new(next_region++ << 32, 24, false, 0);
    LOG_OP("root: untyped in %d after %d", d, t);
    cdt_insert_root(t >= 0 ? &pool[t] : NULL, &pool[d], c);
    m_set(d, c, -1, true, 0);
    n_ops[0]++;
}

static bool is_untyped(int s)
{
    return cap_type(m[s].cap) == CAP_TYPE_UNTYPED;
}

/* Retype: count objects from the untyped's watermark (reset when it has no children), each an
 * original child inserted right after the untyped. */
static void op_retype(void)
{
    int u = rand_slot_where(is_untyped);
    if (u < 0) {
        op_root();
        return;
    }
    cap_t ut = m[u].cap;
    unsigned ub = cap_untyped_size_bits(ut);
    static const cap_type_t types[] = {
        CAP_TYPE_ENDPOINT, CAP_TYPE_NOTIFICATION, CAP_TYPE_CNODE,   CAP_TYPE_THREAD,
        CAP_TYPE_FRAME,    CAP_TYPE_PAGE_TABLE,   CAP_TYPE_UNTYPED, CAP_TYPE_ENDPOINT,
        CAP_TYPE_UNTYPED,  CAP_TYPE_PML4};
    cap_type_t ty = types[test_rand_below(ARRAY_SIZE(types))];
    unsigned size = 0, bits;
    switch (ty) {
    case CAP_TYPE_ENDPOINT:
        bits = 4;
        break;
    case CAP_TYPE_NOTIFICATION:
        bits = 5;
        break;
    case CAP_TYPE_CNODE:
        size = 1 + (unsigned)test_rand_below(4);
        bits = size + 5;
        break;
    case CAP_TYPE_THREAD:
        bits = 11;
        break;
    case CAP_TYPE_FRAME:
        size = test_rand_below(4) == 0 ? FRAME_SIZE_2M : FRAME_SIZE_4K;
        bits = frame_size_bits(size);
        break;
    case CAP_TYPE_UNTYPED:
        bits = 4 + (unsigned)test_rand_below(ub - 3); /* up to the parent's own size */
        break;
    default:
        bits = 12;
        break;
    }
    word_t offset = m_has_children(u) ? cap_untyped_free_offset(ut) : 0;
    word_t first = ROUND_UP(offset, bits);
    word_t count = 1 + test_rand_below(3);
    if (first + (count << bits) > BIT(ub)) {
        return; /* NotEnoughMemory */
    }
    word_t new_offset = first + (count << bits);
    ut = cap_untyped_set_free_offset(ut, new_offset);
    pool[u].cap = m[u].cap = ut;
    for (word_t i = 0; i < count; i++) {
        int d = rand_slot(false);
        if (d < 0) {
            return;
        }
        paddr_t pa = cap_paddr(ut) + first + (i << bits);
        cap_t c;
        switch (ty) {
        case CAP_TYPE_ENDPOINT:
            c = ep(pa, 0);
            break;
        case CAP_TYPE_NOTIFICATION:
            c = ntfn(pa, 0);
            break;
        case CAP_TYPE_CNODE:
            c = cap_cnode_new(pa, size, 0, 0);
            break;
        case CAP_TYPE_THREAD:
            c = cap_thread_new(pa);
            break;
        case CAP_TYPE_FRAME:
            c = cap_frame_new(pa, size, VM_READ_WRITE, false, 0, 0);
            break;
        case CAP_TYPE_UNTYPED:
            c = cap_untyped_new(pa, bits, false, 0);
            break;
        case CAP_TYPE_PML4:
            c = cap_pml4_new(pa, 0);
            break;
        default:
            c = cap_paging_new(CAP_TYPE_PAGE_TABLE, pa, 0, 0);
            break;
        }
        LOG_OP("retype: %d -> %d (type %d at %#" PRIx64 ")", u, d, ty, pa);
        cdt_insert_new(&pool[u], &pool[d], c);
        m_set(d, c, u, true, ty == CAP_TYPE_UNTYPED ? 0 : ++next_obj);
        n_ops[1]++;
        check_model();
    }
}

static bool is_copyable(int s)
{
    switch (cap_type(m[s].cap)) {
    case CAP_TYPE_UNTYPED:
        return !m_has_children(s); /* seL4's deriveCap: an untyped without children */
    default:
        return true;
    }
}

/* Copy (CNode_Copy, or IRQControl_Get / IOPortControl_Issue from a control capability). */
static void op_copy(void)
{
    int s = rand_slot_where(is_copyable), d = rand_slot(false);
    if (s < 0 || d < 0) {
        return;
    }
    cap_t src = m[s].cap, c = src;
    u64 obj = m[s].obj;
    if (cap_type(src) == CAP_TYPE_IRQ_CONTROL) {
        c = cap_irq_handler_new(next_irq++);
        obj = ++next_obj;
    } else if (cap_type(src) == CAP_TYPE_IO_PORT_CONTROL) {
        c = cap_io_port_new((u16)next_port, (u16)(next_port + 3));
        next_port += 4;
        obj = ++next_obj;
    }
    bool original = cap_type(c) == CAP_TYPE_UNTYPED || cap_type(c) != cap_type(src);
    int parent = m_parent_for(s, c, original);
    LOG_OP("copy: %d -> %d (type %d)", s, d, cap_type(c));
    cdt_insert(&pool[s], &pool[d], c);
    m_set(d, c, parent, original, obj);
    if (cap_type(c) == CAP_TYPE_UNTYPED) {
        /* seL4's setUntypedCapAsFull: the source cannot retype over the copy's memory. */
        cap_t full = cap_untyped_set_free_offset(src, BIT(cap_untyped_size_bits(src)));
        pool[s].cap = m[s].cap = full;
    }
    n_ops[2]++;
}

static bool is_unbadged_ep(int s)
{
    return m_is_badgeable(m[s].cap) && cap_badge(m[s].cap) == 0;
}

/* Mint of an unbadged endpoint or notification with a badge: a new original. */
static void op_mint(void)
{
    int s = rand_slot_where(is_unbadged_ep), d = rand_slot(false);
    if (s < 0 || d < 0) {
        op_copy();
        return;
    }
    word_t badge = 1 + test_rand_below(3);
    cap_t c = cap_with_word1(m[s].cap, badge);
    int parent = m_parent_for(s, c, true);
    LOG_OP("mint: %d -> %d (badge %" PRIu64 ")", s, d, badge);
    cdt_insert(&pool[s], &pool[d], c);
    m_set(d, c, parent, true, m[s].obj);
    n_ops[3]++;
}

static void op_move(void)
{
    int s = rand_slot(true), d = rand_slot(false);
    if (s < 0 || d < 0) {
        return;
    }
    LOG_OP("move: %d -> %d", s, d);
    cdt_move(&pool[s], &pool[d], pool[s].cap);
    m[d] = m[s];
    m_rename(s, d);
    m[s] = (mslot_t){0};
    m[s].parent = -1;
    n_ops[4]++;
}

static void op_swap(void)
{
    int a = rand_slot(true), b = rand_slot(true);
    if (a < 0) {
        return;
    }
    if (test_rand_below(3) == 0 && pool[a].mdb.next) { /* neighbours, either way round */
        b = idx(pool[a].mdb.next);
        if (test_rand_below(2)) {
            int t = a;
            a = b;
            b = t;
        }
    }
    if (a == b) {
        return;
    }
    LOG_OP("swap: %d <-> %d", a, b);
    cdt_swap(&pool[a], pool[a].cap, &pool[b], pool[b].cap);
    mslot_t t = m[a];
    m[a] = m[b];
    m[b] = t;
    m_rename(a, POOL); /* POOL: a placeholder name */
    m_rename(b, a);
    m_rename(POOL, b);
    if (m[a].parent == a || m[b].parent == b) {
        TEST_FAIL("model: swap made a slot its own parent");
    }
    n_ops[5]++;
}

static void op_remove(void)
{
    int s = rand_slot(true);
    if (s < 0) {
        return;
    }
    LOG_OP("remove: %d", s);
    cdt_remove(&pool[s]);
    m_remove(s);
    n_ops[6]++;
}

/* Revoke as the kernel does it: remove the slot after s while it is s's child. */
static void op_revoke(void)
{
    int s = rand_slot(true);
    if (s < 0) {
        return;
    }
    while (cdt_has_children(&pool[s]) && test_failures < 10) {
        int c = idx(pool[s].mdb.next);
        LOG_OP("revoke %d: remove %d", s, c);
        cdt_remove(&pool[c]);
        m_remove(c);
        check_model();
    }
    test_checks++;
    if (m_has_children(s)) {
        TEST_FAIL("revoke of slot %d left model descendants", s);
    }
    n_ops[7]++;
}

static void test_random_model(void)
{
    for (int seq = 0; seq < 300 && test_failures < 10; seq++) {
        pool_reset();
        memset(m, 0, sizeof(m));
        for (int i = 0; i < POOL; i++) {
            m[i].parent = -1;
        }
        next_region = 1;
        next_irq = next_port = 0;
        op_count = 0;
        op_root();
        if (test_rand_below(2)) {
            int d = rand_slot(false), t = list_tail();
            cap_t c = cap_control_new(test_rand_below(2) ? CAP_TYPE_IRQ_CONTROL
                                                         : CAP_TYPE_IO_PORT_CONTROL);
            cdt_insert_root(&pool[t], &pool[d], c);
            m_set(d, c, -1, true, ++next_obj);
        }
        check_model();
        for (int step = 0; step < 400 && test_failures < 10; step++) {
            int free_slots = 0;
            for (int i = 0; i < POOL; i++) {
                free_slots += !m[i].used;
            }
            unsigned r = (unsigned)test_rand_below(100);
            if (free_slots < 4 && r < 60) {
                r += 40;
            }
            if (r < 2) {
                op_root();
            } else if (r < 30) {
                op_retype();
            } else if (r < 45) {
                op_copy();
            } else if (r < 58) {
                op_mint();
            } else if (r < 68) {
                op_move();
            } else if (r < 80) {
                op_swap();
            } else if (r < 97) {
                op_remove();
            } else {
                op_revoke();
            }
            check_model();
        }
    }
    printf("  operations: root %" PRIu64 ", retype %" PRIu64 ", copy %" PRIu64 ", mint %" PRIu64
           ", move %" PRIu64 ", swap %" PRIu64 ", remove %" PRIu64 ", revoke %" PRIu64 "\n",
           n_ops[0], n_ops[1], n_ops[2], n_ops[3], n_ops[4], n_ops[5], n_ops[6], n_ops[7]);
    CHECK(n_ops[1] > 10000 && n_ops[3] > 5000 && n_ops[5] > 5000 && n_ops[7] > 500);
}

int main(void)
{
    test_seed_from_env(0xcd7);
    RUN_TEST(test_physical_and_sizes);
    RUN_TEST(test_same_region_and_object);
    RUN_TEST(test_is_revocable);
    RUN_TEST(test_insert_and_remove);
    RUN_TEST(test_untyped_tree);
    RUN_TEST(test_badges);
    RUN_TEST(test_irq_and_io_ports);
    RUN_TEST(test_move_and_swap);
    RUN_TEST(test_random_model);
    return test_summary("unit.cdt");
}
