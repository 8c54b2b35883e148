/* aof_rewrite — compacting the AOF: BGREWRITEAOF and the automatic rewrite.
 *
 * A rewrite forks a child that writes the whole dataset as a new base
 * file (an RDB image with aof-use-rdb-preamble, else one command per
 * key in the fewest commands that rebuild it), while the parent keeps
 * appending to the fresh incremental file aof_rewrite_prepare() opened
 * just before the fork.  When the child exits the parent installs the
 * base and retires the files it covers (aof.c).  The same base writer
 * serves, in the foreground, to create the first base at start-up.
 */
#ifndef VIGIL_AOF_REWRITE_H
#define VIGIL_AOF_REWRITE_H

#include "commands.h"
#include "vstr.h"

extern struct command aof_commands[];

/* Forks the rewrite child: 0; 1 when it is scheduled for the cron to
 * start because an RDB save child runs; -1 on failure (logged). */
int aof_rewrite_start(void);
int aof_rewrite_in_progress(void);
/* Kills a running child and removes its temporary file. */
void aof_rewrite_kill(void);
/* Forgets a rewrite waiting to be retried (AOF turned off). */
void aof_rewrite_unschedule(void);
/* Starts a scheduled rewrite, or one that auto-aof-rewrite-* asks for. */
void aof_rewrite_cron(long long current_size, long long base_size);

/* Writes the dataset as a base file at path, fsynced: an RDB image when
 * rdb, else commands.  0 or -1. */
int aof_rewrite_write_base(const char *path, int rdb);

struct aof_rewrite_stats {
    int in_progress;
    int scheduled;
    long long last_time_sec;    /* duration of the last rewrite, -1 if none */
    long long current_time_sec; /* of the running one, -1 if none */
    int last_ok;
    long long rewrites;
    long long consecutive_failures;
};
void aof_rewrite_get_stats(struct aof_rewrite_stats *st);

#endif
