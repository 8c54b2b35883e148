/* monitor — MONITOR: every command the server executes, shown to the
 * clients that asked, one status line each, as Redis 7.0 prints them. */
#ifndef VIGIL_MONITOR_H
#define VIGIL_MONITOR_H

#include "commands.h"

struct client;

extern struct command monitor_commands[];

/* Registers the hook that forgets monitors when they disconnect. */
void monitor_init(void);
/* Shows the command c just executed to every monitor (commands_call). */
void monitor_feed(struct client *c);
/* Takes c out of monitor mode (RESET, disconnection). */
void monitor_remove(struct client *c);

#endif
