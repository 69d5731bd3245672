/* FPU: each thread keeps its own x87/SSE state across Yield and timer preemption, and a new
 * thread starts with the power-on defaults. */
#include <stddef.h>

#include "support.h"
#include "test.h"
#include "test_thread.h"

#define N_YIELD_THREADS 3
#define N_YIELDS        500
#define N_SPIN_THREADS  2
#define SPIN_SWITCHES   3           /* times each spinner must see the other run in between */
#define SPIN_LIMIT      (1ul << 27) /* iterations before a spinner gives up */
#define STACK_SIZE      8192

/*
 * The FPU values a worker loads and the ones it finds at the end, in one layout: XMM0-15,
 * MXCSR, the x87 control word, and three integers pushed on the x87 stack.
 */
typedef struct fpu_values {
    uint64_t xmm[16][2]; /* 0 */
    uint32_t mxcsr;      /* 256 */
    uint16_t fcw;        /* 260 */
    uint16_t pad;
    int64_t st[3]; /* 264: pushed in order, so st[2] ends in ST(0) */
} fpu_values_t;

/* One worker. The assembly below uses the offsets in the comments. */
typedef struct fpu_worker {
    fpu_values_t in;           /* 0 */
    fpu_values_t out;          /* 288 */
    uint64_t rounds;           /* 576: yields, or the spin limit */
    uint64_t switches;         /* 584: out: times another thread ran in between */
    volatile uint64_t *shared; /* 592: last runner (yield) / the other's count (spin) */
    uint64_t id;               /* 600 */
    volatile uint64_t count;   /* 608: spin iterations so far */
    test_sync_t *sync;
    test_thread_t thread;
} fpu_worker_t;

_Static_assert(sizeof(fpu_values_t) == 288, "layout used by the assembly");
_Static_assert(offsetof(fpu_worker_t, out) == 288, "layout used by the assembly");
_Static_assert(offsetof(fpu_worker_t, rounds) == 576, "layout used by the assembly");
_Static_assert(offsetof(fpu_worker_t, switches) == 584, "layout used by the assembly");
_Static_assert(offsetof(fpu_worker_t, shared) == 592, "layout used by the assembly");
_Static_assert(offsetof(fpu_worker_t, id) == 600, "layout used by the assembly");
_Static_assert(offsetof(fpu_worker_t, count) == 608, "layout used by the assembly");

static uint8_t stacks[N_YIELD_THREADS][STACK_SIZE] __attribute__((aligned(16)));

/* Loads the FPU from the fpu_values_t at %0 / stores it to the one at 288(%0). */
#define FPU_LOAD                                                                                   \
    "movdqu 0(%0), %%xmm0\n movdqu 16(%0), %%xmm1\n movdqu 32(%0), %%xmm2\n"                       \
    "movdqu 48(%0), %%xmm3\n movdqu 64(%0), %%xmm4\n movdqu 80(%0), %%xmm5\n"                      \
    "movdqu 96(%0), %%xmm6\n movdqu 112(%0), %%xmm7\n movdqu 128(%0), %%xmm8\n"                    \
    "movdqu 144(%0), %%xmm9\n movdqu 160(%0), %%xmm10\n movdqu 176(%0), %%xmm11\n"                 \
    "movdqu 192(%0), %%xmm12\n movdqu 208(%0), %%xmm13\n movdqu 224(%0), %%xmm14\n"                \
    "movdqu 240(%0), %%xmm15\n"                                                                    \
    "ldmxcsr 256(%0)\n fldcw 260(%0)\n fildq 264(%0)\n fildq 272(%0)\n fildq 280(%0)\n"
#define FPU_STORE                                                                                  \
    "movdqu %%xmm0, 288(%0)\n movdqu %%xmm1, 304(%0)\n movdqu %%xmm2, 320(%0)\n"                   \
    "movdqu %%xmm3, 336(%0)\n movdqu %%xmm4, 352(%0)\n movdqu %%xmm5, 368(%0)\n"                   \
    "movdqu %%xmm6, 384(%0)\n movdqu %%xmm7, 400(%0)\n movdqu %%xmm8, 416(%0)\n"                   \
    "movdqu %%xmm9, 432(%0)\n movdqu %%xmm10, 448(%0)\n movdqu %%xmm11, 464(%0)\n"                 \
    "movdqu %%xmm12, 480(%0)\n movdqu %%xmm13, 496(%0)\n movdqu %%xmm14, 512(%0)\n"                \
    "movdqu %%xmm15, 528(%0)\n"                                                                    \
    "stmxcsr 544(%0)\n fnstcw 548(%0)\n fistpq 568(%0)\n fistpq 560(%0)\n fistpq 552(%0)\n"        \
    "fninit\n"
#define FPU_CLOBBERS                                                                               \
    "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",       \
        "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "memory", "cc"

