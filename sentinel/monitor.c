/* monitor — links, periodic commands, INFO/hello processing and down
 * states (see monitor.h). */
#include "monitor.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "election.h"
#include "events.h"
#include "failover.h"
#include "infoparse.h"
#include "link.h"
#include "log.h"
#include "mem.h"
#include "net.h"
#include "state.h"

#define HELLO_CHANNEL "__sentinel__:hello"
#define MAX_PENDING_COMMANDS 100
/* While a replica is being reconfigured, poll its INFO this often. */
#define RECONF_INFO_PERIOD 100
#define PING_DOWN_AFTER_FRACTION 10
#define MIN_PING_PERIOD 100

static void step_master(struct instance *m);

/* ---- links ---- */

static void update_disconnected(struct instance *ri)
{
    int up = ri->cc && link_is_connected(ri->cc) &&
             ((ri->flags & INST_SENTINEL) || (ri->pc && link_is_connected(ri->pc)));
    ri->cc_disconnected = !up;
}

static void send_auth(struct instance *ri, struct link *l)
{
    const char *user, *pass;
    if (ri->flags & INST_SENTINEL) {
        user = sentinel.sentinel_user;
        pass = sentinel.sentinel_pass;
    } else {
        struct instance *m = ri->master ? ri->master : ri;
        user = m->auth_user;
        pass = m->auth_pass;
    }
    if (!pass)
        return;
    if (user) {
        const char *argv[] = {instance_command_name(ri, "AUTH"), user, pass, NULL};
        link_command(l, NULL, argv);
    } else {
        const char *argv[] = {instance_command_name(ri, "AUTH"), pass, NULL};
        link_command(l, NULL, argv);
    }
}

static void set_client_name(struct instance *ri, struct link *l, const char *type)
{
    char name[64];
    snprintf(name, sizeof name, "sentinel-%.8s-%s", sentinel.myid, type);
    const char *argv[] = {instance_command_name(ri, "CLIENT"), "SETNAME", name, NULL};
    link_command(l, NULL, argv);
}

static void send_ping(struct instance *ri);

static void on_cc_connect(struct link *l, void *owner)
{
    (void)l;
    struct instance *ri = owner;
    update_disconnected(ri);
}

static void on_disconnect(struct link *l, void *owner, const char *why)
{
    struct instance *ri = owner;
    log_debug("Link to %s %s:%d lost: %s", ri->name, ri->host, ri->port, why);
    if (l == ri->cc)
        ri->info_pending = 0;
    ri->cc_disconnected = 1;
}

static void on_pc_connect(struct link *l, void *owner)
{
    update_disconnected(owner);
    (void)l;
}

static void on_hello_push(struct link *l, redisReply *r, void *owner);

static const struct link_handlers cc_handlers = {on_cc_connect, on_disconnect, NULL};
static const struct link_handlers pc_handlers = {on_pc_connect, on_disconnect, on_hello_push};

/* PING (and reconnect) at least ten times per down-after period: when
 * the instance dies, its last valid reply is then at most a tenth of
 * down-after old, and SDOWN comes close to down-after after the failure
 * instead of up to a whole ping period later.  The rule itself (no valid
 * reply for down-after) is unchanged; only the sampling is finer. */
static long long ping_period_for(const struct instance *ri)
{
    long long period = sentinel.timing.ping_period;
    if (ri->down_after_period / PING_DOWN_AFTER_FRACTION < period)
        period = ri->down_after_period / PING_DOWN_AFTER_FRACTION;
    return period < MIN_PING_PERIOD ? MIN_PING_PERIOD : period;
}

/* (Re)creates missing links, at most once per ping period. */
static void reconnect_instance(struct instance *ri, long long now)
{
    int need_cc = !ri->cc || !link_is_active(ri->cc);
    int need_pc = !(ri->flags & INST_SENTINEL) && (!ri->pc || !link_is_active(ri->pc));
    if (!need_cc && !need_pc)
        return;
    if (ri->port == 0 || now - ri->last_reconn_time < ping_period_for(ri))
        return;
    ri->last_reconn_time = now;
    if (need_cc) {
        if (!ri->cc)
            ri->cc = link_new(sentinel.loop, &cc_handlers, ri, 0);
        if (link_connect(ri->cc, ri->host, ri->port) == 0) {
            ri->cc_conn_time = now;
            send_auth(ri, ri->cc);
            set_client_name(ri, ri->cc, "cmd");
            send_ping(ri);
        }
    }
    if (need_pc) {
        if (!ri->pc)
            ri->pc = link_new(sentinel.loop, &pc_handlers, ri, 1);
        if (link_connect(ri->pc, ri->host, ri->port) == 0) {
            ri->pc_conn_time = now;
            ri->pc_last_activity = now;
            send_auth(ri, ri->pc);
            set_client_name(ri, ri->pc, "pubsub");
            const char *argv[] = {instance_command_name(ri, "SUBSCRIBE"), HELLO_CHANNEL, NULL};
            link_command(ri->pc, NULL, argv);
        }
    }
    update_disconnected(ri);
}

