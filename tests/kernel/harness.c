/*
 * HARNESS: the test driver (test.c) and the process library it uses. A case that faults fails
 * alone and the next case runs in a fresh process; an expected fault is a pass; failed checks
 * before a fault count; every case starts with all of its memory free, at the addresses its
 * bootinfo gives; processes of this image talk to each other over IPC.
 *
 * HARNESS0003 and HARNESS0004 run cases the way the driver does, from inside a test process
 * (test_run_nested): their result lines start with "nested:", which tools/run.py ignores.
 */
#include "support.h"
#include "test.h"
#include <sel4/sel4.h>
#include <sel4ish/process.h>
#include <sel4ish/thread.h>

#define ROOT seL4_CapInitThreadCNode

/* An address no process maps (page 0). */
#define UNMAPPED 0x10ul

/* Changed by HARNESS0001 just before it faults: HARNESS0002 must see the image's values. */
static volatile seL4_Word harness_data = 0x4a11;
static volatile seL4_Word harness_bss;

static void fault_as_expected(void)
{
    CHECK_EQ(harness_data, 0x4a11);
    CHECK_EQ(harness_bss, 0);
    harness_data = 1;
    harness_bss = 2;
    *(volatile seL4_Word *)UNMAPPED = 1;
    CHECK(!"not reached: the write above faults");
}
DEFINE_FAULT_TEST(HARNESS0001, "a case that ends in the VMFault it declares passes",
                  fault_as_expected, seL4_Fault_VMFault);

static void fresh_after_fault(void)
{
    CHECK_EQ(harness_data, 0x4a11);
    CHECK_EQ(harness_bss, 0);
}
DEFINE_TEST(HARNESS0002, "the case after a fault runs in a new process: .data and .bss as loaded",
            fresh_after_fault);

/* ---- Cases run by a nested driver ---- */

/* An undefined instruction (its own symbol, so the fault address is known). */
void harness_ud2(void);
__asm__(".text\n"
        ".globl harness_ud2\n"
        "harness_ud2:\n"
        "    ud2\n");

static void nested_pass(void)
{
    CHECK(1);
}

static void nested_two_checks_fail(void)
{
    volatile int one = 1;
    CHECK(one == 2);
    CHECK_EQ(one, 3);
}

static void nested_check_then_fault(void)
{
    volatile int one = 1;
    CHECK(one == 2);
    *(volatile seL4_Word *)UNMAPPED = 1;
}

/* System call number -100 (no such call). */
static void nested_unknown_syscall(void)
{
    __asm__ volatile("movq $-100, %%rdx\n"
                     "syscall\n"
                     :
                     :
                     : "rax", "rcx", "rdx", "r11", "memory");
}

/* A Call through a capability pointer whose guard does not match the root CNode's. */
static void nested_cap_fault(void)
{
    seL4_Call(1ul << 63, seL4_MessageInfo_new(0, 0, 0, 0));
}

static const test_case_t nested_ud2 = {"NESTED0001", "ud2, no fault declared", harness_ud2, 0};
static const test_case_t nested_ok = {"NESTED0002", "passes", nested_pass, 0};
static const test_case_t nested_checks = {"NESTED0003", "two checks fail", nested_two_checks_fail,
                                          0};
static const test_case_t nested_no_fault = {"NESTED0004", "declares a VMFault, returns",
                                            nested_pass, seL4_Fault_VMFault};
static const test_case_t nested_check_fault = {"NESTED0005", "a check fails, then the VMFault",
                                               nested_check_then_fault, seL4_Fault_VMFault};
static const test_case_t nested_syscall = {"NESTED0006", "UnknownSyscall, declared",
                                           nested_unknown_syscall, seL4_Fault_UnknownSyscall};
static const test_case_t nested_cap = {"NESTED0007", "CapFault, declared", nested_cap_fault,
                                       seL4_Fault_CapFault};

