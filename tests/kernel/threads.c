/*
 * THREADS: the TCB invocations. Configure, SetSpace and SetIPCBuffer (the new roots and IPC
 * buffer are the ones the thread uses; seL4's checks and their order), priorities and their
 * maximum controlled priority limit, Suspend and Resume, Read/Write/CopyRegisters (register
 * values, sanitising, restart addresses) and notification binding.
 *
 * Second threads run in the root task's address space on the stacks below, each with an IPC
 * buffer frame of its own mapped in this file's region and TLS of its own at the top of its
 * stack (<sel4ish/tls.h>; loaded as fs_base by WriteRegisters), at priority 1 (below the test
 * thread), so they run only while the test thread is blocked. They use the ...WithMRs system
 * calls, which show the registers at work; threads_probe runs with an fs base of the test's
 * choosing instead, so it touches no TLS.
 *
 * "Not a TCB" is tested by invoking the root CNode: invoking an endpoint would be IPC.
 */
#include <sel4ish/tls.h>

#include "support.h"
#include "test.h"

#define ROOT      seL4_CapInitThreadCNode
#define VSPACE    seL4_CapInitThreadVSpace
#define SELF      seL4_CapInitThreadTCB
#define D         TEST_ROOT_DEPTH
#define PAGE_SIZE (1ul << seL4_PageBits)
#define N_REGS    20 /* seL4_UserContext */
#define N_FRAME   18 /* rip .. r15 */

#define CHILD_PRIO 1

/* 512 GiB regions (PML4 slots 192 and up): region n holds case n's IPC buffers. */
#define TH_REGION(n) (0x600000000000ul + ((seL4_Word)(n) << 39))

#define N_STACKS    4
#define STACK_WORDS 2048
static seL4_Word stacks[N_STACKS][STACK_WORDS] __attribute__((aligned(16)));

/* The messages second threads send. */
#define MSG_TICK 0x71c4

/* RFLAGS as WriteRegisters leaves them: IF and bit 1 always set, only the arithmetic flags and
 * DF kept (seL4's sanitiseRegister). */
#define RFLAGS_IF     0x200ul
#define RFLAGS_FIXED  0x202ul
#define RFLAGS_KEPT   0xcd5ul /* CF PF AF ZF SF DF OF */
#define SYSCALL_BYTES 0x050f  /* 0f 05, read as a little-endian u16 */

/* What a second thread works with (its rdi). */
typedef struct child_args {
    seL4_CPtr ep;     /* where it reports */
    seL4_CPtr out;    /* echo: where it sends what it received */
    seL4_CPtr park;   /* an endpoint nobody sends on: it blocks there when done */
    seL4_Word buffer; /* its IPC buffer */
    seL4_Word value;  /* what it sends / how long it waits */
    volatile seL4_Word counter;
} child_args_t;

typedef struct child {
    seL4_CPtr tcb;
    seL4_CPtr frame;      /* its IPC buffer frame */
    seL4_Word buffer;     /* the IPC buffer's address */
    seL4_Word *stack_top; /* where its stack starts, below its TLS area (16-byte aligned) */
    seL4_Word tls;        /* its thread pointer: the fs base start_regs gives it */
} child_t;

/* ---- Code the second threads run ---------------------------------------------------------- */

static void child_park(child_args_t *a)
{
    for (;;) {
        seL4_RecvWithMRs(a->park, seL4_Null, seL4_Null, seL4_Null, seL4_Null, seL4_Null);
    }
}

static void send1(seL4_CPtr ep, seL4_Word v)
{
    seL4_SendWithMRs(ep, seL4_MessageInfo_new(0, 0, 0, 1), &v, seL4_Null, seL4_Null, seL4_Null);
}

/* Sends value once, then parks. */
static void child_send_value(child_args_t *a)
{
    send1(a->ep, a->value);
    child_park(a);
}

/* Sends a 6-word message with label 0x77: MR0-3 in registers, MR4-5 from its own IPC buffer. */
static void child_send6(child_args_t *a)
{
    seL4_IPCBuffer *b = (seL4_IPCBuffer *)a->buffer;
    b->msg[4] = a->value + 4;
    b->msg[5] = a->value + 5;
    seL4_Word m0 = a->value, m1 = a->value + 1, m2 = a->value + 2, m3 = a->value + 3;
    seL4_SendWithMRs(a->ep, seL4_MessageInfo_new(0x77, 0, 0, 6), &m0, &m1, &m2, &m3);
    child_park(a);
}

/* Yields value times, then sends MSG_TICK and parks: lets lower threads run for a while. */
static void child_delay(child_args_t *a)
{
    for (seL4_Word i = 0; i < a->value; i++) {
        seL4_Yield();
    }
    send1(a->ep, MSG_TICK);
    child_park(a);
}

/* Counts and yields forever. */
static void child_count(child_args_t *a)
{
    for (;;) {
        a->counter++;
        seL4_Yield();
    }
}

/* Receives on ep forever, sending MR0 of each message to out. */
static void child_echo(child_args_t *a)
{
    for (;;) {
        seL4_Word m0 = 0;
        seL4_RecvWithMRs(a->ep, seL4_Null, &m0, seL4_Null, seL4_Null, seL4_Null);
        send1(a->out, m0);
    }
}

/* Waits on the notification ep forever (reporting each badge to out). */
static void child_wait(child_args_t *a)
{
    for (;;) {
        seL4_Word badge = 0;
        seL4_RecvWithMRs(a->ep, &badge, seL4_Null, seL4_Null, seL4_Null, seL4_Null);
        send1(a->out, badge);
    }
}

/*
 * threads_probe: records every register it starts with (seL4_UserContext order; fs_base and
 * gs_base as the word at %fs:0 and %gs:0) in threads_probe_seen, then sends one word on
 * threads_probe_ep and parks on threads_probe_park. threads_ud2: an undefined instruction.
 */
seL4_Word threads_probe_seen[N_REGS];
seL4_CPtr threads_probe_ep, threads_probe_park;

void threads_probe(void);
void threads_ud2(void);

__attribute__((used, noreturn)) void threads_probe_done(void)
{
    send1(threads_probe_ep, 1);
    for (;;) {
        seL4_RecvWithMRs(threads_probe_park, seL4_Null, seL4_Null, seL4_Null, seL4_Null, seL4_Null);
    }
}

__asm__(".text\n"
        /* Entered 2 bytes early (a forgotten system call restart), rax would be 0. */
        "    xorl %eax, %eax\n"
        ".globl threads_probe\n"
        "threads_probe:\n"
        "    movq %rsp, threads_probe_seen+8(%rip)\n"
        "    movq %rax, threads_probe_seen+24(%rip)\n"
        "    pushfq\n"
        "    popq %rax\n"
        "    movq %rax, threads_probe_seen+16(%rip)\n"
        "    movq %rbx, threads_probe_seen+32(%rip)\n"
        "    movq %rcx, threads_probe_seen+40(%rip)\n"
        "    movq %rdx, threads_probe_seen+48(%rip)\n"
        "    movq %rsi, threads_probe_seen+56(%rip)\n"
        "    movq %rdi, threads_probe_seen+64(%rip)\n"
        "    movq %rbp, threads_probe_seen+72(%rip)\n"
        "    movq %r8, threads_probe_seen+80(%rip)\n"
        "    movq %r9, threads_probe_seen+88(%rip)\n"
        "    movq %r10, threads_probe_seen+96(%rip)\n"
        "    movq %r11, threads_probe_seen+104(%rip)\n"
        "    movq %r12, threads_probe_seen+112(%rip)\n"
        "    movq %r13, threads_probe_seen+120(%rip)\n"
        "    movq %r14, threads_probe_seen+128(%rip)\n"
        "    movq %r15, threads_probe_seen+136(%rip)\n"
        "    leaq threads_probe(%rip), %rax\n"
        "    movq %rax, threads_probe_seen(%rip)\n"
        "    movq %fs:0, %rax\n"
        "    movq %rax, threads_probe_seen+144(%rip)\n"
        "    movq %gs:0, %rax\n"
        "    movq %rax, threads_probe_seen+152(%rip)\n"
        "    andq $-16, %rsp\n"
        "    call threads_probe_done\n"
        "    ud2\n"
        ".globl threads_ud2\n"
        "threads_ud2:\n"
        "    ud2\n");

