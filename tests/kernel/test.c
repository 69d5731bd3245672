/* The test root task's runner: runs every DEFINE_TEST case and reports on the serial line. */
#include "test.h"
#include <kernel/printf.h>
#include <sel4/sel4.h>

extern const test_case_t __start_sel4ish_tests[], __stop_sel4ish_tests[];

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

void *test_bootinfo(void)
{
    return seL4_GetBootInfo();
}

/* Runs one case; true if every check in it held. */
static int test_run_one(const test_case_t *t)
{
    checks_failed = 0;
    t->fn();
    if (checks_failed) {
        kprintf("TEST FAIL %s %s: %u check(s) failed\n", t->id, t->description, checks_failed);
        return 0;
    }
    kprintf("TEST PASS %s %s\n", t->id, t->description);
    return 1;
}

int test_run_all(void)
{
    unsigned passed = 0, failed = 0;
    for (const test_case_t *t = __start_sel4ish_tests; t < __stop_sel4ish_tests; t++) {
        if (test_run_one(t)) {
            passed++;
        } else {
            failed++;
        }
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
