/*
 * The local APIC in xAPIC mode: the kernel maps its page uncached, enables it and uses its
 * timer for the scheduler tick, in TSC-deadline mode when the CPU has it and periodic mode
 * otherwise. The timer (or the TSC) is calibrated at boot: from CPUID leaf 0x15 on Intel CPUs
 * that report their crystal clock, else against PIT channel 2 (which also works under
 * `qemu -icount`, where every clock follows QEMU's virtual time).
 *
 * Invariant: after apic_init the timer raises APIC_TIMER_VECTOR every APIC_TICK_MS as long as
 * every timer interrupt is followed by apic_timer_ack and apic_eoi.
 */
#include <arch/x86_64/machine/apic.h>
#include <arch/x86_64/machine/cpu.h>
#include <arch/x86_64/machine/cpu_init.h>
#include <arch/x86_64/object/vspace.h>
#include <kernel/panic.h>
#include <kernel/printf.h>
#include <kernel/string.h>

#define MSR_APIC_BASE       0x1b
#define APIC_BASE_X2APIC    BIT(10)
#define APIC_BASE_ENABLE    BIT(11)
#define APIC_BASE_ADDR_MASK 0x000ffffffffff000ul
#define MSR_TSC_DEADLINE    0x6e0

/* xAPIC register offsets in the APIC page. */
#define APIC_VERSION     0x030
#define APIC_TPR         0x080
#define APIC_EOI         0x0b0
#define APIC_SVR         0x0f0
#define APIC_IRR         0x200
#define APIC_ESR         0x280
#define APIC_LVT_CMCI    0x2f0
#define APIC_LVT_TIMER   0x320
#define APIC_LVT_THERMAL 0x330
#define APIC_LVT_PERF    0x340
#define APIC_LVT_LINT0   0x350
#define APIC_LVT_LINT1   0x360
#define APIC_LVT_ERROR   0x370
#define APIC_TIMER_INIT  0x380
#define APIC_TIMER_CUR   0x390
#define APIC_TIMER_DIV   0x3e0

#define APIC_SVR_ENABLE         BIT(8)
#define APIC_LVT_MASKED         BIT(16)
#define APIC_LVT_TIMER_PERIODIC (1u << 17)
#define APIC_LVT_TIMER_DEADLINE (2u << 17)
#define APIC_TIMER_DIV_16       0x3
#define APIC_TIMER_DIVISOR      16

/* PIT channel 2, gated and read back through the keyboard controller's port B (0x61). */
#define PIT_HZ         1193182ul
#define PIT_CH2_DATA   0x42
#define PIT_CMD        0x43
#define PIT_PORT_B     0x61
#define PORT_B_GATE2   BIT(0)
#define PORT_B_SPEAKER BIT(1)
#define PORT_B_OUT2    BIT(5)
#define PIT_CALIB_MS   10
#define PIT_CALIB_RUNS 3
#define PIT_POLL_LIMIT (1ul << 28)
#define CPUID_APIC     BIT(9) /* CPUID.1:EDX */

typedef enum apic_timer_mode { TIMER_PERIODIC, TIMER_TSC_DEADLINE } apic_timer_mode_t;

static volatile u32 *apic_regs;
static apic_timer_mode_t apic_mode;
static u64 apic_tsc_tick;     /* TSC-deadline mode: TSC cycles per tick */
static u64 apic_tsc_deadline; /* TSC-deadline mode: the deadline armed last */

