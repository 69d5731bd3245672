/*
 * SYSCALL: every system call with distinct values in every general register. The ABI (seL4's
 * x86-64): rdx = number, rdi = capability in / badge out, rsi = message info in / out, r10 r8 r9
 * r15 = MR0..MR3 in / out, rcx and r11 destroyed by the CPU; every other register (rax, rbx,
 * rdx, rbp, r12, r13, r14, rsp) is preserved. The in/out registers are checked against what
 * each call specifies (or preserved where the call writes nothing back). IPC calls run against
 * partner threads; also DebugCapIdentify's type numbers and DebugNameThread.
 */
#include <kernel/printf.h>

#include "fault_helpers.h"

#define SI_PRIO 100

static fh_space_t space = {FH_REGION(2)};

enum {
    SI_RAX,
    SI_RBX,
    SI_RCX,
    SI_RDX,
    SI_RSI,
    SI_RDI,
    SI_RBP,
    SI_R8,
    SI_R9,
    SI_R10,
    SI_R11,
    SI_R12,
    SI_R13,
    SI_R14,
    SI_R15,
    SI_RSP,
    SI_N
};

static const char *const si_names[SI_N] = {"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "r8",
                                           "r9",  "r10", "r11", "r12", "r13", "r14", "r15", "rsp"};

/* The registers the test thread's syscall starts with and ends with. */
uint64_t si_in[SI_N], si_out[SI_N];

/* Loads every register from si_in (rsp: recorded there), executes syscall, stores every
 * register in si_out. */
static void si_syscall(void)
{
    __asm__ volatile("pushq %%rbp\n"
                     "leaq si_in(%%rip), %%rax\n"
                     "movq %%rsp, 120(%%rax)\n"
                     "movq 8(%%rax), %%rbx\n"
                     "movq 16(%%rax), %%rcx\n"
                     "movq 24(%%rax), %%rdx\n"
                     "movq 32(%%rax), %%rsi\n"
                     "movq 40(%%rax), %%rdi\n"
                     "movq 48(%%rax), %%rbp\n"
                     "movq 56(%%rax), %%r8\n"
                     "movq 64(%%rax), %%r9\n"
                     "movq 72(%%rax), %%r10\n"
                     "movq 80(%%rax), %%r11\n"
                     "movq 88(%%rax), %%r12\n"
                     "movq 96(%%rax), %%r13\n"
                     "movq 104(%%rax), %%r14\n"
                     "movq 112(%%rax), %%r15\n"
                     "movq 0(%%rax), %%rax\n"
                     "syscall\n"
                     "movq %%rax, si_out(%%rip)\n"
                     "leaq si_out(%%rip), %%rax\n"
                     "movq %%rbx, 8(%%rax)\n"
                     "movq %%rcx, 16(%%rax)\n"
                     "movq %%rdx, 24(%%rax)\n"
                     "movq %%rsi, 32(%%rax)\n"
                     "movq %%rdi, 40(%%rax)\n"
                     "movq %%rbp, 48(%%rax)\n"
                     "movq %%r8, 56(%%rax)\n"
                     "movq %%r9, 64(%%rax)\n"
                     "movq %%r10, 72(%%rax)\n"
                     "movq %%r11, 80(%%rax)\n"
                     "movq %%r12, 88(%%rax)\n"
                     "movq %%r13, 96(%%rax)\n"
                     "movq %%r14, 104(%%rax)\n"
                     "movq %%r15, 112(%%rax)\n"
                     "movq %%rsp, 120(%%rax)\n"
                     "popq %%rbp\n"
                     :
                     :
                     : "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12",
                       "r13", "r14", "r15", "memory", "cc");
}

/* Magic values in every register; the syscall number, rdi, rsi and MR0..MR3 as given. */
static void si_fill(seL4_Word number, seL4_Word rdi, seL4_Word rsi, const seL4_Word *mr)
{
    for (unsigned i = 0; i < SI_N; i++) {
        si_in[i] = 0x5e1c000000000000ull | ((uint64_t)i << 36) | (0x3c3c5a5au ^ (i * 0x1111u));
    }
    si_in[SI_RDX] = number;
    si_in[SI_RDI] = rdi;
    si_in[SI_RSI] = rsi;
    if (mr) {
        si_in[SI_R10] = mr[0];
        si_in[SI_R8] = mr[1];
        si_in[SI_R9] = mr[2];
        si_in[SI_R15] = mr[3];
    }
}

/* The registers a call writes: a mask of SI_* bits, and their expected values. */
typedef struct si_expect {
    unsigned written;
    seL4_Word value[SI_N];
} si_expect_t;

/* Nothing written back. */
static const si_expect_t si_none = {0, {0}};

