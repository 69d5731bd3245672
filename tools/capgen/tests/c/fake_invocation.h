/* Host stand-ins for the syscall layer's invocation accessors, for decoder tests. */
#pragma once

#include <api/invocation.h>

#include <stdio.h>

static word_t fake_mrs[120];
static word_t fake_reply[120];
static word_t fake_reply_length;
static int failures;

word_t invocation_get_mr(const invocation_t *inv, unsigned i)
{
    if (i >= inv->length) {
        printf("FAIL: decoder read MR%u beyond length %lu\n", i, (unsigned long)inv->length);
        failures++;
    }
    return fake_mrs[i];
}

void invocation_set_reply_mr(unsigned i, word_t value)
{
    fake_reply[i] = value;
}

void invocation_set_reply_length(word_t length)
{
    fake_reply_length = length;
}

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);                                 \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

static invocation_t fake_invocation(word_t label, word_t length, word_t extra_caps)
{
    invocation_t inv = {0};
    inv.label = label;
    inv.length = length;
    inv.extra_caps = extra_caps;
    return inv;
}
