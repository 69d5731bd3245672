/*
 * IPCRIGHTS: what each right of an endpoint or notification capability allows. Write to send
 * (without it: nothing for Send/NBSend, seL4_InvalidCapability for Call), Read to receive
 * (without it: a capability fault in the receive phase), Grant to transfer capabilities,
 * Grant or GrantReply to Call and wait for a reply, and the reply's own grant right, which
 * comes from the receiver's capability. Fault endpoints need Write and Grant or GrantReply.
 */
#include "ipc_helpers.h"

#define ROOT IH_ROOT
#define D    IH_DEPTH

#define L(n) (0x2000ul + (n))

/* seL4_CapRights_new(grantReply, grant, read, write) for rights written as a bit mask. */
#define R_W  1u
#define R_R  2u
#define R_G  4u
#define R_GR 8u
static seL4_CapRights_t rights(unsigned m)
{
    return seL4_CapRights_new(!!(m & R_GR), !!(m & R_G), !!(m & R_R), !!(m & R_W));
}

/* Checks the CapFault (receive phase, MissingCapability, no bits left) a thread actor sent to
 * the actors' fault endpoint for cptr. */
static void check_recv_fault(ih_env_t *env, seL4_CPtr cptr)
{
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_NBRecv(env->fault.ep, &badge);
    CHECK_EQ(badge, IH_FAULT_BADGE);
    CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_CapFault);
    CHECK_EQ(seL4_MessageInfo_get_length(info), 5);
    CHECK_EQ(seL4_GetMR(seL4_CapFault_Addr), cptr);
    CHECK_EQ(seL4_GetMR(seL4_CapFault_InRecvPhase), 1);
    CHECK_EQ(seL4_GetMR(seL4_CapFault_LookupFailureType), seL4_MissingCapability);
    CHECK_EQ(seL4_GetMR(seL4_CapFault_BitsLeft), 0);
}

/* Nothing waits on the actors' fault endpoint. */
static void check_no_fault(ih_env_t *env)
{
    CHECK_EQ(seL4_NBRecv(env->fault.ep, NULL).words[0], 0);
}

static void send_without_write(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    ih_actor_t *a = ih_thread(&env, IH_ACTOR_PRIO);
    ih_actor_t *r = ih_thread(&env, IH_ACTOR_PRIO);
    if (!a || !r) {
        return;
    }
    /* Every capability without Write, with a receiver waiting: Send and NBSend do nothing and
     * return (no fault); the receiver still waits. */
    static const unsigned no_write[] = {0, R_R, R_G, R_GR, R_R | R_G | R_GR};
    ih_step_t rs = ih_step(IH_RECV, ep, 0, 0);
    ih_give(r, &rs, 1);
    for (unsigned k = 0; k < sizeof(no_write) / sizeof(no_write[0]); k++) {
        seL4_CPtr cap = ih_mint(ep, rights(no_write[k]), 0x10 + k);
        ih_step_t st[2] = {ih_step(IH_SEND, cap, L(k), 3), ih_step(IH_NBSEND, cap, L(k), 3)};
        ih_give(a, st, 2);
        ih_settle();
        CHECK_EQ(ih_done(a), 2);
        CHECK_EQ(ih_done(r), 0);
        ih_send(cap, ih_msg(L(0x10 + k), 1, 0));
        seL4_NBSend(cap, ih_msg(L(0x10 + k), 1, 0));
        ih_settle();
        CHECK_EQ(ih_done(r), 0);
    }
    check_no_fault(&env);
    /* Write alone is enough. */
    seL4_CPtr w = ih_mint(ep, seL4_CanWrite, 0x99);
    ih_step_t st = ih_step(IH_SEND, w, L(0x20), 2);
    ih_give(a, &st, 1);
    ih_settle();
    CHECK_EQ(ih_done(a), 1);
    CHECK_EQ(ih_done(r), 1);
    IH_CHECK_MSG(ih_res(r, 0), 0x99, L(0x20), 2);
    ih_destroy(a);
    ih_destroy(r);
}
DEFINE_TEST(IPCRIGHTS0001, "Send/NBSend on an endpoint capability without Write do nothing",
            send_without_write);