static void unexpected_fault_fails_alone(void)
{
    test_outcome_t o;
    test_run_nested(&nested_ud2, &o);
    CHECK(!o.passed);
    CHECK(!o.returned);
    CHECK_EQ(o.fault, seL4_Fault_UserException);
    CHECK_EQ(o.fault_ip, (seL4_Word)harness_ud2);
    CHECK_EQ(o.fault_addr, 6); /* #UD */
    CHECK(o.leak == 0);
    test_run_nested(&nested_ok, &o);
    CHECK(o.passed);
    CHECK(o.returned);
    CHECK_EQ(o.fault, 0);
    test_run_nested(&nested_checks, &o);
    CHECK(!o.passed);
    CHECK(o.returned);
    CHECK_EQ(o.checks, 2);
    test_run_nested(&nested_no_fault, &o);
    CHECK(!o.passed);
    CHECK(o.returned);
    CHECK_EQ(o.checks, 0);
    test_run_nested(&nested_ok, &o);
    CHECK(o.passed);
    CHECK(o.leak == 0);
}
DEFINE_TEST(HARNESS0003,
            "a case that faults unexpectedly or fails checks fails alone; the next case passes",
            unexpected_fault_fails_alone);

static void fault_kinds(void)
{
    test_outcome_t o;
    test_run_nested(&nested_check_fault, &o);
    CHECK(!o.passed); /* the fault it declares, but a check failed before it */
    CHECK_EQ(o.fault, seL4_Fault_VMFault);
    CHECK_EQ(o.fault_addr, UNMAPPED);
    CHECK_EQ(o.checks, 1);
    test_run_nested(&nested_syscall, &o);
    CHECK(o.passed);
    CHECK_EQ(o.fault, seL4_Fault_UnknownSyscall);
    CHECK_EQ(o.fault_addr, (seL4_Word)-100);
    test_run_nested(&nested_cap, &o);
    CHECK(o.passed);
    CHECK_EQ(o.fault, seL4_Fault_CapFault);
    CHECK_EQ(o.fault_addr, 1ul << 63);
    CHECK(o.leak == 0);
}
DEFINE_TEST(HARNESS0004, "checks before a fault count; UnknownSyscall and CapFault cases",
            fault_kinds);

/* ---- Memory ---- */

static void memory_all_free(void)
{
    const seL4_BootInfo *bi = test_bootinfo();
    seL4_Word n = bi->untyped.end - bi->untyped.start, ram = 0;
    CHECK(n >= 4);
    for (seL4_Word i = 0; i < n; i++) {
        const seL4_UntypedDesc *d = &bi->untypedList[i];
        seL4_CPtr ut = bi->untyped.start + i;
        /* Everything free, whatever the cases before made. */
        CHECK_EQ(test_untyped_free(ut), 1ul << d->sizeBits);
        if (d->isDevice || d->sizeBits < seL4_PageBits) {
            continue;
        }
        /* At the address the bootinfo gives: a frame from its start is there. */
        ram++;
        seL4_CPtr f = test_slot();
        CHECK_EQ(seL4_Untyped_Retype(ut, seL4_X86_4K, 0, ROOT, 0, 0, f, 1), seL4_NoError);
        CHECK_EQ(test_paddr(f), d->paddr);
        CHECK_EQ(seL4_CNode_Revoke(ROOT, ut, TEST_ROOT_DEPTH), seL4_NoError);
    }
    CHECK(ram >= 1);
    CHECK_EQ(bi->untypedList[test_largest_untyped_index()].sizeBits, 25);
}
DEFINE_TEST(HARNESS0005, "each case starts with all its untypeds free, at their bootinfo addresses",
            memory_all_free);

/* ---- Processes talking over IPC ---- */

#define ECHO_EP SEL4ISH_PROCESS_USER_SLOT(0)

/* In a process: Calls ECHO_EP with six words from arg on, then sends the reply's MR0 + 1. */
static void echo_client(seL4_Word arg)
{
    for (int i = 0; i < 6; i++) {
        seL4_SetMR(i, arg + (seL4_Word)i);
    }
    seL4_MessageInfo_t reply = seL4_Call(ECHO_EP, seL4_MessageInfo_new(0x51, 0, 0, 6));
    seL4_SetMR(0, seL4_GetMR(0) + seL4_MessageInfo_get_length(reply));
    seL4_Send(ECHO_EP, seL4_MessageInfo_new(0x52, 0, 0, 1));
}

