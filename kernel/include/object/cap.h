/*
 * Capabilities: two words naming a kernel object and what its holder may do with it.
 * Word 0: [63:59] type, [57:52] a small type field, [51:0] the object's physical address.
 * Word 1: type-specific. Every constructor and getter for a type lives here, so the format is
 * read and written in one place. Host-compilable (no kernel-only headers).
 *
 * Per type (small field / word 1):
 *   Untyped       size_bits            / [63] device, [62:0] free offset in bytes (watermark)
 *   Endpoint      rights (W R G GR)    / badge
 *   Notification  rights (W R)         / badge
 *   Reply         [0] master, [1] grant/ 0                      (object = the caller's TCB)
 *   CNode         radix                / [63:58] guard size, [57:0] guard
 *   Thread        0                    / 0
 *   Zombie        radix, or 63 for TCB / slots not yet deleted  (object being torn down)
 *   Frame         [5] device [4:3] VM rights [1:0] size / mapped vaddr [63:12] | ASID [11:0]
 *   PageTable, PageDirectory, PDPT     / mapped base vaddr | ASID [11:0] (ASID 0: unmapped)
 *   PML4          0                    / ASID (0: none assigned)
 *   ASIDPool      0                    / first ASID of the pool
 *   IRQHandler    0                    / IRQ number
 *   IOPort        0                    / [31:16] last port, [15:0] first port
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

/* Object sizes (log2 bytes) the capability format relies on. */
#define CAP_TCB_BITS          11
#define CAP_ENDPOINT_BITS     4
#define CAP_NOTIFICATION_BITS 5
#define CAP_SLOT_BITS         5
#define CAP_TABLE_BITS        12 /* PML4, PDPT, PD, PT and ASID pools */
#define CAP_MIN_UNTYPED_BITS  4
#define CAP_MAX_UNTYPED_BITS  47

/* Frame sizes (seL4_X86_4K, seL4_X86_LargePage, seL4_X64_HugePage). */
enum { FRAME_SIZE_4K = 0, FRAME_SIZE_2M = 1, FRAME_SIZE_1G = 2 };

/* seL4's VM rights of a frame capability. */
enum { VM_KERNEL_ONLY = 1, VM_READ_ONLY = 2, VM_READ_WRITE = 3 };

/* Capability rights word (seL4_CapRights_t): GrantReply 3 | Grant 2 | Read 1 | Write 0. */
#define CAP_RIGHT_WRITE       BIT(0)
#define CAP_RIGHT_READ        BIT(1)
#define CAP_RIGHT_GRANT       BIT(2)
#define CAP_RIGHT_GRANT_REPLY BIT(3)
#define CAP_RIGHTS_ALL        MASK(4)

/* The zombie type field value that marks a TCB being torn down (CNodes store their radix). */
#define ZOMBIE_TYPE_TCB 63

/* ASIDs are 12 bits; 0 means none. */
#define ASID_BITS 12

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

/* The same capability with word 1 replaced. */
static inline cap_t cap_with_word1(cap_t c, word_t w1)
{
    c.words[1] = w1;
    return c;
}

/* The same capability with the small field replaced. */
static inline cap_t cap_with_small(cap_t c, unsigned small)
{
    c.words[0] = (c.words[0] & ~(MASK(6) << CAP_SMALL_SHIFT)) |
                 ((word_t)(small & MASK(6)) << CAP_SMALL_SHIFT);
    return c;
}

static inline cap_t cap_null(void)
{
    return cap_make(CAP_TYPE_NULL, 0, 0, 0);
}

static inline bool cap_is_null(cap_t c)
{
    return cap_type(c) == CAP_TYPE_NULL;
}

/* --- Untyped ----------------------------------------------------------------------------- */

static inline cap_t cap_untyped_new(paddr_t pa, unsigned size_bits, bool device, word_t free_bytes)
{
    return cap_make(CAP_TYPE_UNTYPED, pa, size_bits, ((word_t)device << 63) | free_bytes);
}
static inline unsigned cap_untyped_size_bits(cap_t c)
{
    return cap_small(c);
}
static inline bool cap_untyped_is_device(cap_t c)
{
    return c.words[1] >> 63;
}
/* Bytes from the start of the untyped already handed out (the watermark). */
static inline word_t cap_untyped_free_offset(cap_t c)
{
    return c.words[1] & MASK(63);
}
static inline cap_t cap_untyped_set_free_offset(cap_t c, word_t offset)
{
    return cap_with_word1(c, (c.words[1] & BIT(63)) | offset);
}

/* --- Endpoint and notification ------------------------------------------------------------ */

