/*
 * Untyped memory: Retype carves new objects from the free watermark, each naturally aligned,
 * and places their capabilities (originals, children of the untyped) in empty slots. An
 * untyped without children is reset: allocation starts again from its base, so memory comes
 * back after Revoke. Checks and errors in seL4's order.
 */
#include <gen/decode.h>
#include <gen/object_types.h>
#include <api/syscall_error.h>
#include <kernel/cspace.h>
#include <object/cdt.h>
#include <object/objecttype.h>
#include <object/untyped.h>

#define RETYPE_FAN_OUT_LIMIT 256

/* InvalidArgument or RangeError if type and size_bits name no object Retype can make. */
static exception_t untyped_check_type(word_t type, word_t size_bits)
{
    if (type >= OBJ_TYPE_COUNT) {
        return syscall_error_invalid_argument(0);
    }
    /* size_bits matters only for untypeds and CNodes; for the others it is ignored. */
    if (size_bits >= 64 || object_size_bits(type, size_bits) > CAP_MAX_UNTYPED_BITS) {
        return syscall_error_range(0, CAP_MAX_UNTYPED_BITS);
    }
    if (type == OBJ_CNODE && size_bits == 0) {
        return syscall_error_invalid_argument(1);
    }
    if (type == OBJ_UNTYPED && size_bits < CAP_MIN_UNTYPED_BITS) {
        return syscall_error_invalid_argument(1);
    }
    return seL4_NoError;
}

/* The destination CNode: root itself for depth 0, else the CNode capability at index. */
static exception_t untyped_find_dest(const untyped_retype_args_t *a, cap_t *node)
{
    cap_t found = a->root->cap;
    if (a->node_depth != 0) {
        cte_t *slot;
        exception_t e =
            cspace_lookup_target(a->root->cap, a->node_index, a->node_depth, false, &slot);
        if (e != seL4_NoError) {
            return e;
        }
        found = slot->cap;
    }
    if (cap_type(found) != CAP_TYPE_CNODE) {
        lookup_fault_t f = {seL4_MissingCapability, a->node_depth, 0, 0};
        return syscall_error_failed_lookup(false, f);
    }
    *node = found;
    return seL4_NoError;
}

/* RangeError unless [offset, offset + count) is a non-empty window of at most the fan-out
 * limit inside the CNode; DeleteFirst unless every slot in it is empty. */
static exception_t untyped_check_window(cap_t node, word_t offset, word_t count)
{
    word_t n_slots = BIT(cap_cnode_radix(node));
    if (offset > n_slots - 1) {
        return syscall_error_range(0, n_slots - 1);
    }
    if (count < 1 || count > RETYPE_FAN_OUT_LIMIT) {
        return syscall_error_range(1, RETYPE_FAN_OUT_LIMIT);
    }
    if (count > n_slots - offset) {
        return syscall_error_range(1, n_slots - offset);
    }
    const cte_t *slots = cnode_slots(node);
    for (word_t i = offset; i < offset + count; i++) {
        if (!cap_is_null(slots[i].cap)) {
            return seL4_DeleteFirst;
        }
    }
    return seL4_NoError;
}

/* Makes count objects from p.first on, with capabilities in dest[0..count), and moves the
 * untyped's watermark. */
static exception_t untyped_invoke_retype(cte_t *slot, const untyped_plan_t *p, word_t type,
                                         word_t size_bits, cte_t *dest, word_t count)
{
    bool device = cap_untyped_is_device(slot->cap);
    word_t object_bits = object_size_bits(type, size_bits);
    slot->cap = cap_untyped_set_free_offset(slot->cap, p->new_offset);
    for (word_t i = 0; i < count; i++) {
        cap_t c = object_create(type, p->first + (i << object_bits), size_bits, device);
        cdt_insert_new(slot, &dest[i], c);
    }
    return seL4_NoError;
}

exception_t untyped_decode_retype(struct cte *slot, const invocation_t *inv,
                                  const untyped_retype_args_t *a)
{
    (void)inv;
    cap_t node;
    exception_t e = untyped_check_type(a->type, a->size_bits);
    if (e == seL4_NoError) {
        e = untyped_find_dest(a, &node);
    }
    if (e == seL4_NoError) {
        e = untyped_check_window(node, a->node_offset, a->num_objects);
    }
    if (e != seL4_NoError) {
        return e;
    }
    word_t object_bits = object_size_bits(a->type, a->size_bits);
    untyped_plan_t p = untyped_plan(slot->cap, cdt_has_children(slot), object_bits, a->num_objects);
    if (!p.fits) {
        return syscall_error_not_enough_memory(p.bytes_left);
    }
    bool is_frame =
        a->type == OBJ_X86_4K || a->type == OBJ_X86_LARGE_PAGE || a->type == OBJ_X64_HUGE_PAGE;
    if (cap_untyped_is_device(slot->cap) && !is_frame && a->type != OBJ_UNTYPED) {
        return syscall_error_invalid_argument(1);
    }
    return untyped_invoke_retype(slot, &p, a->type, a->size_bits,
                                 cnode_slots(node) + a->node_offset, a->num_objects);
}