static void process_ipc(void)
{
    seL4_Word pa;
    seL4_CPtr ut = test_untyped_at(20, &pa), ep = test_object(seL4_EndpointObject, 0);
    sel4ish_process_cap_t cap = {ep, ECHO_EP, SEL4ISH_CAP_MINT, seL4_AllRights, 0xb0b};
    sel4ish_process_config_t c = {
        .untyped = ut,
        .untyped_paddr = pa,
        .untyped_bits = 20,
        .slots = test_slots(SEL4ISH_PROCESS_SLOTS),
        .priority = 50,
        .mcp = 50,
        .untyped_sizes = {16},
        .caps = &cap,
        .num_caps = 1,
    };
    sel4ish_process_t p;
    CHECK_EQ(sel4ish_process_create(&p, &c), seL4_NoError);
    CHECK_EQ(sel4ish_process_start(&p, echo_client, 1000), seL4_NoError);
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(ep, &badge);
    CHECK_EQ(badge, 0xb0b);
    CHECK_EQ(seL4_MessageInfo_get_label(info), 0x51);
    CHECK_EQ(seL4_MessageInfo_get_length(info), 6);
    seL4_Word sum = 0;
    for (int i = 0; i < 6; i++) {
        sum += seL4_GetMR(i);
    }
    CHECK_EQ(sum, 6015);
    seL4_SetMR(0, sum);
    seL4_SetMR(1, 0);
    seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 2));
    info = seL4_Recv(ep, &badge);
    CHECK_EQ(seL4_MessageInfo_get_label(info), 0x52);
    CHECK_EQ(seL4_GetMR(0), 6017);
    /* The process's own variable, read from outside. */
    seL4_Word v = 0;
    CHECK_EQ(sel4ish_process_read_word(&p, (seL4_Word)&harness_data, &v), seL4_NoError);
    CHECK_EQ(v, 0x4a11);
    CHECK_EQ(sel4ish_process_destroy(&p), seL4_NoError);
    CHECK_EQ(test_untyped_free(ut), 1ul << 20);
}
DEFINE_TEST(HARNESS0006, "a process of this image Calls another over IPC; destroying it frees all",
            process_ipc);

/* ---- Threads in the test's own address space ---- */

#define THREAD_IPC_BUFFER 0x610000000000ul

static seL4_Word thread_stack[1024] __attribute__((aligned(16)));
static volatile seL4_Word thread_ran;
static seL4_CPtr thread_ep;

/* In a second thread: records arg and sends arg + 1 with seL4_SetMR and seL4_Send, through its
 * own IPC buffer (sel4ish_thread_start gave it TLS: see <sel4ish/thread.h>). */
static void thread_main(seL4_Word arg)
{
    thread_ran = arg;
    seL4_SetMR(0, arg + 1);
    seL4_Send(thread_ep, seL4_MessageInfo_new(0, 0, 0, 1));
}

static void thread_in_own_vspace(void)
{
    static sel4ish_alloc_t alloc;
    seL4_Word pa;
    seL4_CPtr ut = test_untyped_at(20, &pa), slots = test_slots(32);
    thread_ep = test_object(seL4_EndpointObject, 0);
    sel4ish_alloc_init(&alloc, slots, slots + 32);
    CHECK_EQ(sel4ish_alloc_add_untyped(&alloc, ut, pa, 20), seL4_NoError);
    sel4ish_thread_config_t c = {.ipc_buffer = THREAD_IPC_BUFFER, .priority = 10, .mcp = 10};
    sel4ish_thread_t t;
    CHECK_EQ(sel4ish_thread_create(&t, &alloc, &c), seL4_NoError);
    CHECK_EQ(t.ipc_buffer, THREAD_IPC_BUFFER);
    CHECK_EQ(sel4ish_thread_start(&t, thread_main, 41, &thread_stack[1024]), seL4_NoError);
    seL4_Word mr0 = 0;
    seL4_RecvWithMRs(thread_ep, seL4_Null, &mr0, seL4_Null, seL4_Null, seL4_Null);
    CHECK_EQ(mr0, 42);
    CHECK_EQ(thread_ran, 41);
    CHECK_EQ(sel4ish_thread_destroy(&t, &alloc), seL4_NoError);
}
DEFINE_TEST(HARNESS0007, "sel4ish_thread: a thread in the caller's address space runs fn(arg)",
            thread_in_own_vspace);