/* rdi = badge, rsi = info, MR0..MR3 = mr. */
static si_expect_t si_message(seL4_Word badge, seL4_MessageInfo_t info, const seL4_Word *mr)
{
    si_expect_t e = {(1u << SI_RDI) | (1u << SI_RSI) | (1u << SI_R10) | (1u << SI_R8) |
                         (1u << SI_R9) | (1u << SI_R15),
                     {0}};
    e.value[SI_RDI] = badge;
    e.value[SI_RSI] = info.words[0];
    e.value[SI_R10] = mr[0];
    e.value[SI_R8] = mr[1];
    e.value[SI_R9] = mr[2];
    e.value[SI_R15] = mr[3];
    return e;
}

/* Checks si_out: registers written as e says, all others (but rcx and r11) as they went in. */
static void si_check(const si_expect_t *e, int line)
{
    for (unsigned i = 0; i < SI_N; i++) {
        if (i == SI_RCX || i == SI_R11) {
            continue;
        }
        uint64_t want = (e->written & (1u << i)) ? e->value[i] : si_in[i];
        if (si_out[i] != want) {
            test_check_eq(si_out[i], want, __FILE__, line, si_names[i], "expected");
        }
    }
}

/* ---- Partners ------------------------------------------------------------------------------- */

/* What a partner thread works with. */
typedef struct si_partner {
    seL4_CPtr ep;
    seL4_CPtr park;
    seL4_Word mode;
    /* What it received (badge, info, MR0..3) and what it sends/replies. */
    volatile seL4_Word got_badge, got_info, got[4];
    seL4_Word send_label, send[4];
    volatile seL4_Word rounds;
} si_partner_t;

enum { SI_ECHO_SERVER, SI_SENDER, SI_CALLER_TWICE, SI_RECEIVER };

static void si_record(si_partner_t *p, seL4_Word badge, seL4_MessageInfo_t info, const seL4_Word *m)
{
    p->got_badge = badge;
    p->got_info = info.words[0];
    for (unsigned i = 0; i < 4; i++) {
        p->got[i] = m[i];
    }
    p->rounds++;
}

/* Partner bodies: an echo server (receives, records, replies with send[]); a sender (sends
 * send[] once); a caller (calls twice with send[] and send[]+1, recording each reply); a
 * receiver (receives and records, forever). */
static void si_partner_main(seL4_Word arg)
{
    si_partner_t *p = (si_partner_t *)arg;
    seL4_Word m[4], badge = 0;
    seL4_MessageInfo_t info;
    switch (p->mode) {
    case SI_ECHO_SERVER:
        for (;;) {
            info = seL4_RecvWithMRs(p->ep, &badge, &m[0], &m[1], &m[2], &m[3]);
            si_record(p, badge, info, m);
            for (unsigned i = 0; i < 4; i++) {
                m[i] = p->send[i];
            }
            seL4_ReplyWithMRs(seL4_MessageInfo_new(p->send_label, 0, 0, 4), &m[0], &m[1], &m[2],
                              &m[3]);
        }
    case SI_SENDER:
        for (unsigned i = 0; i < 4; i++) {
            m[i] = p->send[i];
        }
        seL4_SendWithMRs(p->ep, seL4_MessageInfo_new(p->send_label, 0, 0, 4), &m[0], &m[1], &m[2],
                         &m[3]);
        break;
    case SI_CALLER_TWICE:
        for (unsigned k = 0; k < 2; k++) {
            for (unsigned i = 0; i < 4; i++) {
                m[i] = p->send[i] + k;
            }
            info = seL4_CallWithMRs(p->ep, seL4_MessageInfo_new(p->send_label + k, 0, 0, 4), &m[0],
                                    &m[1], &m[2], &m[3]);
            si_record(p, 0, info, m);
        }
        break;
    default: /* SI_RECEIVER */
        for (;;) {
            info = seL4_RecvWithMRs(p->ep, &badge, &m[0], &m[1], &m[2], &m[3]);
            si_record(p, badge, info, m);
        }
    }
    fh_park(p->park);
}

typedef struct si_case {
    seL4_CPtr ep, badged, park, fault;
} si_case_t;

/* The test at SI_PRIO, an endpoint and a badged (0xb0b) copy, a park notification. */
static si_case_t si_begin(void)
{
    fh_set_own_prio(SI_PRIO);
    si_case_t c;
    c.ep = test_object(seL4_EndpointObject, 0);
    c.badged = fh_mint(c.ep, seL4_AllRights, 0xb0b);
    c.park = test_object(seL4_NotificationObject, 0);
    c.fault = fh_fault_ep_new(0xfa).badged;
    return c;
}

