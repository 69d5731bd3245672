/* ASID pools: Assign gives a VSpace root (PML4) the pool's first free ASID. */
#include <gen/decode.h>
#include <api/syscall_error.h>
#include <arch/x86_64/object/asid.h>

/* Records asid in the pool and in the PML4 capability in vspace. Cannot fail. */
static exception_t x86_asid_pool_invoke_assign(paddr_t pool, u16 asid, cte_t *vspace)
{
    asid_assign(pool, asid, cap_paddr(vspace->cap));
    vspace->cap = cap_pml4_new(cap_paddr(vspace->cap), asid);
    return seL4_NoError;
}

/*
 * Assign, with seL4's checks in seL4's order: InvalidCapability (1) unless vspace is a PML4
 * capability without an ASID; FailedLookup (InvalidRoot) if the pool's table entry is empty;
 * InvalidCapability (0) if the entry names another pool (this capability is stale);
 * DeleteFirst if every ASID of the pool is taken.
 */
exception_t x86_asid_pool_decode_assign(struct cte *slot, const invocation_t *inv,
                                        const x86_asid_pool_assign_args_t *args)
{
    (void)inv;
    cap_t root = args->vspace->cap;
    if (cap_type(root) != CAP_TYPE_PML4 || cap_pml4_asid(root) != 0) {
        return syscall_error_invalid_cap(1);
    }
    word_t base = cap_asid_pool_base(slot->cap);
    paddr_t pool = asid_table_pool(base >> ASID_LOW_BITS);
    if (!pool) {
        lookup_fault_t f = {.type = seL4_InvalidRoot};
        return syscall_error_failed_lookup(false, f);
    }
    if (pool != cap_paddr(slot->cap)) {
        return syscall_error_invalid_cap(0);
    }
    u16 asid = asid_pool_free_asid(pool, base);
    if (asid == 0) {
        return seL4_DeleteFirst;
    }
    return x86_asid_pool_invoke_assign(pool, asid, args->vspace);
}
