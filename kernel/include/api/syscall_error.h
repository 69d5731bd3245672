/*
 * Errors of system calls: the seL4_Error code a decoder returns, and the details the kernel
 * sends back in the reply's message registers (argument index, range, lookup failure, bytes).
 */
#pragma once

#include <types.h>
#include <gen/errors.h>
#include <api/invocation.h>
#include <kernel/cspace.h>

typedef struct syscall_error {
    word_t invalid_argument; /* seL4_InvalidArgument: index of the argument */
    word_t invalid_cap;      /* seL4_InvalidCapability: index of the capability argument */
    word_t range_min, range_max;
    bool lookup_was_source; /* seL4_FailedLookup: the source (1) or destination (0) failed */
    lookup_fault_t lookup;
    word_t memory_left; /* seL4_NotEnoughMemory: bytes the untyped has left */
} syscall_error_t;

/* Details of the error being returned by the current invocation. */
extern syscall_error_t current_syscall_error;

/* Each returns its error code after recording the details, so a decoder can write
 * `return syscall_error_range(0, 255);`. */
exception_t syscall_error_invalid_argument(word_t index);
exception_t syscall_error_invalid_cap(word_t index);
exception_t syscall_error_range(word_t min, word_t max);
exception_t syscall_error_failed_lookup(bool source, lookup_fault_t fault);
exception_t syscall_error_not_enough_memory(word_t bytes_left);

/* Writes the reply of a failed invocation: label = error, details in the message registers. */
void syscall_error_reply(exception_t error);
