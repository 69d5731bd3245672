#!/usr/bin/env python3
"""Boot sel4ish under QEMU, stream the serial console and judge the result.

The runner boots either the PVH image (``--kernel kernel.elf --module
roottask.elf``, i.e. ``qemu -kernel ... -initrd ...``) or the GRUB ISO
(``--iso sel4ish.iso``) under QEMU (TCG by default, ``--kvm`` opt-in).  Every
serial line is echoed to the terminal (unless ``--quiet``) and to the log file
(``--log``) as it arrives.  A timeout kills QEMU when the system hangs.

Serial protocol (one item per line):
  KERNEL PANIC: ...            the kernel panicked
  KERNEL EXCEPTION: ...        unexpected CPU exception (register dump follows)
  TEST PASS <ID> <desc>        one test case passed
  TEST FAIL <ID> <desc>: <why> one test case failed
  SUMMARY: <N> passed, <M> failed   printed by the root task at the end
The kernel halts by writing to the isa-debug-exit port 0xf4: 0x10 = clean
halt (QEMU status 33), 0x11 = failure halt (QEMU status 35).

Modes:
  run   success iff QEMU exits with 33, no KERNEL PANIC/EXCEPTION line was
        seen and the --expect text (if any) appeared.
  test  additionally parses TEST/SUMMARY lines: success iff status 33, a
        SUMMARY line was seen whose counts equal the TEST lines, no test
        failed and no panic/exception.  The last line printed is always
        "N passed, M failed"; a run-level failure (missing summary, count
        mismatch, panic/exception, timeout, bad QEMU status) counts as one
        extra failure so that line never reads "0 failed" for a failed run.

With --serial2 the second serial port (COM2, which the demo system's serial
driver owns) shares the console with COM1 through a QEMU mux; --input TEXT
types TEXT and a newline into it (QEMU's standard input goes to COM2).

With --gdb QEMU starts frozen with its gdb stub listening (-s -S) and the
runner prints how to attach; there is no timeout unless --timeout is given.

Only the Python 3 standard library is used.
"""

import argparse
import collections
import os
import queue
import re
import shlex
import signal
import subprocess
import sys
import threading
import time

# Exit statuses of this script.
EXIT_OK = 0
EXIT_TEST_FAILURE = 1   # failing tests, missing/mismatched summary, --expect text missing
EXIT_KERNEL_FAULT = 2   # KERNEL PANIC / KERNEL EXCEPTION / failure halt (status 35)
EXIT_TIMEOUT = 3        # the system hung and was killed
EXIT_QEMU_ERROR = 4     # QEMU could not start, or exited without the kernel halting
EXIT_USAGE = 5          # bad command line

# QEMU exit statuses produced by the isa-debug-exit device: (value << 1) | 1.
QEMU_CLEAN_HALT = (0x10 << 1) | 1   # 33
QEMU_FAILURE_HALT = (0x11 << 1) | 1  # 35

DEFAULT_TIMEOUT = 60.0
DEFAULT_GDB_PORT = 1234

EPILOG = """\
exit status:
  0  success
  1  test failure: a TEST FAIL line, missing SUMMARY, summary/count mismatch
     (test mode), or an --expect text was not seen
  2  kernel panic or kernel exception (or a failure halt, QEMU status 35)
  3  timeout: the system hung and QEMU was killed
  4  QEMU error: QEMU could not be started, or exited with a status other
     than 33/35 (e.g. 0 after a triple fault with -no-reboot, 1 on a QEMU error)
  5  usage error
When several problems occur the most severe wins: 2, then 3, then 4, then 1.

examples:
  run.py --kernel build/kernel.elf --module build/roottask.elf --mode test
  run.py --iso build/sel4ish.iso --mode test --log build/qemu.log
  run.py --kernel build/kernel.elf --module build/roottask.elf --gdb
"""

# Priority of exit statuses when several problems were seen (first wins).
SEVERITY = (EXIT_USAGE, EXIT_KERNEL_FAULT, EXIT_TIMEOUT, EXIT_QEMU_ERROR,
            EXIT_TEST_FAILURE)

ANSI_ESCAPE = re.compile(r"\x1b(\[[0-9;?]*[ -/]*[@-~]|[()][0-9A-Za-z]|[@-Z\\-_])")
TEST_RE = re.compile(r"^TEST (PASS|FAIL) (\S+)(?:\s+(.*))?$")
SUMMARY_RE = re.compile(r"^SUMMARY:\s*(\d+) passed,\s*(\d+) failed")
PANIC_PREFIX = "KERNEL PANIC:"
EXCEPTION_PREFIX = "KERNEL EXCEPTION:"
QUIET_TAIL_LINES = 25

