/* debug — the DEBUG command (SLEEP, OBJECT, SET-ACTIVE-EXPIRE,
 * CHANGE-REPL-ID, QUICKLIST-PACKED-THRESHOLD, HELP), refused unless
 * enable-debug-command allows the client.  RELOAD and DIGEST arrive with
 * persistence and replication. */
#ifndef VIGIL_DEBUG_H
#define VIGIL_DEBUG_H

#include "commands.h"

extern struct command debug_commands[];

#endif
