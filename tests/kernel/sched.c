/*
 * SCHED: seL4's (non-MCS) scheduler seen from user level. All 256 priorities are strict; a
 * thread made runnable at a higher priority than the current one runs at once (Resume, Signal,
 * Send, Reply, SetPriority), one at a lower priority only when nothing above it can run;
 * equal priorities share the CPU by the timer tick and by Yield; SetPriority moves queued
 * threads; Suspend and Resume of oneself and of others (Resume restarts a blocked thread's
 * system call); endpoint queues are FIFO whatever the priorities; the MCP limits priorities.
 *
 * Threads record what they see in shared variables; the test thread (priority SC_PRIO) checks
 * what had happened by the time each call returned.
 */
#include "fault_helpers.h"

#define SC_PRIO 100
#define SC_HIGH 101
#define SC_LOW  99

static fh_space_t space = {FH_REGION(1)};

/* A thread's view: what it counts and where it reports. */
typedef struct sc_arg {
    seL4_CPtr ep;    /* what it receives on / calls */
    seL4_CPtr ntfn;  /* what it waits on / signals */
    seL4_CPtr park;  /* where it blocks when done */
    seL4_CPtr tcb;   /* its own TCB (or another's, as the case says) */
    seL4_Word value; /* its tag in logs, or a limit */
    volatile seL4_Word count;
    volatile seL4_Word last; /* the last word it received */
    volatile seL4_Word done; /* set (and ntfn signalled) when it has finished */
} sc_arg_t;

/* The end of a thread's work: mark it done, wake the test (if ntfn is set). */
static void sc_finish(sc_arg_t *a)
{
    a->done = 1;
    if (a->ntfn) {
        seL4_Signal(a->ntfn);
    }
}

/* A log of tags in the order threads ran. */
#define SC_LOG_MAX 512
static volatile seL4_Word sc_log[SC_LOG_MAX];
static volatile seL4_Word sc_log_len;

static void sc_log_add(seL4_Word tag)
{
    seL4_Word i = __atomic_fetch_add(&sc_log_len, 1, __ATOMIC_SEQ_CST);
    if (i < SC_LOG_MAX) {
        sc_log[i] = tag;
    }
}

static void sc_log_reset(void)
{
    sc_log_len = 0;
}

/* ---- Thread bodies -------------------------------------------------------------------------- */

/* Counts once, logs its tag, signals ntfn (if any) and parks. */
static void sc_mark(seL4_Word arg)
{
    sc_arg_t *a = (sc_arg_t *)arg;
    a->count++;
    sc_log_add(a->value);
    sc_finish(a);
    fh_park(a->park);
}

/* Waits on ntfn forever, counting wake-ups and logging its tag. */
static void sc_waiter(seL4_Word arg)
{
    sc_arg_t *a = (sc_arg_t *)arg;
    for (;;) {
        seL4_Word badge = 0;
        seL4_RecvWithMRs(a->ntfn, &badge, NULL, NULL, NULL, NULL);
        a->last = badge;
        a->count++;
        sc_log_add(a->value);
    }
}

/* Receives on ep forever, counting messages, logging its tag, keeping MR0 in last. */
static void sc_receiver(seL4_Word arg)
{
    sc_arg_t *a = (sc_arg_t *)arg;
    for (;;) {
        seL4_Word m0 = 0;
        seL4_RecvWithMRs(a->ep, NULL, &m0, NULL, NULL, NULL);
        a->last = m0;
        a->count++;
        sc_log_add(a->value);
    }
}

/* Calls ep forever with MR0 = value, counting replies, keeping the reply's MR0 in last. */
static void sc_caller(seL4_Word arg)
{
    sc_arg_t *a = (sc_arg_t *)arg;
    for (;;) {
        seL4_Word m0 = a->value;
        seL4_CallWithMRs(a->ep, seL4_MessageInfo_new(0, 0, 0, 1), &m0, NULL, NULL, NULL);
        a->last = m0;
        a->count++;
        sc_log_add(a->value);
    }
}

/* Logs its tag and yields, value times; then signals ntfn and parks. */
static void sc_yielder(seL4_Word arg)
{
    sc_arg_t *a = (sc_arg_t *)arg;
    for (seL4_Word i = 0; i < a->value; i++) {
        sc_log_add(a->tcb); /* the tag: which thread */
        seL4_Yield();
    }
    sc_finish(a);
    fh_park(a->park);
}

/* Spins counting until value says stop (never entering the kernel), then signals and parks. */
static volatile seL4_Word sc_stop;

static void sc_spinner(seL4_Word arg)
{
    sc_arg_t *a = (sc_arg_t *)arg;
    while (!sc_stop) {
        a->count++;
    }
    sc_finish(a);
    fh_park(a->park);
}

/* Counts, suspends itself (its own TCB in a->tcb) with the syscall at sc_suspend_insn, counts
 * again, parks. */
