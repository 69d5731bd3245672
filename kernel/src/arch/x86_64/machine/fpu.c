/*
 * Per-thread x87/SSE state. Choice: eager switching with owner tracking. The FPU registers
 * belong to one thread, fpu_owner; when another thread is about to run at user level its
 * state is loaded at once (no CR0.TS and #NM trap, which cost more than a save and restore
 * under virtualisation and complicate the fastpath), and the owner's is saved first. A switch
 * back to the owner (IPC round trips between a client and a server that does no FPU work
 * still switch) costs a single compare.
 *
 * The state is the 512-byte FXSAVE image (x87, MMX, XMM0-15, MXCSR) kept in the TCB. There is
 * no XSAVE: CR4.OSXSAVE stays clear, so AVX and later instructions raise #UD at user level and
 * the YMM/ZMM upper halves need no saving.
 */
#include <arch/x86_64/machine/fpu.h>
#include <kernel/string.h>
#include <object/tcb.h>

#define FXSAVE_FCW   0  /* x87 control word (u16) */
#define FXSAVE_MXCSR 24 /* SSE control and status (u32) */

#define FPU_DEFAULT_FCW   0x037f /* every x87 exception masked, 64-bit precision, round nearest */
#define FPU_DEFAULT_MXCSR 0x1f80 /* every SSE exception masked, round nearest */

struct tcb *fpu_owner;

void fpu_state_init(fpu_state_t *s)
{
    u16 fcw = FPU_DEFAULT_FCW;
    u32 mxcsr = FPU_DEFAULT_MXCSR;
    memset(s->bytes, 0, sizeof(s->bytes)); /* abridged tag word 0: every x87 register empty */
    memcpy(&s->bytes[FXSAVE_FCW], &fcw, sizeof(fcw));
    memcpy(&s->bytes[FXSAVE_MXCSR], &mxcsr, sizeof(mxcsr));
}

/* Stores the FPU registers into s. */
static inline void fpu_save(fpu_state_t *s)
{
    __asm__ volatile("fxsave64 %0" : "=m"(*s)::"memory");
}

/* Loads the FPU registers from s (an image fpu_state_init or fpu_save wrote, so its MXCSR has
 * no reserved bit set and FXRSTOR cannot fault). */
static inline void fpu_restore(const fpu_state_t *s)
{
    __asm__ volatile("fxrstor64 %0" ::"m"(*s) : "memory");
}

void fpu_switch_slow(struct tcb *t)
{
    if (t == &ks_idle_thread) {
        return; /* idle runs no user code: the owner keeps the registers */
    }
    if (fpu_owner) {
        fpu_save(&fpu_owner->fpu);
    }
    fpu_restore(&t->fpu);
    fpu_owner = t;
}

void fpu_release(struct tcb *t)
{
    if (fpu_owner == t) {
        fpu_owner = NULL;
    }
}