# One reason the run failed.  `extra_failure` is False only for failing test
# cases, which are already counted by their TEST FAIL lines.
Problem = collections.namedtuple("Problem", "code message extra_failure",
                                 defaults=(True,))


# --------------------------------------------------------------------------
# Command line


class UsageError(Exception):
    """A command-line problem (exit status EXIT_USAGE)."""


class Parser(argparse.ArgumentParser):
    """argparse exits with 2 on errors; this runner uses EXIT_USAGE."""

    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser():
    p = Parser(prog="run.py",
               description="Boot sel4ish under QEMU, stream its serial output "
                           "and map the outcome to an exit status.",
               epilog=EPILOG,
               formatter_class=argparse.RawDescriptionHelpFormatter)
    boot = p.add_argument_group("boot image (either --kernel [--module] or --iso)")
    boot.add_argument("--kernel", metavar="PATH",
                      help="kernel ELF, booted with PVH (-kernel PATH)")
    boot.add_argument("--module", metavar="PATH",
                      help="root task ELF passed as the boot module (-initrd PATH)")
    boot.add_argument("--append", metavar="CMDLINE",
                      help="kernel command line for PVH boot (-append CMDLINE)")
    boot.add_argument("--iso", metavar="PATH",
                      help="GRUB ISO image (-cdrom PATH -boot d)")

    p.add_argument("--mode", choices=("run", "test"), default="run",
                   help="run: boot and check halt status; test: also parse "
                        "TEST/SUMMARY lines (default: run)")
    p.add_argument("--timeout", type=float, metavar="SECONDS", default=None,
                   help=f"kill QEMU after SECONDS (default {DEFAULT_TIMEOUT:g}; "
                        "none with --gdb; 0 disables)")
    p.add_argument("--log", metavar="FILE", help="also write serial output to FILE")
    p.add_argument("--expect", metavar="TEXT", action="append", default=[],
                   help="fail unless the serial output contains TEXT (repeatable)")
    p.add_argument("--quiet", action="store_true",
                   help="do not echo serial output (its tail is shown on failure)")
    p.add_argument("--serial2", action="store_true",
                   help="connect COM2 too: both serial ports share the console (a QEMU "
                        "mux), and input goes to COM2")
    p.add_argument("--input", metavar="TEXT",
                   help="type TEXT and a newline into the console (with --serial2: into COM2)")

    q = p.add_argument_group("QEMU")
    q.add_argument("--qemu", metavar="BINARY", default="qemu-system-x86_64",
                   help="QEMU binary (default: qemu-system-x86_64)")
    q.add_argument("--kvm", action="store_true",
                   help="use -accel kvm instead of -accel tcg")
    q.add_argument("--cpu", metavar="MODEL", default="max", help="CPU model (default: max)")
    q.add_argument("--memory", metavar="SIZE", default="512M",
                   help="guest RAM (default: 512M)")
    q.add_argument("--icount", action="store_true",
                   help="deterministic instruction counting (-icount shift=0)")
    q.add_argument("--gdb", action="store_true",
                   help="start frozen and wait for gdb on the gdb stub (-s -S)")
    q.add_argument("--gdb-port", type=int, metavar="PORT", default=DEFAULT_GDB_PORT,
                   help=f"gdb stub port with --gdb (default {DEFAULT_GDB_PORT})")
    q.add_argument("--symbols", metavar="ELF",
                   help="ELF named in the --gdb attach hint (default: --kernel)")
    q.add_argument("--extra", metavar="ARG", action="append", default=[],
                   help="extra QEMU argument (repeatable; use --extra=-foo for "
                        "arguments starting with '-')")
    q.add_argument("--dry-run", action="store_true",
                   help="print the QEMU command line and exit")
    return p


def parse_args(argv):
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        validate_args(args)
    except UsageError as e:
        parser.error(str(e))
    return args


def validate_args(args):
    if bool(args.kernel) == bool(args.iso):
        raise UsageError("give exactly one of --kernel or --iso")
    if args.iso and (args.module or args.append):
        raise UsageError("--module and --append need --kernel (PVH boot), not --iso")
    if args.timeout is not None and args.timeout < 0:
        raise UsageError("--timeout must be >= 0")
    if not 0 < args.gdb_port < 65536:
        raise UsageError("--gdb-port must be in 1..65535")
    if not args.dry_run:
        for path in (args.kernel, args.module, args.iso):
            if path and not os.path.isfile(path):
                raise UsageError(f"no such file: {path}")