extern char sc_suspend_insn[], sc_suspend_after[];

static void sc_self_suspend(seL4_Word arg)
{
    sc_arg_t *a = (sc_arg_t *)arg;
    a->count++;
    register seL4_Word rdi __asm__("rdi") = a->tcb;
    register seL4_Word rsi __asm__("rsi") = seL4_MessageInfo_new(TCBSuspend, 0, 0, 0).words[0];
    register seL4_Word rdx __asm__("rdx") = (seL4_Word)seL4_SysCall;
    __asm__ volatile("movq %%rsp, %%rbx\n"
                     ".globl sc_suspend_insn, sc_suspend_after\n"
                     "sc_suspend_insn:\n"
                     "syscall\n"
                     "sc_suspend_after:\n"
                     "movq %%rbx, %%rsp\n"
                     : "+r"(rdi), "+r"(rsi), "+r"(rdx)
                     :
                     : "rbx", "rcx", "r11", "r8", "r9", "r10", "r15", "memory", "cc");
    a->count++;
    fh_park(a->park);
}

/* ---- Helpers -------------------------------------------------------------------------------- */

typedef struct sc_case {
    seL4_CPtr ep, ntfn, park, fault;
} sc_case_t;

/* The test thread at SC_PRIO, an endpoint, a notification, a park notification and a fault
 * endpoint for the threads (none of them should fault: a fault blocks the thread there). */
static sc_case_t sc_begin(void)
{
    fh_set_own_prio(SC_PRIO);
    sc_log_reset();
    sc_case_t c;
    c.ep = test_object(seL4_EndpointObject, 0);
    c.ntfn = test_object(seL4_NotificationObject, 0);
    c.park = test_object(seL4_NotificationObject, 0);
    c.fault = fh_fault_ep_new(0x5c).badged;
    return c;
}

static sc_arg_t sc_arg(const sc_case_t *c, seL4_Word value)
{
    sc_arg_t a = {c->ep, c->ntfn, c->park, 0, value, 0, 0, 0};
    return a;
}

/* A thread at prio running fn(a), started with WriteRegisters (resume) unless start is 0. */
static fh_thread_t sc_thread(const sc_case_t *c, seL4_Word prio, void (*fn)(seL4_Word), sc_arg_t *a,
                             bool start)
{
    fh_thread_t t = {0};
    if (fh_thread_new(&t, &space, c->fault, prio, true)) {
        seL4_UserContext r = {0};
        r.rip = (seL4_Word)fn;
        r.rsp = t.stack_top - 8;
        r.rflags = FH_RFLAGS;
        r.rdi = (seL4_Word)a;
        CHECK_EQ(seL4_TCB_WriteRegisters(t.tcb, start, 0, 9, &r), seL4_NoError);
    }
    return t;
}

/* Blocks (on the case's notification) until the thread of a has finished. */
static void sc_wait_done(const sc_case_t *c, const sc_arg_t *a)
{
    while (!a->done) {
        seL4_RecvWithMRs(c->ntfn, NULL, NULL, NULL, NULL, NULL);
    }
}

/* ---- Priorities ----------------------------------------------------------------------------- */

#define SC_STACK_BYTES 1024 /* its TLS area (sel4ish_tls_size()) at the top */

static void sc_every_priority(void)
{
    /* Threads at every priority the test may give (0 .. its MCP, 255 under the harness), made
     * while the test runs at the top: they run strictly from the highest to the lowest. */
    seL4_Word mcp = fh_own_mcp();
    seL4_Word n = mcp + 1;
    CHECK_EQ(mcp, seL4_MaxPrio);
    sc_case_t c = sc_begin();
    fh_set_own_prio(mcp);
    seL4_Word stacks = fh_map_pages(&space, (n * SC_STACK_BYTES + FH_PAGE - 1) / FH_PAGE);
    static fh_thread_t t[seL4_MaxPrio + 1];
    static sc_arg_t a[seL4_MaxPrio + 1];
    unsigned made = 0;
    sc_arg_t *last = NULL;
    for (seL4_Word i = 0; i < n && stacks; i++) {
        /* Made in a scrambled order (37 is prime to 256). */
        seL4_Word p = n == seL4_MaxPrio + 1 ? (i * 37 + 11) % n : i;
        a[i] = sc_arg(&c, p);
        a[i].ntfn = p == 0 ? c.ntfn : 0; /* the last to run wakes the test */
        if (p == 0) {
            last = &a[i];
        }
        made +=
            fh_thread_setup(&t[i], &space, stacks + (i + 1) * SC_STACK_BYTES, c.fault, p, false) &&
            fh_thread_start(&t[i], sc_mark, (seL4_Word)&a[i]);
    }
    CHECK_EQ(made, n);
    CHECK_EQ(sc_log_len, 0); /* nothing ran while the test held the top priority */
    if (made == n && last) {
        sc_wait_done(&c, last);
        CHECK_EQ(sc_log_len, n);
        unsigned wrong = 0;
        for (seL4_Word k = 0; k < n; k++) {
            if (sc_log[k] != mcp - k) {
                if (!wrong++) {
                    CHECK_EQ(k, ~0ul); /* the first position out of order */
                    CHECK_EQ(sc_log[k], mcp - k);
                }
            }
        }
        CHECK_EQ(wrong, 0);
    }
    for (seL4_Word i = 0; i < n; i++) {
        fh_thread_destroy(&t[i]);
    }
    fh_set_own_prio(SC_PRIO);
}
DEFINE_TEST(SCHED0010, "threads at each of the 256 priorities run strictly highest first",
            sc_every_priority);

