/*
 * FASTPATH: the IPC fastpath (kernel/src/api/fastpath.c) against the general path. The baseline
 * cases (Call and ReplyRecv of 0..4 words between a waiting partner and a caller it does not
 * outrank, in one address space and across two) must take the fastpath; every condition under
 * which the fastpath hands the call to the general path has a case that meets that condition and
 * checks that the outcome is the general path's: what each side receives (every register, the
 * IPC buffer, capabilities), reply capabilities, thread states and the order threads run in.
 *
 * On a debug kernel seL4_DebugFastpathCount tells which path ran: every party reads the count
 * just before and just after each system call (fp_exec), so FP_PATH(from, to, n) says that
 * exactly n fastpath completions happened between two such readings. On a release kernel the
 * same cases run and check the outcomes without it.
 *
 * Conditions of fastpath.c that user level cannot bring about, so no case has them: the
 * caller's master reply capability missing (only while its TCB is being deleted) or with a
 * child (a caller blocks until its reply capability is used or deleted), the receiver's CALLER
 * slot occupied (every receive deletes it first), a reply capability with children (it cannot
 * be derived) or naming a thread that is not blocked on reply (cancelling deletes it).
 *
 * Parties: the test thread (FP_MAIN_PRIO) and actors below it (thread actors in the test's
 * address space, or processes), each running a script of raw system calls whose every input
 * register is known (fp_inputs), recording every output register (fp_raw_syscall).
 */
#include "ipc_helpers.h"

#define ROOT IH_ROOT
#define D    IH_DEPTH

#define FP_MAIN_PRIO  IH_MAIN_PRIO /* the test thread */
#define FP_ACTOR_PRIO 50           /* actors, unless a case says otherwise */

/* Labels of pattern messages. */
#define L(n) (0x3000ul + (n))

/* The badge of the actors' fault endpoint and of processes' fault messages. */
#define FP_FAULT_BADGE      0xfa17ul
#define FP_PROC_FAULT_BADGE 0xfa18ul

/* ---- Raw system calls --------------------------------------------------------------------- */

/* Every general register but rip and rflags, as a raw system call starts or ends with it;
 * rsp_in is the stack pointer at the syscall instruction (fp_raw_syscall fills it in). */
typedef struct fp_regs {
    seL4_Word rax, rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15, rsp;
    seL4_Word rsp_in;
} fp_regs_t;

#define FP_NREGS 16 /* rax .. rsp */

/* Loads every register of *in (but rsp) and executes syscall; stores every register into
 * *out. The caller-saved ones it is free to clobber, the callee-saved ones it restores. */
void fp_raw_syscall(const fp_regs_t *in, fp_regs_t *out);
__asm__(".pushsection .text\n"
        ".globl fp_raw_syscall\n"
        ".type fp_raw_syscall, @function\n"
        "fp_raw_syscall:\n"
        "pushq %rbx\n"
        "pushq %rbp\n"
        "pushq %r12\n"
        "pushq %r13\n"
        "pushq %r14\n"
        "pushq %r15\n"
        "pushq %rsi\n"
        "movq %rsp, 128(%rsi)\n"
        "movq 0(%rdi), %rax\n"
        "movq 8(%rdi), %rbx\n"
        "movq 16(%rdi), %rcx\n"
        "movq 24(%rdi), %rdx\n"
        "movq 32(%rdi), %rsi\n"
        "movq 48(%rdi), %rbp\n"
        "movq 56(%rdi), %r8\n"
        "movq 64(%rdi), %r9\n"
        "movq 72(%rdi), %r10\n"
        "movq 80(%rdi), %r11\n"
        "movq 88(%rdi), %r12\n"
        "movq 96(%rdi), %r13\n"
        "movq 104(%rdi), %r14\n"
        "movq 112(%rdi), %r15\n"
        "movq 40(%rdi), %rdi\n"
        "syscall\n"
        "xchgq %rax, (%rsp)\n"
        "movq %rbx, 8(%rax)\n"
        "movq %rcx, 16(%rax)\n"
        "movq %rdx, 24(%rax)\n"
        "movq %rsi, 32(%rax)\n"
        "movq %rdi, 40(%rax)\n"
        "movq %rbp, 48(%rax)\n"
        "movq %r8, 56(%rax)\n"
        "movq %r9, 64(%rax)\n"
        "movq %r10, 72(%rax)\n"
        "movq %r11, 80(%rax)\n"
        "movq %r12, 88(%rax)\n"
        "movq %r13, 96(%rax)\n"
        "movq %r14, 104(%rax)\n"
        "movq %r15, 112(%rax)\n"
        "movq %rsp, 120(%rax)\n"
        "popq %rbx\n"
        "movq %rbx, 0(%rax)\n"
        "popq %r15\n"
        "popq %r14\n"
        "popq %r13\n"
        "popq %r12\n"
        "popq %rbp\n"
        "popq %rbx\n"
        "ret\n"
        ".size fp_raw_syscall, . - fp_raw_syscall\n"
        ".popsection\n");

/* Indices of fp_regs_t words. */
enum { FP_RAX, FP_RBX, FP_RCX, FP_RDX, FP_RSI, FP_RDI, FP_RBP, FP_R8, FP_R9, FP_R10, FP_R11 };
enum { FP_R12 = 11, FP_R13, FP_R14, FP_R15, FP_RSP };

static const char *const fp_reg_names[FP_NREGS] = {"rax", "rbx", "rcx", "rdx", "rsi", "rdi",
                                                   "rbp", "r8",  "r9",  "r10", "r11", "r12",
                                                   "r13", "r14", "r15", "rsp"};

/* The registers of MR0..MR3. */
static const unsigned fp_mr_reg[4] = {FP_R10, FP_R8, FP_R9, FP_R15};

static seL4_Word fp_reg(const fp_regs_t *r, unsigned i)
{
    return ((const seL4_Word *)r)[i];
}

/* ---- Scripts -------------------------------------------------------------------------------- */

typedef enum fp_op {
    FP_END = 0,
    FP_CALL,      /* Call cap with the pattern message (label, length, extra caps[]) */
    FP_REPLYRECV, /* ReplyRecv on cap with the pattern message */
    FP_RECV,      /* Recv on cap */
    FP_SEND,      /* Send on cap with the pattern message */
    FP_REPLY,     /* Reply with the pattern message */
    FP_UNKNOWN,   /* an unknown system call number (label): an UnknownSyscall fault */
    FP_TOUCH,     /* reads the word at address label into rax (a VMFault if unmapped) */
    FP_MARK,      /* nothing: records when the actor got here */
} fp_op_t;

typedef struct fp_step {
    seL4_Word op, cap, label, length, extra;
    seL4_Word caps[3];
    seL4_Word recv; /* receiving: the root CNode slot for a capability (0: none) */
    seL4_Word mr3;  /* sending 4 words or more: MR3 instead of the pattern word, if not 0 */
} fp_step_t;

#define FP_STEP(op_, cap_, label_, len_)                                                           \
    {                                                                                              \
        (op_), (cap_), (label_), (len_), 0, {0, 0, 0}, 0, 0                                        \
    }

/* What a step saw. */
typedef struct fp_rec {
    fp_regs_t out;         /* the registers after the system call */
    seL4_Word before;      /* the fastpath count just before it (debug kernels; else 0) */
    seL4_Word after;       /* and just after it */
    seL4_Word seq;         /* when it ended, among all steps of the address space */
    seL4_Word bad, poison; /* received words past MR3 that are wrong; buffer words past the
                              message that were written */
    seL4_Word cob[3];      /* caps_or_badges afterwards */
} fp_rec_t;

#define FP_MAX_STEPS 12

/* An actor: its script and what it saw (a process keeps its own in fp_self, copied here). */
typedef struct fp_actor {
    const fp_step_t *script;
    seL4_Word debug, seed;
    seL4_CPtr self; /* its own TCB, to suspend itself at the end */
    volatile seL4_Word done;
    fp_rec_t rec[FP_MAX_STEPS];
    /* The test's side. */
    fp_step_t steps[FP_MAX_STEPS];
    bool is_process;
    fh_thread_t th;
    sel4ish_process_t proc;
} fp_actor_t;

/* When steps end, in this address space. */
static volatile seL4_Word fp_seq;

/* A process actor's state, in its own copy of the image. */
static fp_actor_t fp_self;

/* Word i of the pattern message with label. */
static seL4_Word fp_word(seL4_Word label, seL4_Word i)
{
    return ih_word(label, i);
}

/* What register i holds going into step k of the party with seed, unless the step sets it. */
static seL4_Word fp_junk(seL4_Word seed, seL4_Word k, unsigned i)
{
    return 0x5e1c000000000000ul | (seed << 32) | (k << 16) | (0x3c00u + i);
}

static bool fp_sends(const fp_step_t *s)
{
    return s->op == FP_CALL || s->op == FP_REPLYRECV || s->op == FP_SEND || s->op == FP_REPLY;
}

static bool fp_receives(const fp_step_t *s)
{
    return s->op == FP_CALL || s->op == FP_REPLYRECV || s->op == FP_RECV;
}

/* The registers step k of the party with seed starts its system call with. */
static void fp_inputs(const fp_step_t *s, seL4_Word seed, seL4_Word k, fp_regs_t *in)
{
    seL4_Word *w = (seL4_Word *)in;
    for (unsigned i = 0; i < FP_NREGS; i++) {
        w[i] = fp_junk(seed, k, i);
    }
    static const seL4_Word number[] = {[FP_CALL] = (seL4_Word)seL4_SysCall,
                                       [FP_REPLYRECV] = (seL4_Word)seL4_SysReplyRecv,
                                       [FP_RECV] = (seL4_Word)seL4_SysRecv,
                                       [FP_SEND] = (seL4_Word)seL4_SysSend,
                                       [FP_REPLY] = (seL4_Word)seL4_SysReply};
    in->rdx = s->op == FP_UNKNOWN ? s->label : number[s->op];
    in->rdi = s->cap;
    if (fp_sends(s)) {
        in->rsi = seL4_MessageInfo_new(s->label, 0, s->extra, s->length).words[0];
        for (seL4_Word i = 0; i < 4 && i < s->length; i++) {
            w[fp_mr_reg[i]] = fp_word(s->label, i);
        }
        if (s->mr3 && s->length >= 4) {
            in->r15 = s->mr3;
        }
    }
}

/* Runs step k of the party with seed: message words past MR3 and capabilities in the IPC buffer
 * (for receiving steps the rest poisoned, and the receive slot set), the system call, and what
 * it saw in *r. */
