"""End-to-end tests of tools/run.py with the real QEMU and a tiny PVH image.

mini_pvh.py builds a few-byte "kernel" that prints protocol lines on COM1 and
then halts cleanly, halts with failure, hangs or triple-faults.  Skipped when
QEMU is not installed (set SEL4ISH_QEMU to use another binary).
"""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
RUNNER = os.path.join(os.path.dirname(HERE), "run.py")
sys.path.insert(0, HERE)
import mini_pvh  # noqa: E402

QEMU = shutil.which(os.environ.get("SEL4ISH_QEMU", "qemu-system-x86_64"))

ALL_PASS = ("sel4ish: booting\n"
            "TEST PASS CNODEOP0001 copy a capability\n"
            "TEST PASS IPC0001 short message\n"
            "TEST PASS RETYPE0001 retype untyped\n"
            "SUMMARY: 3 passed, 0 failed\n")
ONE_FAIL = ("TEST PASS CNODEOP0001 copy a capability\n"
            "TEST FAIL IPC0002 badged send: wrong badge\n"
            "SUMMARY: 1 passed, 1 failed\n")
EXCEPTION = ("TEST PASS CNODEOP0001 copy a capability\n"
             "KERNEL EXCEPTION: #PF at rip 0xffffffff80104a2c\n"
             "  rax 0x0000000000000000\n")


@unittest.skipUnless(QEMU, "QEMU not installed")
class RealQemuTests(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def boot(self, ending, text, *args, com2=None):
        kernel = os.path.join(self.tmp.name, "kernel.elf")
        with open(kernel, "wb") as f:
            f.write(mini_pvh.build(ending, text, com2))
        proc = subprocess.run([sys.executable, RUNNER, "--qemu", QEMU, "--kernel", kernel,
                               "--mode", "test", *args],
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=120)
        self.output = proc.stdout.decode("utf-8", errors="replace")
        self.last_line = self.output.rstrip("\n").split("\n")[-1]
        return proc.returncode

    def assertStatus(self, expected, actual):
        self.assertEqual(expected, actual, f"runner output:\n{self.output}")

    def test_all_pass(self):
        self.assertStatus(0, self.boot("halt", ALL_PASS))
        self.assertEqual("3 passed, 0 failed", self.last_line)

    def test_failing_test(self):
        self.assertStatus(1, self.boot("halt", ONE_FAIL))
        self.assertIn("IPC0002", self.output)
        self.assertEqual("1 passed, 1 failed", self.last_line)

    def test_kernel_exception(self):
        self.assertStatus(2, self.boot("fail", EXCEPTION))
        self.assertIn("runner: kernel exception", self.output)
        self.assertEqual("1 passed, 1 failed", self.last_line)

    def test_hang(self):
        self.assertStatus(3, self.boot("hang", "TEST PASS CNODEOP0001 x\n", "--timeout", "3"))
        self.assertIn("runner: TIMEOUT after 3 s (the system hung)", self.output)
        self.assertEqual("1 passed, 1 failed", self.last_line)

    def test_triple_fault(self):
        self.assertStatus(4, self.boot("triplefault", "booting\n"))
        self.assertIn("QEMU exited with status 0 without the kernel halting", self.output)

    def test_serial2_shows_both_ports_and_types_into_com2(self):
        status = self.boot("halt", "on COM1\n", "--mode", "run", "--serial2", "--input", "xy",
                           com2="on COM2\n")
        self.assertStatus(0, status)
        lines = self.output.split("\n")
        for line in ("on COM1", "on COM2", "got x"):
            self.assertIn(line, lines)

    def test_icount_and_append_accepted(self):
        self.assertStatus(0, self.boot("halt", ALL_PASS, "--icount", "--append", "a=b c"))


if __name__ == "__main__":
    unittest.main()
