/*
 * I/O port capabilities: IOPortControl_Issue hands out port ranges, IOPort In8/16/32 and
 * Out8/16/32 read and write the ports of a range.
 *
 * Invariant: a port's bit in ioport_issued is set exactly while some capability to a range
 * covering it exists. Issued ranges never overlap and never cover a reserved port
 * (ioport_reserved, documented in ioport.h).
 */
#include <gen/decode.h>
#include <api/syscall_error.h>
#include <arch/x86_64/machine/cpu.h>
#include <arch/x86_64/object/ioport.h>
#include <kernel/cspace.h>
#include <object/cdt.h>

#define IOPORT_COUNT     0x10000u
#define IOPORT_MAX       0xffffu
#define IOPORT_WORD_BITS 64u

/* One bit per port: set while the port belongs to an issued range. */
static word_t ioport_issued[IOPORT_COUNT / IOPORT_WORD_BITS];

/* The ports the kernel uses after boot (see ioport.h); never issued. */
static const struct {
    u16 first, last;
} ioport_reserved[] = {
    {0x3f8, 0x3ff}, /* COM1: the kernel console */
    {0x0f4, 0x0f7}, /* QEMU isa-debug-exit: machine_halt */
};

/* Bits lo..hi (inclusive, 0 <= lo <= hi < 64) of a bitmap word. */
static word_t ioport_word_mask(unsigned lo, unsigned hi)
{
    return (~(word_t)0 >> (IOPORT_WORD_BITS - 1 - hi)) & (~(word_t)0 << lo);
}

/* The bits of ports [first, last] that lie in bitmap word w (first <= last). */
static word_t ioport_range_mask(unsigned w, u16 first, u16 last)
{
    unsigned lo = w == first / IOPORT_WORD_BITS ? first % IOPORT_WORD_BITS : 0;
    unsigned hi = w == last / IOPORT_WORD_BITS ? last % IOPORT_WORD_BITS : IOPORT_WORD_BITS - 1;
    return ioport_word_mask(lo, hi);
}

/* True if no port of [first, last] (first <= last) is issued or reserved. */
static bool ioport_range_free(u16 first, u16 last)
{
    for (unsigned i = 0; i < ARRAY_SIZE(ioport_reserved); i++) {
        if (first <= ioport_reserved[i].last && ioport_reserved[i].first <= last) {
            return false;
        }
    }
    for (unsigned w = first / IOPORT_WORD_BITS; w <= last / IOPORT_WORD_BITS; w++) {
        if (ioport_issued[w] & ioport_range_mask(w, first, last)) {
            return false;
        }
    }
    return true;
}

/* Marks the ports [first, last] (first <= last) issued (set) or free (!set). */
static void ioport_range_mark(u16 first, u16 last, bool set)
{
    for (unsigned w = first / IOPORT_WORD_BITS; w <= last / IOPORT_WORD_BITS; w++) {
        word_t m = ioport_range_mask(w, first, last);
        ioport_issued[w] = set ? ioport_issued[w] | m : ioport_issued[w] & ~m;
    }
}

void x86_ioport_free_range(cap_t cap)
{
    ioport_range_mark(cap_io_port_first(cap), cap_io_port_last(cap), false);
}

/* --- IOPortControl ------------------------------------------------------------------------- */

/* Marks [first, last] issued and places the capability to it in dest as a child of the
 * control capability in control. Cannot fail. */
static exception_t x86_ioport_control_invoke_issue(cte_t *control, cte_t *dest, u16 first, u16 last)
{
    ioport_range_mark(first, last, true);
    cdt_insert(control, dest, cap_io_port_new(first, last));
    return seL4_NoError;
}

/*
 * Issue, with seL4's checks in seL4's order (ports are taken modulo 2^16, as seL4 does):
 * InvalidArgument (1) if last_port < first_port; RevokeFirst if a port of the range is issued
 * already or reserved by the kernel; the destination's lookup errors (FailedLookup, RangeError
 * on depth); DeleteFirst if the destination slot is not empty. TruncatedMessage (too few
 * words or no root capability) comes from the generated unpacker.
 */
