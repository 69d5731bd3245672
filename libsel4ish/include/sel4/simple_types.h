/* Fixed-width integer types of the seL4 API on x86-64 (freestanding: only <stdint.h>). */
#pragma once

#include <stdint.h>

typedef int8_t seL4_Int8;
typedef int16_t seL4_Int16;
typedef int32_t seL4_Int32;
typedef int64_t seL4_Int64;
typedef uint8_t seL4_Uint8;
typedef uint16_t seL4_Uint16;
typedef uint32_t seL4_Uint32;
typedef uint64_t seL4_Uint64;

typedef seL4_Int8 seL4_Bool;
#define seL4_False ((seL4_Bool)0)
#define seL4_True  ((seL4_Bool)1)
#define seL4_Null  ((void *)0)

#define SEL4_WORD_IS_UINT64
typedef seL4_Uint64 seL4_Word;
typedef seL4_Word seL4_CPtr;
typedef seL4_Word seL4_NodeId;
typedef seL4_Word seL4_PAddr;
typedef seL4_Word seL4_Domain;
typedef seL4_Word seL4_SlotPos;

#define SEL4_PRIu_word "lu"
#define SEL4_PRIx_word "lx"
#define SEL4_PRId_word "ld"
#define SEL4_PRI_word  SEL4_PRIu_word

_Static_assert(sizeof(seL4_Word) == 8, "seL4_Word must be 64 bits");
