/* Test support: slot and object allocation for the QEMU test cases (see support.h). */
#include "support.h"

#include <stddef.h>

#include <sel4ish/tls.h>

#include "test.h"

static seL4_CPtr next_slot;
static seL4_CPtr pool = seL4_CapNull; /* the untyped all test objects come from */

seL4_Word test_largest_untyped_index(void)
{
    seL4_BootInfo *bi = test_bootinfo();
    seL4_Word best = 0, best_bits = 0;
    for (seL4_Word i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        const seL4_UntypedDesc *d = &bi->untypedList[i];
        if (!d->isDevice && d->sizeBits > best_bits) {
            best = i;
            best_bits = d->sizeBits;
        }
    }
    return best;
}

seL4_CPtr test_slot(void)
{
    seL4_BootInfo *bi = test_bootinfo();
    if (next_slot == 0) {
        next_slot = bi->empty.start;
    }
    if (next_slot >= bi->empty.end) {
        CHECK(!"the root CNode has no empty slot left");
        return 0;
    }
    return next_slot++;
}

/* The untyped test objects are carved from: the largest RAM untyped. */
static seL4_CPtr test_pool(void)
{
    if (pool == seL4_CapNull) {
        seL4_BootInfo *bi = test_bootinfo();
        pool = bi->untyped.start + test_largest_untyped_index();
    }
    return pool;
}

seL4_CPtr test_object(seL4_Word type, seL4_Word size_bits)
{
    seL4_CPtr slot = test_slot();
    if (!slot) {
        return 0;
    }
    seL4_Error err =
        seL4_Untyped_Retype(test_pool(), type, size_bits, seL4_CapInitThreadCNode, 0, 0, slot, 1);
    CHECK_EQ(err, seL4_NoError);
    return err == seL4_NoError ? slot : 0;
}

seL4_CPtr test_untyped(seL4_Word size_bits)
{
    return test_object(seL4_UntypedObject, size_bits);
}

seL4_CPtr test_slots(seL4_Word count)
{
    seL4_CPtr first = test_slot();
    for (seL4_Word i = 1; i < count; i++) {
        if (test_slot() != first + i) {
            CHECK(!"test slots are not consecutive");
            return 0;
        }
    }
    return first;
}

seL4_CPtr test_cnode(seL4_Word radix)
{
    return test_object(seL4_CapTableObject, radix);
}

seL4_Error test_probe(seL4_CPtr slot)
{
    /* Not by invoking it: for an endpoint, notification or reply capability that is IPC, which
     * could block. Moving it out and back tells a full slot from an empty one in every build
     * (release kernels have no DebugCapIdentify). */
    return test_slot_empty_at(seL4_CapInitThreadCNode, slot, TEST_ROOT_DEPTH) == 0
               ? seL4_IllegalOperation
               : seL4_InvalidCapability;
}

seL4_Word test_paddr(seL4_CPtr slot)
{
    seL4_X86_Page_GetAddress_t r = seL4_X86_Page_GetAddress(slot);
    return r.error == seL4_NoError ? r.paddr : 0;
}

/* A root slot for short-lived copies (allocated once, left empty between uses). */
static seL4_CPtr test_scratch(void)
{
    static seL4_CPtr scratch;
    if (!scratch) {
        scratch = test_slot();
    }
    return scratch;
}

seL4_Word test_paddr_at(seL4_CPtr root, seL4_Word index, seL4_Word depth)
{
    seL4_CPtr s = test_scratch();
    if (seL4_CNode_Copy(seL4_CapInitThreadCNode, s, TEST_ROOT_DEPTH, root, index, (seL4_Uint8)depth,
                        seL4_AllRights) != seL4_NoError) {
        return 0;
    }
    seL4_Word pa = test_paddr(s);
    CHECK_EQ(seL4_CNode_Delete(seL4_CapInitThreadCNode, s, TEST_ROOT_DEPTH), seL4_NoError);
    return pa;
}

