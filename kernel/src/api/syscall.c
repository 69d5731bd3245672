/* System call entry: decodes the syscall number and runs the call for the current thread. */
#include <gen/syscall.h>
#include <kernel/panic.h>
#include <kernel/printf.h>
#include <object/tcb.h>

/* A syscall number the kernel does not know: stop the thread with a report (fault IPC to come). */
static void syscall_unknown(tcb_t *t, sword_t number)
{
    kprintf("USER FAULT: thread '%s' made unknown system call %ld at ip 0x%lx: thread stopped "
            "(no fault handler)\n",
            t->name, number, t->context.regs[CTX_RIP]);
    thread_suspend(t);
}

/* seL4_DebugHalt: stop the whole machine (under QEMU: exit with the success status). */
static NORETURN void syscall_debug_halt(tcb_t *t)
{
    kprintf("debug halt requested by thread '%s'\n", t->name);
    machine_halt(true);
}

NORETURN void c_handle_syscall(void)
{
    tcb_t *t = ks_cur_thread;
    word_t *regs = t->context.regs;
    sword_t number = (sword_t)regs[CTX_RDX];

    switch (number) {
    case SYS_DEBUG_PUT_CHAR:
        kputchar((char)regs[CTX_RDI]);
        break;
    case SYS_DEBUG_HALT:
        syscall_debug_halt(t);
    default:
        syscall_unknown(t, number);
        break;
    }
    thread_return_to_user();
}
