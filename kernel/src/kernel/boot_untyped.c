/*
 * Boot: all memory the kernel did not use becomes untyped capabilities for the root task. Free
 * RAM (what the boot allocator has left) is split into naturally aligned power-of-two blocks;
 * physical address space that no memory-map region describes becomes device untypeds (for
 * memory-mapped devices), except the local APIC and IOAPIC pages the kernel keeps (the
 * IOAPICs the MADT lists, and 0xfec00000 in any case).
 */
#include <arch/x86_64/machine/acpi.h>
#include <arch/x86_64/object/vspace.h>
#include <kernel/boot.h>
#include <kernel/boot_alloc.h>
#include <kernel/bootinfo.h>
#include <kernel/memmap.h>
#include <kernel/printf.h>
#include <object/cdt.h>

#define DEVICE_SPACE_END  BIT(40) /* device untypeds cover physical addresses below 1 TiB */
#define LOW_MEMORY_END    0x100000ul
#define MAX_SPLIT_BLOCKS  64
#define IOAPIC_PAGE       0xfec00000ul
#define LOCAL_APIC_PAGE   0xfee00000ul
#define MAX_DEVICE_RANGES 32

/* Where the next untyped capability goes. */
typedef struct untyped_sink {
    cte_t *cnode;
    word_t next_slot, end_slot; /* root CNode slots still free for untypeds */
    cte_t *last;                /* the last capability placed (the CDT list runs in order) */
    bootinfo_t *bi;
} untyped_sink_t;

/* Adds one untyped capability and its bootinfo description; false when out of room. */
static bool untyped_sink_add(untyped_sink_t *s, prange_t block, unsigned bits, bool device)
{
    word_t index = s->next_slot - s->bi->untyped.start;
    if (s->next_slot >= s->end_slot || index >= BI_MAX_UNTYPED) {
        return false;
    }
    cte_t *slot = &s->cnode[s->next_slot++];
    cdt_insert_root(s->last, slot, cap_untyped_new(block.start, bits, device, 0));
    s->last = slot;
    s->bi->untyped_list[index] = (bi_untyped_desc_t){block.start, (u8)bits, device, {0}};
    s->bi->untyped.end = s->next_slot;
    return true;
}

/* Adds the aligned power-of-two blocks of a range; false when out of room. */
static bool untyped_sink_add_range(untyped_sink_t *s, prange_t r, bool device)
{
    prange_t blocks[MAX_SPLIT_BLOCKS];
    u32 n =
        memmap_split_pow2(r, CAP_MIN_UNTYPED_BITS, CAP_MAX_UNTYPED_BITS, blocks, MAX_SPLIT_BLOCKS);
    for (u32 i = 0; i < n; i++) {
        unsigned bits = __builtin_ctzl(prange_size(blocks[i]));
        if (!untyped_sink_add(s, blocks[i], bits, device)) {
            return false;
        }
    }
    return true;
}

/* The physical address ranges below DEVICE_SPACE_END that no memory-map region describes. */
static u32 boot_device_ranges(const boot_params_t *bp, prange_t *out, u32 max_out)
{
    mem_region_t map[BOOT_MAX_REGIONS + 1];
    map[0] = (mem_region_t){LOW_MEMORY_END, DEVICE_SPACE_END - LOW_MEMORY_END, MEM_USABLE};
    for (u32 i = 0; i < bp->n_mem; i++) {
        map[i + 1] = bp->mem[i];
        map[i + 1].type = MEM_RESERVED;
    }
    prange_t kept[2 + ACPI_MAX_IOAPICS] = {{IOAPIC_PAGE, IOAPIC_PAGE + PAGE_SIZE},
                                           {LOCAL_APIC_PAGE, LOCAL_APIC_PAGE + PAGE_SIZE}};
    u32 n_kept = 2;
    const acpi_madt_t *madt = acpi_madt(); /* every IOAPIC the kernel drives, wherever it is */
    for (u32 i = 0; i < madt->n_ioapics; i++) {
        paddr_t page = ROUND_DOWN(madt->ioapics[i].address, PAGE_BITS);
        kept[n_kept++] = (prange_t){page, page + PAGE_SIZE};
    }
    return memmap_free_ranges(map, bp->n_mem + 1, kept, n_kept, PAGE_SIZE, out, max_out);
}

word_t boot_create_untypeds(const boot_params_t *bp, cte_t *cnode, cte_t *last, bootinfo_t *bi,
                            word_t first_slot)
{
    untyped_sink_t s = {cnode, first_slot, BIT(BI_CNODE_SIZE_BITS), last, bi};
    bi->untyped = (bi_slot_region_t){first_slot, first_slot};
    const prange_t *ram;
    u32 n_ram = boot_alloc_free_ranges(&ram);
    bool room = true;
    for (u32 i = 0; i < n_ram && room; i++) {
        room = untyped_sink_add_range(&s, ram[i], false);
    }
    prange_t dev[MAX_DEVICE_RANGES];
    u32 n_dev = boot_device_ranges(bp, dev, MAX_DEVICE_RANGES);
    for (u32 i = 0; i < n_dev && room; i++) {
        room = untyped_sink_add_range(&s, dev[i], true);
    }
    if (!room) {
        kprintf("boot: out of untyped slots: some memory is not handed out\n");
    }
    kprintf("boot: %lu untyped capabilities in slots %lu-%lu\n", s.next_slot - first_slot,
            first_slot, s.next_slot);
    return s.next_slot;
}
