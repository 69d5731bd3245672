/* boot_main: the first C code. Console, CPU tables, loader information, kernel address space. */
#include <arch/x86_64/layout.h>
#include <arch/x86_64/machine/acpi.h>
#include <arch/x86_64/machine/apic.h>
#include <arch/x86_64/machine/cpu_init.h>
#include <arch/x86_64/machine/ioapic.h>
#include <arch/x86_64/machine/pic.h>
#include <arch/x86_64/machine/serial.h>
#include <arch/x86_64/object/vspace.h>
#include <kernel/boot.h>
#include <kernel/boot_params.h>
#include <kernel/panic.h>
#include <kernel/printf.h>

static boot_params_t boot_params;

/* Loader structures are read through the boot window that entry.S maps over low memory. */
static const void *boot_p2v(paddr_t pa, u64 len)
{
    if (pa >= BOOT_MAP_SIZE || len > BOOT_MAP_SIZE - pa) {
        return NULL;
    }
    return (const void *)(PHYSMAP_BASE + pa);
}

/* Parses whichever protocol started us: Multiboot2 names itself in eax, PVH in *ebx. */
static void boot_parse_loader(u32 magic, u32 info, boot_params_t *bp)
{
    int err;
    if (magic == MULTIBOOT2_BOOTLOADER_MAGIC) {
        err = multiboot2_parse(magic, info, boot_p2v, bp);
    } else {
        err = pvh_parse(info, boot_p2v, bp);
    }
    if (err) {
        panic("cannot read the boot loader's information (eax 0x%x, ebx 0x%x): %s", magic, info,
              boot_strerror(err));
    }
    if (bp->n_mem == 0) {
        panic("the boot loader gave no memory map");
    }
}

/* Prints what the loader handed over: protocol, command line, memory map, modules. */
static void boot_print_summary(const boot_params_t *bp)
{
    kprintf("boot: %s via %s, command line '%s'\n",
            bp->protocol == BOOT_PROTO_PVH ? "PVH" : "Multiboot2",
            bp->loader[0] ? bp->loader : "(unnamed loader)", bp->cmdline);
    for (u32 i = 0; i < bp->n_mem; i++) {
        const mem_region_t *r = &bp->mem[i];
        kprintf("  mem   %016lx-%016lx %s\n", r->base, r->base + r->length,
                boot_mem_type_name(r->type));
    }
    for (u32 i = 0; i < bp->n_modules; i++) {
        const boot_module_t *m = &bp->modules[i];
        kprintf("  module %016lx-%016lx '%s'\n", m->start, m->end, m->cmdline);
    }
    if (bp->truncated) {
        kprintf("boot: some loader information did not fit and was cut (flags %x)\n",
                bp->truncated);
    }
}

NORETURN void boot_main(u32 magic, u32 info)
{
    serial_init();
#ifdef CONFIG_DEBUG
    kprintf("\nsel4ish kernel (debug build) booting\n");
#else
    kprintf("\nsel4ish kernel (release build) booting\n");
#endif
    cpu_init_tables();
    pic_disable();
    cpu_probe_features();
    cpu_enable_features();
    cpu_print_features();
    boot_parse_loader(magic, info, &boot_params);
    acpi_init(boot_params.acpi_rsdp, boot_p2v); /* before the boot window goes away */
    vspace_init_kernel(&boot_params);
    apic_init();
    ioapic_init();
    boot_print_summary(&boot_params);
    boot_kernel(&boot_params);
}
