/* The x86-64 side of capability deletion and object creation (see arch_object.h). */
#include <gen/object_types.h>
#include <arch/x86_64/object/arch_object.h>
#include <arch/x86_64/object/asid.h>
#include <arch/x86_64/object/frame.h>
#include <arch/x86_64/object/paging.h>

bool arch_cap_is_paging(cap_t cap)
{
    switch (cap_type(cap)) {
    case CAP_TYPE_FRAME:
    case CAP_TYPE_PAGE_TABLE:
    case CAP_TYPE_PAGE_DIRECTORY:
    case CAP_TYPE_PDPT:
    case CAP_TYPE_PML4:
    case CAP_TYPE_ASID_POOL:
    case CAP_TYPE_ASID_CONTROL:
        return true;
    default:
        return false;
    }
}

/* The level of the table a PDPT, page directory or page table capability's object sits in. */
static enum vspace_level arch_parent_level(cap_t cap)
{
    switch (cap_type(cap)) {
    case CAP_TYPE_PDPT:
        return LEVEL_PML4;
    case CAP_TYPE_PAGE_DIRECTORY:
        return LEVEL_PDPT;
    default:
        return LEVEL_PD;
    }
}

void arch_finalise_cap(cap_t cap, bool final)
{
    switch (cap_type(cap)) {
    case CAP_TYPE_FRAME:
        /* Every frame capability records its own mapping, final or not. */
        if (cap_is_mapped(cap)) {
            frame_unmap(cap);
        }
        break;
    case CAP_TYPE_PAGE_TABLE:
    case CAP_TYPE_PAGE_DIRECTORY:
    case CAP_TYPE_PDPT:
        if (final && cap_is_mapped(cap)) {
            paging_unlink_table(cap_mapped_asid(cap), cap_mapped_vaddr(cap), arch_parent_level(cap),
                                cap_paddr(cap));
        }
        break;
    case CAP_TYPE_PML4:
        if (final && cap_pml4_asid(cap) != 0) {
            asid_release(cap_pml4_asid(cap), cap_paddr(cap));
        }
        break;
    case CAP_TYPE_ASID_POOL:
        if (final) {
            asid_pool_release(cap_asid_pool_base(cap), cap_paddr(cap));
        }
        break;
    default:
        break;
    }
}

/* A frame capability of the given size code: all rights, unmapped. */
static cap_t arch_frame_cap(paddr_t pa, unsigned size, bool device)
{
    return cap_frame_new(pa, size, VM_READ_WRITE, device, 0, 0);
}

cap_t arch_create_object(word_t type, paddr_t pa, bool device)
{
    switch (type) {
    case OBJ_X86_4K:
        return arch_frame_cap(pa, FRAME_SIZE_4K, device);
    case OBJ_X86_LARGE_PAGE:
        return arch_frame_cap(pa, FRAME_SIZE_2M, device);
    case OBJ_X64_HUGE_PAGE:
        return arch_frame_cap(pa, FRAME_SIZE_1G, device);
    case OBJ_X86_PAGE_TABLE:
        return cap_paging_new(CAP_TYPE_PAGE_TABLE, pa, 0, 0);
    case OBJ_X86_PAGE_DIRECTORY:
        return cap_paging_new(CAP_TYPE_PAGE_DIRECTORY, pa, 0, 0);
    case OBJ_X86_PDPT:
        return cap_paging_new(CAP_TYPE_PDPT, pa, 0, 0);
    case OBJ_X64_PML4:
        vspace_copy_kernel_mappings(pa);
        return cap_pml4_new(pa, 0);
    default:
        return cap_null();
    }
}
