/* The default root task: greets from user level and halts. Later issues grow it into the demo
 * system that `run` boots. */
#include <sel4/sel4.h>
#include <kernel/printf.h>

/* User-level console: every character goes out through the kernel's debug call. */
void kputchar(char c)
{
    seL4_DebugPutChar(c);
}

int main(void)
{
    kprintf("sel4ish root task: hello from user level\n");
    return 0;
}
