/* config_cmd — the CONFIG command (GET, SET, RESETSTAT, REWRITE, HELP) and
 * the apply hooks that make runtime changes take effect. */
#ifndef VIGIL_CONFIG_CMD_H
#define VIGIL_CONFIG_CMD_H

#include "commands.h"

extern struct command config_commands[];

/* Registers the apply hooks for parameters the core owns (port, bind, ...). */
void config_cmd_init(void);

#endif
