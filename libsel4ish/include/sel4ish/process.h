/*
 * Processes: a thread in a new CSpace and a new VSpace that runs a function of the caller's own
 * image, everything made from one untyped the caller gives, so that revoking that untyped
 * destroys the process and gives all of its memory back. The QEMU test driver runs every test
 * case this way (docs/testing.md); tests use it to talk between address spaces.
 *
 *     sel4ish_process_config_t c = {.untyped = ut, .untyped_paddr = pa, .untyped_bits = 22,
 *                                   .slots = first_of_64_empty_slots, .fault_ep = ep,
 *                                   .fault_badge = 1, .priority = 100, .mcp = 100,
 *                                   .untyped_sizes = {20}};
 *     sel4ish_process_t p;
 *     seL4_Error err = sel4ish_process_create(&p, &c);
 *     if (err == seL4_NoError) err = sel4ish_process_start(&p, child_fn, 42);
 *     ...
 *     sel4ish_process_destroy(&p);   (seL4_CNode_Revoke of ut)
 *
 * What the process gets, laid out as the kernel lays out the root task, so that libsel4ish's
 * runtime, seL4_GetBootInfo() and code written for the root task work in it unchanged:
 *  - the image: the caller's read-only pages shared (read-only capabilities), private copies of
 *    its writable pages holding the image's initial .data and a zero .bss (not the caller's
 *    current values);
 *  - its IPC buffer in the page after the image, a bootinfo frame in the page after that, a
 *    stack of SEL4ISH_STACK_PAGES pages below SEL4ISH_STACK_TOP (the page under it unmapped);
 *  - thread-local storage set up by the runtime at its start, as in the root task
 *    (<sel4ish/tls.h>: its TLS area in its .bss, __sel4_ipc_buffer = its IPC buffer);
 *  - a CNode of 2^12 slots with a 52-bit guard (slot numbers are capability pointers at depth
 *    64, as in the root CNode), holding:
 *      1 its TCB, 2 its CNode, 3 its VSpace (PML4), 6 a copy of the ASID pool its VSpace's ASID
 *      came from, 9 its bootinfo frame, 10 its IPC buffer frame (as seL4_CapInitThread* say),
 *      SEL4ISH_PROCESS_FAULT_EP (16) its fault endpoint, when there is one,
 *      the capabilities the caller passes (sel4ish_process_cap_t) where the caller says,
 *      from SEL4ISH_PROCESS_FIRST_FREE on: its image frames (bootinfo userImageFrames, one per
 *      page in address order), its untypeds (bootinfo untyped), then empty slots (bootinfo
 *      empty). userImagePaging is empty and the stack frames are not listed: their
 *      capabilities stay in the caller's slots;
 *  - its bootinfo: nodeID 0, numNodes 1, ipcBuffer, initThreadCNodeSizeBits 12, the slot
 *    regions above, and an untypedList whose paddr and sizeBits are exact (computed from
 *    untyped_paddr for the untypeds made for it, given by the caller for the lent ones).
 *
 * When fn returns, the process's thread suspends itself. Faults go to the fault endpoint (a
 * badged copy of the caller's endpoint with Write and GrantReply rights): the caller receives a
 * seL4 fault message there (label = seL4_Fault_*), replies to restart the thread, or destroys
 * the process.
 *
 * Not thread safe (one process is built at a time per address space). Every function returns a
 * seL4_Error; on error the process is half built: destroy it (revoke the untyped).
 */
#pragma once

#include <sel4/sel4.h>

/* The stack of the root task and of every process: its top, and its size in pages. */
#define SEL4ISH_STACK_TOP   0x00007ff000000000ul
#define SEL4ISH_STACK_PAGES 16

/* The process's slot for its fault endpoint (when fault_ep is given). */
#define SEL4ISH_PROCESS_FAULT_EP 16
/* Slots for the caller's capabilities: SEL4ISH_PROCESS_USER_SLOT(0..7). Free initial slots
 * (4, 5, 7, 8, 11-15) may be used too, e.g. to pass seL4_CapIRQControl to its usual slot. */
#define SEL4ISH_PROCESS_USER_SLOT(i) (17 + (i))
#define SEL4ISH_PROCESS_FIRST_FREE   25

/* How many consecutive empty slots of the caller's CNode a process takes while it exists. */
#define SEL4ISH_PROCESS_SLOTS 64

/* The most untypeds a process is given (made and lent). */
#define SEL4ISH_PROCESS_MAX_UNTYPEDS 8

/* The CNode radix of a process (and of the root task). */
#define SEL4ISH_PROCESS_CNODE_BITS 12

/* How a capability of the caller gets into the process. */
typedef enum sel4ish_cap_mode {
    SEL4ISH_CAP_COPY, /* a copy with rights */
    SEL4ISH_CAP_MINT, /* a copy with rights and badge */
    SEL4ISH_CAP_MOVE, /* the capability itself (e.g. IRQControl, which cannot be copied): the
                         caller moves it back before destroying the process, or loses it */
} sel4ish_cap_mode_t;