/* The words threads_probe reads through %fs and %gs. */
static seL4_Word fs_marker = 0xf5f5f5f5f5f5f5f5ul, gs_marker = 0x6565656565656565ul;

/* ---- Helpers for the test thread ---------------------------------------------------------- */

/* Makes and maps the PDPT, page directory and page table for vaddr in the root VSpace. */
static void map_tables(seL4_Word vaddr)
{
    CHECK_EQ(seL4_X86_PDPT_Map(test_object(seL4_X86_PDPTObject, 0), VSPACE, vaddr,
                               seL4_X86_Default_VMAttributes),
             seL4_NoError);
    CHECK_EQ(seL4_X86_PageDirectory_Map(test_object(seL4_X86_PageDirectoryObject, 0), VSPACE, vaddr,
                                        seL4_X86_Default_VMAttributes),
             seL4_NoError);
    CHECK_EQ(seL4_X86_PageTable_Map(test_object(seL4_X86_PageTableObject, 0), VSPACE, vaddr,
                                    seL4_X86_Default_VMAttributes),
             seL4_NoError);
}

/* A new frame mapped read-write at page n of region (n 0 also makes the region's tables). */
static seL4_CPtr map_frame(unsigned region, unsigned n, seL4_Word *vaddr)
{
    seL4_Word v = TH_REGION(region) + n * PAGE_SIZE;
    if (n == 0) {
        map_tables(v);
    }
    seL4_CPtr f = test_object(seL4_X86_4K, 0);
    CHECK_EQ(seL4_X86_Page_Map(f, VSPACE, v, seL4_ReadWrite, seL4_X86_Default_VMAttributes),
             seL4_NoError);
    *vaddr = v;
    return f;
}

/* A new TCB (inactive, priority 0, no CSpace, VSpace or IPC buffer). */
static seL4_CPtr new_tcb(void)
{
    return test_object(seL4_TCBObject, 0);
}

/* Thread n (0 .. N_STACKS - 1) of the case using region: a new TCB with the root CNode and
 * VSpace, its own IPC buffer at page n of the region, stack n with its TLS area (IPC buffer
 * pointer: its buffer) on top, priority CHILD_PRIO; not started. */
static child_t child_new(unsigned region, unsigned n)
{
    child_t c;
    c.frame = map_frame(region, n, &c.buffer);
    c.tcb = new_tcb();
    c.tls = sel4ish_tls_init(&stacks[n][STACK_WORDS], (seL4_IPCBuffer *)c.buffer);
    c.stack_top = (seL4_Word *)(((seL4_Word)&stacks[n][STACK_WORDS] - sel4ish_tls_size()) & ~0xful);
    CHECK_EQ(seL4_TCB_Configure(c.tcb, 0, ROOT, 0, VSPACE, 0, c.buffer, c.frame), seL4_NoError);
    CHECK_EQ(seL4_TCB_SetPriority(c.tcb, SELF, CHILD_PRIO), seL4_NoError);
    return c;
}

/* Registers that start fn(a) on c's stack (as just after a call: rsp + 8 16-byte aligned)
 * with its TLS. */
static seL4_UserContext start_regs(const child_t *c, void (*fn)(child_args_t *), child_args_t *a)
{
    seL4_UserContext r = {0};
    r.rip = (seL4_Word)fn;
    r.rsp = (seL4_Word)c->stack_top - 8;
    r.rflags = RFLAGS_FIXED;
    r.rdi = (seL4_Word)a;
    r.fs_base = c->tls;
    return r;
}

/* Starts (or restarts from the beginning) fn(a) in c. */
static void child_start(const child_t *c, void (*fn)(child_args_t *), child_args_t *a)
{
    seL4_UserContext r = start_regs(c, fn, a);
    CHECK_EQ(seL4_TCB_Suspend(c->tcb), seL4_NoError);
    CHECK_EQ(seL4_TCB_WriteRegisters(c->tcb, 1, 0, N_REGS, &r), seL4_NoError);
}

/* Receives one message on ep and returns its MR0. */
static seL4_Word recv1(seL4_CPtr ep)
{
    seL4_Word m0 = 0;
    seL4_RecvWithMRs(ep, seL4_Null, &m0, seL4_Null, seL4_Null, seL4_Null);
    return m0;
}

/* Lets the second threads run for a while: (re)starts w delaying (it yields a->value times
 * then sends MSG_TICK on a->ep) and blocks until a message comes on a->ep. Returns that
 * message's MR0 (MSG_TICK unless another thread sent on a->ep first). */
static seL4_Word let_run(const child_t *w, child_args_t *a)
{
    child_start(w, child_delay, a);
    return recv1(a->ep);
}

static void check_range(seL4_Error err, seL4_Word min, seL4_Word max)
{
    CHECK_EQ(err, seL4_RangeError);
    seL4_ErrorDetail_t d = seL4_GetErrorDetail();
    CHECK_EQ(d.min, min);
    CHECK_EQ(d.max, max);
}

static void check_invalid_cap(seL4_Error err, seL4_Word index)
{
    CHECK_EQ(err, seL4_InvalidCapability);
    CHECK_EQ(seL4_GetErrorDetail().argument, index);
}

/* The root CNode with a guard of guard_size bits (data word for cspace_root_data). */
static seL4_Word guard_data(seL4_Word guard_size)
{
    return seL4_CNode_CapData_new(0, guard_size).words[0];
}

static seL4_UserContext read_regs(seL4_CPtr tcb)
{
    seL4_UserContext r = {0};
    CHECK_EQ(seL4_TCB_ReadRegisters(tcb, 0, 0, N_REGS, &r), seL4_NoError);
    return r;
}

static seL4_Word reg(const seL4_UserContext *r, unsigned i)
{
    return ((const seL4_Word *)r)[i];
}

/* A context of distinct recognisable values (rflags with only kept flags, canonical rip,
 * rsp and bases). */
static seL4_UserContext pattern_regs(seL4_Word base)
{
    seL4_UserContext r;
    seL4_Word *w = (seL4_Word *)&r;
    for (unsigned i = 0; i < N_REGS; i++) {
        w[i] = base + i;
    }
    r.rip = 0x400000 + base;
    r.rsp = 0x7f0000000000ul + (base << 4);
    r.rflags = 0x8d5 | RFLAGS_FIXED;
    r.fs_base = 0x10000 + base;
    r.gs_base = 0x20000 + base;
    return r;
}

/* ---- Configure, SetSpace, SetIPCBuffer ---------------------------------------------------- */

static void configure_runs_thread(void)
{
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    child_t c = child_new(0, 0);
    static child_args_t a;
    a = (child_args_t){
        .ep = ep, .park = test_object(seL4_EndpointObject, 0), .buffer = c.buffer, .value = 0x1230};
    child_start(&c, child_send6, &a);
    seL4_Word badge = 1, m[4] = {0};
    seL4_MessageInfo_t info = seL4_RecvWithMRs(ep, &badge, &m[0], &m[1], &m[2], &m[3]);
    CHECK_EQ(seL4_MessageInfo_get_label(info), 0x77);
    CHECK_EQ(seL4_MessageInfo_get_length(info), 6);
    CHECK_EQ(badge, 0);
    for (unsigned i = 0; i < 4; i++) {
        CHECK_EQ(m[i], 0x1230 + i);
    }
    /* MR4 and MR5 came from the child's own IPC buffer (the one Configure set). */
    CHECK_EQ(seL4_GetMR(4), 0x1234);
    CHECK_EQ(seL4_GetMR(5), 0x1235);
    CHECK_EQ(seL4_TCB_Suspend(c.tcb), seL4_NoError);
}
DEFINE_TEST(THREADS0001,
            "Configure: a new thread runs in the CSpace, VSpace and IPC buffer it was given",
            configure_runs_thread);