/* Worker: loads its values, yields `rounds` times counting the yields after which another
 * thread had run, stores what the FPU then holds and finishes. */
static void yield_worker(seL4_Word arg)
{
    fpu_worker_t *w = (fpu_worker_t *)arg;
    __asm__ volatile(FPU_LOAD "mov 576(%0), %%r12\n"
                              "xor %%r14, %%r14\n"
                              "1: mov 592(%0), %%rax\n"
                              "mov 600(%0), %%rcx\n"
                              "mov %%rcx, (%%rax)\n"
                              "mov %%rsp, %%rbx\n"
                              "mov $-7, %%rdx\n" /* seL4_SysYield */
                              "syscall\n"
                              "mov %%rbx, %%rsp\n"
                              "mov 592(%0), %%rax\n"
                              "mov (%%rax), %%rax\n"
                              "cmp 600(%0), %%rax\n"
                              "je 2f\n"
                              "inc %%r14\n"
                              "2: dec %%r12\n"
                              "jnz 1b\n"
                              "mov %%r14, 584(%0)\n" FPU_STORE
                     :
                     : "r"(w)
                     : "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12",
                       "r14", "r15", FPU_CLOBBERS);
    test_thread_finish(w->sync);
}

/* Worker: loads its values, spins (no system call) until it has seen the other spinner make
 * progress SPIN_SWITCHES separate times, or `rounds` iterations passed, then stores what the
 * FPU holds and finishes. Only the timer can take the CPU away from it. It counts once more
 * on the way out: its last check may come first in a time slice, and the other spinner must
 * still see it make progress in that slice. */
static void spin_worker(seL4_Word arg)
{
    fpu_worker_t *w = (fpu_worker_t *)arg;
    __asm__ volatile(FPU_LOAD "mov 592(%0), %%rcx\n"
                              "mov (%%rcx), %%rdx\n"
                              "xor %%r14, %%r14\n"
                              "mov 576(%0), %%r12\n"
                              "1: incq 608(%0)\n"
                              "mov (%%rcx), %%rax\n"
                              "cmp %%rax, %%rdx\n"
                              "je 2f\n"
                              "mov %%rax, %%rdx\n"
                              "inc %%r14\n"
                              "cmp %1, %%r14\n"
                              "jae 3f\n"
                              "2: dec %%r12\n"
                              "jnz 1b\n"
                              "3: incq 608(%0)\n" /* progress the other sees last */
                              "mov %%r14, 584(%0)\n" FPU_STORE
                     :
                     : "r"(w), "i"(SPIN_SWITCHES)
                     : "rax", "rcx", "rdx", "r12", "r14", FPU_CLOBBERS);
    test_thread_finish(w->sync);
}

/* Distinct values for worker k: vector patterns, a rounding mode in MXCSR and in the x87
 * control word, and x87 stack contents. */
static void fpu_values_make(fpu_values_t *v, unsigned k)
{
    static const uint32_t mxcsr[] = {0x3f80, 0x5f80, 0x7f80}; /* round down / up / to zero */
    static const uint16_t fcw[] = {0x077f, 0x0b7f, 0x0f7f};   /* the same, for the x87 */
    for (unsigned r = 0; r < 16; r++) {
        v->xmm[r][0] = 0xf00d000000000000ull | (uint64_t)k << 32 | r;
        v->xmm[r][1] = 0x5eed000000000000ull | (uint64_t)(k + 1) << 40 | (uint64_t)r << 8;
    }
    v->mxcsr = mxcsr[k % 3];
    v->fcw = fcw[k % 3];
    v->pad = 0;
    for (unsigned i = 0; i < 3; i++) {
        v->st[i] = (int64_t)(1000 * (k + 1) + i) * (k % 2 ? -1 : 1);
    }
}

/* Checks that a worker found exactly the values it loaded. */
static void fpu_values_check(const fpu_worker_t *w)
{
    unsigned bad = 0;
    for (unsigned r = 0; r < 16; r++) {
        bad += w->out.xmm[r][0] != w->in.xmm[r][0] || w->out.xmm[r][1] != w->in.xmm[r][1];
    }
    CHECK_EQ(bad, 0);
    CHECK_EQ(w->out.mxcsr & ~0x3fu, w->in.mxcsr); /* flags may be set; none are expected */
    CHECK_EQ(w->out.fcw, w->in.fcw);
    for (unsigned i = 0; i < 3; i++) {
        CHECK_EQ(w->out.st[i], w->in.st[i]);
    }
}

static fpu_worker_t workers[N_YIELD_THREADS];
static test_sync_t sync;

