/* failover — the failover state machine of one primary.
 *
 *   wait_start -> select_slave -> send_slaveof_noone -> wait_promotion
 *     -> reconf_slaves -> update_config (-> +switch-master, state reset)
 *
 * It is stepped from the sentinel timer and also right after the events
 * that let it progress (an INFO reply, a vote reply), so a failover does
 * not wait for the next tick.  The promotion itself is noticed by the
 * monitor's INFO handling, which calls failover_promoted().
 */
#ifndef VIGIL_SENTINEL_FAILOVER_H
#define VIGIL_SENTINEL_FAILOVER_H

#include "instance.h"

/* Starts a failover if the primary is ODOWN and no recent attempt
 * blocks it; 1 if one was started. */
int failover_start_if_needed(struct instance *master);
/* Starts unconditionally (SENTINEL FAILOVER sets INST_FORCE_FAILOVER). */
void failover_start(struct instance *master);
void failover_state_machine(struct instance *master);
void failover_abort(struct instance *master);

/* Replica ordering for promotion: <0 if a is the better candidate. */
int failover_compare_slaves(const struct instance *a, const struct instance *b);
/* The best eligible replica, or NULL. */
struct instance *failover_select_slave(struct instance *master);

/* The promoted replica reported role:master (from its INFO). */
void failover_promoted(struct instance *slave);
/* Updates a replica's reconfiguration flags from its INFO. */
void failover_track_reconf(struct instance *slave);
/* Ends the failover: the primary's address becomes the promoted replica's. */
void failover_switch_to_promoted(struct instance *master);

#endif
