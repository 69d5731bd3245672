/* Operations on any capability, dispatched on its type. */
#pragma once

#include <api/invocation.h>
#include <object/cnode.h>

/* Decodes and performs the invocation of the capability in slot: hands it to the generated
 * dispatcher of the object's interface. Returns the seL4_Error of the invocation. */
exception_t object_decode_invocation(cte_t *slot, const invocation_t *inv);
