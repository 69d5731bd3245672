"""Tests of tools/run.py against a fake QEMU (tools/tests/fake_qemu.py).

Run: python3 -m unittest discover -s tools/tests -v
"""

import json
import os
import shlex
import signal
import stat
import subprocess
import sys
import tempfile
import time
import unittest
from unittest import mock

HERE = os.path.dirname(os.path.abspath(__file__))
RUNNER = os.path.join(os.path.dirname(HERE), "run.py")
FAKE_QEMU = os.path.join(HERE, "fake_qemu.py")
FIXTURES = os.path.join(HERE, "fixtures")

sys.path.insert(0, os.path.dirname(HERE))
import run  # noqa: E402  (tools/run.py)


def fixture(name):
    return os.path.join(FIXTURES, name)


class RunnerTestCase(unittest.TestCase):
    """Runs run.py in a subprocess with a fake QEMU in a temporary directory."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        self.addCleanup(self.tmp.cleanup)
        # A wrapper, so the test works whatever python3 is and whether or not
        # fake_qemu.py kept its executable bit.
        self.qemu = os.path.join(self.dir, "qemu-system-x86_64")
        with open(self.qemu, "w") as f:
            f.write(f"#!/bin/sh\nexec {shlex.quote(sys.executable)} "
                    f"{shlex.quote(FAKE_QEMU)} \"$@\"\n")
        os.chmod(self.qemu, os.stat(self.qemu).st_mode | stat.S_IXUSR)
        self.kernel = self.touch("kernel.elf")
        self.module = self.touch("roottask.elf")
        self.iso = self.touch("sel4ish.iso")
        self.argv_file = os.path.join(self.dir, "argv.json")

    def touch(self, name):
        path = os.path.join(self.dir, name)
        open(path, "wb").close()
        return path

    def run_runner(self, *args, output=None, exit=33, hang=False, stderr=None,
                   boot=None, timeout=30):
        env = dict(os.environ, FAKE_QEMU_ARGV=self.argv_file, FAKE_QEMU_EXIT=str(exit),
                   FAKE_QEMU_HANG="1" if hang else "0")
        if output:
            env["FAKE_QEMU_OUTPUT"] = fixture(output)
        if stderr:
            env["FAKE_QEMU_STDERR"] = stderr
        if boot is None:
            boot = ["--kernel", self.kernel, "--module", self.module]
        cmd = [sys.executable, RUNNER, "--qemu", self.qemu, *boot, *args]
        start = time.monotonic()
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, env=env, timeout=timeout)
        self.elapsed = time.monotonic() - start
        self.output = proc.stdout.decode("utf-8", errors="replace")
        return proc.returncode

    def qemu_argv(self):
        with open(self.argv_file) as f:
            return json.load(f)

    def last_line(self):
        return self.output.rstrip("\n").split("\n")[-1]

    def assertStatus(self, expected, actual):
        self.assertEqual(expected, actual, f"runner output:\n{self.output}")

    def assertOutput(self, text):
        self.assertIn(text, self.output)


class TestModeTests(RunnerTestCase):
    def test_all_pass(self):
        self.assertStatus(0, self.run_runner("--mode", "test", output="all_pass.txt"))
        self.assertEqual("3 passed, 0 failed", self.last_line())
        self.assertOutput("TEST PASS IPC0001 send and receive a short message\n")
        self.assertNotIn("\r", self.output)

    def test_one_failing_test(self):
        status = self.run_runner("--mode", "test", output="one_fail.txt")
        self.assertStatus(run.EXIT_TEST_FAILURE, status)
        self.assertOutput("runner: 1 failing test(s): IPC0002")
        self.assertEqual("2 passed, 1 failed", self.last_line())

    def test_missing_summary(self):
        status = self.run_runner("--mode", "test", output="missing_summary.txt")
        self.assertStatus(run.EXIT_TEST_FAILURE, status)
        self.assertOutput("runner: missing summary")
        self.assertEqual("2 passed, 1 failed", self.last_line())

    def test_summary_count_mismatch(self):
        status = self.run_runner("--mode", "test", output="summary_mismatch.txt")
        self.assertStatus(run.EXIT_TEST_FAILURE, status)
        self.assertOutput("runner: summary mismatch")
        self.assertEqual("2 passed, 1 failed", self.last_line())

    def test_kernel_exception(self):
        status = self.run_runner("--mode", "test", output="exception.txt", exit=35)
        self.assertStatus(run.EXIT_KERNEL_FAULT, status)
        self.assertOutput("runner: kernel exception: KERNEL EXCEPTION: #PF")
        self.assertEqual("1 passed, 1 failed", self.last_line())

    def test_kernel_exception_then_hang(self):
        status = self.run_runner("--mode", "test", "--timeout", "2", output="exception.txt",
                                 hang=True)
        self.assertStatus(run.EXIT_KERNEL_FAULT, status)
        self.assertOutput("runner: kernel exception")
        self.assertOutput("runner: TIMEOUT after 2 s")

    def test_kernel_panic(self):
        status = self.run_runner("--mode", "test", output="panic.txt", exit=35)
        self.assertStatus(run.EXIT_KERNEL_FAULT, status)
        self.assertOutput("runner: kernel panic: KERNEL PANIC: kernel/src/kernel/boot.c:88")
        self.assertEqual("0 passed, 1 failed", self.last_line())

    def test_failure_halt_without_message(self):
        status = self.run_runner("--mode", "test", output="all_pass.txt", exit=35)
        self.assertStatus(run.EXIT_KERNEL_FAULT, status)
        self.assertOutput("QEMU status 35")
        self.assertEqual("3 passed, 1 failed", self.last_line())

    def test_hang_silent(self):
        status = self.run_runner("--mode", "test", "--timeout", "2", hang=True)
        self.assertStatus(run.EXIT_TIMEOUT, status)
        self.assertOutput("runner: TIMEOUT after 2 s (the system hung)")
        self.assertEqual("0 passed, 1 failed", self.last_line())
        self.assertLess(self.elapsed, 10)

    def test_hang_midway(self):
        status = self.run_runner("--mode", "test", "--timeout", "2", output="hang_midway.txt",
                                 hang=True)
        self.assertStatus(run.EXIT_TIMEOUT, status)
        self.assertOutput("TEST PASS CNODEOP0001")
        self.assertOutput("runner: TIMEOUT after 2 s (the system hung)")
        self.assertEqual("1 passed, 1 failed", self.last_line())
        self.assertLess(self.elapsed, 10)

    def test_triple_fault_status_zero(self):
        status = self.run_runner("--mode", "test", output="hang_midway.txt", exit=0)
        self.assertStatus(run.EXIT_QEMU_ERROR, status)
        self.assertOutput("runner: QEMU exited with status 0 without the kernel halting "
                          "(triple fault or reset?)")
        self.assertEqual("1 passed, 1 failed", self.last_line())

    def test_all_pass_but_bad_status(self):
        status = self.run_runner("--mode", "test", output="all_pass.txt", exit=0)
        self.assertStatus(run.EXIT_QEMU_ERROR, status)
        self.assertEqual("3 passed, 1 failed", self.last_line())

    def test_qemu_error_message_shown(self):
        status = self.run_runner("--mode", "test", exit=1,
                                 stderr="qemu-system-x86_64: could not load kernel\n")
        self.assertStatus(run.EXIT_QEMU_ERROR, status)
        self.assertOutput("qemu-system-x86_64: could not load kernel")
        self.assertOutput("QEMU exited with status 1")

    def test_quiet_hides_serial_but_shows_tail_on_failure(self):
        self.assertStatus(0, self.run_runner("--mode", "test", "--quiet",
                                             output="all_pass.txt"))
        self.assertNotIn("TEST PASS", self.output)
        self.assertEqual("3 passed, 0 failed", self.last_line())
        self.run_runner("--mode", "test", "--quiet", output="one_fail.txt")
        self.assertOutput("  | TEST FAIL IPC0002")
        self.assertEqual("2 passed, 1 failed", self.last_line())

    def test_log_file(self):
        log = os.path.join(self.dir, "serial.log")
        self.run_runner("--mode", "test", "--quiet", "--log", log, output="one_fail.txt")
        with open(log) as f:
            text = f.read()
        self.assertIn("TEST FAIL IPC0002 badged send delivers the badge: badge == 0x1234\n", text)
        self.assertIn("runner: 1 failing test(s): IPC0002", text)
        self.assertTrue(text.endswith("2 passed, 1 failed\n"))
        self.assertNotIn("\r", text)


def process_alive(pid):
    """True if pid runs and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False


