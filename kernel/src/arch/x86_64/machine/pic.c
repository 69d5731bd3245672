/* Legacy 8259 PICs: remapped away from the exception vectors and masked at boot. */
#include <arch/x86_64/machine/cpu.h>
#include <arch/x86_64/machine/pic.h>

#define PIC1_CMD        0x20
#define PIC1_DATA       0x21
#define PIC2_CMD        0xa0
#define PIC2_DATA       0xa1
#define PIC_VECTOR_BASE 0x20

void pic_disable(void)
{
    out8(PIC1_CMD, 0x11); /* ICW1: initialise, ICW4 follows */
    out8(PIC2_CMD, 0x11);
    out8(PIC1_DATA, PIC_VECTOR_BASE); /* ICW2: vector base */
    out8(PIC2_DATA, PIC_VECTOR_BASE + 8);
    out8(PIC1_DATA, 0x04); /* ICW3: slave on line 2 */
    out8(PIC2_DATA, 0x02);
    out8(PIC1_DATA, 0x01); /* ICW4: 8086 mode */
    out8(PIC2_DATA, 0x01);
    out8(PIC1_DATA, 0xff); /* mask everything */
    out8(PIC2_DATA, 0xff);
}