static void fp_exec(const fp_step_t *s, seL4_Word seed, seL4_Word k, fp_rec_t *r, bool debug)
{
    seL4_IPCBuffer *b = seL4_GetIPCBuffer();
    fp_regs_t in;
    fp_inputs(s, seed, k, &in);
    seL4_Word sent = fp_sends(s) ? s->length : 0;
    if (b && fp_sends(s)) {
        for (seL4_Word i = 4; i < s->length && i < seL4_MsgMaxLength; i++) {
            b->msg[i] = fp_word(s->label, i);
        }
        for (int i = 0; i < 3; i++) {
            b->caps_or_badges[i] = s->caps[i];
        }
    }
    if (b && fp_receives(s)) {
        for (seL4_Word i = sent > 4 ? sent : 4; i < seL4_MsgMaxLength; i++) {
            b->msg[i] = IH_POISON;
        }
        if (!fp_sends(s)) {
            for (int i = 0; i < 3; i++) {
                b->caps_or_badges[i] = IH_COB_POISON;
            }
        }
        b->receiveCNode = s->recv ? ROOT : 0;
        b->receiveIndex = s->recv;
        b->receiveDepth = s->recv ? D : 0;
    }
    *r = (fp_rec_t){0};
    r->before = debug ? seL4_DebugFastpathCount() : 0;
    if (s->op == FP_TOUCH) {
        r->out.rax = *(volatile seL4_Word *)s->label;
    } else if (s->op != FP_MARK) {
        fp_raw_syscall(&in, &r->out);
    }
    r->after = debug ? seL4_DebugFastpathCount() : 0;
    r->seq = __atomic_add_fetch(&fp_seq, 1, __ATOMIC_SEQ_CST);
    if (!b || !fp_receives(s)) {
        return;
    }
    seL4_MessageInfo_t info = {{r->out.rsi}};
    seL4_Word len = seL4_MessageInfo_get_length(info), label = seL4_MessageInfo_get_label(info);
    for (seL4_Word i = 4; i < len; i++) {
        r->bad += b->msg[i] != fp_word(label, i);
    }
    seL4_Word from = sent > len ? sent : len;
    for (seL4_Word i = from > 4 ? from : 4; i < seL4_MsgMaxLength; i++) {
        r->poison += b->msg[i] != IH_POISON;
    }
    for (int i = 0; i < 3; i++) {
        r->cob[i] = b->caps_or_badges[i];
    }
}

/* An actor's life: its script, then it suspends itself. */
static void fp_run(fp_actor_t *a)
{
    for (seL4_Word k = 0; a->script[k].op != FP_END; k++) {
        fp_exec(&a->script[k], a->seed, k, &a->rec[k], a->debug);
        a->done = k + 1;
    }
    seL4_TCB_Suspend(a->self);
}

static void fp_thread_main(seL4_Word arg)
{
    fp_run((fp_actor_t *)arg);
}

/* A process actor: arg is its script's address (the same in its image), bit 0 the debug flag. */
#define FP_PROC_SEED 0x77
static void fp_process_main(seL4_Word arg)
{
    fp_self.script = (const fp_step_t *)(arg & ~1ul);
    fp_self.debug = arg & 1;
    fp_self.seed = FP_PROC_SEED;
    fp_self.self = seL4_CapInitThreadTCB;
    fp_run(&fp_self);
}

/* ---- The test's side --------------------------------------------------------------------- */

typedef struct fp_env {
    fh_space_t space;
    fh_fault_ep_t fault; /* the thread actors' fault endpoint (badge FP_FAULT_BADGE) */
    bool debug;
    seL4_Word seeds; /* seeds given */
} fp_env_t;

#define FP_SEED 0x11 /* the test thread's */

/* Starts a case: the debug flag, the test thread at FP_MAIN_PRIO, the fault endpoint. */
static int fp_init(fp_env_t *e)
{
    e->debug = test_kernel_has_debug_calls();
    e->space.next = FH_REGION(7);
    e->seeds = 0x20;
    CHECK_EQ(seL4_TCB_SetPriority(IH_SELF, IH_SELF, FP_MAIN_PRIO), seL4_NoError);
    e->fault = fh_fault_ep_new(FP_FAULT_BADGE);
    return e->fault.ep && e->fault.badged;
}

/* A thread actor at prio running the n steps (started: it runs once the test blocks or settles,
 * or at once if above the test). Returns NULL after a check failure. */
static fp_actor_t *fp_thread_with(fp_env_t *e, seL4_Word prio, const fp_step_t *steps, seL4_Word n,
                                  bool with_ipc)
{
    seL4_Word pages = (sizeof(fp_actor_t) + FH_PAGE - 1) / FH_PAGE;
    fp_actor_t *a = (fp_actor_t *)fh_map_pages(&e->space, pages);
    if (!a || n >= FP_MAX_STEPS) {
        CHECK(a && n < FP_MAX_STEPS);
        return NULL;
    }
    for (seL4_Word k = 0; k < n; k++) {
        a->steps[k] = steps[k];
    }
    a->script = a->steps;
    a->debug = e->debug;
    a->seed = e->seeds++;
    if (!fh_thread_new(&a->th, &e->space, e->fault.badged, prio, with_ipc)) {
        return NULL;
    }
    a->self = a->th.tcb;
    return fh_thread_start(&a->th, fp_thread_main, (seL4_Word)a) ? a : NULL;
}

static fp_actor_t *fp_thread(fp_env_t *e, seL4_Word prio, const fp_step_t *steps, seL4_Word n)
{
    return fp_thread_with(e, prio, steps, n, true);
}

/* The process actor's slot for the endpoint the test gives it. */
#define FP_PROC_EP SEL4ISH_PROCESS_USER_SLOT(0)

/*
 * A process actor at prio running script (static: its image has it at the same address), with
 * ep minted (badge, all rights) into FP_PROC_EP, faults to fault_ep with fault_badge. Its VSpace
 * takes an ASID from pool if not 0 (the pool's capability is put in the test's ASID pool slot
 * while the process is made), else from the test's own pool. NULL after a check failure.
 */
static fp_actor_t *fp_process(fp_env_t *e, seL4_Word prio, const fp_step_t *script, seL4_CPtr ep,
                              seL4_Word badge, seL4_CPtr fault_ep, seL4_CPtr pool)
{
    seL4_Word pages = (sizeof(fp_actor_t) + FH_PAGE - 1) / FH_PAGE;
    fp_actor_t *a = (fp_actor_t *)fh_map_pages(&e->space, pages);
    seL4_Word paddr = 0;
    seL4_CPtr ut = ih_untyped(IH_PROC_BITS, &paddr);
    seL4_CPtr slots = test_slots(SEL4ISH_PROCESS_SLOTS), keep = test_slot();
    if (!a || !ut || !slots || !keep) {
        return NULL;
    }
    a->is_process = true;
    a->script = script;
    a->seed = FP_PROC_SEED;
    sel4ish_process_cap_t pc = {ep, FP_PROC_EP, badge ? SEL4ISH_CAP_MINT : SEL4ISH_CAP_COPY,
                                seL4_AllRights, badge};
    sel4ish_process_config_t c = {
        .untyped = ut,
        .untyped_paddr = paddr,
        .untyped_bits = IH_PROC_BITS,
        .slots = slots,
        .fault_ep = fault_ep,
        .fault_badge = FP_PROC_FAULT_BADGE,
        .priority = prio,
        .mcp = prio,
        .caps = &pc,
        .num_caps = 1,
    };
    const seL4_CPtr own = seL4_CapInitThreadASIDPool;
    if (pool) {
        CHECK_EQ(seL4_CNode_Move(ROOT, keep, D, ROOT, own, D), seL4_NoError);
        CHECK_EQ(seL4_CNode_Move(ROOT, own, D, ROOT, pool, D), seL4_NoError);
    }
    seL4_Error err = sel4ish_process_create(&a->proc, &c);
    CHECK_EQ(err, seL4_NoError);
    if (pool) {
        CHECK_EQ(seL4_CNode_Move(ROOT, pool, D, ROOT, own, D), seL4_NoError);
        CHECK_EQ(seL4_CNode_Move(ROOT, own, D, ROOT, keep, D), seL4_NoError);
    }
    if (err == seL4_NoError) {
        err = sel4ish_process_start(&a->proc, fp_process_main, (seL4_Word)script | e->debug);
        CHECK_EQ(err, seL4_NoError);
    }
    return err == seL4_NoError ? a : NULL;
}

/* Copies n words at offset off of a process actor's fp_self into its copy (threads: nothing). */
static void fp_sync(fp_actor_t *a, seL4_Word off, seL4_Word n)
{
    if (!a->is_process) {
        return;
    }
    seL4_Word *dst = (seL4_Word *)((char *)a + off);
    for (seL4_Word i = 0; i < n / sizeof(seL4_Word); i++) {
        seL4_Word v = 0;
        CHECK_EQ(sel4ish_process_read_word(&a->proc, (seL4_Word)&fp_self + off + 8 * i, &v),
                 seL4_NoError);
        dst[i] = v;
    }
}

/* Steps the actor finished. */
static seL4_Word fp_done(fp_actor_t *a)
{
    fp_sync(a, offsetof(fp_actor_t, done), sizeof(seL4_Word));
    return a->done;
}

/* What step k of the actor saw. */
static const fp_rec_t *fp_rec(fp_actor_t *a, seL4_Word k)
{
    fp_sync(a, offsetof(fp_actor_t, rec) + k * sizeof(fp_rec_t), sizeof(fp_rec_t));
    return &a->rec[k];
}

static void fp_destroy(fp_actor_t *a)
{
    if (!a) {
        return;
    }
    if (a->is_process) {
        CHECK_EQ(sel4ish_process_destroy(&a->proc), seL4_NoError);
    } else {
        fh_thread_destroy(&a->th);
    }
}

/* Debug kernels: exactly n fastpath completions between the readings from and to. */
#define FP_PATH(e, from, to, n)                                                                    \
    do {                                                                                           \
        if ((e)->debug) {                                                                          \
            CHECK_EQ((to) - (from), (n));                                                          \
        }                                                                                          \
    } while (0)

/*
 * Checks what receiving step k (script s, party seed) saw in r: badge, message info (label,
 * length, extra caps and unwrapped bits `caps`), MR0..MR3 in their registers and the words past
 * them in the IPC buffer, nothing written past the message, every other register as it went in
 * (rcx and r11 excepted). With past, the message registers past the length too (as they went
 * in: the kernel writes only `length` message registers).
 */
