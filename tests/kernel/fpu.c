/* FPU: SSE is enabled for user level and the kernel leaves the vector registers alone. */
#include "test.h"
#include <kernel/printf.h>

static void test_sse_survives_syscall(void)
{
    uint64_t out[4];
    kprintf("  probe ");
    __asm__ volatile("movq $0x1122334455667788, %%rax\n"
                     "movq %%rax, %%xmm0\n"
                     "movq $0x0123456789abcdef, %%rax\n"
                     "movq %%rax, %%xmm7\n"
                     "movq $0x5e14abcd00ff00ff, %%rax\n"
                     "movq %%rax, %%xmm15\n"
                     "movq $-9, %%rdx\n"
                     "movq $46, %%rdi\n"
                     "syscall\n"
                     "movq %%xmm0, 0(%0)\n"
                     "movq %%xmm7, 8(%0)\n"
                     "movq %%xmm15, 16(%0)\n"
                     :
                     : "r"(out)
                     : "rax", "rcx", "rdx", "rdi", "r11", "xmm0", "xmm7", "xmm15", "memory");
    kprintf("\n");
    CHECK_EQ(out[0], 0x1122334455667788ull);
    CHECK_EQ(out[1], 0x0123456789abcdefull);
    CHECK_EQ(out[2], 0x5e14abcd00ff00ffull);
}
DEFINE_TEST(FPU0001, "SSE registers hold their values across a syscall", test_sse_survives_syscall);

static void test_double_arithmetic(void)
{
    volatile double a = 1.5, b = 2.25;
    volatile double c = a * b + 0.125;
    CHECK(c == 3.5);
    volatile float f = 0.1f;
    CHECK((int)(f * 100.0f + 0.5f) == 10);
}
DEFINE_TEST(FPU0002, "floating point arithmetic works at user level", test_double_arithmetic);