typedef struct sel4ish_process_cap {
    seL4_CPtr src;  /* a slot of the caller's root CNode */
    seL4_CPtr dest; /* the process's slot: SEL4ISH_PROCESS_USER_SLOT(i) or a free initial one */
    sel4ish_cap_mode_t mode;
    seL4_CapRights_t rights; /* COPY and MINT */
    seL4_Word badge;         /* MINT */
} sel4ish_process_cap_t;

/* An untyped of the caller lent to the process: the process gets a copy (so the untyped must
 * have no children), and sel4ish_process_destroy revokes the caller's untyped, which deletes
 * the copy and everything the process made from it. Unlike an untyped made for the process
 * (untyped_sizes), a lent one costs nothing to give (the kernel zeroes an untyped it makes). */
typedef struct sel4ish_process_untyped {
    seL4_CPtr cap;   /* a slot of the caller's root CNode */
    seL4_Word paddr; /* as the process's bootinfo lists it */
    seL4_Word size_bits;
    seL4_Word is_device;
} sel4ish_process_untyped_t;

typedef struct sel4ish_process_config {
    /* The memory: an untyped of 2^untyped_bits bytes at untyped_paddr, fresh (nothing made from
     * it since it was made or revoked). The process's own objects are carved from it (~250 KiB),
     * after the untypeds of untyped_sizes. */
    seL4_CPtr untyped;
    seL4_Word untyped_paddr;
    seL4_Word untyped_bits;
    /* The first of SEL4ISH_PROCESS_SLOTS consecutive empty slots of the caller's root CNode. */
    seL4_CPtr slots;
    /* An endpoint of the caller that receives the process's faults, badged fault_badge; 0 for
     * none (a fault then stops the thread, and debug kernels print a line). */
    seL4_CPtr fault_ep;
    seL4_Word fault_badge;
    /* Priority and maximum controlled priority, at most the caller's own MCP. */
    seL4_Word priority;
    seL4_Word mcp;
    /* Untypeds made for the process from untyped (log2 sizes, largest first; 0 ends the list),
     * then untypeds lent to it: its bootinfo lists them in this order. Together at most
     * SEL4ISH_PROCESS_MAX_UNTYPEDS. */
    seL4_Word untyped_sizes[SEL4ISH_PROCESS_MAX_UNTYPEDS];
    const sel4ish_process_untyped_t *lent_untypeds;
    seL4_Word num_lent_untypeds;
    /* Capabilities of the caller to give the process. */
    const sel4ish_process_cap_t *caps;
    seL4_Word num_caps;
} sel4ish_process_config_t;

/* A process, seen from its creator. The capabilities are in the creator's slots. */
typedef struct sel4ish_process {
    seL4_CPtr untyped; /* revoke it to destroy the process */
    seL4_CPtr cnode;   /* the process's CNode, without its guard: slot i is index i, depth 12 */
    seL4_CPtr tcb;
    seL4_CPtr vspace;
    seL4_Word ipc_buffer; /* addresses in the process */
    seL4_Word bootinfo;
    seL4_CPtr image_frames;                       /* the process's slot of its first image frame */
    seL4_CPtr lent[SEL4ISH_PROCESS_MAX_UNTYPEDS]; /* the caller's untypeds lent to it */
    seL4_Word num_lent;
    /* Builder state: the untyped's watermark (bytes used), the creator's next free slot, its
     * slot for short-lived capabilities, the paging structures made (by level, the address bits
     * above the region each covers). */
    seL4_Word untyped_paddr;
    seL4_Word used;
    seL4_CPtr slot, slot_end, scratch;
    seL4_Word tables[3][4];
    seL4_Word num_tables[3];
} sel4ish_process_t;

/* Builds the process described by c (it does not run yet). */
seL4_Error sel4ish_process_create(sel4ish_process_t *p, const sel4ish_process_config_t *c);

/* Starts the process: its thread runs fn(arg) (fn: a function of the caller's image). */
seL4_Error sel4ish_process_start(sel4ish_process_t *p, void (*fn)(seL4_Word), seL4_Word arg);

/* Reads the word at vaddr (8-byte aligned, in the process's image) of the process's memory,
 * e.g. a variable after a fault, through a temporary mapping. */
seL4_Error sel4ish_process_read_word(sel4ish_process_t *p, seL4_Word vaddr, seL4_Word *value);

/* Moves the capabilities of caps that were passed with SEL4ISH_CAP_MOVE back to the caller
 * (from dest in the process to src). Tries each; returns the first error. */
seL4_Error sel4ish_process_return_caps(sel4ish_process_t *p, const sel4ish_process_cap_t *caps,
                                       seL4_Word num_caps);

/* Destroys the process: revokes its untyped and the untypeds lent to it (every object of the
 * process, and every capability in its CNode, is deleted). Capabilities passed with
 * SEL4ISH_CAP_MOVE that are still in the process are deleted with it: return them first.
 * Returns the first error. */
seL4_Error sel4ish_process_destroy(sel4ish_process_t *p);
