/* LIB: thread-local storage in libsel4ish. Threads of one address space (<sel4ish/thread.h>,
 * and the tests' own hand-made threads: test_thread.h, fault_helpers.h) each use their own IPC
 * buffer through seL4_GetMR/SetMR and the plain IPC wrappers (__sel4_ipc_buffer is a __thread
 * variable, as in seL4's libsel4), and each has its own copy of every __thread variable,
 * initialised from .tdata. */
#include <sel4ish/alloc.h>
#include <sel4ish/thread.h>
#include <sel4ish/tls.h>
#include <sel4ish/vspace.h>

#include "fault_helpers.h"
#include "support.h"
#include "test.h"

#define TLS_THREADS     2
#define TLS_IPC_BUFFERS 0x620000000000ul /* thread k's IPC buffer: page k */
#define TLS_STACKS      0x630000000000ul /* thread k's stack: STACK_PAGES from + k * STACK_GAP */
#define STACK_PAGES     2
#define STACK_GAP       0x10000ul
#define MSG_WORDS       40 /* longer than the 4 message registers: most go through the buffer */
#define ROUNDS          3

/* What a thread saw, for the test's own thread to check (threads do not CHECK themselves). */
typedef struct tls_report {
    seL4_IPCBuffer *given; /* the IPC buffer it was made with */
    seL4_IPCBuffer *seen;  /* seL4_GetIPCBuffer() in the thread */
    seL4_Word tp;          /* sel4ish_tls_base() in the thread */
    seL4_Word tp_word;     /* the word at the thread pointer (must be tp) */
    seL4_Word bad_words;   /* message words that did not read back as expected */
    seL4_Word rounds;      /* messages exchanged */
    seL4_Word counter_start, counter_end, zero_start;
    seL4_Word counter_addr, wide_addr, wide_nonzero;
    volatile seL4_Word done;
} tls_report_t;

/* Everything one case makes: its allocator (kept on the test's stack: ~8 KiB), the threads,
 * an endpoint between them and a notification they signal when done. */
typedef struct tls_env {
    sel4ish_alloc_t alloc;
    sel4ish_thread_t t[TLS_THREADS];
    seL4_CPtr ep, done;
    tls_report_t r[TLS_THREADS];
} tls_env_t;

static tls_env_t *tls_env;

/* ---- __thread variables ---- */

static __thread seL4_Word tls_counter = 0x7e57c0de; /* .tdata */
static __thread seL4_Word tls_zero;                 /* .tbss */
/* Over-aligned .tbss: the TLS segment's alignment exceeds .tdata's, so its start need not be
 * aligned to it (the runtime's gap). */
static __thread seL4_Word tls_wide[8] __attribute__((aligned(64)));

/* Records what the thread sees of its own TLS at its start. */
static void tls_record_start(tls_report_t *r)
{
    r->seen = seL4_GetIPCBuffer();
    r->tp = sel4ish_tls_base();
    r->tp_word = *(volatile seL4_Word *)r->tp;
    r->counter_start = tls_counter;
    r->zero_start = tls_zero;
    r->counter_addr = (seL4_Word)&tls_counter;
    r->wide_addr = (seL4_Word)tls_wide;
    for (int i = 0; i < 8; i++) {
        r->wide_nonzero |= tls_wide[i];
    }
}

/* Counts the first n message registers that are not base + i. */
static seL4_Word tls_mrs_differ(seL4_Word base, seL4_Word n)
{
    seL4_Word bad = 0;
    for (seL4_Word i = 0; i < n; i++) {
        bad += seL4_GetMR((int)i) != base + i;
    }
    return bad;
}

static void tls_set_mrs(seL4_Word base, seL4_Word n)
{
    for (seL4_Word i = 0; i < n; i++) {
        seL4_SetMR((int)i, base + i);
    }
}

/* Message k of the client (thread 1), and the server's reply to it. */
static seL4_Word request_base(seL4_Word k)
{
    return 0x1000000 * (k + 1);
}

