/* command_families — the list of command tables that commands.c loads.
 * A new family (a file with its own struct command array) is added here. */
#ifndef VIGIL_COMMAND_FAMILIES_H
#define VIGIL_COMMAND_FAMILIES_H

#include "commands.h"

extern struct command string_commands[];
extern struct command keyspace_commands[];
extern struct command connection_commands[];
extern struct command client_commands[];
extern struct command monitor_commands[];
extern struct command shutdown_commands[];

static struct command *const command_families[] = {
    string_commands,
    keyspace_commands,
    connection_commands,
    client_commands,
    monitor_commands,
    shutdown_commands,
    NULL,
};

#endif
