/* Operations on any capability: invocation dispatch (which interface of the spec serves each
 * kind of capability), derivation, badges and guards, rights, and object creation. */
#include <gen/decode.h>
#include <gen/object_types.h>
#include <api/syscall_error.h>
#include <arch/x86_64/machine/cpu.h>
#include <arch/x86_64/object/arch_object.h>
#include <arch/x86_64/object/vspace.h>
#include <kernel/string.h>
#include <object/cdt.h>
#include <object/objecttype.h>
#include <kernel/sched.h>
#include <object/tcb.h>

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
    case CAP_TYPE_ZOMBIE:
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
        /* PML4, IOSpace: no methods in this configuration. */
        return seL4_IllegalOperation;
    }
}

/* VM rights of a frame capability reduced by a rights word (seL4's maskVMRights). */
static unsigned frame_mask_vm_rights(unsigned vm, word_t rights)
{
    bool read = rights & CAP_RIGHT_READ, write = rights & CAP_RIGHT_WRITE;
    if (vm == VM_READ_ONLY && read) {
        return VM_READ_ONLY;
    }
    if (vm == VM_READ_WRITE && read) {
        return write ? VM_READ_WRITE : VM_READ_ONLY;
    }
    return VM_KERNEL_ONLY;
}

cap_t cap_mask_rights(word_t rights, cap_t cap)
{
    switch (cap_type(cap)) {
    case CAP_TYPE_ENDPOINT:
    case CAP_TYPE_NOTIFICATION:
        return cap_with_small(cap, cap_rights(cap) & rights & CAP_RIGHTS_ALL);
    case CAP_TYPE_REPLY: {
        bool grant = cap_reply_can_grant(cap) && (rights & CAP_RIGHT_GRANT);
        return cap_reply_new(cap_paddr(cap), cap_reply_is_master(cap), grant);
    }
    case CAP_TYPE_FRAME: {
        unsigned vm = frame_mask_vm_rights(cap_frame_rights(cap), rights);
        return cap_with_small(cap, (cap_small(cap) & ~(3u << 3)) | (vm << 3));
    }
    default:
        return cap;
    }
}

cap_t cap_update_data(bool preserve, word_t data, cap_t cap)
{
    switch (cap_type(cap)) {
    case CAP_TYPE_ENDPOINT:
    case CAP_TYPE_NOTIFICATION:
        if (preserve || cap_badge(cap) != 0) {
            return cap_null();
        }
        return cap_with_word1(cap, data);
    case CAP_TYPE_CNODE: {
        cnode_cap_data_t d = cnode_cap_data_unpack(data);
        if (d.guard_size + cap_cnode_radix(cap) > 64) {
            return cap_null();
        }
        word_t guard = d.guard_size >= 58 ? d.guard : d.guard & MASK(d.guard_size);
        return cap_cnode_new(cap_paddr(cap), cap_cnode_radix(cap), d.guard_size, guard);
    }
    default:
        return cap;
    }
}

exception_t cap_derive(const cte_t *slot, cap_t cap, cap_t *out)
{
    *out = cap;
    switch (cap_type(cap)) {
    case CAP_TYPE_ZOMBIE:
    case CAP_TYPE_IRQ_CONTROL:
    case CAP_TYPE_REPLY:
    case CAP_TYPE_IO_PORT_CONTROL:
        *out = cap_null();
        return seL4_NoError;
    case CAP_TYPE_UNTYPED:
        if (cdt_has_children(slot)) {
            *out = cap_null();
            return seL4_RevokeFirst;
        }
        return seL4_NoError;
    case CAP_TYPE_FRAME:
        *out = cap_set_mapping(cap, 0, 0);
        return seL4_NoError;
    case CAP_TYPE_PAGE_TABLE:
    case CAP_TYPE_PAGE_DIRECTORY:
    case CAP_TYPE_PDPT:
    case CAP_TYPE_PML4:
        /* An unmapped paging structure has one capability, so it is mapped only once. */
        if (!cap_is_mapped(cap)) {
            *out = cap_null();
            return seL4_IllegalOperation;
        }
        return seL4_NoError;
    default:
        return seL4_NoError;
    }
}

word_t object_size_bits(word_t type, word_t user_size)
{
    switch (type) {
    case OBJ_UNTYPED:
        return user_size;
    case OBJ_TCB:
        return CAP_TCB_BITS;
    case OBJ_ENDPOINT:
        return CAP_ENDPOINT_BITS;
    case OBJ_NOTIFICATION:
        return CAP_NOTIFICATION_BITS;
    case OBJ_CNODE:
        return user_size + CAP_SLOT_BITS;
    case OBJ_X64_HUGE_PAGE:
        return 30;
    case OBJ_X86_LARGE_PAGE:
        return LARGE_PAGE_BITS;
    default:
        return PAGE_BITS;
    }
}

/* A new TCB: inactive at priority 0, with a user context that starts with interrupts enabled
 * and the FPU in its power-on state, known to the scheduler's debug list. */
static cap_t tcb_create(paddr_t pa)
{
    tcb_t *t = paddr_to_kptr(pa);
    t->context.regs[CTX_RFLAGS] = RFLAGS_IF | RFLAGS_RESERVED1;
    t->context.regs[CTX_CS] = SEL_USER_CS;
    t->context.regs[CTX_SS] = SEL_USER_DS;
    t->state = THREAD_INACTIVE;
    t->time_slice = SCHED_TIME_SLICE;
    fpu_state_init(&t->fpu);
    sched_debug_add(t);
    return cap_thread_new(pa);
}

cap_t object_create(word_t type, paddr_t pa, word_t user_size, bool device)
{
    /* An untyped is not zeroed: every object later made from it is, when it is made. */
    if (!device && type != OBJ_UNTYPED) {
        memset(paddr_to_kptr(pa), 0, BIT(object_size_bits(type, user_size)));
    }
    switch (type) {
    case OBJ_UNTYPED:
        return cap_untyped_new(pa, user_size, device, 0);
    case OBJ_TCB:
        return tcb_create(pa);
    case OBJ_ENDPOINT:
        return cap_endpoint_new(pa, 0, CAP_RIGHTS_ALL);
    case OBJ_NOTIFICATION:
        return cap_notification_new(pa, 0, CAP_RIGHT_READ | CAP_RIGHT_WRITE);
    case OBJ_CNODE:
        return cap_cnode_new(pa, user_size, 0, 0);
    default:
        return arch_create_object(type, pa, device);
    }
}
