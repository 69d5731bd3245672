/*
 * BIND: notifications bound to a TCB (TCB_BindNotification, TCB_UnbindNotification). The bound
 * thread receives the notification's signals while it waits on an endpoint (the badge register
 * holds the notification word), a pending signal comes before any endpoint message, nobody
 * else may wait on a bound notification, and deleting either side unbinds them.
 */
#include "ipc_helpers.h"

#define ROOT IH_ROOT
#define D    IH_DEPTH

#define L(n) (0x3000ul + (n))

static void bind_unbind(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    seL4_CPtr ntfn = test_object(seL4_NotificationObject, 0);
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    ih_actor_t *a = ih_thread(&env, IH_ACTOR_PRIO);
    ih_actor_t *b = ih_thread(&env, IH_ACTOR_PRIO);
    if (!a || !b) {
        return;
    }
    /* Bound to a: a's endpoint Recv takes the signal. A Read-only capability is enough. */
    seL4_CPtr ro = ih_mint(ntfn, seL4_CanRead, 0);
    CHECK_EQ(seL4_TCB_BindNotification(ih_tcb(a), ro), seL4_NoError);
    ih_step_t rs = ih_step(IH_RECV, ep, 0, 0);
    ih_give(a, &rs, 1);
    ih_settle();
    seL4_Signal(ih_mint(ntfn, seL4_CanWrite, 0x10));
    ih_settle();
    CHECK_EQ(ih_done(a), 1);
    CHECK_EQ(ih_res(a, 0)->badge, 0x10);
    /* Unbound, then bound to b: the same for b, and a's Recv no longer takes signals. */
    CHECK_EQ(seL4_TCB_UnbindNotification(ih_tcb(a)), seL4_NoError);
    CHECK_EQ(seL4_TCB_BindNotification(ih_tcb(b), ntfn), seL4_NoError);
    ih_give(a, &rs, 1);
    ih_give(b, &rs, 1);
    ih_settle();
    seL4_Signal(ih_mint(ntfn, seL4_CanWrite, 0x20));
    ih_settle();
    CHECK_EQ(ih_done(a), 0);
    CHECK_EQ(ih_done(b), 1);
    CHECK_EQ(ih_res(b, 0)->badge, 0x20);
    /* And back to a. */
    CHECK_EQ(seL4_TCB_UnbindNotification(ih_tcb(b)), seL4_NoError);
    CHECK_EQ(seL4_TCB_BindNotification(ih_tcb(a), ntfn), seL4_NoError);
    seL4_Signal(ih_mint(ntfn, seL4_CanWrite, 0x30));
    ih_settle();
    CHECK_EQ(ih_done(a), 1);
    CHECK_EQ(ih_res(a, 0)->badge, 0x30);
    ih_destroy(a);
    ih_destroy(b);
}
DEFINE_TEST(BIND0001, "BindNotification and UnbindNotification; rebinding to another thread",
            bind_unbind);

