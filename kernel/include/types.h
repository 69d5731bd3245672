/* Fixed-width types shared by all kernel code; builds both freestanding and on the host. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;

typedef uint64_t word_t;  /* a machine word, the unit of message registers */
typedef int64_t sword_t;  /* signed machine word (syscall numbers are negative) */
typedef uint64_t paddr_t; /* a physical address */
typedef uint64_t vptr_t;  /* a user virtual address */
typedef uintptr_t pptr_t; /* a kernel virtual address (kernel pointer as a number) */

#define BIT(n)           (1ul << (n))
#define MASK(n)          (BIT(n) - 1ul)
#define ROUND_DOWN(x, n) ((x) & ~MASK(n))
#define ROUND_UP(x, n)   (((x) + MASK(n)) & ~MASK(n))
#define IS_ALIGNED(x, n) (((x)&MASK(n)) == 0)
#define ARRAY_SIZE(a)    (sizeof(a) / sizeof((a)[0]))
#define UNUSED           __attribute__((unused))
#define NORETURN         __attribute__((noreturn))
#define ALWAYS_INLINE    __attribute__((always_inline)) inline
#define PACKED           __attribute__((packed))
