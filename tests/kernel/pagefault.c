/*
 * PAGEFAULT: faults as seL4 delivers them (x86-64 message layouts) and what replying to them
 * does: VM faults (read, write, instruction fetch, write to a read-only page) and restarting
 * the faulting instruction, unknown system calls (all 19 words; replies that set registers,
 * skip the call, repeat it or leave the thread stopped), user exceptions (#UD, #GP, #DE),
 * capability faults (send and receive phase, each lookup failure), and faults without a usable
 * handler, which stop the thread for good, in a thread and in a process.
 *
 * Every thread here reports to the test on the same endpoint its faults go to: a fault has the
 * fault's label, a thread that finishes sends PF_DONE, so a thread that runs on when it should
 * not shows up as a wrong label instead of a hang.
 */
#include <sel4ish/process.h>

#include "fault_helpers.h"

#define PF_DONE    0x99 /* label of a thread's "finished" message */
#define PF_BADGE   0x51
#define PF_PRIO    100 /* the test thread */
#define PF_LOW     90  /* threads that run only while the test waits */
#define PF_HIGH    110 /* threads that run as soon as they are started */
#define PF_MAGIC   0x5a5a5a5a12345678ul
#define PF_US_REGS 15 /* RAX .. R15 in the UnknownSyscall message */

/* x86 page-fault error code bits. */
#define PFEC_P 0x1ul
#define PFEC_W 0x2ul
#define PFEC_U 0x4ul
#define PFEC_I 0x10ul

static fh_space_t space = {FH_REGION(0)};

/* Where threads report (a badged copy of the fault endpoint) and park when done. */
seL4_CPtr pf_report;
seL4_CPtr pf_park_ntfn;

/* The end of every thread of this file: report v with label PF_DONE, then block for good. */
__attribute__((used, noreturn)) void pf_thread_done(seL4_Word v)
{
    seL4_SendWithMRs(pf_report, seL4_MessageInfo_new(PF_DONE, 0, 0, 1), &v, NULL, NULL, NULL);
    fh_park(pf_park_ntfn);
}

/* Register values the unknown-syscall thread loads before its syscall (UnknownSyscall message
 * order RAX .. R15) and the values it has after it (the same order, then RSP). */
seL4_Word pf_us_in[PF_US_REGS], pf_us_out[PF_US_REGS + 1], pf_us_sp;

/* Thread bodies whose faulting instructions the tests name (pf_*_insn). */
void pf_read_thread(seL4_Word addr);
void pf_write_thread(seL4_Word addr);
void pf_exec_thread(seL4_Word target);
void pf_us_thread(seL4_Word unused);
void pf_ud2_thread(seL4_Word unused);
void pf_gp_thread(seL4_Word unused);
void pf_div_thread(seL4_Word unused);
extern char pf_read_insn[], pf_write_insn[], pf_exec_ret[], pf_us_insn[], pf_ud2_insn[],
    pf_hlt_insn[], pf_cli_insn[], pf_cr0_insn[], pf_in_insn[], pf_gp_end[], pf_div_insn[],
    pf_div_end[];

__asm__(".text\n"
        /* Reads the word at rdi and reports it. */
        ".globl pf_read_thread, pf_read_insn\n"
        "pf_read_thread:\n"
        "pf_read_insn:\n"
        "    movq (%rdi), %rax\n"
        "    movq %rax, %rdi\n"
        "    andq $-16, %rsp\n"
        "    call pf_thread_done\n"
        "    ud2\n"
        /* Writes PF_MAGIC's low half to the word at rdi, reads it back and reports it. */
        ".globl pf_write_thread, pf_write_insn\n"
        "pf_write_thread:\n"
        "pf_write_insn:\n"
        "    movq $0x12345678, (%rdi)\n"
        "    movq (%rdi), %rdi\n"
        "    andq $-16, %rsp\n"
        "    call pf_thread_done\n"
        "    ud2\n"
        /* Calls the code at rdi, then reports 1. */
        ".globl pf_exec_thread, pf_exec_ret\n"
        "pf_exec_thread:\n"
        "    call *%rdi\n"
        "pf_exec_ret:\n"
        "    movq $1, %rdi\n"
        "    andq $-16, %rsp\n"
        "    call pf_thread_done\n"
        "    ud2\n"
        /* Loads every register from pf_us_in, makes the system call rdx names, stores every
         * register (and rsp) in pf_us_out and reports 1. */
        ".globl pf_us_thread, pf_us_insn\n"
        "pf_us_thread:\n"
        "    movq %rsp, pf_us_sp(%rip)\n"
        "    leaq pf_us_in(%rip), %rax\n"
        "    movq 8(%rax), %rbx\n"
        "    movq 16(%rax), %rcx\n"
        "    movq 24(%rax), %rdx\n"
        "    movq 32(%rax), %rsi\n"
        "    movq 40(%rax), %rdi\n"
        "    movq 48(%rax), %rbp\n"
        "    movq 56(%rax), %r8\n"
        "    movq 64(%rax), %r9\n"
        "    movq 72(%rax), %r10\n"
        "    movq 80(%rax), %r11\n"
        "    movq 88(%rax), %r12\n"
        "    movq 96(%rax), %r13\n"
        "    movq 104(%rax), %r14\n"
        "    movq 112(%rax), %r15\n"
        "    movq 0(%rax), %rax\n"
        "pf_us_insn:\n"
        "    syscall\n"
        "    movq %rax, pf_us_out(%rip)\n"
        "    leaq pf_us_out(%rip), %rax\n"
        "    movq %rbx, 8(%rax)\n"
        "    movq %rcx, 16(%rax)\n"
        "    movq %rdx, 24(%rax)\n"
        "    movq %rsi, 32(%rax)\n"
        "    movq %rdi, 40(%rax)\n"
        "    movq %rbp, 48(%rax)\n"
        "    movq %r8, 56(%rax)\n"
        "    movq %r9, 64(%rax)\n"
        "    movq %r10, 72(%rax)\n"
        "    movq %r11, 80(%rax)\n"
        "    movq %r12, 88(%rax)\n"
        "    movq %r13, 96(%rax)\n"
        "    movq %r14, 104(%rax)\n"
        "    movq %r15, 112(%rax)\n"
        "    movq %rsp, 120(%rax)\n"
        "    movq pf_us_sp(%rip), %rsp\n"
        "    andq $-16, %rsp\n"
        "    movq $1, %rdi\n"
        "    call pf_thread_done\n"
        "    ud2\n"
        /* An undefined instruction (2 bytes), then reports 2. */
        ".globl pf_ud2_thread, pf_ud2_insn\n"
        "pf_ud2_thread:\n"
        "    movq $0x1234, %rbx\n"
        "pf_ud2_insn:\n"
        "    ud2\n"
        "    movq %rbx, %rdi\n"
        "    andq $-16, %rsp\n"
        "    call pf_thread_done\n"
        "    ud2\n"
        /* Privileged instructions, each a #GP at user level; the handler skips each. */
        ".globl pf_gp_thread, pf_hlt_insn, pf_cli_insn, pf_cr0_insn, pf_in_insn, pf_gp_end\n"
        "pf_gp_thread:\n"
        "pf_hlt_insn:\n"
        "    hlt\n"
        "pf_cli_insn:\n"
        "    cli\n"
        "pf_cr0_insn:\n"
        "    movq %cr0, %rax\n"
        "pf_in_insn:\n"
        "    inb $0x80, %al\n"
        "pf_gp_end:\n"
        "    movq $3, %rdi\n"
        "    andq $-16, %rsp\n"
        "    call pf_thread_done\n"
        "    ud2\n"
        /* Divides by zero; the handler skips the division. */
        ".globl pf_div_thread, pf_div_insn, pf_div_end\n"
        "pf_div_thread:\n"
        "    movq $7, %rax\n"
        "    xorl %edx, %edx\n"
        "    xorl %ecx, %ecx\n"
        "pf_div_insn:\n"
        "    divq %rcx\n"
        "pf_div_end:\n"
        "    movq $4, %rdi\n"
        "    andq $-16, %rsp\n"
        "    call pf_thread_done\n"
        "    ud2\n");

