/*
 * The benchmark's results: figures (median, minimum, maximum and count of their samples) kept
 * until the end of the run and then printed on the serial line, one per line:
 *
 *     BENCH {"name": "...", "kind": "ipc", "median": 211, "min": 211, "max": 2905,
 *            "count": 128, "overhead": 19}
 *     BENCH DONE 42
 *
 * (each on one line), which tools/bench.py parses. Nothing is printed while measuring, so the
 * serial line cannot disturb a measurement.
 */
#pragma once

#include <stdint.h>

#include <sel4/sel4.h>

/* The most figures one run records. */
#define BENCH_MAX_FIGURES 64

/* Records a figure from n samples (the overhead already subtracted; sorts samples in place).
 * kind: "ipc", "overhead" or "object"; overhead: what was subtracted from each sample. */
void bench_figure(const char *name, const char *kind, int64_t *samples, unsigned n,
                  uint64_t overhead);

/* The smallest of n samples. */
int64_t bench_min(const int64_t *samples, unsigned n);

/* Prints every figure recorded, then "BENCH DONE <count>". */
void bench_print_figures(void);

/* Prints "BENCH ERROR <what>: <value>" and halts the machine (tools/bench.py then fails). */
_Noreturn void bench_fail(const char *what, seL4_Word value);

/* Halts through bench_fail() when err is not seL4_NoError. */
static inline void bench_check(seL4_Error err, const char *what)
{
    if (err != seL4_NoError) {
        bench_fail(what, (seL4_Word)err);
    }
}
