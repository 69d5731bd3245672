/*
 * Host tests for kernel/src/kernel/cspace.c: capability lookup through guards and chains of
 * CNodes, hand-picked and against a bit-by-bit reference resolver on random CSpaces.
 * CNodes are heap blocks; their "physical address" is the heap pointer minus PHYSMAP_BASE, so the
 * kernel's paddr_to_kptr() finds them.
 */
#include "test.h"

#include <api/syscall_error.h>
#include <arch/x86_64/object/vspace.h>
#include <gen/errors.h>
#include <kernel/cspace.h>

/* --- Host stubs for the error recorders of kernel/src/api/invocation.c ------------------- */

static int stub_lookup_calls, stub_range_calls;
static bool stub_source;
static lookup_fault_t stub_fault;
static word_t stub_min, stub_max;

exception_t syscall_error_failed_lookup(bool source, lookup_fault_t fault)
{
    stub_lookup_calls++;
    stub_source = source;
    stub_fault = fault;
    return seL4_FailedLookup;
}

exception_t syscall_error_range(word_t min, word_t max)
{
    stub_range_calls++;
    stub_min = min;
    stub_max = max;
    return seL4_RangeError;
}

static void stub_reset(void)
{
    stub_lookup_calls = stub_range_calls = 0;
    stub_source = false;
    stub_fault = (lookup_fault_t){99, 99, 99, 99};
    stub_min = stub_max = 99;
}

/* --- CNodes on the heap -------------------------------------------------------------------- */

#define MAX_CNODES 64

typedef struct {
    cte_t *slots;
    unsigned radix;
} cnode_t;

static cnode_t cnodes[MAX_CNODES];
static int n_cnodes;

static paddr_t pa_of(const void *p)
{
    return (paddr_t)((uintptr_t)p - PHYSMAP_BASE);
}

/* A zeroed CNode of 2^radix slots (32-byte aligned, as the kernel's slots are). */
static cnode_t *cnode_alloc(unsigned radix)
{
    cnode_t *c = &cnodes[n_cnodes++];
    size_t bytes = sizeof(cte_t) << radix;
    c->slots = aligned_alloc(32, bytes);
    memset(c->slots, 0, bytes);
    c->radix = radix;
    return c;
}

static void cnodes_free(void)
{
    for (int i = 0; i < n_cnodes; i++) {
        free(cnodes[i].slots);
    }
    n_cnodes = 0;
}

/* A capability to the CNode c with the given guard (masked to guard_size bits, as Mint does). */
static cap_t cnode_cap(const cnode_t *c, unsigned guard_size, word_t guard)
{
    word_t g = guard_size >= 64 ? guard : guard & MASK(guard_size);
    return cap_cnode_new(pa_of(c->slots), c->radix, guard_size, g);
}

/* The registered CNode a capability names, found by address (not through the kernel window). */
static const cnode_t *cnode_find(cap_t c)
{
    for (int i = 0; i < n_cnodes; i++) {
        if (pa_of(cnodes[i].slots) == cap_paddr(c)) {
            return &cnodes[i];
        }
    }
    return NULL;
}

/* --- The reference resolver: one bit at a time --------------------------------------------- */

/* Bit pos (0 = least significant) of w. */
static word_t bit_at(word_t w, word_t pos)
{
    return (w >> pos) & 1;
}

static lookup_result_t ref_fail(word_t type, word_t left, word_t guard, word_t found)
{
    return (lookup_result_t){NULL, 0, {type, left, guard, found}};
}

