/*
 * Endpoints: synchronous IPC rendezvous. An endpoint is a queue of threads that all wait the
 * same way: senders (BLOCKED_ON_SEND) or receivers (BLOCKED_ON_RECEIVE); an empty queue is
 * seL4's idle state. The queue's direction is the state of its head thread.
 */
#pragma once

#include <object/cap.h>
#include <object/tcb.h>

typedef struct endpoint {
    tcb_queue_t queue;
} endpoint_t;

_Static_assert(sizeof(endpoint_t) <= 16, "an endpoint object is 2^4 bytes");

/* The endpoint an endpoint capability names. */
endpoint_t *endpoint_from_cap(cap_t c);

/*
 * sender sends on ep with the badge and rights of the capability used (seL4's sendIPC). With
 * a receiver waiting the message is transferred at once; otherwise a blocking sender queues
 * and a non-blocking one's message is dropped. A Call (is_call) or a fault leaves the sender
 * waiting for a reply (or INACTIVE if it could not grant one).
 */
void endpoint_send(endpoint_t *ep, tcb_t *sender, word_t badge, bool can_grant,
                   bool can_grant_reply, bool blocking, bool is_call);

/*
 * receiver receives on ep through cap (seL4's receiveIPC): a pending signal of its bound
 * notification comes first; then the first queued sender's message; otherwise a blocking
 * receiver queues and a non-blocking one gets badge 0.
 */
void endpoint_receive(endpoint_t *ep, tcb_t *receiver, cap_t cap, bool blocking);

/* Takes t (BLOCKED_ON_SEND or BLOCKED_ON_RECEIVE) out of its endpoint's queue. */
void endpoint_cancel_ipc(tcb_t *t);

/* Every thread queued on ep restarts its system call (the endpoint is going away). */
void endpoint_cancel_all(endpoint_t *ep);

/* Every sender queued on ep with this badge restarts its system call (CancelBadgedSends). */
void endpoint_cancel_badged_sends(endpoint_t *ep, word_t badge);
