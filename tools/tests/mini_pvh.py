#!/usr/bin/env python3
"""Write a tiny PVH-bootable ELF that mimics the kernel's serial protocol.

Used by test_real_qemu.py to check the runner against a real QEMU without
building the kernel.  The image is a 32-bit ELF with a Xen PHYS32_ENTRY note;
QEMU's -kernel enters it in 32-bit protected mode.  It writes TEXT to COM1
(port 0x3f8) and then ends in one of these ways:

  halt        write 0x10 to the isa-debug-exit port 0xf4 (QEMU status 33)
  fail        write 0x11 to port 0xf4 (QEMU status 35)
  hang        cli; hlt forever
  triplefault load an empty IDT and execute int3 (QEMU exits with 0 under -no-reboot)

With com2 text (build(..., com2=TEXT)), it then writes TEXT to COM2 (port 0x2f8), waits for
a byte to arrive on COM2 and writes "got <byte>\\n" to COM1 before it ends: for the runner's
--serial2 and --input.

    mini_pvh.py OUT.elf halt|fail|hang|triplefault 'line one\\nline two\\n'
"""

import struct
import sys

LOAD_ADDR = 0x100000
XEN_ELFNOTE_PHYS32_ENTRY = 18
EHDR_SIZE, PHDR_SIZE = 52, 32
COM1 = 0x3F8
COM2 = 0x2F8
UART_LSR = 5


def serial_code(text, port=COM1):
    code = b"\x66\xba" + struct.pack("<H", port)          # mov dx, port
    for byte in text.encode():
        code += b"\xb0" + bytes([byte]) + b"\xee"          # mov al, byte; out dx, al
    return code


def com2_echo_code(text):
    """Write text to COM2, wait for a byte there, write "got <byte>\\n" to COM1."""
    code = serial_code(text, COM2)
    code += b"\x66\xba" + struct.pack("<H", COM2 + UART_LSR)  # mov dx, COM2 + LSR
    code += b"\xec\xa8\x01\x74\xfb"                    # 1: in al, dx; test al, 1; jz 1b
    code += b"\x66\xba" + struct.pack("<H", COM2)         # mov dx, COM2
    code += b"\xec\x88\xc3"                              # in al, dx; mov bl, al
    code += serial_code("got ") + b"\x88\xd8\xee"         # ...; mov al, bl; out dx, al
    return code + serial_code("\n")


def ending_code(ending, idtr_addr):
    if ending in ("halt", "fail"):
        value = 0x10 if ending == "halt" else 0x11
        exit_code = b"\xb0" + bytes([value]) + b"\xe6\xf4"  # mov al, value; out 0xf4, al
        return exit_code + b"\xfa\xf4\xeb\xfd"              # cli; hlt; jmp $-1 (hlt)
    if ending == "hang":
        return b"\xfa\xf4\xeb\xfd"
    if ending == "triplefault":
        return b"\x0f\x01\x1d" + struct.pack("<I", idtr_addr) + b"\xcc"  # lidt [idtr]; int3
    raise ValueError(f"unknown ending {ending!r}")


def build(ending, text, com2=None):
    note_off = EHDR_SIZE + 2 * PHDR_SIZE
    note = struct.pack("<III", 4, 4, XEN_ELFNOTE_PHYS32_ENTRY) + b"Xen\0"
    entry_off = note_off + len(note) + 4
    output = serial_code(text) + (b"" if com2 is None else com2_echo_code(com2))
    # The 6-byte empty IDTR (limit 0, base 0) follows the code; the code's
    # length does not depend on the address, so measure it with a dummy.
    idtr_off = entry_off + len(output + ending_code(ending, 0))
    body = output + ending_code(ending, LOAD_ADDR + idtr_off)
    note += struct.pack("<I", LOAD_ADDR + entry_off)
    image_size = idtr_off + 6
    ehdr = struct.pack("<4sBBBBB7xHHIIIIIHHHHHH", b"\x7fELF", 1, 1, 1, 0, 0,
                       2, 3, 1,                      # ET_EXEC, EM_386, version
                       LOAD_ADDR + entry_off, EHDR_SIZE, 0, 0,
                       EHDR_SIZE, PHDR_SIZE, 2, 0, 0, 0)
    load = struct.pack("<IIIIIIII", 1, 0, LOAD_ADDR, LOAD_ADDR, image_size, image_size,
                       7, 0x1000)                   # PT_LOAD, RWX
    pnote = struct.pack("<IIIIIIII", 4, note_off, 0, 0, len(note), len(note), 4, 4)
    return ehdr + load + pnote + note + body + bytes(6)


def main(argv):
    if len(argv) != 4:
        sys.exit(__doc__)
    with open(argv[1], "wb") as f:
        f.write(build(argv[2], argv[3].encode().decode("unicode_escape")))


if __name__ == "__main__":
    main(sys.argv)
