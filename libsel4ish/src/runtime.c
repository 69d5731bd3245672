/* Minimal runtime for programs built against libsel4ish: the IPC buffer pointer, the bootinfo,
 * and the C side of the entry points in crt0.S (root task, process, thread). The C memory
 * functions come from the kernel's freestanding string.c (see CMakeLists.txt). */
#include <sel4/sel4.h>
#include <kernel/string.h>

/* The IPC buffer of the address space's first thread, read by the seL4_GetMR/SetMR family.
 * One per address space: threads made by <sel4ish/thread.h> do not change it. */
seL4_IPCBuffer *__sel4_ipc_buffer;

/* The image's .data and where its initial contents are kept (rootserver.ld). */
extern char __data_start[], _edata[], __sel4ish_data_snapshot[];

/* Defined by the root task. */
int main(void);

/* The bootinfo address the kernel (or the process's creator) passed in rdi. */
static seL4_BootInfo *runtime_bootinfo;

seL4_BootInfo *seL4_GetBootInfo(void)
{
    return runtime_bootinfo;
}

void seL4_InitBootInfo(seL4_BootInfo *bi)
{
    runtime_bootinfo = bi;
}

/* Keeps the initial .data for processes made later (<sel4ish/process.h>), records the bootinfo
 * and the IPC buffer. Runs before anything writes .data. */
static void runtime_init(seL4_BootInfo *bootinfo)
{
    memcpy(__sel4ish_data_snapshot, __data_start, (size_t)(_edata - __data_start));
    seL4_InitBootInfo(bootinfo);
    __sel4_ipc_buffer = bootinfo->ipcBuffer;
}

/* First C code of the root task: set up the runtime, run main, then halt the machine. */
void __sel4ish_start(seL4_BootInfo *bootinfo)
{
    runtime_init(bootinfo);
    main();
    seL4_DebugHalt();
    for (;;) {
    }
}

/* First C code of a process (<sel4ish/process.h>): set up the runtime, run fn(arg), then stop
 * (suspend the process's thread; its creator destroys the process). */
void __sel4ish_process_start(seL4_BootInfo *bootinfo, void (*fn)(seL4_Word), seL4_Word arg)
{
    runtime_init(bootinfo);
    fn(arg);
    seL4_TCB_Suspend(seL4_CapInitThreadTCB);
    for (;;) {
    }
}

/* First C code of a thread (<sel4ish/thread.h>): run fn(arg), then suspend itself. */
void __sel4ish_thread_start(void (*fn)(seL4_Word), seL4_Word arg, seL4_CPtr tcb)
{
    fn(arg);
    seL4_TCB_Suspend(tcb);
    for (;;) {
    }
}