static void call_without_write(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    seL4_CPtr cap = ih_mint(ep, rights(R_R | R_G | R_GR), 0x5);
    ih_actor_t *a = ih_thread(&env, IH_ACTOR_PRIO);
    ih_actor_t *r = ih_thread(&env, IH_ACTOR_PRIO);
    if (!a || !r) {
        return;
    }
    /* A Call gets seL4_InvalidCapability (capability 0) as its reply; nothing is sent. */
    ih_step_t rs = ih_step(IH_RECV, ep, 0, 0);
    ih_give(r, &rs, 1);
    ih_step_t cs = ih_step(IH_CALL, cap, L(2), 7);
    ih_give(a, &cs, 1);
    ih_settle();
    CHECK_EQ(ih_done(a), 1);
    const ih_result_t *res = ih_res(a, 0);
    CHECK_EQ(ih_label(res), seL4_InvalidCapability);
    CHECK_EQ(ih_len(res), 1);
    CHECK_EQ(res->mr[0], 0);
    CHECK_EQ(res->badge, 0);
    CHECK_EQ(ih_done(r), 0);
    check_no_fault(&env);
    /* The test thread's own Call (only once an actor's showed that it cannot block). */
    if (ih_label(res) == seL4_InvalidCapability) {
        seL4_MessageInfo_t info = seL4_Call(cap, ih_msg(L(1), 4, 0));
        CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_InvalidCapability);
        CHECK_EQ(seL4_MessageInfo_get_length(info), 1);
        CHECK_EQ(seL4_GetMR(0), 0);
    }
    ih_send(ep, ih_msg(L(3), 0, 0));
    ih_settle();
    IH_CHECK_MSG(ih_res(r, 0), 0, L(3), 0);
    ih_destroy(a);
    ih_destroy(r);
}
DEFINE_TEST(IPCRIGHTS0002, "Call on an endpoint capability without Write: InvalidCapability",
            call_without_write);

static void recv_without_read(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    ih_actor_t *a = ih_thread(&env, IH_ACTOR_PRIO);
    ih_actor_t *s = ih_thread(&env, IH_ACTOR_PRIO);
    if (!a || !s) {
        return;
    }
    /* With a sender waiting, Recv and NBRecv without Read are capability faults in the
     * receive phase; the sender keeps waiting. */
    ih_step_t ss = ih_step(IH_SEND, ep, L(1), 2);
    ih_give(s, &ss, 1);
    static const unsigned no_read[] = {0, R_W, R_G | R_GR, R_W | R_G | R_GR};
    for (unsigned k = 0; k < sizeof(no_read) / sizeof(no_read[0]); k++) {
        seL4_CPtr cap = ih_mint(ep, rights(no_read[k]), 0);
        ih_step_t st = ih_step(k & 1 ? IH_NBRECV : IH_RECV, cap, 0, 0);
        ih_give(a, &st, 1);
        ih_settle();
        CHECK_EQ(ih_done(a), 0);
        check_recv_fault(&env, cap);
        /* Start it afresh for the next case. */
        ih_destroy(a);
        a = ih_thread(&env, IH_ACTOR_PRIO);
        if (!a) {
            return;
        }
    }
    CHECK_EQ(ih_done(s), 0);
    /* Read alone is enough. */
    seL4_CPtr rd = ih_mint(ep, seL4_CanRead, 0);
    ih_step_t st = ih_step(IH_RECV, rd, 0, 0);
    ih_give(a, &st, 1);
    ih_settle();
    CHECK_EQ(ih_done(a), 1);
    IH_CHECK_MSG(ih_res(a, 0), 0, L(1), 2);
    CHECK_EQ(ih_done(s), 1);
    ih_destroy(a);
    ih_destroy(s);
}
DEFINE_TEST(IPCRIGHTS0003, "Recv/NBRecv without Read: CapFault, receive phase, MissingCapability",
            recv_without_read);

static void replyrecv_without_read(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    seL4_CPtr wo = ih_mint(ep, seL4_CanWrite, 0);
    ih_actor_t *c = ih_thread(&env, IH_ACTOR_PRIO);
    ih_actor_t *srv = ih_thread(&env, IH_ACTOR_PRIO);
    if (!c || !srv) {
        return;
    }
    /* The server receives a Call, then ReplyRecvs on a capability without Read: the reply is
     * delivered, then the receive half faults. */
    ih_step_t cs = ih_step(IH_CALL, ep, L(1), 1);
    ih_give(c, &cs, 1);
    ih_step_t ss[2] = {ih_step(IH_RECV, ep, 0, 0), ih_step(IH_REPLYRECV, wo, L(2), 5)};
    ih_give(srv, ss, 2);
    ih_settle();
    CHECK_EQ(ih_done(c), 1);
    IH_CHECK_MSG(ih_res(c, 0), 0, L(2), 5);
    CHECK_EQ(ih_done(srv), 1);
    check_recv_fault(&env, wo);
    ih_destroy(c);
    ih_destroy(srv);
}
DEFINE_TEST(IPCRIGHTS0004, "ReplyRecv without Read: the reply goes, then the receive faults",
            replyrecv_without_read);

