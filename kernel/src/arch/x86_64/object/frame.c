/*
 * Frames: Map (new mappings and remapping at the same address), Unmap and GetAddress. A frame
 * capability records the one mapping it made (vaddr, ASID); copies of a frame capability map
 * the frame independently. A 4 KiB frame sits in a page table entry, a 2 MiB frame in a page
 * directory entry and a 1 GiB frame in a PDPT entry.
 */
#include <gen/decode.h>
#include <api/syscall_error.h>
#include <arch/x86_64/machine/cpu_init.h>
#include <arch/x86_64/object/asid.h>
#include <arch/x86_64/object/frame.h>
#include <arch/x86_64/object/paging.h>
#include <arch/x86_64/object/tlb.h>

/* The level of the table whose entries map a frame of the given size. */
static enum vspace_level frame_level(unsigned size)
{
    return size == FRAME_SIZE_4K ? LEVEL_PT : size == FRAME_SIZE_2M ? LEVEL_PD : LEVEL_PDPT;
}

/* The frame address in a leaf entry of the given level (bit 12 is the PAT bit of large pages). */
static paddr_t frame_entry_paddr(pte_t e, enum vspace_level level)
{
    return level == LEVEL_PT ? pte_paddr(e) : pte_paddr(e) & ~PTE_PAT_LARGE;
}

/* True if the entry (of the given level) maps the frame at pa. */
static bool frame_entry_maps(pte_t e, enum vspace_level level, paddr_t pa)
{
    if (!(e & PTE_PRESENT) || (level != LEVEL_PT && !(e & PTE_LARGE))) {
        return false;
    }
    return frame_entry_paddr(e, level) == pa;
}

/* seL4's maskVMRights: the frame capability's VM rights limited by a rights mask. */
static unsigned frame_mask_vm_rights(unsigned vm, cap_rights_t mask)
{
    if (vm == VM_READ_ONLY && mask.allow_read) {
        return VM_READ_ONLY;
    }
    if (vm == VM_READ_WRITE && mask.allow_read) {
        return mask.allow_write ? VM_READ_WRITE : VM_READ_ONLY;
    }
    return VM_KERNEL_ONLY;
}

/* The leaf entry mapping the frame at pa with the given VM rights and seL4 VM attributes. */
static pte_t frame_entry(paddr_t pa, enum vspace_level level, unsigned vm, word_t attr)
{
    pte_t e = pa | PTE_PRESENT;
    if (vm != VM_KERNEL_ONLY) {
        e |= PTE_USER;
    }
    if (vm != VM_READ_ONLY) {
        e |= PTE_WRITE;
    }
    if (attr & VM_ATTR_WRITE_THROUGH) {
        e |= PTE_PWT;
    }
    if (attr & VM_ATTR_CACHE_DISABLED) {
        e |= PTE_PCD;
    }
    if ((attr & VM_ATTR_WRITE_COMBINING) && vspace_has_pat()) {
        e |= level == LEVEL_PT ? PTE_PAT_4K : PTE_PAT_LARGE;
    } else if (attr & VM_ATTR_WRITE_COMBINING) {
        e |= PTE_PCD | PTE_PWT; /* no PAT: uncached is the closest */
    }
    if (level != LEVEL_PT) {
        e |= PTE_LARGE;
    }
    return e;
}

/* True if the frame fits at vaddr below seL4_UserTop: seL4 checks the end address against its
 * last user address, so the last page of the lower half is never mappable (which also keeps a
 * sysret to a non-canonical address out of reach). */
static bool frame_vaddr_fits(vptr_t vaddr, unsigned bits)
{
    vptr_t vtop = vaddr + BIT(bits);
    return vaddr <= VSPACE_USER_LAST && vtop <= VSPACE_USER_LAST && vtop > vaddr;
}

void frame_unmap(cap_t frame)
{
    u16 asid = cap_mapped_asid(frame);
    paddr_t pml4 = asid_lookup_pml4(asid);
    if (!pml4) {
        return;
    }
    enum vspace_level level = frame_level(cap_frame_size(frame));
    vptr_t vaddr = cap_mapped_vaddr(frame);
    word_t bits_left;
    pte_t *slot = vspace_lookup_slot(pml4, vaddr, level, &bits_left);
    if (!slot || !frame_entry_maps(*slot, level, cap_paddr(frame))) {
        return;
    }
    *slot = 0;
    tlb_flush_page(pml4, asid, vaddr);
}

/* A decoded Map: the entry to write, where, and the mapping to record in the capability. */
typedef struct frame_map {
    pte_t *slot;
    pte_t entry;
    paddr_t pml4;
    vptr_t vaddr;
    u16 asid;
} frame_map_t;

/* Writes the entry and records the mapping in the capability; a replaced translation (a
 * remap) is invalidated. Cannot fail. */
