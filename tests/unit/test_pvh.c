/* Host tests for the PVH start info parser: built structures, malformed ones, and a fuzzer. */
#include "test.h"

#include "fake_phys.h"

#define SI_PA      0x6000ull
#define MODLIST_PA 0x7000ull
#define MEMMAP_PA  0x8000ull
#define CMDLINE_PA 0x9000ull
#define MODSTR_PA  0xa000ull /* module i's string at MODSTR_PA + i * 0x100 */

/* A PVH boot under construction: the start info and the arrays it points to. */
typedef struct {
    uint8_t si[56];
    uint32_t si_len; /* 40 for version 0, 56 for version 1 */
    uint8_t modlist[32 * 16];
    uint32_t n_modlist; /* entries actually present in memory */
    uint8_t memmap[24 * 1100];
    uint32_t n_memmap;
    const char *cmdline;
    const char *modstr[16];
} pvh_boot_t;

static void put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
    memcpy(p, &v, 8);
}

/* Starts a version 1 start info with no modules, no map and no command line. */
static void pvh_begin(pvh_boot_t *b)
{
    memset(b, 0, sizeof(*b));
    b->si_len = 56;
    put32(b->si, PVH_START_MAGIC);
    put32(b->si + 4, 1);
}

static void pvh_set_cmdline(pvh_boot_t *b, const char *s)
{
    b->cmdline = s;
    put64(b->si + 24, CMDLINE_PA);
}

static void pvh_add_module(pvh_boot_t *b, uint64_t pa, uint64_t size, const char *s)
{
    uint32_t i = b->n_modlist++;
    uint8_t *e = b->modlist + 32 * i;
    put64(e, pa);
    put64(e + 8, size);
    b->modstr[i] = s;
    put64(e + 16, s ? MODSTR_PA + i * 0x100 : 0);
    put32(b->si + 12, b->n_modlist);
    put64(b->si + 16, MODLIST_PA);
}

static void pvh_add_region(pvh_boot_t *b, uint64_t addr, uint64_t size, uint32_t type)
{
    uint8_t *e = b->memmap + 24 * b->n_memmap++;
    put64(e, addr);
    put64(e + 8, size);
    put32(e + 16, type);
    put64(b->si + 40, MEMMAP_PA);
    put32(b->si + 48, b->n_memmap);
}

/* Maps everything (each piece exactly its size) and parses. */
static int pvh_run(const pvh_boot_t *b, boot_params_t *bp)
{
    fake_reset();
    fake_map(SI_PA, b->si, b->si_len);
    if (b->n_modlist) {
        fake_map(MODLIST_PA, b->modlist, 32ull * b->n_modlist);
    }
    if (b->n_memmap) {
        fake_map(MEMMAP_PA, b->memmap, 24ull * b->n_memmap);
    }
    if (b->cmdline) {
        fake_map_string(CMDLINE_PA, b->cmdline);
    }
    for (uint32_t i = 0; i < b->n_modlist; i++) {
        if (b->modstr[i]) {
            fake_map_string(MODSTR_PA + i * 0x100, b->modstr[i]);
        }
    }
    return pvh_parse(SI_PA, fake_p2v, bp);
}

