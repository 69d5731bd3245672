/*
 * Helpers for QEMU test cases whose threads fault or talk over IPC (PAGEFAULT, SCHED,
 * SYSCALL, REGRESSIONS, STRESS): memory mapped on demand in a region of the test's VSpace,
 * threads with a fault endpoint of the test's choosing (so no fault of theirs ever reaches the
 * harness), and receiving and answering fault messages.
 *
 * Each file passes its own region (FH_REGION(n): a PML4 slot of 512 GiB nobody else uses).
 * Threads share the test's CSpace and VSpace and have TLS of their own (<sel4ish/tls.h>, at the
 * top of their stack) whose IPC buffer pointer is their own IPC buffer, so they may use
 * seL4_GetMR/SetMR, seL4_Recv, seL4_Wait, error details and the rest like the test thread. A
 * thread made without an IPC buffer has a null IPC buffer pointer: only the register forms
 * (the ...WithMRs calls, seL4_Signal) and invocations that succeed work there.
 */
#pragma once

#include <stdbool.h>

#include <sel4ish/tls.h>

#include "support.h"
#include "test.h"
#include "test_thread.h"

#define FH_ROOT   seL4_CapInitThreadCNode
#define FH_VSPACE seL4_CapInitThreadVSpace
#define FH_SELF   seL4_CapInitThreadTCB
#define FH_PAGE   (1ul << seL4_PageBits)

/* Region n: PML4 slot 230 + n (the test thread's own image, stack and the other test files'
 * regions are elsewhere). */
#define FH_REGION(n) ((seL4_Word)(230 + (n)) << 39)

/* RFLAGS a new thread starts with: IF and the always-one bit 1. */
#define FH_RFLAGS 0x202ul

/* Where the next mapping of a region goes. */
typedef struct fh_space {
    seL4_Word next;
} fh_space_t;

/* Maps n new zeroed frames with the given rights at consecutive pages, leaving one unmapped
 * page before them (a guard); returns the first page's address, or 0 (with a check failure). */
static inline seL4_Word fh_map_pages_rights(fh_space_t *s, seL4_Word n, seL4_CapRights_t rights)
{
    s->next += FH_PAGE; /* the guard page */
    seL4_Word base = s->next;
    for (seL4_Word i = 0; i < n; i++) {
        seL4_CPtr f = test_object(seL4_X86_4K, 0);
        if (!f) {
            return 0;
        }
        seL4_Error err = test_thread_map(f, s->next);
        if (err == seL4_NoError && !(rights.words[0] & 1)) {
            /* Remap without write access (test_thread_map maps read-write). */
            err = seL4_X86_Page_Unmap(f);
            if (err == seL4_NoError) {
                err =
                    seL4_X86_Page_Map(f, FH_VSPACE, s->next, rights, seL4_X86_Default_VMAttributes);
            }
        }
        CHECK_EQ(err, seL4_NoError);
        if (err != seL4_NoError) {
            return 0;
        }
        s->next += FH_PAGE;
    }
    return base;
}

static inline seL4_Word fh_map_pages(fh_space_t *s, seL4_Word n)
{
    return fh_map_pages_rights(s, n, seL4_ReadWrite);
}

/* An address of the region that is never mapped (beyond everything fh_map_pages can reach). */
static inline seL4_Word fh_unmapped(seL4_Word region_base)
{
    return region_base + (256ul << 30) + 0x1238;
}

/* A thread of the test: TCB, stack, TLS, optionally an IPC buffer. */
typedef struct fh_thread {
    seL4_CPtr tcb;
    seL4_Word ipc;       /* IPC buffer address, 0 if none */
    seL4_Word stack_top; /* where its stack starts, below its TLS area; 16-byte aligned */
    seL4_Word tls;       /* its thread pointer (fs base), in the TLS area */
} fh_thread_t;

#define FH_STACK_PAGES 2

