/*
 * TLB maintenance and PCIDs (see tlb.h). Invariant: with PCIDs on, every TLB entry tagged with
 * an ASID whose bit in asid_stale is clear matches the current page tables of the address
 * space that owns that ASID; the current address space is never stale (changes to it are
 * invalidated at once).
 */
#include <arch/x86_64/machine/cpu.h>
#include <arch/x86_64/machine/cpu_init.h>
#include <arch/x86_64/object/tlb.h>
#include <arch/x86_64/object/vspace.h>
#include <object/cap.h>

#define CR3_NO_FLUSH BIT(63) /* with PCIDE: keep the TLB entries of the PCID being loaded */

static bool pcid_enabled;
static paddr_t current_pml4;
static u16 current_asid;
static word_t asid_stale[BIT(ASID_BITS) / 64];

void tlb_init(void)
{
    current_pml4 = read_cr3() & PTE_ADDR_MASK;
    current_asid = 0;
    if (cpu_features.pcid) {
        write_cr4(read_cr4() | CR4_PCIDE);
        pcid_enabled = true;
    }
}

bool tlb_has_pcid(void)
{
    return pcid_enabled;
}

paddr_t tlb_current_pml4(void)
{
    return current_pml4;
}

/* Marks or clears the stale bit of an ASID. */
static void tlb_set_stale(u16 asid, bool stale)
{
    word_t bit = BIT(asid % 64);
    if (stale) {
        asid_stale[asid / 64] |= bit;
    } else {
        asid_stale[asid / 64] &= ~bit;
    }
}

static bool tlb_is_stale(u16 asid)
{
    return asid_stale[asid / 64] & BIT(asid % 64);
}

void tlb_activate(paddr_t pml4, u16 asid)
{
    if (pml4 == current_pml4) {
        return;
    }
    if (!pcid_enabled) {
        write_cr3(pml4);
    } else if (asid == 0 || tlb_is_stale(asid)) {
        write_cr3(pml4 | asid);
        tlb_set_stale(asid, false);
    } else {
        write_cr3(pml4 | asid | CR3_NO_FLUSH);
    }
    current_pml4 = pml4;
    current_asid = asid;
}

void tlb_flush_page(paddr_t pml4, u16 asid, vptr_t vaddr)
{
    if (pml4 == current_pml4) {
        invlpg(vaddr);
    } else if (pcid_enabled) {
        tlb_set_stale(asid, true);
    }
}

void tlb_flush_asid(paddr_t pml4, u16 asid)
{
    if (pcid_enabled) {
        tlb_set_stale(asid, true);
    }
    if (pml4 == current_pml4) {
        /* Reloading CR3 without the no-flush bit drops the current PCID's translations. */
        write_cr3(pml4 | (pcid_enabled ? current_asid : 0));
        if (pcid_enabled) {
            tlb_set_stale(current_asid, false);
        }
    }
}
