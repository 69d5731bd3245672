/* seL4_BootInfo: what the kernel tells the root task at start, with seL4's exact layout. */
#pragma once

#include <sel4/simple_types.h>
#include <sel4/gen/constants.h>

/* A range of slots in the root CNode; end is exclusive. */
typedef struct seL4_SlotRegion {
    seL4_SlotPos start;
    seL4_SlotPos end;
} seL4_SlotRegion;

/* One untyped capability given to the root task. */
typedef struct seL4_UntypedDesc {
    seL4_Word paddr;     /* physical base address */
    seL4_Uint8 sizeBits; /* log2 of the size in bytes */
    seL4_Uint8 isDevice; /* 1 for device memory (only frames and untypeds come from it) */
    seL4_Uint8 padding[sizeof(seL4_Word) - 2 * sizeof(seL4_Uint8)];
} seL4_UntypedDesc;

typedef struct seL4_BootInfo {
    seL4_Word extraLen;                /* bytes of extra bootinfo chunks after this frame */
    seL4_NodeId nodeID;                /* this CPU (0) */
    seL4_Word numNodes;                /* CPUs (1) */
    seL4_Word numIOPTLevels;           /* IOMMU page table levels (0: no IOMMU) */
    struct seL4_IPCBuffer_ *ipcBuffer; /* the root task's IPC buffer */
    seL4_SlotRegion empty;             /* empty slots of the root CNode */
    seL4_SlotRegion sharedFrames;      /* unused */
    seL4_SlotRegion userImageFrames;   /* frames of the root task's image */
    seL4_SlotRegion userImagePaging;   /* paging structures of the root task's image */
    seL4_SlotRegion ioSpaceCaps;       /* I/O spaces (none) */
    seL4_SlotRegion extraBIPages;      /* frames of the extra bootinfo chunks */
    seL4_Word initThreadCNodeSizeBits; /* log2 slots of the root CNode */
    seL4_Domain initThreadDomain;      /* the root task's domain */
    seL4_SlotRegion untyped;           /* untyped capabilities */
    seL4_UntypedDesc untypedList[CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS]; /* one per untyped */
} seL4_BootInfo;

/* Header of each extra bootinfo chunk; len includes the header. */
typedef struct seL4_BootInfoHeader {
    seL4_Word id; /* a seL4_BootInfoID */
    seL4_Word len;
} seL4_BootInfoHeader;
