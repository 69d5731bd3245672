#!/usr/bin/env python3
"""Summarises a test run: ctest's result line plus the QEMU suite's per-case results.

Usage: summarise_tests.py CTEST_OUTPUT QEMU_LOG [QEMU_LOG...]

Prints one line per QEMU log (its TEST PASS/FAIL counts) and, last, `N passed, M failed`
where N and M add every ctest test and the test cases of the first QEMU log found (the same
cases run again through the other boot path, which counts as its one ctest test).
Exits 1 if anything failed or nothing was found.
"""
import re
import sys

CTEST_LINE = re.compile(r"(\d+)% tests passed, (\d+) tests? failed out of (\d+)")


def ctest_counts(path):
    """(passed, failed) from ctest's closing line, or None if it is missing."""
    try:
        text = open(path, encoding="utf-8", errors="replace").read()
    except OSError:
        return None
    found = CTEST_LINE.findall(text)
    if not found:
        return None
    _, failed, total = (int(x) for x in found[-1])
    return total - failed, failed


def qemu_counts(path):
    """(passed, failed) TEST lines of a runner log, or None if the log is missing."""
    try:
        lines = open(path, encoding="utf-8", errors="replace").read().splitlines()
    except OSError:
        return None
    passed = sum(1 for l in lines if l.startswith("TEST PASS "))
    failed = sum(1 for l in lines if l.startswith("TEST FAIL "))
    return passed, failed


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    ctest = ctest_counts(argv[1])
    if ctest is None:
        print("summary: no ctest result line found (the build or configure step failed?)")
        print("0 passed, 1 failed")
        return 1
    passed, failed = ctest
    suite = None
    for log in argv[2:]:
        counts = qemu_counts(log)
        if counts is None:
            continue
        print(f"QEMU test cases in {log}: {counts[0]} passed, {counts[1]} failed")
        suite = suite or counts
    if suite:
        # The suite's ctest entries are already in the ctest counts; add its cases.
        passed += suite[0]
        failed += suite[1]
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
