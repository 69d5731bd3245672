/* Minimal runtime for programs built against libsel4ish: the IPC buffer pointer, thread-local
 * storage (<sel4ish/tls.h>), the bootinfo, and the C side of the entry points in crt0.S (root
 * task, process, thread). The C memory functions come from the kernel's freestanding string.c
 * (see CMakeLists.txt). */
#include <sel4/sel4.h>
#include <sel4ish/tls.h>
#include <kernel/string.h>

/* The calling thread's IPC buffer, read by the seL4_GetMR/SetMR family: thread-local, as in
 * seL4's libsel4. Each thread's TLS block has its own (sel4ish_tls_init() sets it). */
__thread seL4_IPCBuffer *__sel4_ipc_buffer;

/* The image's .data and where its initial contents are kept (rootserver.ld). */
extern char __data_start[], _edata[], __sel4ish_data_snapshot[];

/* The TLS template (the PT_TLS segment: .tdata then .tbss), its size in memory and alignment,
 * the size of a TLS area, and the first thread's TLS area (rootserver.ld). The symbols are
 * absolute: their addresses are the values. */
extern char __sel4ish_tdata_start[], __sel4ish_tdata_end[], __sel4ish_tls_memsz[],
    __sel4ish_tls_align[], __sel4ish_tls_area_size[], __sel4ish_tls_main[];

/* The control block above the TLS block: the thread pointer's own word, then one spare word
 * (keeps the thread pointer 16-byte aligned within the area). */
#define TLS_TCB_BYTES 16

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

/* ---- Thread-local storage (x86-64 variant II, see <sel4ish/tls.h>) ---- */

seL4_Word sel4ish_tls_size(void)
{
    return (seL4_Word)__sel4ish_tls_area_size;
}

/* The offset of __sel4_ipc_buffer from the thread pointer, as the linker placed it. */
static seL4_Word tls_ipc_buffer_offset(void)
{
    seL4_Word offset;
    __asm__("movq $__sel4_ipc_buffer@tpoff, %0" : "=r"(offset));
    return offset;
}

/*
 * The linker gives a TLS variable at offset v of the template the thread pointer offset
 * v - memsz - gap, gap = (-(p_vaddr + memsz)) mod p_align, so the block starts memsz + gap
 * below a thread pointer aligned to p_align (and then each variable is as aligned as in the
 * template). The area rootserver.ld sizes is enough for the control block and both roundings.
 */
seL4_Word sel4ish_tls_init(void *top, seL4_IPCBuffer *ipc_buffer)
{
    seL4_Word align = (seL4_Word)__sel4ish_tls_align ? (seL4_Word)__sel4ish_tls_align : 1;
    seL4_Word memsz = (seL4_Word)__sel4ish_tls_memsz;
    seL4_Word filesz = (seL4_Word)(__sel4ish_tdata_end - __sel4ish_tdata_start);
    seL4_Word gap = (0 - ((seL4_Word)__sel4ish_tdata_start + memsz)) & (align - 1);
    seL4_Word tp_align = align > TLS_TCB_BYTES ? align : TLS_TCB_BYTES;
    seL4_Word tp = ((seL4_Word)top - TLS_TCB_BYTES) & ~(tp_align - 1);
    char *block = (char *)(tp - memsz - gap);
    memcpy(block, __sel4ish_tdata_start, filesz);
    memset(block + filesz, 0, memsz + gap - filesz);
    seL4_Word *tcb = (seL4_Word *)tp;
    tcb[0] = tp;
    tcb[1] = 0;
    *(seL4_IPCBuffer **)(tp + tls_ipc_buffer_offset()) = ipc_buffer;
    return tp;
}

/* Loads tp as the calling thread's fs base through its own TCB. Uses the register form: the
 * stub's error path would write the IPC buffer through TLS that is not there yet. The kernel
 * does not refuse a thread its own TCB, but if it did the thread stops at ud2. */
static void runtime_load_tls(seL4_Word tp)
{
    seL4_Word mr0 = tp, mr1 = 0, mr2 = 0, mr3 = 0;
    seL4_MessageInfo_t reply =
        seL4_CallWithMRs(seL4_CapInitThreadTCB, seL4_MessageInfo_new(TCBSetTLSBase, 0, 0, 1), &mr0,
                         &mr1, &mr2, &mr3);
    if (seL4_MessageInfo_get_label(reply) != seL4_NoError) {
        __builtin_trap();
    }
}

/* ---- Entry points ---- */

/* Keeps the initial .data for processes made later (<sel4ish/process.h>), sets up and loads
 * the first thread's TLS (its IPC buffer pointer: the bootinfo's) and records the bootinfo.
 * Runs before anything writes .data or uses TLS. */
static void runtime_init(seL4_BootInfo *bootinfo)
{
    memcpy(__sel4ish_data_snapshot, __data_start, (size_t)(_edata - __data_start));
    seL4_IPCBuffer *ipc_buffer = bootinfo->ipcBuffer;
    runtime_load_tls(sel4ish_tls_init(__sel4ish_tls_main + sel4ish_tls_size(), ipc_buffer));
    seL4_InitBootInfo(bootinfo);
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

/* First C code of a thread (<sel4ish/thread.h>; its TLS is loaded already, fs_base): run
 * fn(arg), then suspend itself. */
void __sel4ish_thread_start(void (*fn)(seL4_Word), seL4_Word arg, seL4_CPtr tcb)
{
    fn(arg);
    seL4_TCB_Suspend(tcb);
    for (;;) {
    }
}
