/* Kernel formatted output: a freestanding printf family writing through a character callback. */
#pragma once

#include <stdarg.h>
#include <types.h>

/* Receives one output character; ctx is the caller's cookie passed to kvformat(). */
typedef void (*kputc_fn)(char c, void *ctx);

/* Writes one character to the kernel console. Defined by the arch console driver (host tests
 * define their own). */
void kputchar(char c);

/*
 * Formats fmt with the arguments in ap, passing each character to out(c, ctx).
 * Conversions: d i u x X o p s c %; length modifiers hh h l ll z t j; flags - 0 # space +;
 * field width and precision, both also as '*'. Widths and precisions are clamped to
 * KFMT_MAX_WIDTH. %p prints "0x" and exactly 16 lowercase hex digits. %s of NULL prints
 * "(null)". An unknown conversion (including %n) is printed literally, from the '%' through the
 * offending character; a lone '%' at the end of fmt is printed as '%'.
 * Returns the number of characters produced.
 */
int kvformat(kputc_fn out, void *ctx, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/*
 * Formats into buf (C99 vsnprintf semantics): writes at most size-1 characters and always a
 * terminating NUL when size > 0 (buf may be NULL when size is 0). Returns the length the full
 * output would have had, excluding the NUL.
 */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Formats to the kernel console through kputchar(). Returns the number of characters written. */
int kvprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Upper bound applied to field widths and precisions, so a hostile width cannot overflow. */
#define KFMT_MAX_WIDTH 4096