static void test_full(void)
{
    pvh_boot_t b;
    boot_params_t bp;
    pvh_begin(&b);
    pvh_set_cmdline(&b, "console=ttyS0 tests");
    put64(b.si + 32, 0xf5a30);
    pvh_add_module(&b, 0x400000, 0x12345, "roottask");
    pvh_add_module(&b, 0x500000, 0, NULL);
    static const uint32_t types[] = {1, 2, 3, 4, 5, 6, 7, 0};
    for (uint32_t i = 0; i < 8; i++) {
        pvh_add_region(&b, (uint64_t)i << 24, 0x1000, types[i]);
    }
    pvh_add_region(&b, 0x7f000000, 0, 1);
    CHECK_EQ(pvh_run(&b, &bp), 0);
    CHECK_EQ(bp.protocol, BOOT_PROTO_PVH);
    CHECK_STR(bp.cmdline, "console=ttyS0 tests");
    CHECK_STR(bp.loader, "");
    CHECK_EQ(bp.acpi_rsdp, 0xf5a30);
    CHECK_EQ(bp.n_modules, 2);
    CHECK_EQ(bp.modules[0].start, 0x400000);
    CHECK_EQ(bp.modules[0].end, 0x412345);
    CHECK_STR(bp.modules[0].cmdline, "roottask");
    CHECK_EQ(bp.modules[1].start, 0x500000);
    CHECK_EQ(bp.modules[1].end, 0x500000);
    CHECK_STR(bp.modules[1].cmdline, "");
    CHECK_EQ(bp.n_mem, 8);
    CHECK_EQ(bp.mem[0].type, MEM_USABLE);
    CHECK_EQ(bp.mem[1].type, MEM_RESERVED);
    CHECK_EQ(bp.mem[2].type, MEM_ACPI_RECLAIM);
    CHECK_EQ(bp.mem[3].type, MEM_ACPI_NVS);
    CHECK_EQ(bp.mem[4].type, MEM_BAD);
    CHECK_EQ(bp.mem[5].type, MEM_RESERVED);
    CHECK_EQ(bp.mem[6].type, MEM_RESERVED);
    CHECK_EQ(bp.mem[7].type, MEM_RESERVED);
    CHECK_EQ(bp.mem[7].base, 7ull << 24);
    CHECK_EQ(bp.info_start, SI_PA);
    CHECK_EQ(bp.info_end, SI_PA + 56);
    CHECK_EQ(bp.truncated, 0);
    CHECK(fake_params_sane(&bp));
    fake_reset();
}

static void test_version0(void)
{
    pvh_boot_t b;
    boot_params_t bp;
    pvh_begin(&b);
    pvh_add_region(&b, 0, 0x1000, 1);
    put32(b.si + 4, 0);
    b.si_len = 40; /* only 40 bytes mapped: reading the v1 fields would fail */
    CHECK_EQ(pvh_run(&b, &bp), 0);
    CHECK_EQ(bp.n_mem, 0);
    CHECK_EQ(bp.info_end, SI_PA + 40);

    pvh_begin(&b); /* a version 1 structure needs all 56 bytes */
    b.si_len = 40;
    CHECK_EQ(pvh_run(&b, &bp), BOOT_EUNREADABLE);

    pvh_begin(&b); /* later versions are read as version 1 */
    put32(b.si + 4, 7);
    pvh_add_region(&b, 0x100000, 0x1000, 1);
    CHECK_EQ(pvh_run(&b, &bp), 0);
    CHECK_EQ(bp.n_mem, 1);
    fake_reset();
}

static void test_header_errors(void)
{
    pvh_boot_t b;
    boot_params_t bp;
    pvh_begin(&b);
    put32(b.si, MULTIBOOT2_BOOTLOADER_MAGIC);
    CHECK_EQ(pvh_run(&b, &bp), BOOT_EBADMAGIC);
    pvh_begin(&b);
    CHECK_EQ(pvh_run(&b, &bp), 0);
    CHECK_EQ(pvh_parse(SI_PA + 4, fake_p2v, &bp), BOOT_EMISALIGNED);
    CHECK_EQ(pvh_parse(0x20000, fake_p2v, &bp), BOOT_EUNREADABLE);
    CHECK_EQ(pvh_parse(0, fake_p2v, &bp), BOOT_EUNREADABLE);
    CHECK_EQ(pvh_parse(UINT64_MAX - 7, fake_p2v, &bp), BOOT_EUNREADABLE);
    CHECK_EQ(bp.protocol, BOOT_PROTO_PVH);
    fake_reset();
}