static void configure_errors(void)
{
    seL4_CPtr t = new_tcb(), ep = test_object(seL4_EndpointObject, 0);
    seL4_Word v;
    seL4_CPtr f = map_frame(1, 0, &v);
    /* The CSpace root must be a CNode (after its guard is set), the VSpace root a PML4 with an
     * ASID: IllegalOperation otherwise. */
    CHECK_EQ(seL4_TCB_Configure(t, 0, ep, 0, VSPACE, 0, v, f), seL4_IllegalOperation);
    CHECK_EQ(seL4_TCB_Configure(t, 0, ROOT, guard_data(61), VSPACE, 0, v, f),
             seL4_IllegalOperation);
    CHECK_EQ(seL4_TCB_Configure(t, 0, ROOT, 0, ep, 0, v, f), seL4_IllegalOperation);
    CHECK_EQ(seL4_TCB_Configure(t, 0, ROOT, 0, test_object(seL4_X64_PML4Object, 0), 0, v, f),
             seL4_IllegalOperation);
    CHECK_EQ(seL4_TCB_Configure(t, 0, ROOT, 0, ROOT, 0, v, f), seL4_IllegalOperation);
    /* The buffer must be 2^10 aligned, its frame a (RAM) frame. */
    CHECK_EQ(seL4_TCB_Configure(t, 0, ROOT, 0, VSPACE, 0, v + 8, f), seL4_AlignmentError);
    CHECK_EQ(seL4_TCB_Configure(t, 0, ROOT, 0, VSPACE, 0, v + 512, f), seL4_AlignmentError);
    CHECK_EQ(seL4_TCB_Configure(t, 0, ROOT, 0, VSPACE, 0, v, ep), seL4_IllegalOperation);
    CHECK_EQ(seL4_TCB_Configure(t, 0, ROOT, 0, VSPACE, 0, v, seL4_CapNull), seL4_IllegalOperation);
    /* An untyped with children cannot be derived: RevokeFirst. */
    seL4_CPtr ut = test_untyped(12);
    seL4_CPtr child = test_slot();
    CHECK_EQ(seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, ROOT, 0, 0, child, 1), seL4_NoError);
    CHECK_EQ(seL4_TCB_Configure(t, 0, ROOT, 0, VSPACE, 0, v, ut), seL4_RevokeFirst);
    /* seL4's order: the buffer is checked before the roots. */
    CHECK_EQ(seL4_TCB_Configure(t, 0, ep, 0, ep, 0, v + 8, f), seL4_AlignmentError);
    CHECK_EQ(seL4_TCB_Configure(t, 0, ep, 0, ep, 0, v, ut), seL4_RevokeFirst);
    /* Buffer 0: no IPC buffer, the frame argument is ignored. The VSpace data word is
     * ignored on x86-64. */
    CHECK_EQ(seL4_TCB_Configure(t, 0, ROOT, 0, VSPACE, 0, 0, ep), seL4_NoError);
    CHECK_EQ(seL4_TCB_Configure(t, 0, ROOT, 0, VSPACE, 0x1234, v, f), seL4_NoError);
    CHECK_EQ(seL4_TCB_Configure(t, 0, ROOT, guard_data(52), VSPACE, 0, v, f), seL4_NoError);
    /* Too few capabilities: TruncatedMessage. */
    seL4_Word mr[4] = {0, 0, 0, v};
    seL4_MessageInfo_t info = seL4_CallWithMRs(t, seL4_MessageInfo_new(TCBConfigure, 0, 0, 4),
                                               &mr[0], &mr[1], &mr[2], &mr[3]);
    CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_TruncatedMessage);
    /* Not a TCB: IllegalOperation. */
    CHECK_EQ(seL4_TCB_Configure(ROOT, 0, ROOT, 0, VSPACE, 0, v, f), seL4_IllegalOperation);
}
DEFINE_TEST(THREADS0002, "Configure errors, in seL4's order (buffer first, then the roots)",
            configure_errors);

/* A device frame in a fresh slot (0 if there is none); *ut is the device untyped it came
 * from (revoke it to give the memory back). */
static seL4_CPtr device_frame(seL4_CPtr *ut)
{
    seL4_BootInfo *bi = test_bootinfo();
    for (seL4_Word i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        if (!bi->untypedList[i].isDevice || bi->untypedList[i].sizeBits < seL4_PageBits) {
            continue;
        }
        seL4_CPtr f = test_slot();
        *ut = bi->untyped.start + i;
        if (seL4_Untyped_Retype(*ut, seL4_X86_4K, 0, ROOT, 0, 0, f, 1) == seL4_NoError) {
            return f;
        }
    }
    return 0;
}

static void set_ipc_buffer_errors(void)
{
    seL4_CPtr t = new_tcb(), ep = test_object(seL4_EndpointObject, 0);
    seL4_Word v;
    seL4_CPtr f = map_frame(2, 0, &v);
    CHECK_EQ(seL4_TCB_SetIPCBuffer(t, v + 0x200, f), seL4_AlignmentError);
    CHECK_EQ(seL4_TCB_SetIPCBuffer(t, v, ep), seL4_IllegalOperation);
    CHECK_EQ(seL4_TCB_SetIPCBuffer(t, v + 0x200, ep), seL4_IllegalOperation);
    seL4_CPtr dev_ut = 0, dev = device_frame(&dev_ut);
    CHECK(dev != 0);
    if (dev) {
        CHECK_EQ(seL4_TCB_SetIPCBuffer(t, v, dev), seL4_IllegalOperation);
        CHECK_EQ(seL4_TCB_Configure(t, 0, ROOT, 0, VSPACE, 0, v, dev), seL4_IllegalOperation);
        CHECK_EQ(seL4_CNode_Revoke(ROOT, dev_ut, D), seL4_NoError);
    }
    /* Any 1 KiB aligned address in the frame's page works (the frame need not be mapped
     * there); buffer 0 ignores the frame. */
    CHECK_EQ(seL4_TCB_SetIPCBuffer(t, v + 0xc00, f), seL4_NoError);
    CHECK_EQ(seL4_TCB_SetIPCBuffer(t, 0, ep), seL4_NoError);
    CHECK_EQ(seL4_TCB_SetIPCBuffer(t, 0x5000, f), seL4_NoError);
    CHECK_EQ(seL4_TCB_SetIPCBuffer(ROOT, v, f), seL4_IllegalOperation);
}
DEFINE_TEST(THREADS0003,
            "SetIPCBuffer: 1 KiB alignment (AlignmentError), a RAM frame (IllegalOperation)",
            set_ipc_buffer_errors);

static void set_ipc_buffer_used(void)
{
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    child_t c = child_new(3, 0);
    seL4_Word v2;
    seL4_CPtr f2 = map_frame(3, 1, &v2);
    static child_args_t a;
    /* The thread now takes MR4 and MR5 from the upper half of the second frame. */
    CHECK_EQ(seL4_TCB_SetIPCBuffer(c.tcb, v2 + 0x800, f2), seL4_NoError);
    a = (child_args_t){.ep = ep,
                       .park = test_object(seL4_EndpointObject, 0),
                       .buffer = v2 + 0x800,
                       .value = 0x500};
    child_start(&c, child_send6, &a);
    CHECK_EQ(recv1(ep), 0x500);
    CHECK_EQ(seL4_GetMR(4), 0x504);
    CHECK_EQ(seL4_GetMR(5), 0x505);
    CHECK_EQ(seL4_TCB_Suspend(c.tcb), seL4_NoError);
}
DEFINE_TEST(THREADS0004, "SetIPCBuffer: the thread's long messages come from the new buffer",
            set_ipc_buffer_used);

