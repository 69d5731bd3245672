/* Runner self-test: a root task whose test case never returns (the runner must time out). */
#include "../kernel/test.h"

static void test_hangs(void)
{
    for (volatile int spin = 1; spin;) {
    }
}
DEFINE_TEST(SELFTEST0003, "a case that hangs on purpose", test_hangs);
