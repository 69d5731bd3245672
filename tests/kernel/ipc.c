/*
 * IPC: endpoint message passing. Every send/receive combination (Send, NBSend, Call with Recv,
 * NBRecv, ReplyRecv; sender first and receiver first) between threads of one address space
 * and between processes; message lengths 0 to 120 with every word checked; labels, badges,
 * capability transfer and unwrapping, Reply, ReplyRecv and saved reply capabilities, the FIFO
 * order of endpoint queues, and IPC partners that are deleted or suspended while blocked.
 *
 * Actors (ipc_helpers.h) run below the test thread and run only while it settles or blocks.
 */
#include "ipc_helpers.h"

#define ROOT IH_ROOT
#define D    IH_DEPTH

/* Labels of pattern messages (never an error code or a fault type). */
#define L(n) (0x1000ul + (n))

/* Message lengths the combination tests cycle through. */
static const seL4_Word lengths[] = {0, 1, 2, 3, 4, 5, 9, 31, 64, 119, 120};
#define N_LENGTHS (sizeof(lengths) / sizeof(lengths[0]))

/* ---- Every send/receive combination ----------------------------------------------------- */

/* One sender/receiver pair and the capabilities each names the endpoint with. */
typedef struct pair {
    ih_actor_t *s, *r;
    seL4_CPtr s_ep, r_ep; /* the endpoint in the sender's / receiver's CSpace */
    seL4_CPtr ep;         /* the test thread's unbadged capability to it */
    seL4_Word badge;      /* the badge of s_ep */
} pair_t;

/*
 * One exchange: the sender does sop, the receiver rop (a Call is answered with Reply after
 * Recv/NBRecv, or with a second ReplyRecv, which then receives a message of the test thread).
 * The sender first (it blocks before the receiver arrives) or the receiver first. Checks every
 * result: message, badge, the reply, and who blocked in between.
 */
static void exchange(pair_t *p, ih_op_t sop, ih_op_t rop, bool sender_first, seL4_Word n)
{
    seL4_Word len = lengths[n % N_LENGTHS], rlen = lengths[(n + 5) % N_LENGTHS];
    seL4_Word label = L(0x100 + 2 * n), rlabel = label + 1;
    ih_step_t ss[1] = {ih_step(sop, p->s_ep, label, len)};
    ih_step_t rs[2];
    seL4_Word nr = 1;
    if (rop == IH_REPLYRECV) {
        /* Nobody to reply to yet: the reply half does nothing. */
        rs[0] = ih_step(IH_REPLYRECV, p->r_ep, L(0xfff), 3);
    } else {
        rs[0] = ih_step(rop, p->r_ep, 0, 0);
    }
    if (sop == IH_CALL) {
        rs[nr++] = ih_step(rop == IH_REPLYRECV ? IH_REPLYRECV : IH_REPLY, p->r_ep, rlabel, rlen);
    }
    if (sender_first) {
        ih_give(p->s, ss, 1);
        ih_settle();
        CHECK_EQ(ih_done(p->s), 0); /* blocked in Send or Call */
        ih_give(p->r, rs, nr);
    } else {
        ih_give(p->r, rs, nr);
        ih_settle();
        CHECK_EQ(ih_done(p->r), 0); /* blocked in Recv or ReplyRecv */
        ih_give(p->s, ss, 1);
    }
    ih_settle();
    if (sop == IH_CALL && rop == IH_REPLYRECV) {
        /* The receiver replied and waits again: a message of the test thread ends its script. */
        CHECK_EQ(ih_done(p->r), 1);
        ih_send(p->ep, ih_msg(L(0xeee), 2, 0));
        ih_settle();
        IH_CHECK_MSG(ih_res(p->r, 1), 0, L(0xeee), 2);
    }
    CHECK_EQ(ih_done(p->s), 1);
    CHECK_EQ(ih_done(p->r), nr);
    IH_CHECK_MSG(ih_res(p->r, 0), p->badge, label, len);
    if (sop == IH_CALL) {
        IH_CHECK_MSG(ih_res(p->s, 0), 0, rlabel, rlen);
    }
}

/* Every combination that delivers a message, in both orders where both exist. */
static void all_combinations(pair_t *p)
{
    static const ih_op_t blocking_send[] = {IH_SEND, IH_CALL};
    static const ih_op_t any_send[] = {IH_SEND, IH_NBSEND, IH_CALL};
    static const ih_op_t any_recv[] = {IH_RECV, IH_NBRECV, IH_REPLYRECV};
    static const ih_op_t blocking_recv[] = {IH_RECV, IH_REPLYRECV};
    seL4_Word n = 0;
    for (unsigned i = 0; i < 2; i++) {
        for (unsigned j = 0; j < 3; j++) {
            exchange(p, blocking_send[i], any_recv[j], true, n++);
        }
    }
    for (unsigned i = 0; i < 3; i++) {
        for (unsigned j = 0; j < 2; j++) {
            exchange(p, any_send[i], blocking_recv[j], false, n++);
        }
    }
}

static void ipc_combinations_threads(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    pair_t p = {0};
    p.ep = test_object(seL4_EndpointObject, 0);
    p.badge = 0x5eed;
    p.s_ep = ih_mint(p.ep, seL4_AllRights, p.badge);
    p.r_ep = p.ep;
    p.s = ih_thread(&env, IH_ACTOR_PRIO);
    p.r = ih_thread(&env, IH_ACTOR_PRIO);
    if (p.s && p.r) {
        ih_settle();
        all_combinations(&p);
    }
    ih_destroy(p.s);
    ih_destroy(p.r);
}
DEFINE_TEST(IPC0001,
            "threads: every Send/NBSend/Call x Recv/NBRecv/ReplyRecv combination, both orders",
            ipc_combinations_threads);

/* A sender and a receiver in different address spaces: the process is the sender (or the
 * receiver), a thread of the test the other. */
static void combinations_process(bool process_sends)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    pair_t p = {0};
    p.ep = test_object(seL4_EndpointObject, 0);
    p.badge = 0xb0b;
    seL4_CapRights_t all = seL4_AllRights;
    ih_actor_t *proc, *thread;
    if (process_sends) {
        proc = ih_process(&env, IH_ACTOR_PRIO, 1, &p.ep, &all, &p.badge);
        thread = ih_thread(&env, IH_ACTOR_PRIO);
        p.s = proc, p.r = thread;
        p.s_ep = IH_PROC_SLOT(0);
        p.r_ep = p.ep;
    } else {
        seL4_Word none = 0;
        proc = ih_process(&env, IH_ACTOR_PRIO, 1, &p.ep, &all, &none);
        thread = ih_thread(&env, IH_ACTOR_PRIO);
        p.s = thread, p.r = proc;
        p.s_ep = ih_mint(p.ep, seL4_AllRights, p.badge);
        p.r_ep = IH_PROC_SLOT(0);
    }
    if (proc && thread) {
        ih_settle();
        all_combinations(&p);
    }
    ih_destroy(proc);
    ih_destroy(thread);
}

static void ipc_combinations_process_sends(void)
{
    combinations_process(true);
}
DEFINE_TEST(IPC0002, "address spaces: every combination, a process sending to a thread",
            ipc_combinations_process_sends);

static void ipc_combinations_process_receives(void)
{
    combinations_process(false);
}
DEFINE_TEST(IPC0003, "address spaces: every combination, a thread sending to a process",
            ipc_combinations_process_receives);

/* ---- Message lengths, labels, badges ---------------------------------------------------- */

/* The sender sends lengths 0..120 to the test thread, which checks every word and that nothing
 * past the message changed; then the test thread sends them to the actor, which checks them.
 * With `blocking`, the test thread waits in Recv before each message is sent and blocks in
 * Send until the actor receives; otherwise it settles first and uses NBRecv/NBSend (a lost
 * message then fails checks instead of hanging the test). */
static void lengths_with(ih_actor_t *a, seL4_CPtr actor_ep, seL4_CPtr ep, seL4_Word badge,
                         bool blocking)
{
    for (seL4_Word first = 0; first <= seL4_MsgMaxLength; first += IH_MAX_STEPS) {
        ih_step_t st[IH_MAX_STEPS];
        seL4_Word n = 0;
        for (; n < IH_MAX_STEPS && first + n <= seL4_MsgMaxLength; n++) {
            st[n] = ih_step(IH_SEND, actor_ep, L(first + n), first + n);
        }
        ih_give(a, st, n);
        for (seL4_Word k = 0; k < n; k++) {
            seL4_Word got_badge = ~0ul;
            ih_poison();
            seL4_MessageInfo_t info =
                blocking ? seL4_Recv(ep, &got_badge) : ih_recv(ep, &got_badge);
            CHECK_EQ(got_badge, badge);
            CHECK_EQ(seL4_MessageInfo_get_label(info), L(first + k));
            CHECK_EQ(seL4_MessageInfo_get_length(info), first + k);
            CHECK_EQ(seL4_MessageInfo_get_extraCaps(info), 0);
            CHECK_EQ(ih_bad_words(info), 0);
        }
        ih_settle();
        CHECK_EQ(ih_done(a), n);
    }
    for (seL4_Word first = 0; first <= seL4_MsgMaxLength; first += IH_MAX_STEPS) {
        ih_step_t st[IH_MAX_STEPS];
        seL4_Word n = 0;
        for (; n < IH_MAX_STEPS && first + n <= seL4_MsgMaxLength; n++) {
            st[n] = ih_step(IH_RECV, actor_ep, 0, 0);
        }
        ih_give(a, st, n);
        for (seL4_Word k = 0; k < n; k++) {
            if (blocking) {
                seL4_Send(ep, ih_msg(L(0x200 + first + k), first + k, 0));
            } else {
                ih_send(ep, ih_msg(L(0x200 + first + k), first + k, 0));
            }
        }
        ih_settle();
        CHECK_EQ(ih_done(a), n);
        for (seL4_Word k = 0; k < n; k++) {
            IH_CHECK_MSG(ih_res(a, k), 0, L(0x200 + first + k), first + k);
        }
    }
}

static void ipc_lengths_thread(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    ih_actor_t *a = ih_thread(&env, IH_ACTOR_PRIO);
    if (a) {
        lengths_with(a, ep, ep, 0, true);
    }
    ih_destroy(a);
}
DEFINE_TEST(IPC0004, "threads: lengths 0..120 both ways, every word right, nothing past it",
            ipc_lengths_thread);

static void ipc_lengths_process(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    seL4_CapRights_t all = seL4_AllRights;
    seL4_Word badge = 0x7e57;
    ih_actor_t *a = ih_process(&env, IH_ACTOR_PRIO, 1, &ep, &all, &badge);
    if (a) {
        lengths_with(a, IH_PROC_SLOT(0), ep, badge, false);
    }
    ih_destroy(a);
}
DEFINE_TEST(IPC0005, "address spaces: lengths 0..120 both ways, every word right",
            ipc_lengths_process);

