/*
 * The QEMU test framework. Test cases registered with DEFINE_TEST (or DEFINE_FAULT_TEST) each
 * run in a fresh child process of the test root task (the driver: see test.c and
 * docs/testing.md), which prints one result line per case and a summary that tools/run.py
 * parses:
 *   TEST PASS <ID> <description>
 *   TEST FAIL <ID> <description>: <why> (failed checks, the fault, leaked memory, ...)
 *   SUMMARY: <passed> passed, <failed> failed
 */
#pragma once

#include <stdint.h>

typedef struct test_case {
    const char *id;          /* GROUPNNNN, e.g. SYSCALL0001 */
    const char *description; /* one line */
    void (*fn)(void);
    uint64_t fault; /* 0: fn must return; else the fault type (seL4_Fault_*) it must end in */
} test_case_t;

/* Registers fn as a test case (placed in the sel4ish_tests section, run in link order). It
 * passes if fn returns with every check held. */
#define DEFINE_TEST(ID, DESCRIPTION, FN) DEFINE_FAULT_TEST(ID, DESCRIPTION, FN, 0)

/* Registers fn as a test case that must end in a fault of type FAULT (seL4_Fault_VMFault,
 * seL4_Fault_UserException, seL4_Fault_UnknownSyscall or seL4_Fault_CapFault, from
 * <sel4/sel4.h>) after every check before it held. FAULT 0: an ordinary test case. */
#define DEFINE_FAULT_TEST(ID, DESCRIPTION, FN, FAULT)                                              \
    static const test_case_t test_case_##ID                                                        \
        __attribute__((used, section("sel4ish_tests"), aligned(8))) = {#ID, DESCRIPTION, FN,       \
                                                                       FAULT}

/* Records a failed check (and prints where) unless cond holds. Execution continues. */
#define CHECK(cond) test_check((cond), __FILE__, __LINE__, #cond)

/* Like CHECK for equality of two words, printing both values when they differ. */
#define CHECK_EQ(a, b) test_check_eq((uint64_t)(a), (uint64_t)(b), __FILE__, __LINE__, #a, #b)

void test_check(int cond, const char *file, int line, const char *text);
void test_check_eq(uint64_t a, uint64_t b, const char *file, int line, const char *ta,
                   const char *tb);

/* How many checks have failed so far in this test case. */
unsigned test_checks_failed(void);

/* Runs every registered test case, each in a child process, and prints the summary. Returns the
 * number that failed. */
int test_run_all(void);

/* How a test case run in a child process ended. */
typedef struct test_outcome {
    int passed;
    int returned;      /* the case's function returned (and reported its checks) */
    uint64_t fault;    /* the fault it ended in (seL4_Fault_*), or 0 */
    uint64_t fault_ip; /* where (VMFault: also the address; CapFault: the cptr) */
    uint64_t fault_addr;
    unsigned checks;   /* failed checks (counted up to the fault, if it faulted) */
    int harness_error; /* the child could not be made or started (a seL4_Error), or 0 */
    const char *leak;  /* what the child did not give back, or NULL */
} test_outcome_t;

/* Runs t (a case not registered with DEFINE_TEST) the way the driver runs every case: in a new
 * child of the calling process, which acts as a driver (its first call carves the memory
 * children get from its largest untyped). Prints the result line prefixed "nested: " (so
 * tools/run.py does not count it) and fills *o. For tests of the test framework itself. */
void test_run_nested(const test_case_t *t, test_outcome_t *o);

/* The bootinfo of the process running the test case (the child's own: see docs/testing.md). */
void *test_bootinfo(void);
