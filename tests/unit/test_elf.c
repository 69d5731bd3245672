/* Host tests of the kernel's ELF64 checks (kernel/src/kernel/elf.c): valid images load, every
 * malformed header or segment is refused, and random corruption never reads out of bounds. */
#include "test.h"
#include <kernel/elf.h>

#define USER_TOP 0x0000700000000000ull

typedef struct {
    uint8_t ident[16];
    uint16_t type, machine;
    uint32_t version;
    uint64_t entry, phoff, shoff;
    uint32_t flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
} ehdr_t;

typedef struct {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
} phdr_t;

#define IMAGE_SIZE 0x3000

/* A valid two-segment executable: text at 0x400000 (file 0x1000), data at 0x401000. */
static uint8_t *make_image(void)
{
    uint8_t *img = calloc(1, IMAGE_SIZE);
    ehdr_t *eh = (ehdr_t *)img;
    memcpy(eh->ident,
           "\x7f"
           "ELF\x02\x01\x01",
           7);
    eh->type = 2;
    eh->machine = 62;
    eh->version = 1;
    eh->entry = 0x400010;
    eh->phoff = sizeof(ehdr_t);
    eh->ehsize = sizeof(ehdr_t);
    eh->phentsize = sizeof(phdr_t);
    eh->phnum = 3;
    phdr_t *ph = (phdr_t *)(img + eh->phoff);
    ph[0] = (phdr_t){1, 5, 0x1000, 0x400000, 0x400000, 0x100, 0x100, 0x1000};
    ph[1] = (phdr_t){1, 6, 0x2000, 0x401000, 0x401000, 0x80, 0x3000, 0x1000};
    ph[2] = (phdr_t){4, 4, 0x200, 0, 0, 0x20, 0x20, 4}; /* a PT_NOTE: not loaded */
    return img;
}

static phdr_t *image_ph(uint8_t *img, unsigned i)
{
    return (phdr_t *)(img + sizeof(ehdr_t)) + i;
}

static void test_valid_image(void)
{
    uint8_t *img = make_image();
    CHECK_EQ(elf_check(img, IMAGE_SIZE, USER_TOP), ELF_OK);
    CHECK_EQ(elf_entry(img), 0x400010);
    CHECK_EQ(elf_phnum(img), 3);
    elf_segment_t seg;
    CHECK(elf_load_segment(img, 0, &seg));
    CHECK_EQ(seg.vaddr, 0x400000);
    CHECK_EQ(seg.flags, ELF_PF_R | ELF_PF_X);
    CHECK(elf_load_segment(img, 1, &seg));
    CHECK_EQ(seg.memsz, 0x3000);
    CHECK_EQ(seg.filesz, 0x80);
    CHECK(!elf_load_segment(img, 2, &seg));
    uint64_t low, high;
    elf_bounds(img, &low, &high);
    CHECK_EQ(low, 0x400000);
    CHECK_EQ(high, 0x404000);
    free(img);
}