/* ---- Helpers -------------------------------------------------------------------------------- */

typedef struct pf_case {
    fh_fault_ep_t f;
    fh_thread_t t;
} pf_case_t;

/* Sets the test thread's priority, makes the fault endpoint (badge PF_BADGE) and the park
 * notification. */
static pf_case_t pf_begin(void)
{
    fh_set_own_prio(PF_PRIO);
    pf_case_t c = {fh_fault_ep_new(PF_BADGE), {0}};
    pf_report = c.f.badged;
    pf_park_ntfn = test_object(seL4_NotificationObject, 0);
    return c;
}

/* Starts fn(arg) in c's thread at priority prio with c's fault endpoint. */
static int pf_start(pf_case_t *c, seL4_Word prio, void (*fn)(seL4_Word), seL4_Word arg)
{
    return fh_thread_run(&c->t, &space, c->f.badged, prio, fn, arg);
}

/* Checks a VMFault message. */
static void pf_check_vm(const fh_msg_t *m, seL4_Word ip, seL4_Word addr, seL4_Word prefetch,
                        seL4_Word fsr)
{
    CHECK_EQ(m->label, seL4_Fault_VMFault);
    CHECK_EQ(m->length, seL4_VMFault_Length);
    CHECK_EQ(m->badge, PF_BADGE);
    CHECK_EQ(m->mr[seL4_VMFault_IP], ip);
    CHECK_EQ(m->mr[seL4_VMFault_Addr], addr);
    CHECK_EQ(m->mr[seL4_VMFault_PrefetchFault], prefetch);
    CHECK_EQ(m->mr[seL4_VMFault_FSR], fsr);
}

/* Checks a "finished" message carrying v. */
static void pf_check_done(const fh_msg_t *m, seL4_Word v)
{
    CHECK_EQ(m->label, PF_DONE);
    CHECK_EQ(m->length, 1);
    CHECK_EQ(m->mr[0], v);
}

/* Checks a UserException message (SP is checked to be in the thread's stack). */
static void pf_check_user_exception(const fh_msg_t *m, const fh_thread_t *t, seL4_Word ip,
                                    seL4_Word number, seL4_Word code)
{
    CHECK_EQ(m->label, seL4_Fault_UserException);
    CHECK_EQ(m->length, seL4_UserException_Length);
    CHECK_EQ(m->badge, PF_BADGE);
    CHECK_EQ(m->mr[seL4_UserException_FaultIP], ip);
    CHECK(m->mr[seL4_UserException_SP] <= t->stack_top &&
          m->mr[seL4_UserException_SP] > t->stack_top - FH_STACK_PAGES * FH_PAGE);
    CHECK(m->mr[seL4_UserException_FLAGS] & 0x200); /* IF */
    CHECK_EQ(m->mr[seL4_UserException_Number], number);
    CHECK_EQ(m->mr[seL4_UserException_Code], code);
}

/* Replies to a UserException (the last message received) with label 0 and the registers of
 * m, FaultIP replaced by ip: the thread continues at ip. */
static void pf_resume_at(const fh_msg_t *m, seL4_Word ip)
{
    seL4_Word w[seL4_UserException_Length];
    for (unsigned i = 0; i < seL4_UserException_Length; i++) {
        w[i] = m->mr[i];
    }
    w[seL4_UserException_FaultIP] = ip;
    fh_reply(0, w, 3);
}

/* True if a message is waiting on ep (taken; its label in *label). */
static bool pf_poll(seL4_CPtr ep, seL4_Word *label)
{
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_NBRecv(ep, &badge);
    *label = seL4_MessageInfo_get_label(info);
    return badge != 0;
}

