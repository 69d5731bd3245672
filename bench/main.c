/*
 * The benchmark root task (the driver): measures the kernel's costs the way sel4bench does and
 * prints them as BENCH lines (output.h) for tools/bench.py. One-way IPC between two threads of
 * this address space and between two processes (<sel4ish/thread.h>, <sel4ish/process.h>), at
 * equal and at different priorities, on the fastpath (length 0) and the slowpath (length 10, a
 * capability); Send; notification signal to wait; Yield; a fault and its handler's reply; and
 * Untyped_Retype and CNode_Revoke of single objects and of 64 at once.
 *
 * The driver runs at priority 255 and only waits while workers (at 99-101) run, so no other
 * thread is ever ready beside them; it first measures the overheads by running each measured
 * loop itself with the system call replaced by a no-op. Figures are printed only at the end.
 */
#include <sel4ish/alloc.h>
#include <sel4ish/process.h>
#include <sel4ish/thread.h>
#include <sel4ish/vspace.h>

#include "bench.h"
#include "output.h"

#define ROOT       seL4_CapInitThreadCNode
#define ROOT_DEPTH seL4_WordBits

/* Worker priorities (the driver stays at 255, above them all). */
#define PRIO_LOW  99
#define PRIO_SAME 100
#define PRIO_HIGH 101

/* Each process is made from an untyped of this size, revoked (and reused) after each run. */
#define PROCESS_UT_BITS 20

/* Threads of the driver's address space: stacks and IPC buffers in a region of their own. */
#define THREAD_REGION      0x0000600000000000ul
#define THREAD_STACK_PAGES 4
#define THREAD_STACK(k)    (THREAD_REGION + (seL4_Word)(k)*0x10000ul)
#define THREAD_IPC(k)      (THREAD_REGION + 0x100000ul + (seL4_Word)(k)*0x1000ul)

/* Retype/Revoke: the untyped objects are made from, and how many at once in a batch. */
#define OBJECT_UT_BITS 20
#define OBJECT_BATCH   64

static sel4ish_alloc_t alloc;

/* What the driver holds for the whole run. */
static struct {
    seL4_CPtr report;                       /* workers report here */
    seL4_CPtr worker_report[BENCH_WORKERS]; /* badged worker + 1 (for threads) */
    seL4_CPtr worker_fault[BENCH_WORKERS];  /* badged BENCH_FAULT_BADGE + worker (threads) */
    seL4_CPtr ep;                           /* the endpoint of the IPC benchmarks */
    seL4_CPtr ntfn;                         /* the notification of the signal benchmark */
    seL4_CPtr fault_ep;                     /* where the faulting worker's faults go */
    seL4_CPtr extra_ep;                     /* the capability a Call transfers */
    seL4_CPtr ut[BENCH_WORKERS];            /* the processes' memory */
    seL4_Word ut_paddr[BENCH_WORKERS];
    seL4_CPtr slots[BENCH_WORKERS]; /* SEL4ISH_PROCESS_SLOTS each */
    seL4_CPtr obj_ut;               /* Retype/Revoke */
    seL4_CPtr obj_slots;            /* OBJECT_BATCH consecutive slots */
    sel4ish_thread_t threads[BENCH_WORKERS];
} env;

/* ---- Set-up ---- */

static seL4_CPtr new_object(seL4_Word type, seL4_Word size_bits)
{
    seL4_CPtr cap = 0;
    bench_check(sel4ish_alloc_object(&alloc, type, size_bits, &cap), "alloc object");
    return cap;
}

static seL4_CPtr new_slot(void)
{
    seL4_CPtr slot = 0;
    bench_check(sel4ish_slot_alloc(&alloc.slots, &slot), "alloc slot");
    return slot;
}

/* n consecutive empty slots; returns the first. */
static seL4_CPtr new_slots(unsigned n)
{
    seL4_CPtr first = new_slot();
    for (unsigned i = 1; i < n; i++) {
        if (new_slot() != first + i) {
            bench_fail("slots are not consecutive", first + i);
        }
    }
    return first;
}

