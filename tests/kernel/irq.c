/*
 * IRQ: interrupts as capabilities. IRQControl_GetIOAPIC and GetMSI issue an IRQHandler once per
 * IRQ (and, in sel4ish, once per IOAPIC pin) with each error seL4 gives, in seL4's order; the
 * generic IRQControl_Get is refused on x86 with IOAPICs, as seL4 does; IRQHandler
 * SetNotification, Ack and Clear; handlers freed by deletion and by Revoke of IRQControl; and
 * delivery from real devices of QEMU's q35 machine through its IOAPIC: the RTC's periodic
 * interrupt (ISA IRQ 8 on pin 8) and the PIT (ISA IRQ 0 on pin 2, the MADT's override).
 *
 * The vector argument v of GetIOAPIC/GetMSI is seL4's: IRQ 16 + v on CPU vector 0x30 + v, v in
 * 0..107. The driver moves IRQControl into every case; the handlers a case makes are deleted
 * with its process, which masks and frees their IRQs, so every case starts with none issued.
 * Cases that make a device interrupt stop it before they return.
 */
#include <stddef.h>

#include "support.h"
#include "test.h"
#include "test_thread.h"

#define ROOT seL4_CapInitThreadCNode
#define D    TEST_ROOT_DEPTH
#define CTL  seL4_CapIRQControl

#define VECTOR_MAX 107 /* seL4's irq_user_max - irq_user_min */
#define PINS       24  /* seL4's IOAPIC_IRQ_LINES */

/* seL4's capability type number of an IRQHandler (DebugCapIdentify). */
#define CAP_TYPE_IRQ_HANDLER 16

/* The RTC (MC146818): index and data ports, registers, and its pin (ISA IRQ 8, no override). */
#define RTC_INDEX  0x70
#define RTC_DATA   0x71
#define RTC_REG_A  0x0a
#define RTC_REG_B  0x0b
#define RTC_REG_C  0x0c
#define RTC_A_1KHZ 0x26 /* 32.768 kHz time base, periodic rate 6: 1024 Hz */
#define RTC_B_PIE  0x40 /* periodic interrupt enable */
#define RTC_C_PF   0x40 /* a periodic tick happened (reading C clears it and the IRQ line) */
#define RTC_PIN    8

/* The PIT: channel 0 and command ports; ISA IRQ 0 reaches IOAPIC pin 2 on q35. */
#define PIT_CH0   0x40
#define PIT_CMD   0x43
#define PIT_LAST  0x43
#define PIT_PIN   2
#define PIT_1KHZ  1193 /* 1.193182 MHz / 1193 */
#define PIT_MODE2 0x34 /* channel 0, low then high byte, rate generator */
#define PIT_MODE0 0x30 /* channel 0, low then high byte, interrupt on terminal count */

/* How long the delivery cases wait: reads of RTC register C (each a few system calls), and
 * RTC ticks (about 1 ms each). */
#define RTC_READ_LIMIT 2000000
#define WAIT_TICKS     200
#define QUIET_TICKS    8
#define POLL_LIMIT     5000000
/* The watchdog of a blocked wait: its badge, and how long it waits (TSC cycles, about a second
 * under TCG). */
#define WATCHDOG_BADGE  0x8000000000000000ul
#define WATCHDOG_CYCLES 2000000000ull
#define WATCHDOG_STACK  (4 * 4096)

/* ---- helpers ---- */

/* GetIOAPIC on IOAPIC 0 into root slot s. */
static seL4_Error get_ioapic(seL4_CPtr s, seL4_Word pin, seL4_Word level, seL4_Word polarity,
                             seL4_Word vector)
{
    return seL4_IRQControl_GetIOAPIC(CTL, ROOT, s, D, 0, pin, level, polarity, vector);
}

/* A handler for pin of IOAPIC 0 (edge, active high) on vector, in a fresh slot. */
static seL4_CPtr handler(seL4_Word pin, seL4_Word vector)
{
    seL4_CPtr s = test_slot();
    CHECK_EQ(get_ioapic(s, pin, 0, 0, vector), seL4_NoError);
    return s;
}

/* GetMSI into root slot s (handle 0). */
static seL4_Error get_msi(seL4_CPtr s, seL4_Word bus, seL4_Word dev, seL4_Word func,
                          seL4_Word vector)
{
    return seL4_IRQControl_GetMSI(CTL, ROOT, s, D, bus, dev, func, 0, vector);
}

/* Checks that err is a RangeError reporting [min, max]. */
static void check_range(seL4_Error err, seL4_Word min, seL4_Word max)
{
    seL4_ErrorDetail_t d = seL4_GetErrorDetail();
    CHECK_EQ(err, seL4_RangeError);
    CHECK_EQ(d.min, min);
    CHECK_EQ(d.max, max);
}

/* Checks that err is an InvalidCapability naming capability argument index. */
static void check_invalid_cap(seL4_Error err, seL4_Word index)
{
    CHECK_EQ(err, seL4_InvalidCapability);
    CHECK_EQ(seL4_GetErrorDetail().argument, index);
}

/* True if the IRQ of vector can be issued now (a handler is made and deleted to find out). */
static bool vector_free(seL4_Word vector)
{
    seL4_CPtr s = test_slot();
    if (get_msi(s, 0, 0, 0, vector) != seL4_NoError) {
        return false;
    }
    CHECK_EQ(seL4_CNode_Delete(ROOT, s, D), seL4_NoError);
    return true;
}