/* Starts a partner of the given mode on ep at prio. */
static fh_thread_t si_partner(const si_case_t *c, si_partner_t *p, seL4_Word mode, seL4_CPtr ep,
                              seL4_Word prio)
{
    p->ep = ep;
    p->park = c->park;
    p->mode = mode;
    p->rounds = 0;
    p->send_label = 0x3c;
    for (unsigned i = 0; i < 4; i++) {
        p->send[i] = 0xa11ce00000000000ul | (mode << 8) | i;
    }
    fh_thread_t t = {0};
    fh_thread_run(&t, &space, c->fault, prio, si_partner_main, (seL4_Word)p);
    return t;
}

static const seL4_Word si_mrs[4] = {0x6d72300000000001ul, 0x6d72310000000002ul,
                                    0x6d72320000000003ul, 0x6d72330000000004ul};

/* ---- IPC calls ------------------------------------------------------------------------------ */

static void si_call(void)
{
    /* Call a server (lower, then higher priority): the reply's badge (0), info and MRs come
     * back; every other register survives. */
    const seL4_Word prios[2] = {SI_PRIO - 1, SI_PRIO + 1};
    for (unsigned k = 0; k < 2; k++) {
        si_case_t c = si_begin();
        static si_partner_t p;
        fh_thread_t t = si_partner(&c, &p, SI_ECHO_SERVER, c.ep, prios[k]);
        seL4_MessageInfo_t info = seL4_MessageInfo_new(0x1234, 0, 0, 4);
        si_fill((seL4_Word)seL4_SysCall, c.badged, info.words[0], si_mrs);
        si_syscall();
        si_expect_t e = si_message(0, seL4_MessageInfo_new(0x3c, 0, 0, 4), p.send);
        si_check(&e, __LINE__);
        CHECK_EQ(p.rounds, 1);
        CHECK_EQ(p.got_badge, 0xb0b);
        CHECK_EQ(p.got_info, info.words[0]);
        for (unsigned i = 0; i < 4; i++) {
            CHECK_EQ(p.got[i], si_mrs[i]);
        }
        fh_thread_destroy(&t);
    }
}
DEFINE_TEST(SYSCALL0005, "Call: reply in rdi/rsi/MRs, every other register preserved", si_call);

static void si_reply_recv(void)
{
    si_case_t c = si_begin();
    static si_partner_t p;
    fh_thread_t t = si_partner(&c, &p, SI_CALLER_TWICE, c.badged, SI_PRIO - 1);
    seL4_Word m[4];
    seL4_Word badge = 0;
    seL4_MessageInfo_t first = seL4_RecvWithMRs(c.ep, &badge, &m[0], &m[1], &m[2], &m[3]);
    CHECK_EQ(seL4_MessageInfo_get_label(first), 0x3c);
    CHECK_EQ(badge, 0xb0b);
    /* ReplyRecv: the reply goes to the caller, which calls again; its second message comes
     * back in the registers. */
    seL4_MessageInfo_t reply = seL4_MessageInfo_new(0x77, 0, 0, 4);
    si_fill((seL4_Word)seL4_SysReplyRecv, c.ep, reply.words[0], si_mrs);
    si_syscall();
    seL4_Word second[4];
    for (unsigned i = 0; i < 4; i++) {
        second[i] = p.send[i] + 1;
    }
    si_expect_t e = si_message(0xb0b, seL4_MessageInfo_new(0x3d, 0, 0, 4), second);
    si_check(&e, __LINE__);
    CHECK_EQ(p.rounds, 1);
    CHECK_EQ(p.got_info, reply.words[0]);
    for (unsigned i = 0; i < 4; i++) {
        CHECK_EQ(p.got[i], si_mrs[i]);
    }
    m[0] = 5;
    seL4_ReplyWithMRs(seL4_MessageInfo_new(0, 0, 0, 1), &m[0], NULL, NULL, NULL);
    fh_set_own_prio(SI_PRIO - 2);
    fh_set_own_prio(SI_PRIO);
    CHECK_EQ(p.rounds, 2);
    fh_thread_destroy(&t);
}
DEFINE_TEST(SYSCALL0006, "ReplyRecv: the next message in rdi/rsi/MRs, the rest preserved",
            si_reply_recv);