static void set_space_new_cspace(void)
{
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    child_t c = child_new(4, 0);
    /* A 16-slot CNode with a 60-bit guard resolves all 64 bits; slot 3 holds ep, slot 5 the
     * park endpoint. */
    seL4_CPtr cn = test_cnode(4);
    CHECK_EQ(seL4_CNode_Copy(cn, 3, 4, ROOT, ep, D, seL4_AllRights), seL4_NoError);
    CHECK_EQ(
        seL4_CNode_Copy(cn, 5, 4, ROOT, test_object(seL4_EndpointObject, 0), D, seL4_AllRights),
        seL4_NoError);
    CHECK_EQ(seL4_TCB_SetSpace(c.tcb, 0, cn, guard_data(60), VSPACE, 0), seL4_NoError);
    static child_args_t a;
    a = (child_args_t){.ep = 3, .park = 5, .buffer = c.buffer, .value = 0x3e3};
    child_start(&c, child_send_value, &a);
    CHECK_EQ(recv1(ep), 0x3e3);
    CHECK_EQ(seL4_TCB_Suspend(c.tcb), seL4_NoError);
}
DEFINE_TEST(THREADS0005, "SetSpace: the thread looks capabilities up in its new CSpace root",
            set_space_new_cspace);

static void set_space_fault_endpoint(void)
{
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    child_t c = child_new(5, 0);
    /* Faults go to the endpoint at fault_ep in the thread's CSpace (the root CNode). */
    CHECK_EQ(seL4_TCB_SetSpace(c.tcb, ep, ROOT, 0, VSPACE, 0), seL4_NoError);
    seL4_UserContext r = start_regs(&c, child_park, seL4_Null);
    r.rip = (seL4_Word)threads_ud2;
    CHECK_EQ(seL4_TCB_WriteRegisters(c.tcb, 1, 0, N_REGS, &r), seL4_NoError);
    seL4_Word m[4] = {0};
    seL4_MessageInfo_t info = seL4_RecvWithMRs(ep, seL4_Null, &m[0], &m[1], &m[2], &m[3]);
    CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_UserException);
    CHECK_EQ(m[0], (seL4_Word)threads_ud2);
    CHECK_EQ(m[1], r.rsp);
    CHECK_EQ(m[3], 6); /* #UD */
    CHECK_EQ(seL4_TCB_Suspend(c.tcb), seL4_NoError);
}
DEFINE_TEST(THREADS0006, "SetSpace: the thread's faults go to the fault endpoint it sets",
            set_space_fault_endpoint);

static void set_space_errors(void)
{
    seL4_CPtr t = new_tcb(), ep = test_object(seL4_EndpointObject, 0);
    CHECK_EQ(seL4_TCB_SetSpace(t, 0, ep, 0, VSPACE, 0), seL4_IllegalOperation);
    CHECK_EQ(seL4_TCB_SetSpace(t, 0, ROOT, guard_data(53), VSPACE, 0), seL4_IllegalOperation);
    CHECK_EQ(seL4_TCB_SetSpace(t, 0, ROOT, 0, ep, 0), seL4_IllegalOperation);
    CHECK_EQ(seL4_TCB_SetSpace(t, 0, ROOT, 0, test_object(seL4_X64_PML4Object, 0), 0),
             seL4_IllegalOperation);
    CHECK_EQ(seL4_TCB_SetSpace(t, 0, seL4_CapNull, 0, VSPACE, 0), seL4_IllegalOperation);
    CHECK_EQ(seL4_TCB_SetSpace(t, 0, ROOT, guard_data(52), VSPACE, 0), seL4_NoError);
    /* A root whose only capability is the TCB's own would take long to delete: replacing it
     * is IllegalOperation (seL4's slotCapLongRunningDelete). The root copy replaced first was
     * not the last one. */
    seL4_CPtr cn = test_cnode(2);
    CHECK_EQ(seL4_TCB_SetSpace(t, 0, cn, guard_data(62), VSPACE, 0), seL4_NoError);
    CHECK_EQ(seL4_CNode_Delete(ROOT, cn, D), seL4_NoError);
    CHECK_EQ(seL4_TCB_SetSpace(t, 0, ROOT, 0, VSPACE, 0), seL4_IllegalOperation);
    seL4_Word v;
    seL4_CPtr f = map_frame(6, 0, &v);
    CHECK_EQ(seL4_TCB_Configure(t, 0, ROOT, 0, VSPACE, 0, v, f), seL4_IllegalOperation);
    /* The buffer alone can still change. */
    CHECK_EQ(seL4_TCB_SetIPCBuffer(t, v, f), seL4_NoError);
    CHECK_EQ(seL4_TCB_SetSpace(ROOT, 0, ROOT, 0, VSPACE, 0), seL4_IllegalOperation);
}
DEFINE_TEST(THREADS0007,
            "SetSpace errors; a root being replaced must not be its object's last capability",
            set_space_errors);

static void buffer_cap_is_child(void)
{
    /* The TCB's buffer capability is a derived copy, a child of the frame capability given:
     * revoking that removes it, and the thread has no IPC buffer any more, so its messages
     * are cut to the 4 message registers (its buffer memory is still mapped and written). */
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    child_t c = child_new(7, 0);
    static child_args_t a;
    a = (child_args_t){
        .ep = ep, .park = test_object(seL4_EndpointObject, 0), .buffer = c.buffer, .value = 0x800};
    CHECK_EQ(seL4_CNode_Revoke(ROOT, c.frame, D), seL4_NoError);
    child_start(&c, child_send6, &a);
    seL4_Word m0 = 0;
    seL4_MessageInfo_t info = seL4_RecvWithMRs(ep, seL4_Null, &m0, seL4_Null, seL4_Null, seL4_Null);
    CHECK_EQ(seL4_MessageInfo_get_label(info), 0x77);
    CHECK_EQ(seL4_MessageInfo_get_length(info), 4);
    CHECK_EQ(m0, 0x800);
    CHECK_EQ(seL4_TCB_Suspend(c.tcb), seL4_NoError);
}
DEFINE_TEST(THREADS0008, "the installed IPC buffer capability is a child of the frame given",
            buffer_cap_is_child);

/* ---- Priorities --------------------------------------------------------------------------- */

static void priority_errors(void)
{
    seL4_CPtr t = new_tcb(), auth = new_tcb(), ep = test_object(seL4_EndpointObject, 0);
    /* A new TCB has priority 0 and maximum controlled priority 0. */
    check_range(seL4_TCB_SetPriority(t, auth, 1), 0, 0);
    check_range(seL4_TCB_SetMCPriority(t, auth, 1), 0, 0);
    CHECK_EQ(seL4_TCB_SetPriority(t, auth, 0), seL4_NoError);
    CHECK_EQ(seL4_TCB_SetMCPriority(auth, SELF, 50), seL4_NoError);
    check_range(seL4_TCB_SetPriority(t, auth, 51), 0, 50);
    check_range(seL4_TCB_SetPriority(t, auth, ~0ul), 0, 50);
    check_range(seL4_TCB_SetMCPriority(t, auth, 51), 0, 50);
    check_range(seL4_TCB_SetSchedParams(t, auth, 51, 10), 0, 50);
    check_range(seL4_TCB_SetSchedParams(t, auth, 10, 51), 0, 50);
    CHECK_EQ(seL4_TCB_SetPriority(t, auth, 50), seL4_NoError);
    CHECK_EQ(seL4_TCB_SetMCPriority(t, auth, 50), seL4_NoError);
    CHECK_EQ(seL4_TCB_SetSchedParams(t, auth, 20, 30), seL4_NoError);
    /* t's new maximum controlled priority (20) now bounds what t authorises, even for
     * itself. */
    check_range(seL4_TCB_SetPriority(t, t, 21), 0, 20);
    CHECK_EQ(seL4_TCB_SetPriority(t, t, 20), seL4_NoError);
    /* The authority must be a TCB: InvalidCapability(1). */
    check_invalid_cap(seL4_TCB_SetPriority(t, ep, 0), 1);
    check_invalid_cap(seL4_TCB_SetMCPriority(t, ep, 0), 1);
    check_invalid_cap(seL4_TCB_SetSchedParams(t, ep, 0, 0), 1);
    /* The authority is checked before the value. */
    check_invalid_cap(seL4_TCB_SetPriority(t, ep, 300), 1);
    /* No authority capability: TruncatedMessage. */
    seL4_Word prio = 0;
    seL4_MessageInfo_t info = seL4_CallWithMRs(t, seL4_MessageInfo_new(TCBSetPriority, 0, 0, 1),
                                               &prio, seL4_Null, seL4_Null, seL4_Null);
    CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_TruncatedMessage);
    CHECK_EQ(seL4_TCB_SetPriority(ROOT, SELF, 0), seL4_IllegalOperation);
}
DEFINE_TEST(THREADS0009,
            "priorities: RangeError(0, mcp) above the authority's mcp, InvalidCapability(1)",
            priority_errors);