/* True if pin can be issued now (on vector, which must be free). */
static bool pin_free(seL4_Word pin, seL4_Word vector)
{
    seL4_CPtr s = test_slot();
    if (get_ioapic(s, pin, 0, 0, vector) != seL4_NoError) {
        return false;
    }
    CHECK_EQ(seL4_CNode_Delete(ROOT, s, D), seL4_NoError);
    return true;
}

/* A raw invocation with label, length and extra capabilities as given; MR0.. from mrs.
 * Returns the error (the reply label). */
static seL4_Error raw_call(seL4_CPtr service, seL4_Word label, seL4_Word length,
                           seL4_Word extra_caps, const seL4_Word *mrs, seL4_CPtr cap0)
{
    for (seL4_Word i = 0; i < length; i++) {
        seL4_SetMR((int)i, mrs[i]);
    }
    seL4_SetCap(0, cap0);
    seL4_MessageInfo_t info =
        seL4_Call(service, seL4_MessageInfo_new(label, 0, extra_caps, length));
    return (seL4_Error)seL4_MessageInfo_get_label(info);
}

/* A new notification and, in a fresh slot, a copy of it with the given rights and badge. */
static seL4_CPtr minted_notification(seL4_CPtr *original, seL4_CapRights_t rights, seL4_Word badge)
{
    *original = test_object(seL4_NotificationObject, 0);
    seL4_CPtr s = test_slot();
    CHECK_EQ(seL4_CNode_Mint(ROOT, s, D, ROOT, *original, D, rights, badge), seL4_NoError);
    return s;
}

/* The badge a Poll of ntfn gets (0: no signal was pending). */
static seL4_Word poll(seL4_CPtr ntfn)
{
    seL4_Word badge = 0;
    seL4_Poll(ntfn, &badge);
    return badge;
}

/* Polls ntfn until a signal comes (at most POLL_LIMIT times): its badge, or 0. */
static seL4_Word poll_wait(seL4_CPtr ntfn)
{
    for (unsigned long i = 0; i < POLL_LIMIT; i++) {
        seL4_Word badge = poll(ntfn);
        if (badge != 0) {
            return badge;
        }
    }
    return 0;
}

static unsigned long long rdtsc(void)
{
    unsigned lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (unsigned long long)hi << 32 | lo;
}

static char watchdog_stack[WATCHDOG_STACK] __attribute__((aligned(16)));

/* The watchdog thread: after WATCHDOG_CYCLES, signals the notification capability ntfn. */
static void watchdog(seL4_Word ntfn)
{
    unsigned long long t0 = rdtsc();
    while (rdtsc() - t0 < WATCHDOG_CYCLES) {
    }
    seL4_Signal(ntfn);
    for (;;) {
        seL4_Yield();
    }
}

/*
 * Waits blocked on ntfn and returns the badge received. A watchdog thread below the test's
 * priority (so it runs only while the test waits) signals WATCHDOG_BADGE if nothing came
 * within about a second: a lost interrupt fails the case instead of hanging the suite.
 */
static seL4_Word wait_blocked(seL4_CPtr ntfn)
{
    seL4_CPtr wd = test_slot();
    CHECK_EQ(seL4_CNode_Mint(ROOT, wd, D, ROOT, ntfn, D, seL4_CanWrite, WATCHDOG_BADGE),
             seL4_NoError);
    test_thread_t t;
    if (!test_thread_start(&t, watchdog, wd, watchdog_stack + WATCHDOG_STACK, TEST_THREAD_PRIO)) {
        return 0;
    }
    seL4_Word badge = 0;
    seL4_Wait(ntfn, &badge);
    test_thread_destroy(&t);
    return badge;
}

/* A handler for pin (edge or level, active high) on vector, bound to the notification
 * capability ntfn and acknowledged: seL4's driver idiom, since an interrupt that comes between
 * the issue (which unmasks) and SetNotification is masked and dropped. */
static seL4_CPtr bound_handler(seL4_Word pin, seL4_Word level, seL4_Word vector, seL4_CPtr ntfn)
{
    seL4_CPtr h = test_slot();
    CHECK_EQ(get_ioapic(h, pin, level, 0, vector), seL4_NoError);
    CHECK_EQ(seL4_IRQHandler_SetNotification(h, ntfn), seL4_NoError);
    CHECK_EQ(seL4_IRQHandler_Ack(h), seL4_NoError);
    return h;
}

/* ---- the RTC ---- */

/* A capability to the RTC's ports. */
static seL4_CPtr rtc_ports(void)
{
    seL4_CPtr s = test_slot();
    CHECK_EQ(seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, RTC_INDEX, RTC_DATA, ROOT, s, D),
             seL4_NoError);
    return s;
}

static seL4_Word rtc_read(seL4_CPtr p, seL4_Word reg)
{
    CHECK_EQ(seL4_X86_IOPort_Out8(p, RTC_INDEX, reg), seL4_NoError);
    seL4_X86_IOPort_In8_t r = seL4_X86_IOPort_In8(p, RTC_DATA);
    CHECK_EQ(r.error, seL4_NoError);
    return r.result;
}

static void rtc_write(seL4_CPtr p, seL4_Word reg, seL4_Word value)
{
    CHECK_EQ(seL4_X86_IOPort_Out8(p, RTC_INDEX, reg), seL4_NoError);
    CHECK_EQ(seL4_X86_IOPort_Out8(p, RTC_DATA, value), seL4_NoError);
}

