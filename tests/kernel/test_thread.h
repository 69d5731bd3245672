/*
 * Extra threads for QEMU test cases: a TCB in the test's own CSpace and VSpace with an IPC
 * buffer and TLS of its own (<sel4ish/tls.h>: seL4_GetMR/SetMR, seL4_Wait, error details use
 * its own buffer), a caller-provided stack and one word argument, and a notification on which
 * the test waits until its threads report that they are done.
 */
#pragma once

#include <stddef.h>

#include <sel4ish/tls.h>

#include "support.h"
#include "test.h"

/* The PML4 slot (250) whose addresses hold test threads' IPC buffers, one page each. */
#define TEST_THREAD_IPC_BASE 0x7d0000000000ul

/* Test threads run below the test's own thread (which must be above priority 1): starting
 * one never preempts the test, and they run only while it waits in test_sync_wait. */
#define TEST_THREAD_PRIO 1

typedef struct test_thread {
    seL4_CPtr tcb;
    seL4_CPtr ipc_frame;
    seL4_Word tls; /* its thread pointer (fs base) */
} test_thread_t;

/* Maps frame read-write at vaddr in the test's VSpace, making the paging structures the
 * kernel reports missing. Returns the error of the last Page_Map. */
static inline seL4_Error test_thread_map(seL4_CPtr frame, seL4_Word vaddr)
{
    const seL4_CPtr vs = seL4_CapInitThreadVSpace;
    for (int i = 0; i < 4; i++) {
        seL4_Error err =
            seL4_X86_Page_Map(frame, vs, vaddr, seL4_ReadWrite, seL4_X86_Default_VMAttributes);
        if (err != seL4_FailedLookup) {
            return err;
        }
        seL4_Word bits = seL4_GetErrorDetail().bits_left;
        seL4_Error e2 = seL4_IllegalOperation;
        if (bits == 39) {
            e2 = seL4_X86_PDPT_Map(test_object(seL4_X86_PDPTObject, 0), vs, vaddr,
                                   seL4_X86_Default_VMAttributes);
        } else if (bits == 30) {
            e2 = seL4_X86_PageDirectory_Map(test_object(seL4_X86_PageDirectoryObject, 0), vs, vaddr,
                                            seL4_X86_Default_VMAttributes);
        } else if (bits == 21) {
            e2 = seL4_X86_PageTable_Map(test_object(seL4_X86_PageTableObject, 0), vs, vaddr,
                                        seL4_X86_Default_VMAttributes);
        }
        if (e2 != seL4_NoError) {
            return e2;
        }
    }
    return seL4_FailedLookup;
}

/*
 * Creates a thread that runs fn(arg) at priority prio, with the test's CSpace and VSpace and an
 * IPC buffer of its own, and starts it. Its TLS area takes the top sel4ish_tls_size() bytes of
 * the memory ending at stack_top (16-byte aligned); its stack starts below. fn must never
 * return. Returns 1 on success; on failure records a check failure and returns 0.
 */
static inline int test_thread_start(test_thread_t *t, void (*fn)(seL4_Word), seL4_Word arg,
                                    void *stack_top, seL4_Word prio)
{
    static seL4_Word next_ipc = TEST_THREAD_IPC_BASE; /* one per file: skip pages in use */
    t->tcb = test_object(seL4_TCBObject, 0);
    t->ipc_frame = test_object(seL4_X86_4K, 0);
    if (!t->tcb || !t->ipc_frame) {
        return 0;
    }
    seL4_Word ipc;
    seL4_Error err;
    do {
        ipc = next_ipc;
        next_ipc += 1ul << seL4_PageBits;
        err = test_thread_map(t->ipc_frame, ipc);
    } while (err == seL4_DeleteFirst && next_ipc < TEST_THREAD_IPC_BASE + (1ul << 30));
    CHECK_EQ(err, seL4_NoError);
    err = seL4_TCB_Configure(t->tcb, 0, seL4_CapInitThreadCNode, 0, seL4_CapInitThreadVSpace, 0,
                             ipc, t->ipc_frame);
    CHECK_EQ(err, seL4_NoError);
    if (err != seL4_NoError) {
        return 0;
    }
    t->tls = sel4ish_tls_init(stack_top, (seL4_IPCBuffer *)ipc);
    seL4_UserContext regs = {0};
    regs.rip = (seL4_Word)fn;
    /* Below the TLS area, as after a call: rsp + 8 is 16-byte aligned. */
    regs.rsp = (((seL4_Word)stack_top - sel4ish_tls_size()) & ~0xful) - 8;
    regs.rflags = 0x202;
    regs.rdi = arg;
    err = seL4_TCB_WriteRegisters(t->tcb, 0, 0, 9, &regs); /* rip .. rdi */
    CHECK_EQ(err, seL4_NoError);
    CHECK_EQ(seL4_TCB_SetPriority(t->tcb, seL4_CapInitThreadTCB, prio), seL4_NoError);
    seL4_Error terr = seL4_TCB_SetTLSBase(t->tcb, t->tls);
    CHECK_EQ(terr, seL4_NoError);
    if (err != seL4_NoError || terr != seL4_NoError) {
        return 0;
    }
    err = seL4_TCB_Resume(t->tcb);
    CHECK_EQ(err, seL4_NoError);
    return err == seL4_NoError;
}

/* Stops the thread and deletes its TCB (so the kernel drops whatever CPU state it held). */
static inline void test_thread_destroy(test_thread_t *t)
{
    if (t->tcb) {
        CHECK_EQ(seL4_TCB_Suspend(t->tcb), seL4_NoError);
        CHECK_EQ(seL4_CNode_Delete(seL4_CapInitThreadCNode, t->tcb, TEST_ROOT_DEPTH), seL4_NoError);
    }
}

/* How a test waits for its threads: they count themselves done and signal `done`, then
 * block on `park` (never signalled) until the test deletes them. */
typedef struct test_sync {
    seL4_CPtr done_ntfn, park_ntfn;
    volatile seL4_Word done;
} test_sync_t;

/* Makes the two notifications; returns 1 on success, 0 (with a check failure) otherwise. */
static inline int test_sync_init(test_sync_t *s)
{
    s->done = 0;
    s->done_ntfn = test_object(seL4_NotificationObject, 0);
    s->park_ntfn = test_object(seL4_NotificationObject, 0);
    return s->done_ntfn && s->park_ntfn;
}

/* Waits until n threads have called test_thread_finish. */
static inline void test_sync_wait(test_sync_t *s, seL4_Word n)
{
    while (s->done < n) {
        seL4_Wait(s->done_ntfn, NULL);
    }
}

/* The end of a test thread: counts itself done, wakes the test and blocks for good. */
static inline void test_thread_finish(test_sync_t *s)
{
    __atomic_fetch_add(&s->done, 1, __ATOMIC_SEQ_CST);
    seL4_Signal(s->done_ntfn);
    for (;;) {
        seL4_Wait(s->park_ntfn, NULL);
    }
}
