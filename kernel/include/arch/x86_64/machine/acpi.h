/*
 * ACPI tables, read once at boot: finding the RSDP, then the MADT's IOAPICs and interrupt
 * source overrides. Host-compilable: every table is read through a boot_p2v_fn, so the host
 * tests hand the parser fake physical memory.
 */
#pragma once

#include <kernel/boot_params.h>
#include <types.h>

/* IOAPICs and interrupt source overrides beyond these many are ignored (truncated is set). */
#define ACPI_MAX_IOAPICS   8
#define ACPI_MAX_OVERRIDES 16

/* Interrupt source override flags (MPS INTI flags): polarity [1:0] and trigger mode [3:2]. */
#define ACPI_INTI_POLARITY_MASK 0x3
#define ACPI_INTI_POLARITY_HIGH 0x1
#define ACPI_INTI_POLARITY_LOW  0x3
#define ACPI_INTI_TRIGGER_SHIFT 2
#define ACPI_INTI_TRIGGER_MASK  0x3
#define ACPI_INTI_TRIGGER_EDGE  0x1
#define ACPI_INTI_TRIGGER_LEVEL 0x3

/* Errors of acpi_read_madt (all negative). */
enum {
    ACPI_EBADRSDP = -1, /* no RSDP signature, a bad checksum, or unreadable */
    ACPI_EBADROOT = -2, /* the RSDT/XSDT is unreadable, has a bad header or checksum */
    ACPI_ENOMADT = -3,  /* no table of the root has the signature "APIC" with a good checksum */
    ACPI_EBADMADT = -4, /* the MADT is shorter than its fixed part or an entry overruns it */
};

typedef struct acpi_ioapic {
    u8 id;           /* the IOAPIC's APIC ID */
    paddr_t address; /* physical address of its registers */
    u32 gsi_base;    /* global system interrupt of its pin 0 */
} acpi_ioapic_t;

typedef struct acpi_irq_override {
    u8 source; /* the ISA IRQ */
    u32 gsi;   /* the global system interrupt it is wired to */
    u16 flags; /* ACPI_INTI_* polarity and trigger mode (0: the bus's default) */
} acpi_irq_override_t;

/* What the kernel keeps of the MADT, IOAPICs in the table's order. */
typedef struct acpi_madt {
    paddr_t lapic_address;
    u32 n_ioapics;
    acpi_ioapic_t ioapics[ACPI_MAX_IOAPICS];
    u32 n_overrides;
    acpi_irq_override_t overrides[ACPI_MAX_OVERRIDES];
    bool truncated; /* more IOAPICs or overrides than fit */
} acpi_madt_t;

/*
 * The physical address of the RSDP: hint (the loader's) if a valid RSDP is there, else the
 * first valid one found by the legacy search (the first KiB of the EBDA, then 0xE0000-0xFFFFF,
 * on 16-byte boundaries). Valid: signature "RSD PTR ", the ACPI 1.0 checksum over 20 bytes and,
 * for revision 2 and later, the extended checksum over its length. 0 if there is none.
 */
paddr_t acpi_find_rsdp(paddr_t hint, boot_p2v_fn p2v);

/*
 * Reads the MADT reached from the RSDP at rsdp (the XSDT when the RSDP has revision >= 2 and a
 * non-zero XSDT address, else the RSDT) into *out, which is always initialised (zeroed first).
 * Every table header is checked (length at least the header's, checksum), entries must lie
 * inside the MADT and be at least 2 bytes long; entry types other than IOAPIC (1) and interrupt
 * source override (2) are skipped, as are IOAPIC and override entries shorter than their
 * layout. Returns 0 or an ACPI_E* code.
 */
int acpi_read_madt(paddr_t rsdp, boot_p2v_fn p2v, acpi_madt_t *out);

/* A short description of an ACPI_E* code (or "ok" for 0). */
const char *acpi_strerror(int err);

/* Kernel only: finds and reads the MADT at boot (before the boot window goes away) and prints
 * what it found; with no usable MADT the machine has no IOAPIC for the kernel. */
void acpi_init(paddr_t rsdp_hint, boot_p2v_fn p2v);

/* The MADT read by acpi_init (n_ioapics 0 if there was none). */
const acpi_madt_t *acpi_madt(void);
