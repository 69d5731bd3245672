"""Pins every ABI number of the spec to the table in SEL4-ABI.md (seL4 x86-64, non-MCS), so
the spec never drifts. The C side is pinned by c/host_abi.c (run by test_compile). Which methods
are implemented is not pinned: it must match the handlers kernel/src defines."""

import os
import re
import unittest

from capgen_testlib import API, REPO, handler_name
from spec import load

KERNEL_SRC = os.path.join(REPO, "kernel", "src")

SYSCALLS = {"Call": -1, "ReplyRecv": -2, "Send": -3, "NBSend": -4, "Recv": -5, "Reply": -6,
            "Yield": -7, "NBRecv": -8, "DebugPutChar": -9, "DebugDumpScheduler": -10,
            "DebugHalt": -11, "DebugCapIdentify": -12, "DebugSnapshot": -13,
            "DebugNameThread": -14,
            # sel4ish's own debug call (not in seL4): far from seL4's numbers.
            "DebugFastpathCount": -32}

LABELS = """InvalidInvocation UntypedRetype TCBReadRegisters TCBWriteRegisters TCBCopyRegisters
TCBConfigure TCBSetPriority TCBSetMCPriority TCBSetSchedParams TCBSetIPCBuffer TCBSetSpace
TCBSuspend TCBResume TCBBindNotification TCBUnbindNotification TCBSetTLSBase TCBSetFlags
CNodeRevoke CNodeDelete CNodeCancelBadgedSends CNodeCopy CNodeMint CNodeMove CNodeMutate
CNodeRotate CNodeSaveCaller IRQIssueIRQHandler IRQAckIRQ IRQSetIRQHandler IRQClearIRQHandler
DomainSetSet X86PDPTMap X86PDPTUnmap X86PageDirectoryMap X86PageDirectoryUnmap X86PageTableMap
X86PageTableUnmap X86PageMap X86PageUnmap X86PageGetAddress X86ASIDControlMakePool
X86ASIDPoolAssign X86IOPortControlIssue X86IOPortIn8 X86IOPortIn16 X86IOPortIn32 X86IOPortOut8
X86IOPortOut16 X86IOPortOut32 X86IRQIssueIRQHandlerIOAPIC X86IRQIssueIRQHandlerMSI""".split()

ERRORS = ["seL4_NoError", "seL4_InvalidArgument", "seL4_InvalidCapability",
          "seL4_IllegalOperation", "seL4_RangeError", "seL4_AlignmentError", "seL4_FailedLookup",
          "seL4_TruncatedMessage", "seL4_DeleteFirst", "seL4_RevokeFirst",
          "seL4_NotEnoughMemory"]
ERROR_DETAILS = {"seL4_InvalidArgument": 1, "seL4_InvalidCapability": 1, "seL4_RangeError": 2,
                 "seL4_FailedLookup": 2, "seL4_NotEnoughMemory": 1}
LOOKUP = {"seL4_NoFailure": (0, 0), "seL4_InvalidRoot": (1, 0),
          "seL4_MissingCapability": (2, 1), "seL4_DepthMismatch": (3, 2),
          "seL4_GuardMismatch": (4, 3)}

# name: (number, size bits or None)
OBJECTS = {"seL4_UntypedObject": (0, None), "seL4_TCBObject": (1, 11),
           "seL4_EndpointObject": (2, 4), "seL4_NotificationObject": (3, 5),
           "seL4_CapTableObject": (4, 5), "seL4_X86_PDPTObject": (5, 12),
           "seL4_X64_PML4Object": (6, 12), "seL4_X64_HugePageObject": (7, 30),
           "seL4_X86_4K": (8, 12), "seL4_X86_LargePageObject": (9, 21),
           "seL4_X86_PageTableObject": (10, 12), "seL4_X86_PageDirectoryObject": (11, 12)}

CAP_SLOTS = ["seL4_CapNull", "seL4_CapInitThreadTCB", "seL4_CapInitThreadCNode",
             "seL4_CapInitThreadVSpace", "seL4_CapIRQControl", "seL4_CapASIDControl",
             "seL4_CapInitThreadASIDPool", "seL4_CapIOPortControl", "seL4_CapIOSpace",
             "seL4_CapBootInfoFrame", "seL4_CapInitThreadIPCBuffer", "seL4_CapDomain",
             "seL4_CapSMMUSIDControl", "seL4_CapSMMUCBControl", "seL4_CapInitThreadSC",
             "seL4_CapSMC", "seL4_NumInitialCaps"]

CONSTANTS = {"seL4_MsgMaxLength": 120, "seL4_MsgMaxExtraCaps": 3,
             "seL4_FastMessageRegisters": 4, "CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS": 230,
             "seL4_UntypedRetypeMaxObjects": 256, "seL4_MaxPrio": 255, "seL4_MinUntypedBits": 4,
             "seL4_MaxUntypedBits": 47, "seL4_IPCBufferSizeBits": 10, "seL4_ASIDPoolBits": 12,
             "seL4_RootCNodeSizeBits": 12}

VM_ATTRS = {"seL4_X86_WriteBack": 0, "seL4_X86_Default_VMAttributes": 0,
            "seL4_X86_WriteThrough": 1, "seL4_X86_CacheDisabled": 2,
            "seL4_X86_WriteCombining": 4}