static lookup_result_t ref_resolve(cap_t root, word_t cptr, word_t n_bits)
{
    if (cap_type(root) != CAP_TYPE_CNODE) {
        return ref_fail(seL4_InvalidRoot, n_bits, 0, 0);
    }
    cap_t node = root;
    word_t left = n_bits; /* the next bit to use is bit left - 1 of cptr */
    for (int level = 0; level <= 64; level++) {
        word_t gs = cap_cnode_guard_size(node), radix = cap_cnode_radix(node);
        word_t guard = cap_cnode_guard(node);
        if (gs > left) {
            return ref_fail(seL4_GuardMismatch, left, guard, gs);
        }
        for (word_t i = 0; i < gs; i++) {
            if (bit_at(cptr, left - 1 - i) != bit_at(guard, gs - 1 - i)) {
                return ref_fail(seL4_GuardMismatch, left, guard, gs);
            }
        }
        if (gs + radix > left) {
            return ref_fail(seL4_DepthMismatch, left, 0, gs + radix);
        }
        word_t index = 0;
        for (word_t i = 0; i < radix; i++) {
            index = index << 1 | bit_at(cptr, left - 1 - gs - i);
        }
        const cnode_t *c = cnode_find(node);
        if (!c || c->radix != radix || index >= BIT(radix)) {
            TEST_FAIL("reference: CNode capability to an unknown CNode");
            return ref_fail(99, 0, 0, 0);
        }
        left -= gs + radix;
        cte_t *slot = &c->slots[index];
        if (left == 0 || cap_type(slot->cap) != CAP_TYPE_CNODE) {
            return (lookup_result_t){slot, left, {seL4_NoFailure, 0, 0, 0}};
        }
        node = slot->cap;
    }
    TEST_FAIL("reference: more than 64 levels");
    return ref_fail(99, 0, 0, 0);
}

static bool same_result(lookup_result_t a, lookup_result_t b)
{
    return a.slot == b.slot && a.bits_left == b.bits_left && a.fault.type == b.fault.type &&
           a.fault.bits_left == b.fault.bits_left && a.fault.guard_found == b.fault.guard_found &&
           a.fault.bits_found == b.fault.bits_found;
}

static void print_result(const char *what, lookup_result_t r)
{
    fprintf(stderr,
            "  %s: slot %p bits_left %" PRIu64 " fault {%" PRIu64 ", %" PRIu64 ", %#" PRIx64
            ", %" PRIu64 "}\n",
            what, (void *)r.slot, r.bits_left, r.fault.type, r.fault.bits_left, r.fault.guard_found,
            r.fault.bits_found);
}

/* Checks the kernel's resolution of (cptr, n_bits) against want; returns the kernel's. */
static lookup_result_t check_resolve(int line, cap_t root, word_t cptr, word_t n_bits,
                                     lookup_result_t want)
{
    test_checks++;
    lookup_result_t got = cspace_resolve(root, cptr, n_bits);
    if (!same_result(got, want)) {
        test_failures++;
        fprintf(stderr, "%s:%d: FAIL: cspace_resolve(cptr %#" PRIx64 ", %" PRIu64 " bits)\n",
                __FILE__, line, cptr, n_bits);
        print_result("got ", got);
        print_result("want", want);
    }
    return got;
}

#define OK(slot, left)                    ((lookup_result_t){(slot), (left), {seL4_NoFailure, 0, 0, 0}})
#define FAIL(type, left, guard, found)    ref_fail((type), (left), (guard), (found))
#define CHECK_RESOLVE(root, cptr, n, ...) check_resolve(__LINE__, root, cptr, n, __VA_ARGS__)

static void test_address_mapping(void)
{
    cnode_t *c = cnode_alloc(3);
    CHECK(paddr_to_kptr(pa_of(c->slots)) == c->slots);
    CHECK_EQ(pa_of(c->slots) & ~CAP_PADDR_MASK, 0); /* heap addresses fit the 52-bit field */
    cap_t cap = cnode_cap(c, 0, 0);
    CHECK_EQ(cap_paddr(cap), pa_of(c->slots));
    CHECK(cnode_slots(cap) == c->slots);
    cnodes_free();
}

