/*
 * TCB invocations: registers (Read, Write, Copy), the thread's CSpace and VSpace roots, IPC
 * buffer and fault endpoint (Configure, SetSpace, SetIPCBuffer), priorities (SetPriority,
 * SetMCPriority, SetSchedParams), Suspend and Resume, notification binding and the TLS base,
 * with seL4's checks in seL4's order. SetFlags is still pending in api/ (answered with
 * seL4_IllegalOperation by the generated dispatcher).
 *
 * Registers are named by their place in seL4_UserContext: rip, rsp, rflags, rax, rbx, rcx, rdx,
 * rsi, rdi, rbp, r8..r15 (the 18 "frame" registers), then fs_base, gs_base (the 2 "integer"
 * registers of CopyRegisters, seL4's gpRegisters). CS and SS are never readable or writable.
 */
#include <gen/decode.h>
#include <api/syscall_error.h>
#include <arch/x86_64/machine/cpu.h>
#include <arch/x86_64/object/vspace.h>
#include <kernel/delete.h>
#include <object/cap.h>
#include <object/cdt.h>
#include <object/notification.h>
#include <object/objecttype.h>
#include <object/tcb.h>

#define TCB_FRAME_REGS   18 /* rip .. r15 */
#define TCB_CONTEXT_REGS 20 /* ... fs_base, gs_base */
#define TCB_REG_FS_BASE  18
#define TCB_REG_GS_BASE  19

#define IPC_BUFFER_SIZE_BITS 10

/* Context index of each frame register, in seL4_UserContext order. */
static const unsigned tcb_frame_regs[TCB_FRAME_REGS] = {
    CTX_RIP, CTX_RSP, CTX_RFLAGS, CTX_RAX, CTX_RBX, CTX_RCX, CTX_RDX, CTX_RSI, CTX_RDI,
    CTX_RBP, CTX_R8,  CTX_R9,     CTX_R10, CTX_R11, CTX_R12, CTX_R13, CTX_R14, CTX_R15,
};

/* The TCB a thread capability names. */
static tcb_t *tcb_from_cap(cap_t c)
{
    return paddr_to_kptr(cap_paddr(c));
}

/* A user address the CPU accepts as a segment base, stack or instruction pointer: canonical
 * lower or upper half. */
static bool tcb_address_canonical(word_t v)
{
    return v < 0x0000800000000000ul || v >= 0xffff800000000000ul;
}

/* --- Registers ---------------------------------------------------------------------------- */

/*
 * The value of user context register i (seL4_UserContext order) of t.
 *
 * "rip" is seL4's FaultIP, the address the thread continues at if it is restarted: for a
 * blocked thread, one in RESTART, or one suspended while blocked, that is its system call
 * instruction (it makes the call again when resumed); for one stopped while running, or never
 * started, where it stopped. A RUNNING thread (runnable and not restarting) continues at its
 * saved RIP, which is reported instead: seL4 would report the address of that thread's last
 * system call there, and writing it back would make the thread repeat a call that completed.
 */
static word_t tcb_read_register(const tcb_t *t, unsigned i)
{
    if (i == 0) {
        return t->state == THREAD_RUNNING ? t->context.regs[CTX_RIP] : thread_restart_ip(t);
    }
    if (i < TCB_FRAME_REGS) {
        return t->context.regs[tcb_frame_regs[i]];
    }
    return i == TCB_REG_FS_BASE ? t->context.fs_base : t->context.gs_base;
}

/* Sets user context register i of t to v, sanitised (thread_write_register for the frame
 * registers; a non-canonical fs_base or gs_base becomes 0, as the base MSRs refuse them).
 * Writing rip makes the thread continue there even if it was to restart a system call; the
 * caller tells the exit path about TLS base changes. */
static void tcb_write_register(tcb_t *t, unsigned i, word_t v)
{
    if (i < TCB_FRAME_REGS) {
        thread_write_register(t, tcb_frame_regs[i], v);
    } else if (i == TCB_REG_FS_BASE) {
        t->context.fs_base = tcb_address_canonical(v) ? v : 0;
    } else {
        t->context.gs_base = tcb_address_canonical(v) ? v : 0;
    }
    if (i == 0) {
        thread_forget_syscall(t);
    }
}

/* Sets registers [first, first + n) of dest from regs (indexed by register number). */
static void tcb_write_registers(tcb_t *dest, unsigned first, unsigned n, const word_t *regs)
{
    for (unsigned i = first; i < first + n; i++) {
        tcb_write_register(dest, i, regs[i]);
    }
}

