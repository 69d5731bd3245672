/*
 * System call wrappers for x86-64 (`syscall` instruction). Register use: rdx = syscall number,
 * rdi = capability pointer in / badge out, rsi = message info in/out, r10 r8 r9 r15 = MR0..MR3
 * in/out. The user rsp is kept in rbx across the instruction; rcx and r11 are destroyed by the
 * CPU. The plain wrappers move MR0..MR3 between the registers and the IPC buffer; the
 * ...WithMRs variants use the given variables instead (NULL: not sent, or not stored).
 */
#pragma once

#include <sel4/functions.h>
#include <sel4/types.h>

/* The registers of one system call: everything is passed in and read back. */
typedef struct seL4ish_SyscallRegs {
    seL4_Word cap_badge;
    seL4_Word info;
    seL4_Word mr[4];
} seL4ish_SyscallRegs;

static inline void seL4ish_Syscall(seL4_Word sys, seL4ish_SyscallRegs *r)
{
    register seL4_Word rdi __asm__("rdi") = r->cap_badge;
    register seL4_Word rsi __asm__("rsi") = r->info;
    register seL4_Word rdx __asm__("rdx") = sys;
    register seL4_Word r10 __asm__("r10") = r->mr[0];
    register seL4_Word r8 __asm__("r8") = r->mr[1];
    register seL4_Word r9 __asm__("r9") = r->mr[2];
    register seL4_Word r15 __asm__("r15") = r->mr[3];
    __asm__ volatile("movq %%rsp, %%rbx\n\t"
                     "syscall\n\t"
                     "movq %%rbx, %%rsp"
                     : "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10), "+r"(r8), "+r"(r9), "+r"(r15)
                     :
                     : "rbx", "rcx", "r11", "memory", "cc");
    r->cap_badge = rdi;
    r->info = rsi;
    r->mr[0] = r10;
    r->mr[1] = r8;
    r->mr[2] = r9;
    r->mr[3] = r15;
}

static inline seL4ish_SyscallRegs seL4ish_RegsFromBuffer(seL4_CPtr cap, seL4_MessageInfo_t info)
{
    seL4ish_SyscallRegs r;
    r.cap_badge = cap;
    r.info = info.words[0];
    for (int i = 0; i < 4; i++) {
        r.mr[i] = seL4_GetMR(i);
    }
    return r;
}

static inline seL4ish_SyscallRegs seL4ish_RegsFromVars(seL4_CPtr cap, seL4_MessageInfo_t info,
                                                       seL4_Word *mr0, seL4_Word *mr1,
                                                       seL4_Word *mr2, seL4_Word *mr3)
{
    seL4_Word *mrs[4] = {mr0, mr1, mr2, mr3};
    seL4_Word length = seL4_MessageInfo_get_length(info);
    seL4ish_SyscallRegs r;
    r.cap_badge = cap;
    r.info = info.words[0];
    for (int i = 0; i < 4; i++) {
        r.mr[i] = (mrs[i] != seL4_Null && (seL4_Word)i < length) ? *mrs[i] : 0;
    }
    return r;
}

static inline void seL4ish_MRsToBuffer(const seL4ish_SyscallRegs *r)
{
    for (int i = 0; i < 4; i++) {
        seL4_SetMR(i, r->mr[i]);
    }
}

static inline void seL4ish_MRsToVars(const seL4ish_SyscallRegs *r, seL4_Word *mr0, seL4_Word *mr1,
                                     seL4_Word *mr2, seL4_Word *mr3)
{
    seL4_Word *mrs[4] = {mr0, mr1, mr2, mr3};
    for (int i = 0; i < 4; i++) {
        if (mrs[i] != seL4_Null) {
            *mrs[i] = r->mr[i];
        }
    }
}

static inline seL4_MessageInfo_t seL4ish_Info(const seL4ish_SyscallRegs *r, seL4_Word *sender)
{
    seL4_MessageInfo_t info;
    info.words[0] = r->info;
    if (sender != seL4_Null) {
        *sender = r->cap_badge;
    }
    return info;
}

/* ---- Sending ---- */

static inline void seL4_Send(seL4_CPtr dest, seL4_MessageInfo_t msgInfo)
{
    seL4ish_SyscallRegs r = seL4ish_RegsFromBuffer(dest, msgInfo);
    seL4ish_Syscall((seL4_Word)seL4_SysSend, &r);
}

static inline void seL4_SendWithMRs(seL4_CPtr dest, seL4_MessageInfo_t msgInfo, seL4_Word *mr0,
                                    seL4_Word *mr1, seL4_Word *mr2, seL4_Word *mr3)
{
    seL4ish_SyscallRegs r = seL4ish_RegsFromVars(dest, msgInfo, mr0, mr1, mr2, mr3);
    seL4ish_Syscall((seL4_Word)seL4_SysSend, &r);
}