/* ---- PING ---- */

static void on_ping_reply(struct link *l, redisReply *r, void *owner)
{
    (void)l;
    struct instance *ri = owner;
    long long now = instance_now();
    if (r->type == REDIS_REPLY_STATUS || r->type == REDIS_REPLY_ERROR) {
        if (!strncmp(r->str, "PONG", 4) || !strncmp(r->str, "LOADING", 7) ||
            !strncmp(r->str, "MASTERDOWN", 10)) {
            ri->last_avail_time = now;
            ri->act_ping_time = 0;
        } else if (!strncmp(r->str, "BUSY", 4) && (ri->flags & INST_S_DOWN) &&
                   !(ri->flags & INST_SCRIPT_KILL_SENT)) {
            /* A script blocks the instance: stopping it may save a failover. */
            const char *argv[] = {instance_command_name(ri, "SCRIPT"), "KILL", NULL};
            if (link_command(ri->cc, NULL, argv) == 0)
                ri->flags |= INST_SCRIPT_KILL_SENT;
        }
    }
    ri->last_pong_time = now;
}

static void send_ping(struct instance *ri)
{
    const char *argv[] = {instance_command_name(ri, "PING"), NULL};
    if (link_command(ri->cc, on_ping_reply, argv) < 0)
        return;
    long long now = instance_now();
    ri->last_ping_time = now;
    if (ri->act_ping_time == 0)
        ri->act_ping_time = now;
}

/* ---- INFO ---- */

static int info_pending(const struct instance *ri)
{
    return ri->info_pending;
}

static void note_role(struct instance *ri, int role)
{
    if (role == ri->role_reported)
        return;
    ri->role_reported = role;
    ri->role_reported_time = instance_now();
    if (role == INST_SLAVE)
        ri->slave_conf_change_time = ri->role_reported_time;
    int coherent = (ri->flags & (INST_MASTER | INST_SLAVE)) == role;
    events_instance(LOG_VERBOSE, coherent ? "+role-change" : "-role-change", ri,
                    "new reported role is %s", role == INST_MASTER ? "master" : "slave");
}

static void note_run_id(struct instance *ri, const char *runid)
{
    if (!ri->runid) {
        ri->runid = vstr_from(runid);
        return;
    }
    if (!strcmp(ri->runid, runid))
        return;
    events_instance(LOG_NOTICE, "+reboot", ri, NULL);
    if ((ri->flags & INST_MASTER) && ri->master_reboot_down_after_period) {
        ri->flags |= INST_MASTER_REBOOT;
        ri->master_reboot_since_time = instance_now();
    }
    vstr_free(ri->runid);
    ri->runid = vstr_from(runid);
}

static void discover_replicas(struct instance *m, const struct info_result *info)
{
    for (int i = 0; i < info->nreplicas; i++) {
        const struct info_replica *r = &info->replicas[i];
        if (instance_slave_by_addr(m, r->ip, r->port))
            continue;
        const char *err;
        struct instance *s = instance_create(NULL, INST_SLAVE, r->ip, r->port, 0, m, &err);
        if (s) {
            events_instance(LOG_NOTICE, "+slave", s, NULL);
            state_flush();
        }
    }
}