@unittest.skipUnless(sys.platform == "linux", "uses /proc")
class RunnerKilledTests(RunnerTestCase):
    """QEMU must not outlive the runner (e.g. when ctest kills it on a timeout)."""

    def start_hung_runner(self):
        pid_file = os.path.join(self.dir, "qemu.pid")
        env = dict(os.environ, FAKE_QEMU_HANG="1", FAKE_QEMU_PID=pid_file)
        runner = subprocess.Popen([sys.executable, RUNNER, "--qemu", self.qemu,
                                   "--kernel", self.kernel, "--timeout", "60"],
                                  stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, env=env)
        self.addCleanup(runner.stdout.close)
        self.addCleanup(lambda: runner.poll() is None and runner.kill())
        deadline = time.monotonic() + 10
        while not (os.path.exists(pid_file) and os.path.getsize(pid_file)):
            self.assertLess(time.monotonic(), deadline, "fake QEMU did not start")
            time.sleep(0.05)
        with open(pid_file) as f:
            qemu_pid = int(f.read())
        self.assertTrue(process_alive(qemu_pid))
        return runner, qemu_pid

    def assertDies(self, pid):
        deadline = time.monotonic() + 10
        while process_alive(pid):
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                self.fail("QEMU survived the runner")
            time.sleep(0.05)

    def test_sigterm_kills_qemu(self):
        runner, qemu_pid = self.start_hung_runner()
        runner.send_signal(signal.SIGTERM)
        self.assertEqual(run.EXIT_QEMU_ERROR, runner.wait(timeout=10))
        self.assertIn(b"runner: interrupted", runner.stdout.read())
        self.assertDies(qemu_pid)

    def test_sigkill_kills_qemu(self):
        runner, qemu_pid = self.start_hung_runner()
        runner.kill()
        runner.wait(timeout=10)
        self.assertDies(qemu_pid)