/* A badged copy of cap. */
static seL4_CPtr mint(seL4_CPtr cap, seL4_Word badge)
{
    seL4_CPtr slot = new_slot();
    bench_check(
        seL4_CNode_Mint(ROOT, slot, ROOT_DEPTH, ROOT, cap, ROOT_DEPTH, seL4_AllRights, badge),
        "mint");
    return slot;
}

/* A new untyped of 2^bits bytes and its physical address (from a frame made at its start). */
static seL4_CPtr new_untyped(seL4_Word bits, seL4_Word *paddr)
{
    seL4_CPtr ut = 0, probe = new_slot();
    bench_check(sel4ish_alloc_untyped(&alloc, bits, &ut), "alloc untyped");
    bench_check(seL4_Untyped_Retype(ut, seL4_X86_4K, 0, ROOT, 0, 0, probe, 1), "probe frame");
    seL4_X86_Page_GetAddress_t a = seL4_X86_Page_GetAddress(probe);
    bench_check(a.error, "probe address");
    *paddr = a.paddr;
    bench_check(seL4_CNode_Revoke(ROOT, ut, ROOT_DEPTH), "revoke probe");
    return ut;
}

/* Maps a thread's stack (its pages from THREAD_STACK(k) up) and makes the thread. */
static void make_thread(unsigned k)
{
    for (seL4_Word p = 0; p < THREAD_STACK_PAGES; p++) {
        seL4_CPtr frame = 0;
        bench_check(sel4ish_map_new_frame(&alloc, seL4_CapInitThreadVSpace,
                                          THREAD_STACK(k) + p * 4096, seL4_ReadWrite,
                                          seL4_X86_Default_VMAttributes, &frame),
                    "map thread stack");
    }
    sel4ish_thread_config_t c = {.ipc_buffer = THREAD_IPC(k),
                                 .fault_ep = env.worker_fault[k],
                                 .priority = PRIO_SAME,
                                 .mcp = PRIO_HIGH};
    bench_check(sel4ish_thread_create(&env.threads[k], &alloc, &c), "thread create");
}

static void setup(void)
{
    sel4ish_alloc_init_bootinfo(&alloc, seL4_GetBootInfo());
    for (unsigned w = 0; w < BENCH_WORKERS; w++) {
        env.slots[w] = new_slots(SEL4ISH_PROCESS_SLOTS);
    }
    env.obj_slots = new_slots(OBJECT_BATCH);
    env.report = new_object(seL4_EndpointObject, 0);
    env.ep = new_object(seL4_EndpointObject, 0);
    env.ntfn = new_object(seL4_NotificationObject, 0);
    env.fault_ep = new_object(seL4_EndpointObject, 0);
    env.extra_ep = new_object(seL4_EndpointObject, 0);
    for (unsigned w = 0; w < BENCH_WORKERS; w++) {
        env.worker_report[w] = mint(env.report, w + 1);
        env.worker_fault[w] = mint(env.report, BENCH_FAULT_BADGE + w);
        env.ut[w] = new_untyped(PROCESS_UT_BITS, &env.ut_paddr[w]);
        make_thread(w);
    }
    seL4_Word paddr;
    env.obj_ut = new_untyped(OBJECT_UT_BITS, &paddr);
}

/* ---- Running workers ---- */

/* One worker of a run: its task, priority, and the object its task uses (a capability of the
 * driver; a process gets a copy in SEL4ISH_PROCESS_USER_SLOT(0)). */
typedef struct side {
    bench_task_t task;
    seL4_Word prio;
    seL4_CPtr obj;
} side_t;

/* Receives the workers' reports until `workers` of them said "done"; copies timestamps sent as
 * messages into bench_ts. A worker's fault ends the benchmark. */
