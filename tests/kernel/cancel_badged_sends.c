/*
 * CANCEL_BADGED_SENDS: CNode_CancelBadgedSends on a badged endpoint capability takes every
 * sender blocked with that badge off the endpoint's queue: they restart their Send or Call (and
 * so queue again, at the end, once they run), the others keep their place. It needs an
 * endpoint capability with every right (else IllegalOperation), names it like every CNode
 * operation (FailedLookup, RangeError), and an unbadged capability cancels nothing.
 */
#include "ipc_helpers.h"

#define ROOT IH_ROOT
#define D    IH_DEPTH

#define L(n) (0x4000ul + (n))

#define N_SENDERS 5

/* Senders queued on one endpoint, in order. */
typedef struct queue {
    ih_env_t env;
    seL4_CPtr ep;
    ih_actor_t *a[N_SENDERS];
    seL4_Word badge[N_SENDERS];
} queue_t;

/* Makes the endpoint and queues sender i with badge[i] (Call for those in call_mask, Send for
 * the others); sender i sends L(i). Returns 1, or 0 after a check failure. */
static int queue_up(queue_t *q, const seL4_Word *badges, unsigned call_mask)
{
    if (!ih_init(&q->env)) {
        return 0;
    }
    q->ep = test_object(seL4_EndpointObject, 0);
    for (unsigned i = 0; i < N_SENDERS; i++) {
        q->badge[i] = badges[i];
        q->a[i] = ih_thread(&q->env, IH_ACTOR_PRIO);
        if (!q->a[i]) {
            return 0;
        }
    }
    for (unsigned i = 0; i < N_SENDERS; i++) {
        seL4_CPtr cap = badges[i] ? ih_mint(q->ep, seL4_AllRights, badges[i]) : q->ep;
        ih_step_t s = ih_step(call_mask & (1u << i) ? IH_CALL : IH_SEND, cap, L(i), i + 1);
        ih_give(q->a[i], &s, 1);
    }
    ih_settle();
    for (unsigned i = 0; i < N_SENDERS; i++) {
        CHECK_EQ(ih_done(q->a[i]), 0);
    }
    return 1;
}

/* Receives the queued messages (NBRecv, without letting anybody run) and checks that they come
 * from the senders in order[0..n), then that nothing else is queued. Calls are answered. */
static void expect_order(queue_t *q, const unsigned *order, unsigned n)
{
    for (unsigned k = 0; k < n; k++) {
        seL4_Word badge = ~0ul;
        ih_poison();
        seL4_MessageInfo_t info = seL4_NBRecv(q->ep, &badge);
        unsigned i = order[k];
        CHECK_EQ(seL4_MessageInfo_get_label(info), L(i));
        CHECK_EQ(badge, q->badge[i]);
        CHECK_EQ(ih_bad_words(info), 0);
        seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 0));
    }
    CHECK_EQ(seL4_NBRecv(q->ep, NULL).words[0], 0);
}

static void queue_destroy(queue_t *q)
{
    for (unsigned i = 0; i < N_SENDERS; i++) {
        ih_destroy(q->a[i]);
    }
}

static const seL4_Word mixed[N_SENDERS] = {0x1, 0x2, 0x1, 0, 0x2};

static void cancel_restarts_badged(void)
{
    queue_t q;
    if (!queue_up(&q, mixed, 0)) {
        return;
    }
    /* Cancel badge 1: senders 0 and 2 leave the queue (they have not run since, so they are
     * not queued again yet); 1, 3, 4 keep their order. */
    seL4_CPtr b1 = ih_mint(q.ep, seL4_AllRights, 0x1);
    CHECK_EQ(seL4_CNode_CancelBadgedSends(ROOT, b1, D), seL4_NoError);
    static const unsigned rest[3] = {1, 3, 4};
    expect_order(&q, rest, 3);
    CHECK_EQ(ih_done(q.a[0]), 0);
    CHECK_EQ(ih_done(q.a[2]), 0);
    /* They restart their Send: once they run, they queue again (0 before 2, in the order the
     * scheduler runs them) and nothing was delivered in between. */
    ih_settle();
    CHECK_EQ(ih_done(q.a[0]), 0);
    CHECK_EQ(ih_done(q.a[2]), 0);
    seL4_Word seen = 0;
    for (unsigned k = 0; k < 2; k++) {
        seL4_Word badge = 0;
        seL4_MessageInfo_t info = seL4_NBRecv(q.ep, &badge);
        seL4_Word label = seL4_MessageInfo_get_label(info);
        CHECK(label == L(0) || label == L(2));
        CHECK_EQ(badge, 0x1);
        seen |= 1ul << (label - L(0));
    }
    CHECK_EQ(seen, 0x5);
    CHECK_EQ(seL4_NBRecv(q.ep, NULL).words[0], 0);
    ih_settle();
    for (unsigned i = 0; i < N_SENDERS; i++) {
        CHECK_EQ(ih_done(q.a[i]), 1);
    }
    queue_destroy(&q);
}
DEFINE_TEST(CANCEL_BADGED_SENDS0001,
            "senders with the badge leave the queue and restart; the others keep their order",
            cancel_restarts_badged);

