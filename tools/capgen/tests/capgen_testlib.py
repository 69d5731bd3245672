"""Shared helpers for capgen's tests: paths, running capgen, compiling C."""

import os
import shutil
import subprocess
import sys
import tempfile

TESTS = os.path.dirname(os.path.abspath(__file__))
CAPGEN_DIR = os.path.dirname(TESTS)
REPO = os.path.dirname(os.path.dirname(CAPGEN_DIR))
CAPGEN = os.path.join(CAPGEN_DIR, "capgen.py")
API = os.path.join(REPO, "api")
SMALL = os.path.join(TESTS, "spec_small")
BAD = os.path.join(TESTS, "bad")
GOLDEN = os.path.join(TESTS, "golden")
C_DIR = os.path.join(TESTS, "c")
USER_INCLUDE = os.path.join(REPO, "libsel4ish", "include")
KERNEL_INCLUDE = os.environ.get("CAPGEN_KERNEL_INCLUDE", os.path.join(REPO, "kernel", "include"))
CC = os.environ.get("CAPGEN_CC", "clang")
WARN = ["-std=c11", "-Wall", "-Wextra", "-Werror"]
TARGET = ["--target=x86_64-unknown-none-elf", "-ffreestanding", "-nostdlib"]

sys.path.insert(0, CAPGEN_DIR)


def run_capgen(*args):
    """Run capgen as a program; returns the CompletedProcess (text output)."""
    return subprocess.run([sys.executable, CAPGEN] + list(args), capture_output=True, text=True)


def generate(spec, out):
    res = run_capgen(spec, "--out", out)
    if res.returncode != 0:
        raise AssertionError("capgen failed on %s: %s" % (spec, res.stderr))
    return out


def compile_c(args):
    """Run the C compiler; returns (ok, output)."""
    res = subprocess.run([CC] + args, capture_output=True, text=True)
    return res.returncode == 0, res.stdout + res.stderr


def run(path):
    res = subprocess.run([path], capture_output=True, text=True)
    return res.returncode, res.stdout + res.stderr


class TempDir:
    """A temporary directory removed on exit (kept if CAPGEN_KEEP_TMP is set)."""

    def __enter__(self):
        self.path = tempfile.mkdtemp(prefix="capgen-test-")
        return self.path

    def __exit__(self, *exc):
        if not os.environ.get("CAPGEN_KEEP_TMP"):
            shutil.rmtree(self.path, ignore_errors=True)


def user_includes(out):
    return ["-I", USER_INCLUDE, "-I", os.path.join(out, "libsel4ish", "include")]


def kernel_includes(out):
    return ["-I", os.path.join(out, "kernel"), "-I", KERNEL_INCLUDE]


# ---- Stub handlers: the kernel's hand-written <prefix>_decode_<method>() stand-ins ----------

STUB_HEADER = "handler_stubs.h"  # in C_DIR; describes what write_handler_stubs() generates


def handler_name(method):
    """The kernel handler the generated dispatcher calls for an implemented method."""
    return "%s_decode_%s" % (method.iface.prefix, method.kname)


def _args_equal(m):
    """C condition: the arguments the stub received (got) equal a direct unpack (want)."""
    fields = m.caps + m.inputs
    if not fields:
        return ["got->none == want.none"]
    conds = []
    for p in m.params:
        if p not in fields:
            continue
        t = p.type
        if t.kind == "bitfield":
            conds += ["got->%s.%s == want.%s.%s" % (p.kname, f.kernel, p.kname, f.kernel)
                      for f in t.bitfield.fields]
        elif t.kind == "struct":
            conds.append("stub_words_equal(got->%s, want.%s, %d)"
                         % (p.kname, p.kname, len(t.members)))
        else:
            conds.append("got->%s == want.%s" % (p.kname, p.kname))
    return conds


def handler_stubs_c(spec, exclude=()):
    """C source of a stub handler for every implemented method of spec (except the labels in
    exclude), each recording its call and returning STUB_HANDLER_RESULT, and the table of all
    methods that c/stub_dispatch.h checks. Needs -I C_DIR and the generated kernel headers."""
    from gen_kernel import _fixed_words  # capgen's own notion of the words before a length_from
    out = ["/* Stub handlers for the implemented methods of the spec (capgen tests). */",
           "#include <gen/decode.h>", "", '#include "%s"' % STUB_HEADER, "",
           "unsigned stub_calls[N_INVOCATION_LABELS];", "unsigned stub_calls_total;",
           "struct cte *stub_last_slot;", "const invocation_t *stub_last_inv;", "",
           "bool stub_words_equal(const word_t *a, const word_t *b, word_t n)", "{",
           "    for (word_t i = 0; i < n; i++) {", "        if (a[i] != b[i]) {",
           "            return false;", "        }", "    }", "    return true;", "}", ""]
    stubbed = [m for m in spec.methods if m.implemented and m.label not in exclude]
    for m in stubbed:
        p = m.c_prefix
        out += ["static %s_args_t %s_seen;" % (p, p), "",
                "exception_t %s(struct cte *slot, const invocation_t *inv," % handler_name(m),
                "    const %s_args_t *args)" % p, "{",
                "    %s_seen = *args;" % p,
                "    stub_calls[%s]++;" % m.kernel_label,
                "    stub_calls_total++;",
                "    stub_last_slot = slot;",
                "    stub_last_inv = inv;",
                "    return STUB_HANDLER_RESULT;", "}", "",
                "static exception_t %s_expect(const invocation_t *inv, bool *same)" % p, "{",
                "    %s_args_t want;" % p,
                "    exception_t err = %s_unpack(inv, &want);" % p,
                "    const %s_args_t *got = &%s_seen;" % (p, p),
                "    *same = err == seL4_NoError &&",
                "            " + " &&\n            ".join(_args_equal(m)) + ";",
                "    return err;", "}", ""]
    out.append("const stub_method_t stub_methods[] = {")
    for m in spec.methods:
        expect = "%s_expect" % m.c_prefix if m in stubbed else "0"
        out.append('    {"%s", %s, %s_dispatch, %s, %d, %d, %d, %s},' % (
            m.stub_name, m.kernel_label, m.iface.prefix, "true" if m.implemented else "false",
            _fixed_words(m), m.in_words, m.n_caps, expect))
    out += ["};", "const unsigned stub_methods_count = %d;" % len(spec.methods)]
    return "\n".join(out) + "\n"


def write_handler_stubs(spec_path, path, exclude=()):
    """Write handler_stubs_c() for the spec at spec_path (loaded by capgen's own loader) to
    path; returns the loaded spec."""
    from spec import load
    spec = load(spec_path)
    with open(path, "w") as f:
        f.write(handler_stubs_c(spec, exclude))
    return spec
