/* Fatal errors: print one clear line and stop the machine with a failure status. */
#include <stdarg.h>
#include <kernel/panic.h>
#include <kernel/printf.h>

void panic(const char *fmt, ...)
{
    va_list ap;
    kprintf("KERNEL PANIC: ");
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
    kprintf("\n");
    machine_halt(false);
}
