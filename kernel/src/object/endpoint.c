/*
 * Endpoints (see endpoint.h): the rendezvous of seL4's sendIPC and receiveIPC, and cancelling
 * the IPC of queued threads when a thread or the endpoint goes away.
 */
#include <arch/x86_64/object/vspace.h>
#include <kernel/ipc.h>
#include <kernel/sched.h>
#include <object/endpoint.h>
#include <object/notification.h>

endpoint_t *endpoint_from_cap(cap_t c)
{
    return paddr_to_kptr(cap_paddr(c));
}

/* The state of thread that heads ep's queue: which way the queue waits (0 if empty). */
static thread_state_t endpoint_queue_state(const endpoint_t *ep)
{
    return ep->queue.head ? ep->queue.head->state : THREAD_INACTIVE;
}

/* Queues sender as blocked on ep with the properties of its send. */
static void endpoint_block_sender(endpoint_t *ep, tcb_t *sender, word_t badge, bool can_grant,
                                  bool can_grant_reply, bool is_call)
{
    sender->blocking_object = ep;
    sender->blocking_badge = badge;
    sender->blocking_can_grant = can_grant;
    sender->blocking_can_grant_reply = can_grant_reply;
    sender->blocking_is_call = is_call;
    thread_set_state(sender, THREAD_BLOCKED_ON_SEND);
    tcb_ep_append(&ep->queue, sender);
}

void endpoint_send(endpoint_t *ep, tcb_t *sender, word_t badge, bool can_grant,
                   bool can_grant_reply, bool blocking, bool is_call)
{
    if (endpoint_queue_state(ep) != THREAD_BLOCKED_ON_RECEIVE) {
        if (blocking) {
            endpoint_block_sender(ep, sender, badge, can_grant, can_grant_reply, is_call);
        }
        return;
    }
    tcb_t *dest = ep->queue.head;
    tcb_ep_remove(&ep->queue, dest);
    ipc_transfer(sender, ep, badge, can_grant, dest);
    bool reply_can_grant = dest->blocking_can_grant;
    thread_set_state(dest, THREAD_RUNNING);
    sched_possible_switch_to(dest);
    if (is_call) {
        if (can_grant || can_grant_reply) {
            ipc_setup_caller_cap(sender, dest, reply_can_grant);
        } else {
            thread_set_state(sender, THREAD_INACTIVE);
        }
    }
}

/* Queues receiver as blocked on ep, remembering whether its capability may grant replies. */
static void endpoint_block_receiver(endpoint_t *ep, tcb_t *receiver, cap_t cap)
{
    receiver->blocking_object = ep;
    receiver->blocking_can_grant = cap_rights(cap) & CAP_RIGHT_GRANT;
    thread_set_state(receiver, THREAD_BLOCKED_ON_RECEIVE);
    tcb_ep_append(&ep->queue, receiver);
}

/* Takes the message of the first queued sender; the sender then waits for the reply (Call or
 * fault), stops (it could not grant a reply), or runs on. */
static void endpoint_receive_from_sender(endpoint_t *ep, tcb_t *receiver, cap_t cap)
{
    tcb_t *sender = ep->queue.head;
    tcb_ep_remove(&ep->queue, sender);
    bool can_grant = sender->blocking_can_grant;
    bool can_grant_reply = sender->blocking_can_grant_reply;
    ipc_transfer(sender, ep, sender->blocking_badge, can_grant, receiver);
    if (sender->blocking_is_call || sender->fault.type != FAULT_NULL) {
        if (can_grant || can_grant_reply) {
            ipc_setup_caller_cap(sender, receiver, cap_rights(cap) & CAP_RIGHT_GRANT);
        } else {
            thread_set_state(sender, THREAD_INACTIVE);
        }
    } else {
        thread_set_state(sender, THREAD_RUNNING);
        sched_possible_switch_to(sender);
    }
}

void endpoint_receive(endpoint_t *ep, tcb_t *receiver, cap_t cap, bool blocking)
{
    notification_t *bound = receiver->bound_notification;
    if (bound && notification_is_active(bound)) {
        notification_complete_signal(bound, receiver);
        return;
    }
    if (endpoint_queue_state(ep) == THREAD_BLOCKED_ON_SEND) {
        endpoint_receive_from_sender(ep, receiver, cap);
    } else if (blocking) {
        endpoint_block_receiver(ep, receiver, cap);
    } else {
        receiver->context.regs[CTX_RDI] = 0; /* seL4's doNBRecvFailedTransfer: badge 0 */
    }
}

void endpoint_cancel_ipc(tcb_t *t)
{
    endpoint_t *ep = t->blocking_object;
    tcb_ep_remove(&ep->queue, t);
    t->fault.type = FAULT_NULL;
    thread_set_state(t, THREAD_INACTIVE);
}

/* Takes t off ep's queue and makes it restart its system call or faulting instruction (seL4
 * non-MCS: a thread that was delivering a fault faults again and resends it). A stale fault
 * record is dropped, so a restarted call that now succeeds sends a normal message. */
static void endpoint_restart_waiter(endpoint_t *ep, tcb_t *t)
{
    tcb_ep_remove(&ep->queue, t);
    t->fault.type = FAULT_NULL;
    thread_set_state(t, THREAD_RESTART);
    sched_enqueue(t);
}

void endpoint_cancel_all(endpoint_t *ep)
{
    if (!ep->queue.head) {
        return;
    }
    while (ep->queue.head) {
        endpoint_restart_waiter(ep, ep->queue.head);
    }
    sched_reschedule_required();
}

void endpoint_cancel_badged_sends(endpoint_t *ep, word_t badge)
{
    if (endpoint_queue_state(ep) != THREAD_BLOCKED_ON_SEND) {
        return;
    }
    tcb_t *next;
    for (tcb_t *t = ep->queue.head; t; t = next) {
        next = t->ep_next;
        if (t->blocking_badge == badge) {
            endpoint_restart_waiter(ep, t);
        }
    }
    sched_reschedule_required();
}
