/*
 * ASIDs: the ASID table (one entry per pool) and the pool objects (one entry per ASID). See
 * asid.h. Invariants: a pool entry names a PML4 exactly while that PML4's capability holds the
 * ASID (the last capability's deletion frees it); the PML4 records its own ASID
 * (vspace_pml4_asid) for as long as the pool entry names it; ASID 0 is never assigned.
 */
#include <arch/x86_64/object/asid.h>
#include <arch/x86_64/object/tlb.h>
#include <arch/x86_64/object/vspace.h>
#include <object/cap.h>
#include <object/tcb.h>

paddr_t asid_table[ASID_TABLE_SIZE];

static asid_pool_t *asid_pool_ptr(paddr_t pa)
{
    return paddr_to_kptr(pa);
}

void asid_boot_init(paddr_t pool, paddr_t pml4)
{
    asid_table[0] = pool;
    asid_assign(pool, ASID_FIRST_VALID, pml4);
}

paddr_t asid_lookup_pml4(u16 asid)
{
    if (asid == 0 || asid >= ASID_TABLE_SIZE * ASID_POOL_SIZE) {
        return 0;
    }
    paddr_t pool = asid_table[asid >> ASID_LOW_BITS];
    return pool ? asid_pool_ptr(pool)->pml4[asid & MASK(ASID_LOW_BITS)] : 0;
}

paddr_t asid_thread_vspace(const struct tcb *t, u16 *asid)
{
    cap_t c = t->slots[TCB_VTABLE].cap;
    paddr_t pml4 = asid_vtable_pml4(c);
    if (pml4) {
        *asid = cap_pml4_asid(c);
        return pml4;
    }
    *asid = 0;
    return vspace_kernel_pml4();
}

unsigned asid_table_free_index(void)
{
    unsigned i = 0;
    while (i < ASID_TABLE_SIZE && asid_table[i]) {
        i++;
    }
    return i;
}

paddr_t asid_table_pool(unsigned index)
{
    return index < ASID_TABLE_SIZE ? asid_table[index] : 0;
}

void asid_table_install(unsigned index, paddr_t pa)
{
    asid_table[index] = pa;
}

u16 asid_pool_free_asid(paddr_t pa, word_t base)
{
    const asid_pool_t *p = asid_pool_ptr(pa);
    for (unsigned i = 0; i < ASID_POOL_SIZE; i++) {
        if (base + i != 0 && !p->pml4[i]) {
            return (u16)(base + i);
        }
    }
    return 0;
}

void asid_assign(paddr_t pa, u16 asid, paddr_t pml4)
{
    asid_pool_ptr(pa)->pml4[asid & MASK(ASID_LOW_BITS)] = pml4;
    vspace_set_pml4_asid(pml4, asid);
}

/* Forgets the ASID of the PML4 the pool entry names (the entry itself is left to the caller):
 * drops its translations and leaves its address space if the CPU is in it. */
static void asid_forget(u16 asid, paddr_t pml4)
{
    vspace_set_pml4_asid(pml4, 0);
    tlb_flush_asid(pml4, asid);
    if (tlb_current_pml4() == pml4) {
        vspace_activate(vspace_kernel_pml4());
    }
}

void asid_release(u16 asid, paddr_t pml4)
{
    paddr_t pool = asid_table_pool(asid >> ASID_LOW_BITS);
    if (!pool || asid_lookup_pml4(asid) != pml4) {
        return;
    }
    asid_forget(asid, pml4);
    asid_pool_ptr(pool)->pml4[asid & MASK(ASID_LOW_BITS)] = 0;
}

void asid_pool_release(word_t base, paddr_t pa)
{
    unsigned index = base >> ASID_LOW_BITS;
    if (asid_table_pool(index) != pa) {
        return;
    }
    asid_pool_t *p = asid_pool_ptr(pa);
    for (unsigned i = 0; i < ASID_POOL_SIZE; i++) {
        if (p->pml4[i]) {
            asid_forget((u16)(base + i), p->pml4[i]);
        }
    }
    asid_table[index] = 0;
}
