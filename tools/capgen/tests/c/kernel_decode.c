/* Host test of the generated kernel decoders for the real spec, linked with stub handlers for
 * its implemented methods (capgen_testlib.write_handler_stubs) instead of the kernel's. */
#include <gen/decode.h>
#include <gen/syscall.h>

#include "fake_invocation.h"
#include "stub_dispatch.h"

static struct cte *const CAP_A = (struct cte *)0x1000;

static void test_truncated_changes_nothing(void)
{
    invocation_t inv = fake_invocation(INV_CNODE_COPY, 4, 1);
    cnode_copy_args_t args = {0};
    args.dest_index = 99;
    CHECK(cnode_copy_unpack(&inv, &args) == seL4_TruncatedMessage);
    CHECK(args.dest_index == 99);
    inv = fake_invocation(INV_CNODE_COPY, 5, 0);
    CHECK(cnode_copy_unpack(&inv, &args) == seL4_TruncatedMessage);
    CHECK(args.dest_index == 99);
}

static void test_copy_unpacks_rights(void)
{
    invocation_t inv = fake_invocation(INV_CNODE_COPY, 5, 1);
    inv.caps[0] = CAP_A;
    fake_mrs[0] = 0x1234;
    fake_mrs[1] = 0xff00 | 12; /* a depth alone in its word is read whole, as seL4 does */
    fake_mrs[2] = 0x77;
    fake_mrs[3] = 64;
    fake_mrs[4] = 0xa; /* GrantReply and Read */
    cnode_copy_args_t a;
    CHECK(cnode_copy_unpack(&inv, &a) == seL4_NoError);
    CHECK(a.dest_index == 0x1234 && a.dest_depth == (0xff00 | 12));
    CHECK(a.src_root == CAP_A && a.src_index == 0x77 && a.src_depth == 64);
    CHECK(a.rights.allow_grant_reply == 1 && a.rights.allow_grant == 0);
    CHECK(a.rights.allow_read == 1 && a.rights.allow_write == 0);
    CHECK(cap_rights_pack(a.rights) == 0xa);
}

static void test_packed_flags(void)
{
    invocation_t inv = fake_invocation(INV_TCB_COPY_REGISTERS, 1, 1);
    inv.caps[0] = CAP_A;
    fake_mrs[0] = 0x1 | 0x4 | (0x5aull << 8); /* suspend_source, transfer_frame, arch 0x5a */
    tcb_copy_registers_args_t a;
    CHECK(tcb_copy_registers_unpack(&inv, &a) == seL4_NoError);
    CHECK(a.source == CAP_A);
    CHECK(a.suspend_source && !a.resume_target && a.transfer_frame && !a.transfer_integer);
    CHECK(a.arch_flags == 0x5a);
}

static void test_write_registers_length(void)
{
    tcb_write_registers_args_t a;
    invocation_t inv = fake_invocation(INV_TCB_WRITE_REGISTERS, 4, 0);
    fake_mrs[0] = 1;
    fake_mrs[1] = 3; /* count 3 but only 2 register words sent */
    CHECK(tcb_write_registers_unpack(&inv, &a) == seL4_TruncatedMessage);
    inv.length = 5;
    fake_mrs[2] = 0x401000;
    fake_mrs[3] = 0x7000;
    fake_mrs[4] = 0x202;
    CHECK(tcb_write_registers_unpack(&inv, &a) == seL4_NoError);
    CHECK(a.resume_target && a.count == 3);
    CHECK(a.regs[USER_CONTEXT_RIP] == 0x401000 && a.regs[USER_CONTEXT_RSP] == 0x7000);
    CHECK(a.regs[USER_CONTEXT_RFLAGS] == 0x202 && a.regs[USER_CONTEXT_RAX] == 0);
}

static void test_has_label(void)
{
    CHECK(cnode_has_label(INV_CNODE_ROTATE) && !cnode_has_label(INV_TCB_SUSPEND));
    CHECK(x86_irq_control_has_label(49) && x86_irq_control_has_label(50));
    CHECK(irq_control_has_label(INV_IRQ_CONTROL_GET) && !irq_control_has_label(49));
}

static void test_reply(void)
{
    x86_ioport_in8_result_t r = {0xab};
    x86_ioport_in8_reply(&r);
    CHECK(fake_reply[0] == 0xab && fake_reply_length == 1);
    tcb_read_registers_result_t regs = {{0}, 0};
    regs.regs[USER_CONTEXT_RIP] = 5;
    regs.regs[USER_CONTEXT_RSP] = 6;
    regs.count = 2;
    tcb_read_registers_reply(&regs);
    CHECK(fake_reply[0] == 5 && fake_reply[1] == 6 && fake_reply_length == 2);
}

int main(void)
{
    CHECK(N_INVOCATION_LABELS == 51 && INV_X86_IRQ_CONTROL_GET_MSI == 50);
    CHECK(SYS_CALL == -1 && SYS_DEBUG_NAME_THREAD == -14);
    test_truncated_changes_nothing();
    test_copy_unpacks_rights();
    test_packed_flags();
    test_write_registers_length();
    test_has_label();
    test_dispatch_all_methods(); /* pending, implemented and foreign labels of every method */
    test_reply();
    CHECK(invocation_label_name(INV_CNODE_MINT)[0] == 's');
    if (failures) {
        printf("%d check(s) failed\n", failures);
        return 1;
    }
    printf("kernel decode OK\n");
    return 0;
}
