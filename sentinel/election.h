/* election — epochs, votes and the leader of a failover.
 *
 * Each sentinel votes at most once per epoch, for the first candidate that
 * asks (via SENTINEL is-master-down-by-addr); the vote and any epoch
 * change are flushed to the config file before the reply leaves, so a
 * restart cannot vote twice.  A candidate is leader of an epoch when it
 * holds the votes of a majority of all known sentinels and at least the
 * primary's quorum.
 */
#ifndef VIGIL_SENTINEL_ELECTION_H
#define VIGIL_SENTINEL_ELECTION_H

#include <stdint.h>

#include "instance.h"

/* Votes for req_runid in req_epoch if we have not voted in that epoch yet.
 * Returns our vote for this primary (a new vstr, or NULL if none) and its
 * epoch in *leader_epoch. */
vstr election_vote(struct instance *master, uint64_t req_epoch, const char *req_runid,
                   uint64_t *leader_epoch);
/* The leader for epoch per the replies gathered from the other sentinels
 * (casting our own vote on the way), or NULL.  Returns a new vstr. */
vstr election_get_leader(struct instance *master, uint64_t epoch);

#endif
