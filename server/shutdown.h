/* shutdown — the SHUTDOWN command and the pluggable save step of the
 * shutdown sequence (server_prepare_shutdown in server.c), which both
 * SHUTDOWN and SIGTERM/SIGINT run. */
#ifndef VIGIL_SHUTDOWN_H
#define VIGIL_SHUTDOWN_H

#include "commands.h"

extern struct command shutdown_commands[];

/* Persistence saves the data set at shutdown from here: called with the
 * SHUTDOWN_* flags, it decides whether a save is due (SAVE, save points,
 * NOSAVE) and returns -1 if one failed.  Without a hook nothing is saved. */
typedef int shutdown_save_fn(int flags);
void shutdown_set_save_hook(shutdown_save_fn *fn);
/* Runs the save step; 0, or -1 if a save failed and FORCE was not given. */
int shutdown_save(int flags);

#endif
