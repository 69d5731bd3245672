# Toolchain: Clang and LLD for everything. Host-side tools and tests use the host target;
# kernel, libsel4ish and root tasks are compiled for freestanding x86_64 ELF through the flags
# that cmake/freestanding.cmake attaches per target (SEL4ISH_TARGET_TRIPLE below).
set(CMAKE_C_COMPILER clang CACHE STRING "C compiler")
set(CMAKE_ASM_COMPILER clang CACHE STRING "Assembler (through the clang driver)")
set(SEL4ISH_TARGET_TRIPLE x86_64-unknown-none-elf CACHE STRING "Target of freestanding code")
