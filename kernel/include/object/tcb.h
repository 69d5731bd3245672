/* Thread control blocks: a thread's saved user context, state, scheduling and IPC bookkeeping. */
#pragma once

#include <types.h>
#include <arch/x86_64/machine/context.h>
#include <object/cnode.h>

/*
 * Thread states (seL4's). Runnable: RUNNING (resumes at its saved context) and RESTART (resumes
 * at its restart address: the faulting instruction, or the system call instruction so the call
 * is made again). BLOCKED_*: waiting in an endpoint or notification queue, or for a reply.
 */
typedef enum thread_state {
    THREAD_INACTIVE = 0,            /* never started, suspended, or stopped by a fault */
    THREAD_RUNNING,                 /* runnable */
    THREAD_RESTART,                 /* runnable; restarts its last system call or instruction */
    THREAD_BLOCKED_ON_RECEIVE,      /* in an endpoint's receive queue */
    THREAD_BLOCKED_ON_SEND,         /* in an endpoint's send queue */
    THREAD_BLOCKED_ON_REPLY,        /* made a Call (or faulted) and waits for the reply */
    THREAD_BLOCKED_ON_NOTIFICATION, /* in a notification's wait queue */
    THREAD_IDLE,                    /* the idle thread only */
} thread_state_t;

/* The capability slots every TCB holds (seL4's TCB CNode). */
enum tcb_slot { TCB_CTABLE = 0, TCB_VTABLE, TCB_REPLY, TCB_CALLER, TCB_BUFFER, TCB_N_SLOTS };

/* seL4's fault types: the label of a fault message. */
enum fault_type {
    FAULT_NULL = 0,
    FAULT_CAP = 1,
    FAULT_UNKNOWN_SYSCALL = 2,
    FAULT_USER_EXCEPTION = 3,
    FAULT_VM = 5,
};

/* A pending fault: what the fault message will carry besides the thread's registers.
 *   FAULT_CAP:             w[0] address (cptr), w[1] in receive phase; lookup failure in
 *                          tcb_t.lookup_fault
 *   FAULT_UNKNOWN_SYSCALL: w[0] syscall number
 *   FAULT_USER_EXCEPTION:  w[0] exception number, w[1] error code
 *   FAULT_VM:              w[0] address (cr2), w[1] prefetch (instruction fetch), w[2] FSR */
typedef struct fault {
    word_t type;
    word_t w[3];
} fault_t;

/* A lookup failure with seL4's details (the same record the CSpace code reports). */
typedef struct lookup_fault {
    word_t type;        /* seL4_NoFailure, seL4_InvalidRoot, seL4_MissingCapability, ... */
    word_t bits_left;   /* bits of the pointer not yet resolved when it failed */
    word_t guard_found; /* GuardMismatch: the guard the CNode holds */
    word_t bits_found;  /* DepthMismatch: bits the level needs; GuardMismatch: guard size */
} lookup_fault_t;

/* FXSAVE image of the x87/SSE state (16-byte aligned, 512 bytes). */
typedef struct fpu_state {
    u8 bytes[512];
} __attribute__((aligned(64))) fpu_state_t;

struct notification;

typedef struct tcb {
    user_context_t context; /* first: the entry code saves user registers here */
    cte_t slots[TCB_N_SLOTS];
    thread_state_t state;
    /* What the thread is blocked on (valid in the BLOCKED_* states). */
    void *blocking_object;         /* endpoint_t or notification_t */
    word_t blocking_badge;         /* BLOCKED_ON_SEND: the badge of the capability sent on */
    bool blocking_can_grant;       /* SEND: the send capability's Grant; RECEIVE: the receive
                                      capability's Grant (the reply may grant) */
    bool blocking_can_grant_reply; /* SEND: the send capability's GrantReply */
    bool blocking_is_call;         /* SEND: the send is a Call */
    bool sched_queued;             /* in a ready queue */
    u8 priority;
    u8 mcp;                      /* maximum controlled priority */
    word_t time_slice;           /* timer ticks left before round robin moves on */
    word_t fault_ep;             /* cptr (in the thread's CSpace) of its fault endpoint */
    fault_t fault;               /* the fault being delivered, FAULT_NULL otherwise */
    lookup_fault_t lookup_fault; /* FAULT_CAP details */
    struct notification *bound_notification;
    struct tcb *sched_next, *sched_prev; /* ready queue links */
    struct tcb *ep_next, *ep_prev;       /* endpoint or notification queue links */
    struct tcb *debug_next, *debug_prev; /* every live TCB (DebugDumpScheduler) */
    vptr_t ipc_buffer; /* user address of the IPC buffer (its frame: slots[TCB_BUFFER]) */
    char name[32];
    fpu_state_t fpu;
} tcb_t;

