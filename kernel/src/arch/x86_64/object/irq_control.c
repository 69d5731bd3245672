/*
 * The IRQ control capability, x86-64 part: GetIOAPIC and GetMSI issue handlers for user IRQs
 * (vector argument v is IRQ IRQ_USER_MIN + v, raised on CPU vector IRQ_INT_OFFSET + that), and
 * the routing of each user IRQ behind the architecture hooks of irq.h.
 *
 * Invariant: irq_routes[irq] is not ROUTE_NONE exactly while irq is active (has a handler);
 * an IOAPIC pin is routed for at most one IRQ at a time.
 */
#include <gen/decode.h>
#include <api/syscall_error.h>
#include <arch/x86_64/machine/ioapic.h>
#include <kernel/cspace.h>
#include <object/irq.h>

#define PCI_BUS_MAX  255
#define PCI_DEV_MAX  31
#define PCI_FUNC_MAX 7

typedef enum irq_route_type { ROUTE_NONE = 0, ROUTE_IOAPIC, ROUTE_MSI } irq_route_type_t;

/* Where a user IRQ comes from. MSI details are recorded as seL4 records them; the device is
 * programmed by user level, so the kernel never uses them. */
typedef struct irq_route {
    u8 type; /* irq_route_type_t */
    u8 ioapic, pin;
    bool level, polarity_low;
    u8 pci_bus, pci_dev, pci_func;
    word_t handle;
} irq_route_t;

static irq_route_t irq_routes[IRQ_COUNT];

/* True if some IRQ is routed from pin of ioapic. */
static bool x86_irq_pin_in_use(word_t ioapic, word_t pin)
{
    for (word_t irq = IRQ_USER_MIN; irq <= IRQ_USER_MAX; irq++) {
        const irq_route_t *r = &irq_routes[irq];
        if (r->type == ROUTE_IOAPIC && r->ioapic == ioapic && r->pin == pin) {
            return true;
        }
    }
    return false;
}

void arch_irq_mask(word_t irq, bool mask)
{
    const irq_route_t *r = &irq_routes[irq];
    if (r->type == ROUTE_IOAPIC) {
        ioapic_mask(r->ioapic, r->pin, mask);
    }
}

void arch_irq_release(word_t irq)
{
    irq_route_t *r = &irq_routes[irq];
    if (r->type == ROUTE_IOAPIC) {
        ioapic_reset_pin(r->ioapic, r->pin);
    }
    *r = (irq_route_t){0};
}

exception_t arch_irq_control_check_get(word_t irq)
{
    (void)irq;
    return seL4_IllegalOperation;
}

/*
 * The checks GetIOAPIC and GetMSI share, in seL4's order: RangeError (0, 107) unless vector is
 * a user vector; RevokeFirst if its IRQ has a handler; the destination's lookup errors
 * (FailedLookup, RangeError on depth); DeleteFirst if the destination slot is not empty. Sets
 * *irq and *dest. Changes nothing.
 */
static exception_t x86_irq_control_check_common(const cte_t *root, word_t index, word_t depth,
                                                word_t vector, word_t *irq, cte_t **dest)
{
    if (vector > IRQ_USER_MAX - IRQ_USER_MIN) {
        return syscall_error_range(0, IRQ_USER_MAX - IRQ_USER_MIN);
    }
    *irq = IRQ_USER_MIN + vector;
    if (irq_is_active(*irq)) {
        return seL4_RevokeFirst;
    }
    exception_t e = cspace_lookup_target(root->cap, index, depth, false, dest);
    if (e != seL4_NoError) {
        return e;
    }
    if (!cap_is_null((*dest)->cap)) {
        return seL4_DeleteFirst;
    }
    return seL4_NoError;
}

/* --- GetIOAPIC ---------------------------------------------------------------------------- */

/* Routes pin of ioapic to irq (programmed, masked), then issues the handler, which unmasks it.
 * Cannot fail. */
