/*
 * The benchmark's workers: the measured loops, each compiled twice from one macro (with the real
 * instruction, and with a no-op of the same size for the driver's overhead runs, so both have
 * the same code around the step), and the roles that threads and processes run.
 */
#include "bench.h"

uint64_t bench_ts[BENCH_WORKERS][2][BENCH_ITERS];

/* n iterations of "timestamp, system call sys on obj with info, timestamp". */
#define BENCH_DEFINE_SYSCALL_LOOP(name, insn, sys)                                                 \
    __attribute__((noinline)) void name(seL4_CPtr obj, seL4_Word info, unsigned n, uint64_t *s,    \
                                        uint64_t *e)                                               \
    {                                                                                              \
        for (unsigned i = 0; i < n; i++) {                                                         \
            uint64_t t0, t1;                                                                       \
            BENCH_TS(t0);                                                                          \
            BENCH_SYSCALL(insn, sys, obj, info);                                                   \
            BENCH_TS(t1);                                                                          \
            s[i] = t0;                                                                             \
            e[i] = t1;                                                                             \
        }                                                                                          \
    }

BENCH_DEFINE_SYSCALL_LOOP(bench_loop_call, BENCH_INSN_SYSCALL, seL4_SysCall)
BENCH_DEFINE_SYSCALL_LOOP(bench_nop_call, BENCH_INSN_NOP, seL4_SysCall)
BENCH_DEFINE_SYSCALL_LOOP(bench_loop_reply_recv, BENCH_INSN_SYSCALL, seL4_SysReplyRecv)
BENCH_DEFINE_SYSCALL_LOOP(bench_nop_reply_recv, BENCH_INSN_NOP, seL4_SysReplyRecv)
BENCH_DEFINE_SYSCALL_LOOP(bench_loop_send, BENCH_INSN_SYSCALL, seL4_SysSend)
BENCH_DEFINE_SYSCALL_LOOP(bench_nop_send, BENCH_INSN_NOP, seL4_SysSend)
BENCH_DEFINE_SYSCALL_LOOP(bench_loop_recv, BENCH_INSN_SYSCALL, seL4_SysRecv)
BENCH_DEFINE_SYSCALL_LOOP(bench_nop_recv, BENCH_INSN_NOP, seL4_SysRecv)
BENCH_DEFINE_SYSCALL_LOOP(bench_loop_yield, BENCH_INSN_SYSCALL, seL4_SysYield)
BENCH_DEFINE_SYSCALL_LOOP(bench_nop_yield, BENCH_INSN_NOP, seL4_SysYield)

/* n iterations of "timestamp, ud2 (or the no-op), timestamp". The handler resumes the thread
 * after the ud2 with every register as it was; rcx and r11 are declared clobbered anyway. */
#define BENCH_DEFINE_FAULT_LOOP(name, insn)                                                        \
    __attribute__((noinline)) void name(seL4_CPtr obj, seL4_Word info, unsigned n, uint64_t *s,    \
                                        uint64_t *e)                                               \
    {                                                                                              \
        (void)obj;                                                                                 \
        (void)info;                                                                                \
        for (unsigned i = 0; i < n; i++) {                                                         \
            uint64_t t0, t1;                                                                       \
            BENCH_TS(t0);                                                                          \
            __asm__ volatile(insn : : : "rcx", "r11", "memory");                                   \
            BENCH_TS(t1);                                                                          \
            s[i] = t0;                                                                             \
            e[i] = t1;                                                                             \
        }                                                                                          \
    }

BENCH_DEFINE_FAULT_LOOP(bench_loop_fault, BENCH_INSN_UD2)
BENCH_DEFINE_FAULT_LOOP(bench_nop_fault, BENCH_INSN_NOP)

/* Two timestamps back to back: the overhead of the timer read itself. */
__attribute__((noinline)) void bench_loop_timestamps(seL4_CPtr obj, seL4_Word info, unsigned n,
                                                     uint64_t *s, uint64_t *e)
{
    (void)obj;
    (void)info;
    for (unsigned i = 0; i < n; i++) {
        uint64_t t0, t1;
        BENCH_TS(t0);
        BENCH_TS(t1);
        s[i] = t0;
        e[i] = t1;
    }
}

/* The server that receives a capability with every Call: like bench_loop_reply_recv, and it
 * deletes the capability after each receive (after the timestamps) to free the slot. */
static void server_caps_loop(const bench_task_t *t, seL4_Word info, seL4_CPtr slot, uint64_t *s,
                             uint64_t *e)
{
    for (unsigned i = 0; i + 1 < t->n; i++) {
        uint64_t t0, t1;
        BENCH_TS(t0);
        BENCH_SYSCALL(BENCH_INSN_SYSCALL, seL4_SysReplyRecv, t->obj, info);
        BENCH_TS(t1);
        s[i] = t0;
        e[i] = t1;
        seL4_CNode_Delete(seL4_CapInitThreadCNode, slot, seL4_WordBits);
    }
}

