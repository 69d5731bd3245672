/*
 * calc: a server with a bug. It divides two numbers (CALC_DIV) for whoever calls, and a division
 * by zero kills it (a divide error: a UserException fault to its fault endpoint, the root
 * task's). Before it works on a request it keeps the caller's reply capability in
 * SYS_SLOT_CALC_REPLY and the caller's badge in calc_current_client, so that the supervisor
 * can answer the caller of a calc that died (supervisor.c).
 *
 * Capabilities: its endpoint and the serial driver's endpoint (badged SYS_CALC).
 */
#include "root.h"
#include <kernel/printf.h>

seL4_Word calc_current_client;

/* a / b, as the processor divides: b = 0 is a divide error (vector 0). */
static seL4_Word calc_divide(seL4_Word a, seL4_Word b)
{
    seL4_Word q;
    __asm__ volatile("xorl %%edx, %%edx; divq %2" : "=a"(q) : "a"(a), "r"(b) : "rdx", "cc");
    return q;
}

/* Serves one CALC_DIV from the client with this badge (its reply capability is saved). */
static void calc_serve_one(seL4_Word badge, seL4_MessageInfo_t info)
{
    seL4_Word a = seL4_GetMR(0), b = seL4_GetMR(1);
    seL4_Error saved =
        seL4_CNode_SaveCaller(seL4_CapInitThreadCNode, SYS_SLOT_CALC_REPLY, seL4_WordBits);
    if (saved != seL4_NoError) {
        kprintf("calc: cannot keep the reply capability: %s\n", seL4_ErrorName(saved));
        return;
    }
    if (seL4_MessageInfo_get_label(info) != CALC_DIV || seL4_MessageInfo_get_length(info) != 2) {
        seL4_Send(SYS_SLOT_CALC_REPLY, seL4_MessageInfo_new(SYS_REPLY_REFUSED, 0, 0, 0));
        return;
    }
    kprintf("calc: %s (badge %lu) asks %lu / %lu\n", sys_name(badge), badge, a, b);
    seL4_Word q = calc_divide(a, b);
    kprintf("calc: %lu / %lu = %lu\n", a, b, q);
    seL4_SetMR(0, q);
    seL4_Send(SYS_SLOT_CALC_REPLY, seL4_MessageInfo_new(seL4_NoError, 0, 0, 1));
}

void calc_main(seL4_Word start)
{
    console_use_endpoint(SYS_SLOT_SERIAL);
    kprintf("calc: up (start %lu), serving divisions\n", start);
    for (;;) {
        seL4_Word badge;
        seL4_MessageInfo_t info = seL4_Recv(SYS_SLOT_EP, &badge);
        calc_current_client = badge;
        calc_serve_one(badge, info);
    }
}
