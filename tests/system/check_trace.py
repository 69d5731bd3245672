#!/usr/bin/env python3
"""Boot the demo system (roottask/system/) and check from its trace that every component did
its work.

    check_trace.py [--input TEXT] -- RUNNER_COMMAND...

Runs RUNNER_COMMAND (tools/run.py with the image, timeout and so on) with --serial2 and
--input TEXT added, so that both serial ports reach the console and TEXT is typed into COM2,
prints its output, then checks the trace line by line (README, "What `run` shows"):

  serial   the driver came up, served writes for every component under its own badge, took
           transmit and receive interrupts, and client2 read back exactly TEXT
  timer    the driver came up; client1's 50 ms sleep took at least 50 ms by the timer's clock
           (and less than a second more); every sleeper was woken no earlier than it asked
  badges   the timer and the serial driver tell client1 and client2 apart by badge
  transfer client2 got a timer capability in the root task's reply and slept with it
  fault    calc died of a divide error, the supervisor restarted it and answered its caller,
           and the restarted calc served client1 again, in that order
  end      the status line says OK and the runner says QEMU halted cleanly

Exit status 0 when every check holds, 1 otherwise (the failing checks are listed), or the
runner's own status when it failed.
"""

import argparse
import re
import subprocess
import sys

STATUS_LINE = "system: all components done, status OK"


class Trace:
    """The serial lines, searchable by regular expression, remembering where each match was."""

    def __init__(self, text):
        self.lines = [line.rstrip("\r") for line in text.split("\n")]

    def find(self, pattern, after=-1):
        """(index, match) of the first line after `after` matching pattern, or (None, None)."""
        regex = re.compile(pattern)
        for i in range(after + 1, len(self.lines)):
            m = regex.search(self.lines[i])
            if m:
                return i, m
        return None, None

    def find_all(self, pattern):
        regex = re.compile(pattern)
        return [m for m in (regex.search(line) for line in self.lines) if m]


def ms(text):
    return float(text)


def check_serial(t, typed):
    problems = []
    if t.find(r"^serial: driver up: COM2")[0] is None:
        problems.append("the serial driver did not come up")
    wrote = {m.group(1): (int(m.group(2)), int(m.group(3)))
             for m in t.find_all(r"^serial: (\w+) \(badge (\d+)\) wrote (\d+) bytes")}
    for name in ("root", "timer", "calc", "client1", "client2"):
        if name not in wrote or wrote[name][1] == 0:
            problems.append(f"the serial driver served no writes for {name}")
    if len({badge for badge, _ in wrote.values()}) != len(wrote):
        problems.append("two components wrote under the same badge")
    _, m = t.find(r"^serial: (\d+) interrupts \((\d+) transmit, (\d+) receive\), "
                  r"(\d+) bytes received")
    if not m:
        problems.append("the serial driver printed no interrupt count")
    else:
        if int(m.group(2)) == 0 or int(m.group(3)) == 0:
            problems.append("the serial driver took no transmit or no receive interrupt")
        if int(m.group(4)) != len(typed) + 1:
            problems.append(f"the serial driver received {m.group(4)} bytes, "
                            f"{len(typed) + 1} were typed")
    if t.find("^client2: read " + re.escape(f'"{typed}"') + " from COM2$")[0] is None:
        problems.append(f"client2 did not read back {typed!r}")
    return problems


def check_timer(t):
    problems = []
    if t.find(r"^timer: driver up: PIT")[0] is None:
        problems.append("the timer driver did not come up")
    _, now = t.find(r"^client1: the timer says (\d+\.\d+) ms$")
    _, slept = t.find(r"^client1: slept 50 ms: (\d+\.\d+) ms passed on the timer$")
    if not now or not slept:
        problems.append("client1 did not get the time and sleep")
    elif not 50 <= ms(slept.group(1)) < 1050:
        problems.append(f"a 50 ms sleep took {slept.group(1)} ms by the timer")
    asked = {}
    for m in t.find_all(r"^timer: (\w+) \(badge (\d+)\) sleeps (\d+) ms$"):
        asked.setdefault(m.group(1), []).append(int(m.group(3)))
    woke = {}
    for m in t.find_all(r"^timer: woke (\w+) \(badge (\d+)\) after (\d+\.\d+) ms$"):
        woke.setdefault(m.group(1), []).append(ms(m.group(3)))
    for name in ("client1", "client2"):
        if not asked.get(name) or len(woke.get(name, [])) != len(asked[name]):
            problems.append(f"the timer did not wake every sleep of {name}")
        elif any(w < a for a, w in zip(asked[name], woke[name])):
            problems.append(f"the timer woke {name} early: asked {asked[name]}, "
                            f"woke after {woke[name]}")
    _, total = t.find(r"^root: the timer has counted (\d+\.\d+) ms$")
    if not total or ms(total.group(1)) < 50:
        problems.append("the root task did not get a plausible time at the end")
    return problems


