/* Leaving the kernel: loading the chosen thread's address space and context, or idling. */
#include <object/tcb.h>
#include <arch/x86_64/machine/cpu.h>
#include <arch/x86_64/machine/cpu_init.h>
#include <arch/x86_64/object/asid.h>
#include <arch/x86_64/object/vspace.h>

tcb_t *ks_cur_thread;

/* The thread whose TLS bases are loaded in the MSRs, so a switch back needs no reload. */
static tcb_t *loaded_tls_thread;

void thread_suspend(tcb_t *t)
{
    t->state = THREAD_INACTIVE;
}

word_t *tcb_ipc_buffer_words(tcb_t *t)
{
    cap_t frame = t->slots[TCB_BUFFER].cap;
    if (cap_type(frame) != CAP_TYPE_FRAME || cap_frame_is_device(frame)) {
        return NULL;
    }
    word_t offset = t->ipc_buffer & MASK(frame_size_bits(cap_frame_size(frame)));
    return paddr_to_kptr(cap_paddr(frame) + offset);
}

void thread_tls_changed(tcb_t *t)
{
    if (loaded_tls_thread == t) {
        loaded_tls_thread = NULL;
    }
}

/* Waits for an interrupt with nothing to run, in the kernel's own address space. */
static NORETURN void thread_idle(void)
{
    vspace_activate(vspace_kernel_pml4());
    for (;;) {
        __asm__ volatile("sti; hlt; cli");
    }
}

/* Loads the per-thread parts of the CPU state that the entry code does not save. */
static void thread_load_tls(tcb_t *t)
{
    if (loaded_tls_thread != t) {
        wrmsr(MSR_FS_BASE, t->context.fs_base);
        /* swapgs on the way out makes this the user's %gs base. */
        wrmsr(MSR_KERNEL_GS_BASE, t->context.gs_base);
        loaded_tls_thread = t;
    }
}

void thread_return_to_user(void)
{
    tcb_t *t = ks_cur_thread;
    if (!t || t->state != THREAD_RUNNING) {
        thread_idle();
    }
    u16 asid;
    paddr_t root = asid_thread_vspace(t, &asid);
    vspace_activate(root);
    cpu_set_entry_stack((word_t)&t->context.regs[CTX_N_PUSHED]);
    thread_load_tls(t);
    arch_restore_user_context(&t->context);
}
