/* sentinel_cmd — the SENTINEL command and its subcommands (split from
 * commands.c, which holds the other commands and the dispatcher). */
#ifndef VIGIL_SENTINEL_SENTINEL_CMD_H
#define VIGIL_SENTINEL_SENTINEL_CMD_H

#include "client.h"

void sentinel_cmd_exec(struct client *c, int argc, struct resp_arg *argv);

#endif
