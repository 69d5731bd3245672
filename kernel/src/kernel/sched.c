/*
 * The scheduler (see sched.h): ready queues with a two-level priority bitmap, seL4's scheduler
 * action, round robin on timer ticks, and the debug list of threads.
 */
#include <kernel/printf.h>
#include <kernel/sched.h>

#define L2_WORDS (SCHED_NUM_PRIOS / 64)

/* Scheduler actions besides "switch to this thread". */
#define ACTION_RESUME_CURRENT ((tcb_t *)0)
#define ACTION_CHOOSE_NEW     ((tcb_t *)1)

static tcb_queue_t ready[SCHED_NUM_PRIOS];
static word_t ready_l1;           /* bit i: some priority in [64i, 64i + 63] is ready */
static word_t ready_l2[L2_WORDS]; /* bit p % 64 of word p / 64: priority p is ready */
static tcb_t *action = ACTION_RESUME_CURRENT;
static tcb_t *debug_threads; /* every live TCB, for sched_dump */

tcb_t *ks_cur_thread;
tcb_t ks_idle_thread = {.state = THREAD_IDLE, .name = "idle"};

int sched_highest_ready_prio(void)
{
    if (!ready_l1) {
        return -1;
    }
    int i = 63 - __builtin_clzl(ready_l1);
    return i * 64 + (63 - __builtin_clzl(ready_l2[i]));
}

/* Marks priority p ready in the bitmap. */
static void ready_mark(unsigned p)
{
    ready_l2[p / 64] |= BIT(p % 64);
    ready_l1 |= BIT(p / 64);
}

void sched_enqueue(tcb_t *t)
{
    if (t->sched_queued) {
        return;
    }
    tcb_queue_t *q = &ready[t->priority];
    t->sched_prev = NULL;
    t->sched_next = q->head;
    if (q->head) {
        q->head->sched_prev = t;
    } else {
        q->tail = t;
    }
    q->head = t;
    t->sched_queued = true;
    ready_mark(t->priority);
}

void sched_append(tcb_t *t)
{
    if (t->sched_queued) {
        return;
    }
    tcb_queue_t *q = &ready[t->priority];
    t->sched_next = NULL;
    t->sched_prev = q->tail;
    if (q->tail) {
        q->tail->sched_next = t;
    } else {
        q->head = t;
    }
    q->tail = t;
    t->sched_queued = true;
    ready_mark(t->priority);
}

void sched_dequeue(tcb_t *t)
{
    if (!t->sched_queued) {
        return;
    }
    unsigned p = t->priority;
    tcb_queue_t *q = &ready[p];
    if (t->sched_prev) {
        t->sched_prev->sched_next = t->sched_next;
    } else {
        q->head = t->sched_next;
    }
    if (t->sched_next) {
        t->sched_next->sched_prev = t->sched_prev;
    } else {
        q->tail = t->sched_prev;
    }
    t->sched_next = t->sched_prev = NULL;
    t->sched_queued = false;
    if (!q->head) {
        ready_l2[p / 64] &= ~BIT(p % 64);
        if (!ready_l2[p / 64]) {
            ready_l1 &= ~BIT(p / 64);
        }
    }
}

void sched_reschedule_required(void)
{
    if (action != ACTION_RESUME_CURRENT && action != ACTION_CHOOSE_NEW) {
        sched_enqueue(action);
    }
    action = ACTION_CHOOSE_NEW;
}

void sched_possible_switch_to(tcb_t *t)
{
    if (action != ACTION_RESUME_CURRENT) {
        sched_reschedule_required();
        sched_enqueue(t);
    } else {
        action = t;
    }
}

void thread_set_state(tcb_t *t, thread_state_t s)
{
    t->state = s;
    if (t == ks_cur_thread && action == ACTION_RESUME_CURRENT && !thread_is_runnable(t)) {
        sched_reschedule_required();
    }
}

