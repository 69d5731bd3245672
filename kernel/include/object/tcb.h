/* Thread control blocks: a thread's saved user context, state and address space. */
#pragma once

#include <types.h>
#include <arch/x86_64/machine/context.h>
#include <object/cnode.h>

typedef enum thread_state {
    THREAD_INACTIVE = 0, /* not runnable: never started, suspended, or stopped by a fault */
    THREAD_RUNNING,      /* runnable: resumes at its saved context */
} thread_state_t;

/* The capability slots every TCB holds (seL4's TCB CNode). */
enum tcb_slot { TCB_CTABLE = 0, TCB_VTABLE, TCB_REPLY, TCB_CALLER, TCB_BUFFER, TCB_N_SLOTS };

typedef struct tcb {
    user_context_t context; /* first: the entry code saves user registers here */
    cte_t slots[TCB_N_SLOTS];
    thread_state_t state;
    vptr_t ipc_buffer; /* user address of the IPC buffer (its frame: slots[TCB_BUFFER]) */
    char name[32];
} tcb_t;

_Static_assert(sizeof(tcb_t) <= 2048, "a TCB object is 2^11 bytes");

/* The thread whose context the CPU holds or last held; NULL while idle. */
extern tcb_t *ks_cur_thread;

/* Stops a thread (it is no longer scheduled); records why in debug builds. */
void thread_suspend(tcb_t *t);

/* The thread's IPC buffer as words through the kernel window, or NULL if it has none. */
word_t *tcb_ipc_buffer_words(tcb_t *t);

/* Tells the exit path that t's TLS bases changed and must be loaded again. */
void thread_tls_changed(tcb_t *t);

/* Leaves the kernel: resumes the current thread, or idles when nothing can run. */
NORETURN void thread_return_to_user(void);
