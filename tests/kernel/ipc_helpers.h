/*
 * Helpers for the IPC test groups (IPC, IPCRIGHTS, BIND, CANCEL_BADGED_SENDS): actors that run
 * scripts of IPC steps and record what they received, and a way for the test thread to let
 * them run until every one of them is blocked.
 *
 * Actors are threads of the test's own address space (fault_helpers.h) or processes with an
 * address space and CSpace of their own (<sel4ish/process.h>). An actor waits for a script
 * (ih_give: thread actors wait on a control notification and find the script in memory they
 * share with the test, process actors receive it on a control endpoint), runs its steps in
 * order, counting the steps it finished (ih_done), and records for each step what it received
 * (ih_res). Thread actors have TLS of their own (fault_helpers.h) but work on their IPC buffer
 * directly, through the ...WithMRs calls and the raw seL4ish_Syscall, as process actors do.
 *
 * Messages check themselves: word i of a message with label L is ih_word(L, i), so whoever
 * receives one counts the words that are wrong against the label it got. Before receiving, an
 * actor fills its IPC buffer's message words with IH_POISON, and afterwards counts the words
 * past the message that are no longer poison (the kernel must write only `length` words).
 *
 * Scheduling: the test thread runs at IH_MAIN_PRIO and actors below it, so an actor runs only
 * while the test thread is blocked or settling (ih_settle: the test thread drops below every
 * actor until all of them are blocked).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <sel4ish/process.h>

#include "fault_helpers.h"
#include "support.h"
#include "test.h"

#define IH_ROOT  seL4_CapInitThreadCNode
#define IH_SELF  seL4_CapInitThreadTCB
#define IH_DEPTH TEST_ROOT_DEPTH

#define IH_MAIN_PRIO   100 /* the test thread */
#define IH_ACTOR_PRIO  50  /* actors, unless a test says otherwise */
#define IH_SETTLE_PRIO 1   /* the test thread while it lets actors run */

/* What a receiver's message words hold before it receives. */
#define IH_POISON     0xdeadbeefcafef00dul
#define IH_COB_POISON 0xc0bc0bc0bc0bc0bul

/* The badge of the actors' fault endpoint (thread actors) and of processes' fault messages. */
#define IH_FAULT_BADGE      0xfa17ul
#define IH_PROC_FAULT_BADGE 0xfa18ul

/* Word i of a message with label: distinct for every label and index, never 0 or poison. */
static inline seL4_Word ih_word(seL4_Word label, seL4_Word i)
{
    return (label * 0x100000001b3ul) ^ ((i + 1) * 0x9e3779b97f4a7c15ul);
}

/* ---- Scripts ---------------------------------------------------------------------------- */

typedef enum ih_op {
    IH_SEND = 1,   /* Send on cap: label, length (pattern words), extra_caps of caps[] */
    IH_NBSEND,     /* NBSend, the same */
    IH_CALL,       /* Call, the same; records the reply */
    IH_RECV,       /* Recv on cap; records the message */
    IH_NBRECV,     /* NBRecv on cap */
    IH_REPLYRECV,  /* ReplyRecv on cap with the message as for Send; records the message */
    IH_REPLY,      /* Reply with the message as for Send */
    IH_RECV_PATH,  /* sets the receive path: CNode cap, index caps[0], depth caps[1] */
    IH_SEND_PLAIN, /* Send with the message info word `label` as given (raw), no words */
} ih_op_t;

/* One step (IH_STEP_WORDS words: a script travels as a message). */
typedef struct ih_step {
    seL4_Word op, cap, label, length, extra_caps;
    seL4_Word caps[3];
} ih_step_t;

/* What a step received (receiving steps; zero for the others). */
typedef struct ih_result {
    seL4_Word badge, info;
    seL4_Word bad;    /* words of the message that are not ih_word(label, i) */
    seL4_Word poison; /* words of the IPC buffer past the message that were written */
    seL4_Word mr[4];  /* the first message words as received */
    seL4_Word cob[3]; /* caps_or_badges afterwards (IH_COB_POISON if untouched) */
} ih_result_t;

#define IH_STEP_WORDS (sizeof(ih_step_t) / sizeof(seL4_Word))
#define IH_MAX_STEPS  (seL4_MsgMaxLength / IH_STEP_WORDS)

