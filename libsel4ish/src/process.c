/*
 * Processes made from one untyped, running a function of the caller's own image (see
 * process.h). Build order: the process's untypeds first (largest first, so that none wastes
 * alignment), then its CNode, TCB and VSpace, its image and stack, its capabilities, and last
 * its IPC buffer, bootinfo and thread configuration.
 *
 * Invariant: every object is retyped from p->untyped in the order the watermark p->used records,
 * and nothing else retypes from it, so the physical address of each object (and of each untyped
 * made for the process) is known exactly. Capabilities that do not come from the untyped (the
 * shared image frames, the copies of lent untypeds, the caller's capabilities) are only ever in
 * the process's CNode, or for a moment in p->scratch, so that revoking the untyped removes them
 * all; what the process makes from a lent untyped goes when the caller's original is revoked.
 */
#include <stddef.h>
#include <sel4ish/alloc.h>
#include <sel4ish/process.h>

#define PAGE_BITS  12
#define PAGE_SIZE  (1ul << PAGE_BITS)
#define ROOT       seL4_CapInitThreadCNode
#define ROOT_BITS  seL4_WordBits
#define CHILD_BITS SEL4ISH_PROCESS_CNODE_BITS

/* Where the caller maps a frame for a moment to write or read it: the lowest page of the page
 * table that maps the stack, which every root task and process has and nothing else uses. */
#define WINDOW (SEL4ISH_STACK_TOP - (1ul << 21))

/* The image (rootserver.ld) and the runtime's copy of its initial .data (runtime.c). */
extern char __executable_start[], __data_start[], _edata[], _end[], __sel4ish_data_snapshot[];

/* The process entry trampoline (crt0.S). */
extern char __sel4ish_process_entry[];

static seL4_Word round_up(seL4_Word x, seL4_Word bits)
{
    return (x + (1ul << bits) - 1) & ~((1ul << bits) - 1);
}

static seL4_Word image_start(void)
{
    return (seL4_Word)__executable_start;
}

/* The first page above the image: the IPC buffer's, then the bootinfo's. */
static seL4_Word image_end(void)
{
    return round_up((seL4_Word)_end, PAGE_BITS);
}

static seL4_Word image_pages(void)
{
    return (image_end() - image_start()) >> PAGE_BITS;
}

/* The first writable page (rootserver.ld aligns __data_start to a page). */
static seL4_Word image_first_writable(void)
{
    return ((seL4_Word)__data_start - image_start()) >> PAGE_BITS;
}

/* ---- Memory and slots ---- */

/* Takes count consecutive slots of the caller. */
static seL4_Error process_take_slots(sel4ish_process_t *p, seL4_Word count, seL4_CPtr *first)
{
    if (count > p->slot_end - p->slot) {
        return seL4_NotEnoughMemory;
    }
    *first = p->slot;
    p->slot += count;
    return seL4_NoError;
}

/* Retypes count objects into the caller's empty slots from slot on and stores the physical
 * address of the first in *paddr (if not NULL), mirroring the kernel's watermark: each object
 * naturally aligned after the last. */
static seL4_Error process_retype_into(sel4ish_process_t *p, seL4_Word type, seL4_Word size_bits,
                                      seL4_Word count, seL4_CPtr slot, seL4_Word *paddr)
{
    seL4_Error err = seL4_Untyped_Retype(p->untyped, type, size_bits, ROOT, 0, 0, slot, count);
    if (err != seL4_NoError) {
        return err;
    }
    seL4_Word bits = sel4ish_object_size_bits(type, size_bits);
    seL4_Word offset = round_up(p->used, bits);
    p->used = offset + (count << bits);
    if (paddr) {
        *paddr = p->untyped_paddr + offset;
    }
    return seL4_NoError;
}

/* Like process_retype_into, into count new slots of the caller (the first in *first). */
static seL4_Error process_retype(sel4ish_process_t *p, seL4_Word type, seL4_Word size_bits,
                                 seL4_Word count, seL4_CPtr *first, seL4_Word *paddr)
{
    seL4_Error err = process_take_slots(p, count, first);
    if (err != seL4_NoError) {
        return err;
    }
    return process_retype_into(p, type, size_bits, count, *first, paddr);
}

