/*
 * The demo system that `run` boots: the components, their badges, the capability slots each
 * process finds its capabilities in, and the IPC protocols between them (README, "What `run`
 * shows").
 *
 * Every component is a process of <sel4ish/process.h> running a function of the root task's own
 * image in its own CSpace and VSpace, built by the root task (main.c) from untyped memory:
 *
 *     serial   COM2 driver (serial.c): I/O ports 0x2f8-0x2ff, IRQ 3 (IOAPIC pin 3)
 *     timer    PIT driver (timer.c): I/O ports 0x40-0x43, IRQ 0 (IOAPIC pin 2)
 *     calc     a server with a bug (calc.c): divides, and faults on a division by zero
 *     client1  uses the timer and calc (client.c)
 *     client2  starts without a timer capability and asks the root task for one (client.c)
 *
 * The root task is the fifth party: it builds the system, hands out capabilities on request
 * and supervises (supervisor.c): every component's fault endpoint is the root task's endpoint.
 */
#pragma once

#include <sel4/sel4.h>
#include <sel4ish/process.h>

/* ---- Components ---- */

/* A component's number, which is also its badge on every endpoint it is given: the drivers tell
 * their clients apart by it. */
typedef enum sys_id {
    SYS_ROOT = 1,
    SYS_SERIAL,
    SYS_TIMER,
    SYS_CALC,
    SYS_CLIENT1,
    SYS_CLIENT2,
    SYS_NUM_IDS, /* one more than the last */
} sys_id_t;

/* The component's name as the trace prints it ("?" for an unknown badge). */
const char *sys_name(seL4_Word badge);

/* The badge of a component's fault messages on the root task's endpoint: SYS_FAULT | id. */
#define SYS_FAULT 0x100ul
/* The badge of a driver's notification, which its IRQ handler signals. Bound to the driver's
 * TCB, it arrives on the driver's endpoint as a message with this badge (no endpoint badge has
 * this bit). */
#define SYS_IRQ_BADGE 0x10000ul

/* ---- Capability slots of a component (its own CNode) ---- */

#define SYS_SLOT_EP     SEL4ISH_PROCESS_USER_SLOT(0) /* the endpoint it serves */
#define SYS_SLOT_NTFN   SEL4ISH_PROCESS_USER_SLOT(1) /* drivers: notification, IRQ badge */
#define SYS_SLOT_IRQ    SEL4ISH_PROCESS_USER_SLOT(2) /* drivers: IRQHandler */
#define SYS_SLOT_IOPORT SEL4ISH_PROCESS_USER_SLOT(3) /* drivers: IOPort */
#define SYS_SLOT_SERIAL SEL4ISH_PROCESS_USER_SLOT(4) /* the serial driver's endpoint, badged */
#define SYS_SLOT_TIMER  SEL4ISH_PROCESS_USER_SLOT(5) /* the timer's endpoint, badged */
#define SYS_SLOT_CALC   SEL4ISH_PROCESS_USER_SLOT(6) /* calc's endpoint, badged */
#define SYS_SLOT_ROOT   SEL4ISH_PROCESS_USER_SLOT(7) /* the root task's endpoint, badged */
/* calc keeps the reply capability of the request it works on here (seL4_CNode_SaveCaller), so
 * that the supervisor can answer the caller if calc dies. A free initial slot. */
#define SYS_SLOT_CALC_REPLY 13

/* ---- Protocols: the message label says what is asked ---- */

/* Serial driver. */
enum {
    SERIAL_WRITE = 1, /* MR0 length, then the bytes from MR1; reply: MR0 bytes taken */
    SERIAL_READ,      /* MR0 at most this many bytes; reply: MR0 n, the bytes from MR1, at most
                         one line (up to and including '\n'), 0 bytes when nothing came yet */
    SERIAL_FLUSH,     /* reply once everything written so far has left the UART */
    SERIAL_STATS,     /* root only: the driver prints what it served */
};
/* The most bytes one SERIAL_WRITE or SERIAL_READ carries. */
#define SERIAL_MAX_BYTES 240

/* Timer driver. */
enum {
    TIMER_TIME = 1, /* reply: MR0 microseconds since the timer started */
    TIMER_SLEEP,    /* MR0 milliseconds; reply when they have passed: MR0 the time then */
};

/* calc. */
enum {
    CALC_DIV = 1, /* MR0 / MR1; reply: MR0 the quotient */
};

/* Root task. */
enum {
    ROOT_LOOKUP = 1, /* MR0 the sys_id_t of a service; reply: a capability to it (extraCaps 1) */
    ROOT_DONE,       /* Send, MR0 the client's number of failed checks (0: all went well) */
    ROOT_READY,      /* Send from a driver once it serves, MR0 0; or MR0 1 when it cannot */
};

/* Reply labels besides seL4_NoError (0). */
enum {
    SYS_REPLY_REFUSED = 1, /* the request is not allowed or not understood */
    SYS_REPLY_CRASHED,     /* the server died working on it (sent by the supervisor) */
};

/* ---- Components' entry points (fn of sel4ish_process_start; arg: unused) ---- */

void serial_main(seL4_Word arg);
void timer_main(seL4_Word arg);
void calc_main(seL4_Word arg);
void client1_main(seL4_Word arg);
void client2_main(seL4_Word arg);

/* ---- Console (console.c): every component prints lines through the serial driver ---- */

/* Where a process's kprintf output goes: the serial driver's endpoint (a badged capability of
 * the process), or a function of the serial driver itself. Until one is set, output goes to the
 * kernel's debug console (only the root task's error messages before the driver is up). */
void console_use_endpoint(seL4_CPtr serial);
void console_use_function(void (*sink)(const char *s, seL4_Word len));

/* The time from the timer (microseconds), or 0 on error. */
seL4_Word timer_time_us(seL4_CPtr timer);
/* Sleeps ms milliseconds on the timer; returns the time then (microseconds), or 0 on error. */
seL4_Word timer_sleep_ms(seL4_CPtr timer, seL4_Word ms);
/* Reads at most max bytes that have arrived on the serial line into buf (at most one line);
 * returns how many. */
seL4_Word serial_read(seL4_CPtr serial, char *buf, seL4_Word max);
/* Sends a serial driver a request without arguments (SERIAL_FLUSH, SERIAL_STATS); returns the
 * reply's label. */
seL4_Word serial_request(seL4_CPtr serial, seL4_Word label);