class RunModeTests(RunnerTestCase):
    def test_clean_halt(self):
        self.assertStatus(0, self.run_runner(output="expect.txt"))
        self.assertOutput("runner: ok")

    def test_expect_present(self):
        self.assertStatus(0, self.run_runner("--expect", "Hello from the root task",
                                             output="expect.txt"))

    def test_expect_missing(self):
        status = self.run_runner("--expect", "Goodbye", output="expect.txt")
        self.assertStatus(run.EXIT_TEST_FAILURE, status)
        self.assertOutput("runner: expected text not seen: 'Goodbye'")

    def test_exception_in_run_mode(self):
        status = self.run_runner(output="exception.txt", exit=35)
        self.assertStatus(run.EXIT_KERNEL_FAULT, status)
        self.assertOutput("runner: kernel exception")

    def test_run_mode_ignores_failing_tests(self):
        self.assertStatus(0, self.run_runner(output="one_fail.txt"))

    def test_hang_in_run_mode(self):
        status = self.run_runner("--timeout", "1", hang=True)
        self.assertStatus(run.EXIT_TIMEOUT, status)
        self.assertOutput("runner: TIMEOUT after 1 s (the system hung)")

    def test_qemu_binary_missing(self):
        status = self.run_runner("--qemu", os.path.join(self.dir, "no-such-qemu"))
        self.assertStatus(run.EXIT_QEMU_ERROR, status)
        self.assertOutput("runner: cannot start QEMU")


class QemuArgvTests(RunnerTestCase):
    def argv(self, *args, boot=None):
        self.assertStatus(0, self.run_runner(*args, boot=boot))
        return self.qemu_argv()

    def assertSequence(self, argv, *seq):
        n = len(seq)
        self.assertTrue(any(argv[i:i + n] == list(seq) for i in range(len(argv))),
                        f"{seq} not in {argv}")

    def test_base_arguments(self):
        argv = self.argv()
        for pair in (("-machine", "q35"), ("-cpu", "max"), ("-m", "512M"),
                     ("-accel", "tcg"), ("-display", "none"), ("-vga", "none"),
                     ("-monitor", "none"), ("-serial", "stdio"),
                     ("-device", "isa-debug-exit,iobase=0xf4,iosize=4")):
            self.assertSequence(argv, *pair)
        self.assertIn("-no-reboot", argv)
        for absent in ("-s", "-S", "-icount", "-cdrom", "-append"):
            self.assertNotIn(absent, argv)

    def test_pvh_boot(self):
        argv = self.argv("--append", "loglevel=3 test=IPC")
        self.assertSequence(argv, "-kernel", self.kernel)
        self.assertSequence(argv, "-initrd", self.module)
        self.assertSequence(argv, "-append", "loglevel=3 test=IPC")
        self.assertNotIn("-cdrom", argv)

    def test_iso_boot(self):
        argv = self.argv(boot=["--iso", self.iso])
        self.assertSequence(argv, "-cdrom", self.iso)
        self.assertSequence(argv, "-boot", "d")
        self.assertNotIn("-kernel", argv)
        self.assertNotIn("-initrd", argv)

    def test_kvm(self):
        argv = self.argv("--kvm")
        self.assertSequence(argv, "-accel", "kvm")
        self.assertNotIn("tcg", argv)

    def test_icount(self):
        self.assertSequence(self.argv("--icount"), "-icount", "shift=0")

    def test_cpu_memory_extra(self):
        argv = self.argv("--cpu", "Skylake-Server", "--memory", "1G",
                         "--extra=-d", "--extra", "int,cpu_reset")
        self.assertSequence(argv, "-cpu", "Skylake-Server")
        self.assertSequence(argv, "-m", "1G")
        self.assertEqual(["-d", "int,cpu_reset"], argv[-2:])

    def test_serial2(self):
        argv = self.argv("--serial2")
        self.assertSequence(argv, "-chardev", "stdio,id=console,mux=on")
        self.assertSequence(argv, "-serial", "chardev:console", "-serial", "chardev:console")
        self.assertNotIn("stdio", [a for i, a in enumerate(argv) if argv[i - 1] == "-serial"])

    def qemu_stdin(self, *args):
        """What QEMU read from its standard input when the runner got args."""
        stdin = os.path.join(self.dir, "stdin")
        with mock.patch.dict(os.environ, {"FAKE_QEMU_STDIN": stdin}):
            self.argv(*args)
        with open(stdin, "rb") as f:
            return f.read()

    def test_input_is_typed_then_end_of_file(self):
        self.assertEqual(b"hello sel4ish\n",
                         self.qemu_stdin("--serial2", "--input", "hello sel4ish"))

    def test_no_input_is_end_of_file(self):
        self.assertEqual(b"", self.qemu_stdin())

    def test_gdb(self):
        argv = self.argv("--gdb")
        self.assertSequence(argv, "-s", "-S")
        self.assertOutput(f"gdb {self.kernel} -ex 'target remote :1234'")

    def test_gdb_other_port(self):
        argv = self.argv("--gdb", "--gdb-port", "4321")
        self.assertSequence(argv, "-gdb", "tcp::4321", "-S")
        self.assertOutput("-ex 'target remote :4321'")


