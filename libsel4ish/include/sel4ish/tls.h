/*
 * Thread-local storage of programs built against libsel4ish (x86-64, TLS variant II), as seL4's
 * libsel4 expects it: __sel4_ipc_buffer is a __thread variable, so every thread's
 * seL4_GetMR/SetMR, plain IPC wrappers and error details use its own IPC buffer.
 *
 * A thread's TLS area, from low to high addresses:
 *
 *     [ TLS block: copy of .tdata, zeroed .tbss ][ control block: tp, 0 ]
 *                                                 ^ thread pointer (tp) = the thread's fs base
 *
 * The word at the thread pointer (%fs:0) holds the thread pointer itself, as the x86-64 ABI
 * requires; variables sit at fixed negative offsets from it (the linker's @tpoff). The image's
 * PT_TLS segment (.tdata and .tbss, libsel4ish/src/rootserver.ld) is the template.
 *
 * Who sets it up: the runtime, for the first thread of the root task and of every process
 * (an area in .bss, loaded with seL4_TCB_SetTLSBase on its own TCB before main or the process's
 * function runs); sel4ish_thread_start() for threads of <sel4ish/thread.h> (at the top of their
 * stack, loaded through fs_base in seL4_TCB_WriteRegisters). A thread made some other way must
 * get an area from sel4ish_tls_init() and that fs base before it touches its IPC buffer through
 * libsel4ish (seL4_GetMR/SetMR, seL4_Call, seL4_Recv, seL4_Wait once woken, an invocation that
 * fails, ...) or a __thread variable; the register forms (seL4_CallWithMRs, ...), seL4_Signal
 * and invocations that succeed with at most 4 message words do not use it.
 */
#pragma once

#include <sel4/sel4.h>

/* Bytes of memory a thread's TLS area takes (the program's TLS block, the control block and
 * alignment slack): a few dozen bytes plus the program's __thread variables. */
seL4_Word sel4ish_tls_size(void);

/*
 * Lays out a thread's TLS area in the sel4ish_tls_size() bytes below top: the TLS block holds
 * a copy of .tdata, a zeroed .tbss, and __sel4_ipc_buffer = ipc_buffer; the control word at the
 * thread pointer holds the thread pointer. Returns the thread pointer, the value to load as the
 * thread's fs base (seL4_TCB_SetTLSBase, or fs_base with seL4_TCB_WriteRegisters). Does not
 * use the calling thread's own TLS.
 */
seL4_Word sel4ish_tls_init(void *top, seL4_IPCBuffer *ipc_buffer);

/* The calling thread's thread pointer: the word at %fs:0. Read it before pointing %fs
 * elsewhere (seL4_TCB_SetTLSBase) to restore it afterwards; there is no rdfsbase. */
static inline seL4_Word sel4ish_tls_base(void)
{
    seL4_Word tp;
    __asm__ volatile("movq %%fs:0, %0" : "=r"(tp));
    return tp;
}
