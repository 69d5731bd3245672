/* Host tests for kernel/src/kernel/printf.c: a table of cases and a comparison with libc. */
#include "test.h"

#include <kernel/printf.h>

#include <limits.h>
#include <stdarg.h>
#include <stddef.h>

/* The host's console for kprintf: collects into a buffer. */
static char console[8192];
static size_t console_len;

void kputchar(char c)
{
    if (console_len + 1 < sizeof(console)) {
        console[console_len++] = c;
        console[console_len] = '\0';
    }
}

/* Not format-checked on purpose, so the table may hold malformed directives. */
static void check_fmt(int line, const char *expect, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    test_checks++;
    if (strcmp(buf, expect) != 0 || n != (int)strlen(expect)) {
        test_failures++;
        fprintf(stderr, "%s:%d: FAIL: format \"%s\": got \"%s\" (%d), expected \"%s\" (%zu)\n",
                __FILE__, line, fmt, buf, n, expect, strlen(expect));
    }
}

#define T(expect, ...) check_fmt(__LINE__, expect, __VA_ARGS__)

static void test_integers(void)
{
    T("0", "%d", 0);
    T("123 -123", "%d %i", 123, -123);
    T("-2147483648 2147483647", "%d %d", INT_MIN, INT_MAX);
    T("-9223372036854775808", "%lld", (long long)INT64_MIN);
    T("-9223372036854775808", "%ld", (long)INT64_MIN);
    T("9223372036854775807", "%lli", (long long)INT64_MAX);
    T("18446744073709551615", "%llu", (unsigned long long)UINT64_MAX);
    T("ffffffffffffffff FFFFFFFFFFFFFFFF", "%lx %lX", (unsigned long)UINT64_MAX,
      (unsigned long)UINT64_MAX);
    T("1777777777777777777777", "%llo", (unsigned long long)UINT64_MAX);
    T("4294967295 ffffffff 37777777777", "%u %x %o", UINT_MAX, UINT_MAX, UINT_MAX);
    T("deadbeef DEADBEEF", "%x %X", 0xdeadbeefu, 0xdeadbeefu);
}

static void test_length_modifiers(void)
{
    T("-1 255 -128", "%hhd %hhu %hhd", 255, 255, 128);
    T("0", "%hhu", 256);
    T("-1 65535 4464", "%hd %hu %hu", 65535, 65535, 70000);
    T("18446744073709551615", "%zu", (size_t)-1);
    T("-5", "%zd", (ptrdiff_t)-5);
    T("ffffffffffffffff", "%zx", (size_t)-1);
    T("-3", "%td", (ptrdiff_t)-3);
    T("-9223372036854775808", "%jd", (intmax_t)INT64_MIN);
    T("18446744073709551615", "%ju", (uintmax_t)UINT64_MAX);
    T("1 2 3", "%hhd %lld %hd", 1, 2LL, 3);
}

static void test_zero_and_precision(void)
{
    T("", "%.0d", 0);
    T("", "%.d", 0);
    T("     ", "%5.0d", 0);
    T("", "%.0x", 0);
    T("", "%#.0x", 0);
    T("0", "%#.0o", 0);
    T("0", "%#o", 0);
    T("0", "%#x", 0);
    T("010", "%#o", 8);
    T("010", "%#.3o", 8);
    T("00010", "%#.5o", 8);
    T("007", "%.3d", 7);
    T("-007", "%.3d", -7);
    T("+007", "%+.3d", 7);
    T("     005", "%08.3d", 5);
    T("          ", "%010.0u", 0u);
    T("0000000042", "%010u", 42u);
}

static void test_flags_and_width(void)
{
    T("0xff 0XFF", "%#x %#X", 255, 255);
    T("0x0000ff", "%#08x", 255);
    T("5       |", "%-8d|", 5);
    T("+5  5 +5 -5", "%+d % d %+ d %+d", 5, 5, 5, -5);
    T("-0005", "%05d", -5);
    T("-5   ", "%-05d", -5);
    T("   42", "%*d", 5, 42);
    T("42   |", "%*d|", -5, 42);
    T("42   |", "%-*d|", 5, 42);
    T("007", "%.*d", 3, 7);
    T("7", "%.*d", -1, 7);
    T("   -0042", "%8.4d", -42);
    T("+0000042", "%+08d", 42);
    T(" 0000042", "% 08d", 42);
    T("     0x2a", "%#9x", 42);
    T("0x2a     |", "%-#9x|", 42);
}

static void test_strings_and_chars(void)
{
    static const char unterminated[3] = {'x', 'y', 'z'};
    T("abc", "%s", "abc");
    T("  abc", "%5s", "abc");
    T("abc  |", "%-5s|", "abc");
    T("ab", "%.2s", "abc");
    T("", "%.s", "abc");
    T("   ab", "%5.2s", "abc");
    T("xyz", "%.3s", unterminated);
    T("xy", "%.*s", 2, unterminated);
    T("(null)", "%s", (char *)NULL);
    T("A", "%c", 'A');
    T("  A", "%3c", 'A');
    T("A  |", "%-3c|", 'A');
    T("%", "%%");
    T("100%", "100%%");
    T("a%b", "a%%b");
}