def effective_timeout(args):
    """Seconds before QEMU is killed, or None for no limit."""
    if args.timeout is None:
        return None if args.gdb else DEFAULT_TIMEOUT
    return args.timeout or None


# --------------------------------------------------------------------------
# QEMU command line


def qemu_command(args):
    cmd = [args.qemu,
           "-machine", "q35",
           "-cpu", args.cpu,
           "-m", args.memory,
           "-accel", "kvm" if args.kvm else "tcg",
           "-display", "none",
           "-vga", "none",
           "-monitor", "none",
           *serial_ports(args),
           "-no-reboot",
           "-device", "isa-debug-exit,iobase=0xf4,iosize=4"]
    if args.icount:
        cmd += ["-icount", "shift=0"]
    if args.kernel:
        cmd += ["-kernel", args.kernel]
        if args.module:
            cmd += ["-initrd", args.module]
        if args.append is not None:
            cmd += ["-append", args.append]
    else:
        cmd += ["-cdrom", args.iso, "-boot", "d"]
    if args.gdb:
        if args.gdb_port == DEFAULT_GDB_PORT:
            cmd += ["-s", "-S"]
        else:
            cmd += ["-gdb", f"tcp::{args.gdb_port}", "-S"]
    cmd += args.extra
    return cmd


def serial_ports(args):
    """COM1 on stdio; with --serial2 COM1 and COM2 share stdio through a mux,
    whose input goes to the frontend attached last, COM2."""
    if not args.serial2:
        return ["-serial", "stdio"]
    return ["-chardev", "stdio,id=console,mux=on",
            "-serial", "chardev:console", "-serial", "chardev:console"]


def gdb_hint(args):
    elf = args.symbols or args.kernel or "<kernel.elf>"
    return (f"runner: QEMU is frozen, waiting for a debugger on port {args.gdb_port}. "
            f"Attach with: gdb {shlex.quote(elf)} -ex 'target remote :{args.gdb_port}'")


# --------------------------------------------------------------------------
# Output


class Output:
    """Where serial lines and runner messages go: terminal and log file."""

    def __init__(self, log_path, quiet):
        self.quiet = quiet
        self.log = open(log_path, "w", encoding="utf-8", errors="replace") if log_path else None
        self.tail = []

    def serial(self, line):
        self.tail = (self.tail + [line])[-QUIET_TAIL_LINES:]
        if not self.quiet:
            print(line, flush=True)
        self._log(line)

    def message(self, text):
        print(text, flush=True)
        self._log(text)

    def show_tail(self):
        """In quiet mode, show the last serial lines so a failure is explainable."""
        if self.quiet and self.tail:
            print(f"runner: last {len(self.tail)} serial lines:", flush=True)
            for line in self.tail:
                print(f"  | {line}", flush=True)

    def _log(self, text):
        if self.log:
            self.log.write(text + "\n")
            self.log.flush()

    def close(self):
        if self.log:
            self.log.close()


# --------------------------------------------------------------------------
# Serial parsing


class Observations:
    """What the serial output told us."""

    def __init__(self, expect):
        self.passed = []          # test IDs
        self.failed = []          # (ID, rest of line)
        self.summary = None       # (passed, failed) from the SUMMARY line
        self.panic = None         # first KERNEL PANIC line
        self.exception = None     # first KERNEL EXCEPTION line
        self.expect_missing = list(expect)

    def feed(self, line):
        clean = ANSI_ESCAPE.sub("", line).strip()
        self.expect_missing = [t for t in self.expect_missing if t not in line]
        if clean.startswith(PANIC_PREFIX):
            self.panic = self.panic or clean
        elif clean.startswith(EXCEPTION_PREFIX):
            self.exception = self.exception or clean
        elif (m := TEST_RE.match(clean)):
            if m.group(1) == "PASS":
                self.passed.append(m.group(2))
            else:
                self.failed.append((m.group(2), m.group(3) or ""))
        elif (m := SUMMARY_RE.match(clean)):
            self.summary = (int(m.group(1)), int(m.group(2)))


# --------------------------------------------------------------------------
# Running QEMU