static seL4_Word reply_base(seL4_Word k)
{
    return 0x5000000 + 0x100000 * k;
}

static void tls_finish(tls_report_t *r)
{
    r->counter_end = tls_counter;
    r->done = 1;
    seL4_Signal(tls_env->done);
}

/* Both threads first fill all their message registers and __thread counter, yield to each
 * other, and read them back: with one shared buffer or counter, the other thread's writes
 * would show. */
static void tls_interleave(seL4_Word id, tls_report_t *r)
{
    tls_set_mrs(0xa000000 * (id + 1), seL4_MsgMaxLength);
    tls_counter += id + 1;
    seL4_Yield();
    seL4_Yield();
    r->bad_words += tls_mrs_differ(0xa000000 * (id + 1), seL4_MsgMaxLength);
    r->bad_words += tls_counter != 0x7e57c0de + id + 1;
}

/* Thread 0, the server: receives ROUNDS long Calls, checks each, answers each with a long
 * reply (seL4_ReplyRecv, the last with seL4_Reply). */
static void tls_server(seL4_Word arg)
{
    tls_report_t *r = &tls_env->r[arg];
    tls_record_start(r);
    tls_interleave(arg, r);
    seL4_MessageInfo_t info = seL4_Recv(tls_env->ep, seL4_Null);
    for (seL4_Word k = 0; k < ROUNDS; k++) {
        r->bad_words += seL4_MessageInfo_get_length(info) != MSG_WORDS;
        r->bad_words += seL4_MessageInfo_get_label(info) != k;
        r->bad_words += tls_mrs_differ(request_base(k), MSG_WORDS);
        r->rounds++;
        tls_set_mrs(reply_base(k), MSG_WORDS);
        seL4_MessageInfo_t reply = seL4_MessageInfo_new(k, 0, 0, MSG_WORDS);
        if (k + 1 < ROUNDS) {
            info = seL4_ReplyRecv(tls_env->ep, reply, seL4_Null);
        } else {
            seL4_Reply(reply);
        }
    }
    tls_finish(r);
}

/* Thread 1, the client: ROUNDS long Calls, each reply checked. */
static void tls_client(seL4_Word arg)
{
    tls_report_t *r = &tls_env->r[arg];
    tls_record_start(r);
    tls_interleave(arg, r);
    for (seL4_Word k = 0; k < ROUNDS; k++) {
        tls_set_mrs(request_base(k), MSG_WORDS);
        seL4_MessageInfo_t reply = seL4_Call(tls_env->ep, seL4_MessageInfo_new(k, 0, 0, MSG_WORDS));
        r->bad_words += seL4_MessageInfo_get_length(reply) != MSG_WORDS;
        r->bad_words += seL4_MessageInfo_get_label(reply) != k;
        r->bad_words += tls_mrs_differ(reply_base(k), MSG_WORDS);
        r->rounds++;
    }
    tls_finish(r);
}

static void *tls_stack_top(seL4_Word k)
{
    return (void *)(TLS_STACKS + k * STACK_GAP + STACK_PAGES * (1ul << seL4_PageBits));
}

