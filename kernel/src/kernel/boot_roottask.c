/*
 * Building the root task at boot: its address space, ELF segments, stack, IPC buffer, bootinfo
 * frame and TCB, all from the boot allocator. Root task layout (user addresses): the image where
 * its ELF says, then the IPC buffer page, then the bootinfo page; the stack below
 * ROOTTASK_STACK_TOP with an unmapped guard page beneath it.
 */
#include <gen/constants.h>
#include <arch/x86_64/machine/cpu.h>
#include <arch/x86_64/object/vspace.h>
#include <kernel/boot.h>
#include <kernel/boot_alloc.h>
#include <kernel/bootinfo.h>
#include <kernel/elf.h>
#include <kernel/panic.h>
#include <kernel/printf.h>
#include <object/cap.h>
#include <object/cnode.h>
#include <object/cdt.h>
#include <kernel/sched.h>
#include <object/tcb.h>
#include <arch/x86_64/object/asid.h>

#define ROOTTASK_ASID ASID_FIRST_VALID

/* What the root task's capabilities are built from. */
typedef struct roottask_objects {
    paddr_t cnode, pml4, tcb, asid_pool, ipc_frame, bi_frame;
} roottask_objects_t;

/* A page from the boot allocator, or a panic: the root task cannot be built without it. */
static paddr_t roottask_page(void)
{
    paddr_t pa = boot_alloc(PAGE_BITS);
    if (!pa) {
        panic("out of memory while building the root task");
    }
    return pa;
}

/* Maps a fresh zeroed page at vaddr; returns its physical address. */
static paddr_t roottask_map_new(paddr_t pml4, vptr_t vaddr, pte_t flags)
{
    paddr_t frame = roottask_page();
    if (!vspace_map_4k(pml4, vaddr, frame, flags | PTE_USER, roottask_page)) {
        panic("cannot map root task page at 0x%lx", vaddr);
    }
    return frame;
}

/* PTE flags for an ELF segment's permissions (W^X as the ELF asks). */
static pte_t roottask_segment_flags(u32 elf_flags)
{
    pte_t flags = 0;
    if (elf_flags & ELF_PF_W) {
        flags |= PTE_WRITE;
    }
    if (!(elf_flags & ELF_PF_X)) {
        flags |= PTE_NX;
    }
    return flags;
}

/* Copies the file bytes of seg that fall in the page at page_va into frame. */
static void roottask_copy_page(const u8 *image, const elf_segment_t *seg, vptr_t page_va,
                               paddr_t frame)
{
    u8 *dst = paddr_to_kptr(frame);
    vptr_t file_end = seg->vaddr + seg->filesz;
    vptr_t from = page_va > seg->vaddr ? page_va : seg->vaddr;
    vptr_t to = page_va + PAGE_SIZE < file_end ? page_va + PAGE_SIZE : file_end;
    for (vptr_t va = from; va < to; va++) {
        dst[va - page_va] = image[seg->offset + (va - seg->vaddr)];
    }
}

/* Loads one segment page by page; a page shared with an earlier segment keeps its frame and
 * gains the union of both permissions. */
static void roottask_load_segment(paddr_t pml4, const u8 *image, const elf_segment_t *seg)
{
    pte_t flags = roottask_segment_flags(seg->flags);
    for (vptr_t va = ROUND_DOWN(seg->vaddr, PAGE_BITS); va < seg->vaddr + seg->memsz;
         va += PAGE_SIZE) {
        pte_t *pte = vspace_lookup_pte(pml4, va);
        paddr_t frame;
        if (pte && (*pte & PTE_PRESENT)) {
            frame = *pte & PTE_ADDR_MASK;
            *pte = (*pte | (flags & PTE_WRITE)) & ~(~flags & PTE_NX);
        } else {
            frame = roottask_map_new(pml4, va, flags);
        }
        roottask_copy_page(image, seg, va, frame);
    }
}

