/* command_families — the list of command tables that commands.c loads.
 * A new family (a file with its own struct command array) is added here. */
#ifndef VIGIL_COMMAND_FAMILIES_H
#define VIGIL_COMMAND_FAMILIES_H

#include "commands.h"

extern struct command string_commands[];
extern struct command keyspace_commands[];
extern struct command connection_commands[];
extern struct command pubsub_commands[];
extern struct command multi_commands[];

static struct command *const command_families[] = {
    string_commands,
    keyspace_commands,
    connection_commands,
    pubsub_commands,
    multi_commands,
    NULL,
};

#endif