static void cancel_requeues_at_end(void)
{
    queue_t q;
    if (!queue_up(&q, mixed, 0)) {
        return;
    }
    /* Cancel badge 2 (senders 1 and 4), let them run: they queue again behind 0, 2, 3. */
    seL4_CPtr b2 = ih_mint(q.ep, seL4_AllRights, 0x2);
    CHECK_EQ(seL4_CNode_CancelBadgedSends(ROOT, b2, D), seL4_NoError);
    ih_settle();
    for (unsigned k = 0; k < 3; k++) {
        static const unsigned first[3] = {0, 2, 3};
        seL4_Word badge = 0;
        seL4_MessageInfo_t info = seL4_NBRecv(q.ep, &badge);
        CHECK_EQ(seL4_MessageInfo_get_label(info), L(first[k]));
        CHECK_EQ(badge, q.badge[first[k]]);
    }
    seL4_Word seen = 0;
    for (unsigned k = 0; k < 2; k++) {
        seL4_Word badge = 0;
        seL4_MessageInfo_t info = seL4_NBRecv(q.ep, &badge);
        CHECK_EQ(badge, 0x2);
        seen |= 1ul << (seL4_MessageInfo_get_label(info) - L(0));
    }
    CHECK_EQ(seen, 0x12);
    CHECK_EQ(seL4_NBRecv(q.ep, NULL).words[0], 0);
    queue_destroy(&q);
}
DEFINE_TEST(CANCEL_BADGED_SENDS0002, "restarted senders queue again behind the others",
            cancel_requeues_at_end);

static void cancel_callers(void)
{
    queue_t q;
    /* Senders 0 and 2 Call (badge 1), the others Send. */
    if (!queue_up(&q, mixed, 0x5)) {
        return;
    }
    seL4_CPtr b1 = ih_mint(q.ep, seL4_AllRights, 0x1);
    CHECK_EQ(seL4_CNode_CancelBadgedSends(ROOT, b1, D), seL4_NoError);
    static const unsigned rest[3] = {1, 3, 4};
    expect_order(&q, rest, 3);
    /* The callers make their Call again and wait for the reply. */
    ih_settle();
    for (unsigned k = 0; k < 2; k++) {
        seL4_Word badge = 0;
        seL4_MessageInfo_t info = seL4_NBRecv(q.ep, &badge);
        CHECK_EQ(badge, 0x1);
        seL4_Word label = seL4_MessageInfo_get_label(info);
        CHECK(label == L(0) || label == L(2));
        seL4_Reply(ih_msg(label + 0x100, 2, 0));
    }
    ih_settle();
    IH_CHECK_MSG(ih_res(q.a[0], 0), 0, L(0x100), 2);
    IH_CHECK_MSG(ih_res(q.a[2], 0), 0, L(0x102), 2);
    queue_destroy(&q);
}
DEFINE_TEST(CANCEL_BADGED_SENDS0003, "callers with the badge restart their Call too",
            cancel_callers);

