/*
 * Deletion and revocation (see delete.h for the zombie scheme). Invariant: a zombie's object is
 * reachable only through the zombie (its last capability became the zombie), so no lookup can
 * reach the slots being emptied, and slots [remaining, size) of its object are empty.
 */
#include <gen/errors.h>
#include <arch/x86_64/object/arch_object.h>
#include <arch/x86_64/object/ioport.h>
#include <arch/x86_64/object/vspace.h>
#include <kernel/delete.h>
#include <kernel/preempt.h>
#include <kernel/sched.h>
#include <object/endpoint.h>
#include <object/notification.h>
#include <object/cdt.h>
#include <object/irq.h>
#include <object/tcb.h>

/* True for the objects that hold capabilities and so need a zombie when finalised. */
static bool cap_is_container(cap_t c)
{
    return cap_type(c) == CAP_TYPE_CNODE || cap_type(c) == CAP_TYPE_THREAD;
}

/* The slots of a zombie's object. */
static cte_t *zombie_slots(cap_t z)
{
    if (cap_zombie_type(z) == ZOMBIE_TYPE_TCB) {
        return ((tcb_t *)paddr_to_kptr(cap_paddr(z)))->slots;
    }
    return paddr_to_kptr(cap_paddr(z));
}

/* Stops a thread whose last capability is going: its IPC is cancelled, its notification
 * unbound, and nothing but the current-thread pointer (until the next schedule) refers to it. */
static void tcb_finalise(tcb_t *t)
{
    notification_unbind_tcb(t);
    thread_suspend(t);
    thread_release_cpu_state(t);
    sched_debug_remove(t);
}

/* The zombie that replaces the last capability to a CNode or TCB. */
static cap_t container_to_zombie(cap_t c)
{
    if (cap_type(c) == CAP_TYPE_THREAD) {
        tcb_finalise(paddr_to_kptr(cap_paddr(c)));
        return cap_zombie_new(cap_paddr(c), ZOMBIE_TYPE_TCB, TCB_N_SLOTS);
    }
    return cap_zombie_new(cap_paddr(c), cap_cnode_radix(c), BIT(cap_cnode_radix(c)));
}

/* Undoes what deleting a capability that holds no slots must undo: the last capability to an
 * endpoint or notification restarts the threads waiting on it (and unbinds a notification);
 * paging capabilities are unmapped and ASIDs released. Reply capabilities need nothing (their
 * caller stays blocked, as in seL4). The last capability to an I/O port range frees its
 * ports; the last capability to an IRQ handler unbinds, masks and frees its IRQ. */
static void cap_finalise_leaf(cap_t c, bool final)
{
    if (arch_cap_is_paging(c)) {
        arch_finalise_cap(c, final);
    } else if (final && cap_type(c) == CAP_TYPE_ENDPOINT) {
        endpoint_cancel_all(endpoint_from_cap(c));
    } else if (final && cap_type(c) == CAP_TYPE_NOTIFICATION) {
        notification_t *n = notification_from_cap(c);
        notification_unbind(n);
        notification_cancel_all(n);
    } else if (final && cap_type(c) == CAP_TYPE_IO_PORT) {
        x86_ioport_free_range(c);
    } else if (final && cap_type(c) == CAP_TYPE_IRQ_HANDLER) {
        irq_handler_finalise(cap_irq_handler_irq(c));
    }
}

/*
 * Deletes the capability in s if that needs no zombie; otherwise turns it into one. Returns
 * true if the slot is now empty.
 */
static bool cte_delete_or_zombify(cte_t *s)
{
    cap_t c = s->cap;
    bool final = cdt_is_final(s);
    if (final && cap_is_container(c)) {
        s->cap = container_to_zombie(c);
        return false;
    }
    cap_finalise_leaf(c, final);
    cdt_remove(s);
    return true;
}

/*
 * One unit of work on the zombie in top: walks down the chain of zombies found in last
 * remaining slots and empties one slot (or turns one capability into a zombie, or removes a
 * finished nested zombie). Returns true when top's object holds no capability any more.
 */
static bool zombie_step(cte_t *top)
{
    cte_t *z = top;
    for (;;) {
        word_t n = cap_zombie_remaining(z->cap);
        if (n == 0) {
            if (z == top) {
                return true;
            }
            cdt_remove(z);
            return false;
        }
        cte_t *s = &zombie_slots(z->cap)[n - 1];
        /* Empty, or top's own slot: objects whose last capabilities hold each other (a CNode
         * holding its own, or C1 and C2 holding each other's, reached by Revoke of their
         * untyped) lead the walk back to top, which every such cycle passes through. Nothing
         * to delete there: top's slot is emptied when top is done. */
        if (cap_is_null(s->cap) || s == top) {
            z->cap = cap_with_word1(z->cap, n - 1);
            return false;
        }
        if (cap_type(s->cap) != CAP_TYPE_ZOMBIE) {
            cte_delete_or_zombify(s);
            return false;
        }
        z = s;
    }
}

void cte_delete_one(cte_t *slot)
{
    if (!cap_is_null(slot->cap)) {
        cap_finalise_leaf(slot->cap, cdt_is_final(slot));
        cdt_remove(slot);
    }
}

exception_t cte_delete(cte_t *slot)
{
    for (;;) {
        if (cap_is_null(slot->cap)) {
            return seL4_NoError;
        }
        if (cap_type(slot->cap) != CAP_TYPE_ZOMBIE) {
            if (cte_delete_or_zombify(slot)) {
                return seL4_NoError;
            }
        } else if (zombie_step(slot)) {
            cdt_remove(slot);
            return seL4_NoError;
        }
        if (preempt_point()) {
            return EXCEPTION_PREEMPTED;
        }
    }
}

exception_t cte_revoke(cte_t *slot)
{
    while (cdt_has_children(slot)) {
        exception_t e = cte_delete(slot->mdb.next);
        if (e != seL4_NoError) {
            return e;
        }
        if (preempt_point()) {
            return EXCEPTION_PREEMPTED;
        }
    }
    return seL4_NoError;
}