/* The highest-priority ready thread leaves its queue and becomes current (idle if none). */
static void sched_choose_new(void)
{
    int p = sched_highest_ready_prio();
    if (p < 0) {
        ks_cur_thread = &ks_idle_thread;
        return;
    }
    tcb_t *t = ready[p].head;
    sched_dequeue(t);
    ks_cur_thread = t;
}

/* True if no ready thread has a priority above prio. */
static bool sched_is_highest(unsigned prio)
{
    return sched_highest_ready_prio() <= (int)prio;
}

/*
 * Decides between the current thread and the candidate woken during this kernel entry (seL4's
 * rules): the candidate runs unless a higher-priority thread is ready or it does not outrank a
 * current thread that can still run (then it queues behind those of its priority).
 */
static void sched_switch_or_queue(tcb_t *cand, tcb_t *cur, bool was_runnable)
{
    bool fastfail = cur == &ks_idle_thread || cand->priority < cur->priority;
    if (fastfail && !sched_is_highest(cand->priority)) {
        sched_enqueue(cand);
        sched_choose_new();
    } else if (was_runnable && cand->priority == cur->priority) {
        sched_append(cand);
        sched_choose_new();
    } else {
        sched_dequeue(cand);
        ks_cur_thread = cand;
    }
}

void sched_schedule(void)
{
    tcb_t *cur = ks_cur_thread;
    if (action == ACTION_RESUME_CURRENT && (cur == &ks_idle_thread || thread_is_runnable(cur))) {
        return;
    }
    bool was_runnable = cur != &ks_idle_thread && thread_is_runnable(cur);
    if (was_runnable) {
        sched_enqueue(cur);
    }
    if (action == ACTION_CHOOSE_NEW || action == ACTION_RESUME_CURRENT) {
        sched_choose_new();
    } else {
        sched_switch_or_queue(action, cur, was_runnable);
    }
    action = ACTION_RESUME_CURRENT;
}

void sched_timer_tick(void)
{
    tcb_t *cur = ks_cur_thread;
    if (cur == &ks_idle_thread || cur->state != THREAD_RUNNING) {
        return;
    }
    if (cur->time_slice > 1) {
        cur->time_slice--;
        return;
    }
    cur->time_slice = SCHED_TIME_SLICE;
    sched_append(cur);
    sched_reschedule_required();
}

void sched_yield(void)
{
    tcb_t *cur = ks_cur_thread;
    sched_dequeue(cur);
    sched_append(cur);
    sched_reschedule_required();
}

void thread_set_priority(tcb_t *t, word_t prio)
{
    sched_dequeue(t);
    t->priority = (u8)prio;
    if (!thread_is_runnable(t)) {
        return;
    }
    if (t == ks_cur_thread) {
        sched_reschedule_required();
    } else {
        sched_possible_switch_to(t);
    }
}

void sched_debug_add(tcb_t *t)
{
    t->debug_prev = NULL;
    t->debug_next = debug_threads;
    if (debug_threads) {
        debug_threads->debug_prev = t;
    }
    debug_threads = t;
}

void sched_debug_remove(tcb_t *t)
{
    if (t->debug_prev) {
        t->debug_prev->debug_next = t->debug_next;
    } else if (debug_threads == t) {
        debug_threads = t->debug_next;
    }
    if (t->debug_next) {
        t->debug_next->debug_prev = t->debug_prev;
    }
    t->debug_next = t->debug_prev = NULL;
}

static const char *const state_names[] = {"inactive",
                                          "running",
                                          "restart",
                                          "blocked on receive",
                                          "blocked on send",
                                          "blocked on reply",
                                          "blocked on notification",
                                          "idle"};

void sched_dump(void)
{
    kprintf("Dumping all tcbs!\n");
    kprintf("Name                                    \tState          \tIP                  "
            "\t Prio \t Core\n");
    kprintf("--------------------------------------------------------------------------------"
            "------\n");
    for (tcb_t *t = debug_threads; t; t = t->debug_next) {
        kprintf("%-40s\t%-15s\t0x%016lx\t%5u\t%5u\n", t->name, state_names[t->state],
                thread_restart_ip(t), t->priority, 0u);
    }
}