static void cancel_needs_all_rights(void)
{
    queue_t q;
    if (!queue_up(&q, mixed, 0)) {
        return;
    }
    /* Each right missing: IllegalOperation, nothing cancelled. */
    for (unsigned m = 0; m < 4; m++) {
        seL4_CapRights_t r = seL4_CapRights_new(m != 0, m != 1, m != 2, m != 3);
        seL4_CPtr cap = ih_mint(q.ep, r, 0x1);
        CHECK_EQ(seL4_CNode_CancelBadgedSends(ROOT, cap, D), seL4_IllegalOperation);
    }
    /* Not an endpoint capability, or no capability. */
    seL4_CPtr ntfn = test_object(seL4_NotificationObject, 0);
    seL4_CPtr nb = ih_mint(ntfn, seL4_AllRights, 0x1);
    CHECK_EQ(seL4_CNode_CancelBadgedSends(ROOT, nb, D), seL4_IllegalOperation);
    CHECK_EQ(seL4_CNode_CancelBadgedSends(ROOT, test_slot(), D), seL4_IllegalOperation);
    CHECK_EQ(seL4_CNode_CancelBadgedSends(ROOT, seL4_CapInitThreadTCB, D), seL4_IllegalOperation);
    static const unsigned all[N_SENDERS] = {0, 1, 2, 3, 4};
    expect_order(&q, all, N_SENDERS);
    queue_destroy(&q);
}
DEFINE_TEST(CANCEL_BADGED_SENDS0004,
            "a capability without every right, or not an endpoint: "
            "IllegalOperation",
            cancel_needs_all_rights);

static void cancel_lookup_errors(void)
{
    queue_t q;
    if (!queue_up(&q, mixed, 0)) {
        return;
    }
    seL4_CPtr b1 = ih_mint(q.ep, seL4_AllRights, 0x1);
    /* Depth out of range: RangeError 1..64. */
    static const seL4_Word bad_depths[2] = {0, 65};
    for (unsigned k = 0; k < 2; k++) {
        CHECK_EQ(seL4_CNode_CancelBadgedSends(ROOT, b1, (seL4_Uint8)bad_depths[k]),
                 seL4_RangeError);
        seL4_ErrorDetail_t d = seL4_GetErrorDetail();
        CHECK_EQ(d.min, 1);
        CHECK_EQ(d.max, 64);
    }
    /* A guard that does not match, a depth that stops short of the slot: FailedLookup (not
     * the source). */
    CHECK_EQ(seL4_CNode_CancelBadgedSends(ROOT, b1 | (1ul << 60), D), seL4_FailedLookup);
    seL4_ErrorDetail_t d = seL4_GetErrorDetail();
    CHECK_EQ(d.source, 0);
    CHECK_EQ(d.lookup_type, seL4_GuardMismatch);
    CHECK_EQ(seL4_CNode_CancelBadgedSends(ROOT, b1 >> 4, 60), seL4_FailedLookup);
    d = seL4_GetErrorDetail();
    CHECK_EQ(d.source, 0);
    CHECK_EQ(d.lookup_type, seL4_DepthMismatch);
    /* Through another CNode, named with its own depth: it works. */
    seL4_CPtr cn = test_cnode(3);
    CHECK_EQ(seL4_CNode_Copy(cn, 5, 3, ROOT, b1, D, seL4_AllRights), seL4_NoError);
    CHECK_EQ(seL4_CNode_CancelBadgedSends(cn, 5, 2), seL4_FailedLookup);
    CHECK_EQ(seL4_CNode_CancelBadgedSends(cn, 5, 3), seL4_NoError);
    static const unsigned rest[3] = {1, 3, 4};
    expect_order(&q, rest, 3);
    queue_destroy(&q);
}
DEFINE_TEST(CANCEL_BADGED_SENDS0005, "lookup errors: RangeError for the depth, FailedLookup",
            cancel_lookup_errors);

static void cancel_unbadged_and_others(void)
{
    queue_t q;
    if (!queue_up(&q, mixed, 0)) {
        return;
    }
    /* The unbadged original cancels nothing, not even the unbadged sender 3. */
    CHECK_EQ(seL4_CNode_CancelBadgedSends(ROOT, q.ep, D), seL4_NoError);
    /* A badge nobody uses cancels nothing. */
    CHECK_EQ(seL4_CNode_CancelBadgedSends(ROOT, ih_mint(q.ep, seL4_AllRights, 0x3), D),
             seL4_NoError);
    /* Badge 1 of another endpoint: nothing here. */
    seL4_CPtr other = test_object(seL4_EndpointObject, 0);
    CHECK_EQ(seL4_CNode_CancelBadgedSends(ROOT, ih_mint(other, seL4_AllRights, 0x1), D),
             seL4_NoError);
    ih_settle();
    static const unsigned all[N_SENDERS] = {0, 1, 2, 3, 4};
    expect_order(&q, all, N_SENDERS);
    queue_destroy(&q);
}
DEFINE_TEST(CANCEL_BADGED_SENDS0006,
            "an unbadged capability, an unused badge or another endpoint "
            "cancel nothing",
            cancel_unbadged_and_others);