/*
 * Makes a thread (not started) in the test's CSpace and VSpace with the fault endpoint
 * fault_ep (a slot of the test's CSpace, 0 for none), priority prio (within the test's MCP),
 * the memory ending at stack_top (16-byte aligned, mapped) for its TLS area and stack and, if
 * with_ipc, an IPC buffer of its own. Its TLS area takes the top sel4ish_tls_size() bytes
 * (__sel4_ipc_buffer: its IPC buffer, or NULL) and is its fs base already (SetTLSBase); its
 * stack starts below, at t->stack_top. Returns 1, or 0 after a check failure.
 */
static inline int fh_thread_setup(fh_thread_t *t, fh_space_t *s, seL4_Word stack_top,
                                  seL4_CPtr fault_ep, seL4_Word prio, bool with_ipc)
{
    t->tcb = test_object(seL4_TCBObject, 0);
    t->stack_top = stack_top;
    t->ipc = 0;
    t->tls = 0;
    seL4_CPtr frame = 0;
    if (with_ipc) {
        frame = test_object(seL4_X86_4K, 0);
        s->next += FH_PAGE;
        t->ipc = s->next;
        s->next += FH_PAGE;
        CHECK_EQ(test_thread_map(frame, t->ipc), seL4_NoError);
    }
    if (!t->tcb || !stack_top || (with_ipc && !frame)) {
        return 0;
    }
    t->tls = sel4ish_tls_init((void *)stack_top, (seL4_IPCBuffer *)t->ipc);
    t->stack_top = (stack_top - sel4ish_tls_size()) & ~0xful;
    seL4_Error err = seL4_TCB_Configure(t->tcb, fault_ep, FH_ROOT, 0, FH_VSPACE, 0, t->ipc, frame);
    CHECK_EQ(err, seL4_NoError);
    seL4_Error perr = seL4_TCB_SetPriority(t->tcb, FH_SELF, prio);
    CHECK_EQ(perr, seL4_NoError);
    seL4_Error terr = seL4_TCB_SetTLSBase(t->tcb, t->tls);
    CHECK_EQ(terr, seL4_NoError);
    return err == seL4_NoError && perr == seL4_NoError && terr == seL4_NoError;
}

/* fh_thread_setup with a new stack of FH_STACK_PAGES pages. */
static inline int fh_thread_new(fh_thread_t *t, fh_space_t *s, seL4_CPtr fault_ep, seL4_Word prio,
                                bool with_ipc)
{
    seL4_Word stack = fh_map_pages(s, FH_STACK_PAGES);
    return fh_thread_setup(t, s, stack ? stack + FH_STACK_PAGES * FH_PAGE : 0, fault_ep, prio,
                           with_ipc);
}

/* Starts t at fn(arg) (rsp as just after a call, below its TLS area) with resume; its fs base
 * stays the one fh_thread_setup gave it. Returns 1 on success. */
static inline int fh_thread_start(fh_thread_t *t, void (*fn)(seL4_Word), seL4_Word arg)
{
    seL4_UserContext r = {0};
    r.rip = (seL4_Word)fn;
    r.rsp = t->stack_top - 8;
    r.rflags = FH_RFLAGS;
    r.rdi = arg;
    seL4_Error err = seL4_TCB_WriteRegisters(t->tcb, 1, 0, 9, &r); /* rip .. rdi */
    CHECK_EQ(err, seL4_NoError);
    return err == seL4_NoError;
}

/* fh_thread_new then fh_thread_start. */
static inline int fh_thread_run(fh_thread_t *t, fh_space_t *s, seL4_CPtr fault_ep, seL4_Word prio,
                                void (*fn)(seL4_Word), seL4_Word arg)
{
    return fh_thread_new(t, s, fault_ep, prio, true) && fh_thread_start(t, fn, arg);
}

