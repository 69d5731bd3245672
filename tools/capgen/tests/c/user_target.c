/* Compile test: every system call wrapper and IPC buffer helper, built for the target. */
#include <sel4/sel4.h>

__thread seL4_IPCBuffer *__sel4_ipc_buffer; /* as libsel4ish's runtime defines it */

seL4_Word use_every_wrapper(seL4_CPtr ep, seL4_CPtr ntfn);

seL4_Word use_every_wrapper(seL4_CPtr ep, seL4_CPtr ntfn)
{
    seL4_Word badge = 0, a = 1, b = 2, c = 3, d = 4;
    seL4_MessageInfo_t info = seL4_MessageInfo_new(7, 0, 0, 4);
    seL4_SetMR(0, 1);
    seL4_Send(ep, info);
    seL4_SendWithMRs(ep, info, &a, &b, &c, &d);
    seL4_NBSend(ep, info);
    seL4_NBSendWithMRs(ep, info, &a, 0, 0, 0);
    info = seL4_Call(ep, info);
    info = seL4_CallWithMRs(ep, info, &a, &b, &c, &d);
    info = seL4_Recv(ep, &badge);
    info = seL4_RecvWithMRs(ep, &badge, &a, &b, &c, &d);
    info = seL4_NBRecv(ep, &badge);
    info = seL4_NBRecvWithMRs(ep, 0, &a, 0, 0, 0);
    seL4_Reply(info);
    seL4_ReplyWithMRs(info, &a, &b, 0, 0);
    info = seL4_ReplyRecv(ep, info, &badge);
    info = seL4_ReplyRecvWithMRs(ep, info, &badge, &a, &b, &c, &d);
    seL4_Signal(ntfn);
    seL4_Wait(ntfn, &badge);
    info = seL4_Poll(ntfn, &badge);
    seL4_Yield();
    seL4_DebugPutChar('x');
    seL4_DebugPutString("hello\n");
    seL4_DebugDumpScheduler();
    seL4_DebugSnapshot();
    seL4_DebugNameThread(seL4_CapInitThreadTCB, "root");
    badge += seL4_DebugCapIdentify(seL4_CapInitThreadCNode);
    seL4_SetUserData(seL4_GetUserData() + 1);
    seL4_SetCapReceivePath(seL4_CapInitThreadCNode, 100, seL4_WordBits);
    badge += seL4_GetBadge(0) + seL4_GetCap(1) + seL4_GetMR(3);
    seL4_Error err = seL4_CNode_Copy(seL4_CapInitThreadCNode, 10, 64, seL4_CapInitThreadCNode, 1,
                                     64, seL4_AllRights);
    seL4_X86_Page_GetAddress_t ga = seL4_X86_Page_GetAddress(20);
    seL4_UserContext ctx = {0};
    err += seL4_TCB_ReadRegisters(seL4_CapInitThreadTCB, 0, 0, 20, &ctx);
    err += seL4_TCB_WriteRegisters(seL4_CapInitThreadTCB, 1, 0, 20, &ctx);
    err += seL4_Untyped_Retype(30, seL4_EndpointObject, 0, seL4_CapInitThreadCNode, 0, 0, 40, 1);
    seL4_ErrorDetail_t det = seL4_GetErrorDetail();
    if (badge == 0) {
        seL4_DebugHalt();
    }
    return badge + info.words[0] + (seL4_Word)err + ga.paddr + det.min + ctx.rip;
}