class RunResult:
    def __init__(self):
        self.status = None      # QEMU exit status (negative: killed by signal)
        self.timed_out = False
        self.elapsed = 0.0
        self.start_error = None


def death_signal_hook():
    """A preexec_fn giving QEMU SIGKILL when the runner dies (Linux), or None.

    QEMU runs in its own session, so without this a runner killed with
    SIGKILL (e.g. by a ctest timeout) would leave QEMU running."""
    if sys.platform != "linux":
        return None
    try:
        import ctypes
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    pr_set_pdeathsig = 1
    return lambda: prctl(pr_set_pdeathsig, int(signal.SIGKILL))


def start_qemu(cmd, text=None):
    """Start QEMU; with text, QEMU's standard input is a pipe that gets text
    and then end of file (QEMU reads it when the serial port can take it)."""
    # A new session gives QEMU its own process group so a timeout can kill
    # it together with anything it spawned.
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL if text is None else subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, bufsize=0,
                            start_new_session=True,
                            preexec_fn=death_signal_hook())
    if text is not None:
        try:
            proc.stdin.write(text.encode())
            proc.stdin.close()
        except OSError:
            pass  # QEMU is gone already; its status tells why
    return proc


def reader_thread(fd, lines):
    """Split the raw byte stream into lines; put None at end of file."""
    pending = b""
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            chunk = b""
        if not chunk:
            break
        pending += chunk
        *complete, pending = pending.split(b"\n")
        for raw in complete:
            lines.put(decode_line(raw))
    if pending:
        lines.put(decode_line(pending))
    lines.put(None)


def decode_line(raw):
    return raw.decode("utf-8", errors="replace").replace("\r", "")


