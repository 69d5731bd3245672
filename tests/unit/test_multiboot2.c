/* Host tests for the Multiboot2 parser: built structures, malformed ones, and a mutation fuzzer. */
#include "test.h"

#include "fake_phys.h"

#define INFO_PA   0x10000ull
#define MB2_MAGIC MULTIBOOT2_BOOTLOADER_MAGIC

/* A Multiboot2 information structure under construction. */
typedef struct {
    uint8_t b[8192];
    uint32_t len;
} mb2_buf_t;

static void put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
    memcpy(p, &v, 8);
}

static void mb2_begin(mb2_buf_t *m)
{
    memset(m, 0, sizeof(*m));
    m->len = 8;
}

/* Appends a tag with the given body; returns its offset. Pads to 8 bytes afterwards. */
static uint32_t mb2_add(mb2_buf_t *m, uint32_t type, const void *body, uint32_t body_len)
{
    uint32_t off = m->len;
    put32(m->b + off, type);
    put32(m->b + off + 4, 8 + body_len);
    if (body_len) {
        memcpy(m->b + off + 8, body, body_len);
    }
    m->len = (off + 8 + body_len + 7) & ~7u;
    return off;
}

static uint32_t mb2_add_string(mb2_buf_t *m, uint32_t type, const char *s)
{
    return mb2_add(m, type, s, (uint32_t)strlen(s) + 1);
}

static void mb2_add_module(mb2_buf_t *m, uint32_t start, uint32_t end, const char *s)
{
    uint8_t body[256];
    put32(body, start);
    put32(body + 4, end);
    size_t n = strlen(s) + 1;
    memcpy(body + 8, s, n);
    mb2_add(m, 3, body, 8 + (uint32_t)n);
}

/* Appends a memory map tag of n entries {base, len, type}, each entry_size bytes. */
static void mb2_add_mmap(mb2_buf_t *m, const uint64_t (*e)[3], uint32_t n, uint32_t entry_size)
{
    uint8_t body[4096] = {0};
    put32(body, entry_size);
    put32(body + 4, 0);
    for (uint32_t i = 0; i < n; i++) {
        uint8_t *p = body + 8 + i * entry_size;
        put64(p, e[i][0]);
        put64(p + 8, e[i][1]);
        put32(p + 16, (uint32_t)e[i][2]);
    }
    mb2_add(m, 6, body, 8 + n * entry_size);
}

/* Finishes with an end tag and writes total_size. */
static void mb2_finish(mb2_buf_t *m)
{
    mb2_add(m, 0, NULL, 0);
    put32(m->b, m->len);
}

/* Maps the structure at INFO_PA (exactly len bytes) and parses it. */
static int mb2_run(const mb2_buf_t *m, boot_params_t *bp)
{
    fake_reset();
    fake_map(INFO_PA, m->b, m->len);
    return multiboot2_parse(MB2_MAGIC, INFO_PA, fake_p2v, bp);
}