# bitfield: [(field, bits)] most significant first, None for padding
LAYOUTS = {
    "seL4_MessageInfo": [("label", 52, 12), ("capsUnwrapped", 3, 9), ("extraCaps", 2, 7),
                         ("length", 7, 0)],
    "seL4_CapRights": [("capAllowGrantReply", 1, 3), ("capAllowGrant", 1, 2),
                       ("capAllowRead", 1, 1), ("capAllowWrite", 1, 0)],
    "seL4_CNode_CapData": [("guard", 58, 6), ("guardSize", 6, 0)],
}

USER_CONTEXT = ("rip rsp rflags rax rbx rcx rdx rsi rdi rbp r8 r9 r10 r11 r12 r13 r14 r15 "
                "fs_base gs_base").split()

FAULTS = {"CapFault": 1, "UnknownSyscall": 2, "UserException": 3, "VMFault": 5}
FAULT_LENGTHS = {"UnknownSyscall": 19, "UserException": 5, "VMFault": 4, "CapFault": 7}


def _strip_comments(text):
    return re.sub(r"/\*.*?\*/|//[^\n]*", " ", text, flags=re.S)


def kernel_handler_definitions(root=KERNEL_SRC):
    """{name: file} of every function named <something>_decode_<something> that a C file under
    root defines (a parameter list followed by a body, not a call or prototype)."""
    found = {}
    for dirpath, _dirs, files in os.walk(root):
        for name in sorted(files):
            if not name.endswith(".c"):
                continue
            path = os.path.join(dirpath, name)
            with open(path, encoding="utf-8") as f:
                text = _strip_comments(f.read())
            for m in re.finditer(r"\b(\w+_decode_\w+)\s*\(", text):
                depth, i = 1, m.end()
                while i < len(text) and depth:
                    depth += {"(": 1, ")": -1}.get(text[i], 0)
                    i += 1
                if text[i:].lstrip().startswith("{"):
                    found[m.group(1)] = os.path.relpath(path, REPO)
    return found


class AbiPins(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.spec = load(API)

    def test_syscalls(self):
        got = {s.name: s.number for s in self.spec.syscalls}
        self.assertEqual(got, SYSCALLS)

    def test_invocation_labels(self):
        self.assertEqual(len(LABELS), 51)
        got = ["InvalidInvocation"] + [m.label for m in self.spec.methods]
        self.assertEqual(got, LABELS)
        for m in self.spec.methods:
            self.assertEqual(m.number, LABELS.index(m.label))

    def test_implemented_methods_have_kernel_handlers(self):
        """A method is implemented exactly when kernel/src defines its handler
        <prefix>_decode_<method>(); otherwise the kernel would only fail at link time (handler
        missing) or carry a handler the dispatcher never calls (method still pending)."""
        self.assertTrue(self.spec.methods)
        for m in self.spec.methods:
            self.assertIsInstance(m.implemented, bool, m.stub_name)  # implemented or pending
        handlers = {handler_name(m): m for m in self.spec.methods}
        self.assertEqual(len(handlers), len(self.spec.methods))
        self.assertTrue(os.path.isdir(KERNEL_SRC), KERNEL_SRC)
        defined = kernel_handler_definitions()
        implemented = {h for h, m in handlers.items() if m.implemented}
        missing = sorted("%s (%s)" % (h, handlers[h].stub_name) for h in implemented - set(defined))
        self.assertEqual(missing, [], "implemented in api/ but no handler defined in kernel/src")
        pending = sorted("%s in %s (%s is kernel=\"pending\")" % (h, defined[h],
                                                                   handlers[h].stub_name)
                         for h in set(defined) & set(handlers) if not handlers[h].implemented)
        self.assertEqual(pending, [],
                         "kernel/src defines handlers of methods still pending in api/")

    def test_errors(self):
        self.assertEqual([(e.name, e.value) for e in self.spec.errors],
                         [(n, i) for i, n in enumerate(ERRORS)])
        for e in self.spec.errors:
            self.assertEqual(len(e.details), ERROR_DETAILS.get(e.name, 0), e.name)

    def test_lookup_failures(self):
        got = {f.name: (f.value, len(f.words)) for f in self.spec.lookup_failures}
        self.assertEqual(got, LOOKUP)

    def test_objects(self):
        got = {o.name: (o.number, o.size_bits) for o in self.spec.objects}
        self.assertEqual(got, OBJECTS)

    def test_initial_caps(self):
        enum = next(e for e in self.spec.enums if e.name == "seL4_RootCNodeCapSlots")
        self.assertEqual([(v.name, v.value) for v in enum.values],
                         [(n, i) for i, n in enumerate(CAP_SLOTS)])

    def test_constants(self):
        for name, value in CONSTANTS.items():
            self.assertEqual(self.spec.constant(name, None), value, name)
        enum = next(e for e in self.spec.enums if e.name == "seL4_X86_VMAttributes")
        got = {v.name: v.value for v in enum.values}
        for name, value in VM_ATTRS.items():
            self.assertEqual(got[name], value, name)

    def test_bitfield_layouts(self):
        for bf in self.spec.bitfields:
            want = LAYOUTS[bf.name]
            self.assertEqual([(f.name, f.bits, f.shift) for f in bf.fields], want, bf.name)
        self.assertEqual(sorted(b.name for b in self.spec.bitfields), sorted(LAYOUTS))

    def test_user_context(self):
        st = next(s for s in self.spec.structs if s.name == "seL4_UserContext")
        self.assertEqual(st.members, USER_CONTEXT)

    def test_faults(self):
        for f in self.spec.faults:
            if f.name in FAULTS:
                self.assertEqual(f.value, FAULTS[f.name])
                self.assertEqual(max(w.index for w in f.words) + 1, FAULT_LENGTHS[f.name])


if __name__ == "__main__":
    unittest.main()
