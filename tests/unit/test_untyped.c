/* Host tests for kernel/src/object/untyped_plan.c: the Retype watermark against a model. */
#include "test.h"

#include <object/untyped.h>

typedef unsigned __int128 u128;

/* The plan computed independently, in 128-bit arithmetic so nothing can wrap. */
static untyped_plan_t ref_plan(cap_t ut, bool has_children, word_t object_bits, word_t count)
{
    untyped_plan_t p = {0};
    u128 size = (u128)1 << cap_untyped_size_bits(ut);
    u128 offset = has_children ? cap_untyped_free_offset(ut) : 0;
    p.bytes_left = (word_t)(size - offset);
    if (object_bits >= 64) {
        return p;
    }
    u128 obj = (u128)1 << object_bits;
    u128 first = (offset + obj - 1) / obj * obj;
    u128 end = first + (u128)count * obj;
    if (end > size) {
        return p;
    }
    p.fits = true;
    p.first = cap_paddr(ut) + (word_t)first;
    p.new_offset = (word_t)end;
    return p;
}

static void check_plan(int line, untyped_plan_t got, untyped_plan_t want)
{
    test_checks++;
    bool same = got.fits == want.fits && got.bytes_left == want.bytes_left;
    if (same && want.fits) {
        same = got.first == want.first && got.new_offset == want.new_offset;
    }
    if (!same) {
        test_failures++;
        fprintf(stderr,
                "%s:%d: FAIL: plan fits %d left %#" PRIx64 " first %#" PRIx64 " new %#" PRIx64
                ", want fits %d left %#" PRIx64 " first %#" PRIx64 " new %#" PRIx64 "\n",
                __FILE__, line, got.fits, got.bytes_left, got.first, got.new_offset, want.fits,
                want.bytes_left, want.first, want.new_offset);
    }
}

#define CHECK_PLAN(ut, kids, bits, count)                                                          \
    check_plan(__LINE__, untyped_plan((ut), (kids), (bits), (count)),                              \
               ref_plan((ut), (kids), (bits), (count)))

/* Object sizes Retype can make (seL4_*Bits of x86-64, CNodes of radix 1..10, untypeds). */
static const word_t object_sizes[] = {4, 5, 11, 12, 21, 30, 6, 7, 8, 9, 10, 13, 14, 15, 20, 47};

