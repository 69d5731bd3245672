/*
 * Notifications: a word of signal bits and a queue of waiting threads. Signalling ORs the
 * badge into the word, or hands it straight to the first waiter. A notification may be bound
 * to one TCB, which then also receives its signals while blocked on an endpoint.
 * States (seL4's): waiting (queue not empty, word 0), active (word not 0), idle.
 */
#pragma once

#include <object/cap.h>
#include <object/tcb.h>

typedef struct notification {
    tcb_queue_t queue;
    word_t word;  /* signals not yet received */
    tcb_t *bound; /* the TCB bound to it, or NULL */
} notification_t;

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
