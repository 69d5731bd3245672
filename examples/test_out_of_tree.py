#!/usr/bin/env python3
"""Builds an example root task the way a user would, from outside the sel4ish repository.

Copies the example into a new temporary directory (under $TMPDIR, not the checkout),
configures it with plain cmake and -DSEL4ISH_DIR=<checkout>, builds it, boots it with its
run-<name> target and checks the serial output for --expect. Exits 0 only if every step
passed; on failure prints the failing step's output and keeps the directory for a look.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time


def step(name, cmd, cwd):
    """Runs cmd, returning its combined output; exits with its status if it fails."""
    start = time.monotonic()
    proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True)
    took = time.monotonic() - start
    print(f"out-of-tree: {name}: {'ok' if proc.returncode == 0 else 'FAILED'} ({took:.1f} s)")
    if proc.returncode != 0:
        print(f"$ {' '.join(cmd)}\n{proc.stdout}")
        print(f"out-of-tree: kept {cwd} for a look")
        sys.exit(1)
    return proc.stdout


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--sel4ish", required=True, help="the sel4ish checkout")
    p.add_argument("--example", required=True, help="the example's source directory")
    p.add_argument("--cmake", default="cmake", help="the cmake binary")
    p.add_argument("--generator", default="Ninja")
    p.add_argument("--define", action="append", default=[], metavar="VAR=VALUE",
                   help="a cache entry for the example's configure (repeatable)")
    p.add_argument("--expect", required=True, help="text the root task must print")
    args = p.parse_args()

    sel4ish = os.path.realpath(args.sel4ish)
    work = os.path.realpath(tempfile.mkdtemp(prefix="sel4ish-out-of-tree-"))
    if work.startswith(sel4ish + os.sep):
        sys.exit(f"out-of-tree: {work} is inside the checkout; set TMPDIR elsewhere")
    name = os.path.basename(os.path.normpath(args.example))
    src = os.path.join(work, name)
    shutil.copytree(args.example, src)
    print(f"out-of-tree: building {src} against {sel4ish}")

    step("configure", [args.cmake, "-S", src, "-B", "build", "-G", args.generator,
                       f"-DSEL4ISH_DIR={sel4ish}"] + [f"-D{d}" for d in args.define], work)
    step("build", [args.cmake, "--build", "build"], work)
    out = step("boot", [args.cmake, "--build", "build", "--target", f"run-{name}"], work)
    if args.expect not in out:
        print(out)
        print(f"out-of-tree: FAILED: {args.expect!r} not printed; kept {work}")
        sys.exit(1)
    print(f"out-of-tree: the root task printed {args.expect!r}")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
