/* Host test: libsel4ish's generated and hand-written headers have seL4's numbers and layouts. */
#include <sel4/sel4.h>

#include <stddef.h>
#include <stdio.h>

__thread seL4_IPCBuffer *__sel4_ipc_buffer; /* as libsel4ish's runtime defines it */

#define PIN(expr) _Static_assert(expr, #expr)

/* Syscall numbers. */
PIN(seL4_SysCall == -1);
PIN(seL4_SysReplyRecv == -2);
PIN(seL4_SysSend == -3);
PIN(seL4_SysNBSend == -4);
PIN(seL4_SysRecv == -5);
PIN(seL4_SysReply == -6);
PIN(seL4_SysYield == -7);
PIN(seL4_SysNBRecv == -8);
PIN(seL4_SysDebugPutChar == -9);
PIN(seL4_SysDebugDumpScheduler == -10);
PIN(seL4_SysDebugHalt == -11);
PIN(seL4_SysDebugCapIdentify == -12);
PIN(seL4_SysDebugSnapshot == -13);
PIN(seL4_SysDebugNameThread == -14);

/* Invocation labels. */
PIN(InvalidInvocation == 0);
PIN(UntypedRetype == 1);
PIN(TCBReadRegisters == 2);
PIN(TCBWriteRegisters == 3);
PIN(TCBCopyRegisters == 4);
PIN(TCBConfigure == 5);
PIN(TCBSetPriority == 6);
PIN(TCBSetMCPriority == 7);
PIN(TCBSetSchedParams == 8);
PIN(TCBSetIPCBuffer == 9);
PIN(TCBSetSpace == 10);
PIN(TCBSuspend == 11);
PIN(TCBResume == 12);
PIN(TCBBindNotification == 13);
PIN(TCBUnbindNotification == 14);
PIN(TCBSetTLSBase == 15);
PIN(TCBSetFlags == 16);
PIN(CNodeRevoke == 17);
PIN(CNodeDelete == 18);
PIN(CNodeCancelBadgedSends == 19);
PIN(CNodeCopy == 20);
PIN(CNodeMint == 21);
PIN(CNodeMove == 22);
PIN(CNodeMutate == 23);
PIN(CNodeRotate == 24);
PIN(CNodeSaveCaller == 25);
PIN(IRQIssueIRQHandler == 26);
PIN(IRQAckIRQ == 27);
PIN(IRQSetIRQHandler == 28);
PIN(IRQClearIRQHandler == 29);
PIN(DomainSetSet == 30);
PIN(nInvocationLabels == 31);
PIN(X86PDPTMap == 31);
PIN(X86PDPTUnmap == 32);
PIN(nSeL4ArchInvocationLabels == 33);
PIN(X86PageDirectoryMap == 33);
PIN(X86PageDirectoryUnmap == 34);
PIN(X86PageTableMap == 35);
PIN(X86PageTableUnmap == 36);
PIN(X86PageMap == 37);
PIN(X86PageUnmap == 38);
PIN(X86PageGetAddress == 39);
PIN(X86ASIDControlMakePool == 40);
PIN(X86ASIDPoolAssign == 41);
PIN(X86IOPortControlIssue == 42);
PIN(X86IOPortIn8 == 43);
PIN(X86IOPortIn16 == 44);
PIN(X86IOPortIn32 == 45);
PIN(X86IOPortOut8 == 46);
PIN(X86IOPortOut16 == 47);
PIN(X86IOPortOut32 == 48);
PIN(X86IRQIssueIRQHandlerIOAPIC == 49);
PIN(X86IRQIssueIRQHandlerMSI == 50);
PIN(nArchInvocationLabels == 51);

