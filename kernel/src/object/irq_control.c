/*
 * The IRQ control capability, generic part: IRQControl_Get and the issuing of a handler
 * capability shared with the architecture's methods (GetIOAPIC, GetMSI on x86-64).
 */
#include <gen/decode.h>
#include <api/syscall_error.h>
#include <kernel/cspace.h>
#include <object/cdt.h>
#include <object/irq.h>

void irq_control_insert_handler(cte_t *control, cte_t *dest, word_t irq)
{
    irq_set_active(irq);
    cdt_insert(control, dest, cap_irq_handler_new(irq));
}

/* Issues the handler for irq into dest. Cannot fail. */
static exception_t irq_control_invoke_get(cte_t *control, cte_t *dest, word_t irq)
{
    irq_control_insert_handler(control, dest, irq);
    return seL4_NoError;
}

/*
 * Get, with seL4's checks in seL4's order: the architecture's check of irq (on x86-64 with
 * IOAPICs: IllegalOperation for every IRQ, as seL4's Arch_checkIRQ); RevokeFirst if irq has a
 * handler; the destination's lookup errors (FailedLookup, RangeError on depth); DeleteFirst if
 * the destination slot is not empty. TruncatedMessage (fewer than 3 words or no root
 * capability) comes from the generated unpacker, before any of these.
 */
exception_t irq_control_decode_get(struct cte *slot, const invocation_t *inv,
                                   const irq_control_get_args_t *args)
{
    (void)inv;
    exception_t e = arch_irq_control_check_get(args->irq);
    if (e != seL4_NoError) {
        return e;
    }
    if (irq_is_active(args->irq)) {
        return seL4_RevokeFirst;
    }
    cte_t *dest;
    e = cspace_lookup_target(args->root->cap, args->index, args->depth, false, &dest);
    if (e != seL4_NoError) {
        return e;
    }
    if (!cap_is_null(dest->cap)) {
        return seL4_DeleteFirst;
    }
    return irq_control_invoke_get(slot, dest, args->irq);
}
