/*
 * Kernel entry and exit: exception and interrupt stubs, the syscall entry, and the return to
 * user level. Entries from user level save the user context straight into the current TCB.
 */
#include <arch/x86_64/layout.h>
#include <arch/x86_64/machine/context.h>

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
    .irp v, 32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47
    EXC_NOERR \v
    .endr
    .irp v, 48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63
    EXC_NOERR \v
    .endr
    .irp v, 64,65,66,67,68,69,70,71,72,73,74,75,76,77,78,79
    EXC_NOERR \v
    .endr
    .irp v, 80,81,82,83,84,85,86,87,88,89,90,91,92,93,94,95
    EXC_NOERR \v
    .endr
    .irp v, 96,97,98,99,100,101,102,103,104,105,106,107,108,109,110,111
    EXC_NOERR \v
    .endr
    .irp v, 112,113,114,115,116,117,118,119,120,121,122,123,124,125,126,127
    EXC_NOERR \v
    .endr
    .irp v, 128,129,130,131,132,133,134,135,136,137,138,139,140,141,142,143
    EXC_NOERR \v
    .endr
    .irp v, 144,145,146,147,148,149,150,151,152,153,154,155,156,157,158,159
    EXC_NOERR \v
    .endr
    .irp v, 160,161,162,163,164,165,166,167,168,169,170,171,172,173,174,175
    EXC_NOERR \v
    .endr
    .irp v, 176,177,178,179,180,181,182,183,184,185,186,187,188,189,190,191
    EXC_NOERR \v
    .endr
    .irp v, 192,193,194,195,196,197,198,199,200,201,202,203,204,205,206,207
    EXC_NOERR \v
    .endr
    .irp v, 208,209,210,211,212,213,214,215,216,217,218,219,220,221,222,223
    EXC_NOERR \v
    .endr
    .irp v, 224,225,226,227,228,229,230,231,232,233,234,235,236,237,238,239
    EXC_NOERR \v
    .endr
    .irp v, 240,241,242,243,244,245,246,247,248,249,250,251,252,253,254,255
    EXC_NOERR \v
    .endr

    .section .rodata
    .balign 8
    .globl trap_vector_table
trap_vector_table:
    .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
    .quad trap_vector_\v
    .endr
    .irp v, 16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    .quad trap_vector_\v
    .endr
    .irp v, 32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47
    .quad trap_vector_\v
    .endr
    .irp v, 48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63
    .quad trap_vector_\v
    .endr
    .irp v, 64,65,66,67,68,69,70,71,72,73,74,75,76,77,78,79
    .quad trap_vector_\v
    .endr
    .irp v, 80,81,82,83,84,85,86,87,88,89,90,91,92,93,94,95
    .quad trap_vector_\v
    .endr
    .irp v, 96,97,98,99,100,101,102,103,104,105,106,107,108,109,110,111
    .quad trap_vector_\v
    .endr
    .irp v, 112,113,114,115,116,117,118,119,120,121,122,123,124,125,126,127
    .quad trap_vector_\v
    .endr
    .irp v, 128,129,130,131,132,133,134,135,136,137,138,139,140,141,142,143
    .quad trap_vector_\v
    .endr
    .irp v, 144,145,146,147,148,149,150,151,152,153,154,155,156,157,158,159
    .quad trap_vector_\v
    .endr
    .irp v, 160,161,162,163,164,165,166,167,168,169,170,171,172,173,174,175
    .quad trap_vector_\v
    .endr
    .irp v, 176,177,178,179,180,181,182,183,184,185,186,187,188,189,190,191
    .quad trap_vector_\v
    .endr
    .irp v, 192,193,194,195,196,197,198,199,200,201,202,203,204,205,206,207
    .quad trap_vector_\v
    .endr
    .irp v, 208,209,210,211,212,213,214,215,216,217,218,219,220,221,222,223
    .quad trap_vector_\v
    .endr
    .irp v, 224,225,226,227,228,229,230,231,232,233,234,235,236,237,238,239
    .quad trap_vector_\v
    .endr
    .irp v, 240,241,242,243,244,245,246,247,248,249,250,251,252,253,254,255
    .quad trap_vector_\v
    .endr
    .text

/*
 * Common path. Stack: vector, error, rip, cs, rflags, rsp, ss. From user level the stack is the
 * current TCB's context (TSS.rsp0 points at its top); from the kernel it is the kernel stack.
 */
trap_common:
    cld /* user level may leave DF set; the kernel's C code assumes it clear */
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
    /* Call and ReplyRecv try the fastpath first (rdi and rsi still hold their arguments). */
    cmpq $-1, %rdx
    je 1f
    cmpq $-2, %rdx
    je 2f
    call c_handle_syscall
    ud2
1:  call c_fastpath_call
    ud2
2:  call c_fastpath_reply_recv
    ud2

/* arch_restore_user_context(ctx): rdi = the context to load. */
    .globl arch_restore_user_context
arch_restore_user_context:
    movq %rdi, %rsp
    POP_GPRS
    addq $16, %rsp
    swapgs
    iretq
