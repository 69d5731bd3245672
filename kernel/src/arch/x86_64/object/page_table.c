/* Page tables (the last level, 2 MiB each): Map into a page directory, Unmap. */
#include <gen/decode.h>
#include <arch/x86_64/object/paging.h>

/* Links the page table into the page directory entry found by the decoder. Cannot fail. */
static exception_t x86_page_table_invoke_map(cte_t *slot, const paging_table_map_t *m, word_t attr)
{
    paging_invoke_table_map(slot, m, attr);
    return seL4_NoError;
}

/*
 * Map: the page table must be unmapped (InvalidCapability 0), vspace a PML4 with a valid ASID
 * (InvalidCapability 1, or FailedLookup if its ASID is gone), vaddr a user address
 * (InvalidArgument 0); a page directory must cover vaddr (FailedLookup, 30 or 39 bits
 * left) and its entry must be empty (DeleteFirst, also for a 2 MiB frame there).
 */
exception_t x86_page_table_decode_map(struct cte *slot, const invocation_t *inv,
                                      const x86_page_table_map_args_t *args)
{
    (void)inv;
    paging_table_map_t m;
    exception_t e = paging_decode_table_map(slot, args->vspace, args->vaddr, LEVEL_PD, &m);
    if (e != seL4_NoError) {
        return e;
    }
    return x86_page_table_invoke_map(slot, &m, args->attr);
}

/* Takes the page table out of its page directory and clears it. Cannot fail. */
static exception_t x86_page_table_invoke_unmap(cte_t *slot)
{
    paging_invoke_table_unmap(slot, LEVEL_PD);
    return seL4_NoError;
}

/* Unmap: RevokeFirst unless this is the page table's last capability. */
exception_t x86_page_table_decode_unmap(struct cte *slot, const invocation_t *inv,
                                        const x86_page_table_unmap_args_t *args)
{
    (void)inv;
    (void)args;
    exception_t e = paging_decode_table_unmap(slot);
    if (e != seL4_NoError) {
        return e;
    }
    return x86_page_table_invoke_unmap(slot);
}
