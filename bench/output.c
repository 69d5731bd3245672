/* The benchmark's figures: statistics of the samples, and the BENCH lines (see output.h). */
#include "output.h"

typedef struct figure {
    const char *name;
    const char *kind;
    int64_t median, min, max;
    unsigned count;
    uint64_t overhead;
} figure_t;

static figure_t figures[BENCH_MAX_FIGURES];
static unsigned num_figures;

static void put_string(const char *s)
{
    seL4_DebugPutString(s);
}

static void put_int(int64_t v)
{
    char digits[24];
    unsigned n = 0;
    uint64_t u = v < 0 ? (uint64_t)-v : (uint64_t)v;
    do {
        digits[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    if (v < 0) {
        seL4_DebugPutChar('-');
    }
    while (n > 0) {
        seL4_DebugPutChar(digits[--n]);
    }
}

/* Insertion sort: at most a few hundred samples. */
static void sort(int64_t *v, unsigned n)
{
    for (unsigned i = 1; i < n; i++) {
        int64_t x = v[i];
        unsigned j = i;
        for (; j > 0 && v[j - 1] > x; j--) {
            v[j] = v[j - 1];
        }
        v[j] = x;
    }
}

int64_t bench_min(const int64_t *samples, unsigned n)
{
    int64_t m = samples[0];
    for (unsigned i = 1; i < n; i++) {
        m = samples[i] < m ? samples[i] : m;
    }
    return m;
}

void bench_figure(const char *name, const char *kind, int64_t *samples, unsigned n,
                  uint64_t overhead)
{
    if (num_figures == BENCH_MAX_FIGURES || n == 0) {
        bench_fail("too many figures, or none of its samples", num_figures);
    }
    sort(samples, n);
    figure_t *f = &figures[num_figures++];
    f->name = name;
    f->kind = kind;
    /* The median of an even count is the mean of the middle two, rounded down. */
    f->median = (samples[(n - 1) / 2] + samples[n / 2]) / 2;
    f->min = samples[0];
    f->max = samples[n - 1];
    f->count = n;
    f->overhead = overhead;
}

static void print_figure(const figure_t *f)
{
    put_string("BENCH {\"name\": \"");
    put_string(f->name);
    put_string("\", \"kind\": \"");
    put_string(f->kind);
    put_string("\", \"median\": ");
    put_int(f->median);
    put_string(", \"min\": ");
    put_int(f->min);
    put_string(", \"max\": ");
    put_int(f->max);
    put_string(", \"count\": ");
    put_int(f->count);
    put_string(", \"overhead\": ");
    put_int((int64_t)f->overhead);
    put_string("}\n");
}

void bench_print_figures(void)
{
    for (unsigned i = 0; i < num_figures; i++) {
        print_figure(&figures[i]);
    }
    put_string("BENCH DONE ");
    put_int(num_figures);
    put_string("\n");
}

_Noreturn void bench_fail(const char *what, seL4_Word value)
{
    put_string("BENCH ERROR ");
    put_string(what);
    put_string(": ");
    put_int((int64_t)value);
    put_string("\n");
    for (;;) {
        seL4_DebugHalt();
    }
}
