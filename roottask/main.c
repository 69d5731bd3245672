/*
 * The default root task, the system `run` boots: it builds five components from untyped memory,
 * each a process with its own CSpace and VSpace holding only the capabilities it needs
 * (system/system.h), starts them, serves and supervises them (system/supervisor.c) until the
 * clients are done, prints the status line and halts. Everything is printed through the serial
 * driver on COM2 (the kernel keeps COM1); the README walks through the trace.
 */
#include "system/root.h"
#include <kernel/printf.h>

/* Each component's memory: an untyped of 1 MiB (its objects take ~300 KiB). */
#define SYS_PROCESS_BITS 20

/* The UART on COM2 and the PIT, and the IOAPIC pins their ISA IRQs 3 and 0 arrive at on q35
 * (IRQ 0 through the interrupt source override). The vectors are counted from the first vector
 * for user-level interrupts. */
#define SERIAL_FIRST_PORT 0x2f8
#define SERIAL_LAST_PORT  0x2ff
#define SERIAL_PIN        3
#define TIMER_FIRST_PORT  0x40
#define TIMER_LAST_PORT   0x43
#define TIMER_PIN         2

/* Priorities: the drivers above calc, calc above the clients; the root task keeps 255. */
#define SERIAL_PRIORITY 190
#define TIMER_PRIORITY  200
#define CALC_PRIORITY   150
#define CLIENT_PRIORITY 100

#define ROOT  seL4_CapInitThreadCNode
#define DEPTH seL4_WordBits

/* Rights of a client's capability to an endpoint it calls; with Grant for one that receives
 * capabilities in replies. */
#define RIGHTS_CALL       seL4_CapRights_new(1, 0, 0, 1)
#define RIGHTS_CALL_GRANT seL4_CapRights_new(1, 1, 0, 1)
#define RIGHTS_SEND       seL4_CapRights_new(0, 0, 0, 1)

/* Everything the root task holds (large: not on the stack). */
static sys_t sys;

/* ---- Building blocks ---- */

/* Carves an untyped of 2^bits bytes and finds its physical address: the allocator's untyped
 * whose watermark moved last (one it tried before may have moved to what the kernel said). */
static seL4_Error carve_untyped(sys_t *s, seL4_Word bits, seL4_CPtr *cap, seL4_Word *paddr)
{
    seL4_Word before[SEL4ISH_MAX_UNTYPEDS];
    for (seL4_Word i = 0; i < s->alloc.num_untypeds; i++) {
        before[i] = s->alloc.untypeds[i].used;
    }
    seL4_Error err = sel4ish_alloc_untyped(&s->alloc, bits, cap);
    for (seL4_Word i = 0; i < s->alloc.num_untypeds && err == seL4_NoError; i++) {
        const sel4ish_untyped_t *u = &s->alloc.untypeds[i];
        if (u->used != before[i]) {
            *paddr = u->paddr + u->used - (1ul << bits);
        }
    }
    return err;
}

/* Takes the SEL4ISH_PROCESS_SLOTS consecutive empty slots a process needs. */
static seL4_Error reserve_slots(sys_t *s, seL4_CPtr *first)
{
    seL4_CPtr slot = 0;
    for (seL4_Word i = 0; i < SEL4ISH_PROCESS_SLOTS; i++) {
        seL4_CPtr prev = slot;
        seL4_Error err = sel4ish_slot_alloc(&s->alloc.slots, &slot);
        if (err != seL4_NoError) {
            return err;
        }
        if (i == 0) {
            *first = slot;
        } else if (slot != prev + 1) {
            return seL4_RangeError;
        }
    }
    return seL4_NoError;
}

/* Mints a badged copy of the capability in src into a new slot of the root task. */
static seL4_Error mint(sys_t *s, seL4_CPtr src, seL4_CapRights_t rights, seL4_Word badge,
                       seL4_CPtr *dest)
{
    seL4_Error err = sel4ish_slot_alloc(&s->alloc.slots, dest);
    if (err == seL4_NoError) {
        err = seL4_CNode_Mint(ROOT, *dest, DEPTH, ROOT, src, DEPTH, rights, badge);
    }
    return err;
}