/* Checks the ELF image and loads all its segments; returns the first page above the image. */
static vptr_t roottask_load_image(paddr_t pml4, paddr_t start, paddr_t end)
{
    const u8 *image = paddr_to_kptr(start);
    int err = elf_check(image, end - start, ROOTTASK_IMAGE_LIMIT);
    if (err != ELF_OK) {
        panic("the root task module is not a usable x86-64 ELF executable (error %d)", err);
    }
    elf_segment_t seg;
    for (unsigned i = 0; i < elf_phnum(image); i++) {
        if (elf_load_segment(image, i, &seg)) {
            roottask_load_segment(pml4, image, &seg);
        }
    }
    u64 low, high;
    elf_bounds(image, &low, &high);
    kprintf("boot: root task image %lx-%lx, entry %lx\n", low, high, elf_entry(image));
    return ROUND_UP(high, PAGE_BITS);
}

/* Builds the root CNode's capabilities in slot order; each is an original appended to the
 * derivation tree (one list in slot order). */
typedef struct cap_writer {
    cte_t *cnode;
    word_t next; /* next free slot for the image's capabilities */
    cte_t *last; /* the last slot linked into the tree */
} cap_writer_t;

/* Puts an original capability into slot i of the root CNode. */
static void roottask_put_cap(cap_writer_t *w, word_t i, cap_t cap)
{
    cdt_insert_root(w->last, &w->cnode[i], cap);
    w->last = &w->cnode[i];
}

/* Puts an original capability into the next free slot. */
static void roottask_append_cap(cap_writer_t *w, cap_t cap)
{
    if (w->next >= BIT(BI_CNODE_SIZE_BITS)) {
        panic("the root CNode is too small for the root task's image");
    }
    roottask_put_cap(w, w->next++, cap);
}

/* The root CNode's own capability: 2^12 slots, a guard that consumes the other 52 bits. */
static cap_t roottask_cnode_cap(paddr_t cnode)
{
    return cap_cnode_new(cnode, BI_CNODE_SIZE_BITS, 64 - BI_CNODE_SIZE_BITS, 0);
}

/* Fills slots 1-11 with seL4's initial capabilities (slots that do not apply stay empty:
 * no IOMMU, no SMMU, no scheduling contexts, no SMC). */
static void roottask_init_cspace(cap_writer_t *w, const roottask_objects_t *o, vptr_t ipc_buffer,
                                 vptr_t bootinfo)
{
    cap_t ipc =
        cap_frame_new(o->ipc_frame, FRAME_SIZE_4K, VM_READ_WRITE, false, ipc_buffer, ROOTTASK_ASID);
    roottask_put_cap(w, CAP_INIT_THREAD_TCB, cap_thread_new(o->tcb));
    roottask_put_cap(w, CAP_INIT_THREAD_CNODE, roottask_cnode_cap(o->cnode));
    roottask_put_cap(w, CAP_INIT_THREAD_VSPACE, cap_pml4_new(o->pml4, ROOTTASK_ASID));
    roottask_put_cap(w, CAP_IRQ_CONTROL, cap_control_new(CAP_TYPE_IRQ_CONTROL));
    roottask_put_cap(w, CAP_ASID_CONTROL, cap_control_new(CAP_TYPE_ASID_CONTROL));
    roottask_put_cap(w, CAP_INIT_THREAD_ASID_POOL, cap_asid_pool_new(o->asid_pool, 0));
    roottask_put_cap(w, CAP_IO_PORT_CONTROL, cap_control_new(CAP_TYPE_IO_PORT_CONTROL));
    roottask_put_cap(
        w, CAP_BOOT_INFO_FRAME,
        cap_frame_new(o->bi_frame, FRAME_SIZE_4K, VM_READ_ONLY, false, bootinfo, ROOTTASK_ASID));
    roottask_put_cap(w, CAP_INIT_THREAD_IPC_BUFFER, ipc);
    roottask_put_cap(w, CAP_DOMAIN, cap_control_new(CAP_TYPE_DOMAIN));
}