/* ---- The VSpace ---- */

static const seL4_Word table_shift[3] = {39, 30, 21};
static const seL4_Word table_type[3] = {seL4_X86_PDPTObject, seL4_X86_PageDirectoryObject,
                                        seL4_X86_PageTableObject};

/* Maps the new paging structure t of the given level (0 PDPT, 1 PD, 2 PT) at base. */
static seL4_Error process_map_table(sel4ish_process_t *p, unsigned level, seL4_CPtr t,
                                    seL4_Word base)
{
    seL4_X86_VMAttributes attr = seL4_X86_Default_VMAttributes;
    switch (level) {
    case 0:
        return seL4_X86_PDPT_Map(t, p->vspace, base, attr);
    case 1:
        return seL4_X86_PageDirectory_Map(t, p->vspace, base, attr);
    default:
        return seL4_X86_PageTable_Map(t, p->vspace, base, attr);
    }
}

/* Makes the paging structure of the given level that covers vaddr, unless it exists. */
static seL4_Error process_table(sel4ish_process_t *p, unsigned level, seL4_Word vaddr)
{
    seL4_Word key = vaddr >> table_shift[level];
    seL4_Word max = sizeof(p->tables[level]) / sizeof(p->tables[level][0]);
    for (seL4_Word i = 0; i < p->num_tables[level]; i++) {
        if (p->tables[level][i] == key) {
            return seL4_NoError;
        }
    }
    if (p->num_tables[level] == max) {
        return seL4_RangeError;
    }
    seL4_CPtr t;
    seL4_Error err = process_retype(p, table_type[level], 0, 1, &t, NULL);
    if (err == seL4_NoError) {
        err = process_map_table(p, level, t, key << table_shift[level]);
    }
    if (err == seL4_NoError) {
        p->tables[level][p->num_tables[level]++] = key;
    }
    return err;
}

/* Maps the frame (a slot of the caller) at vaddr in the process, making paging structures. */
static seL4_Error process_map(sel4ish_process_t *p, seL4_CPtr frame, seL4_Word vaddr,
                              seL4_CapRights_t rights)
{
    for (unsigned level = 0; level < 3; level++) {
        seL4_Error err = process_table(p, level, vaddr);
        if (err != seL4_NoError) {
            return err;
        }
    }
    return seL4_X86_Page_Map(frame, p->vspace, vaddr, rights, seL4_X86_Default_VMAttributes);
}

/* Moves the capability in the caller's slot src to the process's slot dest. */
static seL4_Error process_move_in(sel4ish_process_t *p, seL4_CPtr src, seL4_CPtr dest)
{
    return seL4_CNode_Move(p->cnode, dest, CHILD_BITS, ROOT, src, ROOT_BITS);
}

/* Maps frame (a slot of the caller) at WINDOW in the caller's own VSpace. */
static seL4_Error window_map(seL4_CPtr frame, seL4_CapRights_t rights)
{
    return seL4_X86_Page_Map(frame, seL4_CapInitThreadVSpace, WINDOW, rights,
                             seL4_X86_Default_VMAttributes);
}

/* ---- The image ---- */

/* Shares read-only page k of the caller's image: a read-only copy of the caller's frame
 * capability, mapped in the process and kept in the process's slot for that page. */
static seL4_Error process_share_page(sel4ish_process_t *p, const seL4_BootInfo *bi, seL4_Word k)
{
    seL4_Error err = seL4_CNode_Copy(ROOT, p->scratch, ROOT_BITS, ROOT,
                                     bi->userImageFrames.start + k, ROOT_BITS, seL4_CanRead);
    if (err == seL4_NoError) {
        err = process_map(p, p->scratch, image_start() + (k << PAGE_BITS), seL4_CanRead);
    }
    if (err == seL4_NoError) {
        err = process_move_in(p, p->scratch, p->image_frames + k);
    }
    if (err != seL4_NoError) {
        seL4_CNode_Delete(ROOT, p->scratch, ROOT_BITS);
    }
    return err;
}

/* Gives the process a private copy of writable page k: a new frame (made in p->scratch, then
 * moved to the process) holding the bytes of the image's initial .data that fall in the page
 * (the rest stays zero, as .bss starts). */
