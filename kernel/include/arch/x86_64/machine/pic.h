/* The legacy 8259 interrupt controllers, which sel4ish never uses. */
#pragma once

/* Moves the PIC vectors out of the exception range (0x20..0x2f) and masks every line. */
void pic_disable(void);
