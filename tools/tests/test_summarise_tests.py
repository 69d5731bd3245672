"""Tests of tools/summarise_tests.py: the README test command's closing line."""
import os
import subprocess
import sys
import tempfile
import unittest

SCRIPT = os.path.join(os.path.dirname(__file__), "..", "summarise_tests.py")


def run(ctest_text, *qemu_logs):
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "ctest.log")
        with open(out, "w") as f:
            f.write(ctest_text)
        logs = []
        for i, text in enumerate(qemu_logs):
            p = os.path.join(d, f"q{i}.log")
            if text is not None:
                with open(p, "w") as f:
                    f.write(text)
            logs.append(p)
        r = subprocess.run([sys.executable, SCRIPT, out, *logs], capture_output=True, text=True)
        return r.returncode, r.stdout.strip().splitlines()


class Summary(unittest.TestCase):
    def test_all_pass_adds_qemu_cases(self):
        code, lines = run("100% tests passed, 0 tests failed out of 30\n",
                          "TEST PASS A1 x\nTEST PASS A2 y\nSUMMARY: 2 passed, 0 failed\n",
                          "TEST PASS A1 x\nTEST PASS A2 y\n")
        self.assertEqual(code, 0)
        self.assertEqual(lines[-1], "32 passed, 0 failed")

    def test_ctest_failure_fails(self):
        code, lines = run("94% tests passed, 2 tests failed out of 30\n", None)
        self.assertEqual(code, 1)
        self.assertEqual(lines[-1], "28 passed, 2 failed")

    def test_failing_case_counts(self):
        code, lines = run("97% tests passed, 1 tests failed out of 30\n",
                          "TEST PASS A1 x\nTEST FAIL A2 y: 1 check(s) failed\n")
        self.assertEqual(code, 1)
        self.assertEqual(lines[-1], "30 passed, 2 failed")

    def test_missing_ctest_line_fails(self):
        code, lines = run("CMake Error: something\n", None)
        self.assertEqual(code, 1)
        self.assertEqual(lines[-1], "0 passed, 1 failed")


if __name__ == "__main__":
    unittest.main()
