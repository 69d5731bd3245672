/* Host tests for the ACPI reader: the RSDP search, RSDT and XSDT, the MADT's IOAPICs and
 * interrupt source overrides, broken tables, and a fuzzer (every read exact-size under ASan). */
#include "test.h"

#include "fake_phys.h"

#include <arch/x86_64/machine/acpi.h>

#define RSDP_PA 0xf5000ull /* in the BIOS search area */
#define ROOT_PA 0x7000000ull
#define MADT_PA 0x7001000ull
#define FADT_PA 0x7002000ull
#define EBDA_PA 0x9fc00ull

void kputchar(char c)
{
    (void)c;
}

static void put16(uint8_t *p, uint16_t v)
{
    memcpy(p, &v, 2);
}

static void put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
    memcpy(p, &v, 8);
}

/* Sets the byte at p[at] so that the len bytes at p sum to 0. */
static void fix_checksum(uint8_t *p, size_t len, size_t at)
{
    uint8_t sum = 0;
    p[at] = 0;
    for (size_t i = 0; i < len; i++) {
        sum = (uint8_t)(sum + p[i]);
    }
    p[at] = (uint8_t)-sum;
}

/* A machine's tables under construction. */
typedef struct {
    uint8_t rsdp[36];
    int rsdp_rev;
    uint8_t root[36 + 8 * 8];
    int n_root;
    uint8_t madt[1024];
    uint32_t madt_len;
    uint8_t fadt[36];
} tables_t;

static void sdt_header(uint8_t *t, const char *sig, uint32_t len)
{
    memcpy(t, sig, 4);
    put32(t + 4, len);
    t[8] = 1;
    memcpy(t + 10, "SEL4SH", 6);
}

/* A MADT with the local APIC address and no entries yet; an RSDP of revision rev. */
static void tables_begin(tables_t *t, int rev)
{
    memset(t, 0, sizeof(*t));
    t->rsdp_rev = rev;
    t->madt_len = 44;
    put32(t->madt + 36, 0xfee00000u);
    sdt_header(t->fadt, "FACP", 36);
}

static void madt_add(tables_t *t, const uint8_t *entry, uint8_t len)
{
    memcpy(t->madt + t->madt_len, entry, len);
    t->madt_len += len;
}

static void madt_add_ioapic(tables_t *t, uint8_t id, uint32_t addr, uint32_t gsi)
{
    uint8_t e[12] = {1, 12, id, 0};
    put32(e + 4, addr);
    put32(e + 8, gsi);
    madt_add(t, e, 12);
}

static void madt_add_override(tables_t *t, uint8_t irq, uint32_t gsi, uint16_t flags)
{
    uint8_t e[10] = {2, 10, 0, irq};
    put32(e + 4, gsi);
    put16(e + 8, flags);
    madt_add(t, e, 10);
}

/* Fills in the headers and checksums and maps everything (the root lists FADT, then MADT). */
static void tables_map(tables_t *t, paddr_t rsdp_pa)
{
    bool x = t->rsdp_rev >= 2;
    unsigned esize = x ? 8 : 4;
    t->n_root = 2;
    uint32_t root_len = 36 + esize * 2;
    sdt_header(t->root, x ? "XSDT" : "RSDT", root_len);
    if (x) {
        put64(t->root + 36, FADT_PA);
        put64(t->root + 44, MADT_PA);
    } else {
        put32(t->root + 36, FADT_PA);
        put32(t->root + 40, MADT_PA);
    }
    fix_checksum(t->root, root_len, 9);
    sdt_header(t->madt, "APIC", t->madt_len);
    fix_checksum(t->madt, t->madt_len, 9);
    fix_checksum(t->fadt, 36, 9);
    memcpy(t->rsdp, "RSD PTR ", 8);
    t->rsdp[15] = (uint8_t)t->rsdp_rev;
    put32(t->rsdp + 16, x ? 0 : (uint32_t)ROOT_PA);
    fix_checksum(t->rsdp, 20, 8);
    if (x) {
        put32(t->rsdp + 20, 36);
        put64(t->rsdp + 24, ROOT_PA);
        fix_checksum(t->rsdp, 36, 32);
    }
    fake_map(rsdp_pa, t->rsdp, x ? 36 : 20);
    fake_map(ROOT_PA, t->root, root_len);
    fake_map(MADT_PA, t->madt, t->madt_len);
    fake_map(FADT_PA, t->fadt, 36);
}