static void test_pointers(void)
{
    T("0x0000000000001234", "%p", (void *)0x1234);
    T("0x0000000000000000", "%p", (void *)NULL);
    T("0xffffffff80000000", "%p", (void *)0xffffffff80000000ull);
    T("  0x0000000000001234", "%20p", (void *)0x1234);
    T("0x0000000000001234  |", "%-20p|", (void *)0x1234);
}

static void test_unknown_conversions(void)
{
    T("%y", "%y");
    T("%5y", "%5y");
    T("%ly", "%ly");
    T("%-#08.3y", "%-#08.3y");
    T("abc%", "abc%");
    T("%-", "%-");
    T("%5.", "%5.");
    T("%l", "%l");
    T("%n", "%n");
    T("%q5", "%q%d", 5);
    T("%L7", "%L%d", 7);
}

static void test_truncation(void)
{
    char buf[16];
    memset(buf, '#', sizeof(buf));
    CHECK_EQ(ksnprintf(buf, 4, "hello"), 5);
    CHECK_STR(buf, "hel");
    CHECK_EQ(buf[4], '#');
    CHECK_EQ(ksnprintf(NULL, 0, "%d", -12345), 6);
    memset(buf, '#', sizeof(buf));
    CHECK_EQ(ksnprintf(buf, 1, "abc"), 3);
    CHECK_EQ(buf[0], '\0');
    CHECK_EQ(buf[1], '#');
    CHECK_EQ(ksnprintf(buf, 6, "%s", "hello"), 5);
    CHECK_STR(buf, "hello");
    CHECK_EQ(ksnprintf(buf, 5, "%s", "hello"), 5);
    CHECK_STR(buf, "hell");
    CHECK_EQ(ksnprintf(buf, sizeof(buf), "%s", ""), 0);
    CHECK_STR(buf, "");
}

/* Output length of fmt; not format-checked, so absurd widths reach the formatter. */
static int unchecked_length(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    return n;
}

static void test_huge_width(void)
{
    CHECK_EQ(unchecked_length("%5000d", 1), KFMT_MAX_WIDTH);
    CHECK_EQ(unchecked_length("%99999999999999999999d", 1), KFMT_MAX_WIDTH);
    CHECK_EQ(unchecked_length("%.99999999999999999999d", 1), KFMT_MAX_WIDTH);
    CHECK_EQ(unchecked_length("%*d", INT_MIN, 1), KFMT_MAX_WIDTH);
    CHECK_EQ(unchecked_length("%*d", INT_MAX, 1), KFMT_MAX_WIDTH);
    CHECK_EQ(unchecked_length("%.*d", INT_MAX, 1), KFMT_MAX_WIDTH);
    CHECK_EQ(unchecked_length("%.*d", INT_MIN, 1), 1);
}

static void count_putc(char c, void *ctx)
{
    (void)c;
    (*(int *)ctx)++;
}

static int format_count(const char *fmt, ...)
{
    int calls = 0;
    va_list ap;
    va_start(ap, fmt);
    int n = kvformat(count_putc, &calls, fmt, ap);
    va_end(ap);
    CHECK_EQ(n, calls);
    return n;
}

static void test_kvformat_and_kprintf(void)
{
    CHECK_EQ(format_count("x=%d s=%s", 42, "yes"), 10);
    CHECK_EQ(format_count(""), 0);
    console_len = 0;
    console[0] = '\0';
    CHECK_EQ(kprintf("boot: %s at %#x\n", "kernel", 0x100000), 25);
    CHECK_STR(console, "boot: kernel at 0x100000\n");
}

/* Appends a random subset of flags, a width and a precision, each possibly '*', to fmt. */
static size_t gen_spec(char *fmt, int *star_w, int *star_p, int *w, int *p)
{
    static const char flags[] = "-+ #0";
    size_t n = 0;
    fmt[n++] = '%';
    for (int i = 0; i < 5; i++) {
        if (test_rand_below(3) == 0) {
            fmt[n++] = flags[test_rand_below(5)];
        }
    }
    *star_w = *star_p = 0;
    *w = (int)test_rand_below(30) - 10; /* negative: through '*' only */
    *p = (int)test_rand_below(30) - 5;
    uint64_t wk = test_rand_below(3), pk = test_rand_below(3);
    if (wk == 1 && *w > 0) {
        n += (size_t)sprintf(fmt + n, "%d", *w);
    } else if (wk == 2) {
        fmt[n++] = '*';
        *star_w = 1;
    }
    if (pk == 1 && *p >= 0) {
        n += (size_t)sprintf(fmt + n, ".%d", *p);
    } else if (pk == 2) {
        fmt[n++] = '.';
        fmt[n++] = '*';
        *star_p = 1;
    }
    return n;
}

