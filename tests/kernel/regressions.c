/*
 * REGRESSIONS: user level must never reach ring 0, gain I/O privilege or crash the kernel
 * through the registers it controls: TCB_WriteRegisters and fault replies with IOPL, NT, VM,
 * AC, TF and reserved RFLAGS bits, non-canonical or kernel-half instruction and stack
 * pointers and TLS bases, garbage in every register; flags a thread sets itself (TF, DF, AC,
 * NT) across kernel entries; software interrupts aimed at exception and IRQ vectors.
 * Every such thread must end in a user-level fault delivered to its handler (or run normally)
 * and the kernel must go on working.
 */
#include "fault_helpers.h"

#define RG_DONE  0x99
#define RG_BADGE 0x7e
#define RG_PRIO  100
#define RG_LOW   90

#define RF_TF   (1ul << 8)
#define RF_IF   (1ul << 9)
#define RF_DF   (1ul << 10)
#define RF_IOPL (3ul << 12)
#define RF_NT   (1ul << 14)
#define RF_RF   (1ul << 16)
#define RF_VM   (1ul << 17)
#define RF_AC   (1ul << 18)
#define RF_VIF  (1ul << 19)
#define RF_VIP  (1ul << 20)
/* Bits no user RFLAGS may carry into user level: IOPL NT RF VM AC VIF VIP and bits above. */
#define RF_FORBIDDEN (RF_IOPL | RF_NT | RF_RF | RF_VM | RF_AC | RF_VIF | RF_VIP | ~0x3ffffful)

static fh_space_t space = {FH_REGION(3)};

seL4_CPtr rg_report, rg_park;

/* The code and stack segment selectors rg_flags_thread ran with. */
seL4_Word rg_seen_cs, rg_seen_ss;

/* The end of every thread here: report v (label RG_DONE) on the fault endpoint, park. */
__attribute__((used, noreturn)) void rg_thread_done(seL4_Word v)
{
    seL4_SendWithMRs(rg_report, seL4_MessageInfo_new(RG_DONE, 0, 0, 1), &v, NULL, NULL, NULL);
    fh_park(rg_park);
}

void rg_flags_thread(seL4_Word unused);
void rg_push_thread(seL4_Word unused);
void rg_ud2_thread(seL4_Word unused);
void rg_tf_thread(seL4_Word unused);
void rg_tfs_thread(seL4_Word unused);
void rg_int_thread(seL4_Word unused);
void rg_setflags_thread(seL4_Word flags);
extern char rg_cli_insn[], rg_in_insn[], rg_flags_end[], rg_push_insn[], rg_push_end[],
    rg_ud2_insn[], rg_ud2_end[], rg_hlt_insn[], rg_tfs_nop[], rg_tfs_after[], rg_int_insn[],
    rg_int_end[], rg_setflags_ud2[], rg_setflags_end[];

/* The vectors rg_int_thread raises with int $n, in order. */
static const seL4_Word rg_int_vectors[] = {0x80, 0x20, 0x0e, 0x02, 0x08, 0x01, 0x03, 0xff, 0x30};
#define RG_N_INTS (sizeof(rg_int_vectors) / sizeof(rg_int_vectors[0]))