static void priority_orders_threads(void)
{
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    seL4_CPtr park = test_object(seL4_EndpointObject, 0);
    child_t x = child_new(8, 0), y = child_new(8, 1);
    static child_args_t ax, ay;
    ax = (child_args_t){.ep = ep, .park = park, .value = 1};
    ay = (child_args_t){.ep = ep, .park = park, .value = 2};
    /* Both are ready when the test thread blocks: the higher priority runs first. */
    CHECK_EQ(seL4_TCB_SetPriority(x.tcb, SELF, 10), seL4_NoError);
    CHECK_EQ(seL4_TCB_SetPriority(y.tcb, SELF, 20), seL4_NoError);
    child_start(&x, child_send_value, &ax);
    child_start(&y, child_send_value, &ay);
    CHECK_EQ(recv1(ep), 2);
    CHECK_EQ(recv1(ep), 1);
    CHECK_EQ(seL4_TCB_SetSchedParams(x.tcb, SELF, 40, 30), seL4_NoError);
    child_start(&x, child_send_value, &ax);
    child_start(&y, child_send_value, &ay);
    CHECK_EQ(recv1(ep), 1);
    CHECK_EQ(recv1(ep), 2);
    /* Lowering the priority of a ready thread moves it too. */
    child_start(&x, child_send_value, &ax);
    child_start(&y, child_send_value, &ay);
    CHECK_EQ(seL4_TCB_SetPriority(x.tcb, SELF, 5), seL4_NoError);
    CHECK_EQ(recv1(ep), 2);
    CHECK_EQ(recv1(ep), 1);
    CHECK_EQ(seL4_TCB_Suspend(x.tcb), seL4_NoError);
    CHECK_EQ(seL4_TCB_Suspend(y.tcb), seL4_NoError);
}
DEFINE_TEST(THREADS0010, "SetPriority and SetSchedParams decide which ready thread runs first",
            priority_orders_threads);

/* ---- Suspend and Resume ------------------------------------------------------------------- */

static void suspend_resume_running(void)
{
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    seL4_CPtr park = test_object(seL4_EndpointObject, 0);
    child_t c = child_new(9, 0), w = child_new(9, 1);
    static child_args_t ac, aw;
    ac = (child_args_t){.park = park};
    aw = (child_args_t){.ep = ep, .park = park, .value = 20};
    child_start(&c, child_count, &ac);
    CHECK_EQ(let_run(&w, &aw), MSG_TICK);
    seL4_Word n1 = ac.counter;
    CHECK(n1 > 0);
    CHECK_EQ(seL4_TCB_Suspend(c.tcb), seL4_NoError);
    seL4_Word n2 = ac.counter;
    CHECK_EQ(let_run(&w, &aw), MSG_TICK);
    CHECK_EQ(ac.counter, n2);
    /* Suspending twice is harmless; Resume continues where it stopped. */
    CHECK_EQ(seL4_TCB_Suspend(c.tcb), seL4_NoError);
    CHECK_EQ(seL4_TCB_Resume(c.tcb), seL4_NoError);
    CHECK_EQ(let_run(&w, &aw), MSG_TICK);
    CHECK(ac.counter > n2);
    /* Resuming a thread that is not stopped changes nothing. */
    CHECK_EQ(seL4_TCB_Resume(c.tcb), seL4_NoError);
    CHECK_EQ(seL4_TCB_Suspend(c.tcb), seL4_NoError);
    CHECK_EQ(seL4_TCB_Suspend(w.tcb), seL4_NoError);
    CHECK_EQ(seL4_TCB_Suspend(ROOT), seL4_IllegalOperation);
    CHECK_EQ(seL4_TCB_Resume(ROOT), seL4_IllegalOperation);
}
DEFINE_TEST(THREADS0011, "Suspend stops a running thread; Resume continues it",
            suspend_resume_running);

static void suspend_cancels_ipc(void)
{
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    seL4_CPtr out = test_object(seL4_EndpointObject, 0);
    seL4_CPtr park = test_object(seL4_EndpointObject, 0);
    child_t e = child_new(10, 0), w = child_new(10, 1);
    static child_args_t ae, aw;
    ae = (child_args_t){.ep = ep, .out = out, .park = park};
    aw = (child_args_t){.ep = out, .park = park, .value = 5};
    child_start(&e, child_echo, &ae);
    CHECK_EQ(let_run(&w, &aw), MSG_TICK); /* e is now waiting on ep */
    seL4_Word v = 0x11;
    seL4_SendWithMRs(ep, seL4_MessageInfo_new(0, 0, 0, 1), &v, seL4_Null, seL4_Null, seL4_Null);
    CHECK_EQ(recv1(out), 0x11);
    CHECK_EQ(let_run(&w, &aw), MSG_TICK); /* waiting again */
    /* Suspended, it is no longer waiting: a non-blocking send finds no receiver. */
    CHECK_EQ(seL4_TCB_Suspend(e.tcb), seL4_NoError);
    v = 0xbad;
    seL4_NBSendWithMRs(ep, seL4_MessageInfo_new(0, 0, 0, 1), &v, seL4_Null, seL4_Null, seL4_Null);
    /* Resumed, it makes its Recv again. */
    CHECK_EQ(seL4_TCB_Resume(e.tcb), seL4_NoError);
    CHECK_EQ(let_run(&w, &aw), MSG_TICK);
    v = 0x600d;
    seL4_SendWithMRs(ep, seL4_MessageInfo_new(0, 0, 0, 1), &v, seL4_Null, seL4_Null, seL4_Null);
    CHECK_EQ(recv1(out), 0x600d);
    CHECK_EQ(seL4_TCB_Suspend(e.tcb), seL4_NoError);
    CHECK_EQ(seL4_TCB_Suspend(w.tcb), seL4_NoError);
}
DEFINE_TEST(THREADS0012, "Suspend cancels a blocked Recv; Resume makes the thread repeat it",
            suspend_cancels_ipc);

/* ---- ReadRegisters, WriteRegisters, CopyRegisters ----------------------------------------- */

