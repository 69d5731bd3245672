/* CPU feature probing (CPUID) and enabling what the kernel uses: NX, SMEP, SMAP, user SSE. */
#include <arch/x86_64/machine/cpu.h>
#include <arch/x86_64/machine/cpu_init.h>
#include <kernel/panic.h>
#include <kernel/printf.h>

cpu_features_t cpu_features;

/* Reads the vendor string and the standard feature leaves. */
static void cpu_probe_standard(cpu_features_t *f)
{
    u32 a, b, c, d;
    cpuid(0, 0, &a, &b, &c, &d);
    f->max_leaf = a;
    u32 vendor[3] = {b, d, c};
    for (unsigned i = 0; i < 12; i++) {
        f->vendor[i] = (char)(vendor[i / 4] >> (8 * (i % 4)));
    }
    f->vendor[12] = '\0';
    cpuid(1, 0, &a, &b, &c, &d);
    f->fxsr = d & BIT(24);
    f->sse2 = d & BIT(26);
    f->pcid = c & BIT(17);
    f->x2apic = c & BIT(21);
    f->tsc_deadline = c & BIT(24);
    f->xsave = c & BIT(26);
    if (f->max_leaf >= 7) {
        cpuid(7, 0, &a, &b, &c, &d);
        f->fsgsbase = b & BIT(0);
        f->smep = b & BIT(7);
        f->invpcid = b & BIT(10);
        f->smap = b & BIT(20);
    }
}

/* Reads the extended leaves: NX, 1 GiB pages, physical address width. */
static void cpu_probe_extended(cpu_features_t *f)
{
    u32 a, b, c, d;
    cpuid(0x80000000, 0, &a, &b, &c, &d);
    f->max_ext_leaf = a;
    if (a >= 0x80000001) {
        cpuid(0x80000001, 0, &a, &b, &c, &d);
        f->nx = d & BIT(20);
        f->pdpe1gb = d & BIT(26);
    }
    f->phys_addr_bits = 36;
    if (f->max_ext_leaf >= 0x80000008) {
        cpuid(0x80000008, 0, &a, &b, &c, &d);
        f->phys_addr_bits = a & 0xff;
    }
}

void cpu_probe_features(void)
{
    cpu_probe_standard(&cpu_features);
    cpu_probe_extended(&cpu_features);
}

void cpu_enable_features(void)
{
    if (!cpu_features.fxsr || !cpu_features.sse2) {
        panic("CPU lacks FXSR/SSE2, which user code relies on");
    }
    if (cpu_features.nx) {
        wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
    }
    word_t cr4 = read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT;
    if (cpu_features.smep) {
        cr4 |= CR4_SMEP;
    }
    if (cpu_features.smap) {
        cr4 |= CR4_SMAP;
    }
    write_cr4(cr4);
    write_cr0((read_cr0() & ~(CR0_EM | CR0_TS)) | CR0_MP | CR0_NE | CR0_WP);
    __asm__ volatile("fninit");
}

void cpu_print_features(void)
{
    const cpu_features_t *f = &cpu_features;
    kprintf("cpu: %s, %u-bit physical; nx %d smep %d smap %d pcid %d fsgsbase %d xsave %d "
            "1g-pages %d tsc-deadline %d\n",
            f->vendor, f->phys_addr_bits, f->nx, f->smep, f->smap, f->pcid, f->fsgsbase, f->xsave,
            f->pdpe1gb, f->tsc_deadline);
}