static void collect(unsigned workers)
{
    unsigned done = 0;
    while (done < workers) {
        seL4_Word badge = 0;
        seL4_MessageInfo_t info = seL4_Recv(env.report, &badge);
        seL4_Word label = seL4_MessageInfo_get_label(info);
        if (badge < 1 || badge > BENCH_WORKERS) {
            /* A fault message: badge BENCH_FAULT_BADGE + worker, label the fault type. */
            bench_fail("a worker faulted (100 x its fault badge + the fault type)",
                       badge * 100 + label);
        }
        if (label == BENCH_MSG_DONE) {
            done++;
            continue;
        }
        seL4_Word len = seL4_MessageInfo_get_length(info);
        seL4_Word which = seL4_GetMR(0), first = seL4_GetMR(1);
        if (label != BENCH_MSG_CHUNK || len < 2 || which > BENCH_END ||
            first + (len - 2) > BENCH_ITERS) {
            bench_fail("bad report message", label);
        }
        for (seL4_Word k = 0; k + 2 < len; k++) {
            bench_ts[badge - 1][which][first + k] = seL4_GetMR((int)(k + 2));
        }
    }
}

/* Builds worker w's process from env.ut[w]: it gets the side's object, its report endpoint and
 * the capability to transfer in user slots 0-2; faults go to the driver, or with
 * faults_to_handler to env.fault_ep. */
static void make_process(sel4ish_process_t *p, unsigned w, const side_t *side,
                         bool faults_to_handler)
{
    const sel4ish_process_cap_t caps[] = {
        {side->obj, SEL4ISH_PROCESS_USER_SLOT(0), SEL4ISH_CAP_COPY, seL4_AllRights, 0},
        {env.report, SEL4ISH_PROCESS_USER_SLOT(1), SEL4ISH_CAP_MINT, seL4_AllRights, w + 1},
        {env.extra_ep, SEL4ISH_PROCESS_USER_SLOT(2), SEL4ISH_CAP_COPY, seL4_AllRights, 0},
    };
    sel4ish_process_config_t c = {
        .untyped = env.ut[w],
        .untyped_paddr = env.ut_paddr[w],
        .untyped_bits = PROCESS_UT_BITS,
        .slots = env.slots[w],
        .fault_ep = faults_to_handler ? env.fault_ep : env.report,
        .fault_badge = faults_to_handler ? 1 : BENCH_FAULT_BADGE + w,
        .priority = side->prio,
        .mcp = side->prio,
        .caps = caps,
        .num_caps = sizeof(caps) / sizeof(caps[0]),
    };
    bench_check(sel4ish_process_create(p, &c), "process create");
}

/* Runs two workers in processes of their own, started in this order (which of two workers of
 * equal priority runs first is the scheduler's choice: the pairings below do not depend on it);
 * with fault set, worker 0's faults go to worker 1. Returns when both are done. */
static void run_processes(side_t *first, side_t *second, bool fault)
{
    side_t *sides[2] = {first, second};
    sel4ish_process_t procs[2];
    for (unsigned i = 0; i < 2; i++) {
        bench_task_t *t = &sides[i]->task;
        t->shared = false;
        t->n = BENCH_ITERS;
        t->obj = SEL4ISH_PROCESS_USER_SLOT(0);
        t->report = SEL4ISH_PROCESS_USER_SLOT(1);
        t->aux = SEL4ISH_PROCESS_USER_SLOT(2);
        make_process(&procs[i], t->worker, sides[i], fault && t->worker == 0);
    }
    for (unsigned i = 0; i < 2; i++) {
        bench_check(
            sel4ish_process_start(&procs[i], bench_worker, bench_task_pack(&sides[i]->task)),
            "process start");
    }
    collect(2);
    for (unsigned i = 0; i < 2; i++) {
        bench_check(sel4ish_process_destroy(&procs[i]), "process destroy");
    }
}

/* Runs two workers as threads of this address space (started in this order). */
static void run_threads(side_t *first, side_t *second)
{
    side_t *sides[2] = {first, second};
    for (unsigned i = 0; i < 2; i++) {
        bench_task_t *t = &sides[i]->task;
        sel4ish_thread_t *th = &env.threads[t->worker];
        t->shared = true;
        t->n = BENCH_ITERS;
        t->obj = sides[i]->obj;
        t->report = env.worker_report[t->worker];
        bench_check(seL4_TCB_SetPriority(th->tcb, seL4_CapInitThreadTCB, sides[i]->prio),
                    "thread priority");
    }
    for (unsigned i = 0; i < 2; i++) {
        unsigned w = sides[i]->task.worker;
        void *top = (void *)(THREAD_STACK(w) + THREAD_STACK_PAGES * 4096);
        bench_check(sel4ish_thread_start(&env.threads[w], bench_worker,
                                         bench_task_pack(&sides[i]->task), top),
                    "thread start");
    }
    collect(2);
}

