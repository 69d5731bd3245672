/*
 * IOAPICs: the kernel maps the registers of each IOAPIC the MADT lists, masks every pin at
 * boot, and programs a pin (vector, trigger mode, polarity, the boot CPU as its destination)
 * when user level is issued a handler for it. IOAPICs are numbered from 0 in MADT order.
 */
#pragma once

#include <types.h>

/* Pins of an IOAPIC that user level can name (seL4's IOAPIC_IRQ_LINES); an IOAPIC with more
 * keeps the rest masked. */
#define IOAPIC_PINS 24

/*
 * Maps every IOAPIC of the MADT (acpi_madt()) uncached in the kernel window and masks all of
 * its pins. An IOAPIC that cannot be mapped (above the kernel window, no table left) is left
 * out with a message. Called once at boot, after vspace_init_kernel and apic_init.
 */
void ioapic_init(void);

/* The number of IOAPICs in use (0: the machine has none the kernel found). */
u32 ioapic_count(void);

/*
 * Programs pin of IOAPIC ioapic to raise vector on the boot CPU, level-triggered if level,
 * active low if polarity_low, and leaves the pin masked. Preconditions: ioapic <
 * ioapic_count(), pin < IOAPIC_PINS, vector in 0x10..0xfe.
 */
void ioapic_map_pin(u32 ioapic, u32 pin, bool level, bool polarity_low, u8 vector);

/* Masks (mask) or unmasks a pin programmed by ioapic_map_pin. Same preconditions. */
void ioapic_mask(u32 ioapic, u32 pin, bool mask);

/* Masks a pin and clears its vector, as at boot (the pin is free again). */
void ioapic_reset_pin(u32 ioapic, u32 pin);
