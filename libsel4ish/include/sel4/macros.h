/* Compiler helpers that libsel4 code may name. */
#pragma once

#define LIBSEL4_INLINE                  static inline
#define LIBSEL4_INLINE_FUNC             static inline
#define SEL4_PACKED                     __attribute__((packed))
#define SEL4_DEPRECATED(msg)            __attribute__((deprecated(msg)))
#define SEL4_COMPILE_ASSERT(name, expr) _Static_assert(expr, #name)
