/*
 * The QEMU test framework: test cases registered with DEFINE_TEST run in the test root task,
 * which prints one result line per case and a summary that tools/run.py parses:
 *   TEST PASS <ID> <description>
 *   TEST FAIL <ID> <description>: <n> check(s) failed
 *   SUMMARY: <passed> passed, <failed> failed
 */
#pragma once

#include <stdint.h>

typedef struct test_case {
    const char *id;          /* GROUPNNNN, e.g. SYSCALL0001 */
    const char *description; /* one line */
    void (*fn)(void);
} test_case_t;

/* Registers fn as a test case (placed in the sel4ish_tests section, run in link order). */
#define DEFINE_TEST(ID, DESCRIPTION, FN)                                                           \
    static const test_case_t test_case_##ID                                                        \
        __attribute__((used, section("sel4ish_tests"), aligned(8))) = {#ID, DESCRIPTION, FN}

/* Records a failed check (and prints where) unless cond holds. Execution continues. */
#define CHECK(cond) test_check((cond), __FILE__, __LINE__, #cond)

/* Like CHECK for equality of two words, printing both values when they differ. */
#define CHECK_EQ(a, b) test_check_eq((uint64_t)(a), (uint64_t)(b), __FILE__, __LINE__, #a, #b)

void test_check(int cond, const char *file, int line, const char *text);
void test_check_eq(uint64_t a, uint64_t b, const char *file, int line, const char *ta,
                   const char *tb);

/* Runs every registered test case and prints the summary. Returns the number that failed. */
int test_run_all(void);

/* The bootinfo the kernel handed to the test root task. */
void *test_bootinfo(void);