static exception_t x86_page_invoke_map(cte_t *slot, const frame_map_t *m)
{
    pte_t old = *m->slot;
    *m->slot = m->entry;
    slot->cap = cap_set_mapping(slot->cap, m->vaddr, m->asid);
    if (old & PTE_PRESENT) {
        tlb_flush_page(m->pml4, m->asid, m->vaddr);
    }
    return seL4_NoError;
}

/*
 * The checks of Map that come before the page tables are walked, in seL4's order: vspace must
 * be a PML4 with an ASID (InvalidCapability 1); a mapped frame may only be remapped in the same
 * ASID (InvalidCapability 1) at the same address (InvalidArgument 0); a new mapping must lie
 * below seL4_UserTop (InvalidArgument 0); the ASID must still name vspace (FailedLookup,
 * InvalidCapability 1); vaddr must be aligned to the frame size (AlignmentError).
 */
static exception_t frame_decode_map_target(cap_t frame, cap_t root, vptr_t vaddr)
{
    unsigned bits = frame_size_bits(cap_frame_size(frame));
    if (!paging_is_valid_root(root)) {
        return syscall_error_invalid_cap(1);
    }
    if (cap_is_mapped(frame)) {
        if (cap_mapped_asid(frame) != cap_pml4_asid(root)) {
            return syscall_error_invalid_cap(1);
        }
        if (cap_mapped_vaddr(frame) != vaddr) {
            return syscall_error_invalid_argument(0);
        }
    } else if (!frame_vaddr_fits(vaddr, bits)) {
        return syscall_error_invalid_argument(0);
    }
    exception_t e = paging_check_root_asid(root);
    if (e != seL4_NoError) {
        return e;
    }
    if (!IS_ALIGNED(vaddr, bits)) {
        return seL4_AlignmentError;
    }
    return seL4_NoError;
}

/*
 * The entry slot for the mapping: the tables above it must exist (FailedLookup with the bits
 * left: 39, 30 or 21), and the slot must be empty or, for a remap, still hold this frame
 * (DeleteFirst otherwise: a page table, or another frame, is in the way).
 */
static exception_t frame_decode_map_slot(cap_t frame, paddr_t pml4, vptr_t vaddr, pte_t **out)
{
    enum vspace_level level = frame_level(cap_frame_size(frame));
    word_t bits_left;
    pte_t *slot = vspace_lookup_slot(pml4, vaddr, level, &bits_left);
    if (!slot) {
        lookup_fault_t f = {.type = seL4_MissingCapability, .bits_left = bits_left};
        return syscall_error_failed_lookup(false, f);
    }
    bool remap = cap_is_mapped(frame) && frame_entry_maps(*slot, level, cap_paddr(frame));
    if ((*slot & PTE_PRESENT) && !remap) {
        return seL4_DeleteFirst;
    }
    *out = slot;
    return seL4_NoError;
}

exception_t x86_page_decode_map(struct cte *slot, const invocation_t *inv,
                                const x86_page_map_args_t *args)
{
    (void)inv;
    cap_t frame = slot->cap, root = args->vspace->cap;
    exception_t e = frame_decode_map_target(frame, root, args->vaddr);
    if (e != seL4_NoError) {
        return e;
    }
    if (cap_frame_size(frame) == FRAME_SIZE_1G && !cpu_features.pdpe1gb) {
        return seL4_IllegalOperation; /* the CPU has no 1 GiB pages */
    }
    frame_map_t m = {.pml4 = cap_paddr(root), .vaddr = args->vaddr, .asid = cap_pml4_asid(root)};
    e = frame_decode_map_slot(frame, cap_paddr(root), args->vaddr, &m.slot);
    if (e != seL4_NoError) {
        return e;
    }
    unsigned vm = frame_mask_vm_rights(cap_frame_rights(frame), args->rights);
    m.entry = frame_entry(cap_paddr(frame), frame_level(cap_frame_size(frame)), vm, args->attr);
    return x86_page_invoke_map(slot, &m);
}

/* Removes the frame's mapping (if it still exists) and marks the capability unmapped. */
static exception_t x86_page_invoke_unmap(cte_t *slot)
{
    if (cap_is_mapped(slot->cap)) {
        frame_unmap(slot->cap);
    }
    slot->cap = cap_set_mapping(slot->cap, 0, 0);
    return seL4_NoError;
}

/* Unmap: nothing to check; unmapping an unmapped frame does nothing. */
exception_t x86_page_decode_unmap(struct cte *slot, const invocation_t *inv,
                                  const x86_page_unmap_args_t *args)
{
    (void)inv;
    (void)args;
    return x86_page_invoke_unmap(slot);
}

/* Replies with the frame's physical address. */
static exception_t x86_page_invoke_get_address(paddr_t pa)
{
    x86_page_get_address_result_t r = {.paddr = pa};
    x86_page_get_address_reply(&r);
    return seL4_NoError;
}

exception_t x86_page_decode_get_address(struct cte *slot, const invocation_t *inv,
                                        const x86_page_get_address_args_t *args)
{
    (void)inv;
    (void)args;
    return x86_page_invoke_get_address(cap_paddr(slot->cap));
}
