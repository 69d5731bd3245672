"""Adding a method to a copy of the spec makes its label, stub, decoder, handler prototype and
reference entry appear; without a handler the kernel fails to link, naming the handler."""

import os
import re
import shutil
import unittest

from capgen_testlib import (API, C_DIR, TempDir, compile_c, generate, handler_name,
                            kernel_includes, run_capgen, write_handler_stubs)

NEW_METHOD = """
        <method name="Frob" label="X86IOPortFrob">
            <description>Frobnicate a port (test method).</description>
            <param dir="in" name="port" type="seL4_Uint16" description="Port to frob."/>
            <param dir="in" name="times" type="seL4_Word" description="How often."/>
            <param dir="out" name="count" type="seL4_Word" description="Frobs done."/>
            <error name="seL4_RangeError">times is too large.</error>
        </method>
"""


def read(*parts):
    with open(os.path.join(*parts), encoding="utf-8") as f:
        return f.read()


def link_with_stubs(tmp, api, out):
    """Link the generated decode.c of api with fake invocation accessors and stub handlers for
    its implemented methods other than Frob (those the kernel provides), as the kernel would
    link it. Returns (ok, log, spec of api)."""
    main = os.path.join(tmp, "main.c")
    with open(main, "w") as f:
        f.write('#include "fake_invocation.h"\nint main(void) { return failures; }\n')
    stubs = os.path.join(tmp, "handler_stubs.c")
    spec = write_handler_stubs(api, stubs, exclude={"X86IOPortFrob"})
    ok, log = compile_c(["-I", C_DIR] + kernel_includes(out) +
                        [main, os.path.join(out, "kernel", "gen", "decode.c"), stubs,
                         "-o", os.path.join(tmp, "a.out")])
    return ok, log, spec


def add_method(api_copy):
    """Insert NEW_METHOD at the end of the seL4_X86_IOPort interface."""
    path = os.path.join(api_copy, "iface-x86.xml")
    text = read(path)
    anchor = text.index('<interface name="seL4_IRQControl" prefix="x86_irq_control"')
    end = text.rindex("</interface>", 0, anchor)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text[:end] + NEW_METHOD.lstrip("\n") + "    " + text[end:])


class AddMethodTest(unittest.TestCase):
    def test_new_method_appears_everywhere(self):
        with TempDir() as tmp:
            api = os.path.join(tmp, "api")
            shutil.copytree(API, api)
            add_method(api)
            out = generate(api, os.path.join(tmp, "out"))
            labels = read(out, "kernel", "gen", "invocation_label.h")
            self.assertIn("INV_X86_IOPORT_FROB = 49,", labels)
            self.assertIn("INV_X86_IRQ_CONTROL_GET_MSI = 51,", labels)
            self.assertIn("N_INVOCATION_LABELS = 52", labels)
            decode_h = read(out, "kernel", "gen", "decode.h")
            self.assertIn("} x86_ioport_frob_args_t;", decode_h)
            self.assertIn("exception_t x86_ioport_decode_frob(struct cte *slot", decode_h)
            decode_c = read(out, "kernel", "gen", "decode.c")
            self.assertIn("exception_t x86_ioport_frob_unpack(", decode_c)
            self.assertIn("return x86_ioport_decode_frob(slot, inv, &args);", decode_c)
            client = read(out, "libsel4ish", "include", "sel4", "gen", "client.h")
            self.assertIn("static inline seL4_X86_IOPort_Frob_t seL4_X86_IOPort_Frob("
                          "seL4_X86_IOPort _service, seL4_Uint16 port, seL4_Word times)", client)
            self.assertIn("seL4_MessageInfo_new(X86IOPortFrob, 0, 0, 2)", client)
            self.assertIn("X86IOPortFrob, /* 49 */",
                          read(out, "libsel4ish", "include", "sel4", "gen", "invocation.h"))
            docs = read(out, "docs", "api-reference.md")
            self.assertIn("### seL4_X86_IOPort_Frob", docs)
            self.assertIn("Frobnicate a port (test method).", docs)

    def test_missing_handler_is_a_link_error_naming_it(self):
        with TempDir() as tmp:
            api = os.path.join(tmp, "api")
            shutil.copytree(API, api)
            add_method(api)
            out = generate(api, os.path.join(tmp, "out"))
            ok, log, spec = link_with_stubs(tmp, api, out)
            self.assertFalse(ok)
            handlers = {handler_name(m) for m in spec.methods}
            missing = set(re.findall(r"\b\w+_decode_\w+\b", log)) & handlers
            self.assertEqual(missing, {"x86_ioport_decode_frob"}, log)

    def test_pending_method_needs_no_handler(self):
        with TempDir() as tmp:
            api = os.path.join(tmp, "api")
            shutil.copytree(API, api)
            add_method(api)
            path = os.path.join(api, "iface-x86.xml")
            text = read(path).replace('label="X86IOPortFrob"',
                                      'label="X86IOPortFrob" kernel="pending"')
            with open(path, "w") as f:
                f.write(text)
            self.assertEqual(run_capgen(api, "--check").returncode, 0)
            out = generate(api, os.path.join(tmp, "out"))
            ok, log, spec = link_with_stubs(tmp, api, out)
            self.assertTrue(ok, log)
            frob = next(m for m in spec.methods if m.label == "X86IOPortFrob")
            self.assertFalse(frob.implemented)


if __name__ == "__main__":
    unittest.main()