static inline ih_step_t ih_step(ih_op_t op, seL4_CPtr cap, seL4_Word label, seL4_Word length)
{
    ih_step_t s = {op, cap, label, length, 0, {0, 0, 0}};
    return s;
}

/* A step that sends n (1..3) capabilities. */
static inline ih_step_t ih_step_caps(ih_op_t op, seL4_CPtr cap, seL4_Word label, seL4_Word length,
                                     seL4_Word n, seL4_CPtr c0, seL4_CPtr c1, seL4_CPtr c2)
{
    ih_step_t s = {op, cap, label, length, n, {c0, c1, c2}};
    return s;
}

static inline ih_step_t ih_recv_path(seL4_CPtr cnode, seL4_Word index, seL4_Word depth)
{
    ih_step_t s = {IH_RECV_PATH, cnode, 0, 0, 0, {index, depth, 0}};
    return s;
}

/* Word i of the message the actor is sending / has received (i < 4: registers). */
static inline seL4_Word ih_mr_get(const seL4_IPCBuffer *b, const seL4_Word *mr, seL4_Word i)
{
    return i < 4 ? mr[i] : b->msg[i];
}

/* Runs one step with IPC buffer b. Uses only the register forms of the system calls. */
static inline void ih_exec(seL4_IPCBuffer *b, const ih_step_t *s, ih_result_t *r)
{
    seL4_Word mr[4] = {0, 0, 0, 0};
    seL4_Word badge = 0, send_len = 0;
    seL4_MessageInfo_t info = seL4_MessageInfo_new(s->label, 0, s->extra_caps, s->length);
    ih_op_t op = (ih_op_t)s->op;
    bool sends =
        op == IH_SEND || op == IH_NBSEND || op == IH_CALL || op == IH_REPLYRECV || op == IH_REPLY;
    bool receives = op == IH_CALL || op == IH_RECV || op == IH_NBRECV || op == IH_REPLYRECV;
    *r = (ih_result_t){0};
    if (op == IH_RECV_PATH) {
        b->receiveCNode = s->cap;
        b->receiveIndex = s->caps[0];
        b->receiveDepth = s->caps[1];
        return;
    }
    if (sends) {
        send_len = s->length > seL4_MsgMaxLength ? seL4_MsgMaxLength : s->length;
        for (seL4_Word i = 0; i < send_len; i++) {
            if (i < 4) {
                mr[i] = ih_word(s->label, i);
            } else {
                b->msg[i] = ih_word(s->label, i);
            }
        }
        for (int i = 0; i < 3; i++) {
            b->caps_or_badges[i] = s->caps[i];
        }
    }
    if (receives) {
        for (seL4_Word i = send_len > 4 ? send_len : 4; i < seL4_MsgMaxLength; i++) {
            b->msg[i] = IH_POISON;
        }
        if (!sends) {
            for (int i = 0; i < 3; i++) {
                b->caps_or_badges[i] = IH_COB_POISON;
            }
        }
    }
    switch (op) {
    case IH_SEND:
        seL4_SendWithMRs(s->cap, info, &mr[0], &mr[1], &mr[2], &mr[3]);
        break;
    case IH_NBSEND:
        seL4_NBSendWithMRs(s->cap, info, &mr[0], &mr[1], &mr[2], &mr[3]);
        break;
    case IH_SEND_PLAIN:
        info.words[0] = s->label;
        seL4_SendWithMRs(s->cap, info, NULL, NULL, NULL, NULL);
        break;
    case IH_CALL: {
        /* The raw call, to see the badge register afterwards (a reply's is 0). */
        seL4ish_SyscallRegs rr = {s->cap, info.words[0], {mr[0], mr[1], mr[2], mr[3]}};
        seL4ish_Syscall((seL4_Word)seL4_SysCall, &rr);
        for (int i = 0; i < 4; i++) {
            mr[i] = rr.mr[i];
        }
        badge = rr.cap_badge;
        info.words[0] = rr.info;
        break;
    }
    case IH_RECV:
        info = seL4_RecvWithMRs(s->cap, &badge, &mr[0], &mr[1], &mr[2], &mr[3]);
        break;
    case IH_NBRECV:
        info = seL4_NBRecvWithMRs(s->cap, &badge, &mr[0], &mr[1], &mr[2], &mr[3]);
        break;
    case IH_REPLYRECV:
        info = seL4_ReplyRecvWithMRs(s->cap, info, &badge, &mr[0], &mr[1], &mr[2], &mr[3]);
        break;
    case IH_REPLY:
        seL4_ReplyWithMRs(info, &mr[0], &mr[1], &mr[2], &mr[3]);
        break;
    default:
        break;
    }
    if (!receives) {
        return;
    }
    seL4_Word len = seL4_MessageInfo_get_length(info);
    seL4_Word label = seL4_MessageInfo_get_label(info);
    r->badge = badge;
    r->info = info.words[0];
    for (seL4_Word i = 0; i < len; i++) {
        r->bad += ih_mr_get(b, mr, i) != ih_word(label, i);
    }
    seL4_Word from = send_len > len ? send_len : len;
    for (seL4_Word i = from > 4 ? from : 4; i < seL4_MsgMaxLength; i++) {
        r->poison += b->msg[i] != IH_POISON;
    }
    for (int i = 0; i < 4; i++) {
        r->mr[i] = mr[i];
    }
    for (int i = 0; i < 3; i++) {
        r->cob[i] = b->caps_or_badges[i];
    }
}

