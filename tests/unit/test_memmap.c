/* Host tests for kernel/src/kernel/memmap.c: hand-picked maps and randomised model comparisons. */
#include "test.h"

#include <kernel/memmap.h>

#define R(b, l, t) ((mem_region_t){.base = (b), .length = (l), .type = (t)})
#define P(s, e)    ((prange_t){(s), (e)})

/* Checks that got[0..n) equals want[0..nw). */
static void check_ranges(int line, const prange_t *got, u32 n, const prange_t *want, u32 nw)
{
    test_checks++;
    bool same = n == nw;
    for (u32 i = 0; same && i < n; i++) {
        same = got[i].start == want[i].start && got[i].end == want[i].end;
    }
    if (same) {
        return;
    }
    test_failures++;
    fprintf(stderr, "%s:%d: FAIL: ranges differ\n  got %u:", __FILE__, line, n);
    for (u32 i = 0; i < n; i++) {
        fprintf(stderr, " [%#" PRIx64 ", %#" PRIx64 ")", got[i].start, got[i].end);
    }
    fprintf(stderr, "\n  want %u:", nw);
    for (u32 i = 0; i < nw; i++) {
        fprintf(stderr, " [%#" PRIx64 ", %#" PRIx64 ")", want[i].start, want[i].end);
    }
    fprintf(stderr, "\n");
}

#define CHECK_RANGES(got, n, ...)                                                                  \
    do {                                                                                           \
        const prange_t want_[] = {__VA_ARGS__};                                                    \
        check_ranges(__LINE__, got, n, want_, (u32)(sizeof(want_) / sizeof(want_[0])));            \
    } while (0)

static void test_helpers(void)
{
    CHECK(prange_empty(P(5, 5)));
    CHECK(prange_empty(P(6, 5)));
    CHECK(!prange_empty(P(5, 6)));
    CHECK_EQ(prange_size(P(0x1000, 0x3000)), 0x2000);
    CHECK_EQ(prange_size(P(7, 3)), 0);
    CHECK(prange_overlaps(P(0, 10), P(9, 20)));
    CHECK(!prange_overlaps(P(0, 10), P(10, 20)));
    CHECK(!prange_overlaps(P(0, 10), P(5, 5)));
    CHECK(prange_overlaps(P(0, 100), P(40, 50)));
    CHECK(prange_contains(P(10, 20), 10));
    CHECK(!prange_contains(P(10, 20), 20));
    prange_t i = prange_intersect(P(0, 100), P(50, 200));
    CHECK_EQ(i.start, 50);
    CHECK_EQ(i.end, 100);
    i = prange_intersect(P(0, 10), P(20, 30));
    CHECK(prange_empty(i));
    i = prange_align_in(P(0x1001, 0x3fff), 0x1000);
    CHECK_EQ(i.start, 0x2000);
    CHECK_EQ(i.end, 0x3000);
    CHECK(prange_empty(prange_align_in(P(0x1001, 0x1fff), 0x1000)));
    CHECK(prange_empty(prange_align_in(P(UINT64_MAX - 5, UINT64_MAX), 0x1000)));
    i = prange_align_in(P(3, 7), 0);
    CHECK_EQ(i.start, 3);
    CHECK_EQ(i.end, 7);
    i = prange_align_in(P(1, 20), 6); /* any non-zero alignment works */
    CHECK_EQ(i.start, 6);
    CHECK_EQ(i.end, 18);
    mem_region_t wrap = R(UINT64_MAX - 0xfff, 0x10000, MEM_USABLE);
    i = prange_from_region(&wrap);
    CHECK_EQ(i.start, UINT64_MAX - 0xfff);
    CHECK_EQ(i.end, UINT64_MAX);
}

static void test_qemu_like_map(void)
{
    const mem_region_t mem[] = {
        R(0, 0x9fc00, MEM_USABLE),
        R(0x9fc00, 0x400, MEM_RESERVED),
        R(0xf0000, 0x10000, MEM_RESERVED),
        R(0x100000, 0x7ee0000, MEM_USABLE),
        R(0x7fe0000, 0x20000, MEM_RESERVED),
        R(0xfffc0000, 0x40000, MEM_RESERVED),
        R(0x100000000, 0x80000000, MEM_USABLE),
    };
    const prange_t res[] = {P(0x100000, 0x2345678), P(0x2400000, 0x2410001)};
    prange_t out[16];
    u32 n = memmap_free_ranges(mem, 7, res, 2, 0x1000, out, 16);
    CHECK_RANGES(out, n, P(0, 0x9f000), P(0x2346000, 0x2400000), P(0x2411000, 0x7fe0000),
                 P(0x100000000, 0x180000000));
    n = memmap_free_ranges(mem, 7, res, 2, 0x1000, out, 2);
    CHECK_RANGES(out, n, P(0, 0x9f000), P(0x2346000, 0x2400000));
    n = memmap_free_ranges(mem, 7, res, 2, 0x1000, out, 0);
    CHECK_EQ(n, 0);
}