/* Errors and lookup failures. */
PIN(seL4_NoError == 0);
PIN(seL4_InvalidArgument == 1);
PIN(seL4_InvalidCapability == 2);
PIN(seL4_IllegalOperation == 3);
PIN(seL4_RangeError == 4);
PIN(seL4_AlignmentError == 5);
PIN(seL4_FailedLookup == 6);
PIN(seL4_TruncatedMessage == 7);
PIN(seL4_DeleteFirst == 8);
PIN(seL4_RevokeFirst == 9);
PIN(seL4_NotEnoughMemory == 10);
PIN(seL4_NumErrors == 11);
PIN(seL4_NoFailure == 0);
PIN(seL4_InvalidRoot == 1);
PIN(seL4_MissingCapability == 2);
PIN(seL4_DepthMismatch == 3);
PIN(seL4_GuardMismatch == 4);

/* Object types and sizes. */
PIN(seL4_UntypedObject == 0);
PIN(seL4_TCBObject == 1);
PIN(seL4_EndpointObject == 2);
PIN(seL4_NotificationObject == 3);
PIN(seL4_CapTableObject == 4);
PIN(seL4_X86_PDPTObject == 5);
PIN(seL4_X64_PML4Object == 6);
PIN(seL4_X64_HugePageObject == 7);
PIN(seL4_X86_4K == 8);
PIN(seL4_X86_LargePageObject == 9);
PIN(seL4_X86_PageTableObject == 10);
PIN(seL4_X86_PageDirectoryObject == 11);
PIN(seL4_ObjectTypeCount == 12);
PIN(seL4_NonArchObjectTypeCount == 5);
PIN(seL4_ModeObjectTypeCount == 8);
PIN(seL4_TCBBits == 11);
PIN(seL4_EndpointBits == 4);
PIN(seL4_NotificationBits == 5);
PIN(seL4_SlotBits == 5);
PIN(seL4_PDPTBits == 12);
PIN(seL4_PML4Bits == 12);
PIN(seL4_HugePageBits == 30);
PIN(seL4_PageBits == 12);
PIN(seL4_LargePageBits == 21);
PIN(seL4_PageTableBits == 12);
PIN(seL4_PageDirBits == 12);
PIN(seL4_ASIDPoolBits == 12);
PIN(seL4_MinUntypedBits == 4);
PIN(seL4_MaxUntypedBits == 47);

/* Constants. */
PIN(seL4_MsgMaxLength == 120);
PIN(seL4_MsgMaxExtraCaps == 3);
PIN(seL4_FastMessageRegisters == 4);
PIN(seL4_MaxPrio == 255);
PIN(seL4_UntypedRetypeMaxObjects == 256);
PIN(CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS == 230);
PIN(seL4_IPCBufferSizeBits == 10);
PIN(seL4_X86_WriteBack == 0);
PIN(seL4_X86_Default_VMAttributes == 0);
PIN(seL4_X86_WriteThrough == 1);
PIN(seL4_X86_CacheDisabled == 2);
PIN(seL4_X86_WriteCombining == 4);
PIN(sizeof(seL4_X86_VMAttributes) == 8);

/* Initial capabilities. */
PIN(seL4_CapNull == 0);
PIN(seL4_CapInitThreadTCB == 1);
PIN(seL4_CapInitThreadCNode == 2);
PIN(seL4_CapInitThreadVSpace == 3);
PIN(seL4_CapIRQControl == 4);
PIN(seL4_CapASIDControl == 5);
PIN(seL4_CapInitThreadASIDPool == 6);
PIN(seL4_CapIOPortControl == 7);
PIN(seL4_CapIOSpace == 8);
PIN(seL4_CapBootInfoFrame == 9);
PIN(seL4_CapInitThreadIPCBuffer == 10);
PIN(seL4_CapDomain == 11);
PIN(seL4_CapSMMUSIDControl == 12);
PIN(seL4_CapSMMUCBControl == 13);
PIN(seL4_CapInitThreadSC == 14);
PIN(seL4_CapSMC == 15);
PIN(seL4_NumInitialCaps == 16);

