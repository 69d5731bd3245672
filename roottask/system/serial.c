/*
 * The serial driver: a 16550 UART on COM2 (ports 0x2f8-0x2ff, IRQ 3), driven by its interrupts,
 * serving SERIAL_* requests (system.h) on its endpoint. The kernel keeps COM1 for itself.
 *
 * Transmit: writes go into a ring; one byte at a time leaves through the transmit holding
 * register, the next when the UART interrupts to say the register is empty. Receive: every byte
 * that arrives raises the receive interrupt and goes into a second ring, which SERIAL_READ
 * drains. The FIFOs stay off: turning them on would drop a byte QEMU handed the UART before the
 * driver started, and without them QEMU passes on input one byte at a time, never overrunning.
 *
 * Requests that cannot be answered yet (a write that does not fit, a flush before the ring is
 * empty) keep their reply capability (seL4_CNode_SaveCaller) in a slot of the driver and are
 * answered in order as the ring drains.
 *
 * Capabilities: its endpoint (SYS_SLOT_EP), a notification badged SYS_IRQ_BADGE bound to its
 * TCB, the IRQHandler of IOAPIC pin 3, the IOPort capability of 0x2f8-0x2ff, and the root task's
 * endpoint (to say it is ready).
 */
#include "system.h"
#include <kernel/printf.h>
#include <kernel/string.h>

#define COM2 0x2f8

/* UART registers (offsets from COM2) and their bits. */
#define UART_DATA      0 /* receive buffer / transmit holding register; divisor low with DLAB */
#define UART_IER       1 /* interrupt enable; divisor high with DLAB */
#define UART_IIR       2 /* interrupt identification (read) */
#define UART_FCR       2 /* FIFO control (write) */
#define UART_LCR       3
#define UART_MCR       4
#define UART_LSR       5
#define UART_MSR       6
#define UART_SCRATCH   7
#define IER_RX         0x01
#define IER_TX         0x02
#define IIR_NONE       0x01
#define IIR_ID         0x0e
#define IIR_TX_EMPTY   0x02
#define IIR_RX_DATA    0x04
#define IIR_LINE       0x06
#define IIR_RX_TIMEOUT 0x0c
#define LCR_8N1        0x03
#define LCR_DLAB       0x80
#define MCR_DTR_RTS    0x03
#define MCR_OUT2       0x08 /* gates the interrupt line on PCs */
#define LSR_DATA       0x01

#define TX_SIZE     16384
#define RX_SIZE     256
#define MAX_PENDING 8

/* A request answered later: its reply capability is in slot. */
typedef struct pending {
    seL4_CPtr slot;
    seL4_Word label; /* SERIAL_WRITE or SERIAL_FLUSH */
    seL4_Word badge;
    seL4_Word len;
    char data[SERIAL_MAX_BYTES];
} pending_t;

/* The driver's state. The rings hold bytes [head, tail) (indices grow without wrapping). */
static struct {
    char tx[TX_SIZE];
    seL4_Word tx_head, tx_tail;
    int tx_busy; /* a byte is in the transmit holding register: wait for its interrupt */
    char rx[RX_SIZE];
    seL4_Word rx_head, rx_tail;
    pending_t pending[MAX_PENDING];
    seL4_Word num_pending;
    seL4_CPtr first_slot; /* MAX_PENDING empty slots for reply capabilities */
    seL4_Word slot_used;  /* bitmap over them */
    seL4_Word bytes[SYS_NUM_IDS], writes[SYS_NUM_IDS];
    seL4_Word irqs, tx_irqs, rx_irqs, rx_bytes, dropped;
} serial;

/* ---- The UART, through the I/O port capability ---- */

static seL4_Word uart_in(seL4_Word reg)
{
    return seL4_X86_IOPort_In8(SYS_SLOT_IOPORT, COM2 + reg).result;
}

static void uart_out(seL4_Word reg, seL4_Word value)
{
    seL4_X86_IOPort_Out8(SYS_SLOT_IOPORT, COM2 + reg, value);
}

/* Programs the UART: 115200 baud 8N1, FIFOs off, both interrupts on. Returns 0, or -1 when no
 * UART answers at COM2 (or the I/O port capability does not work). */
