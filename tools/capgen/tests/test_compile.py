"""The generated headers and decoders compile with -Wall -Wextra -Werror for the freestanding
target and for the host, and the generated kernel decoders behave (host-run tests)."""

import os
import unittest

from capgen_testlib import (API, C_DIR, SMALL, TARGET, WARN, TempDir, compile_c, generate,
                            kernel_includes, run, user_includes, write_handler_stubs)
from spec import load


def stub_reference_file(path):
    """A C file that takes the address of every stub, so each one is compiled to code."""
    spec = load(API)
    lines = ["#include <sel4/sel4.h>", "#include <stdint.h>",
             "uintptr_t capgen_all_stubs(void);", "uintptr_t capgen_all_stubs(void)", "{",
             "    uintptr_t sum = 0;"]
    for m in spec.methods:
        lines.append("    sum += (uintptr_t)&%s;" % m.stub_name)
    lines += ["    sum += (uintptr_t)&seL4_GetErrorDetail;", "    return sum;", "}"]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


class UserHeaders(unittest.TestCase):
    def test_target(self):
        with TempDir() as tmp:
            generate(API, tmp)
            stubs = os.path.join(tmp, "stubs.c")
            stub_reference_file(stubs)
            for src in (os.path.join(C_DIR, "user_target.c"), stubs):
                for opt in ("-O0", "-O2"):
                    ok, out = compile_c(TARGET + WARN + [opt] + user_includes(tmp) +
                                        ["-c", src, "-o", os.path.join(tmp, "u.o")])
                    self.assertTrue(ok, out)

    def test_host(self):
        with TempDir() as tmp:
            generate(API, tmp)
            exe = os.path.join(tmp, "host_abi")
            ok, out = compile_c(WARN + user_includes(tmp) +
                                [os.path.join(C_DIR, "host_abi.c"), "-o", exe])
            self.assertTrue(ok, out)
            status, out = run(exe)
            self.assertEqual(status, 0, out)


class KernelDecoders(unittest.TestCase):
    def test_target(self):
        with TempDir() as tmp:
            generate(API, tmp)
            ok, out = compile_c(TARGET + WARN + ["-O2"] + kernel_includes(tmp) +
                                ["-c", os.path.join(tmp, "kernel", "gen", "decode.c"),
                                 "-o", os.path.join(tmp, "decode.o")])
            self.assertTrue(ok, out)

    def host_stub_program(self, spec, main, name):
        """Generate spec, compile main with its gen/decode.c and stub handlers for its
        implemented methods (the kernel's real ones are not linked), run it."""
        with TempDir() as tmp:
            generate(spec, tmp)
            stubs = os.path.join(tmp, "handler_stubs.c")
            write_handler_stubs(spec, stubs)
            exe = os.path.join(tmp, name)
            ok, out = compile_c(WARN + ["-ffreestanding", "-fno-builtin", "-I", C_DIR] +
                                kernel_includes(tmp) +
                                [main, os.path.join(tmp, "kernel", "gen", "decode.c"), stubs,
                                 "-o", exe])
            self.assertTrue(ok, out)
            status, out = run(exe)
            self.assertEqual(status, 0, out)

    def test_host_decode(self):
        """Short message -> TruncatedMessage; full message -> unpacked fields; pending ->
        IllegalOperation; implemented -> unpacked and passed to its handler (real spec, with
        stub handlers for its implemented methods). The generic dispatch checks are also run
        on the small spec, whose implemented methods have every kind of argument."""
        with self.subTest(spec="small"):
            self.host_stub_program(SMALL, os.path.join(C_DIR, "stub_dispatch_main.c"),
                                   "stub_dispatch_small")
        with self.subTest(spec="api"):
            self.host_stub_program(API, os.path.join(C_DIR, "kernel_decode.c"),
                                   "kernel_decode")

    def test_host_dispatch_implemented(self):
        """Implemented methods are unpacked and reach their handler (small spec)."""
        with TempDir() as tmp:
            generate(SMALL, tmp)
            exe = os.path.join(tmp, "kernel_dispatch_small")
            ok, out = compile_c(WARN + kernel_includes(tmp) +
                                [os.path.join(C_DIR, "kernel_dispatch_small.c"),
                                 os.path.join(tmp, "kernel", "gen", "decode.c"), "-o", exe])
            self.assertTrue(ok, out)
            status, out = run(exe)
            self.assertEqual(status, 0, out)


if __name__ == "__main__":
    unittest.main()
