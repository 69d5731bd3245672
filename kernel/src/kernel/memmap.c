/* Physical memory map arithmetic: range helpers, free-range computation, power-of-two splits. */
#include <kernel/memmap.h>

static const prange_t prange_none = {0, 0};

bool prange_empty(prange_t r)
{
    return r.start >= r.end;
}

u64 prange_size(prange_t r)
{
    return prange_empty(r) ? 0 : r.end - r.start;
}

bool prange_overlaps(prange_t a, prange_t b)
{
    return !prange_empty(prange_intersect(a, b));
}

bool prange_contains(prange_t r, paddr_t addr)
{
    return addr >= r.start && addr < r.end;
}

prange_t prange_intersect(prange_t a, prange_t b)
{
    prange_t r = {a.start > b.start ? a.start : b.start, a.end < b.end ? a.end : b.end};
    return prange_empty(r) ? prange_none : r;
}

prange_t prange_align_in(prange_t r, u64 align)
{
    if (align == 0) {
        align = 1;
    }
    u64 rem = r.start % align;
    if (rem != 0) {
        if (r.start > UINT64_MAX - (align - rem)) {
            return prange_none;
        }
        r.start += align - rem;
    }
    r.end -= r.end % align;
    return prange_empty(r) ? prange_none : r;
}

prange_t prange_from_region(const mem_region_t *m)
{
    prange_t r = {m->base, m->base + m->length};
    if (m->length > UINT64_MAX - m->base) {
        r.end = UINT64_MAX;
    }
    return r;
}

/* The inputs of memmap_free_ranges(), bundled. */
typedef struct {
    const mem_region_t *mem;
    u32 n_mem;
    const prange_t *res;
    u32 n_res;
} memmap_in_t;

/* True if addr is usable RAM that no other region and no reserved range covers. */
static bool memmap_is_free(const memmap_in_t *in, paddr_t addr)
{
    bool usable = false;
    for (u32 i = 0; i < in->n_mem; i++) {
        if (prange_contains(prange_from_region(&in->mem[i]), addr)) {
            if (in->mem[i].type != MEM_USABLE) {
                return false;
            }
            usable = true;
        }
    }
    for (u32 i = 0; usable && i < in->n_res; i++) {
        if (prange_contains(in->res[i], addr)) {
            return false;
        }
    }
    return usable;
}

/* Lowers *best to b if b lies above x and below *best. */
static void memmap_consider(paddr_t x, paddr_t b, paddr_t *best, bool *found)
{
    if (b > x && (!*found || b < *best)) {
        *best = b;
        *found = true;
    }
}

/*
 * Finds the smallest boundary (start or end of a non-empty region or reserved range) above x;
 * freeness is constant between consecutive boundaries. Returns false if there is none.
 */
static bool memmap_next_boundary(const memmap_in_t *in, paddr_t x, paddr_t *next)
{
    bool found = false;
    for (u32 i = 0; i < in->n_mem; i++) {
        prange_t r = prange_from_region(&in->mem[i]);
        if (!prange_empty(r)) {
            memmap_consider(x, r.start, next, &found);
            memmap_consider(x, r.end, next, &found);
        }
    }
    for (u32 i = 0; i < in->n_res; i++) {
        if (!prange_empty(in->res[i])) {
            memmap_consider(x, in->res[i].start, next, &found);
            memmap_consider(x, in->res[i].end, next, &found);
        }
    }
    return found;
}

/* Given a free boundary x, returns the end of the maximal free run starting there. */
static paddr_t memmap_run_end(const memmap_in_t *in, paddr_t x)
{
    paddr_t b = x;
    while (memmap_next_boundary(in, b, &b) && memmap_is_free(in, b)) {
    }
    return b;
}

u32 memmap_free_ranges(const mem_region_t *mem, u32 n_mem, const prange_t *reserved, u32 n_reserved,
                       u64 align, prange_t *out, u32 max_out)
{
    memmap_in_t in = {mem, n_mem, reserved, n_reserved};
    u32 n = 0;
    paddr_t x = 0;
    bool more = memmap_is_free(&in, 0) || memmap_next_boundary(&in, 0, &x);
    while (more && n < max_out) {
        if (memmap_is_free(&in, x)) {
            paddr_t end = memmap_run_end(&in, x);
            prange_t r = prange_align_in((prange_t){x, end}, align);
            if (!prange_empty(r)) {
                out[n++] = r;
            }
            x = end;
        }
        more = memmap_next_boundary(&in, x, &x);
    }
    return n;
}

/* The largest k <= max_bits with at aligned to 2^k and 2^k <= room (room > 0). */
static u32 memmap_block_bits(paddr_t at, u64 room, u32 max_bits)
{
    u32 k = at == 0 ? max_bits : (u32)__builtin_ctzll(at);
    if (k > max_bits) {
        k = max_bits;
    }
    while (BIT(k) > room) {
        k--;
    }
    return k;
}

u32 memmap_split_pow2(prange_t r, u32 min_bits, u32 max_bits, prange_t *out, u32 max_out)
{
    if (max_bits > 63) {
        max_bits = 63;
    }
    if (min_bits > max_bits) {
        return 0;
    }
    r = prange_align_in(r, BIT(min_bits));
    u32 n = 0;
    for (paddr_t at = r.start; at < r.end && n < max_out; n++) {
        u32 k = memmap_block_bits(at, r.end - at, max_bits);
        out[n] = (prange_t){at, at + BIT(k)};
        at += BIT(k);
    }
    return n;
}
