/*
 * x86-64 page tables: walking and mapping, and the kernel window. Every address space's PML4
 * shares the kernel's upper half (slots PML4_KERNEL_FIRST..511); user mappings live below.
 * Invariant: kernel window entries are global and never change after boot, so switching CR3
 * needs no flush of kernel translations.
 */
#include <arch/x86_64/machine/cpu.h>
#include <arch/x86_64/object/tlb.h>
#include <arch/x86_64/object/vspace.h>
#include <kernel/panic.h>
#include <kernel/printf.h>

#define KERNEL_IMAGE_PTS 4 /* the kernel image may reach up to 8 MiB physical */

typedef pte_t table_t[PT_ENTRIES] __attribute__((aligned(4096)));

static table_t kernel_pml4;
static table_t kernel_pdpt_physmap;
static table_t kernel_pds_physmap[PHYSMAP_MAX_GIB];
static table_t kernel_pdpt_image;
static table_t kernel_pd_image;
static table_t kernel_pts_image[KERNEL_IMAGE_PTS];
static bool pat_present;

extern char ki_start[], ki_end[], ki_text_end[], ki_rodata_end[];

/* The next-level table an entry points to, as a kernel pointer. */
static pte_t *pte_table(pte_t e)
{
    return paddr_to_kptr(e & PTE_ADDR_MASK);
}

/* The entry of the table one level down, allocating that table if it is missing. */
static pte_t *vspace_walk_alloc(pte_t *table, vptr_t vaddr, enum vspace_level level,
                                vspace_table_alloc_fn alloc)
{
    pte_t *e = &table[vspace_index(vaddr, level)];
    if (!(*e & PTE_PRESENT)) {
        paddr_t t = alloc ? alloc() : 0;
        if (!t) {
            return NULL;
        }
        *e = t | PTE_PRESENT | PTE_WRITE | PTE_USER;
    } else if (*e & PTE_LARGE) {
        return NULL;
    }
    return pte_table(*e);
}

bool vspace_map_4k(paddr_t pml4, vptr_t vaddr, paddr_t paddr, pte_t flags,
                   vspace_table_alloc_fn alloc)
{
    pte_t *t = paddr_to_kptr(pml4);
    for (int level = LEVEL_PML4; level > LEVEL_PT; level--) {
        t = vspace_walk_alloc(t, vaddr, level, alloc);
        if (!t) {
            return false;
        }
    }
    t[vspace_index(vaddr, LEVEL_PT)] = (paddr & PTE_ADDR_MASK) | flags | PTE_PRESENT;
    invlpg(vaddr);
    return true;
}

pte_t *vspace_lookup_slot(paddr_t pml4, vptr_t vaddr, enum vspace_level level, word_t *bits_left)
{
    pte_t *t = paddr_to_kptr(pml4);
    for (int l = LEVEL_PML4; l > (int)level; l--) {
        pte_t e = t[vspace_index(vaddr, l)];
        if (!pte_is_table(e)) {
            *bits_left = vspace_entry_bits(l);
            return NULL;
        }
        t = pte_table(e);
    }
    return &t[vspace_index(vaddr, level)];
}

pte_t *vspace_lookup_pte(paddr_t pml4, vptr_t vaddr)
{
    word_t bits_left;
    return vspace_lookup_slot(pml4, vaddr, LEVEL_PT, &bits_left);
}

/* True for memory-map types that are RAM (the kernel window covers them). */
static bool mem_type_is_ram(u32 type)
{
    return type == MEM_USABLE || type == MEM_ACPI_RECLAIM || type == MEM_ACPI_NVS;
}

/* Maps the 2 MiB chunk at pa into the kernel window. Precondition: pa < PHYSMAP_MAX_GIB GiB. */
static void physmap_map_chunk(paddr_t pa)
{
    u64 gib = pa >> 30;
    kernel_pdpt_physmap[gib] = kptr_to_paddr(kernel_pds_physmap[gib]) | PTE_PRESENT | PTE_WRITE;
    kernel_pds_physmap[gib][vspace_index(pa, LEVEL_PD)] =
        pa | PTE_PRESENT | PTE_WRITE | PTE_LARGE | PTE_GLOBAL | PTE_NX;
}

/* Maps RAM at PHYSMAP_BASE with 2 MiB global pages; memory-mapped I/O holes stay unmapped. */
static void vspace_init_physmap(const boot_params_t *bp)
{
    const paddr_t limit = (paddr_t)PHYSMAP_MAX_GIB << 30;
    for (u32 i = 0; i < bp->n_mem; i++) {
        const mem_region_t *r = &bp->mem[i];
        if (!mem_type_is_ram(r->type) || r->base >= limit) {
            continue;
        }
        paddr_t end = r->base + r->length;
        if (end < r->base || end > limit) {
            kprintf("boot: memory above %d GiB is not used\n", PHYSMAP_MAX_GIB);
            end = limit;
        }
        for (paddr_t pa = ROUND_DOWN(r->base, LARGE_PAGE_BITS); pa < end;
             pa += BIT(LARGE_PAGE_BITS)) {
            physmap_map_chunk(pa);
        }
    }
    kernel_pml4[vspace_index(PHYSMAP_BASE, LEVEL_PML4)] =
        kptr_to_paddr(kernel_pdpt_physmap) | PTE_PRESENT | PTE_WRITE;
}