/* The state an actor shares with the test: scripts received, steps finished, results, and
 * (thread actors) the next script. */
typedef struct ih_shared {
    volatile seL4_Word scripts;
    volatile seL4_Word done;
    ih_result_t res[IH_MAX_STEPS];
    seL4_Word n;
    ih_step_t script[IH_MAX_STEPS];
} ih_shared_t;

/* Runs the n steps of a script. */
static inline void ih_run(seL4_IPCBuffer *b, const ih_step_t *steps, seL4_Word n, ih_shared_t *sh)
{
    sh->done = 0;
    sh->scripts++;
    for (seL4_Word k = 0; k < n; k++) {
        ih_exec(b, &steps[k], &sh->res[k]);
        sh->done = k + 1;
    }
}

/*
 * A thread actor's life: wait on its control notification (a thread bound to a notification
 * would take that notification's signals in an endpoint Recv, but not in a Wait on another
 * notification), take the script from the shared state, run it; repeat.
 */
static inline void __attribute__((noreturn))
ih_serve_thread(seL4_IPCBuffer *b, seL4_CPtr ctrl, ih_shared_t *sh)
{
    for (;;) {
        seL4_RecvWithMRs(ctrl, NULL, NULL, NULL, NULL, NULL);
        ih_step_t steps[IH_MAX_STEPS];
        seL4_Word n = sh->n;
        for (seL4_Word k = 0; k < n; k++) {
            steps[k] = sh->script[k];
        }
        ih_run(b, steps, n, sh);
    }
}

/* A process actor's life: receive a script on its control endpoint, run it; repeat. (Signals
 * of a notification bound to a process actor must come while it runs a step.) */
static inline void __attribute__((noreturn))
ih_serve_process(seL4_IPCBuffer *b, seL4_CPtr ctrl, ih_shared_t *sh)
{
    for (;;) {
        seL4_Word m[4] = {0, 0, 0, 0};
        seL4_MessageInfo_t in = seL4_RecvWithMRs(ctrl, NULL, &m[0], &m[1], &m[2], &m[3]);
        ih_step_t steps[IH_MAX_STEPS];
        seL4_Word n = seL4_MessageInfo_get_length(in) / IH_STEP_WORDS;
        seL4_Word *w = (seL4_Word *)steps;
        for (seL4_Word i = 0; i < n * IH_STEP_WORDS; i++) {
            w[i] = ih_mr_get(b, m, i);
        }
        ih_run(b, steps, n, sh);
    }
}

/* Thread actors: the argument is their actor (below), in the test's memory. */
static inline void ih_thread_main(seL4_Word arg);

/* A process actor's state lives in its own copy of the image, at this address. */
static ih_shared_t ih_remote __attribute__((unused));

