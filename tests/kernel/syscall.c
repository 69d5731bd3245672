/* SYSCALL: the register convention of the syscall instruction, seen from user level. */
#include "test.h"
#include <kernel/printf.h>

enum {
    R_RAX,
    R_RBX,
    R_RCX,
    R_RDX,
    R_RSI,
    R_RDI,
    R_RBP,
    R_R8,
    R_R9,
    R_R10,
    R_R11,
    R_R12,
    R_R13,
    R_R14,
    R_R15,
    R_RSP,
    N_REGS
};

static const char *const reg_names[N_REGS] = {"rax", "rbx", "rcx", "rdx", "rsi", "rdi",
                                              "rbp", "r8",  "r9",  "r10", "r11", "r12",
                                              "r13", "r14", "r15", "rsp"};

uint64_t syscall_regs_in[N_REGS], syscall_regs_out[N_REGS];

/* Loads every general register from syscall_regs_in, executes syscall (rdx = number), and
 * stores every register into syscall_regs_out (and rsp before the call into regs_in). */
static void syscall_with_all_registers(void)
{
    __asm__ volatile("pushq %%rbp\n"
                     "leaq syscall_regs_in(%%rip), %%rax\n"
                     "movq %%rsp, 120(%%rax)\n"
                     "movq 8(%%rax), %%rbx\n"
                     "movq 16(%%rax), %%rcx\n"
                     "movq 24(%%rax), %%rdx\n"
                     "movq 32(%%rax), %%rsi\n"
                     "movq 40(%%rax), %%rdi\n"
                     "movq 48(%%rax), %%rbp\n"
                     "movq 56(%%rax), %%r8\n"
                     "movq 64(%%rax), %%r9\n"
                     "movq 72(%%rax), %%r10\n"
                     "movq 80(%%rax), %%r11\n"
                     "movq 88(%%rax), %%r12\n"
                     "movq 96(%%rax), %%r13\n"
                     "movq 104(%%rax), %%r14\n"
                     "movq 112(%%rax), %%r15\n"
                     "movq 0(%%rax), %%rax\n"
                     "syscall\n"
                     "pushq %%rax\n"
                     "leaq syscall_regs_out(%%rip), %%rax\n"
                     "movq %%rbx, 8(%%rax)\n"
                     "movq %%rcx, 16(%%rax)\n"
                     "movq %%rdx, 24(%%rax)\n"
                     "movq %%rsi, 32(%%rax)\n"
                     "movq %%rdi, 40(%%rax)\n"
                     "movq %%rbp, 48(%%rax)\n"
                     "movq %%r8, 56(%%rax)\n"
                     "movq %%r9, 64(%%rax)\n"
                     "movq %%r10, 72(%%rax)\n"
                     "movq %%r11, 80(%%rax)\n"
                     "movq %%r12, 88(%%rax)\n"
                     "movq %%r13, 96(%%rax)\n"
                     "movq %%r14, 104(%%rax)\n"
                     "movq %%r15, 112(%%rax)\n"
                     "popq %%rbx\n"
                     "movq %%rbx, 0(%%rax)\n"
                     "movq %%rsp, 120(%%rax)\n"
                     "popq %%rbp\n"
                     :
                     :
                     : "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12",
                       "r13", "r14", "r15", "memory", "cc");
}

/* Fills the input registers with distinct magic values; rdx and rdi as given. */
static void syscall_fill_magic(uint64_t number, uint64_t rdi)
{
    for (int i = 0; i < N_REGS; i++) {
        syscall_regs_in[i] = 0x5e14000000000000ull | ((uint64_t)i << 32) | (0xa5a5u + i);
    }
    syscall_regs_in[R_RDX] = number;
    syscall_regs_in[R_RDI] = rdi;
}

/* Checks that every register but rcx and r11 (destroyed by the CPU) came back unchanged. */
static void syscall_check_preserved(void)
{
    for (int i = 0; i < N_REGS; i++) {
        if (i == R_RCX || i == R_R11) {
            continue;
        }
        if (syscall_regs_in[i] != syscall_regs_out[i]) {
            test_check(0, __FILE__, __LINE__, reg_names[i]);
        }
    }
}

/* The register tests print '.' through DebugPutChar; keep those dots on a line of their own. */
static void probe_line_begin(void)
{
    kprintf("  probe ");
}

static void probe_line_end(void)
{
    kprintf("\n");
}

static void test_debug_put_char_preserves_registers(void)
{
    probe_line_begin();
    syscall_fill_magic((uint64_t)-9, '.');
    syscall_with_all_registers();
    probe_line_end();
    syscall_check_preserved();
}
DEFINE_TEST(SYSCALL0001, "DebugPutChar preserves every register except rcx and r11",
            test_debug_put_char_preserves_registers);

static void test_preserved_many_values(void)
{
    /* Walk a one bit through every register value; all preserved each time. */
    probe_line_begin();
    for (int bit = 0; bit < 64; bit += 7) {
        syscall_fill_magic((uint64_t)-9, '.');
        for (int i = 0; i < N_REGS; i++) {
            if (i != R_RDX && i != R_RDI && i != R_RSP) {
                syscall_regs_in[i] ^= 1ull << ((bit + i) % 64);
            }
        }
        syscall_with_all_registers();
        syscall_check_preserved();
    }
    probe_line_end();
}
DEFINE_TEST(SYSCALL0002, "registers survive syscalls for many bit patterns",
            test_preserved_many_values);

#define FLAGS_USER_VISIBLE 0x8d5ull /* CF PF AF ZF SF OF */

static void test_rflags_preserved(void)
{
    uint64_t before, after;
    probe_line_begin();
    __asm__ volatile("pushfq\n"
                     "orq $0x8d5, (%%rsp)\n"
                     "popfq\n"
                     "pushfq\n"
                     "popq %0\n"
                     "movq $-9, %%rdx\n"
                     "movq $46, %%rdi\n"
                     "syscall\n"
                     "pushfq\n"
                     "popq %1\n"
                     : "=r"(before), "=r"(after)
                     :
                     : "rcx", "r11", "rdx", "rdi", "memory", "cc");
    probe_line_end();
    CHECK_EQ(before & FLAGS_USER_VISIBLE, FLAGS_USER_VISIBLE);
    CHECK_EQ(after & FLAGS_USER_VISIBLE, FLAGS_USER_VISIBLE);
    CHECK(after & (1u << 9)); /* interrupts stay enabled at user level */
}
DEFINE_TEST(SYSCALL0003, "arithmetic flags and IF survive a syscall", test_rflags_preserved);

static void test_direction_flag_preserved(void)
{
    uint64_t after;
    probe_line_begin();
    __asm__ volatile("std\n"
                     "movq $-9, %%rdx\n"
                     "movq $46, %%rdi\n"
                     "syscall\n"
                     "pushfq\n"
                     "popq %0\n"
                     "cld\n"
                     : "=r"(after)
                     :
                     : "rcx", "r11", "rdx", "rdi", "memory", "cc");
    probe_line_end();
    CHECK(after & (1u << 10));
}
DEFINE_TEST(SYSCALL0004, "the user's direction flag survives a syscall (kernel clears its own)",
            test_direction_flag_preserved);
