/* Runner self-test: a root task with one passing and one deliberately failing case. */
#include "../kernel/test.h"

static void test_passes(void)
{
    CHECK(1 + 1 == 2);
}
DEFINE_TEST(SELFTEST0001, "a case that passes", test_passes);

static void test_fails(void)
{
    volatile int one = 1;
    CHECK(one == 2);
}
DEFINE_TEST(SELFTEST0002, "a case that fails on purpose", test_fails);
