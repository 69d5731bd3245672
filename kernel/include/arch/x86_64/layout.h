/* The kernel's virtual memory layout and boot constants, shared by C and assembly. */
#pragma once

#ifdef __ASSEMBLER__
#define LAYOUT_UL(x) x
#else
#define LAYOUT_UL(x) x##ul
#endif

/* The kernel image is linked here and mapped to physical 0 upwards (top 2 GiB, -mcmodel=kernel). */
#define KERNEL_BASE LAYOUT_UL(0xffffffff80000000)
/* Physical load address of the kernel image. */
#define KERNEL_LOAD_PADDR LAYOUT_UL(0x100000)
/* All of physical memory is mapped here (the kernel window), as seL4's PPTR_BASE. */
#define PHYSMAP_BASE LAYOUT_UL(0xffff800000000000)
/* Largest physical address the kernel window can map (512 GiB: one PML4 slot). */
#define PHYSMAP_MAX LAYOUT_UL(0x8000000000)
/* First PML4 slot that belongs to the kernel; user address spaces own the slots below. */
#define PML4_KERNEL_FIRST 256

/* The boot mapping made by entry.S covers this much physical memory (identity and windows). */
#define BOOT_MAP_SIZE LAYOUT_UL(0x40000000)

/* Segment selectors (see gdt.c): kernel code/data, then user data/code as SYSRET expects. */
#define SEL_KERNEL_CS 0x08
#define SEL_KERNEL_DS 0x10
#define SEL_USER_DS   (0x18 | 3)
#define SEL_USER_CS   (0x20 | 3)
#define SEL_TSS       0x28

/* Kernel stack size per CPU and the stacks for double fault / NMI / machine check (IST). */
#define KERNEL_STACK_SIZE 0x4000
#define IST_STACK_SIZE    0x1000

/* isa-debug-exit (QEMU): writing v exits QEMU with status (v << 1) | 1. */
#define DEBUG_EXIT_PORT    0xf4
#define DEBUG_EXIT_SUCCESS 0x10 /* status 33 */
#define DEBUG_EXIT_FAILURE 0x11 /* status 35 */