static void copy_slave_fields(struct instance *ri, const struct info_result *info)
{
    long long now = instance_now();
    ri->master_link_down_time = info->master_link_down_ms >= 0 ? info->master_link_down_ms : 0;
    if (info->master_host &&
        (!ri->slave_master_host || strcmp(ri->slave_master_host, info->master_host))) {
        if (ri->slave_master_host)
            vstr_free(ri->slave_master_host);
        ri->slave_master_host = vstr_dup(info->master_host);
        ri->slave_conf_change_time = now;
    }
    if (info->master_port != ri->slave_master_port) {
        ri->slave_master_port = info->master_port;
        ri->slave_conf_change_time = now;
    }
    ri->slave_master_link_up = info->master_link_up;
    if (info->slave_priority >= 0)
        ri->slave_priority = info->slave_priority;
    ri->slave_repl_offset = (unsigned long long)info->slave_repl_offset;
    if (info->replica_announced >= 0)
        ri->replica_announced = info->replica_announced;
}

static int master_looks_sane(const struct instance *m)
{
    return (m->flags & INST_MASTER) && m->role_reported == INST_MASTER &&
           !(m->flags & (INST_S_DOWN | INST_O_DOWN)) && m->info_refresh > 0 &&
           instance_now() - m->info_refresh < sentinel.timing.info_period * 2;
}

static int no_down_for(const struct instance *ri, long long ms)
{
    long long most_recent = ri->s_down_since_time;
    if (ri->o_down_since_time > most_recent)
        most_recent = ri->o_down_since_time;
    return most_recent == 0 || instance_now() - most_recent > ms;
}

/* A replica that says it is a primary: either the one we promote, or one
 * to turn back into a replica once the configuration looks settled. */
static void handle_slave_as_master(struct instance *ri)
{
    struct instance *m = ri->master;
    if ((ri->flags & INST_PROMOTED) && (m->flags & INST_FAILOVER_IN_PROGRESS) &&
        m->failover_state == FAILOVER_WAIT_PROMOTION) {
        failover_promoted(ri);
        return;
    }
    long long wait_time = sentinel.timing.publish_period * 4;
    if (!(ri->flags & INST_PROMOTED) && master_looks_sane(m) && no_down_for(ri, wait_time) &&
        instance_now() - ri->role_reported_time > wait_time) {
        if (monitor_send_slaveof(ri, m->host, m->port) == 0)
            events_instance(LOG_NOTICE, "+convert-to-slave", ri, NULL);
    }
}

static void handle_wrong_master(struct instance *ri)
{
    struct instance *m = ri->master;
    if (ri->slave_master_port == m->port && ri->slave_master_host &&
        !strcasecmp(ri->slave_master_host, m->host))
        return;
    long long wait_time = m->failover_timeout;
    if (master_looks_sane(m) && no_down_for(ri, wait_time) &&
        instance_now() - ri->slave_conf_change_time > wait_time) {
        if (monitor_send_slaveof(ri, m->host, m->port) == 0)
            events_instance(LOG_NOTICE, "+fix-slave-config", ri, NULL);
    }
}

static void refresh_from_info(struct instance *ri, const char *text, size_t len)
{
    struct info_result info;
    infoparse_info(text, len, &info);
    if (ri->info)
        vstr_free(ri->info);
    ri->info = vstr_new(text, len);
    ri->info_refresh = instance_now();
    if (info.run_id)
        note_run_id(ri, info.run_id);
    if ((ri->flags & INST_MASTER) && info.role == INFOPARSE_ROLE_MASTER)
        discover_replicas(ri, &info);
    if (info.role == INFOPARSE_ROLE_SLAVE)
        copy_slave_fields(ri, &info);
    int role = info.role == INFOPARSE_ROLE_MASTER  ? INST_MASTER
               : info.role == INFOPARSE_ROLE_SLAVE ? INST_SLAVE
                                                   : 0;
    infoparse_info_free(&info);
    if (role)
        note_role(ri, role);
    if (sentinel.tilt || !role)
        return;
    if ((ri->flags & INST_SLAVE) && role == INST_MASTER)
        handle_slave_as_master(ri);
    else if ((ri->flags & INST_SLAVE) && role == INST_SLAVE) {
        handle_wrong_master(ri);
        if (ri->flags & (INST_RECONF_SENT | INST_RECONF_INPROG))
            failover_track_reconf(ri);
    }
}

static void on_info_reply(struct link *l, redisReply *r, void *owner)
{
    (void)l;
    struct instance *ri = owner;
    ri->info_pending = 0;
    if (r->type != REDIS_REPLY_STRING)
        return;
    refresh_from_info(ri, r->str, r->len);
    /* The reply may let a failover move on (promotion seen, replica
     * reconfigured): step now rather than at the next tick.  Nothing may
     * touch ri after this: the step can replace the replicas. */
    if (ri->master && (ri->master->flags & INST_FAILOVER_IN_PROGRESS))
        step_master(ri->master);
}