/* One transfer of a notification capability and an unwrappable one from sender s with
 * capability scap to receiver r (receive slot `slot`), in the order given; returns r's
 * result. */
static const ih_result_t *transfer(ih_actor_t *s, ih_actor_t *r, seL4_CPtr scap, seL4_CPtr ep,
                                   seL4_CPtr ntfn, seL4_CPtr slot, bool sender_first,
                                   seL4_Word label)
{
    seL4_CPtr unwrap = ih_mint(ep, seL4_CanWrite, 0x7);
    ih_step_t ss = ih_step_caps(IH_SEND, scap, label, 3, 2, unwrap, ntfn, 0);
    ih_step_t rs[2] = {ih_recv_path(ROOT, slot, D), ih_step(IH_RECV, ep, 0, 0)};
    if (sender_first) {
        ih_give(s, &ss, 1);
        ih_settle();
        ih_give(r, rs, 2);
    } else {
        ih_give(r, rs, 2);
        ih_settle();
        ih_give(s, &ss, 1);
    }
    ih_settle();
    CHECK_EQ(ih_done(s), 1);
    CHECK_EQ(ih_done(r), 2);
    return ih_res(r, 1);
}

static void grant_needed(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    seL4_CPtr ntfn = test_object(seL4_NotificationObject, 0);
    ih_actor_t *s = ih_thread(&env, IH_ACTOR_PRIO);
    ih_actor_t *r = ih_thread(&env, IH_ACTOR_PRIO);
    if (!s || !r) {
        return;
    }
    for (int sender_first = 0; sender_first < 2; sender_first++) {
        /* Without Grant (GrantReply does not count), no capability goes, not even an
         * unwrapped one; the message arrives. */
        static const unsigned no_grant[] = {R_W, R_W | R_GR, R_W | R_R | R_GR};
        for (unsigned k = 0; k < 3; k++) {
            seL4_CPtr scap = ih_mint(ep, rights(no_grant[k]), 0x40 + k);
            seL4_CPtr slot = test_slot();
            const ih_result_t *res =
                transfer(s, r, scap, ep, ntfn, slot, sender_first, L(0x10 * sender_first + k));
            IH_CHECK_MSG(res, 0x40 + k, L(0x10 * sender_first + k), 3);
            CHECK_EQ(res->cob[0], IH_COB_POISON);
            IH_CHECK_CAP(slot, IH_CAP_NULL);
        }
        /* With Grant (and Write), both. */
        seL4_CPtr scap = ih_mint(ep, rights(R_W | R_G), 0x50);
        seL4_CPtr slot = test_slot();
        const ih_result_t *res = transfer(s, r, scap, ep, ntfn, slot, sender_first, L(0x20));
        CHECK_EQ(res->badge, 0x50);
        CHECK_EQ(ih_extra(res), 2);
        CHECK_EQ(ih_unwrapped(res), 1);
        CHECK_EQ(res->cob[0], 0x7);
        CHECK_EQ(res->bad, 0);
        IH_CHECK_CAP(slot, IH_CAP_NOTIFICATION);
    }
    ih_destroy(s);
    ih_destroy(r);
}
DEFINE_TEST(IPCRIGHTS0005, "capabilities go only with Grant; without it the message arrives bare",
            grant_needed);

