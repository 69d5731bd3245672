/* Frames (4 KiB, 2 MiB and 1 GiB pages): what the rest of the kernel needs besides the
 * invocations. */
#pragma once

#include <types.h>
#include <object/cap.h>

/*
 * Removes the mapping a frame capability records, if the entry at its address still maps this
 * frame (a stale record is left alone), and invalidates the translation. The capability itself
 * is not changed. Cannot fail.
 */
void frame_unmap(cap_t frame);