/* Gives the TCB its CSpace root, VSpace root and IPC buffer: copies (children in the
 * derivation tree) of the initial capabilities, as TCB_SetSpace would make them. */
static void roottask_init_tcb_slots(cte_t *cnode, tcb_t *t)
{
    cte_t *ipc = &cnode[CAP_INIT_THREAD_IPC_BUFFER];
    cdt_insert(&cnode[CAP_INIT_THREAD_CNODE], &t->slots[TCB_CTABLE],
               cnode[CAP_INIT_THREAD_CNODE].cap);
    cdt_insert(&cnode[CAP_INIT_THREAD_VSPACE], &t->slots[TCB_VTABLE],
               cnode[CAP_INIT_THREAD_VSPACE].cap);
    cdt_insert(ipc, &t->slots[TCB_BUFFER], cap_set_mapping(ipc->cap, 0, 0));
}

/* The base address of the region entry i of a table at the given level covers. */
static vptr_t table_entry_base(vptr_t table_base, unsigned i, enum vspace_level level)
{
    return table_base + ((vptr_t)i << (PAGE_BITS + 9 * level));
}

/* Capabilities for the paging structures below a table (the table at `level` covering
 * table_base): PDPTs, PDs and PTs in walk order, then (frames == true) the frames. */
static void roottask_cap_tables(cap_writer_t *w, paddr_t table, vptr_t table_base,
                                enum vspace_level level, bool frames, const paddr_t skip[2])
{
    static const cap_type_t below[] = {CAP_TYPE_NULL, CAP_TYPE_PAGE_TABLE, CAP_TYPE_PAGE_DIRECTORY,
                                       CAP_TYPE_PDPT};
    const pte_t *e = paddr_to_kptr(table);
    unsigned n = level == LEVEL_PML4 ? PML4_KERNEL_FIRST : PT_ENTRIES;
    for (unsigned i = 0; i < n; i++) {
        if (!(e[i] & PTE_PRESENT)) {
            continue;
        }
        paddr_t pa = e[i] & PTE_ADDR_MASK;
        vptr_t base = table_entry_base(table_base, i, level);
        if (level == LEVEL_PT) {
            if (frames && pa != skip[0] && pa != skip[1]) {
                roottask_append_cap(
                    w, cap_frame_new(pa, FRAME_SIZE_4K, VM_READ_WRITE, false, base, ROOTTASK_ASID));
            }
            continue;
        }
        if (!frames) {
            roottask_append_cap(w, cap_paging_new(below[level], pa, base, ROOTTASK_ASID));
        }
        roottask_cap_tables(w, pa, base, level - 1, frames, skip);
    }
}

/* Capabilities for the root task's paging structures and image frames (its IPC buffer and
 * bootinfo frames have their own initial slots), recorded in the bootinfo. */
static void roottask_cap_image(cap_writer_t *w, const roottask_objects_t *o, bootinfo_t *bi)
{
    const paddr_t skip[2] = {o->ipc_frame, o->bi_frame};
    bi->user_image_paging.start = w->next;
    roottask_cap_tables(w, o->pml4, 0, LEVEL_PML4, false, skip);
    bi->user_image_paging.end = w->next;
    bi->user_image_frames.start = w->next;
    roottask_cap_tables(w, o->pml4, 0, LEVEL_PML4, true, skip);
    bi->user_image_frames.end = w->next;
}

/* Fills the bootinfo fields that do not depend on the capabilities. */
static void roottask_fill_bootinfo(bootinfo_t *bi, vptr_t ipc_buffer)
{
    bi->node_id = 0;
    bi->num_nodes = 1;
    bi->num_iopt_levels = 0;
    bi->ipc_buffer = ipc_buffer;
    bi->init_thread_cnode_size_bits = BI_CNODE_SIZE_BITS;
    bi->init_thread_domain = 0;
    bi->shared_frames = (bi_slot_region_t){0, 0};
    bi->io_space_caps = (bi_slot_region_t){0, 0};
    bi->extra_bi_pages = (bi_slot_region_t){0, 0};
}