/* The slot of a process actor's control endpoint; slots 1..7 of SEL4ISH_PROCESS_USER_SLOT are
 * for the test's capabilities (IH_PROC_SLOT). */
#define IH_PROC_CTRL    SEL4ISH_PROCESS_USER_SLOT(0)
#define IH_PROC_SLOT(i) SEL4ISH_PROCESS_USER_SLOT(1 + (i))
#define IH_PROC_BITS    22

static inline void ih_process_main(seL4_Word arg)
{
    (void)arg;
    ih_serve_process(seL4_GetIPCBuffer(), IH_PROC_CTRL, &ih_remote);
}

/* ---- The test's side --------------------------------------------------------------------- */

/* What a test using actors holds. */
typedef struct ih_env {
    fh_space_t space;
    fh_fault_ep_t fault; /* the thread actors' fault endpoint (badge IH_FAULT_BADGE) */
} ih_env_t;

typedef struct ih_actor {
    bool is_process;
    fh_thread_t th;
    sel4ish_process_t proc;
    seL4_CPtr ctrl;      /* its control notification (threads) or endpoint (processes) */
    seL4_CPtr ctrl_cap;  /* what the test signals (threads: badged) or sends on */
    seL4_Word ipc;       /* the actor's IPC buffer (thread actors) */
    seL4_Word given;     /* scripts given */
    ih_shared_t local;   /* thread actors: the state itself; processes: a copy (ih_sync) */
    ih_shared_t *shared; /* where the state is, in the test's address space */
} ih_actor_t;

/* Moves the test thread to IH_MAIN_PRIO and makes the actors' fault endpoint. Returns 1, or 0
 * after a check failure. */
static inline int ih_init(ih_env_t *env)
{
    env->space.next = FH_REGION(21);
    CHECK_EQ(seL4_TCB_SetPriority(IH_SELF, IH_SELF, IH_MAIN_PRIO), seL4_NoError);
    env->fault = fh_fault_ep_new(IH_FAULT_BADGE);
    return env->fault.ep && env->fault.badged;
}

/* Lets every actor run until it blocks: the test thread drops below them all, and gets the CPU
 * back only when nothing else can run. */
static inline void ih_settle(void)
{
    CHECK_EQ(seL4_TCB_SetPriority(IH_SELF, IH_SELF, IH_SETTLE_PRIO), seL4_NoError);
    CHECK_EQ(seL4_TCB_SetPriority(IH_SELF, IH_SELF, IH_MAIN_PRIO), seL4_NoError);
}

/* ih_settle, keeping the test thread's caps_or_badges (set with seL4_SetCap, or poisoned
 * before a receive), which the TCB invocations of settling overwrite. */
static inline void ih_settle_keep_caps(void)
{
    seL4_Word caps[3];
    for (int i = 0; i < 3; i++) {
        caps[i] = seL4_GetIPCBuffer()->caps_or_badges[i];
    }
    ih_settle();
    for (int i = 0; i < 3; i++) {
        seL4_GetIPCBuffer()->caps_or_badges[i] = caps[i];
    }
}

/* Memory of the test's region for an actor (zeroed pages). */
static inline void *ih_alloc(ih_env_t *env, seL4_Word bytes)
{
    return (void *)fh_map_pages(&env->space, (bytes + FH_PAGE - 1) / FH_PAGE);
}

/* A new thread actor at prio (fault endpoint: env->fault), waiting for its first script.
 * Returns NULL after a check failure. */
static inline ih_actor_t *ih_thread(ih_env_t *env, seL4_Word prio)
{
    ih_actor_t *a = ih_alloc(env, sizeof(ih_actor_t));
    if (!a) {
        return NULL;
    }
    a->is_process = false;
    a->shared = &a->local;
    a->ctrl = test_object(seL4_NotificationObject, 0);
    a->ctrl_cap = a->ctrl ? fh_mint(a->ctrl, seL4_CanWrite, 1) : 0;
    if (!a->ctrl || !fh_thread_new(&a->th, &env->space, env->fault.badged, prio, true)) {
        return NULL;
    }
    a->ipc = a->th.ipc;
    if (!fh_thread_start(&a->th, ih_thread_main, (seL4_Word)a)) {
        return NULL;
    }
    ih_settle(); /* it waits for a script */
    return a;
}

