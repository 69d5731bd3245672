/*
 * Message transfer between threads: message registers, extra capabilities (granted or
 * unwrapped), fault messages, and replies through reply capabilities.
 */
#pragma once

#include <object/cnode.h>
#include <object/endpoint.h>
#include <object/tcb.h>

/* Message info word: label[63:12] | capsUnwrapped[11:9] | extraCaps[8:7] | length[6:0]. */
#define MSGINFO_LABEL(i)      ((i) >> 12)
#define MSGINFO_UNWRAPPED(i)  (((i) >> 9) & MASK(3))
#define MSGINFO_EXTRA_CAPS(i) (((i) >> 7) & MASK(2))
#define MSGINFO_LENGTH(i)     ((i)&MASK(7))
#define MSGINFO(label, unwrapped, extra, length)                                                   \
    (((word_t)(label) << 12) | ((word_t)(unwrapped) << 9) | ((word_t)(extra) << 7) |               \
     ((word_t)(length)))

/* IPC buffer word offsets. */
#define IPCBUF_TAG            0
#define IPCBUF_MSG            1
#define IPCBUF_CAPS_OR_BADGES 122
#define IPCBUF_RECEIVE_CNODE  125
#define IPCBUF_RECEIVE_INDEX  126
#define IPCBUF_RECEIVE_DEPTH  127

/*
 * Transfers sender's message to receiver (seL4's doIPCTransfer): its fault message if it has a
 * fault, otherwise its message registers, badge and (if can_grant) extra capabilities, those
 * naming ep itself being unwrapped to their badges. ep is NULL for replies.
 */
void ipc_transfer(tcb_t *sender, endpoint_t *ep, word_t badge, bool can_grant, tcb_t *receiver);

/*
 * Gives receiver (blocked on sender) the reply capability to sender in its CALLER slot and
 * leaves sender BLOCKED_ON_REPLY (seL4's setupCallerCap).
 */
void ipc_setup_caller_cap(tcb_t *sender, tcb_t *receiver, bool can_grant);

/*
 * sender replies to receiver through the reply capability in slot (seL4's doReplyTransfer):
 * a normal reply is transferred and receiver runs; a fault reply may set receiver's registers
 * and restarts it or leaves it INACTIVE. The reply capability is deleted.
 */
void ipc_reply(tcb_t *sender, tcb_t *receiver, cte_t *slot, bool grant);

/* Deletes the reply capability t holds to the caller waiting on it, if any (the caller stays
 * BLOCKED_ON_REPLY, as in seL4). */
void ipc_delete_caller_cap(tcb_t *t);

/* Delivers t's fault (t->fault set) to its fault handler as a Call, or, without a usable
 * handler, stops t with one line printed in debug builds (seL4's handleFault). */
void fault_handle(tcb_t *t);
