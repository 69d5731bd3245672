/* The ASID control capability: MakePool turns a 4 KiB untyped into the next ASID pool. */
#include <gen/constants.h>
#include <gen/decode.h>
#include <api/syscall_error.h>
#include <arch/x86_64/object/asid.h>
#include <arch/x86_64/object/vspace.h>
#include <kernel/cspace.h>
#include <kernel/string.h>
#include <object/cdt.h>

/*
 * Uses up the untyped in parent (its watermark becomes full), clears the pool, places the pool
 * capability in dest as the untyped's child and installs the pool at table index. Cannot fail.
 */
static exception_t x86_asid_control_invoke_make_pool(cte_t *parent, cte_t *dest, unsigned index)
{
    paddr_t pa = cap_paddr(parent->cap);
    parent->cap = cap_untyped_set_free_offset(parent->cap, BIT(ASID_POOL_BITS));
    memset(paddr_to_kptr(pa), 0, BIT(ASID_POOL_BITS));
    cdt_insert_new(parent, dest, cap_asid_pool_new(pa, (word_t)index << ASID_LOW_BITS));
    asid_table_install(index, pa);
    return seL4_NoError;
}

/*
 * MakePool, with seL4's checks in seL4's order: DeleteFirst if all 8 pools exist;
 * InvalidCapability (1) unless untyped is a non-device untyped of exactly 2^12 bytes;
 * RevokeFirst if it has children; the destination's lookup errors (FailedLookup, RangeError
 * on depth); DeleteFirst if the destination slot is not empty.
 */
exception_t x86_asid_control_decode_make_pool(struct cte *slot, const invocation_t *inv,
                                              const x86_asid_control_make_pool_args_t *args)
{
    (void)slot;
    (void)inv;
    unsigned index = asid_table_free_index();
    if (index == ASID_TABLE_SIZE) {
        return seL4_DeleteFirst;
    }
    cap_t ut = args->untyped->cap;
    if (cap_type(ut) != CAP_TYPE_UNTYPED || cap_untyped_size_bits(ut) != ASID_POOL_BITS ||
        cap_untyped_is_device(ut)) {
        return syscall_error_invalid_cap(1);
    }
    if (cdt_has_children(args->untyped)) {
        return seL4_RevokeFirst;
    }
    cte_t *dest;
    exception_t e = cspace_lookup_target(args->root->cap, args->index, args->depth, false, &dest);
    if (e != seL4_NoError) {
        return e;
    }
    if (!cap_is_null(dest->cap)) {
        return seL4_DeleteFirst;
    }
    return x86_asid_control_invoke_make_pool(args->untyped, dest, index);
}