static void write_read_registers(void)
{
    seL4_CPtr t = new_tcb();
    seL4_UserContext in = pattern_regs(0x1000);
    CHECK_EQ(seL4_TCB_WriteRegisters(t, 0, 0, N_REGS, &in), seL4_NoError);
    seL4_UserContext out = read_regs(t);
    for (unsigned i = 0; i < N_REGS; i++) {
        CHECK_EQ(reg(&out, i), reg(&in, i));
    }
    /* Fewer registers: only the first count change; reading fewer leaves the rest alone. */
    seL4_UserContext in2 = pattern_regs(0x2000);
    CHECK_EQ(seL4_TCB_WriteRegisters(t, 0, 0, 4, &in2), seL4_NoError);
    out = read_regs(t);
    for (unsigned i = 0; i < N_REGS; i++) {
        CHECK_EQ(reg(&out, i), reg(i < 4 ? &in2 : &in, i));
    }
    seL4_UserContext part;
    for (unsigned i = 0; i < N_REGS; i++) {
        ((seL4_Word *)&part)[i] = 0xdead;
    }
    CHECK_EQ(seL4_TCB_ReadRegisters(t, 0, 0, 3, &part), seL4_NoError);
    CHECK_EQ(part.rip, in2.rip);
    CHECK_EQ(part.rflags, in2.rflags);
    /* count 0 writes nothing. */
    CHECK_EQ(seL4_TCB_WriteRegisters(t, 0, 0, 0, &in), seL4_NoError);
    CHECK_EQ(read_regs(t).rip, in2.rip);
}
DEFINE_TEST(THREADS0013, "WriteRegisters then ReadRegisters gives the values back, count by count",
            write_read_registers);

static void register_errors(void)
{
    seL4_CPtr t = new_tcb();
    seL4_UserContext r = pattern_regs(0);
    check_range(seL4_TCB_ReadRegisters(t, 0, 0, 0, &r), 1, 20);
    check_range(seL4_TCB_ReadRegisters(t, 0, 0, 21, &r), 1, 20);
    /* A thread cannot read or write its own registers; the count is checked first. */
    CHECK_EQ(seL4_TCB_ReadRegisters(SELF, 0, 0, 20, &r), seL4_IllegalOperation);
    check_range(seL4_TCB_ReadRegisters(SELF, 0, 0, 0, &r), 1, 20);
    CHECK_EQ(seL4_TCB_WriteRegisters(SELF, 0, 0, 1, &r), seL4_IllegalOperation);
    CHECK_EQ(seL4_TCB_ReadRegisters(ROOT, 0, 0, 1, &r), seL4_IllegalOperation);
    CHECK_EQ(seL4_TCB_WriteRegisters(ROOT, 0, 0, 1, &r), seL4_IllegalOperation);
    /* More registers than the message holds: TruncatedMessage (the stub sends 20). */
    CHECK_EQ(seL4_TCB_WriteRegisters(t, 0, 0, 21, &r), seL4_TruncatedMessage);
    seL4_Word mr[4] = {0, 3, 0x1234, 0};
    seL4_MessageInfo_t info = seL4_CallWithMRs(t, seL4_MessageInfo_new(TCBWriteRegisters, 0, 0, 4),
                                               &mr[0], &mr[1], &mr[2], &mr[3]);
    CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_TruncatedMessage);
    mr[0] = 0;
    info = seL4_CallWithMRs(t, seL4_MessageInfo_new(TCBReadRegisters, 0, 0, 1), &mr[0], seL4_Null,
                            seL4_Null, seL4_Null);
    CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_TruncatedMessage);
    /* A longer message may say more than 20: the first 20 are written. */
    seL4_Word w[4] = {0, 25, 0x5000, 0x7000};
    for (unsigned i = 4; i < 27; i++) {
        seL4_SetMR(i, 0x9000 + i);
    }
    seL4_SetMR(4, RFLAGS_FIXED);
    info = seL4_CallWithMRs(t, seL4_MessageInfo_new(TCBWriteRegisters, 0, 0, 27), &w[0], &w[1],
                            &w[2], &w[3]);
    CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_NoError);
    seL4_UserContext out = read_regs(t);
    CHECK_EQ(out.rip, 0x5000);
    CHECK_EQ(out.rsp, 0x7000);
    CHECK_EQ(out.rflags, RFLAGS_FIXED);
    CHECK_EQ(out.rax, 0x9005);
    CHECK_EQ(out.gs_base, 0x9000 + 21);
}
DEFINE_TEST(THREADS0014, "Read/WriteRegisters: RangeError(1, 20), not on oneself, TruncatedMessage",
            register_errors);

static void write_registers_sanitised(void)
{
    seL4_CPtr t = new_tcb();
    seL4_UserContext in = pattern_regs(0);
    /* rflags: IF and bit 1 always set; TF, IOPL, NT, RF, VM, AC, VIF, VIP, ID, the reserved
     * bits all clear. */
    in.rflags = ~0ul;
    in.rip = 0x0000800000000000ul;   /* non-canonical: 0 */
    in.rsp = 0x8000000000000000ul;   /* non-canonical: 0 */
    in.fs_base = 0x1234567800000000; /* non-canonical: 0 */
    in.gs_base = 0xffff7fffffffffff; /* non-canonical: 0 */
    CHECK_EQ(seL4_TCB_WriteRegisters(t, 0, 0, N_REGS, &in), seL4_NoError);
    seL4_UserContext out = read_regs(t);
    CHECK_EQ(out.rflags, RFLAGS_KEPT | RFLAGS_FIXED);
    CHECK_EQ(out.rip, 0);
    CHECK_EQ(out.rsp, 0);
    CHECK_EQ(out.fs_base, 0);
    CHECK_EQ(out.gs_base, 0);
    CHECK_EQ(out.rax, in.rax);
    in.rflags = 0;
    in.rip = 0xffff800000001000ul; /* canonical (kernel half): kept, faults at user level */
    in.rsp = 0x00007ffffffffff8ul;
    in.fs_base = 0xffffffff80000000ul;
    in.gs_base = 0x00007ffffffff000ul;
    CHECK_EQ(seL4_TCB_WriteRegisters(t, 0, 0, N_REGS, &in), seL4_NoError);
    out = read_regs(t);
    CHECK_EQ(out.rflags, RFLAGS_FIXED);
    CHECK_EQ(out.rip, in.rip);
    CHECK_EQ(out.rsp, in.rsp);
    CHECK_EQ(out.fs_base, in.fs_base);
    CHECK_EQ(out.gs_base, in.gs_base);
}
DEFINE_TEST(THREADS0015,
            "WriteRegisters sanitises rflags and non-canonical rip, rsp, fs_base, gs_base",
            write_registers_sanitised);

/* The registers threads_probe expects to see when started with r (rflags, fs and gs as the
 * probe reports them). */
static void check_probe(const seL4_UserContext *r)
{
    const seL4_Word *seen = threads_probe_seen;
    CHECK_EQ(seen[0], (seL4_Word)threads_probe);
    CHECK_EQ(seen[1], r->rsp);
    CHECK_EQ(seen[2], r->rflags);
    for (unsigned i = 3; i < N_FRAME; i++) {
        CHECK_EQ(seen[i], reg(r, i));
    }
    CHECK_EQ(seen[18], fs_marker);
    CHECK_EQ(seen[19], gs_marker);
}

/* Registers that start threads_probe on c's stack with recognisable values everywhere. */
static seL4_UserContext probe_regs(const child_t *c, seL4_Word base)
{
    seL4_UserContext r = pattern_regs(base);
    r.rip = (seL4_Word)threads_probe;
    r.rsp = (seL4_Word)c->stack_top - 8;
    r.rflags = 0x8d5 | RFLAGS_FIXED; /* CF PF AF ZF SF OF (DF clear for the C it calls) */
    r.fs_base = (seL4_Word)&fs_marker;
    r.gs_base = (seL4_Word)&gs_marker;
    return r;
}

static void write_registers_reach_thread(void)
{
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    threads_probe_ep = ep;
    threads_probe_park = test_object(seL4_EndpointObject, 0);
    child_t c = child_new(11, 0);
    seL4_UserContext r = probe_regs(&c, 0x7700);
    for (unsigned i = 0; i < N_REGS; i++) {
        threads_probe_seen[i] = 0;
    }
    CHECK_EQ(seL4_TCB_WriteRegisters(c.tcb, 1, 0, N_REGS, &r), seL4_NoError);
    CHECK_EQ(recv1(ep), 1);
    check_probe(&r);
    CHECK_EQ(seL4_TCB_Suspend(c.tcb), seL4_NoError);
}
DEFINE_TEST(THREADS0016, "WriteRegisters with resume: the thread starts with every register set",
            write_registers_reach_thread);

