/* The root task's view of the system: what it built (main.c) and supervises (supervisor.c). */
#pragma once

#include "system.h"
#include <sel4ish/alloc.h>
#include <sel4ish/process.h>

/* The most capabilities the root task passes to one component when it builds it. */
#define SYS_MAX_CAPS 8

/* A component as the root task keeps it: enough to build it again. */
typedef struct sys_component {
    sys_id_t id;
    void (*fn)(seL4_Word);
    seL4_Word starts; /* how often it was started (its argument: 1 the first time) */
    int restartable;  /* the supervisor re-creates it after a fault */
    int finished;     /* clients: reported ROOT_DONE, or died */
    sel4ish_process_config_t config;
    sel4ish_process_cap_t caps[SYS_MAX_CAPS];
    sel4ish_process_t proc;
} sys_component_t;

/* Everything the root task holds. */
typedef struct sys {
    sel4ish_alloc_t alloc;
    seL4_CPtr ep; /* the root task's endpoint: requests and every component's faults */
    seL4_CPtr service[SYS_NUM_IDS]; /* the endpoints of serial, timer and calc (originals) */
    seL4_CPtr console; /* the serial endpoint, badged SYS_ROOT, once the driver is up */
    seL4_CPtr timer;   /* the timer's endpoint, badged SYS_ROOT */
    seL4_CPtr scratch; /* an empty slot for a moment */
    unsigned failures; /* what went wrong, counted */
    sys_component_t component[SYS_NUM_IDS];
} sys_t;

/* Builds and starts component c (again, for a restart: from the same untyped, which must have
 * been revoked). Returns the first error. */
seL4_Error sys_start(sys_component_t *c);

/* Serves the root task's endpoint until every client has finished: capability look-ups,
 * ROOT_DONE reports, and the components' faults (calc is re-created, anything else counts as a
 * failure). */
void supervise(sys_t *s);

/* The badge of the request calc was working on (calc.c): the supervisor reads it from a dead
 * calc's memory to say whom it answers. */
extern seL4_Word calc_current_client;
