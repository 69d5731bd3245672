/*
 * The two clients. client1 holds capabilities to the serial driver, the timer, calc and the
 * root task: it asks the time, sleeps, and has calc divide, once by zero (calc dies of it, and
 * the supervisor brings it back). client2 starts with the serial driver and the root task only:
 * it asks the root task for a timer capability, which arrives in the reply, uses it, and reads
 * a line typed on COM2. Each reports to the root task at the end with the number of checks that
 * failed.
 */
#include "system.h"
#include <kernel/printf.h>

/* How long client2 waits for a line typed on COM2, and how often it looks. */
#define READ_WAIT_MS 1000
#define READ_POLL_MS 250

/* Prints a time in microseconds as milliseconds with three decimals. */
#define MS(us) (us) / 1000, (us) % 1000

/* Tells the root task that this client is done; failed counts what went wrong. */
static void client_done(seL4_Word failed)
{
    seL4_SetMR(0, failed);
    seL4_Send(SYS_SLOT_ROOT, seL4_MessageInfo_new(ROOT_DONE, 0, 0, 1));
}

/* Asks calc for a / b: returns the reply's label, the quotient in *q. */
static seL4_Word calc_div(seL4_Word a, seL4_Word b, seL4_Word *q)
{
    seL4_SetMR(0, a);
    seL4_SetMR(1, b);
    seL4_MessageInfo_t info = seL4_Call(SYS_SLOT_CALC, seL4_MessageInfo_new(CALC_DIV, 0, 0, 2));
    *q = seL4_GetMR(0);
    return seL4_MessageInfo_get_label(info);
}

/* Asks the time, sleeps 50 ms, asks again. Returns the checks that failed. */
static seL4_Word client1_timer(void)
{
    seL4_Word t0 = timer_time_us(SYS_SLOT_TIMER);
    kprintf("client1: the timer says %lu.%03lu ms\n", MS(t0));
    seL4_Word t1 = timer_sleep_ms(SYS_SLOT_TIMER, 50);
    kprintf("client1: slept 50 ms: %lu.%03lu ms passed on the timer\n", MS(t1 - t0));
    return t0 == 0 || t1 < t0 + 50000;
}

/* Divides with calc, by zero once: calc dies and is restarted, and the restarted calc answers.
 * Returns the checks that failed. */
static seL4_Word client1_calc(void)
{
    seL4_Word q, failed = 0;
    seL4_Word label = calc_div(84, 2, &q);
    kprintf("client1: calc says 84 / 2 = %lu\n", q);
    failed += label != seL4_NoError || q != 42;
    kprintf("client1: asking calc for 1 / 0\n");
    label = calc_div(1, 0, &q);
    if (label == SYS_REPLY_CRASHED) {
        kprintf("client1: no answer: calc crashed (the supervisor told me); asking again\n");
    } else {
        kprintf("client1: unexpected answer %lu to 1 / 0\n", label);
        failed++;
    }
    label = calc_div(84, 4, &q);
    kprintf("client1: the restarted calc says 84 / 4 = %lu\n", q);
    return failed + (label != seL4_NoError || q != 21);
}

void client1_main(seL4_Word arg)
{
    (void)arg;
    console_use_endpoint(SYS_SLOT_SERIAL);
    kprintf("client1: up, with capabilities to serial, timer and calc\n");
    seL4_Word failed = client1_timer();
    failed += client1_calc();
    client_done(failed);
}

/* Asks the root task for a timer capability; it arrives in SYS_SLOT_TIMER. Returns 1 if it
 * did not. */
static seL4_Word client2_get_timer(void)
{
    kprintf("client2: up, with no timer capability: asking root for one\n");
    seL4_SetCapReceivePath(seL4_CapInitThreadCNode, SYS_SLOT_TIMER, seL4_WordBits);
    seL4_SetMR(0, SYS_TIMER);
    seL4_MessageInfo_t info = seL4_Call(SYS_SLOT_ROOT, seL4_MessageInfo_new(ROOT_LOOKUP, 0, 0, 1));
    if (seL4_MessageInfo_get_label(info) != seL4_NoError ||
        seL4_MessageInfo_get_extraCaps(info) != 1) {
        kprintf("client2: root sent no capability\n");
        return 1;
    }
    kprintf("client2: received a timer capability in root's reply (now in my slot %lu)\n",
            (seL4_Word)SYS_SLOT_TIMER);
    seL4_Word now = timer_sleep_ms(SYS_SLOT_TIMER, 20);
    kprintf("client2: used it to sleep 20 ms; the timer says %lu.%03lu ms\n", MS(now));
    return now == 0;
}

/* Waits up to READ_WAIT_MS for a line typed on COM2, asking the serial driver every
 * READ_POLL_MS, and prints it. */
static void client2_read_line(void)
{
    char line[80];
    seL4_Word len = 0;
    kprintf("client2: reading a line from COM2 (waiting up to %u ms)\n", READ_WAIT_MS);
    for (unsigned waited = 0;; waited += READ_POLL_MS) {
        len += serial_read(SYS_SLOT_SERIAL, line + len, sizeof(line) - 1 - len);
        if ((len && line[len - 1] == '\n') || len == sizeof(line) - 1 || waited >= READ_WAIT_MS) {
            break;
        }
        timer_sleep_ms(SYS_SLOT_TIMER, READ_POLL_MS);
    }
    if (len && line[len - 1] == '\n') {
        line[--len] = '\0';
        kprintf("client2: read \"%s\" from COM2\n", line);
    } else {
        kprintf("client2: nothing was typed on COM2\n");
    }
}

void client2_main(seL4_Word arg)
{
    (void)arg;
    console_use_endpoint(SYS_SLOT_SERIAL);
    seL4_Word failed = client2_get_timer();
    if (!failed) {
        client2_read_line();
    }
    client_done(failed);
}