static void bind_errors(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    seL4_CPtr n1 = test_object(seL4_NotificationObject, 0);
    seL4_CPtr n2 = test_object(seL4_NotificationObject, 0);
    seL4_CPtr n3 = test_object(seL4_NotificationObject, 0);
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    seL4_CPtr frame = test_object(seL4_X86_4K, 0);
    seL4_CPtr t1 = test_object(seL4_TCBObject, 0), t2 = test_object(seL4_TCBObject, 0);
    ih_actor_t *w = ih_thread(&env, IH_ACTOR_PRIO);
    if (!w) {
        return;
    }
    /* Unbind with nothing bound. */
    CHECK_EQ(seL4_TCB_UnbindNotification(t1), seL4_IllegalOperation);
    CHECK_EQ(seL4_TCB_BindNotification(t1, n1), seL4_NoError);
    /* The thread is bound already (even to the same notification). */
    CHECK_EQ(seL4_TCB_BindNotification(t1, n2), seL4_IllegalOperation);
    CHECK_EQ(seL4_TCB_BindNotification(t1, n1), seL4_IllegalOperation);
    /* The notification is bound already. */
    CHECK_EQ(seL4_TCB_BindNotification(t2, n1), seL4_IllegalOperation);
    /* A notification capability without Read (whatever else it has). */
    CHECK_EQ(seL4_TCB_BindNotification(t2, ih_mint(n2, seL4_CanWrite, 0)), seL4_IllegalOperation);
    CHECK_EQ(seL4_TCB_BindNotification(t2, ih_mint(n2, seL4_CapRights_new(1, 1, 0, 1), 0)),
             seL4_IllegalOperation);
    /* Not a notification capability. */
    CHECK_EQ(seL4_TCB_BindNotification(t2, ep), seL4_IllegalOperation);
    CHECK_EQ(seL4_TCB_BindNotification(t2, frame), seL4_IllegalOperation);
    CHECK_EQ(seL4_TCB_BindNotification(t2, test_slot()), seL4_IllegalOperation);
    /* A notification with a thread waiting on it. */
    ih_step_t ws = ih_step(IH_RECV, n3, 0, 0);
    ih_give(w, &ws, 1);
    ih_settle();
    CHECK_EQ(seL4_TCB_BindNotification(t2, n3), seL4_IllegalOperation);
    /* No capability at all: TruncatedMessage. */
    seL4_MessageInfo_t info = seL4_Call(t2, seL4_MessageInfo_new(TCBBindNotification, 0, 0, 0));
    CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_TruncatedMessage);
    /* None of that bound anything: t2 binds n2 now, t1 stays bound to n1. */
    CHECK_EQ(seL4_TCB_UnbindNotification(t2), seL4_IllegalOperation);
    CHECK_EQ(seL4_TCB_BindNotification(t2, n2), seL4_NoError);
    CHECK_EQ(seL4_TCB_UnbindNotification(t2), seL4_NoError);
    CHECK_EQ(seL4_TCB_UnbindNotification(t2), seL4_IllegalOperation);
    CHECK_EQ(seL4_TCB_UnbindNotification(t1), seL4_NoError);
    seL4_Signal(n3);
    ih_destroy(w);
}
DEFINE_TEST(BIND0002, "bind errors: thread or notification bound, no Read, not a notification",
            bind_errors);

static void bound_recv_wakes(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    seL4_CPtr ntfn = test_object(seL4_NotificationObject, 0);
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    seL4_CPtr sig = ih_mint(ntfn, seL4_CanWrite, 0x5);
    ih_actor_t *a = ih_thread(&env, IH_ACTOR_PRIO);
    ih_actor_t *s = ih_thread(&env, IH_ACTOR_PRIO);
    if (!a || !s) {
        return;
    }
    CHECK_EQ(seL4_TCB_BindNotification(ih_tcb(a), ntfn), seL4_NoError);
    /* Recv, then ReplyRecv, on an endpoint: a signal from the test thread, then one from
     * another thread, wakes it with the notification's badge. */
    ih_step_t rs[2] = {ih_step(IH_RECV, ep, 0, 0), ih_step(IH_REPLYRECV, ep, L(1), 1)};
    ih_give(a, rs, 2);
    ih_settle();
    CHECK_EQ(ih_done(a), 0);
    seL4_Signal(sig);
    ih_settle();
    CHECK_EQ(ih_done(a), 1);
    CHECK_EQ(ih_res(a, 0)->badge, 0x5);
    ih_step_t ss = ih_step(IH_SEND, ih_mint(ntfn, seL4_CanWrite, 0x600), 0, 0);
    ih_give(s, &ss, 1);
    ih_settle();
    CHECK_EQ(ih_done(s), 1);
    CHECK_EQ(ih_done(a), 2);
    CHECK_EQ(ih_res(a, 1)->badge, 0x600);
    /* It left the endpoint's queue: nobody takes an NBSend now; the word is clear. */
    seL4_NBSend(ep, ih_msg(L(2), 1, 0));
    ih_step_t nr = ih_step(IH_NBRECV, ep, 0, 0);
    ih_give(a, &nr, 1);
    ih_settle();
    CHECK_EQ(ih_done(a), 1);
    CHECK_EQ(ih_res(a, 0)->badge, 0);
    CHECK_EQ(ih_res(a, 0)->info, 0);
    /* Endpoint messages still come through. */
    ih_give(a, rs, 1);
    ih_settle();
    ih_send(ep, ih_msg(L(3), 3, 0));
    ih_settle();
    IH_CHECK_MSG(ih_res(a, 0), 0, L(3), 3);
    ih_destroy(a);
    ih_destroy(s);
}
DEFINE_TEST(BIND0003, "a bound thread blocked on an endpoint wakes with the notification badge",
            bound_recv_wakes);