static void test_all_tags(void)
{
    static const uint64_t map[][3] = {
        {0, 0x9fc00, 1},          {0x9fc00, 0x400, 2},      {0xf0000, 0x10000, 2},
        {0x100000, 0x7ee0000, 1}, {0x7fe0000, 0x20000, 3},  {0xfffc0000, 0x40000, 7},
        {0x200000000, 0, 1},      {0x100000000, 0x1000, 4}, {0x100001000, 0x1000, 5},
    };
    uint8_t rsdp_old[20] = {'R', 'S', 'D', ' ', 'P', 'T', 'R', ' '};
    uint8_t rsdp_new[36] = {'R', 'S', 'D', ' ', 'P', 'T', 'R', ' '};
    uint8_t unknown[12] = {1, 2, 3};
    mb2_buf_t m;
    mb2_begin(&m);
    mb2_add_string(&m, 1, "console=ttyS0 test");
    mb2_add_string(&m, 2, "GRUB 2.06");
    mb2_add(&m, 21, unknown, sizeof(unknown));
    mb2_add_module(&m, 0x200000, 0x234567, "roottask.elf");
    mb2_add_module(&m, 0x300000, 0x300000, "");
    mb2_add_mmap(&m, map, 9, 24);
    uint32_t new_off = mb2_add(&m, 15, rsdp_new, sizeof(rsdp_new));
    mb2_add(&m, 14, rsdp_old, sizeof(rsdp_old));
    mb2_finish(&m);

    boot_params_t bp;
    CHECK_EQ(mb2_run(&m, &bp), 0);
    CHECK_EQ(bp.protocol, BOOT_PROTO_MULTIBOOT2);
    CHECK_STR(bp.cmdline, "console=ttyS0 test");
    CHECK_STR(bp.loader, "GRUB 2.06");
    CHECK_EQ(bp.n_modules, 2);
    CHECK_EQ(bp.modules[0].start, 0x200000);
    CHECK_EQ(bp.modules[0].end, 0x234567);
    CHECK_STR(bp.modules[0].cmdline, "roottask.elf");
    CHECK_EQ(bp.modules[1].start, 0x300000);
    CHECK_EQ(bp.modules[1].end, 0x300000);
    CHECK_STR(bp.modules[1].cmdline, "");
    CHECK_EQ(bp.n_mem, 8); /* the zero-length entry is dropped */
    CHECK_EQ(bp.mem[0].base, 0);
    CHECK_EQ(bp.mem[0].length, 0x9fc00);
    CHECK_EQ(bp.mem[0].type, MEM_USABLE);
    CHECK_EQ(bp.mem[3].base, 0x100000);
    CHECK_EQ(bp.mem[4].type, MEM_ACPI_RECLAIM);
    CHECK_EQ(bp.mem[5].type, MEM_RESERVED); /* type 7 */
    CHECK_EQ(bp.mem[6].type, MEM_ACPI_NVS);
    CHECK_EQ(bp.mem[7].type, MEM_BAD);
    CHECK_EQ(bp.acpi_rsdp, INFO_PA + new_off + 8); /* new wins though the old one comes later */
    CHECK_EQ(bp.info_start, INFO_PA);
    CHECK_EQ(bp.info_end, INFO_PA + m.len);
    CHECK_EQ(bp.truncated, 0);
    CHECK(fake_params_sane(&bp));
    fake_reset();
}

static void test_acpi_old_only_and_minimal(void)
{
    uint8_t rsdp_old[20] = {0};
    mb2_buf_t m;
    mb2_begin(&m);
    uint32_t off = mb2_add(&m, 14, rsdp_old, sizeof(rsdp_old));
    mb2_finish(&m);
    boot_params_t bp;
    CHECK_EQ(mb2_run(&m, &bp), 0);
    CHECK_EQ(bp.acpi_rsdp, INFO_PA + off + 8);

    mb2_begin(&m);
    mb2_finish(&m);
    CHECK_EQ(mb2_run(&m, &bp), 0);
    CHECK_EQ(m.len, 16);
    CHECK_EQ(bp.n_mem, 0);
    CHECK_EQ(bp.acpi_rsdp, 0);
    CHECK_STR(bp.cmdline, "");

    mb2_begin(&m);
    mb2_add(&m, 14, rsdp_old, 19);
    mb2_finish(&m);
    CHECK_EQ(mb2_run(&m, &bp), BOOT_ETRUNCATED);
    mb2_begin(&m);
    mb2_add(&m, 15, rsdp_old, 20);
    mb2_finish(&m);
    CHECK_EQ(mb2_run(&m, &bp), BOOT_ETRUNCATED);
    fake_reset();
}

static void test_header_errors(void)
{
    mb2_buf_t m;
    boot_params_t bp;
    mb2_begin(&m);
    mb2_add_string(&m, 1, "x");
    mb2_finish(&m);
    fake_reset();
    fake_map(INFO_PA, m.b, m.len);
    CHECK_EQ(multiboot2_parse(0x2badb002, INFO_PA, fake_p2v, &bp), BOOT_EBADMAGIC);
    CHECK_EQ(bp.protocol, BOOT_PROTO_MULTIBOOT2);
    CHECK_EQ(multiboot2_parse(MB2_MAGIC, INFO_PA + 4, fake_p2v, &bp), BOOT_EMISALIGNED);
    CHECK_EQ(multiboot2_parse(MB2_MAGIC, 0x80000, fake_p2v, &bp), BOOT_EUNREADABLE);
    CHECK_EQ(multiboot2_parse(MB2_MAGIC, 0, fake_p2v, &bp), BOOT_EUNREADABLE);

    put32(m.b, 8); /* smaller than header + end tag */
    CHECK_EQ(mb2_run(&m, &bp), BOOT_ETRUNCATED);
    put32(m.b, MULTIBOOT2_INFO_MAX + 8);
    CHECK_EQ(mb2_run(&m, &bp), BOOT_ETOOBIG);
    put32(m.b, m.len + 8); /* claims more than is mapped */
    CHECK_EQ(mb2_run(&m, &bp), BOOT_EUNREADABLE);

    /* A structure whose end would wrap around the address space. */
    fake_reset();
    uint8_t hdr[16] = {0};
    put32(hdr, 4096);
    fake_map(UINT64_MAX - 15, hdr, 16);
    CHECK_EQ(multiboot2_parse(MB2_MAGIC, UINT64_MAX - 15, fake_p2v, &bp), BOOT_EUNREADABLE);
    fake_reset();
}