static void ipc_length_clipped(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    ih_actor_t *a = ih_thread(&env, IH_ACTOR_PRIO);
    if (!a) {
        return;
    }
    /* A length field of 121..127 is taken as 120, both ways. */
    ih_step_t st[3] = {
        ih_step(IH_SEND, ep, L(1), 127),
        /* Stray capsUnwrapped bits, a 52-bit label: the receiver sees the label only. */
        ih_step(IH_SEND_PLAIN, ep, seL4_MessageInfo_new(0xfffffffffffff, 7, 0, 0).words[0], 0),
        ih_step(IH_RECV, ep, 0, 0),
    };
    ih_give(a, st, 3);
    ih_poison();
    seL4_MessageInfo_t info = ih_recv(ep, NULL);
    CHECK_EQ(seL4_MessageInfo_get_length(info), seL4_MsgMaxLength);
    CHECK_EQ(seL4_MessageInfo_get_label(info), L(1));
    CHECK_EQ(ih_bad_words(info), 0);
    info = ih_recv(ep, NULL);
    CHECK_EQ(info.words[0], seL4_MessageInfo_new(0xfffffffffffff, 0, 0, 0).words[0]);
    ih_msg(L(2), seL4_MsgMaxLength, 0);
    ih_send(ep, seL4_MessageInfo_new(L(2), 0, 0, 125));
    ih_settle();
    CHECK_EQ(ih_done(a), 3);
    IH_CHECK_MSG(ih_res(a, 2), 0, L(2), seL4_MsgMaxLength);
    ih_destroy(a);
}
DEFINE_TEST(IPC0006, "a length over 120 is taken as 120; stray capsUnwrapped bits are cleared",
            ipc_length_clipped);

static void ipc_badges(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    static const seL4_Word badges[3] = {0, 0x1, 0xfedcba9876543210ul};
    ih_actor_t *a[3];
    for (unsigned i = 0; i < 3; i++) {
        a[i] = ih_thread(&env, IH_ACTOR_PRIO);
        if (!a[i]) {
            return;
        }
    }
    ih_settle();
    for (unsigned i = 0; i < 3; i++) {
        /* The unbadged original, then badged copies; the test thread receives unbadged. */
        seL4_CPtr cap = badges[i] ? ih_mint(ep, seL4_AllRights, badges[i]) : ep;
        ih_step_t st = ih_step(IH_SEND, cap, L(i), i + 1);
        ih_give(a[i], &st, 1);
    }
    ih_settle();
    for (unsigned i = 0; i < 3; i++) {
        seL4_Word badge = ~0ul;
        ih_poison();
        seL4_MessageInfo_t info = ih_recv(ep, &badge);
        CHECK_EQ(seL4_MessageInfo_get_label(info), L(i));
        CHECK_EQ(badge, badges[i]);
        CHECK_EQ(ih_bad_words(info), 0);
    }
    /* And the other way: the receiver's badge is the sender's capability's, whatever the
     * receiver's own capability says. */
    seL4_CPtr recv_cap = ih_mint(ep, seL4_AllRights, 0x4444);
    ih_step_t st = ih_step(IH_RECV, recv_cap, 0, 0);
    ih_give(a[0], &st, 1);
    ih_settle();
    ih_send(ep, ih_msg(L(9), 1, 0));
    ih_settle();
    IH_CHECK_MSG(ih_res(a[0], 0), 0, L(9), 1);
    ih_give(a[0], &st, 1);
    ih_settle();
    ih_send(ih_mint(ep, seL4_AllRights, 0x77), ih_msg(L(10), 0, 0));
    ih_settle();
    IH_CHECK_MSG(ih_res(a[0], 0), 0x77, L(10), 0);
    for (unsigned i = 0; i < 3; i++) {
        ih_destroy(a[i]);
    }
}
DEFINE_TEST(IPC0007, "the receiver gets the sender capability's badge: 0 unbadged, 64 bits",
            ipc_badges);

static void ipc_nbsend_dropped(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    ih_actor_t *a = ih_thread(&env, IH_ACTOR_PRIO);
    if (!a) {
        return;
    }
    ih_settle();
    /* Nobody receives: the actor's NBSend returns at once and the message is gone. */
    ih_step_t st[2] = {ih_step(IH_NBSEND, ep, L(1), 7), ih_step(IH_SEND, ep, L(2), 5)};
    ih_give(a, st, 2);
    ih_settle();
    CHECK_EQ(ih_done(a), 1); /* blocked in the Send */
    ih_poison();
    seL4_MessageInfo_t info = ih_recv(ep, NULL);
    CHECK_EQ(seL4_MessageInfo_get_label(info), L(2));
    CHECK_EQ(seL4_MessageInfo_get_length(info), 5);
    CHECK_EQ(ih_bad_words(info), 0);
    seL4_Word badge = ~0ul;
    info = seL4_NBRecv(ep, &badge);
    CHECK_EQ(badge, 0);
    CHECK_EQ(info.words[0], 0);
    ih_settle();
    CHECK_EQ(ih_done(a), 2);

    /* With senders queued and no receiver, an NBSend is dropped too (it does not queue). */
    ih_step_t s3 = ih_step(IH_SEND, ep, L(5), 1);
    ih_give(a, &s3, 1);
    ih_settle();
    seL4_NBSend(ep, ih_msg(L(6), 1, 0));
    CHECK_EQ(seL4_MessageInfo_get_label(ih_recv(ep, NULL)), L(5));
    CHECK_EQ(seL4_NBRecv(ep, NULL).words[0], 0);

    /* The test thread's NBSend with nobody waiting: dropped too; a later receiver blocks. */
    seL4_NBSend(ep, ih_msg(L(3), 2, 0));
    ih_step_t r = ih_step(IH_RECV, ep, 0, 0);
    ih_give(a, &r, 1);
    ih_settle();
    CHECK_EQ(ih_done(a), 0);
    ih_send(ep, ih_msg(L(4), 3, 0));
    ih_settle();
    CHECK_EQ(ih_done(a), 1);
    IH_CHECK_MSG(ih_res(a, 0), 0, L(4), 3);
    ih_destroy(a);
}
DEFINE_TEST(IPC0008, "NBSend with no receiver drops the message; the next Send is received",
            ipc_nbsend_dropped);

static void ipc_nbrecv_empty(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    seL4_CPtr badged = ih_mint(ep, seL4_AllRights, 0x99);
    /* The badge register held the capability pointer: NBRecv overwrites it with 0. */
    seL4_Word badge = ~0ul;
    seL4_MessageInfo_t info = seL4_NBRecv(badged, &badge);
    CHECK_EQ(badge, 0);
    CHECK_EQ(info.words[0], 0);

    ih_actor_t *a = ih_thread(&env, IH_ACTOR_PRIO);
    ih_actor_t *b = ih_thread(&env, IH_ACTOR_PRIO);
    if (!a || !b) {
        return;
    }
    ih_settle();
    ih_step_t st = ih_step(IH_NBRECV, badged, 0, 0);
    ih_give(a, &st, 1);
    ih_settle();
    CHECK_EQ(ih_done(a), 1);
    CHECK_EQ(ih_res(a, 0)->badge, 0);
    CHECK_EQ(ih_res(a, 0)->info, 0);
    CHECK_EQ(ih_res(a, 0)->poison, 0);
    /* With a receiver already waiting, NBRecv still returns at once, and the waiting receiver
     * keeps its place. */
    ih_step_t wait = ih_step(IH_RECV, ep, 0, 0);
    ih_give(b, &wait, 1);
    ih_settle();
    CHECK_EQ(ih_done(b), 0);
    info = seL4_NBRecv(ep, &badge);
    CHECK_EQ(badge, 0);
    CHECK_EQ(info.words[0], 0);
    ih_give(a, &st, 1);
    ih_settle();
    CHECK_EQ(ih_done(a), 1);
    CHECK_EQ(ih_res(a, 0)->info, 0);
    ih_send(badged, ih_msg(L(5), 4, 0));
    ih_settle();
    CHECK_EQ(ih_done(b), 1);
    IH_CHECK_MSG(ih_res(b, 0), 0x99, L(5), 4);
    ih_destroy(a);
    ih_destroy(b);
}
DEFINE_TEST(IPC0009, "NBRecv with no sender returns at once with badge 0 and an empty message",
            ipc_nbrecv_empty);

/* ---- Capability transfer ---------------------------------------------------------------- */

/* A notification whose identity shows through a copy: signalling the copy `cap` wakes a Poll
 * on the original `ntfn` with the copy's badge. */
static void check_ntfn_copy(seL4_CPtr cap, seL4_CPtr ntfn, seL4_Word badge)
{
    IH_CHECK_CAP(cap, IH_CAP_NOTIFICATION);
    seL4_Signal(cap);
    seL4_Word got = ~0ul;
    seL4_Poll(ntfn, &got);
    CHECK_EQ(got, badge);
}

static void ipc_cap_transfer_one(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    seL4_CPtr ntfn = test_object(seL4_NotificationObject, 0);
    seL4_CPtr sent = ih_mint(ntfn, seL4_CanWrite, 0x77);
    seL4_CPtr slot = test_slot();
    ih_actor_t *a = ih_thread(&env, IH_ACTOR_PRIO);
    if (!a) {
        return;
    }
    /* The test thread sends one capability to a thread (receiver first). */
    ih_step_t st[2] = {ih_recv_path(ROOT, slot, D), ih_step(IH_RECV, ep, 0, 0)};
    ih_give(a, st, 2);
    ih_settle();
    seL4_SetCap(0, sent);
    ih_send(ep, ih_msg(L(1), 6, 1));
    ih_settle();
    CHECK_EQ(ih_done(a), 2);
    const ih_result_t *r = ih_res(a, 1);
    CHECK_EQ(ih_label(r), L(1));
    CHECK_EQ(ih_len(r), 6);
    CHECK_EQ(ih_extra(r), 1);
    CHECK_EQ(ih_unwrapped(r), 0);
    CHECK_EQ(r->bad, 0);
    CHECK_EQ(r->cob[0], IH_COB_POISON); /* no badge written for a transferred capability */
    check_ntfn_copy(slot, ntfn, 0x77);
    IH_CHECK_CAP(sent, IH_CAP_NOTIFICATION); /* the sender keeps its own */

    /* A thread sends an endpoint capability with Read only to the test thread (sender first):
     * the copy has the sender's rights, so it cannot send. */
    seL4_CPtr ep2 = test_object(seL4_EndpointObject, 0);
    seL4_CPtr ro = ih_mint(ep2, seL4_CanRead, 0);
    seL4_CPtr slot2 = test_slot();
    ih_step_t s1 = ih_step_caps(IH_SEND, ep, L(2), 2, 1, ro, 0, 0);
    ih_give(a, &s1, 1);
    ih_settle();
    seL4_SetCapReceivePath(ROOT, slot2, D);
    ih_poison();
    seL4_MessageInfo_t info = ih_recv(ep, NULL);
    CHECK_EQ(seL4_MessageInfo_get_extraCaps(info), 1);
    CHECK_EQ(seL4_MessageInfo_get_capsUnwrapped(info), 0);
    CHECK_EQ(ih_bad_words(info), 0);
    IH_CHECK_CAP(slot2, IH_CAP_ENDPOINT);
    seL4_SetCapReceivePath(0, 0, 0);
    ih_step_t s2 = ih_step(IH_CALL, slot2, L(3), 0);
    ih_give(a, &s2, 1);
    ih_settle();
    CHECK_EQ(ih_done(a), 1);
    CHECK_EQ(ih_label(ih_res(a, 0)), seL4_InvalidCapability);
    ih_destroy(a);
}
DEFINE_TEST(IPC0010, "one capability goes to the receive slot: a copy with its badge, rights",
            ipc_cap_transfer_one);