static void call_rights(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    seL4_CPtr ntfn = test_object(seL4_NotificationObject, 0);
    ih_actor_t *c = ih_thread(&env, IH_ACTOR_PRIO);
    ih_actor_t *srv = ih_thread(&env, IH_ACTOR_PRIO);
    if (!c || !srv) {
        return;
    }
    /* GrantReply alone or Grant alone (with Write) lets a caller wait for its reply. With
     * GrantReply only, the Call's own capabilities do not go. */
    static const unsigned call_ok[] = {R_W | R_GR, R_W | R_G, R_W | R_G | R_GR};
    for (unsigned k = 0; k < 3; k++) {
        seL4_CPtr cap = ih_mint(ep, rights(call_ok[k]), 0x60 + k);
        seL4_CPtr slot = test_slot();
        ih_step_t cs = ih_step_caps(IH_CALL, cap, L(k), 2, 1, ntfn, 0, 0);
        ih_give(c, &cs, 1);
        ih_step_t ss[3] = {ih_recv_path(ROOT, slot, D), ih_step(IH_RECV, ep, 0, 0),
                           ih_step(IH_REPLY, 0, L(0x10 + k), 4)};
        ih_give(srv, ss, 3);
        ih_settle();
        CHECK_EQ(ih_done(srv), 3);
        const ih_result_t *res = ih_res(srv, 1);
        CHECK_EQ(res->badge, 0x60 + k);
        CHECK_EQ(ih_extra(res), call_ok[k] & R_G ? 1 : 0);
        IH_CHECK_CAP(slot, call_ok[k] & R_G ? IH_CAP_NOTIFICATION : IH_CAP_NULL);
        CHECK_EQ(ih_done(c), 1);
        IH_CHECK_MSG(ih_res(c, 0), 0, L(0x10 + k), 4);
    }
    ih_destroy(c);
    ih_destroy(srv);
}
DEFINE_TEST(IPCRIGHTS0006, "Call needs Grant or GrantReply; GrantReply alone carries no caps",
            call_rights);

static void reply_grant_from_receiver(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    seL4_CPtr ntfn = test_object(seL4_NotificationObject, 0);
    /* The caller has GrantReply only: whether the reply may carry capabilities depends on the
     * receiver's capability alone. */
    seL4_CPtr ccap = ih_mint(ep, rights(R_W | R_GR), 0x1);
    ih_actor_t *c = ih_thread(&env, IH_ACTOR_PRIO);
    ih_actor_t *srv = ih_thread(&env, IH_ACTOR_PRIO);
    if (!c || !srv) {
        return;
    }
    unsigned n = 0;
    static const unsigned rcv[] = {R_R, R_R | R_W | R_GR, R_R | R_G, R_R | R_G | R_GR};
    for (unsigned k = 0; k < 4; k++) {
        for (int caller_first = 0; caller_first < 2; caller_first++, n++) {
            seL4_CPtr rcap = ih_mint(ep, rights(rcv[k]), 0);
            seL4_CPtr slot = test_slot();
            ih_step_t cs[2] = {ih_recv_path(ROOT, slot, D), ih_step(IH_CALL, ccap, L(n), 1)};
            ih_step_t ss[2] = {ih_step(IH_RECV, rcap, 0, 0),
                               ih_step_caps(IH_REPLY, 0, L(0x40 + n), 2, 1, ntfn, 0, 0)};
            if (caller_first) {
                ih_give(c, cs, 2);
                ih_settle();
                ih_give(srv, ss, 2);
            } else {
                ih_give(srv, ss, 2);
                ih_settle();
                ih_give(c, cs, 2);
            }
            ih_settle();
            CHECK_EQ(ih_done(srv), 2);
            CHECK_EQ(ih_done(c), 2);
            const ih_result_t *res = ih_res(c, 1);
            CHECK_EQ(ih_label(res), L(0x40 + n));
            CHECK_EQ(res->bad, 0);
            bool grant = rcv[k] & R_G;
            CHECK_EQ(ih_extra(res), grant ? 1 : 0);
            IH_CHECK_CAP(slot, grant ? IH_CAP_NOTIFICATION : IH_CAP_NULL);
        }
    }
    ih_destroy(c);
    ih_destroy(srv);
}
DEFINE_TEST(IPCRIGHTS0007, "a reply carries capabilities iff the receiver's capability has Grant",
            reply_grant_from_receiver);

static void saved_reply_grant(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    seL4_CPtr ntfn = test_object(seL4_NotificationObject, 0);
    ih_actor_t *c = ih_thread(&env, IH_ACTOR_PRIO);
    if (!c) {
        return;
    }
    /* The test thread receives with and without Grant, saves the reply capability and sends
     * a capability through it: it goes only in the first case. */
    for (int grant = 1; grant >= 0; grant--) {
        seL4_CPtr rcap = ih_mint(ep, rights(grant ? R_R | R_G : R_R | R_W | R_GR), 0);
        seL4_CPtr slot = test_slot(), saved = test_slot();
        ih_step_t cs[2] = {ih_recv_path(ROOT, slot, D), ih_step(IH_CALL, ep, L(grant), 0)};
        ih_give(c, cs, 2);
        ih_settle();
        ih_recv(rcap, NULL);
        CHECK_EQ(seL4_CNode_SaveCaller(ROOT, saved, D), seL4_NoError);
        seL4_SetCap(0, ntfn);
        seL4_Send(saved, ih_msg(L(0x10 + grant), 6, 1));
        ih_settle();
        CHECK_EQ(ih_done(c), 2);
        const ih_result_t *res = ih_res(c, 1);
        CHECK_EQ(ih_label(res), L(0x10 + grant));
        CHECK_EQ(ih_len(res), 6);
        CHECK_EQ(res->bad, 0);
        CHECK_EQ(ih_extra(res), grant ? 1 : 0);
        IH_CHECK_CAP(slot, grant ? IH_CAP_NOTIFICATION : IH_CAP_NULL);
    }
    ih_destroy(c);
}
DEFINE_TEST(IPCRIGHTS0008, "a saved reply capability keeps the receiver's grant right",
            saved_reply_grant);

