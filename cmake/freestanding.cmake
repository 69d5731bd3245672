# Helpers that turn a target into freestanding x86_64 code: the kernel and user-level programs.

set(SEL4ISH_C_ONLY -std=c11 -ffreestanding -fno-builtin -fno-stack-protector
    -fno-asynchronous-unwind-tables -fno-omit-frame-pointer -Wall -Wextra -Werror)

# sel4ish_kernel_flags(<target>): kernel code model, no red zone, no SSE in the kernel.
function(sel4ish_kernel_flags target)
    target_compile_options(${target} PRIVATE --target=${SEL4ISH_TARGET_TRIPLE} -fno-pic -fno-pie
        -mcmodel=kernel -mno-red-zone -mno-mmx -mno-sse -mno-sse2 -mno-avx
        $<$<COMPILE_LANGUAGE:C>:${SEL4ISH_C_ONLY} -mgeneral-regs-only>)
endfunction()

# sel4ish_user_flags(<target>): user-level code (libsel4ish, root tasks): small code model.
function(sel4ish_user_flags target)
    target_compile_options(${target} PRIVATE --target=${SEL4ISH_TARGET_TRIPLE} -fno-pic -fno-pie
        -mcmodel=small $<$<COMPILE_LANGUAGE:C>:${SEL4ISH_C_ONLY}>)
endfunction()

# sel4ish_static_link(<target> <linker script>): a static, libc-free ELF linked with LLD.
function(sel4ish_static_link target script)
    target_link_options(${target} PRIVATE --target=${SEL4ISH_TARGET_TRIPLE} -fuse-ld=lld
        -nostdlib -static -Wl,--build-id=none -Wl,-T,${script} -Wl,-z,max-page-size=4096)
    set_target_properties(${target} PROPERTIES LINK_DEPENDS ${script} SUFFIX ".elf")
endfunction()
