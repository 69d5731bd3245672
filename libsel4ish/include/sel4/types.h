/* seL4 API types: integers, generated numbers and structures, IPC buffer, boot information. */
#pragma once

#include <sel4/macros.h>
#include <sel4/simple_types.h>
#include <sel4/gen/constants.h>
#include <sel4/gen/structures.h>

/* Capability rights, in seL4_CapRights_new(grantReply, grant, read, write) order. */
#define seL4_NoRights      seL4_CapRights_new(0, 0, 0, 0)
#define seL4_CanWrite      seL4_CapRights_new(0, 0, 0, 1)
#define seL4_CanRead       seL4_CapRights_new(0, 0, 1, 0)
#define seL4_CanGrant      seL4_CapRights_new(0, 1, 0, 0)
#define seL4_CanGrantReply seL4_CapRights_new(1, 0, 0, 0)
#define seL4_ReadWrite     seL4_CapRights_new(0, 0, 1, 1)
#define seL4_AllRights     seL4_CapRights_new(1, 1, 1, 1)

/* The root task's VSpace under its older name. */
#define seL4_CapInitThreadPD seL4_CapInitThreadVSpace

/*
 * The IPC buffer: message registers beyond the fourth, capabilities to send or badges
 * received, and where received capabilities go. 1 KiB, aligned to its size.
 */
typedef struct seL4_IPCBuffer_ {
    seL4_MessageInfo_t tag;
    seL4_Word msg[seL4_MsgMaxLength];
    seL4_Word userData;
    seL4_Word caps_or_badges[seL4_MsgMaxExtraCaps];
    seL4_CPtr receiveCNode;
    seL4_CPtr receiveIndex;
    seL4_Word receiveDepth;
} seL4_IPCBuffer __attribute__((__aligned__(sizeof(struct seL4_IPCBuffer_))));

_Static_assert(sizeof(seL4_IPCBuffer) == (1 << seL4_IPCBufferSizeBits), "IPC buffer size");

#include <sel4/bootinfo_types.h>