/* Replies with the first count registers of t, suspending it first if asked. */
static exception_t tcb_invoke_read_registers(tcb_t *t, bool suspend, word_t count)
{
    if (suspend) {
        thread_suspend(t);
    }
    tcb_read_registers_result_t r = {.count = count};
    for (unsigned i = 0; i < count; i++) {
        r.regs[i] = tcb_read_register(t, i);
    }
    tcb_read_registers_reply(&r);
    return seL4_NoError;
}

exception_t tcb_decode_read_registers(struct cte *slot, const invocation_t *inv,
                                      const tcb_read_registers_args_t *args)
{
    (void)inv;
    tcb_t *t = tcb_from_cap(slot->cap);
    if (args->count < 1 || args->count > TCB_CONTEXT_REGS) {
        return syscall_error_range(1, TCB_CONTEXT_REGS);
    }
    if (t == ks_cur_thread) {
        return seL4_IllegalOperation;
    }
    return tcb_invoke_read_registers(t, args->suspend_source, args->count);
}

/* Writes the first count registers of t (count already limited to the message), then resumes
 * it if asked. */
static exception_t tcb_invoke_write_registers(tcb_t *t, bool resume, word_t count,
                                              const word_t *regs)
{
    if (count > TCB_CONTEXT_REGS) {
        count = TCB_CONTEXT_REGS;
    }
    tcb_write_registers(t, 0, count, regs);
    if (resume) {
        thread_resume(t);
    }
    return seL4_NoError;
}

exception_t tcb_decode_write_registers(struct cte *slot, const invocation_t *inv,
                                       const tcb_write_registers_args_t *args)
{
    (void)inv;
    tcb_t *t = tcb_from_cap(slot->cap);
    if (t == ks_cur_thread) {
        return seL4_IllegalOperation;
    }
    return tcb_invoke_write_registers(t, args->resume_target, args->count, args->regs);
}

/*
 * CopyRegisters: optionally suspends src and resumes dest, then copies src's frame registers
 * (rip .. r15) and/or its integer registers (fs_base, gs_base) into dest, as ReadRegisters
 * would read them and WriteRegisters would write them.
 */
static exception_t tcb_invoke_copy_registers(tcb_t *dest, tcb_t *src,
                                             const tcb_copy_registers_args_t *a)
{
    if (a->suspend_source) {
        thread_suspend(src);
    }
    if (a->resume_target) {
        thread_resume(dest);
    }
    word_t regs[TCB_CONTEXT_REGS];
    for (unsigned i = 0; i < TCB_CONTEXT_REGS; i++) {
        regs[i] = tcb_read_register(src, i);
    }
    if (a->transfer_frame) {
        tcb_write_registers(dest, 0, TCB_FRAME_REGS, regs);
    }
    if (a->transfer_integer) {
        tcb_write_registers(dest, TCB_FRAME_REGS, TCB_CONTEXT_REGS - TCB_FRAME_REGS, regs);
    }
    return seL4_NoError;
}

exception_t tcb_decode_copy_registers(struct cte *slot, const invocation_t *inv,
                                      const tcb_copy_registers_args_t *args)
{
    (void)inv;
    if (cap_type(args->source->cap) != CAP_TYPE_THREAD) {
        return syscall_error_invalid_cap(1);
    }
    return tcb_invoke_copy_registers(tcb_from_cap(slot->cap), tcb_from_cap(args->source->cap),
                                     args);
}

/* --- Priorities --------------------------------------------------------------------------- */

/* RangeError(0, mcp) unless prio is within the maximum controlled priority of the TCB the
 * authority capability names; InvalidCapability(1) if it names no TCB (seL4's checkPrio). */
static exception_t tcb_check_prio(const cte_t *authority, word_t prio)
{
    if (cap_type(authority->cap) != CAP_TYPE_THREAD) {
        return syscall_error_invalid_cap(1);
    }
    word_t mcp = tcb_from_cap(authority->cap)->mcp;
    if (prio > mcp) {
        return syscall_error_range(0, mcp);
    }
    return seL4_NoError;
}

/* Sets t's maximum controlled priority and/or its priority (update_* say which). */
static exception_t tcb_invoke_set_sched(tcb_t *t, bool update_mcp, word_t mcp, bool update_prio,
                                        word_t prio)
{
    if (update_mcp) {
        t->mcp = (u8)mcp;
    }
    if (update_prio) {
        thread_set_priority(t, prio);
    }
    return seL4_NoError;
}

