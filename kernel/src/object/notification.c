/*
 * Notifications (see notification.h): seL4's sendSignal, receiveSignal, binding to a TCB and
 * cancelling waits.
 */
#include <arch/x86_64/object/vspace.h>
#include <kernel/sched.h>
#include <object/endpoint.h>
#include <object/notification.h>

notification_t *notification_from_cap(cap_t c)
{
    return paddr_to_kptr(cap_paddr(c));
}

/* Wakes t with badge as the received word (its badge register). */
static void notification_wake(tcb_t *t, word_t badge)
{
    t->context.regs[CTX_RDI] = badge;
    thread_set_state(t, THREAD_RUNNING);
    sched_possible_switch_to(t);
}

void notification_signal(notification_t *n, word_t badge)
{
    tcb_t *waiter = n->queue.head;
    if (waiter) {
        tcb_ep_remove(&n->queue, waiter);
        notification_wake(waiter, badge);
        return;
    }
    tcb_t *bound = notification_bound(n);
    if (bound && !notification_is_active(n) && bound->state == THREAD_BLOCKED_ON_RECEIVE) {
        /* The bound thread waits on an endpoint: it receives the signal instead. */
        endpoint_cancel_ipc(bound);
        notification_wake(bound, badge);
        return;
    }
    n->word |= badge;
    n->bound_state |= NOTIFICATION_ACTIVE;
}

void notification_receive(notification_t *n, tcb_t *t, bool blocking)
{
    if (notification_is_active(n)) {
        notification_complete_signal(n, t);
    } else if (blocking) {
        t->blocking_object = n;
        thread_set_state(t, THREAD_BLOCKED_ON_NOTIFICATION);
        tcb_ep_append(&n->queue, t);
    } else {
        t->context.regs[CTX_RDI] = 0;
    }
}

void notification_complete_signal(notification_t *n, tcb_t *t)
{
    t->context.regs[CTX_RDI] = n->word;
    n->word = 0;
    n->bound_state &= ~NOTIFICATION_ACTIVE;
}

void notification_cancel_signal(tcb_t *t)
{
    notification_t *n = t->blocking_object;
    tcb_ep_remove(&n->queue, t);
    thread_set_state(t, THREAD_INACTIVE);
}

void notification_cancel_all(notification_t *n)
{
    if (!n->queue.head) {
        return;
    }
    while (n->queue.head) {
        tcb_t *t = n->queue.head;
        tcb_ep_remove(&n->queue, t);
        thread_set_state(t, THREAD_RESTART);
        sched_enqueue(t);
    }
    sched_reschedule_required();
}

void notification_bind(notification_t *n, tcb_t *t)
{
    n->bound_state = (word_t)t | (n->bound_state & NOTIFICATION_ACTIVE);
    t->bound_notification = n;
}

void notification_unbind(notification_t *n)
{
    tcb_t *t = notification_bound(n);
    if (t) {
        t->bound_notification = NULL;
        n->bound_state &= NOTIFICATION_ACTIVE;
    }
}

void notification_unbind_tcb(tcb_t *t)
{
    if (t->bound_notification) {
        notification_unbind(t->bound_notification);
    }
}
