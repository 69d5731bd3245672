/* Minimal runtime for root tasks: the IPC buffer pointer and the start path. The C memory
 * functions come from the kernel's freestanding string.c (see CMakeLists.txt). */
#include <sel4/sel4.h>

/* The thread's IPC buffer, read by the seL4_GetMR/SetMR family. */
seL4_IPCBuffer *__sel4_ipc_buffer;

/* Defined by the root task. */
int main(void);

/* The bootinfo address the kernel passed in rdi. */
static seL4_BootInfo *runtime_bootinfo;

seL4_BootInfo *seL4_GetBootInfo(void)
{
    return runtime_bootinfo;
}

void seL4_InitBootInfo(seL4_BootInfo *bi)
{
    runtime_bootinfo = bi;
}

/* First C code of the root task: record bootinfo and the IPC buffer, run main, then halt. */
void __sel4ish_start(seL4_BootInfo *bootinfo)
{
    seL4_InitBootInfo(bootinfo);
    __sel4_ipc_buffer = bootinfo->ipcBuffer;
    main();
    seL4_DebugHalt();
    for (;;) {
    }
}