static void fp_check_msg_at(const fp_step_t *s, seL4_Word seed, seL4_Word k, const fp_rec_t *r,
                            seL4_Word badge, seL4_Word label, seL4_Word len, seL4_Word caps,
                            bool past, int line)
{
    fp_regs_t in;
    fp_inputs(s, seed, k, &in);
    seL4_MessageInfo_t want = seL4_MessageInfo_new(label, caps >> 2, caps & 3, len);
    test_check_eq(r->out.rdi, badge, __FILE__, line, "badge (rdi)", "expected");
    test_check_eq(r->out.rsi, want.words[0], __FILE__, line, "info (rsi)", "expected");
    for (unsigned i = 0; i < 4; i++) {
        seL4_Word got = fp_reg(&r->out, fp_mr_reg[i]);
        if (i < len) {
            test_check_eq(got, fp_word(label, i), __FILE__, line, fp_reg_names[fp_mr_reg[i]],
                          "message word");
        } else if (past) {
            test_check_eq(got, fp_reg(&in, fp_mr_reg[i]), __FILE__, line,
                          fp_reg_names[fp_mr_reg[i]], "its value before (past the length)");
        }
    }
    static const unsigned kept[] = {FP_RAX, FP_RBX, FP_RDX, FP_RBP, FP_R12, FP_R13, FP_R14};
    for (unsigned i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
        test_check_eq(fp_reg(&r->out, kept[i]), fp_reg(&in, kept[i]), __FILE__, line,
                      fp_reg_names[kept[i]], "its value before");
    }
    test_check_eq(r->out.rsp, r->out.rsp_in, __FILE__, line, "rsp", "its value before");
    test_check_eq(r->bad, 0, __FILE__, line, "wrong words past MR3", "0");
    test_check_eq(r->poison, 0, __FILE__, line, "words written past the message", "0");
}

/* Checks the message of step k of actor a (its script and seed). */
#define FP_CHECK_ACTOR(a, k, badge, label, len)                                                    \
    fp_check_msg_at(&(a)->script[k], (a)->seed, (k), fp_rec((a), (k)), (badge), (label), (len), 0, \
                    false, __LINE__)

/* Checks the message the test thread's step s (its k-th) received in r. */
#define FP_CHECK_MAIN(s, k, r, badge, label, len)                                                  \
    fp_check_msg_at((s), FP_SEED, (k), (r), (badge), (label), (len), 0, false, __LINE__)

/* The fastpath count now (0 on release kernels). */
static seL4_Word fp_count(fp_env_t *e)
{
    return e->debug ? seL4_DebugFastpathCount() : 0;
}

/* Checks every register of r against want (rcx and r11 excepted; rsp: as it went in). */
static void fp_check_regs_at(const fp_rec_t *r, const fp_regs_t *want, int line)
{
    for (unsigned i = 0; i < FP_NREGS; i++) {
        if (i == FP_RCX || i == FP_R11) {
            continue;
        }
        seL4_Word w = i == FP_RSP ? r->out.rsp_in : fp_reg(want, i);
        test_check_eq(fp_reg(&r->out, i), w, __FILE__, line, fp_reg_names[i], "expected");
    }
}
#define FP_CHECK_REGS(r, want) fp_check_regs_at((r), (want), __LINE__)

/* The registers step s (the k-th of the party with seed) went in with. */
static fp_regs_t fp_in(const fp_step_t *s, seL4_Word seed, seL4_Word k)
{
    fp_regs_t in;
    fp_inputs(s, seed, k, &in);
    return in;
}

/* FP_CHECK_ACTOR with extra caps and unwrapped bits: caps = unwrapped << 2 | extraCaps. */
#define FP_CHECK_ACTOR_CAPS(a, k, badge, label, len, caps)                                         \
    fp_check_msg_at(&(a)->script[k], (a)->seed, (k), fp_rec((a), (k)), (badge), (label), (len),    \
                    (caps), false, __LINE__)

/* The error reply of a Call: label err, MR0 = detail, nothing else changed. */
static fp_regs_t fp_error_reply(const fp_step_t *s, seL4_Word k, seL4_Word err, seL4_Word detail)
{
    fp_regs_t w = fp_in(s, FP_SEED, k);
    w.rdi = 0;
    w.rsi = seL4_MessageInfo_new(err, 0, 0, 1).words[0];
    w.r10 = detail;
    return w;
}

/* A fault message the test thread should find waiting on ep (NBRecv after the actors ran):
 * checks label and badge, returns its first words. */
static void fp_fault_msg(seL4_CPtr ep, seL4_Word badge, seL4_Word label, seL4_Word *mr, seL4_Word n)
{
    seL4_Word got = ~0ul;
    seL4_MessageInfo_t info = ih_recv(ep, &got);
    CHECK_EQ(seL4_MessageInfo_get_label(info), label);
    CHECK_EQ(got, badge);
    for (seL4_Word i = 0; i < n; i++) {
        mr[i] = seL4_GetMR((int)i);
    }
}

/* A new ASID pool (from a new 4 KiB untyped) in a new slot. */
static seL4_CPtr fp_asid_pool(void)
{
    seL4_CPtr ut = test_untyped(12), pool = test_slot();
    CHECK_EQ(seL4_X86_ASIDControl_MakePool(seL4_CapASIDControl, ut, ROOT, pool, D), seL4_NoError);
    return pool;
}

/* Deletes every capability to the process actor's ASID pool (the test's, then the process's
 * copy): its VSpace has no valid ASID any more. */
static void fp_kill_pool(fp_actor_t *p, seL4_CPtr pool)
{
    CHECK_EQ(seL4_CNode_Delete(ROOT, pool, D), seL4_NoError);
    CHECK_EQ(
        seL4_CNode_Delete(p->proc.cnode, seL4_CapInitThreadASIDPool, SEL4ISH_PROCESS_CNODE_BITS),
        seL4_NoError);
}

/* The registers of a stopped thread. */
static seL4_UserContext fp_read_regs(seL4_CPtr tcb)
{
    seL4_UserContext u = {0};
    CHECK_EQ(seL4_TCB_ReadRegisters(tcb, 0, 0, sizeof(u) / sizeof(seL4_Word), &u), seL4_NoError);
    return u;
}

/* Checks that the registers u hold the message (badge, label, len <= 4 pattern words). */
static void fp_check_user_msg_at(const seL4_UserContext *u, seL4_Word badge, seL4_Word label,
                                 seL4_Word len, int line)
{
    test_check_eq(u->rdi, badge, __FILE__, line, "rdi", "badge");
    test_check_eq(u->rsi, seL4_MessageInfo_new(label, 0, 0, len).words[0], __FILE__, line, "rsi",
                  "info");
    const seL4_Word mr[4] = {u->r10, u->r8, u->r9, u->r15};
    for (seL4_Word i = 0; i < len; i++) {
        test_check_eq(mr[i], fp_word(label, i), __FILE__, line, "MR", "message word");
    }
}
#define FP_CHECK_USER_MSG(u, badge, label, len)                                                    \
    fp_check_user_msg_at((u), (badge), (label), (len), __LINE__)

/* The cptr of a script step for thread actors: the process scripts name FP_PROC_EP; threads
 * get these copies with cap replaced. */
static void fp_script_for(const fp_step_t *script, seL4_CPtr cap, fp_step_t *out, seL4_Word *n)
{
    for (*n = 0; script[*n].op != FP_END; (*n)++) {
        out[*n] = script[*n];
        if (out[*n].cap == FP_PROC_EP) {
            out[*n].cap = cap;
        }
    }
}

/* ---- The fastpath's own case: 0..4 words, a waiting partner it may switch to ------------- */

/* A server: receives, then answers the n-th call with L(0x20 + n), 4 - n words. */
static const fp_step_t fp_echo_script[] = {
    FP_STEP(FP_RECV, FP_PROC_EP, 0, 0),
    FP_STEP(FP_REPLYRECV, FP_PROC_EP, L(0x20), 4),
    FP_STEP(FP_REPLYRECV, FP_PROC_EP, L(0x21), 3),
    FP_STEP(FP_REPLYRECV, FP_PROC_EP, L(0x22), 2),
    FP_STEP(FP_REPLYRECV, FP_PROC_EP, L(0x23), 1),
    FP_STEP(FP_REPLYRECV, FP_PROC_EP, L(0x24), 0),
    FP_STEP(FP_END, 0, 0, 0),
};

/* A client: calls with 0..4 words (label L(n)), then sends L(9). */
static const fp_step_t fp_client_script[] = {
    FP_STEP(FP_CALL, FP_PROC_EP, L(0), 0),
    FP_STEP(FP_CALL, FP_PROC_EP, L(1), 1),
    FP_STEP(FP_CALL, FP_PROC_EP, L(2), 2),
    FP_STEP(FP_CALL, FP_PROC_EP, L(3), 3),
    FP_STEP(FP_CALL, FP_PROC_EP, L(4), 4),
    FP_STEP(FP_SEND, FP_PROC_EP, L(9), 1),
    FP_STEP(FP_END, 0, 0, 0),
};

/* The test thread calls the waiting echo server srv on cap (badge) with 0..4 words: every call
 * and every answer takes the fastpath and delivers exactly; with past, the message registers
 * past each length keep what they held. */
static void fp_calls_to_server(fp_env_t *e, fp_actor_t *srv, seL4_CPtr cap, seL4_Word badge,
                               bool past)
{
    for (seL4_Word n = 0; n <= 4; n++) {
        fp_step_t c = FP_STEP(FP_CALL, cap, L(n), n);
        fp_rec_t r;
        fp_exec(&c, FP_SEED, n, &r, e->debug);
        CHECK_EQ(fp_done(srv), n + 1);
        const fp_rec_t *sr = fp_rec(srv, n);
        fp_check_msg_at(&srv->script[n], srv->seed, n, sr, badge, L(n), n, 0, past, __LINE__);
        fp_check_msg_at(&c, FP_SEED, n, &r, 0, L(0x20 + n), 4 - n, 0, past, __LINE__);
        FP_PATH(e, r.before, sr->after, 1); /* the Call */
        FP_PATH(e, sr->after, r.after, 1);  /* the ReplyRecv that answered it */
    }
}