/* ---- VM faults ------------------------------------------------------------------------------ */

static void pf_read_fault(void)
{
    pf_case_t c = pf_begin();
    seL4_Word addr = fh_unmapped(FH_REGION(0));
    if (pf_start(&c, PF_LOW, pf_read_thread, addr)) {
        fh_msg_t m = fh_recv(c.f.ep);
        pf_check_vm(&m, (seL4_Word)pf_read_insn, addr, 0, PFEC_U);
    }
    fh_thread_destroy(&c.t);
}
DEFINE_TEST(PAGEFAULT0001, "a read of an unmapped address: VMFault with IP, Addr, 0, FSR U",
            pf_read_fault);

static void pf_write_fault(void)
{
    pf_case_t c = pf_begin();
    seL4_Word addr = fh_unmapped(FH_REGION(0)) + 0x100;
    if (pf_start(&c, PF_LOW, pf_write_thread, addr)) {
        fh_msg_t m = fh_recv(c.f.ep);
        pf_check_vm(&m, (seL4_Word)pf_write_insn, addr, 0, PFEC_U | PFEC_W);
    }
    fh_thread_destroy(&c.t);
}
DEFINE_TEST(PAGEFAULT0002, "a write to an unmapped address: VMFault with FSR U|W", pf_write_fault);

static void pf_exec_fault(void)
{
    pf_case_t c = pf_begin();
    seL4_Word target = fh_unmapped(FH_REGION(0)) + 0x800;
    if (pf_start(&c, PF_LOW, pf_exec_thread, target)) {
        fh_msg_t m = fh_recv(c.f.ep);
        pf_check_vm(&m, target, target, 1, PFEC_U | PFEC_I);
    }
    fh_thread_destroy(&c.t);
}
DEFINE_TEST(PAGEFAULT0003,
            "an instruction fetch from an unmapped address: VMFault, IP = Addr, PrefetchFault 1",
            pf_exec_fault);

static void pf_read_only(void)
{
    pf_case_t c = pf_begin();
    seL4_Word page = fh_map_pages_rights(&space, 1, seL4_CanRead);
    seL4_Word rw = fh_map_pages(&space, 1);
    if (!page || !rw) {
        return;
    }
    /* Reading a read-only page works; writing it is a protection fault (P set). */
    seL4_Word addr = page + 0x40;
    if (pf_start(&c, PF_LOW, pf_read_thread, addr)) {
        fh_msg_t m = fh_recv(c.f.ep);
        pf_check_done(&m, 0);
    }
    fh_thread_destroy(&c.t);
    if (pf_start(&c, PF_LOW, pf_write_thread, addr)) {
        fh_msg_t m = fh_recv(c.f.ep);
        pf_check_vm(&m, (seL4_Word)pf_write_insn, addr, 0, PFEC_U | PFEC_W | PFEC_P);
    }
    fh_thread_destroy(&c.t);
    /* A read-write page takes the write. */
    if (pf_start(&c, PF_LOW, pf_write_thread, rw + 8)) {
        fh_msg_t m = fh_recv(c.f.ep);
        pf_check_done(&m, 0x12345678);
        CHECK_EQ(*(volatile seL4_Word *)(rw + 8), 0x12345678);
    }
    fh_thread_destroy(&c.t);
}
DEFINE_TEST(PAGEFAULT0004,
            "a read-only mapping can be read; a write to it is a VMFault with FSR P|W|U",
            pf_read_only);

/* Maps a new frame at the page of addr in the test's VSpace. */
static void pf_map_at(seL4_Word addr)
{
    seL4_CPtr f = test_object(seL4_X86_4K, 0);
    CHECK_EQ(test_thread_map(f, addr & ~(FH_PAGE - 1)), seL4_NoError);
}

static void pf_restart(void)
{
    pf_case_t c = pf_begin();
    seL4_Word addr = fh_unmapped(FH_REGION(0)) + (8ul << 30) + 0x78;
    if (pf_start(&c, PF_LOW, pf_write_thread, addr)) {
        fh_msg_t m = fh_recv(c.f.ep);
        pf_check_vm(&m, (seL4_Word)pf_write_insn, addr, 0, PFEC_U | PFEC_W);
        /* Map the page and reply (no words): the write is made again and succeeds. */
        pf_map_at(addr);
        fh_reply(0, NULL, 0);
        m = fh_recv(c.f.ep);
        pf_check_done(&m, 0x12345678);
        CHECK_EQ(*(volatile seL4_Word *)addr, 0x12345678);
    }
    fh_thread_destroy(&c.t);
}
DEFINE_TEST(PAGEFAULT0005,
            "replying to a VMFault after mapping the page restarts the faulting write", pf_restart);

static void pf_restart_label(void)
{
    /* The reply's label and words do not matter for a VM fault: the thread retries. */
    pf_case_t c = pf_begin();
    seL4_Word addr = fh_unmapped(FH_REGION(0)) + (9ul << 30);
    if (pf_start(&c, PF_HIGH, pf_read_thread, addr)) {
        fh_msg_t m = fh_recv(c.f.ep);
        pf_check_vm(&m, (seL4_Word)pf_read_insn, addr, 0, PFEC_U);
        /* Not mapped yet: replying makes it fault again, at the same place. */
        seL4_Word junk[4] = {1, 2, 3, 4};
        fh_reply(7, junk, 4);
        m = fh_recv(c.f.ep);
        pf_check_vm(&m, (seL4_Word)pf_read_insn, addr, 0, PFEC_U);
        pf_map_at(addr);
        *(volatile seL4_Word *)addr = PF_MAGIC;
        fh_reply(0, NULL, 0);
        m = fh_recv(c.f.ep);
        pf_check_done(&m, PF_MAGIC);
    }
    fh_thread_destroy(&c.t);
}
DEFINE_TEST(PAGEFAULT0006,
            "a VMFault reply with any label retries the access; it faults until mapped",
            pf_restart_label);