static void test_single_level(void)
{
    cnode_t *c = cnode_alloc(8);
    cap_t ep = cap_endpoint_new(0x1000, 0, CAP_RIGHTS_ALL);
    c->slots[5].cap = ep;
    cap_t root = cnode_cap(c, 0, 0);
    CHECK_RESOLVE(root, 5, 8, OK(&c->slots[5], 0));
    CHECK_RESOLVE(root, 0xff, 8, OK(&c->slots[255], 0));
    CHECK_RESOLVE(root, 0x1205, 8, OK(&c->slots[5], 0)); /* bits above n_bits are ignored */
    /* More bits than the level: stops at the endpoint (or the empty slot) with bits left. */
    CHECK_RESOLVE(root, 0x0512, 16, OK(&c->slots[5], 8));
    CHECK_RESOLVE(root, 5ul << 56, 64, OK(&c->slots[5], 56));
    CHECK_RESOLVE(root, 7ul << 56, 64, OK(&c->slots[7], 56));
    /* Fewer bits than the level. */
    CHECK_RESOLVE(root, 5, 7, FAIL(seL4_DepthMismatch, 7, 0, 8));
    CHECK_RESOLVE(root, 5, 1, FAIL(seL4_DepthMismatch, 1, 0, 8));
    CHECK_RESOLVE(root, 5, 0, FAIL(seL4_DepthMismatch, 0, 0, 8));

    /* A guard: 3 bits 101 above the 8 radix bits. */
    root = cnode_cap(c, 3, 5);
    CHECK_RESOLVE(root, 0x505, 11, OK(&c->slots[5], 0));
    CHECK_RESOLVE(root, 0x405, 11, FAIL(seL4_GuardMismatch, 11, 5, 3));
    CHECK_RESOLVE(root, 0x105, 11, FAIL(seL4_GuardMismatch, 11, 5, 3));
    CHECK_RESOLVE(root, 0x505, 10, FAIL(seL4_GuardMismatch, 10, 5, 3)); /* guard read 010 */
    CHECK_RESOLVE(root, 0x5, 3, FAIL(seL4_DepthMismatch, 3, 0, 11));    /* guard fits, radix not */
    CHECK_RESOLVE(root, 0x5, 2, FAIL(seL4_GuardMismatch, 2, 5, 3));     /* guard does not fit */
    CHECK_RESOLVE(root, 0x5, 0, FAIL(seL4_GuardMismatch, 0, 5, 3));
    CHECK_RESOLVE(root, 5ul << 61 | 5ul << 53 | 0x12345, 64, OK(&c->slots[5], 53));
    /* A guard of zeros still has to match. */
    root = cnode_cap(c, 4, 0);
    CHECK_RESOLVE(root, 0x0ff, 12, OK(&c->slots[255], 0));
    CHECK_RESOLVE(root, 0x8ff, 12, FAIL(seL4_GuardMismatch, 12, 0, 4));

    /* The full word: a 56-bit guard and 8 radix bits. */
    word_t g56 = 0xa5a5a5a5a5a5a5 & MASK(56);
    root = cnode_cap(c, 56, g56);
    CHECK_RESOLVE(root, (g56 << 8) | 5, 64, OK(&c->slots[5], 0));
    CHECK_RESOLVE(root, (g56 << 8) ^ (1ul << 63), 64, FAIL(seL4_GuardMismatch, 64, g56, 56));
    CHECK_RESOLVE(root, (g56 << 8) ^ (1ul << 8), 64, FAIL(seL4_GuardMismatch, 64, g56, 56));

    /* Guards longer than the 58-bit guard field: the upper bits read as zeros. */
    cnode_t *c1 = cnode_alloc(1);
    root = cnode_cap(c1, 63, MASK(58));
    CHECK_EQ(cap_cnode_guard(root), MASK(58));
    CHECK_RESOLVE(root, MASK(58) << 1 | 1, 64, OK(&c1->slots[1], 0));
    CHECK_RESOLVE(root, MASK(59) << 1, 64, FAIL(seL4_GuardMismatch, 64, MASK(58), 63));
    cnodes_free();
}

