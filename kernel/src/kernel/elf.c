/* ELF64 executable checks and segment iteration; every field is validated against the image. */
#include <kernel/elf.h>

#define PT_LOAD   1
#define EM_X86_64 62
#define ET_EXEC   2

typedef struct {
    u8 ident[16];
    u16 type;
    u16 machine;
    u32 version;
    u64 entry;
    u64 phoff;
    u64 shoff;
    u32 flags;
    u16 ehsize;
    u16 phentsize;
    u16 phnum;
    u16 shentsize;
    u16 shnum;
    u16 shstrndx;
} elf64_ehdr_t;

typedef struct {
    u32 type;
    u32 flags;
    u64 offset;
    u64 vaddr;
    u64 paddr;
    u64 filesz;
    u64 memsz;
    u64 align;
} elf64_phdr_t;

static const elf64_ehdr_t *elf_ehdr(const void *image)
{
    return (const elf64_ehdr_t *)image;
}

static const elf64_phdr_t *elf_phdr(const void *image, unsigned i)
{
    const elf64_ehdr_t *eh = elf_ehdr(image);
    return (const elf64_phdr_t *)((const u8 *)image + eh->phoff + (u64)i * sizeof(elf64_phdr_t));
}

/* True if [off, off + len) lies in [0, size) without overflow. */
static bool elf_range_ok(u64 off, u64 len, u64 size)
{
    return off <= size && len <= size - off;
}

/* Checks one loadable segment against the file and user space. */
static bool elf_segment_ok(const elf64_phdr_t *ph, u64 size, u64 user_top)
{
    if (ph->filesz > ph->memsz || !elf_range_ok(ph->offset, ph->filesz, size)) {
        return false;
    }
    if (ph->vaddr >= user_top || ph->memsz > user_top - ph->vaddr) {
        return false;
    }
    /* The file offset and address must agree within a page, as every loader assumes. */
    return (ph->offset & 0xfff) == (ph->vaddr & 0xfff);
}

int elf_check(const void *image, u64 size, u64 user_top)
{
    if (size < sizeof(elf64_ehdr_t)) {
        return ELF_E_SHORT;
    }
    const elf64_ehdr_t *eh = elf_ehdr(image);
    if (eh->ident[0] != 0x7f || eh->ident[1] != 'E' || eh->ident[2] != 'L' || eh->ident[3] != 'F') {
        return ELF_E_MAGIC;
    }
    if (eh->ident[4] != 2 || eh->ident[5] != 1 || eh->machine != EM_X86_64 || eh->type != ET_EXEC) {
        return ELF_E_CLASS;
    }
    if (eh->phnum == 0 || eh->phentsize != sizeof(elf64_phdr_t) ||
        !elf_range_ok(eh->phoff, (u64)eh->phnum * sizeof(elf64_phdr_t), size) ||
        (eh->phoff & 7) != 0) {
        return ELF_E_PHDR;
    }
    for (unsigned i = 0; i < eh->phnum; i++) {
        const elf64_phdr_t *ph = elf_phdr(image, i);
        if (ph->type == PT_LOAD && !elf_segment_ok(ph, size, user_top)) {
            return ELF_E_SEGMENT;
        }
    }
    if (eh->entry >= user_top) {
        return ELF_E_SEGMENT;
    }
    return ELF_OK;
}

u64 elf_entry(const void *image)
{
    return elf_ehdr(image)->entry;
}

unsigned elf_phnum(const void *image)
{
    return elf_ehdr(image)->phnum;
}

bool elf_load_segment(const void *image, unsigned i, elf_segment_t *seg)
{
    const elf64_phdr_t *ph = elf_phdr(image, i);
    if (ph->type != PT_LOAD || ph->memsz == 0) {
        return false;
    }
    *seg = (elf_segment_t){ph->vaddr, ph->memsz, ph->filesz, ph->offset, ph->flags};
    return true;
}

void elf_bounds(const void *image, u64 *low, u64 *high)
{
    *low = ~0ul;
    *high = 0;
    elf_segment_t seg;
    for (unsigned i = 0; i < elf_phnum(image); i++) {
        if (elf_load_segment(image, i, &seg)) {
            *low = seg.vaddr < *low ? seg.vaddr : *low;
            *high = seg.vaddr + seg.memsz > *high ? seg.vaddr + seg.memsz : *high;
        }
    }
}
