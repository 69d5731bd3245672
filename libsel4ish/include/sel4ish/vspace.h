/*
 * Mapping frames into an x86-64 VSpace (a PML4) for root tasks: the paging structures that a
 * mapping needs and that are missing (PDPT, PageDirectory, PageTable) are retyped from the
 * allocator and mapped first. Their capabilities stay in the allocator's slots; unmapping and
 * freeing them is left to the caller. See docs/rootserver.md.
 *
 *     seL4_CPtr frame;
 *     sel4ish_alloc_object(&alloc, seL4_X86_4K, 0, &frame);
 *     sel4ish_map_frame(&alloc, seL4_CapInitThreadVSpace, frame, 0x10000000, seL4_ReadWrite,
 *                       seL4_X86_Default_VMAttributes);
 */
#pragma once

#include <sel4/sel4.h>
#include <sel4ish/alloc.h>

/* Maps the 4 KiB frame at vaddr (4 KiB aligned) in vspace with the given rights and caching
 * attributes, making and mapping any missing PDPT, PageDirectory and PageTable from a.
 * Returns seL4_NoError or the first error the kernel or the allocator gave (e.g.
 * seL4_DeleteFirst when something is already mapped at vaddr). */
seL4_Error sel4ish_map_frame(sel4ish_alloc_t *a, seL4_CPtr vspace, seL4_CPtr frame, seL4_Word vaddr,
                             seL4_CapRights_t rights, seL4_X86_VMAttributes attr);

/* Like sel4ish_map_frame for a 2 MiB frame (vaddr 2 MiB aligned): only a PDPT and a
 * PageDirectory can be missing. */
seL4_Error sel4ish_map_large_frame(sel4ish_alloc_t *a, seL4_CPtr vspace, seL4_CPtr frame,
                                   seL4_Word vaddr, seL4_CapRights_t rights,
                                   seL4_X86_VMAttributes attr);

/* Retypes a new 4 KiB frame (zeroed by the kernel), maps it as sel4ish_map_frame does and
 * stores its capability in *frame. Nothing stays allocated on error. */
seL4_Error sel4ish_map_new_frame(sel4ish_alloc_t *a, seL4_CPtr vspace, seL4_Word vaddr,
                                 seL4_CapRights_t rights, seL4_X86_VMAttributes attr,
                                 seL4_CPtr *frame);