static void ipc_cap_transfer_process(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    seL4_CPtr ntfn = test_object(seL4_NotificationObject, 0);
    seL4_CPtr sent = ih_mint(ntfn, seL4_CanWrite, 0x88);
    seL4_CapRights_t all = seL4_AllRights;
    seL4_Word none = 0;
    ih_actor_t *p = ih_process(&env, IH_ACTOR_PRIO, 1, &ep, &all, &none);
    if (!p) {
        return;
    }
    /* Into the process's own CNode, its last slot (its image frames and untypeds come first). */
    const seL4_Word pslot = (1ul << SEL4ISH_PROCESS_CNODE_BITS) - 1;
    ih_step_t st[2] = {ih_recv_path(seL4_CapInitThreadCNode, pslot, D),
                       ih_step(IH_RECV, IH_PROC_SLOT(0), 0, 0)};
    ih_give(p, st, 2);
    seL4_SetCap(0, sent);
    ih_send(ep, ih_msg(L(1), 11, 1));
    ih_settle();
    CHECK_EQ(ih_done(p), 2);
    const ih_result_t *r = ih_res(p, 1);
    CHECK_EQ(ih_extra(r), 1);
    CHECK_EQ(r->bad, 0);
    CHECK_EQ(ih_len(r), 11);
    seL4_CPtr out = test_slot();
    CHECK_EQ(seL4_CNode_Copy(ROOT, out, D, p->proc.cnode, pslot, SEL4ISH_PROCESS_CNODE_BITS,
                             seL4_AllRights),
             seL4_NoError);
    check_ntfn_copy(out, ntfn, 0x88);
    /* And back: the process sends its own TCB capability (slot 1 of its CSpace). */
    seL4_CPtr got = test_slot();
    ih_step_t ss = ih_step_caps(IH_SEND, IH_PROC_SLOT(0), L(2), 2, 1, seL4_CapInitThreadTCB, 0, 0);
    ih_give(p, &ss, 1);
    ih_settle();
    seL4_SetCapReceivePath(ROOT, got, D);
    ih_poison();
    seL4_MessageInfo_t info = ih_recv(ep, NULL);
    CHECK_EQ(seL4_MessageInfo_get_label(info), L(2));
    CHECK_EQ(seL4_MessageInfo_get_extraCaps(info), 1);
    CHECK_EQ(ih_bad_words(info), 0);
    IH_CHECK_CAP(got, IH_CAP_THREAD);
    seL4_SetCapReceivePath(0, 0, 0);
    ih_destroy(p);
}
DEFINE_TEST(IPC0011, "address spaces: a capability lands in the receiving process's CNode",
            ipc_cap_transfer_process);

static void ipc_cap_transfer_three(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    seL4_CPtr n[3];
    for (int i = 0; i < 3; i++) {
        n[i] = test_object(seL4_NotificationObject, 0);
    }
    seL4_CPtr c0 = ih_mint(n[0], seL4_CanWrite, 1), c1 = ih_mint(n[1], seL4_CanWrite, 2);
    seL4_CPtr c2 = ih_mint(n[2], seL4_CanWrite, 3);
    seL4_CPtr slot = test_slot(), slot_a = test_slot();
    ih_actor_t *a = ih_thread(&env, IH_ACTOR_PRIO);
    if (!a) {
        return;
    }
    /* Three capabilities, none to the endpoint: one receive slot, so only the first goes and
     * the transfer stops at the second (extraCaps 1). Test thread to thread. */
    ih_step_t st[2] = {ih_recv_path(ROOT, slot_a, D), ih_step(IH_RECV, ep, 0, 0)};
    ih_give(a, st, 2);
    ih_settle();
    seL4_SetCap(0, c0);
    seL4_SetCap(1, c1);
    seL4_SetCap(2, c2);
    ih_send(ep, ih_msg(L(1), 3, 3));
    ih_settle();
    const ih_result_t *r = ih_res(a, 1);
    CHECK_EQ(ih_extra(r), 1);
    CHECK_EQ(ih_unwrapped(r), 0);
    CHECK_EQ(r->bad, 0);
    check_ntfn_copy(slot_a, n[0], 1);

    /* Thread to the test thread, the same. */
    ih_step_t s = ih_step_caps(IH_SEND, ep, L(2), 4, 3, c1, c2, c0);
    ih_give(a, &s, 1);
    ih_settle();
    seL4_SetCapReceivePath(ROOT, slot, D);
    ih_poison();
    seL4_MessageInfo_t info = ih_recv(ep, NULL);
    CHECK_EQ(seL4_MessageInfo_get_extraCaps(info), 1);
    CHECK_EQ(seL4_MessageInfo_get_capsUnwrapped(info), 0);
    CHECK_EQ(ih_bad_words(info), 0);
    check_ntfn_copy(slot, n[1], 2);
    seL4_SetCapReceivePath(0, 0, 0);
    ih_destroy(a);
}
DEFINE_TEST(IPC0012, "three capabilities: only the first is copied (one slot), extraCaps 1",
            ipc_cap_transfer_three);

static void ipc_cap_unwrap(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    seL4_CPtr other_ep = test_object(seL4_EndpointObject, 0);
    seL4_CPtr ntfn = test_object(seL4_NotificationObject, 0),
              ntfn2 = test_object(seL4_NotificationObject, 0);
    seL4_CPtr e11 = ih_mint(ep, seL4_AllRights, 0x11), e22 = ih_mint(ep, seL4_CanWrite, 0x22);
    seL4_CPtr e33 = ih_mint(ep, seL4_CanRead, 0x33);
    seL4_CPtr nb = ih_mint(ntfn, seL4_CanWrite, 0x5), nb2 = ih_mint(ntfn2, seL4_CanWrite, 0x6);
    seL4_CPtr sender = ih_mint(ep, seL4_AllRights, 0xabc);
    ih_actor_t *a = ih_thread(&env, IH_ACTOR_PRIO);
    if (!a) {
        return;
    }
    struct {
        seL4_CPtr caps[3];
        seL4_Word extra, unwrapped;
        seL4_Word cob[3]; /* the badges expected in caps_or_badges (poison: untouched) */
        seL4_CPtr copied; /* the notification expected in the slot (0: slot stays empty) */
        seL4_Word copied_badge;
    } cases[] = {
        /* Two to the endpoint (unwrapped, any rights), then a notification (copied). */
        {{e11, e22, nb}, 3, 3, {0x11, 0x22, IH_COB_POISON}, ntfn, 0x5},
        /* Copied first, then two unwrapped (the unbadged original gives badge 0). */
        {{nb, e33, ep}, 3, 6, {IH_COB_POISON, 0x33, 0}, ntfn, 0x5},
        /* The second copy finds no slot left: the transfer stops there. */
        {{nb2, nb, e11}, 1, 0, {IH_COB_POISON, IH_COB_POISON, IH_COB_POISON}, ntfn2, 0x6},
        /* A capability to another endpoint is copied, not unwrapped. */
        {{e11, other_ep, e22}, 3, 5, {0x11, IH_COB_POISON, 0x22}, 0, 0},
    };
    for (unsigned k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        /* Thread to the test thread, which reads the badges with seL4_GetBadge. */
        seL4_CPtr slot = test_slot();
        ih_step_t s = ih_step_caps(IH_SEND, sender, L(k), k + 2, 3, cases[k].caps[0],
                                   cases[k].caps[1], cases[k].caps[2]);
        ih_give(a, &s, 1);
        ih_settle();
        seL4_SetCapReceivePath(ROOT, slot, D);
        ih_poison();
        seL4_Word badge = 0;
        seL4_MessageInfo_t info = ih_recv(ep, &badge);
        CHECK_EQ(badge, 0xabc);
        CHECK_EQ(seL4_MessageInfo_get_label(info), L(k));
        CHECK_EQ(seL4_MessageInfo_get_extraCaps(info), cases[k].extra);
        CHECK_EQ(seL4_MessageInfo_get_capsUnwrapped(info), cases[k].unwrapped);
        CHECK_EQ(ih_bad_words(info), 0);
        for (int i = 0; i < 3; i++) {
            CHECK_EQ(seL4_GetBadge(i), cases[k].cob[i]);
        }
        if (cases[k].copied) {
            check_ntfn_copy(slot, cases[k].copied, cases[k].copied_badge);
        } else if (k == 3) {
            IH_CHECK_CAP(slot, IH_CAP_ENDPOINT);
        }
        /* The test thread to a thread: the same result in the thread's buffer. */
        seL4_CPtr slot2 = test_slot();
        ih_step_t rs[2] = {ih_recv_path(ROOT, slot2, D), ih_step(IH_RECV, ep, 0, 0)};
        ih_give(a, rs, 2);
        ih_settle();
        for (int i = 0; i < 3; i++) {
            seL4_SetCap(i, cases[k].caps[i]);
        }
        ih_send(sender, ih_msg(L(0x10 + k), 1, 3));
        ih_settle();
        const ih_result_t *r = ih_res(a, 1);
        CHECK_EQ(r->badge, 0xabc);
        CHECK_EQ(ih_extra(r), cases[k].extra);
        CHECK_EQ(ih_unwrapped(r), cases[k].unwrapped);
        CHECK_EQ(r->bad, 0);
        for (int i = 0; i < 3; i++) {
            CHECK_EQ(r->cob[i], cases[k].cob[i]);
        }
        if (cases[k].copied) {
            check_ntfn_copy(slot2, cases[k].copied, cases[k].copied_badge);
        }
    }
    seL4_SetCapReceivePath(0, 0, 0);
    ih_destroy(a);
}
DEFINE_TEST(IPC0013, "capabilities to the endpoint are unwrapped: capsUnwrapped bits, badges",
            ipc_cap_unwrap);

