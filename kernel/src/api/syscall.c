/*
 * System calls: decode the syscall number and run the call for the current thread. Invocations
 * (Call, Send, NBSend on an object capability) go through the generated decoders; the IPC calls
 * on endpoints arrive with the IPC issue.
 */
#include <gen/syscall.h>
#include <gen/constants.h>
#include <api/syscall_error.h>
#include <arch/x86_64/object/vspace.h>
#include <kernel/cspace.h>
#include <kernel/panic.h>
#include <kernel/preempt.h>
#include <kernel/printf.h>
#include <object/objecttype.h>
#include <object/tcb.h>

#define IPC_BUFFER_CAPS_OFFSET 122 /* words: caps_or_badges[3] at byte 976 */
#define SYSCALL_INSN_BYTES     2   /* 0f 05 */

/* A syscall number the kernel does not know: stop the thread with a report (fault IPC to come). */
static void syscall_unknown(tcb_t *t, sword_t number)
{
    kprintf("USER FAULT: thread '%s' made unknown system call %ld at ip 0x%lx: thread stopped "
            "(no fault handler)\n",
            t->name, number, t->context.regs[CTX_RIP]);
    thread_suspend(t);
}

/* A capability fault: until fault endpoints exist, the thread is stopped with a report. */
static void syscall_cap_fault(tcb_t *t, word_t cptr, bool in_recv, const lookup_fault_t *f)
{
    kprintf("USER FAULT: thread '%s' capability fault on 0x%lx (%s phase, lookup failure %lu, "
            "%lu bits left) at ip 0x%lx: thread stopped (no fault handler)\n",
            t->name, cptr, in_recv ? "receive" : "send", f->type, f->bits_left,
            t->context.regs[CTX_RIP]);
    thread_suspend(t);
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
    inv->label = info >> 12;
    inv->length = info & MASK(7);
    inv->extra_caps = (info >> 7) & MASK(2);
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
        *cptr = buf[IPC_BUFFER_CAPS_OFFSET + i];
        lookup_result_t lu = cspace_lookup_slot(t, *cptr);
        if (!lu.slot) {
            *fault = lu.fault;
            return false;
        }
        inv->caps[i] = lu.slot;
    }
    return true;
}

/* Makes the thread execute its system call again (after a preemption): back over the 2-byte
 * `syscall` instruction, with every argument register as it was (nothing was replied). */
static void syscall_restart(tcb_t *t)
{
    t->context.regs[CTX_RIP] -= SYSCALL_INSN_BYTES;
}

/* Call, Send and NBSend on an object capability: decode, invoke, and reply if it was a Call.
 * Lookup failures are capability faults for the blocking calls and are dropped for NBSend. */
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
    current_syscall_error = (syscall_error_t){0};
    invocation_begin_reply(is_call);
    exception_t err = object_decode_invocation(lu.slot, &inv);
    if (err == EXCEPTION_PREEMPTED) {
        invocation_cancel_reply();
        syscall_restart(t);
    } else if (err != seL4_NoError && is_call) {
        syscall_error_reply(err);
    }
    invocation_end_reply();
}

/* Recv, NBRecv and the receive half of ReplyRecv: only endpoints and notifications can be
 * received from, and none exist before the IPC issue, so anything else is a capability fault. */
static void syscall_recv(tcb_t *t)
{
    word_t cptr = t->context.regs[CTX_RDI];
    lookup_result_t lu = cspace_lookup_slot(t, cptr);
    lookup_fault_t fault = lu.fault;
    if (lu.slot) {
        fault = (lookup_fault_t){seL4_MissingCapability, 0, 0, 0};
    }
    syscall_cap_fault(t, cptr, true, &fault);
}

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
    case SYS_NB_RECV:
    case SYS_REPLY_RECV:
        /* Reply first: without reply capabilities (IPC issue) there is nobody to reply to. */
        syscall_recv(t);
        break;
    case SYS_REPLY:
        /* No caller to reply to until reply capabilities exist: seL4 does nothing then. */
        break;
    case SYS_YIELD:
        /* One thread, no scheduler yet: the caller continues (the scheduler issue replaces). */
        break;
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
