/* 16550 UART console on COM1: the kernel's printf goes out here. */
#include <types.h>
#include <arch/x86_64/machine/cpu.h>
#include <arch/x86_64/machine/serial.h>
#include <kernel/printf.h>

#define UART_DATA     0
#define UART_IER      1
#define UART_FCR      2
#define UART_LCR      3
#define UART_MCR      4
#define UART_LSR      5
#define UART_LSR_THRE 0x20
#define UART_LCR_DLAB 0x80

void serial_init(void)
{
    out8(SERIAL_COM1 + UART_IER, 0x00);
    out8(SERIAL_COM1 + UART_LCR, UART_LCR_DLAB);
    out8(SERIAL_COM1 + UART_DATA, 1); /* divisor 1: 115200 baud */
    out8(SERIAL_COM1 + UART_IER, 0);
    out8(SERIAL_COM1 + UART_LCR, 0x03); /* 8N1 */
    out8(SERIAL_COM1 + UART_FCR, 0xc7); /* FIFOs on and cleared */
    out8(SERIAL_COM1 + UART_MCR, 0x03); /* DTR, RTS */
}

/* Writes one byte once the transmitter can take it. */
static void serial_put_raw(char c)
{
    for (unsigned spins = 0; spins < 100000; spins++) {
        if (in8(SERIAL_COM1 + UART_LSR) & UART_LSR_THRE) {
            break;
        }
    }
    out8(SERIAL_COM1 + UART_DATA, (u8)c);
}

void kputchar(char c)
{
    if (c == '\n') {
        serial_put_raw('\r');
    }
    serial_put_raw(c);
}
