/*
 * The capability derivation tree: one doubly linked list of slots in depth-first order, with
 * parenthood decided from the capabilities (see cdt.h). Also the questions the tree asks of
 * capabilities: which memory they name and whether two name the same object.
 */
#include <object/cdt.h>

bool cap_is_physical(cap_t c)
{
    switch (cap_type(c)) {
    case CAP_TYPE_UNTYPED:
    case CAP_TYPE_ENDPOINT:
    case CAP_TYPE_NOTIFICATION:
    case CAP_TYPE_CNODE:
    case CAP_TYPE_THREAD:
    case CAP_TYPE_ZOMBIE:
    case CAP_TYPE_FRAME:
    case CAP_TYPE_PAGE_TABLE:
    case CAP_TYPE_PAGE_DIRECTORY:
    case CAP_TYPE_PDPT:
    case CAP_TYPE_PML4:
    case CAP_TYPE_ASID_POOL:
        return true;
    default:
        return false;
    }
}

unsigned cap_object_size_bits(cap_t c)
{
    switch (cap_type(c)) {
    case CAP_TYPE_UNTYPED:
        return cap_untyped_size_bits(c);
    case CAP_TYPE_ENDPOINT:
        return CAP_ENDPOINT_BITS;
    case CAP_TYPE_NOTIFICATION:
        return CAP_NOTIFICATION_BITS;
    case CAP_TYPE_CNODE:
        return cap_cnode_radix(c) + CAP_SLOT_BITS;
    case CAP_TYPE_THREAD:
        return CAP_TCB_BITS;
    case CAP_TYPE_ZOMBIE:
        return cap_zombie_type(c) == ZOMBIE_TYPE_TCB ? CAP_TCB_BITS
                                                     : cap_zombie_type(c) + CAP_SLOT_BITS;
    case CAP_TYPE_FRAME:
        return frame_size_bits(cap_frame_size(c));
    default:
        return CAP_TABLE_BITS;
    }
}

/* True if the object b names lies inside the untyped a. */
static bool untyped_contains(cap_t a, cap_t b)
{
    if (!cap_is_physical(b)) {
        return false;
    }
    word_t a_base = cap_paddr(a), b_base = cap_paddr(b);
    word_t a_last = a_base + MASK(cap_untyped_size_bits(a));
    word_t b_last = b_base + MASK(cap_object_size_bits(b));
    return a_base <= b_base && b_last <= a_last && b_base <= b_last;
}

/* True if b's frame lies inside a's frame. */
static bool frame_contains(cap_t a, cap_t b)
{
    word_t a_base = cap_paddr(a), b_base = cap_paddr(b);
    word_t a_last = a_base + MASK(frame_size_bits(cap_frame_size(a)));
    word_t b_last = b_base + MASK(frame_size_bits(cap_frame_size(b)));
    return a_base <= b_base && b_last <= a_last;
}

bool cap_same_region_as(cap_t a, cap_t b)
{
    cap_type_t ta = cap_type(a), tb = cap_type(b);
    switch (ta) {
    case CAP_TYPE_UNTYPED:
        return untyped_contains(a, b);
    case CAP_TYPE_FRAME:
        return tb == CAP_TYPE_FRAME && frame_contains(a, b);
    case CAP_TYPE_CNODE:
        return tb == CAP_TYPE_CNODE && cap_paddr(a) == cap_paddr(b) &&
               cap_cnode_radix(a) == cap_cnode_radix(b);
    case CAP_TYPE_ENDPOINT:
    case CAP_TYPE_NOTIFICATION:
    case CAP_TYPE_THREAD:
    case CAP_TYPE_REPLY:
    case CAP_TYPE_PAGE_TABLE:
    case CAP_TYPE_PAGE_DIRECTORY:
    case CAP_TYPE_PDPT:
    case CAP_TYPE_PML4:
    case CAP_TYPE_ASID_POOL:
        return tb == ta && cap_paddr(a) == cap_paddr(b);
    case CAP_TYPE_DOMAIN:
    case CAP_TYPE_ASID_CONTROL:
    case CAP_TYPE_IO_SPACE:
        return tb == ta;
    case CAP_TYPE_IRQ_CONTROL:
        return tb == CAP_TYPE_IRQ_CONTROL || tb == CAP_TYPE_IRQ_HANDLER;
    case CAP_TYPE_IRQ_HANDLER:
        return tb == CAP_TYPE_IRQ_HANDLER && a.words[1] == b.words[1];
    case CAP_TYPE_IO_PORT_CONTROL:
        return tb == CAP_TYPE_IO_PORT_CONTROL || tb == CAP_TYPE_IO_PORT;
    case CAP_TYPE_IO_PORT:
        return tb == CAP_TYPE_IO_PORT && cap_io_port_first(a) == cap_io_port_first(b) &&
               cap_io_port_last(a) == cap_io_port_last(b);
    default:
        /* Null and zombie capabilities have no region. */
        return false;
    }
}