static void read_registers_blocked(void)
{
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    seL4_CPtr out = test_object(seL4_EndpointObject, 0);
    seL4_CPtr park = test_object(seL4_EndpointObject, 0);
    child_t e = child_new(12, 0), w = child_new(12, 1);
    static child_args_t ae, aw;
    ae = (child_args_t){.ep = ep, .out = out, .park = park};
    aw = (child_args_t){.ep = out, .park = park, .value = 5};
    child_start(&e, child_echo, &ae);
    CHECK_EQ(let_run(&w, &aw), MSG_TICK);
    /* Blocked in Recv: rip is its system call instruction (where it restarts), rsp is in its
     * stack. */
    seL4_UserContext r = read_regs(e.tcb);
    CHECK_EQ(*(volatile uint16_t *)r.rip, SYSCALL_BYTES);
    CHECK(r.rsp < (seL4_Word)e.stack_top && r.rsp > (seL4_Word)e.stack_top - 4096);
    CHECK_EQ(r.rdx, (seL4_Word)seL4_SysRecv);
    CHECK_EQ(r.rflags & RFLAGS_IF, RFLAGS_IF);
    /* suspend_source: reading suspends it, so it no longer receives. */
    CHECK_EQ(seL4_TCB_ReadRegisters(e.tcb, 1, 0, 1, &r), seL4_NoError);
    CHECK_EQ(*(volatile uint16_t *)r.rip, SYSCALL_BYTES);
    seL4_Word v = 0xbad;
    seL4_NBSendWithMRs(ep, seL4_MessageInfo_new(0, 0, 0, 1), &v, seL4_Null, seL4_Null, seL4_Null);
    CHECK_EQ(let_run(&w, &aw), MSG_TICK);
    /* Writing back what was read (rip = the system call) makes it wait again when resumed. */
    seL4_UserContext all = read_regs(e.tcb);
    CHECK_EQ(seL4_TCB_WriteRegisters(e.tcb, 1, 0, N_REGS, &all), seL4_NoError);
    CHECK_EQ(let_run(&w, &aw), MSG_TICK);
    v = 0x600d;
    seL4_SendWithMRs(ep, seL4_MessageInfo_new(0, 0, 0, 1), &v, seL4_Null, seL4_Null, seL4_Null);
    CHECK_EQ(recv1(out), 0x600d);
    CHECK_EQ(seL4_TCB_Suspend(e.tcb), seL4_NoError);
    CHECK_EQ(seL4_TCB_Suspend(w.tcb), seL4_NoError);
}
DEFINE_TEST(THREADS0017,
            "ReadRegisters of a blocked thread: rip is its system call; suspend_source stops it",
            read_registers_blocked);

static void write_rip_of_blocked_thread(void)
{
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    seL4_CPtr out = test_object(seL4_EndpointObject, 0);
    seL4_CPtr park = test_object(seL4_EndpointObject, 0);
    child_t e = child_new(13, 0), w = child_new(13, 1);
    static child_args_t ae, aw;
    ae = (child_args_t){.ep = ep, .out = out, .park = park};
    aw = (child_args_t){.ep = out, .park = park, .value = 5};
    child_start(&e, child_echo, &ae);
    CHECK_EQ(let_run(&w, &aw), MSG_TICK);
    /* A new rip for a thread blocked in Recv: it stays blocked, and when the message comes it
     * continues at the new rip instead of after its system call. */
    threads_probe_ep = out;
    threads_probe_park = park;
    seL4_UserContext r = probe_regs(&e, 0x5500);
    CHECK_EQ(seL4_TCB_WriteRegisters(e.tcb, 0, 0, N_REGS, &r), seL4_NoError);
    CHECK_EQ(let_run(&w, &aw), MSG_TICK);
    seL4_Word v = 0x42;
    seL4_SendWithMRs(ep, seL4_MessageInfo_new(0, 0, 0, 1), &v, seL4_Null, seL4_Null, seL4_Null);
    CHECK_EQ(recv1(out), 1);
    CHECK_EQ(threads_probe_seen[0], (seL4_Word)threads_probe);
    CHECK_EQ(threads_probe_seen[4], r.rbx);
    CHECK_EQ(threads_probe_seen[12], v); /* r10 = MR0, delivered by the Send */
    CHECK_EQ(threads_probe_seen[7], 1);  /* rsi = the message info: length 1 */
    CHECK_EQ(threads_probe_seen[8], 0);  /* rdi = the badge */
    /* Blocked again (parked in a system call) and suspended, it would restart that call; a
     * written rip replaces the restart: resumed, it starts exactly there. */
    CHECK_EQ(let_run(&w, &aw), MSG_TICK);
    CHECK_EQ(seL4_TCB_Suspend(e.tcb), seL4_NoError);
    for (unsigned i = 0; i < N_REGS; i++) {
        threads_probe_seen[i] = 0;
    }
    r = probe_regs(&e, 0x6600);
    CHECK_EQ(seL4_TCB_WriteRegisters(e.tcb, 1, 0, N_REGS, &r), seL4_NoError);
    CHECK_EQ(recv1(out), 1);
    check_probe(&r);
    CHECK_EQ(seL4_TCB_Suspend(e.tcb), seL4_NoError);
    CHECK_EQ(seL4_TCB_Suspend(w.tcb), seL4_NoError);
}
DEFINE_TEST(THREADS0018, "WriteRegisters on a blocked thread: it continues at the written rip",
            write_rip_of_blocked_thread);

static void copy_registers(void)
{
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    threads_probe_ep = ep;
    threads_probe_park = test_object(seL4_EndpointObject, 0);
    child_t a = child_new(14, 0), b = child_new(14, 1);
    seL4_CPtr c = new_tcb();
    seL4_UserContext ra = probe_regs(&a, 0xa00), rc = pattern_regs(0xc00);
    CHECK_EQ(seL4_TCB_WriteRegisters(a.tcb, 0, 0, N_REGS, &ra), seL4_NoError);
    CHECK_EQ(seL4_TCB_WriteRegisters(c, 0, 0, N_REGS, &rc), seL4_NoError);
    /* Frame registers only (rip .. r15), then integer registers only (fs_base, gs_base). */
    CHECK_EQ(seL4_TCB_CopyRegisters(c, a.tcb, 0, 0, 1, 0, 0), seL4_NoError);
    seL4_UserContext out = read_regs(c);
    for (unsigned i = 0; i < N_REGS; i++) {
        CHECK_EQ(reg(&out, i), reg(i < N_FRAME ? &ra : &rc, i));
    }
    CHECK_EQ(seL4_TCB_WriteRegisters(c, 0, 0, N_REGS, &rc), seL4_NoError);
    CHECK_EQ(seL4_TCB_CopyRegisters(c, a.tcb, 0, 0, 0, 1, 0), seL4_NoError);
    out = read_regs(c);
    for (unsigned i = 0; i < N_REGS; i++) {
        CHECK_EQ(reg(&out, i), reg(i < N_FRAME ? &rc : &ra, i));
    }
    CHECK_EQ(seL4_TCB_CopyRegisters(c, a.tcb, 0, 0, 0, 0, 0), seL4_NoError);
    CHECK_EQ(read_regs(c).rip, rc.rip);
    /* Both, resuming the destination: b runs the probe with a's registers. */
    for (unsigned i = 0; i < N_REGS; i++) {
        threads_probe_seen[i] = 0;
    }
    CHECK_EQ(seL4_TCB_CopyRegisters(b.tcb, a.tcb, 0, 1, 1, 1, 0), seL4_NoError);
    CHECK_EQ(recv1(ep), 1);
    check_probe(&ra);
    CHECK_EQ(seL4_TCB_Suspend(b.tcb), seL4_NoError);
    /* The source must be a TCB: InvalidCapability(1). */
    check_invalid_cap(seL4_TCB_CopyRegisters(c, ep, 0, 0, 1, 1, 0), 1);
    CHECK_EQ(seL4_TCB_CopyRegisters(ROOT, c, 0, 0, 1, 1, 0), seL4_IllegalOperation);
}
DEFINE_TEST(THREADS0019, "CopyRegisters: frame and integer registers, resume_target",
            copy_registers);