static inline void ih_thread_main(seL4_Word arg)
{
    ih_actor_t *a = (ih_actor_t *)arg;
    ih_serve_thread((seL4_IPCBuffer *)a->ipc, a->ctrl, a->shared);
}

/* A fresh untyped of 2^bits bytes whose physical address is known (a frame made from it tells
 * it, then Revoke makes the untyped fresh again). */
static inline seL4_CPtr ih_untyped(seL4_Word bits, seL4_Word *paddr)
{
    seL4_CPtr ut = test_untyped(bits);
    seL4_CPtr f = test_slot();
    if (!ut || !f) {
        return 0;
    }
    CHECK_EQ(seL4_Untyped_Retype(ut, seL4_X86_4K, 0, IH_ROOT, 0, 0, f, 1), seL4_NoError);
    *paddr = test_paddr(f);
    CHECK(*paddr != 0);
    CHECK_EQ(seL4_CNode_Revoke(IH_ROOT, ut, IH_DEPTH), seL4_NoError);
    return *paddr ? ut : 0;
}

/*
 * A new process actor at prio: its control endpoint in IH_PROC_CTRL, and the test's
 * capabilities caps[i] (root slots) copied with rights[i] and badges[i] (minted if not 0) to
 * IH_PROC_SLOT(i), i < n (at most 7). Its faults go to env->fault.ep with badge
 * IH_PROC_FAULT_BADGE. Returns NULL after a check failure.
 */
static inline ih_actor_t *ih_process(ih_env_t *env, seL4_Word prio, seL4_Word n,
                                     const seL4_CPtr *caps, const seL4_CapRights_t *rights,
                                     const seL4_Word *badges)
{
    ih_actor_t *a = ih_alloc(env, sizeof(ih_actor_t));
    seL4_Word paddr = 0;
    seL4_CPtr ut = ih_untyped(IH_PROC_BITS, &paddr);
    seL4_CPtr slots = test_slots(SEL4ISH_PROCESS_SLOTS);
    if (!a || !ut || !slots || n > 7) {
        return NULL;
    }
    a->is_process = true;
    a->shared = &a->local;
    a->ctrl = test_object(seL4_EndpointObject, 0);
    a->ctrl_cap = a->ctrl;
    sel4ish_process_cap_t pc[8];
    pc[0] = (sel4ish_process_cap_t){a->ctrl, IH_PROC_CTRL, SEL4ISH_CAP_COPY, seL4_AllRights, 0};
    for (seL4_Word i = 0; i < n; i++) {
        pc[1 + i] = (sel4ish_process_cap_t){caps[i], IH_PROC_SLOT(i),
                                            badges[i] ? SEL4ISH_CAP_MINT : SEL4ISH_CAP_COPY,
                                            rights[i], badges[i]};
    }
    sel4ish_process_config_t c = {
        .untyped = ut,
        .untyped_paddr = paddr,
        .untyped_bits = IH_PROC_BITS,
        .slots = slots,
        .fault_ep = env->fault.ep,
        .fault_badge = IH_PROC_FAULT_BADGE,
        .priority = prio,
        .mcp = prio,
        .caps = pc,
        .num_caps = n + 1,
    };
    seL4_Error err = sel4ish_process_create(&a->proc, &c);
    CHECK_EQ(err, seL4_NoError);
    if (err == seL4_NoError) {
        err = sel4ish_process_start(&a->proc, ih_process_main, 0);
        CHECK_EQ(err, seL4_NoError);
    }
    ih_settle(); /* it waits for a script */
    return err == seL4_NoError ? a : NULL;
}

/* Copies n words at offset off of a process actor's state into its local copy (thread
 * actors' state is shared: nothing to do). */
static inline void ih_sync(ih_actor_t *a, seL4_Word off, seL4_Word n)
{
    if (!a->is_process) {
        return;
    }
    seL4_Word *dst = (seL4_Word *)((char *)&a->local + off);
    for (seL4_Word i = 0; i < n / sizeof(seL4_Word); i++) {
        seL4_Word v = 0;
        CHECK_EQ(sel4ish_process_read_word(&a->proc, (seL4_Word)&ih_remote + off + 8 * i, &v),
                 seL4_NoError);
        dst[i] = v;
    }
}