static void notification_rights(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    seL4_CPtr ntfn = test_object(seL4_NotificationObject, 0);
    seL4_CPtr ro = ih_mint(ntfn, seL4_CanRead, 0x1);
    seL4_CPtr wo = ih_mint(ntfn, seL4_CanWrite, 0x2);
    ih_actor_t *a = ih_thread(&env, IH_ACTOR_PRIO);
    if (!a) {
        return;
    }
    /* Signal without Write: nothing (Send, NBSend), InvalidCapability (Call). */
    seL4_Signal(ro);
    seL4_NBSend(ro, seL4_MessageInfo_new(0, 0, 0, 0));
    seL4_MessageInfo_t info = seL4_Call(ro, seL4_MessageInfo_new(0, 0, 0, 0));
    CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_InvalidCapability);
    CHECK_EQ(seL4_GetMR(0), 0);
    seL4_Word badge = ~0ul;
    seL4_Poll(ro, &badge);
    CHECK_EQ(badge, 0);
    /* Write alone signals; Read alone waits. */
    seL4_Signal(wo);
    seL4_Poll(ro, &badge);
    CHECK_EQ(badge, 0x2);
    /* Wait and Poll without Read: a capability fault in the receive phase. */
    seL4_Signal(wo);
    ih_step_t w = ih_step(IH_RECV, wo, 0, 0);
    ih_give(a, &w, 1);
    ih_settle();
    CHECK_EQ(ih_done(a), 0);
    check_recv_fault(&env, wo);
    ih_destroy(a);
    a = ih_thread(&env, IH_ACTOR_PRIO);
    if (!a) {
        return;
    }
    ih_step_t p = ih_step(IH_NBRECV, wo, 0, 0);
    ih_give(a, &p, 1);
    ih_settle();
    CHECK_EQ(ih_done(a), 0);
    check_recv_fault(&env, wo);
    /* The signal is still there. */
    seL4_Poll(ro, &badge);
    CHECK_EQ(badge, 0x2);
    ih_destroy(a);
}
DEFINE_TEST(IPCRIGHTS0009, "notifications: Signal needs Write, Wait and Poll need Read",
            notification_rights);

/* A thread that faults at once (an undefined instruction). */
static void fault_now(seL4_Word arg)
{
    (void)arg;
    __asm__ volatile("ud2");
}

static void fault_endpoint_rights(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    /* Usable fault endpoints: Write with Grant or GrantReply. Others: the thread just stops
     * (the kernel prints a USER FAULT line for each). */
    static const struct {
        unsigned rights;
        bool usable;
    } cases[] = {
        {R_W | R_GR, true}, {R_W | R_G, true},         {R_W, false},
        {R_W | R_R, false}, {R_R | R_G | R_GR, false},
    };
    for (unsigned k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        seL4_CPtr fep = ih_mint(ep, rights(cases[k].rights), 0x100 + k);
        fh_thread_t t;
        if (!fh_thread_new(&t, &env.space, fep, IH_ACTOR_PRIO, true) ||
            !fh_thread_start(&t, fault_now, 0)) {
            return;
        }
        ih_settle();
        seL4_Word badge = 0;
        seL4_MessageInfo_t info = seL4_NBRecv(ep, &badge);
        if (cases[k].usable) {
            CHECK_EQ(badge, 0x100 + k);
            CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_UserException);
            CHECK_EQ(seL4_GetMR(seL4_UserException_Number), 6); /* #UD */
        } else {
            CHECK_EQ(info.words[0], 0);
            CHECK_EQ(badge, 0);
        }
        fh_thread_destroy(&t);
    }
}
DEFINE_TEST(IPCRIGHTS0010, "a fault endpoint needs Write and Grant or GrantReply",
            fault_endpoint_rights);
