/* The 16550 UART that carries the kernel console (COM1). */
#pragma once

#define SERIAL_COM1 0x3f8

/* Programs COM1 for 115200 baud, 8N1, FIFOs on, interrupts off. */
void serial_init(void);
