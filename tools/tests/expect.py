#!/usr/bin/env python3
"""Run a command and check its exit status and output (a helper for ctest).

    expect.py [--status nonzero|zero|N] [--match REGEX]... [--no-match REGEX]...
              [--timeout SECONDS] [--verbose] -- CMD [ARGS...]

CMD's stdout and stderr are captured together.  The check passes (exit 0)
when the exit status matches --status (default: zero) and every --match
regular expression is found in the output (re.search, MULTILINE) and no
--no-match expression is.  Otherwise it prints what it expected and what it
saw (the status and the full output) and exits 1.  Exit 2 on a usage error or
when CMD cannot be run or exceeds --timeout.

Example (a runner test that must fail on a failing test case):
    expect.py --status 1 --match "TEST FAIL" --match "^1 passed, 1 failed$" -- \\
        python3 tools/run.py --mode test --kernel kernel.elf --module roottask.elf
"""

import argparse
import os
import re
import signal
import subprocess
import sys


class Parser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def status_spec(text):
    if text in ("nonzero", "zero"):
        return text
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected nonzero, zero or an integer, not {text!r}")


def regex(text):
    try:
        return re.compile(text, re.MULTILINE)
    except re.error as e:
        raise argparse.ArgumentTypeError(f"bad regular expression {text!r}: {e}")


def parse_args(argv):
    if "--" not in argv:
        Parser(prog="expect.py").error("missing '--' before the command")
    split = argv.index("--")
    p = Parser(prog="expect.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--status", type=status_spec, default="zero",
                   help="expected exit status: nonzero, zero or N (default zero)")
    p.add_argument("--match", type=regex, action="append", default=[], metavar="REGEX",
                   help="the output must contain a match (repeatable)")
    p.add_argument("--no-match", type=regex, action="append", default=[], metavar="REGEX",
                   help="the output must not contain a match (repeatable)")
    p.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                   help="fail if the command runs longer than this")
    p.add_argument("--verbose", action="store_true", help="print the output even on success")
    args = p.parse_args(argv[:split])
    args.command = argv[split + 1:]
    if not args.command:
        p.error("no command after '--'")
    return args


def status_ok(spec, status):
    if spec == "zero":
        return status == 0
    if spec == "nonzero":
        return status != 0
    return status == spec


def check(args, status, output):
    """Return the list of unmet expectations."""
    failures = []
    if not status_ok(args.status, status):
        failures.append(f"exit status {status}, expected {args.status}")
    failures += [f"no match for /{r.pattern}/" for r in args.match if not r.search(output)]
    failures += [f"unexpected match for /{r.pattern}/: {r.search(output).group(0)!r}"
                 for r in args.no_match if r.search(output)]
    return failures


def run_command(command, timeout):
    """Run command (in its own process group); return (status, output bytes).

    On timeout the whole group is killed (SIGTERM, then SIGKILL), so a runner
    gets the chance to stop its QEMU, and TimeoutExpired is raised."""
    proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        output, _ = proc.communicate(timeout=timeout)
        return proc.returncode, output
    except subprocess.TimeoutExpired:
        output = kill_group(proc)
        raise subprocess.TimeoutExpired(command, timeout, output=output)
    except BaseException:
        kill_group(proc)
        raise


def kill_group(proc):
    output = b""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            output, _ = proc.communicate(timeout=5)
            break
        except subprocess.TimeoutExpired:
            continue
    return output


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        status, raw = run_command(args.command, args.timeout)
    except OSError as e:
        print(f"expect: cannot run {args.command[0]!r}: {e}")
        return 2
    except subprocess.TimeoutExpired as e:
        print((e.output or b"").decode("utf-8", errors="replace"))
        print(f"expect: FAILED: command still running after {args.timeout:g} s")
        return 2
    output = raw.decode("utf-8", errors="replace").replace("\r", "")
    failures = check(args, status, output)
    if failures or args.verbose:
        print(f"expect: command: {' '.join(args.command)}")
        print(f"expect: exit status {status}; output:")
        sys.stdout.write(output if output.endswith("\n") or not output else output + "\n")
    for failure in failures:
        print(f"expect: FAILED: {failure}")
    if not failures:
        print(f"expect: ok (status {status}, {len(args.match)} pattern(s) matched)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.stdout.reconfigure(errors="replace")
    sys.exit(main())
