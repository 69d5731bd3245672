/*
 * The timer driver: PIT channel 0 (ports 0x40-0x43) interrupting at about 1 kHz on ISA IRQ 0
 * (IOAPIC pin 2 on q35, through the interrupt source override), serving TIMER_* requests
 * (system.h). A TIMER_SLEEP is answered later: the driver keeps the caller's reply capability
 * (seL4_CNode_SaveCaller) and the deadline, and replies from the tick that reaches it.
 *
 * Time is the ticks counted since the driver started plus the part of the current tick the
 * PIT's counter shows (latched), in microseconds; it never goes backwards.
 *
 * Capabilities: its endpoint, a notification badged SYS_IRQ_BADGE bound to its TCB, the
 * IRQHandler of IOAPIC pin 2, the IOPort capability of 0x40-0x43, the serial driver's endpoint
 * (badged SYS_TIMER) and the root task's endpoint (to say it is ready).
 */
#include "system.h"
#include <kernel/printf.h>

#define PIT_CH0     0x40
#define PIT_CMD     0x43
#define PIT_HZ      1193182ul
#define PIT_DIVISOR 1193ul   /* 1000.15 interrupts a second */
#define TICK_NS     999847ul /* PIT_DIVISOR / PIT_HZ seconds */
#define COUNT_PS    838095ul /* one PIT count, in picoseconds */

#define MAX_SLEEPERS       8
#define TIMER_MAX_SLEEP_MS 60000

/* A client waiting for its deadline; its reply capability is in slot. */
typedef struct sleeper {
    int waiting;
    seL4_CPtr slot;
    seL4_Word badge;
    seL4_Word ms;
    seL4_Word deadline; /* in ticks */
    seL4_Word start_us;
} sleeper_t;

static struct {
    seL4_Word ticks;
    seL4_Word last_us; /* the last time handed out */
    sleeper_t sleeper[MAX_SLEEPERS];
} timer;

/* ---- The PIT ---- */

static void pit_out(seL4_Word port, seL4_Word value)
{
    seL4_X86_IOPort_Out8(SYS_SLOT_IOPORT, port, value);
}

/* Channel 0 in mode 2 (rate generator), one interrupt every PIT_DIVISOR counts. Returns the
 * error of the first port access. */
static seL4_Error pit_init(void)
{
    seL4_Error err = seL4_X86_IOPort_Out8(SYS_SLOT_IOPORT, PIT_CMD, 0x34);
    pit_out(PIT_CH0, PIT_DIVISOR & 0xff);
    pit_out(PIT_CH0, PIT_DIVISOR >> 8);
    return err;
}

/* The counts left in the current tick (latched, so that both bytes belong together). */
static seL4_Word pit_count(void)
{
    pit_out(PIT_CMD, 0x00);
    seL4_Word lo = seL4_X86_IOPort_In8(SYS_SLOT_IOPORT, PIT_CH0).result;
    seL4_Word hi = seL4_X86_IOPort_In8(SYS_SLOT_IOPORT, PIT_CH0).result;
    seL4_Word count = lo | hi << 8;
    return count <= PIT_DIVISOR ? count : PIT_DIVISOR;
}

/* Microseconds since the driver started. */
static seL4_Word timer_now_us(void)
{
    seL4_Word part_ns = (PIT_DIVISOR - pit_count()) * COUNT_PS / 1000;
    seL4_Word us = (timer.ticks * TICK_NS + part_ns) / 1000;
    if (us < timer.last_us) {
        us = timer.last_us; /* a tick the interrupt has not counted yet */
    }
    timer.last_us = us;
    return us;
}

/* ---- Sleepers ---- */

/* Answers sleeper w with the time now and prints how long it slept. */
static void timer_wake(sleeper_t *w)
{
    seL4_Word now = timer_now_us();
    seL4_SetMR(0, now);
    seL4_Send(w->slot, seL4_MessageInfo_new(seL4_NoError, 0, 0, 1));
    w->waiting = 0;
    seL4_Word slept = now - w->start_us;
    kprintf("timer: woke %s (badge %lu) after %lu.%03lu ms\n", sys_name(w->badge), w->badge,
            slept / 1000, slept % 1000);
}

/* TIMER_SLEEP for the client with this badge: keeps its reply capability until the deadline.
 * Returns 0, or -1 if it cannot (no free place, or no reply capability). */
