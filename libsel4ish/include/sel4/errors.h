/* seL4_Error and the lookup failure types (libsel4's <sel4/errors.h> name). */
#pragma once

#include <sel4/types.h>
