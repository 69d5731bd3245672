/* seL4_BootInfo as the kernel writes it for the root task: seL4's x86-64 layout, word for word. */
#pragma once

#include <types.h>

#define BI_MAX_UNTYPED     230
#define BI_CNODE_SIZE_BITS 12

typedef struct bi_slot_region {
    word_t start; /* first slot */
    word_t end;   /* first slot after the region */
} bi_slot_region_t;

typedef struct bi_untyped_desc {
    word_t paddr;
    u8 size_bits;
    u8 is_device;
    u8 padding[6];
} bi_untyped_desc_t;

typedef struct bootinfo {
    word_t extra_len;
    word_t node_id;
    word_t num_nodes;
    word_t num_iopt_levels;
    word_t ipc_buffer; /* user address of the root task's IPC buffer */
    bi_slot_region_t empty;
    bi_slot_region_t shared_frames;
    bi_slot_region_t user_image_frames;
    bi_slot_region_t user_image_paging;
    bi_slot_region_t io_space_caps;
    bi_slot_region_t extra_bi_pages;
    word_t init_thread_cnode_size_bits;
    word_t init_thread_domain;
    bi_slot_region_t untyped;
    bi_untyped_desc_t untyped_list[BI_MAX_UNTYPED];
} bootinfo_t;

_Static_assert(__builtin_offsetof(bootinfo_t, ipc_buffer) == 32, "seL4_BootInfo layout");
_Static_assert(__builtin_offsetof(bootinfo_t, empty) == 40, "seL4_BootInfo layout");
_Static_assert(__builtin_offsetof(bootinfo_t, extra_bi_pages) == 120, "seL4_BootInfo layout");
_Static_assert(__builtin_offsetof(bootinfo_t, init_thread_cnode_size_bits) == 136,
               "seL4_BootInfo layout");
_Static_assert(__builtin_offsetof(bootinfo_t, untyped) == 152, "seL4_BootInfo layout");
_Static_assert(__builtin_offsetof(bootinfo_t, untyped_list) == 168, "seL4_BootInfo layout");
_Static_assert(sizeof(bootinfo_t) == 3848, "seL4_BootInfo layout");
