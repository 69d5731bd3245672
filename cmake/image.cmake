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
# The demo system (roottask/system/): its last line, and the line the run targets type into COM2
# (the serial driver's port; --serial2 connects it to the terminal beside the kernel's COM1).
set(STATUS_LINE "system: all components done, status OK")
set(SYSTEM_INPUT "hello sel4ish")
set(SYSTEM_ARGS --serial2 --input ${SYSTEM_INPUT})

add_custom_target(run
    COMMAND ${Python3_EXECUTABLE} ${SEL4ISH_RUNNER} --iso ${CMAKE_BINARY_DIR}/sel4ish.iso
            ${SYSTEM_ARGS} --expect ${STATUS_LINE} --log ${CMAKE_BINARY_DIR}/run.log
    DEPENDS sel4ish-iso USES_TERMINAL VERBATIM)
add_custom_target(run-pvh
    COMMAND ${RUN_PVH} --module $<TARGET_FILE:roottask> ${SYSTEM_ARGS} --expect ${STATUS_LINE}
            --log ${CMAKE_BINARY_DIR}/run-pvh.log
    DEPENDS kernel roottask USES_TERMINAL VERBATIM)
add_custom_target(run-gdb
    COMMAND ${RUN_PVH} --module $<TARGET_FILE:roottask> ${SYSTEM_ARGS} --gdb
    DEPENDS kernel roottask USES_TERMINAL VERBATIM)

# The QEMU suite through PVH, its boot-path cases through GRUB (roottask/CMakeLists.txt), and
# the demo system through both, its trace checked component by component
# (tests/system/check_trace.py adds SYSTEM_ARGS).
set(CHECK_TRACE ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/system/check_trace.py
    --input ${SYSTEM_INPUT} -- ${Python3_EXECUTABLE} ${SEL4ISH_RUNNER}
    --timeout ${SEL4ISH_QEMU_TIMEOUT})
add_test(NAME qemu.pvh COMMAND ${RUN_PVH} --module $<TARGET_FILE:testsuite> --mode test
    --quiet --timeout ${SEL4ISH_QEMU_TIMEOUT} --log ${CMAKE_BINARY_DIR}/qemu-pvh.log)
add_test(NAME qemu.system COMMAND ${CHECK_TRACE} --kernel $<TARGET_FILE:kernel>
    --module $<TARGET_FILE:roottask> --log ${CMAKE_BINARY_DIR}/qemu-system.log)
set_tests_properties(qemu.pvh qemu.system PROPERTIES LABELS qemu)
if(GRUB_MKRESCUE)
    add_test(NAME qemu.grub COMMAND ${Python3_EXECUTABLE} ${SEL4ISH_RUNNER}
        --iso ${CMAKE_BINARY_DIR}/bootsuite.iso --mode test --quiet
        --timeout ${SEL4ISH_QEMU_TIMEOUT} --log ${CMAKE_BINARY_DIR}/qemu-grub.log)
    add_test(NAME qemu.system-grub COMMAND ${CHECK_TRACE} --iso ${CMAKE_BINARY_DIR}/sel4ish.iso
        --log ${CMAKE_BINARY_DIR}/qemu-system-grub.log)
    set_tests_properties(qemu.grub qemu.system-grub PROPERTIES LABELS qemu)
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