bool cap_same_object_as(cap_t a, cap_t b)
{
    cap_type_t ta = cap_type(a), tb = cap_type(b);
    if (ta == CAP_TYPE_UNTYPED) {
        return false;
    }
    if ((ta == CAP_TYPE_IRQ_CONTROL && tb == CAP_TYPE_IRQ_HANDLER) ||
        (ta == CAP_TYPE_IO_PORT_CONTROL && tb == CAP_TYPE_IO_PORT)) {
        return false;
    }
    if (ta == CAP_TYPE_FRAME) {
        /* Frames: the same frame exactly, not a frame inside a larger one. */
        return tb == CAP_TYPE_FRAME && cap_paddr(a) == cap_paddr(b) &&
               cap_frame_size(a) == cap_frame_size(b) &&
               cap_frame_is_device(a) == cap_frame_is_device(b);
    }
    return cap_same_region_as(a, b);
}

bool cap_is_revocable(cap_t new_cap, cap_t src_cap)
{
    switch (cap_type(new_cap)) {
    case CAP_TYPE_ENDPOINT:
    case CAP_TYPE_NOTIFICATION:
        /* A Mint that sets a badge starts a badge group that can be revoked on its own. */
        return cap_badge(new_cap) != cap_badge(src_cap);
    case CAP_TYPE_UNTYPED:
        return true;
    case CAP_TYPE_IRQ_HANDLER:
        return cap_type(src_cap) == CAP_TYPE_IRQ_CONTROL;
    case CAP_TYPE_IO_PORT:
        return cap_type(src_cap) == CAP_TYPE_IO_PORT_CONTROL;
    default:
        return false;
    }
}

/* The flags of a slot's list node. */
static word_t cte_flags(const cte_t *s)
{
    return mdb_flags(s->mdb);
}

static cte_t *cte_prev(const cte_t *s)
{
    return mdb_prev(s->mdb);
}

static void cte_set_prev(cte_t *s, cte_t *prev)
{
    s->mdb.prev_flags = (word_t)prev | cte_flags(s);
}

static void cte_set_flags(cte_t *s, word_t flags)
{
    s->mdb.prev_flags = (word_t)cte_prev(s) | (flags & MDB_FLAGS_MASK);
}

/* Badge groups of endpoints and notifications: b stays in a's subtree only if it carries a's
 * badge and does not start a badge group of its own. */
static bool badge_keeps_child(const cte_t *a, const cte_t *b)
{
    word_t badge = cap_badge(a->cap);
    if (badge == 0) {
        return true;
    }
    return cap_badge(b->cap) == badge && !(cte_flags(b) & MDB_FIRST_BADGED);
}

bool cdt_is_parent_of(const cte_t *a, const cte_t *b)
{
    if (!(cte_flags(a) & MDB_REVOCABLE)) {
        return false;
    }
    if (!cap_same_region_as(a->cap, b->cap)) {
        return false;
    }
    switch (cap_type(a->cap)) {
    case CAP_TYPE_ENDPOINT:
    case CAP_TYPE_NOTIFICATION:
        return badge_keeps_child(a, b);
    default:
        return true;
    }
}

bool cdt_has_children(const cte_t *slot)
{
    const cte_t *next = slot->mdb.next;
    return next && cdt_is_parent_of(slot, next);
}

bool cdt_is_final(const cte_t *slot)
{
    const cte_t *prev = cte_prev(slot), *next = slot->mdb.next;
    bool prev_same = prev && cap_same_object_as(prev->cap, slot->cap);
    bool next_same = next && cap_same_object_as(slot->cap, next->cap);
    return !prev_same && !next_same;
}

