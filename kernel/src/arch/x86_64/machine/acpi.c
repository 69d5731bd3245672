/*
 * ACPI at boot: the RSDP (from the loader, or the legacy BIOS search), the root table (XSDT or
 * RSDT) and the MADT, of which the kernel keeps the IOAPICs and interrupt source overrides.
 * Every read goes through the caller's p2v, and every length and checksum is checked before a
 * byte of a table is used, so broken firmware tables mean "no IOAPIC", never a bad read.
 */
#include <arch/x86_64/machine/acpi.h>
#include <kernel/printf.h>

#define RSDP_V1_LEN       20
#define RSDP_V2_MIN_LEN   36
#define RSDP_MAX_LEN      4096
#define RSDP_ALIGN        16
#define SDT_HEADER_LEN    36
#define SDT_MAX_LEN       (1u << 20)
#define MADT_FIXED_LEN    44
#define MADT_IOAPIC       1
#define MADT_OVERRIDE     2
#define MADT_LAPIC_ADDR   5
#define BIOS_EBDA_PTR     0x40eul
#define EBDA_SEARCH_LEN   1024
#define BIOS_SEARCH_START 0xe0000ul
#define BIOS_SEARCH_END   0x100000ul

static u16 acpi_read16(const u8 *p)
{
    return (u16)(p[0] | p[1] << 8);
}

static u32 acpi_read32(const u8 *p)
{
    return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static u64 acpi_read64(const u8 *p)
{
    return (u64)acpi_read32(p) | (u64)acpi_read32(p + 4) << 32;
}

/* True if the len bytes at p add up to 0 modulo 256 (an ACPI checksum holds). */
static bool acpi_checksum_ok(const u8 *p, u64 len)
{
    u8 sum = 0;
    for (u64 i = 0; i < len; i++) {
        sum = (u8)(sum + p[i]);
    }
    return sum == 0;
}

/* True if the n bytes at p are the characters of sig. */
static bool acpi_sig_is(const u8 *p, const char *sig, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        if (p[i] != (u8)sig[i]) {
            return false;
        }
    }
    return true;
}

/* True if a valid RSDP (see acpi_find_rsdp) lies at pa. */
static bool acpi_rsdp_valid(paddr_t pa, boot_p2v_fn p2v)
{
    const u8 *p = p2v(pa, RSDP_V1_LEN);
    if (!p || !acpi_sig_is(p, "RSD PTR ", 8) || !acpi_checksum_ok(p, RSDP_V1_LEN)) {
        return false;
    }
    if (p[15] < 2) {
        return true;
    }
    const u8 *v2 = p2v(pa, RSDP_V2_MIN_LEN);
    if (!v2) {
        return false;
    }
    u32 len = acpi_read32(v2 + 20);
    if (len < RSDP_V2_MIN_LEN || len > RSDP_MAX_LEN) {
        return false;
    }
    const u8 *all = p2v(pa, len);
    return all && acpi_checksum_ok(all, len);
}

/* The first valid RSDP on a 16-byte boundary in [start, end), or 0. */
static paddr_t acpi_scan_rsdp(paddr_t start, paddr_t end, boot_p2v_fn p2v)
{
    for (paddr_t pa = ROUND_UP(start, 4); pa + RSDP_V1_LEN <= end; pa += RSDP_ALIGN) {
        if (acpi_rsdp_valid(pa, p2v)) {
            return pa;
        }
    }
    return 0;
}

paddr_t acpi_find_rsdp(paddr_t hint, boot_p2v_fn p2v)
{
    if (hint && acpi_rsdp_valid(hint, p2v)) {
        return hint;
    }
    const u8 *ebda_ptr = p2v(BIOS_EBDA_PTR, 2);
    if (ebda_ptr) {
        paddr_t ebda = (paddr_t)acpi_read16(ebda_ptr) << 4;
        paddr_t found = ebda ? acpi_scan_rsdp(ebda, ebda + EBDA_SEARCH_LEN, p2v) : 0;
        if (found) {
            return found;
        }
    }
    return acpi_scan_rsdp(BIOS_SEARCH_START, BIOS_SEARCH_END, p2v);
}

/* The whole table at pa if its header is readable, its length sane and its checksum good
 * (*len set to its length); NULL otherwise. */
static const u8 *acpi_table(paddr_t pa, boot_p2v_fn p2v, u32 *len)
{
    const u8 *h = p2v(pa, SDT_HEADER_LEN);
    if (!h) {
        return NULL;
    }
    u32 n = acpi_read32(h + 4);
    if (n < SDT_HEADER_LEN || n > SDT_MAX_LEN) {
        return NULL;
    }
    const u8 *t = p2v(pa, n);
    if (!t || !acpi_checksum_ok(t, n)) {
        return NULL;
    }
    *len = n;
    return t;
}

