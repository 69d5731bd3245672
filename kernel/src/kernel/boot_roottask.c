/*
 * Building the root task at boot: its address space, ELF segments, stack, IPC buffer, bootinfo
 * frame and TCB, all from the boot allocator. Root task layout (user addresses): the image where
 * its ELF says, then the IPC buffer page, then the bootinfo page; the stack below
 * ROOTTASK_STACK_TOP with an unmapped guard page beneath it.
 */
#include <arch/x86_64/machine/cpu.h>
#include <arch/x86_64/object/vspace.h>
#include <kernel/boot.h>
#include <kernel/boot_alloc.h>
#include <kernel/bootinfo.h>
#include <kernel/elf.h>
#include <kernel/panic.h>
#include <kernel/printf.h>
#include <object/tcb.h>

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

/* Fills the bootinfo frame with what exists at this stage of the kernel. */
static void roottask_fill_bootinfo(paddr_t frame, vptr_t ipc_buffer)
{
    bootinfo_t *bi = paddr_to_kptr(frame);
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

    paddr_t tcb_pa = boot_alloc(11);
    if (!tcb_pa) {
        panic("out of memory for the root task's TCB");
    }
    tcb_t *t = paddr_to_kptr(tcb_pa);
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