static void pending_signal_first(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    seL4_CPtr ntfn = test_object(seL4_NotificationObject, 0);
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    seL4_CPtr sender_cap = ih_mint(ep, seL4_AllRights, 0xe9);
    ih_actor_t *a = ih_thread(&env, IH_ACTOR_PRIO);
    ih_actor_t *s = ih_thread(&env, IH_ACTOR_PRIO);
    if (!a || !s) {
        return;
    }
    CHECK_EQ(seL4_TCB_BindNotification(ih_tcb(a), ntfn), seL4_NoError);
    /* A sender waits on the endpoint and two signals are pending (their badges OR-ed): the
     * bound thread's Recv takes the signals first, at once, then the message; NBRecv too. */
    for (int nb = 0; nb < 2; nb++) {
        ih_step_t ss = ih_step(IH_SEND, sender_cap, L(nb), 4);
        ih_give(s, &ss, 1);
        ih_settle();
        seL4_Signal(ih_mint(ntfn, seL4_CanWrite, 0x3));
        seL4_Signal(ih_mint(ntfn, seL4_CanWrite, 0x14));
        ih_op_t op = nb ? IH_NBRECV : IH_RECV;
        ih_step_t rs[3] = {ih_step(op, ep, 0, 0), ih_step(op, ep, 0, 0), ih_step(op, ep, 0, 0)};
        ih_give(a, rs, 3);
        ih_settle();
        CHECK_EQ(ih_res(a, 0)->badge, 0x17);
        IH_CHECK_MSG(ih_res(a, 1), 0xe9, L(nb), 4);
        if (nb) {
            /* Nothing left: the word was cleared. */
            CHECK_EQ(ih_done(a), 3);
            CHECK_EQ(ih_res(a, 2)->badge, 0);
            CHECK_EQ(ih_res(a, 2)->info, 0);
        } else {
            /* Nothing left: the third Recv waits, and gets the next message. */
            CHECK_EQ(ih_done(a), 2);
            ih_send(ep, ih_msg(L(9), 1, 0));
            ih_settle();
            CHECK_EQ(ih_done(a), 3);
            IH_CHECK_MSG(ih_res(a, 2), 0, L(9), 1);
        }
        CHECK_EQ(ih_done(s), 1);
    }
    ih_destroy(a);
    ih_destroy(s);
}
DEFINE_TEST(BIND0004, "a pending signal is received before a waiting endpoint message",
            pending_signal_first);

