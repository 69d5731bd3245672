/* Page directory pointer tables (the second level, 512 GiB each): Map into a PML4, Unmap. */
#include <gen/decode.h>
#include <arch/x86_64/object/paging.h>

/* Links the PDPT into the PML4 entry found by the decoder. Cannot fail. */
static exception_t x86_pdpt_invoke_map(cte_t *slot, const paging_table_map_t *m, word_t attr)
{
    paging_invoke_table_map(slot, m, attr);
    return seL4_NoError;
}

/*
 * Map: the PDPT must be unmapped (InvalidCapability 0), pml4 a PML4 with a valid ASID
 * (InvalidCapability 1, or FailedLookup if its ASID is gone), vaddr a user address
 * (InvalidArgument 0); the PML4 entry covering vaddr must be empty (DeleteFirst).
 */
exception_t x86_pdpt_decode_map(struct cte *slot, const invocation_t *inv,
                                const x86_pdpt_map_args_t *args)
{
    (void)inv;
    paging_table_map_t m;
    exception_t e = paging_decode_table_map(slot, args->pml4, args->vaddr, LEVEL_PML4, &m);
    if (e != seL4_NoError) {
        return e;
    }
    return x86_pdpt_invoke_map(slot, &m, args->attr);
}

/* Takes the PDPT out of its PML4 and clears it. Cannot fail. */
static exception_t x86_pdpt_invoke_unmap(cte_t *slot)
{
    paging_invoke_table_unmap(slot, LEVEL_PML4);
    return seL4_NoError;
}

/* Unmap: RevokeFirst unless this is the PDPT's last capability. */
exception_t x86_pdpt_decode_unmap(struct cte *slot, const invocation_t *inv,
                                  const x86_pdpt_unmap_args_t *args)
{
    (void)inv;
    (void)args;
    exception_t e = paging_decode_table_unmap(slot);
    if (e != seL4_NoError) {
        return e;
    }
    return x86_pdpt_invoke_unmap(slot);
}
