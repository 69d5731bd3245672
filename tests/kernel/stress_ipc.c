/*
 * STRESS: Call/ReplyRecv round trips between two processes (two address spaces), the payload
 * checked on both sides every time: the client sends four counter-derived words and a label,
 * the server checks them and the badge and replies with a transform of them, the client checks
 * the reply. STRESS_IPC_ROUNDS (default one million) sets the count; the test prints how many
 * TSC cycles the rounds took.
 */
#include <kernel/printf.h>
#include <sel4ish/process.h>

#include "fault_helpers.h"

#ifndef STRESS_IPC_ROUNDS
#define STRESS_IPC_ROUNDS 1000000ul
#endif

#define SX_BADGE       0x5e
#define SX_REPORT      0x77
#define SX_FAULT_BADGE 0xfa
#define SX_EP          SEL4ISH_PROCESS_USER_SLOT(0) /* in both processes */
#define SX_REPORT_EP   SEL4ISH_PROCESS_USER_SLOT(1) /* in the client */
#define SX_UT_BITS     22

/* The message of round i and the server's answer to it. */
static inline seL4_Word sx_word(seL4_Word i, unsigned k)
{
    switch (k) {
    case 0:
        return i;
    case 1:
        return i ^ 0x5555aaaa5555aaaaul;
    case 2:
        return i * 0x9e3779b97f4a7c15ul;
    default:
        return ~i;
    }
}

static inline seL4_Word sx_label(seL4_Word i)
{
    return (i & 0xfff) + 1;
}

static inline seL4_Word sx_answer(seL4_Word w, unsigned k)
{
    return (w ^ (0x0101010101010101ul * (k + 1))) + k;
}

/* The server process: receive, check the message is a well-formed round (right badge, label,
 * length and words), reply with the answer (or all zeros and label 0 if anything was wrong). */
static void sx_server(seL4_Word unused)
{
    (void)unused;
    seL4_Word badge = 0, m[4] = {0, 0, 0, 0};
    seL4_MessageInfo_t info = seL4_RecvWithMRs(SX_EP, &badge, &m[0], &m[1], &m[2], &m[3]);
    for (;;) {
        seL4_Word i = m[0];
        bool ok = badge == SX_BADGE && seL4_MessageInfo_get_label(info) == sx_label(i) &&
                  seL4_MessageInfo_get_length(info) == 4;
        for (unsigned k = 0; k < 4; k++) {
            ok = ok && m[k] == sx_word(i, k);
        }
        for (unsigned k = 0; k < 4; k++) {
            m[k] = ok ? sx_answer(m[k], k) : 0;
        }
        seL4_MessageInfo_t reply = seL4_MessageInfo_new(ok ? sx_label(i) + 1 : 0, 0, 0, 4);
        info = seL4_ReplyRecvWithMRs(SX_EP, reply, &badge, &m[0], &m[1], &m[2], &m[3]);
    }
}

/* The client process: rounds Calls, each checked; then reports (failures, the first failed
 * round, rounds done, TSC cycles) to its report endpoint. */
static void sx_client(seL4_Word rounds)
{
    seL4_Word failures = 0, first = ~0ul;
    uint64_t t0 = __builtin_ia32_rdtsc();
    for (seL4_Word i = 0; i < rounds; i++) {
        seL4_Word m[4];
        for (unsigned k = 0; k < 4; k++) {
            m[k] = sx_word(i, k);
        }
        seL4_MessageInfo_t info = seL4_CallWithMRs(
            SX_EP, seL4_MessageInfo_new(sx_label(i), 0, 0, 4), &m[0], &m[1], &m[2], &m[3]);
        bool ok = seL4_MessageInfo_get_label(info) == sx_label(i) + 1 &&
                  seL4_MessageInfo_get_length(info) == 4;
        for (unsigned k = 0; k < 4; k++) {
            ok = ok && m[k] == sx_answer(sx_word(i, k), k);
        }
        if (!ok && failures++ == 0) {
            first = i;
        }
    }
    seL4_Word cycles = __builtin_ia32_rdtsc() - t0;
    seL4_Word done = rounds;
    seL4_SendWithMRs(SX_REPORT_EP, seL4_MessageInfo_new(0, 0, 0, 4), &failures, &first, &done,
                     &cycles);
}

