/* The default root task: greets from user level, shows the root task allocator library at work
 * (objects from untyped memory, a frame mapped into its own address space) and halts. Later
 * issues grow it into the demo system that `run` boots. */
#include <sel4/sel4.h>
#include <sel4ish/alloc.h>
#include <sel4ish/vspace.h>
#include <kernel/printf.h>

/* Where the frame is mapped: an empty PML4 entry, so the library makes every paging level. */
#define DEMO_VADDR 0x500000000000ul

/* Every empty slot and RAM untyped the kernel gave us (large, so not on the stack). */
static sel4ish_alloc_t alloc;

/* User-level console: every character goes out through the kernel's debug call. */
void kputchar(char c)
{
    seL4_DebugPutChar(c);
}

/* Makes an endpoint and a frame, maps the frame and uses it. Returns 0 on success. */
static int show_allocator(void)
{
    seL4_CPtr ep, frame;
    seL4_Error err = sel4ish_alloc_object(&alloc, seL4_EndpointObject, 0, &ep);
    if (err == seL4_NoError) {
        err = sel4ish_map_new_frame(&alloc, seL4_CapInitThreadVSpace, DEMO_VADDR, seL4_ReadWrite,
                                    seL4_X86_Default_VMAttributes, &frame);
    }
    if (err != seL4_NoError) {
        kprintf("sel4ish root task: allocation failed: %s\n", seL4_ErrorName(err));
        return 1;
    }
    volatile char *page = (volatile char *)DEMO_VADDR;
    page[0] = 'o';
    page[1] = 'k';
    kprintf("sel4ish root task: endpoint in slot %lu, frame in slot %lu mapped at %p: %c%c\n",
            (unsigned long)ep, (unsigned long)frame, (void *)DEMO_VADDR, page[0], page[1]);
    return 0;
}

int main(void)
{
    kprintf("sel4ish root task: hello from user level\n");
    sel4ish_alloc_init_bootinfo(&alloc, seL4_GetBootInfo());
    kprintf("sel4ish root task: %lu free slots, %lu RAM untypeds\n",
            (unsigned long)sel4ish_slots_free_count(&alloc.slots),
            (unsigned long)alloc.num_untypeds);
    return show_allocator();
}