/* Deletes t's TCB (the thread stops for good; the kernel drops its state). */
static inline void fh_thread_destroy(fh_thread_t *t)
{
    if (t->tcb) {
        CHECK_EQ(seL4_CNode_Delete(FH_ROOT, t->tcb, TEST_ROOT_DEPTH), seL4_NoError);
        t->tcb = 0;
    }
}

/* A badged copy of endpoint ep with the given rights, in a new slot. */
static inline seL4_CPtr fh_mint(seL4_CPtr ep, seL4_CapRights_t rights, seL4_Word badge)
{
    seL4_CPtr slot = test_slot();
    CHECK_EQ(seL4_CNode_Mint(FH_ROOT, slot, TEST_ROOT_DEPTH, FH_ROOT, ep, TEST_ROOT_DEPTH, rights,
                             badge),
             seL4_NoError);
    return slot;
}

/* A new endpoint and a badged copy of it (all rights) for threads' fault_ep. */
typedef struct fh_fault_ep {
    seL4_CPtr ep;     /* what the test receives on */
    seL4_CPtr badged; /* what the threads' TCBs name */
} fh_fault_ep_t;

static inline fh_fault_ep_t fh_fault_ep_new(seL4_Word badge)
{
    fh_fault_ep_t f;
    f.ep = test_object(seL4_EndpointObject, 0);
    f.badged = fh_mint(f.ep, seL4_AllRights, badge);
    return f;
}

/* A received message: label, length, badge and the first words (MR0.. from the test's IPC
 * buffer). */
typedef struct fh_msg {
    seL4_Word label, length, badge;
    seL4_Word mr[seL4_UnknownSyscall_Length];
} fh_msg_t;

/* Receives one message on ep (blocking) and returns it. */
static inline fh_msg_t fh_recv(seL4_CPtr ep)
{
    fh_msg_t m;
    seL4_MessageInfo_t info = seL4_Recv(ep, &m.badge);
    m.label = seL4_MessageInfo_get_label(info);
    m.length = seL4_MessageInfo_get_length(info);
    for (unsigned i = 0; i < seL4_UnknownSyscall_Length; i++) {
        m.mr[i] = seL4_GetMR(i);
    }
    return m;
}

/* Replies to the last received Call or fault with label and the first n words of w. */
static inline void fh_reply(seL4_Word label, const seL4_Word *w, seL4_Word n)
{
    for (seL4_Word i = 0; i < n; i++) {
        seL4_SetMR(i, w[i]);
    }
    seL4_Reply(seL4_MessageInfo_new(label, 0, 0, n));
}

/* Sets the test thread's own priority (within its MCP). */
static inline void fh_set_own_prio(seL4_Word prio)
{
    CHECK_EQ(seL4_TCB_SetPriority(FH_SELF, FH_SELF, prio), seL4_NoError);
}

/* The test thread's maximum controlled priority: the maximum of the RangeError that asking
 * for more than any MCP gives. */
static inline seL4_Word fh_own_mcp(void)
{
    static seL4_CPtr probe;
    if (!probe) {
        probe = test_object(seL4_TCBObject, 0);
    }
    seL4_Error err = seL4_TCB_SetMCPriority(probe, FH_SELF, 256);
    CHECK_EQ(err, seL4_RangeError);
    return err == seL4_RangeError ? seL4_GetMR(1) : 0;
}

/* Sends one word (label 0) on ep from a thread (register message, no IPC buffer needed). */
static inline void fh_send1(seL4_CPtr ep, seL4_Word v)
{
    seL4_SendWithMRs(ep, seL4_MessageInfo_new(0, 0, 0, 1), &v, NULL, NULL, NULL);
}

/* Blocks the calling thread for good on a notification nobody signals (a thread's end when the
 * test will delete it). */
static inline void __attribute__((noreturn)) fh_park(seL4_CPtr ntfn)
{
    for (;;) {
        seL4_RecvWithMRs(ntfn, NULL, NULL, NULL, NULL, NULL);
    }
}