static void si_send(void)
{
    /* Send and NBSend write nothing back: every register but rcx and r11 is preserved, to a
     * waiting higher or lower receiver, and (NBSend) with nobody waiting. */
    const seL4_Word prios[2] = {SI_PRIO + 1, SI_PRIO - 1};
    const seL4_Word calls[2] = {(seL4_Word)seL4_SysSend, (seL4_Word)seL4_SysNBSend};
    for (unsigned k = 0; k < 4; k++) {
        si_case_t c = si_begin();
        static si_partner_t p;
        fh_thread_t t = si_partner(&c, &p, SI_RECEIVER, c.ep, prios[k % 2]);
        if (k % 2) {
            /* Let the lower receiver block first. */
            fh_set_own_prio(SI_PRIO - 2);
            fh_set_own_prio(SI_PRIO);
        }
        seL4_MessageInfo_t info = seL4_MessageInfo_new(0x55, 0, 0, 4);
        si_fill(calls[k / 2], c.badged, info.words[0], si_mrs);
        si_syscall();
        si_check(&si_none, __LINE__);
        fh_set_own_prio(SI_PRIO - 2);
        fh_set_own_prio(SI_PRIO);
        CHECK_EQ(p.rounds, 1);
        CHECK_EQ(p.got_badge, 0xb0b);
        CHECK_EQ(p.got_info, info.words[0]);
        CHECK_EQ(p.got[3], si_mrs[3]);
        fh_thread_destroy(&t);
    }
    /* NBSend with no receiver: dropped, nothing written. */
    si_case_t c = si_begin();
    si_fill((seL4_Word)seL4_SysNBSend, c.ep, seL4_MessageInfo_new(1, 0, 0, 4).words[0], si_mrs);
    si_syscall();
    si_check(&si_none, __LINE__);
    /* Signal (Send on a notification) likewise. */
    seL4_CPtr n = test_object(seL4_NotificationObject, 0);
    seL4_CPtr nb = fh_mint(n, seL4_AllRights, 0x40);
    si_fill((seL4_Word)seL4_SysSend, nb, 0, si_mrs);
    si_syscall();
    si_check(&si_none, __LINE__);
    seL4_Word badge = 0;
    seL4_Poll(n, &badge);
    CHECK_EQ(badge, 0x40);
}
DEFINE_TEST(SYSCALL0007, "Send, NBSend and Signal preserve every register but rcx and r11",
            si_send);

static void si_recv(void)
{
    /* Recv from a queued sender (lower and higher): badge, info and MRs arrive. */
    const seL4_Word prios[2] = {SI_PRIO + 1, SI_PRIO - 1};
    const seL4_Word calls[2] = {(seL4_Word)seL4_SysRecv, (seL4_Word)seL4_SysNBRecv};
    for (unsigned k = 0; k < 4; k++) {
        si_case_t c = si_begin();
        static si_partner_t p;
        fh_thread_t t = si_partner(&c, &p, SI_SENDER, c.badged, prios[k % 2]);
        if (k / 2) {
            /* NBRecv needs the sender queued already. */
            fh_set_own_prio(SI_PRIO - 2);
            fh_set_own_prio(SI_PRIO);
        }
        si_fill(calls[k / 2], c.ep, 0x9999, si_mrs);
        si_syscall();
        si_expect_t e = si_message(0xb0b, seL4_MessageInfo_new(0x3c, 0, 0, 4), p.send);
        si_check(&e, __LINE__);
        fh_thread_destroy(&t);
    }
}
DEFINE_TEST(SYSCALL0008, "Recv and NBRecv: badge, info and MRs arrive, the rest is preserved",
            si_recv);

static void si_recv_other(void)
{
    si_case_t c = si_begin();
    /* NBRecv with nothing queued: badge 0, nothing else written. */
    si_fill((seL4_Word)seL4_SysNBRecv, c.ep, 0x4242, si_mrs);
    si_syscall();
    si_expect_t e = {1u << SI_RDI, {0}};
    si_check(&e, __LINE__);
    /* Wait and Poll on a notification: the badge word in rdi; nothing else written. */
    seL4_CPtr n = test_object(seL4_NotificationObject, 0);
    seL4_CPtr nb = fh_mint(n, seL4_AllRights, 0x21);
    seL4_Signal(nb);
    si_fill((seL4_Word)seL4_SysRecv, n, 0x4343, si_mrs);
    si_syscall();
    e.value[SI_RDI] = 0x21;
    si_check(&e, __LINE__);
    seL4_Signal(nb);
    si_fill((seL4_Word)seL4_SysNBRecv, n, 0x4444, si_mrs);
    si_syscall();
    si_check(&e, __LINE__);
    si_fill((seL4_Word)seL4_SysNBRecv, n, 0x4545, si_mrs);
    si_syscall();
    e.value[SI_RDI] = 0;
    si_check(&e, __LINE__);
}
DEFINE_TEST(SYSCALL0009,
            "NBRecv with nothing queued, Wait and Poll: only the badge register is written",
            si_recv_other);