/* ---- Figures ---- */

static int64_t samples[BENCH_SAMPLES];

/* The overheads measured by measure_overheads(), subtracted from the figures. */
static struct {
    uint64_t call, reply_recv, call10, reply_recv10, send, yield, fault, timestamps;
} overhead;

/*
 * A one-way figure: sample k is end[i + de] - start[i + ds] - oh with i = BENCH_WARMUP + k, the
 * end timestamp taken by the receiver after its system call returned and the start taken by
 * the sender before its own.
 */
static void one_way(const char *name, const uint64_t *end, int de, const uint64_t *start, int ds,
                    uint64_t oh)
{
    for (unsigned k = 0; k < BENCH_SAMPLES; k++) {
        int i = BENCH_WARMUP + (int)k;
        samples[k] = (int64_t)(end[i + de] - start[i + ds]) - (int64_t)oh;
        if (end[i + de] <= start[i + ds]) {
            bench_fail(name, (seL4_Word)k); /* ends before it starts: a pairing is wrong */
        }
    }
    bench_figure(name, "ipc", samples, BENCH_SAMPLES, oh);
}

/* Runs a no-op loop here and records its figure; returns the minimum (what sel4bench subtracts,
 * as the overhead is the same every iteration but for an interrupt). */
static uint64_t measure_overhead(const char *name, bench_loop_t *loop, seL4_Word info)
{
    uint64_t *s = bench_ts[0][BENCH_START], *e = bench_ts[0][BENCH_END];
    loop(env.ep, info, BENCH_ITERS, s, e);
    for (unsigned k = 0; k < BENCH_SAMPLES; k++) {
        samples[k] = (int64_t)(e[BENCH_WARMUP + k] - s[BENCH_WARMUP + k]);
    }
    int64_t m = bench_min(samples, BENCH_SAMPLES);
    bench_figure(name, "overhead", samples, BENCH_SAMPLES, 0);
    return (uint64_t)m;
}

static seL4_Word msginfo(seL4_Word caps, seL4_Word length)
{
    return seL4_MessageInfo_new(0, 0, caps, length).words[0];
}

static void measure_overheads(void)
{
    overhead.timestamps = measure_overhead("Overhead: timestamp pair", bench_loop_timestamps, 0);
    overhead.call = measure_overhead("Overhead: Call, length 0", bench_nop_call, msginfo(0, 0));
    overhead.reply_recv =
        measure_overhead("Overhead: ReplyRecv, length 0", bench_nop_reply_recv, msginfo(0, 0));
    overhead.call10 = measure_overhead("Overhead: Call, length 10", bench_nop_call, msginfo(0, 10));
    overhead.reply_recv10 =
        measure_overhead("Overhead: ReplyRecv, length 10", bench_nop_reply_recv, msginfo(0, 10));
    overhead.send = measure_overhead("Overhead: Send", bench_nop_send, msginfo(0, 0));
    overhead.yield = measure_overhead("Overhead: Yield", bench_nop_yield, 0);
    overhead.fault = measure_overhead("Overhead: fault (ud2)", bench_nop_fault, 0);
}

/* A client (worker 0) and a server (worker 1) over env.ep. */
static void call_pair(side_t *client, side_t *server, unsigned length, unsigned caps,
                      seL4_Word client_prio, seL4_Word server_prio)
{
    *client = (side_t){{.role = BENCH_ROLE_CALL, .worker = 0, .length = length, .caps = caps},
                       client_prio,
                       env.ep};
    *server = (side_t){
        {.role = BENCH_ROLE_REPLY_RECV, .worker = 1, .length = length}, server_prio, env.ep};
}

/*
 * The Call figure and the ReplyRecv figure of one client/server run. Client iteration i Calls;
 * the server's ReplyRecv i - 1 returns with it (iteration 0 meets the server's first Recv).
 * Server iteration i's ReplyRecv answers Call i, which returns in client iteration i.
 */