static inline void seL4_NBSend(seL4_CPtr dest, seL4_MessageInfo_t msgInfo)
{
    seL4ish_SyscallRegs r = seL4ish_RegsFromBuffer(dest, msgInfo);
    seL4ish_Syscall((seL4_Word)seL4_SysNBSend, &r);
}

static inline void seL4_NBSendWithMRs(seL4_CPtr dest, seL4_MessageInfo_t msgInfo, seL4_Word *mr0,
                                      seL4_Word *mr1, seL4_Word *mr2, seL4_Word *mr3)
{
    seL4ish_SyscallRegs r = seL4ish_RegsFromVars(dest, msgInfo, mr0, mr1, mr2, mr3);
    seL4ish_Syscall((seL4_Word)seL4_SysNBSend, &r);
}

static inline void seL4_Reply(seL4_MessageInfo_t msgInfo)
{
    seL4ish_SyscallRegs r = seL4ish_RegsFromBuffer(0, msgInfo);
    seL4ish_Syscall((seL4_Word)seL4_SysReply, &r);
}

static inline void seL4_ReplyWithMRs(seL4_MessageInfo_t msgInfo, seL4_Word *mr0, seL4_Word *mr1,
                                     seL4_Word *mr2, seL4_Word *mr3)
{
    seL4ish_SyscallRegs r = seL4ish_RegsFromVars(0, msgInfo, mr0, mr1, mr2, mr3);
    seL4ish_Syscall((seL4_Word)seL4_SysReply, &r);
}

/* Signal a notification: a Send with an empty message. */
static inline void seL4_Signal(seL4_CPtr dest)
{
    seL4ish_SyscallRegs r = {dest, seL4_MessageInfo_new(0, 0, 0, 0).words[0], {0, 0, 0, 0}};
    seL4ish_Syscall((seL4_Word)seL4_SysSend, &r);
}

/* ---- Receiving ---- */

static inline seL4_MessageInfo_t seL4_Recv(seL4_CPtr src, seL4_Word *sender)
{
    seL4ish_SyscallRegs r = {src, 0, {0, 0, 0, 0}};
    seL4ish_Syscall((seL4_Word)seL4_SysRecv, &r);
    seL4ish_MRsToBuffer(&r);
    return seL4ish_Info(&r, sender);
}

static inline seL4_MessageInfo_t seL4_RecvWithMRs(seL4_CPtr src, seL4_Word *sender, seL4_Word *mr0,
                                                  seL4_Word *mr1, seL4_Word *mr2, seL4_Word *mr3)
{
    seL4ish_SyscallRegs r = {src, 0, {0, 0, 0, 0}};
    seL4ish_Syscall((seL4_Word)seL4_SysRecv, &r);
    seL4ish_MRsToVars(&r, mr0, mr1, mr2, mr3);
    return seL4ish_Info(&r, sender);
}

static inline seL4_MessageInfo_t seL4_NBRecv(seL4_CPtr src, seL4_Word *sender)
{
    seL4ish_SyscallRegs r = {src, 0, {0, 0, 0, 0}};
    seL4ish_Syscall((seL4_Word)seL4_SysNBRecv, &r);
    seL4ish_MRsToBuffer(&r);
    return seL4ish_Info(&r, sender);
}

static inline seL4_MessageInfo_t seL4_NBRecvWithMRs(seL4_CPtr src, seL4_Word *sender,
                                                    seL4_Word *mr0, seL4_Word *mr1, seL4_Word *mr2,
                                                    seL4_Word *mr3)
{
    seL4ish_SyscallRegs r = {src, 0, {0, 0, 0, 0}};
    seL4ish_Syscall((seL4_Word)seL4_SysNBRecv, &r);
    seL4ish_MRsToVars(&r, mr0, mr1, mr2, mr3);
    return seL4ish_Info(&r, sender);
}

/* Wait on a notification (a Recv). */
static inline void seL4_Wait(seL4_CPtr src, seL4_Word *sender)
{
    seL4_Recv(src, sender);
}

/* Poll a notification (an NBRecv). */
static inline seL4_MessageInfo_t seL4_Poll(seL4_CPtr src, seL4_Word *sender)
{
    return seL4_NBRecv(src, sender);
}

/* ---- Call and reply ---- */

static inline seL4_MessageInfo_t seL4_Call(seL4_CPtr dest, seL4_MessageInfo_t msgInfo)
{
    seL4ish_SyscallRegs r = seL4ish_RegsFromBuffer(dest, msgInfo);
    seL4ish_Syscall((seL4_Word)seL4_SysCall, &r);
    seL4ish_MRsToBuffer(&r);
    return seL4ish_Info(&r, seL4_Null);
}

