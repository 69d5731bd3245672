/* CNodes: arrays of capability slots (cte_t), each slot a capability and its derivation links. */
#pragma once

#include <types.h>
#include <object/cap.h>

/* Derivation tree links of a slot (the tree itself comes with the CDT code). Slots are 32-byte
 * aligned, so the low bits of the prev link carry the MDB_* flags. */
typedef struct mdb_node {
    word_t prev_flags; /* (word_t)prev | MDB_REVOCABLE | MDB_FIRST_BADGED */
    struct cte *next;
} mdb_node_t;

#define MDB_REVOCABLE    BIT(0)
#define MDB_FIRST_BADGED BIT(1)
#define MDB_FLAGS_MASK   MASK(5)

/* A capability slot. 32 bytes: seL4_SlotBits = 5. */
typedef struct cte {
    cap_t cap;
    mdb_node_t mdb;
} __attribute__((aligned(32))) cte_t;

_Static_assert(sizeof(cte_t) == 32, "a CNode slot is 2^5 bytes");

#define CNODE_SLOT_BITS 5

static inline struct cte *mdb_prev(mdb_node_t m)
{
    return (struct cte *)(m.prev_flags & ~MDB_FLAGS_MASK);
}

static inline word_t mdb_flags(mdb_node_t m)
{
    return m.prev_flags & MDB_FLAGS_MASK;
}

/* The slots of the CNode a CNode capability names (through the kernel window). */
cte_t *cnode_slots(cap_t cnode);