/* Describes component id: its memory, slots, fault endpoint (the root task's endpoint, badged
 * SYS_FAULT | id) and priority. Its capabilities are added with give(). */
static seL4_Error describe(sys_t *s, sys_id_t id, void (*fn)(seL4_Word), seL4_Word priority)
{
    sys_component_t *c = &s->component[id];
    *c = (sys_component_t){.id = id, .fn = fn};
    c->config = (sel4ish_process_config_t){
        .untyped_bits = SYS_PROCESS_BITS,
        .fault_ep = s->ep,
        .fault_badge = SYS_FAULT | id,
        .priority = priority,
        .mcp = priority,
        .caps = c->caps,
    };
    seL4_Error err =
        carve_untyped(s, SYS_PROCESS_BITS, &c->config.untyped, &c->config.untyped_paddr);
    return err == seL4_NoError ? reserve_slots(s, &c->config.slots) : err;
}

/* Adds a capability of the root task to component id's CNode at slot dest. */
static void give(sys_t *s, sys_id_t id, seL4_CPtr src, seL4_CPtr dest, sel4ish_cap_mode_t mode,
                 seL4_CapRights_t rights, seL4_Word badge)
{
    sys_component_t *c = &s->component[id];
    c->caps[c->config.num_caps++] = (sel4ish_process_cap_t){src, dest, mode, rights, badge};
}

seL4_Error sys_start(sys_component_t *c)
{
    seL4_Error err = sel4ish_process_create(&c->proc, &c->config);
    return err == seL4_NoError ? sel4ish_process_start(&c->proc, c->fn, ++c->starts) : err;
}

/* Waits for driver id's ROOT_READY (or its fault). Returns seL4_NoError if it is up. */
static seL4_Error wait_ready(sys_t *s, sys_id_t id)
{
    seL4_Word badge;
    seL4_MessageInfo_t info = seL4_Recv(s->ep, &badge);
    if (badge == id && seL4_MessageInfo_get_label(info) == ROOT_READY && seL4_GetMR(0) == 0) {
        return seL4_NoError;
    }
    kprintf("root: the %s did not start (badge 0x%lx, label %lu)\n", sys_name(id), badge,
            seL4_MessageInfo_get_label(info));
    return seL4_IllegalOperation;
}

/* ---- The components ---- */

/* Gives driver id what every driver gets: its endpoint, its notification (badged: the IRQ
 * handler signals it), its IRQ handler and I/O ports (moved: it holds the only capability),
 * and the root task's endpoint (send only) to say it is ready. */
static seL4_Error give_driver_caps(sys_t *s, sys_id_t id, seL4_CPtr irq, seL4_CPtr ioport)
{
    seL4_CPtr ntfn;
    seL4_Error err = sel4ish_alloc_object(&s->alloc, seL4_NotificationObject, 0, &ntfn);
    if (err == seL4_NoError) {
        err = sel4ish_alloc_object(&s->alloc, seL4_EndpointObject, 0, &s->service[id]);
    }
    give(s, id, s->service[id], SYS_SLOT_EP, SEL4ISH_CAP_COPY, seL4_AllRights, 0);
    give(s, id, ntfn, SYS_SLOT_NTFN, SEL4ISH_CAP_MINT, seL4_AllRights, SYS_IRQ_BADGE);
    give(s, id, irq, SYS_SLOT_IRQ, SEL4ISH_CAP_MOVE, seL4_AllRights, 0);
    give(s, id, ioport, SYS_SLOT_IOPORT, SEL4ISH_CAP_MOVE, seL4_AllRights, 0);
    give(s, id, s->ep, SYS_SLOT_ROOT, SEL4ISH_CAP_MINT, RIGHTS_SEND, id);
    return err;
}

/* Issues the driver's I/O port range and IOAPIC pin to the root task (from IOPortControl and
 * IRQControl) and describes the driver with them. */
