/*
 * Deleting capabilities and revoking their descendants.
 *
 * Deleting the last capability to a CNode or a TCB must first delete every capability the
 * object holds, which may include the last capability to another CNode, and so on. The kernel
 * never recurses for this: the slot's capability becomes a zombie that counts the object's
 * slots not yet emptied. A zombie met in the last remaining slot of another zombie is worked
 * on first (the walk goes down the chain of zombies, one unit of work per step), so the kernel
 * stack stays flat however deep the nesting. Between steps a preemption point may stop the
 * operation; the zombies keep the progress and the restarted system call continues from there.
 */
#pragma once

#include <api/invocation.h>
#include <object/cnode.h>

/* Deletes the capability in slot, finalising its object if it was the last capability to it.
 * Returns seL4_NoError when the slot is empty, or EXCEPTION_PREEMPTED (progress kept). */
exception_t cte_delete(cte_t *slot);

/* Deletes every descendant of the capability in slot (the capability itself stays).
 * Returns seL4_NoError when none is left, or EXCEPTION_PREEMPTED (progress kept). */
exception_t cte_revoke(cte_t *slot);

/* Deletes a capability that never needs a zombie (reply, endpoint, notification, frame...),
 * finalising its object if it was the last one. Cannot be preempted. */
void cte_delete_one(cte_t *slot);