static void test_basics(void)
{
    paddr_t base = 0x100000;
    cap_t ut = cap_untyped_new(base, 16, false, 0); /* 64 KiB */
    untyped_plan_t p = untyped_plan(ut, false, 12, 16);
    CHECK(p.fits);
    CHECK_EQ(p.first, base);
    CHECK_EQ(p.new_offset, 0x10000);
    CHECK_EQ(p.bytes_left, 0x10000);
    p = untyped_plan(ut, false, 12, 17);
    CHECK(!p.fits);
    CHECK_EQ(p.bytes_left, 0x10000);
    p = untyped_plan(ut, false, 16, 1); /* the whole untyped as one object */
    CHECK(p.fits);
    CHECK_EQ(p.first, base);
    CHECK_EQ(p.new_offset, 0x10000);
    CHECK(!untyped_plan(ut, false, 17, 1).fits);
    CHECK(!untyped_plan(ut, false, 64, 1).fits);
    CHECK(!untyped_plan(ut, false, 200, 1).fits);
    CHECK_EQ(untyped_plan(ut, false, 200, 1).bytes_left, 0x10000);

    /* Watermark alignment: an endpoint, then a frame aligned up past the gap. */
    ut = cap_untyped_set_free_offset(ut, 0x10); /* one endpoint made */
    p = untyped_plan(ut, true, 12, 1);
    CHECK(p.fits);
    CHECK_EQ(p.first, base + 0x1000);
    CHECK_EQ(p.new_offset, 0x2000);
    CHECK_EQ(p.bytes_left, 0x10000 - 0x10);
    /* Fifteen frames still fit after the gap, sixteen do not (bytes_left >> 12 == 15). */
    CHECK(untyped_plan(ut, true, 12, 15).fits);
    p = untyped_plan(ut, true, 12, 16);
    CHECK(!p.fits);
    CHECK_EQ(p.bytes_left, 0xfff0);
    /* Objects smaller than the watermark's alignment go right at it. */
    p = untyped_plan(ut, true, 4, 3);
    CHECK_EQ(p.first, base + 0x10);
    CHECK_EQ(p.new_offset, 0x40);
    p = untyped_plan(ut, true, 5, 1); /* a notification: aligned to 32 */
    CHECK_EQ(p.first, base + 0x20);
    CHECK_EQ(p.new_offset, 0x40);

    /* No children: the watermark is ignored and allocation restarts at the base. */
    p = untyped_plan(ut, false, 12, 16);
    CHECK(p.fits);
    CHECK_EQ(p.first, base);
    CHECK_EQ(p.bytes_left, 0x10000);

    /* Full untyped: NotEnoughMemory with 0 bytes left, unless reset. */
    ut = cap_untyped_set_free_offset(ut, 0x10000);
    p = untyped_plan(ut, true, 4, 1);
    CHECK(!p.fits);
    CHECK_EQ(p.bytes_left, 0);
    CHECK(untyped_plan(ut, false, 4, 1).fits);

    /* The device bit is not part of the watermark. */
    cap_t dev = cap_untyped_new(0xfe000000, 21, true, 0x1000);
    CHECK(cap_untyped_is_device(dev));
    CHECK_EQ(cap_untyped_free_offset(dev), 0x1000);
    p = untyped_plan(dev, true, 12, 511);
    CHECK(p.fits);
    CHECK_EQ(p.first, 0xfe001000);
    CHECK_EQ(p.bytes_left, 0x1ff000);
    dev = cap_untyped_set_free_offset(dev, p.new_offset);
    CHECK(cap_untyped_is_device(dev));
    CHECK_EQ(cap_untyped_free_offset(dev), 0x200000);
    CHECK_EQ(cap_paddr(dev), 0xfe000000);
    CHECK_EQ(cap_untyped_size_bits(dev), 21);

    /* The largest untyped and huge counts: no wrap-around in the fit test. */
    cap_t big = cap_untyped_new(1ul << 47, 47, false, 0);
    p = untyped_plan(big, false, 30, 1ul << 17);
    CHECK(p.fits);
    CHECK_EQ(p.new_offset, 1ul << 47);
    CHECK(!untyped_plan(big, false, 30, (1ul << 17) + 1).fits);
    CHECK(!untyped_plan(big, false, 4, UINT64_MAX).fits);
    CHECK(!untyped_plan(big, false, 63, 1).fits);
    CHECK(!untyped_plan(big, false, 47, 2).fits);
}

/* Every untyped size, object size, count around the limit and watermark position. */
static void test_every_size(void)
{
    int cases = 0;
    for (unsigned ub = CAP_MIN_UNTYPED_BITS; ub <= CAP_MAX_UNTYPED_BITS; ub++) {
        paddr_t base = (test_rand() & CAP_PADDR_MASK) & ~MASK(ub);
        for (word_t ob = 0; ob <= 66; ob++) {
            word_t offsets[] = {0,
                                1,
                                BIT(ub) - 1,
                                BIT(ub),
                                BIT(ub) / 2,
                                test_rand_below(BIT(ub) + 1),
                                ob < 64 ? BIT(ob) : 3,
                                ob < 64 && ob < ub ? BIT(ub) - BIT(ob) : 5,
                                ob > 0 && ob < 64 && ob < ub ? BIT(ob) + 1 : 7};
            for (size_t i = 0; i < ARRAY_SIZE(offsets); i++) {
                word_t off = offsets[i] > BIT(ub) ? BIT(ub) : offsets[i];
                cap_t ut = cap_untyped_new(base, ub, i & 1, off);
                word_t room = ob < ub ? (BIT(ub) - off) >> ob : 1;
                word_t counts[] = {1,
                                   2,
                                   room,
                                   room + 1,
                                   room > 0 ? room - 1 : 1,
                                   256,
                                   test_rand_below(room + 2) + 1};
                for (size_t j = 0; j < ARRAY_SIZE(counts); j++) {
                    word_t count = counts[j] ? counts[j] : 1;
                    CHECK_PLAN(ut, true, ob, count);
                    CHECK_PLAN(ut, false, ob, count);
                    cases += 2;
                }
            }
        }
    }
    printf("  %d plans compared with the reference\n", cases);
}

/* One live object of the model. */
typedef struct {
    paddr_t start;
    word_t bits;
} obj_t;

#define MAX_OBJS 4096

/*
 * Random Retype sequences into one untyped against a model: the model keeps the watermark and
 * the live objects; a "revoke" drops them all (has_children false), a "delete" drops one.
 */