/* Sends from the test thread to actor a (receive path as given) a message with the three
 * capabilities caps; returns a's result. */
static const ih_result_t *send_caps_to(ih_actor_t *a, seL4_CPtr ep, seL4_CPtr cnode,
                                       seL4_Word index, seL4_Word depth, seL4_Word n,
                                       const seL4_CPtr *caps, seL4_Word label)
{
    ih_step_t rs[2] = {ih_recv_path(cnode, index, depth), ih_step(IH_RECV, ep, 0, 0)};
    ih_give(a, rs, 2);
    ih_settle();
    for (seL4_Word i = 0; i < n; i++) {
        seL4_SetCap((int)i, caps[i]);
    }
    ih_send(ep, ih_msg(label, 5, n));
    ih_settle();
    CHECK_EQ(ih_done(a), 2);
    return ih_res(a, 1);
}

static void ipc_receive_slot_unusable(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    seL4_CPtr ntfn = test_object(seL4_NotificationObject, 0);
    seL4_CPtr cn = test_cnode(4);
    seL4_CPtr nb = ih_mint(ntfn, seL4_CanWrite, 0x5);
    seL4_CPtr unwrap = ih_mint(ep, seL4_CanWrite, 0x66);
    seL4_CPtr full = ih_mint(ntfn, seL4_CanWrite, 0x9);
    ih_actor_t *a = ih_thread(&env, IH_ACTOR_PRIO);
    if (!a) {
        return;
    }
    /* An occupied slot: nothing copied (the slot keeps its capability), the message is intact;
     * unwrapping needs no slot. */
    const seL4_CPtr one[1] = {nb};
    const ih_result_t *r = send_caps_to(a, ep, ROOT, full, D, 1, one, L(1));
    CHECK_EQ(ih_extra(r), 0);
    CHECK_EQ(r->bad, 0);
    CHECK_EQ(ih_len(r), 5);
    CHECK_EQ(ih_label(r), L(1));
    check_ntfn_copy(full, ntfn, 0x9);
    const seL4_CPtr two[2] = {unwrap, nb};
    r = send_caps_to(a, ep, ROOT, full, D, 2, two, L(2));
    CHECK_EQ(ih_extra(r), 1);
    CHECK_EQ(ih_unwrapped(r), 1);
    CHECK_EQ(r->cob[0], 0x66);
    CHECK_EQ(r->bad, 0);

    /* Receive paths that name no slot: nothing copied, the message intact. */
    struct {
        seL4_CPtr cnode;
        seL4_Word index, depth;
    } bad[] = {
        {0, 0, 0},            /* never set: a null CNode capability */
        {ep, 3, 4},           /* not a CNode */
        {test_slot(), 3, 4},  /* an empty slot */
        {cn, 3, 3},           /* depth short of the CNode's 4 bits */
        {cn, 3, 5},           /* depth past them (the slot holds no CNode) */
        {cn, 3, 0},           /* depth 0 */
        {cn, 3, 65},          /* depth over 64 */
        {ROOT, 1ul << 60, D}, /* the root's guard does not match */
    };
    for (unsigned k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
        r = send_caps_to(a, ep, bad[k].cnode, bad[k].index, bad[k].depth, 1, one, L(3 + k));
        CHECK_EQ(ih_extra(r), 0);
        CHECK_EQ(r->bad, 0);
        CHECK_EQ(ih_len(r), 5);
        CHECK_EQ(ih_label(r), L(3 + k));
    }
    CHECK_EQ(test_slot_empty_at(cn, 3, 4), 1);
    /* A slot of another CNode, named with that CNode's depth: the capability goes there. */
    r = send_caps_to(a, ep, cn, 3, 4, 1, one, L(0x20));
    CHECK_EQ(ih_extra(r), 1);
    CHECK_EQ(test_slot_empty_at(cn, 3, 4), 0);
    ih_destroy(a);
}
DEFINE_TEST(IPC0014, "occupied or invalid receive slot: no capability copied, message arrives",
            ipc_receive_slot_unusable);

static void ipc_caps_not_transferable(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    seL4_CPtr ntfn = test_object(seL4_NotificationObject, 0);
    seL4_CPtr unwrap = ih_mint(ep, seL4_CanWrite, 0x21);
    seL4_CPtr empty = test_slot();
    seL4_CPtr ut = test_untyped(12);
    seL4_CPtr child = test_slot();
    CHECK_EQ(seL4_Untyped_Retype(ut, seL4_NotificationObject, 0, ROOT, 0, 0, child, 1),
             seL4_NoError);
    ih_actor_t *a = ih_thread(&env, IH_ACTOR_PRIO);
    ih_actor_t *c = ih_thread(&env, IH_ACTOR_PRIO);
    if (!a || !c) {
        return;
    }
    /* An empty slot gives a null capability: the transfer stops there, but what came before
     * counts (here an unwrapped one). */
    seL4_CPtr slot = test_slot();
    const seL4_CPtr e1[3] = {empty, ntfn, ntfn};
    const ih_result_t *r = send_caps_to(a, ep, ROOT, slot, D, 3, e1, L(1));
    CHECK_EQ(ih_extra(r), 0);
    CHECK_EQ(r->bad, 0);
    const seL4_CPtr e2[3] = {unwrap, empty, ntfn};
    r = send_caps_to(a, ep, ROOT, slot, D, 3, e2, L(2));
    CHECK_EQ(ih_extra(r), 1);
    CHECK_EQ(ih_unwrapped(r), 1);
    IH_CHECK_CAP(slot, IH_CAP_NULL);
    /* An untyped with children cannot be copied (seL4's deriveCap: RevokeFirst). */
    const seL4_CPtr e3[1] = {ut};
    r = send_caps_to(a, ep, ROOT, slot, D, 1, e3, L(3));
    CHECK_EQ(ih_extra(r), 0);
    CHECK_EQ(r->bad, 0);
    IH_CHECK_CAP(slot, IH_CAP_NULL);
    /* A reply capability cannot be copied either (it derives to a null capability). */
    ih_step_t call = ih_step(IH_CALL, ep, L(4), 0);
    ih_give(c, &call, 1);
    ih_settle();
    ih_recv(ep, NULL);
    seL4_CPtr reply = test_slot();
    CHECK_EQ(seL4_CNode_SaveCaller(ROOT, reply, D), seL4_NoError);
    IH_CHECK_CAP(reply, IH_CAP_REPLY);
    const seL4_CPtr e4[2] = {reply, unwrap};
    r = send_caps_to(a, ep, ROOT, slot, D, 2, e4, L(5));
    CHECK_EQ(ih_extra(r), 0);
    CHECK_EQ(ih_unwrapped(r), 0);
    CHECK_EQ(r->bad, 0);
    IH_CHECK_CAP(slot, IH_CAP_NULL);
    IH_CHECK_CAP(reply, IH_CAP_REPLY); /* the sender keeps it */
    seL4_Send(reply, ih_msg(L(6), 1, 0));
    ih_settle();
    CHECK_EQ(ih_done(c), 1);
    IH_CHECK_MSG(ih_res(c, 0), 0, L(6), 1);
    ih_destroy(a);
    ih_destroy(c);
}
DEFINE_TEST(IPC0015, "null, reply and parent-untyped capabilities stop the transfer",
            ipc_caps_not_transferable);

/* Receives the fault message a thread actor sent to the actors' fault endpoint (which must be
 * waiting there already) and checks it is a CapFault with the given fields. */
static void check_cap_fault(ih_env_t *env, seL4_Word addr, seL4_Word in_recv, seL4_Word type)
{
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_NBRecv(env->fault.ep, &badge);
    CHECK_EQ(badge, IH_FAULT_BADGE);
    CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_CapFault);
    CHECK_EQ(seL4_GetMR(seL4_CapFault_Addr), addr);
    CHECK_EQ(seL4_GetMR(seL4_CapFault_InRecvPhase), in_recv);
    CHECK_EQ(seL4_GetMR(seL4_CapFault_LookupFailureType), type);
    if (type == seL4_MissingCapability) {
        CHECK_EQ(seL4_MessageInfo_get_length(info), 5);
        CHECK_EQ(seL4_GetMR(seL4_CapFault_BitsLeft), 0);
    }
}

static void ipc_extra_cap_lookup_fault(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    seL4_CPtr ntfn = test_object(seL4_NotificationObject, 0);
    const seL4_Word bad = 1ul << 60; /* the root CNode's guard does not match */
    ih_actor_t *a = ih_thread(&env, IH_ACTOR_PRIO);
    ih_actor_t *b = ih_thread(&env, IH_ACTOR_PRIO);
    ih_actor_t *c = ih_thread(&env, IH_ACTOR_PRIO);
    if (!a || !b || !c) {
        return;
    }
    /* NBSend: the message is dropped without a fault; the actor runs on. */
    ih_step_t nb[2] = {ih_step_caps(IH_NBSEND, ep, L(1), 1, 2, ntfn, bad, 0),
                       ih_step(IH_NBRECV, ep, 0, 0)};
    ih_give(a, nb, 2);
    ih_settle();
    CHECK_EQ(ih_done(a), 2);
    seL4_Word badge = 0;
    CHECK_EQ(seL4_NBRecv(env.fault.ep, &badge).words[0], 0);
    /* Send and Call: a capability fault (not in the receive phase) before anything is sent,
     * naming the extra capability's pointer, even with a receiver waiting. */
    ih_step_t rs = ih_step(IH_RECV, ep, 0, 0);
    ih_give(c, &rs, 1);
    ih_step_t sd = ih_step_caps(IH_SEND, ep, L(2), 1, 2, ntfn, bad, 0);
    ih_give(a, &sd, 1);
    ih_settle();
    CHECK_EQ(ih_done(a), 0);
    check_cap_fault(&env, bad, 0, seL4_GuardMismatch);
    ih_step_t cl = ih_step_caps(IH_CALL, ep, L(3), 1, 1, bad, 0, 0);
    ih_give(b, &cl, 1);
    ih_settle();
    CHECK_EQ(ih_done(b), 0);
    check_cap_fault(&env, bad, 0, seL4_GuardMismatch);
    CHECK_EQ(ih_done(c), 0); /* nothing reached the receiver */
    ih_send(ep, ih_msg(L(4), 2, 0));
    ih_settle();
    IH_CHECK_MSG(ih_res(c, 0), 0, L(4), 2);
    ih_destroy(a);
    ih_destroy(b);
    ih_destroy(c);
}
DEFINE_TEST(IPC0016, "an extra capability that fails lookup: CapFault for Send/Call, NBSend drops",
            ipc_extra_cap_lookup_fault);

