/* SCHED: the timer tick shares the CPU round robin between threads of one priority. */
#include "support.h"
#include "test.h"
#include "test_thread.h"

#define N_SPINNERS    2
#define SPIN_SWITCHES 3           /* times each spinner must see the other run in between */
#define SPIN_LIMIT    (1ul << 27) /* iterations before a spinner gives up */
#define STACK_SIZE    8192

typedef struct spinner {
    volatile uint64_t count;    /* iterations so far */
    volatile uint64_t *other;   /* the other spinner's count */
    volatile uint64_t switches; /* times the other made progress while this one was off CPU */
    test_thread_t thread;
} spinner_t;

static uint8_t stacks[N_SPINNERS][STACK_SIZE] __attribute__((aligned(16)));
static spinner_t spinners[N_SPINNERS];
static test_sync_t sync;

/* Counts up without ever entering the kernel until the other spinner has made progress
 * SPIN_SWITCHES separate times (only the timer can have switched between them) or
 * SPIN_LIMIT iterations passed. */
static void spinner_main(seL4_Word arg)
{
    spinner_t *s = (spinner_t *)arg;
    uint64_t last = *s->other, seen = 0;
    for (uint64_t i = 0; i < SPIN_LIMIT && seen < SPIN_SWITCHES; i++) {
        s->count++;
        uint64_t v = *s->other;
        if (v != last) {
            last = v;
            seen++;
        }
    }
    s->count++; /* the last check may have come first in a slice: progress the other sees */
    s->switches = seen;
    test_thread_finish(&sync);
}

static void test_round_robin(void)
{
    if (!test_sync_init(&sync)) {
        return;
    }
    for (unsigned k = 0; k < N_SPINNERS; k++) {
        spinners[k].count = 0;
        spinners[k].switches = 0;
        spinners[k].other = &spinners[(k + 1) % N_SPINNERS].count;
    }
    unsigned started = 0;
    for (unsigned k = 0; k < N_SPINNERS; k++) {
        started += test_thread_start(&spinners[k].thread, spinner_main, (seL4_Word)&spinners[k],
                                     stacks[k] + STACK_SIZE, TEST_THREAD_PRIO);
    }
    if (started == N_SPINNERS) {
        test_sync_wait(&sync, N_SPINNERS);
        for (unsigned k = 0; k < N_SPINNERS; k++) {
            CHECK_EQ(spinners[k].switches, SPIN_SWITCHES);
        }
    }
    for (unsigned k = 0; k < N_SPINNERS; k++) {
        test_thread_destroy(&spinners[k].thread);
    }
}
DEFINE_TEST(SCHED0001, "equal-priority threads that never yield share the CPU by the timer tick",
            test_round_robin);
