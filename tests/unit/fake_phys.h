/* Fake physical memory for the boot parser tests: exact-size regions and a strict p2v(). */
#pragma once

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <kernel/boot_params.h>

#define FAKE_MAX_REGIONS 32
#define FAKE_MAX_COPIES  4096

/* One readable physical range; bytes is a heap block of exactly len bytes. */
typedef struct {
    paddr_t pa;
    uint64_t len;
    uint8_t *bytes;
} fake_region_t;

static fake_region_t fake_regions[FAKE_MAX_REGIONS];
static int fake_nregions;
static void *fake_copies[FAKE_MAX_COPIES];
static int fake_ncopies;
static int fake_p2v_calls;

/* Makes [pa, pa + len) readable with the given contents (copied); returns the stored bytes. */
static inline uint8_t *fake_map(paddr_t pa, const void *data, uint64_t len)
{
    fake_region_t *r = &fake_regions[fake_nregions++];
    r->pa = pa;
    r->len = len;
    r->bytes = malloc(len ? len : 1);
    if (len) {
        memcpy(r->bytes, data, len);
    }
    return r->bytes;
}

/* Makes a NUL-terminated string readable at pa (terminator included). */
static inline void fake_map_string(paddr_t pa, const char *s)
{
    fake_map(pa, s, strlen(s) + 1);
}

/* Forgets every region and frees every copy handed out by fake_p2v(). */
static inline void fake_reset(void)
{
    for (int i = 0; i < fake_nregions; i++) {
        free(fake_regions[i].bytes);
    }
    for (int i = 0; i < fake_ncopies; i++) {
        free(fake_copies[i]);
    }
    fake_nregions = fake_ncopies = fake_p2v_calls = 0;
}

/*
 * The p2v the parsers get: if [pa, pa + len) lies inside one region, returns a fresh heap copy of
 * exactly len bytes, so AddressSanitizer reports any read past what the parser asked for.
 */
static inline const void *fake_p2v(paddr_t pa, u64 len)
{
    fake_p2v_calls++;
    if (len > (1u << 24) || fake_ncopies == FAKE_MAX_COPIES) {
        return NULL;
    }
    for (int i = 0; i < fake_nregions; i++) {
        fake_region_t *r = &fake_regions[i];
        if (pa >= r->pa && pa - r->pa <= r->len && len <= r->len - (pa - r->pa)) {
            void *copy = malloc(len ? len : 1);
            memcpy(copy, r->bytes + (pa - r->pa), len);
            fake_copies[fake_ncopies++] = copy;
            return copy;
        }
    }
    return NULL;
}

/* True if s is NUL-terminated within its size bytes. */
static inline bool fake_terminated(const char *s, size_t size)
{
    return memchr(s, '\0', size) != NULL;
}

/* Checks invariants every parse result must hold, whatever the input. */
static inline bool fake_params_sane(const boot_params_t *bp)
{
    if (bp->n_mem > BOOT_MAX_REGIONS || bp->n_modules > BOOT_MAX_MODULES) {
        return false;
    }
    if (!fake_terminated(bp->cmdline, sizeof(bp->cmdline)) ||
        !fake_terminated(bp->loader, sizeof(bp->loader))) {
        return false;
    }
    for (u32 i = 0; i < bp->n_modules; i++) {
        const boot_module_t *m = &bp->modules[i];
        if (m->end < m->start || !fake_terminated(m->cmdline, sizeof(m->cmdline))) {
            return false;
        }
    }
    for (u32 i = 0; i < bp->n_mem; i++) {
        u32 t = bp->mem[i].type;
        if (bp->mem[i].length == 0 || t < MEM_USABLE || t > MEM_BAD) {
            return false;
        }
    }
    return true;
}

/* True if err is 0 or one of the documented BOOT_E* codes. */
static inline bool fake_known_result(int err)
{
    return err <= 0 && err >= BOOT_EBADMODULE;
}
