/*
 * The x86-64 side of capability operations that the generic code calls: what deleting a
 * paging capability undoes, and how Retype makes the x86 objects.
 */
#pragma once

#include <types.h>
#include <object/cap.h>

/*
 * Undoes what a capability's deletion must undo, before its slot is emptied: a mapped frame is
 * unmapped (every copy records its own mapping); the last capability to a mapped PDPT, PD or
 * PT unmaps it from its parent; the last capability to a PML4 releases its ASID; the last
 * capability to an ASID pool releases the pool and every ASID in it. A mapping that is already
 * gone (stale capability) is left alone. Flushes the TLB where anything changed. Cannot fail.
 */
void arch_finalise_cap(cap_t cap, bool final);

/* True for the capability types this file handles. */
bool arch_cap_is_paging(cap_t cap);

/*
 * Creates an x86 object (seL4_X86_4K, LargePage, HugePage, PageTable, PageDirectory, PDPT,
 * PML4) in the zeroed memory at pa and returns its capability (unmapped, no ASID). A new PML4
 * gets the kernel's half copied in.
 */
cap_t arch_create_object(word_t type, paddr_t pa, bool device);