static seL4_Error describe_driver(sys_t *s, sys_id_t id, void (*fn)(seL4_Word), seL4_Word priority,
                                  seL4_Word first_port, seL4_Word last_port, seL4_Word pin)
{
    seL4_CPtr irq = 0, ioport = 0;
    seL4_Error err = describe(s, id, fn, priority);
    if (err == seL4_NoError) {
        err = sel4ish_slot_alloc(&s->alloc.slots, &ioport);
    }
    if (err == seL4_NoError) {
        err = seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, first_port, last_port, ROOT,
                                           ioport, DEPTH);
    }
    if (err == seL4_NoError) {
        err = sel4ish_slot_alloc(&s->alloc.slots, &irq);
    }
    if (err == seL4_NoError) {
        err = seL4_IRQControl_GetIOAPIC(seL4_CapIRQControl, ROOT, irq, DEPTH, 0, pin, 0, 0, pin);
    }
    return err == seL4_NoError ? give_driver_caps(s, id, irq, ioport) : err;
}

/* Builds and starts the serial driver, waits until it is up and from then on prints through
 * it (a capability to its endpoint badged SYS_ROOT). */
static seL4_Error start_serial(sys_t *s)
{
    seL4_Error err = describe_driver(s, SYS_SERIAL, serial_main, SERIAL_PRIORITY, SERIAL_FIRST_PORT,
                                     SERIAL_LAST_PORT, SERIAL_PIN);
    if (err == seL4_NoError) {
        err = sys_start(&s->component[SYS_SERIAL]);
    }
    if (err == seL4_NoError) {
        err = wait_ready(s, SYS_SERIAL);
    }
    if (err == seL4_NoError) {
        err = mint(s, s->service[SYS_SERIAL], RIGHTS_CALL, SYS_ROOT, &s->console);
    }
    if (err == seL4_NoError) {
        console_use_endpoint(s->console);
        kprintf("root: started serial (priority %u): endpoint, notification, IRQHandler, "
                "IOPort; all print through it\n",
                SERIAL_PRIORITY);
    }
    return err;
}

/* Gives component id a capability to the serial driver badged with its own number. */
static void give_serial(sys_t *s, sys_id_t id)
{
    give(s, id, s->service[SYS_SERIAL], SYS_SLOT_SERIAL, SEL4ISH_CAP_MINT, RIGHTS_CALL, id);
}

/* Builds and starts the timer driver and waits until it is up. */
static seL4_Error start_timer(sys_t *s)
{
    seL4_Error err = describe_driver(s, SYS_TIMER, timer_main, TIMER_PRIORITY, TIMER_FIRST_PORT,
                                     TIMER_LAST_PORT, TIMER_PIN);
    give_serial(s, SYS_TIMER);
    if (err == seL4_NoError) {
        err = sys_start(&s->component[SYS_TIMER]);
    }
    if (err == seL4_NoError) {
        err = wait_ready(s, SYS_TIMER);
    }
    if (err == seL4_NoError) {
        err = mint(s, s->service[SYS_TIMER], RIGHTS_CALL, SYS_ROOT, &s->timer);
    }
    if (err == seL4_NoError) {
        kprintf("root: started timer (priority %u): endpoint, notification, IRQHandler, IOPort, "
                "serial (badge %u)\n",
                TIMER_PRIORITY, SYS_TIMER);
    }
    return err;
}

/* Builds and starts calc, which the supervisor restarts when it faults. */
static seL4_Error start_calc(sys_t *s)
{
    seL4_Error err = describe(s, SYS_CALC, calc_main, CALC_PRIORITY);
    if (err == seL4_NoError) {
        err = sel4ish_alloc_object(&s->alloc, seL4_EndpointObject, 0, &s->service[SYS_CALC]);
    }
    s->component[SYS_CALC].restartable = 1;
    give(s, SYS_CALC, s->service[SYS_CALC], SYS_SLOT_EP, SEL4ISH_CAP_COPY, seL4_AllRights, 0);
    give_serial(s, SYS_CALC);
    if (err == seL4_NoError) {
        err = sys_start(&s->component[SYS_CALC]);
    }
    if (err == seL4_NoError) {
        kprintf("root: started calc (priority %u): endpoint, serial (badge %u)\n", CALC_PRIORITY,
                SYS_CALC);
    }
    return err;
}