__asm__(".text\n"
        /* Records its RFLAGS, then tries cli and in (privileged at IOPL 0), then reports the
         * RFLAGS it started with. */
        ".globl rg_flags_thread, rg_cli_insn, rg_in_insn, rg_flags_end\n"
        "rg_flags_thread:\n"
        "    pushfq\n"
        "    popq %rbx\n"
        "rg_cli_insn:\n"
        "    cli\n"
        "rg_in_insn:\n"
        "    inb $0x80, %al\n"
        "rg_flags_end:\n"
        "    movq %cs, %rax\n"
        "    movq %rax, rg_seen_cs(%rip)\n"
        "    movq %ss, %rax\n"
        "    movq %rax, rg_seen_ss(%rip)\n"
        "    movq %rbx, %rdi\n"
        "    andq $-16, %rsp\n"
        "    call rg_thread_done\n"
        "    ud2\n"
        /* Pushes (a stack fault if rsp is bad), then reports 2. */
        ".globl rg_push_thread, rg_push_insn, rg_push_end\n"
        "rg_push_thread:\n"
        "rg_push_insn:\n"
        "    pushq $1\n"
        "rg_push_end:\n"
        "    movq $2, %rdi\n"
        "    andq $-16, %rsp\n"
        "    call rg_thread_done\n"
        "    ud2\n"
        /* ud2, then reports 3; also a hlt for garbage contexts to start at. */
        ".globl rg_ud2_thread, rg_ud2_insn, rg_ud2_end, rg_hlt_insn\n"
        "rg_ud2_thread:\n"
        "rg_ud2_insn:\n"
        "    ud2\n"
        "rg_ud2_end:\n"
        "    movq $3, %rdi\n"
        "    andq $-16, %rsp\n"
        "    call rg_thread_done\n"
        "rg_hlt_insn:\n"
        "    hlt\n"
        "    ud2\n"
        /* Two instructions, then reports its RFLAGS (started with TF requested). */
        ".globl rg_tf_thread\n"
        "rg_tf_thread:\n"
        "    nop\n"
        "    nop\n"
        "    pushfq\n"
        "    popq %rdi\n"
        "    andq $-16, %rsp\n"
        "    call rg_thread_done\n"
        "    ud2\n"
        /* Sets TF itself, makes a system call (Yield) with it set, then one instruction: the
         * single-step trap must come at user level. Reports its RFLAGS after. */
        ".globl rg_tfs_thread, rg_tfs_nop, rg_tfs_after\n"
        "rg_tfs_thread:\n"
        "    movq $-7, %rdx\n"
        "    movq %rsp, %rbx\n"
        "    pushfq\n"
        "    orq $0x100, (%rsp)\n"
        "    popfq\n"
        "    syscall\n"
        "rg_tfs_nop:\n"
        "    nop\n"
        "rg_tfs_after:\n"
        "    pushfq\n"
        "    popq %rdi\n"
        "    andq $-16, %rsp\n"
        "    call rg_thread_done\n"
        "    ud2\n"
        /* Software interrupts to exception and interrupt vectors (each 2 bytes): every one is
         * a #GP at user level (the gates are DPL 0). */
        ".globl rg_int_thread, rg_int_insn, rg_int_end\n"
        "rg_int_thread:\n"
        "rg_int_insn:\n"
        "    int $0x80\n"
        "    int $0x20\n"
        "    int $0x0e\n"
        "    int $0x02\n"
        "    int $0x08\n"
        "    int $0x01\n"
        "    .byte 0xcd, 0x03\n" /* int $3 as CD 03 (int3 is CC, one byte) */
        "    int $0xff\n"
        "    int $0x30\n"
        "rg_int_end:\n"
        "    movq $4, %rdi\n"
        "    andq $-16, %rsp\n"
        "    call rg_thread_done\n"
        "    ud2\n"
        /* Sets RFLAGS to rdi itself (popf: what user level may set), makes a system call,
         * spins a while (timer interrupts), then a ud2 (an exception entry with those flags);
         * after the handler skips it, reports its RFLAGS. */
        ".globl rg_setflags_thread, rg_setflags_ud2, rg_setflags_end\n"
        "rg_setflags_thread:\n"
        "    movq %rdi, %r12\n"
        "    pushq %rdi\n"
        "    popfq\n"
        "    movq $-7, %rdx\n"
        "    movq %rsp, %rbx\n"
        "    syscall\n"
        "    movq $0x400000, %rcx\n"
        "1:  decq %rcx\n"
        "    jnz 1b\n"
        "rg_setflags_ud2:\n"
        "    ud2\n"
        "rg_setflags_end:\n"
        "    pushfq\n"
        "    popq %rdi\n"
        "    cld\n"
        "    pushq $0x202\n"
        "    popfq\n"
        "    andq $-16, %rsp\n"
        "    call rg_thread_done\n"
        "    ud2\n");

/* ---- Helpers -------------------------------------------------------------------------------- */

typedef struct rg_case {
    fh_fault_ep_t f;
    fh_thread_t t;
} rg_case_t;

