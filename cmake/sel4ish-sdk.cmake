# The sel4ish SDK for out-of-tree root tasks, loaded through cmake/sel4ish.cmake (read that
# first). Builds the kernel, capgen's headers, the libsel4ish runtime and the allocator library
# from the checkout SEL4ISH_DIR into ${CMAKE_BINARY_DIR}/sel4ish, and defines add_rootserver(),
# sel4ish_add_run_target() and sel4ish_iso(). Runs once, at the top level of the project.

include_guard(GLOBAL)

if(NOT CMAKE_C_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "sel4ish needs Clang: include(sel4ish.cmake) before project(), or "
        "configure with -DCMAKE_TOOLCHAIN_FILE=${SEL4ISH_DIR}/cmake/toolchain-clang.cmake")
endif()
enable_language(ASM)
# SEL4ISH_TARGET_TRIPLE, when project() ran without the toolchain file (its other settings, cache
# entries that project() has already filled, change nothing then).
include(${SEL4ISH_DIR}/cmake/toolchain-clang.cmake)

option(SEL4ISH_DEBUG "Debug kernel: fault messages, debug system calls, self-test hooks" ON)
find_package(Python3 COMPONENTS Interpreter REQUIRED)
set(SEL4ISH_RUNNER ${SEL4ISH_DIR}/tools/run.py CACHE INTERNAL "sel4ish QEMU runner")

include(${SEL4ISH_DIR}/cmake/freestanding.cmake) # sel4ish_user_flags(), sel4ish_static_link()
include(${SEL4ISH_DIR}/cmake/run.cmake)          # sel4ish_iso(), sel4ish_add_run_target()

# capgen, libsel4ish (which defines add_rootserver()) and the kernel, as in the checkout's own
# build. capgen.cmake names the interface spec and its output directory from CMAKE_SOURCE_DIR
# and CMAKE_BINARY_DIR, so inside this function those two point at the checkout and at
# <build>/sel4ish; the project's own values are untouched outside it.
function(_sel4ish_add_sdk)
    set(CMAKE_C_STANDARD 11)
    set(CMAKE_C_EXTENSIONS OFF)
    set(BUILD_TESTING OFF)
    set(sdk_binary_dir ${CMAKE_BINARY_DIR}/sel4ish)
    set(CMAKE_SOURCE_DIR ${SEL4ISH_DIR})
    set(CMAKE_BINARY_DIR ${sdk_binary_dir})
    include(${SEL4ISH_DIR}/tools/capgen/capgen.cmake)
    add_subdirectory(${SEL4ISH_DIR}/libsel4ish ${sdk_binary_dir}/libsel4ish)
    add_subdirectory(${SEL4ISH_DIR}/kernel ${sdk_binary_dir}/kernel)
endfunction()
_sel4ish_add_sdk()
