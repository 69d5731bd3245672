/*
 * The IPC fastpath: Call and ReplyRecv in their common case (message in registers, no
 * capabilities, the partner waiting, a direct switch allowed) go straight from the system call
 * entry to the partner, with exactly the outcome the general path (syscall.c) would have.
 * When any condition fails they fall through to c_handle_syscall, which redoes the call.
 */
#pragma once

#include <types.h>

/* Entered from syscall_entry for seL4_Call with the caller's rdi (cptr) and rsi (message
 * info); the whole user context is already saved in the current TCB. Never returns. */
NORETURN void c_fastpath_call(word_t cptr, word_t info);

/* Entered from syscall_entry for seL4_ReplyRecv (rdi = receive cptr, rsi = reply info). */
NORETURN void c_fastpath_reply_recv(word_t cptr, word_t info);

#ifdef CONFIG_DEBUG
/* Debug kernels: Call and ReplyRecv system calls the fastpath completed since boot (reported by
 * seL4_DebugFastpathCount, so tests can tell which path an IPC took). */
extern word_t ks_fastpath_count;
#endif

/* The general system call path (syscall.c). */
NORETURN void c_handle_syscall(void);