static void test_rsdt(void)
{
    tables_t *t = malloc(sizeof(*t));
    tables_begin(t, 0);
    madt_add_ioapic(t, 0, 0xfec00000u, 0);
    madt_add_override(t, 0, 2, 0);
    madt_add_override(t, 9, 9, 0xd);
    tables_map(t, RSDP_PA);
    acpi_madt_t m;
    CHECK_EQ(acpi_find_rsdp(RSDP_PA, fake_p2v), RSDP_PA);
    CHECK_EQ(acpi_read_madt(RSDP_PA, fake_p2v, &m), 0);
    CHECK_EQ(m.lapic_address, 0xfee00000u);
    CHECK_EQ(m.n_ioapics, 1);
    CHECK_EQ(m.ioapics[0].address, 0xfec00000u);
    CHECK_EQ(m.ioapics[0].gsi_base, 0);
    CHECK_EQ(m.n_overrides, 2);
    CHECK_EQ(m.overrides[0].source, 0);
    CHECK_EQ(m.overrides[0].gsi, 2);
    CHECK_EQ(m.overrides[1].source, 9);
    CHECK_EQ(m.overrides[1].flags, 0xd);
    CHECK(!m.truncated);
    fake_reset();
    free(t);
}

static void test_xsdt_and_search(void)
{
    tables_t *t = malloc(sizeof(*t));
    tables_begin(t, 2);
    madt_add_ioapic(t, 1, 0xfec00000u, 0);
    uint8_t lapic[8] = {0, 8, 0, 0, 1, 0, 0, 0}; /* a local APIC entry: skipped */
    madt_add(t, lapic, 8);
    madt_add_ioapic(t, 2, 0xfec01000u, 24);
    tables_map(t, RSDP_PA);
    acpi_madt_t m;
    /* No hint, or a wrong one: the BIOS area search finds it. */
    CHECK_EQ(acpi_find_rsdp(0, fake_p2v), RSDP_PA);
    CHECK_EQ(acpi_find_rsdp(0x1234, fake_p2v), RSDP_PA);
    CHECK_EQ(acpi_read_madt(RSDP_PA, fake_p2v, &m), 0);
    CHECK_EQ(m.n_ioapics, 2);
    CHECK_EQ(m.ioapics[1].id, 2);
    CHECK_EQ(m.ioapics[1].address, 0xfec01000u);
    CHECK_EQ(m.ioapics[1].gsi_base, 24);
    fake_reset();
    /* In the EBDA (its segment at 0x40e). */
    tables_begin(t, 2);
    madt_add_ioapic(t, 0, 0xfec00000u, 0);
    tables_map(t, EBDA_PA + 0x40);
    uint8_t seg[2];
    put16(seg, EBDA_PA >> 4);
    fake_map(0x40e, seg, 2);
    CHECK_EQ(acpi_find_rsdp(0, fake_p2v), EBDA_PA + 0x40);
    CHECK_EQ(acpi_read_madt(EBDA_PA + 0x40, fake_p2v, &m), 0);
    CHECK_EQ(m.n_ioapics, 1);
    fake_reset();
    /* Nothing anywhere. */
    CHECK_EQ(acpi_find_rsdp(0, fake_p2v), 0);
    free(t);
}

static void test_broken(void)
{
    tables_t *t = malloc(sizeof(*t));
    acpi_madt_t m;
    /* A bad RSDP checksum. */
    tables_begin(t, 0);
    tables_map(t, RSDP_PA);
    fake_regions[0].bytes[8] ^= 1;
    CHECK_EQ(acpi_read_madt(RSDP_PA, fake_p2v, &m), ACPI_EBADRSDP);
    CHECK_EQ(acpi_find_rsdp(RSDP_PA, fake_p2v), 0);
    fake_reset();
    /* A bad root checksum, a root with the wrong signature. */
    tables_begin(t, 2);
    tables_map(t, RSDP_PA);
    fake_regions[1].bytes[20] ^= 1;
    CHECK_EQ(acpi_read_madt(RSDP_PA, fake_p2v, &m), ACPI_EBADROOT);
    fake_reset();
    tables_begin(t, 0);
    tables_map(t, RSDP_PA);
    memcpy(fake_regions[1].bytes, "XSDT", 4);
    CHECK_EQ(acpi_read_madt(RSDP_PA, fake_p2v, &m), ACPI_EBADROOT);
    fake_reset();
    /* The MADT's checksum broken: there is no MADT. */
    tables_begin(t, 0);
    madt_add_ioapic(t, 0, 0xfec00000u, 0);
    tables_map(t, RSDP_PA);
    fake_regions[2].bytes[50] ^= 1;
    CHECK_EQ(acpi_read_madt(RSDP_PA, fake_p2v, &m), ACPI_ENOMADT);
    CHECK_EQ(m.n_ioapics, 0);
    fake_reset();
    /* An entry of length 0, and one that runs past the table. */
    uint8_t zero[2] = {1, 0}, over[4] = {2, 10, 0, 0};
    tables_begin(t, 0);
    madt_add(t, zero, 2);
    tables_map(t, RSDP_PA);
    CHECK_EQ(acpi_read_madt(RSDP_PA, fake_p2v, &m), ACPI_EBADMADT);
    fake_reset();
    tables_begin(t, 0);
    madt_add_ioapic(t, 0, 0xfec00000u, 0);
    madt_add(t, over, 4);
    tables_map(t, RSDP_PA);
    CHECK_EQ(acpi_read_madt(RSDP_PA, fake_p2v, &m), ACPI_EBADMADT);
    fake_reset();
    /* Short IOAPIC and override entries are skipped. */
    uint8_t short_ioapic[6] = {1, 6, 0, 0, 0, 0}, short_iso[8] = {2, 8, 0, 0, 2, 0, 0, 0};
    tables_begin(t, 0);
    madt_add(t, short_ioapic, 6);
    madt_add(t, short_iso, 8);
    tables_map(t, RSDP_PA);
    CHECK_EQ(acpi_read_madt(RSDP_PA, fake_p2v, &m), 0);
    CHECK_EQ(m.n_ioapics, 0);
    CHECK_EQ(m.n_overrides, 0);
    fake_reset();
    free(t);
}