def kill_group(proc):
    """SIGTERM QEMU's process group, then SIGKILL if it lingers."""
    for sig, grace in ((signal.SIGTERM, 2.0), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            proc.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue


def remaining(deadline):
    return None if deadline is None else max(0.0, deadline - time.monotonic())


def run_qemu(cmd, timeout, on_line, text=None):
    """Run QEMU, calling on_line for each serial line; enforce the timeout.
    text (if not None) is QEMU's standard input."""
    result = RunResult()
    start = time.monotonic()
    try:
        proc = start_qemu(cmd, text)
    except OSError as e:
        result.start_error = f"cannot start QEMU '{cmd[0]}': {e.strerror or e}"
        return result
    deadline = None if timeout is None else start + timeout
    lines = queue.Queue()
    reader = threading.Thread(target=reader_thread, args=(proc.stdout.fileno(), lines),
                              daemon=True)
    reader.start()
    try:
        result.timed_out = not pump_lines(lines, deadline, on_line)
        if not result.timed_out:
            try:
                proc.wait(timeout=remaining(deadline))
            except subprocess.TimeoutExpired:
                result.timed_out = True
    finally:  # also on KeyboardInterrupt (Ctrl-C, SIGTERM, SIGHUP)
        if proc.poll() is None:
            kill_group(proc)
        reader.join(timeout=2.0)
        drain(lines, on_line)
        proc.stdout.close()
    result.status = proc.returncode
    result.elapsed = time.monotonic() - start
    return result


def pump_lines(lines, deadline, on_line):
    """Deliver lines until end of file (True) or the deadline (False)."""
    while True:
        try:
            line = lines.get(timeout=remaining(deadline))
        except queue.Empty:
            return False
        if line is None:
            return True
        on_line(line)


def drain(lines, on_line):
    while True:
        try:
            line = lines.get_nowait()
        except queue.Empty:
            return
        if line is not None:
            on_line(line)


# --------------------------------------------------------------------------
# Judging the outcome


def judge(args, obs, result, timeout):
    """Return the list of Problems; empty means success."""
    problems = []
    if result.start_error:
        return [Problem(EXIT_QEMU_ERROR, result.start_error)]
    if obs.panic:
        problems.append(Problem(EXIT_KERNEL_FAULT, f"kernel panic: {obs.panic}"))
    if obs.exception:
        problems.append(Problem(EXIT_KERNEL_FAULT, f"kernel exception: {obs.exception}"))
    if result.timed_out:
        problems.append(Problem(EXIT_TIMEOUT, f"TIMEOUT after {timeout:g} s (the system hung)"))
    else:
        problems += judge_status(result.status, obs)
    if args.mode == "test":
        problems += judge_tests(obs, result)
    for text in obs.expect_missing:
        problems.append(Problem(EXIT_TEST_FAILURE, f"expected text not seen: {text!r}"))
    return problems


def judge_status(status, obs):
    if status == QEMU_CLEAN_HALT:
        return []
    if status == QEMU_FAILURE_HALT:
        if obs.panic or obs.exception:
            return []  # already reported
        return [Problem(EXIT_KERNEL_FAULT, "kernel halted with the failure status "
                        "(QEMU status 35) without a KERNEL PANIC/EXCEPTION line")]
    if status == 0:
        why = "QEMU exited with status 0 without the kernel halting (triple fault or reset?)"
    elif status is not None and status < 0:
        why = f"QEMU was killed by signal {-status}"
    elif status == 1:
        why = ("QEMU exited with status 1 (QEMU error, see its messages above, "
               "or the kernel wrote 0 to the debug-exit port)")
    elif status is not None and status % 2 == 1:
        why = (f"QEMU exited with status {status}: the kernel wrote "
               f"{status >> 1:#x} to the debug-exit port (expected 0x10)")
    else:
        why = f"QEMU exited with status {status} without the kernel halting"
    return [Problem(EXIT_QEMU_ERROR, why)]


def judge_tests(obs, result):
    problems = []
    if obs.failed:
        ids = ", ".join(tid for tid, _ in obs.failed)
        problems.append(Problem(EXIT_TEST_FAILURE, f"{len(obs.failed)} failing test(s): {ids}",
                                extra_failure=False))
    if obs.summary is None:
        # After a hang or a kernel fault the missing summary is no news.
        if not (result.timed_out or obs.panic or obs.exception):
            problems.append(Problem(EXIT_TEST_FAILURE, "missing summary (no 'SUMMARY:' line)"))
    elif obs.summary != (len(obs.passed), len(obs.failed)):
        problems.append(Problem(EXIT_TEST_FAILURE,
                         f"summary mismatch: SUMMARY says {obs.summary[0]} passed, "
                         f"{obs.summary[1]} failed but the TEST lines say "
                         f"{len(obs.passed)} passed, {len(obs.failed)} failed"))
    return problems


def exit_status(problems):
    codes = {p.code for p in problems}
    for code in SEVERITY:
        if code in codes:
            return code
    return EXIT_OK


def final_counts(obs, problems):
    """The 'N passed, M failed' line; run-level problems add one failure."""
    run_level = any(p.extra_failure for p in problems)
    failed = len(obs.failed) + (1 if run_level else 0)
    return f"{len(obs.passed)} passed, {failed} failed"


def report(args, out, obs, result, problems):
    for p in problems:
        out.message(f"runner: {p.message}")
    if problems:
        out.show_tail()
    elif args.mode == "run":
        out.message(f"runner: ok (kernel halted cleanly after {result.elapsed:.1f} s)")
    if args.mode == "test":
        if not problems:
            out.message(f"runner: all tests passed ({result.elapsed:.1f} s)")
        out.message(final_counts(obs, problems))


# --------------------------------------------------------------------------


def interrupt(signum, frame):
    """SIGTERM/SIGHUP behave like Ctrl-C, so QEMU gets killed on the way out."""
    raise KeyboardInterrupt


def main(argv=None):
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, interrupt)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="replace")
        except AttributeError:
            pass
    args = parse_args(sys.argv[1:] if argv is None else argv)
    cmd = qemu_command(args)
    if args.dry_run:
        print(shlex.join(cmd))
        return EXIT_OK
    timeout = effective_timeout(args)
    try:
        out = Output(args.log, args.quiet)
    except OSError as e:
        print(f"runner: cannot open log file: {e}", file=sys.stderr)
        return EXIT_USAGE
    obs = Observations(args.expect)
    try:
        out.message("runner: " + shlex.join(cmd))
        if args.gdb:
            out.message(gdb_hint(args))
        try:
            text = None if args.input is None else args.input + "\n"
            result = run_qemu(cmd, timeout, lambda line: (out.serial(line), obs.feed(line)),
                              text)
        except KeyboardInterrupt:
            out.message("runner: interrupted, QEMU killed")
            if args.mode == "test":
                out.message(f"{len(obs.passed)} passed, {len(obs.failed) + 1} failed")
            return EXIT_QEMU_ERROR
        problems = judge(args, obs, result, timeout)
        report(args, out, obs, result, problems)
        return exit_status(problems)
    finally:
        out.close()


if __name__ == "__main__":
    sys.exit(main())
