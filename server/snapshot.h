/* snapshot — RDB files on disk: SAVE, BGSAVE in a forked child, the
 * `save <seconds> <changes>` points, loading `dir`/`dbfilename` at start,
 * the save step of shutdown, and stop-writes-on-bgsave-error.
 *
 * Every save writes temp-<pid>.rdb, flushes and fsyncs it, renames it over
 * the target and fsyncs the directory, so a crash at any moment leaves
 * either the previous file or the new one.  rdb.c does the encoding.
 */
#ifndef VIGIL_SNAPSHOT_H
#define VIGIL_SNAPSHOT_H

#include "commands.h"

extern struct command snapshot_commands[];

/* Sets the persistence fields whose start value is not zero. */
void snapshot_init(void);

/* Saves the data set to filename in the foreground: 0, or -1 (logged). */
int snapshot_save(const char *filename);
/* Starts a background save to dbfilename: 0 when the child runs, -1 if a
 * child already exists or fork failed. */
int snapshot_bgsave(void);
/* 1 while a background save child runs. */
int snapshot_child_active(void);

/* Loads filename into the (empty) databases: 0, 1 when the file does not
 * exist, or -1 with the reason logged (file name and byte offset). */
int snapshot_load(const char *filename);
/* Loads dbfilename at start-up; exits the process if the file is bad. */
void snapshot_load_at_start(void);

/* From the server cron: starts a BGSAVE when a save point is reached. */
void snapshot_cron(void);
/* The shutdown save step (a shutdown_save_fn, see shutdown.h): kills a
 * running child and saves when SAVE was asked for, or save points exist
 * and NOSAVE was not.  0, or -1 when the save failed. */
int snapshot_shutdown_save(int flags);
/* 1 when stop-writes-on-bgsave-error refuses writes (the last background
 * save failed and save points are configured). */
int snapshot_writes_denied(void);

#define SNAPSHOT_MISCONF_ERR                                                                       \
    "-MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist "    \
    "to disk. Commands that may modify the data set are disabled, because this instance is "       \
    "configured to report errors during writes if RDB snapshotting fails "                         \
    "(stop-writes-on-bgsave-error option). Please check the Redis logs for details about the "     \
    "RDB error."

#endif
