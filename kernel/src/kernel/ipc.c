/*
 * Message transfer (see ipc.h): message registers, capability transfer with unwrapping,
 * reply capabilities, fault messages and fault replies.
 */
#include <gen/constants.h>
#include <gen/errors.h>
#include <arch/x86_64/object/vspace.h>
#include <kernel/cspace.h>
#include <kernel/delete.h>
#include <kernel/ipc.h>
#include <kernel/printf.h>
#include <kernel/sched.h>
#include <object/cdt.h>
#include <object/objecttype.h>

/* Copies the first n message registers of sender to receiver (registers, then the IPC buffers
 * if both have one). Returns how many were transferred. */
static word_t ipc_copy_mrs(tcb_t *sender, const word_t *sbuf, tcb_t *receiver, word_t *rbuf,
                           word_t n)
{
    word_t i = 0;
    for (; i < n && i < FAST_MESSAGE_REGISTERS; i++) {
        thread_set_mr(receiver, rbuf, i, thread_get_mr(sender, sbuf, i));
    }
    if (!sbuf || !rbuf) {
        return i;
    }
    for (; i < n; i++) {
        rbuf[IPCBUF_MSG + i] = sbuf[IPCBUF_MSG + i];
    }
    return i;
}

/* Looks up the extra capabilities sender names in its IPC buffer (n of them). Returns false if
 * any lookup fails. */
static bool ipc_lookup_extra_caps(tcb_t *sender, const word_t *sbuf, word_t n, cte_t **caps)
{
    for (word_t i = 0; i < n; i++) {
        lookup_result_t lu = cspace_lookup_slot(sender, sbuf[IPCBUF_CAPS_OR_BADGES + i]);
        if (!lu.slot) {
            return false;
        }
        caps[i] = lu.slot;
    }
    return true;
}

/* The empty slot the receiver named in its IPC buffer for a received capability, or NULL. */
static cte_t *ipc_receive_slot(tcb_t *receiver, const word_t *rbuf)
{
    lookup_result_t lu = cspace_lookup_slot(receiver, rbuf[IPCBUF_RECEIVE_CNODE]);
    if (!lu.slot) {
        return NULL;
    }
    cte_t *dest;
    if (cspace_lookup_target(lu.slot->cap, rbuf[IPCBUF_RECEIVE_INDEX], rbuf[IPCBUF_RECEIVE_DEPTH],
                             false, &dest) != seL4_NoError) {
        return NULL;
    }
    return cap_is_null(dest->cap) ? dest : NULL;
}

/*
 * Transfers the n capabilities in caps to receiver: those naming ep are unwrapped (their badge
 * goes to caps_or_badges), at most one other is copied (derived) into the receive slot. Stops
 * at the first that cannot be transferred. Returns the message info bits extraCaps and
 * capsUnwrapped.
 */
static word_t ipc_transfer_caps(cte_t **caps, word_t n, endpoint_t *ep, tcb_t *receiver,
                                word_t *rbuf)
{
    if (n == 0 || !rbuf) {
        return 0;
    }
    cte_t *dest = ipc_receive_slot(receiver, rbuf);
    word_t i = 0, unwrapped = 0;
    for (; i < n; i++) {
        cap_t c = caps[i]->cap;
        if (cap_type(c) == CAP_TYPE_ENDPOINT && endpoint_from_cap(c) == ep) {
            rbuf[IPCBUF_CAPS_OR_BADGES + i] = cap_badge(c);
            unwrapped |= BIT(i);
            continue;
        }
        cap_t derived;
        if (!dest || cap_derive(caps[i], c, &derived) != seL4_NoError || cap_is_null(derived)) {
            break;
        }
        cdt_insert(caps[i], dest, derived);
        dest = NULL;
    }
    return MSGINFO(0, unwrapped, i, 0);
}

/* A normal message: registers, badge, and (if granted) capabilities. */
static void ipc_normal_transfer(tcb_t *sender, endpoint_t *ep, word_t badge, bool can_grant,
                                tcb_t *receiver)
{
    word_t info = sender->context.regs[CTX_RSI];
    word_t length = MSGINFO_LENGTH(info);
    word_t n_caps = MSGINFO_EXTRA_CAPS(info);
    const word_t *sbuf = tcb_ipc_buffer_words(sender);
    word_t *rbuf = tcb_ipc_buffer_words(receiver);
    cte_t *caps[3];
    if (length > MSG_MAX_LENGTH) {
        length = MSG_MAX_LENGTH;
    }
    if (!can_grant || !sbuf || !ipc_lookup_extra_caps(sender, sbuf, n_caps, caps)) {
        n_caps = 0;
    }
    length = ipc_copy_mrs(sender, sbuf, receiver, rbuf, length);
    word_t cap_bits = ipc_transfer_caps(caps, n_caps, ep, receiver, rbuf);
    receiver->context.regs[CTX_RSI] = MSGINFO(MSGINFO_LABEL(info), 0, 0, length) | cap_bits;
    receiver->context.regs[CTX_RDI] = badge;
}

