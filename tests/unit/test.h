/* Minimal assert-style framework for the host unit tests: checks report file:line and count. */
#pragma once

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int test_failures;
static int test_checks;

#define TEST_FAIL(...)                                                                             \
    do {                                                                                           \
        test_failures++;                                                                           \
        fprintf(stderr, "%s:%d: FAIL: ", __FILE__, __LINE__);                                      \
        fprintf(stderr, __VA_ARGS__);                                                              \
        fputc('\n', stderr);                                                                       \
    } while (0)

/* Checks a condition; on failure prints the expression and carries on. */
#define CHECK(cond)                                                                                \
    do {                                                                                           \
        test_checks++;                                                                             \
        if (!(cond)) {                                                                             \
            TEST_FAIL("%s", #cond);                                                                \
        }                                                                                          \
    } while (0)

/* Checks two integers (compared as unsigned 64-bit values) for equality. */
#define CHECK_EQ(a, b)                                                                             \
    do {                                                                                           \
        test_checks++;                                                                             \
        uint64_t check_a_ = (uint64_t)(a), check_b_ = (uint64_t)(b);                               \
        if (check_a_ != check_b_) {                                                                \
            TEST_FAIL("%s == %s: 0x%" PRIx64 " (%" PRId64 ") != 0x%" PRIx64 " (%" PRId64 ")", #a,  \
                      #b, check_a_, (int64_t)check_a_, check_b_, (int64_t)check_b_);               \
        }                                                                                          \
    } while (0)

/* Checks two NUL-terminated strings for equality. */
#define CHECK_STR(a, b)                                                                            \
    do {                                                                                           \
        test_checks++;                                                                             \
        const char *check_a_ = (a), *check_b_ = (b);                                               \
        if (strcmp(check_a_, check_b_) != 0) {                                                     \
            TEST_FAIL("%s == %s: \"%s\" != \"%s\"", #a, #b, check_a_, check_b_);                   \
        }                                                                                          \
    } while (0)

/* Runs one test function, naming it first. */
#define RUN_TEST(fn)                                                                               \
    do {                                                                                           \
        int test_before_ = test_failures;                                                          \
        fn();                                                                                      \
        printf("%-40s %s\n", #fn, test_failures == test_before_ ? "ok" : "FAILED");                \
    } while (0)

/* Prints the summary and gives main()'s exit status. */
static inline int test_summary(const char *name)
{
    printf("%s: %d checks, %d failures\n", name, test_checks, test_failures);
    return test_failures == 0 ? 0 : 1;
}

/* Deterministic xorshift64* generator so random tests are reproducible from their seed. */
static uint64_t test_rng_state = 0x9e3779b97f4a7c15ull;

static inline void test_rng_seed(uint64_t seed)
{
    test_rng_state = seed ? seed : 0x9e3779b97f4a7c15ull;
}

static inline uint64_t test_rand(void)
{
    uint64_t x = test_rng_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    test_rng_state = x;
    return x * 0x2545f4914f6cdd1dull;
}

/* A uniform-enough value in [0, n); n must be non-zero. */
static inline uint64_t test_rand_below(uint64_t n)
{
    return test_rand() % n;
}

/* Seeds the generator from $TEST_SEED if set, else from def; prints the seed for reruns. */
static inline uint64_t test_seed_from_env(uint64_t def)
{
    const char *s = getenv("TEST_SEED");
    uint64_t seed = s ? strtoull(s, NULL, 0) : def;
    printf("seed: 0x%" PRIx64 " (set TEST_SEED to rerun)\n", seed);
    test_rng_seed(seed);
    return seed;
}
