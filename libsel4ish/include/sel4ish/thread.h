/*
 * Threads in the caller's own address space and CSpace: a TCB and an IPC buffer frame from the
 * caller's allocator, running void fn(seL4_Word arg) on a stack the caller provides.
 *
 *     static char stack[4096] __attribute__((aligned(16)));
 *     sel4ish_thread_config_t c = {.ipc_buffer = 0x600000000000, .priority = 100, .mcp = 100};
 *     sel4ish_thread_t t;
 *     seL4_Error err = sel4ish_thread_create(&t, &alloc, &c);
 *     if (err == seL4_NoError) err = sel4ish_thread_start(&t, worker, 7, stack + sizeof(stack));
 *
 * When fn returns, the thread suspends itself. To run a function in another address space, use
 * <sel4ish/process.h>.
 *
 * The IPC buffer: the kernel uses the thread's own buffer (c.ipc_buffer), but libsel4ish's
 * seL4_GetIPCBuffer() (and so seL4_GetMR/SetMR, the plain IPC wrappers and the error details of
 * the invocation stubs) reads one pointer per address space, __sel4_ipc_buffer, which is the
 * first thread's buffer (thread-local storage is not set up). A thread made here should
 * therefore only use the register forms seL4_SendWithMRs, seL4_CallWithMRs, seL4_RecvWithMRs,
 * seL4_ReplyWithMRs, ... (at most 4 message words, no capabilities), invocations that succeed,
 * and seL4_DebugPutChar, or read its buffer directly at c.ipc_buffer. Threads that need longer
 * messages or capability transfer belong in a process of their own.
 */
#pragma once

#include <sel4/sel4.h>
#include <sel4ish/alloc.h>

typedef struct sel4ish_thread_config {
    /* A free, 4 KiB aligned address of the caller's VSpace for the thread's IPC buffer frame
     * (missing paging structures are made from the allocator). */
    seL4_Word ipc_buffer;
    /* The thread's fault endpoint, a capability pointer in the caller's CSpace (0: none). */
    seL4_CPtr fault_ep;
    /* Priority and maximum controlled priority, at most the caller's own MCP. */
    seL4_Word priority;
    seL4_Word mcp;
} sel4ish_thread_config_t;

typedef struct sel4ish_thread {
    seL4_CPtr tcb;        /* its TCB, in a slot of the allocator */
    seL4_CPtr ipc_frame;  /* its IPC buffer frame, in a slot of the allocator */
    seL4_Word ipc_buffer; /* the IPC buffer's address */
} sel4ish_thread_t;

/* Makes a thread (it does not run yet) sharing the caller's CSpace (seL4_CapInitThreadCNode)
 * and VSpace (seL4_CapInitThreadVSpace). Nothing but the paging structures for the IPC buffer
 * stays allocated on error. */
seL4_Error sel4ish_thread_create(sel4ish_thread_t *t, sel4ish_alloc_t *a,
                                 const sel4ish_thread_config_t *c);

/* Starts the thread: it runs fn(arg) with rsp = stack_top (aligned down to 16 bytes). */
seL4_Error sel4ish_thread_start(sel4ish_thread_t *t, void (*fn)(seL4_Word), seL4_Word arg,
                                void *stack_top);

/* Stops the thread and deletes its TCB and IPC buffer frame (the memory is not reused; see
 * <sel4ish/alloc.h>). */
seL4_Error sel4ish_thread_destroy(sel4ish_thread_t *t, sel4ish_alloc_t *a);