static void test_invalid_root(void)
{
    cap_t roots[] = {cap_null(),
                     cap_endpoint_new(0x1000, 0, CAP_RIGHTS_ALL),
                     cap_untyped_new(0x100000, 20, false, 0),
                     cap_thread_new(0x2000),
                     cap_zombie_new(0x3000, 4, 16),
                     cap_frame_new(0x4000, 0, 3, false, 0, 0)};
    for (size_t i = 0; i < ARRAY_SIZE(roots); i++) {
        CHECK_RESOLVE(roots[i], 0, 64, FAIL(seL4_InvalidRoot, 64, 0, 0));
        CHECK_RESOLVE(roots[i], 0x1234, 12, FAIL(seL4_InvalidRoot, 12, 0, 0));
    }
}

static void test_chains(void)
{
    /* root (radix 4, no guard) -> slot 3: mid (radix 6, guard 10) -> slot 17: endpoint. */
    cnode_t *top = cnode_alloc(4), *mid = cnode_alloc(6), *leaf = cnode_alloc(2);
    cap_t ep = cap_endpoint_new(0x1000, 7, CAP_RIGHTS_ALL);
    top->slots[3].cap = cnode_cap(mid, 2, 2);
    mid->slots[17].cap = ep;
    mid->slots[18].cap = cnode_cap(leaf, 0, 0);
    top->slots[9].cap = cnode_cap(leaf, 1, 1);
    cap_t root = cnode_cap(top, 0, 0);
    word_t p = 0x3ul << 8 | 0x2ul << 6 | 17; /* 0011 10 010001 */
    CHECK_RESOLVE(root, p, 12, OK(&mid->slots[17], 0));
    CHECK_RESOLVE(root, p << 52, 64, OK(&mid->slots[17], 52));
    CHECK_RESOLVE(root, p << 3 | 5, 15, OK(&mid->slots[17], 3));
    /* Exactly at a CNode capability: the slot itself, not what it names. */
    CHECK_RESOLVE(root, 3, 4, OK(&top->slots[3], 0));
    /* Into the second level with too few bits: DepthMismatch there, with that level's bits. */
    CHECK_RESOLVE(root, p >> 1, 11, FAIL(seL4_DepthMismatch, 7, 0, 8));
    CHECK_RESOLVE(root, 3 << 1, 5, FAIL(seL4_GuardMismatch, 1, 2, 2));
    CHECK_RESOLVE(root, 3, 5, OK(&top->slots[1], 1));
    CHECK_RESOLVE(root, 3ul << 2 | 2, 6, FAIL(seL4_DepthMismatch, 2, 0, 8));
    /* Guard mismatch in the second level: bits left there, its guard and guard size. */
    CHECK_RESOLVE(root, (p ^ (1ul << 7)) << 52, 64, FAIL(seL4_GuardMismatch, 60, 2, 2));
    /* An empty slot ends the walk with bits left. */
    /* Slot 18 names the leaf CNode: the walk goes on into it. */
    CHECK_RESOLVE(root, (p + 1) << 52, 64, OK(&leaf->slots[0], 50));
    CHECK_RESOLVE(root, (p + 2) << 52, 64, OK(&mid->slots[19], 52));
    CHECK_RESOLVE(root, 0x5ul << 60, 64, OK(&top->slots[5], 60));
    /* Three levels: top slot 3 -> mid slot 18 -> leaf (radix 2). */
    word_t q = (0x3ul << 8 | 0x2ul << 6 | 18) << 2 | 1;
    CHECK_RESOLVE(root, q, 14, OK(&leaf->slots[1], 0));
    CHECK_RESOLVE(root, q << 50, 64, OK(&leaf->slots[1], 50));
    /* Through a guard of 1 to the leaf from the top: slot 9, guard bit 1, index 2 bits. */
    CHECK_RESOLVE(root, 0x9ul << 3 | 1 << 2 | 2, 7, OK(&leaf->slots[2], 0));
    CHECK_RESOLVE(root, 0x9ul << 3 | 0 << 2 | 2, 7, FAIL(seL4_GuardMismatch, 3, 1, 1));
    cnodes_free();

    /* The full word in three levels: (guard 10, radix 6), (20, 4), (20, 4). */
    cnode_t *a = cnode_alloc(6), *b = cnode_alloc(4), *c = cnode_alloc(4);
    a->slots[33].cap = cnode_cap(b, 20, 0xabcde);
    b->slots[7].cap = cnode_cap(c, 20, 0x12345);
    c->slots[12].cap = ep;
    root = cnode_cap(a, 10, 0x2aa);
    word_t full = 0x2aaul << 54 | 33ul << 48 | 0xabcdeul << 28 | 7ul << 24 | 0x12345ul << 4 | 12;
    CHECK_RESOLVE(root, full, 64, OK(&c->slots[12], 0));
    CHECK_RESOLVE(root, full ^ 1, 64, OK(&c->slots[13], 0));
    CHECK_RESOLVE(root, full ^ 16, 64, FAIL(seL4_GuardMismatch, 24, 0x12345, 20));
    CHECK_RESOLVE(root, full ^ (1ul << 30), 64, FAIL(seL4_GuardMismatch, 48, 0xabcde, 20));
    CHECK_RESOLVE(root, full ^ (1ul << 48), 64, OK(&a->slots[32], 48));
    CHECK_RESOLVE(root, full >> 4, 60, FAIL(seL4_DepthMismatch, 20, 0, 24));
    cnodes_free();

    /* A CNode holding a capability to itself: 64 levels of one bit each. */
    cnode_t *self = cnode_alloc(1);
    self->slots[0].cap = cnode_cap(self, 0, 0);
    root = cnode_cap(self, 0, 0);
    CHECK_RESOLVE(root, 0, 64, OK(&self->slots[0], 0));
    CHECK_RESOLVE(root, 1, 64, OK(&self->slots[1], 0));
    CHECK_RESOLVE(root, 1ul << 40, 64, OK(&self->slots[1], 40));
    CHECK_RESOLVE(root, 0, 17, OK(&self->slots[0], 0));
    cnodes_free();
}

