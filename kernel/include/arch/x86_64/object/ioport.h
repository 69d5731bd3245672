/*
 * I/O ports on x86-64. IOPortControl_Issue hands out a capability to a range of ports
 * [first, last]; a port belongs to at most one issued range at a time (a bitmap of issued
 * ports, seL4's x86KSAllocatedIOPorts). Copies of an IOPort capability share its range; the
 * range is free again once the last capability to it is deleted.
 *
 * Ports the kernel itself uses after boot are never issued (an Issue that covers one fails
 * with RevokeFirst, as an overlap with an issued range does):
 *   0x3f8-0x3ff  COM1, the kernel's console (kprintf)
 *   0x0f4-0x0f7  QEMU's isa-debug-exit device (machine_halt; tools/run.py gives it 4 ports,
 *                and a write to any of them stops the machine)
 * The PICs (0x20-0x21, 0xa0-0xa1) and the PIT (0x40-0x43, 0x61) are used only during boot and
 * may be issued.
 */
#pragma once

#include <types.h>
#include <object/cap.h>

/* Finalisation of the last capability to an issued range: its ports may be issued again.
 * Cannot fail. */
void x86_ioport_free_range(cap_t cap);