static uint64_t gen_value(void)
{
    static const uint64_t special[] = {
        0,      1,      (uint64_t)-1, 0x7f,       0x80,       0xff,      0x7fff,
        0x8000, 0xffff, 0x7fffffff,   0x80000000, 0xffffffff, INT64_MAX, (uint64_t)INT64_MIN,
        8,      10};
    switch (test_rand_below(3)) {
    case 0:
        return special[test_rand_below(sizeof(special) / sizeof(special[0]))];
    case 1:
        return test_rand_below(1000);
    default:
        return test_rand() >> test_rand_below(64);
    }
}

/* Calls both snprintf and ksnprintf with the same (typed) argument list. */
#define BOTH(fmt, ...)                                                                             \
    do {                                                                                           \
        n_libc = snprintf(libc, sizeof(libc), fmt, __VA_ARGS__);                                   \
        n_kern = ksnprintf(kern, sizeof(kern), fmt, __VA_ARGS__);                                  \
    } while (0)

#define BOTH_STARS(fmt, sw, sp, w, p, v)                                                           \
    do {                                                                                           \
        if ((sw) && (sp)) {                                                                        \
            BOTH(fmt, w, p, v);                                                                    \
        } else if (sw) {                                                                           \
            BOTH(fmt, w, v);                                                                       \
        } else if (sp) {                                                                           \
            BOTH(fmt, p, v);                                                                       \
        } else {                                                                                   \
            BOTH(fmt, v);                                                                          \
        }                                                                                          \
    } while (0)

#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wformat-security"

static void compare_one_integer(void)
{
    static const char *const lens[] = {"hh", "h", "", "l", "ll", "z", "j", "t"};
    static const char convs[] = "diuxXo";
    char fmt[64], libc[256], kern[256];
    int n_libc, n_kern, sw, sp, w, p;
    size_t n = gen_spec(fmt, &sw, &sp, &w, &p);
    size_t li = test_rand_below(8);
    char conv = convs[test_rand_below(6)];
    n += (size_t)sprintf(fmt + n, "%s%c", lens[li], conv);
    uint64_t v = gen_value();
    switch (li) {
    case 0:
    case 1:
    case 2:
        BOTH_STARS(fmt, sw, sp, w, p, (int)v);
        break;
    case 3:
        BOTH_STARS(fmt, sw, sp, w, p, (long)v);
        break;
    case 4:
        BOTH_STARS(fmt, sw, sp, w, p, (long long)v);
        break;
    case 5:
        BOTH_STARS(fmt, sw, sp, w, p, (size_t)v);
        break;
    case 6:
        BOTH_STARS(fmt, sw, sp, w, p, (intmax_t)v);
        break;
    default:
        BOTH_STARS(fmt, sw, sp, w, p, (ptrdiff_t)v);
        break;
    }
    test_checks++;
    if (n_libc != n_kern || strcmp(libc, kern) != 0) {
        test_failures++;
        fprintf(stderr,
                "%s:%d: FAIL: \"%s\" w=%d p=%d v=0x%" PRIx64 ": libc \"%s\" kernel \"%s\"\n",
                __FILE__, __LINE__, fmt, w, p, v, libc, kern);
    }
}

static void compare_one_string(void)
{
    static const char *const strs[] = {"", "a", "hello", "a longer string here"};
    char fmt[64], libc[256], kern[256];
    int n_libc, n_kern, sw, sp, w, p;
    size_t n = gen_spec(fmt, &sw, &sp, &w, &p);
    bool is_char = test_rand_below(2);
    fmt[n++] = is_char ? 'c' : 's';
    fmt[n] = '\0';
    if (strchr(fmt, '0') || strchr(fmt, '#') || strchr(fmt, '+') || strchr(fmt, ' ')) {
        return; /* undefined for %s and %c in C */
    }
    int c = 'a' + (int)test_rand_below(26);
    const char *s = strs[test_rand_below(4)];
    if (is_char) {
        BOTH_STARS(fmt, sw, sp, w, p, c);
    } else {
        BOTH_STARS(fmt, sw, sp, w, p, s);
    }
    test_checks++;
    if (n_libc != n_kern || strcmp(libc, kern) != 0) {
        test_failures++;
        fprintf(stderr, "%s:%d: FAIL: \"%s\" w=%d p=%d: libc \"%s\" kernel \"%s\"\n", __FILE__,
                __LINE__, fmt, w, p, libc, kern);
    }
}

static void test_against_libc(void)
{
    for (int i = 0; i < 200000 && test_failures < 20; i++) {
        compare_one_integer();
    }
    for (int i = 0; i < 20000 && test_failures < 20; i++) {
        compare_one_string();
    }
}

int main(void)
{
    test_seed_from_env(0x5e14157f);
    RUN_TEST(test_integers);
    RUN_TEST(test_length_modifiers);
    RUN_TEST(test_zero_and_precision);
    RUN_TEST(test_flags_and_width);
    RUN_TEST(test_strings_and_chars);
    RUN_TEST(test_pointers);
    RUN_TEST(test_unknown_conversions);
    RUN_TEST(test_truncation);
    RUN_TEST(test_huge_width);
    RUN_TEST(test_kvformat_and_kprintf);
    RUN_TEST(test_against_libc);
    return test_summary("unit.printf");
}
