"""Tests of tools/tests/expect.py (the ctest helper that checks a command's status and output)."""

import os
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
EXPECT = os.path.join(HERE, "expect.py")


def py(code):
    """A command that runs a snippet of Python."""
    return [sys.executable, "-c", code]


PRINT_AND_EXIT_3 = py("import sys; print('TEST FAIL X0001 broken'); "
                      "print('1 passed, 1 failed', file=sys.stderr); sys.exit(3)")


class ExpectTests(unittest.TestCase):
    def expect(self, *args):
        proc = subprocess.run([sys.executable, EXPECT, *args], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, timeout=30)
        self.output = proc.stdout.decode()
        return proc.returncode

    def assertStatus(self, expected, actual):
        self.assertEqual(expected, actual, f"expect.py output:\n{self.output}")

    def test_status_and_matches_pass(self):
        self.assertStatus(0, self.expect("--status", "3", "--match", r"TEST FAIL X\d+",
                                         "--match", r"^1 passed, 1 failed$",
                                         "--", *PRINT_AND_EXIT_3))
        self.assertIn("expect: ok", self.output)
        self.assertNotIn("TEST FAIL", self.output)  # quiet on success

    def test_nonzero(self):
        self.assertStatus(0, self.expect("--status", "nonzero", "--", *PRINT_AND_EXIT_3))
        self.assertStatus(1, self.expect("--status", "nonzero", "--", *py("pass")))

    def test_zero_is_default(self):
        self.assertStatus(0, self.expect("--", *py("pass")))
        self.assertStatus(1, self.expect("--", *PRINT_AND_EXIT_3))

    def test_wrong_status_shows_output(self):
        self.assertStatus(1, self.expect("--status", "2", "--", *PRINT_AND_EXIT_3))
        self.assertIn("exit status 3, expected 2", self.output)
        self.assertIn("TEST FAIL X0001 broken", self.output)

    def test_missing_match(self):
        self.assertStatus(1, self.expect("--status", "nonzero", "--match", "TIMEOUT",
                                         "--", *PRINT_AND_EXIT_3))
        self.assertIn("no match for /TIMEOUT/", self.output)
        self.assertIn("1 passed, 1 failed", self.output)

    def test_no_match(self):
        self.assertStatus(1, self.expect("--status", "3", "--no-match", "TEST FAIL",
                                         "--", *PRINT_AND_EXIT_3))
        self.assertIn("unexpected match", self.output)
        self.assertStatus(0, self.expect("--status", "3", "--no-match", "KERNEL PANIC",
                                         "--", *PRINT_AND_EXIT_3))

    def test_command_arguments_after_separator_are_not_parsed(self):
        self.assertStatus(0, self.expect("--match", "^--status$", "--",
                                         *py("import sys; print(sys.argv[1])"), "--status"))

    def test_usage_errors(self):
        self.assertStatus(2, self.expect("--status", "3"))                    # no --
        self.assertStatus(2, self.expect("--status", "3", "--"))              # no command
        self.assertStatus(2, self.expect("--status", "maybe", "--", "true"))  # bad status
        self.assertStatus(2, self.expect("--match", "(", "--", "true"))       # bad regex

    def test_command_not_found(self):
        self.assertStatus(2, self.expect("--", os.path.join(HERE, "no-such-command")))
        self.assertIn("cannot run", self.output)

    def test_timeout(self):
        self.assertStatus(2, self.expect("--timeout", "1", "--",
                                         *py("import time; print('started', flush=True); "
                                             "time.sleep(30)")))
        self.assertIn("still running after 1 s", self.output)


if __name__ == "__main__":
    unittest.main()
