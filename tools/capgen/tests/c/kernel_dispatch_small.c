/* Host test of generated dispatch on the small spec: implemented methods reach their handler. */
#include <gen/decode.h>

#include "fake_invocation.h"

static widget_poke_args_t seen_poke;
static int poke_calls;

exception_t widget_decode_poke(struct cte *slot, const invocation_t *inv,
                               const widget_poke_args_t *args)
{
    (void)slot;
    (void)inv;
    seen_poke = *args;
    poke_calls++;
    return seL4_NoError;
}

exception_t widget_decode_load_regs(struct cte *slot, const invocation_t *inv,
                                    const widget_load_regs_args_t *args)
{
    (void)slot;
    (void)inv;
    widget_load_regs_result_t r = {args->regs[0] + args->regs[1] + args->regs[2]};
    widget_load_regs_reply(&r);
    return seL4_NoError;
}

int main(void)
{
    struct cte *gadget = (struct cte *)0x2000;
    invocation_t inv = fake_invocation(INV_WIDGET_POKE, 1, 1);
    inv.caps[0] = gadget;
    CHECK(widget_dispatch(0, &inv) == seL4_TruncatedMessage && poke_calls == 0);
    inv.length = 3;
    fake_mrs[0] = 42;
    fake_mrs[1] = 1 | (7 << 8); /* flag, level 7 */
    fake_mrs[2] = 0x3;          /* read and write */
    CHECK(widget_dispatch(0, &inv) == seL4_NoError && poke_calls == 1);
    CHECK(seen_poke.value == 42 && seen_poke.flag && seen_poke.level == 7);
    CHECK(seen_poke.target == gadget && seen_poke.rights.allow_write == 1);

    inv = fake_invocation(INV_WIDGET_PEEK, 1, 0);
    CHECK(widget_dispatch(0, &inv) == seL4_IllegalOperation);
    inv = fake_invocation(INV_GADGET_RESET, 0, 0);
    CHECK(widget_dispatch(0, &inv) == seL4_IllegalOperation);
    CHECK(gadget_dispatch(0, &inv) == seL4_IllegalOperation);

    inv = fake_invocation(INV_WIDGET_LOAD_REGS, 3, 0);
    fake_mrs[0] = 2;
    fake_mrs[1] = 10;
    fake_mrs[2] = 20;
    fake_mrs[3] = 1000; /* beyond count: not read */
    CHECK(widget_dispatch(0, &inv) == seL4_NoError);
    CHECK(fake_reply[0] == 30 && fake_reply_length == 1);

    if (failures) {
        printf("%d check(s) failed\n", failures);
        return 1;
    }
    printf("small dispatch OK\n");
    return 0;
}
