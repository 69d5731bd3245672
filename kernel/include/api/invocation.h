/* The contract between the syscall layer and the generated invocation decoders (tools/capgen). */
#pragma once

#include <types.h>

struct cte; /* a capability slot; defined by the CSpace code */

/* The error a system call returns, as seL4_Error numbers (0 = success). */
typedef word_t exception_t;

/* Not an seL4_Error: a long operation stopped at a preemption point. The system call is
 * restarted (the thread re-executes it) and carries on from the state it left behind. */
#define EXCEPTION_PREEMPTED ((exception_t)0x100)

/*
 * One decoded invocation: what the caller sent. The syscall layer fills it before any decoder
 * runs; extra capabilities are already looked up (NULL where the caller sent fewer).
 */
typedef struct invocation {
    word_t label;        /* message info label */
    word_t length;       /* message length in words (already clamped to seL4_MsgMaxLength) */
    word_t extra_caps;   /* number of extra capabilities sent (0..3) */
    struct cte *caps[3]; /* the extra capabilities, looked up in the caller's CSpace */
    word_t cptr;         /* the invoked capability pointer */
    struct cte *slot;    /* the slot of the invoked capability */
} invocation_t;

/* Message register i (0-based) of the current invocation: MR0..3 from registers, the rest
 * from the caller's IPC buffer (0 if it has none). Precondition: i < inv->length. */
word_t invocation_get_mr(const invocation_t *inv, unsigned i);

/* Starts the reply of an invocation to the current thread: for a Call the reply writes that
 * follow go to its registers and IPC buffer, for a Send they are ignored. Nothing is written
 * yet, so a preempted invocation can still be restarted with the caller's registers intact. */
void invocation_begin_reply(bool is_call);

/* Ends the reply of the current invocation: a Call whose reply got no label is answered with
 * an empty success reply (label 0, length 0). */
void invocation_end_reply(void);

/* Ends the current invocation without any reply (it will be restarted). */
void invocation_cancel_reply(void);

/* Sets reply message register i (0-based) for the current invocation's reply. */
void invocation_set_reply_mr(unsigned i, word_t value);

/* Sets the length of the current invocation's reply message (label 0: success). */
void invocation_set_reply_length(word_t length);

/* Sets the label and length of the current invocation's reply message. */
void invocation_set_reply_label_length(word_t label, word_t length);
