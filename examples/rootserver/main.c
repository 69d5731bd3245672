/*
 * An example root task, built outside the sel4ish repository against <sel4/sel4.h> alone. It
 * carves its memory out of an untyped capability, makes a CNode, a frame and the paging
 * structures to map the frame into its own address space, copies and revokes capabilities,
 * and says what it does on the serial line. The last line it prints is what the test checks.
 */
#include <sel4/sel4.h>

/* The untyped this example works in: 1 MiB carved from the largest RAM untyped. */
#define WORK_BITS 20

/* Slots of the CNode it makes. */
#define CNODE_BITS 4

/* Where it maps the frame: a PML4 entry nothing uses, so every paging level has to be made. */
#define VADDR 0x500000000000ul

/* Depth of a slot of the root CNode, whose guard and radix take the whole word. */
#define ROOT_DEPTH seL4_WordBits

/* ---- Printing through the kernel's debug console ---- */

static void print(const char *s)
{
    while (*s) {
        seL4_DebugPutChar(*s++);
    }
}

static void print_hex(seL4_Word v)
{
    print("0x");
    for (int shift = 60; shift >= 0; shift -= 4) {
        seL4_DebugPutChar("0123456789abcdef"[(v >> shift) & 0xf]);
    }
}

static void print_dec(seL4_Word v)
{
    char digits[21];
    int n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n) {
        seL4_DebugPutChar(digits[--n]);
    }
}

/* True if err is seL4_NoError; otherwise says which step failed and how. */
static int ok(seL4_Error err, const char *step)
{
    if (err == seL4_NoError) {
        return 1;
    }
    print("rootserver: FAILED: ");
    print(step);
    print(": error ");
    print_dec(err);
    print("\n");
    return 0;
}

/* ---- Slots: the empty slots of the root CNode, handed out in order ---- */

static seL4_CPtr next_slot, end_slot;

/* The next empty slot of the root CNode (0 when there are none left). */
static seL4_CPtr new_slot(void)
{
    return next_slot < end_slot ? next_slot++ : 0;
}

/* Retypes one object from untyped into a new slot of the root CNode; 0 on error. */
static seL4_CPtr retype(seL4_CPtr untyped, seL4_Word type, seL4_Word size_bits, const char *what)
{
    seL4_CPtr slot = new_slot();
    seL4_Error err =
        seL4_Untyped_Retype(untyped, type, size_bits, seL4_CapInitThreadCNode, 0, 0, slot, 1);
    if (!slot || !ok(err, what)) {
        return 0;
    }
    print("rootserver: retyped ");
    print(what);
    print(" into slot ");
    print_dec(slot);
    print("\n");
    return slot;
}

/* The bootinfo index of the largest RAM (non-device) untyped. */
static seL4_Word largest_untyped(const seL4_BootInfo *bi)
{
    seL4_Word best = 0;
    for (seL4_Word i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        const seL4_UntypedDesc *d = &bi->untypedList[i];
        if (!d->isDevice && d->sizeBits > bi->untypedList[best].sizeBits) {
            best = i;
        }
    }
    return best;
}

/* ---- The steps ---- */

/* Maps frame at VADDR, first making and mapping a PDPT, a page directory and a page table
 * from work (the PML4 entry of VADDR is empty, so all three are needed). */
static int map_frame(seL4_CPtr work, seL4_CPtr frame)
{
    seL4_CPtr vspace = seL4_CapInitThreadVSpace;
    seL4_X86_VMAttributes attr = seL4_X86_Default_VMAttributes;
    seL4_CPtr pdpt = retype(work, seL4_X86_PDPTObject, 0, "a PDPT");
    seL4_CPtr pd = retype(work, seL4_X86_PageDirectoryObject, 0, "a page directory");
    seL4_CPtr pt = retype(work, seL4_X86_PageTableObject, 0, "a page table");
    if (!pdpt || !pd || !pt) {
        return 0;
    }
    if (seL4_X86_Page_Map(frame, vspace, VADDR, seL4_ReadWrite, attr) != seL4_FailedLookup) {
        print("rootserver: FAILED: mapping without a page table did not fail\n");
        return 0;
    }
    if (!ok(seL4_X86_PDPT_Map(pdpt, vspace, VADDR, attr), "map the PDPT") ||
        !ok(seL4_X86_PageDirectory_Map(pd, vspace, VADDR, attr), "map the page directory") ||
        !ok(seL4_X86_PageTable_Map(pt, vspace, VADDR, attr), "map the page table") ||
        !ok(seL4_X86_Page_Map(frame, vspace, VADDR, seL4_ReadWrite, attr), "map the frame")) {
        return 0;
    }
    seL4_X86_Page_GetAddress_t addr = seL4_X86_Page_GetAddress(frame);
    if (!ok(addr.error, "get the frame's address")) {
        return 0;
    }
    print("rootserver: mapped the frame at physical ");
    print_hex(addr.paddr);
    print(" to ");
    print_hex(VADDR);
    print("\n");
    return 1;
}