/* cspace_lookup_target: the argument checks, the error details and the is_source flag. */
static void check_target(int line, cap_t root, word_t index, word_t depth, bool is_source,
                         word_t want_err, cte_t *want_slot, lookup_fault_t want_fault)
{
    stub_reset();
    static cte_t sentinel_slot;
    cte_t *sentinel = &sentinel_slot, *out = sentinel;
    word_t err = cspace_lookup_target(root, index, depth, is_source, &out);
    bool ok = err == want_err;
    if (want_err == seL4_NoError) {
        ok = ok && out == want_slot && stub_lookup_calls + stub_range_calls == 0;
    } else if (want_err == seL4_RangeError) {
        ok = ok && out == sentinel && stub_range_calls == 1 && stub_lookup_calls == 0 &&
             stub_min == 1 && stub_max == 64;
    } else {
        ok = ok && out == sentinel && stub_lookup_calls == 1 && stub_range_calls == 0 &&
             stub_source == is_source && stub_fault.type == want_fault.type &&
             stub_fault.bits_left == want_fault.bits_left &&
             stub_fault.guard_found == want_fault.guard_found &&
             stub_fault.bits_found == want_fault.bits_found;
    }
    test_checks++;
    if (!ok) {
        test_failures++;
        fprintf(
            stderr,
            "%s:%d: FAIL: cspace_lookup_target(%#" PRIx64 ", depth %" PRIu64 ", src %d) = %" PRIu64
            " (want %" PRIu64 "), out %p (want %p), lookup calls %d {%" PRIu64 ", %" PRIu64
            ", %#" PRIx64 ", %" PRIu64 "} source %d, range calls %d [%" PRIu64 ", %" PRIu64 "]\n",
            __FILE__, line, index, depth, is_source, err, want_err, (void *)out, (void *)want_slot,
            stub_lookup_calls, stub_fault.type, stub_fault.bits_left, stub_fault.guard_found,
            stub_fault.bits_found, stub_source, stub_range_calls, stub_min, stub_max);
    }
}

