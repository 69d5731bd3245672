/*
 * Test support for the QEMU suite: fresh slots in the root CNode and fresh objects carved
 * from the root task's untyped memory, so each test case starts from its own objects.
 * Every helper reports failure with a check failure (and returns 0) instead of crashing.
 */
#pragma once

#include <sel4/sel4.h>

/* Depth of a root CNode slot pointer: the root CNode's guard and radix take all 64 bits. */
#define TEST_ROOT_DEPTH 64

/* An empty slot of the root CNode (slots are never reused). */
seL4_CPtr test_slot(void);

/* A new untyped of 2^size_bits bytes (from the largest RAM untyped of the bootinfo). */
seL4_CPtr test_untyped(seL4_Word size_bits);

/* A new object of the given type (seL4_*Object) and size in a fresh slot. */
seL4_CPtr test_object(seL4_Word type, seL4_Word size_bits);

/* The bootinfo index of the largest non-device untyped. */
seL4_Word test_largest_untyped_index(void);

/* count consecutive empty slots of the root CNode; returns the first (0 on failure). */
seL4_CPtr test_slots(seL4_Word count);

/* A new CNode of 2^radix slots, without a guard, in a fresh root slot. */
seL4_CPtr test_cnode(seL4_Word radix);

/* What invoking slot (a root CNode slot) with label 0 would give, found without invoking it:
 * seL4_InvalidCapability if the slot is empty, seL4_IllegalOperation if it holds a capability.
 */
seL4_Error test_probe(seL4_CPtr slot);

/* The physical address of the frame in a root CNode slot (0 if X86_Page_GetAddress fails). */
seL4_Word test_paddr(seL4_CPtr slot);

/* The physical address of the frame at (index, depth) from the CNode root (0 if there is no
 * frame there): the capability is copied to a scratch root slot, asked, and deleted. */
seL4_Word test_paddr_at(seL4_CPtr root, seL4_Word index, seL4_Word depth);

/* 1 if the slot at (index, depth) from the CNode root is empty, 0 if it holds a capability
 * (moved to a scratch root slot and back), -1 if the slot cannot be looked up. */
int test_slot_empty_at(seL4_CPtr root, seL4_Word index, seL4_Word depth);

/* A new untyped of 2^size_bits bytes (as test_untyped) and its physical address in *paddr
 * (found by making a frame at its start and revoking it), e.g. for <sel4ish/process.h>. */
seL4_CPtr test_untyped_at(seL4_Word size_bits, seL4_Word *paddr);

/* The free bytes of an untyped, as the kernel counts them (from a Retype that cannot fit). */
seL4_Word test_untyped_free(seL4_CPtr ut);