static void si_reply(void)
{
    si_case_t c = si_begin();
    static si_partner_t p;
    fh_thread_t t = si_partner(&c, &p, SI_CALLER_TWICE, c.badged, SI_PRIO + 1);
    seL4_Word m[4];
    seL4_RecvWithMRs(c.ep, NULL, &m[0], &m[1], &m[2], &m[3]);
    /* Reply writes nothing back to the replier; the (higher) caller has the reply at once. */
    seL4_MessageInfo_t info = seL4_MessageInfo_new(0x6e, 0, 0, 4);
    si_fill((seL4_Word)seL4_SysReply, 0x1111, info.words[0], si_mrs);
    si_syscall();
    si_check(&si_none, __LINE__);
    CHECK_EQ(p.rounds, 1);
    CHECK_EQ(p.got_info, info.words[0]);
    CHECK_EQ(p.got[2], si_mrs[2]);
    /* Reply with no caller to reply to: nothing happens, nothing written. */
    si_fill((seL4_Word)seL4_SysReply, 0x2222, info.words[0], si_mrs);
    si_syscall();
    si_check(&si_none, __LINE__);
    fh_thread_destroy(&t);
}
DEFINE_TEST(SYSCALL0010, "Reply (with and without a caller) preserves every register", si_reply);

static void si_yield(void)
{
    si_case_t c = si_begin();
    (void)c;
    si_fill((seL4_Word)seL4_SysYield, 0x1, 0x2, si_mrs);
    si_syscall();
    si_check(&si_none, __LINE__);
    /* With another thread of the same priority to yield to. */
    static si_partner_t p;
    fh_thread_t t = si_partner(&c, &p, SI_RECEIVER, c.ep, SI_PRIO);
    si_fill((seL4_Word)seL4_SysYield, 0x3, 0x4, si_mrs);
    si_syscall();
    si_check(&si_none, __LINE__);
    fh_thread_destroy(&t);
}
DEFINE_TEST(SYSCALL0011, "Yield preserves every register but rcx and r11", si_yield);

static void si_kernel_call(void)
{
    /* A Call to a kernel object: the reply's info in rsi, badge 0 in rdi; MRs as the method
     * says; the other registers preserved. An invalid invocation replies IllegalOperation
     * with no words (MRs not written). */
    si_case_t c = si_begin();
    seL4_CPtr tcb = test_object(seL4_TCBObject, 0);
    si_fill((seL4_Word)seL4_SysCall, tcb, seL4_MessageInfo_new(0, 0, 0, 0).words[0], si_mrs);
    si_syscall();
    si_expect_t e = {(1u << SI_RDI) | (1u << SI_RSI), {0}};
    e.value[SI_RSI] = seL4_MessageInfo_new(seL4_IllegalOperation, 0, 0, 0).words[0];
    si_check(&e, __LINE__);
    /* A successful method without a reply (TCB_Suspend of an idle TCB): label 0, length 0. */
    si_fill((seL4_Word)seL4_SysCall, tcb, seL4_MessageInfo_new(TCBSuspend, 0, 0, 0).words[0],
            si_mrs);
    si_syscall();
    e.value[SI_RSI] = 0;
    si_check(&e, __LINE__);
    /* Send (not Call) of an invocation: no reply, nothing written. */
    si_fill((seL4_Word)seL4_SysSend, tcb, seL4_MessageInfo_new(TCBSuspend, 0, 0, 0).words[0],
            si_mrs);
    si_syscall();
    si_check(&si_none, __LINE__);
    (void)c;
}
DEFINE_TEST(SYSCALL0012, "a Call to a kernel object writes only its reply (rdi, rsi, MRs)",
            si_kernel_call);

/* ---- Debug calls ---------------------------------------------------------------------------- */

static void si_debug_calls(void)
{
    si_case_t c = si_begin();
    if (!test_kernel_has_debug_calls()) {
        return; /* a release kernel: the debug calls are unknown syscalls */
    }
    si_fill((seL4_Word)seL4_SysDebugDumpScheduler, 0x1, 0x2, si_mrs);
    si_syscall();
    si_check(&si_none, __LINE__);
    kprintf("  probe ");
    si_fill((seL4_Word)seL4_SysDebugPutChar, '.', 0x2, si_mrs);
    si_syscall();
    kprintf("\n");
    si_check(&si_none, __LINE__);
    si_fill((seL4_Word)seL4_SysDebugCapIdentify, c.ep, 0x2, si_mrs);
    si_syscall();
    si_expect_t e = {1u << SI_RDI, {0}};
    e.value[SI_RDI] = 4;
    si_check(&e, __LINE__);
    /* DebugNameThread: the name from the IPC buffer; no register written back. */
    seL4_CPtr tcb = test_object(seL4_TCBObject, 0);
    const char *name = "syscall-named-thread";
    char *dst = (char *)seL4_GetIPCBuffer()->msg;
    for (unsigned i = 0; i == 0 || name[i - 1]; i++) {
        dst[i] = name[i];
    }
    si_fill((seL4_Word)seL4_SysDebugNameThread, tcb, 0x2, si_mrs);
    si_syscall();
    si_check(&si_none, __LINE__);
    /* The name shows in the dump (seen in the log). */
    seL4_DebugDumpScheduler();
}
DEFINE_TEST(
    SYSCALL0013,
    "DebugDumpScheduler, DebugPutChar, DebugCapIdentify (rdi out), DebugNameThread: the rest kept",
    si_debug_calls);

