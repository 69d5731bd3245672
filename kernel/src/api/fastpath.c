/*
 * The IPC fastpath (see fastpath.h). Each function first checks every condition under which
 * the general path would do anything but "copy MR0-MR3, badge and info to a waiting partner,
 * leave a reply capability, and switch to the partner", changing nothing until all hold; then
 * it does exactly that. The conditions mirror seL4's fastpath_call and fastpath_reply_recv.
 */
#include <api/fastpath.h>
#include <arch/x86_64/machine/context.h>
#include <arch/x86_64/object/asid.h>
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
static ALWAYS_INLINE bool fastpath_info_ok(word_t info)
{
    return MSGINFO_EXTRA_CAPS(info) == 0 && MSGINFO_LENGTH(info) <= 4;
}

/*
 * The slot that cptr names in t's CSpace (all 64 bits resolved, as for an invocation). The
 * common CSpace, one CNode whose guard and radix take all 64 bits, is resolved inline; any
 * other shape goes through the general walk. NULL wherever the lookup fails; the general path
 * then reports the failure.
 */
static ALWAYS_INLINE cte_t *fastpath_lookup(tcb_t *t, word_t cptr)
{
    cap_t root = t->slots[TCB_CTABLE].cap;
    word_t radix = cap_cnode_radix(root), guard_size = cap_cnode_guard_size(root);
    if (cap_type(root) == CAP_TYPE_CNODE && radix + guard_size == 64 && radix != 0 && radix != 64) {
        if ((cptr >> radix) != cap_cnode_guard(root)) {
            return NULL;
        }
        return (cte_t *)paddr_to_kptr(cap_paddr(root)) + (cptr & MASK(radix));
    }
    return cspace_lookup_slot(t, cptr).slot;
}

/* The endpoint capability cptr names in t's CSpace, if it has all of need_rights; else the
 * null capability (the general path then reports what is wrong). */
static ALWAYS_INLINE cap_t fastpath_endpoint_cap(tcb_t *t, word_t cptr, unsigned need_rights)
{
    const cte_t *slot = fastpath_lookup(t, cptr);
    if (!slot || cap_type(slot->cap) != CAP_TYPE_ENDPOINT ||
        (cap_rights(slot->cap) & need_rights) != need_rights) {
        return cap_null();
    }
    return slot->cap;
}

/* True if a direct switch from cur to partner keeps seL4's scheduling rule: a partner of
 * lower priority than cur must not be outranked by a ready thread. */
static ALWAYS_INLINE bool fastpath_may_switch(const tcb_t *cur, const tcb_t *partner)
{
    return partner->priority >= cur->priority ||
           sched_highest_ready_prio() <= (int)partner->priority;
}

/* Takes the queue's head t off it (the fastpath's partner is always the head). */
static ALWAYS_INLINE void fastpath_dequeue_head(tcb_queue_t *q, tcb_t *t)
{
    tcb_t *next = t->ep_next;
    q->head = next;
    if (next) {
        next->ep_prev = NULL;
    } else {
        q->tail = NULL;
    }
    t->ep_next = NULL;
}

/* Copies the message words of info (MSGINFO_LENGTH of MR0..MR3) from src's registers to
 * dest's, with the badge and info. dest's message registers past the length keep their values,
 * as on the general path. */
static ALWAYS_INLINE void fastpath_copy_mrs(tcb_t *src, tcb_t *dest, word_t badge, word_t info)
{
    static const u8 mr_regs[4] = {CTX_R10, CTX_R8, CTX_R9, CTX_R15};
    word_t *s = src->context.regs, *d = dest->context.regs;
    for (word_t i = 0; i < MSGINFO_LENGTH(info); i++) {
        d[mr_regs[i]] = s[mr_regs[i]];
    }
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
    if (cap_is_null(ep_cap) || !(cap_rights(ep_cap) & (CAP_RIGHT_GRANT | CAP_RIGHT_GRANT_REPLY))) {
        c_handle_syscall();
    }
    endpoint_t *ep = endpoint_from_cap(ep_cap);
    tcb_t *dest = ep->queue.head;
    if (!dest || dest->state != THREAD_BLOCKED_ON_RECEIVE || !fastpath_may_switch(cur, dest)) {
        c_handle_syscall();
    }
    cte_t *master = &cur->slots[TCB_REPLY];
    cte_t *caller_slot = &dest->slots[TCB_CALLER];
    paddr_t pml4 = asid_vtable_pml4(dest->slots[TCB_VTABLE].cap);
    if (cap_type(master->cap) != CAP_TYPE_REPLY || master->mdb.next ||
        !cap_is_null(caller_slot->cap) || !pml4) {
        c_handle_syscall();
    }

    /* Everything holds: from here on the call cannot fail. */
    fastpath_dequeue_head(&ep->queue, dest);
    /* cur came from an untyped, so it lies in the kernel window (only the idle thread, never
     * a caller, is in the kernel image). */
    caller_slot->cap = cap_reply_new((word_t)cur - PHYSMAP_BASE, false, dest->blocking_can_grant);
    caller_slot->mdb = (mdb_node_t){(word_t)master, NULL};
    master->mdb.next = caller_slot;
    cur->state = THREAD_BLOCKED_ON_REPLY;
    fastpath_copy_mrs(cur, dest, cap_badge(ep_cap), info);
    dest->state = THREAD_RUNNING;
    FASTPATH_COUNT();
    ks_cur_thread = dest;
    thread_switch_to_user_in(dest, pml4, cap_pml4_asid(dest->slots[TCB_VTABLE].cap));
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
    paddr_t pml4 = asid_vtable_pml4(caller->slots[TCB_VTABLE].cap);
    if (caller->state != THREAD_BLOCKED_ON_REPLY || caller->fault.type != FAULT_NULL ||
        !fastpath_may_switch(cur, caller) || caller_slot->mdb.next || !pml4) {
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
    thread_switch_to_user_in(caller, pml4, cap_pml4_asid(caller->slots[TCB_VTABLE].cap));
}