static inline seL4_MessageInfo_t seL4_CallWithMRs(seL4_CPtr dest, seL4_MessageInfo_t msgInfo,
                                                  seL4_Word *mr0, seL4_Word *mr1, seL4_Word *mr2,
                                                  seL4_Word *mr3)
{
    seL4ish_SyscallRegs r = seL4ish_RegsFromVars(dest, msgInfo, mr0, mr1, mr2, mr3);
    seL4ish_Syscall((seL4_Word)seL4_SysCall, &r);
    seL4ish_MRsToVars(&r, mr0, mr1, mr2, mr3);
    return seL4ish_Info(&r, seL4_Null);
}

static inline seL4_MessageInfo_t seL4_ReplyRecv(seL4_CPtr src, seL4_MessageInfo_t msgInfo,
                                                seL4_Word *sender)
{
    seL4ish_SyscallRegs r = seL4ish_RegsFromBuffer(src, msgInfo);
    seL4ish_Syscall((seL4_Word)seL4_SysReplyRecv, &r);
    seL4ish_MRsToBuffer(&r);
    return seL4ish_Info(&r, sender);
}

static inline seL4_MessageInfo_t seL4_ReplyRecvWithMRs(seL4_CPtr src, seL4_MessageInfo_t msgInfo,
                                                       seL4_Word *sender, seL4_Word *mr0,
                                                       seL4_Word *mr1, seL4_Word *mr2,
                                                       seL4_Word *mr3)
{
    seL4ish_SyscallRegs r = seL4ish_RegsFromVars(src, msgInfo, mr0, mr1, mr2, mr3);
    seL4ish_Syscall((seL4_Word)seL4_SysReplyRecv, &r);
    seL4ish_MRsToVars(&r, mr0, mr1, mr2, mr3);
    return seL4ish_Info(&r, sender);
}

static inline void seL4_Yield(void)
{
    seL4ish_SyscallRegs r = {0, 0, {0, 0, 0, 0}};
    seL4ish_Syscall((seL4_Word)seL4_SysYield, &r);
}

/* ---- Debug calls ---- */

/* Print one character on the kernel console (rdi = the character). */
static inline void seL4_DebugPutChar(char c)
{
    seL4ish_SyscallRegs r = {(seL4_Word)(seL4_Uint8)c, 0, {0, 0, 0, 0}};
    seL4ish_Syscall((seL4_Word)seL4_SysDebugPutChar, &r);
}

static inline void seL4_DebugPutString(const char *str)
{
    for (; *str != '\0'; str++) {
        seL4_DebugPutChar(*str);
    }
}

static inline void seL4_DebugDumpScheduler(void)
{
    seL4ish_SyscallRegs r = {0, 0, {0, 0, 0, 0}};
    seL4ish_Syscall((seL4_Word)seL4_SysDebugDumpScheduler, &r);
}

/* Stop the machine. */
static inline void seL4_DebugHalt(void)
{
    seL4ish_SyscallRegs r = {0, 0, {0, 0, 0, 0}};
    seL4ish_Syscall((seL4_Word)seL4_SysDebugHalt, &r);
}

static inline void seL4_DebugSnapshot(void)
{
    seL4ish_SyscallRegs r = {0, 0, {0, 0, 0, 0}};
    seL4ish_Syscall((seL4_Word)seL4_SysDebugSnapshot, &r);
}

/* The kernel's type number of the capability in slot cap (0: empty). */
static inline seL4_Uint32 seL4_DebugCapIdentify(seL4_CPtr cap)
{
    seL4ish_SyscallRegs r = {cap, 0, {0, 0, 0, 0}};
    seL4ish_Syscall((seL4_Word)seL4_SysDebugCapIdentify, &r);
    return (seL4_Uint32)r.cap_badge;
}

/* Name a thread for kernel debug output; the name is passed in the IPC buffer. */
static inline void seL4_DebugNameThread(seL4_CPtr tcb, const char *name)
{
    char *dst = (char *)__sel4_ipc_buffer->msg;
    seL4_Word max = sizeof(__sel4_ipc_buffer->msg) - 1;
    seL4_Word i = 0;
    for (; i < max && name[i] != '\0'; i++) {
        dst[i] = name[i];
    }
    dst[i] = '\0';
    seL4ish_SyscallRegs r = {tcb, 0, {0, 0, 0, 0}};
    seL4ish_Syscall((seL4_Word)seL4_SysDebugNameThread, &r);
}

/* sel4ish only (debug kernels): how many Call and ReplyRecv system calls the IPC fastpath has
 * completed since boot. Tests compare it before and after an IPC to tell which path ran. */
static inline seL4_Word seL4_DebugFastpathCount(void)
{
    seL4ish_SyscallRegs r = {0, 0, {0, 0, 0, 0}};
    seL4ish_Syscall((seL4_Word)seL4_SysDebugFastpathCount, &r);
    return r.cap_badge;
}