static void wait_on_bound(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    seL4_CPtr ntfn = test_object(seL4_NotificationObject, 0);
    seL4_CPtr sig = ih_mint(ntfn, seL4_CanWrite, 0x44);
    ih_actor_t *a = ih_thread(&env, IH_ACTOR_PRIO);
    ih_actor_t *b = ih_thread(&env, IH_ACTOR_PRIO);
    if (!a || !b) {
        return;
    }
    CHECK_EQ(seL4_TCB_BindNotification(ih_tcb(a), ntfn), seL4_NoError);
    /* The bound thread may Wait on its notification itself. */
    ih_step_t ws = ih_step(IH_RECV, ntfn, 0, 0);
    ih_give(a, &ws, 1);
    ih_settle();
    CHECK_EQ(ih_done(a), 0);
    seL4_Signal(sig);
    ih_settle();
    CHECK_EQ(ih_done(a), 1);
    CHECK_EQ(ih_res(a, 0)->badge, 0x44);
    /* Another thread may not, even with a signal pending: a capability fault in the receive
     * phase, for Wait and Poll. */
    seL4_Signal(sig);
    for (int poll = 0; poll < 2; poll++) {
        ih_step_t st = ih_step(poll ? IH_NBRECV : IH_RECV, ntfn, 0, 0);
        ih_give(b, &st, 1);
        ih_settle();
        CHECK_EQ(ih_done(b), 0);
        seL4_Word badge = 0;
        seL4_MessageInfo_t info = seL4_NBRecv(env.fault.ep, &badge);
        CHECK_EQ(badge, IH_FAULT_BADGE);
        CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_CapFault);
        CHECK_EQ(seL4_GetMR(seL4_CapFault_Addr), ntfn);
        CHECK_EQ(seL4_GetMR(seL4_CapFault_InRecvPhase), 1);
        CHECK_EQ(seL4_GetMR(seL4_CapFault_LookupFailureType), seL4_MissingCapability);
        ih_destroy(b);
        b = ih_thread(&env, IH_ACTOR_PRIO);
        if (!b) {
            return;
        }
    }
    /* The signal is still there for the bound thread. */
    ih_step_t ps = ih_step(IH_NBRECV, ntfn, 0, 0);
    ih_give(a, &ps, 1);
    ih_settle();
    CHECK_EQ(ih_res(a, 0)->badge, 0x44);
    /* Unbound, anybody may wait again. */
    CHECK_EQ(seL4_TCB_UnbindNotification(ih_tcb(a)), seL4_NoError);
    ih_give(b, &ws, 1);
    ih_settle();
    seL4_Signal(sig);
    ih_settle();
    CHECK_EQ(ih_done(b), 1);
    CHECK_EQ(ih_res(b, 0)->badge, 0x44);
    ih_destroy(a);
    ih_destroy(b);
}
DEFINE_TEST(BIND0005, "Wait/Poll on a notification bound to another thread: capability fault",
            wait_on_bound);

static void blocked_on_reply(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    seL4_CPtr ntfn = test_object(seL4_NotificationObject, 0);
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    ih_actor_t *a = ih_thread(&env, IH_ACTOR_PRIO);
    if (!a) {
        return;
    }
    CHECK_EQ(seL4_TCB_BindNotification(ih_tcb(a), ntfn), seL4_NoError);
    /* A bound thread waiting for a reply is not woken by a signal: it stays pending and comes
     * with the next receive. */
    ih_step_t st[2] = {ih_step(IH_CALL, ep, L(1), 2), ih_step(IH_RECV, ep, 0, 0)};
    ih_give(a, st, 2);
    ih_settle();
    ih_recv(ep, NULL);
    seL4_Signal(ih_mint(ntfn, seL4_CanWrite, 0x8));
    ih_settle();
    CHECK_EQ(ih_done(a), 0);
    seL4_Reply(ih_msg(L(2), 5, 0));
    ih_settle();
    CHECK_EQ(ih_done(a), 2);
    IH_CHECK_MSG(ih_res(a, 0), 0, L(2), 5);
    CHECK_EQ(ih_res(a, 1)->badge, 0x8);
    ih_destroy(a);
}
DEFINE_TEST(BIND0006, "a signal does not wake a bound thread waiting for a reply; it stays",
            blocked_on_reply);

static void delete_notification_unbinds(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    seL4_CPtr ntfn = test_object(seL4_NotificationObject, 0);
    seL4_CPtr copy = ih_mint(ntfn, seL4_AllRights, 0);
    seL4_CPtr n2 = test_object(seL4_NotificationObject, 0);
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    ih_actor_t *a = ih_thread(&env, IH_ACTOR_PRIO);
    if (!a) {
        return;
    }
    CHECK_EQ(seL4_TCB_BindNotification(ih_tcb(a), ntfn), seL4_NoError);
    ih_step_t rs = ih_step(IH_RECV, ep, 0, 0);
    ih_give(a, &rs, 1);
    ih_settle();
    /* A copy going changes nothing; the last capability going unbinds (the thread keeps
     * waiting on the endpoint). */
    CHECK_EQ(seL4_CNode_Delete(ROOT, copy, D), seL4_NoError);
    CHECK_EQ(seL4_TCB_BindNotification(ih_tcb(a), n2), seL4_IllegalOperation);
    CHECK_EQ(seL4_CNode_Delete(ROOT, ntfn, D), seL4_NoError);
    ih_settle();
    CHECK_EQ(ih_done(a), 0);
    CHECK_EQ(seL4_TCB_UnbindNotification(ih_tcb(a)), seL4_IllegalOperation);
    CHECK_EQ(seL4_TCB_BindNotification(ih_tcb(a), n2), seL4_NoError);
    seL4_Signal(ih_mint(n2, seL4_CanWrite, 0x2));
    ih_settle();
    CHECK_EQ(ih_done(a), 1);
    CHECK_EQ(ih_res(a, 0)->badge, 0x2);
    ih_destroy(a);
}
DEFINE_TEST(BIND0007, "deleting the bound notification unbinds the thread",
            delete_notification_unbinds);