/* Sets the initial user registers: entry point, stack, and rdi = the bootinfo address. */
static void roottask_init_context(tcb_t *t, vptr_t entry, vptr_t stack_top, vptr_t bootinfo)
{
    word_t *r = t->context.regs;
    r[CTX_RIP] = entry;
    r[CTX_RSP] = stack_top;
    r[CTX_RFLAGS] = RFLAGS_IF | RFLAGS_RESERVED1;
    r[CTX_CS] = SEL_USER_CS;
    r[CTX_SS] = SEL_USER_DS;
    r[CTX_RDI] = bootinfo;
}

/* Makes the root task's thread the running thread: maximum priority and maximum controlled
 * priority (seL4_MaxPrio), a master reply capability, the FPU's power-on state. */
static void roottask_init_thread(tcb_t *t)
{
    const char *name = "rootserver";
    for (unsigned i = 0; name[i]; i++) {
        t->name[i] = name[i];
    }
    t->priority = SCHED_MAX_PRIO;
    t->mcp = SCHED_MAX_PRIO;
    t->time_slice = SCHED_TIME_SLICE;
    fpu_state_init(&t->fpu);
    cdt_insert_root(NULL, &t->slots[TCB_REPLY], cap_reply_new(kptr_to_paddr(t), true, true));
    sched_debug_add(t);
    t->state = THREAD_RUNNING;
    ks_cur_thread = t;
}

void boot_create_roottask(const boot_params_t *bp, paddr_t start, paddr_t end)
{
    paddr_t pml4 = roottask_page();
    vspace_copy_kernel_mappings(pml4);
    vptr_t image_end = roottask_load_image(pml4, start, end);

    vptr_t ipc_buffer = image_end;
    paddr_t ipc_frame = roottask_map_new(pml4, ipc_buffer, PTE_WRITE | PTE_NX);
    vptr_t bootinfo = ipc_buffer + PAGE_SIZE;
    paddr_t bi_frame = roottask_map_new(pml4, bootinfo, PTE_NX);
    for (unsigned i = 1; i <= ROOTTASK_STACK_PAGES; i++) {
        roottask_map_new(pml4, ROOTTASK_STACK_TOP - i * PAGE_SIZE, PTE_WRITE | PTE_NX);
    }

    roottask_objects_t o = {.pml4 = pml4, .ipc_frame = ipc_frame, .bi_frame = bi_frame};
    o.tcb = boot_alloc(CAP_TCB_BITS);
    o.cnode = boot_alloc(BI_CNODE_SIZE_BITS + CNODE_SLOT_BITS);
    o.asid_pool = boot_alloc(PAGE_BITS);
    if (!o.tcb || !o.cnode || !o.asid_pool) {
        panic("out of memory for the root task's TCB, CNode and ASID pool");
    }
    asid_boot_init(o.asid_pool, pml4);

    bootinfo_t *bi = paddr_to_kptr(bi_frame);
    roottask_fill_bootinfo(bi, ipc_buffer);
    cte_t *cnode = paddr_to_kptr(o.cnode);
    cap_writer_t w = {cnode, NUM_INITIAL_CAPS, NULL};
    roottask_init_cspace(&w, &o, ipc_buffer, bootinfo);
    roottask_cap_image(&w, &o, bi);
    word_t empty = boot_create_untypeds(bp, cnode, w.last, bi, w.next);
    bi->empty = (bi_slot_region_t){empty, BIT(BI_CNODE_SIZE_BITS)};

    tcb_t *t = paddr_to_kptr(o.tcb);
    roottask_init_tcb_slots(cnode, t);
    roottask_init_context(t, elf_entry(paddr_to_kptr(start)), ROOTTASK_STACK_TOP, bootinfo);
    t->ipc_buffer = ipc_buffer;
    roottask_init_thread(t);
}
