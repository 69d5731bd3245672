/*
 * The scheduler: 256 priorities, a FIFO ready queue per priority with a two-level bitmap to
 * find the highest, round robin within a priority driven by the timer tick, and seL4's
 * scheduler action (resume the current thread, switch to a given one, or choose anew).
 *
 * Invariant (as seL4): the current thread is not in a ready queue while it runs; schedule()
 * puts it back (at the head of its queue) when another thread takes the CPU.
 */
#pragma once

#include <object/tcb.h>

#define SCHED_NUM_PRIOS  256
#define SCHED_MAX_PRIO   255
#define SCHED_TIME_SLICE 5 /* ticks a thread runs before others of its priority get a turn */

/* Puts t at the head / tail of its priority's ready queue (nothing if already queued). */
void sched_enqueue(tcb_t *t);
void sched_append(tcb_t *t);

/* Takes t off its ready queue (nothing if not queued). */
void sched_dequeue(tcb_t *t);

/* The current thread can no longer keep the CPU: choose anew at kernel exit. */
void sched_reschedule_required(void);

/* t became runnable: run it at kernel exit if it should preempt the current thread, or queue
 * it (seL4's possibleSwitchTo). */
void sched_possible_switch_to(tcb_t *t);

/* Picks the thread to run at kernel exit into ks_cur_thread (seL4's schedule()). */
void sched_schedule(void);

/* One timer tick: the current thread's time slice runs down; at 0 it goes to the back of its
 * queue and another thread of the same priority gets the CPU. */
void sched_timer_tick(void);

/* The current thread yields: to the back of its queue. */
void sched_yield(void);

/* The highest priority with a ready thread, or -1 if none. */
int sched_highest_ready_prio(void);

/* Prints every thread known to the scheduler (DebugDumpScheduler). */
void sched_dump(void);

/* Remembers t for sched_dump (every TCB ever made runnable); forgets it when finalised. */
void sched_debug_add(tcb_t *t);
void sched_debug_remove(tcb_t *t);
