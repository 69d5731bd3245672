/*
 * IOPORTS: I/O port capabilities. IOPortControl_Issue with each error seL4 gives (in seL4's
 * order), overlapping and reserved ranges refused, a range freed when its last capability goes
 * (copies share it), In8/16/32 and Out8/16/32 on real devices of QEMU's q35 machine (the RTC's
 * CMOS index/data ports 0x70-0x71, the PCI configuration ports 0xcf8-0xcff), accesses outside
 * a capability's range refused, and in/out instructions at user level a #GP (UserException).
 *
 * The driver moves IOPortControl into every case (slot seL4_CapIOPortControl) and back; the
 * ranges a case issues are freed when its process is destroyed (IOPORTS0010), so every case
 * starts with no port issued.
 */
#include "support.h"
#include "test.h"

#define ROOT seL4_CapInitThreadCNode
#define D    TEST_ROOT_DEPTH
#define CTL  seL4_CapIOPortControl

/* CMOS: index port, data port, and a byte of CMOS RAM nothing else uses. */
#define RTC_INDEX 0x70
#define RTC_DATA  0x71
#define CMOS_FREE 0x7e

/* PCI configuration mechanism 1: address (32-bit only) and data ports. 0xcf9 is the q35 reset
 * control register: these tests never write it on its own. */
#define PCI_ADDR 0xcf8
#define PCI_DATA 0xcfc
#define PCI_LAST 0xcff
/* The q35 host bridge (bus 0, device 0): Intel 82G33/P35 MCH. */
#define Q35_VENDOR 0x8086
#define Q35_DEVICE 0x29c0

/* A capability to [first, last] in a fresh slot (0 and a failed check if Issue fails). */
static seL4_CPtr issue(seL4_Word first, seL4_Word last)
{
    seL4_CPtr s = test_slot();
    seL4_Error e = seL4_X86_IOPortControl_Issue(CTL, first, last, ROOT, s, D);
    CHECK_EQ(e, seL4_NoError);
    return e == seL4_NoError ? s : 0;
}

/* Issue of [first, last] into a fresh slot: the error. */
static seL4_Error try_issue(seL4_Word first, seL4_Word last)
{
    return seL4_X86_IOPortControl_Issue(CTL, first, last, ROOT, test_slot(), D);
}

/* Checks that [first, last] can be issued now (Issue into the empty root slot s succeeds); the
 * capability made to find out is deleted again. */
static void check_free_at(seL4_CPtr s, seL4_Word first, seL4_Word last)
{
    CHECK_EQ(seL4_X86_IOPortControl_Issue(CTL, first, last, ROOT, s, D), seL4_NoError);
    CHECK_EQ(seL4_CNode_Delete(ROOT, s, D), seL4_NoError);
}