exception_t x86_ioport_control_decode_issue(struct cte *slot, const invocation_t *inv,
                                            const x86_ioport_control_issue_args_t *args)
{
    (void)inv;
    u16 first = args->first_port & IOPORT_MAX, last = args->last_port & IOPORT_MAX;
    if (last < first) {
        return syscall_error_invalid_argument(1);
    }
    if (!ioport_range_free(first, last)) {
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
    return x86_ioport_control_invoke_issue(slot, dest, first, last);
}

/* --- IOPort -------------------------------------------------------------------------------- */

/*
 * IllegalOperation (as seL4's ensurePortOperationAllowed) unless the width ports starting at
 * port all lie in the range of the capability; port is taken modulo 2^16 and the access may
 * not wrap past 0xffff. Changes nothing.
 */
static exception_t x86_ioport_check(cap_t cap, word_t port, unsigned width)
{
    word_t start = port & IOPORT_MAX, end = start + width - 1;
    if (start < cap_io_port_first(cap) || end > cap_io_port_last(cap)) {
        return seL4_IllegalOperation;
    }
    return seL4_NoError;
}

/* Reads a byte from port and replies with it in MR0. Cannot fail. */
static exception_t x86_ioport_invoke_in8(u16 port)
{
    x86_ioport_in8_result_t r = {.result = in8(port)};
    x86_ioport_in8_reply(&r);
    return seL4_NoError;
}

/* In8: IllegalOperation unless port lies in the capability's range. */
exception_t x86_ioport_decode_in8(struct cte *slot, const invocation_t *inv,
                                  const x86_ioport_in8_args_t *args)
{
    (void)inv;
    exception_t e = x86_ioport_check(slot->cap, args->port, 1);
    if (e != seL4_NoError) {
        return e;
    }
    return x86_ioport_invoke_in8(args->port & IOPORT_MAX);
}

/* Reads 16 bits from port and replies with them in MR0. Cannot fail. */
static exception_t x86_ioport_invoke_in16(u16 port)
{
    x86_ioport_in16_result_t r = {.result = in16(port)};
    x86_ioport_in16_reply(&r);
    return seL4_NoError;
}

/* In16: IllegalOperation unless port and port + 1 lie in the capability's range. */
exception_t x86_ioport_decode_in16(struct cte *slot, const invocation_t *inv,
                                   const x86_ioport_in16_args_t *args)
{
    (void)inv;
    exception_t e = x86_ioport_check(slot->cap, args->port, 2);
    if (e != seL4_NoError) {
        return e;
    }
    return x86_ioport_invoke_in16(args->port & IOPORT_MAX);
}

/* Reads 32 bits from port and replies with them in MR0. Cannot fail. */
static exception_t x86_ioport_invoke_in32(u16 port)
{
    x86_ioport_in32_result_t r = {.result = in32(port)};
    x86_ioport_in32_reply(&r);
    return seL4_NoError;
}

/* In32: IllegalOperation unless port to port + 3 lie in the capability's range. */
exception_t x86_ioport_decode_in32(struct cte *slot, const invocation_t *inv,
                                   const x86_ioport_in32_args_t *args)
{
    (void)inv;
    exception_t e = x86_ioport_check(slot->cap, args->port, 4);
    if (e != seL4_NoError) {
        return e;
    }
    return x86_ioport_invoke_in32(args->port & IOPORT_MAX);
}

/* Writes the low width bytes of data to port (empty reply). Cannot fail. */
static exception_t x86_ioport_invoke_out(u16 port, word_t data, unsigned width)
{
    if (width == 1) {
        out8(port, (u8)data);
    } else if (width == 2) {
        out16(port, (u16)data);
    } else {
        out32(port, (u32)data);
    }
    return seL4_NoError;
}

/* Out8/16/32: IllegalOperation unless the width ports from port lie in the capability's
 * range; only the low width bytes of data are written. */
static exception_t x86_ioport_decode_out(cte_t *slot, word_t port, word_t data, unsigned width)
{
    exception_t e = x86_ioport_check(slot->cap, port, width);
    if (e != seL4_NoError) {
        return e;
    }
    return x86_ioport_invoke_out(port & IOPORT_MAX, data, width);
}

exception_t x86_ioport_decode_out8(struct cte *slot, const invocation_t *inv,
                                   const x86_ioport_out8_args_t *args)
{
    (void)inv;
    return x86_ioport_decode_out(slot, args->port, args->data, 1);
}

exception_t x86_ioport_decode_out16(struct cte *slot, const invocation_t *inv,
                                    const x86_ioport_out16_args_t *args)
{
    (void)inv;
    return x86_ioport_decode_out(slot, args->port, args->data, 2);
}

exception_t x86_ioport_decode_out32(struct cte *slot, const invocation_t *inv,
                                    const x86_ioport_out32_args_t *args)
{
    (void)inv;
    return x86_ioport_decode_out(slot, args->port, args->data, 4);
}
