/*
 * The QEMU test runner. The root task is the driver: it runs every DEFINE_TEST case in a fresh
 * child process and prints the result lines; it never runs a test case itself.
 *
 * Design (docs/testing.md has the full picture):
 *  - Memory. At start the driver carves from the largest RAM untyped (never revoked) its
 *    endpoint, the pool (1 MiB) and four untypeds of 32 MiB, 8 MiB, 2 MiB and 512 KiB. A
 *    child's own objects (CNode, TCB, VSpace, its private pages) are carved from the pool; the
 *    four untypeds and up to 4 device untypeds (the smallest of each size from 4 KiB up) are
 *    lent to it: it gets a copy of each. After the test the driver revokes the pool and every
 *    lent untyped, which deletes the child and everything it made, so nothing a test makes
 *    outlives it. (Lending instead of making untypeds for each child: the kernel zeroes an
 *    untyped when it is made, ~10 ms of TCG time for 32 MiB.) Then the driver checks that
 *    the pool and every lent untyped are entirely free and the largest untyped has as many free
 *    bytes as before the first test (the kernel's counts, from a Retype that cannot fit); any
 *    difference fails the test.
 *  - The child (<sel4ish/process.h>): the same image (read-only pages shared, private writable
 *    pages with the initial .data), its own CNode (2^12 slots, 52-bit guard, so depth-64 slot
 *    pointers work as in the root), VSpace (ASID from the root's pool), TCB at priority
 *    TEST_CHILD_PRIORITY (MCP 255), IPC buffer, bootinfo and stack where the kernel puts the
 *    root task's. Its CNode holds what a root CNode holds: its TCB, CNode, VSpace, a copy of the
 *    ASID pool and of ASIDControl and Domain, IRQControl and IOPortControl (moved in for the
 *    test and moved back after it: they cannot be copied), its image frames and the lent
 *    untypeds, all listed in its bootinfo; the 32 MiB untyped is the largest, which support.c
 *    carves test objects from.
 *  - The child runs test_child_main(index): the case's function, then seL4_Call on its report
 *    endpoint (TEST_REPORT_EP) with the number of failed checks; the driver never replies.
 *  - Its fault endpoint is the same endpoint with another badge: a fault message (label 1
 *    CapFault, 2 UnknownSyscall, 3 UserException, 5 VMFault) ends the test; the driver reads
 *    the child's failed-check count from its memory and prints which fault and where. A case
 *    declared with DEFINE_FAULT_TEST passes only if it ends in the fault it names.
 *  - Badges carry a sequence number per test (2n: report, 2n + 1: fault), so a message can only
 *    be taken for the test it belongs to.
 *  - A test that never returns hangs the driver in its receive: the runner's timeout reports it.
 * No case needs to run in the driver: the bootinfo, IPC buffer, stack and image a child sees
 * look exactly as the root task's do (BOOT, INVOCATION), and the initial capabilities are there.
 */
#include "test.h"
#include <kernel/printf.h>
#include <sel4/sel4.h>
#include <sel4ish/process.h>

extern const test_case_t __start_sel4ish_tests[], __stop_sel4ish_tests[];

/* The child's priority (below the driver's 255, with room above and below for its threads). */
#define TEST_CHILD_PRIORITY 100
/* The child's slot of its report endpoint. */
#define TEST_REPORT_EP SEL4ISH_PROCESS_USER_SLOT(0)
/* The child's memory: untypeds of 32 MiB (the one support.c carves test objects from), 8 MiB,
 * 2 MiB and 512 KiB lent to it (a nested driver lends 16, 4, 1 MiB and 256 KiB), and a 1 MiB
 * pool for its own objects (CNode, TCB, VSpace, private pages, stack). */
#define TEST_CHILD_UNTYPED_BITS 25
#define TEST_NUM_LENT           4
#define TEST_POOL_BITS          20
/* Device untypeds lent to a child, at most. */
#define TEST_MAX_DEVICE_UNTYPEDS 4
#define TEST_MAX_LENT            (TEST_NUM_LENT + TEST_MAX_DEVICE_UNTYPEDS)

/* The failed checks of the test case this process runs. */
static unsigned checks_failed;

void kputchar(char c)
{
    seL4_DebugPutChar(c);
}

void test_check(int cond, const char *file, int line, const char *text)
{
    if (!cond) {
        checks_failed++;
        kprintf("  check failed: %s:%d: %s\n", file, line, text);
    }
}

