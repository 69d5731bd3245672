/* Capability lookup: resolving capability pointers through a thread's tree of CNodes. */
#pragma once

#include <types.h>
#include <object/cnode.h>
#include <object/tcb.h>

/* lookup_fault_t (why a lookup failed) is defined in object/tcb.h: a TCB records one. */

typedef struct lookup_result {
    cte_t *slot;      /* the slot found, or NULL with fault set */
    word_t bits_left; /* bits left when resolution stopped at a non-CNode capability */
    lookup_fault_t fault;
} lookup_result_t;

/*
 * Resolves the n_bits most significant bits of cptr (taken from bit n_bits - 1 down) starting
 * at the CNode capability root: guard, then radix bits, level by level. Stops at the last level
 * or at a slot that holds anything but a CNode capability.
 */
lookup_result_t cspace_resolve(cap_t root, word_t cptr, word_t n_bits);

/* Looks up the slot for an invocation: a full 64-bit pointer in the thread's CSpace. */
lookup_result_t cspace_lookup_slot(tcb_t *t, word_t cptr);

/* The thread's CSpace root capability. */
cap_t *tcb_cspace_root(tcb_t *t);

/*
 * Finds the slot a CNode operation names: index resolved from root through exactly depth bits.
 * Errors (recorded in current_syscall_error): FailedLookup with InvalidRoot if root is not a
 * CNode capability; RangeError(1, 64) if depth is 0 or above 64; FailedLookup with the lookup
 * fault, or DepthMismatch if bits are left at a non-CNode capability. is_source says which
 * side of the operation failed (seL4's failedLookupWasSource).
 */
word_t cspace_lookup_target(cap_t root, word_t index, word_t depth, bool is_source, cte_t **out);