static void test_header_errors(void)
{
    uint8_t *img = make_image();
    CHECK_EQ(elf_check(img, 10, USER_TOP), ELF_E_SHORT);
    img[1] = 'X';
    CHECK_EQ(elf_check(img, IMAGE_SIZE, USER_TOP), ELF_E_MAGIC);
    img[1] = 'E';
    img[4] = 1; /* 32-bit class */
    CHECK_EQ(elf_check(img, IMAGE_SIZE, USER_TOP), ELF_E_CLASS);
    img[4] = 2;
    ((ehdr_t *)img)->machine = 3;
    CHECK_EQ(elf_check(img, IMAGE_SIZE, USER_TOP), ELF_E_CLASS);
    ((ehdr_t *)img)->machine = 62;
    ((ehdr_t *)img)->type = 3; /* shared object */
    CHECK_EQ(elf_check(img, IMAGE_SIZE, USER_TOP), ELF_E_CLASS);
    ((ehdr_t *)img)->type = 2;
    ((ehdr_t *)img)->phoff = IMAGE_SIZE - 8;
    CHECK_EQ(elf_check(img, IMAGE_SIZE, USER_TOP), ELF_E_PHDR);
    ((ehdr_t *)img)->phoff = ~0ull - 8; /* offset + size overflows */
    CHECK_EQ(elf_check(img, IMAGE_SIZE, USER_TOP), ELF_E_PHDR);
    ((ehdr_t *)img)->phoff = sizeof(ehdr_t);
    ((ehdr_t *)img)->phnum = 0;
    CHECK_EQ(elf_check(img, IMAGE_SIZE, USER_TOP), ELF_E_PHDR);
    ((ehdr_t *)img)->phnum = 3;
    ((ehdr_t *)img)->phentsize = 32;
    CHECK_EQ(elf_check(img, IMAGE_SIZE, USER_TOP), ELF_E_PHDR);
    ((ehdr_t *)img)->phentsize = sizeof(phdr_t);
    ((ehdr_t *)img)->entry = USER_TOP;
    CHECK_EQ(elf_check(img, IMAGE_SIZE, USER_TOP), ELF_E_SEGMENT);
    free(img);
}

static void test_segment_errors(void)
{
    struct {
        const char *what;
        uint64_t offset, vaddr, filesz, memsz;
    } cases[] = {
        {"filesz above memsz", 0x1000, 0x400000, 0x200, 0x100},
        {"file bytes past the image", 0x2f00, 0x400f00, 0x200, 0x200},
        {"offset overflow", ~0ull - 0xff, 0x400f00, 0x200, 0x200},
        {"vaddr at user top", 0x1000, USER_TOP, 0x10, 0x10},
        {"memsz crosses user top", 0x1000, USER_TOP - 0x1000, 0x10, 0x2000},
        {"memsz wraps around", 0x1000, 0x400000, 0x10, ~0ull},
        {"offset and vaddr disagree in page", 0x1008, 0x400000, 0x10, 0x10},
        {"kernel address", 0x1000, 0xffffffff80000000ull, 0x10, 0x10},
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint8_t *img = make_image();
        phdr_t *ph = image_ph(img, 0);
        ph->offset = cases[i].offset;
        ph->vaddr = cases[i].vaddr;
        ph->filesz = cases[i].filesz;
        ph->memsz = cases[i].memsz;
        if (elf_check(img, IMAGE_SIZE, USER_TOP) != ELF_E_SEGMENT) {
            TEST_FAIL("segment case '%s' was accepted", cases[i].what);
        }
        test_checks++;
        free(img);
    }
}

/* Random byte corruption of headers: the checker must never read outside the image (ASan). */
static void test_random_corruption(void)
{
    srand(12345);
    for (int round = 0; round < 20000; round++) {
        uint8_t *img = make_image();
        int flips = 1 + rand() % 6;
        for (int f = 0; f < flips; f++) {
            unsigned at = (unsigned)rand() % (sizeof(ehdr_t) + 3 * sizeof(phdr_t));
            img[at] ^= (uint8_t)(1u << (rand() % 8));
        }
        uint64_t size = (uint64_t)(rand() % 2 ? IMAGE_SIZE : rand() % IMAGE_SIZE);
        /* Copy to an exactly-sized buffer so ASan sees any read past `size`. */
        uint8_t *exact = malloc(size ? size : 1);
        memcpy(exact, img, size);
        if (elf_check(exact, size, USER_TOP) == ELF_OK) {
            elf_segment_t seg;
            for (unsigned i = 0; i < elf_phnum(exact); i++) {
                if (elf_load_segment(exact, i, &seg)) {
                    CHECK(seg.offset + seg.filesz <= size);
                    CHECK(seg.vaddr + seg.memsz <= USER_TOP);
                }
            }
        }
        free(exact);
        free(img);
    }
}

int main(void)
{
    RUN_TEST(test_valid_image);
    RUN_TEST(test_header_errors);
    RUN_TEST(test_segment_errors);
    RUN_TEST(test_random_corruption);
    return test_summary("elf");
}