static void fastpath_baseline_threads(void)
{
    fp_env_t e;
    if (!fp_init(&e)) {
        return;
    }
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    seL4_Word badge = 0xfedcba9876543210ul;
    seL4_CPtr bep = ih_mint(ep, seL4_AllRights, badge);
    fp_step_t st[FP_MAX_STEPS];
    seL4_Word n;
    fp_script_for(fp_echo_script, ep, st, &n);
    fp_actor_t *srv = fp_thread(&e, FP_ACTOR_PRIO, st, n);
    if (!srv) {
        return;
    }
    ih_settle();
    fp_calls_to_server(&e, srv, bep, badge, false);
    fp_destroy(srv);
}
DEFINE_TEST(FASTPATH0001, "one address space: Call and ReplyRecv of 0..4 words take the fastpath",
            fastpath_baseline_threads);

static void fastpath_baseline_process(void)
{
    fp_env_t e;
    if (!fp_init(&e)) {
        return;
    }
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    seL4_Word badge = 0x1;
    seL4_CPtr bep = ih_mint(ep, seL4_AllRights, badge);
    fp_actor_t *srv = fp_process(&e, FP_ACTOR_PRIO, fp_echo_script, ep, 0, e.fault.ep, 0);
    if (!srv) {
        return;
    }
    ih_settle();
    fp_calls_to_server(&e, srv, bep, badge, false);
    fp_destroy(srv);
}
DEFINE_TEST(FASTPATH0002, "address spaces: Call to a process server and its ReplyRecv, fastpath",
            fastpath_baseline_process);

/* The test thread serves the client cl (fp_client_script, calling with badge): its Recv and
 * ReplyRecvs of 4..0 words take the fastpath both ways. */
static void fp_serve_client(fp_env_t *e, fp_actor_t *cl, seL4_CPtr ep, seL4_Word badge)
{
    fp_step_t s = FP_STEP(FP_RECV, ep, 0, 0);
    fp_rec_t r;
    fp_exec(&s, FP_SEED, 0, &r, e->debug);
    for (seL4_Word n = 0; n <= 4; n++) {
        FP_CHECK_MAIN(&s, n, &r, badge, L(n), n);
        FP_PATH(e, fp_rec(cl, n)->before, r.after, 1); /* the client's Call */
        fp_step_t rr = FP_STEP(FP_REPLYRECV, ep, L(0x20 + n), 4 - n);
        s = rr;
        fp_exec(&s, FP_SEED, n + 1, &r, e->debug);
        FP_CHECK_ACTOR(cl, n, 0, L(0x20 + n), 4 - n);
        FP_PATH(e, r.before, fp_rec(cl, n)->after, 1); /* the ReplyRecv */
    }
    FP_CHECK_MAIN(&s, 5, &r, badge, L(9), 1); /* the client's Send */
    ih_settle();
    CHECK_EQ(fp_done(cl), 6);
}

static void fastpath_baseline_server_threads(void)
{
    fp_env_t e;
    if (!fp_init(&e)) {
        return;
    }
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    seL4_Word badge = 0x8000000000000001ul;
    fp_step_t st[FP_MAX_STEPS];
    seL4_Word n;
    fp_script_for(fp_client_script, ih_mint(ep, seL4_AllRights, badge), st, &n);
    fp_actor_t *cl = fp_thread(&e, FP_ACTOR_PRIO, st, n);
    if (cl) {
        fp_serve_client(&e, cl, ep, badge);
    }
    fp_destroy(cl);
}
DEFINE_TEST(FASTPATH0003, "one address space: the test thread serves a caller, fastpath both ways",
            fastpath_baseline_server_threads);

static void fastpath_baseline_server_process(void)
{
    fp_env_t e;
    if (!fp_init(&e)) {
        return;
    }
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    seL4_Word badge = 0x5a5a;
    fp_actor_t *cl = fp_process(&e, FP_ACTOR_PRIO, fp_client_script, ep, badge, e.fault.ep, 0);
    if (cl) {
        fp_serve_client(&e, cl, ep, badge);
    }
    fp_destroy(cl);
}
DEFINE_TEST(FASTPATH0004, "address spaces: the test thread serves a process, fastpath both ways",
            fastpath_baseline_server_process);

/* The message registers past a message's length: the kernel writes only `length` of them. */
static void fastpath_registers_past_length(void)
{
    fp_env_t e;
    if (!fp_init(&e)) {
        return;
    }
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    fp_step_t st[FP_MAX_STEPS];
    seL4_Word n;
    fp_script_for(fp_echo_script, ep, st, &n);
    fp_actor_t *srv = fp_thread(&e, FP_ACTOR_PRIO, st, n);
    if (!srv) {
        return;
    }
    /* The fastpath both ways. */
    ih_settle();
    fp_calls_to_server(&e, srv, ep, 0, true);
    /* The slowpath both ways: each Call finds nobody waiting, each answer is a Reply. */
    ep = test_object(seL4_EndpointObject, 0);
    const fp_step_t slow[] = {
        FP_STEP(FP_RECV, ep, 0, 0), FP_STEP(FP_REPLY, 0, L(0x20), 3),
        FP_STEP(FP_RECV, ep, 0, 0), FP_STEP(FP_REPLY, 0, L(0x21), 2),
        FP_STEP(FP_RECV, ep, 0, 0), FP_STEP(FP_REPLY, 0, L(0x22), 0),
    };
    fp_actor_t *s2 = fp_thread(&e, FP_ACTOR_PRIO, slow, 6);
    for (seL4_Word i = 0; s2 && i < 3; i++) {
        fp_step_t c = FP_STEP(FP_CALL, ep, L(0x10 + i), i);
        fp_rec_t r;
        fp_exec(&c, FP_SEED, 0x10 + i, &r, e.debug);
        const fp_rec_t *sr = fp_rec(s2, 2 * i);
        fp_check_msg_at(&s2->script[2 * i], s2->seed, 2 * i, sr, 0, L(0x10 + i), i, 0, true,
                        __LINE__);
        fp_check_msg_at(&c, FP_SEED, 0x10 + i, &r, 0, L(0x20 + i), i == 2 ? 0 : 3 - i, 0, true,
                        __LINE__);
        FP_PATH(&e, r.before, r.after, 0);
    }
    fp_destroy(srv);
    fp_destroy(s2);
}
DEFINE_TEST(FASTPATH0005, "message registers past the length keep their values, both paths",
            fastpath_registers_past_length);

/* ---- Call: the conditions under which the general path runs ------------------------------- */

static void fastpath_call_long(void)
{
    fp_env_t e;
    if (!fp_init(&e)) {
        return;
    }
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    seL4_CPtr bep = ih_mint(ep, seL4_AllRights, 0x77);
    const fp_step_t st[] = {
        FP_STEP(FP_RECV, ep, 0, 0),
        FP_STEP(FP_REPLYRECV, ep, L(0x20), 2),
        FP_STEP(FP_REPLYRECV, ep, L(0x21), 3),
        FP_STEP(FP_REPLYRECV, ep, L(0x22), 4),
    };
    fp_actor_t *srv = fp_thread(&e, FP_ACTOR_PRIO, st, 4);
    if (!srv) {
        return;
    }
    ih_settle();
    static const seL4_Word len[3] = {4, 5, 10}, fast[3] = {1, 0, 0};
    for (seL4_Word i = 0; i < 3; i++) {
        fp_step_t c = FP_STEP(FP_CALL, bep, L(i), len[i]);
        fp_rec_t r;
        fp_exec(&c, FP_SEED, i, &r, e.debug);
        FP_CHECK_ACTOR(srv, i, 0x77, L(i), len[i]);
        FP_CHECK_MAIN(&c, i, &r, 0, L(0x20 + i), 2 + i);
        FP_PATH(&e, r.before, fp_rec(srv, i)->after, fast[i]);
        FP_PATH(&e, fp_rec(srv, i)->after, r.after, 1);
    }
    fp_destroy(srv);
}
DEFINE_TEST(FASTPATH0006, "Call of 5 and 10 words: the general path; words past MR3 arrive",
            fastpath_call_long);

static void fastpath_call_caps(void)
{
    fp_env_t e;
    if (!fp_init(&e)) {
        return;
    }
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    seL4_CPtr ntfn = test_object(seL4_NotificationObject, 0);
    seL4_CPtr bep = ih_mint(ep, seL4_AllRights, 0x5a);
    seL4_CPtr no_grant = ih_mint(ep, seL4_CapRights_new(1, 0, 1, 1), 0x5b);
    seL4_CPtr rs[3] = {test_slot(), test_slot(), test_slot()};
    fp_step_t st[4] = {
        FP_STEP(FP_RECV, ep, 0, 0),
        FP_STEP(FP_REPLYRECV, ep, L(0x20), 1),
        FP_STEP(FP_REPLYRECV, ep, L(0x21), 1),
        FP_STEP(FP_REPLYRECV, ep, L(0x22), 1),
    };
    for (int i = 0; i < 3; i++) {
        st[i].recv = rs[i];
    }
    fp_actor_t *srv = fp_thread(&e, FP_ACTOR_PRIO, st, 4);
    if (!srv) {
        return;
    }
    ih_settle();
    /* A notification capability: copied to the receive slot. An endpoint capability to the
     * endpoint itself: unwrapped (its badge). Sent without Grant: dropped. */
    fp_step_t c[3] = {
        FP_STEP(FP_CALL, bep, L(0), 2),
        FP_STEP(FP_CALL, bep, L(1), 3),
        FP_STEP(FP_CALL, no_grant, L(2), 1),
    };
    c[0].caps[0] = ntfn;
    c[1].caps[0] = bep;
    c[2].caps[0] = ntfn;
    static const seL4_Word badge[3] = {0x5a, 0x5a, 0x5b}, caps[3] = {1, (1 << 2) | 1, 0};
    for (seL4_Word i = 0; i < 3; i++) {
        c[i].extra = 1;
        fp_rec_t r;
        fp_exec(&c[i], FP_SEED, i, &r, e.debug);
        FP_CHECK_ACTOR_CAPS(srv, i, badge[i], L(i), c[i].length, caps[i]);
        FP_CHECK_MAIN(&c[i], i, &r, 0, L(0x20 + i), 1);
        FP_PATH(&e, r.before, fp_rec(srv, i)->after, 0);
        FP_PATH(&e, fp_rec(srv, i)->after, r.after, 1);
    }
    IH_CHECK_CAP(rs[0], IH_CAP_NOTIFICATION);
    CHECK_EQ(fp_rec(srv, 1)->cob[0], 0x5a);
    IH_CHECK_CAP(rs[1], IH_CAP_NULL);
    IH_CHECK_CAP(rs[2], IH_CAP_NULL);
    fp_destroy(srv);
}
DEFINE_TEST(FASTPATH0007, "Call with a capability: the general path transfers or unwraps it",
            fastpath_call_caps);

