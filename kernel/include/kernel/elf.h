/* Reading ELF64 executables (the root task image): header checks and loadable segments. */
#pragma once

#include <types.h>

#define ELF_PF_X 1
#define ELF_PF_W 2
#define ELF_PF_R 4

typedef struct elf_segment {
    u64 vaddr;  /* where the segment starts in the user address space */
    u64 memsz;  /* bytes in memory (the part past filesz is zero) */
    u64 filesz; /* bytes present in the file */
    u64 offset; /* where those bytes start in the file */
    u32 flags;  /* ELF_PF_* */
} elf_segment_t;

enum {
    ELF_OK = 0,
    ELF_E_SHORT = -1,   /* the image is smaller than its headers say */
    ELF_E_MAGIC = -2,   /* not an ELF file */
    ELF_E_CLASS = -3,   /* not 64-bit little-endian x86-64 executable */
    ELF_E_PHDR = -4,    /* program headers missing or outside the image */
    ELF_E_SEGMENT = -5, /* a loadable segment is inconsistent or outside user space */
};

/*
 * Checks that image[0..size) is an x86-64 ELF64 executable whose loadable segments all lie in
 * the file and in user space below user_top. Returns ELF_OK or an ELF_E_* code.
 */
int elf_check(const void *image, u64 size, u64 user_top);

/* Entry point of a checked image. */
u64 elf_entry(const void *image);

/* Number of program headers of a checked image. */
unsigned elf_phnum(const void *image);

/* Fills *seg with program header i if it is a loadable segment; false otherwise. */
bool elf_load_segment(const void *image, unsigned i, elf_segment_t *seg);

/* Lowest and highest (exclusive) user address covered by the loadable segments. */
void elf_bounds(const void *image, u64 *low, u64 *high);