def check_badges(t):
    """The drivers name client1 and client2 by different badges."""
    problems = []
    for what, pattern in (("timer", r"^timer: (client[12]) \(badge (\d+)\) sleeps"),
                          ("serial", r"^serial: (client[12]) \(badge (\d+)\) wrote")):
        badges = {m.group(1): m.group(2) for m in t.find_all(pattern)}
        if len(badges) != 2 or badges["client1"] == badges["client2"]:
            problems.append(f"the {what} driver does not tell the clients apart: {badges}")
    return problems


def check_transfer(t):
    i, _ = t.find(r"^client2: up, with no timer capability")
    j, _ = t.find(r"^client2: received a timer capability in root's reply", i or -1)
    k, _ = t.find(r"^timer: client2 \(badge \d+\) sleeps 20 ms$", j or -1)
    n, _ = t.find(r"^client2: used it to sleep 20 ms", k or -1)
    if None in (i, j, k, n) or t.find(r"^root: client2 asked for the timer")[0] is None:
        return ["client2 did not receive a timer capability in a message and use it"]
    return []


def check_fault(t):
    steps = [r"^client1: calc says 84 / 2 = 42$",
             r"^calc: client1 \(badge \d+\) asks 1 / 0$",
             r"^supervisor: calc faulted: UserException, exception 0 .*\(divide error\)$",
             r"^supervisor: restarted calc",
             r"^supervisor: answering client1 \(badge \d+\), whose request calc died on$",
             r"^client1: no answer: calc crashed",
             r"^calc: client1 \(badge \d+\) asks 84 / 4$",
             r"^calc: 84 / 4 = 21$",
             r"^client1: the restarted calc says 84 / 4 = 21$"]
    at = -1
    for step in steps:
        at, _ = t.find(step, at)
        if at is None:
            return [f"the fault and restart did not go as expected: no line {step!r} "
                    "after the previous step"]
    if t.find(r"^calc: up \(start 2\)")[0] is None:
        return ["calc was not started a second time"]
    return []


def check_end(t, status):
    problems = []
    if status != 0:
        problems.append(f"the runner failed (status {status})")
    if t.find("^" + re.escape(STATUS_LINE) + "$")[0] is None:
        problems.append(f"no status line {STATUS_LINE!r}")
    for name in ("client1", "client2"):
        if t.find(rf"^root: {name} is done$")[0] is None:
            problems.append(f"{name} did not report success")
    if t.find(r"USER FAULT|KERNEL PANIC|KERNEL EXCEPTION")[0] is not None:
        problems.append("the kernel reported a fault it could not deliver, or a panic")
    return problems


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--input", default="hello sel4ish", help="the line typed into COM2")
    parser.add_argument("command", nargs="+", help="the runner command")
    args = parser.parse_args(argv)
    cmd = args.command + ["--serial2", "--input", args.input]
    proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT)
    output = proc.stdout.decode("utf-8", errors="replace")
    print(output, end="")
    t = Trace(output)
    checks = [("serial", check_serial(t, args.input)), ("timer", check_timer(t)),
              ("badges", check_badges(t)), ("transfer", check_transfer(t)),
              ("fault", check_fault(t)), ("end", check_end(t, proc.returncode))]
    failed = 0
    for name, problems in checks:
        print(f"check {name}: {'ok' if not problems else 'FAILED'}")
        for p in problems:
            print(f"  {p}")
        failed += len(problems)
    print(f"check_trace: {'all checks hold' if not failed else f'{failed} problem(s)'}")
    return 0 if not failed else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