static void fastpath_call_not_endpoint(void)
{
    fp_env_t e;
    if (!fp_init(&e)) {
        return;
    }
    /* A notification: signalled; the Call returns an empty message, registers otherwise kept. */
    seL4_CPtr ntfn = test_object(seL4_NotificationObject, 0);
    fp_step_t c = FP_STEP(FP_CALL, ih_mint(ntfn, seL4_AllRights, 0x41), L(1), 2);
    fp_rec_t r;
    fp_exec(&c, FP_SEED, 1, &r, e.debug);
    fp_regs_t want = fp_in(&c, FP_SEED, 1);
    want.rdi = 0;
    want.rsi = 0;
    FP_CHECK_REGS(&r, &want);
    FP_PATH(&e, r.before, r.after, 0);
    seL4_Word got = 0;
    seL4_Poll(ntfn, &got);
    CHECK_EQ(got, 0x41);

    /* An empty slot: InvalidCapability. */
    c = (fp_step_t)FP_STEP(FP_CALL, test_slot(), L(2), 3);
    fp_exec(&c, FP_SEED, 2, &r, e.debug);
    want = fp_error_reply(&c, 2, seL4_InvalidCapability, 0);
    FP_CHECK_REGS(&r, &want);
    FP_PATH(&e, r.before, r.after, 0);

    /* A saved reply capability: the reply goes to its caller, the Call returns empty. */
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0), saved = test_slot();
    const fp_step_t cs = FP_STEP(FP_CALL, ih_mint(ep, seL4_AllRights, 0x42), L(3), 2);
    fp_actor_t *a = fp_thread(&e, FP_ACTOR_PRIO, &cs, 1);
    if (!a) {
        return;
    }
    fp_step_t rv = FP_STEP(FP_RECV, ep, 0, 0);
    fp_exec(&rv, FP_SEED, 3, &r, e.debug);
    FP_CHECK_MAIN(&rv, 3, &r, 0x42, L(3), 2);
    CHECK_EQ(seL4_CNode_SaveCaller(ROOT, saved, D), seL4_NoError);
    c = (fp_step_t)FP_STEP(FP_CALL, saved, L(4), 3);
    fp_exec(&c, FP_SEED, 4, &r, e.debug);
    want = fp_in(&c, FP_SEED, 4);
    want.rdi = 0;
    want.rsi = 0;
    FP_CHECK_REGS(&r, &want);
    FP_PATH(&e, r.before, r.after, 0);
    ih_settle();
    CHECK_EQ(fp_done(a), 1);
    FP_CHECK_ACTOR(a, 0, 0, L(4), 3);
    IH_CHECK_CAP(saved, IH_CAP_NULL);
    fp_destroy(a);

    /* A capability pointer that cannot be looked up (an endpoint's slot number with a wrong
     * guard bit; a receiver waits there): a capability fault (an actor's). */
    seL4_CPtr ep2 = test_object(seL4_EndpointObject, 0);
    const fp_step_t rs = FP_STEP(FP_RECV, ep2, 0, 0);
    fp_actor_t *srv = fp_thread(&e, FP_ACTOR_PRIO + 10, &rs, 1);
    const fp_step_t bad = FP_STEP(FP_CALL, ep2 | (1ul << 63), L(5), 1);
    a = fp_thread(&e, FP_ACTOR_PRIO, &bad, 1);
    if (!a || !srv) {
        return;
    }
    seL4_Word c0 = fp_count(&e);
    seL4_Word mr[5] = {0};
    fp_fault_msg(e.fault.ep, FP_FAULT_BADGE, seL4_Fault_CapFault, mr, 5);
    CHECK_EQ(mr[seL4_CapFault_Addr], ep2 | (1ul << 63));
    CHECK_EQ(mr[seL4_CapFault_InRecvPhase], 0);
    CHECK_EQ(mr[seL4_CapFault_LookupFailureType], seL4_GuardMismatch);
    FP_PATH(&e, c0, fp_count(&e), 0);
    CHECK_EQ(fp_done(a), 0);
    CHECK_EQ(fp_done(srv), 0);
    fp_destroy(a);
    fp_destroy(srv);
}
DEFINE_TEST(FASTPATH0008, "Call on a notification, an empty slot, a reply cap, a bad cptr",
            fastpath_call_not_endpoint);

static void fastpath_call_no_write(void)
{
    fp_env_t e;
    if (!fp_init(&e)) {
        return;
    }
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    seL4_CPtr ro = ih_mint(ep, seL4_CapRights_new(1, 1, 1, 0), 0x61);
    const fp_step_t st[] = {FP_STEP(FP_RECV, ep, 0, 0), FP_STEP(FP_REPLYRECV, ep, L(0x20), 1),
                            FP_STEP(FP_REPLYRECV, ep, L(0x21), 1)};
    fp_actor_t *srv = fp_thread(&e, FP_ACTOR_PRIO, st, 3);
    if (!srv) {
        return;
    }
    ih_settle();
    fp_step_t c = FP_STEP(FP_CALL, ro, L(1), 2);
    fp_rec_t r;
    fp_exec(&c, FP_SEED, 1, &r, e.debug);
    fp_regs_t want = fp_error_reply(&c, 1, seL4_InvalidCapability, 0);
    FP_CHECK_REGS(&r, &want);
    FP_PATH(&e, r.before, r.after, 0);
    ih_settle();
    CHECK_EQ(fp_done(srv), 0); /* still waiting */
    /* With Write, the same Call reaches it (the fastpath). */
    c = (fp_step_t)FP_STEP(FP_CALL, ih_mint(ep, seL4_AllRights, 0x62), L(2), 2);
    fp_exec(&c, FP_SEED, 2, &r, e.debug);
    FP_CHECK_ACTOR(srv, 0, 0x62, L(2), 2);
    FP_CHECK_MAIN(&c, 2, &r, 0, L(0x20), 1);
    FP_PATH(&e, r.before, r.after, 2);
    fp_destroy(srv);
}
DEFINE_TEST(FASTPATH0009, "Call on an endpoint without Write: InvalidCapability, nobody gets it",
            fastpath_call_no_write);

static void fastpath_call_no_grant(void)
{
    fp_env_t e;
    if (!fp_init(&e)) {
        return;
    }
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    /* Neither Grant nor GrantReply; Grant only; GrantReply only. */
    const seL4_CapRights_t rights[3] = {seL4_CapRights_new(0, 0, 1, 1),
                                        seL4_CapRights_new(0, 1, 1, 1),
                                        seL4_CapRights_new(1, 0, 1, 1)};
    for (seL4_Word i = 0; i < 3; i++) {
        seL4_Word badge = 0x70 + i;
        const fp_step_t cs = FP_STEP(FP_CALL, ih_mint(ep, rights[i], badge), L(i), 3);
        fp_actor_t *a = fp_thread(&e, FP_ACTOR_PRIO, &cs, 1);
        if (!a) {
            return;
        }
        fp_step_t rv = FP_STEP(FP_RECV, ep, 0, 0);
        fp_rec_t r;
        fp_exec(&rv, FP_SEED, i, &r, e.debug);
        FP_CHECK_MAIN(&rv, i, &r, badge, L(i), 3);
        FP_PATH(&e, fp_rec(a, 0)->before, r.after, i == 0 ? 0 : 1);
        seL4_CPtr saved = test_slot();
        CHECK_EQ(seL4_CNode_SaveCaller(ROOT, saved, D), seL4_NoError);
        IH_CHECK_CAP(saved, i == 0 ? IH_CAP_NULL : IH_CAP_REPLY);
        if (i > 0) {
            fp_step_t rp = FP_STEP(FP_SEND, saved, L(0x20 + i), 2);
            fp_exec(&rp, FP_SEED, 0x10 + i, &r, e.debug);
        }
        ih_settle();
        /* Without either right the caller stops in its Call: no reply can reach it. */
        CHECK_EQ(fp_done(a), i == 0 ? 0 : 1);
        if (i > 0) {
            FP_CHECK_ACTOR(a, 0, 0, L(0x20 + i), 2);
        }
        fp_destroy(a);
    }
}
DEFINE_TEST(FASTPATH0010, "Call without Grant or GrantReply: delivered, the caller stops",
            fastpath_call_no_grant);

static void fastpath_call_no_receiver(void)
{
    fp_env_t e;
    if (!fp_init(&e)) {
        return;
    }
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    /* Nobody waiting: the caller queues; the receiver takes its message from the queue. */
    const fp_step_t st[] = {FP_STEP(FP_RECV, ep, 0, 0), FP_STEP(FP_REPLYRECV, ep, L(0x20), 2)};
    fp_actor_t *srv = fp_thread(&e, FP_ACTOR_PRIO, st, 2);
    if (!srv) {
        return;
    }
    fp_step_t c = FP_STEP(FP_CALL, ep, L(1), 3);
    fp_rec_t r;
    fp_exec(&c, FP_SEED, 1, &r, e.debug);
    FP_CHECK_ACTOR(srv, 0, 0, L(1), 3);
    FP_CHECK_MAIN(&c, 1, &r, 0, L(0x20), 2);
    FP_PATH(&e, r.before, fp_rec(srv, 0)->after, 0);
    FP_PATH(&e, fp_rec(srv, 0)->after, r.after, 1);

    /* A sender queued first: the Call queues behind it. */
    ep = test_object(seL4_EndpointObject, 0);
    seL4_CPtr bb = ih_mint(ep, seL4_AllRights, 0xbb);
    const fp_step_t bs = FP_STEP(FP_SEND, bb, L(2), 1);
    fp_actor_t *b = fp_thread(&e, FP_ACTOR_PRIO + 10, &bs, 1);
    if (!b) {
        return;
    }
    ih_settle();
    CHECK_EQ(fp_done(b), 0);
    const fp_step_t st2[] = {FP_STEP(FP_RECV, ep, 0, 0), FP_STEP(FP_REPLYRECV, ep, L(0x21), 1),
                             FP_STEP(FP_REPLYRECV, ep, L(0x22), 2)};
    fp_actor_t *s2 = fp_thread(&e, FP_ACTOR_PRIO, st2, 3);
    if (!s2) {
        return;
    }
    c = (fp_step_t)FP_STEP(FP_CALL, ep, L(3), 2);
    fp_exec(&c, FP_SEED, 3, &r, e.debug);
    FP_CHECK_ACTOR(s2, 0, 0xbb, L(2), 1);
    FP_CHECK_ACTOR(s2, 1, 0, L(3), 2);
    FP_CHECK_MAIN(&c, 3, &r, 0, L(0x22), 2);
    FP_PATH(&e, r.before, fp_rec(s2, 1)->after, 0);
    FP_PATH(&e, fp_rec(s2, 1)->after, r.after, 1);
    CHECK_EQ(fp_done(b), 1);
    fp_destroy(srv);
    fp_destroy(b);
    fp_destroy(s2);
}
DEFINE_TEST(FASTPATH0011, "Call with nobody waiting, or senders queued: it queues, then delivered",
            fastpath_call_no_receiver);

