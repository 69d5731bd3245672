/* Boot information from the loader (Multiboot2 or PVH), parsed into one protocol-neutral form. */
#pragma once

#include <types.h>

#define BOOT_MAX_REGIONS        64
#define BOOT_MAX_MODULES        8
#define BOOT_CMDLINE_MAX        256
#define BOOT_LOADER_MAX         64
#define BOOT_MODULE_CMDLINE_MAX 64

#define MULTIBOOT2_BOOTLOADER_MAGIC 0x36d76289u
#define PVH_START_MAGIC             0x336ec578u

/* Largest Multiboot2 information structure accepted (its total_size). */
#define MULTIBOOT2_INFO_MAX (1u << 20)
/* PVH memory map entries beyond this many are ignored (and BOOT_TRUNC_MEM is set). */
#define PVH_MAX_MEMMAP_ENTRIES 1024u

enum { BOOT_PROTO_MULTIBOOT2 = 1, BOOT_PROTO_PVH = 2 };

/* Memory region types; the values equal the Multiboot2/E820/PVH ones. */
enum { MEM_USABLE = 1, MEM_RESERVED = 2, MEM_ACPI_RECLAIM = 3, MEM_ACPI_NVS = 4, MEM_BAD = 5 };

/* Errors from the parsers (all negative). */
enum {
    BOOT_EBADMAGIC = -1,   /* the magic value is not the protocol's */
    BOOT_ETRUNCATED = -2,  /* a structure is smaller than its own header or a tag's minimum */
    BOOT_ETOOBIG = -3,     /* total_size above MULTIBOOT2_INFO_MAX */
    BOOT_EMISALIGNED = -4, /* info structure, module list or memory map not 8-byte aligned */
    BOOT_EOVERRUN = -5,    /* a tag (or its header) runs past total_size */
    BOOT_EUNREADABLE = -6, /* p2v refused a range, or an address range wraps around */
    BOOT_ENOEND = -7,      /* the tag list ends without an end tag */
    BOOT_EBADTAG = -8,     /* a tag's contents are malformed (e.g. memory map entry_size < 24) */
    BOOT_EBADMODULE = -9,  /* a module whose end is below its start, or that wraps around */
};

/* Bits in boot_params_t.truncated: something did not fit and was cut, not failed. */
enum {
    BOOT_TRUNC_MEM = 1u << 0,     /* more than BOOT_MAX_REGIONS non-empty regions */
    BOOT_TRUNC_MODULES = 1u << 1, /* more than BOOT_MAX_MODULES modules */
    BOOT_TRUNC_STRING = 1u << 2,  /* a command line or loader name was cut to fit */
};

typedef struct {
    paddr_t base;
    u64 length;
    u32 type; /* MEM_* */
} mem_region_t;

typedef struct {
    paddr_t start;
    paddr_t end; /* exclusive */
    char cmdline[BOOT_MODULE_CMDLINE_MAX];
} boot_module_t;

typedef struct boot_params {
    u32 protocol;                       /* BOOT_PROTO_* */
    mem_region_t mem[BOOT_MAX_REGIONS]; /* in the loader's order; zero-length ones dropped */
    u32 n_mem;                          /* may be 0: the caller decides whether that is fatal */
    boot_module_t modules[BOOT_MAX_MODULES];
    u32 n_modules;
    char cmdline[BOOT_CMDLINE_MAX];
    char loader[BOOT_LOADER_MAX];
    paddr_t acpi_rsdp;            /* 0 if none given */
    paddr_t info_start, info_end; /* the loader's structure itself, so the kernel can reserve it */
    u32 truncated;                /* BOOT_TRUNC_* */
} boot_params_t;

/* Converts a physical address from the loader into a readable pointer for len bytes, or NULL if
 * that range cannot be read (outside the kernel's boot mapping). The host tests pass pointers. */
typedef const void *(*boot_p2v_fn)(paddr_t pa, u64 len);

/*
 * Parses the Multiboot2 information structure at physical address info (magic is the loader's
 * eax) into *out, which is always fully initialised (zeroed first, protocol set).
 * Rules: info must be 8-byte aligned; 16 <= total_size <= MULTIBOOT2_INFO_MAX; every tag lies
 * 8-byte aligned inside total_size with size >= 8, and the list ends with an end tag (type 0).
 * Tags of unknown type are skipped. Strings need no terminator inside their tag (the tag bounds
 * them). Memory map entry types other than 1, 3, 4, 5 become MEM_RESERVED; several memory map
 * tags append. A second cmdline or loader tag replaces the first. Both ACPI RSDP tags give the
 * address of the RSDP copy inside the tag; the new (ACPI 2.0+) one wins over the old one.
 * Returns 0 or a BOOT_E* code; on error *out holds what was parsed before the error.
 */
int multiboot2_parse(u32 magic, paddr_t info, boot_p2v_fn p2v, boot_params_t *out);

/*
 * Parses the PVH start info (struct hvm_start_info) at physical address start_info into *out,
 * which is always fully initialised. Rules: start_info, the module list and the memory map are
 * 8-byte aligned; a zero address means "not present"; the memory map is read when version >= 1;
 * strings are NUL-terminated in memory and read at most up to their buffer size (longer ones are
 * cut, setting BOOT_TRUNC_STRING). Only the first BOOT_MAX_MODULES modules and
 * PVH_MAX_MEMMAP_ENTRIES map entries are read. info_start/info_end cover hvm_start_info itself.
 * Returns 0 or a BOOT_E* code; on error *out holds what was parsed before the error.
 */
int pvh_parse(paddr_t start_info, boot_p2v_fn p2v, boot_params_t *out);

/* A short name for a MEM_* type ("usable", "reserved", ...); "unknown" for anything else. */
const char *boot_mem_type_name(u32 type);

/* A short description of a BOOT_E* code (or "ok" for 0). */
const char *boot_strerror(int err);

/* Shared by the parsers (defined in multiboot2.c) ------------------------------------------- */

/* Zeroes *bp and sets its protocol. */
void boot_params_init(boot_params_t *bp, u32 protocol);

/* Appends a region, dropping zero-length ones; sets BOOT_TRUNC_MEM when full. */
void boot_params_add_region(boot_params_t *bp, paddr_t base, u64 length, u32 loader_type);

/* Copies at most len bytes of src (stopping at a NUL) into dst[size] with a terminator;
 * sets BOOT_TRUNC_STRING on bp if the string had to be cut. */
void boot_copy_string(boot_params_t *bp, char *dst, u32 size, const char *src, u64 len);

/* Reads little-endian integers from possibly unaligned memory, byte by byte. */
u32 boot_read32(const void *p);
u64 boot_read64(const void *p);
