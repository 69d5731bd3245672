/*
 * Interrupts as capabilities (seL4's model). IRQControl issues an IRQHandler capability for an
 * IRQ at most once; the handler chooses the notification the kernel signals when the IRQ
 * fires (a copy of that notification capability is kept in the IRQ's slot of the kernel's IRQ
 * node, in the derivation tree as a child of the capability given) and acknowledges it.
 *
 * Per IRQ the kernel keeps (irq_handler.c):
 *   state    IRQ_INACTIVE (no handler issued), IRQ_SIGNAL (a handler exists), or IRQ_RESERVED
 *            (the kernel's own: the timer, the legacy PIC's range, the IOMMU's);
 *   masked   set when an interrupt is delivered, cleared by Ack. For IOAPIC pins the pin is
 *            masked in the IOAPIC too; MSIs cannot be masked at the source, so an MSI that
 *            arrives while masked is remembered (pending) and delivered by the next Ack.
 * Invariant: an IRQ is IRQ_SIGNAL exactly while some IRQHandler capability to it exists.
 */
#pragma once

#include <api/invocation.h>
#include <arch/x86_64/machine/interrupt.h>
#include <object/cnode.h>

/* True if a handler capability for irq exists (seL4's isIRQActive); reserved IRQs count as
 * active. Precondition: irq <= IRQ_MAX. */
bool irq_is_active(word_t irq);

/* Makes irq active for a new handler capability: state IRQ_SIGNAL, no notification, unmasked
 * (as seL4's setIRQState). The caller has routed it (arch). Precondition: irq inactive. */
void irq_set_active(word_t irq);

/*
 * An interrupt arrived for irq (a user IRQ): signals the notification in the IRQ's node slot,
 * if any, with that capability's badge and masks the IRQ until Ack; an IRQ without a handler,
 * or without a notification, is masked and dropped. The caller sends the local APIC its EOI.
 */
void irq_handle_interrupt(word_t irq);

/* Finalisation of the last IRQHandler capability to irq: the notification is unbound (its node
 * slot emptied), the IRQ masked and routed nowhere, and it may be issued again. */
void irq_handler_finalise(word_t irq);

/* The IRQ an IRQHandler capability names. */
static inline word_t cap_irq_handler_irq(cap_t c)
{
    return c.words[1];
}

/* Places a new IRQHandler capability for irq in the empty slot dest as a child of the IRQControl
 * capability in control (issued once: it is revocable). */
void irq_control_insert_handler(cte_t *control, cte_t *dest, word_t irq);

/* Architecture hooks (arch/x86_64/object/irq_control.c) ------------------------------------ */

/* Masks (mask) or unmasks irq at its source: its IOAPIC pin; nothing for an MSI. */
void arch_irq_mask(word_t irq, bool mask);

/* irq's handler is gone: masks it at its source and forgets its routing (a pin becomes free). */
void arch_irq_release(word_t irq);

/* seL4's Arch_checkIRQ for the generic IRQControl_Get: NoError only for an IRQ <= IRQ_MAX that
 * Get may issue. On x86 with IOAPICs every IRQ number is refused with IllegalOperation (Get
 * serves the legacy PIC's range, and the PIC is not used). */
exception_t arch_irq_control_check_get(word_t irq);