static void sc_preempt_on_resume(void)
{
    sc_case_t c = sc_begin();
    static sc_arg_t hi, eq, lo, hi2;
    hi = sc_arg(&c, 1);
    eq = sc_arg(&c, 2);
    lo = sc_arg(&c, 3);
    hi2 = sc_arg(&c, 4);
    eq.ntfn = lo.ntfn = hi.ntfn = hi2.ntfn = 0;
    /* WriteRegisters with resume, then TCB_Resume: a higher thread runs before either
     * returns. */
    fh_thread_t th = sc_thread(&c, SC_HIGH, sc_mark, &hi, true);
    CHECK_EQ(hi.count, 1);
    fh_thread_t th2 = sc_thread(&c, 255, sc_mark, &hi2, false);
    CHECK_EQ(hi2.count, 0);
    CHECK_EQ(seL4_TCB_Resume(th2.tcb), seL4_NoError);
    CHECK_EQ(hi2.count, 1);
    /* Equal and lower: not yet. */
    fh_thread_t te = sc_thread(&c, SC_PRIO, sc_mark, &eq, false);
    fh_thread_t tl = sc_thread(&c, SC_LOW, sc_mark, &lo, false);
    CHECK_EQ(seL4_TCB_Resume(tl.tcb), seL4_NoError);
    CHECK_EQ(seL4_TCB_Resume(te.tcb), seL4_NoError);
    CHECK_EQ(eq.count, 0);
    CHECK_EQ(lo.count, 0);
    /* Yield gives the CPU to the equal one only. */
    seL4_Yield();
    CHECK_EQ(eq.count, 1);
    CHECK_EQ(lo.count, 0);
    /* Blocking lets the lower one run; it wakes the test. */
    lo.ntfn = c.ntfn;
    sc_wait_done(&c, &lo);
    CHECK_EQ(lo.count, 1);
    fh_thread_destroy(&th);
    fh_thread_destroy(&th2);
    fh_thread_destroy(&te);
    fh_thread_destroy(&tl);
}
DEFINE_TEST(SCHED0011, "Resume: a higher thread runs before the call returns; equal and lower wait",
            sc_preempt_on_resume);

static void sc_preempt_on_ipc(void)
{
    sc_case_t c = sc_begin();
    static sc_arg_t w, r, k, lr;
    seL4_CPtr n = test_object(seL4_NotificationObject, 0);
    w = sc_arg(&c, 1);
    w.ntfn = n;
    r = sc_arg(&c, 2);
    k = sc_arg(&c, 3);
    k.ep = test_object(seL4_EndpointObject, 0);
    lr = sc_arg(&c, 4);
    lr.ep = test_object(seL4_EndpointObject, 0);
    fh_thread_t tw = sc_thread(&c, SC_HIGH, sc_waiter, &w, true);
    fh_thread_t tr = sc_thread(&c, SC_HIGH, sc_receiver, &r, true);
    fh_thread_t tk = sc_thread(&c, SC_HIGH, sc_caller, &k, true);
    fh_thread_t tl = sc_thread(&c, SC_LOW, sc_receiver, &lr, true);
    CHECK_EQ(w.count + r.count + k.count + lr.count, 0); /* all blocked or not yet run */
    /* Signal: the waiter runs before Signal returns, each time. */
    seL4_Signal(n);
    CHECK_EQ(w.count, 1);
    seL4_Signal(n);
    CHECK_EQ(w.count, 2);
    /* Send to a higher receiver: it runs at once. */
    fh_send1(c.ep, 0x111);
    CHECK_EQ(r.count, 1);
    CHECK_EQ(r.last, 0x111);
    /* Reply to a higher caller: it runs at once (and calls again). */
    seL4_Word m0 = 0;
    seL4_RecvWithMRs(k.ep, NULL, &m0, NULL, NULL, NULL);
    CHECK_EQ(m0, 3);
    m0 = 0x333;
    seL4_ReplyWithMRs(seL4_MessageInfo_new(0, 0, 0, 1), &m0, NULL, NULL, NULL);
    CHECK_EQ(k.count, 1);
    CHECK_EQ(k.last, 0x333);
    /* Send to a lower receiver: only once the test blocks. */
    fh_send1(lr.ep, 0x444);
    CHECK_EQ(lr.count, 0);
    seL4_Word st = 0;
    while (lr.count == 0 && st++ < 10) {
        fh_set_own_prio(SC_LOW - 1);
        fh_set_own_prio(SC_PRIO);
    }
    CHECK_EQ(lr.count, 1);
    CHECK_EQ(lr.last, 0x444);
    fh_thread_destroy(&tw);
    fh_thread_destroy(&tr);
    fh_thread_destroy(&tk);
    fh_thread_destroy(&tl);
}
DEFINE_TEST(SCHED0012,
            "Signal, Send and Reply switch to a higher woken thread at once, not to a lower one",
            sc_preempt_on_ipc);

