/* The boot-time physical memory allocator: hands out zeroed, naturally aligned blocks from the
 * free memory the loader reported, before any untyped capability exists. */
#pragma once

#include <types.h>
#include <kernel/memmap.h>

#define BOOT_ALLOC_MAX_RANGES 64

/* Takes ownership of the free ranges (copied). */
void boot_alloc_init(const prange_t *free, u32 n);

/* A zeroed block of 2^bits bytes aligned to its size, or 0 if no free range can hold it.
 * Memory cut off below the block by the alignment stays free. */
paddr_t boot_alloc(u32 bits);

/* The ranges still free (for the untyped capabilities handed to the root task). */
u32 boot_alloc_free_ranges(const prange_t **out);

/* Bytes still free. */
u64 boot_alloc_free_bytes(void);