static void call_figures(const char *call_name, const char *reply_name, uint64_t call_oh,
                         uint64_t reply_oh)
{
    const uint64_t *c_s = bench_ts[0][BENCH_START], *c_e = bench_ts[0][BENCH_END];
    const uint64_t *s_s = bench_ts[1][BENCH_START], *s_e = bench_ts[1][BENCH_END];
    if (call_name) {
        one_way(call_name, s_e, -1, c_s, 0, call_oh);
    }
    if (reply_name) {
        one_way(reply_name, c_e, 0, s_s, 0, reply_oh);
    }
}

static void bench_ipc_same_address_space(void)
{
    side_t client, server;
    call_pair(&client, &server, 0, 0, PRIO_SAME, PRIO_SAME);
    run_threads(&server, &client);
    call_figures("Call, length 0, same address space", "ReplyRecv, length 0, same address space",
                 overhead.call, overhead.reply_recv);
}

static void bench_ipc_different_address_spaces(void)
{
    side_t client, server;
    call_pair(&client, &server, 0, 0, PRIO_SAME, PRIO_SAME);
    run_processes(&server, &client, false);
    call_figures("Call, length 0, different address spaces",
                 "ReplyRecv, length 0, different address spaces", overhead.call,
                 overhead.reply_recv);

    call_pair(&client, &server, 10, 0, PRIO_SAME, PRIO_SAME);
    run_processes(&server, &client, false);
    call_figures("Call, length 10 (slowpath), different address spaces",
                 "ReplyRecv, length 10 (slowpath), different address spaces", overhead.call10,
                 overhead.reply_recv10);

    call_pair(&client, &server, 0, 0, PRIO_LOW, PRIO_HIGH);
    run_processes(&server, &client, false);
    call_figures("Call, length 0, low to high priority, different address spaces",
                 "ReplyRecv, length 0, high to low priority, different address spaces",
                 overhead.call, overhead.reply_recv);

    call_pair(&client, &server, 0, 0, PRIO_HIGH, PRIO_LOW);
    run_processes(&server, &client, false);
    call_figures("Call, length 0, high to low priority, different address spaces",
                 "ReplyRecv, length 0, low to high priority, different address spaces",
                 overhead.call, overhead.reply_recv);

    call_pair(&client, &server, 0, 1, PRIO_SAME, PRIO_SAME);
    run_processes(&server, &client, false);
    call_figures("Call, one capability (slowpath), different address spaces", 0, overhead.call, 0);
}

/* A low-priority sender (worker 0) and a high-priority receiver (worker 1) blocked on obj:
 * every Send (Signal) wakes the receiver, which runs at once. */
static void send_figure(const char *name, seL4_CPtr obj)
{
    side_t sender = {{.role = BENCH_ROLE_SEND, .worker = 0}, PRIO_LOW, obj};
    side_t receiver = {{.role = BENCH_ROLE_RECV, .worker = 1}, PRIO_HIGH, obj};
    run_processes(&receiver, &sender, false);
    one_way(name, bench_ts[1][BENCH_END], 0, bench_ts[0][BENCH_START], 0, overhead.send);
}

static void bench_send_and_signal(void)
{
    send_figure("Send, length 0, low to high priority, different address spaces", env.ep);
    send_figure("Signal to Wait, low to high priority, different address spaces", env.ntfn);
}

/* Yield alone at a priority (the driver itself), and between two processes of one priority,
 * A the one that ran first: A's Yield i + 1 lets B's Yield i return (B's first Yield, made as B
 * starts, returns A's first). */
static void bench_yield(void)
{
    uint64_t *s = bench_ts[0][BENCH_START], *e = bench_ts[0][BENCH_END];
    bench_loop_yield(0, 0, BENCH_ITERS, s, e);
    one_way("Yield, no other thread ready", e, 0, s, 0, overhead.yield);

    side_t a = {{.role = BENCH_ROLE_YIELD, .worker = 0}, PRIO_SAME, env.ep};
    side_t b = {{.role = BENCH_ROLE_YIELD, .worker = 1}, PRIO_SAME, env.ep};
    run_processes(&a, &b, false);
    unsigned first = bench_ts[0][BENCH_START][0] < bench_ts[1][BENCH_START][0] ? 0 : 1;
    one_way("Yield to a thread of the same priority, different address spaces",
            bench_ts[1 - first][BENCH_END], 0, bench_ts[first][BENCH_START], 1, overhead.yield);
}