/* Starts the RTC's periodic interrupt at 1024 Hz (its flags cleared first). */
static void rtc_start(seL4_CPtr p)
{
    rtc_write(p, RTC_REG_A, RTC_A_1KHZ);
    rtc_read(p, RTC_REG_C);
    rtc_write(p, RTC_REG_B, rtc_read(p, RTC_REG_B) | RTC_B_PIE);
}

/* Stops the periodic interrupt and clears its flags (the IRQ line goes low). */
static void rtc_stop(seL4_CPtr p)
{
    rtc_write(p, RTC_REG_B, rtc_read(p, RTC_REG_B) & ~(seL4_Word)RTC_B_PIE);
    rtc_read(p, RTC_REG_C);
}

/*
 * Polls ntfn while the RTC ticks: every poll reads register C, which re-arms the RTC's
 * interrupt (edge mode) after each tick. Returns the badge of the first signal, or 0 when none
 * came within max_ticks ticks (or the RTC stopped ticking, which fails a check).
 */
static seL4_Word rtc_wait_signal(seL4_CPtr p, seL4_CPtr ntfn, unsigned max_ticks)
{
    unsigned ticks = 0;
    for (unsigned long reads = 0; reads < RTC_READ_LIMIT; reads++) {
        seL4_Word badge = poll(ntfn);
        if (badge != 0) {
            return badge;
        }
        if (rtc_read(p, RTC_REG_C) & RTC_C_PF) {
            if (++ticks >= max_ticks) {
                return 0;
            }
        }
    }
    CHECK(!"the RTC stopped ticking");
    return 0;
}

/* ---- GetIOAPIC ---- */

static void get_ioapic_success(void)
{
    seL4_CPtr h = test_slot();
    CHECK_EQ(get_ioapic(h, 5, 0, 0, 10), seL4_NoError);
    seL4_Word type = test_cap_type(h);
    CHECK(type == CAP_TYPE_IRQ_HANDLER || type == TEST_CAP_OTHER);
    CHECK_EQ(seL4_IRQHandler_Ack(h), seL4_NoError);
    CHECK_EQ(seL4_IRQHandler_Clear(h), seL4_NoError);
    /* Its IRQ is taken, through either method, and so is its pin (sel4ish). */
    CHECK_EQ(get_ioapic(test_slot(), 6, 0, 0, 10), seL4_RevokeFirst);
    CHECK_EQ(get_msi(test_slot(), 0, 0, 0, 10), seL4_RevokeFirst);
    CHECK_EQ(get_ioapic(test_slot(), 5, 0, 0, 11), seL4_RevokeFirst);
    /* The bounds of every argument are accepted. */
    CHECK_EQ(get_ioapic(test_slot(), 0, 1, 1, 0), seL4_NoError);
    CHECK_EQ(get_ioapic(test_slot(), PINS - 1, 1, 0, VECTOR_MAX), seL4_NoError);
    CHECK_EQ(get_ioapic(test_slot(), 20, 0, 1, 50), seL4_NoError);
    /* IRQControl stays where it was and cannot be copied. */
    CHECK_EQ(test_probe(CTL), seL4_IllegalOperation);
    CHECK_EQ(seL4_CNode_Copy(ROOT, test_slot(), D, ROOT, CTL, D, seL4_AllRights),
             seL4_IllegalOperation);
}
DEFINE_TEST(IRQ0001, "GetIOAPIC issues a handler; its IRQ and its pin are taken",
            get_ioapic_success);

static void get_ioapic_vector_range(void)
{
    check_range(get_ioapic(test_slot(), 5, 0, 0, VECTOR_MAX + 1), 0, VECTOR_MAX);
    check_range(get_ioapic(test_slot(), 5, 0, 0, 200), 0, VECTOR_MAX);
    check_range(get_ioapic(test_slot(), 5, 0, 0, ~(seL4_Word)0), 0, VECTOR_MAX);
    /* The first check of all: an occupied slot and a bad pin still give the vector's error. */
    check_range(get_ioapic(seL4_CapInitThreadTCB, PINS, 0, 0, VECTOR_MAX + 1), 0, VECTOR_MAX);
    /* Nothing was issued. */
    CHECK(pin_free(5, VECTOR_MAX));
}
DEFINE_TEST(IRQ0002, "GetIOAPIC: a vector outside 0-107 is RangeError(0, 107), checked first",
            get_ioapic_vector_range);

static void get_ioapic_ioapic_ranges(void)
{
    seL4_CPtr s = test_slot();
    check_range(seL4_IRQControl_GetIOAPIC(CTL, ROOT, s, D, 1, 5, 0, 0, 10), 0, 0);
    check_range(seL4_IRQControl_GetIOAPIC(CTL, ROOT, s, D, ~(seL4_Word)0, 5, 0, 0, 10), 0, 0);
    check_range(get_ioapic(s, PINS, 0, 0, 10), 0, PINS - 1);
    check_range(get_ioapic(s, ~(seL4_Word)0, 0, 0, 10), 0, PINS - 1);
    check_range(get_ioapic(s, 5, 2, 0, 10), 0, 1);
    check_range(get_ioapic(s, 5, 0, 2, 10), 0, 1);
    check_range(get_ioapic(s, 5, ~(seL4_Word)0, ~(seL4_Word)0, 10), 0, 1);
    /* seL4's order: the IOAPIC arguments are checked after the vector's IRQ and the slot. */
    CHECK_EQ(get_ioapic(seL4_CapInitThreadTCB, PINS, 2, 2, 10), seL4_DeleteFirst);
    seL4_CPtr h = handler(6, 11);
    CHECK_EQ(get_ioapic(s, PINS, 2, 2, 11), seL4_RevokeFirst);
    (void)h;
    /* Nothing was issued, and the slot is still empty. */
    CHECK_EQ(test_probe(s), seL4_InvalidCapability);
    CHECK(pin_free(5, 10));
}
DEFINE_TEST(IRQ0003,
            "GetIOAPIC: ioapic, pin, level, polarity out of range: RangeError, seL4's bounds",
            get_ioapic_ioapic_ranges);

