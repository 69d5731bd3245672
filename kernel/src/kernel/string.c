/* The memory functions a freestanding C compiler may call for struct copies and zeroing. */
#include <kernel/string.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    u8 *d = dst;
    const u8 *s = src;
    while (n--) {
        *d++ = *s++;
    }
    return dst;
}

/* Zeroing whole objects is the common case (Retype): word stores when dst and n allow. */
void *memset(void *dst, int c, size_t n)
{
    u8 *d = dst;
    if (c == 0 && IS_ALIGNED((uintptr_t)d | n, 3)) {
        u64 *w = dst;
        for (size_t i = 0; i < n / 8; i++) {
            w[i] = 0;
        }
        return dst;
    }
    while (n--) {
        *d++ = (u8)c;
    }
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    u8 *d = dst;
    const u8 *s = src;
    if (d < s) {
        while (n--) {
            *d++ = *s++;
        }
    } else {
        while (n--) {
            d[n] = s[n];
        }
    }
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const u8 *x = a, *y = b;
    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i]) {
            return x[i] < y[i] ? -1 : 1;
        }
    }
    return 0;
}
