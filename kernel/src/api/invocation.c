/*
 * The message side of invocations: reading the caller's message registers, writing the reply
 * (registers MR0-MR3, the rest in the IPC buffer), and encoding error details as seL4 does.
 */
#include <api/invocation.h>
#include <gen/constants.h>
#include <api/syscall_error.h>
#include <arch/x86_64/object/vspace.h>
#include <object/tcb.h>

#define IPC_BUFFER_MSG_OFFSET 1 /* words: the tag comes first */

syscall_error_t current_syscall_error;

/* True while the current invocation is a Call, whose reply the kernel writes; the reply words
 * of a Send are discarded, leaving the sender's registers untouched. */
static bool reply_enabled;

/* The caller the reply goes to (it stays valid even if the invocation deletes its last
 * capability: the memory is not reused within the call), and whether a label was written. */
static tcb_t *reply_thread;
static bool reply_info_written;

/* Context indices of MR0..MR3 (r10, r8, r9, r15). */
static const unsigned msg_registers[FAST_MESSAGE_REGISTERS] = {CTX_R10, CTX_R8, CTX_R9, CTX_R15};

word_t invocation_get_mr(const invocation_t *inv, unsigned i)
{
    (void)inv;
    tcb_t *t = ks_cur_thread;
    if (i < FAST_MESSAGE_REGISTERS) {
        return t->context.regs[msg_registers[i]];
    }
    word_t *buf = tcb_ipc_buffer_words(t);
    return buf && i < MSG_MAX_LENGTH ? buf[IPC_BUFFER_MSG_OFFSET + i] : 0;
}

void invocation_begin_reply(bool is_call)
{
    reply_enabled = is_call;
    reply_thread = ks_cur_thread;
    reply_info_written = false;
}

void invocation_end_reply(void)
{
    if (reply_enabled && !reply_info_written) {
        invocation_set_reply_label_length(0, 0);
    }
    reply_enabled = false;
}

void invocation_cancel_reply(void)
{
    reply_enabled = false;
}

void invocation_set_reply_mr(unsigned i, word_t value)
{
    tcb_t *t = reply_thread;
    if (!reply_enabled) {
        return;
    }
    if (i < FAST_MESSAGE_REGISTERS) {
        t->context.regs[msg_registers[i]] = value;
        return;
    }
    word_t *buf = tcb_ipc_buffer_words(t);
    if (buf && i < MSG_MAX_LENGTH) {
        buf[IPC_BUFFER_MSG_OFFSET + i] = value;
    }
}

/* Message info: label[63:12] | capsUnwrapped[11:9] | extraCaps[8:7] | length[6:0]. */
void invocation_set_reply_label_length(word_t label, word_t length)
{
    if (!reply_enabled) {
        return;
    }
    reply_thread->context.regs[CTX_RDI] = 0; /* the kernel's replies carry no badge */
    reply_thread->context.regs[CTX_RSI] = (label << 12) | (length & MASK(7));
    reply_info_written = true;
}

void invocation_set_reply_length(word_t length)
{
    invocation_set_reply_label_length(0, length);
}

exception_t syscall_error_invalid_argument(word_t index)
{
    current_syscall_error.invalid_argument = index;
    return seL4_InvalidArgument;
}

exception_t syscall_error_invalid_cap(word_t index)
{
    current_syscall_error.invalid_cap = index;
    return seL4_InvalidCapability;
}

exception_t syscall_error_range(word_t min, word_t max)
{
    current_syscall_error.range_min = min;
    current_syscall_error.range_max = max;
    return seL4_RangeError;
}

exception_t syscall_error_failed_lookup(bool source, lookup_fault_t fault)
{
    current_syscall_error.lookup_was_source = source;
    current_syscall_error.lookup = fault;
    return seL4_FailedLookup;
}

exception_t syscall_error_not_enough_memory(word_t bytes_left)
{
    current_syscall_error.memory_left = bytes_left;
    return seL4_NotEnoughMemory;
}

/* Writes a lookup failure from MR offset on: type, then its details. Returns the words used. */
static word_t lookup_fault_write(const lookup_fault_t *f, unsigned offset)
{
    invocation_set_reply_mr(offset, f->type);
    switch (f->type) {
    case seL4_MissingCapability:
        invocation_set_reply_mr(offset + 1, f->bits_left);
        return 2;
    case seL4_DepthMismatch:
        invocation_set_reply_mr(offset + 1, f->bits_left);
        invocation_set_reply_mr(offset + 2, f->bits_found);
        return 3;
    case seL4_GuardMismatch:
        invocation_set_reply_mr(offset + 1, f->bits_left);
        invocation_set_reply_mr(offset + 2, f->guard_found);
        invocation_set_reply_mr(offset + 3, f->bits_found);
        return 4;
    default:
        return 1;
    }
}

void syscall_error_reply(exception_t error)
{
    const syscall_error_t *e = &current_syscall_error;
    word_t length = 0;
    switch (error) {
    case seL4_InvalidArgument:
        invocation_set_reply_mr(0, e->invalid_argument);
        length = 1;
        break;
    case seL4_InvalidCapability:
        invocation_set_reply_mr(0, e->invalid_cap);
        length = 1;
        break;
    case seL4_RangeError:
        invocation_set_reply_mr(0, e->range_min);
        invocation_set_reply_mr(1, e->range_max);
        length = 2;
        break;
    case seL4_FailedLookup:
        invocation_set_reply_mr(0, e->lookup_was_source);
        length = 1 + lookup_fault_write(&e->lookup, 1);
        break;
    case seL4_NotEnoughMemory:
        invocation_set_reply_mr(0, e->memory_left);
        length = 1;
        break;
    default:
        break;
    }
    invocation_set_reply_label_length(error, length);
}