static void get_ioapic_destination(void)
{
    seL4_ErrorDetail_t d;
    /* A root that is not a CNode. */
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    seL4_Error err = seL4_IRQControl_GetIOAPIC(CTL, ep, test_slot(), D, 0, 5, 0, 0, 10);
    d = seL4_GetErrorDetail();
    CHECK_EQ(err, seL4_FailedLookup);
    CHECK_EQ(d.source, 0);
    CHECK_EQ(d.lookup_type, seL4_InvalidRoot);
    /* A slot that the CSpace does not resolve at that depth. */
    err = seL4_IRQControl_GetIOAPIC(CTL, ROOT, test_slot(), 32, 0, 5, 0, 0, 10);
    d = seL4_GetErrorDetail();
    CHECK_EQ(err, seL4_FailedLookup);
    CHECK_EQ(d.source, 0);
    /* Depth 0 or above 64. */
    check_range(seL4_IRQControl_GetIOAPIC(CTL, ROOT, test_slot(), 0, 0, 5, 0, 0, 10), 1, 64);
    check_range(seL4_IRQControl_GetIOAPIC(CTL, ROOT, test_slot(), 65, 0, 5, 0, 0, 10), 1, 64);
    /* An occupied slot. */
    CHECK_EQ(get_ioapic(seL4_CapInitThreadTCB, 5, 0, 0, 10), seL4_DeleteFirst);
    CHECK_EQ(get_ioapic(ep, 5, 0, 0, 10), seL4_DeleteFirst);
    /* seL4's order: the vector and its IRQ come before the slot. */
    check_range(seL4_IRQControl_GetIOAPIC(CTL, ep, test_slot(), D, 0, 5, 0, 0, 108), 0, VECTOR_MAX);
    seL4_CPtr h = handler(6, 11);
    CHECK_EQ(seL4_IRQControl_GetIOAPIC(CTL, ep, test_slot(), D, 0, 5, 0, 0, 11), seL4_RevokeFirst);
    CHECK_EQ(get_ioapic(seL4_CapInitThreadTCB, 5, 0, 0, 11), seL4_RevokeFirst);
    (void)h;
    /* None of the failures issued anything. */
    CHECK(pin_free(5, 10));
}
DEFINE_TEST(IRQ0004, "GetIOAPIC: destination FailedLookup, RangeError(1, 64) on depth, DeleteFirst",
            get_ioapic_destination);

static void get_truncated(void)
{
    seL4_CPtr s = test_slot();
    seL4_Word ioapic_mrs[7] = {s, D, 0, 5, 0, 0, 10};
    seL4_Word msi_mrs[7] = {s, D, 0, 0, 0, 0, 10};
    for (seL4_Word len = 0; len < 7; len++) {
        CHECK_EQ(raw_call(CTL, X86IRQIssueIRQHandlerIOAPIC, len, 1, ioapic_mrs, ROOT),
                 seL4_TruncatedMessage);
        CHECK_EQ(raw_call(CTL, X86IRQIssueIRQHandlerMSI, len, 1, msi_mrs, ROOT),
                 seL4_TruncatedMessage);
    }
    /* Seven words but no root capability. */
    CHECK_EQ(raw_call(CTL, X86IRQIssueIRQHandlerIOAPIC, 7, 0, ioapic_mrs, ROOT),
             seL4_TruncatedMessage);
    CHECK_EQ(raw_call(CTL, X86IRQIssueIRQHandlerMSI, 7, 0, msi_mrs, ROOT), seL4_TruncatedMessage);
    /* Before every other check: an out-of-range vector in a short message. */
    ioapic_mrs[6] = 1000;
    CHECK_EQ(raw_call(CTL, X86IRQIssueIRQHandlerIOAPIC, 6, 1, ioapic_mrs, ROOT),
             seL4_TruncatedMessage);
    /* The complete message works. */
    ioapic_mrs[6] = 10;
    CHECK_EQ(raw_call(CTL, X86IRQIssueIRQHandlerIOAPIC, 7, 1, ioapic_mrs, ROOT), seL4_NoError);
    CHECK_EQ(test_probe(s), seL4_IllegalOperation);
}
DEFINE_TEST(IRQ0005, "GetIOAPIC, GetMSI: fewer than 7 words or no root cap is TruncatedMessage",
            get_truncated);

