/*
 * A small allocator for root tasks: empty slots of the root CNode and kernel objects retyped
 * from the root task's RAM untypeds, both described by seL4_BootInfo. It is meant to be read
 * and copied into your own root task; see docs/rootserver.md.
 *
 *     sel4ish_alloc_t alloc;   (large: make it static)
 *     sel4ish_alloc_init_bootinfo(&alloc, seL4_GetBootInfo());
 *     seL4_CPtr ep;
 *     seL4_Error err = sel4ish_alloc_object(&alloc, seL4_EndpointObject, 0, &ep);
 *
 * Slots are named by their index in the root CNode, which is also their capability pointer
 * (the root CNode's guard and radix take the whole word), so a slot can be used directly as
 * the CPtr of the capability it holds and with depth seL4_WordBits in CNode operations.
 *
 * Memory is never given back: the kernel only reuses an untyped from its start once every
 * object made from it has been deleted (seL4_CNode_Revoke on the untyped), and this allocator
 * does not track that. Freeing an object deletes its capability and frees the slot.
 */
#pragma once

#include <sel4/sel4.h>

/* The most slots one allocator manages: a whole root CNode. */
#define SEL4ISH_MAX_SLOTS (1ul << CONFIG_ROOT_CNODE_SIZE_BITS)

/* The most untypeds one allocator manages: as many as bootinfo can list. */
#define SEL4ISH_MAX_UNTYPEDS CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS

/* Depth of a root CNode slot in CNode operations. */
#define SEL4ISH_SLOT_DEPTH seL4_WordBits

/* Free slots among [start, end) of the root CNode: one bit per slot, 1 = in use. */
typedef struct sel4ish_slots {
    seL4_CPtr start;
    seL4_CPtr end;
    seL4_Word used[SEL4ISH_MAX_SLOTS / seL4_WordBits];
} sel4ish_slots_t;

/* One untyped that objects are retyped from. */
typedef struct sel4ish_untyped {
    seL4_CPtr cap;
    seL4_Word paddr;
    seL4_Word size_bits;
    seL4_Word used; /* bytes from the start in use: our copy of the kernel's watermark */
} sel4ish_untyped_t;

/* Slots plus the untypeds objects come from, tried in the order they were added. */
typedef struct sel4ish_alloc {
    sel4ish_slots_t slots;
    seL4_Word num_untypeds;
    sel4ish_untyped_t untypeds[SEL4ISH_MAX_UNTYPEDS];
} sel4ish_alloc_t;

/* ---- Slots ---- */

/* Makes s manage the empty slots [start, end) of the root CNode (at most SEL4ISH_MAX_SLOTS;
 * the rest of a longer range is ignored). */
void sel4ish_slots_init(sel4ish_slots_t *s, seL4_CPtr start, seL4_CPtr end);

/* Takes the lowest free slot and stores it in *slot. Returns seL4_NotEnoughMemory when every
 * slot is in use. */
seL4_Error sel4ish_slot_alloc(sel4ish_slots_t *s, seL4_CPtr *slot);

/* Deletes the capability in slot (if any) and gives the slot back. Returns the error of
 * seL4_CNode_Delete (the slot stays allocated then), or seL4_RangeError for a slot that s does
 * not manage. */
seL4_Error sel4ish_slot_free(sel4ish_slots_t *s, seL4_CPtr slot);

/* How many slots of s are free. */
seL4_Word sel4ish_slots_free_count(const sel4ish_slots_t *s);

/* ---- Objects ---- */

/* Makes a manage the slots [start, end) of the root CNode, with no untypeds yet. */
void sel4ish_alloc_init(sel4ish_alloc_t *a, seL4_CPtr start, seL4_CPtr end);

/* Makes a manage the root task's empty slots and every RAM (non-device) untyped that bi lists.
 * Call it once, before anything else retypes those untypeds. */
void sel4ish_alloc_init_bootinfo(sel4ish_alloc_t *a, const seL4_BootInfo *bi);

/* Adds an untyped of 2^size_bits bytes at paddr that nothing has been retyped from. Returns
 * seL4_RangeError when a already holds SEL4ISH_MAX_UNTYPEDS. */
seL4_Error sel4ish_alloc_add_untyped(sel4ish_alloc_t *a, seL4_CPtr cap, seL4_Word paddr,
                                     seL4_Word size_bits);

/* log2 of the bytes an object of this type takes, with size_bits as in seL4_Untyped_Retype
 * (used by Untyped and CNode objects, ignored by fixed-size ones). Returns 0 for an unknown
 * type. */
seL4_Word sel4ish_object_size_bits(seL4_Word type, seL4_Word size_bits);

/* Retypes one object of the given type into a fresh slot and stores the slot in *cap. Tries the
 * untypeds in order, skipping those with too little room and moving on when the kernel answers
 * seL4_NotEnoughMemory. Returns seL4_NotEnoughMemory when no untyped (or no slot) can take it,
 * or the kernel's error for bad arguments; nothing is allocated on error. */
seL4_Error sel4ish_alloc_object(sel4ish_alloc_t *a, seL4_Word type, seL4_Word size_bits,
                                seL4_CPtr *cap);

/* Carves a new untyped of 2^size_bits bytes (the same as sel4ish_alloc_object with
 * seL4_UntypedObject). */
seL4_Error sel4ish_alloc_untyped(sel4ish_alloc_t *a, seL4_Word size_bits, seL4_CPtr *cap);

/* Deletes the object capability in cap and frees its slot (the memory is not reused; see the
 * top of this file). */
seL4_Error sel4ish_free_object(sel4ish_alloc_t *a, seL4_CPtr cap);