/* Register order of an UnknownSyscall message (then the syscall number) and of the first
 * words of a UserException message (then the exception number and code): seL4's x86-64
 * syscallMessage and exceptionMessage. */
static const unsigned syscall_message[] = {CTX_RAX, CTX_RBX, CTX_RCX, CTX_RDX, CTX_RSI, CTX_RDI,
                                           CTX_RBP, CTX_R8,  CTX_R9,  CTX_R10, CTX_R11, CTX_R12,
                                           CTX_R13, CTX_R14, CTX_R15, CTX_RIP, CTX_RSP, CTX_RFLAGS};
static const unsigned exception_message[] = {CTX_RIP, CTX_RSP, CTX_RFLAGS};

/* Writes words to receiver's message registers from index 0; returns the message length
 * (words past MR3 are lost when the receiver has no IPC buffer, as in seL4). */
static word_t ipc_write_words(tcb_t *receiver, word_t *rbuf, const word_t *w, word_t n)
{
    word_t len = 0;
    for (word_t i = 0; i < n; i++) {
        if (thread_set_mr(receiver, rbuf, i, w[i])) {
            len = i + 1;
        }
    }
    return len;
}

/* The value of a register in a fault message: RIP is reported as the restart address. */
static word_t ipc_fault_register(const tcb_t *t, unsigned reg)
{
    return reg == CTX_RIP ? thread_restart_ip(t) : t->context.regs[reg];
}

/* Fills w with the words of sender's fault message (seL4's layouts); returns the count. */
static word_t ipc_fault_words(const tcb_t *sender, word_t *w)
{
    const fault_t *f = &sender->fault;
    const lookup_fault_t *lf = &sender->lookup_fault;
    word_t n = 0;
    switch (f->type) {
    case FAULT_CAP:
        w[n++] = thread_restart_ip(sender);
        w[n++] = f->w[0];
        w[n++] = f->w[1];
        w[n++] = lf->type;
        if (lf->type == seL4_MissingCapability || lf->type == seL4_DepthMismatch ||
            lf->type == seL4_GuardMismatch) {
            w[n++] = lf->bits_left;
        }
        if (lf->type == seL4_GuardMismatch) {
            w[n++] = lf->guard_found;
        }
        if (lf->type == seL4_DepthMismatch || lf->type == seL4_GuardMismatch) {
            w[n++] = lf->bits_found;
        }
        return n;
    case FAULT_UNKNOWN_SYSCALL:
        for (; n < ARRAY_SIZE(syscall_message); n++) {
            w[n] = ipc_fault_register(sender, syscall_message[n]);
        }
        w[n++] = f->w[0];
        return n;
    case FAULT_USER_EXCEPTION:
        for (; n < ARRAY_SIZE(exception_message); n++) {
            w[n] = ipc_fault_register(sender, exception_message[n]);
        }
        w[n++] = f->w[0];
        w[n++] = f->w[1];
        return n;
    default: /* FAULT_VM */
        w[n++] = thread_restart_ip(sender);
        w[n++] = f->w[0];
        w[n++] = f->w[1];
        w[n++] = f->w[2];
        return n;
    }
}

/* A fault message: label = fault type, the fault's words, badge of the handler capability. */
static void ipc_fault_transfer(tcb_t *sender, word_t badge, tcb_t *receiver)
{
    word_t w[ARRAY_SIZE(syscall_message) + 1];
    word_t n = ipc_fault_words(sender, w);
    word_t len = ipc_write_words(receiver, tcb_ipc_buffer_words(receiver), w, n);
    receiver->context.regs[CTX_RSI] = MSGINFO(sender->fault.type, 0, 0, len);
    receiver->context.regs[CTX_RDI] = badge;
}

void ipc_transfer(tcb_t *sender, endpoint_t *ep, word_t badge, bool can_grant, tcb_t *receiver)
{
    if (sender->fault.type == FAULT_NULL) {
        ipc_normal_transfer(sender, ep, badge, can_grant, receiver);
    } else {
        ipc_fault_transfer(sender, badge, receiver);
    }
}