static void handler_freed_by_delete(void)
{
    seL4_CPtr h = handler(9, 20), copy = test_slot(), moved = test_slot();
    CHECK_EQ(seL4_CNode_Copy(ROOT, copy, D, ROOT, h, D, seL4_AllRights), seL4_NoError);
    CHECK_EQ(seL4_IRQHandler_Ack(copy), seL4_NoError);
    /* One capability of two gone: the IRQ and the pin stay taken. */
    CHECK_EQ(seL4_CNode_Delete(ROOT, h, D), seL4_NoError);
    CHECK_EQ(get_ioapic(test_slot(), 9, 0, 0, 21), seL4_RevokeFirst);
    CHECK_EQ(get_ioapic(test_slot(), 10, 0, 0, 20), seL4_RevokeFirst);
    /* Moved, it is the same handler. */
    CHECK_EQ(seL4_CNode_Move(ROOT, moved, D, ROOT, copy, D), seL4_NoError);
    CHECK_EQ(get_msi(test_slot(), 0, 0, 0, 20), seL4_RevokeFirst);
    /* The last capability gone: both are free, and can be issued again, in other pairings. */
    CHECK_EQ(seL4_CNode_Delete(ROOT, moved, D), seL4_NoError);
    seL4_CPtr a = handler(10, 20), b = handler(9, 21);
    CHECK_EQ(seL4_CNode_Delete(ROOT, a, D), seL4_NoError);
    CHECK_EQ(seL4_CNode_Delete(ROOT, b, D), seL4_NoError);
    CHECK(pin_free(9, 20));
    CHECK(vector_free(21));
}
DEFINE_TEST(IRQ0006,
            "deleting the last handler capability frees its IRQ and pin (copies keep them)",
            handler_freed_by_delete);

static void revoke_irq_control(void)
{
    seL4_CPtr a = handler(3, 30), b = handler(4, 31), m = test_slot(), c = test_slot();
    CHECK_EQ(get_msi(m, 1, 2, 3, 32), seL4_NoError);
    CHECK_EQ(seL4_CNode_Copy(ROOT, c, D, ROOT, a, D, seL4_AllRights), seL4_NoError);
    seL4_CPtr n = test_object(seL4_NotificationObject, 0);
    CHECK_EQ(seL4_IRQHandler_SetNotification(b, n), seL4_NoError);
    CHECK_EQ(seL4_CNode_Revoke(ROOT, CTL, D), seL4_NoError);
    CHECK_EQ(test_probe(a), seL4_InvalidCapability);
    CHECK_EQ(test_probe(b), seL4_InvalidCapability);
    CHECK_EQ(test_probe(m), seL4_InvalidCapability);
    CHECK_EQ(test_probe(c), seL4_InvalidCapability);
    /* IRQControl stays, and every IRQ and pin is free again. */
    CHECK_EQ(test_probe(CTL), seL4_IllegalOperation);
    CHECK(pin_free(3, 30));
    CHECK(pin_free(4, 31));
    CHECK(vector_free(32));
    /* The notification lost the IRQ's copy but is still there. */
    CHECK_EQ(poll(n), 0);
}
DEFINE_TEST(IRQ0007, "Revoke of IRQControl deletes every handler it issued and frees the IRQs",
            revoke_irq_control);

/* ---- GetMSI ---- */

static void get_msi_checks(void)
{
    seL4_CPtr s = test_slot();
    CHECK_EQ(seL4_IRQControl_GetMSI(CTL, ROOT, s, D, 255, 31, 7, ~(seL4_Word)0, 40), seL4_NoError);
    seL4_Word type = test_cap_type(s);
    CHECK(type == CAP_TYPE_IRQ_HANDLER || type == TEST_CAP_OTHER);
    CHECK_EQ(get_msi(test_slot(), 0, 0, 0, 40), seL4_RevokeFirst);
    CHECK_EQ(get_ioapic(test_slot(), 5, 0, 0, 40), seL4_RevokeFirst);
    CHECK_EQ(get_msi(test_slot(), 0, 0, 0, 0), seL4_NoError);
    CHECK_EQ(get_msi(test_slot(), 0, 0, 0, VECTOR_MAX), seL4_NoError);
    /* Ranges, each with seL4's bounds. */
    seL4_CPtr e = test_slot();
    check_range(get_msi(e, 0, 0, 0, VECTOR_MAX + 1), 0, VECTOR_MAX);
    check_range(get_msi(e, 256, 0, 0, 41), 0, 255);
    check_range(get_msi(e, 0, 32, 0, 41), 0, 31);
    check_range(get_msi(e, 0, 0, 8, 41), 0, 7);
    /* seL4's order: vector, its IRQ, the slot, then bus, device, function. */
    check_range(get_msi(seL4_CapInitThreadTCB, 256, 32, 8, 108), 0, VECTOR_MAX);
    CHECK_EQ(get_msi(seL4_CapInitThreadTCB, 256, 32, 8, 40), seL4_RevokeFirst);
    CHECK_EQ(get_msi(seL4_CapInitThreadTCB, 256, 32, 8, 41), seL4_DeleteFirst);
    check_range(get_msi(e, 256, 32, 8, 41), 0, 255);
    check_range(get_msi(e, 0, 32, 8, 41), 0, 31);
    check_range(seL4_IRQControl_GetMSI(CTL, ROOT, e, 65, 0, 0, 0, 0, 41), 1, 64);
    /* Nothing was issued by the failures. */
    CHECK_EQ(test_probe(e), seL4_InvalidCapability);
    CHECK(vector_free(41));
}
DEFINE_TEST(IRQ0008, "GetMSI issues a handler; vector, bus, dev, func ranges in seL4's order",
            get_msi_checks);

