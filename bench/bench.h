/*
 * The benchmark's measuring primitives, shared by the driver (main.c) and the workers
 * (workers.c): the timestamp read as sel4bench reads it on x86, system calls as inline assembly
 * whose instruction is a parameter (the real `syscall`, or a two-byte no-op of the same size for
 * the overhead runs), the measured loops, and a worker's task packed into one argument word.
 *
 * How a one-way figure is taken (sel4bench's method): the sender reads the timestamp right
 * before its system call, the receiver right after its own system call returns; the difference,
 * minus the overhead of the same loop with the system call replaced by a no-op (measured by the
 * driver in its own thread), is the figure. Under QEMU with -icount shift=0 the TSC advances once
 * per executed instruction, so every figure is an exact instruction count.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <sel4/sel4.h>

/* Measured iterations per figure, and the warm-up iterations before them (discarded). */
#define BENCH_SAMPLES 128
#define BENCH_WARMUP  16
/* Iterations a worker runs: warm-up, samples, and one more so that every pairing of one side's
 * iteration with the other's (i with i - 1 or i + 1) stays inside the arrays. */
#define BENCH_ITERS (BENCH_WARMUP + BENCH_SAMPLES + 1)

/* Two workers per run; each records a start and an end timestamp per iteration. */
#define BENCH_WORKERS 2
enum { BENCH_START = 0, BENCH_END = 1 };
extern uint64_t bench_ts[BENCH_WORKERS][2][BENCH_ITERS];

/*
 * The timestamp, exactly as sel4bench reads it on x86 (SEL4BENCH_READ_CCNT): cpuid with eax =
 * ecx = 0 to serialise, rdtsc, then cpuid again so nothing after it starts early. Both sides of
 * a one-way measurement use this same sequence.
 */
#define BENCH_TS(var)                                                                              \
    do {                                                                                           \
        uint32_t ts_lo_, ts_hi_;                                                                   \
        __asm__ volatile("movl $0, %%eax\n\t"                                                      \
                         "movl $0, %%ecx\n\t"                                                      \
                         "cpuid\n\t"                                                               \
                         "rdtsc\n\t"                                                               \
                         "movl %%edx, %0\n\t"                                                      \
                         "movl %%eax, %1\n\t"                                                      \
                         "movl $0, %%eax\n\t"                                                      \
                         "movl $0, %%ecx\n\t"                                                      \
                         "cpuid"                                                                   \
                         : "=r"(ts_hi_), "=r"(ts_lo_)                                              \
                         :                                                                         \
                         : "rax", "rbx", "rcx", "rdx", "memory");                                  \
        (var) = ((uint64_t)ts_hi_ << 32) | ts_lo_;                                                 \
    } while (0)

/* The instruction of a measured step: the real one, or a no-op of the same two bytes. */
#define BENCH_INSN_SYSCALL "syscall"
#define BENCH_INSN_UD2     "ud2"
#define BENCH_INSN_NOP     ".byte 0x66, 0x90"

/*
 * One system call as sel4bench's x86-64 DO_CALL makes it: rdx = number, rdi = capability,
 * rsi = message info, the user rsp kept in rbx. MR0..MR3 (r10, r8, r9, r15) are not set: the
 * benchmarks send no data in them, only the length says how many words go. mr0 is r10 in and
 * out, for the fault handler's FaultIP.
 */
#define BENCH_SYSCALL_MR0(insn, sys, dest, info, mr0)                                              \
    do {                                                                                           \
        register seL4_Word sc_rdi_ __asm__("rdi") = (dest);                                        \
        register seL4_Word sc_rsi_ __asm__("rsi") = (info);                                        \
        register seL4_Word sc_rdx_ __asm__("rdx") = (seL4_Word)(sys);                              \
        register seL4_Word sc_r10_ __asm__("r10") = (mr0);                                         \
        __asm__ volatile("movq %%rsp, %%rbx\n\t" insn "\n\t"                                       \
                         "movq %%rbx, %%rsp"                                                       \
                         : "+r"(sc_rdi_), "+r"(sc_rsi_), "+r"(sc_rdx_), "+r"(sc_r10_)              \
                         :                                                                         \
                         : "rbx", "rcx", "r8", "r9", "r11", "r15", "memory", "cc");                \
        (mr0) = sc_r10_;                                                                           \
    } while (0)

