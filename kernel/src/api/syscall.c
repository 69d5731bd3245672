/*
 * System calls: decode the syscall number and run the call for the current thread (seL4's
 * handleSyscall). Invocations of object capabilities go through the generated decoders;
 * endpoints, notifications and reply capabilities are IPC. Every path ends in the scheduler.
 */
#include <gen/syscall.h>
#include <gen/constants.h>
#include <api/fastpath.h>
#include <api/syscall_error.h>
#include <arch/x86_64/object/vspace.h>
#include <kernel/cspace.h>
#include <kernel/ipc.h>
#include <kernel/panic.h>
#include <kernel/preempt.h>
#include <kernel/printf.h>
#include <kernel/sched.h>
#include <object/endpoint.h>
#include <object/notification.h>
#include <object/objecttype.h>
#include <object/tcb.h>

/* Records a capability fault of t on cptr and delivers it (seL4's CapFault). */
static void syscall_cap_fault(tcb_t *t, word_t cptr, bool in_recv, const lookup_fault_t *f)
{
    t->fault = (fault_t){FAULT_CAP, {cptr, in_recv, 0}};
    t->lookup_fault = *f;
    fault_handle(t);
}

/* A capability fault for a capability of the wrong kind (seL4: MissingCapability, 0 bits). */
static void syscall_cap_fault_missing(tcb_t *t, word_t cptr, bool in_recv)
{
    lookup_fault_t f = {seL4_MissingCapability, 0, 0, 0};
    syscall_cap_fault(t, cptr, in_recv, &f);
}

/* seL4_DebugHalt: stop the whole machine (under QEMU: exit with the success status). */
static NORETURN void syscall_debug_halt(tcb_t *t)
{
    kprintf("debug halt requested by thread '%s'\n", t->name);
    machine_halt(true);
}

/*
 * Fills inv from the message info in rsi and looks up the extra capabilities named in the IPC
 * buffer. Returns false (with *fault and *cptr set) if an extra capability lookup failed.
 */
static bool syscall_read_invocation(tcb_t *t, invocation_t *inv, lookup_fault_t *fault,
                                    word_t *cptr)
{
    word_t info = t->context.regs[CTX_RSI];
    const word_t *buf = tcb_ipc_buffer_words(t);
    inv->label = MSGINFO_LABEL(info);
    inv->length = MSGINFO_LENGTH(info);
    inv->extra_caps = MSGINFO_EXTRA_CAPS(info);
    if (inv->length > MSG_MAX_LENGTH) {
        inv->length = MSG_MAX_LENGTH;
    }
    if (!buf) {
        inv->length = inv->length > FAST_MESSAGE_REGISTERS ? FAST_MESSAGE_REGISTERS : inv->length;
        inv->extra_caps = 0;
    }
    for (word_t i = 0; i < 3; i++) {
        inv->caps[i] = NULL;
    }
    for (word_t i = 0; i < inv->extra_caps; i++) {
        *cptr = buf[IPCBUF_CAPS_OR_BADGES + i];
        lookup_result_t lu = cspace_lookup_slot(t, *cptr);
        if (!lu.slot) {
            *fault = lu.fault;
            return false;
        }
        inv->caps[i] = lu.slot;
    }
    return true;
}

/* Send, NBSend or Call on an endpoint, notification or reply capability (IPC), or
 * seL4_InvalidCapability(0) if the capability lacks the right to send. */
static exception_t syscall_ipc_send(tcb_t *t, cte_t *slot, bool is_call, bool blocking)
{
    cap_t c = slot->cap;
    unsigned rights = cap_rights(c);
    switch (cap_type(c)) {
    case CAP_TYPE_ENDPOINT:
        if (!(rights & CAP_RIGHT_WRITE)) {
            return syscall_error_invalid_cap(0);
        }
        endpoint_send(endpoint_from_cap(c), t, cap_badge(c), rights & CAP_RIGHT_GRANT,
                      rights & CAP_RIGHT_GRANT_REPLY, blocking, is_call);
        return seL4_NoError;
    case CAP_TYPE_NOTIFICATION:
        if (!(rights & CAP_RIGHT_WRITE)) {
            return syscall_error_invalid_cap(0);
        }
        notification_signal(notification_from_cap(c), cap_badge(c));
        return seL4_NoError;
    default: /* CAP_TYPE_REPLY */
        if (cap_reply_is_master(c)) {
            return syscall_error_invalid_cap(0);
        }
        ipc_reply(t, paddr_to_kptr(cap_paddr(c)), slot, cap_reply_can_grant(c));
        return seL4_NoError;
    }
}