/* Faults. */
PIN(seL4_Fault_CapFault == 1);
PIN(seL4_Fault_UnknownSyscall == 2);
PIN(seL4_Fault_UserException == 3);
PIN(seL4_Fault_VMFault == 5);
PIN(seL4_UnknownSyscall_Length == 19);
PIN(seL4_UserException_Length == 5);
PIN(seL4_VMFault_Length == 4);
PIN(seL4_CapFault_GuardMismatch_BitsFound == 6);

/* IPC buffer layout. */
PIN(sizeof(seL4_IPCBuffer) == 1024);
PIN(_Alignof(seL4_IPCBuffer) == 1024);
PIN(offsetof(seL4_IPCBuffer, tag) == 0);
PIN(offsetof(seL4_IPCBuffer, msg) == 8);
PIN(offsetof(seL4_IPCBuffer, userData) == 968);
PIN(offsetof(seL4_IPCBuffer, caps_or_badges) == 976);
PIN(offsetof(seL4_IPCBuffer, receiveCNode) == 1000);
PIN(offsetof(seL4_IPCBuffer, receiveIndex) == 1008);
PIN(offsetof(seL4_IPCBuffer, receiveDepth) == 1016);

/* BootInfo layout. */
PIN(sizeof(seL4_BootInfo) == 3848);
PIN(sizeof(seL4_SlotRegion) == 16);
PIN(sizeof(seL4_UntypedDesc) == 16);
PIN(offsetof(seL4_UntypedDesc, sizeBits) == 8);
PIN(offsetof(seL4_UntypedDesc, isDevice) == 9);
PIN(offsetof(seL4_BootInfo, extraLen) == 0);
PIN(offsetof(seL4_BootInfo, nodeID) == 8);
PIN(offsetof(seL4_BootInfo, numNodes) == 16);
PIN(offsetof(seL4_BootInfo, numIOPTLevels) == 24);
PIN(offsetof(seL4_BootInfo, ipcBuffer) == 32);
PIN(offsetof(seL4_BootInfo, empty) == 40);
PIN(offsetof(seL4_BootInfo, sharedFrames) == 56);
PIN(offsetof(seL4_BootInfo, userImageFrames) == 72);
PIN(offsetof(seL4_BootInfo, userImagePaging) == 88);
PIN(offsetof(seL4_BootInfo, ioSpaceCaps) == 104);
PIN(offsetof(seL4_BootInfo, extraBIPages) == 120);
PIN(offsetof(seL4_BootInfo, initThreadCNodeSizeBits) == 136);
PIN(offsetof(seL4_BootInfo, initThreadDomain) == 144);
PIN(offsetof(seL4_BootInfo, untyped) == 152);
PIN(offsetof(seL4_BootInfo, untypedList) == 168);
PIN(sizeof(seL4_BootInfoHeader) == 16);

/* User context: 20 words in TCB ReadRegisters order. */
PIN(sizeof(seL4_UserContext) == 20 * 8);
PIN(offsetof(seL4_UserContext, rip) == 0);
PIN(offsetof(seL4_UserContext, rsp) == 8);
PIN(offsetof(seL4_UserContext, rflags) == 16);
PIN(offsetof(seL4_UserContext, rax) == 24);
PIN(offsetof(seL4_UserContext, rdi) == 64);
PIN(offsetof(seL4_UserContext, r15) == 136);
PIN(offsetof(seL4_UserContext, fs_base) == 144);
PIN(offsetof(seL4_UserContext, gs_base) == 152);

/* Result structures have libsel4's shape. */
PIN(offsetof(seL4_X86_Page_GetAddress_t, error) == 0);
PIN(sizeof(((seL4_X86_IOPort_In8_t *)0)->result) == 1);
PIN(sizeof(((seL4_X86_IOPort_In16_t *)0)->result) == 2);
PIN(sizeof(((seL4_X86_IOPort_In32_t *)0)->result) == 4);

static int failures;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);                                 \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

