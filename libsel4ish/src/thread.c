/* Threads in the caller's own address space (see thread.h). */
#include <sel4ish/thread.h>
#include <sel4ish/tls.h>
#include <sel4ish/vspace.h>

/* The thread entry trampoline (crt0.S): rdi = fn, rsi = arg, rdx = the thread's TCB. */
extern char __sel4ish_thread_entry[];

/* Gives the new thread its IPC buffer, the caller's CSpace and VSpace, its fault endpoint and
 * its priorities. */
static seL4_Error thread_configure(const sel4ish_thread_t *t, const sel4ish_thread_config_t *c)
{
    seL4_Error err = seL4_TCB_Configure(t->tcb, c->fault_ep, seL4_CapInitThreadCNode, 0,
                                        seL4_CapInitThreadVSpace, 0, t->ipc_buffer, t->ipc_frame);
    if (err != seL4_NoError) {
        return err;
    }
    return seL4_TCB_SetSchedParams(t->tcb, seL4_CapInitThreadTCB, c->mcp, c->priority);
}

seL4_Error sel4ish_thread_create(sel4ish_thread_t *t, sel4ish_alloc_t *a,
                                 const sel4ish_thread_config_t *c)
{
    t->ipc_buffer = c->ipc_buffer;
    t->tls_base = 0;
    seL4_Error err = sel4ish_alloc_object(a, seL4_TCBObject, 0, &t->tcb);
    if (err != seL4_NoError) {
        return err;
    }
    err = sel4ish_map_new_frame(a, seL4_CapInitThreadVSpace, c->ipc_buffer, seL4_ReadWrite,
                                seL4_X86_Default_VMAttributes, &t->ipc_frame);
    if (err != seL4_NoError) {
        sel4ish_free_object(a, t->tcb);
        return err;
    }
    err = thread_configure(t, c);
    if (err != seL4_NoError) {
        sel4ish_thread_destroy(t, a);
    }
    return err;
}

seL4_Error sel4ish_thread_start(sel4ish_thread_t *t, void (*fn)(seL4_Word), seL4_Word arg,
                                void *stack_top)
{
    /* Its TLS at the top of its stack, its IPC buffer pointer in it; the stack below. */
    t->tls_base = sel4ish_tls_init(stack_top, (seL4_IPCBuffer *)t->ipc_buffer);
    seL4_UserContext regs = {0};
    regs.rip = (seL4_Word)__sel4ish_thread_entry;
    regs.rsp = ((seL4_Word)stack_top - sel4ish_tls_size()) & ~0xful;
    regs.fs_base = t->tls_base;
    regs.rflags = 0x202; /* IF */
    regs.rdi = (seL4_Word)fn;
    regs.rsi = arg;
    regs.rdx = t->tcb;
    return seL4_TCB_WriteRegisters(t->tcb, 1, 0, sizeof(regs) / sizeof(seL4_Word), &regs);
}

seL4_Error sel4ish_thread_destroy(sel4ish_thread_t *t, sel4ish_alloc_t *a)
{
    seL4_Error err = sel4ish_free_object(a, t->tcb); /* deleting the TCB stops the thread */
    seL4_Error err2 = sel4ish_free_object(a, t->ipc_frame);
    return err != seL4_NoError ? err : err2;
}