static int uart_init(void)
{
    if (seL4_X86_IOPort_Out8(SYS_SLOT_IOPORT, COM2 + UART_SCRATCH, 0x5a) != seL4_NoError ||
        uart_in(UART_SCRATCH) != 0x5a) {
        return -1;
    }
    uart_out(UART_IER, 0);
    uart_out(UART_LCR, LCR_DLAB);
    uart_out(UART_DATA, 1); /* divisor 1: 115200 baud */
    uart_out(UART_IER, 0);
    uart_out(UART_LCR, LCR_8N1);
    uart_out(UART_FCR, 0);
    uart_out(UART_MCR, MCR_DTR_RTS | MCR_OUT2);
    uart_in(UART_LSR);
    uart_in(UART_MSR);
    uart_out(UART_IER, IER_RX | IER_TX);
    return 0;
}

/* ---- Transmit ---- */

static seL4_Word tx_space(void)
{
    return TX_SIZE - (serial.tx_tail - serial.tx_head);
}

/* Bytes len of s take in the ring ('\n' goes out as "\r\n"). */
static seL4_Word tx_cost(const char *s, seL4_Word len)
{
    seL4_Word n = len;
    for (seL4_Word i = 0; i < len; i++) {
        n += s[i] == '\n';
    }
    return n;
}

/* Puts the next byte into the transmit holding register, unless one is on its way. */
static void tx_kick(void)
{
    if (!serial.tx_busy && serial.tx_head != serial.tx_tail) {
        uart_out(UART_DATA, (unsigned char)serial.tx[serial.tx_head++ % TX_SIZE]);
        serial.tx_busy = 1;
    }
}

/* Appends s to the ring (the caller checked tx_cost() <= tx_space()) and starts sending. */
static void tx_append(const char *s, seL4_Word len)
{
    for (seL4_Word i = 0; i < len; i++) {
        if (s[i] == '\n') {
            serial.tx[serial.tx_tail++ % TX_SIZE] = '\r';
        }
        serial.tx[serial.tx_tail++ % TX_SIZE] = s[i];
    }
    tx_kick();
}

/* The driver's own console (console_use_function): its lines go straight into the ring. */
static void serial_own_output(const char *s, seL4_Word len)
{
    if (tx_cost(s, len) <= tx_space()) {
        tx_append(s, len);
    } else {
        serial.dropped += len;
    }
}

/* ---- Receive ---- */

/* Moves every byte the UART holds into the receive ring ('\r' becomes '\n'). */
static void rx_drain(void)
{
    while (uart_in(UART_LSR) & LSR_DATA) {
        char c = (char)uart_in(UART_DATA);
        serial.rx_bytes++;
        if (serial.rx_tail - serial.rx_head < RX_SIZE) {
            serial.rx[serial.rx_tail++ % RX_SIZE] = c == '\r' ? '\n' : c;
        } else {
            serial.dropped++;
        }
    }
}

/* Takes at most max bytes, up to and including the first '\n', from the receive ring. */
static seL4_Word rx_take(char *buf, seL4_Word max)
{
    seL4_Word n = 0;
    while (n < max && serial.rx_head != serial.rx_tail) {
        buf[n] = serial.rx[serial.rx_head++ % RX_SIZE];
        if (buf[n++] == '\n') {
            break;
        }
    }
    return n;
}

/* ---- Requests answered later ---- */

/* Keeps the caller's reply capability and the request; returns 0, or -1 when all slots are
 * taken (the caller is refused at once). */
static int pending_add(seL4_Word label, seL4_Word badge, const char *data, seL4_Word len)
{
    seL4_Word i = 0;
    while (i < MAX_PENDING && (serial.slot_used & (1ul << i))) {
        i++;
    }
    if (i == MAX_PENDING || seL4_CNode_SaveCaller(seL4_CapInitThreadCNode, serial.first_slot + i,
                                                  seL4_WordBits) != seL4_NoError) {
        return -1;
    }
    serial.slot_used |= 1ul << i;
    pending_t *p = &serial.pending[serial.num_pending++];
    *p = (pending_t){.slot = serial.first_slot + i, .label = label, .badge = badge, .len = len};
    memcpy(p->data, data, len);
    return 0;
}

