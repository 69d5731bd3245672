/* Dispatch on capability type: which interface of the spec serves each kind of capability. */
#include <gen/decode.h>
#include <api/syscall_error.h>
#include <object/objecttype.h>

/* IRQControl answers both the generic methods and the x86 ones (IOAPIC, MSI). */
static exception_t irq_control_decode(cte_t *slot, const invocation_t *inv)
{
    if (x86_irq_control_has_label(inv->label)) {
        return x86_irq_control_dispatch(slot, inv);
    }
    return irq_control_dispatch(slot, inv);
}

exception_t object_decode_invocation(cte_t *slot, const invocation_t *inv)
{
    switch (cap_type(slot->cap)) {
    case CAP_TYPE_NULL:
        return syscall_error_invalid_cap(0);
    case CAP_TYPE_UNTYPED:
        return untyped_dispatch(slot, inv);
    case CAP_TYPE_THREAD:
        return tcb_dispatch(slot, inv);
    case CAP_TYPE_CNODE:
        return cnode_dispatch(slot, inv);
    case CAP_TYPE_IRQ_CONTROL:
        return irq_control_decode(slot, inv);
    case CAP_TYPE_IRQ_HANDLER:
        return irq_handler_dispatch(slot, inv);
    case CAP_TYPE_DOMAIN:
        return domain_set_dispatch(slot, inv);
    case CAP_TYPE_FRAME:
        return x86_page_dispatch(slot, inv);
    case CAP_TYPE_PAGE_TABLE:
        return x86_page_table_dispatch(slot, inv);
    case CAP_TYPE_PAGE_DIRECTORY:
        return x86_page_directory_dispatch(slot, inv);
    case CAP_TYPE_PDPT:
        return x86_pdpt_dispatch(slot, inv);
    case CAP_TYPE_ASID_CONTROL:
        return x86_asid_control_dispatch(slot, inv);
    case CAP_TYPE_ASID_POOL:
        return x86_asid_pool_dispatch(slot, inv);
    case CAP_TYPE_IO_PORT_CONTROL:
        return x86_ioport_control_dispatch(slot, inv);
    case CAP_TYPE_IO_PORT:
        return x86_ioport_dispatch(slot, inv);
    default:
        /* PML4, IOSpace, zombies: no methods in this configuration. */
        return seL4_IllegalOperation;
    }
}