/* Writes through the mapping and reads the value back through a read-only copy of the frame
 * capability mapped on the next page. Returns the copy's slot (0 on failure). */
static seL4_CPtr alias_frame(seL4_CPtr frame)
{
    volatile seL4_Word *page = (volatile seL4_Word *)VADDR;
    volatile seL4_Word *alias = (volatile seL4_Word *)(VADDR + (1ul << seL4_PageBits));
    seL4_CPtr copy = new_slot();
    if (!copy || !ok(seL4_CNode_Copy(seL4_CapInitThreadCNode, copy, ROOT_DEPTH,
                                     seL4_CapInitThreadCNode, frame, ROOT_DEPTH, seL4_CanRead),
                     "copy the frame capability")) {
        return 0;
    }
    if (!ok(seL4_X86_Page_Map(copy, seL4_CapInitThreadVSpace, (seL4_Word)alias, seL4_CanRead,
                              seL4_X86_Default_VMAttributes),
            "map the copy")) {
        return 0;
    }
    page[0] = 0x5e14150u;
    if (alias[0] != 0x5e14150u) {
        print("rootserver: FAILED: the copy does not show what was written\n");
        return 0;
    }
    print("rootserver: copied the frame capability to slot ");
    print_dec(copy);
    print(", mapped it read-only at ");
    print_hex((seL4_Word)alias);
    print(" and read back ");
    print_hex(alias[0]);
    print("\n");
    return copy;
}

/* Copies the frame capability into slot 0 of cnode too, then revokes the frame capability:
 * both copies go (the read-only mapping with them), the original stays. */
static int revoke_frame(seL4_CPtr frame, seL4_CPtr copy, seL4_CPtr cnode)
{
    if (!ok(seL4_CNode_Copy(cnode, 0, CNODE_BITS, seL4_CapInitThreadCNode, frame, ROOT_DEPTH,
                            seL4_AllRights),
            "copy the frame capability into the new CNode")) {
        return 0;
    }
    print("rootserver: copied the frame capability into slot 0 of the new CNode\n");
    if (!ok(seL4_CNode_Revoke(seL4_CapInitThreadCNode, frame, ROOT_DEPTH), "revoke the frame")) {
        return 0;
    }
    seL4_CPtr probe = new_slot();
    int copy_gone = seL4_X86_Page_GetAddress(copy).error == seL4_InvalidCapability;
    int cnode_copy_gone = seL4_CNode_Copy(seL4_CapInitThreadCNode, probe, ROOT_DEPTH, cnode, 0,
                                          CNODE_BITS, seL4_AllRights) == seL4_FailedLookup;
    int original_kept = seL4_X86_Page_GetAddress(frame).error == seL4_NoError;
    if (!probe || !copy_gone || !cnode_copy_gone || !original_kept) {
        print("rootserver: FAILED: revoke left a copy or took the original\n");
        return 0;
    }
    print("rootserver: revoked the frame capability: both copies are gone\n");
    return 1;
}

/* Revokes work (deleting everything made from it, which unmaps the frame) and shows that all
 * of its memory can be retyped again. */
static int revoke_work(seL4_CPtr work)
{
    if (!ok(seL4_CNode_Revoke(seL4_CapInitThreadCNode, work, ROOT_DEPTH), "revoke the untyped")) {
        return 0;
    }
    print("rootserver: revoked the 1 MiB untyped: every object made from it is gone\n");
    return retype(work, seL4_UntypedObject, WORK_BITS, "all of it again as one 1 MiB untyped") != 0;
}

int main(void)
{
    seL4_BootInfo *bi = seL4_GetBootInfo();
    next_slot = bi->empty.start;
    end_slot = bi->empty.end;
    seL4_Word index = largest_untyped(bi);
    print("rootserver: ");
    print_dec(bi->untyped.end - bi->untyped.start);
    print(" untyped capabilities; the largest RAM one is 2^");
    print_dec(bi->untypedList[index].sizeBits);
    print(" bytes at ");
    print_hex(bi->untypedList[index].paddr);
    print("\n");

    seL4_CPtr work =
        retype(bi->untyped.start + index, seL4_UntypedObject, WORK_BITS, "a 1 MiB untyped");
    seL4_CPtr cnode = work ? retype(work, seL4_CapTableObject, CNODE_BITS, "a 16-slot CNode") : 0;
    seL4_CPtr frame = cnode ? retype(work, seL4_X86_4K, 0, "a 4 KiB frame") : 0;
    if (!frame || !map_frame(work, frame)) {
        return 1;
    }
    seL4_CPtr copy = alias_frame(frame);
    if (!copy || !revoke_frame(frame, copy, cnode) || !revoke_work(work)) {
        return 1;
    }
    print("rootserver: all steps done\n");
    return 0;
}