static void test_tag_errors(void)
{
    mb2_buf_t m;
    boot_params_t bp;

    mb2_begin(&m); /* no end tag */
    mb2_add_string(&m, 1, "abc");
    put32(m.b, m.len);
    CHECK_EQ(mb2_run(&m, &bp), BOOT_ENOEND);
    CHECK_STR(bp.cmdline, "abc"); /* parsed before the error */

    mb2_begin(&m); /* a tag running past total_size */
    uint32_t off = mb2_add_string(&m, 1, "abc");
    mb2_finish(&m);
    put32(m.b + off + 4, m.len);
    CHECK_EQ(mb2_run(&m, &bp), BOOT_EOVERRUN);

    mb2_begin(&m); /* a tag header cut by total_size */
    mb2_add_string(&m, 1, "abc");
    m.len += 4;
    put32(m.b, m.len);
    CHECK_EQ(mb2_run(&m, &bp), BOOT_EOVERRUN);

    mb2_begin(&m); /* a tag whose size is below its header */
    off = mb2_add_string(&m, 1, "abc");
    mb2_finish(&m);
    put32(m.b + off + 4, 4);
    CHECK_EQ(mb2_run(&m, &bp), BOOT_ETRUNCATED);

    mb2_begin(&m); /* the end tag's padding would run past total_size: total not a multiple of 8 */
    mb2_add(&m, 1, "abcde", 5); /* size 13 */
    m.len = 8 + 13;
    put32(m.b, m.len);
    CHECK_EQ(mb2_run(&m, &bp), BOOT_ENOEND);

    mb2_begin(&m); /* the end tag need not be last in total_size */
    mb2_finish(&m);
    m.len += 32;
    put32(m.b, m.len);
    CHECK_EQ(mb2_run(&m, &bp), 0);
    fake_reset();
}

static void test_module_and_mmap_errors(void)
{
    static const uint64_t map[][3] = {{0x1000, 0x1000, 1}, {0x3000, 0x1000, 1}};
    mb2_buf_t m;
    boot_params_t bp;

    mb2_begin(&m);
    mb2_add_module(&m, 0x300000, 0x2fffff, "backwards");
    mb2_finish(&m);
    CHECK_EQ(mb2_run(&m, &bp), BOOT_EBADMODULE);

    mb2_begin(&m);
    mb2_add(&m, 3, "\0\0\0\0\0\0", 6);
    mb2_finish(&m);
    CHECK_EQ(mb2_run(&m, &bp), BOOT_ETRUNCATED);

    mb2_begin(&m); /* module tag without any string byte: empty cmdline */
    mb2_add(&m, 3, "\0\0\x10\0\0\0\x20\0", 8);
    mb2_finish(&m);
    CHECK_EQ(mb2_run(&m, &bp), 0);
    CHECK_EQ(bp.modules[0].start, 0x100000);
    CHECK_STR(bp.modules[0].cmdline, "");

    mb2_begin(&m);
    mb2_add_mmap(&m, map, 2, 16);
    mb2_finish(&m);
    CHECK_EQ(mb2_run(&m, &bp), BOOT_EBADTAG);

    mb2_begin(&m);
    mb2_add(&m, 6, "\x18\0\0", 3);
    mb2_finish(&m);
    CHECK_EQ(mb2_run(&m, &bp), BOOT_ETRUNCATED);

    mb2_begin(&m); /* larger entries (future versions) are stepped over */
    mb2_add_mmap(&m, map, 2, 40);
    mb2_finish(&m);
    CHECK_EQ(mb2_run(&m, &bp), 0);
    CHECK_EQ(bp.n_mem, 2);
    CHECK_EQ(bp.mem[1].base, 0x3000);

    mb2_begin(&m); /* a partial trailing entry is ignored */
    mb2_add_mmap(&m, map, 2, 24);
    uint32_t off = 8;
    put32(m.b + off + 4, 8 + 8 + 24 + 20);
    mb2_finish(&m);
    CHECK_EQ(mb2_run(&m, &bp), 0);
    CHECK_EQ(bp.n_mem, 1);

    mb2_begin(&m); /* two memory map tags append */
    mb2_add_mmap(&m, map, 2, 24);
    mb2_add_mmap(&m, map, 1, 24);
    mb2_finish(&m);
    CHECK_EQ(mb2_run(&m, &bp), 0);
    CHECK_EQ(bp.n_mem, 3);
    fake_reset();
}

