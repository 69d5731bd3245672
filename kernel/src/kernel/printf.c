/* Freestanding printf family: directive parsing, number and string formatting, output sinks. */
#include <kernel/printf.h>

enum {
    FMT_LEFT = 1u << 0,  /* '-': pad on the right */
    FMT_ZERO = 1u << 1,  /* '0': pad numbers with zeros */
    FMT_ALT = 1u << 2,   /* '#': 0x prefix for hex, leading 0 for octal */
    FMT_SPACE = 1u << 3, /* ' ': space before non-negative signed numbers */
    FMT_PLUS = 1u << 4,  /* '+': plus before non-negative signed numbers */
};

enum { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_T, LEN_J };

/* Where the characters go, and how many have gone there. */
typedef struct {
    kputc_fn fn;
    void *ctx;
    int count;
} fmt_out_t;

/* One parsed directive. prec is -1 when no precision was given. */
typedef struct {
    u32 flags;
    int width;
    int prec;
    int len;
    char conv;
} fmt_spec_t;

/* A number ready to print: magnitude, sign character (or 0) and base. */
typedef struct {
    u64 mag;
    char sign;
    unsigned base;
    bool upper;
    const char *prefix; /* "0x"/"0X" or NULL; decided by the caller */
} fmt_num_t;

static void fmt_put(fmt_out_t *o, char c)
{
    o->fn(c, o->ctx);
    if (o->count < INT32_MAX) {
        o->count++;
    }
}

static void fmt_pad(fmt_out_t *o, char c, int n)
{
    for (; n > 0; n--) {
        fmt_put(o, c);
    }
}

static void fmt_write(fmt_out_t *o, const char *s, int n)
{
    for (int i = 0; i < n; i++) {
        fmt_put(o, s[i]);
    }
}

static bool fmt_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int fmt_clamp_width(int w)
{
    return w > KFMT_MAX_WIDTH ? KFMT_MAX_WIDTH : w;
}

/* Parses a decimal number at *p (saturating at KFMT_MAX_WIDTH) and advances *p past it. */
static int fmt_parse_num(const char **p)
{
    int v = 0;
    while (fmt_is_digit(**p)) {
        if (v <= KFMT_MAX_WIDTH) {
            v = v * 10 + (**p - '0');
        }
        (*p)++;
    }
    return fmt_clamp_width(v);
}

static void fmt_parse_flags(const char **p, fmt_spec_t *spec)
{
    for (;; (*p)++) {
        switch (**p) {
        case '-':
            spec->flags |= FMT_LEFT;
            break;
        case '0':
            spec->flags |= FMT_ZERO;
            break;
        case '#':
            spec->flags |= FMT_ALT;
            break;
        case ' ':
            spec->flags |= FMT_SPACE;
            break;
        case '+':
            spec->flags |= FMT_PLUS;
            break;
        default:
            return;
        }
    }
}

/* Parses the field width; a negative '*' width means '-' and its absolute value. */
static void fmt_parse_width(const char **p, fmt_spec_t *spec, va_list *ap)
{
    if (**p != '*') {
        spec->width = fmt_parse_num(p);
        return;
    }
    (*p)++;
    int w = va_arg(*ap, int);
    if (w < 0) {
        spec->flags |= FMT_LEFT;
        w = w < -KFMT_MAX_WIDTH ? KFMT_MAX_WIDTH : -w;
    }
    spec->width = fmt_clamp_width(w);
}

/* Parses ".prec" if present; a negative '*' precision counts as no precision. */
static void fmt_parse_prec(const char **p, fmt_spec_t *spec, va_list *ap)
{
    spec->prec = -1;
    if (**p != '.') {
        return;
    }
    (*p)++;
    if (**p != '*') {
        spec->prec = fmt_parse_num(p);
        return;
    }
    (*p)++;
    int pr = va_arg(*ap, int);
    spec->prec = pr < 0 ? -1 : fmt_clamp_width(pr);
}

static void fmt_parse_len(const char **p, fmt_spec_t *spec)
{
    const char *s = *p;
    int len = LEN_NONE;
    switch (*s) {
    case 'h':
        len = s[1] == 'h' ? LEN_HH : LEN_H;
        break;
    case 'l':
        len = s[1] == 'l' ? LEN_LL : LEN_L;
        break;
    case 'z':
        len = LEN_Z;
        break;
    case 't':
        len = LEN_T;
        break;
    case 'j':
        len = LEN_J;
        break;
    default:
        break;
    }
    *p += (len == LEN_HH || len == LEN_LL) ? 2 : (len != LEN_NONE);
    spec->len = len;
}