static void ipc_caps_looked_up_late(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    seL4_CPtr n1 = test_object(seL4_NotificationObject, 0);
    seL4_CPtr n2 = test_object(seL4_NotificationObject, 0);
    seL4_CPtr sent = ih_mint(n1, seL4_CanWrite, 0x1);
    ih_actor_t *s = ih_thread(&env, IH_ACTOR_PRIO);
    if (!s) {
        return;
    }
    /* A blocked sender's extra capabilities are looked up when the message is taken: the
     * capability in the slot then is the one that goes ... */
    ih_step_t ss = ih_step_caps(IH_SEND, ep, L(1), 2, 1, sent, 0, 0);
    ih_give(s, &ss, 1);
    ih_settle();
    CHECK_EQ(seL4_CNode_Delete(ROOT, sent, D), seL4_NoError);
    CHECK_EQ(seL4_CNode_Mint(ROOT, sent, D, ROOT, n2, D, seL4_CanWrite, 0x2), seL4_NoError);
    seL4_CPtr slot = test_slot();
    seL4_SetCapReceivePath(ROOT, slot, D);
    ih_poison();
    seL4_MessageInfo_t info = ih_recv(ep, NULL);
    CHECK_EQ(seL4_MessageInfo_get_extraCaps(info), 1);
    CHECK_EQ(ih_bad_words(info), 0);
    check_ntfn_copy(slot, n2, 0x2);
    /* ... and if the slot is empty by then, none goes; the message arrives. */
    ih_give(s, &ss, 1);
    ih_settle();
    CHECK_EQ(seL4_CNode_Delete(ROOT, sent, D), seL4_NoError);
    seL4_CPtr slot2 = test_slot();
    seL4_SetCapReceivePath(ROOT, slot2, D);
    ih_poison();
    info = ih_recv(ep, NULL);
    CHECK_EQ(seL4_MessageInfo_get_label(info), L(1));
    CHECK_EQ(seL4_MessageInfo_get_extraCaps(info), 0);
    CHECK_EQ(ih_bad_words(info), 0);
    IH_CHECK_CAP(slot2, IH_CAP_NULL);
    seL4_SetCapReceivePath(0, 0, 0);
    ih_destroy(s);
}
DEFINE_TEST(IPC0017, "a blocked sender's capabilities are looked up when the message is taken",
            ipc_caps_looked_up_late);

/* ---- Call, Reply, ReplyRecv and reply capabilities -------------------------------------- */

static void ipc_call_without_grant(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    seL4_CPtr rw = ih_mint(ep, seL4_ReadWrite, 0x31); /* neither Grant nor GrantReply */
    for (int sender_first = 0; sender_first < 2; sender_first++) {
        ih_actor_t *a = ih_thread(&env, IH_ACTOR_PRIO);
        ih_actor_t *b = ih_thread(&env, IH_ACTOR_PRIO);
        if (!a || !b) {
            return;
        }
        ih_step_t call = ih_step(IH_CALL, rw, L(sender_first), 6);
        ih_step_t recv = ih_step(IH_RECV, ep, 0, 0);
        if (sender_first) {
            ih_give(a, &call, 1);
            ih_settle();
            ih_give(b, &recv, 1);
        } else {
            ih_give(b, &recv, 1);
            ih_settle();
            ih_give(a, &call, 1);
        }
        ih_settle();
        /* The message arrives; the caller gets no reply capability and stops. */
        CHECK_EQ(ih_done(b), 1);
        IH_CHECK_MSG(ih_res(b, 0), 0x31, L(sender_first), 6);
        CHECK_EQ(ih_done(a), 0);
        ih_step_t reply = ih_step(IH_REPLY, 0, L(9), 1);
        ih_give(b, &reply, 1);
        ih_settle();
        CHECK_EQ(ih_done(b), 1);
        CHECK_EQ(ih_done(a), 0);
        ih_destroy(a);
        ih_destroy(b);
    }
    /* The test thread receiving such a Call holds no caller either. */
    ih_actor_t *a = ih_thread(&env, IH_ACTOR_PRIO);
    if (!a) {
        return;
    }
    ih_step_t call = ih_step(IH_CALL, rw, L(5), 2);
    ih_give(a, &call, 1);
    ih_settle();
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = ih_recv(ep, &badge);
    CHECK_EQ(seL4_MessageInfo_get_label(info), L(5));
    CHECK_EQ(badge, 0x31);
    seL4_CPtr saved = test_slot();
    CHECK_EQ(seL4_CNode_SaveCaller(ROOT, saved, D), seL4_NoError);
    IH_CHECK_CAP(saved, IH_CAP_NULL);
    seL4_Reply(ih_msg(L(6), 1, 0));
    ih_settle();
    CHECK_EQ(ih_done(a), 0);
    /* Stopped in its Call: resumed, it makes the Call again (it stayed at the system call). */
    CHECK_EQ(seL4_TCB_Resume(ih_tcb(a)), seL4_NoError);
    info = ih_recv(ep, &badge);
    CHECK_EQ(seL4_MessageInfo_get_label(info), L(5));
    CHECK_EQ(badge, 0x31);
    ih_settle();
    CHECK_EQ(ih_done(a), 0);
    ih_destroy(a);
}
DEFINE_TEST(IPC0018, "Call without Grant or GrantReply: delivered, the caller stops, no reply",
            ipc_call_without_grant);

static void ipc_reply_and_replyrecv(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    seL4_CPtr cb = ih_mint(ep, seL4_AllRights, 0xc1), db = ih_mint(ep, seL4_CanWrite, 0xd1);
    /* GrantReply alone is enough to Call. */
    seL4_CPtr gr = ih_mint(ep, seL4_CapRights_new(1, 0, 0, 1), 0xe1);
    ih_actor_t *c = ih_thread(&env, IH_ACTOR_PRIO);
    ih_actor_t *d = ih_thread(&env, IH_ACTOR_PRIO);
    ih_actor_t *e = ih_thread(&env, IH_ACTOR_PRIO);
    if (!c || !d || !e) {
        return;
    }
    ih_step_t cs = ih_step(IH_CALL, cb, L(1), 9);
    ih_give(c, &cs, 1);
    ih_settle();
    ih_step_t ds = ih_step(IH_SEND, db, L(2), 3);
    ih_give(d, &ds, 1);
    ih_step_t es = ih_step(IH_CALL, gr, L(3), 0);
    ih_give(e, &es, 1);
    ih_settle();
    /* Queue: c (Call), d (Send), e (Call). */
    seL4_Word badge = 0;
    ih_poison();
    seL4_MessageInfo_t info = ih_recv(ep, &badge);
    CHECK_EQ(badge, 0xc1);
    CHECK_EQ(seL4_MessageInfo_get_label(info), L(1));
    CHECK_EQ(ih_bad_words(info), 0);
    /* ReplyRecv answers c and takes d's message. */
    ih_poison();
    info = seL4_ReplyRecv(ep, ih_msg(L(4), 77, 0), &badge);
    CHECK_EQ(badge, 0xd1);
    CHECK_EQ(seL4_MessageInfo_get_label(info), L(2));
    CHECK_EQ(ih_bad_words_after(info, 77), 0);
    ih_settle();
    CHECK_EQ(ih_done(c), 1);
    IH_CHECK_MSG(ih_res(c, 0), 0, L(4), 77);
    CHECK_EQ(ih_done(d), 1);
    /* d's Send left no caller: ReplyRecv replies to nobody and takes e's Call. */
    info = seL4_ReplyRecv(ep, ih_msg(L(5), 1, 0), &badge);
    CHECK_EQ(badge, 0xe1);
    CHECK_EQ(seL4_MessageInfo_get_label(info), L(3));
    CHECK_EQ(seL4_MessageInfo_get_length(info), 0);
    /* Reply answers e; the reply capability is used up. */
    seL4_Reply(ih_msg(L(6), 120, 0));
    ih_settle();
    CHECK_EQ(ih_done(e), 1);
    IH_CHECK_MSG(ih_res(e, 0), 0, L(6), 120);
    seL4_CPtr saved = test_slot();
    CHECK_EQ(seL4_CNode_SaveCaller(ROOT, saved, D), seL4_NoError);
    IH_CHECK_CAP(saved, IH_CAP_NULL);
    ih_destroy(c);
    ih_destroy(d);
    ih_destroy(e);
}
DEFINE_TEST(IPC0019, "Reply and ReplyRecv answer the caller; the reply capability is used once",
            ipc_reply_and_replyrecv);

static void ipc_save_caller(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    ih_actor_t *c = ih_thread(&env, IH_ACTOR_PRIO);
    ih_actor_t *d = ih_thread(&env, IH_ACTOR_PRIO);
    if (!c || !d) {
        return;
    }
    seL4_CPtr saved = test_slot(), saved2 = test_slot(), full = test_slot();
    /* With no caller, SaveCaller succeeds and saves nothing. */
    CHECK_EQ(seL4_CNode_SaveCaller(ROOT, saved, D), seL4_NoError);
    IH_CHECK_CAP(saved, IH_CAP_NULL);

    ih_step_t cs[2] = {ih_step(IH_CALL, ep, L(1), 2), ih_step(IH_CALL, ep, L(2), 1)};
    ih_give(c, cs, 2);
    ih_settle();
    ih_recv(ep, NULL);
    /* An occupied destination: DeleteFirst, and the caller stays where it was. */
    CHECK_EQ(seL4_CNode_Copy(ROOT, full, D, ROOT, ep, D, seL4_AllRights), seL4_NoError);
    CHECK_EQ(seL4_CNode_SaveCaller(ROOT, full, D), seL4_DeleteFirst);
    CHECK_EQ(seL4_CNode_SaveCaller(ROOT, saved, D), seL4_NoError);
    IH_CHECK_CAP(saved, IH_CAP_REPLY);
    /* Saved, the capability survives the test thread's next receive (which would delete a
     * caller capability still in its TCB). */
    ih_step_t ds = ih_step(IH_SEND, ep, L(3), 1);
    ih_give(d, &ds, 1);
    ih_settle();
    CHECK_EQ(seL4_MessageInfo_get_label(ih_recv(ep, NULL)), L(3));
    CHECK_EQ(ih_done(c), 0);
    /* Reply by seL4_Send on the saved capability: it is used up. */
    seL4_Send(saved, ih_msg(L(4), 50, 0));
    ih_settle();
    CHECK_EQ(ih_done(c), 1);
    IH_CHECK_MSG(ih_res(c, 0), 0, L(4), 50);
    IH_CHECK_CAP(saved, IH_CAP_NULL);
    /* Sending on the empty slot does nothing; a Call on it is InvalidCapability. */
    seL4_Send(saved, ih_msg(L(5), 1, 0));
    seL4_MessageInfo_t info = seL4_Call(saved, ih_msg(L(5), 1, 0));
    CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_InvalidCapability);
    CHECK_EQ(seL4_GetMR(0), 0);
    ih_settle();
    CHECK_EQ(ih_done(c), 1);

    /* c's second Call: a Call on the saved reply capability answers it and returns an empty
     * reply to the test thread at once. */
    ih_recv(ep, NULL);
    CHECK_EQ(seL4_CNode_SaveCaller(ROOT, saved2, D), seL4_NoError);
    ih_msg(0x3, 3, 0); /* junk in MR0..2 that the empty reply must not keep */
    info = seL4_Call(saved2, ih_msg(L(6), 4, 0));
    CHECK_EQ(seL4_MessageInfo_get_label(info), 0);
    CHECK_EQ(seL4_MessageInfo_get_length(info), 0);
    ih_settle();
    CHECK_EQ(ih_done(c), 2);
    IH_CHECK_MSG(ih_res(c, 1), 0, L(6), 4);
    IH_CHECK_CAP(saved2, IH_CAP_NULL);
    ih_destroy(c);
    ih_destroy(d);
}
DEFINE_TEST(IPC0020, "SaveCaller, then replying by Send (or Call) on the saved capability",
            ipc_save_caller);