static void delete_tcb_unbinds(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    seL4_CPtr ntfn = test_object(seL4_NotificationObject, 0);
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    ih_actor_t *a = ih_thread(&env, IH_ACTOR_PRIO);
    ih_actor_t *b = ih_thread(&env, IH_ACTOR_PRIO);
    if (!a || !b) {
        return;
    }
    CHECK_EQ(seL4_TCB_BindNotification(ih_tcb(a), ntfn), seL4_NoError);
    CHECK_EQ(seL4_TCB_BindNotification(ih_tcb(b), ntfn), seL4_IllegalOperation);
    ih_step_t rs = ih_step(IH_RECV, ep, 0, 0);
    ih_give(a, &rs, 1);
    ih_settle();
    ih_destroy(a);
    /* A signal now finds nobody bound: it stays pending ... */
    seL4_Signal(ih_mint(ntfn, seL4_CanWrite, 0x70));
    /* ... and the notification can be bound to b, whose Recv takes it. */
    CHECK_EQ(seL4_TCB_BindNotification(ih_tcb(b), ntfn), seL4_NoError);
    ih_give(b, &rs, 1);
    ih_settle();
    CHECK_EQ(ih_done(b), 1);
    CHECK_EQ(ih_res(b, 0)->badge, 0x70);
    ih_destroy(b);
}
DEFINE_TEST(BIND0008, "deleting the bound TCB unbinds the notification", delete_tcb_unbinds);

static void unbind_stops_signals(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    seL4_CPtr ntfn = test_object(seL4_NotificationObject, 0);
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    ih_actor_t *a = ih_thread(&env, IH_ACTOR_PRIO);
    if (!a) {
        return;
    }
    CHECK_EQ(seL4_TCB_BindNotification(ih_tcb(a), ntfn), seL4_NoError);
    ih_step_t rs = ih_step(IH_RECV, ep, 0, 0);
    ih_give(a, &rs, 1);
    ih_settle();
    /* Unbound while it waits on the endpoint: signals stay in the notification. */
    CHECK_EQ(seL4_TCB_UnbindNotification(ih_tcb(a)), seL4_NoError);
    seL4_Signal(ih_mint(ntfn, seL4_CanWrite, 0x9));
    ih_settle();
    CHECK_EQ(ih_done(a), 0);
    seL4_Word badge = 0;
    seL4_Poll(ntfn, &badge);
    CHECK_EQ(badge, 0x9);
    ih_send(ep, ih_msg(L(1), 2, 0));
    ih_settle();
    CHECK_EQ(ih_done(a), 1);
    IH_CHECK_MSG(ih_res(a, 0), 0, L(1), 2);
    ih_destroy(a);
}
DEFINE_TEST(BIND0009, "after UnbindNotification signals no longer wake the endpoint receive",
            unbind_stops_signals);

static void bound_process(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    seL4_CPtr ntfn = test_object(seL4_NotificationObject, 0);
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    seL4_CapRights_t all = seL4_AllRights;
    seL4_Word none = 0;
    ih_actor_t *p = ih_process(&env, IH_ACTOR_PRIO, 1, &ep, &all, &none);
    if (!p) {
        return;
    }
    /* The test thread binds its notification to another process's thread and signals it. */
    CHECK_EQ(seL4_TCB_BindNotification(ih_tcb(p), ntfn), seL4_NoError);
    ih_step_t rs[2] = {ih_step(IH_RECV, IH_PROC_SLOT(0), 0, 0),
                       ih_step(IH_RECV, IH_PROC_SLOT(0), 0, 0)};
    ih_give(p, rs, 2);
    ih_settle();
    CHECK_EQ(ih_done(p), 0);
    seL4_Signal(ih_mint(ntfn, seL4_CanWrite, 0xabcdef));
    ih_settle();
    CHECK_EQ(ih_done(p), 1);
    CHECK_EQ(ih_res(p, 0)->badge, 0xabcdef);
    ih_send(ep, ih_msg(L(1), 33, 0));
    ih_settle();
    CHECK_EQ(ih_done(p), 2);
    IH_CHECK_MSG(ih_res(p, 1), 0, L(1), 33);
    ih_destroy(p);
}
DEFINE_TEST(BIND0010, "address spaces: a bound process thread receives the signal", bound_process);