static void test_overlaps_and_order(void)
{
    prange_t out[8];
    /* Unsorted, overlapping and adjacent usable regions merge. */
    const mem_region_t a[] = {R(0x5000, 0x3000, MEM_USABLE), R(0x1000, 0x2000, MEM_USABLE),
                              R(0x2000, 0x2000, MEM_USABLE), R(0x4000, 0x1000, MEM_USABLE)};
    u32 n = memmap_free_ranges(a, 4, NULL, 0, 0x1000, out, 8);
    CHECK_RANGES(out, n, P(0x1000, 0x8000));

    /* Non-usable wins over usable, whichever comes first. */
    const mem_region_t b[] = {R(0x3000, 0x1000, MEM_ACPI_NVS), R(0, 0x10000, MEM_USABLE),
                              R(0x8000, 0x100, MEM_BAD)};
    n = memmap_free_ranges(b, 3, NULL, 0, 0x1000, out, 8);
    CHECK_RANGES(out, n, P(0, 0x3000), P(0x4000, 0x8000), P(0x9000, 0x10000));

    /* Reserved ranges: empty and inverted ones are ignored; overlapping ones combine. */
    const mem_region_t c[] = {R(0, 0x100000, MEM_USABLE)};
    const prange_t res[] = {P(0x5000, 0x5000), P(0x9000, 0x8000), P(0x10000, 0x20000),
                            P(0x18000, 0x30000), P(0xff000, 0x200000)};
    n = memmap_free_ranges(c, 1, res, 5, 0x1000, out, 8);
    CHECK_RANGES(out, n, P(0, 0x10000), P(0x30000, 0xff000));

    /* Nothing usable, or nothing at all. */
    const mem_region_t d[] = {R(0, 0x100000, MEM_RESERVED), R(0x200000, 0, MEM_USABLE)};
    CHECK_EQ(memmap_free_ranges(d, 2, NULL, 0, 0x1000, out, 8), 0);
    CHECK_EQ(memmap_free_ranges(NULL, 0, NULL, 0, 0x1000, out, 8), 0);

    /* Alignment drops slivers; align 0 and 1 keep bytes. */
    const mem_region_t e[] = {R(0x1800, 0x1000, MEM_USABLE), R(0x10010, 0x30, MEM_USABLE)};
    n = memmap_free_ranges(e, 2, NULL, 0, 0x1000, out, 8);
    CHECK_EQ(n, 0);
    n = memmap_free_ranges(e, 2, NULL, 0, 0, out, 8);
    CHECK_RANGES(out, n, P(0x1800, 0x2800), P(0x10010, 0x10040));
    n = memmap_free_ranges(e, 2, NULL, 0, 0x10, out, 8);
    CHECK_RANGES(out, n, P(0x1800, 0x2800), P(0x10010, 0x10040));
}

static void test_wraparound(void)
{
    prange_t out[8];
    const mem_region_t a[] = {R(UINT64_MAX - 0x2fff, 0x10000, MEM_USABLE), R(0, 0x1000, 1)};
    u32 n = memmap_free_ranges(a, 2, NULL, 0, 0x1000, out, 8);
    CHECK_RANGES(out, n, P(0, 0x1000), P(0xffffffffffffd000, 0xfffffffffffff000));
    n = memmap_free_ranges(a, 2, NULL, 0, 1, out, 8);
    CHECK_RANGES(out, n, P(0, 0x1000), P(UINT64_MAX - 0x2fff, UINT64_MAX));
    const mem_region_t b[] = {R(0x1000, UINT64_MAX, MEM_USABLE), R(0x5000, UINT64_MAX, 2)};
    n = memmap_free_ranges(b, 2, NULL, 0, 0x1000, out, 8);
    CHECK_RANGES(out, n, P(0x1000, 0x5000));
    const prange_t res[] = {P(0x2000, UINT64_MAX)};
    n = memmap_free_ranges(b, 1, res, 1, 0x1000, out, 8);
    CHECK_RANGES(out, n, P(0x1000, 0x2000));
}

/*
 * Random free_ranges inputs: regions and ranges start in [base, base + UNIVERSE) and end before
 * base + MODEL, except wrapping regions, used only when base + MODEL is the top of the address
 * space. A byte-per-address model over [base, base + MODEL) gives the expected answer.
 */
#define UNIVERSE 4096u
#define MODEL    (2 * UNIVERSE)