static void test_too_many(void)
{
    uint64_t map[100][3];
    for (int i = 0; i < 100; i++) {
        map[i][0] = (uint64_t)i << 20;
        map[i][1] = 0x1000;
        map[i][2] = 1;
    }
    mb2_buf_t m;
    boot_params_t bp;
    mb2_begin(&m);
    mb2_add_mmap(&m, map, 100, 24);
    for (uint32_t i = 0; i < 10; i++) {
        char name[16];
        snprintf(name, sizeof(name), "mod%u", i);
        mb2_add_module(&m, i << 20, (i << 20) + 10, name);
    }
    mb2_finish(&m);
    CHECK_EQ(mb2_run(&m, &bp), 0);
    CHECK_EQ(bp.n_mem, BOOT_MAX_REGIONS);
    CHECK_EQ(bp.mem[63].base, 63ull << 20);
    CHECK_EQ(bp.n_modules, BOOT_MAX_MODULES);
    CHECK_STR(bp.modules[7].cmdline, "mod7");
    CHECK_EQ(bp.truncated, BOOT_TRUNC_MEM | BOOT_TRUNC_MODULES);
    fake_reset();
}

static void test_strings(void)
{
    char long_line[400];
    memset(long_line, 'a', sizeof(long_line) - 1);
    long_line[sizeof(long_line) - 1] = '\0';
    mb2_buf_t m;
    boot_params_t bp;
    mb2_begin(&m);
    mb2_add_string(&m, 1, long_line);
    mb2_add_module(&m, 0, 1, long_line + 200);
    mb2_finish(&m);
    CHECK_EQ(mb2_run(&m, &bp), 0);
    CHECK_EQ(strlen(bp.cmdline), BOOT_CMDLINE_MAX - 1);
    CHECK_EQ(strlen(bp.modules[0].cmdline), BOOT_MODULE_CMDLINE_MAX - 1);
    CHECK_EQ(bp.truncated, BOOT_TRUNC_STRING);

    mb2_begin(&m); /* exactly fits: no truncation */
    long_line[BOOT_LOADER_MAX - 1] = '\0';
    mb2_add_string(&m, 2, long_line);
    mb2_finish(&m);
    CHECK_EQ(mb2_run(&m, &bp), 0);
    CHECK_EQ(strlen(bp.loader), BOOT_LOADER_MAX - 1);
    CHECK_EQ(bp.truncated, 0);

    mb2_begin(&m); /* no terminator inside the tag: the tag bounds the string */
    mb2_add(&m, 1, "abcdefg", 7);
    mb2_finish(&m);
    memset(m.b + 8 + 8 + 7, 'Z', 1); /* padding byte */
    CHECK_EQ(mb2_run(&m, &bp), 0);
    CHECK_STR(bp.cmdline, "abcdefg");
    fake_reset();
}

