/* Multiboot2 boot information parser, plus the helpers it shares with the PVH parser. */
#include <kernel/boot_params.h>

enum {
    MB2_TAG_END = 0,
    MB2_TAG_CMDLINE = 1,
    MB2_TAG_LOADER = 2,
    MB2_TAG_MODULE = 3,
    MB2_TAG_MMAP = 6,
    MB2_TAG_ACPI_OLD = 14,
    MB2_TAG_ACPI_NEW = 15,
};

#define MB2_INFO_HEADER    8u  /* total_size, reserved */
#define MB2_TAG_HEADER     8u  /* type, size */
#define MB2_MODULE_HEADER  16u /* tag header, mod_start, mod_end */
#define MB2_MMAP_HEADER    16u /* tag header, entry_size, entry_version */
#define MB2_MMAP_ENTRY_MIN 24u /* base_addr, length, type, reserved */
#define ACPI_RSDP_V1_SIZE  20u
#define ACPI_RSDP_V2_SIZE  36u

/* The mapped information structure being parsed. */
typedef struct {
    const u8 *base;
    paddr_t pa;
    u32 total;
    bool rsdp_new; /* the recorded RSDP came from a new (ACPI 2.0+) tag */
} mb2_info_t;

u32 boot_read32(const void *p)
{
    const u8 *b = p;
    return (u32)b[0] | (u32)b[1] << 8 | (u32)b[2] << 16 | (u32)b[3] << 24;
}

u64 boot_read64(const void *p)
{
    const u8 *b = p;
    return (u64)boot_read32(b) | (u64)boot_read32(b + 4) << 32;
}

void boot_params_init(boot_params_t *bp, u32 protocol)
{
    u8 *p = (u8 *)bp;
    for (size_t i = 0; i < sizeof(*bp); i++) {
        p[i] = 0;
    }
    bp->protocol = protocol;
}

static u32 boot_mem_type(u32 loader_type)
{
    switch (loader_type) {
    case MEM_USABLE:
    case MEM_ACPI_RECLAIM:
    case MEM_ACPI_NVS:
    case MEM_BAD:
        return loader_type;
    default:
        return MEM_RESERVED;
    }
}

void boot_params_add_region(boot_params_t *bp, paddr_t base, u64 length, u32 loader_type)
{
    if (length == 0) {
        return;
    }
    if (bp->n_mem == BOOT_MAX_REGIONS) {
        bp->truncated |= BOOT_TRUNC_MEM;
        return;
    }
    mem_region_t *r = &bp->mem[bp->n_mem++];
    r->base = base;
    r->length = length;
    r->type = boot_mem_type(loader_type);
}

void boot_copy_string(boot_params_t *bp, char *dst, u32 size, const char *src, u64 len)
{
    u32 i = 0;
    for (; i < len && src[i] != '\0'; i++) {
        if (i + 1 >= size) {
            bp->truncated |= BOOT_TRUNC_STRING;
            break;
        }
        dst[i] = src[i];
    }
    dst[i] = '\0';
}

const char *boot_mem_type_name(u32 type)
{
    switch (type) {
    case MEM_USABLE:
        return "usable";
    case MEM_RESERVED:
        return "reserved";
    case MEM_ACPI_RECLAIM:
        return "ACPI reclaimable";
    case MEM_ACPI_NVS:
        return "ACPI NVS";
    case MEM_BAD:
        return "bad";
    default:
        return "unknown";
    }
}

const char *boot_strerror(int err)
{
    switch (err) {
    case 0:
        return "ok";
    case BOOT_EBADMAGIC:
        return "bad magic";
    case BOOT_ETRUNCATED:
        return "structure truncated";
    case BOOT_ETOOBIG:
        return "structure too big";
    case BOOT_EMISALIGNED:
        return "misaligned structure";
    case BOOT_EOVERRUN:
        return "tag runs past the end";
    case BOOT_EUNREADABLE:
        return "unreadable memory";
    case BOOT_ENOEND:
        return "no end tag";
    case BOOT_EBADTAG:
        return "malformed tag";
    case BOOT_EBADMODULE:
        return "malformed module";
    default:
        return "unknown error";
    }
}

/* Checks the magic and the header, then maps the whole structure into *mi. */
static int mb2_map(u32 magic, paddr_t info, boot_p2v_fn p2v, mb2_info_t *mi)
{
    if (magic != MULTIBOOT2_BOOTLOADER_MAGIC) {
        return BOOT_EBADMAGIC;
    }
    if (!IS_ALIGNED(info, 3)) {
        return BOOT_EMISALIGNED;
    }
    const u8 *hdr = info != 0 ? p2v(info, MB2_INFO_HEADER) : NULL;
    if (hdr == NULL) {
        return BOOT_EUNREADABLE;
    }
    u32 total = boot_read32(hdr);
    if (total < MB2_INFO_HEADER + MB2_TAG_HEADER) {
        return BOOT_ETRUNCATED;
    }
    if (total > MULTIBOOT2_INFO_MAX) {
        return BOOT_ETOOBIG;
    }
    if (info > UINT64_MAX - total) {
        return BOOT_EUNREADABLE;
    }
    mi->base = p2v(info, total);
    mi->pa = info;
    mi->total = total;
    return mi->base != NULL ? 0 : BOOT_EUNREADABLE;
}