static u32 model_free_ranges(const mem_region_t *mem, u32 n_mem, const prange_t *res, u32 n_res,
                             u64 base, u64 align, prange_t *out)
{
    static uint8_t usable[MODEL], blocked[MODEL];
    memset(usable, 0, sizeof(usable));
    memset(blocked, 0, sizeof(blocked));
    for (u32 i = 0; i < n_mem; i++) {
        for (u64 a = 0; a < MODEL; a++) {
            u64 off = base + a - mem[i].base; /* modular: inside iff off < length */
            bool in = base + a >= mem[i].base && off < mem[i].length && base + a != UINT64_MAX;
            if (in && mem[i].type == MEM_USABLE) {
                usable[a] = 1;
            } else if (in) {
                blocked[a] = 1;
            }
        }
    }
    for (u32 i = 0; i < n_res; i++) {
        for (u64 a = 0; a < MODEL; a++) {
            if (base + a >= res[i].start && base + a < res[i].end) {
                blocked[a] = 1;
            }
        }
    }
    u32 n = 0;
    for (u64 a = 0; a < MODEL;) {
        if (!usable[a] || blocked[a]) {
            a++;
            continue;
        }
        u64 s = a;
        while (a < MODEL && usable[a] && !blocked[a]) {
            a++;
        }
        u64 rs = (base + s + align - 1) / align * align, re = (base + a) / align * align;
        if (base + s > UINT64_MAX - (align - 1)) {
            rs = UINT64_MAX;
        }
        if (rs < re) {
            out[n++] = P(rs, re);
        }
    }
    return n;
}

static u64 rand_len(bool at_top)
{
    switch (test_rand_below(8)) {
    case 0:
        return 0;
    case 1:
        return at_top ? UINT64_MAX - test_rand_below(100) : UNIVERSE; /* wraps at the top */
    default:
        return test_rand_below(UNIVERSE / 2);
    }
}

static void test_free_ranges_random(void)
{
    static const u64 aligns[] = {0, 1, 2, 16, 64, 256, 4096, 24};
    mem_region_t mem[16];
    static prange_t got[MODEL], want[MODEL];
    prange_t res[8];
    u32 total = 0;
    for (int iter = 0; iter < 3000 && test_failures < 10; iter++) {
        bool at_top = test_rand_below(3) == 0;
        u64 base = at_top ? (u64)0 - MODEL : test_rand_below(3) << 32;
        u32 n_mem = (u32)test_rand_below(17), n_res = (u32)test_rand_below(9);
        for (u32 i = 0; i < n_mem; i++) {
            mem[i].base = base + test_rand_below(UNIVERSE);
            mem[i].length = rand_len(at_top);
            u64 t = test_rand_below(10);
            mem[i].type = t < 5 ? MEM_USABLE : (u32)t - 3; /* 2..6, 6 unknown */
        }
        for (u32 i = 0; i < n_res; i++) {
            res[i].start = base + test_rand_below(UNIVERSE);
            res[i].end = res[i].start + test_rand_below(UNIVERSE / 4) - UNIVERSE / 32;
        }
        u64 align = aligns[test_rand_below(8)];
        u32 n = memmap_free_ranges(mem, n_mem, res, n_res, align, got, MODEL);
        u32 nw = model_free_ranges(mem, n_mem, res, n_res, base, align ? align : 1, want);
        check_ranges(__LINE__, got, n, want, nw);
        total += nw;
    }
    printf("  free_ranges: %u ranges compared with the model\n", total);
    CHECK(total > 3000);
}

/* Checks the split of r: aligned, sized within bounds, contiguous, covering the aligned part. */
static void check_split(prange_t r, u32 min_bits, u32 max_bits, const prange_t *b, u32 n)
{
    u32 maxb = max_bits > 63 ? 63 : max_bits;
    prange_t inner = prange_align_in(r, min_bits > 63 ? 0 : BIT(min_bits));
    if (min_bits > maxb) {
        CHECK_EQ(n, 0);
        return;
    }
    u64 at = inner.start;
    for (u32 i = 0; i < n; i++) {
        u64 size = b[i].end - b[i].start;
        CHECK_EQ(b[i].start, at);
        CHECK(size != 0 && (size & (size - 1)) == 0);
        CHECK(size >= BIT(min_bits) && size <= BIT(maxb));
        CHECK_EQ(b[i].start & (size - 1), 0);
        /* Locally minimal: no two equal neighbours that would form one aligned block. */
        if (i > 0 && size < BIT(maxb) && b[i - 1].end - b[i - 1].start == size) {
            CHECK((b[i - 1].start & (2 * size - 1)) != 0);
        }
        at = b[i].end;
    }
    CHECK_EQ(at, prange_empty(inner) ? inner.start : inner.end);
}