#define NOFAULT                      ((lookup_fault_t){0, 0, 0, 0})
#define LF(type, left, guard, found) ((lookup_fault_t){(type), (left), (guard), (found)})

static void test_lookup_target(void)
{
    cnode_t *top = cnode_alloc(4), *mid = cnode_alloc(3);
    top->slots[2].cap = cnode_cap(mid, 1, 1);
    top->slots[3].cap = cap_endpoint_new(0x1000, 0, CAP_RIGHTS_ALL);
    cap_t root = cnode_cap(top, 2, 0);
    for (int src = 0; src <= 1; src++) {
        check_target(__LINE__, root, 3, 6, src, seL4_NoError, &top->slots[3], NOFAULT);
        check_target(__LINE__, root, 2, 6, src, seL4_NoError, &top->slots[2], NOFAULT);
        check_target(__LINE__, root, 2ul << 4 | 1 << 3 | 5, 10, src, seL4_NoError, &mid->slots[5],
                     NOFAULT);
        check_target(__LINE__, root, 7, 6, src, seL4_NoError, &top->slots[7], NOFAULT);
        /* Bits left at a non-CNode capability: DepthMismatch with those bits (found 0). */
        check_target(__LINE__, root, 3ul << 3, 9, src, seL4_FailedLookup, NULL,
                     LF(seL4_DepthMismatch, 3, 0, 0));
        check_target(__LINE__, root, 7ul << 1, 7, src, seL4_FailedLookup, NULL,
                     LF(seL4_DepthMismatch, 1, 0, 0));
        check_target(__LINE__, root, 3ul << 58 | 0x10ul << 52, 64, src, seL4_FailedLookup, NULL,
                     LF(seL4_DepthMismatch, 58, 0, 0));
        check_target(__LINE__, root, 0, 64, src, seL4_FailedLookup, NULL,
                     LF(seL4_DepthMismatch, 58, 0, 0));
        /* Lookup faults pass through with their details. */
        check_target(__LINE__, root, 0x13, 6, src, seL4_FailedLookup, NULL,
                     LF(seL4_GuardMismatch, 6, 0, 2));
        check_target(__LINE__, root, 3, 5, src, seL4_FailedLookup, NULL,
                     LF(seL4_DepthMismatch, 5, 0, 6));
        check_target(__LINE__, root, 2ul << 4 | 5, 10, src, seL4_FailedLookup, NULL,
                     LF(seL4_GuardMismatch, 4, 1, 1));
        check_target(__LINE__, root, 2ul << 2 | 3, 8, src, seL4_FailedLookup, NULL,
                     LF(seL4_DepthMismatch, 2, 0, 4));
        check_target(__LINE__, root, 2ul << 2 | 1, 8, src, seL4_FailedLookup, NULL,
                     LF(seL4_GuardMismatch, 2, 1, 1));
        /* Depth out of range: RangeError(1, 64), before any lookup. */
        check_target(__LINE__, root, 3, 0, src, seL4_RangeError, NULL, NOFAULT);
        check_target(__LINE__, root, 3, 65, src, seL4_RangeError, NULL, NOFAULT);
        check_target(__LINE__, root, 3, 128, src, seL4_RangeError, NULL, NOFAULT);
        check_target(__LINE__, root, 3, UINT64_MAX, src, seL4_RangeError, NULL, NOFAULT);
        /* Not a CNode: InvalidRoot, which comes before the depth check. */
        cap_t bad = top->slots[3].cap;
        check_target(__LINE__, bad, 3, 6, src, seL4_FailedLookup, NULL,
                     LF(seL4_InvalidRoot, 0, 0, 0));
        check_target(__LINE__, bad, 3, 0, src, seL4_FailedLookup, NULL,
                     LF(seL4_InvalidRoot, 0, 0, 0));
        check_target(__LINE__, cap_null(), 3, 99, src, seL4_FailedLookup, NULL,
                     LF(seL4_InvalidRoot, 0, 0, 0));
    }
    cnodes_free();
}