static exception_t x86_irq_control_invoke_get_ioapic(cte_t *control, cte_t *dest, word_t irq,
                                                     const x86_irq_control_get_ioapic_args_t *a)
{
    irq_routes[irq] = (irq_route_t){.type = ROUTE_IOAPIC,
                                    .ioapic = (u8)a->ioapic,
                                    .pin = (u8)a->pin,
                                    .level = a->level,
                                    .polarity_low = a->polarity};
    ioapic_map_pin(a->ioapic, a->pin, a->level, a->polarity, irq_to_vector(irq));
    irq_control_insert_handler(control, dest, irq);
    return seL4_NoError;
}

/* The IOAPIC checks, in seL4's order: IllegalOperation if the machine has no IOAPIC; RangeError
 * (0, IOAPICs - 1) for ioapic, (0, 23) for pin, (0, 1) for level and for polarity. Then
 * (sel4ish) RevokeFirst if another IRQ is routed from the pin. */
static exception_t x86_irq_control_check_ioapic(const x86_irq_control_get_ioapic_args_t *a)
{
    u32 n = ioapic_count();
    if (n == 0) {
        return seL4_IllegalOperation;
    }
    if (a->ioapic >= n) {
        return syscall_error_range(0, n - 1);
    }
    if (a->pin >= IOAPIC_PINS) {
        return syscall_error_range(0, IOAPIC_PINS - 1);
    }
    if (a->level > 1 || a->polarity > 1) {
        return syscall_error_range(0, 1);
    }
    if (x86_irq_pin_in_use(a->ioapic, a->pin)) {
        return seL4_RevokeFirst;
    }
    return seL4_NoError;
}

/*
 * GetIOAPIC: the common checks (vector, IRQ in use, destination slot), then the IOAPIC ones.
 * TruncatedMessage (fewer than 7 words or no root capability) comes from the generated
 * unpacker, before any of these.
 */
exception_t x86_irq_control_decode_get_ioapic(struct cte *slot, const invocation_t *inv,
                                              const x86_irq_control_get_ioapic_args_t *args)
{
    (void)inv;
    word_t irq;
    cte_t *dest;
    exception_t e = x86_irq_control_check_common(args->root, args->index, args->depth, args->vector,
                                                 &irq, &dest);
    if (e != seL4_NoError) {
        return e;
    }
    e = x86_irq_control_check_ioapic(args);
    if (e != seL4_NoError) {
        return e;
    }
    return x86_irq_control_invoke_get_ioapic(slot, dest, irq, args);
}

/* --- GetMSI ------------------------------------------------------------------------------- */

/* Records irq as an MSI of the given PCI function and issues its handler. Cannot fail. */
static exception_t x86_irq_control_invoke_get_msi(cte_t *control, cte_t *dest, word_t irq,
                                                  const x86_irq_control_get_msi_args_t *a)
{
    irq_routes[irq] = (irq_route_t){.type = ROUTE_MSI,
                                    .pci_bus = (u8)a->pci_bus,
                                    .pci_dev = (u8)a->pci_dev,
                                    .pci_func = (u8)a->pci_func,
                                    .handle = a->handle};
    irq_control_insert_handler(control, dest, irq);
    return seL4_NoError;
}

/*
 * GetMSI: the common checks, then RangeError (0, 255) for pci_bus, (0, 31) for pci_dev and
 * (0, 7) for pci_func, in that order; handle is not checked (seL4 trusts it). TruncatedMessage
 * comes from the generated unpacker.
 */
exception_t x86_irq_control_decode_get_msi(struct cte *slot, const invocation_t *inv,
                                           const x86_irq_control_get_msi_args_t *args)
{
    (void)inv;
    word_t irq;
    cte_t *dest;
    exception_t e = x86_irq_control_check_common(args->root, args->index, args->depth, args->vector,
                                                 &irq, &dest);
    if (e != seL4_NoError) {
        return e;
    }
    if (args->pci_bus > PCI_BUS_MAX) {
        return syscall_error_range(0, PCI_BUS_MAX);
    }
    if (args->pci_dev > PCI_DEV_MAX) {
        return syscall_error_range(0, PCI_DEV_MAX);
    }
    if (args->pci_func > PCI_FUNC_MAX) {
        return syscall_error_range(0, PCI_FUNC_MAX);
    }
    return x86_irq_control_invoke_get_msi(slot, dest, irq, args);
}