/* Page tables for the LAPIC mapping (the kernel window leaves device memory unmapped). */
static u8 apic_tables[2][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static unsigned apic_tables_used;

static inline u32 apic_read(u32 reg)
{
    return apic_regs[reg / 4];
}

static inline void apic_write(u32 reg, u32 v)
{
    apic_regs[reg / 4] = v;
}

/* Hands vspace_map_4k one of the zeroed static tables; 0 once they are used up. */
static paddr_t apic_table_alloc(void)
{
    if (apic_tables_used == ARRAY_SIZE(apic_tables)) {
        return 0;
    }
    return kptr_to_paddr(apic_tables[apic_tables_used++]);
}

/* Maps the APIC page at its kernel window address, uncached (PCD|PWT: PAT entry 3, UC), and
 * returns the kernel's pointer to it. */
static volatile u32 *apic_map(paddr_t pa)
{
    pptr_t va = (pptr_t)paddr_to_kptr(pa);
    pte_t flags = PTE_WRITE | PTE_PCD | PTE_PWT | PTE_GLOBAL | PTE_NX;
    if (pa >= PHYSMAP_LIMIT ||
        !vspace_map_4k(vspace_kernel_pml4(), va, pa, flags, apic_table_alloc)) {
        panic("apic: cannot map the local APIC page at 0x%lx", pa);
    }
    return (volatile u32 *)va;
}

/* Turns the APIC on in xAPIC mode (leaving x2APIC mode through the disabled state, as the SDM
 * requires) and returns its physical address. */
static paddr_t apic_enable_xapic(void)
{
    u64 base = rdmsr(MSR_APIC_BASE);
    if (base & APIC_BASE_X2APIC) {
        wrmsr(MSR_APIC_BASE, base & ~(APIC_BASE_X2APIC | APIC_BASE_ENABLE));
        base &= ~APIC_BASE_X2APIC;
    }
    wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
    return base & APIC_BASE_ADDR_MASK;
}

/* Masks every local interrupt source but the timer (programmed later), clears the error
 * status, accepts every priority and sets the spurious vector with the enable bit. */
static void apic_setup_lvts(void)
{
    unsigned max_lvt = (apic_read(APIC_VERSION) >> 16) & 0xff;
    apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | APIC_TIMER_VECTOR);
    apic_write(APIC_LVT_LINT0, APIC_LVT_MASKED); /* the legacy PIC: masked and unused */
    apic_write(APIC_LVT_LINT1, APIC_LVT_MASKED); /* NMI from the chipset: unused */
    apic_write(APIC_LVT_ERROR, APIC_LVT_MASKED);
    if (max_lvt >= 4) {
        apic_write(APIC_LVT_PERF, APIC_LVT_MASKED);
    }
    if (max_lvt >= 5) {
        apic_write(APIC_LVT_THERMAL, APIC_LVT_MASKED);
    }
    if (max_lvt >= 6) {
        apic_write(APIC_LVT_CMCI, APIC_LVT_MASKED);
    }
    apic_write(APIC_ESR, 0);
    apic_write(APIC_ESR, 0);
    apic_write(APIC_TPR, 0);
    apic_write(APIC_SVR, APIC_SVR_ENABLE | APIC_SPURIOUS_VECTOR);
    apic_write(APIC_TIMER_DIV, APIC_TIMER_DIV_16);
}

/*
 * One calibration run: PIT channel 2 counts down PIT_CALIB_MS in mode 0 while the APIC timer
 * (one-shot, masked, divide by 16) counts down from its maximum. Stores the APIC counts and
 * TSC cycles that elapsed until the PIT's output rose.
 */
static void apic_calibrate_once(u64 *apic_counts, u64 *tsc_cycles)
{
    const u32 pit_count = PIT_HZ * PIT_CALIB_MS / 1000;
    out8(PIT_PORT_B, (in8(PIT_PORT_B) & ~PORT_B_SPEAKER) | PORT_B_GATE2);
    out8(PIT_CMD, 0xb0); /* channel 2, low then high byte, mode 0, binary */
    out8(PIT_CH2_DATA, pit_count & 0xff);
    out8(PIT_CH2_DATA, pit_count >> 8); /* the count starts here */
    apic_write(APIC_TIMER_INIT, 0xffffffff);
    u64 tsc0 = rdtsc();
    for (u64 i = 0; !(in8(PIT_PORT_B) & PORT_B_OUT2); i++) {
        if (i == PIT_POLL_LIMIT) {
            panic("apic: PIT channel 2 never finished counting, cannot calibrate the timer");
        }
    }
    u64 tsc1 = rdtsc();
    u32 cur = apic_read(APIC_TIMER_CUR);
    apic_write(APIC_TIMER_INIT, 0);
    *apic_counts = (u64)(0xffffffffu - cur) * PIT_HZ / pit_count;
    *tsc_cycles = (tsc1 - tsc0) * PIT_HZ / pit_count;
}

/* The median of three values. */
static u64 median3(u64 a, u64 b, u64 c)
{
    if (a > b) {
        u64 t = a;
        a = b;
        b = t;
    }
    return c < a ? a : (c > b ? b : c);
}

/* Measures the APIC timer rate (after the divider) and the TSC rate in Hz against the PIT:
 * the median of PIT_CALIB_RUNS runs. */
static void apic_calibrate_pit(u64 *apic_hz, u64 *tsc_hz)
{
    u64 a[PIT_CALIB_RUNS], t[PIT_CALIB_RUNS];
    for (unsigned i = 0; i < PIT_CALIB_RUNS; i++) {
        apic_calibrate_once(&a[i], &t[i]);
    }
    *apic_hz = median3(a[0], a[1], a[2]);
    *tsc_hz = median3(t[0], t[1], t[2]);
}

