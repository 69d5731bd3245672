# Boot images (GRUB rescue ISOs), the run/debug targets, and the QEMU tests driven by
# tools/run.py. Included from the top level after the kernel, the root tasks and tools/
# (which defines SEL4ISH_RUNNER and sel4ish_add_runner_test()).

include(${CMAKE_CURRENT_LIST_DIR}/run.cmake) # sel4ish_iso(), GRUB_MKRESCUE

if(NOT GRUB_MKRESCUE)
    message(WARNING "grub-mkrescue not found: no ISO images (run tools/setup.sh)")
else()
    sel4ish_iso(sel4ish roottask)
    sel4ish_iso(bootsuite bootsuite)
endif()

set(RUN_PVH ${Python3_EXECUTABLE} ${SEL4ISH_RUNNER} --kernel $<TARGET_FILE:kernel>)
set(GREETING "hello from user level")

add_custom_target(run
    COMMAND ${Python3_EXECUTABLE} ${SEL4ISH_RUNNER} --iso ${CMAKE_BINARY_DIR}/sel4ish.iso
            --expect ${GREETING} --log ${CMAKE_BINARY_DIR}/run.log
    DEPENDS sel4ish-iso USES_TERMINAL VERBATIM)
add_custom_target(run-pvh
    COMMAND ${RUN_PVH} --module $<TARGET_FILE:roottask> --expect ${GREETING}
            --log ${CMAKE_BINARY_DIR}/run-pvh.log
    DEPENDS kernel roottask USES_TERMINAL VERBATIM)
add_custom_target(run-gdb
    COMMAND ${RUN_PVH} --module $<TARGET_FILE:roottask> --gdb
    DEPENDS kernel roottask USES_TERMINAL VERBATIM)

# The QEMU suite through PVH, its boot-path cases through GRUB (roottask/CMakeLists.txt), and
# the default image's greeting through both.
add_test(NAME qemu.pvh COMMAND ${RUN_PVH} --module $<TARGET_FILE:testsuite> --mode test
    --quiet --timeout ${SEL4ISH_QEMU_TIMEOUT} --log ${CMAKE_BINARY_DIR}/qemu-pvh.log)
add_test(NAME qemu.run-pvh COMMAND ${RUN_PVH} --module $<TARGET_FILE:roottask>
    --expect ${GREETING} --quiet --timeout ${SEL4ISH_QEMU_TIMEOUT})
if(GRUB_MKRESCUE)
    add_test(NAME qemu.grub COMMAND ${Python3_EXECUTABLE} ${SEL4ISH_RUNNER}
        --iso ${CMAKE_BINARY_DIR}/bootsuite.iso --mode test --quiet
        --timeout ${SEL4ISH_QEMU_TIMEOUT} --log ${CMAKE_BINARY_DIR}/qemu-grub.log)
    add_test(NAME qemu.run-grub COMMAND ${Python3_EXECUTABLE} ${SEL4ISH_RUNNER}
        --iso ${CMAKE_BINARY_DIR}/sel4ish.iso --expect ${GREETING} --quiet
        --timeout ${SEL4ISH_QEMU_TIMEOUT})
endif()

# The runner proves it fails: a failing case, a kernel exception, a hang.
set(PVH_ARGS --kernel $<TARGET_FILE:kernel> --mode test)
sel4ish_add_runner_test(runner.fails-on-failing-test STATUS 1
    MATCH "TEST FAIL SELFTEST0002" "runner: 1 failing test" "1 passed, 1 failed$"
    RUNNER_ARGS ${PVH_ARGS} --module $<TARGET_FILE:selftest-fail> --timeout 30)
sel4ish_add_runner_test(runner.fails-on-hang STATUS 3
    MATCH "TIMEOUT after 4 s" "0 passed, 1 failed$"
    RUNNER_ARGS ${PVH_ARGS} --module $<TARGET_FILE:selftest-hang> --timeout 4)
if(SEL4ISH_DEBUG)
    sel4ish_add_runner_test(runner.fails-on-kernel-exception STATUS 2
        MATCH "KERNEL EXCEPTION: vector 6 \\(#UD invalid opcode\\)" "rip [0-9a-f]{16}"
              "cr0 [0-9a-f]{16}"
        RUNNER_ARGS ${PVH_ARGS} --module $<TARGET_FILE:testsuite> --timeout 30
                    --append selftest=kernel-exception)
endif()