/* True for the capabilities whose invocation is IPC rather than a kernel method. */
static bool syscall_cap_is_ipc(cap_t c)
{
    cap_type_t ty = cap_type(c);
    return ty == CAP_TYPE_ENDPOINT || ty == CAP_TYPE_NOTIFICATION || ty == CAP_TYPE_REPLY;
}

/* Ends an invocation that returned err (seL4's handleInvocation tail): a preempted one stays
 * RESTART and is made again; a failed Call gets its error; a thread still RESTART got its
 * result and runs on. A thread that blocked in IPC gets its partner's message instead, and one
 * that suspended itself stays RESTART-at-the-syscall: as in seL4 (issue #870), resuming it
 * repeats the Suspend unless its rip is moved past the syscall (seL4 code does exactly that,
 * so it must find the syscall's address there). */
static void syscall_finish_invocation(tcb_t *t, exception_t err, bool is_call)
{
    if (err == EXCEPTION_PREEMPTED) {
        invocation_cancel_reply();
        return;
    }
    if (err != seL4_NoError) {
        if (is_call) {
            syscall_error_reply(err);
        }
        thread_set_state(t, THREAD_RUNNING);
    } else if (t->state == THREAD_RESTART) {
        thread_set_state(t, THREAD_RUNNING);
    } else {
        invocation_cancel_reply();
        return;
    }
    invocation_end_reply();
}

/* Call, Send and NBSend: decode, invoke, and reply if it was a Call. Lookup failures are
 * capability faults for the blocking calls and are dropped for NBSend. */
static void syscall_invoke(tcb_t *t, bool is_call, bool is_blocking)
{
    invocation_t inv;
    word_t cptr = t->context.regs[CTX_RDI];
    lookup_result_t lu = cspace_lookup_slot(t, cptr);
    lookup_fault_t fault = lu.fault;
    if (!lu.slot || !syscall_read_invocation(t, &inv, &fault, &cptr)) {
        if (is_blocking) {
            syscall_cap_fault(t, cptr, false, &fault);
        }
        return;
    }
    inv.cptr = t->context.regs[CTX_RDI];
    inv.slot = lu.slot;
    invocation_begin_reply(is_call);
    thread_set_state(t, THREAD_RESTART);
    exception_t err;
    if (syscall_cap_is_ipc(lu.slot->cap)) {
        err = syscall_ipc_send(t, lu.slot, is_call, is_blocking);
    } else {
        /* Only object invocations report error details; IPC never reads them. */
        current_syscall_error = (syscall_error_t){0};
        err = object_decode_invocation(lu.slot, &inv);
    }
    syscall_finish_invocation(t, err, is_call);
}

/* Recv, NBRecv and the receive half of ReplyRecv (seL4's handleRecv): endpoints (with Read)
 * and notifications (with Read, not bound to another thread); anything else is a capability
 * fault in the receive phase. */
static void syscall_recv(tcb_t *t, bool blocking)
{
    word_t cptr = t->context.regs[CTX_RDI];
    lookup_result_t lu = cspace_lookup_slot(t, cptr);
    if (!lu.slot) {
        syscall_cap_fault(t, cptr, true, &lu.fault);
        return;
    }
    cap_t c = lu.slot->cap;
    bool can_read = cap_rights(c) & CAP_RIGHT_READ;
    if (cap_type(c) == CAP_TYPE_ENDPOINT && can_read) {
        ipc_delete_caller_cap(t);
        endpoint_receive(endpoint_from_cap(c), t, c, blocking);
        return;
    }
    if (cap_type(c) == CAP_TYPE_NOTIFICATION && can_read) {
        notification_t *n = notification_from_cap(c);
        if (!notification_bound(n) || notification_bound(n) == t) {
            notification_receive(n, t, blocking);
            return;
        }
    }
    syscall_cap_fault_missing(t, cptr, true);
}

/* Reply (seL4's handleReply): answers the caller whose reply capability t holds, if any. */
static void syscall_reply(tcb_t *t)
{
    cte_t *slot = &t->slots[TCB_CALLER];
    cap_t c = slot->cap;
    if (cap_type(c) == CAP_TYPE_REPLY && !cap_reply_is_master(c)) {
        ipc_reply(t, paddr_to_kptr(cap_paddr(c)), slot, cap_reply_can_grant(c));
    }
}

/* An unknown system call number: an UnknownSyscall fault. */
static void syscall_unknown(tcb_t *t, sword_t number)
{
    t->fault = (fault_t){FAULT_UNKNOWN_SYSCALL, {(word_t)number, 0, 0}};
    fault_handle(t);
}

