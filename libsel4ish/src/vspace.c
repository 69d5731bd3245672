/* Mapping frames, with the paging structures they need made on demand (see vspace.h). */
#include <sel4ish/vspace.h>

/* The paging structures below the PML4, from the top. */
typedef enum { LEVEL_PDPT, LEVEL_PD, LEVEL_PT } level_t;

static seL4_Word level_object_type(level_t level)
{
    switch (level) {
    case LEVEL_PDPT:
        return seL4_X86_PDPTObject;
    case LEVEL_PD:
        return seL4_X86_PageDirectoryObject;
    default:
        return seL4_X86_PageTableObject;
    }
}

/* Maps the paging structure table of the given level at the place that covers vaddr. */
static seL4_Error level_map(level_t level, seL4_CPtr table, seL4_CPtr vspace, seL4_Word vaddr)
{
    seL4_X86_VMAttributes attr = seL4_X86_Default_VMAttributes;
    switch (level) {
    case LEVEL_PDPT:
        return seL4_X86_PDPT_Map(table, vspace, vaddr, attr);
    case LEVEL_PD:
        return seL4_X86_PageDirectory_Map(table, vspace, vaddr, attr);
    default:
        return seL4_X86_PageTable_Map(table, vspace, vaddr, attr);
    }
}

/* Makes a paging structure of the given level and maps it to cover vaddr. When the kernel
 * answers seL4_FailedLookup, the level above is missing too: make that one first (recursively,
 * up to the PDPT, which the PML4 always takes) and try again. Frees the new structure on
 * error. */
static seL4_Error map_table(sel4ish_alloc_t *a, seL4_CPtr vspace, level_t level, seL4_Word vaddr)
{
    seL4_CPtr table;
    seL4_Error err = sel4ish_alloc_object(a, level_object_type(level), 0, &table);
    if (err != seL4_NoError) {
        return err;
    }
    err = level_map(level, table, vspace, vaddr);
    if (err == seL4_FailedLookup && level != LEVEL_PDPT) {
        err = map_table(a, vspace, level - 1, vaddr);
        if (err == seL4_NoError) {
            err = level_map(level, table, vspace, vaddr);
        }
    }
    if (err != seL4_NoError) {
        sel4ish_free_object(a, table);
    }
    return err;
}

/* Maps frame at vaddr; if a paging structure is missing, makes it from the level that holds
 * the frame's entry (table_level) upwards and maps the frame again. */
static seL4_Error map_frame(sel4ish_alloc_t *a, seL4_CPtr vspace, seL4_CPtr frame, seL4_Word vaddr,
                            seL4_CapRights_t rights, seL4_X86_VMAttributes attr,
                            level_t table_level)
{
    seL4_Error err = seL4_X86_Page_Map(frame, vspace, vaddr, rights, attr);
    if (err != seL4_FailedLookup) {
        return err;
    }
    err = map_table(a, vspace, table_level, vaddr);
    if (err != seL4_NoError) {
        return err;
    }
    return seL4_X86_Page_Map(frame, vspace, vaddr, rights, attr);
}

seL4_Error sel4ish_map_frame(sel4ish_alloc_t *a, seL4_CPtr vspace, seL4_CPtr frame, seL4_Word vaddr,
                             seL4_CapRights_t rights, seL4_X86_VMAttributes attr)
{
    return map_frame(a, vspace, frame, vaddr, rights, attr, LEVEL_PT);
}

seL4_Error sel4ish_map_large_frame(sel4ish_alloc_t *a, seL4_CPtr vspace, seL4_CPtr frame,
                                   seL4_Word vaddr, seL4_CapRights_t rights,
                                   seL4_X86_VMAttributes attr)
{
    return map_frame(a, vspace, frame, vaddr, rights, attr, LEVEL_PD);
}

seL4_Error sel4ish_map_new_frame(sel4ish_alloc_t *a, seL4_CPtr vspace, seL4_Word vaddr,
                                 seL4_CapRights_t rights, seL4_X86_VMAttributes attr,
                                 seL4_CPtr *frame)
{
    seL4_CPtr cap;
    seL4_Error err = sel4ish_alloc_object(a, seL4_X86_4K, 0, &cap);
    if (err != seL4_NoError) {
        return err;
    }
    err = sel4ish_map_frame(a, vspace, cap, vaddr, rights, attr);
    if (err != seL4_NoError) {
        sel4ish_free_object(a, cap);
        return err;
    }
    *frame = cap;
    return seL4_NoError;
}
