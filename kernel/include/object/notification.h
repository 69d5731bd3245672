/*
 * Notifications: a word of signal bits and a queue of waiting threads. Signalling ORs the
 * badge into the word, or hands it straight to the first waiter. A notification may be bound
 * to one TCB, which then also receives its signals while blocked on an endpoint.
 * States (seL4's): waiting (queue not empty), active (a signal is pending: the word holds the
 * OR of its badges, which may be 0 for unbadged signals), idle.
 */
#pragma once

#include <object/cap.h>
#include <object/tcb.h>

typedef struct notification {
    tcb_queue_t queue;
    word_t word;        /* badges of the signals not yet received */
    word_t bound_state; /* the TCB bound to it (or 0) | NOTIFICATION_ACTIVE */
} notification_t;

#define NOTIFICATION_ACTIVE BIT(0) /* TCBs are 2 KiB aligned: bit 0 of the pointer is free */

/* The TCB bound to n, or NULL. */
static inline tcb_t *notification_bound(const notification_t *n)
{
    return (tcb_t *)(n->bound_state & ~NOTIFICATION_ACTIVE);
}

/* True if a signal is pending (seL4's active state), even one with badge 0. */
static inline bool notification_is_active(const notification_t *n)
{
    return n->bound_state & NOTIFICATION_ACTIVE;
}

_Static_assert(sizeof(notification_t) <= 32, "a notification object is 2^5 bytes");

/* The notification a notification capability names. */
notification_t *notification_from_cap(cap_t c);

/* Signals n with badge (seL4's sendSignal): wakes the first waiter with it, or a bound TCB
 * blocked on an endpoint, or ORs it into the word. */
void notification_signal(notification_t *n, word_t badge);

/* t waits on n (Wait) or polls it (Poll, blocking false): takes the word if signalled,
 * otherwise queues, or gets badge 0 when polling. */
void notification_receive(notification_t *n, tcb_t *t, bool blocking);

/* Takes t (BLOCKED_ON_NOTIFICATION) out of its notification's queue. */
void notification_cancel_signal(tcb_t *t);

/* Every thread waiting on n restarts its system call (the notification is going away). */
void notification_cancel_all(notification_t *n);

/* Binds n to t. Precondition: neither is bound. */
void notification_bind(notification_t *n, tcb_t *t);

/* Unbinds t's notification, if any. */
void notification_unbind_tcb(tcb_t *t);

/* Unbinds n from its TCB, if any. */
void notification_unbind(notification_t *n);

/* Delivers n's pending word to t as a received signal (t receives on an endpoint and its bound
 * notification is active). */
void notification_complete_signal(notification_t *n, tcb_t *t);