#ifdef CONFIG_DEBUG
/* seL4's capability type numbers (DebugCapIdentify reports these, not ours). */
static const u8 sel4_cap_type[N_CAP_TYPES] = {
    [CAP_TYPE_NULL] = 0,         [CAP_TYPE_UNTYPED] = 2,        [CAP_TYPE_ENDPOINT] = 4,
    [CAP_TYPE_NOTIFICATION] = 6, [CAP_TYPE_REPLY] = 8,          [CAP_TYPE_CNODE] = 10,
    [CAP_TYPE_THREAD] = 12,      [CAP_TYPE_IRQ_CONTROL] = 14,   [CAP_TYPE_IRQ_HANDLER] = 16,
    [CAP_TYPE_ZOMBIE] = 18,      [CAP_TYPE_DOMAIN] = 20,        [CAP_TYPE_FRAME] = 1,
    [CAP_TYPE_PAGE_TABLE] = 3,   [CAP_TYPE_PAGE_DIRECTORY] = 5, [CAP_TYPE_PDPT] = 7,
    [CAP_TYPE_PML4] = 9,         [CAP_TYPE_ASID_CONTROL] = 11,  [CAP_TYPE_ASID_POOL] = 13,
    [CAP_TYPE_IO_SPACE] = 15,    [CAP_TYPE_IO_PORT] = 19,       [CAP_TYPE_IO_PORT_CONTROL] = 31,
};

/* seL4_DebugCapIdentify: the type of the capability at rdi (0 if the lookup fails), in rdi. */
static void syscall_debug_cap_identify(tcb_t *t)
{
    lookup_result_t lu = cspace_lookup_slot(t, t->context.regs[CTX_RDI]);
    t->context.regs[CTX_RDI] = lu.slot ? sel4_cap_type[cap_type(lu.slot->cap)] : 0;
}

/* seL4_DebugNameThread: names the TCB at rdi from the string in the caller's IPC buffer
 * (message words); a capability that is not a TCB is ignored. */
static void syscall_debug_name_thread(tcb_t *t)
{
    lookup_result_t lu = cspace_lookup_slot(t, t->context.regs[CTX_RDI]);
    const word_t *buf = tcb_ipc_buffer_words(t);
    if (!lu.slot || cap_type(lu.slot->cap) != CAP_TYPE_THREAD || !buf) {
        return;
    }
    const char *name = (const char *)&buf[IPCBUF_MSG];
    tcb_t *target = paddr_to_kptr(cap_paddr(lu.slot->cap));
    unsigned i = 0;
    for (; i + 1 < sizeof(target->name) && name[i]; i++) {
        target->name[i] = name[i];
    }
    target->name[i] = '\0';
}

/* The debug calls of debug builds; returns false for a number that is none of them. */
static bool syscall_debug(tcb_t *t, sword_t number)
{
    switch (number) {
    case SYS_DEBUG_DUMP_SCHEDULER:
        sched_dump();
        return true;
    case SYS_DEBUG_CAP_IDENTIFY:
        syscall_debug_cap_identify(t);
        return true;
    case SYS_DEBUG_NAME_THREAD:
        syscall_debug_name_thread(t);
        return true;
    case SYS_DEBUG_FASTPATH_COUNT:
        t->context.regs[CTX_RDI] = ks_fastpath_count;
        return true;
    default:
        return false;
    }
}
#else
static bool syscall_debug(tcb_t *t, sword_t number)
{
    (void)t;
    (void)number;
    return false;
}
#endif

NORETURN void c_handle_syscall(void)
{
    tcb_t *t = ks_cur_thread;
    word_t *regs = t->context.regs;
    sword_t number = (sword_t)regs[CTX_RDX];
    preempt_reset();

    switch (number) {
    case SYS_CALL:
        syscall_invoke(t, true, true);
        break;
    case SYS_SEND:
        syscall_invoke(t, false, true);
        break;
    case SYS_NB_SEND:
        syscall_invoke(t, false, false);
        break;
    case SYS_RECV:
        syscall_recv(t, true);
        break;
    case SYS_NB_RECV:
        syscall_recv(t, false);
        break;
    case SYS_REPLY:
        syscall_reply(t);
        break;
    case SYS_REPLY_RECV:
        syscall_reply(t);
        syscall_recv(t, true);
        break;
    case SYS_YIELD:
        sched_yield();
        break;
    case SYS_DEBUG_PUT_CHAR:
        kputchar((char)regs[CTX_RDI]);
        break;
    case SYS_DEBUG_HALT:
        syscall_debug_halt(t);
    default:
        if (!syscall_debug(t, number)) {
            syscall_unknown(t, number);
        }
        break;
    }
    thread_return_to_user();
}