/* Makes the allocator, endpoint, notification, stacks and threads of e (not started). */
static int tls_env_init(tls_env_t *e)
{
    *e = (tls_env_t){0};
    tls_env = e;
    seL4_Word pa;
    seL4_CPtr ut = test_untyped_at(20, &pa), slots = test_slots(64);
    sel4ish_alloc_init(&e->alloc, slots, slots + 64);
    CHECK_EQ(sel4ish_alloc_add_untyped(&e->alloc, ut, pa, 20), seL4_NoError);
    e->ep = test_object(seL4_EndpointObject, 0);
    e->done = test_object(seL4_NotificationObject, 0);
    int ok = ut && slots && e->ep && e->done;
    for (seL4_Word k = 0; k < TLS_THREADS && ok; k++) {
        for (seL4_Word p = 0; p < STACK_PAGES; p++) {
            seL4_CPtr frame;
            seL4_Word va = TLS_STACKS + k * STACK_GAP + (p << seL4_PageBits);
            ok &= sel4ish_map_new_frame(&e->alloc, seL4_CapInitThreadVSpace, va, seL4_ReadWrite,
                                        seL4_X86_Default_VMAttributes, &frame) == seL4_NoError;
        }
        sel4ish_thread_config_t c = {
            .ipc_buffer = TLS_IPC_BUFFERS + (k << seL4_PageBits), .priority = 10, .mcp = 10};
        ok &= sel4ish_thread_create(&e->t[k], &e->alloc, &c) == seL4_NoError;
        e->r[k].given = (seL4_IPCBuffer *)c.ipc_buffer;
    }
    CHECK(ok);
    return ok;
}

/* Starts the threads, below the test's priority: they run only while it waits. */
static void tls_env_start(tls_env_t *e)
{
    CHECK_EQ(sel4ish_thread_start(&e->t[0], tls_server, 0, tls_stack_top(0)), seL4_NoError);
    CHECK_EQ(sel4ish_thread_start(&e->t[1], tls_client, 1, tls_stack_top(1)), seL4_NoError);
}

/* Waits until both threads are done, without touching the test's own IPC buffer. */
static void tls_env_wait(tls_env_t *e)
{
    while (!e->r[0].done || !e->r[1].done) {
        seL4_RecvWithMRs(e->done, seL4_Null, seL4_Null, seL4_Null, seL4_Null, seL4_Null);
    }
}

static void tls_env_destroy(tls_env_t *e)
{
    for (seL4_Word k = 0; k < TLS_THREADS; k++) {
        CHECK_EQ(sel4ish_thread_destroy(&e->t[k], &e->alloc), seL4_NoError);
    }
}

/* The thread's TLS area is the top sel4ish_tls_size() bytes of its stack. */
static int in_tls_area(seL4_Word k, seL4_Word addr)
{
    seL4_Word top = (seL4_Word)tls_stack_top(k);
    return addr >= top - sel4ish_tls_size() && addr < top;
}

static void tls_ipc_buffers(void)
{
    tls_env_t e; /* ~8 KiB, on the test's 64 KiB stack */
    seL4_IPCBuffer *mine = seL4_GetIPCBuffer();
    CHECK(mine == seL4_GetBootInfo()->ipcBuffer);
    if (!tls_env_init(&e)) {
        return;
    }
    tls_env_start(&e);
    /* The test's own message registers (its invocations above used them): no thread may
     * write them. */
    tls_set_mrs(0xbbb0000, seL4_MsgMaxLength);
    tls_env_wait(&e);
    for (seL4_Word k = 0; k < TLS_THREADS; k++) {
        tls_report_t *r = &e.r[k];
        CHECK(r->seen == r->given);
        CHECK(r->seen != mine);
        CHECK_EQ(r->tp, e.t[k].tls_base);
        CHECK_EQ(r->tp_word, r->tp);
        CHECK(in_tls_area(k, r->tp));
        CHECK_EQ(r->bad_words, 0);
        CHECK_EQ(r->rounds, ROUNDS);
    }
    CHECK(e.r[0].seen != e.r[1].seen);
    /* What the kernel and the threads left in each buffer: the client holds the last reply,
     * the server its last reply (it sent from its own buffer). */
    CHECK_EQ(e.r[1].given->msg[MSG_WORDS - 1], reply_base(ROUNDS - 1) + MSG_WORDS - 1);
    CHECK_EQ(e.r[0].given->msg[MSG_WORDS - 1], reply_base(ROUNDS - 1) + MSG_WORDS - 1);
    CHECK_EQ(tls_mrs_differ(0xbbb0000, seL4_MsgMaxLength), 0);
    CHECK(seL4_GetIPCBuffer() == mine);
    tls_env_destroy(&e);
}
DEFINE_TEST(LIB0014,
            "sel4ish_thread: two threads use their own IPC buffers (SetMR/GetMR, 40-word Call, "
            "ReplyRecv)",
            tls_ipc_buffers);

