/*
 * The kernel's first instructions: one 32-bit entry for Multiboot2 (GRUB) and PVH (QEMU -kernel).
 * Builds boot page tables, enters long mode and jumps to boot_main() in the higher half.
 */
#include <arch/x86_64/layout.h>

#define MB2_HEADER_MAGIC 0xe85250d6
#define MB2_ARCH_I386 0
#define XEN_ELFNOTE_PHYS32_ENTRY 18

/* Everything in the .boot.* sections is linked at its physical address (see linker.ld). */

/* Multiboot2 header: must sit 8-byte aligned in the first 32 KiB of the file. */
    .section .boot.header, "a"
    .balign 8
mb2_header:
    .long MB2_HEADER_MAGIC
    .long MB2_ARCH_I386
    .long mb2_header_end - mb2_header
    .long -(MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
    /* end tag */
    .word 0
    .word 0
    .long 8
mb2_header_end:

/* Xen PVH note: QEMU's -kernel enters here in 32-bit protected mode, paging off, ebx = start info. */
    .section .note.Xen, "a", @note
    .balign 4
    .long 4                    /* name size */
    .long 8                    /* descriptor size */
    .long XEN_ELFNOTE_PHYS32_ENTRY
    .asciz "Xen"
    .balign 4
    .quad _start

    .section .boot.text, "ax"
    .code32
    .globl _start
_start:
    cli
    cld
    /* Keep the loader's eax (Multiboot2 magic) and ebx (info pointer) in edi/esi for boot_main. */
    movl %eax, %edi
    movl %ebx, %esi
    movl $boot_stack32_top, %esp

    call boot_check_long_mode
    pushl %edi
    call boot_build_page_tables
    popl %edi

    /* CR4.PAE, then CR3, then EFER.LME, then CR0.PG|WP. */
    movl %cr4, %eax
    orl $(1 << 5), %eax
    movl %eax, %cr4
    movl $(boot_pml4), %eax
    movl %eax, %cr3
    movl $0xc0000080, %ecx
    rdmsr
    orl $(1 << 8), %eax
    wrmsr
    movl %cr0, %eax
    orl $((1 << 31) | (1 << 16) | 1), %eax
    movl %eax, %cr0

    lgdt boot_gdt_ptr
    ljmp $SEL_KERNEL_CS, $(boot_long_mode)

/* Stops with a message on the serial port if the CPU has no long mode (cannot run sel4ish). */
boot_check_long_mode:
    movl $0x80000000, %eax
    cpuid
    cmpl $0x80000001, %eax
    jb 1f
    movl $0x80000001, %eax
    cpuid
    testl $(1 << 29), %edx
    jz 1f
    ret
1:  movl $(boot_no_lm_msg), %esi
2:  lodsb
    testb %al, %al
    jz 3f
    movw $0x3f8, %dx
    outb %al, %dx
    jmp 2b
3:  movb $DEBUG_EXIT_FAILURE, %al
    outb %al, $DEBUG_EXIT_PORT
4:  hlt
    jmp 4b

/*
 * Boot page tables: the first BOOT_MAP_SIZE of physical memory with 2 MiB pages, mapped three
 * times: identity (to survive enabling paging), at PHYSMAP_BASE and at KERNEL_BASE.
 * boot_main() replaces these with the kernel's final address space.
 */
boot_build_page_tables:
    /* zero the four tables (the loader should have, but do not rely on it) */
    movl $boot_pml4, %edi
    movl $(4 * 4096 / 4), %ecx
    xorl %eax, %eax
    rep stosl
    /* boot_pd: 512 x 2 MiB, present | writable | large */
    movl $(boot_pd), %ebx
    xorl %ecx, %ecx
1:  movl %ecx, %eax
    shll $21, %eax
    orl $0x83, %eax
    movl %eax, (%ebx, %ecx, 8)
    movl $0, 4(%ebx, %ecx, 8)
    incl %ecx
    cmpl $512, %ecx
    jne 1b
    /* boot_pdpt_low[0] -> boot_pd, boot_pdpt_high[510] -> boot_pd */
    movl $(boot_pd), %eax
    orl $0x3, %eax
    movl %eax, boot_pdpt_low
    movl %eax, boot_pdpt_high + 510 * 8
    /* PML4: [0] identity, [256] physmap, [511] kernel image */
    movl $(boot_pdpt_low), %eax
    orl $0x3, %eax
    movl %eax, boot_pml4
    movl %eax, boot_pml4 + 256 * 8
    movl $(boot_pdpt_high), %eax
    orl $0x3, %eax
    movl %eax, boot_pml4 + 511 * 8
    ret

    .code64
boot_long_mode:
    movw $SEL_KERNEL_DS, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    xorw %ax, %ax
    movw %ax, %fs
    movw %ax, %gs
    movabsq $boot_higher_half, %rax
    jmp *%rax

    .section .boot.rodata, "a"
boot_no_lm_msg:
    .asciz "sel4ish: this CPU has no 64-bit long mode; cannot boot\r\n"
    .balign 8
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff /* 64-bit code */
    .quad 0x00cf92000000ffff /* data */
boot_gdt_end:
boot_gdt_ptr:
    .word boot_gdt_end - boot_gdt - 1
    .long boot_gdt

    .text
boot_higher_half:
    movabsq $boot_stack_top, %rsp
    xorl %ebp, %ebp
    /* edi = loader magic, esi = info pointer (both zero-extended already by 32-bit moves) */
    call boot_main
1:  hlt
    jmp 1b

    .section .boot.bss, "aw", @nobits
    .balign 4096
boot_pml4:
    .skip 4096
boot_pdpt_low:
    .skip 4096
boot_pdpt_high:
    .skip 4096
boot_pd:
    .skip 4096
boot_stack32:
    .skip 256
boot_stack32_top:

    .bss
    .balign 16
    .globl boot_stack_top
boot_stack:
    .skip KERNEL_STACK_SIZE
boot_stack_top:
