/* The kernel's boot sequence after the CPU is set up: memory accounting, root task, user entry. */
#include <arch/x86_64/layout.h>
#include <arch/x86_64/object/vspace.h>
#include <kernel/boot.h>
#include <kernel/boot_alloc.h>
#include <kernel/memmap.h>
#include <kernel/panic.h>
#include <kernel/printf.h>
#include <object/tcb.h>

#define BOOT_MAX_RESERVED (BOOT_MAX_MODULES + 5)
#define LOW_MEMORY_END    0x100000ul /* real-mode area, BIOS data and ROMs: never handed out */

extern char ki_phys_start[], ki_end[];

/* The ranges the kernel may not hand out: low memory, its image, modules, the loader's info,
 * and RAM beyond the kernel window. */
static u32 boot_reserved_ranges(const boot_params_t *bp, prange_t *out)
{
    u32 n = 0;
    out[n++] = (prange_t){0, LOW_MEMORY_END};
    out[n++] = (prange_t){(paddr_t)ki_phys_start, (pptr_t)ki_end - KERNEL_BASE};
    for (u32 i = 0; i < bp->n_modules; i++) {
        out[n++] = (prange_t){bp->modules[i].start, bp->modules[i].end};
    }
    if (bp->info_end > bp->info_start) {
        out[n++] = (prange_t){bp->info_start, bp->info_end};
    }
    /* RAM outside the kernel window cannot be zeroed or used for kernel objects. */
    out[n++] = (prange_t){PHYSMAP_LIMIT, ~0ul};
    return n;
}

/* Computes free memory and hands it to the boot allocator. */
static void boot_init_memory(const boot_params_t *bp)
{
    prange_t reserved[BOOT_MAX_RESERVED];
    prange_t free[BOOT_ALLOC_MAX_RANGES];
    u32 n_reserved = boot_reserved_ranges(bp, reserved);
    u32 n_free = memmap_free_ranges(bp->mem, bp->n_mem, reserved, n_reserved, 4096, free,
                                    BOOT_ALLOC_MAX_RANGES);
    boot_alloc_init(free, n_free);
    for (u32 i = 0; i < n_free; i++) {
        kprintf("  free  %016lx-%016lx\n", free[i].start, free[i].end);
    }
    kprintf("boot: %lu KiB of free memory\n", boot_alloc_free_bytes() >> 10);
}

/* True if the kernel command line holds the word w (space separated). */
static bool boot_cmdline_has(const char *cmdline, const char *w)
{
    for (const char *p = cmdline; *p;) {
        while (*p == ' ') {
            p++;
        }
        const char *a = p, *b = w;
        while (*a && *a != ' ' && *a == *b) {
            a++;
            b++;
        }
        if (!*b && (!*a || *a == ' ')) {
            return true;
        }
        while (*p && *p != ' ') {
            p++;
        }
    }
    return false;
}

/* Debug builds: a command line word that makes the kernel fault on purpose, so the test runner
 * can prove it reports kernel exceptions. */
static void boot_selftest(const char *cmdline)
{
#ifdef CONFIG_DEBUG
    if (boot_cmdline_has(cmdline, "selftest=kernel-exception")) {
        kprintf("boot: selftest: raising a kernel exception on purpose\n");
        __asm__ volatile("ud2");
    }
#else
    (void)cmdline;
    (void)boot_cmdline_has;
#endif
}

/* The module that holds the root task: the first one, unless one is named "roottask". */
static const boot_module_t *boot_find_roottask(const boot_params_t *bp)
{
    if (bp->n_modules == 0) {
        panic("no boot module: the root task ELF must be passed as a module (or -initrd)");
    }
    for (u32 i = 0; i < bp->n_modules; i++) {
        if (boot_cmdline_has(bp->modules[i].cmdline, "roottask")) {
            return &bp->modules[i];
        }
    }
    return &bp->modules[0];
}

void boot_kernel(const boot_params_t *bp)
{
    boot_init_memory(bp);
    boot_selftest(bp->cmdline);
    const boot_module_t *m = boot_find_roottask(bp);
    boot_create_roottask(bp, m->start, m->end);
    kprintf("boot: entering the root task\n");
    thread_return_to_user();
}
