/* The components' console (kputchar behind kprintf, line by line to the serial driver) and the
 * client side of the serial and timer protocols (system.h). */
#include "system.h"
#include <kernel/printf.h>
#include <kernel/string.h>

/* One process's console: a line being assembled and where finished lines go. Each process has
 * its own copy (its private .bss). */
static struct {
    seL4_CPtr serial;
    void (*sink)(const char *s, seL4_Word len);
    seL4_Word len;
    char line[SERIAL_MAX_BYTES];
} console;

const char *sys_name(seL4_Word badge)
{
    static const char *const names[SYS_NUM_IDS] = {"?",    "root",    "serial", "timer",
                                                   "calc", "client1", "client2"};
    return badge < SYS_NUM_IDS ? names[badge] : "?";
}

void console_use_endpoint(seL4_CPtr serial)
{
    console.serial = serial;
}

void console_use_function(void (*sink)(const char *s, seL4_Word len))
{
    console.sink = sink;
}

/* Sends len bytes of s as one SERIAL_WRITE (len <= SERIAL_MAX_BYTES). */
static void console_write(const char *s, seL4_Word len)
{
    seL4_SetMR(0, len);
    memcpy(&seL4_GetIPCBuffer()->msg[1], s, len);
    seL4_Word words = 1 + (len + sizeof(seL4_Word) - 1) / sizeof(seL4_Word);
    seL4_Call(console.serial, seL4_MessageInfo_new(SERIAL_WRITE, 0, 0, words));
}

/* Passes the assembled line on and starts a new one. */
static void console_flush(void)
{
    if (console.sink) {
        console.sink(console.line, console.len);
    } else if (console.serial) {
        console_write(console.line, console.len);
    } else {
        for (seL4_Word i = 0; i < console.len; i++) {
            seL4_DebugPutChar(console.line[i]);
        }
    }
    console.len = 0;
}

void kputchar(char c)
{
    console.line[console.len++] = c;
    if (c == '\n' || console.len == sizeof(console.line)) {
        console_flush();
    }
}

seL4_Word timer_time_us(seL4_CPtr timer)
{
    seL4_MessageInfo_t info = seL4_Call(timer, seL4_MessageInfo_new(TIMER_TIME, 0, 0, 0));
    return seL4_MessageInfo_get_label(info) == seL4_NoError ? seL4_GetMR(0) : 0;
}

seL4_Word timer_sleep_ms(seL4_CPtr timer, seL4_Word ms)
{
    seL4_SetMR(0, ms);
    seL4_MessageInfo_t info = seL4_Call(timer, seL4_MessageInfo_new(TIMER_SLEEP, 0, 0, 1));
    return seL4_MessageInfo_get_label(info) == seL4_NoError ? seL4_GetMR(0) : 0;
}

seL4_Word serial_read(seL4_CPtr serial, char *buf, seL4_Word max)
{
    seL4_SetMR(0, max < SERIAL_MAX_BYTES ? max : SERIAL_MAX_BYTES);
    seL4_MessageInfo_t info = seL4_Call(serial, seL4_MessageInfo_new(SERIAL_READ, 0, 0, 1));
    seL4_Word n = seL4_GetMR(0);
    if (seL4_MessageInfo_get_label(info) != seL4_NoError || n > max) {
        return 0;
    }
    memcpy(buf, &seL4_GetIPCBuffer()->msg[1], n);
    return n;
}

seL4_Word serial_request(seL4_CPtr serial, seL4_Word label)
{
    return seL4_MessageInfo_get_label(seL4_Call(serial, seL4_MessageInfo_new(label, 0, 0, 0)));
}