static seL4_Error process_copy_page(sel4ish_process_t *p, seL4_Word k)
{
    seL4_Word va = image_start() + (k << PAGE_BITS);
    seL4_Word from = (seL4_Word)__data_start > va ? (seL4_Word)__data_start : va;
    seL4_Word to = (seL4_Word)_edata < va + PAGE_SIZE ? (seL4_Word)_edata : va + PAGE_SIZE;
    seL4_CPtr frame = p->scratch;
    seL4_Error err = process_retype_into(p, seL4_X86_4K, 0, 1, frame, NULL);
    if (err == seL4_NoError && from < to) {
        err = window_map(frame, seL4_ReadWrite);
        if (err == seL4_NoError) {
            const char *snapshot = __sel4ish_data_snapshot + (from - (seL4_Word)__data_start);
            __builtin_memcpy((char *)WINDOW + (from - va), snapshot, to - from);
            err = seL4_X86_Page_Unmap(frame);
        }
    }
    if (err == seL4_NoError) {
        err = process_map(p, frame, va, seL4_ReadWrite);
    }
    if (err == seL4_NoError) {
        err = process_move_in(p, frame, p->image_frames + k);
    }
    if (err != seL4_NoError) {
        seL4_CNode_Delete(ROOT, frame, ROOT_BITS);
    }
    return err;
}

/* Maps the image: the caller's read-only pages shared, private copies of the writable ones. */
static seL4_Error process_map_image(sel4ish_process_t *p, const seL4_BootInfo *bi)
{
    seL4_Error err = seL4_NoError;
    for (seL4_Word k = 0; k < image_pages() && err == seL4_NoError; k++) {
        if (k < image_first_writable()) {
            err = process_share_page(p, bi, k);
        } else {
            err = process_copy_page(p, k);
        }
    }
    return err;
}

/* Maps SEL4ISH_STACK_PAGES new frames below SEL4ISH_STACK_TOP (their capabilities stay in the
 * caller's slots). */
static seL4_Error process_map_stack(sel4ish_process_t *p)
{
    seL4_CPtr first;
    seL4_Error err = process_retype(p, seL4_X86_4K, 0, SEL4ISH_STACK_PAGES, &first, NULL);
    for (seL4_Word i = 0; i < SEL4ISH_STACK_PAGES && err == seL4_NoError; i++) {
        err = process_map(p, first + i, SEL4ISH_STACK_TOP - (i + 1) * PAGE_SIZE, seL4_ReadWrite);
    }
    return err;
}

/* ---- The CSpace ---- */

/* The untypeds the process gets, as its bootinfo lists them. */
typedef struct process_untypeds {
    seL4_CPtr made; /* the caller's slot of the first made one */
    seL4_Word num_made;
    seL4_Word paddr[SEL4ISH_PROCESS_MAX_UNTYPEDS];
} process_untypeds_t;

/* Carves the untypeds of c->untyped_sizes (into consecutive slots of the caller). */
static seL4_Error process_make_untypeds(sel4ish_process_t *p, const sel4ish_process_config_t *c,
                                        process_untypeds_t *u)
{
    u->made = p->slot;
    u->num_made = 0;
    for (seL4_Word i = 0; i < SEL4ISH_PROCESS_MAX_UNTYPEDS && c->untyped_sizes[i]; i++) {
        seL4_CPtr slot;
        seL4_Error err =
            process_retype(p, seL4_UntypedObject, c->untyped_sizes[i], 1, &slot, &u->paddr[i]);
        if (err != seL4_NoError) {
            return err;
        }
        u->num_made++;
    }
    return seL4_NoError;
}

/* The process's slot of its first untyped (after its image frames). */
static seL4_CPtr process_untyped_slots(const sel4ish_process_t *p)
{
    return p->image_frames + image_pages();
}

