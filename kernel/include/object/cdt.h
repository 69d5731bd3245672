/*
 * The capability derivation tree (CDT). All slots holding capabilities form one doubly linked
 * list in depth-first order: a slot's descendants follow it directly. Whether the next slot is
 * a child is decided from the capabilities themselves (cdt_is_parent_of) and two flags per slot:
 *   MDB_REVOCABLE    the capability is an original (made by Retype, a badging Mint, or boot)
 *                    and may have children;
 *   MDB_FIRST_BADGED the capability is the first with its badge (the root of a badge group).
 * Invariant: every capability to an object lies in one contiguous run of the list, so a slot is
 * the last one to its object exactly when neither list neighbour names the same object.
 * Host-compilable: no kernel-only dependencies beyond cnode.h.
 */
#pragma once

#include <types.h>
#include <object/cnode.h>

/* True if the capability names a region of physical memory (an object made from untyped). */
bool cap_is_physical(cap_t c);

/* log2 bytes of the object a physical capability names. */
unsigned cap_object_size_bits(cap_t c);

/* True if every object b could name lies inside what a names (seL4's sameRegionAs). */
bool cap_same_region_as(cap_t a, cap_t b);

/* True if a and b name the same object (untyped capabilities never do). */
bool cap_same_object_as(cap_t a, cap_t b);

/* True if a new capability new_cap derived from src_cap starts a new revocable subtree
 * (a badge set by Mint, an untyped split, an IRQ handler or I/O port range issued). */
bool cap_is_revocable(cap_t new_cap, cap_t src_cap);

/* True if the capability in b is a child of the one in a in the CDT. */
bool cdt_is_parent_of(const cte_t *a, const cte_t *b);

/* True if the slot's capability has at least one descendant. */
bool cdt_has_children(const cte_t *slot);

/* True if no other slot holds a capability to the same object. */
bool cdt_is_final(const cte_t *slot);

/* Places cap in the empty slot dest as a derived copy of the capability in src (right after
 * src in the list); revocable if cap_is_revocable(cap, src->cap). A whole untyped copied
 * leaves the source's watermark at its end (seL4's setUntypedCapAsFull). */
void cdt_insert(cte_t *src, cte_t *dest, cap_t cap);

/* Places a new original capability (from Retype) in the empty slot dest as a child of the
 * untyped in parent. */
void cdt_insert_new(cte_t *parent, cte_t *dest, cap_t cap);

/* Places an original capability (boot) in the empty slot dest with no parent: appended to the
 * list after after (NULL: it starts a list of its own). */
void cdt_insert_root(cte_t *after, cte_t *dest, cap_t cap);

/* Moves the capability in src to the empty slot dest as new_cap, keeping its place in the
 * tree; src becomes empty. */
void cdt_move(cte_t *src, cte_t *dest, cap_t new_cap);

/* Exchanges the capabilities and tree positions of a and b, storing cap_a (the new value of
 * a's capability) in b and cap_b in a. a != b. */
void cdt_swap(cte_t *a, cap_t cap_a, cte_t *b, cap_t cap_b);

/* Empties a slot: unlinks it from the tree (its children move up to its parent). The
 * capability's object is not touched: finalisation is the caller's job. */
void cdt_remove(cte_t *slot);