static rg_case_t rg_begin(void)
{
    fh_set_own_prio(RG_PRIO);
    rg_case_t c = {fh_fault_ep_new(RG_BADGE), {0}};
    rg_report = c.f.badged;
    rg_park = test_object(seL4_NotificationObject, 0);
    return c;
}

/* A new (unstarted) thread of c at RG_LOW. */
static int rg_thread(rg_case_t *c)
{
    return fh_thread_new(&c->t, &space, c->f.badged, RG_LOW, true);
}

/* Writes all 20 registers of c's thread (resuming it) with rip, rsp, rflags as given, fs_base
 * its thread pointer (fh_thread_setup's TLS) and the other registers 0. */
static seL4_Error rg_start(rg_case_t *c, seL4_Word rip, seL4_Word rsp, seL4_Word rflags)
{
    seL4_UserContext r = {0};
    r.rip = rip;
    r.rsp = rsp;
    r.rflags = rflags;
    r.fs_base = c->t.tls;
    return seL4_TCB_WriteRegisters(c->t.tcb, 1, 0, 20, &r);
}

static seL4_UserContext rg_read(const rg_case_t *c)
{
    seL4_UserContext r = {0};
    CHECK_EQ(seL4_TCB_ReadRegisters(c->t.tcb, 0, 0, 20, &r), seL4_NoError);
    return r;
}

static void rg_check_user_exception(const fh_msg_t *m, seL4_Word ip, seL4_Word number,
                                    seL4_Word code)
{
    CHECK_EQ(m->label, seL4_Fault_UserException);
    CHECK_EQ(m->badge, RG_BADGE);
    CHECK_EQ(m->mr[seL4_UserException_FaultIP], ip);
    CHECK_EQ(m->mr[seL4_UserException_Number], number);
    CHECK_EQ(m->mr[seL4_UserException_Code], code);
}

/* Replies to the UserException m: continue at ip with the given SP and FLAGS. */
static void rg_continue(seL4_Word ip, seL4_Word sp, seL4_Word flags)
{
    seL4_Word w[3] = {ip, sp, flags};
    fh_reply(0, w, 3);
}

static void rg_check_done(const fh_msg_t *m)
{
    CHECK_EQ(m->label, RG_DONE);
    CHECK_EQ(m->badge, RG_BADGE);
}

/* ---- RFLAGS --------------------------------------------------------------------------------- */

static void rg_iopl(void)
{
    /* IOPL 3 (and every other forbidden bit) asked for through WriteRegisters: the thread
     * starts with IOPL 0, so cli and in are #GP; ReadRegisters shows what it really has. */
    const seL4_Word asks[] = {RF_IOPL | RF_IF, RF_IOPL | RF_NT | RF_VM | RF_AC | RF_RF, ~0ul,
                              RF_VIF | RF_VIP | (1ul << 21) | (1ul << 3) | (1ul << 5), 0};
    for (unsigned k = 0; k < sizeof(asks) / sizeof(asks[0]); k++) {
        rg_case_t c = rg_begin();
        if (!rg_thread(&c)) {
            return;
        }
        CHECK_EQ(rg_start(&c, (seL4_Word)rg_flags_thread, c.t.stack_top - 8, asks[k]),
                 seL4_NoError);
        fh_msg_t m = fh_recv(c.f.ep);
        rg_check_user_exception(&m, (seL4_Word)rg_cli_insn, 13, 0);
        CHECK_EQ(m.mr[seL4_UserException_FLAGS] & RF_FORBIDDEN, 0);
        CHECK(m.mr[seL4_UserException_FLAGS] & RF_IF);
        /* Replying IOPL 3 does not give it either. */
        rg_continue((seL4_Word)rg_in_insn, m.mr[seL4_UserException_SP], ~0ul);
        m = fh_recv(c.f.ep);
        rg_check_user_exception(&m, (seL4_Word)rg_in_insn, 13, 0);
        CHECK_EQ(m.mr[seL4_UserException_FLAGS] & RF_FORBIDDEN, 0);
        rg_continue((seL4_Word)rg_flags_end, m.mr[seL4_UserException_SP], RF_IF);
        rg_seen_cs = rg_seen_ss = 0;
        m = fh_recv(c.f.ep);
        rg_check_done(&m);
        /* Still ring 3 (cs and ss are not in seL4_UserContext: nothing can change them). */
        CHECK_EQ(rg_seen_cs & 3, 3);
        CHECK_EQ(rg_seen_ss & 3, 3);
        seL4_Word cs_now, ss_now;
        __asm__ volatile("movq %%cs, %0\nmovq %%ss, %1" : "=r"(cs_now), "=r"(ss_now));
        CHECK_EQ(rg_seen_cs, cs_now);
        CHECK_EQ(rg_seen_ss, ss_now);
        seL4_Word flags = m.mr[0];
        CHECK_EQ(flags & RF_FORBIDDEN, 0);
        CHECK(flags & RF_IF);
        CHECK_EQ(flags & RF_TF, 0);
        fh_thread_destroy(&c.t);
    }
}
DEFINE_TEST(REGRESSIONS0001,
            "WriteRegisters and fault replies asking IOPL 3, NT, VM, AC, RF...: cli/in still #GP",
            rg_iopl);

