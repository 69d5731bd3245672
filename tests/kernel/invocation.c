/* INVOCATION: object invocations through the generated libsel4ish stubs and kernel decoders:
 * implemented methods work, pending ones answer IllegalOperation, and errors carry details. */
#include "test.h"
#include <sel4/sel4.h>
#include <sel4ish/tls.h>

static void test_page_get_address(void)
{
    seL4_X86_Page_GetAddress_t ipc = seL4_X86_Page_GetAddress(seL4_CapInitThreadIPCBuffer);
    seL4_X86_Page_GetAddress_t bi = seL4_X86_Page_GetAddress(seL4_CapBootInfoFrame);
    CHECK_EQ(ipc.error, seL4_NoError);
    CHECK_EQ(bi.error, seL4_NoError);
    CHECK(ipc.paddr != 0);
    CHECK_EQ(ipc.paddr & 0xfff, 0);
    CHECK_EQ(bi.paddr & 0xfff, 0);
    CHECK(ipc.paddr != bi.paddr);
    /* The same frame twice gives the same address. */
    CHECK_EQ(seL4_X86_Page_GetAddress(seL4_CapInitThreadIPCBuffer).paddr, ipc.paddr);
}
DEFINE_TEST(INVOCATION0001, "X86_Page_GetAddress returns each frame's physical address",
            test_page_get_address);

static uint64_t tls_block[4] = {0x715000000000abcdull, 2, 3, 4};

/* Reads the word at %fs:offset. */
static uint64_t fs_word(unsigned offset)
{
    uint64_t v;
    __asm__ volatile("movq %%fs:(%1), %0" : "=r"(v) : "r"((uint64_t)offset));
    return v;
}

/*
 * These cases point %fs at tls_block, away from the test's own TLS (where __sel4_ipc_buffer
 * lives). Until own_tls_restore() puts the thread pointer back, nothing may use TLS: no
 * seL4_GetMR/SetMR, no plain IPC wrapper, no invocation stub that can fail (its error path
 * writes the IPC buffer); CHECK and the register forms are fine.
 */

/* seL4_TCB_SetTLSBase on the test's own TCB in the register form (no TLS, even on error). */
static seL4_Error own_tls_set(seL4_Word base)
{
    seL4_Word mr0 = base, mr1 = 0, mr2 = 0, mr3 = 0;
    seL4_MessageInfo_t reply =
        seL4_CallWithMRs(seL4_CapInitThreadTCB, seL4_MessageInfo_new(TCBSetTLSBase, 0, 0, 1), &mr0,
                         &mr1, &mr2, &mr3);
    return (seL4_Error)seL4_MessageInfo_get_label(reply);
}

/* Loads the thread pointer tp (sel4ish_tls_base(), read before %fs moved) again and checks
 * that the test's TLS is back. */
static void own_tls_restore(seL4_Word tp)
{
    CHECK_EQ(own_tls_set(tp), seL4_NoError);
    CHECK_EQ(sel4ish_tls_base(), tp);
    CHECK(seL4_GetIPCBuffer() == seL4_GetBootInfo()->ipcBuffer);
}

static void test_set_tls_base(void)
{
    seL4_Word tp = sel4ish_tls_base();
    CHECK_EQ(seL4_TCB_SetTLSBase(seL4_CapInitThreadTCB, (seL4_Word)tls_block), seL4_NoError);
    CHECK_EQ(fs_word(0), 0x715000000000abcdull);
    CHECK_EQ(fs_word(24), 4);
    CHECK_EQ(own_tls_set((seL4_Word)&tls_block[1]), seL4_NoError);
    CHECK_EQ(fs_word(0), 2);
    /* A non-canonical base is sanitised (to 0), never loaded: the kernel survives. */
    CHECK_EQ(own_tls_set(0x0000900000000000ull), seL4_NoError);
    CHECK_EQ(own_tls_set((seL4_Word)tls_block), seL4_NoError);
    CHECK_EQ(fs_word(8), 2);
    own_tls_restore(tp);
}
DEFINE_TEST(INVOCATION0002, "TCB_SetTLSBase moves %fs; a non-canonical base is sanitised",
            test_set_tls_base);

static void test_pending_methods(void)
{
    /* Each stub below names a method the kernel does not implement yet. */
    CHECK_EQ(seL4_DomainSet_Set(seL4_CapDomain, 0, seL4_CapInitThreadTCB), seL4_IllegalOperation);
    CHECK_EQ(seL4_GetErrorDetail().error, seL4_IllegalOperation);
}
DEFINE_TEST(INVOCATION0003, "methods the kernel does not implement yet give IllegalOperation",
            test_pending_methods);