static void test_random_sequences(void)
{
    static obj_t objs[MAX_OBJS];
    u64 made = 0, refused = 0, resets = 0;
    for (int seq = 0; seq < 400 && test_failures < 10; seq++) {
        unsigned ub = 12 + (unsigned)test_rand_below(13); /* 4 KiB .. 16 MiB */
        paddr_t base = (test_rand() & CAP_PADDR_MASK) & ~MASK(ub);
        cap_t ut = cap_untyped_new(base, ub, test_rand_below(4) == 0, 0);
        word_t watermark = 0; /* the model's: bytes handed out since the last reset */
        int n = 0;
        for (int step = 0; step < 300 && test_failures < 10; step++) {
            unsigned r = (unsigned)test_rand_below(100);
            if (r < 3) { /* revoke: every child goes */
                n = 0;
                continue;
            }
            if (r < 10 && n > 0) { /* delete one child: the watermark stays */
                u64 k = test_rand_below((u64)n);
                objs[k] = objs[--n];
                continue;
            }
            word_t ob = object_sizes[test_rand_below(ARRAY_SIZE(object_sizes))];
            if (test_rand_below(4) == 0) {
                ob = CAP_MIN_UNTYPED_BITS + test_rand_below(ub - CAP_MIN_UNTYPED_BITS + 1);
            }
            word_t count = 1 + test_rand_below(test_rand_below(8) == 0 ? 256 : 8);
            bool has_children = n > 0;
            untyped_plan_t p = untyped_plan(ut, has_children, ob, count);
            if (!has_children) {
                watermark = 0;
                resets++;
            }
            CHECK_EQ(p.bytes_left, BIT(ub) - watermark);
            u128 first = ob < 64 ? (watermark + BIT(ob) - 1) & ~MASK(ob) : 0;
            bool room = ob < 64 && first + ((u128)count << ob) <= BIT(ub);
            CHECK_EQ(p.fits, room);
            if (!p.fits) {
                refused++;
                continue;
            }
            CHECK_EQ(p.first, base + (word_t)first);
            CHECK_EQ(p.new_offset, (word_t)first + (count << ob));
            for (word_t i = 0; i < count && n < MAX_OBJS; i++) {
                paddr_t s = p.first + (i << ob);
                CHECK(IS_ALIGNED(s, ob));
                CHECK(s >= base && s + BIT(ob) <= base + BIT(ub));
                for (int k = 0; k < n; k++) {
                    bool apart =
                        s + BIT(ob) <= objs[k].start || objs[k].start + BIT(objs[k].bits) <= s;
                    if (!apart) {
                        TEST_FAIL("object %#" PRIx64 "/%" PRIu64 " overlaps %#" PRIx64 "/%" PRIu64,
                                  s, ob, objs[k].start, objs[k].bits);
                    }
                }
                objs[n++] = (obj_t){s, ob};
                made++;
            }
            watermark = p.new_offset;
            ut = cap_untyped_set_free_offset(ut, p.new_offset);
            CHECK_EQ(cap_untyped_free_offset(ut), watermark);
            CHECK_EQ(cap_untyped_size_bits(ut), ub);
            CHECK_EQ(cap_paddr(ut), base);
        }
    }
    printf("  %" PRIu64 " objects made, %" PRIu64 " NotEnoughMemory, %" PRIu64 " resets\n", made,
           refused, resets);
    CHECK(made > 10000 && refused > 1000 && resets > 400);
}

/* After a revoke, all of the untyped is usable again from the base, however full it was. */
static void test_reuse_after_revoke(void)
{
    cap_t ut = cap_untyped_new(0x40000000, 20, false, 0);
    for (int cycle = 0; cycle < 10000; cycle++) {
        word_t ob = 4 + (word_t)(cycle % 17);
        untyped_plan_t p = untyped_plan(ut, false, ob, BIT(20 - ob));
        CHECK(p.fits);
        CHECK_EQ(p.first, 0x40000000);
        CHECK_EQ(p.new_offset, BIT(20));
        ut = cap_untyped_set_free_offset(ut, p.new_offset);
        untyped_plan_t q = untyped_plan(ut, true, 4, 1);
        CHECK(!q.fits);
        CHECK_EQ(q.bytes_left, 0);
        if (test_failures > 10) {
            break;
        }
    }
}

int main(void)
{
    test_seed_from_env(0x47e1);
    RUN_TEST(test_basics);
    RUN_TEST(test_every_size);
    RUN_TEST(test_random_sequences);
    RUN_TEST(test_reuse_after_revoke);
    return test_summary("unit.untyped");
}