static void rg_trap_flag(void)
{
    rg_case_t c = rg_begin();
    /* TF through WriteRegisters: cleared (seL4's sanitiseRegister: no traps), so the thread
     * runs straight through. */
    if (rg_thread(&c)) {
        CHECK_EQ(rg_start(&c, (seL4_Word)rg_tf_thread, c.t.stack_top - 8, RF_TF | RF_IF),
                 seL4_NoError);
        fh_msg_t m = fh_recv(c.f.ep);
        rg_check_done(&m);
        CHECK_EQ(m.mr[0] & RF_TF, 0);
    }
    fh_thread_destroy(&c.t);
    /* TF set by the thread itself across a system call: the kernel must not single-step
     * itself; the trap arrives at user level as UserException 1. The reply clears TF. */
    if (rg_thread(&c) && fh_thread_start(&c.t, rg_tfs_thread, 0)) {
        fh_msg_t m = fh_recv(c.f.ep);
        CHECK_EQ(m.label, seL4_Fault_UserException);
        CHECK_EQ(m.mr[seL4_UserException_Number], 1);
        seL4_Word ip = m.mr[seL4_UserException_FaultIP];
        CHECK(ip == (seL4_Word)rg_tfs_after || ip == (seL4_Word)rg_tfs_nop);
        CHECK(m.mr[seL4_UserException_FLAGS] & RF_TF);
        rg_continue(ip, m.mr[seL4_UserException_SP], m.mr[seL4_UserException_FLAGS] & ~RF_TF);
        m = fh_recv(c.f.ep);
        rg_check_done(&m);
        CHECK_EQ(m.mr[0] & RF_TF, 0);
    }
    fh_thread_destroy(&c.t);
}
DEFINE_TEST(REGRESSIONS0002,
            "TF: cleared by WriteRegisters; set by the thread, it traps at user level only",
            rg_trap_flag);

static void rg_reply_trap_flag(void)
{
    /* A fault reply asking for TF: seL4 sanitises FLAGS as WriteRegisters does (TF cleared),
     * so the thread continues without a single-step trap. */
    rg_case_t c = rg_begin();
    if (rg_thread(&c) && fh_thread_start(&c.t, rg_ud2_thread, 0)) {
        fh_msg_t m = fh_recv(c.f.ep);
        rg_check_user_exception(&m, (seL4_Word)rg_ud2_insn, 6, 0);
        rg_continue((seL4_Word)rg_ud2_end, m.mr[seL4_UserException_SP], RF_IF | RF_TF);
        m = fh_recv(c.f.ep);
        CHECK_EQ(m.label, RG_DONE);
        if (m.label == seL4_Fault_UserException) {
            /* TF got through: let it finish. */
            rg_continue(m.mr[0], m.mr[1], RF_IF);
            fh_recv(c.f.ep);
        }
    }
    fh_thread_destroy(&c.t);
}
DEFINE_TEST(REGRESSIONS0003, "a fault reply cannot set TF (seL4 sanitises FLAGS: no traps)",
            rg_reply_trap_flag);