static void msi_handler_methods(void)
{
    seL4_CPtr h = test_slot(), n = test_object(seL4_NotificationObject, 0);
    CHECK_EQ(get_msi(h, 0, 3, 0, 60), seL4_NoError);
    CHECK_EQ(seL4_IRQHandler_SetNotification(h, n), seL4_NoError);
    CHECK_EQ(seL4_IRQHandler_Ack(h), seL4_NoError);
    CHECK_EQ(seL4_IRQHandler_Ack(h), seL4_NoError);
    CHECK_EQ(seL4_IRQHandler_Clear(h), seL4_NoError);
    CHECK_EQ(seL4_IRQHandler_SetNotification(h, n), seL4_NoError);
    /* No MSI was raised: nothing was signalled. */
    CHECK_EQ(poll(n), 0);
    CHECK_EQ(seL4_CNode_Delete(ROOT, h, D), seL4_NoError);
    CHECK(vector_free(60));
    /* Its vector can go to an IOAPIC pin now. */
    CHECK(pin_free(7, 60));
}
DEFINE_TEST(IRQ0009, "an MSI handler: SetNotification, Ack, Clear; deleting it frees the vector",
            msi_handler_methods);

/* ---- the generic IRQControl_Get ---- */

static void generic_get(void)
{
    static const seL4_Word irqs[] = {0, 1, 2, 8, 15, 16, 17, 50, 123, 124, 125, 255, ~(seL4_Word)0};
    for (unsigned i = 0; i < sizeof(irqs) / sizeof(irqs[0]); i++) {
        seL4_CPtr s = test_slot();
        CHECK_EQ(seL4_IRQControl_Get(CTL, irqs[i], ROOT, s, D), seL4_IllegalOperation);
        CHECK_EQ(test_probe(s), seL4_InvalidCapability);
    }
    /* Whatever the slot. */
    CHECK_EQ(seL4_IRQControl_Get(CTL, 8, ROOT, seL4_CapInitThreadTCB, D), seL4_IllegalOperation);
    CHECK_EQ(seL4_IRQControl_Get(CTL, 8, ROOT, test_slot(), 0), seL4_IllegalOperation);
    /* A short message or no root capability is TruncatedMessage first. */
    seL4_Word mrs[3] = {8, test_slot(), D};
    CHECK_EQ(raw_call(CTL, IRQIssueIRQHandler, 2, 1, mrs, ROOT), seL4_TruncatedMessage);
    CHECK_EQ(raw_call(CTL, IRQIssueIRQHandler, 3, 0, mrs, ROOT), seL4_TruncatedMessage);
    CHECK_EQ(raw_call(CTL, IRQIssueIRQHandler, 3, 1, mrs, ROOT), seL4_IllegalOperation);
}
DEFINE_TEST(IRQ0010, "IRQControl_Get on x86 with IOAPICs: IllegalOperation for every IRQ, as seL4",
            generic_get);

/* ---- IRQHandler methods ---- */

static void set_notification_errors(void)
{
    seL4_CPtr h = handler(11, 70), n;
    /* A notification with Write (and without Read) is enough. */
    seL4_CPtr w = minted_notification(&n, seL4_CanWrite, 0x11);
    CHECK_EQ(seL4_IRQHandler_SetNotification(h, n), seL4_NoError);
    CHECK_EQ(seL4_IRQHandler_SetNotification(h, w), seL4_NoError);
    /* Without Write, or not a notification: InvalidCapability, capability argument 0. */
    seL4_CPtr r = test_slot();
    CHECK_EQ(seL4_CNode_Mint(ROOT, r, D, ROOT, n, D, seL4_CanRead, 0x22), seL4_NoError);
    check_invalid_cap(seL4_IRQHandler_SetNotification(h, r), 0);
    seL4_CPtr none = test_slot();
    CHECK_EQ(seL4_CNode_Mint(ROOT, none, D, ROOT, n, D, seL4_NoRights, 0x33), seL4_NoError);
    check_invalid_cap(seL4_IRQHandler_SetNotification(h, none), 0);
    check_invalid_cap(seL4_IRQHandler_SetNotification(h, test_object(seL4_EndpointObject, 0)), 0);
    check_invalid_cap(seL4_IRQHandler_SetNotification(h, seL4_CapInitThreadTCB), 0);
    check_invalid_cap(seL4_IRQHandler_SetNotification(h, h), 0);
    check_invalid_cap(seL4_IRQHandler_SetNotification(h, test_slot()), 0);
    /* No capability sent. */
    CHECK_EQ(raw_call(h, IRQSetIRQHandler, 0, 0, NULL, n), seL4_TruncatedMessage);
    CHECK_EQ(raw_call(h, IRQSetIRQHandler, 0, 1, NULL, n), seL4_NoError);
}
DEFINE_TEST(IRQ0011, "SetNotification needs a notification with Write: else InvalidCapability(0)",
            set_notification_errors);