static inline cap_t cap_endpoint_new(paddr_t pa, word_t badge, unsigned rights)
{
    return cap_make(CAP_TYPE_ENDPOINT, pa, rights & CAP_RIGHTS_ALL, badge);
}
static inline cap_t cap_notification_new(paddr_t pa, word_t badge, unsigned rights)
{
    return cap_make(CAP_TYPE_NOTIFICATION, pa, rights & (CAP_RIGHT_READ | CAP_RIGHT_WRITE), badge);
}
/* Rights of an endpoint, notification or reply capability (CAP_RIGHT_* bits). */
static inline unsigned cap_rights(cap_t c)
{
    return cap_small(c) & CAP_RIGHTS_ALL;
}
/* Badge of an endpoint or notification capability (0: unbadged). */
static inline word_t cap_badge(cap_t c)
{
    return c.words[1];
}

/* --- Reply -------------------------------------------------------------------------------- */

static inline cap_t cap_reply_new(paddr_t tcb, bool master, bool can_grant)
{
    return cap_make(CAP_TYPE_REPLY, tcb, (unsigned)master | ((unsigned)can_grant << 1), 0);
}
static inline bool cap_reply_is_master(cap_t c)
{
    return cap_small(c) & 1;
}
static inline bool cap_reply_can_grant(cap_t c)
{
    return (cap_small(c) >> 1) & 1;
}

/* --- CNode -------------------------------------------------------------------------------- */

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

/* --- Thread and zombie -------------------------------------------------------------------- */

static inline cap_t cap_thread_new(paddr_t tcb)
{
    return cap_make(CAP_TYPE_THREAD, tcb, 0, 0);
}

/* A zombie: the object (CNode of the given radix, or a TCB) whose slots are being deleted;
 * slots [0, remaining) may still hold capabilities. */
static inline cap_t cap_zombie_new(paddr_t pa, unsigned zombie_type, word_t remaining)
{
    return cap_make(CAP_TYPE_ZOMBIE, pa, zombie_type, remaining);
}
static inline unsigned cap_zombie_type(cap_t c)
{
    return cap_small(c);
}
static inline word_t cap_zombie_remaining(cap_t c)
{
    return c.words[1];
}

/* --- Frames and paging structures --------------------------------------------------------- */

/*
 * Frame: small field = [5] device, [4:3] VM rights, [1:0] size; word 1 = mapped address
 * [63:12] and the mapping's ASID [11:0] (ASID 0: not mapped).
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
/* log2 bytes of a frame of the given size code. */
static inline unsigned frame_size_bits(unsigned size)
{
    return size == FRAME_SIZE_4K ? 12 : size == FRAME_SIZE_2M ? 21 : 30;
}

/* Mapping state shared by frames and paging structures: word 1 = vaddr | ASID. */
static inline vptr_t cap_mapped_vaddr(cap_t c)
{
    return c.words[1] & ~MASK(12);
}
static inline u16 cap_mapped_asid(cap_t c)
{
    return c.words[1] & MASK(12);
}
static inline bool cap_is_mapped(cap_t c)
{
    return cap_mapped_asid(c) != 0;
}
/* The same frame or paging structure capability, mapped at vaddr in asid (0, 0: unmapped). */
static inline cap_t cap_set_mapping(cap_t c, vptr_t vaddr, u16 asid)
{
    return cap_with_word1(c, (vaddr & ~MASK(12)) | (asid & MASK(12)));
}

/* PageTable, PageDirectory or PDPT (type), optionally mapped. */
static inline cap_t cap_paging_new(cap_type_t type, paddr_t pa, vptr_t mapped_vaddr, u16 asid)
{
    return cap_make(type, pa, 0, (mapped_vaddr & ~MASK(12)) | (asid & MASK(12)));
}

/* PML4 (an address space root): word 1 = its ASID, 0 if none is assigned. */
static inline cap_t cap_pml4_new(paddr_t pa, u16 asid)
{
    return cap_make(CAP_TYPE_PML4, pa, 0, asid & MASK(ASID_BITS));
}
static inline u16 cap_pml4_asid(cap_t c)
{
    return c.words[1] & MASK(ASID_BITS);
}

/* ASID pool: word 1 = the first ASID it covers. */
static inline cap_t cap_asid_pool_new(paddr_t pa, word_t asid_base)
{
    return cap_make(CAP_TYPE_ASID_POOL, pa, 0, asid_base);
}
static inline word_t cap_asid_pool_base(cap_t c)
{
    return c.words[1];
}

/* --- Interrupts, I/O ports and the control capabilities ---------------------------------- */

/* The control capabilities name no object: the type is all they carry. */
static inline cap_t cap_control_new(cap_type_t type)
{
    return cap_make(type, 0, 0, 0);
}

static inline cap_t cap_irq_handler_new(word_t irq)
{
    return cap_make(CAP_TYPE_IRQ_HANDLER, 0, 0, irq);
}

static inline cap_t cap_io_port_new(u16 first, u16 last)
{
    return cap_make(CAP_TYPE_IO_PORT, 0, 0, ((word_t)last << 16) | first);
}
static inline u16 cap_io_port_first(cap_t c)
{
    return c.words[1] & 0xffff;
}
static inline u16 cap_io_port_last(cap_t c)
{
    return (c.words[1] >> 16) & 0xffff;
}