/* The type numbers seL4 reports (x86-64). */
enum {
    CAP_NULL = 0,
    CAP_FRAME = 1,
    CAP_UNTYPED = 2,
    CAP_PAGE_TABLE = 3,
    CAP_ENDPOINT = 4,
    CAP_PAGE_DIRECTORY = 5,
    CAP_NOTIFICATION = 6,
    CAP_PDPT = 7,
    CAP_REPLY = 8,
    CAP_PML4 = 9,
    CAP_CNODE = 10,
    CAP_ASID_CONTROL = 11,
    CAP_THREAD = 12,
    CAP_ASID_POOL = 13,
    CAP_IRQ_CONTROL = 14,
    CAP_DOMAIN = 20,
    CAP_IO_PORT_CONTROL = 31,
};

static void si_cap_identify(void)
{
    si_case_t c = si_begin();
    if (!test_kernel_has_debug_calls()) {
        return;
    }
    CHECK_EQ(seL4_DebugCapIdentify(test_untyped(12)), CAP_UNTYPED);
    CHECK_EQ(seL4_DebugCapIdentify(c.ep), CAP_ENDPOINT);
    CHECK_EQ(seL4_DebugCapIdentify(c.badged), CAP_ENDPOINT);
    CHECK_EQ(seL4_DebugCapIdentify(c.park), CAP_NOTIFICATION);
    CHECK_EQ(seL4_DebugCapIdentify(test_cnode(2)), CAP_CNODE);
    CHECK_EQ(seL4_DebugCapIdentify(seL4_CapInitThreadCNode), CAP_CNODE);
    CHECK_EQ(seL4_DebugCapIdentify(test_object(seL4_TCBObject, 0)), CAP_THREAD);
    CHECK_EQ(seL4_DebugCapIdentify(seL4_CapInitThreadTCB), CAP_THREAD);
    CHECK_EQ(seL4_DebugCapIdentify(test_object(seL4_X86_4K, 0)), CAP_FRAME);
    CHECK_EQ(seL4_DebugCapIdentify(test_object(seL4_X86_LargePageObject, 0)), CAP_FRAME);
    CHECK_EQ(seL4_DebugCapIdentify(seL4_CapInitThreadIPCBuffer), CAP_FRAME);
    CHECK_EQ(seL4_DebugCapIdentify(seL4_CapBootInfoFrame), CAP_FRAME);
    CHECK_EQ(seL4_DebugCapIdentify(test_object(seL4_X86_PageTableObject, 0)), CAP_PAGE_TABLE);
    CHECK_EQ(seL4_DebugCapIdentify(test_object(seL4_X86_PageDirectoryObject, 0)),
             CAP_PAGE_DIRECTORY);
    CHECK_EQ(seL4_DebugCapIdentify(test_object(seL4_X86_PDPTObject, 0)), CAP_PDPT);
    CHECK_EQ(seL4_DebugCapIdentify(test_object(seL4_X64_PML4Object, 0)), CAP_PML4);
    CHECK_EQ(seL4_DebugCapIdentify(seL4_CapInitThreadVSpace), CAP_PML4);
    CHECK_EQ(seL4_DebugCapIdentify(seL4_CapInitThreadASIDPool), CAP_ASID_POOL);
    CHECK_EQ(seL4_DebugCapIdentify(seL4_CapASIDControl), CAP_ASID_CONTROL);
    CHECK_EQ(seL4_DebugCapIdentify(seL4_CapIRQControl), CAP_IRQ_CONTROL);
    CHECK_EQ(seL4_DebugCapIdentify(seL4_CapDomain), CAP_DOMAIN);
    CHECK_EQ(seL4_DebugCapIdentify(seL4_CapIOPortControl), CAP_IO_PORT_CONTROL);
    /* Empty slots and pointers that do not resolve: 0. */
    CHECK_EQ(seL4_DebugCapIdentify(test_slot()), CAP_NULL);
    CHECK_EQ(seL4_DebugCapIdentify(seL4_CapNull), CAP_NULL);
    CHECK_EQ(seL4_DebugCapIdentify(1ul << 63), CAP_NULL);
    /* A reply capability: saved from a Call this thread received. */
    static si_partner_t p;
    fh_thread_t t = si_partner(&c, &p, SI_CALLER_TWICE, c.badged, SI_PRIO + 1);
    seL4_CPtr saved = test_slot();
    seL4_RecvWithMRs(c.ep, NULL, NULL, NULL, NULL, NULL);
    CHECK_EQ(seL4_CNode_SaveCaller(seL4_CapInitThreadCNode, saved, TEST_ROOT_DEPTH), seL4_NoError);
    CHECK_EQ(seL4_DebugCapIdentify(saved), CAP_REPLY);
    /* Replying through it consumes it. */
    seL4_Word m0 = 1;
    seL4_SendWithMRs(saved, seL4_MessageInfo_new(0, 0, 0, 1), &m0, NULL, NULL, NULL);
    CHECK_EQ(p.rounds, 1);
    CHECK_EQ(seL4_DebugCapIdentify(saved), CAP_NULL);
    fh_thread_destroy(&t);
}
DEFINE_TEST(SYSCALL0014, "DebugCapIdentify gives seL4's type number for every capability type",
            si_cap_identify);

