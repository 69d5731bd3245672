/*
 * TLB maintenance for user address spaces. Without PCIDs every CR3 switch flushes the user
 * translations, so only the current address space ever needs invalidating. With PCIDs (when
 * the CPU has them) each address space is tagged with its ASID as PCID; a change to an address
 * space that is not current marks its ASID stale, and the next switch to it flushes that PCID.
 * PCID 0 (the kernel's own root and any root without an ASID) is flushed on every switch.
 */
#pragma once

#include <types.h>

/* Enables PCIDs if the CPU has them. Boot only; precondition: CR3 holds PCID 0. */
void tlb_init(void);

/* True if address spaces are tagged with PCIDs. */
bool tlb_has_pcid(void);

/* The root of the address space the CPU is in. */
paddr_t tlb_current_pml4(void);

/* Loads CR3 with pml4 (tagged with asid when PCIDs are on) unless it is already loaded. */
void tlb_activate(paddr_t pml4, u16 asid);

/* The translation of vaddr in the address space (pml4, asid) changed or went away. */
void tlb_flush_page(paddr_t pml4, u16 asid, vptr_t vaddr);

/* Many translations of the address space (pml4, asid) changed (a table was unmapped, or the
 * ASID is being released): forget all of them. */
void tlb_flush_asid(paddr_t pml4, u16 asid);
