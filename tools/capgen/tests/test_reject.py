"""Each malformed spec in tests/bad is rejected with exit status 1 and `file:line: message`."""

import os
import unittest

from capgen_testlib import BAD, run_capgen

# fixture name -> (line, message)
CASES = {
    "unknown_type": (6, "unknown type 'seL4_Wrod' for parameter 'value' of seL4_Widget_Poke"),
    "duplicate_method": (6, "duplicate method seL4_Widget_Poke (first at %s:5)"
                         % os.path.join(BAD, "duplicate_method.xml")),
    "duplicate_label": (6, "duplicate label 'WidgetPoke'"),
    "bad_direction": (6, "parameter 'value' of seL4_Widget_Poke: bad direction 'inout' "
                         "(in or out)"),
    "too_many_words": (126, "parameter 'w120' does not fit the message: seL4_Widget_Poke "
                            "needs 121 input words, at most 120"),
    "too_many_caps": (9, "parameter 'c3' does not fit the message: seL4_Widget_Poke needs 4 "
                         "extra capabilities, at most 3"),
    "missing_method_description": (5, "method seL4_Widget_Poke has no description"),
    "missing_param_description": (6, "parameter 'value' of seL4_Widget_Poke has no description"),
    "missing_error_description": (6, "error seL4_RangeError of method seL4_Widget_Poke has no "
                                     "description"),
    "unknown_error": (6, "unknown error 'seL4_Oops' in seL4_Widget_Poke"),
    "bad_kernel_state": (5, "method seL4_Widget_Poke: kernel must be 'implemented' or "
                            "'pending'"),
    "malformed_xml": (6, "malformed XML: mismatched tag"),
}


class RejectTest(unittest.TestCase):
    def check(self, name):
        line, message = CASES[name]
        path = os.path.join(BAD, name + ".xml")
        res = run_capgen(path, "--check")
        self.assertEqual(res.returncode, 1, res.stderr)
        self.assertEqual(res.stderr.strip(), "%s:%d: %s" % (path, line, message))
        self.assertEqual(res.stdout, "")


def _make(name):
    return lambda self: self.check(name)


for _name in CASES:
    setattr(RejectTest, "test_" + _name, _make(_name))


if __name__ == "__main__":
    unittest.main()
