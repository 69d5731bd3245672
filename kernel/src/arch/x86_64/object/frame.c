/* Frame (page) invocations. Map and Unmap are still pending in api/. */
#include <gen/decode.h>
#include <object/cnode.h>

/* Replies with the frame's physical address. */
static exception_t x86_page_invoke_get_address(paddr_t pa)
{
    x86_page_get_address_result_t r = {.paddr = pa};
    x86_page_get_address_reply(&r);
    return seL4_NoError;
}

exception_t x86_page_decode_get_address(struct cte *slot, const invocation_t *inv,
                                        const x86_page_get_address_args_t *args)
{
    (void)inv;
    (void)args;
    return x86_page_invoke_get_address(cap_paddr(slot->cap));
}