/* ---- Unknown system calls ----------------------------------------------------------------- */

/* Fills pf_us_in with distinct values; rdx = the syscall number. */
static void pf_us_fill(seL4_Word number, seL4_Word salt)
{
    for (unsigned i = 0; i < PF_US_REGS; i++) {
        pf_us_in[i] = 0x7e57000000000000ul | (salt << 32) | (0xc0de00u + i);
    }
    pf_us_in[seL4_UnknownSyscall_RDX] = number;
}

/* Checks an UnknownSyscall message against pf_us_in (RCX and R11 hold what the CPU put there:
 * not checked). */
static void pf_check_us(const fh_msg_t *m, seL4_Word number)
{
    CHECK_EQ(m->label, seL4_Fault_UnknownSyscall);
    CHECK_EQ(m->length, seL4_UnknownSyscall_Length);
    CHECK_EQ(m->badge, PF_BADGE);
    for (unsigned i = 0; i < PF_US_REGS; i++) {
        if (i != seL4_UnknownSyscall_RCX && i != seL4_UnknownSyscall_R11) {
            CHECK_EQ(m->mr[i], pf_us_in[i]);
        }
    }
    CHECK_EQ(m->mr[seL4_UnknownSyscall_FaultIP], (seL4_Word)pf_us_insn);
    CHECK_EQ(m->mr[seL4_UnknownSyscall_SP], pf_us_sp);
    CHECK(m->mr[seL4_UnknownSyscall_FLAGS] & 0x200);
    CHECK_EQ(m->mr[seL4_UnknownSyscall_Syscall], number);
}

static void pf_unknown_syscall(void)
{
    static const seL4_Word numbers[] = {
        0, 1, 42, (seL4_Word)-100, (seL4_Word)-15, 0x7fffffffffffffff, 0x8000000000000000};
    for (unsigned k = 0; k < sizeof(numbers) / sizeof(numbers[0]); k++) {
        pf_case_t c = pf_begin();
        pf_us_fill(numbers[k], k);
        if (pf_start(&c, k % 2 ? PF_HIGH : PF_LOW, pf_us_thread, 0)) {
            fh_msg_t m = fh_recv(c.f.ep);
            pf_check_us(&m, numbers[k]);
        }
        fh_thread_destroy(&c.t);
    }
}
DEFINE_TEST(PAGEFAULT0007,
            "an unknown system call: UnknownSyscall with all 19 words (FaultIP = the syscall)",
            pf_unknown_syscall);

/* The 19 words of a reply that sets every register to new values and continues after the
 * syscall (FaultIP + 2), with the same stack and flags. */
static void pf_us_reply_words(const fh_msg_t *m, seL4_Word *w)
{
    for (unsigned i = 0; i < seL4_UnknownSyscall_Length; i++) {
        w[i] = m->mr[i];
    }
    for (unsigned i = 0; i < PF_US_REGS; i++) {
        w[i] = 0x4e3e000000000000ul | (0xbeef00u + i);
    }
    w[seL4_UnknownSyscall_FaultIP] = (seL4_Word)pf_us_insn + 2;
}

/* Checks pf_us_out against the registers a reply set (RCX and R11 excluded: the return to
 * user level may use them). */
static void pf_check_us_out(const seL4_Word *w)
{
    for (unsigned i = 0; i < PF_US_REGS; i++) {
        if (i != seL4_UnknownSyscall_RCX && i != seL4_UnknownSyscall_R11) {
            CHECK_EQ(pf_us_out[i], w[i]);
        }
    }
    CHECK_EQ(pf_us_out[PF_US_REGS], w[seL4_UnknownSyscall_SP]);
}

static void pf_unknown_syscall_emulate(void)
{
    pf_case_t c = pf_begin();
    pf_us_fill((seL4_Word)-77, 1);
    if (pf_start(&c, PF_LOW, pf_us_thread, 0)) {
        fh_msg_t m = fh_recv(c.f.ep);
        pf_check_us(&m, (seL4_Word)-77);
        seL4_Word w[seL4_UnknownSyscall_Length];
        pf_us_reply_words(&m, w);
        fh_reply(0, w, seL4_UnknownSyscall_Length);
        m = fh_recv(c.f.ep);
        pf_check_done(&m, 1);
        pf_check_us_out(w);
    }
    fh_thread_destroy(&c.t);
}
DEFINE_TEST(PAGEFAULT0008,
            "UnknownSyscall reply label 0 with 19 words sets the registers, resumes at FaultIP",
            pf_unknown_syscall_emulate);

static void pf_unknown_syscall_stop(void)
{
    pf_case_t c = pf_begin();
    pf_us_fill((seL4_Word)-78, 2);
    if (!pf_start(&c, PF_LOW, pf_us_thread, 0)) {
        fh_thread_destroy(&c.t);
        return;
    }
    fh_msg_t m = fh_recv(c.f.ep);
    pf_check_us(&m, (seL4_Word)-78);
    /* A non-zero label: the registers are still written, but the thread stays stopped. */
    seL4_Word w[seL4_UnknownSyscall_Length];
    pf_us_reply_words(&m, w);
    fh_reply(1, w, seL4_UnknownSyscall_Length);
    fh_set_own_prio(PF_LOW - 1); /* anything runnable at PF_LOW would run now */
    fh_set_own_prio(PF_PRIO);
    seL4_Word label;
    CHECK(!pf_poll(c.f.ep, &label));
    seL4_UserContext r;
    CHECK_EQ(seL4_TCB_ReadRegisters(c.t.tcb, 0, 0, 4, &r), seL4_NoError);
    CHECK_EQ(r.rip, (seL4_Word)pf_us_insn + 2);
    CHECK_EQ(r.rax, w[seL4_UnknownSyscall_RAX]);
    /* Resume: it continues where the reply said. */
    CHECK_EQ(seL4_TCB_Resume(c.t.tcb), seL4_NoError);
    m = fh_recv(c.f.ep);
    pf_check_done(&m, 1);
    pf_check_us_out(w);
    fh_thread_destroy(&c.t);
}
DEFINE_TEST(PAGEFAULT0009,
            "UnknownSyscall reply with a non-zero label sets registers but leaves it stopped",
            pf_unknown_syscall_stop);

