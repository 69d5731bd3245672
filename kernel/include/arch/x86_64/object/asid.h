/*
 * ASIDs on x86-64: 12-bit address space identifiers (seL4: 8 pools of 512; ASID 0 is never
 * assigned). The ASID table maps the top 3 bits to an ASID pool object; a pool maps the low 9
 * bits to the PML4 of a VSpace. A PML4 capability records its ASID; every mapping records the
 * ASID it was made in, so a stale capability is detected by looking the ASID up again.
 * With PCIDs (when the CPU has them) the ASID is the PCID.
 */
#pragma once

#include <types.h>
#include <arch/x86_64/object/vspace.h>
#include <object/cap.h>

#define ASID_LOW_BITS    9
#define ASID_POOL_SIZE   (1u << ASID_LOW_BITS)
#define ASID_HIGH_BITS   3
#define ASID_TABLE_SIZE  (1u << ASID_HIGH_BITS)
#define ASID_FIRST_VALID 1

/* An ASID pool object (4 KiB): the PML4 physical address for each low ASID, 0 if free. */
typedef struct asid_pool {
    paddr_t pml4[ASID_POOL_SIZE];
} asid_pool_t;

_Static_assert(sizeof(asid_pool_t) == 4096, "an ASID pool is one page");

/* Physical address of each ASID pool, 0 where none was made (asid.c; read inline below). */
extern paddr_t asid_table[];

/* The PML4 a thread's VTABLE capability c lets it run in: the PML4's physical address if c is
 * a PML4 capability whose ASID still names that PML4, else 0. Inline for the IPC fastpath;
 * asid_thread_vspace is the general form. */
static ALWAYS_INLINE paddr_t asid_vtable_pml4(cap_t c)
{
    u16 asid = cap_pml4_asid(c);
    if (cap_type(c) != CAP_TYPE_PML4 || asid == 0) {
        return 0;
    }
    paddr_t pool = asid_table[asid >> ASID_LOW_BITS];
    if (!pool) {
        return 0;
    }
    paddr_t pml4 = ((const asid_pool_t *)paddr_to_kptr(pool))->pml4[asid & MASK(ASID_LOW_BITS)];
    return pml4 == cap_paddr(c) ? pml4 : 0;
}

/* Boot: installs the root task's pool as pool 0 and gives pml4 ASID 1. */
void asid_boot_init(paddr_t pool, paddr_t pml4);

/* The PML4 an ASID names, or 0 if the ASID is not assigned (or its pool is gone). */
paddr_t asid_lookup_pml4(u16 asid);

/* The PML4 and ASID the thread's VTABLE slot names, for loading CR3 (the kernel's own PML4
 * and ASID 0 when it holds no PML4 capability with a valid ASID). */
struct tcb;
paddr_t asid_thread_vspace(const struct tcb *t, u16 *asid);

/* --- For the ASID control, ASID pool and PML4 code ----------------------------------------- */

/* The first ASID-table index without a pool, or ASID_TABLE_SIZE if all pools exist. */
unsigned asid_table_free_index(void);

/* The pool installed at an ASID-table index (0 if none). */
paddr_t asid_table_pool(unsigned index);

/* Installs the (zeroed) pool at pa as the pool for ASIDs index << ASID_POOL_BITS onwards. */
void asid_table_install(unsigned index, paddr_t pa);

/* The first free ASID of the pool at pa whose first ASID is base (ASID 0 is never free), or 0
 * if the pool is full. */
u16 asid_pool_free_asid(paddr_t pa, word_t base);

/* Gives the PML4 at pml4 the free ASID asid of the pool at pa. */
void asid_assign(paddr_t pa, u16 asid, paddr_t pml4);

/*
 * Releases asid if it still names the PML4 at pml4 (seL4's deleteASID): the pool entry is
 * freed, the ASID's translations are dropped, and if that address space is the current one the
 * CPU moves to the kernel's. Cannot fail.
 */
void asid_release(u16 asid, paddr_t pml4);

/*
 * Releases a whole pool if it is still installed for base (seL4's deleteASIDPool): every ASID
 * in it is released as by asid_release and the table entry is cleared. Cannot fail.
 */
void asid_pool_release(word_t base, paddr_t pa);
