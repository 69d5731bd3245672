/* Minimal runtime for root tasks: IPC buffer pointer, C memory functions, and the start path. */
#include <stddef.h>
#include <stdint.h>
#include <sel4/sel4.h>

/* The thread's IPC buffer, read by the seL4_GetMR/SetMR family. */
struct seL4_IPCBuffer_;
void *__sel4_ipc_buffer;

/* Defined by the root task. */
int main(void);

/* The bootinfo address the kernel passed, for seL4_GetBootInfo-style access. */
static void *runtime_bootinfo;

void *__sel4ish_bootinfo(void)
{
    return runtime_bootinfo;
}

/* First C code of the root task: record bootinfo and the IPC buffer, run main, then halt. */
void __sel4ish_start(void *bootinfo)
{
    runtime_bootinfo = bootinfo;
    /* seL4_BootInfo.ipcBuffer is the fifth word. */
    __sel4_ipc_buffer = (void *)((uintptr_t *)bootinfo)[4];
    main();
    seL4_DebugHalt();
    for (;;) {
    }
}

void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    while (n--) {
        *d++ = (unsigned char)c;
    }
    return dst;
}

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    while (n--) {
        *d++ = *s++;
    }
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
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
    const unsigned char *x = a, *y = b;
    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i]) {
            return x[i] < y[i] ? -1 : 1;
        }
    }
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n]) {
        n++;
    }
    return n;
}
