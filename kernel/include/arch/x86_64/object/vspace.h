/*
 * x86-64 address spaces: four-level page tables, the kernel window shared by every address
 * space, and the walk and map primitives that the paging objects are built on.
 */
#pragma once

#include <types.h>
#include <arch/x86_64/layout.h>
#include <kernel/boot_params.h>

typedef u64 pte_t;

#define PTE_PRESENT   BIT(0)
#define PTE_WRITE     BIT(1)
#define PTE_USER      BIT(2)
#define PTE_PWT       BIT(3)
#define PTE_PCD       BIT(4)
#define PTE_ACCESSED  BIT(5)
#define PTE_DIRTY     BIT(6)
#define PTE_LARGE     BIT(7) /* 2 MiB page in a PD entry, 1 GiB page in a PDPT entry */
#define PTE_GLOBAL    BIT(8)
#define PTE_PAT_4K    BIT(7)  /* PAT index bit of a 4 KiB page (PTE) */
#define PTE_PAT_LARGE BIT(12) /* PAT index bit of a 2 MiB or 1 GiB page */
#define PTE_NX        BIT(63)
#define PTE_ADDR_MASK 0x000ffffffffff000ul

/* The kernel window maps RAM below this physical address; RAM above it is not used. */
#define PHYSMAP_MAX_GIB 64
#define PHYSMAP_LIMIT   ((paddr_t)PHYSMAP_MAX_GIB << 30)

#define PT_ENTRIES      512
#define PT_INDEX_BITS   9
#define PAGE_BITS       12
#define LARGE_PAGE_BITS 21
#define HUGE_PAGE_BITS  30
#define PAGE_SIZE       BIT(PAGE_BITS)

/* The last user virtual address (the kernel's USER_TOP in seL4; seL4_UserTop, the first page
 * user level cannot map, is one page below the end of the lower half). */
#define VSPACE_USER_LAST 0x00007ffffffffffful

/*
 * A PML4 slot of the kernel's half that the kernel window never uses: every address space root
 * keeps its ASID there, in an entry that is not present (the MMU ignores all of its other bits),
 * so that switching to a root needs nothing but its address. See vspace_pml4_asid().
 */
#define PML4_ASID_SLOT 384

/* Levels of the walk, named by the table they index (PML4 = level 3 ... PT = level 0). */
enum vspace_level { LEVEL_PT = 0, LEVEL_PD = 1, LEVEL_PDPT = 2, LEVEL_PML4 = 3 };

/* Index of vaddr in a table of the given level. */
static inline unsigned vspace_index(vptr_t vaddr, enum vspace_level level)
{
    return (vaddr >> (PAGE_BITS + 9 * level)) & (PT_ENTRIES - 1);
}

/* The kernel's pointer to physical memory (through the kernel window). */
static inline void *paddr_to_kptr(paddr_t pa)
{
    return (void *)(PHYSMAP_BASE + pa);
}

/* The physical address behind a kernel window pointer or a kernel image pointer. */
static inline paddr_t kptr_to_paddr(const void *p)
{
    pptr_t v = (pptr_t)p;
    return v >= KERNEL_BASE ? v - KERNEL_BASE : v - PHYSMAP_BASE;
}

/* A zeroed page for a new page table; returns its physical address, or 0 if none is left. */
typedef paddr_t (*vspace_table_alloc_fn)(void);

/*
 * Maps one 4 KiB page at vaddr in the address space rooted at pml4 with the given PTE flags,
 * creating missing tables with alloc (which the caller accounts for). Returns false if a table
 * was needed and alloc gave none, or a large page is already mapped over vaddr.
 */
bool vspace_map_4k(paddr_t pml4, vptr_t vaddr, paddr_t paddr, pte_t flags,
                   vspace_table_alloc_fn alloc);

/* The PTE that maps vaddr at the PT level, or NULL if a table on the way is missing. */
pte_t *vspace_lookup_pte(paddr_t pml4, vptr_t vaddr);

/* Bits of the virtual address a table of the given level translates with one entry. */
static inline unsigned vspace_entry_bits(enum vspace_level level)
{
    return PAGE_BITS + PT_INDEX_BITS * level;
}

/*
 * The entry of the table at the given level that covers vaddr in the address space rooted at
 * pml4 (the PML4 level always exists). Returns NULL if a table above that level is missing
 * (or a large page stands in its place) and sets *bits_left to the bits of vaddr left
 * untranslated there: seL4's MissingCapability lookup fault (39, 30 or 21).
 */
pte_t *vspace_lookup_slot(paddr_t pml4, vptr_t vaddr, enum vspace_level level, word_t *bits_left);

/* The physical address an entry points to. */
static inline paddr_t pte_paddr(pte_t e)
{
    return e & PTE_ADDR_MASK;
}

/* True if the entry of a PDPT or PD is present and points to a table one level down. */
static inline bool pte_is_table(pte_t e)
{
    return (e & PTE_PRESENT) && !(e & PTE_LARGE);
}

/* The ASID recorded in an address space root (0: none). */
u16 vspace_pml4_asid(paddr_t pml4);

/* Records the ASID of an address space root (0 when it loses its ASID). */
void vspace_set_pml4_asid(paddr_t pml4, u16 asid);

/* Builds the kernel's own address space (kernel window over RAM, W^X kernel image), switches to
 * it and enables global pages. Called once at boot, after the CPU tables are loaded. */
void vspace_init_kernel(const boot_params_t *bp);

/* True if the PAT gives user mappings write combining (PAT index 4); false if the CPU has no
 * PAT, and the PAT bit of an entry must stay clear. */
bool vspace_has_pat(void);

/* Copies the kernel's half of the PML4 into a new address space root. */
void vspace_copy_kernel_mappings(paddr_t pml4);

/* Physical address of the kernel's PML4 (the address space of the idle thread). */
paddr_t vspace_kernel_pml4(void);

/* Switches to the address space rooted at pml4 if it is not the current one; with PCIDs, the
 * ASID recorded in the root is its PCID (see tlb.h). */
void vspace_activate(paddr_t pml4);
