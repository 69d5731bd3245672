/* Preemption points (see preempt.h). */
#include <arch/x86_64/machine/apic.h>
#include <kernel/preempt.h>

static unsigned work_units;

void preempt_reset(void)
{
    work_units = 0;
}

/* True if an interrupt is waiting to be handled: the timer's, the only one enabled so far.
 * Debug kernels also simulate one at every point (see preempt.h), so restarts get tested. */
static bool preempt_interrupt_pending(void)
{
#ifdef CONFIG_DEBUG
    return true;
#else
    return apic_timer_pending();
#endif
}

bool preempt_point(void)
{
    if (++work_units < PREEMPT_WORK_UNITS) {
        return false;
    }
    work_units = 0;
    return preempt_interrupt_pending();
}