void ipc_setup_caller_cap(tcb_t *sender, tcb_t *receiver, bool can_grant)
{
    thread_set_state(sender, THREAD_BLOCKED_ON_REPLY);
    cte_t *master = &sender->slots[TCB_REPLY];
    cte_t *caller = &receiver->slots[TCB_CALLER];
    if (!cap_is_null(caller->cap)) {
        cte_delete_one(caller);
    }
    if (cap_type(master->cap) != CAP_TYPE_REPLY) {
        return; /* no master (the TCB is being deleted): nobody can reply */
    }
    cdt_insert(master, caller, cap_reply_new(kptr_to_paddr(sender), false, can_grant));
}

void ipc_delete_caller_cap(tcb_t *t)
{
    cte_t *caller = &t->slots[TCB_CALLER];
    if (!cap_is_null(caller->cap)) {
        cte_delete_one(caller);
    }
}

/* Sets receiver's registers listed in regs from sender's first min(n, length) message
 * registers (a fault reply), sanitised as TCB_WriteRegisters sanitises. A FaultIP that is not
 * written stays the restart address (the faulting instruction or system call). */
static void ipc_copy_fault_reply(tcb_t *sender, tcb_t *receiver, const unsigned *regs, word_t n,
                                 word_t length)
{
    const word_t *sbuf = tcb_ipc_buffer_words(sender);
    word_t count = length < n ? length : n;
    if (!sbuf && count > FAST_MESSAGE_REGISTERS) {
        count = FAST_MESSAGE_REGISTERS;
    }
    for (word_t i = 0; i < count; i++) {
        thread_write_register(receiver, regs[i], thread_get_mr(sender, sbuf, i));
        if (regs[i] == CTX_RIP) {
            thread_forget_syscall(receiver); /* the new FaultIP is where it restarts */
        }
    }
}

/* Applies a reply to a fault (seL4's handleFaultReply). Returns true if the thread restarts. */
static bool ipc_fault_reply(tcb_t *receiver, tcb_t *sender)
{
    word_t info = sender->context.regs[CTX_RSI];
    word_t label = MSGINFO_LABEL(info), length = MSGINFO_LENGTH(info);
    switch (receiver->fault.type) {
    case FAULT_UNKNOWN_SYSCALL:
        ipc_copy_fault_reply(sender, receiver, syscall_message, ARRAY_SIZE(syscall_message),
                             length);
        return label == 0;
    case FAULT_USER_EXCEPTION:
        ipc_copy_fault_reply(sender, receiver, exception_message, ARRAY_SIZE(exception_message),
                             length);
        return label == 0;
    default: /* capability and VM faults: the thread tries again */
        return true;
    }
}

void ipc_reply(tcb_t *sender, tcb_t *receiver, cte_t *slot, bool grant)
{
    if (receiver->state != THREAD_BLOCKED_ON_REPLY) {
        return;
    }
    if (receiver->fault.type == FAULT_NULL) {
        ipc_transfer(sender, NULL, 0, grant, receiver);
        cte_delete_one(slot);
        thread_set_state(receiver, THREAD_RUNNING);
        sched_possible_switch_to(receiver);
        return;
    }
    cte_delete_one(slot);
    bool restart = ipc_fault_reply(receiver, sender);
    receiver->fault.type = FAULT_NULL;
    if (restart) {
        thread_set_state(receiver, THREAD_RESTART);
        sched_possible_switch_to(receiver);
    } else {
        thread_set_state(receiver, THREAD_INACTIVE);
    }
}

/* Prints why t stopped: a fault nobody handles (debug builds; seL4's handleDoubleFault). */
static void fault_report_unhandled(const tcb_t *t)
{
#ifdef CONFIG_DEBUG
    kprintf("USER FAULT: thread '%s' fault type %lu (words 0x%lx 0x%lx 0x%lx) at ip 0x%lx: "
            "thread stopped (no usable fault handler)\n",
            t->name, t->fault.type, t->fault.w[0], t->fault.w[1], t->fault.w[2],
            thread_restart_ip(t));
#else
    (void)t;
#endif
}

void fault_handle(tcb_t *t)
{
    lookup_result_t lu = cspace_lookup_slot(t, t->fault_ep);
    cap_t h = lu.slot ? lu.slot->cap : cap_null();
    unsigned r = cap_type(h) == CAP_TYPE_ENDPOINT ? cap_rights(h) : 0;
    if ((r & CAP_RIGHT_WRITE) && (r & (CAP_RIGHT_GRANT | CAP_RIGHT_GRANT_REPLY))) {
        endpoint_send(endpoint_from_cap(h), t, cap_badge(h), r & CAP_RIGHT_GRANT,
                      r & CAP_RIGHT_GRANT_REPLY, true, true);
        return;
    }
    fault_report_unhandled(t);
    t->fault.type = FAULT_NULL;
    thread_set_state(t, THREAD_INACTIVE);
}
