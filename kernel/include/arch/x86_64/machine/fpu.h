/* Per-thread x87/SSE state: eager switching with an owner (see fpu.c). */
#pragma once

#include <types.h>

struct tcb;

/* The thread whose state the FPU registers hold (NULL: none; then they hold no one's state
 * that must be kept). */
extern struct tcb *fpu_owner;

/* Saves the owner's state and loads t's (fpu.c); use fpu_switch_to. */
void fpu_switch_slow(struct tcb *t);

/*
 * Makes the FPU registers hold t's state before t runs at user level: if t is not the owner,
 * the owner's registers are saved into its TCB (FXSAVE64) and t's are loaded (FXRSTOR64).
 * Called on every exit to user level; costs one compare when t already owns the FPU. The idle
 * thread never takes the FPU (passing it changes nothing).
 */
static inline void fpu_switch_to(struct tcb *t)
{
    if (__builtin_expect(t != fpu_owner, 0)) {
        fpu_switch_slow(t);
    }
}

/* t's TCB is being deleted: if t owns the FPU it stops owning it, and its registers are
 * dropped without being saved. */
void fpu_release(struct tcb *t);
