/*
 * Entry point of a root task built against libsel4ish. The kernel starts it with rsp at the top
 * of a mapped stack and rdi = the seL4_BootInfo address; crt0 aligns the stack and calls
 * __sel4ish_start(bootinfo), which sets up the runtime and calls main.
 */
    .text
    .globl _start
_start:
    xorl %ebp, %ebp
    andq $-16, %rsp
    call __sel4ish_start
1:  ud2
    jmp 1b
