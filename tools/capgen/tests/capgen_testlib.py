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
