/* server_cmds — small server-group commands that belong to no bigger
 * module: TIME, LASTSAVE. */
#ifndef VIGIL_SERVER_CMDS_H
#define VIGIL_SERVER_CMDS_H

#include "commands.h"

extern struct command server_cmds_commands[];

#endif