/* Maps the kernel image with 4 KiB pages: text RX, rodata R, data and bss RW (W^X). */
static void vspace_init_image(void)
{
    pptr_t start = (pptr_t)ki_start, end = (pptr_t)ki_end;
    if (end - KERNEL_BASE > KERNEL_IMAGE_PTS * BIT(LARGE_PAGE_BITS)) {
        panic("kernel image too large for its page tables");
    }
    for (pptr_t v = start; v < end; v += PAGE_SIZE) {
        pte_t flags = PTE_PRESENT | PTE_GLOBAL;
        if (v >= (pptr_t)ki_text_end) {
            flags |= PTE_NX;
        }
        if (v >= (pptr_t)ki_rodata_end) {
            flags |= PTE_WRITE;
        }
        unsigned pt = (v - KERNEL_BASE) >> LARGE_PAGE_BITS;
        kernel_pts_image[pt][vspace_index(v, LEVEL_PT)] = (v - KERNEL_BASE) | flags;
    }
    for (unsigned i = 0; i < KERNEL_IMAGE_PTS; i++) {
        kernel_pd_image[i] = kptr_to_paddr(kernel_pts_image[i]) | PTE_PRESENT | PTE_WRITE;
    }
    kernel_pdpt_image[vspace_index(KERNEL_BASE, LEVEL_PDPT)] =
        kptr_to_paddr(kernel_pd_image) | PTE_PRESENT | PTE_WRITE;
    kernel_pml4[vspace_index(KERNEL_BASE, LEVEL_PML4)] =
        kptr_to_paddr(kernel_pdpt_image) | PTE_PRESENT | PTE_WRITE;
}

/*
 * Programs the PAT so that the three attribute bits of a user mapping (PAT, PCD, PWT: seL4's
 * WriteCombining 4, CacheDisabled 2, WriteThrough 1) pick WB, WT, UC-, UC and, for index 4,
 * write combining. Entries 0-3 (all the kernel uses) keep their reset values.
 */
static void vspace_init_pat(void)
{
    u32 a, b, c, d;
    cpuid(1, 0, &a, &b, &c, &d);
    if (!(d & BIT(16))) {
        return; /* no PAT: the PAT bit of a mapping then selects by PCD/PWT alone */
    }
    const u64 wb = 6, wt = 4, uc_minus = 7, uc = 0, wc = 1;
    u64 pat =
        wb | wt << 8 | uc_minus << 16 | uc << 24 | wc << 32 | wt << 40 | uc_minus << 48 | uc << 56;
    wrmsr(MSR_PAT, pat);
    pat_present = true;
}

bool vspace_has_pat(void)
{
    return pat_present;
}

void vspace_init_kernel(const boot_params_t *bp)
{
    vspace_init_physmap(bp);
    vspace_init_image();
    if (kernel_pml4[PML4_ASID_SLOT] != 0) {
        panic("PML4 slot %d is in the kernel window but keeps ASIDs", PML4_ASID_SLOT);
    }
    vspace_init_pat();
    write_cr3(kptr_to_paddr(kernel_pml4));
    write_cr4(read_cr4() | CR4_PGE);
    tlb_init();
}

void vspace_copy_kernel_mappings(paddr_t pml4)
{
    pte_t *dst = paddr_to_kptr(pml4);
    for (unsigned i = PML4_KERNEL_FIRST; i < PT_ENTRIES; i++) {
        dst[i] = kernel_pml4[i];
    }
}

paddr_t vspace_kernel_pml4(void)
{
    return kptr_to_paddr(kernel_pml4);
}

/* The ASID slot holds (asid << 1) with the present bit clear. */
u16 vspace_pml4_asid(paddr_t pml4)
{
    const pte_t *t = paddr_to_kptr(pml4);
    return (t[PML4_ASID_SLOT] >> 1) & MASK(12);
}

void vspace_set_pml4_asid(paddr_t pml4, u16 asid)
{
    pte_t *t = paddr_to_kptr(pml4);
    t[PML4_ASID_SLOT] = (pte_t)asid << 1;
}

void vspace_activate(paddr_t pml4)
{
    if (pml4 != tlb_current_pml4()) {
        tlb_activate(pml4, pml4 == kptr_to_paddr(kernel_pml4) ? 0 : vspace_pml4_asid(pml4));
    }
}