static void send_info(struct instance *ri)
{
    const char *argv[] = {instance_command_name(ri, "INFO"), NULL};
    if (link_command(ri->cc, on_info_reply, argv) == 0)
        ri->info_pending = 1;
}

/* ---- hello ---- */

static void announce_addr(struct instance *ri, char *ip, size_t iplen, int *port)
{
    *port = sentinel.announce_port ? sentinel.announce_port : sentinel.port;
    if (sentinel.announce_ip) {
        snprintf(ip, iplen, "%s", sentinel.announce_ip);
        return;
    }
    int p;
    if (!ri->cc || link_local_addr(ri->cc, ip, iplen, &p) < 0)
        snprintf(ip, iplen, "127.0.0.1");
}

static void on_publish_reply(struct link *l, redisReply *r, void *owner)
{
    (void)l;
    struct instance *ri = owner;
    if (r->type != REDIS_REPLY_ERROR)
        ri->last_pub_time = instance_now();
}

static void send_hello(struct instance *ri)
{
    if (ri->cc_disconnected)
        return;
    struct instance *m = (ri->flags & INST_MASTER) ? ri : ri->master;
    char ip[NET_ADDR_STR_LEN];
    struct hello_msg h;
    announce_addr(ri, ip, sizeof ip, &h.port);
    const char *mhost;
    instance_current_master_addr(m, &mhost, &h.master_port);
    h.ip = ip;
    h.runid = sentinel.myid;
    h.current_epoch = sentinel.current_epoch;
    h.master_name = m->name;
    h.master_ip = (char *)mhost;
    h.master_config_epoch = m->config_epoch;
    vstr payload = infoparse_hello_format(&h);
    const char *argv[] = {instance_command_name(ri, "PUBLISH"), HELLO_CHANNEL, payload, NULL};
    link_command(ri->cc, on_publish_reply, argv);
    vstr_free(payload);
}

void monitor_force_hello(struct instance *m)
{
    m->last_pub_time = 0;
    dict_iter it;
    dict_entry *de;
    dict_iter_init(&it, m->slaves, 0);
    while ((de = dict_iter_next(&it)))
        ((struct instance *)de->v.val)->last_pub_time = 0;
    dict_iter_release(&it);
    dict_iter_init(&it, m->sentinels, 0);
    while ((de = dict_iter_next(&it)))
        ((struct instance *)de->v.val)->last_pub_time = 0;
    dict_iter_release(&it);
    send_hello(m);
}

/* A hello from a sentinel we know by run id but at another address: it
 * moved (or restarted elsewhere); forget the old entry. */
static struct instance *learn_sentinel(struct instance *m, const struct hello_msg *h)
{
    int removed = instance_remove_sentinel_by_runid(m, h->runid);
    if (removed) {
        events_plain(LOG_NOTICE, "-dup-sentinel", m, "master %s %s %d #duplicate of %s:%d or %s",
                     m->name, m->host, m->port, h->ip, h->port, h->runid);
        events_plain(LOG_NOTICE, "+sentinel-address-switch", m,
                     "master %s %s %d ip %s port %d for %s", m->name, m->host, m->port, h->ip,
                     h->port, h->runid);
    } else {
        /* Another entry at that address is stale: the address now belongs
         * to this run id. */
        struct instance *other = instance_sentinel_lookup(m, h->ip, h->port, NULL);
        if (other) {
            events_instance(LOG_NOTICE, "+sentinel-invalid-addr", other, NULL);
            other->port = 0;
            instance_drop_links(other);
        }
    }
    const char *err;
    struct instance *si =
        instance_create(h->runid, INST_SENTINEL, h->ip, h->port, m->quorum, m, &err);
    if (!si)
        return NULL;
    si->runid = vstr_from(h->runid);
    if (!removed)
        events_instance(LOG_NOTICE, "+sentinel", si, NULL);
    state_flush();
    return si;
}