static void handler_methods_on_other_caps(void)
{
    seL4_CPtr n = test_object(seL4_NotificationObject, 0);
    /* Ack, SetNotification and Clear on a capability that is not an IRQ handler. */
    CHECK_EQ(seL4_IRQHandler_Ack(ROOT), seL4_IllegalOperation);
    CHECK_EQ(seL4_IRQHandler_SetNotification(ROOT, n), seL4_IllegalOperation);
    CHECK_EQ(seL4_IRQHandler_Clear(ROOT), seL4_IllegalOperation);
    CHECK_EQ(seL4_IRQHandler_Ack(CTL), seL4_IllegalOperation);
    CHECK_EQ(seL4_IRQHandler_Clear(seL4_CapInitThreadTCB), seL4_IllegalOperation);
    /* IRQControl methods on a handler. */
    seL4_CPtr h = handler(12, 71);
    CHECK_EQ(seL4_IRQControl_GetIOAPIC(h, ROOT, test_slot(), D, 0, 13, 0, 0, 72),
             seL4_IllegalOperation);
    CHECK_EQ(seL4_IRQControl_Get(h, 3, ROOT, test_slot(), D), seL4_IllegalOperation);
    /* Ack and Clear have no errors of their own, whatever the handler's state. */
    CHECK_EQ(seL4_IRQHandler_Clear(h), seL4_NoError);
    CHECK_EQ(seL4_IRQHandler_Clear(h), seL4_NoError);
    CHECK_EQ(seL4_IRQHandler_Ack(h), seL4_NoError);
    CHECK_EQ(seL4_IRQHandler_Ack(h), seL4_NoError);
    CHECK_EQ(seL4_IRQHandler_SetNotification(h, n), seL4_NoError);
    CHECK_EQ(seL4_IRQHandler_SetNotification(h, n), seL4_NoError);
    CHECK_EQ(seL4_IRQHandler_Clear(h), seL4_NoError);
    CHECK_EQ(poll(n), 0);
}
DEFINE_TEST(IRQ0012, "IRQHandler methods on other caps: IllegalOperation; Ack, Clear never fail",
            handler_methods_on_other_caps);

/* ---- delivery ---- */

static void rtc_delivery(void)
{
    seL4_CPtr p = rtc_ports(), n;
    seL4_CPtr badged = minted_notification(&n, seL4_AllRights, 0x5a);
    seL4_CPtr h = bound_handler(RTC_PIN, 0, 40, badged);
    rtc_start(p);
    /* The first tick arrives as a signal with the badge of the capability given. */
    CHECK_EQ(rtc_wait_signal(p, n, WAIT_TICKS), 0x5a);
    /* Masked until Ack: the RTC goes on ticking (and raising its line), nothing arrives. */
    CHECK_EQ(rtc_wait_signal(p, n, QUIET_TICKS), 0);
    CHECK_EQ(seL4_IRQHandler_Ack(h), seL4_NoError);
    CHECK_EQ(rtc_wait_signal(p, n, WAIT_TICKS), 0x5a);
    CHECK_EQ(rtc_wait_signal(p, n, QUIET_TICKS), 0);
    /* Again, now waiting blocked for it. */
    CHECK_EQ(seL4_IRQHandler_Ack(h), seL4_NoError);
    rtc_read(p, RTC_REG_C);
    CHECK_EQ(wait_blocked(n), 0x5a);
    rtc_stop(p);
}
DEFINE_TEST(IRQ0013, "RTC interrupt (pin 8) signals the badge given; masked until Ack, then again",
            rtc_delivery);

static void rtc_clear(void)
{
    seL4_CPtr p = rtc_ports(), n;
    seL4_CPtr badged = minted_notification(&n, seL4_CanWrite, 0x7);
    seL4_CPtr h = bound_handler(RTC_PIN, 0, 41, badged);
    rtc_start(p);
    CHECK_EQ(rtc_wait_signal(p, n, WAIT_TICKS), 0x7);
    /* Cleared: acknowledged interrupts go nowhere (and are masked again). */
    CHECK_EQ(seL4_IRQHandler_Clear(h), seL4_NoError);
    CHECK_EQ(seL4_IRQHandler_Ack(h), seL4_NoError);
    CHECK_EQ(rtc_wait_signal(p, n, QUIET_TICKS), 0);
    CHECK_EQ(seL4_IRQHandler_Ack(h), seL4_NoError);
    CHECK_EQ(rtc_wait_signal(p, n, QUIET_TICKS), 0);
    /* Bound again (to another badge), delivery resumes after an Ack. */
    seL4_CPtr other = test_slot();
    CHECK_EQ(seL4_CNode_Mint(ROOT, other, D, ROOT, n, D, seL4_AllRights, 0x300), seL4_NoError);
    CHECK_EQ(seL4_IRQHandler_SetNotification(h, other), seL4_NoError);
    CHECK_EQ(seL4_IRQHandler_Ack(h), seL4_NoError);
    CHECK_EQ(rtc_wait_signal(p, n, WAIT_TICKS), 0x300);
    rtc_stop(p);
}
DEFINE_TEST(IRQ0014, "Clear unbinds: RTC interrupts signal nothing until SetNotification again",
            rtc_clear);

