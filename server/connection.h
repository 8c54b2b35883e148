/* connection — commands about the connection itself: PING, ECHO, QUIT,
 * RESET, HELLO, AUTH, SELECT. */
#ifndef VIGIL_CONNECTION_H
#define VIGIL_CONNECTION_H

#include "commands.h"

extern struct command connection_commands[];

/* 1 if the default user has a password (requirepass): new and RESET
 * connections then start unauthenticated. */
int connection_auth_required(void);

#endif