/* check_free_at a fresh slot. */
static void check_free(seL4_Word first, seL4_Word last)
{
    check_free_at(test_slot(), first, last);
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

/* The CMOS byte at index, read through the capability p to the RTC ports. */
static seL4_Word cmos_read(seL4_CPtr p, seL4_Word index)
{
    CHECK_EQ(seL4_X86_IOPort_Out8(p, RTC_INDEX, index), seL4_NoError);
    seL4_X86_IOPort_In8_t r = seL4_X86_IOPort_In8(p, RTC_DATA);
    CHECK_EQ(r.error, seL4_NoError);
    return r.result;
}

/* ---- IOPortControl_Issue ---- */

static void issue_success(void)
{
    seL4_CPtr p = issue(RTC_INDEX, RTC_DATA);
    CHECK(p != 0);
    /* seL4's type number of an IOPort capability on a debug kernel; "other" from the probes
     * of a release kernel. */
    seL4_Word type = test_cap_type(p);
    CHECK(type == 19 || type == TEST_CAP_OTHER);
    /* The capability works, and its ports are taken. */
    seL4_X86_IOPort_In8_t r = seL4_X86_IOPort_In8(p, RTC_DATA);
    CHECK_EQ(r.error, seL4_NoError);
    CHECK_EQ(try_issue(RTC_INDEX, RTC_INDEX), seL4_RevokeFirst);
    CHECK_EQ(try_issue(RTC_DATA, RTC_DATA), seL4_RevokeFirst);
    /* One port, the first and the last port of the port space. */
    CHECK(issue(0x80, 0x80) != 0);
    CHECK(issue(0, 0) != 0);
    CHECK(issue(0xffff, 0xffff) != 0);
    CHECK(issue(0xfffe, 0xfffe) != 0);
    CHECK_EQ(try_issue(0xfff0, 0xffff), seL4_RevokeFirst);
    /* The IOPortControl capability stays where it was and cannot be copied. */
    CHECK_EQ(seL4_CNode_Copy(ROOT, test_slot(), D, ROOT, CTL, D, seL4_AllRights),
             seL4_IllegalOperation);
}
DEFINE_TEST(IOPORTS0001, "IOPortControl_Issue makes a working capability; its ports are taken",
            issue_success);

static void issue_invalid_argument(void)
{
    CHECK_EQ(try_issue(0x71, 0x70), seL4_InvalidArgument);
    CHECK_EQ(seL4_GetErrorDetail().argument, 1);
    CHECK_EQ(try_issue(0xffff, 0), seL4_InvalidArgument);
    CHECK_EQ(seL4_GetErrorDetail().argument, 1);
    /* Ports are taken modulo 2^16, as seL4 does: 0x1006f is port 0x6f, below 0x70. */
    CHECK_EQ(try_issue(0x70, 0x1006f), seL4_InvalidArgument);
    CHECK_EQ(seL4_GetErrorDetail().argument, 1);
    /* Checked before the range and the slot: an occupied slot still gives InvalidArgument. */
    CHECK_EQ(seL4_X86_IOPortControl_Issue(CTL, 0x71, 0x70, ROOT, seL4_CapInitThreadTCB, D),
             seL4_InvalidArgument);
    /* Nothing was issued by the failed calls. */
    check_free(0, 0xf3);
    check_free(0xf8, 0x3f7);
}
DEFINE_TEST(IOPORTS0002, "Issue with last_port < first_port: InvalidArgument (1)",
            issue_invalid_argument);

static void issue_modulo(void)
{
    /* seL4 takes the low 16 bits of first_port and last_port. */
    seL4_CPtr p = issue(0x10070, 0xf0071);
    CHECK_EQ(try_issue(RTC_INDEX, RTC_INDEX), seL4_RevokeFirst);
    CHECK_EQ(cmos_read(p, CMOS_FREE), cmos_read(p, CMOS_FREE));
    CHECK_EQ(seL4_X86_IOPort_In8(p, 0x72).error, seL4_IllegalOperation);
}
DEFINE_TEST(IOPORTS0003, "Issue takes port numbers modulo 2^16, as seL4", issue_modulo);

static void check_lookup(seL4_Error err, seL4_Word type)
{
    seL4_ErrorDetail_t d = seL4_GetErrorDetail();
    CHECK_EQ(err, seL4_FailedLookup);
    CHECK_EQ(d.source, 0); /* the destination */
    CHECK_EQ(d.lookup_type, type);
}

static void issue_lookup_errors(void)
{
    seL4_CPtr s = test_slot();
    /* The root CNode has a 52-bit guard: depth 12 leaves the guard unmatched. */
    check_lookup(seL4_X86_IOPortControl_Issue(CTL, 0x70, 0x71, ROOT, s, 12), seL4_GuardMismatch);
    /* A root that is not a CNode. */
    check_lookup(seL4_X86_IOPortControl_Issue(CTL, 0x70, 0x71, seL4_CapInitThreadTCB, s, D),
                 seL4_InvalidRoot);
    /* Depth outside 1..64: RangeError (1, 64). */
    CHECK_EQ(seL4_X86_IOPortControl_Issue(CTL, 0x70, 0x71, ROOT, s, 0), seL4_RangeError);
    CHECK_EQ(seL4_GetErrorDetail().min, 1);
    CHECK_EQ(seL4_GetErrorDetail().max, 64);
    CHECK_EQ(seL4_X86_IOPortControl_Issue(CTL, 0x70, 0x71, ROOT, s, 65), seL4_RangeError);
    /* Occupied: DeleteFirst. */
    CHECK_EQ(seL4_X86_IOPortControl_Issue(CTL, 0x70, 0x71, ROOT, seL4_CapInitThreadTCB, D),
             seL4_DeleteFirst);
    CHECK_EQ(seL4_X86_IOPortControl_Issue(CTL, 0x70, 0x71, ROOT, CTL, D), seL4_DeleteFirst);
    /* The range is checked before the slot (seL4's order): an issued range gives RevokeFirst
     * even with a bad destination. */
    seL4_CPtr p = issue(0x70, 0x71);
    CHECK_EQ(seL4_X86_IOPortControl_Issue(CTL, 0x70, 0x71, ROOT, s, 12), seL4_RevokeFirst);
    CHECK_EQ(seL4_X86_IOPortControl_Issue(CTL, 0x71, 0x71, ROOT, p, D), seL4_RevokeFirst);
    /* None of the failures issued anything or filled the slot. */
    CHECK_EQ(test_probe(s), seL4_InvalidCapability);
    check_free(0x72, 0xf3);
    check_free(0xf8, 0x3f7);
    CHECK_EQ(seL4_X86_IOPortControl_Issue(CTL, 0x72, 0x72, ROOT, s, D), seL4_NoError);
}
DEFINE_TEST(IOPORTS0004, "Issue: FailedLookup, RangeError (depth), DeleteFirst; nothing issued",
            issue_lookup_errors);

static void issue_truncated(void)
{
    seL4_CPtr s = test_slot();
    seL4_Word mrs[4] = {0x70, 0x71, s, D};
    CHECK_EQ(raw_call(CTL, X86IOPortControlIssue, 3, 1, mrs, ROOT), seL4_TruncatedMessage);
    CHECK_EQ(raw_call(CTL, X86IOPortControlIssue, 4, 0, mrs, ROOT), seL4_TruncatedMessage);
    CHECK_EQ(raw_call(CTL, X86IOPortControlIssue, 0, 0, mrs, ROOT), seL4_TruncatedMessage);
    CHECK_EQ(test_probe(s), seL4_InvalidCapability);
    CHECK_EQ(raw_call(CTL, X86IOPortControlIssue, 4, 1, mrs, ROOT), seL4_NoError);
    /* The port methods: In needs one word, Out two. */
    seL4_Word port[2] = {0x70, CMOS_FREE};
    CHECK_EQ(raw_call(s, X86IOPortIn8, 0, 0, port, 0), seL4_TruncatedMessage);
    CHECK_EQ(raw_call(s, X86IOPortIn16, 0, 0, port, 0), seL4_TruncatedMessage);
    CHECK_EQ(raw_call(s, X86IOPortIn32, 0, 0, port, 0), seL4_TruncatedMessage);
    CHECK_EQ(raw_call(s, X86IOPortOut8, 1, 0, port, 0), seL4_TruncatedMessage);
    CHECK_EQ(raw_call(s, X86IOPortOut16, 1, 0, port, 0), seL4_TruncatedMessage);
    CHECK_EQ(raw_call(s, X86IOPortOut32, 1, 0, port, 0), seL4_TruncatedMessage);
    CHECK_EQ(raw_call(s, X86IOPortOut8, 2, 0, port, 0), seL4_NoError);
}
DEFINE_TEST(IOPORTS0005, "Issue, In and Out with too few words or no root: TruncatedMessage",
            issue_truncated);

static void wrong_labels(void)
{
    seL4_CPtr p = issue(0x70, 0x71);
    seL4_Word mrs[4] = {0x70, 0x71, test_slot(), D};
    /* A port method on IOPortControl, Issue on an IOPort, other objects' methods on both. */
    CHECK_EQ(raw_call(CTL, X86IOPortIn8, 1, 0, mrs, 0), seL4_IllegalOperation);
    CHECK_EQ(raw_call(p, X86IOPortControlIssue, 4, 1, mrs, ROOT), seL4_IllegalOperation);
    CHECK_EQ(raw_call(p, CNodeCopy, 4, 1, mrs, ROOT), seL4_IllegalOperation);
    CHECK_EQ(raw_call(CTL, UntypedRetype, 4, 1, mrs, ROOT), seL4_IllegalOperation);
    CHECK_EQ(raw_call(p, 0, 0, 0, mrs, 0), seL4_IllegalOperation);
    /* The port stubs on capabilities of other types. */
    CHECK_EQ(seL4_X86_IOPort_In8(CTL, 0x70).error, seL4_IllegalOperation);
    CHECK_EQ(seL4_X86_IOPort_Out8(seL4_CapInitThreadTCB, 0x70, 0), seL4_IllegalOperation);
    CHECK_EQ(seL4_X86_IOPortControl_Issue(p, 0x72, 0x72, ROOT, test_slot(), D),
             seL4_IllegalOperation);
    check_free(0x72, 0x72);
}
DEFINE_TEST(IOPORTS0006, "other labels on IOPortControl and IOPort: IllegalOperation",
            wrong_labels);

/* ---- Overlaps and reserved ports ---- */

static void overlaps(void)
{
    /* Across four bitmap words (64 ports each): 0x530-0x5c5. */
    CHECK(issue(0x530, 0x5c5) != 0);
    CHECK_EQ(try_issue(0x530, 0x5c5), seL4_RevokeFirst); /* the same range */
    CHECK_EQ(try_issue(0x520, 0x530), seL4_RevokeFirst); /* partial, below */
    CHECK_EQ(try_issue(0x52f, 0x540), seL4_RevokeFirst);
    CHECK_EQ(try_issue(0x5c5, 0x5d0), seL4_RevokeFirst); /* partial, above */
    CHECK_EQ(try_issue(0x5bf, 0x700), seL4_RevokeFirst);
    CHECK_EQ(try_issue(0x580, 0x580), seL4_RevokeFirst); /* contained */
    CHECK_EQ(try_issue(0x540, 0x57f), seL4_RevokeFirst); /* a whole word inside */
    CHECK_EQ(try_issue(0x400, 0x7ff), seL4_RevokeFirst); /* containing */
    CHECK_EQ(try_issue(0x400, 0xffff), seL4_RevokeFirst);
    /* Right next to it on both sides: free. */
    CHECK(issue(0x52f, 0x52f) != 0);
    CHECK(issue(0x5c6, 0x5c6) != 0);
    CHECK(issue(0x500, 0x52e) != 0);
    CHECK(issue(0x5c7, 0x5ff) != 0);
    CHECK_EQ(try_issue(0x500, 0x500), seL4_RevokeFirst);
    CHECK_EQ(try_issue(0x5ff, 0x600), seL4_RevokeFirst);
    check_free(0x600, 0x600);
    check_free(0x4ff, 0x4ff);
}
DEFINE_TEST(IOPORTS0007,
            "Issue of a range overlapping an issued one (either side, inside, "
            "around): RevokeFirst; neighbours are free",
            overlaps);

static void reserved(void)
{
    /* COM1, the kernel's console. */
    CHECK_EQ(try_issue(0x3f8, 0x3f8), seL4_RevokeFirst);
    CHECK_EQ(try_issue(0x3ff, 0x3ff), seL4_RevokeFirst);
    CHECK_EQ(try_issue(0x3f0, 0x3f8), seL4_RevokeFirst);
    CHECK_EQ(try_issue(0x3fc, 0x400), seL4_RevokeFirst);
    CHECK_EQ(try_issue(0x300, 0x4ff), seL4_RevokeFirst);
    /* QEMU's isa-debug-exit (0xf4-0xf7), which halts the machine. */
    CHECK_EQ(try_issue(0xf4, 0xf4), seL4_RevokeFirst);
    CHECK_EQ(try_issue(0xf7, 0xf7), seL4_RevokeFirst);
    CHECK_EQ(try_issue(0xf0, 0xf5), seL4_RevokeFirst);
    CHECK_EQ(try_issue(0, 0xffff), seL4_RevokeFirst);
    /* Their neighbours are free. */
    check_free(0x3f7, 0x3f7);
    check_free(0x400, 0x400);
    check_free(0x2f8, 0x2ff); /* COM2 */
    check_free(0xf3, 0xf3);
    check_free(0xf8, 0xf8);
    check_free(0, 0xf3);
    check_free(0x400, 0xffff);
}
DEFINE_TEST(IOPORTS0008,
            "the kernel's ports (COM1 0x3f8-0x3ff, debug exit 0xf4-0xf7) are "
            "never issued: RevokeFirst",
            reserved);

/* ---- Freeing a range ---- */

static void freed_with_last_cap(void)
{
    seL4_CPtr p = issue(0x70, 0x71), c = test_slot(), m = test_slot(), v = test_slot();
    CHECK_EQ(seL4_CNode_Copy(ROOT, c, D, ROOT, p, D, seL4_AllRights), seL4_NoError);
    CHECK_EQ(seL4_CNode_Mint(ROOT, m, D, ROOT, c, D, seL4_NoRights, 0x1234), seL4_NoError);
    /* The original goes; the copies keep the range (and still work). */
    CHECK_EQ(seL4_CNode_Delete(ROOT, p, D), seL4_NoError);
    CHECK_EQ(try_issue(0x70, 0x71), seL4_RevokeFirst);
    CHECK_EQ(seL4_CNode_Delete(ROOT, c, D), seL4_NoError);
    CHECK_EQ(try_issue(0x70, 0x70), seL4_RevokeFirst);
    /* A moved capability is still the same one. */
    CHECK_EQ(seL4_CNode_Move(ROOT, v, D, ROOT, m, D), seL4_NoError);
    CHECK_EQ(try_issue(0x71, 0x71), seL4_RevokeFirst);
    CHECK_EQ(cmos_read(v, CMOS_FREE), cmos_read(v, CMOS_FREE));
    /* The last one goes: the range can be issued again. */
    CHECK_EQ(seL4_CNode_Delete(ROOT, v, D), seL4_NoError);
    p = issue(0x70, 0x71);
    CHECK(p != 0);
    CHECK_EQ(cmos_read(p, CMOS_FREE), cmos_read(p, CMOS_FREE));
}
DEFINE_TEST(IOPORTS0009,
            "a range is freed with its last capability: not while a copy, mint or "
            "moved copy remains",
            freed_with_last_cap);

static void freed_by_revoke(void)
{
    /* Revoking the original deletes its copies; the original keeps the range. */
    seL4_CPtr p = issue(0x530, 0x5c5), c = test_slot();
    CHECK_EQ(seL4_CNode_Copy(ROOT, c, D, ROOT, p, D, seL4_AllRights), seL4_NoError);
    CHECK_EQ(seL4_CNode_Revoke(ROOT, p, D), seL4_NoError);
    CHECK_EQ(test_probe(c), seL4_InvalidCapability);
    CHECK_EQ(try_issue(0x530, 0x530), seL4_RevokeFirst);
    CHECK_EQ(seL4_CNode_Delete(ROOT, p, D), seL4_NoError);
    check_free(0x530, 0x5c5);
    /* Revoking IOPortControl deletes every issued range and frees it. */
    seL4_CPtr a = issue(0x70, 0x71), b = issue(0x530, 0x5c5), b2 = test_slot();
    CHECK_EQ(seL4_CNode_Copy(ROOT, b2, D, ROOT, b, D, seL4_AllRights), seL4_NoError);
    CHECK_EQ(seL4_CNode_Revoke(ROOT, CTL, D), seL4_NoError);
    CHECK_EQ(test_probe(a), seL4_InvalidCapability);
    CHECK_EQ(test_probe(b), seL4_InvalidCapability);
    CHECK_EQ(test_probe(b2), seL4_InvalidCapability);
    check_free(0x70, 0x71);
    check_free(0, 0xf3);
    check_free(0x400, 0xffff);
    /* The control capability itself stays. */
    CHECK(issue(0x70, 0x71) != 0);
}
DEFINE_TEST(IOPORTS0010,
            "Revoke of an IOPort deletes its copies; Revoke of IOPortControl frees "
            "every range",
            freed_by_revoke);

/* Nested cases: issue ranges and leave them to the driver's tear-down. */
static void nested_issue_and_return(void)
{
    seL4_CPtr c = test_slot();
    CHECK(issue(0x70, 0x71) != 0);
    seL4_CPtr p = issue(0x530, 0x5c5);
    CHECK_EQ(seL4_CNode_Copy(ROOT, c, D, ROOT, p, D, seL4_AllRights), seL4_NoError);
    /* A capability in a CNode of the case's own, made from a lent untyped. */
    seL4_CPtr cn = test_cnode(4);
    CHECK_EQ(seL4_X86_IOPortControl_Issue(CTL, 0x2f8, 0x2ff, cn, 3, 4), seL4_NoError);
}

static void nested_issue_and_fault(void)
{
    CHECK(issue(0xcf8, 0xcff) != 0);
    *(volatile seL4_Word *)0x10 = 1;
}

static const test_case_t nested_return = {"NESTED0101", "issues ranges, returns",
                                          nested_issue_and_return, 0};
static const test_case_t nested_fault = {"NESTED0102", "issues a range, faults",
                                         nested_issue_and_fault, seL4_Fault_VMFault};

static void freed_with_process(void)
{
    /* A nested driver takes the slots from bi->empty.start on, as test_slot does: use the last
     * empty slot afterwards. */
    const seL4_BootInfo *bi = test_bootinfo();
    seL4_CPtr s = bi->empty.end - 1;
    test_outcome_t o;
    test_run_nested(&nested_return, &o);
    CHECK(o.passed);
    CHECK(o.leak == 0);
    test_run_nested(&nested_fault, &o);
    CHECK(o.passed);
    CHECK(o.leak == 0);
    check_free_at(s, 0x70, 0x71);
    check_free_at(s, 0x530, 0x5c5);
    check_free_at(s, 0x2f8, 0x2ff);
    check_free_at(s, 0xcf8, 0xcff);
}
DEFINE_TEST(IOPORTS0011,
            "a case's ranges are freed when its process is destroyed (returned or "
            "faulted)",
            freed_with_process);

/* ---- In and Out ---- */

static void in_out_8(void)
{
    seL4_CPtr p = issue(RTC_INDEX, RTC_DATA);
    CHECK_EQ(seL4_X86_IOPort_Out8(p, RTC_INDEX, CMOS_FREE), seL4_NoError);
    CHECK_EQ(seL4_X86_IOPort_Out8(p, RTC_DATA, 0x5a), seL4_NoError);
    CHECK_EQ(cmos_read(p, CMOS_FREE), 0x5a);
    /* Only the low 8 bits of data are written. */
    CHECK_EQ(seL4_X86_IOPort_Out8(p, RTC_INDEX, CMOS_FREE), seL4_NoError);
    CHECK_EQ(seL4_X86_IOPort_Out8(p, RTC_DATA, 0xffffff00000012a5ull), seL4_NoError);
    CHECK_EQ(cmos_read(p, CMOS_FREE), 0xa5);
    /* The port word of Out is taken modulo 2^16, as seL4 does. */
    CHECK_EQ(seL4_X86_IOPort_Out8(p, 0x10000 | RTC_INDEX, CMOS_FREE), seL4_NoError);
    CHECK_EQ(seL4_X86_IOPort_Out8(p, 0xabc0000 | RTC_DATA, 0x3c), seL4_NoError);
    CHECK_EQ(cmos_read(p, CMOS_FREE), 0x3c);
    /* In8 gives the byte in MR0, a one-word reply with label 0. */
    CHECK_EQ(seL4_X86_IOPort_Out8(p, RTC_INDEX, CMOS_FREE), seL4_NoError);
    seL4_SetMR(0, RTC_DATA);
    seL4_SetMR(1, 0x1111);
    seL4_MessageInfo_t info = seL4_Call(p, seL4_MessageInfo_new(X86IOPortIn8, 0, 0, 1));
    CHECK_EQ(seL4_MessageInfo_get_label(info), 0);
    CHECK_EQ(seL4_MessageInfo_get_length(info), 1);
    CHECK_EQ(seL4_GetMR(0), 0x3c);
    /* The PCI data port byte-wise: the host bridge's vendor ID. */
    seL4_CPtr pci = issue(PCI_ADDR, PCI_LAST);
    CHECK_EQ(seL4_X86_IOPort_Out32(pci, PCI_ADDR, 0x80000000u), seL4_NoError);
    seL4_X86_IOPort_In8_t r = seL4_X86_IOPort_In8(pci, PCI_DATA);
    CHECK_EQ(r.error, seL4_NoError);
    CHECK_EQ(r.result, Q35_VENDOR & 0xff);
    CHECK_EQ(seL4_X86_IOPort_In8(pci, PCI_DATA + 1).result, Q35_VENDOR >> 8);
}
DEFINE_TEST(IOPORTS0012, "In8 and Out8: CMOS RAM written and read back through the RTC ports",
            in_out_8);

static void in_out_16(void)
{
    seL4_CPtr p = issue(RTC_INDEX, RTC_DATA);
    /* One 16-bit write is a write of the index (low byte) then of the data (high byte). */
    CHECK_EQ(seL4_X86_IOPort_Out16(p, RTC_INDEX, 0xc300 | CMOS_FREE), seL4_NoError);
    CHECK_EQ(cmos_read(p, CMOS_FREE), 0xc3);
    CHECK_EQ(seL4_X86_IOPort_Out16(p, RTC_INDEX, 0xffff000000003c00ull | CMOS_FREE), seL4_NoError);
    CHECK_EQ(cmos_read(p, CMOS_FREE), 0x3c);
    /* One 16-bit read: the index port (reads as 0xff), then the data. */
    CHECK_EQ(seL4_X86_IOPort_Out8(p, RTC_INDEX, CMOS_FREE), seL4_NoError);
    seL4_X86_IOPort_In16_t r = seL4_X86_IOPort_In16(p, RTC_INDEX);
    CHECK_EQ(r.error, seL4_NoError);
    CHECK_EQ(r.result >> 8, 0x3c);
    /* The host bridge's vendor and device IDs, 16 bits each. */
    seL4_CPtr pci = issue(PCI_ADDR, PCI_LAST);
    CHECK_EQ(seL4_X86_IOPort_Out32(pci, PCI_ADDR, 0x80000000u), seL4_NoError);
    r = seL4_X86_IOPort_In16(pci, PCI_DATA);
    CHECK_EQ(r.error, seL4_NoError);
    CHECK_EQ(r.result, Q35_VENDOR);
    CHECK_EQ(seL4_X86_IOPort_In16(pci, PCI_DATA + 2).result, Q35_DEVICE);
}
DEFINE_TEST(IOPORTS0013, "In16 and Out16: the RTC ports as a pair, the PCI host bridge's IDs",
            in_out_16);

static void in_out_32(void)
{
    seL4_CPtr pci = issue(PCI_ADDR, PCI_LAST);
    /* The configuration address register reads back what was written. */
    CHECK_EQ(seL4_X86_IOPort_Out32(pci, PCI_ADDR, 0x80000000u), seL4_NoError);
    seL4_X86_IOPort_In32_t r = seL4_X86_IOPort_In32(pci, PCI_ADDR);
    CHECK_EQ(r.error, seL4_NoError);
    CHECK_EQ(r.result, 0x80000000u);
    r = seL4_X86_IOPort_In32(pci, PCI_DATA);
    CHECK_EQ(r.error, seL4_NoError);
    CHECK_EQ(r.result, (Q35_DEVICE << 16) | Q35_VENDOR);
    /* Only the low 32 bits of data are written. */
    CHECK_EQ(seL4_X86_IOPort_Out32(pci, PCI_ADDR, 0xdead000080000008ull), seL4_NoError);
    CHECK_EQ(seL4_X86_IOPort_In32(pci, PCI_ADDR).result, 0x80000008u);
    /* Register 8: revision ID and class code 06 00 00 (a host bridge). */
    CHECK_EQ(seL4_X86_IOPort_In32(pci, PCI_DATA).result >> 8, 0x060000);
    CHECK_EQ(seL4_X86_IOPort_Out32(pci, PCI_ADDR, 0), seL4_NoError);
    CHECK_EQ(seL4_X86_IOPort_In32(pci, PCI_ADDR).result, 0);
}
DEFINE_TEST(IOPORTS0014, "In32 and Out32: the PCI configuration address and data ports", in_out_32);

static void out_of_range(void)
{
    seL4_CPtr p = issue(RTC_INDEX, RTC_DATA);
    /* Outside, below and above. */
    CHECK_EQ(seL4_X86_IOPort_In8(p, 0x6f).error, seL4_IllegalOperation);
    CHECK_EQ(seL4_X86_IOPort_In8(p, 0x72).error, seL4_IllegalOperation);
    CHECK_EQ(seL4_X86_IOPort_In16(p, 0x6e).error, seL4_IllegalOperation);
    CHECK_EQ(seL4_X86_IOPort_In32(p, 0x60).error, seL4_IllegalOperation);
    CHECK_EQ(seL4_X86_IOPort_Out8(p, 0x6f, 0), seL4_IllegalOperation);
    CHECK_EQ(seL4_X86_IOPort_Out8(p, 0x72, 0), seL4_IllegalOperation);
    CHECK_EQ(seL4_X86_IOPort_Out16(p, 0x80, 0), seL4_IllegalOperation);
    CHECK_EQ(seL4_X86_IOPort_Out32(p, 0x80, 0), seL4_IllegalOperation);
    /* Straddling either end. */
    CHECK_EQ(seL4_X86_IOPort_In16(p, 0x6f).error, seL4_IllegalOperation);
    CHECK_EQ(seL4_X86_IOPort_In16(p, 0x71).error, seL4_IllegalOperation);
    CHECK_EQ(seL4_X86_IOPort_In32(p, 0x6e).error, seL4_IllegalOperation);
    CHECK_EQ(seL4_X86_IOPort_In32(p, 0x70).error, seL4_IllegalOperation);
    CHECK_EQ(seL4_X86_IOPort_Out16(p, 0x6f, 0), seL4_IllegalOperation);
    CHECK_EQ(seL4_X86_IOPort_Out16(p, 0x71, 0), seL4_IllegalOperation);
    CHECK_EQ(seL4_X86_IOPort_Out32(p, 0x6f, 0), seL4_IllegalOperation);
    CHECK_EQ(seL4_X86_IOPort_Out32(p, 0x70, 0), seL4_IllegalOperation);
    /* A range of four ports: 32-bit accesses that start inside it but end past it. */
    seL4_CPtr pci = issue(PCI_DATA, PCI_LAST);
    CHECK_EQ(seL4_X86_IOPort_In32(pci, PCI_DATA + 1).error, seL4_IllegalOperation);
    CHECK_EQ(seL4_X86_IOPort_In32(pci, PCI_LAST).error, seL4_IllegalOperation);
    CHECK_EQ(seL4_X86_IOPort_Out32(pci, PCI_DATA + 2, 0), seL4_IllegalOperation);
    CHECK_EQ(seL4_X86_IOPort_In16(pci, PCI_LAST).error, seL4_IllegalOperation);
    CHECK_EQ(seL4_X86_IOPort_Out16(pci, PCI_LAST, 0), seL4_IllegalOperation);
    CHECK_EQ(seL4_X86_IOPort_In32(pci, PCI_ADDR).error, seL4_IllegalOperation);
    CHECK_EQ(seL4_X86_IOPort_In32(pci, PCI_DATA).error, seL4_NoError);
    /* At the top of the port space an access may not wrap around to port 0. */
    seL4_CPtr top = issue(0xfffe, 0xffff);
    CHECK_EQ(seL4_X86_IOPort_In16(top, 0xffff).error, seL4_IllegalOperation);
    CHECK_EQ(seL4_X86_IOPort_In32(top, 0xfffe).error, seL4_IllegalOperation);
    CHECK_EQ(seL4_X86_IOPort_Out32(top, 0xffff, 0), seL4_IllegalOperation);
    CHECK_EQ(seL4_X86_IOPort_In16(top, 0xfffe).error, seL4_NoError);
    /* Nothing was written by the refused writes: the CMOS byte is as it was. */
    seL4_Word before = cmos_read(p, CMOS_FREE);
    CHECK_EQ(seL4_X86_IOPort_Out16(p, 0x71, 0xffff), seL4_IllegalOperation);
    CHECK_EQ(cmos_read(p, CMOS_FREE), before);
}
DEFINE_TEST(IOPORTS0015,
            "In and Out of each width outside or straddling the range: "
            "IllegalOperation",
            out_of_range);

/* ---- in and out instructions at user level ---- */

/* Each its own symbol, so the fault address is known. */
void ioports_raw_inb(void);
void ioports_raw_outb(void);
__asm__(".text\n"
        ".globl ioports_raw_inb\n"
        "ioports_raw_inb:\n"
        "    movw $0x71, %dx\n"
        "    inb %dx, %al\n"
        "    ret\n"
        ".globl ioports_raw_outb\n"
        "ioports_raw_outb:\n"
        "    movb $0x7e, %al\n"
        "    outb %al, $0x70\n"
        "    ret\n");

static void raw_in(void)
{
    ioports_raw_inb();
}
DEFINE_FAULT_TEST(IOPORTS0016, "an in instruction at user level is a UserException", raw_in,
                  seL4_Fault_UserException);

static void raw_out_with_cap(void)
{
    /* A capability to the ports grants the invocations, not the instructions. */
    CHECK(issue(RTC_INDEX, RTC_DATA) != 0);
    ioports_raw_outb();
}
DEFINE_FAULT_TEST(IOPORTS0017, "an out instruction is a UserException, with a capability too",
                  raw_out_with_cap, seL4_Fault_UserException);

static void raw_32(void)
{
    __asm__ volatile("movw $0xcfc, %%dx\n"
                     "inl %%dx, %%eax\n"
                     :
                     :
                     : "rax", "rdx");
}

static const test_case_t nested_inb = {"NESTED0103", "inb", ioports_raw_inb,
                                       seL4_Fault_UserException};
static const test_case_t nested_outb = {"NESTED0104", "outb", ioports_raw_outb,
                                        seL4_Fault_UserException};
static const test_case_t nested_inl = {"NESTED0105", "inl", raw_32, seL4_Fault_UserException};

static void raw_fault_details(void)
{
    test_outcome_t o;
    test_run_nested(&nested_inb, &o);
    CHECK(o.passed);
    CHECK_EQ(o.fault, seL4_Fault_UserException);
    CHECK_EQ(o.fault_ip, (seL4_Word)ioports_raw_inb + 4); /* after the movw */
    CHECK_EQ(o.fault_addr, 13);                           /* #GP */
    test_run_nested(&nested_outb, &o);
    CHECK(o.passed);
    CHECK_EQ(o.fault_ip, (seL4_Word)ioports_raw_outb + 2); /* after the movb */
    CHECK_EQ(o.fault_addr, 13);
    test_run_nested(&nested_inl, &o);
    CHECK(o.passed);
    CHECK_EQ(o.fault_addr, 13);
    CHECK(o.leak == 0);
}
DEFINE_TEST(IOPORTS0018, "in/out at user level: #GP (13) at the instruction, for each form",
            raw_fault_details);