static void rg_own_flags(void)
{
    /* Flags a thread sets itself with popf (DF, AC, NT, TF excluded) go through a system
     * call, timer interrupts and an exception entry: the kernel runs with its own flags (DF
     * must not leak into kernel string code), the fault message shows the thread's, and the
     * reply's FLAGS are sanitised. */
    const seL4_Word flags[] = {RF_IF | RF_DF, RF_IF | RF_DF | RF_AC | RF_NT | 0x8d5,
                               RF_IF | RF_AC | RF_NT};
    for (unsigned k = 0; k < sizeof(flags) / sizeof(flags[0]); k++) {
        rg_case_t c = rg_begin();
        if (rg_thread(&c) && fh_thread_start(&c.t, rg_setflags_thread, flags[k])) {
            fh_msg_t m = fh_recv(c.f.ep);
            rg_check_user_exception(&m, (seL4_Word)rg_setflags_ud2, 6, 0);
            /* What the thread had, as far as popf at user level lets it have it. */
            seL4_Word f = m.mr[seL4_UserException_FLAGS];
            CHECK_EQ(f & RF_DF, flags[k] & RF_DF);
            rg_continue((seL4_Word)rg_setflags_end, m.mr[seL4_UserException_SP], f);
            m = fh_recv(c.f.ep);
            rg_check_done(&m);
            CHECK_EQ(m.mr[0] & (RF_IOPL | RF_NT | RF_AC | RF_VM | RF_TF), 0);
            CHECK_EQ(m.mr[0] & RF_DF, flags[k] & RF_DF);
        }
        fh_thread_destroy(&c.t);
    }
}
DEFINE_TEST(REGRESSIONS0004,
            "DF, AC, NT set by the thread itself survive kernel entries without harm",
            rg_own_flags);

/* ---- Instruction and stack pointers ------------------------------------------------------- */

static void rg_check_vm_exec(const fh_msg_t *m, seL4_Word ip)
{
    CHECK_EQ(m->label, seL4_Fault_VMFault);
    CHECK_EQ(m->badge, RG_BADGE);
    CHECK_EQ(m->mr[seL4_VMFault_IP], ip);
    CHECK_EQ(m->mr[seL4_VMFault_Addr], ip);
    CHECK_EQ(m->mr[seL4_VMFault_PrefetchFault], 1);
    CHECK_EQ(m->mr[seL4_VMFault_FSR] & 0x14, 0x14); /* user, instruction fetch */
}

static void rg_bad_rip(void)
{
    rg_case_t c = rg_begin();
    /* Non-canonical: sanitised to 0 (seL4), so the thread faults fetching at 0. */
    const seL4_Word noncanonical[] = {0x0000800000000000ul, 0x8000000000000000ul,
                                      0xfffe000000001000ul, 0x00007fffffffffffful + 1,
                                      0x123456789abcdef0ul};
    for (unsigned k = 0; k < sizeof(noncanonical) / sizeof(noncanonical[0]); k++) {
        if (rg_thread(&c)) {
            CHECK_EQ(rg_start(&c, noncanonical[k], c.t.stack_top - 8, RF_IF), seL4_NoError);
            fh_msg_t m = fh_recv(c.f.ep);
            rg_check_vm_exec(&m, 0);
            CHECK_EQ(rg_read(&c).rip, 0);
        }
        fh_thread_destroy(&c.t);
    }
    /* The kernel half: the thread takes a page fault there, it never runs kernel code. */
    const seL4_Word kernel[] = {0xffffffff80000000ul, 0xffff800000000000ul, 0xffffffff80100000ul,
                                0xfffffffffffff000ul};
    for (unsigned k = 0; k < sizeof(kernel) / sizeof(kernel[0]); k++) {
        if (rg_thread(&c)) {
            CHECK_EQ(rg_start(&c, kernel[k], c.t.stack_top - 8, RF_IF), seL4_NoError);
            fh_msg_t m = fh_recv(c.f.ep);
            rg_check_vm_exec(&m, kernel[k]);
        }
        fh_thread_destroy(&c.t);
    }
    /* A fault reply with a non-canonical FaultIP: the same. */
    if (rg_thread(&c) && fh_thread_start(&c.t, rg_ud2_thread, 0)) {
        fh_msg_t m = fh_recv(c.f.ep);
        rg_continue(0x0000800000000000ul, m.mr[seL4_UserException_SP], RF_IF);
        m = fh_recv(c.f.ep);
        rg_check_vm_exec(&m, 0);
    }
    fh_thread_destroy(&c.t);
}
DEFINE_TEST(REGRESSIONS0005,
            "non-canonical rip becomes 0; a kernel-half rip is a user page fault, not kernel code",
            rg_bad_rip);

