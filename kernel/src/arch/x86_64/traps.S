/*
 * Kernel entry and exit: exception and interrupt stubs, the syscall entry, and the return to
 * user level. Entries from user level save the user context straight into the current TCB.
 */
#include <arch/x86_64/layout.h>
#include <arch/x86_64/machine/context.h>

    .altmacro
    .text

/* Pushes the general registers in context order (RAX first = highest address). */
.macro PUSH_GPRS
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
.endm

.macro POP_GPRS
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
.endm

/* Exception stubs: give every vector an error code slot and the vector number. */
.macro EXC_NOERR vec
    .globl trap_vector_\vec
trap_vector_\vec:
    pushq $0
    pushq $\vec
    jmp trap_common
.endm

.macro EXC_ERR vec
    .globl trap_vector_\vec
trap_vector_\vec:
    pushq $\vec
    jmp trap_common
.endm

EXC_NOERR 0
EXC_NOERR 1
EXC_NOERR 2
EXC_NOERR 3
EXC_NOERR 4
EXC_NOERR 5
EXC_NOERR 6
EXC_NOERR 7
EXC_ERR 8
EXC_NOERR 9
EXC_ERR 10
EXC_ERR 11
EXC_ERR 12
EXC_ERR 13
EXC_ERR 14
EXC_NOERR 15
EXC_NOERR 16
EXC_ERR 17
EXC_NOERR 18
EXC_NOERR 19
EXC_NOERR 20
EXC_ERR 21
EXC_NOERR 22
EXC_NOERR 23
EXC_NOERR 24
EXC_NOERR 25
EXC_NOERR 26
EXC_NOERR 27
EXC_NOERR 28
EXC_ERR 29
EXC_ERR 30
EXC_NOERR 31

/* Interrupt stubs for vectors 32..255 (external and spurious interrupts: no error code). */
    .set vec, 32
    .rept 224
    EXC_NOERR %vec
    .set vec, vec + 1
    .endr

    .section .rodata
    .balign 8
    .globl trap_vector_table
trap_vector_table:
    .set vec, 0
    .rept 256
    .quad trap_vector_%vec
    .set vec, vec + 1
    .endr
    .text

/*
 * Common path. Stack: vector, error, rip, cs, rflags, rsp, ss. From user level the stack is the
 * current TCB's context (TSS.rsp0 points at its top); from the kernel it is the kernel stack.
 */
trap_common:
    testb $3, 24(%rsp)
    jz trap_from_kernel
    swapgs
    PUSH_GPRS
    movq %gs:PERCPU_KSTACK_TOP, %rsp
    xorl %ebp, %ebp
    call c_handle_user_trap
    ud2
trap_from_kernel:
    /* Interrupts are enabled in the kernel only while idle, whose stack frame is never resumed:
     * start over at the top of the kernel stack. */
    cmpq $32, (%rsp)
    jae trap_interrupt_in_idle
    PUSH_GPRS
    movq %rsp, %rdi
    call c_handle_kernel_trap
    ud2

trap_interrupt_in_idle:
    movq (%rsp), %rdi
    movq %gs:PERCPU_KSTACK_TOP, %rsp
    xorl %ebp, %ebp
    call c_handle_idle_interrupt
    ud2

/* The syscall instruction: rcx = user rip, r11 = user rflags, rsp still the user's. */
    .globl syscall_entry
syscall_entry:
    swapgs
    movq %rsp, %gs:PERCPU_USER_RSP
    movq %gs:PERCPU_CONTEXT_TOP, %rsp
    pushq $SEL_USER_DS
    pushq %gs:PERCPU_USER_RSP
    pushq %r11
    pushq $SEL_USER_CS
    pushq %rcx
    pushq $0
    pushq $VECTOR_SYSCALL
    PUSH_GPRS
    movq %gs:PERCPU_KSTACK_TOP, %rsp
    xorl %ebp, %ebp
    call c_handle_syscall
    ud2

/* arch_restore_user_context(ctx): rdi = the context to load. */
    .globl arch_restore_user_context
arch_restore_user_context:
    movq %rdi, %rsp
    POP_GPRS
    addq $16, %rsp
    swapgs
    iretq
