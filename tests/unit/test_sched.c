/*
 * Host tests for kernel/src/kernel/sched.c: the ready queues and priority bitmap against a
 * model under random operations, and seL4's scheduling decisions (direct switch to a woken
 * thread, queueing behind equal priority, round robin on ticks, yield, priority changes).
 */
#include "test.h"

#include <kernel/sched.h>

#define N_THREADS 64

static tcb_t threads[N_THREADS];

/* sched.c's dependencies that live in other kernel files. */
void kputchar(char c)
{
    (void)c;
}
word_t thread_restart_ip(const tcb_t *t)
{
    return t->context.regs[CTX_RIP];
}

/* The model: per-priority arrays of thread indices in queue order. */
static int model[SCHED_NUM_PRIOS][N_THREADS];
static int model_len[SCHED_NUM_PRIOS];

static int model_find(int p, int idx)
{
    for (int i = 0; i < model_len[p]; i++) {
        if (model[p][i] == idx) {
            return i;
        }
    }
    return -1;
}

static void model_remove(int p, int idx)
{
    int i = model_find(p, idx);
    if (i < 0) {
        return;
    }
    memmove(&model[p][i], &model[p][i + 1], sizeof(int) * (size_t)(model_len[p] - i - 1));
    model_len[p]--;
}

/* Compares every ready queue (both directions) and the highest priority with the model. */
static void check_against_model(void)
{
    int highest = -1;
    for (int p = 0; p < SCHED_NUM_PRIOS; p++) {
        if (model_len[p]) {
            highest = p;
        }
    }
    CHECK_EQ(sched_highest_ready_prio(), highest);
    for (int i = 0; i < N_THREADS; i++) {
        tcb_t *t = &threads[i];
        int pos = model_find(t->priority, i);
        CHECK_EQ(t->sched_queued, pos >= 0);
        if (pos < 0) {
            continue;
        }
        int len = model_len[t->priority];
        tcb_t *want_prev = pos > 0 ? &threads[model[t->priority][pos - 1]] : NULL;
        tcb_t *want_next = pos + 1 < len ? &threads[model[t->priority][pos + 1]] : NULL;
        CHECK(t->sched_prev == want_prev);
        CHECK(t->sched_next == want_next);
    }
}

static void reset(void)
{
    memset(threads, 0, sizeof(threads));
    memset(model_len, 0, sizeof(model_len));
}

/* 200 rounds of 300 random enqueue/append/dequeue operations on threads at random
 * priorities (clustered so queues get long and bitmap words share bits). */
static void test_random_queues(void)
{
    test_rng_seed(1234);
    for (int round = 0; round < 200; round++) {
        reset();
        for (int i = 0; i < N_THREADS; i++) {
            threads[i].priority = (u8)(round % 2 ? test_rand_below(256) : 60 + test_rand_below(10));
        }
        for (int op = 0; op < 300; op++) {
            int idx = (int)test_rand_below(N_THREADS);
            tcb_t *t = &threads[idx];
            int p = t->priority;
            bool queued = model_find(p, idx) >= 0;
            switch (test_rand_below(3)) {
            case 0:
                sched_enqueue(t);
                if (!queued) {
                    memmove(&model[p][1], &model[p][0], sizeof(int) * (size_t)model_len[p]);
                    model[p][0] = idx;
                    model_len[p]++;
                }
                break;
            case 1:
                sched_append(t);
                if (!queued) {
                    model[p][model_len[p]++] = idx;
                }
                break;
            default:
                sched_dequeue(t);
                model_remove(p, idx);
                break;
            }
            check_against_model();
        }
        for (int i = 0; i < N_THREADS; i++) {
            sched_dequeue(&threads[i]);
        }
        CHECK_EQ(sched_highest_ready_prio(), -1);
    }
}

/* Makes thread i runnable and ready at priority p. */
static tcb_t *ready_thread(int i, int p)
{
    tcb_t *t = &threads[i];
    t->priority = (u8)p;
    t->state = THREAD_RUNNING;
    t->time_slice = SCHED_TIME_SLICE;
    sched_append(t);
    return t;
}

/* Empties the queues and makes t the running thread with nothing pending. */
static void run_only(tcb_t *t)
{
    for (int i = 0; i < N_THREADS; i++) {
        sched_dequeue(&threads[i]);
    }
    ks_cur_thread = t;
    sched_schedule();
    ks_cur_thread = t;
}

