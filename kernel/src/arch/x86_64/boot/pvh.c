/* PVH (struct hvm_start_info) boot information parser. */
#include <kernel/boot_params.h>

#define PVH_INFO_V0_SIZE  40u /* magic .. rsdp_paddr */
#define PVH_INFO_V1_SIZE  56u /* + memmap_paddr, memmap_entries, reserved */
#define PVH_MODLIST_ENTRY 32u /* paddr, size, cmdline_paddr, reserved */
#define PVH_MEMMAP_ENTRY  24u /* addr, size, type, reserved */

/* Offsets inside struct hvm_start_info. */
enum {
    PVH_OFF_MAGIC = 0,
    PVH_OFF_VERSION = 4,
    PVH_OFF_NR_MODULES = 12,
    PVH_OFF_MODLIST = 16,
    PVH_OFF_CMDLINE = 24,
    PVH_OFF_RSDP = 32,
    PVH_OFF_MEMMAP = 40,
    PVH_OFF_MEMMAP_ENTRIES = 48,
};

/*
 * Copies the NUL-terminated string at physical address pa into dst[size], one byte at a time
 * through p2v so that nothing past the terminator is touched. pa == 0 gives "". A string longer
 * than size - 1 is cut and sets BOOT_TRUNC_STRING. Returns 0 or BOOT_EUNREADABLE.
 */
static int pvh_read_string(boot_params_t *bp, boot_p2v_fn p2v, paddr_t pa, char *dst, u32 size)
{
    dst[0] = '\0';
    if (pa == 0) {
        return 0;
    }
    for (u32 i = 0; i < size; i++) {
        const char *c = pa <= UINT64_MAX - i ? p2v(pa + i, 1) : NULL;
        if (c == NULL) {
            dst[i] = '\0';
            return BOOT_EUNREADABLE;
        }
        if (*c == '\0') {
            dst[i] = '\0';
            return 0;
        }
        if (i == size - 1) {
            dst[i] = '\0';
            bp->truncated |= BOOT_TRUNC_STRING;
            return 0;
        }
        dst[i] = *c;
    }
    return 0;
}

/* Maps count entries of entry_size bytes at pa (8-byte aligned, non-zero) or fails. */
static int pvh_map_array(boot_p2v_fn p2v, paddr_t pa, u32 count, u32 entry_size, const u8 **out)
{
    u64 len = (u64)count * entry_size;
    if (pa == 0) {
        return BOOT_EUNREADABLE;
    }
    if (!IS_ALIGNED(pa, 3)) {
        return BOOT_EMISALIGNED;
    }
    if (pa > UINT64_MAX - len) {
        return BOOT_EUNREADABLE;
    }
    *out = p2v(pa, len);
    return *out != NULL ? 0 : BOOT_EUNREADABLE;
}

/* Reads one module entry into the next module slot. */
static int pvh_module(boot_params_t *out, boot_p2v_fn p2v, const u8 *e)
{
    u64 start = boot_read64(e), size = boot_read64(e + 8);
    if (start > UINT64_MAX - size) {
        return BOOT_EBADMODULE;
    }
    boot_module_t *m = &out->modules[out->n_modules++];
    m->start = start;
    m->end = start + size;
    return pvh_read_string(out, p2v, boot_read64(e + 16), m->cmdline, sizeof(m->cmdline));
}

/* Reads the module list: at most BOOT_MAX_MODULES entries are touched. */
static int pvh_modules(boot_params_t *out, boot_p2v_fn p2v, const u8 *si)
{
    u32 nr = boot_read32(si + PVH_OFF_NR_MODULES);
    if (nr == 0) {
        return 0;
    }
    if (nr > BOOT_MAX_MODULES) {
        out->truncated |= BOOT_TRUNC_MODULES;
        nr = BOOT_MAX_MODULES;
    }
    const u8 *list;
    int err = pvh_map_array(p2v, boot_read64(si + PVH_OFF_MODLIST), nr, PVH_MODLIST_ENTRY, &list);
    for (u32 i = 0; err == 0 && i < nr; i++) {
        err = pvh_module(out, p2v, list + (u64)i * PVH_MODLIST_ENTRY);
    }
    return err;
}

/* Reads the memory map (structure version >= 1): at most PVH_MAX_MEMMAP_ENTRIES entries. */
static int pvh_memmap(boot_params_t *out, boot_p2v_fn p2v, const u8 *si)
{
    u32 n = boot_read32(si + PVH_OFF_MEMMAP_ENTRIES);
    if (n == 0) {
        return 0;
    }
    if (n > PVH_MAX_MEMMAP_ENTRIES) {
        out->truncated |= BOOT_TRUNC_MEM;
        n = PVH_MAX_MEMMAP_ENTRIES;
    }
    const u8 *map;
    int err = pvh_map_array(p2v, boot_read64(si + PVH_OFF_MEMMAP), n, PVH_MEMMAP_ENTRY, &map);
    for (u32 i = 0; err == 0 && i < n; i++) {
        const u8 *e = map + (u64)i * PVH_MEMMAP_ENTRY;
        boot_params_add_region(out, boot_read64(e), boot_read64(e + 8), boot_read32(e + 16));
    }
    return err;
}

/* Checks alignment and magic and maps the start info for its version; returns its size. */
static int pvh_map_info(paddr_t pa, boot_p2v_fn p2v, const u8 **si, u32 *size)
{
    if (!IS_ALIGNED(pa, 3)) {
        return BOOT_EMISALIGNED;
    }
    *si = pa != 0 && pa <= UINT64_MAX - PVH_INFO_V1_SIZE ? p2v(pa, PVH_INFO_V0_SIZE) : NULL;
    if (*si == NULL) {
        return BOOT_EUNREADABLE;
    }
    if (boot_read32(*si + PVH_OFF_MAGIC) != PVH_START_MAGIC) {
        return BOOT_EBADMAGIC;
    }
    *size = PVH_INFO_V0_SIZE;
    if (boot_read32(*si + PVH_OFF_VERSION) >= 1) {
        *size = PVH_INFO_V1_SIZE;
        *si = p2v(pa, PVH_INFO_V1_SIZE);
    }
    return *si != NULL ? 0 : BOOT_EUNREADABLE;
}

int pvh_parse(paddr_t start_info, boot_p2v_fn p2v, boot_params_t *out)
{
    boot_params_init(out, BOOT_PROTO_PVH);
    const u8 *si;
    u32 size;
    int err = pvh_map_info(start_info, p2v, &si, &size);
    if (err != 0) {
        return err;
    }
    out->info_start = start_info;
    out->info_end = start_info + size;
    out->acpi_rsdp = boot_read64(si + PVH_OFF_RSDP);
    err = pvh_read_string(out, p2v, boot_read64(si + PVH_OFF_CMDLINE), out->cmdline,
                          sizeof(out->cmdline));
    if (err == 0) {
        err = pvh_modules(out, p2v, si);
    }
    if (err == 0 && size >= PVH_INFO_V1_SIZE) {
        err = pvh_memmap(out, p2v, si);
    }
    return err;
}
