/*
 * The sel4ish user API, source compatible with seL4's libsel4 for x86-64 (non-MCS): types and
 * constants, IPC buffer access, system call wrappers and one stub per kernel object method.
 * Freestanding: needs only the compiler's <stdint.h>.
 */
#pragma once

#include <sel4/macros.h>
#include <sel4/simple_types.h>
#include <sel4/types.h>
#include <sel4/bootinfo_types.h>
#include <sel4/bootinfo.h>
#include <sel4/functions.h>
#include <sel4/syscalls.h>
#include <sel4/gen/invocation.h>

#define SEL4ISH_CLIENT_PREREQUISITES 1
#include <sel4/gen/client.h>
