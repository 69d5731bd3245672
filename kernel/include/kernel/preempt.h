/*
 * Preemption points of long kernel operations (Revoke, Delete of nested objects). Every call
 * counts one unit of work; after PREEMPT_WORK_UNITS units the operation stops if an interrupt
 * is pending, and the system call is restarted later. Debug kernels treat every
 * PREEMPT_WORK_UNITS-th unit as if an interrupt were pending, so the restart path is exercised
 * by every long operation the test suite performs.
 */
#pragma once

#include <types.h>

#define PREEMPT_WORK_UNITS 100

/* Starts counting for a new kernel entry. */
void preempt_reset(void);

/* Counts one unit of work; true if the operation must stop here and be restarted. */
bool preempt_point(void);