/* Answers the oldest pending request if it can be answered now; returns 1 if it was. */
static int pending_complete_first(void)
{
    pending_t *p = &serial.pending[0];
    if (p->label == SERIAL_WRITE && tx_cost(p->data, p->len) <= tx_space()) {
        tx_append(p->data, p->len);
        serial.bytes[p->badge] += p->len;
        serial.writes[p->badge]++;
        seL4_SetMR(0, p->len);
        seL4_Send(p->slot, seL4_MessageInfo_new(seL4_NoError, 0, 0, 1));
    } else if (p->label == SERIAL_FLUSH && serial.tx_head == serial.tx_tail && !serial.tx_busy) {
        seL4_Send(p->slot, seL4_MessageInfo_new(seL4_NoError, 0, 0, 0));
    } else {
        return 0;
    }
    serial.slot_used &= ~(1ul << (p->slot - serial.first_slot));
    serial.num_pending--;
    memmove(p, p + 1, serial.num_pending * sizeof(*p));
    return 1;
}

/* Answers pending requests in order, as far as the ring allows. */
static void pending_complete(void)
{
    while (serial.num_pending && pending_complete_first()) {
    }
}

/* ---- Interrupts ---- */

/* Handles the UART's interrupt. The IRQ is edge-triggered and the kernel masks it from delivery
 * to Ack, and an IOAPIC ignores an edge on a masked pin: so Ack first, then take every cause
 * the UART reports until none is left (its line is low again), then the next byte out, whose
 * "transmit register empty" makes the next edge. An edge during the loop only signals again. */
static void serial_irq(void)
{
    serial.irqs++;
    seL4_IRQHandler_Ack(SYS_SLOT_IRQ);
    for (;;) {
        seL4_Word iir = uart_in(UART_IIR);
        if (iir & IIR_NONE) {
            break;
        }
        switch (iir & IIR_ID) {
        case IIR_TX_EMPTY:
            serial.tx_irqs++;
            serial.tx_busy = 0;
            break;
        case IIR_RX_DATA:
        case IIR_RX_TIMEOUT:
            serial.rx_irqs++;
            rx_drain();
            break;
        case IIR_LINE:
            uart_in(UART_LSR);
            break;
        default:
            uart_in(UART_MSR);
            break;
        }
    }
    tx_kick();
    pending_complete();
}

/* ---- Requests ---- */

/* Prints what the driver served, per badge (SERIAL_STATS). */
static void serial_print_stats(void)
{
    for (seL4_Word b = 1; b < SYS_NUM_IDS; b++) {
        if (serial.writes[b]) {
            kprintf("serial: %s (badge %lu) wrote %lu bytes in %lu requests\n", sys_name(b), b,
                    serial.bytes[b], serial.writes[b]);
        }
    }
    kprintf("serial: %lu interrupts (%lu transmit, %lu receive), %lu bytes received, "
            "%lu dropped\n",
            serial.irqs, serial.tx_irqs, serial.rx_irqs, serial.rx_bytes, serial.dropped);
}

/* SERIAL_WRITE: takes the bytes now, or later when the ring has room. Returns 1 if the reply
 * (in *reply) is to be sent now. */
static int serial_write(seL4_Word badge, seL4_MessageInfo_t info, seL4_MessageInfo_t *reply)
{
    seL4_Word len = seL4_GetMR(0);
    seL4_Word max = (seL4_MessageInfo_get_length(info) - 1) * sizeof(seL4_Word);
    if (seL4_MessageInfo_get_length(info) < 1 || len > SERIAL_MAX_BYTES || len > max) {
        *reply = seL4_MessageInfo_new(SYS_REPLY_REFUSED, 0, 0, 0);
        return 1;
    }
    const char *data = (const char *)&seL4_GetIPCBuffer()->msg[1];
    if (serial.num_pending || tx_cost(data, len) > tx_space()) {
        if (pending_add(SERIAL_WRITE, badge, data, len) == 0) {
            return 0;
        }
        *reply = seL4_MessageInfo_new(SYS_REPLY_REFUSED, 0, 0, 0);
        return 1;
    }
    tx_append(data, len);
    serial.bytes[badge] += len;
    serial.writes[badge]++;
    seL4_SetMR(0, len);
    *reply = seL4_MessageInfo_new(seL4_NoError, 0, 0, 1);
    return 1;
}

