/* Interface of the stub handlers that capgen_testlib.write_handler_stubs() generates for a
 * spec: one <object>_decode_<method>() per implemented method (what the kernel provides for
 * real), recording its calls and returning STUB_HANDLER_RESULT, plus a table describing every
 * method for the generic dispatch checks of stub_dispatch.h. */
#pragma once

#include <gen/decode.h>

/* What every stub handler returns: no seL4_Error number, so a dispatcher that reports it must
 * have called the stub. */
#define STUB_HANDLER_RESULT ((exception_t)0x57ab)

typedef struct stub_method {
    const char *name; /* e.g. "seL4_TCB_SetTLSBase", as invocation_label_name() gives it */
    word_t label;     /* INV_... */
    exception_t (*dispatch)(struct cte *slot, const invocation_t *inv); /* of its interface */
    bool implemented;   /* false: kernel="pending" */
    word_t fixed_words; /* message words needed before any variable-length part */
    word_t max_words;   /* message words of the largest message */
    word_t n_caps;      /* extra capabilities */
    /* Implemented methods with a stub: unpacks inv directly and sets *same to whether the
     * arguments the stub handler received last are exactly those. NULL otherwise. */
    exception_t (*expect)(const invocation_t *inv, bool *same);
} stub_method_t;

extern const stub_method_t stub_methods[]; /* every method, in label order */
extern const unsigned stub_methods_count;

extern unsigned stub_calls[N_INVOCATION_LABELS]; /* calls of each label's stub handler */
extern unsigned stub_calls_total;                /* calls of any stub handler */
extern struct cte *stub_last_slot;               /* what the last stub call received */
extern const invocation_t *stub_last_inv;

bool stub_words_equal(const word_t *a, const word_t *b, word_t n);
