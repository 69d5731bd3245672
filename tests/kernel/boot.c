/* BOOT: what the kernel hands the root task: bootinfo, IPC buffer, stack, image sections. */
#include "test.h"

extern char _end[];

/* seL4_BootInfo words (see SEL4-ABI.md): nodeID @8, numNodes @16, ipcBuffer @32,
 * initThreadCNodeSizeBits @136. */
static uint64_t bootinfo_word(unsigned offset)
{
    return ((const uint64_t *)test_bootinfo())[offset / 8];
}

static void test_bootinfo_fields(void)
{
    uint64_t bi = (uint64_t)test_bootinfo();
    CHECK_EQ(bi & 0xfff, 0);
    CHECK_EQ(bootinfo_word(8), 0);    /* nodeID */
    CHECK_EQ(bootinfo_word(16), 1);   /* numNodes */
    CHECK_EQ(bootinfo_word(136), 12); /* initThreadCNodeSizeBits */
    uint64_t ipc = bootinfo_word(32);
    uint64_t image_end = ((uint64_t)_end + 0xfff) & ~0xfffull;
    CHECK_EQ(ipc, image_end);       /* IPC buffer: the page after the image */
    CHECK_EQ(bi, image_end + 4096); /* bootinfo: the page after the IPC buffer */
}
DEFINE_TEST(BOOT0001, "bootinfo: node numbers, CNode size, IPC buffer and bootinfo placement",
            test_bootinfo_fields);

static void test_ipc_buffer_writable(void)
{
    volatile uint64_t *ipc = (volatile uint64_t *)bootinfo_word(32);
    for (unsigned i = 0; i < 512; i++) {
        ipc[i] = 0x1bcd000000000000ull + i;
    }
    unsigned bad = 0;
    for (unsigned i = 0; i < 512; i++) {
        bad += ipc[i] != 0x1bcd000000000000ull + i;
    }
    CHECK_EQ(bad, 0);
}
DEFINE_TEST(BOOT0002, "the IPC buffer page is mapped and writable", test_ipc_buffer_writable);

static int data_word = 0x5e14;
static uint64_t bss_words[1024];

static void test_image_sections(void)
{
    CHECK_EQ(data_word, 0x5e14);
    uint64_t nonzero = 0;
    for (unsigned i = 0; i < 1024; i++) {
        nonzero |= bss_words[i];
    }
    CHECK_EQ(nonzero, 0);
    bss_words[1023] = 7;
    CHECK_EQ(bss_words[1023], 7);
}
DEFINE_TEST(BOOT0003, ".data is initialised and .bss is zero and writable", test_image_sections);

/* Touches depth * 1 KiB of stack; returns a checksum so nothing is optimised away. */
static uint64_t stack_dig(unsigned depth)
{
    volatile uint8_t frame[1024];
    for (unsigned i = 0; i < sizeof(frame); i++) {
        frame[i] = (uint8_t)(depth + i);
    }
    uint64_t sum = depth ? stack_dig(depth - 1) : 0;
    for (unsigned i = 0; i < sizeof(frame); i++) {
        sum += frame[i];
    }
    return sum;
}

static void test_stack_depth(void)
{
    uint64_t expect = 0;
    for (unsigned d = 0; d <= 40; d++) {
        for (unsigned i = 0; i < 1024; i++) {
            expect += (uint8_t)(d + i);
        }
    }
    CHECK_EQ(stack_dig(40), expect);
    uint64_t rsp;
    __asm__ volatile("movq %%rsp, %0" : "=r"(rsp));
    CHECK(rsp > 0x7fe000000000ull && rsp < 0x7ff000000000ull);
}
DEFINE_TEST(BOOT0004, "the stack holds 40 KiB of frames below the kernel-given top",
            test_stack_depth);