static void pf_unknown_syscall_repeat(void)
{
    pf_case_t c = pf_begin();
    pf_us_fill((seL4_Word)-79, 3);
    if (pf_start(&c, PF_LOW, pf_us_thread, 0)) {
        fh_msg_t m = fh_recv(c.f.ep);
        pf_check_us(&m, (seL4_Word)-79);
        /* No words: nothing changes, the thread makes the same system call again. */
        fh_reply(0, NULL, 0);
        m = fh_recv(c.f.ep);
        pf_check_us(&m, (seL4_Word)-79);
        /* Then a non-zero label and no words: stopped at the syscall; Resume repeats it. */
        fh_reply(2, NULL, 0);
        CHECK_EQ(seL4_TCB_Resume(c.t.tcb), seL4_NoError);
        m = fh_recv(c.f.ep);
        pf_check_us(&m, (seL4_Word)-79);
    }
    fh_thread_destroy(&c.t);
}
DEFINE_TEST(PAGEFAULT0010,
            "an empty UnknownSyscall reply repeats the call; Resume after a stop repeats it too",
            pf_unknown_syscall_repeat);

static void pf_unknown_syscall_partial(void)
{
    /* A reply that sets only RAX (length 1) leaves FaultIP as it was, the address of the
     * syscall instruction: the thread restarts there and makes the call again, now with the
     * new RAX (seL4's handleFaultReply copies min(length, 19) registers, then the thread
     * restarts at its FaultIP). */
    pf_case_t c = pf_begin();
    pf_us_fill((seL4_Word)-80, 4);
    if (pf_start(&c, PF_LOW, pf_us_thread, 0)) {
        fh_msg_t m = fh_recv(c.f.ep);
        pf_check_us(&m, (seL4_Word)-80);
        seL4_Word rax = 0xaaaa5555;
        fh_reply(0, &rax, 1);
        m = fh_recv(c.f.ep);
        CHECK_EQ(m.label, seL4_Fault_UnknownSyscall);
        CHECK_EQ(m.mr[seL4_UnknownSyscall_RAX], rax);
        CHECK_EQ(m.mr[seL4_UnknownSyscall_FaultIP], (seL4_Word)pf_us_insn);
        CHECK_EQ(m.mr[seL4_UnknownSyscall_RBX], pf_us_in[seL4_UnknownSyscall_RBX]);
    }
    fh_thread_destroy(&c.t);
}
DEFINE_TEST(PAGEFAULT0011,
            "UnknownSyscall reply setting only RAX: the thread repeats the call at FaultIP",
            pf_unknown_syscall_partial);

/* ---- User exceptions ---------------------------------------------------------------------- */

static void pf_undefined_instruction(void)
{
    pf_case_t c = pf_begin();
    if (pf_start(&c, PF_LOW, pf_ud2_thread, 0)) {
        fh_msg_t m = fh_recv(c.f.ep);
        pf_check_user_exception(&m, &c.t, (seL4_Word)pf_ud2_insn, 6, 0);
        /* Label 0 and no words: the same instruction again. */
        fh_reply(0, NULL, 0);
        m = fh_recv(c.f.ep);
        pf_check_user_exception(&m, &c.t, (seL4_Word)pf_ud2_insn, 6, 0);
        /* A new FaultIP skips it. */
        pf_resume_at(&m, (seL4_Word)pf_ud2_insn + 2);
        m = fh_recv(c.f.ep);
        pf_check_done(&m, 0x1234);
    }
    fh_thread_destroy(&c.t);
}
DEFINE_TEST(PAGEFAULT0012,
            "ud2: UserException (FaultIP, SP, FLAGS, 6, 0); a reply with FaultIP + 2 skips it",
            pf_undefined_instruction);

static void pf_general_protection(void)
{
    pf_case_t c = pf_begin();
    if (!pf_start(&c, PF_HIGH, pf_gp_thread, 0)) {
        fh_thread_destroy(&c.t);
        return;
    }
    /* hlt, cli, mov from cr0, in: each #GP(0); the reply skips to the next. */
    const char *insn[] = {pf_hlt_insn, pf_cli_insn, pf_cr0_insn, pf_in_insn, pf_gp_end};
    for (unsigned i = 0; i < 4; i++) {
        fh_msg_t m = fh_recv(c.f.ep);
        pf_check_user_exception(&m, &c.t, (seL4_Word)insn[i], 13, 0);
        pf_resume_at(&m, (seL4_Word)insn[i + 1]);
    }
    fh_msg_t m = fh_recv(c.f.ep);
    pf_check_done(&m, 3);
    fh_thread_destroy(&c.t);
}
DEFINE_TEST(PAGEFAULT0013,
            "hlt, cli, mov %cr0 and in at user level: UserException 13 (#GP), code 0",
            pf_general_protection);

static void pf_divide_error(void)
{
    pf_case_t c = pf_begin();
    if (pf_start(&c, PF_LOW, pf_div_thread, 0)) {
        fh_msg_t m = fh_recv(c.f.ep);
        pf_check_user_exception(&m, &c.t, (seL4_Word)pf_div_insn, 0, 0);
        pf_resume_at(&m, (seL4_Word)pf_div_end);
        m = fh_recv(c.f.ep);
        pf_check_done(&m, 4);
    }
    fh_thread_destroy(&c.t);
}
DEFINE_TEST(PAGEFAULT0014, "a division by zero: UserException 0 (#DE), code 0", pf_divide_error);

/* ---- Capability faults -------------------------------------------------------------------- */