/* The server of a Call/ReplyRecv pair: receives the first Call, answers n - 1 Calls with
 * ReplyRecv (measured), and the last with Reply. With caps, each Call brings a capability into
 * the process's first empty slot. */
static void role_server(const bench_task_t *t, seL4_Word info, uint64_t *s, uint64_t *e)
{
    seL4_CPtr slot = 0;
    if (t->caps != 0) {
        slot = seL4_GetBootInfo()->empty.start;
        seL4_SetCapReceivePath(seL4_CapInitThreadCNode, slot, seL4_WordBits);
    }
    BENCH_SYSCALL(BENCH_INSN_SYSCALL, seL4_SysRecv, t->obj, 0);
    if (t->caps != 0) {
        seL4_CNode_Delete(seL4_CapInitThreadCNode, slot, seL4_WordBits);
        server_caps_loop(t, info, slot, s, e);
    } else {
        bench_loop_reply_recv(t->obj, info, t->n - 1, s, e);
    }
    BENCH_SYSCALL(BENCH_INSN_SYSCALL, seL4_SysReply, 0, info);
}

/* The fault handler: receives n UserException faults on obj and resumes each thread after its
 * two-byte ud2 (a reply of length 1 sets FaultIP). */
static void role_fault_handler(const bench_task_t *t)
{
    seL4_Word ip = 0, resume = seL4_MessageInfo_new(0, 0, 0, 1).words[0];
    BENCH_SYSCALL_MR0(BENCH_INSN_SYSCALL, seL4_SysRecv, t->obj, 0, ip);
    for (unsigned i = 1; i < t->n; i++) {
        ip += 2;
        BENCH_SYSCALL_MR0(BENCH_INSN_SYSCALL, seL4_SysReplyRecv, t->obj, resume, ip);
    }
    ip += 2;
    BENCH_SYSCALL_MR0(BENCH_INSN_SYSCALL, seL4_SysReply, 0, resume, ip);
}

/* Sends the worker's timestamps to the driver, BENCH_CHUNK_WORDS at a time (workers in a process
 * of their own; a thread of the driver's address space wrote the driver's arrays directly). */
static void report_timestamps(const bench_task_t *t)
{
    for (seL4_Word which = BENCH_START; which <= BENCH_END; which++) {
        const uint64_t *v = bench_ts[t->worker][which];
        for (unsigned first = 0; first < t->n; first += BENCH_CHUNK_WORDS) {
            unsigned count = t->n - first < BENCH_CHUNK_WORDS ? t->n - first : BENCH_CHUNK_WORDS;
            seL4_SetMR(0, which);
            seL4_SetMR(1, first);
            for (unsigned k = 0; k < count; k++) {
                seL4_SetMR(2 + (int)k, v[first + k]);
            }
            seL4_Send(t->report, seL4_MessageInfo_new(BENCH_MSG_CHUNK, 0, 0, 2 + count));
        }
    }
}

void bench_worker(seL4_Word arg)
{
    bench_task_t t = bench_task_unpack(arg);
    uint64_t *s = bench_ts[t.worker][BENCH_START], *e = bench_ts[t.worker][BENCH_END];
    seL4_Word info = seL4_MessageInfo_new(0, 0, t.caps, t.length).words[0];
    switch (t.role) {
    case BENCH_ROLE_CALL:
        if (t.caps != 0) {
            seL4_SetCap(0, t.aux);
        }
        bench_loop_call(t.obj, info, t.n, s, e);
        break;
    case BENCH_ROLE_REPLY_RECV:
        role_server(&t, info, s, e);
        break;
    case BENCH_ROLE_SEND:
        bench_loop_send(t.obj, info, t.n, s, e);
        break;
    case BENCH_ROLE_RECV:
        bench_loop_recv(t.obj, 0, t.n, s, e);
        break;
    case BENCH_ROLE_YIELD:
        bench_loop_yield(0, 0, t.n, s, e);
        break;
    case BENCH_ROLE_FAULT:
        bench_loop_fault(0, 0, t.n, s, e);
        break;
    case BENCH_ROLE_FAULT_HANDLER:
        role_fault_handler(&t);
        break;
    }
    if (!t.shared && t.role != BENCH_ROLE_FAULT_HANDLER) {
        report_timestamps(&t);
    }
    /* "Done": an empty message, nothing but registers. */
    BENCH_SYSCALL(BENCH_INSN_SYSCALL, seL4_SysSend, t.report,
                  seL4_MessageInfo_new(BENCH_MSG_DONE, 0, 0, 0).words[0]);
}
