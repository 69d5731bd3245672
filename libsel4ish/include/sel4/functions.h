/* Access to the calling thread's IPC buffer: message registers, capabilities, receive path. */
#pragma once

#include <sel4/types.h>

/* The calling thread's IPC buffer: thread-local, as in seL4's libsel4. The runtime
 * (libsel4ish/src/runtime.c) defines it and sets it in every thread's TLS block
 * (<sel4ish/tls.h>); seL4_SetIPCBuffer changes the calling thread's copy. */
extern __thread seL4_IPCBuffer *__sel4_ipc_buffer;

static inline seL4_IPCBuffer *seL4_GetIPCBuffer(void)
{
    return __sel4_ipc_buffer;
}

static inline void seL4_SetIPCBuffer(seL4_IPCBuffer *ipc_buffer)
{
    __sel4_ipc_buffer = ipc_buffer;
}

/* Message register i as stored in the IPC buffer (MR0..3 are copied there by the wrappers). */
static inline seL4_Word seL4_GetMR(int i)
{
    return __sel4_ipc_buffer->msg[i];
}

static inline void seL4_SetMR(int i, seL4_Word mr)
{
    __sel4_ipc_buffer->msg[i] = mr;
}

static inline seL4_Word seL4_GetUserData(void)
{
    return __sel4_ipc_buffer->userData;
}

static inline void seL4_SetUserData(seL4_Word data)
{
    __sel4_ipc_buffer->userData = data;
}

/* Badge of the i-th received capability that was unwrapped. */
static inline seL4_Word seL4_GetBadge(int i)
{
    return __sel4_ipc_buffer->caps_or_badges[i];
}

static inline seL4_CPtr seL4_GetCap(int i)
{
    return (seL4_CPtr)__sel4_ipc_buffer->caps_or_badges[i];
}

/* Extra capability i to send with the next message. */
static inline void seL4_SetCap(int i, seL4_CPtr cptr)
{
    __sel4_ipc_buffer->caps_or_badges[i] = (seL4_Word)cptr;
}

static inline void seL4_GetCapReceivePath(seL4_CPtr *receiveCNode, seL4_CPtr *receiveIndex,
                                          seL4_Word *receiveDepth)
{
    seL4_IPCBuffer *b = __sel4_ipc_buffer;
    if (receiveCNode) {
        *receiveCNode = b->receiveCNode;
    }
    if (receiveIndex) {
        *receiveIndex = b->receiveIndex;
    }
    if (receiveDepth) {
        *receiveDepth = b->receiveDepth;
    }
}

/* Where a received capability is placed: a slot named by CNode, index and depth. */
static inline void seL4_SetCapReceivePath(seL4_CPtr receiveCNode, seL4_CPtr receiveIndex,
                                          seL4_Word receiveDepth)
{
    seL4_IPCBuffer *b = __sel4_ipc_buffer;
    b->receiveCNode = receiveCNode;
    b->receiveIndex = receiveIndex;
    b->receiveDepth = receiveDepth;
}

/*
 * sel4ish extension: a failed invocation stub keeps the reply tag in the IPC buffer's tag
 * word (which the kernel never reads on x86-64), so that seL4_GetErrorDetail() can decode the
 * details the kernel left in the message registers.
 */
static inline void seL4ish_SaveErrorTag(seL4_MessageInfo_t tag)
{
    __sel4_ipc_buffer->tag = tag;
}

static inline seL4_MessageInfo_t seL4ish_SavedErrorTag(void)
{
    return __sel4_ipc_buffer->tag;
}