/* What a capability-fault thread does (its argument points at one). */
typedef struct pf_cap_op {
    seL4_Word syscall; /* seL4_SysSend, ... */
    seL4_CPtr cptr;
} pf_cap_op_t;

extern char pf_cap_insn[];

/* Makes the system call op names on op's cptr (registers only), then reports 5. */
static void pf_cap_thread(seL4_Word arg)
{
    const pf_cap_op_t *op = (const pf_cap_op_t *)arg;
    register seL4_Word rdi __asm__("rdi") = op->cptr;
    register seL4_Word rsi __asm__("rsi") = seL4_MessageInfo_new(0, 0, 0, 0).words[0];
    register seL4_Word rdx __asm__("rdx") = op->syscall;
    __asm__ volatile("movq %%rsp, %%rbx\n"
                     ".globl pf_cap_insn\n"
                     "pf_cap_insn:\n"
                     "syscall\n"
                     "movq %%rbx, %%rsp\n"
                     : "+r"(rdi), "+r"(rsi), "+r"(rdx)
                     :
                     : "rbx", "rcx", "r11", "r8", "r9", "r10", "r15", "memory", "cc");
    pf_thread_done(5);
}

static void pf_check_cap_fault(const fh_msg_t *m, seL4_CPtr cptr, seL4_Word in_recv, seL4_Word type,
                               seL4_Word length)
{
    CHECK_EQ(m->label, seL4_Fault_CapFault);
    CHECK_EQ(m->length, length);
    CHECK_EQ(m->badge, PF_BADGE);
    CHECK_EQ(m->mr[seL4_CapFault_IP], (seL4_Word)pf_cap_insn);
    CHECK_EQ(m->mr[seL4_CapFault_Addr], cptr);
    CHECK_EQ(m->mr[seL4_CapFault_InRecvPhase], in_recv);
    CHECK_EQ(m->mr[seL4_CapFault_LookupFailureType], type);
}

/* Runs op in a new thread and returns the first message it produces. */
static fh_msg_t pf_cap_run(pf_case_t *c, pf_cap_op_t *op)
{
    fh_msg_t m = {0, 0, 0, {0}};
    if (pf_start(c, PF_LOW, pf_cap_thread, (seL4_Word)op)) {
        m = fh_recv(c->f.ep);
    }
    fh_thread_destroy(&c->t);
    return m;
}

static void pf_cap_fault_guard(void)
{
    /* The root CNode's guard is 52 zero bits: a pointer with a high bit set fails the guard
     * (GuardMismatch: bits left 64, the guard found 0, its size 52). */
    pf_case_t c = pf_begin();
    const seL4_CPtr bad = 1ul << 63 | 3;
    static pf_cap_op_t op;
    const seL4_Word sends[] = {(seL4_Word)seL4_SysSend, (seL4_Word)seL4_SysCall};
    for (unsigned i = 0; i < 2; i++) {
        op = (pf_cap_op_t){sends[i], bad};
        fh_msg_t m = pf_cap_run(&c, &op);
        pf_check_cap_fault(&m, bad, 0, seL4_GuardMismatch, 7);
        CHECK_EQ(m.mr[seL4_CapFault_BitsLeft], 64);
        CHECK_EQ(m.mr[seL4_CapFault_GuardMismatch_GuardFound], 0);
        CHECK_EQ(m.mr[seL4_CapFault_GuardMismatch_BitsFound], 52);
    }
    op = (pf_cap_op_t){(seL4_Word)seL4_SysRecv, bad};
    fh_msg_t m = pf_cap_run(&c, &op);
    pf_check_cap_fault(&m, bad, 1, seL4_GuardMismatch, 7);
    CHECK_EQ(m.mr[seL4_CapFault_BitsLeft], 64);
    /* NBSend does not fault: the thread runs on. */
    op = (pf_cap_op_t){(seL4_Word)seL4_SysNBSend, bad};
    m = pf_cap_run(&c, &op);
    pf_check_done(&m, 5);
}
DEFINE_TEST(PAGEFAULT0015,
            "a failed lookup in Send, Call and Recv: CapFault (GuardMismatch); NBSend: none",
            pf_cap_fault_guard);

static void pf_cap_fault_recv(void)
{
    /* Recv on something that is not a readable endpoint or notification: CapFault in the
     * receive phase, MissingCapability with 0 bits left (5 words). */
    pf_case_t c = pf_begin();
    seL4_CPtr tcb = test_object(seL4_TCBObject, 0);
    seL4_CPtr empty = test_slot();
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    seL4_CPtr ep_wo = fh_mint(ep, seL4_CanWrite, 0);
    seL4_CPtr ntfn = test_object(seL4_NotificationObject, 0);
    seL4_CPtr ntfn_wo = fh_mint(ntfn, seL4_CanWrite, 0);
    const seL4_CPtr targets[] = {tcb, empty, ep_wo, ntfn_wo, seL4_CapInitThreadCNode};
    static pf_cap_op_t op;
    for (unsigned i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
        op = (pf_cap_op_t){(seL4_Word)seL4_SysRecv, targets[i]};
        fh_msg_t m = pf_cap_run(&c, &op);
        pf_check_cap_fault(&m, targets[i], 1, seL4_MissingCapability, 5);
        CHECK_EQ(m.mr[seL4_CapFault_BitsLeft], 0);
        op = (pf_cap_op_t){(seL4_Word)seL4_SysNBRecv, targets[i]};
        m = pf_cap_run(&c, &op);
        pf_check_cap_fault(&m, targets[i], 1, seL4_MissingCapability, 5);
    }
}
DEFINE_TEST(PAGEFAULT0016,
            "Recv/NBRecv on a non-endpoint or without Read: CapFault, recv phase, Missing",
            pf_cap_fault_recv);