static void ipc_reply_without_caller(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0), ep2 = test_object(seL4_EndpointObject, 0);
    ih_actor_t *c = ih_thread(&env, IH_ACTOR_PRIO);
    ih_actor_t *r = ih_thread(&env, IH_ACTOR_PRIO);
    if (!c || !r) {
        return;
    }
    /* Reply with no caller, from the test thread and from a thread: nothing happens, and a
     * thread waiting in Recv elsewhere gets nothing. */
    ih_step_t rs = ih_step(IH_RECV, ep2, 0, 0);
    ih_give(r, &rs, 1);
    ih_settle();
    seL4_Reply(ih_msg(L(1), 3, 0));
    ih_step_t rep = ih_step(IH_REPLY, 0, L(2), 3);
    ih_give(c, &rep, 1);
    ih_settle();
    CHECK_EQ(ih_done(c), 1);
    CHECK_EQ(ih_done(r), 0);

    /* Replying twice: the second reply does nothing (c is waiting on ep2 by then). */
    ih_step_t cs[2] = {ih_step(IH_CALL, ep, L(3), 1), ih_step(IH_RECV, ep2, 0, 0)};
    ih_give(c, cs, 2);
    ih_settle();
    ih_recv(ep, NULL);
    seL4_Reply(ih_msg(L(4), 2, 0));
    ih_settle();
    CHECK_EQ(ih_done(c), 1);
    IH_CHECK_MSG(ih_res(c, 0), 0, L(4), 2);
    seL4_Reply(ih_msg(L(5), 2, 0));
    ih_settle();
    CHECK_EQ(ih_done(c), 1);
    CHECK_EQ(ih_done(r), 0);
    /* ep2 has two receivers, r then c (FIFO). */
    ih_send(ep2, ih_msg(L(6), 1, 0));
    ih_send(ep2, ih_msg(L(7), 1, 0));
    ih_settle();
    IH_CHECK_MSG(ih_res(r, 0), 0, L(6), 1);
    IH_CHECK_MSG(ih_res(c, 1), 0, L(7), 1);
    ih_destroy(c);
    ih_destroy(r);
}
DEFINE_TEST(IPC0021, "Reply with no caller does nothing; a second reply does nothing",
            ipc_reply_without_caller);

static void ipc_recv_drops_caller(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    ih_actor_t *c1 = ih_thread(&env, IH_ACTOR_PRIO);
    ih_actor_t *c2 = ih_thread(&env, IH_ACTOR_PRIO);
    if (!c1 || !c2) {
        return;
    }
    ih_step_t s1 = ih_step(IH_CALL, ep, L(1), 1), s2 = ih_step(IH_CALL, ep, L(2), 1);
    ih_give(c1, &s1, 1);
    ih_give(c2, &s2, 1);
    ih_settle();
    CHECK_EQ(seL4_MessageInfo_get_label(ih_recv(ep, NULL)), L(1));
    /* Receiving again before replying deletes the caller capability of c1: c1 can never be
     * answered; the reply goes to c2. */
    CHECK_EQ(seL4_MessageInfo_get_label(ih_recv(ep, NULL)), L(2));
    seL4_Reply(ih_msg(L(3), 1, 0));
    ih_settle();
    CHECK_EQ(ih_done(c2), 1);
    IH_CHECK_MSG(ih_res(c2, 0), 0, L(3), 1);
    CHECK_EQ(ih_done(c1), 0);
    /* So does a NBRecv that finds nothing. */
    ih_give(c2, &s2, 1);
    ih_settle();
    ih_recv(ep, NULL);
    seL4_NBRecv(ep, NULL);
    seL4_Reply(ih_msg(L(4), 1, 0));
    ih_settle();
    CHECK_EQ(ih_done(c2), 0);
    seL4_CPtr saved = test_slot();
    CHECK_EQ(seL4_CNode_SaveCaller(ROOT, saved, D), seL4_NoError);
    IH_CHECK_CAP(saved, IH_CAP_NULL);
    ih_destroy(c1);
    ih_destroy(c2);
}
DEFINE_TEST(IPC0022, "a receive before replying deletes the pending caller capability",
            ipc_recv_drops_caller);

static void ipc_reply_caps_not_unwrapped(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    seL4_CPtr badged = ih_mint(ep, seL4_AllRights, 0x12);
    ih_actor_t *c = ih_thread(&env, IH_ACTOR_PRIO);
    if (!c) {
        return;
    }
    /* A reply goes through no endpoint: a capability to the endpoint the Call used is copied
     * like any other, never unwrapped. */
    seL4_CPtr slot = test_slot();
    ih_step_t cs[2] = {ih_recv_path(ROOT, slot, D), ih_step(IH_CALL, ep, L(1), 0)};
    ih_give(c, cs, 2);
    ih_recv(ep, NULL);
    seL4_SetCap(0, badged);
    seL4_SetCap(1, badged);
    seL4_Reply(ih_msg(L(2), 3, 2));
    ih_settle();
    CHECK_EQ(ih_done(c), 2);
    const ih_result_t *r = ih_res(c, 1);
    CHECK_EQ(ih_label(r), L(2));
    CHECK_EQ(r->badge, 0);
    CHECK_EQ(ih_extra(r), 1);
    CHECK_EQ(ih_unwrapped(r), 0);
    CHECK_EQ(r->bad, 0);
    IH_CHECK_CAP(slot, IH_CAP_ENDPOINT);
    /* The copy keeps the badge: a message sent with it carries 0x12. */
    ih_step_t ss = ih_step(IH_SEND, slot, L(3), 1);
    ih_give(c, &ss, 1);
    seL4_Word badge = 0;
    CHECK_EQ(seL4_MessageInfo_get_label(ih_recv(ep, &badge)), L(3));
    CHECK_EQ(badge, 0x12);
    ih_destroy(c);
}
DEFINE_TEST(IPC0023, "capabilities in a reply are copied, never unwrapped; replies carry badge 0",
            ipc_reply_caps_not_unwrapped);

/* ---- Queues ----------------------------------------------------------------------------- */

static void ipc_fifo(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    /* Senders of different priorities (all below the test thread) queue in arrival order,
     * and Send and Call queue alike. */
    static const seL4_Word prio[4] = {30, 90, 60, 10};
    ih_actor_t *a[4];
    for (unsigned i = 0; i < 4; i++) {
        a[i] = ih_thread(&env, prio[i]);
        if (!a[i]) {
            return;
        }
    }
    for (unsigned i = 0; i < 4; i++) {
        ih_step_t s = ih_step(i == 2 ? IH_CALL : IH_SEND, ep, L(i), i);
        ih_give(a[i], &s, 1);
    }
    ih_settle();
    for (unsigned i = 0; i < 4; i++) {
        CHECK_EQ(ih_done(a[i]), 0);
    }
    for (unsigned i = 0; i < 4; i++) {
        seL4_MessageInfo_t info = ih_recv(ep, NULL);
        CHECK_EQ(seL4_MessageInfo_get_label(info), L(i));
        if (i == 2) {
            seL4_Reply(ih_msg(L(0x10), 0, 0));
        }
    }
    CHECK_EQ(seL4_NBRecv(ep, NULL).words[0], 0);
    /* Receivers too. */
    for (unsigned i = 0; i < 4; i++) {
        ih_step_t s = ih_step(i == 1 ? IH_REPLYRECV : IH_RECV, ep, L(0x20), 0);
        ih_give(a[3 - i], &s, 1);
    }
    ih_settle();
    for (unsigned i = 0; i < 4; i++) {
        ih_send(ep, ih_msg(L(0x30 + i), i + 1, 0));
    }
    ih_settle();
    for (unsigned i = 0; i < 4; i++) {
        CHECK_EQ(ih_done(a[3 - i]), 1);
        IH_CHECK_MSG(ih_res(a[3 - i], 0), 0, L(0x30 + i), i + 1);
    }
    for (unsigned i = 0; i < 4; i++) {
        ih_destroy(a[i]);
    }
}
DEFINE_TEST(IPC0024, "endpoint queues are FIFO whatever the priorities, senders and receivers",
            ipc_fifo);

/* ---- Partners deleted or suspended ----------------------------------------------------- */