/* Module tag: [mod_start, mod_end) and a command line. */
static int mb2_module(boot_params_t *out, const u8 *tag, u32 size)
{
    if (size < MB2_MODULE_HEADER) {
        return BOOT_ETRUNCATED;
    }
    u32 start = boot_read32(tag + 8), end = boot_read32(tag + 12);
    if (end < start) {
        return BOOT_EBADMODULE;
    }
    if (out->n_modules == BOOT_MAX_MODULES) {
        out->truncated |= BOOT_TRUNC_MODULES;
        return 0;
    }
    boot_module_t *m = &out->modules[out->n_modules++];
    m->start = start;
    m->end = end;
    boot_copy_string(out, m->cmdline, sizeof(m->cmdline), (const char *)tag + MB2_MODULE_HEADER,
                     size - MB2_MODULE_HEADER);
    return 0;
}

/* Memory map tag: entry_size-spaced entries; trailing bytes short of an entry are ignored. */
static int mb2_mmap(boot_params_t *out, const u8 *tag, u32 size)
{
    if (size < MB2_MMAP_HEADER) {
        return BOOT_ETRUNCATED;
    }
    u32 esz = boot_read32(tag + 8);
    if (esz < MB2_MMAP_ENTRY_MIN) {
        return BOOT_EBADTAG;
    }
    for (u32 off = MB2_MMAP_HEADER; size - off >= esz; off += esz) {
        const u8 *e = tag + off;
        boot_params_add_region(out, boot_read64(e), boot_read64(e + 8), boot_read32(e + 16));
    }
    return 0;
}

/* ACPI RSDP tags hold a copy of the RSDP; record where that copy is. The new one wins. */
static int mb2_acpi(boot_params_t *out, mb2_info_t *mi, u32 off, u32 size, bool is_new)
{
    u32 need = MB2_TAG_HEADER + (is_new ? ACPI_RSDP_V2_SIZE : ACPI_RSDP_V1_SIZE);
    if (size < need) {
        return BOOT_ETRUNCATED;
    }
    if (is_new || !mi->rsdp_new) {
        out->acpi_rsdp = mi->pa + off + MB2_TAG_HEADER;
        mi->rsdp_new = is_new;
    }
    return 0;
}

/* Handles one tag lying at [off, off + size) inside the structure. */
static int mb2_tag(boot_params_t *out, mb2_info_t *mi, u32 off, u32 type, u32 size)
{
    const u8 *tag = mi->base + off;
    const char *body = (const char *)tag + MB2_TAG_HEADER;
    switch (type) {
    case MB2_TAG_CMDLINE:
        boot_copy_string(out, out->cmdline, sizeof(out->cmdline), body, size - MB2_TAG_HEADER);
        return 0;
    case MB2_TAG_LOADER:
        boot_copy_string(out, out->loader, sizeof(out->loader), body, size - MB2_TAG_HEADER);
        return 0;
    case MB2_TAG_MODULE:
        return mb2_module(out, tag, size);
    case MB2_TAG_MMAP:
        return mb2_mmap(out, tag, size);
    case MB2_TAG_ACPI_OLD:
        return mb2_acpi(out, mi, off, size, false);
    case MB2_TAG_ACPI_NEW:
        return mb2_acpi(out, mi, off, size, true);
    default:
        return 0;
    }
}

/*
 * Walks the 8-byte aligned tags after the header until the end tag. A tag header that does not
 * fit in what is left is BOOT_EOVERRUN; running out exactly (or inside a tag's padding) without
 * an end tag is BOOT_ENOEND.
 */
static int mb2_walk(boot_params_t *out, mb2_info_t *mi)
{
    u32 off = MB2_INFO_HEADER;
    for (;;) {
        u32 left = mi->total - off;
        if (left < MB2_TAG_HEADER) {
            return left == 0 ? BOOT_ENOEND : BOOT_EOVERRUN;
        }
        u32 type = boot_read32(mi->base + off), size = boot_read32(mi->base + off + 4);
        if (size < MB2_TAG_HEADER) {
            return BOOT_ETRUNCATED;
        }
        if (size > left) {
            return BOOT_EOVERRUN;
        }
        if (type == MB2_TAG_END) {
            return 0;
        }
        int err = mb2_tag(out, mi, off, type, size);
        if (err != 0) {
            return err;
        }
        if (ROUND_UP((u64)size, 3) > left) {
            return BOOT_ENOEND;
        }
        off += (u32)ROUND_UP((u64)size, 3);
    }
}

int multiboot2_parse(u32 magic, paddr_t info, boot_p2v_fn p2v, boot_params_t *out)
{
    boot_params_init(out, BOOT_PROTO_MULTIBOOT2);
    mb2_info_t mi = {0};
    int err = mb2_map(magic, info, p2v, &mi);
    if (err != 0) {
        return err;
    }
    out->info_start = info;
    out->info_end = info + mi.total;
    return mb2_walk(out, &mi);
}