static void unbadged_signals(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    seL4_CPtr ntfn = test_object(seL4_NotificationObject, 0);
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    ih_actor_t *a = ih_thread(&env, IH_ACTOR_PRIO);
    if (!a) {
        return;
    }
    CHECK_EQ(seL4_TCB_BindNotification(ih_tcb(a), ntfn), seL4_NoError);
    /* A signal through an unbadged capability (badge 0) wakes the bound thread with 0. */
    ih_step_t rs[2] = {ih_step(IH_RECV, ep, 0, 0), ih_step(IH_RECV, ep, 0, 0)};
    ih_give(a, rs, 1);
    ih_settle();
    seL4_Signal(ntfn);
    ih_settle();
    CHECK_EQ(ih_done(a), 1);
    CHECK_EQ(ih_res(a, 0)->badge, 0);
    /* Sent while the thread was not receiving, it is pending all the same (seL4: the
     * notification is active with badge 0): the next Recv returns at once, then the endpoint
     * message. */
    seL4_Signal(ntfn);
    ih_give(a, rs, 2);
    ih_settle();
    CHECK_EQ(ih_done(a), 1);
    CHECK_EQ(ih_res(a, 0)->badge, 0);
    ih_send(ih_mint(ep, seL4_AllRights, 0x1), ih_msg(L(1), 1, 0));
    ih_settle();
    CHECK_EQ(ih_done(a), 2);
    IH_CHECK_MSG(ih_res(a, 1), 0x1, L(1), 1);
    ih_destroy(a);
}
DEFINE_TEST(BIND0011, "unbadged signals (badge 0) wake the bound thread and stay pending",
            unbadged_signals);

static void bound_blocked_elsewhere(void)
{
    ih_env_t env;
    if (!ih_init(&env)) {
        return;
    }
    seL4_CPtr n1 = test_object(seL4_NotificationObject, 0);
    seL4_CPtr n2 = test_object(seL4_NotificationObject, 0);
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    ih_actor_t *a = ih_thread(&env, IH_ACTOR_PRIO);
    if (!a) {
        return;
    }
    CHECK_EQ(seL4_TCB_BindNotification(ih_tcb(a), n1), seL4_NoError);
    /* Bound to n1, waiting on another notification: n1's signal does not wake it ... */
    ih_step_t st[3] = {ih_step(IH_RECV, n2, 0, 0), ih_step(IH_SEND, ep, L(1), 1),
                       ih_step(IH_RECV, ep, 0, 0)};
    ih_give(a, st, 3);
    ih_settle();
    seL4_Signal(ih_mint(n1, seL4_CanWrite, 0x100));
    ih_settle();
    CHECK_EQ(ih_done(a), 0);
    seL4_Signal(ih_mint(n2, seL4_CanWrite, 0x200));
    ih_settle();
    CHECK_EQ(ih_done(a), 1);
    CHECK_EQ(ih_res(a, 0)->badge, 0x200);
    /* ... nor while it is blocked sending on an endpoint (the signals accumulate) ... */
    seL4_Signal(ih_mint(n1, seL4_CanWrite, 0x1));
    ih_settle();
    CHECK_EQ(ih_done(a), 1);
    CHECK_EQ(seL4_MessageInfo_get_label(ih_recv(ep, NULL)), L(1));
    /* ... and its next endpoint receive returns them at once. */
    ih_settle();
    CHECK_EQ(ih_done(a), 3);
    CHECK_EQ(ih_res(a, 2)->badge, 0x101);
    ih_destroy(a);
}
DEFINE_TEST(BIND0012, "a bound thread blocked on another notification or in Send is not woken",
            bound_blocked_elsewhere);