/* The fewest blocks for [s, e) in units of 2^min_bits, by dynamic programming (small only). */
static u32 dp_min_blocks(u64 s, u64 e, u32 span_bits)
{
    static u32 best[UNIVERSE + 1];
    best[e - s] = 0;
    for (u64 p = e; p-- > s;) {
        u32 m = UINT32_MAX;
        for (u32 j = 0; j <= span_bits && j < 40; j++) {
            u64 sz = 1ull << j;
            if ((p & (sz - 1)) == 0 && p + sz <= e && best[p + sz - s] + 1 < m) {
                m = best[p + sz - s] + 1;
            }
        }
        best[p - s] = m;
    }
    return best[0];
}

static void test_split_cases(void)
{
    prange_t b[80];
    u32 n = memmap_split_pow2(P(0x1000, 0x10000), 12, 63, b, 80);
    CHECK_RANGES(b, n, P(0x1000, 0x2000), P(0x2000, 0x4000), P(0x4000, 0x8000), P(0x8000, 0x10000));
    n = memmap_split_pow2(P(0, 1ull << 32), 12, 47, b, 80);
    CHECK_RANGES(b, n, P(0, 1ull << 32));
    n = memmap_split_pow2(P(0, 1ull << 32), 12, 30, b, 80);
    CHECK_RANGES(b, n, P(0, 1ull << 30), P(1ull << 30, 2ull << 30), P(2ull << 30, 3ull << 30),
                 P(3ull << 30, 4ull << 30));
    n = memmap_split_pow2(P(0x1234, 0x5678), 12, 63, b, 80);
    CHECK_RANGES(b, n, P(0x2000, 0x4000), P(0x4000, 0x5000));
    CHECK_EQ(memmap_split_pow2(P(0x1234, 0x1fff), 12, 63, b, 80), 0);
    CHECK_EQ(memmap_split_pow2(P(0, 0x10000), 13, 12, b, 80), 0);
    CHECK_EQ(memmap_split_pow2(P(0x5000, 0x1000), 12, 20, b, 80), 0);
    n = memmap_split_pow2(P(0, UINT64_MAX), 12, 63, b, 80);
    CHECK_EQ(n, 52);
    CHECK_EQ(b[0].end, 1ull << 63);
    CHECK_EQ(b[51].end, 0xfffffffffffff000ull);
    check_split(P(0, UINT64_MAX), 12, 63, b, n);
    n = memmap_split_pow2(P(0, UINT64_MAX), 12, 99, b, 80); /* max_bits capped at 63 */
    CHECK_EQ(n, 52);
    n = memmap_split_pow2(P(0x1000, 0x10000), 12, 63, b, 2);
    CHECK_RANGES(b, n, P(0x1000, 0x2000), P(0x2000, 0x4000));
    n = memmap_split_pow2(P(3, 10), 0, 0, b, 80);
    CHECK_EQ(n, 7);
    n = memmap_split_pow2(P(3, 10), 0, 63, b, 80);
    CHECK_RANGES(b, n, P(3, 4), P(4, 8), P(8, 10));
}

static u64 rand_addr(void)
{
    return test_rand() >> test_rand_below(64);
}

static void test_split_random(void)
{
    static prange_t b[4096];
    for (int iter = 0; iter < 10000 && test_failures < 10; iter++) {
        u32 min_bits = (u32)test_rand_below(21);
        u32 max_bits = min_bits + (u32)test_rand_below(50);
        if (test_rand_below(16) == 0) {
            max_bits = (u32)test_rand_below(21); /* possibly below min_bits */
        }
        prange_t r;
        bool small = test_rand_below(2);
        if (small) { /* at most UNIVERSE units, for the exact minimum */
            u64 unit = BIT(min_bits);
            u64 s = (test_rand() >> 20) & ~(unit - 1) & ((1ull << 60) - 1);
            r = P(s + test_rand_below(unit), s + test_rand_below(UNIVERSE) * unit);
        } else {
            r = P(rand_addr(), rand_addr());
            while (max_bits >= min_bits && max_bits < 63 && (prange_size(r) >> max_bits) > 1000) {
                max_bits++; /* keep the block count within the output array */
            }
        }
        u32 n = memmap_split_pow2(r, min_bits, max_bits, b, 4096);
        CHECK(n < 4096);
        check_split(r, min_bits, max_bits, b, n);
        prange_t inner = prange_align_in(r, BIT(min_bits));
        if (small && min_bits <= max_bits && !prange_empty(inner)) {
            u32 span = (max_bits > 63 ? 63 : max_bits) - min_bits;
            CHECK_EQ(n, dp_min_blocks(inner.start >> min_bits, inner.end >> min_bits, span));
        }
    }
}

int main(void)
{
    test_seed_from_env(0x3e3a);
    RUN_TEST(test_helpers);
    RUN_TEST(test_qemu_like_map);
    RUN_TEST(test_overlaps_and_order);
    RUN_TEST(test_wraparound);
    RUN_TEST(test_free_ranges_random);
    RUN_TEST(test_split_cases);
    RUN_TEST(test_split_random);
    return test_summary("unit.memmap");
}
