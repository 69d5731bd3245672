# Boot helpers shared by the in-tree build (cmake/image.cmake) and out-of-tree root tasks
# (cmake/sel4ish-sdk.cmake): GRUB rescue images and targets that boot a root task under QEMU
# through tools/run.py. Needs the `kernel` target, Python3_EXECUTABLE and SEL4ISH_RUNNER.

include_guard(GLOBAL)

find_program(GRUB_MKRESCUE grub-mkrescue)
set(SEL4ISH_KERNEL_CMDLINE "" CACHE STRING "Kernel command line in boot images")

# sel4ish_iso(<name> <roottask target>): builds <name>.iso, a GRUB rescue image that boots the
# kernel with Multiboot2 and passes the root task as a module (target <name>-iso, built by
# default). Needs grub-mkrescue (tools/setup.sh installs it).
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

# sel4ish_add_run_target(<roottask> [EXPECT <text>] [TIMEOUT <seconds>] [ISO]):
#   run-<roottask>      boots the kernel with the root task as its boot module (PVH, no GRUB),
#                       streams the serial line and fails if the kernel panics, the system does
#                       not halt within TIMEOUT (default 60) or EXPECT text is not printed
#   ISO adds <roottask>.iso (GRUB rescue image) and run-<roottask>-iso, which boots it.
function(sel4ish_add_run_target roottask)
    cmake_parse_arguments(PARSE_ARGV 1 ARG "ISO" "EXPECT;TIMEOUT" "")
    if(NOT ARG_TIMEOUT)
        set(ARG_TIMEOUT 60)
    endif()
    set(runner ${Python3_EXECUTABLE} ${SEL4ISH_RUNNER} --timeout ${ARG_TIMEOUT})
    if(ARG_EXPECT)
        list(APPEND runner --expect ${ARG_EXPECT})
    endif()
    add_custom_target(run-${roottask}
        COMMAND ${runner} --kernel $<TARGET_FILE:kernel> --module $<TARGET_FILE:${roottask}>
        DEPENDS kernel ${roottask} USES_TERMINAL VERBATIM)
    if(ARG_ISO)
        if(NOT GRUB_MKRESCUE)
            message(FATAL_ERROR "sel4ish_add_run_target(${roottask} ISO): no grub-mkrescue")
        endif()
        sel4ish_iso(${roottask} ${roottask})
        add_custom_target(run-${roottask}-iso
            COMMAND ${runner} --iso ${CMAKE_BINARY_DIR}/${roottask}.iso
            DEPENDS ${roottask}-iso USES_TERMINAL VERBATIM)
    endif()
endfunction()
