/* failover — the per-primary failover state machine (see failover.h). */
#include "failover.h"

#include <stdlib.h>
#include <strings.h>

#include "election.h"
#include "events.h"
#include "mem.h"
#include "monitor.h"
#include "state.h"

#define MAX_DESYNC_MS 1000

static void set_state(struct instance *master, enum failover_state st)
{
    master->failover_state = st;
    master->failover_state_change_time = instance_now();
}

void failover_start(struct instance *master)
{
    master->failover_state = FAILOVER_WAIT_START;
    master->flags |= INST_FAILOVER_IN_PROGRESS;
    master->failover_epoch = ++sentinel.current_epoch;
    events_plain(LOG_WARNING, "+new-epoch", master, "%llu",
                 (unsigned long long)sentinel.current_epoch);
    events_instance(LOG_WARNING, "+try-failover", master, NULL);
    /* A random offset keeps sentinels that saw ODOWN together from all
     * asking for votes in the same instant. */
    master->failover_start_time = instance_now() + rand() % MAX_DESYNC_MS;
    master->failover_state_change_time = instance_now();
}

int failover_start_if_needed(struct instance *master)
{
    if (!(master->flags & INST_O_DOWN) || (master->flags & INST_FAILOVER_IN_PROGRESS))
        return 0;
    long long now = instance_now();
    if (now - master->failover_start_time < master->failover_timeout * 2) {
        if (master->failover_delay_logged != master->failover_start_time) {
            master->failover_delay_logged = master->failover_start_time;
            log_warning("Next failover delay: I will not start a failover before %lld ms",
                        master->failover_start_time + master->failover_timeout * 2 - now);
        }
        return 0;
    }
    failover_start(master);
    return 1;
}

void failover_abort(struct instance *master)
{
    if (!(master->flags & INST_FAILOVER_IN_PROGRESS) ||
        master->failover_state > FAILOVER_WAIT_PROMOTION)
        return;
    master->flags &= ~(INST_FAILOVER_IN_PROGRESS | INST_FORCE_FAILOVER);
    set_state(master, FAILOVER_NONE);
    if (master->promoted_slave) {
        master->promoted_slave->flags &= ~INST_PROMOTED;
        master->promoted_slave = NULL;
    }
}

int failover_compare_slaves(const struct instance *a, const struct instance *b)
{
    if (a->slave_priority != b->slave_priority)
        return a->slave_priority < b->slave_priority ? -1 : 1;
    if (a->slave_repl_offset != b->slave_repl_offset)
        return a->slave_repl_offset > b->slave_repl_offset ? -1 : 1;
    /* A replica whose run id we do not know sorts after those we do. */
    if (!a->runid || !b->runid)
        return a->runid ? -1 : (b->runid ? 1 : 0);
    return strcasecmp(a->runid, b->runid);
}

static int slave_is_eligible(const struct instance *master, const struct instance *s,
                             long long max_master_down_time, long long now)
{
    const struct sentinel_timing *t = &sentinel.timing;
    if (s->flags & (INST_S_DOWN | INST_O_DOWN))
        return 0;
    if (s->cc_disconnected)
        return 0;
    if (now - s->last_avail_time > t->ping_period * 5)
        return 0;
    if (s->slave_priority == 0)
        return 0;
    long long info_validity =
        (master->flags & INST_S_DOWN) ? t->ping_period * 5 : t->info_period * 3;
    if (now - s->info_refresh > info_validity)
        return 0;
    if (s->master_link_down_time > max_master_down_time)
        return 0;
    return 1;
}

struct instance *failover_select_slave(struct instance *master)
{
    long long now = instance_now();
    long long max_master_down_time = 0;
    if (master->flags & INST_S_DOWN)
        max_master_down_time += now - master->s_down_since_time;
    max_master_down_time += master->down_after_period * 10;

    struct instance *best = NULL;
    dict_iter it;
    dict_entry *de;
    dict_iter_init(&it, master->slaves, 0);
    while ((de = dict_iter_next(&it))) {
        struct instance *s = de->v.val;
        if (!slave_is_eligible(master, s, max_master_down_time, now))
            continue;
        if (!best || failover_compare_slaves(s, best) < 0)
            best = s;
    }
    dict_iter_release(&it);
    return best;
}