int test_slot_empty_at(seL4_CPtr root, seL4_Word index, seL4_Word depth)
{
    seL4_CPtr s = test_scratch();
    seL4_Error err = seL4_CNode_Move(seL4_CapInitThreadCNode, s, TEST_ROOT_DEPTH, root, index,
                                     (seL4_Uint8)depth);
    if (err == seL4_NoError) {
        CHECK_EQ(seL4_CNode_Move(root, index, (seL4_Uint8)depth, seL4_CapInitThreadCNode, s,
                                 TEST_ROOT_DEPTH),
                 seL4_NoError);
        return 0;
    }
    if (err == seL4_FailedLookup && seL4_GetErrorDetail().lookup_type == seL4_MissingCapability) {
        return 1;
    }
    return -1;
}

seL4_CPtr test_untyped_at(seL4_Word size_bits, seL4_Word *paddr)
{
    seL4_CPtr ut = test_untyped(size_bits), probe = test_slot();
    *paddr = 0;
    if (!ut || !probe) {
        return 0;
    }
    /* A new untyped's first object is at its start. */
    CHECK_EQ(seL4_Untyped_Retype(ut, seL4_X86_4K, 0, seL4_CapInitThreadCNode, 0, 0, probe, 1),
             seL4_NoError);
    *paddr = test_paddr(probe);
    CHECK_EQ(seL4_CNode_Revoke(seL4_CapInitThreadCNode, ut, TEST_ROOT_DEPTH), seL4_NoError);
    return ut;
}

seL4_Word test_untyped_free(seL4_CPtr ut)
{
    static seL4_CPtr probe;
    if (!probe) {
        probe = test_slot();
    }
    seL4_Error err = seL4_Untyped_Retype(ut, seL4_UntypedObject, seL4_MaxUntypedBits,
                                         seL4_CapInitThreadCNode, 0, 0, probe, 1);
    CHECK_EQ(err, seL4_NotEnoughMemory);
    return err == seL4_NotEnoughMemory ? seL4_GetErrorDetail().bytes_available : 0;
}

/* ---- The test thread's IPC buffer ------------------------------------------------------------ */

/* A copy of the test thread's IPC buffer, for helpers that make invocations (and receive) of
 * their own: restored, they leave message registers, caps_or_badges and the receive path as a
 * register-only debug call would. */
typedef struct ipc_buffer_copy {
    seL4_Word w[sizeof(seL4_IPCBuffer) / sizeof(seL4_Word)];
} ipc_buffer_copy_t;

static void ipc_buffer_save(ipc_buffer_copy_t *c)
{
    const volatile seL4_Word *b = (const volatile seL4_Word *)seL4_GetIPCBuffer();
    for (size_t i = 0; i < sizeof(c->w) / sizeof(c->w[0]); i++) {
        c->w[i] = b[i];
    }
}

static void ipc_buffer_restore(const ipc_buffer_copy_t *c)
{
    volatile seL4_Word *b = (volatile seL4_Word *)seL4_GetIPCBuffer();
    for (size_t i = 0; i < sizeof(c->w) / sizeof(c->w[0]); i++) {
        b[i] = c->w[i];
    }
}

/* ---- Debug system calls ---------------------------------------------------------------------- */

/* The probe's badges on its notification: the debug call returned, or it faulted. */
#define DEBUG_PROBE_OK    1ul
#define DEBUG_PROBE_FAULT 2ul

/* The probe's two threads: what they use, and their stacks (each with its TLS area on top). */
static struct {
    seL4_CPtr fault_ep; /* the prober's fault endpoint, where the relay receives */
    seL4_CPtr ok;       /* the notification, badged DEBUG_PROBE_OK */
    seL4_CPtr faulted;  /* the notification, badged DEBUG_PROBE_FAULT */
    seL4_CPtr park;     /* a notification nobody signals */
} debug_probe;
static seL4_Word debug_probe_stacks[2][128] __attribute__((aligned(16)));

/* Blocks for good (register forms only: the threads have no IPC buffer). */
static void __attribute__((noreturn)) debug_probe_park(void)
{
    for (;;) {
        seL4_RecvWithMRs(debug_probe.park, seL4_Null, seL4_Null, seL4_Null, seL4_Null, seL4_Null);
    }
}

/* The prober: a debug call, then "it returned". On a release kernel the call is an
 * UnknownSyscall fault instead, which goes to the relay. */