static void cancel_receivers_untouched(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    ih_actor_t *r1 = ih_thread(&env, IH_ACTOR_PRIO);
    ih_actor_t *r2 = ih_thread(&env, IH_ACTOR_PRIO);
    if (!r1 || !r2) {
        return;
    }
    /* With receivers queued (also with badged capabilities), CancelBadgedSends does nothing. */
    seL4_CPtr b1 = ih_mint(ep, seL4_AllRights, 0x1);
    ih_step_t rs1 = ih_step(IH_RECV, b1, 0, 0), rs2 = ih_step(IH_RECV, ep, 0, 0);
    ih_give(r1, &rs1, 1);
    ih_give(r2, &rs2, 1);
    ih_settle();
    CHECK_EQ(seL4_CNode_CancelBadgedSends(ROOT, b1, D), seL4_NoError);
    ih_settle();
    CHECK_EQ(ih_done(r1), 0);
    CHECK_EQ(ih_done(r2), 0);
    ih_send(b1, ih_msg(L(1), 1, 0));
    ih_send(b1, ih_msg(L(2), 1, 0));
    ih_settle();
    IH_CHECK_MSG(ih_res(r1, 0), 0x1, L(1), 1);
    IH_CHECK_MSG(ih_res(r2, 0), 0x1, L(2), 1);
    /* And with nobody queued, it succeeds and changes nothing. */
    CHECK_EQ(seL4_CNode_CancelBadgedSends(ROOT, b1, D), seL4_NoError);
    ih_destroy(r1);
    ih_destroy(r2);
}
DEFINE_TEST(CANCEL_BADGED_SENDS0007, "queued receivers, or an empty queue: nothing happens",
            cancel_receivers_untouched);

/* A thread that faults at once (an undefined instruction). */
static void fault_now(seL4_Word arg)
{
    (void)arg;
    __asm__ volatile("ud2");
}

static void cancel_fault_senders(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    /* t's faults go to ep with badge 1 (a fault endpoint needs Write and GrantReply). */
    seL4_CPtr fcap = ih_mint(ep, seL4_CapRights_new(1, 0, 0, 1), 0x1);
    ih_actor_t *s = ih_thread(&env, IH_ACTOR_PRIO);
    fh_thread_t t;
    if (!s || !fh_thread_new(&t, &env.space, fcap, IH_ACTOR_PRIO, true)) {
        return;
    }
    /* The queue: t (its fault message, badge 1), then s (badge 2). */
    fh_thread_start(&t, fault_now, 0);
    ih_settle();
    ih_step_t ss = ih_step(IH_SEND, ih_mint(ep, seL4_AllRights, 0x2), L(1), 1);
    ih_give(s, &ss, 1);
    ih_settle();
    /* Cancelling badge 1 restarts t as well (non-MCS seL4 restarts every sender with the
     * badge, a fault sender included): it runs the faulting instruction again and its new
     * fault message queues behind s's message. */
    CHECK_EQ(seL4_CNode_CancelBadgedSends(ROOT, ih_mint(ep, seL4_AllRights, 0x1), D), seL4_NoError);
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = ih_recv(ep, &badge);
    CHECK_EQ(seL4_MessageInfo_get_label(info), L(1));
    CHECK_EQ(badge, 0x2);
    info = seL4_NBRecv(ep, &badge);
    CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_UserException);
    CHECK_EQ(badge, 0x1);
    CHECK_EQ(seL4_GetMR(seL4_UserException_Number), 6); /* #UD */
    CHECK_EQ(seL4_NBRecv(ep, NULL).words[0], 0);
    fh_thread_destroy(&t);
    ih_destroy(s);
}
DEFINE_TEST(CANCEL_BADGED_SENDS0008,
            "a thread sending a fault with the badge restarts too and "
            "faults again",
            cancel_fault_senders);