static void pf_send_empty(void)
{
    /* A slot that resolves but is empty is no lookup failure: Send drops the invocation
     * (InvalidCapability, no reply to a Send) and the thread runs on; Call gets the error. */
    pf_case_t c = pf_begin();
    seL4_CPtr empty = test_slot();
    static pf_cap_op_t op;
    op = (pf_cap_op_t){(seL4_Word)seL4_SysSend, empty};
    fh_msg_t m = pf_cap_run(&c, &op);
    pf_check_done(&m, 5);
    op = (pf_cap_op_t){(seL4_Word)seL4_SysNBSend, empty};
    m = pf_cap_run(&c, &op);
    pf_check_done(&m, 5);
    seL4_MessageInfo_t info = seL4_Call(empty, seL4_MessageInfo_new(0, 0, 0, 0));
    CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_InvalidCapability);
}
DEFINE_TEST(PAGEFAULT0017,
            "Send to an empty slot is no fault (seL4: InvalidCapability, dropped for Send)",
            pf_send_empty);

static void pf_cap_fault_depth(void)
{
    /* A CSpace of one 2^5 CNode that holds itself in slot 0: pointer 0 goes through it 12
     * times (60 bits), then 4 bits are left for a 5-bit level: DepthMismatch (4 left, 5 found,
     * 6 words). Its fault endpoint is slot 1 (pointer 1 << 59). */
    pf_case_t c = pf_begin();
    seL4_CPtr cn = test_cnode(5);
    CHECK_EQ(seL4_CNode_Copy(cn, 0, 5, FH_ROOT, cn, TEST_ROOT_DEPTH, seL4_AllRights), seL4_NoError);
    CHECK_EQ(seL4_CNode_Mint(cn, 1, 5, FH_ROOT, c.f.ep, TEST_ROOT_DEPTH, seL4_AllRights, PF_BADGE),
             seL4_NoError);
    static pf_cap_op_t op;
    op = (pf_cap_op_t){(seL4_Word)seL4_SysSend, 0};
    fh_thread_t *t = &c.t;
    if (fh_thread_new(t, &space, 1ul << 59, PF_LOW, false)) {
        CHECK_EQ(seL4_TCB_SetSpace(t->tcb, 1ul << 59, cn, 0, FH_VSPACE, 0), seL4_NoError);
        if (fh_thread_start(t, pf_cap_thread, (seL4_Word)&op)) {
            fh_msg_t m = fh_recv(c.f.ep);
            pf_check_cap_fault(&m, 0, 0, seL4_DepthMismatch, 6);
            CHECK_EQ(m.mr[seL4_CapFault_BitsLeft], 4);
            CHECK_EQ(m.mr[seL4_CapFault_DepthMismatch_BitsFound], 5);
        }
    }
    fh_thread_destroy(t);
    CHECK_EQ(seL4_CNode_Delete(cn, 0, 5), seL4_NoError);
}
DEFINE_TEST(PAGEFAULT0018, "a pointer that runs out of bits mid-level: CapFault with DepthMismatch",
            pf_cap_fault_depth);

/* ---- Faults nobody handles ---------------------------------------------------------------- */

/* Starts fn(arg) at PF_HIGH with fault endpoint fault_ep: it runs at once, faults and (with
 * no usable handler) stops. Checks that it stopped at ip and never ran on, that Resume makes
 * it fault again (it is stopped, not gone), and that nothing reached c's endpoint. */
static void pf_check_unhandled(pf_case_t *c, seL4_CPtr fault_ep, void (*fn)(seL4_Word),
                               seL4_Word arg, seL4_Word ip)
{
    fh_thread_t *t = &c->t;
    if (fh_thread_new(t, &space, fault_ep, PF_HIGH, true) && fh_thread_start(t, fn, arg)) {
        seL4_Word label = 0;
        fh_set_own_prio(PF_LOW - 1); /* let anything that could run, run */
        fh_set_own_prio(PF_PRIO);
        CHECK(!pf_poll(c->f.ep, &label));
        seL4_UserContext r;
        CHECK_EQ(seL4_TCB_ReadRegisters(t->tcb, 0, 0, 1, &r), seL4_NoError);
        CHECK_EQ(r.rip, ip);
        CHECK_EQ(seL4_TCB_Resume(t->tcb), seL4_NoError);
        fh_set_own_prio(PF_LOW - 1);
        fh_set_own_prio(PF_PRIO);
        CHECK(!pf_poll(c->f.ep, &label));
        CHECK_EQ(seL4_TCB_ReadRegisters(t->tcb, 0, 0, 1, &r), seL4_NoError);
        CHECK_EQ(r.rip, ip);
    }
    fh_thread_destroy(t);
}

static void pf_no_handler(void)
{
    pf_case_t c = pf_begin();
    seL4_Word addr = fh_unmapped(FH_REGION(0));
    /* No fault endpoint at all, and one naming an empty slot. */
    pf_check_unhandled(&c, 0, pf_read_thread, addr, (seL4_Word)pf_read_insn);
    pf_check_unhandled(&c, test_slot(), pf_ud2_thread, 0, (seL4_Word)pf_ud2_insn);
    pf_us_fill((seL4_Word)-81, 5);
    pf_check_unhandled(&c, test_slot(), pf_us_thread, 0, (seL4_Word)pf_us_insn);
}
DEFINE_TEST(PAGEFAULT0019,
            "a fault without a fault endpoint stops the thread: it never runs further",
            pf_no_handler);