static void rg_bad_rsp(void)
{
    /* rsp non-canonical, in the kernel half or unmapped: the first push faults at user level;
     * a reply with a good SP lets the thread go on. */
    const seL4_Word bad[] = {0x0000800000000008ul, 0x8000000000000000ul, 0xffffffff80001000ul,
                             0xffff800000000010ul, 8};
    for (unsigned k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
        rg_case_t c = rg_begin();
        if (!rg_thread(&c)) {
            return;
        }
        CHECK_EQ(rg_start(&c, (seL4_Word)rg_push_thread, bad[k], RF_IF), seL4_NoError);
        fh_msg_t m = fh_recv(c.f.ep);
        if (m.label == seL4_Fault_UserException) {
            /* #SS or #GP for a non-canonical stack (or the sanitised rsp 0 page-faults). */
            seL4_Word n = m.mr[seL4_UserException_Number];
            CHECK(n == 12 || n == 13);
            CHECK_EQ(m.mr[seL4_UserException_FaultIP], (seL4_Word)rg_push_insn);
            rg_continue((seL4_Word)rg_push_insn, c.t.stack_top - 8, RF_IF);
        } else {
            CHECK_EQ(m.label, seL4_Fault_VMFault);
            CHECK_EQ(m.mr[seL4_VMFault_IP], (seL4_Word)rg_push_insn);
            CHECK_EQ(m.mr[seL4_VMFault_PrefetchFault], 0);
            CHECK_EQ(m.mr[seL4_VMFault_FSR] & 0x6, 0x6); /* user write */
            /* A VM fault reply carries no registers: move the stack with WriteRegisters. */
            CHECK_EQ(seL4_TCB_Suspend(c.t.tcb), seL4_NoError);
            CHECK_EQ(rg_start(&c, (seL4_Word)rg_push_insn, c.t.stack_top - 8, RF_IF), seL4_NoError);
        }
        m = fh_recv(c.f.ep);
        rg_check_done(&m);
        fh_thread_destroy(&c.t);
    }
    /* A fault reply with a non-canonical SP: the kernel returns to user level with it (or 0)
     * and the thread faults on its first push, at user level. */
    rg_case_t c = rg_begin();
    if (rg_thread(&c) && fh_thread_start(&c.t, rg_ud2_thread, 0)) {
        fh_msg_t m = fh_recv(c.f.ep);
        rg_continue((seL4_Word)rg_push_insn, 0x8000000000000000ul, RF_IF);
        m = fh_recv(c.f.ep);
        CHECK(m.label == seL4_Fault_UserException || m.label == seL4_Fault_VMFault);
        CHECK_EQ(m.mr[0], (seL4_Word)rg_push_insn);
    }
    fh_thread_destroy(&c.t);
}
DEFINE_TEST(REGRESSIONS0006,
            "non-canonical, kernel-half or unmapped rsp: a user-level fault at the first push",
            rg_bad_rsp);