static s64 fmt_fetch_signed(va_list *ap, int len)
{
    switch (len) {
    case LEN_HH:
        return (signed char)va_arg(*ap, int);
    case LEN_H:
        return (short)va_arg(*ap, int);
    case LEN_L:
        return va_arg(*ap, long);
    case LEN_LL:
        return va_arg(*ap, long long);
    case LEN_Z:
        return va_arg(*ap, ptrdiff_t); /* the signed type matching size_t */
    case LEN_T:
        return va_arg(*ap, ptrdiff_t);
    case LEN_J:
        return va_arg(*ap, intmax_t);
    default:
        return va_arg(*ap, int);
    }
}

static u64 fmt_fetch_unsigned(va_list *ap, int len)
{
    switch (len) {
    case LEN_HH:
        return (unsigned char)va_arg(*ap, unsigned int);
    case LEN_H:
        return (unsigned short)va_arg(*ap, unsigned int);
    case LEN_L:
        return va_arg(*ap, unsigned long);
    case LEN_LL:
        return va_arg(*ap, unsigned long long);
    case LEN_Z:
        return va_arg(*ap, size_t);
    case LEN_T:
        return (u64)va_arg(*ap, ptrdiff_t);
    case LEN_J:
        return va_arg(*ap, uintmax_t);
    default:
        return va_arg(*ap, unsigned int);
    }
}

/* Writes the digits of v in base into buf (most significant first); returns their count. */
static int fmt_digits(char buf[24], u64 v, unsigned base, bool upper)
{
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char rev[24];
    int n = 0;
    do {
        rev[n++] = set[v % base];
        v /= base;
    } while (v != 0);
    for (int i = 0; i < n; i++) {
        buf[i] = rev[n - 1 - i];
    }
    return n;
}

/*
 * Prints a number with C rules: precision gives the minimum digit count (0 with precision 0
 * prints no digits), '#' octal forces a leading zero, '0' pads with zeros after sign and prefix
 * unless '-' or a precision is given.
 */
static void fmt_number(fmt_out_t *o, const fmt_spec_t *spec, const fmt_num_t *num)
{
    char digits[24];
    int ndig = (num->mag == 0 && spec->prec == 0)
                   ? 0
                   : fmt_digits(digits, num->mag, num->base, num->upper);
    int zeros = spec->prec > ndig ? spec->prec - ndig : 0;
    if (num->base == 8 && (spec->flags & FMT_ALT) && zeros == 0 &&
        (ndig == 0 || digits[0] != '0')) {
        zeros = 1;
    }
    int plen = num->prefix ? 2 : 0;
    int pad = spec->width - ((num->sign ? 1 : 0) + plen + zeros + ndig);
    if (!(spec->flags & FMT_LEFT) && (spec->flags & FMT_ZERO) && spec->prec < 0 && pad > 0) {
        zeros += pad;
        pad = 0;
    }
    if (!(spec->flags & FMT_LEFT)) {
        fmt_pad(o, ' ', pad);
    }
    if (num->sign) {
        fmt_put(o, num->sign);
    }
    fmt_write(o, num->prefix ? num->prefix : "", plen);
    fmt_pad(o, '0', zeros);
    fmt_write(o, digits, ndig);
    if (spec->flags & FMT_LEFT) {
        fmt_pad(o, ' ', pad);
    }
}

static void fmt_signed(fmt_out_t *o, const fmt_spec_t *spec, s64 v)
{
    fmt_num_t num = {.mag = v < 0 ? (u64)0 - (u64)v : (u64)v, .base = 10};
    if (v < 0) {
        num.sign = '-';
    } else if (spec->flags & FMT_PLUS) {
        num.sign = '+';
    } else if (spec->flags & FMT_SPACE) {
        num.sign = ' ';
    }
    fmt_number(o, spec, &num);
}

static void fmt_unsigned(fmt_out_t *o, const fmt_spec_t *spec, u64 v)
{
    fmt_num_t num = {.mag = v, .base = 10};
    if (spec->conv == 'o') {
        num.base = 8;
    } else if (spec->conv == 'x' || spec->conv == 'X') {
        num.base = 16;
        num.upper = spec->conv == 'X';
        if ((spec->flags & FMT_ALT) && v != 0) {
            num.prefix = num.upper ? "0X" : "0x";
        }
    }
    fmt_number(o, spec, &num);
}

