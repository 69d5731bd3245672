#!/usr/bin/env bash
# Configures, builds and runs every test (the `test` workflow preset), then prints one summary:
# host and tool tests are counted per ctest test, the QEMU suite per test case. The last line
# is `N passed, M failed`; the exit status is the workflow's.
set -uo pipefail
cd "$(dirname "$0")/.."

build=build/debug
mkdir -p build
cmake --workflow --preset test 2>&1 | tee build/test-output.log
status=${PIPESTATUS[0]}
python3 tools/summarise_tests.py build/test-output.log "$build/qemu-pvh.log" "$build/qemu-grub.log"
summary=$?
[ "$status" -ne 0 ] && exit "$status"
exit "$summary"