/* Hands the actor a script of n steps; the actor should be waiting for one (it runs it once
 * the test blocks or settles). A busy actor never blocks the test: a process actor drops the
 * script (it comes by NBSend), a thread actor runs it when it next waits for one; ih_done
 * reports a script not taken yet. */
static inline void ih_give_now(ih_actor_t *a, const ih_step_t *steps, seL4_Word n)
{
    a->given++;
    if (!a->is_process) {
        for (seL4_Word k = 0; k < n; k++) {
            a->shared->script[k] = steps[k];
        }
        a->shared->n = n;
        seL4_Signal(a->ctrl_cap);
        return;
    }
    const seL4_Word *w = (const seL4_Word *)steps;
    for (seL4_Word i = 0; i < n * IH_STEP_WORDS; i++) {
        seL4_SetMR((int)i, w[i]);
    }
    seL4_NBSend(a->ctrl_cap, seL4_MessageInfo_new(0, 0, 0, n * IH_STEP_WORDS));
}

/* ih_give_now after letting every actor run until it blocks (so one that finished its last
 * script waits for the next). */
static inline void ih_give(ih_actor_t *a, const ih_step_t *steps, seL4_Word n)
{
    ih_settle();
    ih_give_now(a, steps, n);
}

/* Steps of the last script the actor finished (~0 if it never took that script). */
static inline seL4_Word ih_done(ih_actor_t *a)
{
    ih_sync(a, 0, 2 * sizeof(seL4_Word));
    return a->shared->scripts == a->given ? a->shared->done : ~0ul;
}

/* Step k's result. */
static inline const ih_result_t *ih_res(ih_actor_t *a, seL4_Word k)
{
    ih_sync(a, offsetof(ih_shared_t, res) + k * sizeof(ih_result_t), sizeof(ih_result_t));
    return &a->shared->res[k];
}

static inline void ih_destroy(ih_actor_t *a)
{
    if (!a) {
        return;
    }
    if (a->is_process) {
        CHECK_EQ(sel4ish_process_destroy(&a->proc), seL4_NoError);
    } else {
        fh_thread_destroy(&a->th);
    }
}

/* The TCB of an actor, in the test's CSpace. */
static inline seL4_CPtr ih_tcb(const ih_actor_t *a)
{
    return a->is_process ? a->proc.tcb : a->th.tcb;
}

/* Fields of a result's message info. */
static inline seL4_Word ih_label(const ih_result_t *r)
{
    return seL4_MessageInfo_get_label((seL4_MessageInfo_t){{r->info}});
}

static inline seL4_Word ih_len(const ih_result_t *r)
{
    return seL4_MessageInfo_get_length((seL4_MessageInfo_t){{r->info}});
}

static inline seL4_Word ih_extra(const ih_result_t *r)
{
    return seL4_MessageInfo_get_extraCaps((seL4_MessageInfo_t){{r->info}});
}

static inline seL4_Word ih_unwrapped(const ih_result_t *r)
{
    return seL4_MessageInfo_get_capsUnwrapped((seL4_MessageInfo_t){{r->info}});
}

/* Checks that result r is the pattern message (label, len) with badge, no capabilities, every
 * word right and nothing written past it. A macro, so failures name the caller's line. */
#define IH_CHECK_MSG(r, badge_, label_, len_)                                                      \
    do {                                                                                           \
        const ih_result_t *r_ = (r);                                                               \
        CHECK_EQ(r_->badge, (badge_));                                                             \
        CHECK_EQ(ih_label(r_), (label_));                                                          \
        CHECK_EQ(ih_len(r_), (len_));                                                              \
        CHECK_EQ(ih_extra(r_), 0);                                                                 \
        CHECK_EQ(ih_unwrapped(r_), 0);                                                             \
        CHECK_EQ(r_->bad, 0);                                                                      \
        CHECK_EQ(r_->poison, 0);                                                                   \
    } while (0)

/* ---- The test thread as a party ---------------------------------------------------------- */

/* Puts the pattern message (label, len) in the test thread's message registers and returns
 * its message info (with extra capabilities as given). */