static void tls_variables(void)
{
    tls_env_t e;
    /* The test's own copy, initialised by the runtime from .tdata, then changed. */
    CHECK_EQ(tls_counter, 0x7e57c0de);
    CHECK_EQ(tls_zero, 0);
    CHECK_EQ((seL4_Word)tls_wide & 63, 0);
    tls_counter = 0x1111;
    tls_zero = 0x2222;
    tls_wide[7] = 0x3333;
    if (!tls_env_init(&e)) {
        return;
    }
    tls_env_start(&e);
    tls_env_wait(&e);
    for (seL4_Word k = 0; k < TLS_THREADS; k++) {
        tls_report_t *r = &e.r[k];
        /* Each thread started with .tdata's value and zeroes, not the test's current ones. */
        CHECK_EQ(r->counter_start, 0x7e57c0de);
        CHECK_EQ(r->zero_start, 0);
        CHECK_EQ(r->wide_nonzero, 0);
        CHECK_EQ(r->counter_end, 0x7e57c0de + k + 1);
        CHECK(in_tls_area(k, r->counter_addr));
        CHECK(in_tls_area(k, r->wide_addr));
        CHECK_EQ(r->wide_addr & 63, 0);
    }
    CHECK(e.r[0].counter_addr != e.r[1].counter_addr);
    CHECK_EQ(tls_counter, 0x1111);
    CHECK_EQ(tls_zero, 0x2222);
    CHECK_EQ(tls_wide[7], 0x3333);
    tls_env_destroy(&e);
}
DEFINE_TEST(LIB0015, "__thread variables: each thread its own copy, initialised from .tdata",
            tls_variables);

/* ---- The tests' hand-made threads ---- */

static fh_space_t hand_space = {FH_REGION(4)};

/* What a hand-made thread uses and saw. */
typedef struct hand_report {
    seL4_CPtr ep, out, park; /* it receives on ep, answers on out, then waits on park */
    seL4_CPtr tcb;           /* a TCB to fail an invocation on */
    seL4_IPCBuffer *seen;    /* seL4_GetIPCBuffer() in the thread */
    seL4_Word tp, tp_word;   /* sel4ish_tls_base() and the word there */
    seL4_Word counter_start;
    seL4_Error err;              /* the failed invocation's error */
    seL4_Word err_min, err_max;  /* and its details */
    seL4_Word length, bad_words; /* the message it received */
} hand_report_t;

#define HAND_WORDS 6 /* MR4 and MR5 go through the IPC buffer */

/* A thread started by test_thread_start or fh_thread_run: everything below touches its IPC
 * buffer through its TLS. */
static void hand_thread(seL4_Word arg)
{
    hand_report_t *r = (hand_report_t *)arg;
    r->seen = seL4_GetIPCBuffer();
    r->tp = sel4ish_tls_base();
    r->tp_word = *(volatile seL4_Word *)r->tp;
    r->counter_start = tls_counter;
    tls_counter += 5;
    /* A failing invocation: RangeError(1, 20), its details in the thread's own buffer. */
    seL4_UserContext regs;
    r->err = seL4_TCB_ReadRegisters(r->tcb, 0, 0, 0, &regs);
    seL4_ErrorDetail_t d = seL4_GetErrorDetail();
    r->err_min = d.min;
    r->err_max = d.max;
    seL4_MessageInfo_t info = seL4_Recv(r->ep, seL4_Null);
    r->length = seL4_MessageInfo_get_length(info);
    r->bad_words = tls_mrs_differ(0x4a4d0000, HAND_WORDS) + (tls_counter != 0x7e57c0de + 5);
    tls_set_mrs(0x4a4e0000, HAND_WORDS);
    seL4_Send(r->out, seL4_MessageInfo_new(0, 0, 0, HAND_WORDS));
    for (;;) {
        seL4_Wait(r->park, seL4_Null);
    }
}

