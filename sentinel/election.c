/* election — votes and leader counting (see election.h). */
#include "election.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "events.h"
#include "mem.h"
#include "state.h"

/* Raises the current epoch to epoch if it is newer, durably. */
static void adopt_epoch(struct instance *master, uint64_t epoch)
{
    if (epoch <= sentinel.current_epoch)
        return;
    sentinel.current_epoch = epoch;
    state_flush();
    events_plain(LOG_WARNING, "+new-epoch", master, "%llu",
                 (unsigned long long)sentinel.current_epoch);
}

vstr election_vote(struct instance *master, uint64_t req_epoch, const char *req_runid,
                   uint64_t *leader_epoch)
{
    adopt_epoch(master, req_epoch);
    if (master->leader_epoch < req_epoch && sentinel.current_epoch <= req_epoch) {
        if (master->leader)
            vstr_free(master->leader);
        master->leader = vstr_from(req_runid);
        master->leader_epoch = sentinel.current_epoch;
        state_flush();
        events_plain(LOG_WARNING, "+vote-for-leader", master, "%s %llu", master->leader,
                     (unsigned long long)master->leader_epoch);
        /* Having voted for someone else, hold back our own attempt for a
         * while so that the elected leader gets its chance. */
        if (strcasecmp(master->leader, sentinel.myid))
            master->failover_start_time = instance_now() + rand() % 1000;
    }
    *leader_epoch = master->leader_epoch;
    return master->leader ? vstr_dup(master->leader) : NULL;
}

struct tally {
    const char *runid[256];
    int votes[256];
    int n;
};

static int tally_add(struct tally *t, const char *runid)
{
    for (int i = 0; i < t->n; i++)
        if (!strcasecmp(t->runid[i], runid))
            return ++t->votes[i];
    if (t->n == 256)
        return 0;
    t->runid[t->n] = runid;
    t->votes[t->n] = 1;
    return t->votes[t->n++];
}

vstr election_get_leader(struct instance *master, uint64_t epoch)
{
    struct tally t = {.n = 0};
    unsigned int voters = (unsigned int)dict_size(master->sentinels) + 1;
    const char *winner = NULL;
    int max_votes = 0;

    dict_iter it;
    dict_entry *de;
    dict_iter_init(&it, master->sentinels, 0);
    while ((de = dict_iter_next(&it))) {
        struct instance *ri = de->v.val;
        if (ri->leader && ri->leader_epoch == sentinel.current_epoch) {
            int v = tally_add(&t, ri->leader);
            if (v > max_votes) {
                max_votes = v;
                winner = ri->leader;
            }
        }
    }
    dict_iter_release(&it);

    /* Our own vote goes to the front runner, or to ourselves if nobody
     * has votes yet; it only counts if it was cast in this epoch. */
    uint64_t leader_epoch;
    vstr myvote = election_vote(master, epoch, winner ? winner : sentinel.myid, &leader_epoch);
    if (myvote && leader_epoch == epoch) {
        int v = tally_add(&t, myvote);
        if (v > max_votes) {
            max_votes = v;
            winner = myvote;
        }
    }
    unsigned int needed = voters / 2 + 1;
    vstr result = NULL;
    if (winner && (unsigned)max_votes >= needed && (unsigned)max_votes >= master->quorum)
        result = vstr_from(winner);
    if (myvote)
        vstr_free(myvote);
    return result;
}