static void sc_preempt_on_set_priority(void)
{
    sc_case_t c = sc_begin();
    static sc_arg_t l, m, b;
    l = sc_arg(&c, 1);
    m = sc_arg(&c, 2);
    b = sc_arg(&c, 3);
    l.ntfn = m.ntfn = 0;
    /* A ready lower thread raised above the test runs before SetPriority returns. */
    fh_thread_t tl = sc_thread(&c, SC_LOW, sc_mark, &l, true);
    CHECK_EQ(l.count, 0);
    CHECK_EQ(seL4_TCB_SetPriority(tl.tcb, FH_SELF, SC_HIGH), seL4_NoError);
    CHECK_EQ(l.count, 1);
    /* The test lowering itself below a ready thread lets it run at once. */
    fh_thread_t tm = sc_thread(&c, 95, sc_mark, &m, true);
    CHECK_EQ(m.count, 0);
    fh_set_own_prio(96);
    CHECK_EQ(m.count, 0);
    fh_set_own_prio(94);
    CHECK_EQ(m.count, 1);
    fh_set_own_prio(SC_PRIO);
    /* A blocked thread's priority counts when it is woken: lowered while blocked, a Send does
     * not switch to it; raised while ready, it runs at once. */
    b.ep = test_object(seL4_EndpointObject, 0);
    fh_thread_t tb = sc_thread(&c, SC_HIGH, sc_receiver, &b, true);
    CHECK_EQ(seL4_TCB_SetPriority(tb.tcb, FH_SELF, SC_LOW), seL4_NoError);
    fh_send1(b.ep, 0x55);
    CHECK_EQ(b.count, 0);
    CHECK_EQ(seL4_TCB_SetPriority(tb.tcb, FH_SELF, SC_HIGH), seL4_NoError);
    CHECK_EQ(b.count, 1);
    CHECK_EQ(b.last, 0x55);
    fh_thread_destroy(&tl);
    fh_thread_destroy(&tm);
    fh_thread_destroy(&tb);
}
DEFINE_TEST(SCHED0013,
            "SetPriority: raising a ready thread above the caller, or lowering oneself, switches",
            sc_preempt_on_set_priority);

static void sc_set_priority_queued(void)
{
    /* Four ready threads below the test (98 .. 95, made in that order); two are moved while
     * queued: A 98 -> 94 and D 95 -> 99. They run D, B, C, A. */
    sc_case_t c = sc_begin();
    static sc_arg_t a[4];
    fh_thread_t t[4];
    const seL4_Word prio[4] = {98, 97, 96, 95};
    for (unsigned i = 0; i < 4; i++) {
        a[i] = sc_arg(&c, 'A' + i);
        a[i].ntfn = 0;
        t[i] = sc_thread(&c, prio[i], sc_mark, &a[i], true);
    }
    a[0].ntfn = c.ntfn; /* A runs last and wakes the test */
    CHECK_EQ(seL4_TCB_SetPriority(t[0].tcb, FH_SELF, 94), seL4_NoError);
    CHECK_EQ(seL4_TCB_SetPriority(t[3].tcb, FH_SELF, 99), seL4_NoError);
    CHECK_EQ(sc_log_len, 0);
    sc_wait_done(&c, &a[0]);
    CHECK_EQ(sc_log_len, 4);
    CHECK_EQ(sc_log[0], 'D');
    CHECK_EQ(sc_log[1], 'B');
    CHECK_EQ(sc_log[2], 'C');
    CHECK_EQ(sc_log[3], 'A');
    for (unsigned i = 0; i < 4; i++) {
        fh_thread_destroy(&t[i]);
    }
}
DEFINE_TEST(SCHED0014, "SetPriority of queued threads moves them to their new priority's queue",
            sc_set_priority_queued);

/* ---- Equal priorities ----------------------------------------------------------------------- */

#define SC_SPIN_LIMIT (1ul << 31)