static void rg_bad_tls(void)
{
    /* Non-canonical fs_base / gs_base (WriteRegisters and SetTLSBase) must never reach the
     * base MSRs as they are: the kernel would fault loading them. */
    const seL4_Word bad[] = {0x8000000000000000ul, 0x0000800000000000ul, 0x7fffffffffffffff};
    for (unsigned k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
        rg_case_t c = rg_begin();
        if (!rg_thread(&c)) {
            return;
        }
        seL4_UserContext r = {0};
        r.rip = (seL4_Word)rg_tf_thread;
        r.rsp = c.t.stack_top - 8;
        r.rflags = RF_IF;
        r.fs_base = bad[k];
        r.gs_base = bad[k] ^ 0x1000;
        CHECK_EQ(seL4_TCB_WriteRegisters(c.t.tcb, 1, 0, 20, &r), seL4_NoError);
        fh_msg_t m = fh_recv(c.f.ep);
        rg_check_done(&m);
        seL4_UserContext back = rg_read(&c);
        CHECK_EQ(back.fs_base, 0);
        CHECK_EQ(back.gs_base, 0);
        /* SetTLSBase likewise, then the thread runs again. */
        CHECK_EQ(seL4_TCB_SetTLSBase(c.t.tcb, bad[k]), seL4_NoError);
        CHECK_EQ(rg_read(&c).fs_base, 0);
        CHECK_EQ(seL4_TCB_Suspend(c.t.tcb), seL4_NoError);
        CHECK_EQ(rg_start(&c, (seL4_Word)rg_tf_thread, c.t.stack_top - 8, RF_IF), seL4_NoError);
        m = fh_recv(c.f.ep);
        rg_check_done(&m);
        /* A canonical base (its TLS) is kept as written. */
        CHECK(c.t.tls != 0);
        CHECK_EQ(rg_read(&c).fs_base, c.t.tls);
        fh_thread_destroy(&c.t);
    }
}
DEFINE_TEST(REGRESSIONS0007, "non-canonical fs_base/gs_base from WriteRegisters or SetTLSBase",
            rg_bad_tls);

/* ---- Software interrupts -------------------------------------------------------------------- */

static void rg_software_interrupts(void)
{
    /* int $n at user level for exception, IRQ and spurious vectors: all gates are DPL 0, so
     * each is #GP with the IDT error code n * 8 + 2 (it must not fake a page fault, a timer
     * tick or an interrupt for the kernel). */
    rg_case_t c = rg_begin();
    if (rg_thread(&c) && fh_thread_start(&c.t, rg_int_thread, 0)) {
        for (unsigned i = 0; i < RG_N_INTS; i++) {
            seL4_Word ip = (seL4_Word)rg_int_insn + 2 * i;
            fh_msg_t m = fh_recv(c.f.ep);
            /* The error code names the IDT entry: vector * 8 + 2 on hardware (QEMU's TCG
             * gives vector * 16 + 2); it must be the #GP of the int instruction. */
            seL4_Word code = m.mr[seL4_UserException_Code], n = rg_int_vectors[i];
            CHECK(code == n * 8 + 2 || code == n * 16 + 2);
            rg_check_user_exception(&m, ip, 13, code);
            rg_continue(ip + 2, m.mr[seL4_UserException_SP], RF_IF);
        }
        fh_msg_t m = fh_recv(c.f.ep);
        rg_check_done(&m);
        CHECK_EQ(m.mr[0], 4);
    }
    fh_thread_destroy(&c.t);
}
DEFINE_TEST(REGRESSIONS0008,
            "int $n for exception and interrupt vectors: #GP naming the gate, at user level",
            rg_software_interrupts);

/* ---- Garbage -------------------------------------------------------------------------------- */

static seL4_Word rg_rand_state = 0x9e3779b97f4a7c15ul;

static seL4_Word rg_rand(void)
{
    seL4_Word x = rg_rand_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    rg_rand_state = x;
    return x;
}

#define RG_GARBAGE_ROUNDS 96