static int timer_sleep(seL4_Word badge, seL4_Word ms)
{
    sleeper_t *w = 0;
    for (unsigned i = 0; i < MAX_SLEEPERS && !w; i++) {
        w = timer.sleeper[i].waiting ? 0 : &timer.sleeper[i];
    }
    if (!w ||
        seL4_CNode_SaveCaller(seL4_CapInitThreadCNode, w->slot, seL4_WordBits) != seL4_NoError) {
        return -1;
    }
    /* Whole ticks for ms, and one more for the part of the current tick already gone. */
    seL4_Word ticks = (ms * 1000000 + TICK_NS - 1) / TICK_NS + 1;
    *w = (sleeper_t){1, w->slot, badge, ms, timer.ticks + ticks, timer_now_us()};
    kprintf("timer: %s (badge %lu) sleeps %lu ms\n", sys_name(badge), badge, ms);
    return 0;
}

/* A tick: counts it, acknowledges the interrupt, wakes whoever's deadline it reaches. */
static void timer_tick(void)
{
    timer.ticks++;
    seL4_IRQHandler_Ack(SYS_SLOT_IRQ);
    for (unsigned i = 0; i < MAX_SLEEPERS; i++) {
        if (timer.sleeper[i].waiting && timer.sleeper[i].deadline <= timer.ticks) {
            timer_wake(&timer.sleeper[i]);
        }
    }
}

/* ---- Requests ---- */

/* Serves one request. Returns 1 if the reply (in *reply) is to be sent now, 0 if it was kept. */
static int timer_request(seL4_Word badge, seL4_MessageInfo_t info, seL4_MessageInfo_t *reply)
{
    seL4_Word arg = seL4_GetMR(0);
    switch (seL4_MessageInfo_get_label(info)) {
    case TIMER_TIME:
        seL4_SetMR(0, timer_now_us());
        *reply = seL4_MessageInfo_new(seL4_NoError, 0, 0, 1);
        return 1;
    case TIMER_SLEEP:
        if (arg <= TIMER_MAX_SLEEP_MS && timer_sleep(badge, arg) == 0) {
            return 0;
        }
        break;
    default:
        break;
    }
    *reply = seL4_MessageInfo_new(SYS_REPLY_REFUSED, 0, 0, 0);
    return 1;
}

/* The driver's loop: ticks (the bound notification's badge) and requests on one endpoint. */
static void timer_serve(void)
{
    seL4_Word badge;
    seL4_MessageInfo_t info = seL4_Recv(SYS_SLOT_EP, &badge);
    for (;;) {
        seL4_MessageInfo_t reply;
        if (badge == SYS_IRQ_BADGE) {
            timer_tick();
            info = seL4_Recv(SYS_SLOT_EP, &badge);
        } else if (timer_request(badge, info, &reply)) {
            info = seL4_ReplyRecv(SYS_SLOT_EP, reply, &badge);
        } else {
            info = seL4_Recv(SYS_SLOT_EP, &badge);
        }
    }
}

/* Connects the interrupt to the bound notification, starts the PIT and acknowledges the IRQ
 * once: a tick that came before the notification was set (the firmware leaves the PIT running)
 * left the IRQ masked until an Ack, as in seL4. Returns 0 or -1. */
static int timer_init(void)
{
    seL4_CPtr first = seL4_GetBootInfo()->empty.start;
    for (unsigned i = 0; i < MAX_SLEEPERS; i++) {
        timer.sleeper[i].slot = first + i;
    }
    seL4_Error err = seL4_IRQHandler_SetNotification(SYS_SLOT_IRQ, SYS_SLOT_NTFN);
    if (err == seL4_NoError) {
        err = seL4_TCB_BindNotification(seL4_CapInitThreadTCB, SYS_SLOT_NTFN);
    }
    if (err == seL4_NoError) {
        err = pit_init();
    }
    if (err == seL4_NoError) {
        err = seL4_IRQHandler_Ack(SYS_SLOT_IRQ);
    }
    if (err != seL4_NoError) {
        kprintf("timer: cannot start: %s\n", seL4_ErrorName(err));
        return -1;
    }
    kprintf("timer: driver up: PIT channel 0 at 1000 Hz (I/O ports 0x40-0x43), IRQ 0 via "
            "IOAPIC pin 2\n");
    return 0;
}

void timer_main(seL4_Word arg)
{
    (void)arg;
    console_use_endpoint(SYS_SLOT_SERIAL);
    int failed = timer_init() != 0;
    seL4_SetMR(0, failed);
    seL4_Send(SYS_SLOT_ROOT, seL4_MessageInfo_new(ROOT_READY, 0, 0, 1));
    if (!failed) {
        timer_serve();
    }
}