static void pf_handler_rights(void)
{
    /* A fault endpoint needs Write and Grant or GrantReply; anything else is no handler. */
    pf_case_t c = pf_begin();
    seL4_Word addr = fh_unmapped(FH_REGION(0));
    const seL4_CapRights_t unusable[] = {seL4_CanWrite, seL4_CapRights_new(1, 1, 1, 0),
                                         seL4_CapRights_new(0, 0, 1, 1),
                                         seL4_CapRights_new(1, 1, 0, 0)};
    for (unsigned i = 0; i < sizeof(unusable) / sizeof(unusable[0]); i++) {
        seL4_CPtr h = fh_mint(c.f.ep, unusable[i], PF_BADGE);
        pf_check_unhandled(&c, h, pf_read_thread, addr, (seL4_Word)pf_read_insn);
    }
    /* A notification (even with every right) is no handler either. */
    seL4_CPtr n = test_object(seL4_NotificationObject, 0);
    pf_check_unhandled(&c, n, pf_read_thread, addr, (seL4_Word)pf_read_insn);
    seL4_Word label;
    CHECK(!pf_poll(n, &label));
    /* Write with GrantReply, and Write with Grant: a handler. */
    const seL4_CapRights_t usable[] = {seL4_CapRights_new(1, 0, 0, 1),
                                       seL4_CapRights_new(0, 1, 0, 1)};
    for (unsigned i = 0; i < 2; i++) {
        seL4_CPtr h = fh_mint(c.f.ep, usable[i], PF_BADGE);
        fh_thread_t *t = &c.t;
        if (fh_thread_new(t, &space, h, PF_LOW, true) && fh_thread_start(t, pf_read_thread, addr)) {
            fh_msg_t m = fh_recv(c.f.ep);
            pf_check_vm(&m, (seL4_Word)pf_read_insn, addr, 0, PFEC_U);
            /* The handler can reply (GrantReply or Grant allowed the reply capability). */
            pf_map_at(addr);
            fh_reply(0, NULL, 0);
            m = fh_recv(c.f.ep);
            pf_check_done(&m, 0);
        }
        fh_thread_destroy(t);
        addr += 16ul << 30; /* a fresh unmapped address for the next round */
    }
}
DEFINE_TEST(PAGEFAULT0020,
            "a fault endpoint without Write, or without Grant/GrantReply, counts as no handler",
            pf_handler_rights);

/* ---- Processes ------------------------------------------------------------------------------ */

/* How far a faulting process got (its own copy of this variable). */
volatile seL4_Word pf_proc_progress;

/* In a process: counts, writes to an unmapped address, counts again. */
static void pf_proc_main(seL4_Word addr)
{
    pf_proc_progress = 1;
    *(volatile seL4_Word *)addr = 1;
    pf_proc_progress = 2;
}

/* A new process (not started) running at priority prio with fault endpoint fault_ep (0: none),
 * from a new untyped of 2^22 bytes. Returns seL4_NoError or the builder's error. */
static seL4_Error pf_process(sel4ish_process_t *p, seL4_CPtr fault_ep, seL4_Word prio)
{
    seL4_CPtr ut = test_untyped(22);
    seL4_CPtr probe = test_slot();
    if (!ut || !probe) {
        return seL4_NotEnoughMemory;
    }
    /* Its physical address: that of a frame made first from it. */
    CHECK_EQ(seL4_Untyped_Retype(ut, seL4_X86_4K, 0, FH_ROOT, 0, 0, probe, 1), seL4_NoError);
    seL4_Word pa = test_paddr(probe);
    CHECK_EQ(seL4_CNode_Revoke(FH_ROOT, ut, TEST_ROOT_DEPTH), seL4_NoError);
    sel4ish_process_config_t cfg = {
        .untyped = ut,
        .untyped_paddr = pa,
        .untyped_bits = 22,
        .slots = test_slots(SEL4ISH_PROCESS_SLOTS),
        .fault_ep = fault_ep,
        .fault_badge = PF_BADGE,
        .priority = prio,
        .mcp = prio,
    };
    return sel4ish_process_create(p, &cfg);
}

static void pf_process_faults(void)
{
    pf_case_t c = pf_begin();
    seL4_Word addr = fh_unmapped(FH_REGION(0));
    /* No fault endpoint: the process runs at once (higher priority), faults and stops. */
    sel4ish_process_t p;
    seL4_Error err = pf_process(&p, 0, PF_HIGH);
    CHECK_EQ(err, seL4_NoError);
    if (err == seL4_NoError) {
        CHECK_EQ(sel4ish_process_start(&p, pf_proc_main, addr), seL4_NoError);
        fh_set_own_prio(PF_LOW - 1);
        fh_set_own_prio(PF_PRIO);
        seL4_Word v = 0;
        CHECK_EQ(sel4ish_process_read_word(&p, (seL4_Word)&pf_proc_progress, &v), seL4_NoError);
        CHECK_EQ(v, 1);
        CHECK_EQ(seL4_TCB_Resume(p.tcb), seL4_NoError); /* it faults again, and stops */
        CHECK_EQ(sel4ish_process_read_word(&p, (seL4_Word)&pf_proc_progress, &v), seL4_NoError);
        CHECK_EQ(v, 1);
    }
    CHECK_EQ(sel4ish_process_destroy(&p), seL4_NoError);
    /* With a fault endpoint: the fault arrives with the process's badge. */
    err = pf_process(&p, c.f.ep, PF_LOW);
    CHECK_EQ(err, seL4_NoError);
    if (err == seL4_NoError) {
        CHECK_EQ(sel4ish_process_start(&p, pf_proc_main, addr), seL4_NoError);
        fh_msg_t m = fh_recv(c.f.ep);
        CHECK_EQ(m.label, seL4_Fault_VMFault);
        CHECK_EQ(m.badge, PF_BADGE);
        CHECK_EQ(m.mr[seL4_VMFault_Addr], addr);
        CHECK_EQ(m.mr[seL4_VMFault_FSR], PFEC_U | PFEC_W);
        seL4_Word v = 0;
        CHECK_EQ(sel4ish_process_read_word(&p, (seL4_Word)&pf_proc_progress, &v), seL4_NoError);
        CHECK_EQ(v, 1);
    }
    CHECK_EQ(sel4ish_process_destroy(&p), seL4_NoError);
}
DEFINE_TEST(PAGEFAULT0021,
            "a process without a fault endpoint stops at its fault; with one, the fault arrives",
            pf_process_faults);
