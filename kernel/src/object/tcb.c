/* TCB invocations. The methods not listed here are still pending in api/ and answered with
 * seL4_IllegalOperation by the generated dispatcher. */
#include <gen/decode.h>
#include <arch/x86_64/object/vspace.h>
#include <object/cap.h>
#include <object/tcb.h>

/* The TCB a thread capability names. */
static tcb_t *tcb_from_cap(cap_t c)
{
    return paddr_to_kptr(cap_paddr(c));
}

/* A user address the CPU accepts as a segment base: canonical lower or upper half. */
static bool tcb_address_canonical(word_t v)
{
    return v < 0x0000800000000000ul || v >= 0xffff800000000000ul;
}

/* Sets the thread's TLS base (%fs base). A non-canonical value becomes 0, as seL4 sanitises it,
 * so loading it can never fault in the kernel. */
static exception_t tcb_invoke_set_tls_base(tcb_t *t, word_t base)
{
    t->context.fs_base = tcb_address_canonical(base) ? base : 0;
    thread_tls_changed(t);
    return seL4_NoError;
}

exception_t tcb_decode_set_tls_base(struct cte *slot, const invocation_t *inv,
                                    const tcb_set_tls_base_args_t *args)
{
    (void)inv;
    return tcb_invoke_set_tls_base(tcb_from_cap(slot->cap), args->tls_base);
}