static void copy_registers_suspend_source(void)
{
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    seL4_CPtr park = test_object(seL4_EndpointObject, 0);
    child_t c = child_new(15, 0), w = child_new(15, 1);
    seL4_CPtr dest = new_tcb();
    static child_args_t ac, aw;
    ac = (child_args_t){.park = park};
    aw = (child_args_t){.ep = ep, .park = park, .value = 20};
    child_start(&c, child_count, &ac);
    CHECK_EQ(let_run(&w, &aw), MSG_TICK);
    CHECK(ac.counter > 0);
    CHECK_EQ(seL4_TCB_CopyRegisters(dest, c.tcb, 1, 0, 1, 1, 0), seL4_NoError);
    seL4_Word n = ac.counter;
    CHECK_EQ(let_run(&w, &aw), MSG_TICK);
    CHECK_EQ(ac.counter, n);
    /* The copy is where c stopped: its rip is inside child_count's loop or the Yield. */
    seL4_UserContext rc = read_regs(c.tcb), rd = read_regs(dest);
    CHECK_EQ(rd.rip, rc.rip);
    CHECK_EQ(rd.rsp, rc.rsp);
    CHECK_EQ(rd.rdi, rc.rdi);
    CHECK_EQ(seL4_TCB_Suspend(w.tcb), seL4_NoError);
}
DEFINE_TEST(THREADS0020, "CopyRegisters with suspend_source stops the source thread",
            copy_registers_suspend_source);

/* ---- Notification binding ----------------------------------------------------------------- */

static void bind_notification(void)
{
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    seL4_CPtr n = test_object(seL4_NotificationObject, 0);
    seL4_CPtr badged = test_slot();
    CHECK_EQ(seL4_CNode_Mint(ROOT, badged, D, ROOT, n, D, seL4_AllRights, 0x5), seL4_NoError);
    CHECK_EQ(seL4_TCB_BindNotification(SELF, n), seL4_NoError);
    /* A signal on the bound notification is received through any endpoint. */
    seL4_Signal(badged);
    seL4_Word badge = 0;
    seL4_NBRecvWithMRs(ep, &badge, seL4_Null, seL4_Null, seL4_Null, seL4_Null);
    CHECK_EQ(badge, 0x5);
    seL4_NBRecvWithMRs(ep, &badge, seL4_Null, seL4_Null, seL4_Null, seL4_Null);
    CHECK_EQ(badge, 0);
    CHECK_EQ(seL4_TCB_UnbindNotification(SELF), seL4_NoError);
    /* Unbound: the signal stays in the notification. */
    seL4_Signal(badged);
    badge = 1;
    seL4_NBRecvWithMRs(ep, &badge, seL4_Null, seL4_Null, seL4_Null, seL4_Null);
    CHECK_EQ(badge, 0);
    seL4_Poll(n, &badge);
    CHECK_EQ(badge, 0x5);
    CHECK_EQ(seL4_TCB_UnbindNotification(SELF), seL4_IllegalOperation);
}
DEFINE_TEST(THREADS0021, "BindNotification: its signals arrive through endpoint receives",
            bind_notification);

static void bind_notification_errors(void)
{
    seL4_CPtr t = new_tcb(), t2 = new_tcb(), ep = test_object(seL4_EndpointObject, 0);
    seL4_CPtr n = test_object(seL4_NotificationObject, 0);
    seL4_CPtr n2 = test_object(seL4_NotificationObject, 0);
    seL4_CPtr write_only = test_slot();
    CHECK_EQ(seL4_CNode_Mint(ROOT, write_only, D, ROOT, n, D, seL4_CanWrite, 0), seL4_NoError);
    CHECK_EQ(seL4_TCB_UnbindNotification(t), seL4_IllegalOperation);
    /* Not a notification, or without the Read right: IllegalOperation, as in seL4. */
    CHECK_EQ(seL4_TCB_BindNotification(t, ep), seL4_IllegalOperation);
    CHECK_EQ(seL4_TCB_BindNotification(t, seL4_CapNull), seL4_IllegalOperation);
    CHECK_EQ(seL4_TCB_BindNotification(t, write_only), seL4_IllegalOperation);
    CHECK_EQ(seL4_TCB_BindNotification(t, n), seL4_NoError);
    /* The TCB is bound (checked first), the notification is bound. */
    CHECK_EQ(seL4_TCB_BindNotification(t, n2), seL4_IllegalOperation);
    CHECK_EQ(seL4_TCB_BindNotification(t, ep), seL4_IllegalOperation);
    CHECK_EQ(seL4_TCB_BindNotification(t2, n), seL4_IllegalOperation);
    CHECK_EQ(seL4_TCB_UnbindNotification(t), seL4_NoError);
    CHECK_EQ(seL4_TCB_UnbindNotification(t), seL4_IllegalOperation);
    CHECK_EQ(seL4_TCB_BindNotification(t2, n), seL4_NoError);
    CHECK_EQ(seL4_TCB_BindNotification(t, n2), seL4_NoError);
    /* Deleting a bound notification unbinds it. */
    CHECK_EQ(seL4_CNode_Revoke(ROOT, n2, D), seL4_NoError);
    CHECK_EQ(seL4_CNode_Delete(ROOT, n2, D), seL4_NoError);
    CHECK_EQ(seL4_TCB_UnbindNotification(t), seL4_IllegalOperation);
    CHECK_EQ(seL4_TCB_BindNotification(ROOT, n2), seL4_IllegalOperation);
    seL4_MessageInfo_t info =
        seL4_CallWithMRs(t, seL4_MessageInfo_new(TCBBindNotification, 0, 0, 0), seL4_Null,
                         seL4_Null, seL4_Null, seL4_Null);
    CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_TruncatedMessage);
}
DEFINE_TEST(THREADS0022,
            "BindNotification errors: already bound, not a notification, no Read right",
            bind_notification_errors);

static void bind_notification_with_waiter(void)
{
    seL4_CPtr n = test_object(seL4_NotificationObject, 0);
    seL4_CPtr out = test_object(seL4_EndpointObject, 0);
    seL4_CPtr park = test_object(seL4_EndpointObject, 0);
    child_t c = child_new(16, 0), w = child_new(16, 1);
    static child_args_t ac, aw;
    ac = (child_args_t){.ep = n, .out = out, .park = park};
    aw = (child_args_t){.ep = out, .park = park, .value = 5};
    child_start(&c, child_wait, &ac);
    CHECK_EQ(let_run(&w, &aw), MSG_TICK); /* c waits on n */
    seL4_CPtr t = new_tcb();
    CHECK_EQ(seL4_TCB_BindNotification(t, n), seL4_IllegalOperation);
    seL4_Signal(n);
    CHECK_EQ(recv1(out), 0);
    CHECK_EQ(seL4_TCB_Suspend(c.tcb), seL4_NoError);
    CHECK_EQ(seL4_TCB_BindNotification(t, n), seL4_NoError);
    CHECK_EQ(seL4_TCB_Suspend(w.tcb), seL4_NoError);
}
DEFINE_TEST(THREADS0023, "BindNotification refuses a notification with waiting threads",
            bind_notification_with_waiter);