void monitor_process_hello(const char *msg, size_t len)
{
    struct hello_msg h;
    if (infoparse_hello(msg, len, &h) < 0)
        return;
    struct instance *m = instance_master_by_name(h.master_name);
    if (!m || !strcmp(h.runid, sentinel.myid)) {
        infoparse_hello_free(&h);
        return;
    }
    struct instance *si = instance_sentinel_lookup(m, h.ip, h.port, h.runid);
    if (!si)
        si = learn_sentinel(m, &h);
    if (h.current_epoch > sentinel.current_epoch) {
        sentinel.current_epoch = h.current_epoch;
        state_flush();
        events_plain(LOG_WARNING, "+new-epoch", m, "%llu",
                     (unsigned long long)sentinel.current_epoch);
    }
    if (si && m->config_epoch < h.master_config_epoch) {
        m->config_epoch = h.master_config_epoch;
        if (h.master_port != m->port || strcasecmp(h.master_ip, m->host)) {
            events_instance(LOG_WARNING, "+config-update-from", si, NULL);
            events_plain(LOG_WARNING, "+switch-master", m, "%s %s %d %s %d", m->name, m->host,
                         m->port, h.master_ip, h.master_port);
            vstr old_host = vstr_dup(m->host);
            int old_port = m->port;
            instance_change_master_address(m, h.master_ip, h.master_port);
            state_flush();
            events_client_reconfig(m, "observer", "start", old_host, old_port, m->host, m->port);
            vstr_free(old_host);
            si = instance_sentinel_lookup(m, h.ip, h.port, h.runid);
        }
    }
    if (si)
        si->last_hello_time = instance_now();
    infoparse_hello_free(&h);
}

static void on_hello_push(struct link *l, redisReply *r, void *owner)
{
    (void)l;
    struct instance *ri = owner;
    ri->pc_last_activity = instance_now();
    if (r->type != REDIS_REPLY_ARRAY || r->elements != 3)
        return;
    redisReply *kind = r->element[0], *chan = r->element[1], *payload = r->element[2];
    if (kind->type != REDIS_REPLY_STRING || strcmp(kind->str, "message") ||
        chan->type != REDIS_REPLY_STRING || payload->type != REDIS_REPLY_STRING)
        return;
    monitor_process_hello(payload->str, payload->len);
}

/* ---- periodic commands ---- */

static long long info_period_for(const struct instance *ri)
{
    if ((ri->flags & INST_SLAVE) && (ri->flags & (INST_RECONF_SENT | INST_RECONF_INPROG)))
        return RECONF_INFO_PERIOD;
    if ((ri->flags & INST_SLAVE) &&
        ((ri->master->flags & (INST_O_DOWN | INST_FAILOVER_IN_PROGRESS)) ||
         ri->master_link_down_time != 0))
        return 1000;
    if (ri->flags & INST_MASTER_REBOOT)
        return 1000;
    return sentinel.timing.info_period;
}

static void send_periodic(struct instance *ri, long long now)
{
    if (ri->cc_disconnected || link_pending(ri->cc) >= MAX_PENDING_COMMANDS)
        return;
    long long ping_period = ping_period_for(ri);
    if (!(ri->flags & INST_SENTINEL) && !info_pending(ri) &&
        (ri->info_refresh == 0 || now - ri->info_refresh > info_period_for(ri)))
        send_info(ri);
    if (now - ri->last_pong_time > ping_period && now - ri->last_ping_time > ping_period / 2)
        send_ping(ri);
    if (now - ri->last_pub_time > sentinel.timing.publish_period)
        send_hello(ri);
}

/* ---- down states ---- */

/* A primary just went down: a failover would need fresh replica INFO
 * (replica selection rejects stale data), so ask for it now. */
static void refresh_replicas(struct instance *m)
{
    dict_iter it;
    dict_entry *de;
    dict_iter_init(&it, m->slaves, 0);
    while ((de = dict_iter_next(&it))) {
        struct instance *s = de->v.val;
        if (!s->cc_disconnected && !info_pending(s))
            send_info(s);
    }
    dict_iter_release(&it);
}

