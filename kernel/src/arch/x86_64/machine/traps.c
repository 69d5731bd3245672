/* Exceptions and interrupts: kernel-mode exceptions are fatal and fully reported; user-mode
 * ones become faults; the timer interrupt drives the scheduler. */
#include <arch/x86_64/machine/context.h>
#include <arch/x86_64/machine/cpu.h>
#include <kernel/panic.h>
#include <kernel/printf.h>
#include <arch/x86_64/machine/apic.h>
#include <kernel/ipc.h>
#include <kernel/sched.h>
#include <object/irq.h>
#include <object/tcb.h>

#define VECTOR_PAGE_FAULT 14

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

/* An interrupt: the timer tick drives round robin; a spurious interrupt needs nothing; a user
 * IRQ goes to its handler's notification (irq_handle_interrupt); any other vector is not
 * expected and is reported once. Every interrupt but a spurious one gets its EOI. */
static void trap_interrupt(word_t vector)
{
    static u64 reported[256 / 64];
    if (vector == APIC_TIMER_VECTOR) {
        apic_timer_ack();
        apic_eoi();
        sched_timer_tick();
        return;
    }
    if (vector == APIC_SPURIOUS_VECTOR) {
        return;
    }
    if (vector >= IRQ_INT_OFFSET && irq_is_user(vector_to_irq(vector))) {
        irq_handle_interrupt(vector_to_irq(vector));
        apic_eoi();
        return;
    }
    if (!(reported[vector / 64] & BIT(vector % 64))) {
        reported[vector / 64] |= BIT(vector % 64);
        kprintf("interrupt: vector %lu has no handler, ignored\n", vector);
    }
    apic_eoi();
}

/* An interrupt taken while the kernel idled. */
NORETURN void c_handle_idle_interrupt(word_t vector)
{
    trap_interrupt(vector);
    thread_return_to_user();
}

/* Records the fault an exception from user level means (seL4's layouts): a page fault is a
 * VMFault (address, instruction fetch, error code), anything else a UserException. */
static void trap_record_fault(tcb_t *t, word_t vector, word_t error)
{
    if (vector == VECTOR_PAGE_FAULT) {
        t->fault = (fault_t){FAULT_VM, {read_cr2(), (error >> 4) & 1, error}};
    } else {
        t->fault = (fault_t){FAULT_USER_EXCEPTION, {vector, error, 0}};
    }
}

/* An exception or interrupt from user level. An exception becomes a fault delivered to the
 * thread's fault handler. */
NORETURN void c_handle_user_trap(void)
{
    tcb_t *t = ks_cur_thread;
    const word_t *r = t->context.regs;
    word_t vector = r[CTX_VECTOR];
    if (vector >= 32) {
        trap_interrupt(vector);
    } else {
        trap_record_fault(t, vector, r[CTX_ERROR]);
        fault_handle(t);
    }
    thread_return_to_user();
}