static void test_module_errors(void)
{
    pvh_boot_t b;
    boot_params_t bp;

    pvh_begin(&b); /* modules but no list */
    pvh_add_module(&b, 0x1000, 0x1000, NULL);
    put64(b.si + 16, 0);
    CHECK_EQ(pvh_run(&b, &bp), BOOT_EUNREADABLE);

    pvh_begin(&b);
    pvh_add_module(&b, 0x1000, 0x1000, NULL);
    put64(b.si + 16, MODLIST_PA + 4);
    CHECK_EQ(pvh_run(&b, &bp), BOOT_EMISALIGNED);

    pvh_begin(&b); /* nr_modules larger than the list in memory */
    pvh_add_module(&b, 0x1000, 0x1000, NULL);
    put32(b.si + 12, 2);
    CHECK_EQ(pvh_run(&b, &bp), BOOT_EUNREADABLE);

    pvh_begin(&b);
    pvh_add_module(&b, UINT64_MAX - 10, 0x1000, NULL);
    CHECK_EQ(pvh_run(&b, &bp), BOOT_EBADMODULE);

    pvh_begin(&b); /* the module's command line address is not readable */
    pvh_add_module(&b, 0x1000, 0x1000, NULL);
    put64(b.modlist + 16, 0x50000);
    CHECK_EQ(pvh_run(&b, &bp), BOOT_EUNREADABLE);

    pvh_begin(&b); /* a huge nr_modules: only the first BOOT_MAX_MODULES are read */
    for (uint32_t i = 0; i < BOOT_MAX_MODULES; i++) {
        pvh_add_module(&b, 0x100000 * (i + 1), 0x1000, "m");
    }
    put32(b.si + 12, 0xffffffff);
    CHECK_EQ(pvh_run(&b, &bp), 0);
    CHECK_EQ(bp.n_modules, BOOT_MAX_MODULES);
    CHECK_EQ(bp.truncated, BOOT_TRUNC_MODULES);
    CHECK_EQ(bp.modules[7].start, 0x800000);
    fake_reset();
}

static void test_memmap_limits(void)
{
    pvh_boot_t b;
    boot_params_t bp;

    pvh_begin(&b);
    pvh_add_region(&b, 0, 0x1000, 1);
    put64(b.si + 40, MEMMAP_PA + 4);
    CHECK_EQ(pvh_run(&b, &bp), BOOT_EMISALIGNED);

    pvh_begin(&b);
    pvh_add_region(&b, 0, 0x1000, 1);
    put64(b.si + 40, 0);
    CHECK_EQ(pvh_run(&b, &bp), BOOT_EUNREADABLE);

    pvh_begin(&b); /* entries but not that many in memory */
    pvh_add_region(&b, 0, 0x1000, 1);
    put32(b.si + 48, 2);
    CHECK_EQ(pvh_run(&b, &bp), BOOT_EUNREADABLE);

    pvh_begin(&b); /* a map address that wraps */
    pvh_add_region(&b, 0, 0x1000, 1);
    put64(b.si + 40, UINT64_MAX - 7);
    CHECK_EQ(pvh_run(&b, &bp), BOOT_EUNREADABLE);

    pvh_begin(&b); /* more regions than fit */
    for (uint32_t i = 0; i < 100; i++) {
        pvh_add_region(&b, (uint64_t)i << 20, 0x1000, 1);
    }
    CHECK_EQ(pvh_run(&b, &bp), 0);
    CHECK_EQ(bp.n_mem, BOOT_MAX_REGIONS);
    CHECK_EQ(bp.mem[63].base, 63ull << 20);
    CHECK_EQ(bp.truncated, BOOT_TRUNC_MEM);

    pvh_begin(&b); /* a huge entry count: only PVH_MAX_MEMMAP_ENTRIES are read */
    for (uint32_t i = 0; i < PVH_MAX_MEMMAP_ENTRIES; i++) {
        pvh_add_region(&b, 0x1000 * i, 0, 1); /* all empty */
    }
    put32(b.si + 48, 0xffffffff);
    CHECK_EQ(pvh_run(&b, &bp), 0);
    CHECK_EQ(bp.n_mem, 0);
    CHECK_EQ(bp.truncated, BOOT_TRUNC_MEM);
    fake_reset();
}

static void test_strings(void)
{
    char line[400];
    pvh_boot_t b;
    boot_params_t bp;

    memset(line, 'c', sizeof(line) - 1);
    line[sizeof(line) - 1] = '\0';
    pvh_begin(&b);
    pvh_set_cmdline(&b, line);
    pvh_add_module(&b, 0x1000, 0x1000, line);
    CHECK_EQ(pvh_run(&b, &bp), 0);
    CHECK_EQ(strlen(bp.cmdline), BOOT_CMDLINE_MAX - 1);
    CHECK_EQ(strlen(bp.modules[0].cmdline), BOOT_MODULE_CMDLINE_MAX - 1);
    CHECK_EQ(bp.truncated, BOOT_TRUNC_STRING);

    line[BOOT_CMDLINE_MAX - 1] = '\0'; /* exactly fits */
    pvh_begin(&b);
    pvh_set_cmdline(&b, line);
    CHECK_EQ(pvh_run(&b, &bp), 0);
    CHECK_EQ(strlen(bp.cmdline), BOOT_CMDLINE_MAX - 1);
    CHECK_EQ(bp.truncated, 0);

    pvh_begin(&b); /* unterminated at the end of readable memory */
    put64(b.si + 24, CMDLINE_PA);
    CHECK_EQ(pvh_run(&b, &bp), BOOT_EUNREADABLE); /* not mapped at all */
    fake_reset();
    fake_map(SI_PA, b.si, b.si_len);
    fake_map(CMDLINE_PA, "abc", 3);
    CHECK_EQ(pvh_parse(SI_PA, fake_p2v, &bp), BOOT_EUNREADABLE);
    CHECK(fake_params_sane(&bp));

    pvh_begin(&b); /* empty string */
    pvh_set_cmdline(&b, "");
    CHECK_EQ(pvh_run(&b, &bp), 0);
    CHECK_STR(bp.cmdline, "");
    fake_reset();
}