static void wait_start(struct instance *m)
{
    vstr leader = election_get_leader(m, m->failover_epoch);
    int isleader = leader && !strcasecmp(leader, sentinel.myid);
    if (leader)
        vstr_free(leader);
    if (!isleader && !(m->flags & INST_FORCE_FAILOVER)) {
        long long timeout = sentinel.timing.election_timeout;
        if (timeout > m->failover_timeout)
            timeout = m->failover_timeout;
        if (instance_now() - m->failover_start_time > timeout) {
            events_instance(LOG_WARNING, "-failover-abort-not-elected", m, NULL);
            failover_abort(m);
        }
        return;
    }
    events_instance(LOG_WARNING, "+elected-leader", m, NULL);
    if (sentinel.simfailure_flags & SENTINEL_SIMFAILURE_CRASH_AFTER_ELECTION) {
        log_warning("Sentinel fake crash: simulated failure after election");
        exit(99);
    }
    set_state(m, FAILOVER_SELECT_SLAVE);
    events_instance(LOG_WARNING, "+failover-state-select-slave", m, NULL);
}

static int replica_info_pending(struct instance *m)
{
    int pending = 0;
    dict_iter it;
    dict_entry *de;
    dict_iter_init(&it, m->slaves, 0);
    while ((de = dict_iter_next(&it))) {
        struct instance *s = de->v.val;
        if (s->info_pending && !s->cc_disconnected)
            pending = 1;
    }
    dict_iter_release(&it);
    return pending;
}

static void select_slave(struct instance *m)
{
    struct instance *s = failover_select_slave(m);
    if (!s && replica_info_pending(m))
        return; /* decided again when the INFO replies arrive */
    if (!s) {
        events_instance(LOG_WARNING, "-failover-abort-no-good-slave", m, NULL);
        failover_abort(m);
        return;
    }
    events_instance(LOG_WARNING, "+selected-slave", s, NULL);
    s->flags |= INST_PROMOTED;
    m->promoted_slave = s;
    set_state(m, FAILOVER_SEND_SLAVEOF_NOONE);
    events_instance(LOG_NOTICE, "+failover-state-send-slaveof-noone", s, NULL);
}

static void send_slaveof_noone(struct instance *m)
{
    struct instance *s = m->promoted_slave;
    if (s->cc_disconnected) {
        if (instance_now() - m->failover_state_change_time > m->failover_timeout) {
            events_instance(LOG_WARNING, "-failover-abort-slave-timeout", m, NULL);
            failover_abort(m);
        }
        return;
    }
    if (monitor_send_slaveof(s, NULL, 0) < 0)
        return;
    events_instance(LOG_NOTICE, "+failover-state-wait-promotion", s, NULL);
    set_state(m, FAILOVER_WAIT_PROMOTION);
}

static void wait_promotion(struct instance *m)
{
    if (instance_now() - m->failover_state_change_time > m->failover_timeout) {
        events_instance(LOG_WARNING, "-failover-abort-slave-timeout", m, NULL);
        failover_abort(m);
    }
}

void failover_promoted(struct instance *s)
{
    struct instance *m = s->master;
    m->config_epoch = m->failover_epoch;
    set_state(m, FAILOVER_RECONF_SLAVES);
    state_flush();
    events_instance(LOG_WARNING, "+promoted-slave", s, NULL);
    if (sentinel.simfailure_flags & SENTINEL_SIMFAILURE_CRASH_AFTER_PROMOTION) {
        log_warning("Sentinel fake crash: simulated failure after promotion");
        exit(99);
    }
    events_instance(LOG_WARNING, "+failover-state-reconf-slaves", m, NULL);
    events_client_reconfig(m, "leader", "start", m->host, m->port, s->host, s->port);
    monitor_force_hello(m);
}

void failover_track_reconf(struct instance *s)
{
    struct instance *m = s->master;
    struct instance *p = m->promoted_slave;
    if ((s->flags & INST_RECONF_SENT) && p && s->slave_master_host &&
        !strcasecmp(s->slave_master_host, p->host) && s->slave_master_port == p->port) {
        s->flags &= ~INST_RECONF_SENT;
        s->flags |= INST_RECONF_INPROG;
        events_instance(LOG_NOTICE, "+slave-reconf-inprog", s, NULL);
    }
    if ((s->flags & INST_RECONF_INPROG) && s->slave_master_link_up) {
        s->flags &= ~INST_RECONF_INPROG;
        s->flags |= INST_RECONF_DONE;
        events_instance(LOG_NOTICE, "+slave-reconf-done", s, NULL);
    }
}

/* After failover-timeout the failover ends whatever the replicas did;
 * those not reconfigured are pointed at the new primary one last time and
 * later fixed by the normal replica-config checks. */
