/* Invocation label enums (libsel4's <sel4/invocation.h> name). */
#pragma once

#include <sel4/gen/invocation.h>