static void check_sdown(struct instance *ri, long long now)
{
    /* Without a link nothing can answer: the silence counts from the last
     * valid reply, not from a PING queued on a connection being retried.
     * With a link, from the oldest PING still unanswered. */
    long long elapsed = 0;
    if (ri->cc_disconnected)
        elapsed = now - ri->last_avail_time;
    else if (ri->act_ping_time)
        elapsed = now - ri->act_ping_time;

    /* A connection that is up but silent may be a half-dead TCP link:
     * reconnecting tells a hung peer from a lost connection. */
    const struct sentinel_timing *t = &sentinel.timing;
    if (ri->cc && link_is_connected(ri->cc) && now - ri->cc_conn_time > t->min_link_reconnect_period &&
        ri->act_ping_time && now - ri->act_ping_time > ri->down_after_period / 2 &&
        now - ri->last_pong_time > ri->down_after_period / 2) {
        link_close(ri->cc, "low activity");
    }
    if (ri->pc && link_is_connected(ri->pc) && now - ri->pc_conn_time > t->min_link_reconnect_period &&
        now - ri->pc_last_activity > t->publish_period * 3) {
        link_close(ri->pc, "no pub/sub activity");
    }

    int down = elapsed > ri->down_after_period ||
               ((ri->flags & INST_MASTER) && ri->role_reported == INST_SLAVE &&
                now - ri->role_reported_time > ri->down_after_period + t->info_period * 2) ||
               ((ri->flags & INST_MASTER_REBOOT) &&
                now - ri->master_reboot_since_time > ri->master_reboot_down_after_period);
    if (down && !(ri->flags & INST_S_DOWN)) {
        events_instance(LOG_WARNING, "+sdown", ri, NULL);
        ri->s_down_since_time = now;
        ri->flags |= INST_S_DOWN;
        if (ri->flags & INST_MASTER)
            refresh_replicas(ri);
    } else if (!down && (ri->flags & INST_S_DOWN)) {
        events_instance(LOG_WARNING, "-sdown", ri, NULL);
        ri->flags &= ~(INST_S_DOWN | INST_SCRIPT_KILL_SENT);
    }
}

static void check_odown(struct instance *m)
{
    unsigned int quorum = 0;
    int odown = 0;
    if (m->flags & INST_S_DOWN) {
        quorum = 1;
        dict_iter it;
        dict_entry *de;
        dict_iter_init(&it, m->sentinels, 0);
        while ((de = dict_iter_next(&it)))
            if (((struct instance *)de->v.val)->flags & INST_MASTER_DOWN)
                quorum++;
        dict_iter_release(&it);
        odown = quorum >= m->quorum;
    }
    if (odown && !(m->flags & INST_O_DOWN)) {
        events_instance(LOG_WARNING, "+odown", m, "#quorum %u/%u", quorum, m->quorum);
        m->flags |= INST_O_DOWN;
        m->o_down_since_time = instance_now();
    } else if (!odown && (m->flags & INST_O_DOWN)) {
        events_instance(LOG_WARNING, "-odown", m, NULL);
        m->flags &= ~INST_O_DOWN;
    }
}

static void on_is_master_down_reply(struct link *l, redisReply *r, void *owner)
{
    (void)l;
    struct instance *si = owner;
    if (r->type != REDIS_REPLY_ARRAY || r->elements != 3 ||
        r->element[0]->type != REDIS_REPLY_INTEGER || r->element[1]->type != REDIS_REPLY_STRING ||
        r->element[2]->type != REDIS_REPLY_INTEGER)
        return;
    si->last_master_down_reply_time = instance_now();
    if (r->element[0]->integer == 1)
        si->flags |= INST_MASTER_DOWN;
    else
        si->flags &= ~INST_MASTER_DOWN;
    if (strcmp(r->element[1]->str, "*")) {
        if ((long long)si->leader_epoch != r->element[2]->integer)
            log_warning("%s voted for %s %llu", si->name, r->element[1]->str,
                        (unsigned long long)r->element[2]->integer);
        if (si->leader)
            vstr_free(si->leader);
        si->leader = vstr_from(r->element[1]->str);
        si->leader_epoch = (uint64_t)r->element[2]->integer;
    }
    /* A new opinion may complete the quorum or the majority: act now. */
    step_master(si->master);
}

#define ASK_FORCED 1

