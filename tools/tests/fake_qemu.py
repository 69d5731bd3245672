#!/usr/bin/env python3
"""A stand-in for qemu-system-x86_64 used by the runner's tests.

Controlled through environment variables:
  FAKE_QEMU_ARGV    write the argv it was given (JSON list, without argv[0]) here
  FAKE_QEMU_PID     write its process id here
  FAKE_QEMU_STDIN   write what it reads from its standard input here
  FAKE_QEMU_OUTPUT  fixture file whose text is written to stdout ("serial")
  FAKE_QEMU_CRLF    "1" (default): send lines with \\r\\n like a serial port
  FAKE_QEMU_STDERR  text written to stderr (like QEMU's own error messages)
  FAKE_QEMU_HANG    "1": after the output, sleep forever (a hung guest)
  FAKE_QEMU_EXIT    exit status (default 33 = the kernel wrote 0x10 to port 0xf4)
"""

import json
import os
import sys
import time


def main():
    env = os.environ
    if env.get("FAKE_QEMU_ARGV"):
        with open(env["FAKE_QEMU_ARGV"], "w", encoding="utf-8") as f:
            json.dump(sys.argv[1:], f)
    if env.get("FAKE_QEMU_PID"):
        with open(env["FAKE_QEMU_PID"], "w", encoding="utf-8") as f:
            f.write(str(os.getpid()))
    if env.get("FAKE_QEMU_STDIN"):
        with open(env["FAKE_QEMU_STDIN"], "wb") as f:
            f.write(sys.stdin.buffer.read())
    if env.get("FAKE_QEMU_OUTPUT"):
        with open(env["FAKE_QEMU_OUTPUT"], "rb") as f:
            data = f.read()
        if env.get("FAKE_QEMU_CRLF", "1") == "1":
            data = data.replace(b"\n", b"\r\n")
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    if env.get("FAKE_QEMU_STDERR"):
        sys.stderr.write(env["FAKE_QEMU_STDERR"])
        sys.stderr.flush()
    if env.get("FAKE_QEMU_HANG") == "1":
        while True:
            time.sleep(3600)
    return int(env.get("FAKE_QEMU_EXIT", "33"))


if __name__ == "__main__":
    sys.exit(main())