static void sc_round_robin_with_test(void)
{
    /* Two spinners at the test's own priority, and the test spinning too: the tick must take
     * the CPU from each of the three in turn (nobody yields or blocks). */
    sc_case_t c = sc_begin();
    static sc_arg_t s[2];
    fh_thread_t t[2];
    sc_stop = 0;
    for (unsigned i = 0; i < 2; i++) {
        s[i] = sc_arg(&c, i);
        t[i] = sc_thread(&c, SC_PRIO, sc_spinner, &s[i], true);
    }
    CHECK_EQ(s[0].count + s[1].count, 0);
    seL4_Word i = 0;
    seL4_Word seen0 = 0, seen1 = 0, changes = 0;
    for (; i < SC_SPIN_LIMIT && changes < 6; i++) {
        seL4_Word c0 = s[0].count, c1 = s[1].count;
        if (c0 != seen0 || c1 != seen1) {
            changes++; /* they ran while this thread was off the CPU */
            seen0 = c0;
            seen1 = c1;
        }
    }
    CHECK(i < SC_SPIN_LIMIT);
    CHECK(s[0].count > 0);
    CHECK(s[1].count > 0);
    sc_stop = 1;
    sc_wait_done(&c, &s[0]);
    sc_wait_done(&c, &s[1]);
    for (unsigned k = 0; k < 2; k++) {
        fh_thread_destroy(&t[k]);
    }
}
DEFINE_TEST(SCHED0015,
            "the timer tick round-robins the test thread and two spinners of its priority",
            sc_round_robin_with_test);

#define SC_YIELDS 40

static void sc_yield_alternates(void)
{
    sc_case_t c = sc_begin();
    static sc_arg_t y[2];
    fh_thread_t t[2];
    for (unsigned i = 0; i < 2; i++) {
        y[i] = sc_arg(&c, SC_YIELDS);
        y[i].tcb = 'X' + i;
        t[i] = sc_thread(&c, SC_LOW, sc_yielder, &y[i], true);
    }
    sc_wait_done(&c, &y[0]);
    sc_wait_done(&c, &y[1]);
    CHECK_EQ(sc_log_len, 2 * SC_YIELDS);
    /* Strict alternation but for at most a couple of places where a tick fell between a
     * thread's log entry and its Yield. */
    unsigned repeats = 0, xs = 0;
    for (unsigned i = 0; i < sc_log_len; i++) {
        xs += sc_log[i] == 'X';
        repeats += i > 0 && sc_log[i] == sc_log[i - 1];
    }
    CHECK_EQ(xs, SC_YIELDS);
    CHECK(repeats <= 2);
    /* Yield never gives the CPU to a lower priority. */
    static sc_arg_t lo;
    lo = sc_arg(&c, 1);
    lo.ntfn = 0;
    fh_thread_t tl = sc_thread(&c, SC_LOW, sc_mark, &lo, true);
    for (unsigned i = 0; i < 20; i++) {
        seL4_Yield();
    }
    CHECK_EQ(lo.count, 0);
    for (unsigned k = 0; k < 2; k++) {
        fh_thread_destroy(&t[k]);
    }
    fh_thread_destroy(&tl);
}
DEFINE_TEST(SCHED0016,
            "Yield alternates threads of one priority; it never runs a lower-priority thread",
            sc_yield_alternates);

/* ---- Suspend and Resume --------------------------------------------------------------------- */

static void sc_suspend_resume(void)
{
    sc_case_t c = sc_begin();
    /* A thread that suspends itself stops there. */
    static sc_arg_t s;
    s = sc_arg(&c, 1);
    fh_thread_t ts = sc_thread(&c, SC_HIGH, sc_self_suspend, &s, false);
    s.tcb = ts.tcb;
    CHECK_EQ(seL4_TCB_Resume(ts.tcb), seL4_NoError);
    CHECK_EQ(s.count, 1);
    fh_set_own_prio(1);
    fh_set_own_prio(SC_PRIO);
    CHECK_EQ(s.count, 1);
    /* Suspend of a spinner of the test's priority stops it; Resume continues it. */
    static sc_arg_t sp;
    sp = sc_arg(&c, 2);
    sc_stop = 0;
    fh_thread_t tp = sc_thread(&c, SC_PRIO, sc_spinner, &sp, true);
    while (sp.count == 0) {
        seL4_Yield();
    }
    CHECK_EQ(seL4_TCB_Suspend(tp.tcb), seL4_NoError);
    CHECK_EQ(seL4_TCB_Suspend(tp.tcb), seL4_NoError); /* twice: no change */
    seL4_Word before = sp.count;
    for (unsigned i = 0; i < 10; i++) {
        seL4_Yield();
        fh_set_own_prio(1);
        fh_set_own_prio(SC_PRIO);
    }
    CHECK_EQ(sp.count, before);
    CHECK_EQ(seL4_TCB_Resume(tp.tcb), seL4_NoError);
    seL4_Word spins = 0;
    while (sp.count == before && spins++ < 1000) {
        seL4_Yield();
    }
    CHECK(sp.count > before);
    /* Resume of a running (ready) thread changes nothing. */
    CHECK_EQ(seL4_TCB_Resume(tp.tcb), seL4_NoError);
    sc_stop = 1;
    sc_wait_done(&c, &sp);
    /* Suspend of a higher thread blocked on a notification: a signal no longer wakes it (the
     * notification keeps it); after Resume it waits again and takes the signal. */
    static sc_arg_t w;
    w = sc_arg(&c, 3);
    w.ntfn = test_object(seL4_NotificationObject, 0);
    seL4_CPtr wb = fh_mint(w.ntfn, seL4_AllRights, 0x8);
    fh_thread_t tw = sc_thread(&c, SC_HIGH, sc_waiter, &w, true);
    CHECK_EQ(seL4_TCB_Suspend(tw.tcb), seL4_NoError);
    seL4_Signal(wb);
    CHECK_EQ(w.count, 0);
    CHECK_EQ(seL4_TCB_Resume(tw.tcb), seL4_NoError);
    CHECK_EQ(w.count, 1);
    CHECK_EQ(w.last, 0x8);
    fh_thread_destroy(&ts);
    fh_thread_destroy(&tp);
    fh_thread_destroy(&tw);
}
DEFINE_TEST(
    SCHED0017,
    "Suspend and Resume: suspended threads (self, running, blocked) never run until resumed",
    sc_suspend_resume);

