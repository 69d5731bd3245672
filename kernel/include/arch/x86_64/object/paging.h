/*
 * What the x86-64 paging objects (PDPT, page directory, page table, frame) share: checking the
 * VSpace argument of a Map, building entries from seL4's VM attributes and rights, and taking a
 * table out of its parent. Each object's invocations live in its own file.
 */
#pragma once

#include <types.h>
#include <api/invocation.h>
#include <arch/x86_64/object/vspace.h>
#include <object/cnode.h>

/* seL4_X86_VMAttributes bits. */
#define VM_ATTR_WRITE_THROUGH   BIT(0)
#define VM_ATTR_CACHE_DISABLED  BIT(1)
#define VM_ATTR_WRITE_COMBINING BIT(2)

/* True if cap is a VSpace root that can be mapped into: a PML4 with an ASID (seL4's
 * isValidNativeRoot). */
bool paging_is_valid_root(cap_t cap);

/*
 * Checks that the ASID of a valid root still names that root. Errors: FailedLookup (not the
 * source; lookup fault InvalidRoot) if the ASID is not assigned any more, InvalidCapability
 * (index 1) if it names another root. Changes nothing.
 */
exception_t paging_check_root_asid(cap_t root);

/* The entry that links a table at paddr into its parent, with the PWT/PCD attribute bits. */
pte_t paging_table_entry(paddr_t paddr, word_t attr);

/*
 * Takes the table at paddr out of the parent-level table that covers vaddr in the address space
 * of asid, if the parent entry still points to it (a stale mapping is left alone), and drops
 * the address space's cached translations. Cannot fail.
 */
void paging_unlink_table(u16 asid, vptr_t vaddr, enum vspace_level parent, paddr_t paddr);

/* Decoding a table Map (PDPT, PD, PT) up to its slot: the checks all three share, in seL4's
 * order. On success *slot is the parent entry to fill and *vaddr the aligned address. */
typedef struct paging_table_map {
    pte_t *slot;
    vptr_t vaddr;
    u16 asid;
} paging_table_map_t;

exception_t paging_decode_table_map(const cte_t *table, const cte_t *root, vptr_t vaddr,
                                    enum vspace_level parent, paging_table_map_t *out);

/* Performs a decoded table Map: links the table and records the mapping in its capability. */
void paging_invoke_table_map(cte_t *table, const paging_table_map_t *m, word_t attr);

/*
 * Decoding a table Unmap: RevokeFirst unless this is the table's last capability (seL4 clears
 * the table, which every copy would otherwise still name).
 */
exception_t paging_decode_table_unmap(const cte_t *table);

/* Performs a table Unmap: takes the table out of its parent (if mapped), clears it and marks
 * the capability unmapped. */
void paging_invoke_table_unmap(cte_t *table, enum vspace_level parent);
