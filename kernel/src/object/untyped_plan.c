/* The watermark arithmetic of Untyped_Retype (see untyped.h); host-compilable. */
#include <object/untyped.h>

untyped_plan_t untyped_plan(cap_t untyped, bool has_children, word_t object_bits, word_t count)
{
    untyped_plan_t p = {0};
    word_t offset = has_children ? cap_untyped_free_offset(untyped) : 0;
    word_t size = BIT(cap_untyped_size_bits(untyped));
    p.bytes_left = size - offset;
    if (object_bits >= 64 || (p.bytes_left >> object_bits) < count) {
        return p;
    }
    p.fits = true;
    p.first = cap_paddr(untyped) + ROUND_UP(offset, object_bits);
    p.new_offset = ROUND_UP(offset, object_bits) + (count << object_bits);
    return p;
}
