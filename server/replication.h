/* replication — PSYNC2 master/replica replication, as the rest of the
 * server sees it.
 *
 * The module is split by concern: replication.c owns the replication
 * history (ids, offsets, the backlog and the stream fed into it) and the
 * role commands; repl_primary.c serves replicas (SYNC/PSYNC, full syncs,
 * acks, WAIT, min-replicas); repl_replica.c follows a primary (REPLICAOF,
 * the handshake, loading the payload, applying the stream); failover.c
 * the coordinated FAILOVER.  Everything else calls only what is here.
 */
#ifndef VIGIL_REPLICATION_H
#define VIGIL_REPLICATION_H

#include "commands.h"
#include "vstr.h"

#include <stddef.h>

struct client;

extern struct command replication_commands[];

/* Registers the stream sink and hooks; starts following `replicaof` from
 * the configuration.  Called once at start-up, after the data is loaded. */
void replication_init(void);
/* At start-up, before replication_init(): the data set loaded from disk
 * was saved at offset of the stream named replid.  A replica offers that
 * history to its primary (PSYNC); a primary keeps it as its secondary id
 * so its old replicas can continue (Redis's behaviour after a restart). */
void replication_restore_history(const char *replid, long long offset);
/* From the server cron (every tick): pings, acks, timeouts, reconnects. */
void replication_cron(void);
/* From the before-sleep hook: WAIT bookkeeping and replica acks. */
void replication_before_sleep(void);

/* Bytes held by the backlog (INFO memory's mem_replication_backlog). */
size_t replication_backlog_memory(void);
/* INFO's "replication" section. */
vstr replication_info(vstr s);

/* The dispatcher's replication checks: NULL when the command may run,
 * else the error reply.  First NOREPLICAS and READONLY for writes (is_write
 * covers an EXEC whose transaction writes), later MASTERDOWN for commands
 * not flagged stale, as Redis orders them around its other checks. */
const char *replication_check_write(const struct client *c, int is_write);
const char *replication_check_stale(const struct client *c, const struct command *cmd);

/* For networking.c, about the master client (our link to the primary):
 * after each command it ran, forwards the bytes consumed to our own
 * backlog and replicas and advances our offset (a transaction counts once
 * its EXEC has run); the query buffer may only drop what was forwarded. */
void replication_master_processed(struct client *c);
size_t replication_master_trimmable(const struct client *c);
void replication_master_trimmed(struct client *c, size_t n);

#endif