/* A thread that faults (ud2) and a handler in another process that resumes it after the
 * instruction: the faulting thread's own timestamps span the round trip. */
static void bench_fault(void)
{
    side_t faulter = {{.role = BENCH_ROLE_FAULT, .worker = 0}, PRIO_SAME, env.fault_ep};
    side_t handler = {{.role = BENCH_ROLE_FAULT_HANDLER, .worker = 1}, PRIO_SAME, env.fault_ep};
    run_processes(&handler, &faulter, true);
    one_way("Fault round trip (UserException, handler in another address space)",
            bench_ts[0][BENCH_END], 0, bench_ts[0][BENCH_START], 0, overhead.fault);
}

/* ---- Untyped_Retype and CNode_Revoke ---- */

/* Retypes `count` objects from env.obj_ut and revokes them, BENCH_ITERS times; records the
 * Retype and the Revoke figures per object (the timestamp pair's overhead subtracted). The
 * figures include the user-level stubs of the two invocations. */
static void retype_revoke(const char *retype_name, const char *revoke_name, seL4_Word type,
                          seL4_Word size_bits, unsigned count)
{
    static int64_t revoke_samples[BENCH_SAMPLES];
    for (unsigned i = 0; i < BENCH_ITERS; i++) {
        uint64_t t0, t1, t2, t3;
        BENCH_TS(t0);
        seL4_Error e1 =
            seL4_Untyped_Retype(env.obj_ut, type, size_bits, ROOT, 0, 0, env.obj_slots, count);
        BENCH_TS(t1);
        BENCH_TS(t2);
        seL4_Error e2 = seL4_CNode_Revoke(ROOT, env.obj_ut, ROOT_DEPTH);
        BENCH_TS(t3);
        bench_check(e1, retype_name);
        bench_check(e2, revoke_name);
        if (i >= BENCH_WARMUP && i < BENCH_WARMUP + BENCH_SAMPLES) {
            unsigned k = i - BENCH_WARMUP;
            samples[k] = (int64_t)(t1 - t0 - overhead.timestamps) / count;
            revoke_samples[k] = (int64_t)(t3 - t2 - overhead.timestamps) / count;
        }
    }
    bench_figure(retype_name, "object", samples, BENCH_SAMPLES, overhead.timestamps);
    bench_figure(revoke_name, "object", revoke_samples, BENCH_SAMPLES, overhead.timestamps);
}

static void bench_objects(void)
{
    retype_revoke("Untyped_Retype, 1 Endpoint", "CNode_Revoke, untyped with 1 Endpoint",
                  seL4_EndpointObject, 0, 1);
    retype_revoke("Untyped_Retype, 1 Notification", "CNode_Revoke, untyped with 1 Notification",
                  seL4_NotificationObject, 0, 1);
    retype_revoke("Untyped_Retype, 1 TCB", "CNode_Revoke, untyped with 1 TCB", seL4_TCBObject, 0,
                  1);
    retype_revoke("Untyped_Retype, 1 CNode of 16 slots",
                  "CNode_Revoke, untyped with 1 CNode of 16 slots", seL4_CapTableObject, 4, 1);
    retype_revoke("Untyped_Retype, 1 4K frame", "CNode_Revoke, untyped with 1 4K frame",
                  seL4_X86_4K, 0, 1);
    retype_revoke("Untyped_Retype, 64 Endpoints, per object",
                  "CNode_Revoke, untyped with 64 Endpoints, per object", seL4_EndpointObject, 0,
                  OBJECT_BATCH);
    retype_revoke("Untyped_Retype, 64 4K frames, per object",
                  "CNode_Revoke, untyped with 64 4K frames, per object", seL4_X86_4K, 0,
                  OBJECT_BATCH);
}

int main(void)
{
    setup();
    measure_overheads();
    bench_ipc_same_address_space();
    bench_ipc_different_address_spaces();
    bench_send_and_signal();
    bench_yield();
    bench_fault();
    bench_objects();
    bench_print_figures();
    return 0;
}
