/*
 * The root task once the system runs: a name service and a supervisor on one endpoint. Clients
 * ask it for capabilities (ROOT_LOOKUP: a badged capability to a service, in the reply) and
 * report when they are done (ROOT_DONE). Every component's fault endpoint is this endpoint
 * under the badge SYS_FAULT | id, so a fault arrives here as seL4's fault message: calc is then
 * re-created from its untyped and its waiting caller answered; any other fault is a failure.
 */
#include "root.h"
#include <kernel/printf.h>

/* Prints which fault component id took, from the fault message just received. */
static void supervisor_print_fault(seL4_Word id, seL4_Word type)
{
    const char *name = sys_name(id);
    switch (type) {
    case seL4_Fault_UserException:
        kprintf("supervisor: %s faulted: UserException, exception %lu at ip 0x%lx%s\n", name,
                seL4_GetMR(seL4_UserException_Number), seL4_GetMR(seL4_UserException_FaultIP),
                seL4_GetMR(seL4_UserException_Number) == 0 ? " (divide error)" : "");
        break;
    case seL4_Fault_VMFault:
        kprintf("supervisor: %s faulted: VMFault at address 0x%lx, ip 0x%lx\n", name,
                seL4_GetMR(seL4_VMFault_Addr), seL4_GetMR(seL4_VMFault_IP));
        break;
    case seL4_Fault_CapFault:
        kprintf("supervisor: %s faulted: CapFault on cptr 0x%lx, ip 0x%lx\n", name,
                seL4_GetMR(seL4_CapFault_Addr), seL4_GetMR(seL4_CapFault_IP));
        break;
    default:
        kprintf("supervisor: %s faulted: fault type %lu\n", name, type);
        break;
    }
}

/* Re-creates calc after its fault: takes the reply capability of the request it died on out of
 * its CNode, destroys it (revoking its untyped), builds and starts a fresh calc, and answers the
 * caller with SYS_REPLY_CRASHED so that it can ask again. */
static void supervisor_restart_calc(sys_t *s, sys_component_t *c)
{
    seL4_Word client = 0;
    sel4ish_process_read_word(&c->proc, (seL4_Word)&calc_current_client, &client);
    seL4_Error moved =
        seL4_CNode_Move(seL4_CapInitThreadCNode, s->scratch, seL4_WordBits, c->proc.cnode,
                        SYS_SLOT_CALC_REPLY, SEL4ISH_PROCESS_CNODE_BITS);
    seL4_Error err = sel4ish_process_destroy(&c->proc);
    if (err == seL4_NoError) {
        err = sys_start(c);
    }
    if (err != seL4_NoError) {
        kprintf("supervisor: cannot restart calc: %s\n", seL4_ErrorName(err));
        s->failures++;
    } else {
        kprintf("supervisor: restarted calc: a fresh process from the same untyped\n");
    }
    if (moved == seL4_NoError) {
        kprintf("supervisor: answering %s (badge %lu), whose request calc died on\n",
                sys_name(client), client);
        seL4_Send(s->scratch, seL4_MessageInfo_new(SYS_REPLY_CRASHED, 0, 0, 0));
    }
}

/* A fault of component id: calc is restarted; anything else fails the run (a client that died
 * counts as finished). */
static void supervisor_fault(sys_t *s, seL4_Word id, seL4_MessageInfo_t info)
{
    supervisor_print_fault(id, seL4_MessageInfo_get_label(info));
    if (id >= SYS_NUM_IDS || !s->component[id].fn) {
        s->failures++;
        return;
    }
    sys_component_t *c = &s->component[id];
    if (c->restartable) {
        supervisor_restart_calc(s, c);
        return;
    }
    kprintf("supervisor: %s is not restartable\n", sys_name(id));
    s->failures++;
    c->finished = 1;
    if (id == SYS_SERIAL) {
        console_use_endpoint(0); /* the kernel's debug console from now on */
    }
}

/* ROOT_LOOKUP from component id: mints a capability to the service asked for with the asker's
 * badge and sends it in the reply (a copy arrives in the asker's receive slot). */
static void supervisor_lookup(sys_t *s, seL4_Word id)
{
    seL4_Word service = seL4_GetMR(0);
    seL4_Error err = seL4_InvalidArgument;
    if (service == SYS_TIMER || service == SYS_CALC) {
        err = seL4_CNode_Mint(seL4_CapInitThreadCNode, s->scratch, seL4_WordBits,
                              seL4_CapInitThreadCNode, s->service[service], seL4_WordBits,
                              seL4_CapRights_new(1, 0, 0, 1), id);
    }
    if (err != seL4_NoError) {
        seL4_Reply(seL4_MessageInfo_new(SYS_REPLY_REFUSED, 0, 0, 0));
        kprintf("root: %s asked for service %lu: refused\n", sys_name(id), service);
        return;
    }
    seL4_SetCap(0, s->scratch);
    seL4_Reply(seL4_MessageInfo_new(seL4_NoError, 0, 1, 0));
    seL4_CNode_Delete(seL4_CapInitThreadCNode, s->scratch, seL4_WordBits);
    kprintf("root: %s asked for the %s: sent it a capability badged %lu in the reply\n",
            sys_name(id), sys_name(service), id);
}

/* ROOT_DONE from client id. */
static void supervisor_done(sys_t *s, seL4_Word id)
{
    seL4_Word failed = seL4_GetMR(0);
    kprintf("root: %s is done%s\n", sys_name(id), failed ? ", with failed checks" : "");
    s->failures += failed != 0;
    s->component[id].finished = 1;
}

/* True once every client has finished. */
static int supervisor_all_done(const sys_t *s)
{
    return s->component[SYS_CLIENT1].finished && s->component[SYS_CLIENT2].finished;
}

void supervise(sys_t *s)
{
    while (!supervisor_all_done(s)) {
        seL4_Word badge;
        seL4_MessageInfo_t info = seL4_Recv(s->ep, &badge);
        seL4_Word id = badge & ~SYS_FAULT;
        if (badge & SYS_FAULT) {
            supervisor_fault(s, id, info);
        } else if (id < SYS_NUM_IDS && seL4_MessageInfo_get_label(info) == ROOT_LOOKUP) {
            supervisor_lookup(s, id);
        } else if ((id == SYS_CLIENT1 || id == SYS_CLIENT2) &&
                   seL4_MessageInfo_get_label(info) == ROOT_DONE) {
            supervisor_done(s, id);
        } else {
            kprintf("root: unexpected message %lu from badge %lu\n",
                    seL4_MessageInfo_get_label(info), badge);
        }
    }
}
