/* Stopping the machine: QEMU's isa-debug-exit reports the status, then the CPU halts. */
#include <arch/x86_64/layout.h>
#include <arch/x86_64/machine/cpu.h>
#include <kernel/panic.h>
#include <kernel/printf.h>

void machine_halt(bool success)
{
    kprintf("KERNEL HALTED: %s\n", success ? "success" : "failure");
    out8(DEBUG_EXIT_PORT, success ? DEBUG_EXIT_SUCCESS : DEBUG_EXIT_FAILURE);
    /* Without the debug-exit device (real hardware), stay here. */
    cpu_halt_forever();
    __builtin_unreachable();
}
