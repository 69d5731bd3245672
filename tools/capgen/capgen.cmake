# capgen: generates the kernel's invocation decoders, libsel4ish's headers and the API reference
# from the interface spec (api/*.xml), and registers capgen's own tests (ctest -R capgen).
# include()d from the top-level CMakeLists.txt, before the kernel and libsel4ish.
#
# Provides:
#   target capgen                      all generated files (built by default)
#   target api-docs                    ${CMAKE_BINARY_DIR}/docs/api-reference.md
#   INTERFACE capgen_kernel_headers    include dir with gen/*.h for the kernel
#   INTERFACE capgen_libsel4ish_headers  libsel4ish/include + generated sel4/gen/*.h
#   CAPGEN_KERNEL_SOURCES              generated kernel .c files (gen/decode.c)
#   CAPGEN_KERNEL_INCLUDE_DIR, CAPGEN_USER_INCLUDE_DIR, CAPGEN_DOCS

find_package(Python3 COMPONENTS Interpreter REQUIRED)

set(CAPGEN_DIR ${CMAKE_CURRENT_LIST_DIR})
set(CAPGEN_SPEC ${CMAKE_SOURCE_DIR}/api/sel4ish.xml)
set(CAPGEN_OUT ${CMAKE_BINARY_DIR}/generated)
set(CAPGEN_KERNEL_INCLUDE_DIR ${CAPGEN_OUT}/kernel)
set(CAPGEN_USER_INCLUDE_DIR ${CAPGEN_OUT}/libsel4ish/include)
set(CAPGEN_DOCS ${CMAKE_BINARY_DIR}/docs/api-reference.md)

file(GLOB CAPGEN_SPEC_FILES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/api/*.xml)
file(GLOB CAPGEN_SCRIPTS CONFIGURE_DEPENDS ${CAPGEN_DIR}/*.py)

set(CAPGEN_KERNEL_HEADERS)
foreach(name syscall invocation_label errors object_types constants structures decode)
    list(APPEND CAPGEN_KERNEL_HEADERS ${CAPGEN_KERNEL_INCLUDE_DIR}/gen/${name}.h)
endforeach()
set(CAPGEN_KERNEL_SOURCES ${CAPGEN_KERNEL_INCLUDE_DIR}/gen/decode.c)
set(CAPGEN_USER_HEADERS)
foreach(name constants structures invocation client)
    list(APPEND CAPGEN_USER_HEADERS ${CAPGEN_USER_INCLUDE_DIR}/sel4/gen/${name}.h)
endforeach()

add_custom_command(
    OUTPUT ${CAPGEN_KERNEL_HEADERS} ${CAPGEN_KERNEL_SOURCES} ${CAPGEN_USER_HEADERS}
    COMMAND ${Python3_EXECUTABLE} ${CAPGEN_DIR}/capgen.py ${CAPGEN_SPEC}
            --kernel-out ${CAPGEN_KERNEL_INCLUDE_DIR} --user-out ${CAPGEN_USER_INCLUDE_DIR}
    DEPENDS ${CAPGEN_SPEC_FILES} ${CAPGEN_SCRIPTS}
    COMMENT "capgen: kernel decoders and libsel4ish headers from api/*.xml"
    VERBATIM)
add_custom_command(
    OUTPUT ${CAPGEN_DOCS}
    COMMAND ${Python3_EXECUTABLE} ${CAPGEN_DIR}/capgen.py ${CAPGEN_SPEC} --docs-out ${CAPGEN_DOCS}
    DEPENDS ${CAPGEN_SPEC_FILES} ${CAPGEN_SCRIPTS}
    COMMENT "capgen: API reference from api/*.xml"
    VERBATIM)

add_custom_target(capgen ALL
    DEPENDS ${CAPGEN_KERNEL_HEADERS} ${CAPGEN_KERNEL_SOURCES} ${CAPGEN_USER_HEADERS} ${CAPGEN_DOCS})
add_custom_target(api-docs DEPENDS ${CAPGEN_DOCS})

add_library(capgen_kernel_headers INTERFACE)
target_include_directories(capgen_kernel_headers INTERFACE ${CAPGEN_KERNEL_INCLUDE_DIR})
add_dependencies(capgen_kernel_headers capgen)

add_library(capgen_libsel4ish_headers INTERFACE)
target_include_directories(capgen_libsel4ish_headers INTERFACE
    ${CMAKE_SOURCE_DIR}/libsel4ish/include ${CAPGEN_USER_INCLUDE_DIR})
add_dependencies(capgen_libsel4ish_headers capgen)

# ---- Tests: python unittest modules under tools/capgen/tests, one ctest per behaviour ----
if(BUILD_TESTING)
    set(CAPGEN_TEST_ENV
        CAPGEN_CC=${CMAKE_C_COMPILER}
        CAPGEN_KERNEL_INCLUDE=${CMAKE_SOURCE_DIR}/kernel/include
        PYTHONDONTWRITEBYTECODE=1)

    # capgen_add_test(<ctest name> <module.Class[.method]>)
    function(capgen_add_test name unittest_id)
        add_test(NAME capgen.${name}
            COMMAND ${Python3_EXECUTABLE} -m unittest -v ${unittest_id}
            WORKING_DIRECTORY ${CAPGEN_DIR}/tests)
        set_tests_properties(capgen.${name} PROPERTIES
            ENVIRONMENT "${CAPGEN_TEST_ENV}" LABELS capgen)
    endfunction()

    add_test(NAME capgen.spec_valid
        COMMAND ${Python3_EXECUTABLE} ${CAPGEN_DIR}/capgen.py ${CAPGEN_SPEC} --check)
    capgen_add_test(golden test_golden.GoldenTest)
    file(GLOB capgen_bad_specs CONFIGURE_DEPENDS ${CAPGEN_DIR}/tests/bad/*.xml)
    foreach(bad ${capgen_bad_specs})
        get_filename_component(rule ${bad} NAME_WE)
        capgen_add_test(reject.${rule} test_reject.RejectTest.test_${rule})
    endforeach()
    capgen_add_test(compile.user_target test_compile.UserHeaders.test_target)
    capgen_add_test(compile.user_host test_compile.UserHeaders.test_host)
    capgen_add_test(compile.kernel_target test_compile.KernelDecoders.test_target)
    capgen_add_test(kernel_decode_host test_compile.KernelDecoders.test_host_decode)
    capgen_add_test(kernel_dispatch_host test_compile.KernelDecoders.test_host_dispatch_implemented)
    capgen_add_test(add_method test_add_method.AddMethodTest)
    capgen_add_test(abi_pins.spec test_abi_pins.AbiPins)
endif()