exception_t tcb_decode_set_priority(struct cte *slot, const invocation_t *inv,
                                    const tcb_set_priority_args_t *args)
{
    (void)inv;
    exception_t e = tcb_check_prio(args->authority, args->priority);
    if (e != seL4_NoError) {
        return e;
    }
    return tcb_invoke_set_sched(tcb_from_cap(slot->cap), false, 0, true, args->priority);
}

exception_t tcb_decode_set_mc_priority(struct cte *slot, const invocation_t *inv,
                                       const tcb_set_mc_priority_args_t *args)
{
    (void)inv;
    exception_t e = tcb_check_prio(args->authority, args->mcp);
    if (e != seL4_NoError) {
        return e;
    }
    return tcb_invoke_set_sched(tcb_from_cap(slot->cap), true, args->mcp, false, 0);
}

exception_t tcb_decode_set_sched_params(struct cte *slot, const invocation_t *inv,
                                        const tcb_set_sched_params_args_t *args)
{
    (void)inv;
    exception_t e = tcb_check_prio(args->authority, args->mcp);
    if (e == seL4_NoError) {
        e = tcb_check_prio(args->authority, args->priority);
    }
    if (e != seL4_NoError) {
        return e;
    }
    return tcb_invoke_set_sched(tcb_from_cap(slot->cap), true, args->mcp, true, args->priority);
}

/* --- CSpace, VSpace, IPC buffer and fault endpoint ---------------------------------------- */

/* A capability to install in one of a TCB's slots: the derived capability and the slot it was
 * derived from (NULL: the TCB slot is only emptied). */
typedef struct tcb_new_cap {
    cap_t cap;
    cte_t *src;
} tcb_new_cap_t;

/* What Configure, SetSpace and SetIPCBuffer change (seL4's ThreadControl without priorities). */
typedef struct tcb_control {
    bool update_space; /* fault endpoint, CSpace and VSpace roots */
    word_t fault_ep;
    tcb_new_cap_t cspace, vspace;
    bool update_buffer; /* IPC buffer address and frame */
    vptr_t buffer;
    tcb_new_cap_t frame;
} tcb_control_t;

/*
 * Empties t's slot index, then places the new capability there as a child of its source, if
 * the source still holds it and the invoked capability (tcb_slot, which held tcb_cap) still
 * names t: the deletion may have deleted either (seL4's sameObjectAs checks). Returns
 * EXCEPTION_PREEMPTED if the deletion stopped at a preemption point (the call is restarted).
 */
static exception_t tcb_install_cap(tcb_t *t, const cte_t *tcb_slot, cap_t tcb_cap,
                                   enum tcb_slot index, tcb_new_cap_t nc)
{
    cte_t *dest = &t->slots[index];
    exception_t e = cte_delete(dest);
    if (e != seL4_NoError) {
        return e;
    }
    if (nc.src && cap_same_object_as(nc.cap, nc.src->cap) &&
        cap_same_object_as(tcb_cap, tcb_slot->cap)) {
        cdt_insert(nc.src, dest, nc.cap);
    }
    return seL4_NoError;
}

/*
 * seL4's invokeTCB_ThreadControl: sets the fault endpoint, replaces the CSpace and VSpace roots
 * and the IPC buffer as c says, in that order. Cannot fail, but a deletion of an old capability
 * may be preempted (EXCEPTION_PREEMPTED): the restarted call decodes and starts again.
 */
static exception_t tcb_invoke_thread_control(tcb_t *t, const cte_t *tcb_slot,
                                             const tcb_control_t *c)
{
    cap_t tcb_cap = tcb_slot->cap;
    exception_t e = seL4_NoError;
    if (c->update_space) {
        t->fault_ep = c->fault_ep;
        e = tcb_install_cap(t, tcb_slot, tcb_cap, TCB_CTABLE, c->cspace);
        if (e == seL4_NoError) {
            e = tcb_install_cap(t, tcb_slot, tcb_cap, TCB_VTABLE, c->vspace);
        }
    }
    if (e == seL4_NoError && c->update_buffer) {
        e = cte_delete(&t->slots[TCB_BUFFER]);
        if (e == seL4_NoError) {
            t->ipc_buffer = c->buffer;
            e = tcb_install_cap(t, tcb_slot, tcb_cap, TCB_BUFFER, c->frame);
        }
    }
    return e;
}