/* Links dest into the list right after `after` (which may be NULL) with the given flags. */
static void cdt_link_after(cte_t *after, cte_t *dest, word_t flags)
{
    cte_t *next = after ? after->mdb.next : NULL;
    dest->mdb.prev_flags = (word_t)after | (flags & MDB_FLAGS_MASK);
    dest->mdb.next = next;
    if (after) {
        after->mdb.next = dest;
    }
    if (next) {
        cte_set_prev(next, dest);
    }
}

/* An untyped copied whole: the source is marked full, so only one of the two capabilities can
 * hand out the memory (the copy; the source gets it back once the copy is revoked). */
static void cdt_untyped_copied(cte_t *src, cap_t copy)
{
    cap_t u = src->cap;
    if (cap_type(u) == CAP_TYPE_UNTYPED && cap_type(copy) == CAP_TYPE_UNTYPED &&
        cap_paddr(u) == cap_paddr(copy) &&
        cap_untyped_size_bits(u) == cap_untyped_size_bits(copy)) {
        src->cap = cap_untyped_set_free_offset(u, BIT(cap_untyped_size_bits(u)));
    }
}

void cdt_insert(cte_t *src, cte_t *dest, cap_t cap)
{
    cdt_untyped_copied(src, cap);
    bool revocable = cap_is_revocable(cap, src->cap);
    word_t flags = revocable ? (MDB_REVOCABLE | MDB_FIRST_BADGED) : 0;
    dest->cap = cap;
    cdt_link_after(src, dest, flags);
}

void cdt_insert_new(cte_t *parent, cte_t *dest, cap_t cap)
{
    dest->cap = cap;
    cdt_link_after(parent, dest, MDB_REVOCABLE | MDB_FIRST_BADGED);
}

void cdt_insert_root(cte_t *after, cte_t *dest, cap_t cap)
{
    dest->cap = cap;
    cdt_link_after(after, dest, MDB_REVOCABLE | MDB_FIRST_BADGED);
}

void cdt_move(cte_t *src, cte_t *dest, cap_t new_cap)
{
    cte_t *prev = cte_prev(src), *next = src->mdb.next;
    dest->cap = new_cap;
    dest->mdb = src->mdb;
    if (prev) {
        prev->mdb.next = dest;
    }
    if (next) {
        cte_set_prev(next, dest);
    }
    src->cap = cap_null();
    src->mdb = (mdb_node_t){0, NULL};
}

/* Points the neighbours of a slot whose node is `node` at `to`. */
static void cdt_relink_neighbours(mdb_node_t node, cte_t *to)
{
    cte_t *prev = mdb_prev(node), *next = node.next;
    if (prev) {
        prev->mdb.next = to;
    }
    if (next) {
        cte_set_prev(next, to);
    }
}

void cdt_swap(cte_t *a, cap_t cap_a, cte_t *b, cap_t cap_b)
{
    /* cap_a came from a and moves to b (with a's tree position); likewise the other way. */
    mdb_node_t node_a = a->mdb, node_b = b->mdb;
    /* Adjacent slots point at each other: fix the self-references first. */
    if (mdb_prev(node_a) == b) {
        node_a.prev_flags = (word_t)a | mdb_flags(node_a);
    }
    if (node_a.next == b) {
        node_a.next = a;
    }
    if (mdb_prev(node_b) == a) {
        node_b.prev_flags = (word_t)b | mdb_flags(node_b);
    }
    if (node_b.next == a) {
        node_b.next = b;
    }
    b->cap = cap_a;
    b->mdb = node_a;
    a->cap = cap_b;
    a->mdb = node_b;
    cdt_relink_neighbours(b->mdb, b);
    cdt_relink_neighbours(a->mdb, a);
}

void cdt_remove(cte_t *slot)
{
    cte_t *prev = cte_prev(slot), *next = slot->mdb.next;
    if (prev) {
        prev->mdb.next = next;
    }
    if (next) {
        cte_set_prev(next, prev);
        /* A copy of a badge group's first capability inherits its role, so it stays separate
         * from the neighbouring badge groups. */
        if (cte_flags(slot) & MDB_FIRST_BADGED) {
            cte_set_flags(next, cte_flags(next) | MDB_FIRST_BADGED);
        }
    }
    slot->cap = cap_null();
    slot->mdb = (mdb_node_t){0, NULL};
}
