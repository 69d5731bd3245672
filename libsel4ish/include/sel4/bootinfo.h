/* Boot information types (libsel4's <sel4/bootinfo.h> name). */
#pragma once

#include <sel4/types.h>

/* The root task's bootinfo, recorded by the runtime before main (libsel4's functions; the
 * runtime in libsel4ish/src defines them). */
seL4_BootInfo *seL4_GetBootInfo(void);
void seL4_InitBootInfo(seL4_BootInfo *bi);
