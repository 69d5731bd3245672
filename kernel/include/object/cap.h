/*
 * Capabilities: two words naming a kernel object and what its holder may do with it.
 * Word 0: [63:59] type, [57:52] a small type field, [51:0] the object's physical address.
 * Word 1: type-specific. Every constructor and getter for a type lives here, so the format is
 * read and written in one place.
 */
#pragma once

#include <types.h>

typedef enum cap_type {
    CAP_TYPE_NULL = 0,
    CAP_TYPE_UNTYPED,
    CAP_TYPE_ENDPOINT,
    CAP_TYPE_NOTIFICATION,
    CAP_TYPE_REPLY,
    CAP_TYPE_CNODE,
    CAP_TYPE_THREAD,
    CAP_TYPE_IRQ_CONTROL,
    CAP_TYPE_IRQ_HANDLER,
    CAP_TYPE_ZOMBIE,
    CAP_TYPE_DOMAIN,
    CAP_TYPE_FRAME,
    CAP_TYPE_PAGE_TABLE,
    CAP_TYPE_PAGE_DIRECTORY,
    CAP_TYPE_PDPT,
    CAP_TYPE_PML4,
    CAP_TYPE_ASID_CONTROL,
    CAP_TYPE_ASID_POOL,
    CAP_TYPE_IO_PORT_CONTROL,
    CAP_TYPE_IO_PORT,
    CAP_TYPE_IO_SPACE,
    N_CAP_TYPES
} cap_type_t;

typedef struct cap {
    word_t words[2];
} cap_t;

#define CAP_TYPE_SHIFT  59
#define CAP_SMALL_SHIFT 52
#define CAP_PADDR_MASK  MASK(52)

/* Frame sizes (seL4_X86_4K, seL4_X86_LargePage) and mapping rights (seL4's VM rights). */
enum { FRAME_SIZE_4K = 0, FRAME_SIZE_2M = 1 };
enum { VM_KERNEL_ONLY = 0, VM_READ_ONLY = 2, VM_READ_WRITE = 3 };

static inline cap_type_t cap_type(cap_t c)
{
    return (cap_type_t)(c.words[0] >> CAP_TYPE_SHIFT);
}

/* Physical address of the object a capability names (0 for the control capabilities). */
static inline paddr_t cap_paddr(cap_t c)
{
    return c.words[0] & CAP_PADDR_MASK;
}

/* The six-bit type field of word 0. */
static inline unsigned cap_small(cap_t c)
{
    return (c.words[0] >> CAP_SMALL_SHIFT) & MASK(6);
}

/* A capability of the given type with the object address, small field and word 1. */
static inline cap_t cap_make(cap_type_t type, paddr_t pa, unsigned small, word_t w1)
{
    cap_t c = {{((word_t)type << CAP_TYPE_SHIFT) | ((word_t)(small & MASK(6)) << CAP_SMALL_SHIFT) |
                    (pa & CAP_PADDR_MASK),
                w1}};
    return c;
}

static inline cap_t cap_null(void)
{
    return cap_make(CAP_TYPE_NULL, 0, 0, 0);
}

/* CNode: small field = radix (log2 of the slot count); word 1 = guard size [63:58], guard. */
static inline cap_t cap_cnode_new(paddr_t pa, unsigned radix, unsigned guard_size, word_t guard)
{
    return cap_make(CAP_TYPE_CNODE, pa, radix, ((word_t)guard_size << 58) | (guard & MASK(58)));
}
static inline unsigned cap_cnode_radix(cap_t c)
{
    return cap_small(c);
}
static inline unsigned cap_cnode_guard_size(cap_t c)
{
    return c.words[1] >> 58;
}
static inline word_t cap_cnode_guard(cap_t c)
{
    return c.words[1] & MASK(58);
}

static inline cap_t cap_thread_new(paddr_t tcb)
{
    return cap_make(CAP_TYPE_THREAD, tcb, 0, 0);
}

/* PML4 (an address space root): word 1 = [16] mapped to an ASID, [15:0] the ASID. */
static inline cap_t cap_pml4_new(paddr_t pa, bool mapped, u16 asid)
{
    return cap_make(CAP_TYPE_PML4, pa, 0, ((word_t)mapped << 16) | asid);
}

/*
 * Frame: small field = [5] device, [4:3] VM rights, [1:0] size; word 1 = mapped address
 * [63:12] (0 if unmapped) and the mapping's ASID [11:0].
 */
static inline cap_t cap_frame_new(paddr_t pa, unsigned size, unsigned rights, bool device,
                                  vptr_t mapped_vaddr, u16 asid)
{
    unsigned small = ((unsigned)device << 5) | ((rights & 3) << 3) | (size & 3);
    return cap_make(CAP_TYPE_FRAME, pa, small, (mapped_vaddr & ~MASK(12)) | (asid & MASK(12)));
}
static inline unsigned cap_frame_size(cap_t c)
{
    return cap_small(c) & 3;
}
static inline unsigned cap_frame_rights(cap_t c)
{
    return (cap_small(c) >> 3) & 3;
}
static inline bool cap_frame_is_device(cap_t c)
{
    return (cap_small(c) >> 5) & 1;
}
static inline vptr_t cap_frame_mapped_vaddr(cap_t c)
{
    return c.words[1] & ~MASK(12);
}

/* The control capabilities name no object: the type is all they carry. */
static inline cap_t cap_control_new(cap_type_t type)
{
    return cap_make(type, 0, 0, 0);
}