_Static_assert(sizeof(tcb_t) <= 2048, "a TCB object is 2^11 bytes");

/* A queue of threads (ready queues; endpoint and notification wait queues use ep links). */
typedef struct tcb_queue {
    tcb_t *head, *tail;
} tcb_queue_t;

/* Appends t to q through its ep links / removes it. */
void tcb_ep_append(tcb_queue_t *q, tcb_t *t);
void tcb_ep_remove(tcb_queue_t *q, tcb_t *t);

/* The thread the CPU runs or last ran (the idle thread when nothing else runs). */
extern tcb_t *ks_cur_thread;

/* The idle thread: runs (halts with interrupts enabled) when no other thread is runnable. */
extern tcb_t ks_idle_thread;

/* True in the states in which the scheduler may run the thread (RUNNING, RESTART). */
static inline bool thread_is_runnable(const tcb_t *t)
{
    return t->state == THREAD_RUNNING || t->state == THREAD_RESTART;
}

/* seL4's isStopped: INACTIVE (never started, suspended, stopped by a fault) or blocked in
 * IPC. Resume restarts such a thread's system call. */
static inline bool thread_is_stopped(const tcb_t *t)
{
    return t->state == THREAD_INACTIVE ||
           (t->state >= THREAD_BLOCKED_ON_RECEIVE && t->state <= THREAD_BLOCKED_ON_NOTIFICATION);
}

/* Sets t's state; if t is the current thread and can no longer run, a new one is chosen. */
void thread_set_state(tcb_t *t, thread_state_t s);

/* Takes t out of whatever IPC it is blocked in (endpoint or notification queue, or waiting
 * for a reply: then the reply capability held by the receiver is deleted). Its state is left
 * for the caller to set. */
void thread_cancel_ipc(tcb_t *t);

/* seL4's suspend: cancels t's IPC, makes it INACTIVE and takes it off the ready queues. A
 * thread suspended while RUNNING resumes where it stopped (not at its last system call). */
void thread_suspend(tcb_t *t);

/* seL4's restart (TCB_Resume): a stopped thread cancels its IPC, restarts its last system
 * call or instruction, and is scheduled. A thread that is not stopped is left alone. */
void thread_resume(tcb_t *t);

/* The address a RESTART thread resumes at: the instruction that faulted, or the system call
 * instruction of its last system call (seL4's FaultIP). */
word_t thread_restart_ip(const tcb_t *t);

/* Makes t resume at its restart address (sets RIP from thread_restart_ip). */
void thread_activate_restart(tcb_t *t);

/* Records that the thread must resume at its current RIP (seL4's updateRestartPC). */
void thread_forget_syscall(tcb_t *t);

/* Changes t's priority, keeping it in the right ready queue and rescheduling if needed. */
void thread_set_priority(tcb_t *t, word_t prio);

/*
 * Sets saved register reg (a CTX_* index; never CS or SS) of t to v made safe to return to
 * user level with: a non-canonical RIP or RSP becomes 0 (iretq would fault in the kernel; the
 * thread faults at user level instead), RFLAGS keeps only CF PF AF ZF SF DF OF, with IF and
 * bit 1 forced on (no TF, IOPL, NT, RF, VM, AC or ID from user level, as seL4). Every register
 * write on behalf of user level goes through here.
 */
void thread_write_register(tcb_t *t, unsigned reg, word_t v);

/* The thread's IPC buffer as words through the kernel window, or NULL if it has none. */
word_t *tcb_ipc_buffer_words(tcb_t *t);

/* Releases what the CPU holds of t (FPU state, loaded TLS) before t's memory is reused. */
void thread_release_cpu_state(tcb_t *t);

/* Leaves the kernel: runs the scheduler, then resumes the chosen thread or idles. */
NORETURN void thread_return_to_user(void);

/* Leaves the kernel into t (the current thread, RUNNING): loads its address space, entry
 * stack, TLS bases and FPU state, then its registers. */
NORETURN void thread_switch_to_user(tcb_t *t);

/* thread_switch_to_user for a caller that has already found t's address space: pml4 and asid
 * are what asid_thread_vspace(t) gives (the IPC fastpath computes them while checking). */
NORETURN void thread_switch_to_user_in(tcb_t *t, paddr_t pml4, u16 asid);

/* Message register i (0-based) of t: MR0..3 in registers, the rest in buf (NULL: none). */
word_t thread_get_mr(tcb_t *t, const word_t *buf, unsigned i);

/* Sets message register i of t; returns false (and writes nothing) if i >= 4 and buf is NULL.
 */
bool thread_set_mr(tcb_t *t, word_t *buf, unsigned i, word_t v);

/* Initialises a new TCB's FPU state to the power-on defaults (FCW 0x37f, MXCSR 0x1f80). */
void fpu_state_init(fpu_state_t *s);