static void test_lookup_slot(void)
{
    tcb_t *t = calloc(1, sizeof(*t));
    cnode_t *c = cnode_alloc(6);
    *tcb_cspace_root(t) = cnode_cap(c, 58, 0);
    CHECK(tcb_cspace_root(t) == &t->slots[TCB_CTABLE].cap);
    lookup_result_t r = cspace_lookup_slot(t, 9);
    CHECK(r.slot == &c->slots[9]);
    CHECK_EQ(r.bits_left, 0);
    CHECK_EQ(r.fault.type, seL4_NoFailure);
    r = cspace_lookup_slot(t, 1ul << 63 | 9);
    CHECK(r.slot == NULL);
    CHECK_EQ(r.fault.type, seL4_GuardMismatch);
    CHECK_EQ(r.fault.bits_left, 64);
    CHECK_EQ(r.fault.bits_found, 58);
    t->slots[TCB_CTABLE].cap = cap_null();
    r = cspace_lookup_slot(t, 9);
    CHECK(r.slot == NULL);
    CHECK_EQ(r.fault.type, seL4_InvalidRoot);
    free(t);
    cnodes_free();
}

/* --- Random CSpaces ---------------------------------------------------------------------- */

/* A guard size for a CNode of the given radix: mostly small, sometimes up to the word. */
static unsigned rand_guard_size(unsigned radix)
{
    switch (test_rand_below(8)) {
    case 0:
        return (unsigned)test_rand_below(64 - radix + 1);
    case 1:
    case 2:
        return 0;
    default:
        return (unsigned)test_rand_below(9);
    }
}

/* Builds k random CNodes whose slots hold nothing, endpoints or capabilities to any of them
 * (cycles included); returns a root capability to the first. */
static cap_t build_random_cspace(void)
{
    int k = 1 + (int)test_rand_below(6);
    for (int i = 0; i < k; i++) {
        unsigned radix = 1 + (unsigned)test_rand_below(test_rand_below(4) == 0 ? 10 : 5);
        cnode_alloc(radix);
    }
    for (int i = 0; i < k; i++) {
        for (word_t s = 0; s < BIT(cnodes[i].radix); s++) {
            unsigned r = (unsigned)test_rand_below(8);
            if (r < 3) {
                const cnode_t *to = &cnodes[test_rand_below((u64)k)];
                cnodes[i].slots[s].cap = cnode_cap(to, rand_guard_size(to->radix), test_rand());
            } else if (r < 5) {
                cnodes[i].slots[s].cap = cap_endpoint_new(test_rand() & MASK(40), s, 3);
            }
        }
    }
    return cnode_cap(&cnodes[0], rand_guard_size(cnodes[0].radix), test_rand());
}

/* A pointer that resolves through the CSpace: guards matched, random indices, stopping at a
 * random level; *n_bits is the bits it uses, or 64 with random bits below. */
static word_t valid_cptr(cap_t root, word_t *n_bits)
{
    word_t cptr = 0, used = 0;
    cap_t node = root;
    for (;;) {
        word_t gs = cap_cnode_guard_size(node), radix = cap_cnode_radix(node);
        if (used + gs + radix > 64) {
            break;
        }
        word_t index = test_rand_below(BIT(radix));
        cptr = gs + radix == 64 ? 0 : cptr << (gs + radix);
        cptr |= (cap_cnode_guard(node) << radix) | index;
        used += gs + radix;
        cap_t next = cnode_find(node)->slots[index].cap;
        if (cap_type(next) != CAP_TYPE_CNODE || test_rand_below(4) == 0) {
            break;
        }
        node = next;
    }
    if (used == 0 || test_rand_below(2) == 0) {
        word_t pad = 64 - used;
        cptr = pad == 64 ? test_rand() : (cptr << pad) | (test_rand() & MASK(pad));
        used = 64;
    } else if (used < 64) {
        cptr |= test_rand() << used; /* bits above n_bits are ignored */
    }
    *n_bits = used;
    return cptr;
}