static void test_empty_slot(void)
{
    /* The last slot of the root CNode is empty: invoking it is an invalid capability
     * (index 0). */
    seL4_X86_Page_GetAddress_t r = seL4_X86_Page_GetAddress(4095);
    CHECK_EQ(r.error, seL4_InvalidCapability);
    seL4_ErrorDetail_t d = seL4_GetErrorDetail();
    CHECK_EQ(d.error, seL4_InvalidCapability);
    CHECK_EQ(d.argument, 0);
    CHECK_EQ(seL4_TCB_SetTLSBase(seL4_CapNull, 0), seL4_InvalidCapability);
}
DEFINE_TEST(INVOCATION0004, "invoking an empty slot gives InvalidCapability with its index",
            test_empty_slot);

static void test_wrong_object_label(void)
{
    /* A TCB label on a frame, a frame label on a TCB, label 0, and the VSpace root (no methods). */
    CHECK_EQ(seL4_TCB_SetTLSBase(seL4_CapInitThreadIPCBuffer, 0), seL4_IllegalOperation);
    CHECK_EQ(seL4_X86_Page_GetAddress(seL4_CapInitThreadTCB).error, seL4_IllegalOperation);
    seL4_MessageInfo_t reply = seL4_Call(seL4_CapInitThreadTCB, seL4_MessageInfo_new(0, 0, 0, 0));
    CHECK_EQ(seL4_MessageInfo_get_label(reply), seL4_IllegalOperation);
    reply = seL4_Call(seL4_CapInitThreadVSpace, seL4_MessageInfo_new(X86PageGetAddress, 0, 0, 0));
    CHECK_EQ(seL4_MessageInfo_get_label(reply), seL4_IllegalOperation);
    reply = seL4_Call(seL4_CapInitThreadTCB, seL4_MessageInfo_new(999999, 0, 0, 0));
    CHECK_EQ(seL4_MessageInfo_get_label(reply), seL4_IllegalOperation);
}
DEFINE_TEST(INVOCATION0005, "labels of other objects, label 0 and unknown labels are refused",
            test_wrong_object_label);

static void test_truncated_message(void)
{
    /* SetTLSBase takes one word: a message of length 0 is truncated and changes nothing. */
    seL4_Word tp = sel4ish_tls_base();
    CHECK_EQ(seL4_TCB_SetTLSBase(seL4_CapInitThreadTCB, (seL4_Word)tls_block), seL4_NoError);
    seL4_Word mr0 = 0, mr1 = 0, mr2 = 0, mr3 = 0;
    seL4_MessageInfo_t reply =
        seL4_CallWithMRs(seL4_CapInitThreadTCB, seL4_MessageInfo_new(TCBSetTLSBase, 0, 0, 0), &mr0,
                         &mr1, &mr2, &mr3);
    CHECK_EQ(seL4_MessageInfo_get_label(reply), seL4_TruncatedMessage);
    CHECK_EQ(seL4_MessageInfo_get_length(reply), 0);
    CHECK_EQ(fs_word(0), tls_block[0]);
    own_tls_restore(tp);
}
DEFINE_TEST(INVOCATION0006, "a message shorter than the method's arguments is TruncatedMessage",
            test_truncated_message);

static void test_reply_message(void)
{
    /* A successful Call replies with label 0 and the method's result words only. */
    seL4_SetMR(0, 0x1111);
    seL4_MessageInfo_t reply =
        seL4_Call(seL4_CapInitThreadIPCBuffer, seL4_MessageInfo_new(X86PageGetAddress, 0, 0, 0));
    CHECK_EQ(seL4_MessageInfo_get_label(reply), 0);
    CHECK_EQ(seL4_MessageInfo_get_length(reply), 1);
    CHECK_EQ(seL4_MessageInfo_get_extraCaps(reply), 0);
    CHECK_EQ(seL4_GetMR(0), seL4_X86_Page_GetAddress(seL4_CapInitThreadIPCBuffer).paddr);
}
DEFINE_TEST(INVOCATION0007, "a successful Call replies with label 0 and the result words",
            test_reply_message);

static void test_send_does_not_reply(void)
{
    /* Send performs the invocation ... */
    seL4_Word tp = sel4ish_tls_base();
    seL4_Word mr0 = (seL4_Word)&tls_block[2], mr1 = 0, mr2 = 0, mr3 = 0;
    seL4_SendWithMRs(seL4_CapInitThreadTCB, seL4_MessageInfo_new(TCBSetTLSBase, 0, 0, 1), &mr0,
                     &mr1, &mr2, &mr3);
    CHECK_EQ(fs_word(0), 3);
    own_tls_restore(tp);
    /* ... but writes no reply: MR0 still holds what the caller put there. */
    seL4_Word before = 0x5e5e;
    seL4_SetMR(0, before);
    seL4_Send(seL4_CapInitThreadIPCBuffer, seL4_MessageInfo_new(X86PageGetAddress, 0, 0, 1));
    CHECK_EQ(seL4_GetMR(0), before);
}
DEFINE_TEST(INVOCATION0008, "Send invokes without writing a reply", test_send_does_not_reply);
