/*
 * Test support for the QEMU suite: fresh slots in the root CNode and fresh objects carved
 * from the root task's untyped memory, so each test case starts from its own objects.
 * Every helper reports failure with a check failure (and returns 0) instead of crashing.
 */
#pragma once

#include <stdbool.h>

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

/* True if the kernel has the debug system calls (DebugCapIdentify, DebugNameThread,
 * DebugDumpScheduler, ...): a debug build. A release kernel makes them an UnknownSyscall fault
 * (as seL4 does), so a thread of the test tries one with a fault endpoint of the test's; the
 * answer is kept for the rest of the case. The first call makes objects and threads (briefly,
 * above the test thread) but leaves the test thread's IPC buffer and reply capability as they
 * were. */
bool test_kernel_has_debug_calls(void);

/* seL4's capability type numbers (x86-64, as DebugCapIdentify gives them) of the types
 * test_cap_type tells apart, and its two answers that are no type number. */
#define TEST_CAP_NULL         0
#define TEST_CAP_ENDPOINT     4
#define TEST_CAP_NOTIFICATION 6
#define TEST_CAP_REPLY        8
#define TEST_CAP_THREAD       12
#define TEST_CAP_EP_OR_NTFN                                                                        \
    0x100                    /* an endpoint or a notification: which, the probes cannot tell       \
                              */
#define TEST_CAP_OTHER 0x101 /* a capability of some other type */

/* The type number of the capability in a root CNode slot: DebugCapIdentify on a debug kernel,
 * test_cap_type_probed on a release kernel. */
seL4_Word test_cap_type(seL4_CPtr slot);

/*
 * The type of the capability in a root CNode slot found without debug calls, by CNode
 * operations on it and invocations of copies of it that change nothing (the slot keeps its
 * capability; no IPC happens; the test thread's IPC buffer is restored afterwards):
 *   TEST_CAP_NULL          the slot is empty (test_slot_empty_at);
 *   TEST_CAP_REPLY         it cannot be copied (IllegalOperation): a reply capability, or one of
 *                          the other capabilities seL4 never copies (IRQControl, IOPortControl,
 *                          unmapped paging structures);
 *   TEST_CAP_THREAD        a copy without rights answers TCB_ReadRegisters of 0 registers with
 *                          RangeError;
 *   TEST_CAP_NOTIFICATION  a copy binds to a new TCB (a notification with Read that is neither
 *                          bound nor waited on; unbound again at once);
 *   TEST_CAP_ENDPOINT      a copy can take a badge (so it has none) and CancelBadgedSends
 *                          accepts it (an endpoint with every right; unbadged: cancels nothing);
 *   TEST_CAP_EP_OR_NTFN    a copy without rights is an invalid capability to invoke (an endpoint
 *                          or notification), and neither of the two above held;
 *   TEST_CAP_OTHER         anything else.
 */
seL4_Word test_cap_type_probed(seL4_CPtr slot);
