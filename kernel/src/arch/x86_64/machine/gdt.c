/* Descriptor tables (GDT with TSS, IDT), per-CPU data and system call MSRs for the boot CPU. */
#include <arch/x86_64/layout.h>
#include <arch/x86_64/machine/cpu.h>
#include <arch/x86_64/machine/cpu_init.h>

/* The 64-bit TSS: only the kernel entry stack (rsp0) and the IST stacks are used. */
typedef struct PACKED tss {
    u32 reserved0;
    u64 rsp[3];
    u64 reserved1;
    u64 ist[7];
    u64 reserved2;
    u16 reserved3;
    u16 iomap_base;
} tss_t;

typedef struct PACKED gate {
    u16 offset_low;
    u16 selector;
    u8 ist;
    u8 type_attr;
    u16 offset_mid;
    u32 offset_high;
    u32 reserved;
} gate_t;

typedef struct PACKED table_ptr {
    u16 limit;
    u64 base;
} table_ptr_t;

#define N_IDT             256
#define IST_DOUBLE_FAULT  1
#define IST_NMI           2
#define IST_MACHINE_CHECK 3

percpu_t cpu_percpu;
static tss_t cpu_tss;
static u64 cpu_gdt[7];
static gate_t cpu_idt[N_IDT];
static u8 kernel_stack[KERNEL_STACK_SIZE] __attribute__((aligned(16)));
static u8 ist_stacks[3][IST_STACK_SIZE] __attribute__((aligned(16)));

extern void syscall_entry(void);
extern void (*const trap_vector_table[N_IDT])(void);

/* Writes the TSS descriptor (16 bytes) into GDT slots 5 and 6. */
static void gdt_set_tss(void)
{
    u64 base = (u64)&cpu_tss;
    u64 limit = sizeof(cpu_tss) - 1;
    cpu_gdt[5] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ul << 40) |
                 (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    cpu_gdt[6] = base >> 32;
}

/* Builds and loads the GDT and TSS, then reloads the segment registers. */
static void gdt_load(void)
{
    cpu_gdt[0] = 0;
    cpu_gdt[1] = 0x00af9a000000ffff;      /* kernel code, 64-bit */
    cpu_gdt[2] = 0x00cf92000000ffff;      /* kernel data */
    cpu_gdt[3] = 0x00cff2000000ffff;      /* user data, DPL 3 */
    cpu_gdt[4] = 0x00affa000000ffff;      /* user code, 64-bit, DPL 3 */
    cpu_tss.iomap_base = sizeof(cpu_tss); /* no I/O bitmap: all ports refused at CPL 3 */
    cpu_tss.rsp[0] = (u64)&kernel_stack[KERNEL_STACK_SIZE];
    cpu_tss.ist[IST_DOUBLE_FAULT - 1] = (u64)&ist_stacks[0][IST_STACK_SIZE];
    cpu_tss.ist[IST_NMI - 1] = (u64)&ist_stacks[1][IST_STACK_SIZE];
    cpu_tss.ist[IST_MACHINE_CHECK - 1] = (u64)&ist_stacks[2][IST_STACK_SIZE];
    gdt_set_tss();
    table_ptr_t ptr = {sizeof(cpu_gdt) - 1, (u64)cpu_gdt};
    __asm__ volatile("lgdt %0\n"
                     "pushq %1\n"
                     "leaq 1f(%%rip), %%rax\n"
                     "pushq %%rax\n"
                     "lretq\n"
                     "1:\n"
                     "movw %w2, %%ds\n"
                     "movw %w2, %%es\n"
                     "movw %w2, %%ss\n"
                     "ltr %w3\n"
                     :
                     : "m"(ptr), "i"(SEL_KERNEL_CS), "r"(SEL_KERNEL_DS), "r"(SEL_TSS)
                     : "rax", "memory");
}

/* Fills one interrupt gate (kernel code, DPL 0, interrupts off on entry). */
static void idt_set_gate(unsigned vec, void (*handler)(void), u8 ist)
{
    u64 addr = (u64)handler;
    cpu_idt[vec] = (gate_t){
        .offset_low = addr & 0xffff,
        .selector = SEL_KERNEL_CS,
        .ist = ist,
        .type_attr = 0x8e,
        .offset_mid = (addr >> 16) & 0xffff,
        .offset_high = addr >> 32,
    };
}

/* Installs the exception and interrupt vectors and loads the IDT. */
static void idt_load(void)
{
    for (unsigned v = 0; v < N_IDT; v++) {
        u8 ist = 0;
        if (v == 8) {
            ist = IST_DOUBLE_FAULT;
        } else if (v == 2) {
            ist = IST_NMI;
        } else if (v == 18) {
            ist = IST_MACHINE_CHECK;
        }
        idt_set_gate(v, trap_vector_table[v], ist);
    }
    table_ptr_t ptr = {sizeof(cpu_idt) - 1, (u64)cpu_idt};
    __asm__ volatile("lidt %0" ::"m"(ptr));
}

/* Sets the per-CPU data as the kernel's %gs base and the syscall MSRs. */
static void syscall_msrs_load(void)
{
    cpu_percpu.self = &cpu_percpu;
    cpu_percpu.kstack_top = (word_t)&kernel_stack[KERNEL_STACK_SIZE];
    wrmsr(MSR_GS_BASE, (u64)&cpu_percpu);
    wrmsr(MSR_KERNEL_GS_BASE, 0);
    /* SYSRET loads SS = base + 8 and CS = base + 16 (RPL 3): base is the slot before user data. */
    wrmsr(MSR_STAR, ((u64)((SEL_USER_DS & ~3) - 8) << 48) | ((u64)SEL_KERNEL_CS << 32));
    wrmsr(MSR_LSTAR, (u64)syscall_entry);
    wrmsr(MSR_SFMASK, RFLAGS_IF | RFLAGS_DF | RFLAGS_TF | RFLAGS_AC | RFLAGS_NT);
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}

void cpu_init_tables(void)
{
    gdt_load();
    idt_load();
    syscall_msrs_load();
}

void cpu_set_entry_stack(word_t top)
{
    cpu_tss.rsp[0] = top;
    cpu_percpu.context_top = top;
}

word_t cpu_kernel_stack_top(void)
{
    return cpu_percpu.kstack_top;
}
