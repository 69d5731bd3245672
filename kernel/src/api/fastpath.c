/*
 * The IPC fastpath (see fastpath.h). Each function first checks every condition under which
 * the general path would do anything but "copy MR0-MR3, badge and info to a waiting partner,
 * leave a reply capability, and switch to the partner", changing nothing until all hold; then
 * it does exactly that. The conditions mirror seL4's fastpath_call and fastpath_reply_recv.
 */
#include <api/fastpath.h>
#include <arch/x86_64/machine/context.h>
#include <arch/x86_64/object/asid.h>
#include <arch/x86_64/object/vspace.h>
#include <kernel/cspace.h>
#include <kernel/ipc.h>
#include <kernel/sched.h>
#include <object/cdt.h>
#include <object/endpoint.h>
#include <object/notification.h>

#ifdef CONFIG_DEBUG
word_t ks_fastpath_count;
#define FASTPATH_COUNT() (ks_fastpath_count++)
#else
#define FASTPATH_COUNT() ((void)0)
#endif

/* The message info the partner receives: label and length; no capabilities. */
#define FASTPATH_INFO_MASK (~(MASK(5) << 7))

/* The info word qualifies: no extra capabilities and at most the four register words. */
static inline bool fastpath_info_ok(word_t info)
{
    return MSGINFO_EXTRA_CAPS(info) == 0 && MSGINFO_LENGTH(info) <= 4;
}

/* The endpoint capability cptr names in t's CSpace, if it has all of need_rights; else the
 * null capability (the general path then reports what is wrong). */
static inline cap_t fastpath_endpoint_cap(tcb_t *t, word_t cptr, unsigned need_rights)
{
    lookup_result_t lu = cspace_lookup_slot(t, cptr);
    if (!lu.slot || cap_type(lu.slot->cap) != CAP_TYPE_ENDPOINT ||
        (cap_rights(lu.slot->cap) & need_rights) != need_rights) {
        return cap_null();
    }
    return lu.slot->cap;
}

/* Copies the message words of info from src's registers to dest's, with the badge and info. */
static inline void fastpath_copy_mrs(tcb_t *src, tcb_t *dest, word_t badge, word_t info)
{
    word_t *s = src->context.regs, *d = dest->context.regs;
    d[CTX_R10] = s[CTX_R10];
    d[CTX_R8] = s[CTX_R8];
    d[CTX_R9] = s[CTX_R9];
    d[CTX_R15] = s[CTX_R15];
    d[CTX_RDI] = badge;
    d[CTX_RSI] = info & FASTPATH_INFO_MASK;
}

NORETURN void c_fastpath_call(word_t cptr, word_t info)
{
    tcb_t *cur = ks_cur_thread;
    if (!fastpath_info_ok(info)) {
        c_handle_syscall();
    }
    cap_t ep_cap = fastpath_endpoint_cap(cur, cptr, CAP_RIGHT_WRITE);
    unsigned rights = cap_rights(ep_cap);
    if (cap_is_null(ep_cap) || !(rights & (CAP_RIGHT_GRANT | CAP_RIGHT_GRANT_REPLY))) {
        c_handle_syscall();
    }
    endpoint_t *ep = endpoint_from_cap(ep_cap);
    tcb_t *dest = ep->queue.head;
    if (!dest || dest->state != THREAD_BLOCKED_ON_RECEIVE) {
        c_handle_syscall();
    }
    /* A direct switch: the receiver must not be outranked by a ready thread. */
    if (dest->priority < cur->priority && sched_highest_ready_prio() > (int)dest->priority) {
        c_handle_syscall();
    }
    cte_t *master = &cur->slots[TCB_REPLY];
    cte_t *caller_slot = &dest->slots[TCB_CALLER];
    if (cap_type(master->cap) != CAP_TYPE_REPLY || master->mdb.next ||
        !cap_is_null(caller_slot->cap) || !asid_thread_vspace_valid(dest)) {
        c_handle_syscall();
    }

    /* Everything holds: from here on the call cannot fail. */
    tcb_ep_remove(&ep->queue, dest);
    caller_slot->cap = cap_reply_new(kptr_to_paddr(cur), false, dest->blocking_can_grant);
    caller_slot->mdb = (mdb_node_t){(word_t)master, NULL};
    master->mdb.next = caller_slot;
    cur->state = THREAD_BLOCKED_ON_REPLY;
    fastpath_copy_mrs(cur, dest, cap_badge(ep_cap), info);
    dest->state = THREAD_RUNNING;
    FASTPATH_COUNT();
    ks_cur_thread = dest;
    thread_switch_to_user(dest);
}

NORETURN void c_fastpath_reply_recv(word_t cptr, word_t info)
{
    tcb_t *cur = ks_cur_thread;
    notification_t *bound = cur->bound_notification;
    if (!fastpath_info_ok(info) || (bound && notification_is_active(bound))) {
        c_handle_syscall();
    }
    cap_t ep_cap = fastpath_endpoint_cap(cur, cptr, CAP_RIGHT_READ);
    if (cap_is_null(ep_cap)) {
        c_handle_syscall();
    }
    endpoint_t *ep = endpoint_from_cap(ep_cap);
    tcb_t *head = ep->queue.head;
    if (head && head->state == THREAD_BLOCKED_ON_SEND) {
        c_handle_syscall(); /* a sender is waiting: the receive would not block */
    }
    cte_t *caller_slot = &cur->slots[TCB_CALLER];
    cap_t reply = caller_slot->cap;
    if (cap_type(reply) != CAP_TYPE_REPLY || cap_reply_is_master(reply)) {
        c_handle_syscall();
    }
    tcb_t *caller = paddr_to_kptr(cap_paddr(reply));
    if (caller->state != THREAD_BLOCKED_ON_REPLY || caller->fault.type != FAULT_NULL ||
        (caller->priority < cur->priority && sched_highest_ready_prio() > (int)caller->priority) ||
        caller_slot->mdb.next || !asid_thread_vspace_valid(caller)) {
        c_handle_syscall();
    }

    /* Everything holds: block on the endpoint, answer the caller, switch to it. */
    cur->blocking_object = ep;
    cur->blocking_can_grant = cap_rights(ep_cap) & CAP_RIGHT_GRANT;
    cur->state = THREAD_BLOCKED_ON_RECEIVE;
    tcb_ep_append(&ep->queue, cur);
    cte_t *master = mdb_prev(caller_slot->mdb);
    master->mdb.next = NULL;
    caller_slot->cap = cap_null();
    caller_slot->mdb = (mdb_node_t){0, NULL};
    fastpath_copy_mrs(cur, caller, 0, info);
    caller->state = THREAD_RUNNING;
    FASTPATH_COUNT();
    ks_cur_thread = caller;
    thread_switch_to_user(caller);
}