void test_check_eq(uint64_t a, uint64_t b, const char *file, int line, const char *ta,
                   const char *tb)
{
    if (a != b) {
        checks_failed++;
        kprintf("  check failed: %s:%d: %s == %s (0x%lx != 0x%lx)\n", file, line, ta, tb, a, b);
    }
}

unsigned test_checks_failed(void)
{
    return checks_failed;
}

void *test_bootinfo(void)
{
    return seL4_GetBootInfo();
}

/* ---- The child ---- */

/* A child process's whole life: run test case t, report the failed checks, wait. */
static void test_child_main(seL4_Word t)
{
    checks_failed = 0;
    ((const test_case_t *)t)->fn();
    seL4_SetMR(0, checks_failed);
    seL4_Call(TEST_REPORT_EP, seL4_MessageInfo_new(0, 0, 0, 1));
}

/* ---- The driver ---- */

/* What the driver holds: its endpoint, the child's memory, the slots for a child. */
typedef struct driver {
    int ready;          /* 1 once set up, -1 if it cannot be */
    const char *prefix; /* before each result line: "" (the driver) or "nested: " */
    seL4_CPtr ep;
    seL4_CPtr pool; /* the child's own objects come from here */
    seL4_Word pool_paddr;
    seL4_CPtr parent; /* the untyped the pool and the lent untypeds came from */
    seL4_Word parent_free, parent_used;
    sel4ish_process_untyped_t lent[TEST_MAX_LENT]; /* RAM, then device untypeds */
    seL4_Word num_lent;
    seL4_CPtr next_slot;          /* the driver's next free slot */
    seL4_CPtr probe;              /* an empty slot for free-memory probes */
    seL4_CPtr slots;              /* SEL4ISH_PROCESS_SLOTS slots for a child */
    seL4_Word seq;                /* the current test's sequence number, from 1 */
    uint64_t setup_tsc, reap_tsc; /* time spent making and destroying children */
} driver_t;

static driver_t driver;

static uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* Free bytes of an untyped, as the kernel counts them: the detail of a Retype that cannot fit
 * (it changes nothing). */
static seL4_Word untyped_free(seL4_CPtr ut)
{
    seL4_Error err = seL4_Untyped_Retype(ut, seL4_UntypedObject, seL4_MaxUntypedBits,
                                         seL4_CapInitThreadCNode, 0, 0, driver.probe, 1);
    return err == seL4_NotEnoughMemory ? seL4_GetErrorDetail().bytes_available : ~0ul;
}

/* Lends children the device untypeds: the first of each size from 4 KiB up, smallest first. */
static void driver_pick_devices(const seL4_BootInfo *bi)
{
    seL4_Word n = bi->untyped.end - bi->untyped.start, found = 0;
    for (seL4_Word bits = 12; bits < 64 && found < TEST_MAX_DEVICE_UNTYPEDS; bits++) {
        for (seL4_Word i = 0; i < n; i++) {
            const seL4_UntypedDesc *d = &bi->untypedList[i];
            if (d->isDevice && d->sizeBits == bits) {
                driver.lent[driver.num_lent++] =
                    (sel4ish_process_untyped_t){bi->untyped.start + i, d->paddr, bits, 1};
                found++;
                break;
            }
        }
    }
}

/* Carves an untyped of 2^bits bytes from the parent into the driver's next slot (mirroring
 * the kernel's watermark); returns its slot and stores its address in *paddr, or returns 0. */
static seL4_CPtr driver_carve(const seL4_UntypedDesc *parent, seL4_Word bits, seL4_Word *paddr)
{
    seL4_Word offset = (driver.parent_used + (1ul << bits) - 1) & ~((1ul << bits) - 1);
    seL4_CPtr slot = driver.next_slot;
    if (seL4_Untyped_Retype(driver.parent, seL4_UntypedObject, bits, seL4_CapInitThreadCNode, 0, 0,
                            slot, 1) != seL4_NoError) {
        return 0;
    }
    driver.next_slot++;
    driver.parent_used = offset + (1ul << bits);
    *paddr = parent->paddr + offset;
    return slot;
}

/* The capabilities a child gets besides its own: IRQControl and IOPortControl (moved, as they
 * cannot be copied), copies of ASIDControl and Domain, and the report endpoint (its badge is
 * set per test). */
enum { CAP_IRQ, CAP_ASID, CAP_IO_PORT, CAP_DOMAIN, CAP_REPORT, NUM_DRIVER_CAPS };
static sel4ish_process_cap_t driver_caps[NUM_DRIVER_CAPS];

