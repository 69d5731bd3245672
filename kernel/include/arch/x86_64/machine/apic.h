/* The local APIC (xAPIC): enabling, end of interrupt, and the periodic scheduler tick. */
#pragma once

#include <types.h>

/* The vector of the timer tick (seL4's int_timer, above the user interrupt vectors 0x30-0x9b:
 * see machine/interrupt.h), and of spurious interrupts (its low four bits must be 1s). */
#define APIC_TIMER_VECTOR    0x9d
#define APIC_SPURIOUS_VECTOR 0xff

/* The scheduler tick period in milliseconds. */
#define APIC_TICK_MS 2

/*
 * Maps the local APIC page uncached, enables the APIC (spurious vector APIC_SPURIOUS_VECTOR),
 * masks LINT0/LINT1 and the other local interrupts, calibrates the timer and starts a tick
 * every APIC_TICK_MS on APIC_TIMER_VECTOR: TSC-deadline mode if the CPU has it, else periodic
 * mode. Prints one line naming the mode and the calibrated frequencies. Called once at boot
 * with interrupts disabled, after the kernel address space is live (vspace_init_kernel);
 * panics if the CPU has no local APIC or it is in x2APIC mode.
 */
void apic_init(void);

/* Signals the end of the interrupt being handled (the highest in service). */
void apic_eoi(void);

/* Called on every APIC_TIMER_VECTOR interrupt before apic_eoi: in TSC-deadline mode arms the
 * next deadline; in periodic mode does nothing. */
void apic_timer_ack(void);

/* True if a timer interrupt is waiting to be delivered (its IRR bit is set). */
bool apic_timer_pending(void);