static void sc_self_suspend_restart(void)
{
    /* seL4 (non-MCS): a thread that suspends itself is left in the Restart state its
     * invocation started with, so its restart address stays the syscall instruction
     * (ReadRegisters shows it) and a plain Resume makes it suspend itself again (seL4 issue
     * #870); moving its rip past the syscall continues it. */
    sc_case_t c = sc_begin();
    static sc_arg_t s;
    s = sc_arg(&c, 1);
    fh_thread_t ts = sc_thread(&c, SC_HIGH, sc_self_suspend, &s, false);
    s.tcb = ts.tcb;
    CHECK_EQ(seL4_TCB_Resume(ts.tcb), seL4_NoError);
    CHECK_EQ(s.count, 1);
    seL4_UserContext r = {0};
    CHECK_EQ(seL4_TCB_ReadRegisters(ts.tcb, 0, 0, 1, &r), seL4_NoError);
    CHECK_EQ(r.rip, (seL4_Word)sc_suspend_insn);
    CHECK_EQ(seL4_TCB_Resume(ts.tcb), seL4_NoError);
    CHECK_EQ(s.count, 1);
    /* Continue it explicitly after the syscall (all registers as they are, rip moved). */
    seL4_UserContext all;
    CHECK_EQ(seL4_TCB_ReadRegisters(ts.tcb, 0, 0, 20, &all), seL4_NoError);
    all.rip = (seL4_Word)sc_suspend_after;
    CHECK_EQ(seL4_TCB_WriteRegisters(ts.tcb, 1, 0, 20, &all), seL4_NoError);
    CHECK_EQ(s.count, 2);
    fh_thread_destroy(&ts);
}
DEFINE_TEST(SCHED0022, "a thread that suspended itself restarts its Suspend when resumed (as seL4)",
            sc_self_suspend_restart);

static void sc_resume_blocked(void)
{
    /* Resume of a thread blocked in IPC restarts its system call (seL4's restart of a
     * "stopped" thread: cancel the IPC, Restart state): a receiver goes to the back of the
     * endpoint queue; a caller waiting for its reply sends its request again. */
    sc_case_t c = sc_begin();
    static sc_arg_t r1, r2, k;
    r1 = sc_arg(&c, '1');
    r2 = sc_arg(&c, '2');
    fh_thread_t t1 = sc_thread(&c, SC_HIGH, sc_receiver, &r1, true);
    fh_thread_t t2 = sc_thread(&c, SC_HIGH, sc_receiver, &r2, true);
    CHECK_EQ(seL4_TCB_Resume(t1.tcb), seL4_NoError); /* queue was 1, 2: now 2, 1 */
    fh_send1(c.ep, 0xa);
    CHECK_EQ(r2.count, 1);
    CHECK_EQ(r1.count, 0);
    fh_send1(c.ep, 0xb);
    CHECK_EQ(r1.count, 1);
    CHECK_EQ(r1.last, 0xb);
    k = sc_arg(&c, 0x77);
    k.ep = test_object(seL4_EndpointObject, 0);
    fh_thread_t tk = sc_thread(&c, SC_HIGH, sc_caller, &k, true);
    seL4_Word m0 = 0, badge = 0;
    seL4_RecvWithMRs(k.ep, NULL, &m0, NULL, NULL, NULL);
    CHECK_EQ(m0, 0x77);
    CHECK_EQ(seL4_TCB_Resume(tk.tcb), seL4_NoError); /* it calls again at once */
    CHECK_EQ(k.count, 0);
    m0 = 0;
    seL4_NBRecvWithMRs(k.ep, &badge, &m0, NULL, NULL, NULL);
    CHECK_EQ(m0, 0x77);
    m0 = 0x99;
    seL4_ReplyWithMRs(seL4_MessageInfo_new(0, 0, 0, 1), &m0, NULL, NULL, NULL);
    CHECK_EQ(k.count, 1);
    CHECK_EQ(k.last, 0x99);
    fh_thread_destroy(&t1);
    fh_thread_destroy(&t2);
    fh_thread_destroy(&tk);
}
DEFINE_TEST(SCHED0018, "Resume of a thread blocked in Recv or on a reply restarts its system call",
            sc_resume_blocked);

