/* The root task allocator: slots of the root CNode and objects from untypeds (see alloc.h). */
#include <sel4ish/alloc.h>

/* ---- Slots ---- */

static seL4_Word slot_bit(seL4_Word i)
{
    return 1ul << (i % seL4_WordBits);
}

static int slot_in_use(const sel4ish_slots_t *s, seL4_Word i)
{
    return (s->used[i / seL4_WordBits] & slot_bit(i)) != 0;
}

void sel4ish_slots_init(sel4ish_slots_t *s, seL4_CPtr start, seL4_CPtr end)
{
    if (end < start) {
        end = start;
    }
    if (end - start > SEL4ISH_MAX_SLOTS) {
        end = start + SEL4ISH_MAX_SLOTS;
    }
    s->start = start;
    s->end = end;
    for (seL4_Word w = 0; w < SEL4ISH_MAX_SLOTS / seL4_WordBits; w++) {
        s->used[w] = 0;
    }
}

seL4_Error sel4ish_slot_alloc(sel4ish_slots_t *s, seL4_CPtr *slot)
{
    for (seL4_Word i = 0; i < s->end - s->start; i++) {
        if (!slot_in_use(s, i)) {
            s->used[i / seL4_WordBits] |= slot_bit(i);
            *slot = s->start + i;
            return seL4_NoError;
        }
    }
    return seL4_NotEnoughMemory;
}

/* Marks slot (one of s's, empty) free again. */
static void slot_release(sel4ish_slots_t *s, seL4_CPtr slot)
{
    seL4_Word i = slot - s->start;
    s->used[i / seL4_WordBits] &= ~slot_bit(i);
}

seL4_Error sel4ish_slot_free(sel4ish_slots_t *s, seL4_CPtr slot)
{
    if (slot < s->start || slot >= s->end) {
        return seL4_RangeError;
    }
    seL4_Error err = seL4_CNode_Delete(seL4_CapInitThreadCNode, slot, SEL4ISH_SLOT_DEPTH);
    if (err != seL4_NoError) {
        return err;
    }
    slot_release(s, slot);
    return seL4_NoError;
}

seL4_Word sel4ish_slots_free_count(const sel4ish_slots_t *s)
{
    seL4_Word count = 0;
    for (seL4_Word i = 0; i < s->end - s->start; i++) {
        if (!slot_in_use(s, i)) {
            count++;
        }
    }
    return count;
}

/* ---- Untypeds and objects ---- */

void sel4ish_alloc_init(sel4ish_alloc_t *a, seL4_CPtr start, seL4_CPtr end)
{
    sel4ish_slots_init(&a->slots, start, end);
    a->num_untypeds = 0;
}

void sel4ish_alloc_init_bootinfo(sel4ish_alloc_t *a, const seL4_BootInfo *bi)
{
    sel4ish_alloc_init(a, bi->empty.start, bi->empty.end);
    for (seL4_Word i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        const seL4_UntypedDesc *d = &bi->untypedList[i];
        if (!d->isDevice) {
            sel4ish_alloc_add_untyped(a, bi->untyped.start + i, d->paddr, d->sizeBits);
        }
    }
}

seL4_Error sel4ish_alloc_add_untyped(sel4ish_alloc_t *a, seL4_CPtr cap, seL4_Word paddr,
                                     seL4_Word size_bits)
{
    if (a->num_untypeds == SEL4ISH_MAX_UNTYPEDS) {
        return seL4_RangeError;
    }
    sel4ish_untyped_t *ut = &a->untypeds[a->num_untypeds++];
    ut->cap = cap;
    ut->paddr = paddr;
    ut->size_bits = size_bits;
    ut->used = 0;
    return seL4_NoError;
}

seL4_Word sel4ish_object_size_bits(seL4_Word type, seL4_Word size_bits)
{
    switch (type) {
    case seL4_UntypedObject:
        return size_bits;
    case seL4_TCBObject:
        return seL4_TCBBits;
    case seL4_EndpointObject:
        return seL4_EndpointBits;
    case seL4_NotificationObject:
        return seL4_NotificationBits;
    case seL4_CapTableObject:
        return seL4_SlotBits + size_bits;
    case seL4_X86_4K:
        return seL4_PageBits;
    case seL4_X86_LargePageObject:
        return seL4_LargePageBits;
    case seL4_X64_HugePageObject:
        return seL4_HugePageBits;
    case seL4_X86_PageTableObject:
        return seL4_PageTableBits;
    case seL4_X86_PageDirectoryObject:
        return seL4_PageDirBits;
    case seL4_X86_PDPTObject:
        return seL4_PDPTBits;
    case seL4_X64_PML4Object:
        return seL4_PML4Bits;
    default:
        return 0;
    }
}

/* Where in ut an object of 2^bits bytes would start: the watermark rounded up to the object's
 * natural alignment, as the kernel does it. */
static seL4_Word untyped_object_offset(const sel4ish_untyped_t *ut, seL4_Word bits)
{
    seL4_Word align = (1ul << bits) - 1;
    return (ut->used + align) & ~align;
}

/* True if an object of 2^bits bytes fits in what is left of ut. */
static int untyped_fits(const sel4ish_untyped_t *ut, seL4_Word bits)
{
    if (bits > ut->size_bits) {
        return 0;
    }
    return untyped_object_offset(ut, bits) + (1ul << bits) <= (1ul << ut->size_bits);
}

/* Retypes one object from ut into slot. On success advances our copy of the watermark; on
 * seL4_NotEnoughMemory takes the kernel's count of bytes left instead. */
static seL4_Error untyped_retype(sel4ish_untyped_t *ut, seL4_Word type, seL4_Word size_bits,
                                 seL4_CPtr slot)
{
    seL4_Word bits = sel4ish_object_size_bits(type, size_bits);
    seL4_Error err =
        seL4_Untyped_Retype(ut->cap, type, size_bits, seL4_CapInitThreadCNode, 0, 0, slot, 1);
    if (err == seL4_NoError) {
        ut->used = untyped_object_offset(ut, bits) + (1ul << bits);
    } else if (err == seL4_NotEnoughMemory) {
        ut->used = (1ul << ut->size_bits) - seL4_GetErrorDetail().bytes_available;
    }
    return err;
}

seL4_Error sel4ish_alloc_object(sel4ish_alloc_t *a, seL4_Word type, seL4_Word size_bits,
                                seL4_CPtr *cap)
{
    seL4_Word bits = sel4ish_object_size_bits(type, size_bits);
    seL4_CPtr slot;
    seL4_Error err = sel4ish_slot_alloc(&a->slots, &slot);
    if (err != seL4_NoError) {
        return err;
    }
    err = seL4_NotEnoughMemory;
    for (seL4_Word i = 0; i < a->num_untypeds && err == seL4_NotEnoughMemory; i++) {
        if (untyped_fits(&a->untypeds[i], bits)) {
            err = untyped_retype(&a->untypeds[i], type, size_bits, slot);
        }
    }
    if (err != seL4_NoError) {
        slot_release(&a->slots, slot); /* still empty: the retype failed */
        return err;
    }
    *cap = slot;
    return seL4_NoError;
}

seL4_Error sel4ish_alloc_untyped(sel4ish_alloc_t *a, seL4_Word size_bits, seL4_CPtr *cap)
{
    return sel4ish_alloc_object(a, seL4_UntypedObject, size_bits, cap);
}

seL4_Error sel4ish_free_object(sel4ish_alloc_t *a, seL4_CPtr cap)
{
    return sel4ish_slot_free(&a->slots, cap);
}