static void test_fpu_yield(void)
{
    volatile uint64_t last_runner = ~0ull;
    if (!test_sync_init(&sync)) {
        return;
    }
    for (unsigned k = 0; k < N_YIELD_THREADS; k++) {
        fpu_worker_t *w = &workers[k];
        fpu_values_make(&w->in, k);
        w->rounds = N_YIELDS;
        w->switches = 0;
        w->shared = &last_runner;
        w->id = k;
        w->sync = &sync;
    }
    unsigned started = 0;
    for (unsigned k = 0; k < N_YIELD_THREADS; k++) {
        started += test_thread_start(&workers[k].thread, yield_worker, (seL4_Word)&workers[k],
                                     stacks[k] + STACK_SIZE, TEST_THREAD_PRIO);
    }
    if (started == N_YIELD_THREADS) {
        test_sync_wait(&sync, N_YIELD_THREADS);
        for (unsigned k = 0; k < N_YIELD_THREADS; k++) {
            fpu_values_check(&workers[k]);
            /* Round robin: another worker ran between (almost) every two yields. */
            CHECK(workers[k].switches >= N_YIELDS - 2);
        }
    }
    for (unsigned k = 0; k < N_YIELD_THREADS; k++) {
        test_thread_destroy(&workers[k].thread);
    }
}
DEFINE_TEST(FPU0003, "threads keep their own SSE, MXCSR and x87 state across Yield",
            test_fpu_yield);

static void test_fpu_preempt(void)
{
    if (!test_sync_init(&sync)) {
        return;
    }
    for (unsigned k = 0; k < N_SPIN_THREADS; k++) {
        fpu_worker_t *w = &workers[k];
        fpu_values_make(&w->in, k + 1);
        w->rounds = SPIN_LIMIT;
        w->switches = 0;
        w->count = 0;
        w->shared = &workers[(k + 1) % N_SPIN_THREADS].count;
        w->id = k;
        w->sync = &sync;
    }
    unsigned started = 0;
    for (unsigned k = 0; k < N_SPIN_THREADS; k++) {
        started += test_thread_start(&workers[k].thread, spin_worker, (seL4_Word)&workers[k],
                                     stacks[k] + STACK_SIZE, TEST_THREAD_PRIO);
    }
    if (started == N_SPIN_THREADS) {
        test_sync_wait(&sync, N_SPIN_THREADS);
        for (unsigned k = 0; k < N_SPIN_THREADS; k++) {
            fpu_values_check(&workers[k]);
            CHECK_EQ(workers[k].switches, SPIN_SWITCHES); /* the timer switched between them */
        }
    }
    for (unsigned k = 0; k < N_SPIN_THREADS; k++) {
        test_thread_destroy(&workers[k].thread);
    }
}
DEFINE_TEST(FPU0004, "threads preempted by the timer keep their own FPU state", test_fpu_preempt);

/* What a new thread's FPU holds, as FXSAVE stores it. */
static uint8_t fresh_image[512] __attribute__((aligned(16)));

static void fresh_worker(seL4_Word arg)
{
    __asm__ volatile("fxsave64 %0" : "=m"(fresh_image)::"memory");
    test_thread_finish((test_sync_t *)arg);
}

static void test_fpu_new_thread(void)
{
    static const uint8_t junk[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    uint32_t mine = 0x3f80, after = 0, deflt = 0x1f80;
    test_thread_t t = {0};
    if (!test_sync_init(&sync)) {
        return;
    }
    /* Leave state of our own in the FPU for the new thread not to see. */
    __asm__ volatile("movdqu %0, %%xmm0\n movdqu %0, %%xmm9\n fld1\n ldmxcsr %1"
                     :
                     : "m"(junk), "m"(mine)
                     : "xmm0", "xmm9", "memory");
    if (test_thread_start(&t, fresh_worker, (seL4_Word)&sync, stacks[0] + STACK_SIZE,
                          TEST_THREAD_PRIO)) {
        test_sync_wait(&sync, 1);
    }
    __asm__ volatile("stmxcsr %0\n ldmxcsr %1\n fstp %%st(0)" : "=m"(after) : "m"(deflt));
    CHECK_EQ(after, mine); /* and ours came back */
    uint16_t fcw, fsw;
    uint32_t mxcsr;
    __builtin_memcpy(&fcw, &fresh_image[0], 2);
    __builtin_memcpy(&fsw, &fresh_image[2], 2);
    __builtin_memcpy(&mxcsr, &fresh_image[24], 4);
    CHECK_EQ(fcw, 0x37f);
    CHECK_EQ(fsw, 0);
    CHECK_EQ(fresh_image[4], 0); /* abridged tag word: every x87 register empty */
    CHECK_EQ(mxcsr, 0x1f80);
    unsigned nonzero = 0;
    for (unsigned i = 32; i < 416; i++) { /* ST0-7 / MM0-7, then XMM0-15 */
        nonzero += fresh_image[i] != 0;
    }
    CHECK_EQ(nonzero, 0);
    test_thread_destroy(&t);
}
DEFINE_TEST(FPU0005, "a new thread starts with FCW 0x37f, MXCSR 0x1f80 and clear registers",
            test_fpu_new_thread);