/* ---- IPC and priorities --------------------------------------------------------------------- */

static void sc_endpoint_fifo(void)
{
    /* Endpoint queues are first come, first served whatever the priorities. */
    sc_case_t c = sc_begin();
    static sc_arg_t lo, hi;
    lo = sc_arg(&c, 'L');
    hi = sc_arg(&c, 'H');
    /* The low one blocks first (started high, then lowered while blocked). */
    fh_thread_t tl = sc_thread(&c, SC_HIGH, sc_receiver, &lo, true);
    CHECK_EQ(seL4_TCB_SetPriority(tl.tcb, FH_SELF, SC_LOW), seL4_NoError);
    fh_thread_t th = sc_thread(&c, SC_HIGH + 1, sc_receiver, &hi, true);
    fh_send1(c.ep, 1);
    CHECK_EQ(hi.count, 0); /* the message went to the first in the queue */
    CHECK_EQ(lo.count, 0); /* which is lower: it has not run yet */
    fh_send1(c.ep, 2);
    CHECK_EQ(hi.count, 1);
    CHECK_EQ(hi.last, 2);
    fh_set_own_prio(SC_LOW - 1);
    fh_set_own_prio(SC_PRIO);
    CHECK_EQ(lo.count, 1);
    CHECK_EQ(lo.last, 1);
    /* Senders too: a low caller queued before a high one is received first. */
    static sc_arg_t kl, kh;
    kl = sc_arg(&c, 0x10);
    kh = sc_arg(&c, 0x20);
    kl.ep = kh.ep = test_object(seL4_EndpointObject, 0);
    fh_thread_t tkl = sc_thread(&c, SC_HIGH, sc_caller, &kl, true);
    CHECK_EQ(seL4_TCB_SetPriority(tkl.tcb, FH_SELF, SC_LOW), seL4_NoError);
    fh_thread_t tkh = sc_thread(&c, SC_HIGH, sc_caller, &kh, true);
    seL4_Word m0 = 0;
    seL4_RecvWithMRs(kl.ep, NULL, &m0, NULL, NULL, NULL);
    CHECK_EQ(m0, 0x10);
    seL4_ReplyWithMRs(seL4_MessageInfo_new(0, 0, 0, 1), &m0, NULL, NULL, NULL);
    seL4_RecvWithMRs(kl.ep, NULL, &m0, NULL, NULL, NULL);
    CHECK_EQ(m0, 0x20);
    seL4_ReplyWithMRs(seL4_MessageInfo_new(0, 0, 0, 1), &m0, NULL, NULL, NULL);
    CHECK_EQ(kh.count, 1); /* high: ran on the reply at once */
    fh_thread_destroy(&tl);
    fh_thread_destroy(&th);
    fh_thread_destroy(&tkl);
    fh_thread_destroy(&tkh);
}
DEFINE_TEST(SCHED0019, "endpoint queues are FIFO: the first queued receiver or sender goes first",
            sc_endpoint_fifo);

/* ---- Maximum controlled priority ------------------------------------------------------------ */

/* A thread with its own MCP tries to raise itself (authority: itself) to value: reports the
 * error label, MR0 and MR1 on ep. */
static void sc_raise_self(seL4_Word arg)
{
    sc_arg_t *a = (sc_arg_t *)arg;
    seL4_IPCBuffer *b = (seL4_IPCBuffer *)a->last; /* its own IPC buffer */
    b->caps_or_badges[0] = a->tcb;
    seL4_Word m0 = a->value, m1 = 0;
    seL4_MessageInfo_t info = seL4_CallWithMRs(
        a->tcb, seL4_MessageInfo_new(TCBSetPriority, 0, 1, 1), &m0, &m1, NULL, NULL);
    seL4_Word label = seL4_MessageInfo_get_label(info);
    seL4_SendWithMRs(a->ep, seL4_MessageInfo_new(0, 0, 0, 3), &label, &m0, &m1, NULL);
    fh_park(a->park);
}

