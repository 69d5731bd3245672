/* Fatal kernel errors and kernel invariants. */
#pragma once

#include <types.h>

/* Prints "KERNEL PANIC: <message>" and stops the machine with a failure status. */
NORETURN void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Stops the machine: under QEMU, exits with the success or failure status (isa-debug-exit). */
NORETURN void machine_halt(bool success);

#ifdef CONFIG_DEBUG
#define assert(expr)                                                                               \
    do {                                                                                           \
        if (!(expr)) {                                                                             \
            panic("assertion '%s' failed at %s:%d", #expr, __FILE__, __LINE__);                    \
        }                                                                                          \
    } while (0)
#else
#define assert(expr) ((void)sizeof(expr))
#endif