static void fastpath_call_outranked(void)
{
    fp_env_t e;
    if (!fp_init(&e)) {
        return;
    }
    /* A ready thread above the (lower) receiver: the general path, which runs it first. Below
     * the receiver: the fastpath switches to the receiver. */
    static const seL4_Word hprio[2] = {60, 30};
    for (int v = 0; v < 2; v++) {
        seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
        const fp_step_t st[] = {FP_STEP(FP_RECV, ep, 0, 0),
                                FP_STEP(FP_REPLYRECV, ep, L(0x20 + v), 1)};
        fp_actor_t *rcv = fp_thread(&e, 40, st, 2);
        if (!rcv) {
            return;
        }
        ih_settle();
        const fp_step_t mark = FP_STEP(FP_MARK, 0, 0, 0);
        fp_actor_t *h = fp_thread(&e, hprio[v], &mark, 1);
        if (!h) {
            return;
        }
        fp_step_t c = FP_STEP(FP_CALL, ep, L(v), 2);
        fp_rec_t r;
        fp_exec(&c, FP_SEED, v, &r, e.debug);
        ih_settle();
        CHECK_EQ(fp_done(h), 1);
        FP_CHECK_ACTOR(rcv, 0, 0, L(v), 2);
        FP_CHECK_MAIN(&c, v, &r, 0, L(0x20 + v), 1);
        if (v == 0) {
            CHECK(fp_rec(h, 0)->seq < fp_rec(rcv, 0)->seq);
        } else {
            CHECK(fp_rec(rcv, 0)->seq < fp_rec(h, 0)->seq);
        }
        FP_PATH(&e, r.before, fp_rec(rcv, 0)->after, v == 0 ? 0 : 1);
        FP_PATH(&e, fp_rec(rcv, 0)->after, r.after, 1);
        fp_destroy(rcv);
        fp_destroy(h);
    }
}
DEFINE_TEST(FASTPATH0012, "Call to a receiver below a ready thread: the ready thread runs first",
            fastpath_call_outranked);

static const fp_step_t fp_recv_script[] = {
    FP_STEP(FP_RECV, FP_PROC_EP, 0, 0),
    FP_STEP(FP_END, 0, 0, 0),
};

static void fastpath_call_vspace_invalid(void)
{
    fp_env_t e;
    if (!fp_init(&e)) {
        return;
    }
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0), pool = fp_asid_pool();
    fp_actor_t *p = fp_process(&e, FP_ACTOR_PRIO, fp_recv_script, ep, 0, e.fault.ep, pool);
    if (!p) {
        return;
    }
    ih_settle(); /* it waits in Recv */
    fp_kill_pool(p, pool);
    const fp_step_t cs = FP_STEP(FP_CALL, ih_mint(ep, seL4_AllRights, 0x61), L(1), 3);
    fp_actor_t *a = fp_thread(&e, FP_ACTOR_PRIO + 10, &cs, 1);
    if (!a) {
        return;
    }
    /* The message reaches the process's registers; running with no address space, it faults
     * at its next instruction; the caller waits for a reply. */
    seL4_Word c0 = fp_count(&e);
    seL4_Word mr[4] = {0};
    fp_fault_msg(e.fault.ep, FP_PROC_FAULT_BADGE, seL4_Fault_VMFault, mr, 4);
    FP_PATH(&e, c0, fp_count(&e), 0);
    CHECK_EQ(mr[seL4_VMFault_IP], mr[seL4_VMFault_Addr]);
    seL4_UserContext u = fp_read_regs(p->proc.tcb);
    FP_CHECK_USER_MSG(&u, 0x61, L(1), 3);
    CHECK_EQ(u.rip, mr[seL4_VMFault_IP]);
    CHECK_EQ(fp_done(a), 0);
    fp_destroy(p);
    fp_destroy(a);
}
DEFINE_TEST(FASTPATH0013, "Call to a receiver whose VSpace lost its ASID: delivered, it faults",
            fastpath_call_vspace_invalid);

/* ---- ReplyRecv: the conditions under which the general path runs -------------------------- */

static void fastpath_replyrecv_long(void)
{
    fp_env_t e;
    if (!fp_init(&e)) {
        return;
    }
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0), bep = ih_mint(ep, seL4_AllRights, 0x71);
    const fp_step_t cs[] = {FP_STEP(FP_CALL, bep, L(0), 2), FP_STEP(FP_CALL, bep, L(1), 3),
                            FP_STEP(FP_CALL, bep, L(2), 1), FP_STEP(FP_SEND, bep, L(9), 0)};
    fp_actor_t *a = fp_thread(&e, FP_ACTOR_PRIO, cs, 4);
    if (!a) {
        return;
    }
    fp_step_t s = FP_STEP(FP_RECV, ep, 0, 0);
    fp_rec_t r;
    fp_exec(&s, FP_SEED, 0, &r, e.debug);
    FP_CHECK_MAIN(&s, 0, &r, 0x71, L(0), 2);
    /* Answers of 4 (the fastpath), 5 and 10 words (the general path). */
    static const seL4_Word len[3] = {4, 5, 10}, fast[3] = {1, 0, 0};
    for (seL4_Word i = 0; i < 3; i++) {
        s = (fp_step_t)FP_STEP(FP_REPLYRECV, ep, L(0x20 + i), len[i]);
        fp_exec(&s, FP_SEED, i + 1, &r, e.debug);
        FP_CHECK_ACTOR(a, i, 0, L(0x20 + i), len[i]);
        FP_PATH(&e, r.before, fp_rec(a, i)->after, fast[i]);
        if (i < 2) {
            FP_CHECK_MAIN(&s, i + 1, &r, 0x71, L(i + 1), i == 0 ? 3 : 1);
        } else {
            FP_CHECK_MAIN(&s, i + 1, &r, 0x71, L(9), 0);
        }
    }
    fp_destroy(a);
}
DEFINE_TEST(FASTPATH0014, "ReplyRecv of 5 and 10 words: the general path; every word arrives",
            fastpath_replyrecv_long);

static void fastpath_replyrecv_caps(void)
{
    fp_env_t e;
    if (!fp_init(&e)) {
        return;
    }
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0), bep = ih_mint(ep, seL4_AllRights, 0x72);
    seL4_CPtr no_grant = ih_mint(ep, seL4_ReadWrite, 0),
              ntfn = test_object(seL4_NotificationObject, 0);
    seL4_CPtr rs[2] = {test_slot(), test_slot()};
    fp_step_t cs[3] = {FP_STEP(FP_CALL, bep, L(0), 1), FP_STEP(FP_CALL, bep, L(1), 1),
                       FP_STEP(FP_SEND, bep, L(9), 0)};
    cs[0].recv = rs[0];
    cs[1].recv = rs[1];
    fp_actor_t *a = fp_thread(&e, FP_ACTOR_PRIO, cs, 3);
    if (!a) {
        return;
    }
    fp_step_t s = FP_STEP(FP_RECV, ep, 0, 0);
    fp_rec_t r;
    fp_exec(&s, FP_SEED, 0, &r, e.debug);
    /* Received through a capability with Grant: the reply grants the capability. The next
     * call is received through one without: its reply cannot. */
    for (seL4_Word i = 0; i < 2; i++) {
        s = (fp_step_t)FP_STEP(FP_REPLYRECV, i == 0 ? no_grant : ep, L(0x20 + i), 2);
        s.extra = 1;
        s.caps[0] = ntfn;
        fp_exec(&s, FP_SEED, i + 1, &r, e.debug);
        FP_CHECK_ACTOR_CAPS(a, i, 0, L(0x20 + i), 2, i == 0 ? 1 : 0);
        FP_PATH(&e, r.before, fp_rec(a, i)->after, 0);
        FP_CHECK_MAIN(&s, i + 1, &r, 0x72, i == 0 ? L(1) : L(9), i == 0 ? 1 : 0);
    }
    IH_CHECK_CAP(rs[0], IH_CAP_NOTIFICATION);
    IH_CHECK_CAP(rs[1], IH_CAP_NULL);
    fp_destroy(a);
}
DEFINE_TEST(FASTPATH0015, "ReplyRecv with a capability: the general path, as the reply may grant",
            fastpath_replyrecv_caps);

static void fastpath_replyrecv_bound_signal(void)
{
    fp_env_t e;
    if (!fp_init(&e)) {
        return;
    }
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0), bep = ih_mint(ep, seL4_AllRights, 0x81);
    seL4_CPtr ntfn = test_object(seL4_NotificationObject, 0);
    const fp_step_t cs[] = {FP_STEP(FP_CALL, bep, L(0), 1), FP_STEP(FP_SEND, bep, L(9), 0)};
    fp_actor_t *a = fp_thread(&e, FP_ACTOR_PRIO, cs, 2);
    if (!a) {
        return;
    }
    CHECK_EQ(seL4_TCB_BindNotification(IH_SELF, ntfn), seL4_NoError);
    fp_step_t s = FP_STEP(FP_RECV, ep, 0, 0);
    fp_rec_t r;
    fp_exec(&s, FP_SEED, 0, &r, e.debug);
    FP_CHECK_MAIN(&s, 0, &r, 0x81, L(0), 1);
    /* A signal pending: the reply goes out, the receive returns the signal at once. */
    seL4_Signal(ih_mint(ntfn, seL4_AllRights, 0x40));
    s = (fp_step_t)FP_STEP(FP_REPLYRECV, ep, L(0x20), 2);
    fp_exec(&s, FP_SEED, 1, &r, e.debug);
    fp_regs_t want = fp_in(&s, FP_SEED, 1);
    want.rdi = 0x40;
    FP_CHECK_REGS(&r, &want);
    FP_PATH(&e, r.before, r.after, 0);
    ih_settle();
    FP_CHECK_ACTOR(a, 0, 0, L(0x20), 2);
    seL4_Word badge = 0;
    CHECK_EQ(seL4_MessageInfo_get_label(ih_recv(ep, &badge)), L(9));
    CHECK_EQ(badge, 0x81);
    CHECK_EQ(seL4_TCB_UnbindNotification(IH_SELF), seL4_NoError);
    fp_destroy(a);
}
DEFINE_TEST(FASTPATH0016,
            "ReplyRecv with a bound notification signalled: replies, takes the signal",
            fastpath_replyrecv_bound_signal);