class CommandLineTests(RunnerTestCase):
    def test_usage_errors(self):
        cases = [
            [],                                                   # no image
            ["--kernel", "K", "--iso", "I"],                      # both images
            ["--iso", "I", "--module", "M"],                      # module with ISO
            ["--kernel", "/nonexistent/kernel.elf"],              # missing file
            ["--kernel", "K", "--mode", "bench"],                 # bad mode
            ["--kernel", "K", "--timeout", "-1"],                 # bad timeout
        ]
        for args in cases:
            with self.subTest(args=args):
                args = [self.kernel if a == "K" else self.iso if a == "I" else
                        self.module if a == "M" else a for a in args]
                status = self.run_runner(*args, boot=[])
                self.assertStatus(run.EXIT_USAGE, status)
                self.assertOutput("error:")

    def test_help_documents_exit_codes(self):
        self.assertStatus(0, self.run_runner("--help", boot=[]))
        for text in ("exit status:", "0  success", "1  test failure", "2  kernel panic",
                     "3  timeout", "4  QEMU error", "5  usage error"):
            self.assertOutput(text)

    def test_dry_run(self):
        self.assertStatus(0, self.run_runner("--dry-run", "--iso", "x.iso", boot=[]))
        self.assertOutput("-cdrom x.iso -boot d")
        self.assertFalse(os.path.exists(self.argv_file))


class UnitTests(unittest.TestCase):
    """Pure functions of run.py, without processes."""

    def args(self, *argv):
        return run.build_parser().parse_args(list(argv))

    def test_effective_timeout(self):
        self.assertEqual(60, run.effective_timeout(self.args("--kernel", "k")))
        self.assertIsNone(run.effective_timeout(self.args("--kernel", "k", "--gdb")))
        self.assertEqual(5, run.effective_timeout(self.args("--kernel", "k", "--gdb",
                                                            "--timeout", "5")))
        self.assertIsNone(run.effective_timeout(self.args("--kernel", "k", "--timeout", "0")))

    def test_observations(self):
        obs = run.Observations(["hello"])
        for line in ["\x1b[2J\x1b[HTEST PASS A0001 first",
                     "TEST FAIL B0002 second: reason",
                     "TEST PASSED not a test line",
                     "  KERNEL PANIC: oops",
                     "say hello",
                     "SUMMARY: 1 passed, 1 failed"]:
            obs.feed(line)
        self.assertEqual(["A0001"], obs.passed)
        self.assertEqual([("B0002", "second: reason")], obs.failed)
        self.assertEqual((1, 1), obs.summary)
        self.assertEqual("KERNEL PANIC: oops", obs.panic)
        self.assertEqual([], obs.expect_missing)

    def test_severity(self):
        P = run.Problem
        self.assertEqual(0, run.exit_status([]))
        self.assertEqual(2, run.exit_status([P(1, "a"), P(3, "b"), P(2, "c")]))
        self.assertEqual(3, run.exit_status([P(1, "a"), P(4, "b"), P(3, "c")]))

    def test_debug_exit_other_value(self):
        problems = run.judge_status((0x21 << 1) | 1, run.Observations([]))
        self.assertEqual(run.EXIT_QEMU_ERROR, problems[0].code)
        self.assertIn("wrote 0x21", problems[0].message)


if __name__ == "__main__":
    unittest.main()