static void driver_init_caps(void)
{
    static const seL4_CPtr slot[NUM_DRIVER_CAPS] = {seL4_CapIRQControl, seL4_CapASIDControl,
                                                    seL4_CapIOPortControl, seL4_CapDomain,
                                                    TEST_REPORT_EP};
    for (unsigned i = 0; i < NUM_DRIVER_CAPS; i++) {
        driver_caps[i] =
            (sel4ish_process_cap_t){slot[i], slot[i], SEL4ISH_CAP_COPY, seL4_AllRights, 0};
    }
    driver_caps[CAP_IRQ].mode = SEL4ISH_CAP_MOVE;
    driver_caps[CAP_IO_PORT].mode = SEL4ISH_CAP_MOVE;
    driver_caps[CAP_REPORT].src = driver.ep;
    driver_caps[CAP_REPORT].mode = SEL4ISH_CAP_MINT;
    driver_caps[CAP_REPORT].rights = seL4_CapRights_new(1, 0, 0, 1); /* Write, GrantReply */
}

/* The bootinfo index of the largest RAM untyped. */
static seL4_Word largest_untyped(const seL4_BootInfo *bi)
{
    seL4_Word best = 0, best_bits = 0;
    for (seL4_Word i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        const seL4_UntypedDesc *d = &bi->untypedList[i];
        if (!d->isDevice && d->sizeBits > best_bits) {
            best = i;
            best_bits = d->sizeBits;
        }
    }
    return best;
}

/* Carves the untypeds children get and the endpoint from the largest RAM untyped (from its
 * watermark on), and takes the driver's slots. Returns 0, or prints why it cannot and returns
 * -1. */
static int driver_init(void)
{
    const seL4_BootInfo *bi = seL4_GetBootInfo();
    const seL4_UntypedDesc *parent = &bi->untypedList[largest_untyped(bi)];
    seL4_Word bits = parent->sizeBits - 1 < TEST_CHILD_UNTYPED_BITS ? parent->sizeBits - 1
                                                                    : TEST_CHILD_UNTYPED_BITS;
    driver.parent = bi->untyped.start + largest_untyped(bi);
    driver.next_slot = bi->empty.start;
    driver.probe = driver.next_slot++;
    driver.parent_used = (1ul << parent->sizeBits) - untyped_free(driver.parent);
    int ok = 1;
    for (seL4_Word i = 0; i < TEST_NUM_LENT && ok; i++) {
        sel4ish_process_untyped_t *l = &driver.lent[driver.num_lent++];
        l->size_bits = bits - 2 * i;
        l->cap = driver_carve(parent, l->size_bits, &l->paddr);
        ok = l->cap != 0;
    }
    driver.pool = ok ? driver_carve(parent, TEST_POOL_BITS, &driver.pool_paddr) : 0;
    driver.ep = driver.next_slot++;
    driver.slots = driver.next_slot;
    if (!driver.pool || driver.slots + SEL4ISH_PROCESS_SLOTS > bi->empty.end ||
        seL4_Untyped_Retype(driver.parent, seL4_EndpointObject, 0, seL4_CapInitThreadCNode, 0, 0,
                            driver.ep, 1) != seL4_NoError) {
        kprintf("%stest driver: cannot carve the children's memory from a 2^%u-byte untyped\n",
                driver.prefix, parent->sizeBits);
        return -1;
    }
    driver.parent_free = untyped_free(driver.parent);
    driver_pick_devices(bi);
    driver_init_caps();
    return 0;
}

/* Builds and starts the child for test case t. */
static seL4_Error driver_start_child(sel4ish_process_t *p, const test_case_t *t)
{
    driver_caps[CAP_REPORT].badge = driver.seq << 1;
    sel4ish_process_config_t c = {
        .untyped = driver.pool,
        .untyped_paddr = driver.pool_paddr,
        .untyped_bits = TEST_POOL_BITS,
        .slots = driver.slots,
        .fault_ep = driver.ep,
        .fault_badge = (driver.seq << 1) | 1,
        .priority = TEST_CHILD_PRIORITY,
        .mcp = seL4_MaxPrio,
        .lent_untypeds = driver.lent,
        .num_lent_untypeds = driver.num_lent,
        .caps = driver_caps,
        .num_caps = NUM_DRIVER_CAPS,
    };
    seL4_Error err = sel4ish_process_create(p, &c);
    if (err == seL4_NoError) {
        err = sel4ish_process_start(p, test_child_main, (seL4_Word)t);
    }
    return err;
}