static void fastpath_replyrecv_sender_waiting(void)
{
    fp_env_t e;
    if (!fp_init(&e)) {
        return;
    }
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0), bep = ih_mint(ep, seL4_AllRights, 0x91);
    const fp_step_t cs[] = {FP_STEP(FP_CALL, bep, L(0), 1), FP_STEP(FP_SEND, bep, L(9), 0)};
    fp_actor_t *a = fp_thread(&e, FP_ACTOR_PRIO, cs, 2);
    if (!a) {
        return;
    }
    fp_step_t s = FP_STEP(FP_RECV, ep, 0, 0);
    fp_rec_t r;
    fp_exec(&s, FP_SEED, 0, &r, e.debug);
    const fp_step_t bs = FP_STEP(FP_SEND, ih_mint(ep, seL4_AllRights, 0x92), L(2), 2);
    fp_actor_t *b = fp_thread(&e, FP_ACTOR_PRIO, &bs, 1);
    if (!b) {
        return;
    }
    ih_settle();
    CHECK_EQ(fp_done(b), 0); /* queued */
    /* The receive half takes b's message at once. */
    s = (fp_step_t)FP_STEP(FP_REPLYRECV, ep, L(0x20), 3);
    fp_exec(&s, FP_SEED, 1, &r, e.debug);
    FP_CHECK_MAIN(&s, 1, &r, 0x92, L(2), 2);
    FP_PATH(&e, r.before, r.after, 0);
    ih_settle();
    CHECK_EQ(fp_done(b), 1);
    FP_CHECK_ACTOR(a, 0, 0, L(0x20), 3);
    CHECK_EQ(seL4_MessageInfo_get_label(ih_recv(ep, NULL)), L(9));
    fp_destroy(a);
    fp_destroy(b);
}
DEFINE_TEST(FASTPATH0017, "ReplyRecv with a sender waiting: replies, takes its message at once",
            fastpath_replyrecv_sender_waiting);

static void fastpath_replyrecv_no_caller(void)
{
    fp_env_t e;
    if (!fp_init(&e)) {
        return;
    }
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    /* After a Send: nobody to reply to; the receive blocks until a Call comes. */
    const fp_step_t bs = FP_STEP(FP_SEND, ih_mint(ep, seL4_AllRights, 0xa1), L(1), 1);
    fp_actor_t *b = fp_thread(&e, FP_ACTOR_PRIO + 10, &bs, 1);
    const fp_step_t cs = FP_STEP(FP_CALL, ih_mint(ep, seL4_AllRights, 0xa2), L(2), 2);
    if (!b) {
        return;
    }
    ih_settle();
    fp_actor_t *a = fp_thread(&e, FP_ACTOR_PRIO, &cs, 1);
    if (!a) {
        return;
    }
    fp_step_t s = FP_STEP(FP_RECV, ep, 0, 0);
    fp_rec_t r;
    fp_exec(&s, FP_SEED, 0, &r, e.debug);
    FP_CHECK_MAIN(&s, 0, &r, 0xa1, L(1), 1);
    s = (fp_step_t)FP_STEP(FP_REPLYRECV, ep, L(0x20), 3);
    fp_exec(&s, FP_SEED, 1, &r, e.debug);
    FP_CHECK_MAIN(&s, 1, &r, 0xa2, L(2), 2);
    FP_PATH(&e, r.before, fp_rec(a, 0)->before, 0); /* the ReplyRecv */
    FP_PATH(&e, fp_rec(a, 0)->before, r.after, 1);  /* a's Call */
    fp_step_t rp = FP_STEP(FP_REPLY, 0, L(0x21), 1);
    fp_exec(&rp, FP_SEED, 2, &r, e.debug);
    ih_settle();
    FP_CHECK_ACTOR(a, 0, 0, L(0x21), 1);

    /* After SaveCaller: the caller gets nothing; the saved capability answers it later. */
    const fp_step_t cs2 = FP_STEP(FP_CALL, ih_mint(ep, seL4_AllRights, 0xa3), L(3), 1);
    fp_actor_t *a2 = fp_thread(&e, FP_ACTOR_PRIO, &cs2, 1);
    if (!a2) {
        return;
    }
    s = (fp_step_t)FP_STEP(FP_RECV, ep, 0, 0);
    fp_exec(&s, FP_SEED, 3, &r, e.debug);
    FP_CHECK_MAIN(&s, 3, &r, 0xa3, L(3), 1);
    seL4_CPtr saved = test_slot();
    CHECK_EQ(seL4_CNode_SaveCaller(ROOT, saved, D), seL4_NoError);
    const fp_step_t bs2 = FP_STEP(FP_SEND, ih_mint(ep, seL4_AllRights, 0xa4), L(4), 0);
    fp_actor_t *b2 = fp_thread(&e, 40, &bs2, 1);
    if (!b2) {
        return;
    }
    s = (fp_step_t)FP_STEP(FP_REPLYRECV, ep, L(0x22), 2);
    fp_exec(&s, FP_SEED, 4, &r, e.debug);
    FP_CHECK_MAIN(&s, 4, &r, 0xa4, L(4), 0);
    FP_PATH(&e, r.before, r.after, 0);
    CHECK_EQ(fp_done(a2), 0);
    fp_step_t sv = FP_STEP(FP_SEND, saved, L(0x23), 2);
    fp_exec(&sv, FP_SEED, 5, &r, e.debug);
    ih_settle();
    CHECK_EQ(fp_done(a2), 1);
    FP_CHECK_ACTOR(a2, 0, 0, L(0x23), 2);
    fp_destroy(a);
    fp_destroy(b);
    fp_destroy(a2);
    fp_destroy(b2);
}
DEFINE_TEST(FASTPATH0018, "ReplyRecv with no reply capability: replies to nobody, then receives",
            fastpath_replyrecv_no_caller);

static void fastpath_replyrecv_unknown_syscall(void)
{
    fp_env_t e;
    if (!fp_init(&e)) {
        return;
    }
    seL4_CPtr fep = e.fault.ep;
    /* Label 0: the first words go to rax, rbx, rcx, rdx and the thread restarts at the
     * system call, now a Yield (rdx); nothing else of it changes. */
    const fp_step_t as[] = {FP_STEP(FP_UNKNOWN, 0, (seL4_Word)-0x77, 0),
                            FP_STEP(FP_SEND, e.fault.badged, L(9), 0)};
    fp_actor_t *a = fp_thread(&e, FP_ACTOR_PRIO, as, 2);
    if (!a) {
        return;
    }
    fp_step_t s = FP_STEP(FP_RECV, fep, 0, 0);
    fp_rec_t r;
    fp_exec(&s, FP_SEED, 0, &r, e.debug);
    fp_regs_t ain = fp_in(&as[0], a->seed, 0);
    CHECK_EQ(r.out.rdi, FP_FAULT_BADGE);
    CHECK_EQ(
        r.out.rsi,
        seL4_MessageInfo_new(seL4_Fault_UnknownSyscall, 0, 0, seL4_UnknownSyscall_Length).words[0]);
    CHECK_EQ(r.out.r10, ain.rax);
    CHECK_EQ(r.out.r8, ain.rbx);
    CHECK_EQ(r.out.r15, (seL4_Word)-0x77);
    s = (fp_step_t)FP_STEP(FP_REPLYRECV, fep, 0, 4);
    s.mr3 = (seL4_Word)seL4_SysYield;
    fp_exec(&s, FP_SEED, 1, &r, e.debug);
    FP_PATH(&e, r.before, r.after, 0);
    FP_CHECK_MAIN(&s, 1, &r, FP_FAULT_BADGE, L(9), 0);
    fp_regs_t want = ain;
    want.rax = fp_word(0, 0);
    want.rbx = fp_word(0, 1);
    want.rdx = (seL4_Word)seL4_SysYield;
    FP_CHECK_REGS(fp_rec(a, 0), &want);

    /* Another label: the thread stays stopped (here b's message comes next). */
    const fp_step_t as2[] = {FP_STEP(FP_UNKNOWN, 0, (seL4_Word)-0x78, 0),
                             FP_STEP(FP_SEND, e.fault.badged, L(9), 0)};
    fp_actor_t *a2 = fp_thread(&e, FP_ACTOR_PRIO, as2, 2);
    if (!a2) {
        return;
    }
    s = (fp_step_t)FP_STEP(FP_RECV, fep, 0, 0);
    fp_exec(&s, FP_SEED, 2, &r, e.debug);
    CHECK_EQ(seL4_MessageInfo_get_label((seL4_MessageInfo_t){{r.out.rsi}}),
             seL4_Fault_UnknownSyscall);
    const fp_step_t bs = FP_STEP(FP_SEND, e.fault.badged, L(8), 0);
    fp_actor_t *b = fp_thread(&e, FP_ACTOR_PRIO - 10, &bs, 1);
    if (!b) {
        return;
    }
    s = (fp_step_t)FP_STEP(FP_REPLYRECV, fep, 1, 2);
    fp_exec(&s, FP_SEED, 3, &r, e.debug);
    FP_PATH(&e, r.before, r.after, 0);
    FP_CHECK_MAIN(&s, 3, &r, FP_FAULT_BADGE, L(8), 0);
    CHECK_EQ(fp_done(a2), 0);
    fp_destroy(a);
    fp_destroy(a2);
    fp_destroy(b);
}
DEFINE_TEST(FASTPATH0019, "ReplyRecv to an UnknownSyscall fault: a fault reply, not a message",
            fastpath_replyrecv_unknown_syscall);

