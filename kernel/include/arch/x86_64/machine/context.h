/*
 * The saved user register context of a thread. Entry code pushes it directly into the TCB: the
 * CPU (interrupts, exceptions) or the syscall stub writes SS..RIP at the top, the common entry
 * code pushes the rest below, so the word order here is the reverse of the push order.
 */
#pragma once

#define CTX_R15      0
#define CTX_R14      1
#define CTX_R13      2
#define CTX_R12      3
#define CTX_R11      4
#define CTX_R10      5
#define CTX_R9       6
#define CTX_R8       7
#define CTX_RBP      8
#define CTX_RDI      9
#define CTX_RSI      10
#define CTX_RDX      11
#define CTX_RCX      12
#define CTX_RBX      13
#define CTX_RAX      14
#define CTX_VECTOR   15 /* entry vector: an exception/interrupt number or VECTOR_SYSCALL */
#define CTX_ERROR    16 /* hardware error code, 0 where the vector has none */
#define CTX_RIP      17
#define CTX_CS       18
#define CTX_RFLAGS   19
#define CTX_RSP      20
#define CTX_SS       21
#define CTX_N_PUSHED 22

/* Vector number recorded for an entry through the syscall instruction. */
#define VECTOR_SYSCALL 0x100

/* Offsets in percpu_t (per-CPU data reached through %gs in the kernel). */
#define PERCPU_SELF        0
#define PERCPU_KSTACK_TOP  8
#define PERCPU_USER_RSP    16
#define PERCPU_CONTEXT_TOP 24

#ifndef __ASSEMBLER__
#include <types.h>

/* A thread's user-level machine state. */
typedef struct user_context {
    word_t regs[CTX_N_PUSHED]; /* must stay first: entry code pushes into it */
    word_t fs_base;
    word_t gs_base;
} user_context_t;

/* Per-CPU kernel data; %gs points here while in the kernel (swapgs on each entry/exit). */
typedef struct percpu {
    struct percpu *self;
    word_t kstack_top;  /* kernel stack used for every entry from user level */
    word_t user_rsp;    /* scratch: user rsp during syscall entry */
    word_t context_top; /* &current->context.regs[CTX_N_PUSHED]: where entry pushes start */
} percpu_t;

_Static_assert(__builtin_offsetof(percpu_t, kstack_top) == PERCPU_KSTACK_TOP, "percpu layout");
_Static_assert(__builtin_offsetof(percpu_t, user_rsp) == PERCPU_USER_RSP, "percpu layout");
_Static_assert(__builtin_offsetof(percpu_t, context_top) == PERCPU_CONTEXT_TOP, "percpu layout");

/* Loads the context and returns to user level (iretq). Never returns. */
NORETURN void arch_restore_user_context(user_context_t *ctx);
#endif
