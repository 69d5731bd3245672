/* Operations on any capability, dispatched on its type. */
#pragma once

#include <api/invocation.h>
#include <object/cnode.h>

/* Decodes and performs the invocation of the capability in slot: hands it to the generated
 * dispatcher of the object's interface. Returns the seL4_Error of the invocation. */
exception_t object_decode_invocation(cte_t *slot, const invocation_t *inv);

/*
 * The capability a Copy or Mint of the capability in slot (already masked or badged: cap)
 * places in the destination. Sets *out to the null capability if cap cannot be copied
 * (zombie, IRQControl, reply, IOPortControl); returns RevokeFirst for an untyped that has
 * children and IllegalOperation for an unmapped paging structure or PML4 without ASID. A
 * derived frame capability is unmapped. Changes nothing.
 */
exception_t cap_derive(const cte_t *slot, cap_t cap, cap_t *out);

/*
 * cap with its data word applied (seL4's updateCapData): Mint (preserve false) sets the badge
 * of an unbadged endpoint or notification; both Mint and Mutate set a CNode's guard from
 * seL4_CNode_CapData (guard size + radix must fit in 64 bits). The null capability where the
 * change is not allowed (a badge already set, a badge change by Mutate, an oversized guard).
 */
cap_t cap_update_data(bool preserve, word_t data, cap_t cap);

/* cap with its rights reduced to those in the seL4_CapRights_t word (other types unchanged). */
cap_t cap_mask_rights(word_t rights, cap_t cap);

/* log2 bytes of an object of the given type and user size (Retype's size_bits). */
word_t object_size_bits(word_t type, word_t user_size);

/*
 * Makes an object of the given type in the memory at pa (2^object_size_bits bytes, naturally
 * aligned) and returns the original capability to it. Memory is zeroed first, except for
 * device frames and device untypeds (never touched by the kernel) and untypeds (each object
 * made from them is zeroed then).
 */
cap_t object_create(word_t type, paddr_t pa, word_t user_size, bool device);