static void fastpath_replyrecv_vm_fault(void)
{
    fp_env_t e;
    if (!fp_init(&e)) {
        return;
    }
    seL4_Word addr = fh_unmapped(FH_REGION(7));
    const fp_step_t as[] = {FP_STEP(FP_TOUCH, 0, addr, 0),
                            FP_STEP(FP_SEND, e.fault.badged, L(9), 0)};
    fp_actor_t *a = fp_thread(&e, FP_ACTOR_PRIO, as, 2);
    if (!a) {
        return;
    }
    fp_step_t s = FP_STEP(FP_RECV, e.fault.ep, 0, 0);
    fp_rec_t r;
    fp_exec(&s, FP_SEED, 0, &r, e.debug);
    CHECK_EQ(seL4_MessageInfo_get_label((seL4_MessageInfo_t){{r.out.rsi}}), seL4_Fault_VMFault);
    CHECK_EQ(r.out.r8, addr);
    /* Map the page, put a value there, and answer with a message that fits the fastpath: the
     * thread retries its load and runs on. */
    seL4_CPtr frame = test_object(seL4_X86_4K, 0);
    CHECK_EQ(test_thread_map(frame, addr & ~(FH_PAGE - 1)), seL4_NoError);
    *(volatile seL4_Word *)addr = 0x600dcafe;
    s = (fp_step_t)FP_STEP(FP_REPLYRECV, e.fault.ep, L(0x20), 3);
    fp_exec(&s, FP_SEED, 1, &r, e.debug);
    FP_PATH(&e, r.before, r.after, 0);
    FP_CHECK_MAIN(&s, 1, &r, FP_FAULT_BADGE, L(9), 0);
    CHECK_EQ(fp_done(a) >= 1, 1);
    CHECK_EQ(fp_rec(a, 0)->out.rax, 0x600dcafe);
    fp_destroy(a);
}
DEFINE_TEST(FASTPATH0020, "ReplyRecv to a VMFault: the thread retries the access, runs on",
            fastpath_replyrecv_vm_fault);

static void fastpath_replyrecv_outranked(void)
{
    fp_env_t e;
    if (!fp_init(&e)) {
        return;
    }
    /* A ready thread above the (lower) caller: the general path, which runs it first. Below
     * the caller: the fastpath switches to the caller. */
    static const seL4_Word hprio[2] = {60, 30};
    for (int v = 0; v < 2; v++) {
        seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
        seL4_CPtr bep = ih_mint(ep, seL4_AllRights, 0xc1);
        const fp_step_t cs[] = {FP_STEP(FP_CALL, bep, L(v), 1), FP_STEP(FP_SEND, bep, L(9), 0)};
        fp_actor_t *a = fp_thread(&e, 40, cs, 2);
        if (!a) {
            return;
        }
        fp_step_t s = FP_STEP(FP_RECV, ep, 0, 0);
        fp_rec_t r;
        fp_exec(&s, FP_SEED, 2 * v, &r, e.debug);
        FP_CHECK_MAIN(&s, 2 * v, &r, 0xc1, L(v), 1);
        const fp_step_t mark = FP_STEP(FP_MARK, 0, 0, 0);
        fp_actor_t *h = fp_thread(&e, hprio[v], &mark, 1);
        if (!h) {
            return;
        }
        s = (fp_step_t)FP_STEP(FP_REPLYRECV, ep, L(0x20 + v), 2);
        fp_exec(&s, FP_SEED, 2 * v + 1, &r, e.debug);
        FP_CHECK_MAIN(&s, 2 * v + 1, &r, 0xc1, L(9), 0);
        ih_settle();
        CHECK_EQ(fp_done(h), 1);
        FP_CHECK_ACTOR(a, 0, 0, L(0x20 + v), 2);
        if (v == 0) {
            CHECK(fp_rec(h, 0)->seq < fp_rec(a, 0)->seq);
        } else {
            CHECK(fp_rec(a, 0)->seq < fp_rec(h, 0)->seq);
        }
        FP_PATH(&e, r.before, fp_rec(a, 0)->after, v == 0 ? 0 : 1);
        fp_destroy(a);
        fp_destroy(h);
    }
}
DEFINE_TEST(FASTPATH0021, "ReplyRecv to a caller below a ready thread: that thread runs first",
            fastpath_replyrecv_outranked);

static void fastpath_replyrecv_not_receivable(void)
{
    fp_env_t e;
    if (!fp_init(&e)) {
        return;
    }
    /* The server answers through ReplyRecv on: an endpoint without Read, an empty slot (both a
     * capability fault in the receive phase, after the reply went out), a notification (it
     * then waits for a signal). */
    seL4_CPtr ntfn = test_object(seL4_NotificationObject, 0);
    for (int v = 0; v < 3; v++) {
        seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
        seL4_CPtr rcap = v == 0   ? ih_mint(ep, seL4_CapRights_new(1, 1, 0, 1), 0)
                         : v == 1 ? test_slot()
                                  : ntfn;
        const fp_step_t st[] = {FP_STEP(FP_RECV, ep, 0, 0),
                                FP_STEP(FP_REPLYRECV, rcap, L(0x20 + v), 2)};
        fp_actor_t *srv = fp_thread(&e, FP_ACTOR_PRIO, st, 2);
        if (!srv) {
            return;
        }
        ih_settle();
        fp_step_t c = FP_STEP(FP_CALL, ep, L(v), 1);
        fp_rec_t r;
        fp_exec(&c, FP_SEED, v, &r, e.debug);
        FP_CHECK_MAIN(&c, v, &r, 0, L(0x20 + v), 2);
        FP_PATH(&e, r.before, fp_rec(srv, 0)->after, 1);
        FP_PATH(&e, fp_rec(srv, 0)->after, r.after, 0);
        if (v < 2) {
            seL4_Word mr[5] = {0};
            fp_fault_msg(e.fault.ep, FP_FAULT_BADGE, seL4_Fault_CapFault, mr, 5);
            CHECK_EQ(mr[seL4_CapFault_Addr], rcap);
            CHECK_EQ(mr[seL4_CapFault_InRecvPhase], 1);
            CHECK_EQ(mr[seL4_CapFault_LookupFailureType], seL4_MissingCapability);
            CHECK_EQ(mr[seL4_CapFault_BitsLeft], 0);
            CHECK_EQ(fp_done(srv), 1);
        } else {
            ih_settle();
            CHECK_EQ(fp_done(srv), 1); /* waiting on the notification */
            seL4_Signal(ih_mint(ntfn, seL4_AllRights, 0x44));
            ih_settle();
            CHECK_EQ(fp_done(srv), 2);
            fp_regs_t want = fp_in(&srv->script[1], srv->seed, 1);
            want.rdi = 0x44;
            FP_CHECK_REGS(fp_rec(srv, 1), &want);
        }
        fp_destroy(srv);
    }
}
DEFINE_TEST(FASTPATH0022, "ReplyRecv on no endpoint with Read: replies, then faults or waits",
            fastpath_replyrecv_not_receivable);

static const fp_step_t fp_call_script[] = {
    FP_STEP(FP_CALL, FP_PROC_EP, L(1), 2),
    FP_STEP(FP_END, 0, 0, 0),
};

static void fastpath_replyrecv_vspace_invalid(void)
{
    fp_env_t e;
    if (!fp_init(&e)) {
        return;
    }
    /* The process calls the test thread; its faults come to the same endpoint. */
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0), pool = fp_asid_pool();
    fp_actor_t *p = fp_process(&e, FP_ACTOR_PRIO, fp_call_script, ep, 0xe1, ep, pool);
    if (!p) {
        return;
    }
    fp_step_t s = FP_STEP(FP_RECV, ep, 0, 0);
    fp_rec_t r;
    fp_exec(&s, FP_SEED, 0, &r, e.debug);
    FP_CHECK_MAIN(&s, 0, &r, 0xe1, L(1), 2);
    FP_PATH(&e, fp_rec(p, 0)->before, r.after, 1);
    fp_kill_pool(p, pool);
    /* The reply reaches its registers; running with no address space, it faults. */
    s = (fp_step_t)FP_STEP(FP_REPLYRECV, ep, L(0x20), 3);
    fp_exec(&s, FP_SEED, 1, &r, e.debug);
    FP_PATH(&e, r.before, r.after, 0);
    CHECK_EQ(r.out.rdi, FP_PROC_FAULT_BADGE);
    CHECK_EQ(seL4_MessageInfo_get_label((seL4_MessageInfo_t){{r.out.rsi}}), seL4_Fault_VMFault);
    CHECK_EQ(r.out.r10, r.out.r8); /* ip = address */
    seL4_UserContext u = fp_read_regs(p->proc.tcb);
    FP_CHECK_USER_MSG(&u, 0, L(0x20), 3);
    CHECK_EQ(u.rip, r.out.r10);
    fp_destroy(p);
}
DEFINE_TEST(FASTPATH0023, "ReplyRecv to a caller whose VSpace lost its ASID: replied, it faults",
            fastpath_replyrecv_vspace_invalid);

/* ---- The fastpath's lookup ----------------------------------------------------------------- */

/* Slot i of the inner CNode of fastpath_two_level_cspace, from its client's CSpace root. */
#define FP_TWO_LEVEL(i) ((1ul << 32) | (i))

static void fastpath_two_level_cspace(void)
{
    fp_env_t e;
    if (!fp_init(&e)) {
        return;
    }
    /* Two CNodes of 16 slots, each with a 28-bit guard: 32 bits resolved per level. */
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    seL4_CPtr outer = test_cnode(4), inner = test_cnode(4);
    seL4_Word guard = seL4_CNode_CapData_new(0, 28).words[0];
    CHECK_EQ(seL4_CNode_Mint(outer, 1, 4, ROOT, inner, D, seL4_AllRights, guard), seL4_NoError);
    CHECK_EQ(seL4_CNode_Mint(inner, 2, 4, ROOT, ep, D, seL4_AllRights, 0xd2), seL4_NoError);
    fp_step_t st[FP_MAX_STEPS];
    seL4_Word n;
    fp_script_for(fp_client_script, FP_TWO_LEVEL(2), st, &n);
    fp_actor_t *cl = fp_thread(&e, FP_ACTOR_PRIO, st, n);
    if (!cl) {
        return;
    }
    /* It has not run yet: move it to that CSpace, where it finds its own TCB in slot 3. */
    CHECK_EQ(seL4_CNode_Copy(inner, 3, 4, ROOT, cl->th.tcb, D, seL4_AllRights), seL4_NoError);
    cl->self = FP_TWO_LEVEL(3);
    CHECK_EQ(seL4_TCB_SetSpace(cl->th.tcb, 0, outer, guard, seL4_CapInitThreadVSpace, 0),
             seL4_NoError);
    fp_serve_client(&e, cl, ep, 0xd2);
    fp_destroy(cl);
}
DEFINE_TEST(FASTPATH0024, "a caller with a two-level CSpace: its Calls take the fastpath too",
            fastpath_two_level_cspace);
