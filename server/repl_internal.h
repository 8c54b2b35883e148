/* repl_internal — what the replication modules (replication.c,
 * repl_primary.c, repl_replica.c, failover.c) share with each other and
 * nobody else uses.  The rest of the server sees replication.h only.
 */
#ifndef VIGIL_REPL_INTERNAL_H
#define VIGIL_REPL_INTERNAL_H

#include "repl_backlog.h"
#include "resp.h"
#include "vstr.h"

#include <stddef.h>

struct client;

/* ---- replication.c: history, backlog, stream ---- */

void repl_change_replid(void);
void repl_clear_replid2(void);
/* The current id becomes replid2 (valid up to our offset) and a new one is
 * drawn: our stream forks from here. */
void repl_shift_replid(void);
/* Adopts a primary's history after a full sync. */
void repl_set_history(const char *replid, long long offset);

/* A new empty backlog starting after master_repl_offset. */
void repl_create_backlog(void);
void repl_free_backlog(void);
int repl_has_backlog(void);
int repl_backlog_serves(long long offset);
long long repl_backlog_send(long long offset, repl_backlog_copy_fn *fn, void *ctx);
/* The next command fed is preceded by a SELECT. */
void repl_reset_stream_db(void);

/* Appends raw stream bytes: backlog, offset, replicas. */
void repl_feed_stream(const char *p, size_t len);
/* Appends one command (with a SELECT first when dbid differs from the
 * stream's; dbid -1 for commands outside any db, such as PING). */
void repl_feed_command(int dbid, int argc, const struct resp_arg *argv);

/* ---- repl_primary.c: serving replicas ---- */

void repl_primary_feed_replicas(const char *p, size_t len);
/* The running client just wrote: its WAIT waits for the stream so far. */
void repl_primary_note_write(void);
int repl_primary_count(void);
int repl_primary_enough_good_replicas(void);
/* Closes every replica link (they reconnect and PSYNC). */
void repl_primary_disconnect_replicas(void);
/* The offset a replica (ip, port) acknowledged, or -1 if it is not ours. */
long long repl_primary_replica_ack(const char *ip, int port);
int repl_primary_has_replica(const char *ip, int port);
/* An online replica that acknowledged our whole stream (its ip is a new
 * string): 0, or -1 if none. */
int repl_primary_find_synced(char **ip, int *port);
void repl_primary_role_list(struct client *c);
vstr repl_primary_info(vstr s);
void repl_primary_cron(void); /* once a second */
void repl_primary_tick(void); /* every cron tick */
void repl_primary_before_sleep(void);
void repl_primary_client_freed(struct client *c);
/* Blocked WAIT clients get an error: we are becoming a replica. */
void repl_primary_unblock_waiters(void);
void repl_replconf_command(struct client *c);
void repl_psync_command(struct client *c);
void repl_sync_command(struct client *c);
void repl_wait_command(struct client *c);

/* ---- repl_replica.c: following a primary ---- */

/* Starts following host:port; from_command when REPLICAOF asked (a
 * primary then keeps its own history to try a partial resync). */
void repl_replica_start(const char *host, int port, int from_command);
/* Back to primary: our stream forks (REPLICAOF NO ONE, FAILOVER). */
void repl_replica_stop(void);
int repl_replica_is_following(const char *host, int port);
/* Our replid/offset came from disk: PSYNC with them. */
void repl_replica_resume_history(void);
int repl_replica_link_up(void);
vstr repl_replica_info(vstr s);
void repl_replica_role(struct client *c);
void repl_replica_cron(void);
void repl_replica_client_freed(struct client *c);
/* The primary sent REPLCONF GETACK: answer with our offset at once. */
void repl_replica_send_ack(void);

#endif
