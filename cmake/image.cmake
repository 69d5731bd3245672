# Boot images (GRUB rescue ISOs), the run/debug targets, and the QEMU tests driven by
# tools/run.py. Included from the top level after the kernel and root tasks are defined.

find_program(GRUB_MKRESCUE grub-mkrescue)
set(SEL4ISH_RUNNER ${CMAKE_SOURCE_DIR}/tools/run.py)
set(SEL4ISH_EXPECT ${CMAKE_SOURCE_DIR}/tools/tests/expect.py)
set(SEL4ISH_KERNEL_CMDLINE "" CACHE STRING "Kernel command line in boot images")

# sel4ish_iso(<name> <roottask target>): builds <name>.iso, a GRUB rescue image that boots the
# kernel with Multiboot2 and passes the root task as a module.
function(sel4ish_iso name roottask)
    set(dir ${CMAKE_BINARY_DIR}/iso/${name})
    set(iso ${CMAKE_BINARY_DIR}/${name}.iso)
    file(MAKE_DIRECTORY ${dir}/boot/grub)
    file(WRITE ${dir}/boot/grub/grub.cfg
        "set timeout=0\nset default=0\n"
        "menuentry \"sel4ish\" {\n"
        "    multiboot2 /boot/kernel.elf ${SEL4ISH_KERNEL_CMDLINE}\n"
        "    module2 /boot/roottask.elf roottask\n"
        "    boot\n}\n")
    add_custom_command(OUTPUT ${iso}
        COMMAND ${CMAKE_COMMAND} -E copy $<TARGET_FILE:kernel> ${dir}/boot/kernel.elf
        COMMAND ${CMAKE_COMMAND} -E copy $<TARGET_FILE:${roottask}> ${dir}/boot/roottask.elf
        COMMAND ${GRUB_MKRESCUE} -o ${iso} ${dir} > ${CMAKE_BINARY_DIR}/iso/${name}.log 2>&1
        DEPENDS kernel ${roottask}
        COMMENT "GRUB rescue image ${name}.iso"
        VERBATIM)
    add_custom_target(${name}-iso ALL DEPENDS ${iso})
endfunction()

if(NOT GRUB_MKRESCUE)
    message(WARNING "grub-mkrescue not found: no ISO images (run tools/setup.sh)")
else()
    sel4ish_iso(sel4ish roottask)
    sel4ish_iso(testsuite testsuite)
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

# The QEMU suite through both boot paths, and the default image's greeting.
add_test(NAME qemu.pvh COMMAND ${RUN_PVH} --module $<TARGET_FILE:testsuite> --mode test
    --quiet --timeout ${SEL4ISH_QEMU_TIMEOUT} --log ${CMAKE_BINARY_DIR}/qemu-pvh.log)
add_test(NAME qemu.run-pvh COMMAND ${RUN_PVH} --module $<TARGET_FILE:roottask>
    --expect ${GREETING} --quiet --timeout ${SEL4ISH_QEMU_TIMEOUT})
if(GRUB_MKRESCUE)
    add_test(NAME qemu.grub COMMAND ${Python3_EXECUTABLE} ${SEL4ISH_RUNNER}
        --iso ${CMAKE_BINARY_DIR}/testsuite.iso --mode test --quiet
        --timeout ${SEL4ISH_QEMU_TIMEOUT} --log ${CMAKE_BINARY_DIR}/qemu-grub.log)
    add_test(NAME qemu.run-grub COMMAND ${Python3_EXECUTABLE} ${SEL4ISH_RUNNER}
        --iso ${CMAKE_BINARY_DIR}/sel4ish.iso --expect ${GREETING} --quiet
        --timeout ${SEL4ISH_QEMU_TIMEOUT})
endif()

# The runner proves it fails: a failing case, a kernel exception, a hang.
set(EXPECT ${Python3_EXECUTABLE} ${SEL4ISH_EXPECT})
add_test(NAME runner.fails-on-failing-test COMMAND ${EXPECT} --status 1
    --match "TEST FAIL SELFTEST0002" --match "1 passed, 1 failed"
    -- ${RUN_PVH} --module $<TARGET_FILE:selftest-fail> --mode test --timeout 30)
add_test(NAME runner.fails-on-hang COMMAND ${EXPECT} --status 3 --match "TIMEOUT"
    -- ${RUN_PVH} --module $<TARGET_FILE:selftest-hang> --mode test --timeout 4)
if(SEL4ISH_DEBUG)
    add_test(NAME runner.fails-on-kernel-exception COMMAND ${EXPECT} --status 2
        --match "KERNEL EXCEPTION: vector 6" --match "rip "
        -- ${RUN_PVH} --module $<TARGET_FILE:testsuite> --mode test --timeout 30
           --append selftest=kernel-exception)
endif()
