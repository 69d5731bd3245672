#!/usr/bin/env python3
"""capgen: validate the sel4ish interface spec and generate kernel, libsel4ish and docs.

Usage:
  capgen.py SPEC [--out DIR] [--kernel-out DIR] [--user-out DIR] [--docs-out FILE] [--check]

SPEC is the spec's entry file (api/sel4ish.xml) or its directory. --out DIR writes
DIR/kernel/gen/*, DIR/libsel4ish/include/sel4/gen/* and DIR/docs/api-reference.md; the
--*-out options choose (or override) each output alone. --check only validates. Errors are
printed as `file:line: message` with exit status 1.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gen_docs  # noqa: E402
import gen_kernel  # noqa: E402
import gen_user  # noqa: E402
from spec import load  # noqa: E402
from xmlload import SpecError  # noqa: E402


def write_tree(base, files):
    for rel, text in files.items():
        write_file(os.path.join(base, rel), text)


def write_file(path, text):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def parse_args(argv):
    ap = argparse.ArgumentParser(prog="capgen", description=__doc__.splitlines()[0])
    ap.add_argument("spec", help="api/sel4ish.xml, or the api/ directory")
    ap.add_argument("--out", help="write every output under this directory")
    ap.add_argument("--kernel-out", help="directory for the kernel's gen/*.h and gen/decode.c")
    ap.add_argument("--user-out", help="include directory for libsel4ish's sel4/gen/*.h")
    ap.add_argument("--docs-out", help="file for the Markdown API reference")
    ap.add_argument("--check", action="store_true", help="validate only, write nothing")
    return ap.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    try:
        spec = load(args.spec)
    except SpecError as e:
        print(str(e), file=sys.stderr)
        return 1
    if args.check:
        return 0
    kernel_out, user_out, docs_out = args.kernel_out, args.user_out, args.docs_out
    if args.out:
        kernel_out = kernel_out or os.path.join(args.out, "kernel")
        user_out = user_out or os.path.join(args.out, "libsel4ish", "include")
        docs_out = docs_out or os.path.join(args.out, "docs", "api-reference.md")
    if not (kernel_out or user_out or docs_out):
        print("capgen: nothing to do: give --out, --kernel-out, --user-out, --docs-out "
              "or --check", file=sys.stderr)
        return 2
    if kernel_out:
        write_tree(kernel_out, gen_kernel.generate(spec))
    if user_out:
        write_tree(user_out, gen_user.generate(spec))
    if docs_out:
        write_file(docs_out, gen_docs.generate(spec))
    return 0


if __name__ == "__main__":
    sys.exit(main())
