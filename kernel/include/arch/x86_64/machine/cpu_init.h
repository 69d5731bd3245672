/* Per-CPU set-up: descriptor tables, system call MSRs, CPU features and the per-CPU data. */
#pragma once

#include <types.h>
#include <arch/x86_64/machine/context.h>

/* CPU features the kernel probes with CPUID and may use. */
typedef struct cpu_features {
    char vendor[13];
    bool nx, smep, smap, fsgsbase, pcid, invpcid, pdpe1gb, xsave, fxsr, sse2, tsc_deadline, x2apic;
    u32 max_leaf, max_ext_leaf;
    u32 phys_addr_bits;
} cpu_features_t;

extern cpu_features_t cpu_features;
extern percpu_t cpu_percpu;

/* Reads CPUID into cpu_features. */
void cpu_probe_features(void);

/* Enables the features the kernel relies on (NX, SMEP, SMAP, SSE for users, WP). */
void cpu_enable_features(void);

/* Loads the GDT with the TSS, the IDT, the per-CPU %gs base and the syscall MSRs. */
void cpu_init_tables(void);

/* Sets where the CPU saves user state on the next entry from user level (TSS.rsp0). */
void cpu_set_entry_stack(word_t top);

/* Prints the probed features on one line. */
void cpu_print_features(void);
