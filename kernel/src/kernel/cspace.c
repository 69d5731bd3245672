/*
 * Capability lookup. Invariant: a CNode capability's radix plus guard size is at least 1, so
 * every level consumes bits and resolution ends within 64 levels.
 */
#include <gen/errors.h>
#include <arch/x86_64/object/vspace.h>
#include <kernel/cspace.h>
#include <api/syscall_error.h>

cap_t *tcb_cspace_root(tcb_t *t)
{
    return &t->slots[TCB_CTABLE].cap;
}

/* A failed lookup with the given failure. */
static lookup_result_t lookup_fail(word_t type, word_t bits_left, word_t guard, word_t found)
{
    lookup_result_t r = {NULL, 0, {type, bits_left, guard, found}};
    return r;
}

/* Bits [n - 1 - skip .. n - skip - width] of cptr (width bits below the first skip of n). */
static word_t cptr_bits(word_t cptr, word_t n, word_t skip, word_t width)
{
    if (width == 0) {
        return 0;
    }
    return (cptr >> (n - skip - width)) & MASK(width);
}

lookup_result_t cspace_resolve(cap_t root, word_t cptr, word_t n_bits)
{
    cap_t node = root;
    if (cap_type(node) != CAP_TYPE_CNODE) {
        return lookup_fail(seL4_InvalidRoot, n_bits, 0, 0);
    }
    for (;;) {
        word_t radix = cap_cnode_radix(node);
        word_t guard_size = cap_cnode_guard_size(node);
        word_t level = radix + guard_size;
        word_t guard = cap_cnode_guard(node);
        if (guard_size > n_bits || cptr_bits(cptr, n_bits, 0, guard_size) != guard) {
            return lookup_fail(seL4_GuardMismatch, n_bits, guard, guard_size);
        }
        if (level > n_bits) {
            return lookup_fail(seL4_DepthMismatch, n_bits, 0, level);
        }
        cte_t *slot =
            (cte_t *)paddr_to_kptr(cap_paddr(node)) + cptr_bits(cptr, n_bits, guard_size, radix);
        n_bits -= level;
        if (n_bits == 0 || cap_type(slot->cap) != CAP_TYPE_CNODE) {
            lookup_result_t r = {slot, n_bits, {seL4_NoFailure, 0, 0, 0}};
            return r;
        }
        node = slot->cap;
    }
}

lookup_result_t cspace_lookup_slot(tcb_t *t, word_t cptr)
{
    return cspace_resolve(*tcb_cspace_root(t), cptr, 64);
}

word_t cspace_lookup_target(cap_t root, word_t index, word_t depth, bool is_source, cte_t **out)
{
    if (cap_type(root) != CAP_TYPE_CNODE) {
        lookup_fault_t f = {seL4_InvalidRoot, 0, 0, 0};
        return syscall_error_failed_lookup(is_source, f);
    }
    if (depth < 1 || depth > 64) {
        return syscall_error_range(1, 64);
    }
    lookup_result_t r = cspace_resolve(root, index, depth);
    if (!r.slot) {
        return syscall_error_failed_lookup(is_source, r.fault);
    }
    if (r.bits_left != 0) {
        lookup_fault_t f = {seL4_DepthMismatch, r.bits_left, 0, 0};
        return syscall_error_failed_lookup(is_source, f);
    }
    *out = r.slot;
    return seL4_NoError;
}

cte_t *cnode_slots(cap_t cnode)
{
    return paddr_to_kptr(cap_paddr(cnode));
}