/* True if deleting the capability in slot could take long (the last capability to a CNode or
 * TCB, or a zombie): a root being replaced must not be in that state (seL4's
 * slotCapLongRunningDelete). */
static bool tcb_slot_long_running_delete(const cte_t *slot)
{
    switch (cap_type(slot->cap)) {
    case CAP_TYPE_THREAD:
    case CAP_TYPE_ZOMBIE:
    case CAP_TYPE_CNODE:
        return cdt_is_final(slot);
    default:
        return false;
    }
}

/*
 * Checks the IPC buffer arguments (seL4's decode step and checkValidIPCBuffer): for a non-zero
 * address, the frame capability is derived (RevokeFirst and the like from cap_derive), must be
 * a frame (IllegalOperation), not a device frame (IllegalOperation), and the address aligned to
 * the IPC buffer size (AlignmentError). Address 0 means no IPC buffer: the frame is ignored.
 */
static exception_t tcb_decode_buffer(word_t buffer, cte_t *frame_slot, tcb_control_t *c)
{
    c->update_buffer = true;
    c->buffer = buffer;
    c->frame = (tcb_new_cap_t){cap_null(), NULL};
    if (buffer == 0) {
        return seL4_NoError;
    }
    cap_t frame;
    exception_t e = cap_derive(frame_slot, frame_slot->cap, &frame);
    if (e != seL4_NoError) {
        return e;
    }
    if (cap_type(frame) != CAP_TYPE_FRAME || cap_frame_is_device(frame)) {
        return seL4_IllegalOperation;
    }
    if (!IS_ALIGNED(buffer, IPC_BUFFER_SIZE_BITS)) {
        return seL4_AlignmentError;
    }
    c->frame = (tcb_new_cap_t){frame, frame_slot};
    return seL4_NoError;
}

/* A root capability from slot, with its data word applied if not 0, derived. */
static exception_t tcb_derive_root(cte_t *slot, word_t data, tcb_new_cap_t *out)
{
    cap_t cap = data != 0 ? cap_update_data(false, data, slot->cap) : slot->cap;
    *out = (tcb_new_cap_t){cap_null(), slot};
    return cap_derive(slot, cap, &out->cap);
}

/* The space arguments of Configure and SetSpace: new roots and their data words. */
typedef struct tcb_space_args {
    word_t fault_ep;
    cte_t *cspace;
    word_t cspace_data;
    cte_t *vspace;
    word_t vspace_data;
} tcb_space_args_t;

#define TCB_SPACE_ARGS(a)                                                                          \
    ((tcb_space_args_t){(a)->fault_ep, (a)->cspace_root, (a)->cspace_root_data, (a)->vspace_root,  \
                        (a)->vspace_root_data})

/*
 * Checks the space arguments of Configure and SetSpace in seL4's order: neither of t's current
 * roots may be in a long-running deletion (IllegalOperation); the CSpace root, after its guard
 * is set from cspace_data (if not 0) and derived, must be a CNode (IllegalOperation); the
 * VSpace root, with vspace_data applied (it changes nothing for a PML4) and derived, must be a
 * PML4 with an ASID (IllegalOperation; an unmapped PML4 already fails to derive).
 */
static exception_t tcb_decode_space(tcb_t *t, tcb_space_args_t a, tcb_control_t *c)
{
    if (tcb_slot_long_running_delete(&t->slots[TCB_CTABLE]) ||
        tcb_slot_long_running_delete(&t->slots[TCB_VTABLE])) {
        return seL4_IllegalOperation;
    }
    c->update_space = true;
    c->fault_ep = a.fault_ep;
    exception_t e = tcb_derive_root(a.cspace, a.cspace_data, &c->cspace);
    if (e != seL4_NoError) {
        return e;
    }
    if (cap_type(c->cspace.cap) != CAP_TYPE_CNODE) {
        return seL4_IllegalOperation;
    }
    e = tcb_derive_root(a.vspace, a.vspace_data, &c->vspace);
    if (e != seL4_NoError) {
        return e;
    }
    if (cap_type(c->vspace.cap) != CAP_TYPE_PML4 || cap_pml4_asid(c->vspace.cap) == 0) {
        return seL4_IllegalOperation;
    }
    return seL4_NoError;
}

exception_t tcb_decode_configure(struct cte *slot, const invocation_t *inv,
                                 const tcb_configure_args_t *a)
{
    (void)inv;
    tcb_t *t = tcb_from_cap(slot->cap);
    tcb_control_t c = {0};
    exception_t e = tcb_decode_buffer(a->buffer, a->buffer_frame, &c);
    if (e == seL4_NoError) {
        e = tcb_decode_space(t, TCB_SPACE_ARGS(a), &c);
    }
    if (e != seL4_NoError) {
        return e;
    }
    return tcb_invoke_thread_control(t, slot, &c);
}

