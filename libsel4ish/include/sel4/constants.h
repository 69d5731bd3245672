/* ABI constants (libsel4's <sel4/constants.h> name). */
#pragma once

#include <sel4/types.h>