/* Builds and starts both clients: client1 with serial, timer, calc and the root task; client2
 * with serial and the root task only (with Grant, to receive capabilities in replies). */
static seL4_Error start_clients(sys_t *s)
{
    seL4_Error err = describe(s, SYS_CLIENT1, client1_main, CLIENT_PRIORITY);
    give_serial(s, SYS_CLIENT1);
    give(s, SYS_CLIENT1, s->service[SYS_TIMER], SYS_SLOT_TIMER, SEL4ISH_CAP_MINT, RIGHTS_CALL,
         SYS_CLIENT1);
    give(s, SYS_CLIENT1, s->service[SYS_CALC], SYS_SLOT_CALC, SEL4ISH_CAP_MINT, RIGHTS_CALL,
         SYS_CLIENT1);
    give(s, SYS_CLIENT1, s->ep, SYS_SLOT_ROOT, SEL4ISH_CAP_MINT, RIGHTS_CALL, SYS_CLIENT1);
    if (err == seL4_NoError) {
        err = describe(s, SYS_CLIENT2, client2_main, CLIENT_PRIORITY);
    }
    give_serial(s, SYS_CLIENT2);
    give(s, SYS_CLIENT2, s->ep, SYS_SLOT_ROOT, SEL4ISH_CAP_MINT, RIGHTS_CALL_GRANT, SYS_CLIENT2);
    if (err == seL4_NoError) {
        err = sys_start(&s->component[SYS_CLIENT1]);
    }
    if (err == seL4_NoError) {
        err = sys_start(&s->component[SYS_CLIENT2]);
    }
    if (err == seL4_NoError) {
        kprintf("root: started client1 (priority %u): serial, timer, calc, root, all badged %u\n",
                CLIENT_PRIORITY, SYS_CLIENT1);
        kprintf("root: started client2 (priority %u): serial, root (with Grant), badged %u; "
                "no timer\n",
                CLIENT_PRIORITY, SYS_CLIENT2);
    }
    return err;
}

/* ---- The system ---- */

/* Makes the root task's endpoint and scratch slot, then builds and starts every component, the
 * drivers first. Returns the first error. */
static seL4_Error build(sys_t *s)
{
    seL4_Error err = sel4ish_alloc_object(&s->alloc, seL4_EndpointObject, 0, &s->ep);
    if (err == seL4_NoError) {
        err = sel4ish_slot_alloc(&s->alloc.slots, &s->scratch);
    }
    if (err == seL4_NoError) {
        err = start_serial(s);
    }
    if (err == seL4_NoError) {
        err = start_timer(s);
    }
    if (err == seL4_NoError) {
        err = start_calc(s);
    }
    return err == seL4_NoError ? start_clients(s) : err;
}

/* The end: the serial driver's statistics, the time, the status line, and a flush so that all of
 * it is out before the machine halts. */
static void finish(sys_t *s)
{
    if (s->console && serial_request(s->console, SERIAL_STATS) != seL4_NoError) {
        s->failures++;
    }
    if (s->timer) {
        seL4_Word us = timer_time_us(s->timer);
        kprintf("root: the timer has counted %lu.%03lu ms\n", us / 1000, us % 1000);
    }
    kprintf("system: all components done, status %s\n", s->failures ? "FAILED" : "OK");
    if (s->console) {
        serial_request(s->console, SERIAL_FLUSH);
    }
}

int main(void)
{
    sys_t *s = &sys;
    sel4ish_alloc_init_bootinfo(&s->alloc, seL4_GetBootInfo());
    seL4_Error err = build(s);
    if (err != seL4_NoError) {
        kprintf("root: cannot build the system: %s\n", seL4_ErrorName(err));
        kprintf("system: stopped, status FAILED\n");
        if (s->console) {
            serial_request(s->console, SERIAL_FLUSH);
        }
        return 1;
    }
    supervise(s);
    finish(s);
    return 0;
}
