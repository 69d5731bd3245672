/*
 * IRQHandler capabilities (see irq.h): SetNotification, Ack and Clear; the delivery of an
 * interrupt to the handler's notification; finalisation of the last handler capability.
 *
 * Invariants: irq_table[irq].state is IRQ_SIGNAL exactly while an IRQHandler capability to
 * irq exists (only user IRQs ever are); irq_node[irq] holds a notification capability with the
 * Write right or nothing, and nothing while the IRQ is inactive; pending is set only while
 * masked.
 */
#include <gen/decode.h>
#include <api/syscall_error.h>
#include <kernel/delete.h>
#include <kernel/printf.h>
#include <object/cdt.h>
#include <object/irq.h>
#include <object/notification.h>

typedef enum irq_state { IRQ_INACTIVE = 0, IRQ_SIGNAL } irq_state_t;

typedef struct irq_entry {
    u8 state;     /* irq_state_t */
    bool masked;  /* delivered and not acknowledged yet */
    bool pending; /* arrived while masked (MSIs, or an edge already accepted by the CPU) */
} irq_entry_t;

static irq_entry_t irq_table[IRQ_COUNT];

/* seL4's IRQ node: the notification capability each IRQ signals. Never reachable by lookup. */
static cte_t irq_node[IRQ_COUNT];

bool irq_is_active(word_t irq)
{
    return !irq_is_user(irq) || irq_table[irq].state == IRQ_SIGNAL;
}

void irq_set_active(word_t irq)
{
    irq_table[irq] = (irq_entry_t){IRQ_SIGNAL, false, false};
    arch_irq_mask(irq, false);
}

/* Signals the IRQ's notification (if it has one) with that capability's badge, then masks the
 * IRQ until the next Ack. */
static void irq_deliver(word_t irq)
{
    cap_t c = irq_node[irq].cap;
    if (cap_type(c) == CAP_TYPE_NOTIFICATION && (cap_rights(c) & CAP_RIGHT_WRITE)) {
        notification_signal(notification_from_cap(c), cap_badge(c));
    } else {
#ifdef CONFIG_DEBUG
        kprintf("interrupt: IRQ %lu has no notification: masked until Ack\n", irq);
#endif
    }
    irq_table[irq].masked = true;
    arch_irq_mask(irq, true);
}

void irq_handle_interrupt(word_t irq)
{
    irq_entry_t *e = &irq_table[irq];
    if (e->state != IRQ_SIGNAL) {
        /* Its handler went while it was in flight (its source is masked and routed nowhere
         * already), or a stray vector: seL4 masks and drops it. */
#ifdef CONFIG_DEBUG
        kprintf("interrupt: IRQ %lu has no handler: dropped\n", irq);
#endif
        arch_irq_mask(irq, true);
        return;
    }
    if (e->masked) {
        e->pending = true;
        return;
    }
    irq_deliver(irq);
}

void irq_handler_finalise(word_t irq)
{
    cte_delete_one(&irq_node[irq]);
    irq_table[irq] = (irq_entry_t){IRQ_INACTIVE, false, false};
    arch_irq_release(irq);
}

/* --- Ack ---------------------------------------------------------------------------------- */

/* Unmasks irq; an interrupt that arrived while it was masked is delivered now instead (and the
 * IRQ stays masked). Cannot fail. */
static exception_t irq_handler_invoke_ack(word_t irq)
{
    irq_entry_t *e = &irq_table[irq];
    if (e->pending) {
        e->pending = false;
        irq_deliver(irq);
        return seL4_NoError;
    }
    e->masked = false;
    arch_irq_mask(irq, false);
    return seL4_NoError;
}

/* Ack: no errors of its own (seL4 unmasks whatever the state). */
exception_t irq_handler_decode_ack(struct cte *slot, const invocation_t *inv,
                                   const irq_handler_ack_args_t *args)
{
    (void)inv;
    (void)args;
    return irq_handler_invoke_ack(cap_irq_handler_irq(slot->cap));
}

/* --- SetNotification ---------------------------------------------------------------------- */

/* Replaces the IRQ's notification with a copy of the capability in ntfn (a child of it in the
 * derivation tree, so revoking or deleting it unbinds the IRQ). Cannot fail. */
static exception_t irq_handler_invoke_set_notification(word_t irq, cte_t *ntfn)
{
    cte_t *node = &irq_node[irq];
    cte_delete_one(node);
    cdt_insert(ntfn, node, ntfn->cap);
    return seL4_NoError;
}

/* SetNotification: InvalidCapability (0) unless the capability is a notification with the
 * Write right; TruncatedMessage (no capability sent) comes from the generated unpacker. */
exception_t irq_handler_decode_set_notification(struct cte *slot, const invocation_t *inv,
                                                const irq_handler_set_notification_args_t *args)
{
    (void)inv;
    cap_t c = args->notification->cap;
    if (cap_type(c) != CAP_TYPE_NOTIFICATION || !(cap_rights(c) & CAP_RIGHT_WRITE)) {
        return syscall_error_invalid_cap(0);
    }
    return irq_handler_invoke_set_notification(cap_irq_handler_irq(slot->cap), args->notification);
}

/* --- Clear -------------------------------------------------------------------------------- */

/* Forgets the IRQ's notification (its masking is left as it is, as in seL4). Cannot fail. */
static exception_t irq_handler_invoke_clear(word_t irq)
{
    cte_delete_one(&irq_node[irq]);
    return seL4_NoError;
}

/* Clear: no errors of its own. */
exception_t irq_handler_decode_clear(struct cte *slot, const invocation_t *inv,
                                     const irq_handler_clear_args_t *args)
{
    (void)inv;
    (void)args;
    return irq_handler_invoke_clear(cap_irq_handler_irq(slot->cap));
}