/* Builds a random valid boot. */
static void fuzz_build(pvh_boot_t *b)
{
    static const char *const strs[] = {"", "a", "some command line", NULL};
    pvh_begin(b);
    if (test_rand_below(2)) {
        pvh_set_cmdline(b, strs[test_rand_below(3)]);
    }
    uint32_t nmod = (uint32_t)test_rand_below(11);
    for (uint32_t i = 0; i < nmod; i++) {
        uint64_t pa = test_rand() >> 20;
        pvh_add_module(b, pa, test_rand_below(1u << 20), strs[test_rand_below(4)]);
    }
    uint32_t nmap = (uint32_t)test_rand_below(80);
    for (uint32_t i = 0; i < nmap; i++) {
        uint64_t addr = test_rand();
        uint64_t size = test_rand() >> test_rand_below(64);
        pvh_add_region(b, addr, size, (uint32_t)test_rand_below(9));
    }
    if (test_rand_below(4) == 0) {
        put32(b->si + 4, 0);
        b->si_len = 40;
    }
}

/* Overwrites random fields of the start info or the arrays with random or chosen values. */
static void fuzz_mutate(pvh_boot_t *b)
{
    static const uint64_t interesting[] = {0,
                                           1,
                                           7,
                                           8,
                                           SI_PA,
                                           MODLIST_PA,
                                           MEMMAP_PA,
                                           CMDLINE_PA + 1,
                                           0xffffffff,
                                           UINT64_MAX,
                                           UINT64_MAX - 7,
                                           1ull << 63};
    int n = 1 + (int)test_rand_below(3);
    for (int i = 0; i < n; i++) {
        uint64_t v = test_rand_below(2) ? interesting[test_rand_below(12)] : test_rand();
        switch (test_rand_below(3)) {
        case 0:
            put64(b->si + 8 * test_rand_below(b->si_len / 8), v);
            break;
        case 1:
            if (b->n_modlist) {
                put64(b->modlist + 8 * test_rand_below(4 * b->n_modlist), v);
            }
            break;
        default:
            put32(b->si + 4 * test_rand_below(b->si_len / 4), (uint32_t)v);
            break;
        }
    }
    put32(b->si, test_rand_below(16) ? PVH_START_MAGIC : (uint32_t)test_rand());
}

static void test_fuzz(void)
{
    pvh_boot_t *b = malloc(sizeof(*b));
    boot_params_t bp;
    int ok = 0;
    for (int iter = 0; iter < 20000; iter++) {
        fuzz_build(b);
        if (test_rand_below(8) != 0) {
            fuzz_mutate(b);
        }
        int err = pvh_run(b, &bp);
        CHECK(fake_known_result(err));
        CHECK(fake_params_sane(&bp));
        if (err == 0) {
            ok++;
            CHECK_EQ(bp.info_start, SI_PA);
        }
    }
    fake_reset();
    free(b);
    printf("  fuzz: %d of 20000 parsed successfully\n", ok);
    CHECK(ok > 1000);
}

int main(void)
{
    test_seed_from_env(0x9f4);
    RUN_TEST(test_full);
    RUN_TEST(test_version0);
    RUN_TEST(test_header_errors);
    RUN_TEST(test_module_errors);
    RUN_TEST(test_memmap_limits);
    RUN_TEST(test_strings);
    RUN_TEST(test_fuzz);
    return test_summary("unit.pvh");
}