static void check_bitfields(void)
{
    seL4_MessageInfo_t mi = seL4_MessageInfo_new(0x12345, 5, 3, 0x55);
    /* label 52 | capsUnwrapped 3 | extraCaps 2 | length 7 */
    CHECK(mi.words[0] == ((0x12345ull << 12) | (5ull << 9) | (3ull << 7) | 0x55ull));
    CHECK(seL4_MessageInfo_get_label(mi) == 0x12345);
    CHECK(seL4_MessageInfo_get_capsUnwrapped(mi) == 5);
    CHECK(seL4_MessageInfo_get_extraCaps(mi) == 3);
    CHECK(seL4_MessageInfo_get_length(mi) == 0x55);
    mi = seL4_MessageInfo_set_length(mi, 2);
    CHECK(seL4_MessageInfo_get_length(mi) == 2 && seL4_MessageInfo_get_label(mi) == 0x12345);
    seL4_MessageInfo_ptr_set_extraCaps(&mi, 1);
    CHECK(seL4_MessageInfo_ptr_get_extraCaps(&mi) == 1);

    /* GrantReply 3 | Grant 2 | Read 1 | Write 0 */
    CHECK(seL4_AllRights.words[0] == 0xf);
    CHECK(seL4_CanWrite.words[0] == 1);
    CHECK(seL4_CanRead.words[0] == 2);
    CHECK(seL4_CanGrant.words[0] == 4);
    CHECK(seL4_CanGrantReply.words[0] == 8);
    CHECK(seL4_ReadWrite.words[0] == 3);
    CHECK(seL4_NoRights.words[0] == 0);
    CHECK(seL4_CapRights_get_capAllowRead(seL4_CanRead) == 1);

    /* guard 58 | guardSize 6 */
    seL4_CNode_CapData_t cd = seL4_CNode_CapData_new(0x3, 10);
    CHECK(cd.words[0] == ((0x3ull << 6) | 10));
    CHECK(seL4_CNode_CapData_get_guardSize(cd) == 10);
}

static void check_error_detail(void)
{
    static seL4_IPCBuffer buf;
    __sel4_ipc_buffer = &buf;
    seL4ish_SaveErrorTag(seL4_MessageInfo_new(seL4_RangeError, 0, 0, 2));
    seL4_SetMR(0, 4);
    seL4_SetMR(1, 47);
    seL4_ErrorDetail_t d = seL4_GetErrorDetail();
    CHECK(d.error == seL4_RangeError && d.min == 4 && d.max == 47);

    seL4ish_SaveErrorTag(seL4_MessageInfo_new(seL4_FailedLookup, 0, 0, 5));
    seL4_SetMR(0, 1);
    seL4_SetMR(1, seL4_GuardMismatch);
    seL4_SetMR(2, 20);
    seL4_SetMR(3, 0x5);
    seL4_SetMR(4, 3);
    d = seL4_GetErrorDetail();
    CHECK(d.error == seL4_FailedLookup && d.source == 1 && d.lookup_type == seL4_GuardMismatch);
    CHECK(d.bits_left == 20 && d.guard_found == 5 && d.bits_found == 3);

    seL4ish_SaveErrorTag(seL4_MessageInfo_new(seL4_NotEnoughMemory, 0, 0, 1));
    seL4_SetMR(0, 4096);
    d = seL4_GetErrorDetail();
    CHECK(d.bytes_available == 4096);
    CHECK(seL4_ErrorName(seL4_DeleteFirst)[5] == 'D');

    seL4_SetCap(1, 77);
    CHECK(buf.caps_or_badges[1] == 77 && seL4_GetCap(1) == 77);
    seL4_SetCapReceivePath(2, 3, 64);
    CHECK(buf.receiveCNode == 2 && buf.receiveIndex == 3 && buf.receiveDepth == 64);
    CHECK(seL4_GetIPCBuffer() == &buf);
}

int main(void)
{
    check_bitfields();
    check_error_detail();
    if (failures) {
        printf("%d check(s) failed\n", failures);
        return 1;
    }
    printf("ABI pins OK\n");
    return 0;
}