exception_t tcb_decode_set_space(struct cte *slot, const invocation_t *inv,
                                 const tcb_set_space_args_t *a)
{
    (void)inv;
    tcb_t *t = tcb_from_cap(slot->cap);
    tcb_control_t c = {0};
    exception_t e = tcb_decode_space(t, TCB_SPACE_ARGS(a), &c);
    if (e != seL4_NoError) {
        return e;
    }
    return tcb_invoke_thread_control(t, slot, &c);
}

exception_t tcb_decode_set_ipc_buffer(struct cte *slot, const invocation_t *inv,
                                      const tcb_set_ipc_buffer_args_t *a)
{
    (void)inv;
    tcb_control_t c = {0};
    exception_t e = tcb_decode_buffer(a->buffer, a->buffer_frame, &c);
    if (e != seL4_NoError) {
        return e;
    }
    return tcb_invoke_thread_control(tcb_from_cap(slot->cap), slot, &c);
}

/* --- Suspend and Resume ------------------------------------------------------------------- */

static exception_t tcb_invoke_suspend(tcb_t *t)
{
    thread_suspend(t);
    return seL4_NoError;
}

exception_t tcb_decode_suspend(struct cte *slot, const invocation_t *inv,
                               const tcb_suspend_args_t *args)
{
    (void)inv;
    (void)args;
    return tcb_invoke_suspend(tcb_from_cap(slot->cap));
}

static exception_t tcb_invoke_resume(tcb_t *t)
{
    thread_resume(t);
    return seL4_NoError;
}

exception_t tcb_decode_resume(struct cte *slot, const invocation_t *inv,
                              const tcb_resume_args_t *args)
{
    (void)inv;
    (void)args;
    return tcb_invoke_resume(tcb_from_cap(slot->cap));
}

/* --- Notification binding ----------------------------------------------------------------- */

static exception_t tcb_invoke_bind_notification(tcb_t *t, notification_t *n)
{
    notification_bind(n, t);
    return seL4_NoError;
}

/*
 * BindNotification, with seL4's checks in order: the thread has no bound notification, the
 * capability is a notification capability with the Read (receive) right, and the notification
 * has no waiters and no bound thread. Each failure is IllegalOperation, as in seL4.
 */
exception_t tcb_decode_bind_notification(struct cte *slot, const invocation_t *inv,
                                         const tcb_bind_notification_args_t *args)
{
    (void)inv;
    tcb_t *t = tcb_from_cap(slot->cap);
    cap_t nc = args->notification->cap;
    if (t->bound_notification) {
        return seL4_IllegalOperation;
    }
    if (cap_type(nc) != CAP_TYPE_NOTIFICATION || !(cap_rights(nc) & CAP_RIGHT_READ)) {
        return seL4_IllegalOperation;
    }
    notification_t *n = notification_from_cap(nc);
    if (n->queue.head || notification_bound(n)) {
        return seL4_IllegalOperation;
    }
    return tcb_invoke_bind_notification(t, n);
}

static exception_t tcb_invoke_unbind_notification(tcb_t *t)
{
    notification_unbind_tcb(t);
    return seL4_NoError;
}

exception_t tcb_decode_unbind_notification(struct cte *slot, const invocation_t *inv,
                                           const tcb_unbind_notification_args_t *args)
{
    (void)inv;
    (void)args;
    tcb_t *t = tcb_from_cap(slot->cap);
    if (!t->bound_notification) {
        return seL4_IllegalOperation;
    }
    return tcb_invoke_unbind_notification(t);
}

/* --- TLS base ----------------------------------------------------------------------------- */

/* Sets the thread's TLS base (%fs base). A non-canonical value becomes 0, as seL4 sanitises it,
 * so loading it can never fault in the kernel. */
static exception_t tcb_invoke_set_tls_base(tcb_t *t, word_t base)
{
    tcb_write_register(t, TCB_REG_FS_BASE, base);
    return seL4_NoError;
}

exception_t tcb_decode_set_tls_base(struct cte *slot, const invocation_t *inv,
                                    const tcb_set_tls_base_args_t *args)
{
    (void)inv;
    return tcb_invoke_set_tls_base(tcb_from_cap(slot->cap), args->tls_base);
}
