/*
 * Shared by the paging objects: VSpace argument checks, entry construction, and linking and
 * unlinking tables (see paging.h). Invariant: a table capability records (vaddr, ASID) of its
 * one mapping; it is trusted only after the parent entry is checked to point to the table.
 */
#include <gen/errors.h>
#include <api/syscall_error.h>
#include <arch/x86_64/object/asid.h>
#include <arch/x86_64/object/paging.h>
#include <arch/x86_64/object/tlb.h>
#include <kernel/string.h>
#include <object/cdt.h>

bool paging_is_valid_root(cap_t cap)
{
    return cap_type(cap) == CAP_TYPE_PML4 && cap_pml4_asid(cap) != 0;
}

exception_t paging_check_root_asid(cap_t root)
{
    paddr_t pml4 = asid_lookup_pml4(cap_pml4_asid(root));
    if (!pml4) {
        lookup_fault_t f = {.type = seL4_InvalidRoot};
        return syscall_error_failed_lookup(false, f);
    }
    if (pml4 != cap_paddr(root)) {
        return syscall_error_invalid_cap(1);
    }
    return seL4_NoError;
}

pte_t paging_table_entry(paddr_t paddr, word_t attr)
{
    pte_t e = (paddr & PTE_ADDR_MASK) | PTE_PRESENT | PTE_WRITE | PTE_USER;
    if (attr & VM_ATTR_WRITE_THROUGH) {
        e |= PTE_PWT;
    }
    if (attr & VM_ATTR_CACHE_DISABLED) {
        e |= PTE_PCD;
    }
    return e;
}

void paging_unlink_table(u16 asid, vptr_t vaddr, enum vspace_level parent, paddr_t paddr)
{
    paddr_t pml4 = asid_lookup_pml4(asid);
    if (!pml4) {
        return;
    }
    word_t bits_left;
    pte_t *slot = vspace_lookup_slot(pml4, vaddr, parent, &bits_left);
    if (!slot || !pte_is_table(*slot) || pte_paddr(*slot) != paddr) {
        return;
    }
    *slot = 0;
    tlb_flush_asid(pml4, asid);
}

exception_t paging_decode_table_map(const cte_t *table, const cte_t *root, vptr_t vaddr,
                                    enum vspace_level parent, paging_table_map_t *out)
{
    if (cap_is_mapped(table->cap)) {
        return syscall_error_invalid_cap(0);
    }
    vaddr = ROUND_DOWN(vaddr, vspace_entry_bits(parent));
    if (!paging_is_valid_root(root->cap)) {
        return syscall_error_invalid_cap(1);
    }
    if (vaddr > VSPACE_USER_LAST) {
        return syscall_error_invalid_argument(0);
    }
    exception_t e = paging_check_root_asid(root->cap);
    if (e != seL4_NoError) {
        return e;
    }
    word_t bits_left;
    pte_t *slot = vspace_lookup_slot(cap_paddr(root->cap), vaddr, parent, &bits_left);
    if (!slot) {
        lookup_fault_t f = {.type = seL4_MissingCapability, .bits_left = bits_left};
        return syscall_error_failed_lookup(false, f);
    }
    if (*slot & PTE_PRESENT) {
        return seL4_DeleteFirst;
    }
    *out = (paging_table_map_t){slot, vaddr, cap_pml4_asid(root->cap)};
    return seL4_NoError;
}

void paging_invoke_table_map(cte_t *table, const paging_table_map_t *m, word_t attr)
{
    *m->slot = paging_table_entry(cap_paddr(table->cap), attr);
    table->cap = cap_set_mapping(table->cap, m->vaddr, m->asid);
}

exception_t paging_decode_table_unmap(const cte_t *table)
{
    if (!cdt_is_final(table)) {
        return seL4_RevokeFirst;
    }
    return seL4_NoError;
}

void paging_invoke_table_unmap(cte_t *table, enum vspace_level parent)
{
    cap_t c = table->cap;
    if (cap_is_mapped(c)) {
        paging_unlink_table(cap_mapped_asid(c), cap_mapped_vaddr(c), parent, cap_paddr(c));
        memset(paddr_to_kptr(cap_paddr(c)), 0, BIT(PAGE_BITS));
    }
    table->cap = cap_set_mapping(c, 0, 0);
}
