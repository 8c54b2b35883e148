/* failover — FAILOVER: a coordinated handover from this primary to one of
 * its replicas that loses no acknowledged write.
 *
 * Writes are paused (CLIENT PAUSE WRITE semantics), the primary waits for
 * the target to acknowledge its whole stream, then becomes the target's
 * replica and asks it, with `PSYNC <replid> <offset> FAILOVER`, to take
 * over; the target promotes itself and accepts the partial resync.  A
 * timeout (or a refused PSYNC) aborts and the primary stays primary;
 * FORCE fails over at the timeout even if the target lags.
 */
#ifndef VIGIL_FAILOVER_H
#define VIGIL_FAILOVER_H

struct client;

void failover_command(struct client *c);
/* Every cron tick: timeouts and the target catching up. */
void failover_cron(void);
/* "no-failover", "waiting-for-sync" or "failover-in-progress" (INFO). */
const char *failover_state_name(void);
/* 1 while a failover runs (REPLICAOF is refused, PSYNC carries FAILOVER). */
int failover_active(void);
int failover_in_progress(void);
/* The demoted primary's PSYNC to the target got an answer. */
void failover_psync_done(int accepted);
/* The target side: PSYNC ... FAILOVER from our primary promotes us.
 * 0, or -1 with the error replied. */
int failover_psync_promote(struct client *c, const char *replid, long long offset);

#endif