/*
 * The rates from CPUID leaf 0x15 (and 0x16 for the crystal if 0x15 omits it), as Linux reads
 * them on Intel CPUs, where the APIC timer runs at the core crystal clock. Returns false if
 * the CPU does not report them.
 */
static bool apic_calibrate_cpuid(u64 *apic_hz, u64 *tsc_hz)
{
    u32 den, num, crystal, d, base_mhz;
    if (memcmp(cpu_features.vendor, "GenuineIntel", 12) != 0 || cpu_features.max_leaf < 0x15) {
        return false;
    }
    cpuid(0x15, 0, &den, &num, &crystal, &d);
    if (den == 0 || num == 0) {
        return false;
    }
    if (crystal == 0 && cpu_features.max_leaf >= 0x16) {
        cpuid(0x16, 0, &base_mhz, &d, &d, &d);
        crystal = (u32)((u64)base_mhz * 1000000 * den / num);
    }
    if (crystal == 0) {
        return false;
    }
    *tsc_hz = (u64)crystal * num / den;
    *apic_hz = crystal / APIC_TIMER_DIVISOR;
    return true;
}

/* Starts the tick: a TSC deadline APIC_TICK_MS ahead, or the periodic count for it. */
static void apic_start_timer(u64 apic_hz, u64 tsc_hz)
{
    if (apic_mode == TIMER_TSC_DEADLINE) {
        apic_tsc_tick = tsc_hz * APIC_TICK_MS / 1000;
        apic_write(APIC_LVT_TIMER, APIC_LVT_TIMER_DEADLINE | APIC_TIMER_VECTOR);
        /* The SDM asks for the LVT write to be ordered before the first WRMSR. */
        __asm__ volatile("mfence; lfence" ::: "memory");
        apic_tsc_deadline = rdtsc() + apic_tsc_tick;
        wrmsr(MSR_TSC_DEADLINE, apic_tsc_deadline);
        return;
    }
    u64 count = apic_hz * APIC_TICK_MS / 1000;
    if (count == 0 || count > 0xffffffffu) {
        panic("apic: timer rate %lu Hz gives no usable %d ms count", apic_hz, APIC_TICK_MS);
    }
    apic_write(APIC_LVT_TIMER, APIC_LVT_TIMER_PERIODIC | APIC_TIMER_VECTOR);
    apic_write(APIC_TIMER_INIT, (u32)count);
}

void apic_init(void)
{
    u32 a, b, c, d;
    cpuid(1, 0, &a, &b, &c, &d);
    if (!(d & CPUID_APIC)) {
        panic("apic: the CPU has no local APIC");
    }
    paddr_t pa = apic_enable_xapic();
    apic_regs = apic_map(pa);
    apic_setup_lvts();
    u64 apic_hz, tsc_hz;
    bool from_cpuid = apic_calibrate_cpuid(&apic_hz, &tsc_hz);
    if (!from_cpuid) {
        apic_calibrate_pit(&apic_hz, &tsc_hz);
    }
    apic_mode = cpu_features.tsc_deadline ? TIMER_TSC_DEADLINE : TIMER_PERIODIC;
    apic_start_timer(apic_hz, tsc_hz);
    kprintf("apic: xAPIC at 0x%lx, %s timer every %d ms; timer %lu kHz (after /%d), TSC %lu kHz "
            "(%s)\n",
            pa, apic_mode == TIMER_TSC_DEADLINE ? "TSC-deadline" : "periodic", APIC_TICK_MS,
            apic_hz / 1000, APIC_TIMER_DIVISOR, tsc_hz / 1000,
            from_cpuid ? "CPUID 0x15" : "calibrated against the PIT");
}

void apic_eoi(void)
{
    apic_write(APIC_EOI, 0);
}

void apic_timer_ack(void)
{
    if (apic_mode != TIMER_TSC_DEADLINE) {
        return;
    }
    u64 now = rdtsc();
    apic_tsc_deadline += apic_tsc_tick;
    if (apic_tsc_deadline <= now) {
        apic_tsc_deadline = now + apic_tsc_tick; /* ticks were missed: do not fire in a burst */
    }
    wrmsr(MSR_TSC_DEADLINE, apic_tsc_deadline);
}

bool apic_timer_pending(void)
{
    return apic_read(APIC_IRR + (APIC_TIMER_VECTOR / 32) * 0x10) & BIT(APIC_TIMER_VECTOR % 32);
}