static void test_names(void)
{
    CHECK_STR(boot_mem_type_name(MEM_USABLE), "usable");
    CHECK_STR(boot_mem_type_name(MEM_RESERVED), "reserved");
    CHECK_STR(boot_mem_type_name(MEM_ACPI_RECLAIM), "ACPI reclaimable");
    CHECK_STR(boot_mem_type_name(MEM_ACPI_NVS), "ACPI NVS");
    CHECK_STR(boot_mem_type_name(MEM_BAD), "bad");
    CHECK_STR(boot_mem_type_name(0), "unknown");
    CHECK_STR(boot_mem_type_name(99), "unknown");
    for (int e = 0; e >= BOOT_EBADMODULE; e--) {
        CHECK(strcmp(boot_strerror(e), "unknown error") != 0);
    }
    CHECK_STR(boot_strerror(-100), "unknown error");
}

/* Builds a random valid structure. */
static void fuzz_build(mb2_buf_t *m)
{
    mb2_begin(m);
    int ntags = (int)test_rand_below(12);
    for (int i = 0; i < ntags; i++) {
        uint64_t map[6][3];
        uint8_t raw[40];
        uint32_t count;
        for (size_t k = 0; k < sizeof(raw); k++) {
            raw[k] = (uint8_t)test_rand();
        }
        switch (test_rand_below(7)) {
        case 0:
            mb2_add_string(m, 1, "cmd line");
            break;
        case 1:
            mb2_add_string(m, 2, "loader");
            break;
        case 2:
            mb2_add_module(m, 0x1000, 0x2000, "module");
            break;
        case 3:
            for (int k = 0; k < 6; k++) {
                map[k][0] = test_rand();
                map[k][1] = test_rand() >> test_rand_below(64);
                map[k][2] = test_rand_below(8);
            }
            count = 1 + (uint32_t)test_rand_below(6);
            mb2_add_mmap(m, (const uint64_t(*)[3])map, count,
                         24 + 8 * (uint32_t)test_rand_below(3));
            break;
        case 4:
            mb2_add(m, 14, raw, 20);
            break;
        case 5:
            mb2_add(m, 15, raw, 36);
            break;
        default:
            count = (uint32_t)test_rand_below(40);
            mb2_add(m, 4 + (uint32_t)test_rand_below(40), raw, count);
        }
    }
    mb2_finish(m);
}

/* Damages the structure: byte flips, interesting 32-bit values, or a shorter length. */
static void fuzz_mutate(mb2_buf_t *m)
{
    static const uint32_t interesting[] = {
        0, 1, 4, 7, 8, 9, 15, 16, 23, 24, 0x7fffffff, 0x80000000, 0xfffffff8, 0xffffffff};
    int n = 1 + (int)test_rand_below(4);
    for (int i = 0; i < n; i++) {
        uint32_t pos = (uint32_t)test_rand_below(m->len);
        switch (test_rand_below(4)) {
        case 0:
            m->b[pos] ^= (uint8_t)(1u << test_rand_below(8));
            break;
        case 1:
            m->b[pos] = (uint8_t)test_rand();
            break;
        case 2:
            pos &= ~3u;
            if (pos + 4 <= m->len) {
                put32(m->b + pos, interesting[test_rand_below(14)]);
            }
            break;
        default:
            m->len = 8 + (uint32_t)test_rand_below(m->len - 7);
            break;
        }
    }
}

static void test_fuzz(void)
{
    mb2_buf_t m;
    boot_params_t bp;
    int ok = 0;
    for (int iter = 0; iter < 30000; iter++) {
        fuzz_build(&m);
        if (test_rand_below(8) != 0) {
            fuzz_mutate(&m);
        }
        int err = mb2_run(&m, &bp);
        CHECK(fake_known_result(err));
        CHECK(fake_params_sane(&bp));
        if (err == 0) {
            ok++;
            CHECK(bp.info_end > bp.info_start);
            CHECK(bp.info_end - bp.info_start <= m.len);
        }
    }
    fake_reset();
    printf("  fuzz: %d of 30000 parsed successfully\n", ok);
    CHECK(ok > 1000);
}

int main(void)
{
    test_seed_from_env(0x3b2);
    RUN_TEST(test_all_tags);
    RUN_TEST(test_acpi_old_only_and_minimal);
    RUN_TEST(test_header_errors);
    RUN_TEST(test_tag_errors);
    RUN_TEST(test_module_and_mmap_errors);
    RUN_TEST(test_too_many);
    RUN_TEST(test_strings);
    RUN_TEST(test_names);
    RUN_TEST(test_fuzz);
    return test_summary("unit.multiboot2");
}