static void rg_garbage(void)
{
    /* Every register random (rflags, rsp, fs/gs base included), rip random but aimed where the
     * thread can only fault at once: unmapped, non-canonical, kernel half, a ud2, a hlt. The
     * handler must get one fault per start; the kernel must survive all of them. Between
     * rounds the thread is suspended and its registers written again. */
    rg_case_t c = rg_begin();
    if (!rg_thread(&c)) {
        return;
    }
    unsigned faults = 0;
    for (unsigned k = 0; k < RG_GARBAGE_ROUNDS; k++) {
        seL4_UserContext r;
        seL4_Word *w = (seL4_Word *)&r;
        for (unsigned i = 0; i < 20; i++) {
            w[i] = rg_rand();
        }
        switch (k % 6) {
        case 0:
            r.rip = fh_unmapped(FH_REGION(3)) + (rg_rand() & 0xffffff);
            break;
        case 1:
            r.rip = 0x0000800000000000ul | (rg_rand() & 0x7fffffffffff000ul);
            break;
        case 2:
            r.rip = 0xffff800000000000ul | rg_rand();
            break;
        case 3:
            r.rip = (seL4_Word)rg_ud2_insn;
            break;
        case 4:
            r.rip = (seL4_Word)rg_hlt_insn;
            break;
        default:
            r.rip = rg_rand() & 0xfff; /* the unmapped first page */
            break;
        }
        CHECK_EQ(seL4_TCB_Suspend(c.t.tcb), seL4_NoError);
        CHECK_EQ(seL4_TCB_WriteRegisters(c.t.tcb, 1, 0, 20, &r), seL4_NoError);
        fh_msg_t m = fh_recv(c.f.ep);
        faults += m.label == seL4_Fault_VMFault || m.label == seL4_Fault_UserException;
        CHECK_EQ(m.badge, RG_BADGE);
        /* Garbage in the reply too: the thread faults again (or the reply is ignored). */
        if (m.label == seL4_Fault_UserException && (k & 1)) {
            rg_continue((seL4_Word)rg_ud2_insn, rg_rand(), rg_rand());
            m = fh_recv(c.f.ep);
            faults += m.label == seL4_Fault_VMFault || m.label == seL4_Fault_UserException;
            faults--;
        }
    }
    CHECK_EQ(faults, RG_GARBAGE_ROUNDS);
    /* The kernel still works: a clean start runs to the end. */
    CHECK_EQ(seL4_TCB_Suspend(c.t.tcb), seL4_NoError);
    CHECK_EQ(rg_start(&c, (seL4_Word)rg_tf_thread, c.t.stack_top - 8, RF_IF), seL4_NoError);
    fh_msg_t m = fh_recv(c.f.ep);
    rg_check_done(&m);
    fh_thread_destroy(&c.t);
}
DEFINE_TEST(REGRESSIONS0009,
            "threads started (and fault-replied) with garbage in every register: faults only",
            rg_garbage);

/* ---- Notifications -------------------------------------------------------------------------- */

static volatile seL4_Word rg_wakes, rg_wake_badge;

/* Waits on the notification arg forever, counting wake-ups. */
static void rg_waiter(seL4_Word ntfn)
{
    for (;;) {
        seL4_Word badge = ~0ul;
        seL4_RecvWithMRs(ntfn, &badge, NULL, NULL, NULL, NULL);
        rg_wake_badge = badge;
        rg_wakes++;
    }
}

static void rg_unbadged_signal(void)
{
    /* seL4's sendSignal makes an idle notification active whatever the badge (0 included):
     * the next Wait returns at once with badge 0. A Signal through an unbadged capability
     * must not be lost because nobody was waiting. */
    rg_case_t c = rg_begin();
    seL4_CPtr n = test_object(seL4_NotificationObject, 0);
    seL4_Signal(n);
    rg_wakes = 0;
    rg_wake_badge = ~0ul;
    /* A higher waiter started now takes the pending signal before Resume returns. */
    if (fh_thread_new(&c.t, &space, c.f.badged, RG_PRIO + 1, true) &&
        fh_thread_start(&c.t, rg_waiter, n)) {
        CHECK_EQ(rg_wakes, 1);
        CHECK_EQ(rg_wake_badge, 0);
        /* And once consumed, the next Signal wakes it again. */
        seL4_Signal(n);
        CHECK_EQ(rg_wakes, 2);
    }
    fh_thread_destroy(&c.t);
}
DEFINE_TEST(REGRESSIONS0010,
            "Signal through an unbadged capability with nobody waiting is kept for the next Wait",
            rg_unbadged_signal);