static void ask_other_sentinels(struct instance *m, int flags)
{
    long long now = instance_now();
    dict_iter it;
    dict_entry *de;
    dict_iter_init(&it, m->sentinels, 0);
    while ((de = dict_iter_next(&it))) {
        struct instance *si = de->v.val;
        /* An old answer says nothing about now. */
        if (now - si->last_master_down_reply_time > sentinel.timing.ask_period * 5) {
            si->flags &= ~INST_MASTER_DOWN;
            if (si->leader) {
                vstr_free(si->leader);
                si->leader = NULL;
            }
        }
        if (!(m->flags & INST_S_DOWN) || si->cc_disconnected)
            continue;
        if (!(flags & ASK_FORCED) &&
            now - si->last_master_down_reply_time < sentinel.timing.ask_period)
            continue;
        char port[16], epoch[32];
        snprintf(port, sizeof port, "%d", m->port);
        snprintf(epoch, sizeof epoch, "%llu", (unsigned long long)sentinel.current_epoch);
        const char *runid = m->failover_state > FAILOVER_NONE ? sentinel.myid : "*";
        const char *argv[] = {"SENTINEL", "is-master-down-by-addr", m->host, port, epoch, runid,
                              NULL};
        link_command(si->cc, on_is_master_down_reply, argv);
    }
    dict_iter_release(&it);
}

/* The decisions for a primary, shared by the timer and the event path. */
static void step_master(struct instance *m)
{
    if (sentinel.tilt)
        return;
    check_odown(m);
    if (failover_start_if_needed(m))
        ask_other_sentinels(m, ASK_FORCED);
    failover_state_machine(m);
}

/* ---- SLAVEOF ---- */

int monitor_send_slaveof(struct instance *ri, const char *host, int port)
{
    if (ri->cc_disconnected || !ri->cc)
        return -1;
    char portstr[16];
    snprintf(portstr, sizeof portstr, "%d", port);
    const char *multi[] = {instance_command_name(ri, "MULTI"), NULL};
    const char *slaveof[] = {instance_command_name(ri, "SLAVEOF"), host ? host : "NO", host ? portstr : "ONE", NULL};
    const char *rewrite[] = {instance_command_name(ri, "CONFIG"), "REWRITE", NULL};
    const char *kill[] = {instance_command_name(ri, "CLIENT"), "KILL", "TYPE", "normal", NULL};
    const char *exec[] = {instance_command_name(ri, "EXEC"), NULL};
    if (link_command(ri->cc, NULL, multi) < 0)
        return -1;
    link_command(ri->cc, NULL, slaveof);
    link_command(ri->cc, NULL, rewrite);
    link_command(ri->cc, NULL, kill);
    link_command(ri->cc, NULL, exec);
    /* Ask for the new role right away instead of waiting a period. */
    if (!info_pending(ri))
        send_info(ri);
    return 0;
}

/* ---- timer ---- */

static void check_tilt(long long now)
{
    long long delta = now - sentinel.previous_time;
    if (delta < 0 || delta > sentinel.timing.tilt_trigger) {
        sentinel.tilt = 1;
        sentinel.tilt_start_time = now;
        events_plain(LOG_WARNING, "+tilt", NULL, "#tilt mode entered");
    }
    sentinel.previous_time = now;
}

static void handle_instance(struct instance *ri, long long now)
{
    reconnect_instance(ri, now);
    send_periodic(ri, now);
    if (sentinel.tilt) {
        if (now - sentinel.tilt_start_time < sentinel.timing.tilt_period)
            return;
        sentinel.tilt = 0;
        events_plain(LOG_WARNING, "-tilt", NULL, "#tilt mode exited");
    }
    check_sdown(ri, now);
    if (ri->flags & INST_MASTER) {
        step_master(ri);
        ask_other_sentinels(ri, 0);
    }
}

static void handle_dict(dict *d, long long now)
{
    dict_iter it;
    dict_entry *de;
    dict_iter_init(&it, d, 1);
    while ((de = dict_iter_next(&it)))
        handle_instance(de->v.val, now);
    dict_iter_release(&it);
}

void monitor_tick(void)
{
    long long now = instance_now();
    check_tilt(now);
    struct instance *switch_list[64];
    int nswitch = 0;
    dict_iter it;
    dict_entry *de;
    dict_iter_init(&it, sentinel.masters, 1);
    while ((de = dict_iter_next(&it))) {
        struct instance *m = de->v.val;
        handle_instance(m, now);
        handle_dict(m->slaves, now);
        handle_dict(m->sentinels, now);
        if (m->failover_state == FAILOVER_UPDATE_CONFIG && nswitch < 64)
            switch_list[nswitch++] = m;
    }
    dict_iter_release(&it);
    for (int i = 0; i < nswitch; i++)
        failover_switch_to_promoted(switch_list[i]);
    events_scripts_tick();
}