#define BENCH_SYSCALL(insn, sys, dest, info)                                                       \
    do {                                                                                           \
        seL4_Word sc_mr0_ = 0;                                                                     \
        BENCH_SYSCALL_MR0(insn, sys, dest, info, sc_mr0_);                                         \
        (void)sc_mr0_;                                                                             \
    } while (0)

/* The measured loops (workers.c): n iterations of "timestamp, step, timestamp", the two
 * timestamps of iteration i stored in s[i] and e[i] after the second one is read. */
typedef void bench_loop_t(seL4_CPtr obj, seL4_Word info, unsigned n, uint64_t *s, uint64_t *e);
bench_loop_t bench_loop_call, bench_nop_call;             /* seL4_Call */
bench_loop_t bench_loop_reply_recv, bench_nop_reply_recv; /* seL4_ReplyRecv */
bench_loop_t bench_loop_send, bench_nop_send;             /* seL4_Send (and Signal) */
bench_loop_t bench_loop_recv, bench_nop_recv;             /* seL4_Recv (and Wait) */
bench_loop_t bench_loop_yield, bench_nop_yield;           /* seL4_Yield */
bench_loop_t bench_loop_fault, bench_nop_fault;           /* ud2: a UserException fault */
bench_loop_t bench_loop_timestamps;                       /* nothing between the timestamps */

/* What a worker does. */
typedef enum bench_role {
    BENCH_ROLE_CALL,          /* client: Call obj n times */
    BENCH_ROLE_REPLY_RECV,    /* server: Recv, n - 1 ReplyRecv, Reply */
    BENCH_ROLE_SEND,          /* Send (Signal) on obj n times */
    BENCH_ROLE_RECV,          /* Recv (Wait) on obj n times */
    BENCH_ROLE_YIELD,         /* Yield n times */
    BENCH_ROLE_FAULT,         /* fault n times (ud2), resumed by the handler each time */
    BENCH_ROLE_FAULT_HANDLER, /* Recv faults on obj, resume each after the ud2 */
} bench_role_t;

/* A worker's task, packed into the one word a thread or process is started with. */
typedef struct bench_task {
    bench_role_t role;
    unsigned worker;  /* which bench_ts arrays it records into (0 or 1) */
    bool shared;      /* a thread in the driver's address space: its arrays are the driver's */
    unsigned length;  /* message length (words) */
    unsigned caps;    /* extra capabilities sent with each Call (at most 1) */
    unsigned n;       /* iterations */
    seL4_CPtr obj;    /* the endpoint or notification it uses */
    seL4_CPtr report; /* the driver's endpoint, badged with worker + 1 */
    seL4_CPtr aux;    /* the capability a Call sends (caps = 1) */
} bench_task_t;

/* Bit fields of the packed word (capability pointers are root-CNode-sized: 12 bits). */
#define BENCH_CPTR_BITS 12
static inline seL4_Word bench_task_pack(const bench_task_t *t)
{
    return (seL4_Word)t->role | (seL4_Word)t->worker << 4 | (seL4_Word)t->shared << 5 |
           (seL4_Word)t->length << 6 | (seL4_Word)t->caps << 13 | (seL4_Word)t->n << 15 |
           (seL4_Word)t->obj << 27 | (seL4_Word)t->report << 39 | (seL4_Word)t->aux << 51;
}

static inline bench_task_t bench_task_unpack(seL4_Word w)
{
    seL4_Word cptr_mask = (1ul << BENCH_CPTR_BITS) - 1;
    bench_task_t t = {
        .role = (bench_role_t)(w & 0xf),
        .worker = (w >> 4) & 1,
        .shared = (w >> 5) & 1,
        .length = (w >> 6) & 0x7f,
        .caps = (w >> 13) & 3,
        .n = (w >> 15) & 0xfff,
        .obj = (w >> 27) & cptr_mask,
        .report = (w >> 39) & cptr_mask,
        .aux = (w >> 51) & cptr_mask,
    };
    return t;
}

/* Messages on the driver's report endpoint: timestamps (MR0 = BENCH_START/END, MR1 = first
 * index, then the values) and "done" (nothing more comes from this worker). A worker's fault
 * arrives there too, under BENCH_FAULT_BADGE + worker. */
#define BENCH_MSG_CHUNK   0x100
#define BENCH_MSG_DONE    0x101
#define BENCH_CHUNK_WORDS (seL4_MsgMaxLength - 2)
#define BENCH_FAULT_BADGE 0x10

/* A worker's entry point: runs the task packed in arg, sends its timestamps (unless shared)
 * and "done" to the driver, and returns (its thread then suspends itself). */
void bench_worker(seL4_Word arg);