/* Checks test_cap_type_probed's answer for slot, which must hold its capability afterwards; on
 * a debug kernel also that DebugCapIdentify agrees (an endpoint or a notification where the
 * probes cannot tell which). A macro, so failures name the caller's line. */
#define SI_CHECK_PROBED(slot, expected)                                                            \
    do {                                                                                           \
        seL4_CPtr s_ = (slot);                                                                     \
        seL4_Word t_ = test_cap_type_probed(s_);                                                   \
        CHECK_EQ(t_, (expected));                                                                  \
        if (t_ != TEST_CAP_NULL) {                                                                 \
            CHECK_EQ(test_slot_empty_at(seL4_CapInitThreadCNode, s_, TEST_ROOT_DEPTH), 0);         \
        }                                                                                          \
        if (test_kernel_has_debug_calls() && t_ == TEST_CAP_EP_OR_NTFN) {                          \
            seL4_Word d_ = seL4_DebugCapIdentify(s_);                                              \
            CHECK(d_ == CAP_ENDPOINT || d_ == CAP_NOTIFICATION);                                   \
        } else if (test_kernel_has_debug_calls() && t_ != TEST_CAP_OTHER) {                        \
            CHECK_EQ(seL4_DebugCapIdentify(s_), t_);                                               \
        }                                                                                          \
    } while (0)

