/*
 * Entry points of programs built against libsel4ish. Each clears the frame pointer, aligns the
 * stack for the C call and never returns (the C side halts or suspends; ud2 catches a return).
 *
 * _start: the root task. The kernel starts it with rsp at the top of a mapped stack and
 * rdi = the seL4_BootInfo address; calls __sel4ish_start(bootinfo), which sets up and loads
 * the thread's TLS (runtime.c) before anything uses it, then runs main.
 *
 * __sel4ish_process_entry: a process made by <sel4ish/process.h>, started the same way plus
 * rsi = the function to run and rdx = its argument; calls
 * __sel4ish_process_start(bootinfo, fn, arg), which sets up TLS as for the root task.
 *
 * __sel4ish_thread_entry: a thread made by <sel4ish/thread.h> in its creator's address space:
 * rdi = the function, rsi = its argument, rdx = the thread's own TCB (to suspend itself when
 * the function returns), and its fs base already at its TLS (sel4ish_thread_start); calls
 * __sel4ish_thread_start(fn, arg, tcb).
 */
    .text
    .globl _start
_start:
    xorl %ebp, %ebp
    andq $-16, %rsp
    call __sel4ish_start
1:  ud2
    jmp 1b

    .globl __sel4ish_process_entry
__sel4ish_process_entry:
    xorl %ebp, %ebp
    andq $-16, %rsp
    call __sel4ish_process_start
1:  ud2
    jmp 1b

    .globl __sel4ish_thread_entry
__sel4ish_thread_entry:
    xorl %ebp, %ebp
    andq $-16, %rsp
    call __sel4ish_thread_start
1:  ud2
    jmp 1b
