/*
 * CNode invocations: Copy, Mint, Move, Mutate, Rotate, Delete, Revoke and SaveCaller, with
 * seL4's checks in seL4's order. Slots are named by (index, depth) from the invoked CNode for
 * the destination, and from a CNode passed as an extra capability for sources and pivots.
 * CancelBadgedSends arrives with endpoints.
 */
#include <gen/decode.h>
#include <api/syscall_error.h>
#include <kernel/cspace.h>
#include <kernel/delete.h>
#include <object/cdt.h>
#include <object/endpoint.h>
#include <object/objecttype.h>
#include <object/tcb.h>

/* DeleteFirst unless the slot is empty. */
static exception_t cnode_ensure_empty(const cte_t *slot)
{
    return cap_is_null(slot->cap) ? seL4_NoError : seL4_DeleteFirst;
}

/* FailedLookup (MissingCapability, depth bits left) unless the slot holds a capability. */
static exception_t cnode_ensure_present(const cte_t *slot, word_t depth, bool is_source)
{
    if (!cap_is_null(slot->cap)) {
        return seL4_NoError;
    }
    lookup_fault_t f = {seL4_MissingCapability, depth, 0, 0};
    return syscall_error_failed_lookup(is_source, f);
}

/*
 * The checks every two-slot operation starts with: the destination (from the invoked CNode)
 * resolves and is empty, the source (from src_root) resolves and holds a capability.
 */
static exception_t cnode_lookup_pair(cte_t *cnode, word_t dest_index, word_t dest_depth,
                                     const cte_t *src_root, word_t src_index, word_t src_depth,
                                     cte_t **dest, cte_t **src)
{
    exception_t e = cspace_lookup_target(cnode->cap, dest_index, dest_depth, false, dest);
    if (e == seL4_NoError) {
        e = cnode_ensure_empty(*dest);
    }
    if (e == seL4_NoError) {
        e = cspace_lookup_target(src_root->cap, src_index, src_depth, true, src);
    }
    if (e == seL4_NoError) {
        e = cnode_ensure_present(*src, src_depth, true);
    }
    return e;
}

/* Places a derived capability in dest as a child of the one in src. */
static exception_t cnode_invoke_insert(cap_t cap, cte_t *src, cte_t *dest)
{
    cdt_insert(src, dest, cap);
    return seL4_NoError;
}

/* Moves the capability in src to dest as cap (same place in the derivation tree). */
static exception_t cnode_invoke_move(cap_t cap, cte_t *src, cte_t *dest)
{
    cdt_move(src, dest, cap);
    return seL4_NoError;
}

/* Copy and Mint: derive new_cap from src's capability, refusing what cannot be derived. */
static exception_t cnode_derive_into(cte_t *src, cte_t *dest, cap_t new_cap)
{
    cap_t derived;
    exception_t e = cap_derive(src, new_cap, &derived);
    if (e != seL4_NoError) {
        return e;
    }
    if (cap_is_null(derived)) {
        return seL4_IllegalOperation;
    }
    return cnode_invoke_insert(derived, src, dest);
}

/* The slot arguments Copy, Mint, Move and Mutate share, taken from their argument structs. */
typedef struct cnode_pair_args {
    word_t dest_index, dest_depth;
    const cte_t *src_root;
    word_t src_index, src_depth;
} cnode_pair_args_t;

#define CNODE_PAIR_ARGS(a)                                                                         \
    ((cnode_pair_args_t){(a)->dest_index, (a)->dest_depth, (a)->src_root, (a)->src_index,          \
                         (a)->src_depth})

/* Copy (mint false) and Mint: a derived capability with reduced rights (and for Mint the
 * badge or guard from badge) placed as a child of the source. */
static exception_t cnode_decode_insert(cte_t *cnode, cnode_pair_args_t p, cap_rights_t rights,
                                       bool mint, word_t badge)
{
    cte_t *dest, *src;
    exception_t e = cnode_lookup_pair(cnode, p.dest_index, p.dest_depth, p.src_root, p.src_index,
                                      p.src_depth, &dest, &src);
    if (e != seL4_NoError) {
        return e;
    }
    cap_t cap = cap_mask_rights(cap_rights_pack(rights), src->cap);
    if (mint) {
        cap = cap_update_data(false, badge, cap);
        if (cap_is_null(cap)) {
            return seL4_IllegalOperation;
        }
    }
    return cnode_derive_into(src, dest, cap);
}

/* Move (mutate false) and Mutate: the source capability moved to the destination, for Mutate
 * with its badge or guard set from badge (a move may not change a badge: IllegalOperation). */
static exception_t cnode_decode_relocate(cte_t *cnode, cnode_pair_args_t p, bool mutate,
                                         word_t badge)
{
    cte_t *dest, *src;
    exception_t e = cnode_lookup_pair(cnode, p.dest_index, p.dest_depth, p.src_root, p.src_index,
                                      p.src_depth, &dest, &src);
    if (e != seL4_NoError) {
        return e;
    }
    cap_t cap = mutate ? cap_update_data(true, badge, src->cap) : src->cap;
    if (cap_is_null(cap)) {
        return seL4_IllegalOperation;
    }
    return cnode_invoke_move(cap, src, dest);
}

exception_t cnode_decode_copy(struct cte *slot, const invocation_t *inv, const cnode_copy_args_t *a)
{
    (void)inv;
    return cnode_decode_insert(slot, CNODE_PAIR_ARGS(a), a->rights, false, 0);
}