static void si_cap_type_probed(void)
{
    si_case_t c = si_begin();
    /* A sender queued with badge 0xb0b: probing must not cancel it. */
    static si_partner_t p;
    fh_thread_t sender = si_partner(&c, &p, SI_SENDER, c.badged, SI_PRIO + 1);
    /* The test thread's IPC buffer stays as it was (the first test_cap_type also finds out
     * whether there are debug calls). */
    seL4_IPCBuffer *b = seL4_GetIPCBuffer();
    for (unsigned i = 0; i < seL4_MsgMaxLength; i++) {
        b->msg[i] = 0x5100000 + i;
    }
    for (unsigned i = 0; i < seL4_MsgMaxExtraCaps; i++) {
        b->caps_or_badges[i] = 0xc0b0 + i;
    }
    CHECK(test_cap_type(c.ep) == TEST_CAP_ENDPOINT);
    CHECK(test_cap_type_probed(c.park) != TEST_CAP_NULL);
    CHECK(test_cap_type_probed(seL4_CapInitThreadTCB) == TEST_CAP_THREAD);
    unsigned changed = 0;
    for (unsigned i = 0; i < seL4_MsgMaxLength; i++) {
        changed += b->msg[i] != 0x5100000 + i;
    }
    for (unsigned i = 0; i < seL4_MsgMaxExtraCaps; i++) {
        changed += b->caps_or_badges[i] != 0xc0b0 + i;
    }
    CHECK_EQ(changed, 0);
    SI_CHECK_PROBED(test_slot(), TEST_CAP_NULL);
    SI_CHECK_PROBED(1ul << 63, TEST_CAP_NULL);
    /* Endpoints: told apart only unbadged with every right. */
    SI_CHECK_PROBED(c.ep, TEST_CAP_ENDPOINT);
    SI_CHECK_PROBED(c.badged, TEST_CAP_EP_OR_NTFN);
    SI_CHECK_PROBED(fh_mint(c.ep, seL4_CanRead, 0), TEST_CAP_EP_OR_NTFN);
    SI_CHECK_PROBED(fh_mint(c.ep, seL4_CapRights_new(1, 1, 1, 0), 0), TEST_CAP_EP_OR_NTFN);
    seL4_Word m0 = 0, badge = 0;
    seL4_NBRecvWithMRs(c.ep, &badge, &m0, NULL, NULL, NULL);
    CHECK_EQ(badge, 0xb0b);
    CHECK_EQ(m0, p.send[0]);
    /* Notifications: told apart with Read, unbound and not waited on. */
    seL4_CPtr ntfn = test_object(seL4_NotificationObject, 0);
    seL4_CPtr wo = fh_mint(ntfn, seL4_CanWrite, 0x5);
    SI_CHECK_PROBED(ntfn, TEST_CAP_NOTIFICATION);
    SI_CHECK_PROBED(fh_mint(ntfn, seL4_CanRead, 0x6), TEST_CAP_NOTIFICATION);
    SI_CHECK_PROBED(wo, TEST_CAP_EP_OR_NTFN);
    SI_CHECK_PROBED(c.park, TEST_CAP_EP_OR_NTFN); /* the sender waits on it now */
    seL4_CPtr bound = test_object(seL4_NotificationObject, 0);
    seL4_CPtr holder = test_object(seL4_TCBObject, 0);
    CHECK_EQ(seL4_TCB_BindNotification(holder, bound), seL4_NoError);
    SI_CHECK_PROBED(bound, TEST_CAP_EP_OR_NTFN);
    CHECK_EQ(seL4_TCB_UnbindNotification(holder), seL4_NoError);
    /* The notification is as it was: unbound (it binds), its signals delivered. */
    CHECK_EQ(seL4_TCB_BindNotification(holder, ntfn), seL4_NoError);
    CHECK_EQ(seL4_TCB_UnbindNotification(holder), seL4_NoError);
    seL4_Signal(wo);
    badge = 0;
    seL4_Poll(ntfn, &badge);
    CHECK_EQ(badge, 0x5);
    /* Threads, reply capabilities, and the rest. */
    SI_CHECK_PROBED(holder, TEST_CAP_THREAD);
    SI_CHECK_PROBED(seL4_CapInitThreadTCB, TEST_CAP_THREAD);
    SI_CHECK_PROBED(sender.tcb, TEST_CAP_THREAD);
    SI_CHECK_PROBED(test_cnode(2), TEST_CAP_OTHER);
    SI_CHECK_PROBED(test_object(seL4_X86_4K, 0), TEST_CAP_OTHER);
    SI_CHECK_PROBED(test_untyped(12), TEST_CAP_OTHER);
    static si_partner_t q;
    fh_thread_t caller = si_partner(&c, &q, SI_CALLER_TWICE, c.badged, SI_PRIO + 1);
    seL4_CPtr saved = test_slot();
    seL4_RecvWithMRs(c.ep, NULL, NULL, NULL, NULL, NULL);
    CHECK_EQ(seL4_CNode_SaveCaller(seL4_CapInitThreadCNode, saved, TEST_ROOT_DEPTH), seL4_NoError);
    SI_CHECK_PROBED(saved, TEST_CAP_REPLY);
    m0 = 1;
    seL4_SendWithMRs(saved, seL4_MessageInfo_new(0, 0, 0, 1), &m0, NULL, NULL, NULL);
    CHECK_EQ(q.rounds, 1);
    SI_CHECK_PROBED(saved, TEST_CAP_NULL);
    fh_thread_destroy(&caller);
    fh_thread_destroy(&sender);
}
DEFINE_TEST(SYSCALL0016,
            "capability types without debug calls: probes by CNode operations and copies "
            "change nothing",
            si_cap_type_probed);

static void si_name_thread(void)
{
    si_case_t c = si_begin();
    if (!test_kernel_has_debug_calls()) {
        return;
    }
    static si_partner_t p;
    fh_thread_t t = si_partner(&c, &p, SI_RECEIVER, c.ep, SI_PRIO + 1);
    seL4_DebugNameThread(t.tcb, "SYSCALL0015-partner");
    seL4_DebugNameThread(FH_SELF, "SYSCALL0015-test");
    /* A name longer than any kernel buffer is cut, never overflowing. */
    char long_name[600];
    for (unsigned i = 0; i < sizeof(long_name) - 1; i++) {
        long_name[i] = 'a' + i % 26;
    }
    long_name[sizeof(long_name) - 1] = '\0';
    seL4_CPtr other = test_object(seL4_TCBObject, 0);
    seL4_DebugNameThread(other, long_name);
    /* Not a TCB, an empty slot, a bad pointer: ignored. */
    seL4_DebugNameThread(c.ep, "not-a-thread");
    seL4_DebugNameThread(test_slot(), "empty");
    seL4_DebugNameThread(1ul << 63, "bad");
    seL4_DebugDumpScheduler();
    /* Everything still works: the partner receives. */
    fh_send1(c.ep, 9);
    CHECK_EQ(p.rounds, 1);
    CHECK_EQ(p.got[0], 9);
    fh_thread_destroy(&t);
}
DEFINE_TEST(SYSCALL0015, "DebugNameThread names show in DebugDumpScheduler; bad targets ignored",
            si_name_thread);
