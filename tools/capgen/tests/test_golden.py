"""Golden-output test: the small spec generates exactly the files kept in tests/golden.

To accept a deliberate change of output: CAPGEN_UPDATE_GOLDEN=1 python3 -m unittest test_golden
"""

import os
import shutil
import unittest

from capgen_testlib import GOLDEN, SMALL, TempDir, generate


def tree(root):
    """{relative path: text} of the files below root; dotfiles (the golden tree's
    .clang-format, which keeps formatters off byte-exact fixtures) are not outputs."""
    files = {}
    for base, _dirs, names in os.walk(root):
        for name in names:
            if name.startswith("."):
                continue
            path = os.path.join(base, name)
            with open(path, encoding="utf-8") as f:
                files[os.path.relpath(path, root)] = f.read()
    return files


class GoldenTest(unittest.TestCase):
    def test_small_spec_matches_golden(self):
        with TempDir() as tmp:
            generate(SMALL, tmp)
            if os.environ.get("CAPGEN_UPDATE_GOLDEN"):
                shutil.rmtree(GOLDEN, ignore_errors=True)
                shutil.copytree(tmp, GOLDEN)
            got, want = tree(tmp), tree(GOLDEN)
        self.assertEqual(sorted(got), sorted(want), "set of generated files differs")
        for rel in sorted(want):
            self.assertEqual(got[rel], want[rel], "generated %s differs from golden" % rel)


if __name__ == "__main__":
    unittest.main()