exception_t cnode_decode_mint(struct cte *slot, const invocation_t *inv, const cnode_mint_args_t *a)
{
    (void)inv;
    return cnode_decode_insert(slot, CNODE_PAIR_ARGS(a), a->rights, true, a->badge);
}

exception_t cnode_decode_move(struct cte *slot, const invocation_t *inv, const cnode_move_args_t *a)
{
    (void)inv;
    return cnode_decode_relocate(slot, CNODE_PAIR_ARGS(a), false, 0);
}

exception_t cnode_decode_mutate(struct cte *slot, const invocation_t *inv,
                                const cnode_mutate_args_t *a)
{
    (void)inv;
    return cnode_decode_relocate(slot, CNODE_PAIR_ARGS(a), true, a->badge);
}

/* Rotate: pivot's capability goes to dest, src's to the pivot slot (a swap if src is dest). */
static exception_t cnode_invoke_rotate(cap_t to_pivot, cap_t to_dest, cte_t *src, cte_t *pivot,
                                       cte_t *dest)
{
    if (src == dest) {
        cdt_swap(src, to_pivot, pivot, to_dest);
    } else {
        cdt_move(pivot, dest, to_dest);
        cdt_move(src, pivot, to_pivot);
    }
    return seL4_NoError;
}

exception_t cnode_decode_rotate(struct cte *slot, const invocation_t *inv,
                                const cnode_rotate_args_t *a)
{
    (void)inv;
    cte_t *dest, *src, *pivot;
    exception_t e = cspace_lookup_target(slot->cap, a->dest_index, a->dest_depth, false, &dest);
    if (e == seL4_NoError) {
        e = cspace_lookup_target(a->src_root->cap, a->src_index, a->src_depth, true, &src);
    }
    if (e == seL4_NoError) {
        e = cspace_lookup_target(a->pivot_root->cap, a->pivot_index, a->pivot_depth, true, &pivot);
    }
    if (e != seL4_NoError) {
        return e;
    }
    if (pivot == src || pivot == dest) {
        return seL4_IllegalOperation;
    }
    if (src != dest && !cap_is_null(dest->cap)) {
        return seL4_DeleteFirst;
    }
    e = cnode_ensure_present(src, a->src_depth, true);
    if (e == seL4_NoError) {
        e = cnode_ensure_present(pivot, a->pivot_depth, false);
    }
    if (e != seL4_NoError) {
        return e;
    }
    /* dest_badge applies to the capability that lands in dest (the pivot's), pivot_badge to
     * the one that lands in the pivot slot (the source's). */
    cap_t to_pivot = cap_update_data(true, a->pivot_badge, src->cap);
    cap_t to_dest = cap_update_data(true, a->dest_badge, pivot->cap);
    if (cap_is_null(to_pivot) || cap_is_null(to_dest)) {
        return seL4_IllegalOperation;
    }
    return cnode_invoke_rotate(to_pivot, to_dest, src, pivot, dest);
}

exception_t cnode_decode_delete(struct cte *slot, const invocation_t *inv,
                                const cnode_delete_args_t *a)
{
    (void)inv;
    cte_t *target;
    exception_t e = cspace_lookup_target(slot->cap, a->index, a->depth, false, &target);
    if (e != seL4_NoError) {
        return e;
    }
    return cte_delete(target);
}

exception_t cnode_decode_revoke(struct cte *slot, const invocation_t *inv,
                                const cnode_revoke_args_t *a)
{
    (void)inv;
    cte_t *target;
    exception_t e = cspace_lookup_target(slot->cap, a->index, a->depth, false, &target);
    if (e != seL4_NoError) {
        return e;
    }
    return cte_revoke(target);
}

/* Aborts the queued sends that carry the badge of the endpoint capability c (an unbadged
 * capability cancels nothing). */
static exception_t cnode_invoke_cancel_badged_sends(cap_t c)
{
    if (cap_badge(c) != 0) {
        endpoint_cancel_badged_sends(endpoint_from_cap(c), cap_badge(c));
    }
    return seL4_NoError;
}

exception_t cnode_decode_cancel_badged_sends(struct cte *slot, const invocation_t *inv,
                                             const cnode_cancel_badged_sends_args_t *a)
{
    (void)inv;
    cte_t *target;
    exception_t e = cspace_lookup_target(slot->cap, a->index, a->depth, false, &target);
    if (e != seL4_NoError) {
        return e;
    }
    /* seL4's hasCancelSendRights: an endpoint capability with every right. */
    if (cap_type(target->cap) != CAP_TYPE_ENDPOINT || cap_rights(target->cap) != CAP_RIGHTS_ALL) {
        return seL4_IllegalOperation;
    }
    return cnode_invoke_cancel_badged_sends(target->cap);
}

/* Moves the caller's stored reply capability (if any) to dest; nothing to do without one. */
static exception_t cnode_invoke_save_caller(tcb_t *t, cte_t *dest)
{
    cte_t *caller = &t->slots[TCB_CALLER];
    if (cap_type(caller->cap) == CAP_TYPE_REPLY && !cap_reply_is_master(caller->cap)) {
        cdt_move(caller, dest, caller->cap);
    }
    return seL4_NoError;
}

exception_t cnode_decode_save_caller(struct cte *slot, const invocation_t *inv,
                                     const cnode_save_caller_args_t *a)
{
    (void)inv;
    cte_t *dest;
    exception_t e = cspace_lookup_target(slot->cap, a->index, a->depth, false, &dest);
    if (e == seL4_NoError) {
        e = cnode_ensure_empty(dest);
    }
    if (e != seL4_NoError) {
        return e;
    }
    return cnode_invoke_save_caller(ks_cur_thread, dest);
}