static void sc_check_range(seL4_Error err, seL4_Word max)
{
    CHECK_EQ(err, seL4_RangeError);
    CHECK_EQ(seL4_GetMR(0), 0);
    CHECK_EQ(seL4_GetMR(1), max);
}

static void sc_mcp(void)
{
    sc_case_t c = sc_begin();
    seL4_Word mcp = fh_own_mcp();
    seL4_CPtr target = test_object(seL4_TCBObject, 0);
    seL4_CPtr auth = test_object(seL4_TCBObject, 0);
    /* Above the test's own MCP. */
    sc_check_range(seL4_TCB_SetPriority(target, FH_SELF, mcp + 1), mcp);
    sc_check_range(seL4_TCB_SetMCPriority(target, FH_SELF, mcp + 1), mcp);
    /* An authority with MCP 50 (and priority 0: only the MCP counts). */
    CHECK_EQ(seL4_TCB_SetMCPriority(auth, FH_SELF, 50), seL4_NoError);
    sc_check_range(seL4_TCB_SetPriority(target, auth, 51), 50);
    sc_check_range(seL4_TCB_SetMCPriority(target, auth, 51), 50);
    sc_check_range(seL4_TCB_SetSchedParams(target, auth, 51, 10), 50);
    sc_check_range(seL4_TCB_SetSchedParams(target, auth, 10, 51), 50);
    CHECK_EQ(seL4_TCB_SetPriority(target, auth, 50), seL4_NoError);
    CHECK_EQ(seL4_TCB_SetMCPriority(target, auth, 50), seL4_NoError);
    CHECK_EQ(seL4_TCB_SetSchedParams(target, auth, 50, 0), seL4_NoError);
    /* MCP 0: only priority 0. */
    CHECK_EQ(seL4_TCB_SetMCPriority(auth, FH_SELF, 0), seL4_NoError);
    sc_check_range(seL4_TCB_SetPriority(target, auth, 1), 0);
    CHECK_EQ(seL4_TCB_SetPriority(target, auth, 0), seL4_NoError);
    /* A running thread with MCP 60 cannot raise itself past 60 (its reply: RangeError 0, 60),
     * but can to 60. */
    static sc_arg_t x;
    for (unsigned round = 0; round < 2; round++) {
        x = sc_arg(&c, round == 0 ? 61 : 60);
        fh_thread_t tx = sc_thread(&c, 40, sc_raise_self, &x, false);
        x.tcb = tx.tcb;
        x.last = tx.ipc;
        CHECK_EQ(seL4_TCB_SetMCPriority(tx.tcb, FH_SELF, 60), seL4_NoError);
        CHECK_EQ(seL4_TCB_Resume(tx.tcb), seL4_NoError);
        seL4_Word w[3] = {~0ul, ~0ul, ~0ul};
        seL4_RecvWithMRs(c.ep, NULL, &w[0], &w[1], &w[2], NULL);
        if (round == 0) {
            CHECK_EQ(w[0], seL4_RangeError);
            CHECK_EQ(w[1], 0);
            CHECK_EQ(w[2], 60);
        } else {
            CHECK_EQ(w[0], seL4_NoError);
        }
        fh_thread_destroy(&tx);
    }
}
DEFINE_TEST(SCHED0020,
            "MCP: a priority above the authority's MCP is RangeError(0, MCP) in MR0 and MR1",
            sc_mcp);

/* ---- Debug ---------------------------------------------------------------------------------- */

static void sc_dump_scheduler(void)
{
    sc_case_t c = sc_begin();
    if (!test_kernel_has_debug_calls()) {
        return; /* a release kernel: no scheduler dump */
    }
    /* Threads in several states, named, then the dump; it returns and they still work. */
    static sc_arg_t w, r;
    w = sc_arg(&c, 1);
    w.ntfn = test_object(seL4_NotificationObject, 0);
    r = sc_arg(&c, 2);
    fh_thread_t tw = sc_thread(&c, SC_HIGH, sc_waiter, &w, true);
    fh_thread_t tr = sc_thread(&c, SC_LOW, sc_receiver, &r, true);
    fh_thread_t ti = sc_thread(&c, 7, sc_receiver, &r, false);
    seL4_DebugNameThread(tw.tcb, "sched-waiter");
    seL4_DebugNameThread(tr.tcb, "sched-receiver-with-a-rather-long-name-that-goes-on-and-on");
    seL4_DebugNameThread(ti.tcb, "");
    seL4_DebugDumpScheduler();
    seL4_Signal(w.ntfn);
    CHECK_EQ(w.count, 1);
    seL4_DebugDumpScheduler();
    fh_thread_destroy(&tw);
    fh_thread_destroy(&tr);
    fh_thread_destroy(&ti);
    seL4_DebugDumpScheduler();
}
DEFINE_TEST(SCHED0021, "DebugDumpScheduler prints named threads in any state and returns",
            sc_dump_scheduler);
