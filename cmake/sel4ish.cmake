# Build your own root task against sel4ish from a directory outside this repository.
# Your CMakeLists.txt (docs/rootserver.md, examples/rootserver/ is a complete one):
#
#   cmake_minimum_required(VERSION 3.25)
#   include(${SEL4ISH_DIR}/cmake/sel4ish.cmake)   # before project(): selects Clang and LLD
#   project(myroot C ASM)
#   add_rootserver(myroot SOURCES main.c)         # myroot.elf against libsel4ish
#   sel4ish_add_run_target(myroot EXPECT "done")  # target run-myroot boots it under QEMU
#
# Included before project(), this file selects the toolchain (cmake/toolchain-clang.cmake) and a
# Debug build, and has project() load cmake/sel4ish-sdk.cmake, which builds the kernel,
# the generated headers and libsel4ish from this checkout into <build>/sel4ish and defines
# add_rootserver(), sel4ish_add_run_target() and sel4ish_iso().

include_guard(GLOBAL)
cmake_minimum_required(VERSION 3.25)

# The checkout this file is in (whatever path the caller used to find it).
get_filename_component(SEL4ISH_DIR ${CMAKE_CURRENT_LIST_DIR}/.. ABSOLUTE)

if(PROJECT_NAME)
    # project() already ran: load the SDK now (it checks that the compiler is Clang).
    include(${SEL4ISH_DIR}/cmake/sel4ish-sdk.cmake)
else()
    if(NOT CMAKE_TOOLCHAIN_FILE)
        set(CMAKE_TOOLCHAIN_FILE ${SEL4ISH_DIR}/cmake/toolchain-clang.cmake)
    endif()
    if(NOT CMAKE_BUILD_TYPE AND NOT CMAKE_CONFIGURATION_TYPES)
        set(CMAKE_BUILD_TYPE Debug CACHE STRING "Debug or Release (kernel and root task)")
    endif()
    # project() includes this file as its last step.
    set(CMAKE_PROJECT_INCLUDE ${SEL4ISH_DIR}/cmake/sel4ish-sdk.cmake)
endif()