/* SERIAL_READ: the bytes that arrived, at most one line. */
static seL4_MessageInfo_t serial_read_request(void)
{
    seL4_Word max = seL4_GetMR(0) < SERIAL_MAX_BYTES ? seL4_GetMR(0) : SERIAL_MAX_BYTES;
    seL4_Word n = rx_take((char *)&seL4_GetIPCBuffer()->msg[1], max);
    seL4_SetMR(0, n);
    return seL4_MessageInfo_new(seL4_NoError, 0, 0, 1 + (n + 7) / 8);
}

/* Serves one request from the client with this badge. Returns 1 if the reply (in *reply) is to
 * be sent now, 0 if it was kept for later. */
static int serial_request_in(seL4_Word badge, seL4_MessageInfo_t info, seL4_MessageInfo_t *reply)
{
    *reply = seL4_MessageInfo_new(seL4_NoError, 0, 0, 0);
    if (badge >= SYS_NUM_IDS) {
        badge = 0;
    }
    switch (seL4_MessageInfo_get_label(info)) {
    case SERIAL_WRITE:
        return serial_write(badge, info, reply);
    case SERIAL_READ:
        *reply = serial_read_request();
        return 1;
    case SERIAL_FLUSH:
        if (serial.num_pending || serial.tx_head != serial.tx_tail || serial.tx_busy) {
            if (pending_add(SERIAL_FLUSH, badge, "", 0) == 0) {
                return 0;
            }
            *reply = seL4_MessageInfo_new(SYS_REPLY_REFUSED, 0, 0, 0);
        }
        return 1;
    case SERIAL_STATS:
        if (badge != SYS_ROOT) {
            kprintf("serial: refused statistics to %s (badge %lu): root only\n", sys_name(badge),
                    badge);
            *reply = seL4_MessageInfo_new(SYS_REPLY_REFUSED, 0, 0, 0);
            return 1;
        }
        serial_print_stats();
        return 1;
    default:
        *reply = seL4_MessageInfo_new(SYS_REPLY_REFUSED, 0, 0, 0);
        return 1;
    }
}

/* The driver's loop: interrupts (the bound notification's badge) and requests on one endpoint. */
static void serial_serve(void)
{
    seL4_Word badge;
    seL4_MessageInfo_t info = seL4_Recv(SYS_SLOT_EP, &badge);
    for (;;) {
        seL4_MessageInfo_t reply;
        if (badge == SYS_IRQ_BADGE) {
            serial_irq();
            info = seL4_Recv(SYS_SLOT_EP, &badge);
        } else if (serial_request_in(badge, info, &reply)) {
            info = seL4_ReplyRecv(SYS_SLOT_EP, reply, &badge);
        } else {
            info = seL4_Recv(SYS_SLOT_EP, &badge);
        }
    }
}

/* Connects the interrupt to the notification, binds the notification to the driver's TCB (so
 * that it arrives on the endpoint too), programs the UART and acknowledges the IRQ once (an
 * interrupt before the notification was set leaves it masked until an Ack, as in seL4).
 * Returns 0 or -1 (printed through the kernel's debug console: there is no other). */
static int serial_init(void)
{
    serial.first_slot = seL4_GetBootInfo()->empty.start;
    seL4_Error err = seL4_IRQHandler_SetNotification(SYS_SLOT_IRQ, SYS_SLOT_NTFN);
    if (err == seL4_NoError) {
        err = seL4_TCB_BindNotification(seL4_CapInitThreadTCB, SYS_SLOT_NTFN);
    }
    if (err != seL4_NoError) {
        kprintf("serial: cannot connect IRQ 3 to a notification: %s\n", seL4_ErrorName(err));
        return -1;
    }
    if (uart_init() != 0) {
        kprintf("serial: no UART answers at COM2 (0x2f8); has QEMU a second -serial?\n");
        return -1;
    }
    seL4_IRQHandler_Ack(SYS_SLOT_IRQ);
    console_use_function(serial_own_output);
    kprintf("serial: driver up: COM2 (I/O ports 0x2f8-0x2ff), IRQ 3 via IOAPIC pin 3 to its "
            "notification\n");
    return 0;
}

void serial_main(seL4_Word arg)
{
    (void)arg;
    int failed = serial_init() != 0;
    seL4_SetMR(0, failed);
    seL4_Send(SYS_SLOT_ROOT, seL4_MessageInfo_new(ROOT_READY, 0, 0, 1));
    if (!failed) {
        serial_serve();
    }
}
