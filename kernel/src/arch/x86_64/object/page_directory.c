/* Page directories (the third level, 1 GiB each): Map into a PDPT, Unmap. */
#include <gen/decode.h>
#include <arch/x86_64/object/paging.h>

/* Links the page directory into the PDPT entry found by the decoder. Cannot fail. */
static exception_t x86_page_directory_invoke_map(cte_t *slot, const paging_table_map_t *m,
                                                 word_t attr)
{
    paging_invoke_table_map(slot, m, attr);
    return seL4_NoError;
}

/*
 * Map: the page directory must be unmapped (InvalidCapability 0), vspace a PML4 with a valid ASID
 * (InvalidCapability 1, or FailedLookup if its ASID is gone), vaddr a user address
 * (InvalidArgument 0); a PDPT must cover vaddr (FailedLookup, 39 bits left) and its entry
 * must be empty (DeleteFirst).
 */
exception_t x86_page_directory_decode_map(struct cte *slot, const invocation_t *inv,
                                          const x86_page_directory_map_args_t *args)
{
    (void)inv;
    paging_table_map_t m;
    exception_t e = paging_decode_table_map(slot, args->vspace, args->vaddr, LEVEL_PDPT, &m);
    if (e != seL4_NoError) {
        return e;
    }
    return x86_page_directory_invoke_map(slot, &m, args->attr);
}

/* Takes the page directory out of its PDPT and clears it. Cannot fail. */
static exception_t x86_page_directory_invoke_unmap(cte_t *slot)
{
    paging_invoke_table_unmap(slot, LEVEL_PDPT);
    return seL4_NoError;
}

/* Unmap: RevokeFirst unless this is the page directory's last capability. */
exception_t x86_page_directory_decode_unmap(struct cte *slot, const invocation_t *inv,
                                            const x86_page_directory_unmap_args_t *args)
{
    (void)inv;
    (void)args;
    exception_t e = paging_decode_table_unmap(slot);
    if (e != seL4_NoError) {
        return e;
    }
    return x86_page_directory_invoke_unmap(slot);
}
