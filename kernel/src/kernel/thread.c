/*
 * Threads: suspend and resume, cancelling blocked IPC, restart addresses, message registers,
 * and leaving the kernel (schedule, then load the chosen thread's address space and context).
 */
#include <arch/x86_64/machine/cpu.h>
#include <arch/x86_64/machine/cpu_init.h>
#include <arch/x86_64/machine/fpu.h>
#include <arch/x86_64/object/asid.h>
#include <arch/x86_64/object/tlb.h>
#include <arch/x86_64/object/vspace.h>
#include <kernel/delete.h>
#include <kernel/ipc.h>
#include <kernel/sched.h>
#include <object/cdt.h>
#include <object/endpoint.h>
#include <object/notification.h>
#include <object/tcb.h>

/* Vector recorded when a thread's RIP is where it must resume (no system call to redo). */
#define VECTOR_NONE 0x200

/* The TLS bases the MSRs hold (FS base, and the user GS base that swapgs brings in). The exit
 * path writes an MSR only when the next thread's value differs: threads of different
 * processes often share a TLS address. ~0 (non-canonical, never a thread's value) forces the
 * first load. */
static word_t loaded_fs_base = ~0ul, loaded_gs_base = ~0ul;

/* Context indices of MR0..MR3 (r10, r8, r9, r15). */
static const unsigned msg_registers[4] = {CTX_R10, CTX_R8, CTX_R9, CTX_R15};

void tcb_ep_append(tcb_queue_t *q, tcb_t *t)
{
    t->ep_next = NULL;
    t->ep_prev = q->tail;
    if (q->tail) {
        q->tail->ep_next = t;
    } else {
        q->head = t;
    }
    q->tail = t;
}

void tcb_ep_remove(tcb_queue_t *q, tcb_t *t)
{
    if (t->ep_prev) {
        t->ep_prev->ep_next = t->ep_next;
    } else {
        q->head = t->ep_next;
    }
    if (t->ep_next) {
        t->ep_next->ep_prev = t->ep_prev;
    } else {
        q->tail = t->ep_prev;
    }
    t->ep_next = t->ep_prev = NULL;
}

word_t thread_restart_ip(const tcb_t *t)
{
    word_t ip = t->context.regs[CTX_RIP];
    return t->context.regs[CTX_VECTOR] == VECTOR_SYSCALL ? ip - 2 : ip;
}

void thread_activate_restart(tcb_t *t)
{
    t->context.regs[CTX_RIP] = thread_restart_ip(t);
    t->context.regs[CTX_VECTOR] = VECTOR_NONE;
    t->state = THREAD_RUNNING;
}

void thread_forget_syscall(tcb_t *t)
{
    t->context.regs[CTX_VECTOR] = VECTOR_NONE;
}

void thread_cancel_ipc(tcb_t *t)
{
    switch (t->state) {
    case THREAD_BLOCKED_ON_SEND:
    case THREAD_BLOCKED_ON_RECEIVE:
        endpoint_cancel_ipc(t);
        break;
    case THREAD_BLOCKED_ON_NOTIFICATION:
        notification_cancel_signal(t);
        break;
    case THREAD_BLOCKED_ON_REPLY: {
        /* The reply capability the receiver holds is the only child of t's master. */
        t->fault.type = FAULT_NULL;
        cte_t *master = &t->slots[TCB_REPLY];
        cte_t *child = master->mdb.next;
        if (child && cdt_is_parent_of(master, child)) {
            cte_delete_one(child);
        }
        break;
    }
    default:
        break;
    }
}

void thread_suspend(tcb_t *t)
{
    thread_cancel_ipc(t);
    if (t->state == THREAD_RUNNING) {
        thread_forget_syscall(t);
    }
    thread_set_state(t, THREAD_INACTIVE);
    sched_dequeue(t);
}

/* Gives t its master reply capability if its REPLY slot is empty (seL4's setupReplyMaster). */
static void thread_setup_reply_master(tcb_t *t)
{
    cte_t *slot = &t->slots[TCB_REPLY];
    if (cap_is_null(slot->cap)) {
        cdt_insert_root(NULL, slot, cap_reply_new(kptr_to_paddr(t), true, true));
    }
}

void thread_resume(tcb_t *t)
{
    if (!thread_is_stopped(t)) {
        return;
    }
    thread_cancel_ipc(t);
    thread_setup_reply_master(t);
    thread_set_state(t, THREAD_RESTART);
    sched_possible_switch_to(t);
}

/* RFLAGS bits user level may set (seL4's sanitiseRegister): CF PF AF ZF SF DF OF. */
#define RFLAGS_USER_MASK (BIT(0) | BIT(2) | BIT(4) | BIT(6) | BIT(7) | BIT(10) | BIT(11))

/* True for an address the CPU accepts in RIP or RSP: canonical lower or upper half. */
static bool thread_address_canonical(word_t v)
{
    return v < 0x0000800000000000ul || v >= 0xffff800000000000ul;
}

void thread_write_register(tcb_t *t, unsigned reg, word_t v)
{
    if ((reg == CTX_RIP || reg == CTX_RSP) && !thread_address_canonical(v)) {
        v = 0;
    } else if (reg == CTX_RFLAGS) {
        v = (v & RFLAGS_USER_MASK) | RFLAGS_IF | RFLAGS_RESERVED1;
    } else if (reg == CTX_CS || reg == CTX_SS || reg >= CTX_N_PUSHED) {
        return;
    }
    t->context.regs[reg] = v;
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

word_t thread_get_mr(tcb_t *t, const word_t *buf, unsigned i)
{
    if (i < 4) {
        return t->context.regs[msg_registers[i]];
    }
    return buf ? buf[1 + i] : 0;
}

bool thread_set_mr(tcb_t *t, word_t *buf, unsigned i, word_t v)
{
    if (i < 4) {
        t->context.regs[msg_registers[i]] = v;
        return true;
    }
    if (!buf) {
        return false;
    }
    buf[1 + i] = v;
    return true;
}

void thread_release_cpu_state(tcb_t *t)
{
    fpu_release(t);
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
static ALWAYS_INLINE void thread_load_tls(const tcb_t *t)
{
    if (t->context.fs_base != loaded_fs_base) {
        loaded_fs_base = t->context.fs_base;
        wrmsr(MSR_FS_BASE, loaded_fs_base);
    }
    if (t->context.gs_base != loaded_gs_base) {
        loaded_gs_base = t->context.gs_base;
        /* swapgs on the way out makes this the user's %gs base. */
        wrmsr(MSR_KERNEL_GS_BASE, loaded_gs_base);
    }
}

void thread_return_to_user(void)
{
    sched_schedule();
    tcb_t *t = ks_cur_thread;
    if (t == &ks_idle_thread) {
        thread_idle();
    }
    if (t->state == THREAD_RESTART) {
        thread_activate_restart(t);
    }
    thread_switch_to_user(t);
}

void thread_switch_to_user(tcb_t *t)
{
    u16 asid;
    paddr_t root = asid_thread_vspace(t, &asid);
    thread_switch_to_user_in(t, root, asid);
}

void thread_switch_to_user_in(tcb_t *t, paddr_t pml4, u16 asid)
{
    if (pml4 != tlb_current_pml4()) {
        tlb_activate(pml4, asid);
    }
    cpu_set_entry_stack((word_t)&t->context.regs[CTX_N_PUSHED]);
    thread_load_tls(t);
    fpu_switch_to(t);
    arch_restore_user_context(&t->context);
}