static void debug_probe_prober(seL4_Word unused)
{
    (void)unused;
    seL4_DebugCapIdentify(seL4_CapNull);
    seL4_Signal(debug_probe.ok);
    debug_probe_park();
}

/* The relay: receives the prober's fault (if any) and says so. */
static void debug_probe_relay(seL4_Word unused)
{
    (void)unused;
    seL4_RecvWithMRs(debug_probe.fault_ep, seL4_Null, seL4_Null, seL4_Null, seL4_Null, seL4_Null);
    seL4_Signal(debug_probe.faulted);
    debug_probe_park();
}

/* A thread of the test's CSpace and VSpace running fn on stack k, with TLS (no IPC buffer),
 * the given fault endpoint and the highest priority the test may give; 0 after a check
 * failure. */
static seL4_CPtr debug_probe_thread(void (*fn)(seL4_Word), unsigned k, seL4_CPtr fault_ep)
{
    seL4_CPtr tcb = test_object(seL4_TCBObject, 0);
    if (!tcb) {
        return 0;
    }
    void *top = &debug_probe_stacks[k][sizeof(debug_probe_stacks[k]) / sizeof(seL4_Word)];
    seL4_Word tp = sel4ish_tls_init(top, NULL);
    seL4_Error err = seL4_TCB_Configure(tcb, fault_ep, seL4_CapInitThreadCNode, 0,
                                        seL4_CapInitThreadVSpace, 0, 0, seL4_CapNull);
    CHECK_EQ(err, seL4_NoError);
    /* Above the test thread if it may (it waits for them anyway). */
    if (seL4_TCB_SetPriority(tcb, seL4_CapInitThreadTCB, seL4_MaxPrio) != seL4_NoError) {
        CHECK_EQ(seL4_TCB_SetPriority(tcb, seL4_CapInitThreadTCB, 0), seL4_NoError);
    }
    CHECK_EQ(seL4_TCB_SetTLSBase(tcb, tp), seL4_NoError);
    seL4_UserContext r = {0};
    r.rip = (seL4_Word)fn;
    r.rsp = (((seL4_Word)top - sel4ish_tls_size()) & ~0xful) - 8;
    r.rflags = 0x202;
    CHECK_EQ(seL4_TCB_WriteRegisters(tcb, 1, 0, 9, &r), seL4_NoError); /* rip .. rdi */
    return err == seL4_NoError ? tcb : 0;
}

/*
 * Two threads: the prober makes a debug call and signals "ok"; its fault endpoint is the
 * relay's, which signals "faulted" when a fault arrives. The test thread waits on the
 * notification, not on an endpoint: a receive on an endpoint would delete a reply capability
 * the test thread may be holding (seL4's deleteCallerCap), and waiting for a definite answer
 * makes the result independent of priorities.
 */
static bool debug_probe_run(void)
{
    const seL4_CPtr root = seL4_CapInitThreadCNode;
    seL4_CPtr ntfn = test_object(seL4_NotificationObject, 0);
    debug_probe.fault_ep = test_object(seL4_EndpointObject, 0);
    debug_probe.park = test_object(seL4_NotificationObject, 0);
    debug_probe.ok = test_slot();
    debug_probe.faulted = test_slot();
    if (!ntfn || !debug_probe.fault_ep || !debug_probe.park || !debug_probe.ok ||
        !debug_probe.faulted) {
        return false;
    }
    CHECK_EQ(seL4_CNode_Mint(root, debug_probe.ok, TEST_ROOT_DEPTH, root, ntfn, TEST_ROOT_DEPTH,
                             seL4_CanWrite, DEBUG_PROBE_OK),
             seL4_NoError);
    CHECK_EQ(seL4_CNode_Mint(root, debug_probe.faulted, TEST_ROOT_DEPTH, root, ntfn,
                             TEST_ROOT_DEPTH, seL4_CanWrite, DEBUG_PROBE_FAULT),
             seL4_NoError);
    seL4_CPtr relay = debug_probe_thread(debug_probe_relay, 0, 0);
    seL4_CPtr prober = relay ? debug_probe_thread(debug_probe_prober, 1, debug_probe.fault_ep) : 0;
    seL4_Word badge = 0;
    if (prober) {
        seL4_Wait(ntfn, &badge);
    }
    CHECK(badge == DEBUG_PROBE_OK || badge == DEBUG_PROBE_FAULT);
    if (prober) {
        CHECK_EQ(seL4_CNode_Delete(root, prober, TEST_ROOT_DEPTH), seL4_NoError);
    }
    if (relay) {
        CHECK_EQ(seL4_CNode_Delete(root, relay, TEST_ROOT_DEPTH), seL4_NoError);
    }
    return badge == DEBUG_PROBE_OK;
}