/* Puts the made untypeds and copies of the lent ones into the process's untyped slots. */
static seL4_Error process_give_untypeds(sel4ish_process_t *p, const sel4ish_process_config_t *c,
                                        const process_untypeds_t *u)
{
    seL4_CPtr dest = process_untyped_slots(p);
    seL4_Error err = seL4_NoError;
    for (seL4_Word i = 0; i < u->num_made && err == seL4_NoError; i++) {
        err = process_move_in(p, u->made + i, dest++);
    }
    for (seL4_Word i = 0; i < c->num_lent_untypeds && err == seL4_NoError; i++) {
        err = seL4_CNode_Copy(p->cnode, dest++, CHILD_BITS, ROOT, c->lent_untypeds[i].cap,
                              ROOT_BITS, seL4_AllRights);
        if (err == seL4_NoError) {
            p->lent[p->num_lent++] = c->lent_untypeds[i].cap;
        }
    }
    return err;
}

/* Copies, mints or moves one of the caller's capabilities into the process. */
static seL4_Error process_give_cap(sel4ish_process_t *p, const sel4ish_process_cap_t *cap)
{
    switch (cap->mode) {
    case SEL4ISH_CAP_COPY:
        return seL4_CNode_Copy(p->cnode, cap->dest, CHILD_BITS, ROOT, cap->src, ROOT_BITS,
                               cap->rights);
    case SEL4ISH_CAP_MINT:
        return seL4_CNode_Mint(p->cnode, cap->dest, CHILD_BITS, ROOT, cap->src, ROOT_BITS,
                               cap->rights, cap->badge);
    default:
        return process_move_in(p, cap->src, cap->dest);
    }
}

/* The guard that makes the process's CNode resolve 64-bit capability pointers (CNode data). */
static seL4_Word process_cnode_guard(void)
{
    return seL4_CNode_CapData_new(0, seL4_WordBits - CHILD_BITS).words[0];
}

/* Fills the process's initial slots: its TCB, CNode (guarded), VSpace, ASID pool, fault
 * endpoint and the caller's capabilities. */
static seL4_Error process_fill_cspace(sel4ish_process_t *p, const sel4ish_process_config_t *c)
{
    seL4_Error err = seL4_CNode_Copy(p->cnode, seL4_CapInitThreadTCB, CHILD_BITS, ROOT, p->tcb,
                                     ROOT_BITS, seL4_AllRights);
    if (err == seL4_NoError) {
        err = seL4_CNode_Mint(p->cnode, seL4_CapInitThreadCNode, CHILD_BITS, ROOT, p->cnode,
                              ROOT_BITS, seL4_AllRights, process_cnode_guard());
    }
    if (err == seL4_NoError) {
        err = seL4_CNode_Copy(p->cnode, seL4_CapInitThreadVSpace, CHILD_BITS, ROOT, p->vspace,
                              ROOT_BITS, seL4_AllRights);
    }
    if (err == seL4_NoError) {
        err = seL4_CNode_Copy(p->cnode, seL4_CapInitThreadASIDPool, CHILD_BITS, ROOT,
                              seL4_CapInitThreadASIDPool, ROOT_BITS, seL4_AllRights);
    }
    if (err == seL4_NoError && c->fault_ep) {
        seL4_CapRights_t send = seL4_CapRights_new(1, 0, 0, 1); /* Write, GrantReply */
        err = seL4_CNode_Mint(p->cnode, SEL4ISH_PROCESS_FAULT_EP, CHILD_BITS, ROOT, c->fault_ep,
                              ROOT_BITS, send, c->fault_badge);
    }
    for (seL4_Word i = 0; i < c->num_caps && err == seL4_NoError; i++) {
        err = process_give_cap(p, &c->caps[i]);
    }
    return err;
}

/* ---- The bootinfo, the IPC buffer, the thread ---- */