static void ipc_endpoint_deleted(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    seL4_CPtr ep_r = test_object(seL4_EndpointObject, 0);
    seL4_CPtr ep_s = test_object(seL4_EndpointObject, 0);
    seL4_CPtr ep_c = test_object(seL4_EndpointObject, 0);
    ih_actor_t *r1 = ih_thread(&env, IH_ACTOR_PRIO);
    ih_actor_t *r2 = ih_thread(&env, IH_ACTOR_PRIO);
    ih_actor_t *s = ih_thread(&env, IH_ACTOR_PRIO);
    ih_actor_t *c = ih_thread(&env, IH_ACTOR_PRIO);
    if (!r1 || !r2 || !s || !c) {
        return;
    }
    ih_step_t rs = ih_step(IH_RECV, ep_r, 0, 0);
    ih_step_t rrs = ih_step(IH_REPLYRECV, ep_r, L(1), 1);
    seL4_CPtr ep_x = test_object(seL4_EndpointObject, 0);
    ih_step_t ss[2] = {ih_step(IH_SEND, ep_s, L(2), 3), ih_step(IH_NBRECV, ep_x, 0, 0)};
    ih_step_t cs = ih_step(IH_CALL, ep_c, L(3), 3);
    ih_give(r1, &rs, 1);
    ih_give(r2, &rrs, 1);
    ih_give(s, ss, 2);
    ih_give(c, &cs, 1);
    ih_settle();
    CHECK_EQ(ih_done(r1), 0);
    CHECK_EQ(ih_done(r2), 0);
    CHECK_EQ(ih_done(s), 0);
    CHECK_EQ(ih_done(c), 0);
    /* Deleting the last capability: each blocked thread restarts its system call, which now
     * names an empty slot. Receivers take a capability fault in the receive phase ... */
    CHECK_EQ(seL4_CNode_Delete(ROOT, ep_r, D), seL4_NoError);
    ih_settle();
    check_cap_fault(&env, ep_r, 1, seL4_MissingCapability);
    check_cap_fault(&env, ep_r, 1, seL4_MissingCapability);
    CHECK_EQ(seL4_NBRecv(env.fault.ep, NULL).words[0], 0);
    CHECK_EQ(ih_done(r1), 0);
    CHECK_EQ(ih_done(r2), 0);
    /* ... a Send on an empty slot is an InvalidCapability error nobody hears: it returns ... */
    CHECK_EQ(seL4_CNode_Delete(ROOT, ep_s, D), seL4_NoError);
    ih_settle();
    CHECK_EQ(ih_done(s), 2);
    /* ... and a Call gets the error as its reply. */
    CHECK_EQ(seL4_CNode_Delete(ROOT, ep_c, D), seL4_NoError);
    ih_settle();
    CHECK_EQ(ih_done(c), 1);
    const ih_result_t *r = ih_res(c, 0);
    CHECK_EQ(ih_label(r), seL4_InvalidCapability);
    CHECK_EQ(ih_len(r), 1);
    CHECK_EQ(r->mr[0], 0);
    CHECK_EQ(r->badge, 0);
    CHECK_EQ(seL4_NBRecv(env.fault.ep, NULL).words[0], 0);
    /* The same for a thread waiting on a notification that is deleted. */
    seL4_CPtr ntfn = test_object(seL4_NotificationObject, 0);
    ih_step_t ws = ih_step(IH_RECV, ntfn, 0, 0);
    ih_give(s, &ws, 1);
    ih_settle();
    CHECK_EQ(ih_done(s), 0);
    CHECK_EQ(seL4_CNode_Delete(ROOT, ntfn, D), seL4_NoError);
    ih_settle();
    check_cap_fault(&env, ntfn, 1, seL4_MissingCapability);
    ih_destroy(r1);
    ih_destroy(r2);
    ih_destroy(s);
    ih_destroy(c);
}
DEFINE_TEST(IPC0025, "deleting the endpoint restarts blocked threads: receivers cap-fault",
            ipc_endpoint_deleted);

/* A thread that faults at once (an undefined instruction). */
static void fault_now(seL4_Word arg)
{
    (void)arg;
    __asm__ volatile("ud2");
}

static void ipc_fault_endpoint_deleted(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    seL4_CPtr x = test_object(seL4_EndpointObject, 0);
    seL4_CPtr y = test_object(seL4_EndpointObject, 0);
    /* t's fault endpoint slot holds the only capability to x (badge 1). */
    seL4_CPtr fslot = test_slot();
    CHECK_EQ(seL4_CNode_Mint(ROOT, fslot, D, ROOT, x, D, seL4_CapRights_new(1, 0, 0, 1), 0x1),
             seL4_NoError);
    CHECK_EQ(seL4_CNode_Delete(ROOT, x, D), seL4_NoError);
    fh_thread_t t;
    if (!fh_thread_new(&t, &env.space, fslot, IH_ACTOR_PRIO, true)) {
        return;
    }
    fh_thread_start(&t, fault_now, 0);
    ih_settle(); /* t waits to deliver its fault to x */
    /* x goes: t restarts (non-MCS seL4 restarts every thread queued on a deleted endpoint,
     * one delivering a fault included). Before it runs, its fault endpoint slot names y:
     * running the faulting instruction again, it faults to y. */
    CHECK_EQ(seL4_CNode_Delete(ROOT, fslot, D), seL4_NoError);
    CHECK_EQ(seL4_CNode_Mint(ROOT, fslot, D, ROOT, y, D, seL4_CapRights_new(1, 0, 0, 1), 0x2),
             seL4_NoError);
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = ih_recv(y, &badge);
    CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_UserException);
    CHECK_EQ(badge, 0x2);
    CHECK_EQ(seL4_GetMR(seL4_UserException_Number), 6); /* #UD */
    fh_thread_destroy(&t);
}
DEFINE_TEST(IPC0026, "deleting the endpoint a fault waits on restarts the faulting thread",
            ipc_fault_endpoint_deleted);

static void ipc_endpoint_copy_deleted(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    seL4_CPtr copy = ih_mint(ep, seL4_AllRights, 0);
    seL4_CPtr copy2 = ih_mint(ep, seL4_AllRights, 0);
    ih_actor_t *r = ih_thread(&env, IH_ACTOR_PRIO);
    ih_actor_t *s = ih_thread(&env, IH_ACTOR_PRIO);
    if (!r || !s) {
        return;
    }
    ih_step_t rs = ih_step(IH_RECV, copy, 0, 0);
    ih_give(r, &rs, 1);
    ih_settle();
    /* Another copy goes, then the very capability the receiver named: the endpoint lives on in
     * the others, and the receiver keeps waiting. */
    CHECK_EQ(seL4_CNode_Delete(ROOT, copy2, D), seL4_NoError);
    CHECK_EQ(seL4_CNode_Delete(ROOT, copy, D), seL4_NoError);
    ih_settle();
    CHECK_EQ(ih_done(r), 0);
    CHECK_EQ(seL4_NBRecv(env.fault.ep, NULL).words[0], 0);
    ih_send(ep, ih_msg(L(1), 8, 0));
    ih_settle();
    CHECK_EQ(ih_done(r), 1);
    IH_CHECK_MSG(ih_res(r, 0), 0, L(1), 8);
    /* Revoking the original deletes the badged copy a sender used, not the endpoint: the
     * queued message stays, with its badge (only CancelBadgedSends takes it back). */
    seL4_CPtr badged = ih_mint(ep, seL4_AllRights, 0x42);
    ih_step_t ss = ih_step(IH_SEND, badged, L(2), 2);
    ih_give(s, &ss, 1);
    ih_settle();
    CHECK_EQ(seL4_CNode_Revoke(ROOT, ep, D), seL4_NoError);
    IH_CHECK_CAP(badged, IH_CAP_NULL);
    ih_settle();
    CHECK_EQ(ih_done(s), 0);
    seL4_Word badge = 0;
    ih_poison();
    seL4_MessageInfo_t info = seL4_NBRecv(ep, &badge);
    CHECK_EQ(badge, 0x42);
    CHECK_EQ(seL4_MessageInfo_get_label(info), L(2));
    CHECK_EQ(ih_bad_words(info), 0);
    ih_settle();
    CHECK_EQ(ih_done(s), 1);
    ih_destroy(r);
    ih_destroy(s);
}
DEFINE_TEST(IPC0027, "deleting a copy of the endpoint leaves threads blocked on it waiting",
            ipc_endpoint_copy_deleted);

static void ipc_suspend_blocked(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    ih_actor_t *s = ih_thread(&env, IH_ACTOR_PRIO);
    ih_actor_t *r = ih_thread(&env, IH_ACTOR_PRIO);
    ih_actor_t *c = ih_thread(&env, IH_ACTOR_PRIO);
    if (!s || !r || !c) {
        return;
    }
    /* A suspended sender leaves the queue: its message is never delivered. Resumed, it makes
     * its Send again. */
    ih_step_t ss = ih_step(IH_SEND, ep, L(1), 5);
    ih_give(s, &ss, 1);
    ih_settle();
    CHECK_EQ(seL4_TCB_Suspend(ih_tcb(s)), seL4_NoError);
    CHECK_EQ(seL4_NBRecv(ep, NULL).words[0], 0);
    ih_settle();
    CHECK_EQ(ih_done(s), 0);
    CHECK_EQ(seL4_TCB_Resume(ih_tcb(s)), seL4_NoError);
    ih_settle();
    CHECK_EQ(ih_done(s), 0);
    ih_poison();
    seL4_MessageInfo_t info = seL4_NBRecv(ep, NULL);
    CHECK_EQ(seL4_MessageInfo_get_label(info), L(1));
    CHECK_EQ(ih_bad_words(info), 0);
    CHECK_EQ(seL4_NBRecv(ep, NULL).words[0], 0);
    ih_settle();
    CHECK_EQ(ih_done(s), 1);

    /* A suspended receiver leaves the queue too: a NBSend finds nobody. */
    ih_step_t rs = ih_step(IH_RECV, ep, 0, 0);
    ih_give(r, &rs, 1);
    ih_settle();
    CHECK_EQ(seL4_TCB_Suspend(ih_tcb(r)), seL4_NoError);
    seL4_NBSend(ep, ih_msg(L(2), 1, 0));
    CHECK_EQ(seL4_TCB_Resume(ih_tcb(r)), seL4_NoError);
    ih_settle();
    CHECK_EQ(ih_done(r), 0);
    ih_send(ep, ih_msg(L(3), 2, 0));
    ih_settle();
    CHECK_EQ(ih_done(r), 1);
    IH_CHECK_MSG(ih_res(r, 0), 0, L(3), 2);

    /* A caller suspended while it waits for the reply: the receiver's reply capability goes,
     * the reply does nothing. Resumed, it makes its Call again. */
    ih_step_t cs = ih_step(IH_CALL, ep, L(4), 3);
    ih_give(c, &cs, 1);
    ih_settle();
    CHECK_EQ(seL4_MessageInfo_get_label(ih_recv(ep, NULL)), L(4));
    CHECK_EQ(seL4_TCB_Suspend(ih_tcb(c)), seL4_NoError);
    seL4_CPtr saved = test_slot();
    CHECK_EQ(seL4_CNode_SaveCaller(ROOT, saved, D), seL4_NoError);
    IH_CHECK_CAP(saved, IH_CAP_NULL);
    seL4_Reply(ih_msg(L(5), 1, 0));
    CHECK_EQ(seL4_TCB_Resume(ih_tcb(c)), seL4_NoError);
    ih_settle();
    CHECK_EQ(ih_done(c), 0);
    ih_poison();
    info = seL4_NBRecv(ep, NULL);
    CHECK_EQ(seL4_MessageInfo_get_label(info), L(4));
    CHECK_EQ(ih_bad_words(info), 0);
    seL4_Reply(ih_msg(L(6), 2, 0));
    ih_settle();
    CHECK_EQ(ih_done(c), 1);
    IH_CHECK_MSG(ih_res(c, 0), 0, L(6), 2);

    /* A thread suspended while it waits on a notification: a signal stays pending, and the
     * resumed thread's Wait takes it at once. */
    seL4_CPtr ntfn = test_object(seL4_NotificationObject, 0);
    ih_step_t ws = ih_step(IH_RECV, ntfn, 0, 0);
    ih_give(r, &ws, 1);
    ih_settle();
    CHECK_EQ(seL4_TCB_Suspend(ih_tcb(r)), seL4_NoError);
    seL4_Signal(ih_mint(ntfn, seL4_CanWrite, 0x3));
    ih_settle();
    CHECK_EQ(ih_done(r), 0);
    CHECK_EQ(seL4_TCB_Resume(ih_tcb(r)), seL4_NoError);
    ih_settle();
    CHECK_EQ(ih_done(r), 1);
    CHECK_EQ(ih_res(r, 0)->badge, 0x3);
    ih_destroy(s);
    ih_destroy(r);
    ih_destroy(c);
}
DEFINE_TEST(IPC0028, "suspending a blocked sender, receiver or caller cancels its IPC",
            ipc_suspend_blocked);