/* The words of the fault message just received that say where: the instruction, and the address
 * (VMFault), capability pointer (CapFault), system call number (UnknownSyscall) or exception
 * number (UserException). */
static void fault_where(test_outcome_t *o)
{
    switch (o->fault) {
    case seL4_Fault_CapFault:
        o->fault_ip = seL4_GetMR(seL4_CapFault_IP);
        o->fault_addr = seL4_GetMR(seL4_CapFault_Addr);
        break;
    case seL4_Fault_UnknownSyscall:
        o->fault_ip = seL4_GetMR(seL4_UnknownSyscall_FaultIP);
        o->fault_addr = seL4_GetMR(seL4_UnknownSyscall_Syscall);
        break;
    case seL4_Fault_UserException:
        o->fault_ip = seL4_GetMR(seL4_UserException_FaultIP);
        o->fault_addr = seL4_GetMR(seL4_UserException_Number);
        break;
    default:
        o->fault_ip = seL4_GetMR(seL4_VMFault_IP);
        o->fault_addr = seL4_GetMR(seL4_VMFault_Addr);
        break;
    }
}

/* Waits for the child's report or fault (messages with another badge are not the current
 * test's: they are dropped). */
static void driver_wait(test_outcome_t *o, seL4_Word *detail)
{
    for (;;) {
        seL4_Word badge;
        seL4_MessageInfo_t info = seL4_Recv(driver.ep, &badge);
        if (badge == driver.seq << 1) {
            o->returned = 1;
            o->checks = (unsigned)seL4_GetMR(0);
            return;
        }
        if (badge == ((driver.seq << 1) | 1)) {
            o->fault = seL4_MessageInfo_get_label(info);
            fault_where(o);
            detail[0] = seL4_GetMR(seL4_VMFault_FSR); /* CapFault: the lookup failure type */
            detail[1] = seL4_GetMR(seL4_UserException_Code);
            return;
        }
        kprintf("  %stest driver: dropped a message with badge 0x%lx\n", driver.prefix, badge);
    }
}

/* 1 if the driver's slot holds a capability (a Move onto itself finds the slot full). */
static int driver_holds(seL4_CPtr slot)
{
    return seL4_CNode_Move(seL4_CapInitThreadCNode, slot, 64, seL4_CapInitThreadCNode, slot, 64) ==
           seL4_DeleteFirst;
}

/* True if every byte the driver lends children is free again (the kernel's count). */
static int driver_memory_back(void)
{
    int back = untyped_free(driver.pool) == 1ul << TEST_POOL_BITS &&
               untyped_free(driver.parent) == driver.parent_free;
    for (seL4_Word i = 0; i < driver.num_lent && back; i++) {
        const sel4ish_process_untyped_t *l = &driver.lent[i];
        back = untyped_free(l->cap) == 1ul << l->size_bits;
    }
    return back;
}

/* Takes back what the child had: the moved capabilities, then all its memory, and checks that
 * every free byte is back. */
static void driver_reap(sel4ish_process_t *p, test_outcome_t *o)
{
    if (o->fault) {
        seL4_Word v = 0;
        if (sel4ish_process_read_word(p, (seL4_Word)&checks_failed, &v) == seL4_NoError) {
            o->checks = (unsigned)v;
        }
    }
    sel4ish_process_return_caps(p, driver_caps, NUM_DRIVER_CAPS);
    seL4_Error err = sel4ish_process_destroy(p);
    if (!driver_holds(seL4_CapIRQControl) || !driver_holds(seL4_CapIOPortControl)) {
        o->leak = "IRQControl or IOPortControl was not given back";
    } else if (err != seL4_NoError) {
        o->leak = "the child's memory could not be revoked";
    } else if (!driver_memory_back()) {
        o->leak = "memory was not given back";
    }
}

static const char *fault_name(uint64_t type)
{
    switch (type) {
    case seL4_Fault_CapFault:
        return "CapFault";
    case seL4_Fault_UnknownSyscall:
        return "UnknownSyscall";
    case seL4_Fault_UserException:
        return "UserException";
    case seL4_Fault_VMFault:
        return "VMFault";
    default:
        return "fault";
    }
}