/* Records one MADT entry (type, length elen >= 2, at e) that the kernel keeps. */
static void acpi_madt_entry(const u8 *e, u8 elen, acpi_madt_t *out)
{
    if (e[0] == MADT_IOAPIC && elen >= 12) {
        if (out->n_ioapics == ACPI_MAX_IOAPICS) {
            out->truncated = true;
            return;
        }
        out->ioapics[out->n_ioapics++] =
            (acpi_ioapic_t){e[2], acpi_read32(e + 4), acpi_read32(e + 8)};
    } else if (e[0] == MADT_OVERRIDE && elen >= 10) {
        if (out->n_overrides == ACPI_MAX_OVERRIDES) {
            out->truncated = true;
            return;
        }
        out->overrides[out->n_overrides++] =
            (acpi_irq_override_t){e[3], acpi_read32(e + 4), acpi_read16(e + 8)};
    } else if (e[0] == MADT_LAPIC_ADDR && elen >= 12) {
        out->lapic_address = acpi_read64(e + 4);
    }
}

/* Walks the entries of the MADT t (len bytes, checksum already checked). */
static int acpi_parse_madt(const u8 *t, u32 len, acpi_madt_t *out)
{
    if (len < MADT_FIXED_LEN) {
        return ACPI_EBADMADT;
    }
    out->lapic_address = acpi_read32(t + 36);
    for (u32 off = MADT_FIXED_LEN; off < len;) {
        if (len - off < 2) {
            return ACPI_EBADMADT;
        }
        u8 elen = t[off + 1];
        if (elen < 2 || elen > len - off) {
            return ACPI_EBADMADT;
        }
        acpi_madt_entry(t + off, elen, out);
        off += elen;
    }
    return 0;
}

int acpi_read_madt(paddr_t rsdp, boot_p2v_fn p2v, acpi_madt_t *out)
{
    *out = (acpi_madt_t){0};
    if (!acpi_rsdp_valid(rsdp, p2v)) {
        return ACPI_EBADRSDP;
    }
    const u8 *r = p2v(rsdp, RSDP_V1_LEN);
    bool xsdt = false;
    paddr_t root = acpi_read32(r + 16);
    if (r[15] >= 2) {
        const u8 *v2 = p2v(rsdp, RSDP_V2_MIN_LEN);
        if (v2 && acpi_read64(v2 + 24) != 0) {
            root = acpi_read64(v2 + 24);
            xsdt = true;
        }
    }
    u32 root_len;
    const u8 *rt = acpi_table(root, p2v, &root_len);
    if (!rt || !acpi_sig_is(rt, xsdt ? "XSDT" : "RSDT", 4)) {
        return ACPI_EBADROOT;
    }
    unsigned entry_size = xsdt ? 8 : 4;
    for (u32 off = SDT_HEADER_LEN; off + entry_size <= root_len; off += entry_size) {
        paddr_t pa = xsdt ? acpi_read64(rt + off) : acpi_read32(rt + off);
        u32 len;
        const u8 *t = acpi_table(pa, p2v, &len);
        if (t && acpi_sig_is(t, "APIC", 4)) {
            return acpi_parse_madt(t, len, out);
        }
    }
    return ACPI_ENOMADT;
}

const char *acpi_strerror(int err)
{
    switch (err) {
    case 0:
        return "ok";
    case ACPI_EBADRSDP:
        return "no valid RSDP";
    case ACPI_EBADROOT:
        return "bad RSDT/XSDT";
    case ACPI_ENOMADT:
        return "no MADT";
    case ACPI_EBADMADT:
        return "malformed MADT";
    default:
        return "unknown error";
    }
}

static acpi_madt_t acpi_boot_madt;

/* Prints the IOAPICs and overrides of the MADT read at boot. */
static void acpi_print_madt(const acpi_madt_t *m)
{
    for (u32 i = 0; i < m->n_ioapics; i++) {
        kprintf("acpi: IOAPIC %u: id %u at 0x%lx, GSI base %u\n", i, m->ioapics[i].id,
                m->ioapics[i].address, m->ioapics[i].gsi_base);
    }
    for (u32 i = 0; i < m->n_overrides; i++) {
        kprintf("acpi: ISA IRQ %u -> GSI %u (flags 0x%x)\n", m->overrides[i].source,
                m->overrides[i].gsi, m->overrides[i].flags);
    }
    if (m->truncated) {
        kprintf("acpi: more IOAPICs or overrides than the kernel keeps; the rest are ignored\n");
    }
}

void acpi_init(paddr_t rsdp_hint, boot_p2v_fn p2v)
{
    paddr_t rsdp = acpi_find_rsdp(rsdp_hint, p2v);
    if (!rsdp) {
        kprintf("acpi: no RSDP found: no IOAPIC, interrupts stay with the kernel\n");
        return;
    }
    int err = acpi_read_madt(rsdp, p2v, &acpi_boot_madt);
    if (err) {
        acpi_boot_madt = (acpi_madt_t){0};
        kprintf("acpi: RSDP at 0x%lx: %s: no IOAPIC\n", rsdp, acpi_strerror(err));
        return;
    }
    kprintf("acpi: RSDP at 0x%lx, MADT with %u IOAPIC(s)\n", rsdp, acpi_boot_madt.n_ioapics);
    acpi_print_madt(&acpi_boot_madt);
}

const acpi_madt_t *acpi_madt(void)
{
    return &acpi_boot_madt;
}
