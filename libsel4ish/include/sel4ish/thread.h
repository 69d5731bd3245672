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
 * Thread-local storage and the IPC buffer: as with seL4's libsel4, __sel4_ipc_buffer (behind
 * seL4_GetIPCBuffer(), seL4_GetMR/SetMR, seL4_SetCap, the plain IPC wrappers and the error
 * details of the invocation stubs) is a __thread variable, so the thread uses its own buffer
 * (c.ipc_buffer) for everything: long messages, capability transfer, seL4_GetErrorDetail().
 * sel4ish_thread_start() carves the thread's TLS area (<sel4ish/tls.h>) from the top
 * sel4ish_tls_size() bytes of the stack it is given: a copy of the image's .tdata, a zeroed
 * .tbss with __sel4_ipc_buffer = c.ipc_buffer, and the control word at the thread pointer,
 * which it loads as the thread's fs base (seL4_TCB_WriteRegisters' fs_base). The stack the
 * thread runs on starts below that area. Each thread has its own copy of every __thread
 * variable, initialised as the program declares it.
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
    seL4_Word tls_base;   /* its thread pointer (fs base), set by sel4ish_thread_start */
} sel4ish_thread_t;

/* Makes a thread (it does not run yet) sharing the caller's CSpace (seL4_CapInitThreadCNode)
 * and VSpace (seL4_CapInitThreadVSpace). Nothing but the paging structures for the IPC buffer
 * stays allocated on error. */
seL4_Error sel4ish_thread_create(sel4ish_thread_t *t, sel4ish_alloc_t *a,
                                 const sel4ish_thread_config_t *c);

/* Starts the thread: lays out its TLS area in the sel4ish_tls_size() bytes below stack_top
 * (t->tls_base is its thread pointer) and runs fn(arg) with fs base t->tls_base and rsp just
 * below the TLS area (aligned down to 16 bytes). */
seL4_Error sel4ish_thread_start(sel4ish_thread_t *t, void (*fn)(seL4_Word), seL4_Word arg,
                                void *stack_top);

/* Stops the thread and deletes its TCB and IPC buffer frame (the memory is not reused; see
 * <sel4ish/alloc.h>). */
seL4_Error sel4ish_thread_destroy(sel4ish_thread_t *t, sel4ish_alloc_t *a);
