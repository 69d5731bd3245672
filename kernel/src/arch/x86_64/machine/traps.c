/* Exceptions: kernel-mode ones are fatal and fully reported; user-mode ones stop the thread. */
#include <arch/x86_64/machine/context.h>
#include <arch/x86_64/machine/cpu.h>
#include <kernel/panic.h>
#include <kernel/printf.h>
#include <object/tcb.h>

static const char *const exception_names[32] = {"#DE divide error",
                                                "#DB debug",
                                                "NMI",
                                                "#BP breakpoint",
                                                "#OF overflow",
                                                "#BR bound range exceeded",
                                                "#UD invalid opcode",
                                                "#NM device not available",
                                                "#DF double fault",
                                                "coprocessor segment overrun",
                                                "#TS invalid TSS",
                                                "#NP segment not present",
                                                "#SS stack-segment fault",
                                                "#GP general protection",
                                                "#PF page fault",
                                                "reserved 15",
                                                "#MF x87 floating-point",
                                                "#AC alignment check",
                                                "#MC machine check",
                                                "#XM SIMD floating-point",
                                                "#VE virtualisation",
                                                "#CP control protection",
                                                "reserved 22",
                                                "reserved 23",
                                                "reserved 24",
                                                "reserved 25",
                                                "reserved 26",
                                                "reserved 27",
                                                "#HV hypervisor injection",
                                                "#VC VMM communication",
                                                "#SX security",
                                                "reserved 31"};

static const char *exception_name(word_t vector)
{
    return vector < 32 ? exception_names[vector] : "interrupt";
}

/* Prints every saved register of a trap frame (context layout), four per line. */
static void trap_dump_registers(const word_t *r)
{
    kprintf("  rip %016lx cs  %04lx rflags %016lx\n", r[CTX_RIP], r[CTX_CS], r[CTX_RFLAGS]);
    kprintf("  rsp %016lx ss  %04lx\n", r[CTX_RSP], r[CTX_SS]);
    kprintf("  rax %016lx rbx %016lx rcx %016lx rdx %016lx\n", r[CTX_RAX], r[CTX_RBX], r[CTX_RCX],
            r[CTX_RDX]);
    kprintf("  rsi %016lx rdi %016lx rbp %016lx r8  %016lx\n", r[CTX_RSI], r[CTX_RDI], r[CTX_RBP],
            r[CTX_R8]);
    kprintf("  r9  %016lx r10 %016lx r11 %016lx r12 %016lx\n", r[CTX_R9], r[CTX_R10], r[CTX_R11],
            r[CTX_R12]);
    kprintf("  r13 %016lx r14 %016lx r15 %016lx\n", r[CTX_R13], r[CTX_R14], r[CTX_R15]);
}

/* An exception in the kernel itself is a kernel bug: report everything and stop. */
NORETURN void c_handle_kernel_trap(word_t *frame)
{
    word_t vector = frame[CTX_VECTOR];
    kprintf("KERNEL EXCEPTION: vector %lu (%s) error 0x%lx cr2 0x%lx\n", vector,
            exception_name(vector), frame[CTX_ERROR], read_cr2());
    trap_dump_registers(frame);
    kprintf("  cr0 %016lx cr3 %016lx cr4 %016lx\n", read_cr0(), read_cr3(), read_cr4());
    machine_halt(false);
}

/* An interrupt no driver owns yet (the legacy PIC is masked, so only a stray one can come):
 * reported once per vector and otherwise ignored. */
static void trap_interrupt(word_t vector)
{
    static u64 reported[256 / 64];
    if (!(reported[vector / 64] & BIT(vector % 64))) {
        reported[vector / 64] |= BIT(vector % 64);
        kprintf("interrupt: vector %lu has no handler, ignored\n", vector);
    }
}

/* An interrupt taken while the kernel idled. */
NORETURN void c_handle_idle_interrupt(word_t vector)
{
    trap_interrupt(vector);
    thread_return_to_user();
}

/* An exception or interrupt from user level. Until fault endpoints exist a faulting thread is
 * stopped with a report. */
NORETURN void c_handle_user_trap(void)
{
    tcb_t *t = ks_cur_thread;
    const word_t *r = t->context.regs;
    word_t vector = r[CTX_VECTOR];
    if (vector >= 32) {
        trap_interrupt(vector);
        thread_return_to_user();
    }
    kprintf("USER EXCEPTION: thread '%s' vector %lu (%s) error 0x%lx ip 0x%lx sp 0x%lx", t->name,
            vector, exception_name(vector), r[CTX_ERROR], r[CTX_RIP], r[CTX_RSP]);
    if (vector == 14) {
        kprintf(" address 0x%lx", read_cr2());
    }
    kprintf(": thread stopped (no fault handler)\n");
    thread_suspend(t);
    thread_return_to_user();
}
