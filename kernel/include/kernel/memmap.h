/* Physical memory map arithmetic: free ranges from the loader's map, power-of-two splitting. */
#pragma once

#include <kernel/boot_params.h>
#include <types.h>

/* A physical address range [start, end); empty when start >= end. */
typedef struct {
    paddr_t start, end;
} prange_t;

/* True if r holds no address. */
bool prange_empty(prange_t r);

/* The number of bytes in r (0 if empty). */
u64 prange_size(prange_t r);

/* True if a and b share at least one address (empty ranges overlap nothing). */
bool prange_overlaps(prange_t a, prange_t b);

/* True if addr lies in r. */
bool prange_contains(prange_t r, paddr_t addr);

/* The addresses in both a and b; {0, 0} if there are none. */
prange_t prange_intersect(prange_t a, prange_t b);

/* r shrunk inward to multiples of align (0 counts as 1); {0, 0} if nothing is left. */
prange_t prange_align_in(prange_t r, u64 align);

/* The range a loader region covers; a region running past the top of the address space is cut
 * at UINT64_MAX (its last byte is lost, which only matters to a map describing 2^64 - 1). */
prange_t prange_from_region(const mem_region_t *m);

/*
 * Computes the free memory: addresses inside some MEM_USABLE region, inside no region of another
 * type (non-usable wins on overlap) and inside no reserved range. Input may be unsorted and
 * overlapping; empty regions and ranges are ignored. Each maximal free run is shrunk inward to
 * multiples of align (0 or a power of two expected; any non-zero value works) and written to out
 * if non-empty. The result is sorted, disjoint and never adjacent (runs are separated by
 * non-free gaps). Stops after max_out ranges; returns the number written.
 * Cost: O((n_mem + n_reserved)^2) time, no extra memory.
 */
u32 memmap_free_ranges(const mem_region_t *mem, u32 n_mem, const prange_t *reserved, u32 n_reserved,
                       u64 align, prange_t *out, u32 max_out);

/*
 * Splits r into the fewest naturally aligned power-of-two blocks (a block of 2^k bytes starts at
 * a multiple of 2^k) with min_bits <= k <= max_bits (max_bits is capped at 63), in address
 * order. The parts of r outside its 2^min_bits-aligned interior are dropped. Returns the number of
 * blocks written, at most max_out (the split stops there); 0 if min_bits > max_bits.
 */
u32 memmap_split_pow2(prange_t r, u32 min_bits, u32 max_bits, prange_t *out, u32 max_out);
