/*
 * IOAPICs (see ioapic.h): registers reached through the index/data window, one page each,
 * mapped uncached at their kernel window addresses. Pins are delivered in fixed mode to the
 * boot CPU's APIC ID, physical destination mode.
 *
 * Invariant: after ioapic_init every pin is masked unless a handler issued for it was
 * unmasked; a pin that no handler owns is masked with vector 0.
 */
#include <arch/x86_64/machine/acpi.h>
#include <arch/x86_64/machine/cpu.h>
#include <arch/x86_64/machine/ioapic.h>
#include <arch/x86_64/object/vspace.h>
#include <kernel/printf.h>

#define IOAPIC_REGSEL   0x00 /* byte offsets in the IOAPIC page */
#define IOAPIC_WINDOW   0x10
#define IOAPIC_REG_VER  0x01
#define IOAPIC_REG_RTE  0x10 /* redirection entry i: low word 0x10 + 2i, high word 0x11 + 2i */
#define RTE_MASKED      BIT(16)
#define RTE_LEVEL       BIT(15)
#define RTE_ACTIVE_LOW  BIT(13)
#define RTE_VECTOR_MASK 0xffu
#define RTE_DEST_SHIFT  24
#define VER_MAX_SHIFT   16 /* version register: index of the last redirection entry */

/* Page tables for the IOAPIC mappings (the kernel window leaves device memory unmapped): one
 * page directory and one page table per IOAPIC at most. */
static u8 ioapic_tables[ACPI_MAX_IOAPICS + 1][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static unsigned ioapic_tables_used;

static volatile u32 *ioapic_regs[ACPI_MAX_IOAPICS];
static u32 ioapic_n;
static u32 ioapic_dest; /* APIC ID of the boot CPU */

static paddr_t ioapic_table_alloc(void)
{
    if (ioapic_tables_used == ARRAY_SIZE(ioapic_tables)) {
        return 0;
    }
    return kptr_to_paddr(ioapic_tables[ioapic_tables_used++]);
}

static u32 ioapic_read(u32 ioapic, u32 reg)
{
    ioapic_regs[ioapic][IOAPIC_REGSEL / 4] = reg;
    return ioapic_regs[ioapic][IOAPIC_WINDOW / 4];
}

static void ioapic_write(u32 ioapic, u32 reg, u32 value)
{
    ioapic_regs[ioapic][IOAPIC_REGSEL / 4] = reg;
    ioapic_regs[ioapic][IOAPIC_WINDOW / 4] = value;
}

/* Maps the IOAPIC page at pa uncached at its kernel window address; NULL if it cannot be. */
static volatile u32 *ioapic_map_regs(paddr_t pa)
{
    pte_t flags = PTE_WRITE | PTE_PCD | PTE_PWT | PTE_GLOBAL | PTE_NX;
    if (pa >= PHYSMAP_LIMIT || !IS_ALIGNED(pa, 4) ||
        !vspace_map_4k(vspace_kernel_pml4(), (pptr_t)paddr_to_kptr(ROUND_DOWN(pa, PAGE_BITS)),
                       ROUND_DOWN(pa, PAGE_BITS), flags, ioapic_table_alloc)) {
        return NULL;
    }
    return (volatile u32 *)paddr_to_kptr(pa);
}

/* Writes a pin's redirection entry: the high word (destination) first, then the low word. */
static void ioapic_write_rte(u32 ioapic, u32 pin, u32 low)
{
    ioapic_write(ioapic, IOAPIC_REG_RTE + 2 * pin + 1, ioapic_dest << RTE_DEST_SHIFT);
    ioapic_write(ioapic, IOAPIC_REG_RTE + 2 * pin, low);
}

void ioapic_init(void)
{
    u32 a, b, c, d;
    cpuid(1, 0, &a, &b, &c, &d);
    ioapic_dest = b >> 24; /* the initial APIC ID of this (the boot) CPU */
    const acpi_madt_t *m = acpi_madt();
    for (u32 i = 0; i < m->n_ioapics; i++) {
        volatile u32 *regs = ioapic_map_regs(m->ioapics[i].address);
        if (!regs) {
            kprintf("ioapic: cannot map the IOAPIC at 0x%lx: left out\n", m->ioapics[i].address);
            continue;
        }
        u32 n = ioapic_n++;
        ioapic_regs[n] = regs;
        u32 pins = ((ioapic_read(n, IOAPIC_REG_VER) >> VER_MAX_SHIFT) & 0xff) + 1;
        for (u32 pin = 0; pin < pins; pin++) {
            ioapic_reset_pin(n, pin);
        }
        kprintf("ioapic: IOAPIC %u at 0x%lx: %u pins, all masked\n", n, m->ioapics[i].address,
                pins);
    }
}

u32 ioapic_count(void)
{
    return ioapic_n;
}

void ioapic_map_pin(u32 ioapic, u32 pin, bool level, bool polarity_low, u8 vector)
{
    u32 low = RTE_MASKED | vector;
    if (level) {
        low |= RTE_LEVEL;
    }
    if (polarity_low) {
        low |= RTE_ACTIVE_LOW;
    }
    ioapic_write_rte(ioapic, pin, low);
}

void ioapic_mask(u32 ioapic, u32 pin, bool mask)
{
    u32 reg = IOAPIC_REG_RTE + 2 * pin;
    u32 low = ioapic_read(ioapic, reg);
    ioapic_write(ioapic, reg, mask ? low | RTE_MASKED : low & ~RTE_MASKED);
}

void ioapic_reset_pin(u32 ioapic, u32 pin)
{
    ioapic_write_rte(ioapic, pin, RTE_MASKED);
}