/* Prints which fault the child took and where. */
static void print_fault(const test_outcome_t *o, const seL4_Word *detail)
{
    kprintf("%s at ip 0x%lx", fault_name(o->fault), o->fault_ip);
    switch (o->fault) {
    case seL4_Fault_CapFault:
        kprintf(": cptr 0x%lx, lookup failure %lu", o->fault_addr, detail[0]);
        break;
    case seL4_Fault_UnknownSyscall:
        kprintf(": syscall %ld", (long)o->fault_addr);
        break;
    case seL4_Fault_UserException:
        kprintf(": exception %lu, code 0x%lx", o->fault_addr, detail[1]);
        break;
    case seL4_Fault_VMFault:
        kprintf(": address 0x%lx, FSR 0x%lx", o->fault_addr, detail[0]);
        break;
    default:
        kprintf(" (type %lu)", o->fault);
    }
}

/* True if the test passed: it returned (or ended in the fault it expects) with every check
 * held, and gave everything back. */
static int outcome_passed(const test_case_t *t, const test_outcome_t *o)
{
    int ended_right = t->fault ? o->fault == t->fault : o->returned;
    return !o->harness_error && ended_right && !o->checks && !o->leak;
}

/* Prints the result line of t (one line: TEST PASS, or TEST FAIL with every reason). */
static void print_result(const test_case_t *t, const test_outcome_t *o, const seL4_Word *detail)
{
    if (o->passed) {
        kprintf("%sTEST PASS %s %s\n", driver.prefix, t->id, t->description);
        return;
    }
    kprintf("%sTEST FAIL %s %s: ", driver.prefix, t->id, t->description);
    const char *sep = "";
    if (o->harness_error) {
        kprintf("cannot start the test process (%s)", seL4_ErrorName(o->harness_error));
        sep = "; ";
    } else if (t->fault && o->fault != t->fault) {
        kprintf("expected a %s, %s", fault_name(t->fault), o->fault ? "got " : "but it returned");
        sep = o->fault ? "" : "; ";
    }
    if (o->fault && o->fault != t->fault) {
        kprintf("%s", sep);
        print_fault(o, detail);
        sep = "; ";
    }
    if (o->checks) {
        kprintf("%s%u check(s) failed", sep, o->checks);
        sep = "; ";
    }
    if (o->leak) {
        kprintf("%s%s", sep, o->leak);
    }
    kprintf("\n");
}

/* Runs t in a new child, prints its result line and fills *o. */
static void driver_run(const test_case_t *t, test_outcome_t *o)
{
    *o = (test_outcome_t){0};
    seL4_Word detail[2] = {0, 0};
    if (!driver.ready) {
        driver.ready = driver_init() == 0 ? 1 : -1;
    }
    if (driver.ready < 0) {
        kprintf("%sTEST FAIL %s %s: no test driver\n", driver.prefix, t->id, t->description);
        o->harness_error = seL4_NotEnoughMemory;
        return;
    }
    sel4ish_process_t p;
    driver.seq++;
    uint64_t t0 = rdtsc();
    o->harness_error = driver_start_child(&p, t);
    uint64_t t1 = rdtsc();
    if (!o->harness_error) {
        driver_wait(o, detail);
    }
    uint64_t t2 = rdtsc();
    driver_reap(&p, o);
    driver.setup_tsc += t1 - t0;
    driver.reap_tsc += rdtsc() - t2;
    o->passed = outcome_passed(t, o);
    print_result(t, o, detail);
}

void test_run_nested(const test_case_t *t, test_outcome_t *o)
{
    driver.prefix = "nested: ";
    driver_run(t, o);
}

int test_run_all(void)
{
    unsigned passed = 0, failed = 0;
    seL4_Word n = (seL4_Word)(__stop_sel4ish_tests - __start_sel4ish_tests);
    driver.prefix = "";
    for (seL4_Word i = 0; i < n; i++) {
        test_outcome_t o;
        driver_run(&__start_sel4ish_tests[i], &o);
        if (o.passed) {
            passed++;
        } else {
            failed++;
        }
    }
    if (n) {
        kprintf("test driver: a child costs %lu TSC cycles to make and %lu to take back\n",
                driver.setup_tsc / n, driver.reap_tsc / n);
    }
    kprintf("SUMMARY: %u passed, %u failed\n", passed, failed);
    return (int)failed;
}

int main(void)
{
    kprintf("sel4ish test root task: running %lu test cases\n",
            (unsigned long)(__stop_sel4ish_tests - __start_sel4ish_tests));
    test_run_all();
    return 0;
}
