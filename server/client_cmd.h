/* client_cmd — the CLIENT command: names, ids, listing and killing
 * connections, pausing the server, reply modes.  CLIENT UNBLOCK is added
 * by the blocking module.  HELLO (connection.c) shares the name rules. */
#ifndef VIGIL_CLIENT_CMD_H
#define VIGIL_CLIENT_CMD_H

#include "commands.h"

#include <stddef.h>

struct client;

extern struct command client_commands[];

/* The reply to a name that client_cmd_name_valid() refuses. */
#define CLIENT_CMD_NAME_ERROR "Client names cannot contain spaces, newlines or special characters."

/* 1 if name may be a connection name: printable ASCII without spaces. */
int client_cmd_name_valid(const char *name, size_t len);
/* Sets (or, for an empty name, clears) the connection name. */
void client_cmd_set_name(struct client *c, const char *name, size_t len);

#endif
