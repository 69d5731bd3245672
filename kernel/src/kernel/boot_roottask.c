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
#include <object/tcb.h>

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

/* Puts a capability into slot i of the root CNode (an original: it is revocable). */
static void roottask_put_cap(cte_t *cnode, word_t i, cap_t cap)
{
    cnode[i].cap = cap;
    cnode[i].mdb = (mdb_node_t){MDB_REVOCABLE, NULL};
}

/* The root CNode's own capability: 2^12 slots, a guard that consumes the other 52 bits. */
static cap_t roottask_cnode_cap(paddr_t cnode)
{
    return cap_cnode_new(cnode, BI_CNODE_SIZE_BITS, 64 - BI_CNODE_SIZE_BITS, 0);
}

/* Fills the root CNode with seL4's initial capabilities (slots that do not apply stay empty:
 * no IOMMU, no SMMU, no scheduling contexts, no SMC) and the TCB's own slots. */
static void roottask_init_cspace(const roottask_objects_t *o, tcb_t *t, vptr_t ipc_buffer,
                                 vptr_t bootinfo)
{
    cte_t *cnode = paddr_to_kptr(o->cnode);
    cap_t vspace = cap_pml4_new(o->pml4, true, 1);
    cap_t ipc = cap_frame_new(o->ipc_frame, FRAME_SIZE_4K, VM_READ_WRITE, false, ipc_buffer, 1);
    roottask_put_cap(cnode, CAP_INIT_THREAD_TCB, cap_thread_new(o->tcb));
    roottask_put_cap(cnode, CAP_INIT_THREAD_CNODE, roottask_cnode_cap(o->cnode));
    roottask_put_cap(cnode, CAP_INIT_THREAD_VSPACE, vspace);
    roottask_put_cap(cnode, CAP_IRQ_CONTROL, cap_control_new(CAP_TYPE_IRQ_CONTROL));
    roottask_put_cap(cnode, CAP_ASID_CONTROL, cap_control_new(CAP_TYPE_ASID_CONTROL));
    roottask_put_cap(cnode, CAP_INIT_THREAD_ASID_POOL,
                     cap_make(CAP_TYPE_ASID_POOL, o->asid_pool, 0, 0));
    roottask_put_cap(cnode, CAP_IO_PORT_CONTROL, cap_control_new(CAP_TYPE_IO_PORT_CONTROL));
    roottask_put_cap(cnode, CAP_BOOT_INFO_FRAME,
                     cap_frame_new(o->bi_frame, FRAME_SIZE_4K, VM_READ_ONLY, false, bootinfo, 1));
    roottask_put_cap(cnode, CAP_INIT_THREAD_IPC_BUFFER, ipc);
    roottask_put_cap(cnode, CAP_DOMAIN, cap_control_new(CAP_TYPE_DOMAIN));
    t->slots[TCB_CTABLE].cap = roottask_cnode_cap(o->cnode);
    t->slots[TCB_VTABLE].cap = vspace;
    t->slots[TCB_BUFFER].cap = ipc;
}

/* Fills the bootinfo frame with what exists at this stage of the kernel: the capability
 * regions other than the empty one stay empty until the image and untypeds get capabilities. */
static void roottask_fill_bootinfo(paddr_t frame, vptr_t ipc_buffer)
{
    bootinfo_t *bi = paddr_to_kptr(frame);
    bi->empty = (bi_slot_region_t){NUM_INITIAL_CAPS, BIT(BI_CNODE_SIZE_BITS)};
    bi->user_image_frames = (bi_slot_region_t){NUM_INITIAL_CAPS, NUM_INITIAL_CAPS};
    bi->user_image_paging = (bi_slot_region_t){NUM_INITIAL_CAPS, NUM_INITIAL_CAPS};
    bi->untyped = (bi_slot_region_t){NUM_INITIAL_CAPS, NUM_INITIAL_CAPS};
    bi->node_id = 0;
    bi->num_nodes = 1;
    bi->num_iopt_levels = 0;
    bi->ipc_buffer = ipc_buffer;
    bi->init_thread_cnode_size_bits = BI_CNODE_SIZE_BITS;
    bi->init_thread_domain = 0;
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

void boot_create_roottask(paddr_t start, paddr_t end)
{
    paddr_t pml4 = roottask_page();
    vspace_copy_kernel_mappings(pml4);
    vptr_t image_end = roottask_load_image(pml4, start, end);

    vptr_t ipc_buffer = image_end;
    paddr_t ipc_frame = roottask_map_new(pml4, ipc_buffer, PTE_WRITE | PTE_NX);
    vptr_t bootinfo = ipc_buffer + PAGE_SIZE;
    paddr_t bi_frame = roottask_map_new(pml4, bootinfo, PTE_NX);
    roottask_fill_bootinfo(bi_frame, ipc_buffer);
    for (unsigned i = 1; i <= ROOTTASK_STACK_PAGES; i++) {
        roottask_map_new(pml4, ROOTTASK_STACK_TOP - i * PAGE_SIZE, PTE_WRITE | PTE_NX);
    }

    roottask_objects_t o = {.pml4 = pml4, .ipc_frame = ipc_frame, .bi_frame = bi_frame};
    o.tcb = boot_alloc(11);
    o.cnode = boot_alloc(BI_CNODE_SIZE_BITS + CNODE_SLOT_BITS);
    o.asid_pool = boot_alloc(PAGE_BITS);
    if (!o.tcb || !o.cnode || !o.asid_pool) {
        panic("out of memory for the root task's TCB, CNode and ASID pool");
    }
    tcb_t *t = paddr_to_kptr(o.tcb);
    roottask_init_cspace(&o, t, ipc_buffer, bootinfo);
    const u8 *image = paddr_to_kptr(start);
    roottask_init_context(t, elf_entry(image), ROOTTASK_STACK_TOP, bootinfo);
    t->vspace_root = pml4;
    t->ipc_buffer = ipc_buffer;
    t->ipc_buffer_frame = ipc_frame;
    t->state = THREAD_RUNNING;
    const char *name = "rootserver";
    for (unsigned i = 0; name[i]; i++) {
        t->name[i] = name[i];
    }
    ks_cur_thread = t;
}
