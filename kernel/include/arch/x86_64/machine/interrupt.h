/*
 * x86-64 interrupt numbering, seL4's (pc99, one CPU, no IOMMU): an IRQ number irq is raised on
 * CPU vector irq + IRQ_INT_OFFSET.
 *   irq 0-15     (vectors 0x20-0x2f)  the legacy PIC's range: reserved (the PICs are masked)
 *   irq 16-123   (vectors 0x30-0x9b)  user interrupts: IOAPIC pins and MSIs, issued by
 *                                     IRQControl_GetIOAPIC / GetMSI as vector argument 0-107
 *   irq 124      (vector 0x9c)        seL4's IOMMU interrupt: reserved, unused
 *   irq 125      (vector 0x9d)        the kernel's timer tick (APIC_TIMER_VECTOR)
 *   vector 0xff                       the local APIC's spurious vector
 */
#pragma once

#include <arch/x86_64/machine/apic.h>

#define IRQ_INT_OFFSET 0x20
#define IRQ_ISA_MIN    0
#define IRQ_ISA_MAX    15
#define IRQ_USER_MIN   16
#define IRQ_USER_MAX   123
#define IRQ_IOMMU      124
#define IRQ_TIMER      125
#define IRQ_MAX        IRQ_TIMER /* seL4's maxIRQ */
#define IRQ_COUNT      (IRQ_MAX + 1)

_Static_assert(IRQ_TIMER + IRQ_INT_OFFSET == APIC_TIMER_VECTOR,
               "the kernel timer is on seL4's int_timer vector");

/* The CPU vector of an IRQ, and the IRQ of a vector (meaningful for vectors 0x20-0x9d). */
static inline word_t irq_to_vector(word_t irq)
{
    return irq + IRQ_INT_OFFSET;
}

static inline word_t vector_to_irq(word_t vector)
{
    return vector - IRQ_INT_OFFSET;
}

/* True for the IRQs user level can hold handlers for. */
static inline bool irq_is_user(word_t irq)
{
    return irq >= IRQ_USER_MIN && irq <= IRQ_USER_MAX;
}
