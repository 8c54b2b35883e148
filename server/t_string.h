/* t_string — the string commands (GET, SET, INCR, APPEND, LCS, ...). */
#ifndef VIGIL_T_STRING_H
#define VIGIL_T_STRING_H

#include "commands.h"

extern struct command string_commands[];

#endif