/* seL4's decisions when a thread is woken by the running one. */
static void test_wake_decisions(void)
{
    reset();
    tcb_t *cur = &threads[0];
    cur->priority = 100;
    cur->state = THREAD_RUNNING;
    run_only(cur);

    /* A higher-priority thread woken: it runs at once, the current one heads its queue. */
    tcb_t *hi = &threads[1];
    hi->priority = 150;
    hi->state = THREAD_RUNNING;
    sched_possible_switch_to(hi);
    sched_schedule();
    CHECK(ks_cur_thread == hi);
    CHECK(cur->sched_queued);
    CHECK_EQ(sched_highest_ready_prio(), 100);

    /* A lower-priority thread woken: the current one keeps running, it queues. */
    tcb_t *lo = &threads[2];
    lo->priority = 50;
    lo->state = THREAD_RUNNING;
    sched_possible_switch_to(lo);
    sched_schedule();
    CHECK(ks_cur_thread == hi);
    CHECK(lo->sched_queued);

    /* An equal-priority thread woken by a running thread: it queues behind it. */
    run_only(cur);
    tcb_t *eq = &threads[3];
    eq->priority = 100;
    eq->state = THREAD_RUNNING;
    sched_possible_switch_to(eq);
    sched_schedule();
    CHECK(ks_cur_thread == cur);
    CHECK(eq->sched_queued);

    /* The current thread blocks (a Call) and wakes an equal-priority receiver: direct switch. */
    run_only(cur);
    tcb_t *rcv = &threads[4];
    rcv->priority = 100;
    rcv->state = THREAD_RUNNING;
    sched_possible_switch_to(rcv);
    thread_set_state(cur, THREAD_BLOCKED_ON_REPLY);
    sched_schedule();
    CHECK(ks_cur_thread == rcv);
    CHECK(!cur->sched_queued);
    CHECK(!rcv->sched_queued);

    /* Blocking wakes a low-priority thread while a middle one is ready: the middle one runs. */
    cur->state = THREAD_RUNNING;
    run_only(cur);
    tcb_t *mid = ready_thread(5, 80);
    tcb_t *low = &threads[6];
    low->priority = 10;
    low->state = THREAD_RUNNING;
    sched_possible_switch_to(low);
    thread_set_state(cur, THREAD_BLOCKED_ON_RECEIVE);
    sched_schedule();
    CHECK(ks_cur_thread == mid);
    CHECK(low->sched_queued);

    /* Nothing runnable: the idle thread. */
    run_only(mid);
    thread_set_state(mid, THREAD_INACTIVE);
    sched_dequeue(low);
    sched_schedule();
    CHECK(ks_cur_thread == &ks_idle_thread);
}

/* Round robin: ticks move a thread behind its equals after SCHED_TIME_SLICE; yield at once. */
static void test_round_robin(void)
{
    reset();
    tcb_t *a = &threads[0], *b = ready_thread(1, 7), *c = ready_thread(2, 7);
    a->priority = 7;
    a->state = THREAD_RUNNING;
    a->time_slice = SCHED_TIME_SLICE;
    ks_cur_thread = a;
    sched_schedule();
    CHECK(ks_cur_thread == a);
    for (int i = 0; i < SCHED_TIME_SLICE - 1; i++) {
        sched_timer_tick();
        sched_schedule();
        CHECK(ks_cur_thread == a);
    }
    sched_timer_tick();
    sched_schedule();
    CHECK(ks_cur_thread == b);
    CHECK_EQ(a->time_slice, SCHED_TIME_SLICE);
    /* Queue order now: c, a. Yield moves b behind them. */
    sched_yield();
    sched_schedule();
    CHECK(ks_cur_thread == c);
    sched_yield();
    sched_schedule();
    CHECK(ks_cur_thread == a);
    sched_yield();
    sched_schedule();
    CHECK(ks_cur_thread == b);
    /* Ticks on a thread that is not RUNNING (RESTART) do not count down. */
    b->state = THREAD_RESTART;
    word_t slice = b->time_slice;
    sched_timer_tick();
    CHECK_EQ(b->time_slice, slice);
}

/* Priority changes: raising a queued thread above the current one switches to it; lowering
 * the current one below a ready thread gives up the CPU. */
static void test_set_priority(void)
{
    reset();
    tcb_t *cur = &threads[0], *other = ready_thread(1, 20);
    cur->priority = 50;
    cur->state = THREAD_RUNNING;
    run_only(cur);
    sched_append(other);
    thread_set_priority(other, 60);
    CHECK_EQ(other->priority, 60);
    sched_schedule();
    CHECK(ks_cur_thread == other);
    thread_set_priority(other, 10);
    sched_schedule();
    CHECK(ks_cur_thread == cur);
    /* A blocked thread's priority changes without queueing it. */
    tcb_t *blocked = &threads[2];
    blocked->state = THREAD_BLOCKED_ON_SEND;
    thread_set_priority(blocked, 200);
    CHECK(!blocked->sched_queued);
    sched_schedule();
    CHECK(ks_cur_thread == cur);
}

/* The debug list keeps every added thread once and forgets removed ones. */
static void test_debug_list(void)
{
    reset();
    for (int i = 0; i < 5; i++) {
        sched_debug_add(&threads[i]);
    }
    sched_debug_remove(&threads[2]);
    sched_debug_remove(&threads[4]);
    sched_debug_remove(&threads[0]);
    CHECK(threads[3].debug_next == &threads[1]);
    CHECK(threads[1].debug_prev == &threads[3]);
    CHECK(threads[1].debug_next == NULL);
    sched_dump();
    sched_debug_remove(&threads[3]);
    sched_debug_remove(&threads[1]);
}

int main(void)
{
    RUN_TEST(test_random_queues);
    RUN_TEST(test_wake_decisions);
    RUN_TEST(test_round_robin);
    RUN_TEST(test_set_priority);
    RUN_TEST(test_debug_list);
    return test_summary("unit.sched");
}
