/* The memory functions (kernel/src/kernel/string.c), shared by the kernel and user programs. */
#pragma once

#include <types.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memset(void *dst, int c, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