/* Builds a process from a new untyped: priority prio, faults to fault_ep, the given caps. */
static seL4_Error sx_process(sel4ish_process_t *p, seL4_Word prio, seL4_CPtr fault_ep,
                             const sel4ish_process_cap_t *caps, seL4_Word ncaps)
{
    seL4_CPtr ut = test_untyped(SX_UT_BITS);
    seL4_CPtr probe = test_slot();
    if (!ut || !probe) {
        return seL4_NotEnoughMemory;
    }
    CHECK_EQ(seL4_Untyped_Retype(ut, seL4_X86_4K, 0, FH_ROOT, 0, 0, probe, 1), seL4_NoError);
    seL4_Word pa = test_paddr(probe);
    CHECK_EQ(seL4_CNode_Revoke(FH_ROOT, ut, TEST_ROOT_DEPTH), seL4_NoError);
    sel4ish_process_config_t cfg = {
        .untyped = ut,
        .untyped_paddr = pa,
        .untyped_bits = SX_UT_BITS,
        .slots = test_slots(SEL4ISH_PROCESS_SLOTS),
        .fault_ep = fault_ep,
        .fault_badge = SX_FAULT_BADGE,
        .priority = prio,
        .mcp = prio,
        .caps = caps,
        .num_caps = ncaps,
    };
    return sel4ish_process_create(p, &cfg);
}

static void sx_call_reply_recv(void)
{
    fh_set_own_prio(100);
    seL4_CPtr ep = test_object(seL4_EndpointObject, 0);
    seL4_CPtr report = test_object(seL4_EndpointObject, 0);
    const sel4ish_process_cap_t server_caps[] = {
        {ep, SX_EP, SEL4ISH_CAP_COPY, seL4_AllRights, 0},
    };
    const sel4ish_process_cap_t client_caps[] = {
        {ep, SX_EP, SEL4ISH_CAP_MINT, seL4_AllRights, SX_BADGE},
        {report, SX_REPORT_EP, SEL4ISH_CAP_MINT, seL4_AllRights, SX_REPORT},
    };
    sel4ish_process_t server, client;
    seL4_Error es = sx_process(&server, 102, report, server_caps, 1);
    seL4_Error ec = sx_process(&client, 101, report, client_caps, 2);
    CHECK_EQ(es, seL4_NoError);
    CHECK_EQ(ec, seL4_NoError);
    if (es == seL4_NoError && ec == seL4_NoError) {
        CHECK_EQ(sel4ish_process_start(&server, sx_server, 0), seL4_NoError);
        CHECK_EQ(sel4ish_process_start(&client, sx_client, STRESS_IPC_ROUNDS), seL4_NoError);
        /* Both run above the test: it runs again when the client reports (or one faults). */
        fh_msg_t m = fh_recv(report);
        CHECK_EQ(m.badge, SX_REPORT);
        CHECK_EQ(m.label, 0);
        CHECK_EQ(m.mr[0], 0);    /* failed rounds */
        CHECK_EQ(m.mr[1], ~0ul); /* the first failed round */
        CHECK_EQ(m.mr[2], STRESS_IPC_ROUNDS);
        kprintf("  %lu Call/ReplyRecv round trips between two processes: %lu TSC cycles "
                "(%lu per round trip)\n",
                (unsigned long)STRESS_IPC_ROUNDS, m.mr[3],
                m.mr[3] / (STRESS_IPC_ROUNDS ? STRESS_IPC_ROUNDS : 1));
    }
    CHECK_EQ(sel4ish_process_destroy(&client), seL4_NoError);
    CHECK_EQ(sel4ish_process_destroy(&server), seL4_NoError);
}
DEFINE_TEST(STRESS0010,
            "Call/ReplyRecv round trips between two processes, payload checked every time",
            sx_call_reply_recv);
