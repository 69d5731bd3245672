/*
 * Boot-time allocator. Invariant: ranges[0..n) are disjoint, page aligned, non-empty and hold
 * exactly the physical memory not yet used by the kernel. Blocks come from the top of the
 * highest range that fits, so low memory (and large aligned blocks) stay whole for untypeds.
 */
#include <kernel/boot_alloc.h>
#include <kernel/panic.h>
#include <arch/x86_64/object/vspace.h>

static prange_t ranges[BOOT_ALLOC_MAX_RANGES];
static u32 n_ranges;

void boot_alloc_init(const prange_t *free, u32 n)
{
    n_ranges = 0;
    for (u32 i = 0; i < n && n_ranges < BOOT_ALLOC_MAX_RANGES; i++) {
        if (free[i].end > free[i].start) {
            ranges[n_ranges++] = free[i];
        }
    }
}

/* Zeroes a block through the kernel window. */
static void boot_zero(paddr_t pa, u64 size)
{
    u64 *p = paddr_to_kptr(pa);
    for (u64 i = 0; i < size / sizeof(u64); i++) {
        p[i] = 0;
    }
}

/* Removes [start, start + size) from the top of range i, keeping the cut-off tail free. */
static void boot_take(u32 i, paddr_t start, u64 size)
{
    paddr_t tail = start + size;
    paddr_t old_end = ranges[i].end;
    ranges[i].end = start;
    if (tail < old_end && n_ranges < BOOT_ALLOC_MAX_RANGES) {
        ranges[n_ranges++] = (prange_t){tail, old_end};
    }
    if (ranges[i].end == ranges[i].start) {
        ranges[i] = ranges[--n_ranges];
    }
}

paddr_t boot_alloc(u32 bits)
{
    u64 size = BIT(bits);
    int best = -1;
    paddr_t best_start = 0;
    for (u32 i = 0; i < n_ranges; i++) {
        if (ranges[i].end - ranges[i].start < size) {
            continue;
        }
        paddr_t start = ROUND_DOWN(ranges[i].end - size, bits);
        if (start >= ranges[i].start && start > best_start) {
            best = (int)i;
            best_start = start;
        }
    }
    if (best < 0) {
        return 0;
    }
    boot_take((u32)best, best_start, size);
    boot_zero(best_start, size);
    return best_start;
}

u32 boot_alloc_free_ranges(const prange_t **out)
{
    *out = ranges;
    return n_ranges;
}

u64 boot_alloc_free_bytes(void)
{
    u64 total = 0;
    for (u32 i = 0; i < n_ranges; i++) {
        total += ranges[i].end - ranges[i].start;
    }
    return total;
}