static void rtc_level(void)
{
    seL4_CPtr p = rtc_ports(), n;
    seL4_CPtr badged = minted_notification(&n, seL4_AllRights, 0x44);
    seL4_CPtr h = bound_handler(RTC_PIN, 1, 42, badged); /* level-triggered, active high */
    rtc_start(p);
    CHECK_EQ(rtc_wait_signal(p, n, WAIT_TICKS), 0x44);
    /* The line stays asserted until register C is read (at the latest from the next tick on):
     * each Ack delivers again, with no new edge. */
    for (int i = 0; i < 3; i++) {
        CHECK_EQ(seL4_IRQHandler_Ack(h), seL4_NoError);
        CHECK_EQ(poll_wait(n), 0x44);
    }
    rtc_stop(p);
    /* Deasserted: an Ack brings nothing until the RTC ticks again (it no longer does). */
    CHECK_EQ(seL4_IRQHandler_Ack(h), seL4_NoError);
    CHECK_EQ(poll(n), 0);
}
DEFINE_TEST(IRQ0015, "a level-triggered pin: Ack while the RTC holds its line delivers again",
            rtc_level);

static void rtc_reissue(void)
{
    seL4_CPtr p = rtc_ports(), n1, n2;
    seL4_CPtr b1 = minted_notification(&n1, seL4_AllRights, 0x1);
    seL4_CPtr b2 = minted_notification(&n2, seL4_AllRights, 0x2);
    seL4_CPtr h = bound_handler(RTC_PIN, 0, 43, b1);
    rtc_start(p);
    CHECK_EQ(rtc_wait_signal(p, n1, WAIT_TICKS), 0x1);
    CHECK_EQ(seL4_IRQHandler_Ack(h), seL4_NoError);
    /* Deleting the handler masks the pin while the RTC keeps ticking. */
    CHECK_EQ(seL4_CNode_Delete(ROOT, h, D), seL4_NoError);
    rtc_read(p, RTC_REG_C);
    CHECK_EQ(rtc_wait_signal(p, n1, QUIET_TICKS), 0);
    /* Issued again on the same vector, the handler starts with no notification. */
    seL4_CPtr again = handler(RTC_PIN, 43);
    CHECK_EQ(seL4_IRQHandler_Ack(again), seL4_NoError);
    CHECK_EQ(rtc_wait_signal(p, n1, QUIET_TICKS), 0);
    CHECK_EQ(seL4_CNode_Delete(ROOT, again, D), seL4_NoError);
    /* The pin, issued again on another vector for another notification, delivers there. */
    seL4_CPtr h2 = bound_handler(RTC_PIN, 0, 90, b2);
    CHECK_EQ(rtc_wait_signal(p, n2, WAIT_TICKS), 0x2);
    (void)h2;
    CHECK_EQ(poll(n1), 0);
    rtc_stop(p);
}
DEFINE_TEST(IRQ0016, "deleting the handler masks its pin; reissued, the pin signals the new one",
            rtc_reissue);

static void rtc_notification_revoked(void)
{
    seL4_CPtr p = rtc_ports(), n;
    seL4_CPtr badged = minted_notification(&n, seL4_AllRights, 0x66);
    seL4_CPtr h = bound_handler(RTC_PIN, 0, 44, badged);
    /* The kernel keeps its own copy: deleting the capability given does not unbind. */
    CHECK_EQ(seL4_CNode_Delete(ROOT, badged, D), seL4_NoError);
    rtc_start(p);
    CHECK_EQ(rtc_wait_signal(p, n, WAIT_TICKS), 0x66);
    /* Revoking the notification deletes that copy too: the IRQ is unbound. */
    CHECK_EQ(seL4_CNode_Revoke(ROOT, n, D), seL4_NoError);
    CHECK_EQ(seL4_IRQHandler_Ack(h), seL4_NoError);
    CHECK_EQ(rtc_wait_signal(p, n, QUIET_TICKS), 0);
    CHECK_EQ(seL4_IRQHandler_Ack(h), seL4_NoError);
    CHECK_EQ(rtc_wait_signal(p, n, QUIET_TICKS), 0);
    rtc_stop(p);
}
DEFINE_TEST(IRQ0017, "the IRQ's notification is a CDT child: revoking the notification unbinds",
            rtc_notification_revoked);

static void pit_delivery(void)
{
    seL4_CPtr p = test_slot(), n;
    CHECK_EQ(seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, PIT_CH0, PIT_LAST, ROOT, p, D),
             seL4_NoError);
    seL4_CPtr badged = minted_notification(&n, seL4_AllRights, 0x100);
    seL4_CPtr h = bound_handler(PIT_PIN, 0, 45, badged);
    CHECK_EQ(seL4_X86_IOPort_Out8(p, PIT_CMD, PIT_MODE2), seL4_NoError);
    CHECK_EQ(seL4_X86_IOPort_Out8(p, PIT_CH0, PIT_1KHZ & 0xff), seL4_NoError);
    CHECK_EQ(seL4_X86_IOPort_Out8(p, PIT_CH0, PIT_1KHZ >> 8), seL4_NoError);
    CHECK_EQ(poll_wait(n), 0x100);
    CHECK_EQ(seL4_IRQHandler_Ack(h), seL4_NoError);
    CHECK_EQ(poll_wait(n), 0x100);
    /* Stop: one count in mode 0, after which the PIT's output stays high and it is quiet. */
    CHECK_EQ(seL4_X86_IOPort_Out8(p, PIT_CMD, PIT_MODE0), seL4_NoError);
    CHECK_EQ(seL4_X86_IOPort_Out8(p, PIT_CH0, 1), seL4_NoError);
    CHECK_EQ(seL4_X86_IOPort_Out8(p, PIT_CH0, 0), seL4_NoError);
}
DEFINE_TEST(IRQ0018, "PIT interrupt (ISA IRQ 0) arrives on IOAPIC pin 2, the MADT's override",
            pit_delivery);