static int result_counts[8];

static void compare(cap_t root, word_t cptr, word_t n_bits)
{
    /* cspace_resolve takes at most a word; the CNode operations check the depth first. */
    lookup_result_t want = ref_resolve(root, cptr, n_bits > 64 ? 64 : n_bits);
    if (n_bits <= 64) {
        check_resolve(__LINE__, root, cptr, n_bits, want);
    }
    result_counts[want.fault.type < 6 ? want.fault.type : 7]++;
    if (want.fault.type == seL4_NoFailure && want.bits_left > 0) {
        result_counts[6]++;
    }
    /* The CNode-operation form of the same lookup (random source flag). */
    bool src = test_rand_below(2);
    word_t depth = n_bits;
    if (cap_type(root) != CAP_TYPE_CNODE) { /* InvalidRoot (no bits) before the depth check */
        check_target(__LINE__, root, cptr, depth, src, seL4_FailedLookup, NULL,
                     LF(seL4_InvalidRoot, 0, 0, 0));
    } else if (depth == 0 || depth > 64) {
        check_target(__LINE__, root, cptr, depth, src, seL4_RangeError, NULL, NOFAULT);
    } else if (want.slot == NULL) {
        check_target(__LINE__, root, cptr, depth, src, seL4_FailedLookup, NULL, want.fault);
    } else if (want.bits_left != 0) {
        check_target(__LINE__, root, cptr, depth, src, seL4_FailedLookup, NULL,
                     LF(seL4_DepthMismatch, want.bits_left, 0, 0));
    } else {
        check_target(__LINE__, root, cptr, depth, src, seL4_NoError, want.slot, NOFAULT);
    }
}

static void test_random(void)
{
    int pointers = 0;
    for (int tree = 0; tree < 1500 && test_failures < 10; tree++) {
        cap_t root = build_random_cspace();
        for (int j = 0; j < 12; j++) {
            word_t n_bits;
            word_t cptr = valid_cptr(root, &n_bits);
            compare(root, cptr, n_bits);
            for (int b = 0; b < 64; b++) { /* every bit flipped */
                compare(root, cptr ^ BIT(b), n_bits);
            }
            for (word_t d = 1; d < n_bits; d++) { /* every prefix of it */
                compare(root, cptr >> (n_bits - d), d);
            }
            compare(root, cptr, n_bits - 1 - test_rand_below(n_bits));  /* fewer bits */
            compare(root, cptr, n_bits + test_rand_below(66 - n_bits)); /* maybe more */
            compare(root, test_rand(), 1 + test_rand_below(64));
            pointers++;
        }
        /* The same CSpace behind a root that is not a CNode capability. */
        compare(cnodes[0].slots[0].cap, test_rand(), 64);
        cnodes_free();
    }
    printf("  %d pointers; results: ok %d (bits left %d), invalid root %d, depth mismatch %d, "
           "guard mismatch %d\n",
           pointers, result_counts[seL4_NoFailure], result_counts[6],
           result_counts[seL4_InvalidRoot], result_counts[seL4_DepthMismatch],
           result_counts[seL4_GuardMismatch]);
    CHECK_EQ(result_counts[7] + result_counts[seL4_MissingCapability], 0);
    CHECK(result_counts[seL4_NoFailure] > 50000 && result_counts[6] > 20000);
    CHECK(result_counts[seL4_DepthMismatch] > 10000 && result_counts[seL4_GuardMismatch] > 50000);
    CHECK(result_counts[seL4_InvalidRoot] > 500);
}

int main(void)
{
    test_seed_from_env(0xc5ace);
    RUN_TEST(test_address_mapping);
    RUN_TEST(test_single_level);
    RUN_TEST(test_invalid_root);
    RUN_TEST(test_chains);
    RUN_TEST(test_lookup_target);
    RUN_TEST(test_lookup_slot);
    RUN_TEST(test_random);
    return test_summary("unit.cspace");
}