/* Writes the process's bootinfo into the (zeroed) frame bi_frame through the window. */
static seL4_Error process_write_bootinfo(sel4ish_process_t *p, const sel4ish_process_config_t *c,
                                         const process_untypeds_t *u, seL4_CPtr bi_frame)
{
    seL4_Error err = window_map(bi_frame, seL4_ReadWrite);
    if (err != seL4_NoError) {
        return err;
    }
    seL4_BootInfo *bi = (seL4_BootInfo *)WINDOW;
    seL4_CPtr untypeds = process_untyped_slots(p);
    seL4_Word n = u->num_made + c->num_lent_untypeds;
    bi->numNodes = 1;
    bi->ipcBuffer = (seL4_IPCBuffer *)p->ipc_buffer;
    bi->userImageFrames = (seL4_SlotRegion){p->image_frames, untypeds};
    bi->initThreadCNodeSizeBits = CHILD_BITS;
    bi->untyped = (seL4_SlotRegion){untypeds, untypeds + n};
    bi->empty = (seL4_SlotRegion){untypeds + n, 1ul << CHILD_BITS};
    for (seL4_Word i = 0; i < u->num_made; i++) {
        bi->untypedList[i] = (seL4_UntypedDesc){
            .paddr = u->paddr[i], .sizeBits = (seL4_Uint8)c->untyped_sizes[i], .isDevice = 0};
    }
    for (seL4_Word i = 0; i < c->num_lent_untypeds; i++) {
        const sel4ish_process_untyped_t *l = &c->lent_untypeds[i];
        bi->untypedList[u->num_made + i] =
            (seL4_UntypedDesc){.paddr = l->paddr,
                               .sizeBits = (seL4_Uint8)l->size_bits,
                               .isDevice = (seL4_Uint8)(l->is_device != 0)};
    }
    return seL4_X86_Page_Unmap(bi_frame);
}

/* Makes the IPC buffer and bootinfo frames, maps them after the image (bootinfo read-only) and
 * gives the thread its IPC buffer, CSpace, VSpace, fault endpoint and priorities. */
static seL4_Error process_make_thread(sel4ish_process_t *p, const sel4ish_process_config_t *c,
                                      const process_untypeds_t *u)
{
    seL4_CPtr frames;
    seL4_Error err = process_retype(p, seL4_X86_4K, 0, 2, &frames, NULL);
    seL4_CPtr ipc = frames, bi = frames + 1;
    if (err == seL4_NoError) {
        err = process_write_bootinfo(p, c, u, bi);
    }
    if (err == seL4_NoError) {
        err = process_map(p, ipc, p->ipc_buffer, seL4_ReadWrite);
    }
    if (err == seL4_NoError) {
        err = process_map(p, bi, p->bootinfo, seL4_CanRead);
    }
    if (err == seL4_NoError) {
        seL4_Word fault_ep = c->fault_ep ? SEL4ISH_PROCESS_FAULT_EP : seL4_CapNull;
        err = seL4_TCB_Configure(p->tcb, fault_ep, p->cnode, process_cnode_guard(), p->vspace, 0,
                                 p->ipc_buffer, ipc);
    }
    if (err == seL4_NoError) {
        err = seL4_TCB_SetSchedParams(p->tcb, seL4_CapInitThreadTCB, c->mcp, c->priority);
    }
    if (err == seL4_NoError) {
        err = process_move_in(p, ipc, seL4_CapInitThreadIPCBuffer);
    }
    if (err == seL4_NoError) {
        err = process_move_in(p, bi, seL4_CapBootInfoFrame);
    }
    return err;
}

/* Makes the process's CNode, TCB and VSpace (with an ASID from the caller's pool). */
static seL4_Error process_make_objects(sel4ish_process_t *p)
{
    seL4_Error err = process_retype(p, seL4_CapTableObject, CHILD_BITS, 1, &p->cnode, NULL);
    if (err == seL4_NoError) {
        err = process_retype(p, seL4_TCBObject, 0, 1, &p->tcb, NULL);
    }
    if (err == seL4_NoError) {
        err = process_retype(p, seL4_X64_PML4Object, 0, 1, &p->vspace, NULL);
    }
    if (err == seL4_NoError) {
        err = seL4_X86_ASIDPool_Assign(seL4_CapInitThreadASIDPool, p->vspace);
    }
    return err;
}

/* Starts the builder state of p. */
static void process_init(sel4ish_process_t *p, const sel4ish_process_config_t *c)
{
    *p = (sel4ish_process_t){0};
    p->untyped = c->untyped;
    p->untyped_paddr = c->untyped_paddr;
    p->slot = c->slots;
    p->slot_end = c->slots + SEL4ISH_PROCESS_SLOTS;
    p->scratch = p->slot++;
    p->image_frames = SEL4ISH_PROCESS_FIRST_FREE;
    p->ipc_buffer = image_end();
    p->bootinfo = image_end() + PAGE_SIZE;
}