static inline seL4_MessageInfo_t ih_msg(seL4_Word label, seL4_Word len, seL4_Word extra)
{
    for (seL4_Word i = 0; i < len && i < seL4_MsgMaxLength; i++) {
        seL4_SetMR((int)i, ih_word(label, i));
    }
    return seL4_MessageInfo_new(label, 0, extra, len);
}

/*
 * The test thread receives a message a blocked sender should have queued by now: every actor
 * runs first, then NBRecv takes the message. If none is there (a kernel bug), the result is
 * an empty message with badge 0 and checks fail, rather than the test hanging.
 */
static inline seL4_MessageInfo_t ih_recv(seL4_CPtr ep, seL4_Word *badge)
{
    ih_settle_keep_caps();
    return seL4_NBRecv(ep, badge);
}

/* The test thread sends to a receiver that should be waiting by now (every actor runs
 * first), by NBSend: a receiver that is not there fails checks rather than hanging the test. */
static inline void ih_send(seL4_CPtr ep, seL4_MessageInfo_t info)
{
    ih_settle_keep_caps();
    seL4_NBSend(ep, info);
}

/* Fills the test thread's message words (and caps_or_badges) with poison before a receive. */
static inline void ih_poison(void)
{
    for (int i = 0; i < (int)seL4_MsgMaxLength; i++) {
        seL4_SetMR(i, IH_POISON);
    }
    for (int i = 0; i < 3; i++) {
        seL4_GetIPCBuffer()->caps_or_badges[i] = IH_COB_POISON;
    }
}

/* Wrong words of the message the test thread received with info (past MR3, the IPC buffer;
 * MR0..3 as the wrappers copied them there), plus words past it that are not poison (from
 * word `sent` on, if the test thread sent that many in the same call, as for ReplyRecv). */
static inline seL4_Word ih_bad_words_after(seL4_MessageInfo_t info, seL4_Word sent)
{
    seL4_Word len = seL4_MessageInfo_get_length(info), label = seL4_MessageInfo_get_label(info);
    seL4_Word bad = 0;
    for (seL4_Word i = 0; i < seL4_MsgMaxLength; i++) {
        if (i < len) {
            bad += seL4_GetMR((int)i) != ih_word(label, i);
        } else if (i >= 4 && i >= sent) {
            bad += seL4_GetMR((int)i) != IH_POISON;
        }
    }
    return bad;
}

static inline seL4_Word ih_bad_words(seL4_MessageInfo_t info)
{
    return ih_bad_words_after(info, 0);
}

/* The test thread's copy of a capability: a new slot holding a copy (rights) or mint of src. */
static inline seL4_CPtr ih_mint(seL4_CPtr src, seL4_CapRights_t rights, seL4_Word badge)
{
    return fh_mint(src, rights, badge);
}

/* seL4's capability type numbers (support.h). */
#define IH_CAP_NULL         TEST_CAP_NULL
#define IH_CAP_ENDPOINT     TEST_CAP_ENDPOINT
#define IH_CAP_NOTIFICATION TEST_CAP_NOTIFICATION
#define IH_CAP_REPLY        TEST_CAP_REPLY
#define IH_CAP_THREAD       TEST_CAP_THREAD

/*
 * The type of the capability in the test thread's slot as far as the kernel shows it, when it
 * should be `expected`: on a debug kernel seL4's type number (DebugCapIdentify, exact); on a
 * release kernel what test_cap_type_probed finds, where a capability the probes can only
 * narrow down to "an endpoint or a notification" (badged, fewer rights, a bound notification)
 * counts as `expected` if that is one of the two.
 */
static inline seL4_Word ih_cap_seen(seL4_CPtr slot, seL4_Word expected)
{
    seL4_Word type = test_cap_type(slot);
    if (type == TEST_CAP_EP_OR_NTFN &&
        (expected == IH_CAP_ENDPOINT || expected == IH_CAP_NOTIFICATION)) {
        return expected;
    }
    return type;
}

/* Checks that the test thread's slot holds a capability of the given type (IH_CAP_NULL:
 * nothing), with ih_cap_seen. A macro, so failures name the caller's line. */
#define IH_CHECK_CAP(slot, type) CHECK_EQ(ih_cap_seen((slot), (type)), (type))