static void ipc_tcb_deleted(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    ih_actor_t *a[6];
    for (unsigned i = 0; i < 6; i++) {
        a[i] = ih_thread(&env, IH_ACTOR_PRIO);
        if (!a[i]) {
            return;
        }
    }
    /* Senders a0, a1, a2 queued: deleting a1 takes it (and its message) off the queue. */
    for (unsigned i = 0; i < 3; i++) {
        ih_step_t s = ih_step(IH_SEND, ep, L(i), i);
        ih_give(a[i], &s, 1);
    }
    ih_settle();
    ih_destroy(a[1]);
    CHECK_EQ(seL4_MessageInfo_get_label(ih_recv(ep, NULL)), L(0));
    CHECK_EQ(seL4_MessageInfo_get_label(ih_recv(ep, NULL)), L(2));
    CHECK_EQ(seL4_NBRecv(ep, NULL).words[0], 0);
    /* Receivers a3, a4 queued: deleting a3, the message goes to a4. */
    ih_step_t rs = ih_step(IH_RECV, ep, 0, 0);
    ih_give(a[3], &rs, 1);
    ih_give(a[4], &rs, 1);
    ih_settle();
    ih_destroy(a[3]);
    seL4_NBSend(ep, ih_msg(L(3), 4, 0));
    ih_settle();
    CHECK_EQ(ih_done(a[4]), 1);
    IH_CHECK_MSG(ih_res(a[4], 0), 0, L(3), 4);
    /* A caller deleted while waiting for its reply: the reply capability goes with it. */
    ih_step_t cs = ih_step(IH_CALL, ep, L(4), 0);
    ih_give(a[5], &cs, 1);
    ih_settle();
    CHECK_EQ(seL4_MessageInfo_get_label(ih_recv(ep, NULL)), L(4));
    ih_destroy(a[5]);
    seL4_CPtr saved = test_slot();
    CHECK_EQ(seL4_CNode_SaveCaller(ROOT, saved, D), seL4_NoError);
    IH_CHECK_CAP(saved, IH_CAP_NULL);
    seL4_Reply(ih_msg(L(5), 1, 0));
    /* The endpoint still works. */
    ih_give(a[0], &rs, 1);
    ih_settle();
    ih_send(ep, ih_msg(L(6), 1, 0));
    ih_settle();
    IH_CHECK_MSG(ih_res(a[0], 0), 0, L(6), 1);
    /* Waiters on a notification: deleting the first, the signal goes to the second. */
    seL4_CPtr ntfn = test_object(seL4_NotificationObject, 0);
    ih_step_t ws = ih_step(IH_RECV, ntfn, 0, 0);
    ih_give(a[2], &ws, 1);
    ih_give(a[4], &ws, 1);
    ih_settle();
    ih_destroy(a[2]);
    seL4_Signal(ih_mint(ntfn, seL4_CanWrite, 0x5));
    ih_settle();
    CHECK_EQ(ih_done(a[4]), 1);
    CHECK_EQ(ih_res(a[4], 0)->badge, 0x5);
    for (unsigned i = 0; i < 6; i++) {
        ih_destroy(a[i]);
    }
}
DEFINE_TEST(IPC0029, "deleting a blocked TCB takes it off the queue; its reply capability goes",
            ipc_tcb_deleted);

static void ipc_call_notification(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    seL4_CPtr ntfn = test_object(seL4_NotificationObject, 0);
    seL4_CPtr nb = ih_mint(ntfn, seL4_CanWrite, 0x600);
    ih_actor_t *w = ih_thread(&env, IH_ACTOR_PRIO);
    if (!w) {
        return;
    }
    ih_step_t ws = ih_step(IH_RECV, ntfn, 0, 0);
    ih_give(w, &ws, 1);
    ih_settle();
    /* Send, NBSend and Call on a notification signal it; a Call gets an empty reply. */
    seL4_MessageInfo_t info = seL4_Call(nb, ih_msg(L(1), 3, 0));
    CHECK_EQ(info.words[0], 0);
    ih_settle();
    CHECK_EQ(ih_done(w), 1);
    CHECK_EQ(ih_res(w, 0)->badge, 0x600);
    ih_give(w, &ws, 1);
    ih_settle();
    seL4_NBSend(nb, ih_msg(L(2), 0, 0));
    ih_settle();
    CHECK_EQ(ih_done(w), 1);
    CHECK_EQ(ih_res(w, 0)->badge, 0x600);
    ih_destroy(w);
}
DEFINE_TEST(IPC0030, "Send, NBSend and Call on a notification signal it (Call: empty reply)",
            ipc_call_notification);

static void ipc_unbadged_signal_pending(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    seL4_CPtr ntfn = test_object(seL4_NotificationObject, 0);
    ih_actor_t *w = ih_thread(&env, IH_ACTOR_PRIO);
    if (!w) {
        return;
    }
    /* A signal through an unbadged capability with nobody waiting makes the notification
     * active with badge 0 (seL4's sendSignal): a later Wait returns at once with 0, and the
     * Poll after it finds nothing. */
    seL4_Signal(ntfn);
    ih_step_t ws[2] = {ih_step(IH_RECV, ntfn, 0, 0), ih_step(IH_NBRECV, ntfn, 0, 0)};
    ih_give(w, ws, 2);
    ih_settle();
    CHECK_EQ(ih_done(w), 2);
    CHECK_EQ(ih_res(w, 0)->badge, 0);
    seL4_Signal(ih_mint(ntfn, seL4_CanWrite, 0x1)); /* lets it finish if it waits */
    ih_settle();
    CHECK_EQ(ih_done(w), 2);
    CHECK_EQ(ih_res(w, 1)->badge, 0);
    ih_destroy(w);
}
DEFINE_TEST(IPC0031, "an unbadged Signal with nobody waiting is pending: Wait returns at once",
            ipc_unbadged_signal_pending);

/* A thread with no IPC buffer: registers only. */
typedef struct bare {
    seL4_CPtr ep, park;
    bool send;
    seL4_Word badge, info, mr[4];
    volatile seL4_Word done;
} bare_t;

static void bare_main(seL4_Word arg)
{
    bare_t *b = (bare_t *)arg;
    seL4_Word mr[4] = {0, 0, 0, 0};
    if (b->send) {
        for (int i = 0; i < 4; i++) {
            mr[i] = ih_word(L(2), (seL4_Word)i);
        }
        /* Ten words and a capability announced; there is no buffer for the rest. */
        seL4_SendWithMRs(b->ep, seL4_MessageInfo_new(L(2), 0, 1, 10), &mr[0], &mr[1], &mr[2],
                         &mr[3]);
    } else {
        seL4_MessageInfo_t info =
            seL4_RecvWithMRs(b->ep, &b->badge, &mr[0], &mr[1], &mr[2], &mr[3]);
        b->info = info.words[0];
        for (int i = 0; i < 4; i++) {
            b->mr[i] = mr[i];
        }
    }
    b->done = 1;
    fh_park(b->park);
}

static void ipc_no_ipc_buffer(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    seL4_CPtr ntfn = test_object(seL4_NotificationObject, 0);
    bare_t *b = ih_alloc(&env, sizeof(bare_t) * 2);
    fh_thread_t t[2];
    if (!b) {
        return;
    }
    for (int i = 0; i < 2; i++) {
        b[i].ep = ep;
        b[i].park = test_object(seL4_NotificationObject, 0);
        b[i].send = i == 1;
        if (!fh_thread_new(&t[i], &env.space, env.fault.badged, IH_ACTOR_PRIO, false)) {
            return;
        }
    }
    /* A receiver without an IPC buffer gets MR0..MR3 only (length 4) and no capability. */
    fh_thread_start(&t[0], bare_main, (seL4_Word)&b[0]);
    ih_settle();
    seL4_SetCap(0, ntfn);
    ih_send(ep, ih_msg(L(1), 9, 1));
    ih_settle();
    CHECK_EQ(b[0].done, 1);
    seL4_MessageInfo_t got = {{b[0].info}};
    CHECK_EQ(seL4_MessageInfo_get_label(got), L(1));
    CHECK_EQ(seL4_MessageInfo_get_length(got), 4);
    CHECK_EQ(seL4_MessageInfo_get_extraCaps(got), 0);
    for (int i = 0; i < 4; i++) {
        CHECK_EQ(b[0].mr[i], ih_word(L(1), (seL4_Word)i));
    }
    /* A sender without one sends MR0..MR3 only. */
    fh_thread_start(&t[1], bare_main, (seL4_Word)&b[1]);
    ih_settle();
    seL4_CPtr slot = test_slot();
    seL4_SetCapReceivePath(ROOT, slot, D);
    ih_poison();
    seL4_MessageInfo_t info = seL4_NBRecv(ep, NULL);
    CHECK_EQ(seL4_MessageInfo_get_label(info), L(2));
    CHECK_EQ(seL4_MessageInfo_get_length(info), 4);
    CHECK_EQ(seL4_MessageInfo_get_extraCaps(info), 0);
    CHECK_EQ(ih_bad_words(info), 0);
    IH_CHECK_CAP(slot, IH_CAP_NULL);
    seL4_SetCapReceivePath(0, 0, 0);
    ih_settle();
    CHECK_EQ(b[1].done, 1);
    fh_thread_destroy(&t[0]);
    fh_thread_destroy(&t[1]);
}
DEFINE_TEST(IPC0032, "without an IPC buffer only MR0..MR3 travel, and no capability",
            ipc_no_ipc_buffer);