static void test_limits(void)
{
    tables_t *t = malloc(sizeof(*t));
    acpi_madt_t m;
    tables_begin(t, 2);
    for (int i = 0; i < ACPI_MAX_IOAPICS + 2; i++) {
        madt_add_ioapic(t, (uint8_t)i, 0xfec00000u + 0x1000u * (uint32_t)i, 24u * (uint32_t)i);
    }
    for (int i = 0; i < ACPI_MAX_OVERRIDES + 1; i++) {
        madt_add_override(t, (uint8_t)i, (uint32_t)i, 0);
    }
    tables_map(t, RSDP_PA);
    CHECK_EQ(acpi_read_madt(RSDP_PA, fake_p2v, &m), 0);
    CHECK_EQ(m.n_ioapics, ACPI_MAX_IOAPICS);
    CHECK_EQ(m.n_overrides, ACPI_MAX_OVERRIDES);
    CHECK(m.truncated);
    CHECK_EQ(m.ioapics[ACPI_MAX_IOAPICS - 1].gsi_base, 24 * (ACPI_MAX_IOAPICS - 1));
    fake_reset();
    free(t);
}

/* Random tables, then random byte flips (checksums fixed or not): never a bad read, and the
 * result is always an error code or a consistent MADT. */
static void test_fuzz(void)
{
    tables_t *t = malloc(sizeof(*t));
    int ok = 0;
    for (int iter = 0; iter < 5000; iter++) {
        tables_begin(t, test_rand_below(2) ? 2 : 0);
        for (int n = (int)test_rand_below(12); n > 0; n--) {
            if (test_rand_below(2)) {
                madt_add_ioapic(t, (uint8_t)test_rand(), (uint32_t)test_rand(),
                                (uint32_t)test_rand());
            } else {
                madt_add_override(t, (uint8_t)test_rand(), (uint32_t)test_rand(),
                                  (uint16_t)test_rand());
            }
        }
        tables_map(t, RSDP_PA);
        for (int flips = (int)test_rand_below(4); flips > 0; flips--) {
            fake_region_t *r = &fake_regions[test_rand_below((uint64_t)fake_nregions)];
            r->bytes[test_rand_below(r->len)] = (uint8_t)test_rand();
            if (test_rand_below(2) && r->len >= 36) {
                fix_checksum(r->bytes, r->len, 9); /* a table with a consistent checksum */
            }
        }
        acpi_madt_t m;
        int err = acpi_read_madt(RSDP_PA, fake_p2v, &m);
        CHECK(err <= 0 && err >= ACPI_EBADMADT);
        CHECK(m.n_ioapics <= ACPI_MAX_IOAPICS && m.n_overrides <= ACPI_MAX_OVERRIDES);
        ok += err == 0;
        (void)acpi_find_rsdp(RSDP_PA, fake_p2v);
        fake_reset();
    }
    printf("  fuzz: %d of 5000 read a MADT\n", ok);
    CHECK(ok > 500);
    free(t);
}

int main(void)
{
    test_seed_from_env(0xac91);
    RUN_TEST(test_rsdt);
    RUN_TEST(test_xsdt_and_search);
    RUN_TEST(test_broken);
    RUN_TEST(test_limits);
    RUN_TEST(test_fuzz);
    return test_summary("unit.acpi");
}