bool test_kernel_has_debug_calls(void)
{
    static int known = -1;
    if (known < 0) {
        ipc_buffer_copy_t saved;
        ipc_buffer_save(&saved);
        known = debug_probe_run();
        ipc_buffer_restore(&saved);
    }
    return known;
}

/* ---- Capability types ------------------------------------------------------------------------ */

seL4_Word test_cap_type(seL4_CPtr slot)
{
    return test_kernel_has_debug_calls() ? seL4_DebugCapIdentify(slot) : test_cap_type_probed(slot);
}

/* Two root slots for copies of the capability being probed (allocated once, left empty). */
static seL4_CPtr cap_probe_slot(unsigned i)
{
    static seL4_CPtr slots[2];
    if (!slots[i]) {
        slots[i] = test_slot();
    }
    return slots[i];
}

static seL4_Word cap_type_probe(seL4_CPtr slot)
{
    const seL4_CPtr root = seL4_CapInitThreadCNode;
    const seL4_Uint8 d = TEST_ROOT_DEPTH;
    int empty = test_slot_empty_at(root, slot, d);
    if (empty != 0) {
        return TEST_CAP_NULL; /* empty, or no slot there (DebugCapIdentify: 0 as well) */
    }
    /* a: a copy with the capability's rights. Reply capabilities cannot be copied. */
    seL4_CPtr a = cap_probe_slot(0), b = cap_probe_slot(1);
    seL4_Error err = seL4_CNode_Copy(root, a, d, root, slot, d, seL4_AllRights);
    if (err != seL4_NoError) {
        return err == seL4_IllegalOperation ? TEST_CAP_REPLY : TEST_CAP_OTHER;
    }
    /* b: a copy without rights. Invoking it is no IPC: an endpoint or notification capability
     * without Write is an invalid capability to send on; a TCB checks the register count
     * first; everything else refuses the TCB method. */
    seL4_Word type = TEST_CAP_OTHER;
    CHECK_EQ(seL4_CNode_Copy(root, b, d, root, a, d, seL4_NoRights), seL4_NoError);
    seL4_UserContext regs;
    err = seL4_TCB_ReadRegisters(b, 0, 0, 0, &regs);
    CHECK_EQ(seL4_CNode_Delete(root, b, d), seL4_NoError);
    if (err == seL4_RangeError) {
        type = TEST_CAP_THREAD;
    } else if (err == seL4_InvalidCapability) {
        static seL4_CPtr binder;
        if (!binder) {
            binder = test_object(seL4_TCBObject, 0);
        }
        type = TEST_CAP_EP_OR_NTFN;
        if (binder && seL4_TCB_BindNotification(binder, a) == seL4_NoError) {
            CHECK_EQ(seL4_TCB_UnbindNotification(binder), seL4_NoError);
            type = TEST_CAP_NOTIFICATION;
        } else if (seL4_CNode_Mint(root, b, d, root, a, d, seL4_AllRights, 1) == seL4_NoError) {
            /* Unbadged (a badged capability cannot take another badge), so CancelBadgedSends,
             * which only an endpoint capability with every right passes, cancels nothing. */
            CHECK_EQ(seL4_CNode_Delete(root, b, d), seL4_NoError);
            if (seL4_CNode_CancelBadgedSends(root, a, d) == seL4_NoError) {
                type = TEST_CAP_ENDPOINT;
            }
        }
    }
    CHECK_EQ(seL4_CNode_Delete(root, a, d), seL4_NoError);
    return type;
}

seL4_Word test_cap_type_probed(seL4_CPtr slot)
{
    ipc_buffer_copy_t saved;
    ipc_buffer_save(&saved);
    seL4_Word type = cap_type_probe(slot);
    ipc_buffer_restore(&saved);
    return type;
}