static void detect_end(struct instance *m)
{
    struct instance *p = m->promoted_slave;
    if (!p || (p->flags & INST_S_DOWN))
        return;
    int not_reconfigured = 0, timeout = 0;
    dict_iter it;
    dict_entry *de;
    dict_iter_init(&it, m->slaves, 0);
    while ((de = dict_iter_next(&it))) {
        struct instance *s = de->v.val;
        if (s->flags & (INST_PROMOTED | INST_RECONF_DONE | INST_S_DOWN))
            continue;
        not_reconfigured++;
    }
    dict_iter_release(&it);
    if (instance_now() - m->failover_state_change_time > m->failover_timeout) {
        not_reconfigured = 0;
        timeout = 1;
        events_instance(LOG_WARNING, "+failover-end-for-timeout", m, NULL);
    }
    if (not_reconfigured)
        return;
    events_instance(LOG_WARNING, "+failover-end", m, NULL);
    set_state(m, FAILOVER_UPDATE_CONFIG);
    if (!timeout)
        return;
    dict_iter_init(&it, m->slaves, 0);
    while ((de = dict_iter_next(&it))) {
        struct instance *s = de->v.val;
        if ((s->flags & (INST_PROMOTED | INST_RECONF_DONE | INST_RECONF_SENT)) ||
            s->cc_disconnected)
            continue;
        if (monitor_send_slaveof(s, p->host, p->port) == 0) {
            events_instance(LOG_NOTICE, "+slave-reconf-sent-be", s, NULL);
            s->flags |= INST_RECONF_SENT;
        }
    }
    dict_iter_release(&it);
}

static int count_in_progress(struct instance *m)
{
    int n = 0;
    dict_iter it;
    dict_entry *de;
    dict_iter_init(&it, m->slaves, 0);
    while ((de = dict_iter_next(&it))) {
        struct instance *s = de->v.val;
        if (s->flags & (INST_RECONF_SENT | INST_RECONF_INPROG))
            n++;
    }
    dict_iter_release(&it);
    return n;
}

/* Points up to parallel-syncs replicas at a time at the promoted one. */
static void reconf_slaves(struct instance *m)
{
    int in_progress = count_in_progress(m);
    long long now = instance_now();
    dict_iter it;
    dict_entry *de;
    dict_iter_init(&it, m->slaves, 0);
    while (in_progress < m->parallel_syncs && (de = dict_iter_next(&it))) {
        struct instance *s = de->v.val;
        if (s->flags & (INST_PROMOTED | INST_RECONF_DONE))
            continue;
        /* A replica stuck after the command is taken as done: the
         * replica-config checks fix it later if it is not. */
        if ((s->flags & INST_RECONF_SENT) &&
            now - s->slave_reconf_sent_time > sentinel.timing.slave_reconf_timeout) {
            events_instance(LOG_NOTICE, "-slave-reconf-sent-timeout", s, NULL);
            s->flags &= ~INST_RECONF_SENT;
            s->flags |= INST_RECONF_DONE;
        }
        if ((s->flags & (INST_RECONF_SENT | INST_RECONF_INPROG | INST_RECONF_DONE)) ||
            s->cc_disconnected)
            continue;
        if (monitor_send_slaveof(s, m->promoted_slave->host, m->promoted_slave->port) == 0) {
            s->flags |= INST_RECONF_SENT;
            s->slave_reconf_sent_time = now;
            events_instance(LOG_NOTICE, "+slave-reconf-sent", s, NULL);
            in_progress++;
        }
    }
    dict_iter_release(&it);
    detect_end(m);
}

void failover_state_machine(struct instance *m)
{
    if (!(m->flags & INST_FAILOVER_IN_PROGRESS))
        return;
    switch (m->failover_state) {
    case FAILOVER_WAIT_START: wait_start(m); break;
    case FAILOVER_SELECT_SLAVE: select_slave(m); break;
    case FAILOVER_SEND_SLAVEOF_NOONE: send_slaveof_noone(m); break;
    case FAILOVER_WAIT_PROMOTION: wait_promotion(m); break;
    case FAILOVER_RECONF_SLAVES: reconf_slaves(m); break;
    case FAILOVER_NONE:
    case FAILOVER_UPDATE_CONFIG: break;
    }
}

void failover_switch_to_promoted(struct instance *m)
{
    struct instance *ref = m->promoted_slave ? m->promoted_slave : m;
    vstr old_host = vstr_dup(m->host);
    int old_port = m->port;
    vstr new_host = vstr_dup(ref->host);
    int new_port = ref->port;
    events_plain(LOG_WARNING, "+switch-master", m, "%s %s %d %s %d", m->name, old_host, old_port,
                 new_host, new_port);
    instance_change_master_address(m, new_host, new_port);
    state_flush();
    vstr_free(old_host);
    vstr_free(new_host);
}