seL4_Error sel4ish_process_create(sel4ish_process_t *p, const sel4ish_process_config_t *c)
{
    const seL4_BootInfo *mine = seL4_GetBootInfo();
    process_init(p, c);
    seL4_Word made = 0;
    while (made < SEL4ISH_PROCESS_MAX_UNTYPEDS && c->untyped_sizes[made]) {
        made++;
    }
    seL4_Word slots_left = (1ul << CHILD_BITS) - process_untyped_slots(p);
    if (mine->userImageFrames.end - mine->userImageFrames.start < image_pages() ||
        made + c->num_lent_untypeds > SEL4ISH_PROCESS_MAX_UNTYPEDS ||
        slots_left <= 2 * SEL4ISH_PROCESS_MAX_UNTYPEDS) {
        return seL4_RangeError;
    }
    process_untypeds_t u;
    seL4_Error err = process_make_untypeds(p, c, &u);
    if (err == seL4_NoError) {
        err = process_make_objects(p);
    }
    if (err == seL4_NoError) {
        err = process_map_image(p, mine);
    }
    if (err == seL4_NoError) {
        err = process_map_stack(p);
    }
    if (err == seL4_NoError) {
        err = process_fill_cspace(p, c);
    }
    if (err == seL4_NoError) {
        err = process_give_untypeds(p, c, &u);
    }
    if (err == seL4_NoError) {
        err = process_make_thread(p, c, &u);
    }
    return err;
}

seL4_Error sel4ish_process_start(sel4ish_process_t *p, void (*fn)(seL4_Word), seL4_Word arg)
{
    seL4_UserContext regs = {0};
    regs.rip = (seL4_Word)__sel4ish_process_entry;
    regs.rsp = SEL4ISH_STACK_TOP;
    regs.rflags = 0x202; /* IF */
    regs.rdi = p->bootinfo;
    regs.rsi = (seL4_Word)fn;
    regs.rdx = arg;
    return seL4_TCB_WriteRegisters(p->tcb, 1, 0, sizeof(regs) / sizeof(seL4_Word), &regs);
}

seL4_Error sel4ish_process_read_word(sel4ish_process_t *p, seL4_Word vaddr, seL4_Word *value)
{
    if (vaddr < image_start() || vaddr >= image_end() || (vaddr & 7)) {
        return seL4_RangeError;
    }
    seL4_Word k = (vaddr - image_start()) >> PAGE_BITS;
    seL4_Error err = seL4_CNode_Copy(ROOT, p->scratch, ROOT_BITS, p->cnode, p->image_frames + k,
                                     CHILD_BITS, seL4_CanRead);
    if (err != seL4_NoError) {
        return err;
    }
    err = window_map(p->scratch, seL4_CanRead);
    if (err == seL4_NoError) {
        *value = *(volatile seL4_Word *)(WINDOW + (vaddr & (PAGE_SIZE - 1)));
        err = seL4_X86_Page_Unmap(p->scratch);
    }
    seL4_Error del = seL4_CNode_Delete(ROOT, p->scratch, ROOT_BITS);
    return err != seL4_NoError ? err : del;
}

seL4_Error sel4ish_process_return_caps(sel4ish_process_t *p, const sel4ish_process_cap_t *caps,
                                       seL4_Word num_caps)
{
    seL4_Error first = seL4_NoError;
    for (seL4_Word i = 0; i < num_caps; i++) {
        if (caps[i].mode != SEL4ISH_CAP_MOVE) {
            continue;
        }
        seL4_Error err =
            seL4_CNode_Move(ROOT, caps[i].src, ROOT_BITS, p->cnode, caps[i].dest, CHILD_BITS);
        if (first == seL4_NoError) {
            first = err;
        }
    }
    return first;
}

seL4_Error sel4ish_process_destroy(sel4ish_process_t *p)
{
    seL4_Error first = seL4_CNode_Revoke(ROOT, p->untyped, ROOT_BITS);
    for (seL4_Word i = 0; i < p->num_lent; i++) {
        seL4_Error err = seL4_CNode_Revoke(ROOT, p->lent[i], ROOT_BITS);
        if (first == seL4_NoError) {
            first = err;
        }
    }
    return first;
}
