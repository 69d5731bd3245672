/* Untyped memory: the watermark arithmetic of Retype (host-compilable). */
#pragma once

#include <types.h>
#include <object/cap.h>

/* Where Retype would put count objects of 2^object_bits bytes in an untyped. */
typedef struct untyped_plan {
    bool fits;         /* false: NotEnoughMemory */
    word_t bytes_left; /* bytes from the (possibly reset) watermark to the end */
    paddr_t first;     /* address of the first object (aligned up from the watermark) */
    word_t new_offset; /* the watermark after the objects */
} untyped_plan_t;

/*
 * Plans a Retype: an untyped without children starts again from its base; the first object
 * is aligned up to its size; count objects fit when bytes_left >> object_bits >= count (the
 * untyped's end is aligned to any smaller object size, so alignment never loses a fit).
 */
untyped_plan_t untyped_plan(cap_t untyped, bool has_children, word_t object_bits, word_t count);