/* Runs hand_thread's exchange with a thread started (below the test's priority) on r. */
static void hand_exchange(hand_report_t *r, seL4_IPCBuffer *expected_buffer)
{
    seL4_IPCBuffer *mine = seL4_GetIPCBuffer();
    tls_set_mrs(0x4a4d0000, seL4_MsgMaxLength);
    seL4_Send(r->ep, seL4_MessageInfo_new(0, 0, 0, HAND_WORDS)); /* it runs until it receives */
    /* Its failed invocation and receive did not touch the test's buffer. */
    CHECK_EQ(tls_mrs_differ(0x4a4d0000, seL4_MsgMaxLength), 0);
    seL4_MessageInfo_t info = seL4_Recv(r->out, seL4_Null);
    CHECK_EQ(seL4_MessageInfo_get_length(info), HAND_WORDS);
    CHECK_EQ(tls_mrs_differ(0x4a4e0000, HAND_WORDS), 0);
    CHECK(seL4_GetIPCBuffer() == mine);
    CHECK(r->seen == expected_buffer);
    CHECK(r->seen != mine);
    CHECK(r->tp != 0);
    CHECK_EQ(r->tp_word, r->tp);
    CHECK_EQ(r->counter_start, 0x7e57c0de);
    CHECK_EQ(r->err, seL4_RangeError);
    CHECK_EQ(r->err_min, 1);
    CHECK_EQ(r->err_max, 20);
    CHECK_EQ(r->length, HAND_WORDS);
    CHECK_EQ(r->bad_words, 0);
}

static hand_report_t *hand_report(void)
{
    static hand_report_t r;
    r = (hand_report_t){0};
    r.ep = test_object(seL4_EndpointObject, 0);
    r.out = test_object(seL4_EndpointObject, 0);
    r.park = test_object(seL4_NotificationObject, 0);
    r.tcb = test_object(seL4_TCBObject, 0);
    return &r;
}

static void tls_hand_made_threads(void)
{
    tls_counter = 0x1234; /* the test's own copy: not what the threads start with */
    /* test_thread.h */
    static uint8_t stack[8192] __attribute__((aligned(16)));
    hand_report_t *r = hand_report();
    test_thread_t t = {0};
    if (test_thread_start(&t, hand_thread, (seL4_Word)r, stack + sizeof(stack), TEST_THREAD_PRIO)) {
        seL4_UserContext regs;
        CHECK_EQ(seL4_TCB_ReadRegisters(t.tcb, 0, 0, 20, &regs), seL4_NoError);
        CHECK_EQ(regs.fs_base, t.tls);
        CHECK(t.tls > (seL4_Word)stack && t.tls < (seL4_Word)stack + sizeof(stack));
        hand_exchange(r, (seL4_IPCBuffer *)TEST_THREAD_IPC_BASE);
        CHECK_EQ(r->tp, t.tls);
    }
    test_thread_destroy(&t);
    /* fault_helpers.h (and the IPC tests' thread actors, made the same way) */
    r = hand_report();
    fh_thread_t f = {0};
    if (fh_thread_run(&f, &hand_space, 0, TEST_THREAD_PRIO, hand_thread, (seL4_Word)r)) {
        hand_exchange(r, (seL4_IPCBuffer *)f.ipc);
        CHECK_EQ(r->tp, f.tls);
        CHECK(f.tls > f.stack_top && f.tls < f.stack_top + sel4ish_tls_size());
    }
    fh_thread_destroy(&f);
    CHECK_EQ(tls_counter, 0x1234);
}
DEFINE_TEST(LIB0016,
            "hand-made test threads (test_thread.h, fault_helpers.h) have TLS: Recv, GetMR, "
            "error details in their own IPC buffer",
            tls_hand_made_threads);
