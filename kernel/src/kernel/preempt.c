/* Preemption points (see preempt.h). */
#include <kernel/preempt.h>

static unsigned work_units;

void preempt_reset(void)
{
    work_units = 0;
}

/* True if an interrupt is waiting to be handled. No device interrupts are enabled yet, so only
 * debug kernels simulate one (see preempt.h). */
static bool preempt_interrupt_pending(void)
{
#ifdef CONFIG_DEBUG
    return true;
#else
    return false;
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