/* %p: "0x" and 16 lowercase hex digits; only the width and '-' apply. */
static void fmt_pointer(fmt_out_t *o, const fmt_spec_t *spec, const void *p)
{
    fmt_spec_t s = {.flags = spec->flags & FMT_LEFT, .width = spec->width, .prec = 16};
    fmt_num_t num = {.mag = (u64)(uintptr_t)p, .base = 16, .prefix = "0x"};
    fmt_number(o, &s, &num);
}

/* %s: at most prec characters (never reads past them), padded to the width. */
static void fmt_string(fmt_out_t *o, const fmt_spec_t *spec, const char *s)
{
    if (s == NULL) {
        s = "(null)";
    }
    int n = 0;
    while ((spec->prec < 0 || n < spec->prec) && s[n] != '\0') {
        n++;
    }
    int pad = spec->width - n;
    if (!(spec->flags & FMT_LEFT)) {
        fmt_pad(o, ' ', pad);
    }
    fmt_write(o, s, n);
    if (spec->flags & FMT_LEFT) {
        fmt_pad(o, ' ', pad);
    }
}

static void fmt_char(fmt_out_t *o, const fmt_spec_t *spec, char c)
{
    if (!(spec->flags & FMT_LEFT)) {
        fmt_pad(o, ' ', spec->width - 1);
    }
    fmt_put(o, c);
    if (spec->flags & FMT_LEFT) {
        fmt_pad(o, ' ', spec->width - 1);
    }
}

/* Formats one conversion; returns false if conv is not a known conversion character. */
static bool fmt_convert(fmt_out_t *o, const fmt_spec_t *spec, va_list *ap)
{
    switch (spec->conv) {
    case 'd':
    case 'i':
        fmt_signed(o, spec, fmt_fetch_signed(ap, spec->len));
        return true;
    case 'u':
    case 'o':
    case 'x':
    case 'X':
        fmt_unsigned(o, spec, fmt_fetch_unsigned(ap, spec->len));
        return true;
    case 'p':
        fmt_pointer(o, spec, va_arg(*ap, void *));
        return true;
    case 's':
        fmt_string(o, spec, va_arg(*ap, const char *));
        return true;
    case 'c':
        fmt_char(o, spec, (char)va_arg(*ap, int));
        return true;
    case '%':
        fmt_put(o, '%');
        return true;
    default:
        return false;
    }
}

/*
 * Handles the directive starting at *p (which points at '%') and advances *p past it.
 * An unknown or truncated directive is copied to the output literally.
 */
static void fmt_directive(fmt_out_t *o, const char **p, va_list *ap)
{
    const char *start = *p;
    fmt_spec_t spec = {0};
    (*p)++;
    fmt_parse_flags(p, &spec);
    fmt_parse_width(p, &spec, ap);
    fmt_parse_prec(p, &spec, ap);
    fmt_parse_len(p, &spec);
    spec.conv = **p;
    if (spec.conv == '\0') {
        fmt_write(o, start, (int)(*p - start));
        return;
    }
    (*p)++;
    if (!fmt_convert(o, &spec, ap)) {
        fmt_write(o, start, (int)(*p - start));
    }
}

int kvformat(kputc_fn out, void *ctx, const char *fmt, va_list ap)
{
    fmt_out_t o = {.fn = out, .ctx = ctx, .count = 0};
    va_list args;
    va_copy(args, ap);
    const char *p = fmt;
    while (*p != '\0') {
        if (*p == '%') {
            fmt_directive(&o, &p, &args);
        } else {
            fmt_put(&o, *p++);
        }
    }
    va_end(args);
    return o.count;
}

/* Sink for kvsnprintf: stores while there is room for the character and the final NUL. */
typedef struct {
    char *buf;
    size_t size;
    size_t pos;
} fmt_buf_t;

static void fmt_buf_putc(char c, void *ctx)
{
    fmt_buf_t *b = ctx;
    if (b->pos + 1 < b->size) {
        b->buf[b->pos] = c;
    }
    b->pos++;
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    fmt_buf_t b = {.buf = buf, .size = size, .pos = 0};
    int n = kvformat(fmt_buf_putc, &b, fmt, ap);
    if (size > 0) {
        buf[b.pos < size ? b.pos : size - 1] = '\0';
    }
    return n;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

static void fmt_console_putc(char c, void *ctx)
{
    (void)ctx;
    kputchar(c);
}

int kvprintf(const char *fmt, va_list ap)
{
    return kvformat(fmt_console_putc, NULL, fmt, ap);
}

int kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvprintf(fmt, ap);
    va_end(ap);
    return n;
}
