/* sort — the SORT and SORT_RO commands.
 *
 * SORT reads a set or a list (Redis 7.0's quicklist encoding), orders its
 * elements numerically or lexically, by themselves or by the values of
 * other keys (BY pattern, with "->field" for hash fields), and returns or
 * STOREs them, or the values GET patterns name for them, as a list.
 */
#ifndef VIGIL_SORT_H
#define VIGIL_SORT_H

#include "commands.h"

extern struct command sort_commands[];

#endif
