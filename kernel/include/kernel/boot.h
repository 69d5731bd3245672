/* Architecture-independent boot: free memory, the root task, and the first entry to user level. */
#pragma once

#include <types.h>
#include <kernel/boot_params.h>

/* Where the root task's stack ends (grows down) and how many pages it gets. */
#define ROOTTASK_STACK_TOP   0x00007ff000000000ul
#define ROOTTASK_STACK_PAGES 16
/* The root task's image must lie below this address. */
#define ROOTTASK_IMAGE_LIMIT 0x0000700000000000ul

/* Creates the root task from the boot modules and enters it. bp: the parsed loader info. */
NORETURN void boot_kernel(const boot_params_t *bp);

/* Builds the root task (address space, image, stack, IPC buffer, bootinfo, TCB) from the ELF
 * module [start, end) and makes it the current thread. Panics with a clear message if the
 * image is unusable or memory runs out: without a root task there is no system. */
void boot_create_roottask(const boot_params_t *bp, paddr_t start, paddr_t end);

struct cte;
struct bootinfo;

/*
 * Gives the root task an untyped capability for every block of free RAM the boot allocator
 * has left and for the device regions of the physical address space, in root CNode slots from
 * first_slot on (appended to the derivation tree after last), described in bi's untyped list.
 * Returns the first slot after them. Call after the last boot allocation.
 */
word_t boot_create_untypeds(const boot_params_t *bp, struct cte *cnode, struct cte *last,
                            struct bootinfo *bi, word_t first_slot);
