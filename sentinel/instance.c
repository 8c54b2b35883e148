/* instance — creating, finding, resetting and freeing the primaries,
 * replicas and sentinels the daemon knows (see instance.h). */
#include "instance.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "events.h"
#include "link.h"
#include "mem.h"
#include "mtime.h"
#include "net.h"

struct sentinel_state sentinel;

long long instance_now(void)
{
    return mtime_mstime();
}

static void instance_dict_free(void *val)
{
    instance_release(val);
}

static const struct dict_type instances_type = {
    .nocase = 0, .key_free = vstr_free, .val_free = instance_dict_free};

static const struct sentinel_timing default_timing = {
    .info_period = 10000,
    .ping_period = 1000,
    .ask_period = 1000,
    .publish_period = 2000,
    .default_down_after = 30000,
    .default_failover_timeout = 180000,
    .tilt_trigger = 2000,
    .tilt_period = 30000,
    .slave_reconf_timeout = 10000,
    .min_link_reconnect_period = 15000,
    .election_timeout = 10000,
    .script_max_runtime = 60000,
    .script_retry_delay = 30000,
};

void instance_state_init(void)
{
    /* Re-initialising (tests load several configs) releases the old set. */
    if (sentinel.masters)
        dict_free(sentinel.masters);
    memset(&sentinel, 0, sizeof sentinel);
    sentinel.masters = dict_new(&instances_type);
    sentinel.timing = default_timing;
    sentinel.port = 26379;
    sentinel.tilt_start_time = 0;
    sentinel.previous_time = instance_now();
}

/* Replicas are named "ip:port" (bracketed IPv6), as Redis names them. */
static vstr slave_name(const char *host, int port)
{
    char buf[NET_ADDR_STR_LEN + 64];
    net_format_addr(buf, sizeof buf, host, port);
    return vstr_from(buf);
}

struct instance *instance_create(const char *name, int flags, const char *host, int port,
                                 unsigned int quorum, struct instance *master, const char **err)
{
    if (port < 0 || port > 65535) {
        *err = "ERR Invalid port number.";
        return NULL;
    }
    dict *table = (flags & INST_MASTER)  ? sentinel.masters
                  : (flags & INST_SLAVE) ? master->slaves
                                         : master->sentinels;
    vstr key = (flags & INST_SLAVE) ? slave_name(host, port) : vstr_from(name);
    if (dict_find(table, key, vstr_len(key))) {
        vstr_free(key);
        *err = (flags & INST_MASTER) ? "ERR Duplicate master name." : "ERR Duplicate instance";
        return NULL;
    }
    struct instance *ri = mem_calloc(sizeof *ri);
    long long now = instance_now();
    ri->flags = flags;
    ri->name = vstr_dup(key);
    ri->host = vstr_from(host);
    ri->port = port;
    ri->master = master;
    ri->cc_disconnected = 1;
    ri->last_avail_time = now;
    ri->last_pong_time = now;
    /* As if a first PING were out: an instance that never answers goes
     * down after down-after from now. */
    ri->act_ping_time = now;
    ri->down_after_period =
        master ? master->down_after_period : sentinel.timing.default_down_after;
    ri->master_link_down_time = 0;
    ri->slave_priority = 100;
    ri->replica_announced = 1;
    ri->role_reported = flags & (INST_MASTER | INST_SLAVE);
    ri->role_reported_time = now;
    ri->slave_conf_change_time = now;
    ri->quorum = quorum;
    ri->parallel_syncs = 1;
    ri->failover_timeout = sentinel.timing.default_failover_timeout;
    if (flags & INST_MASTER) {
        ri->sentinels = dict_new(&instances_type);
        ri->slaves = dict_new(&instances_type);
    }
    dict_add(table, key, ri);
    return ri;
}

void instance_drop_links(struct instance *ri)
{
    link_free(ri->cc);
    link_free(ri->pc);
    ri->cc = ri->pc = NULL;
    ri->cc_disconnected = 1;
    ri->info_pending = 0;
}

void instance_drop_sentinel_links(void)
{
    dict_iter it;
    dict_entry *de;
    dict_iter_init(&it, sentinel.masters, 0);
    while ((de = dict_iter_next(&it))) {
        dict_iter sit;
        dict_entry *sde;
        dict_iter_init(&sit, ((struct instance *)de->v.val)->sentinels, 0);
        while ((sde = dict_iter_next(&sit)))
            instance_drop_links(sde->v.val);
        dict_iter_release(&sit);
    }
    dict_iter_release(&it);
}

void instance_release(struct instance *ri)
{
    instance_drop_links(ri);
    if (ri->sentinels)
        dict_free(ri->sentinels);
    if (ri->slaves)
        dict_free(ri->slaves);
    vstr_free(ri->name);
    if (ri->runid)
        vstr_free(ri->runid);
    vstr_free(ri->host);
    if (ri->info)
        vstr_free(ri->info);
    if (ri->slave_master_host)
        vstr_free(ri->slave_master_host);
    if (ri->auth_pass)
        vstr_free(ri->auth_pass);
    if (ri->auth_user)
        vstr_free(ri->auth_user);
    if (ri->notification_script)
        vstr_free(ri->notification_script);
    if (ri->client_reconfig_script)
        vstr_free(ri->client_reconfig_script);
    if (ri->leader)
        vstr_free(ri->leader);
    for (int i = 0; i < ri->nrenamed * 2; i++)
        vstr_free(ri->renamed_commands[i]);
    mem_free(ri->renamed_commands);
    mem_free(ri);
}

static int renamed_index(const struct instance *master, const char *name)
{
    for (int i = 0; i < master->nrenamed; i++)
        if (!strcasecmp(master->renamed_commands[2 * i], name))
            return i;
    return -1;
}

void instance_rename_command(struct instance *master, const char *from, const char *to)
{
    int i = renamed_index(master, from);
    if (i >= 0) {
        vstr_free(master->renamed_commands[2 * i]);
        vstr_free(master->renamed_commands[2 * i + 1]);
        master->nrenamed--;
        memmove(master->renamed_commands + 2 * i, master->renamed_commands + 2 * i + 2,
                (size_t)(master->nrenamed - i) * 2 * sizeof(vstr));
    }
    if (!strcasecmp(from, to))
        return;
    i = master->nrenamed++;
    master->renamed_commands =
        mem_realloc(master->renamed_commands, (size_t)master->nrenamed * 2 * sizeof(vstr));
    master->renamed_commands[2 * i] = vstr_from(from);
    master->renamed_commands[2 * i + 1] = vstr_from(to);
}

const char *instance_command_name(const struct instance *ri, const char *name)
{
    const struct instance *m = (ri->flags & INST_MASTER) ? ri : ri->master;
    if (!m || (ri->flags & INST_SENTINEL))
        return name;
    int i = renamed_index(m, name);
    return i < 0 ? name : m->renamed_commands[2 * i + 1];
}

struct instance *instance_master_by_name(const char *name)
{
    dict_entry *de = dict_find(sentinel.masters, name, strlen(name));
    return de ? de->v.val : NULL;
}

struct instance *instance_master_by_addr(const char *host, int port)
{
    dict_iter it;
    dict_entry *de;
    struct instance *found = NULL;
    dict_iter_init(&it, sentinel.masters, 0);
    while ((de = dict_iter_next(&it))) {
        struct instance *ri = de->v.val;
        if (ri->port == port && strcasecmp(ri->host, host) == 0) {
            found = ri;
            break;
        }
    }
    dict_iter_release(&it);
    return found;
}

struct instance *instance_slave_by_addr(struct instance *master, const char *host, int port)
{
    vstr key = slave_name(host, port);
    dict_entry *de = dict_find(master->slaves, key, vstr_len(key));
    vstr_free(key);
    return de ? de->v.val : NULL;
}

struct instance *instance_sentinel_lookup(struct instance *master, const char *host, int port,
                                          const char *runid)
{
    dict_iter it;
    dict_entry *de;
    struct instance *found = NULL;
    dict_iter_init(&it, master->sentinels, 0);
    while ((de = dict_iter_next(&it))) {
        struct instance *ri = de->v.val;
        if (runid && (!ri->runid || strcmp(ri->runid, runid) != 0))
            continue;
        if (host && (ri->port != port || strcasecmp(ri->host, host) != 0))
            continue;
        found = ri;
        break;
    }
    dict_iter_release(&it);
    return found;
}

int instance_remove_sentinel_by_runid(struct instance *master, const char *runid)
{
    int removed = 0;
    dict_iter it;
    dict_entry *de;
    dict_iter_init(&it, master->sentinels, 1);
    while ((de = dict_iter_next(&it))) {
        struct instance *ri = de->v.val;
        if (ri->runid && strcmp(ri->runid, runid) == 0) {
            dict_delete(master->sentinels, de->key, vstr_len(de->key));
            removed++;
        }
    }
    dict_iter_release(&it);
    return removed;
}

static void clear_vstr(vstr *s)
{
    if (*s)
        vstr_free(*s);
    *s = NULL;
}

void instance_reset_master(struct instance *ri, int flags)
{
    dict_clear(ri->slaves, NULL);
    if (flags & INSTANCE_RESET_SENTINELS)
        dict_clear(ri->sentinels, NULL);
    instance_drop_links(ri);
    ri->flags &= INST_MASTER;
    clear_vstr(&ri->leader);
    ri->failover_state = FAILOVER_NONE;
    ri->failover_state_change_time = 0;
    ri->failover_start_time = 0;
    ri->promoted_slave = NULL;
    clear_vstr(&ri->runid);
    clear_vstr(&ri->slave_master_host);
    clear_vstr(&ri->info);
    long long now = instance_now();
    ri->act_ping_time = now;
    ri->last_ping_time = 0;
    ri->last_avail_time = now;
    ri->last_pong_time = now;
    /* As if a first PING were out: an instance that never answers goes
     * down after down-after from now. */
    ri->act_ping_time = now;
    ri->info_refresh = 0;
    ri->role_reported = INST_MASTER;
    ri->role_reported_time = now;
    if (flags & INSTANCE_RESET_SENTINELS)
        events_instance(LOG_WARNING, "+reset-master", ri, NULL);
}

struct addr_item {
    vstr host;
    int port;
};

/* Collects the replica addresses the master keeps after moving to
 * host:port: every known replica but the new primary, plus the old primary. */
static int collect_new_slaves(struct instance *master, const char *host, int port,
                              struct addr_item **out)
{
    size_t cap = dict_size(master->slaves) + 1;
    struct addr_item *items = mem_calloc(cap * sizeof *items);
    int n = 0;
    dict_iter it;
    dict_entry *de;
    dict_iter_init(&it, master->slaves, 0);
    while ((de = dict_iter_next(&it))) {
        struct instance *s = de->v.val;
        if (s->port == port && strcasecmp(s->host, host) == 0)
            continue;
        items[n].host = vstr_dup(s->host);
        items[n++].port = s->port;
    }
    dict_iter_release(&it);
    if (!(master->port == port && strcasecmp(master->host, host) == 0)) {
        items[n].host = vstr_dup(master->host);
        items[n++].port = master->port;
    }
    *out = items;
    return n;
}

int instance_change_master_address(struct instance *master, const char *host, int port)
{
    struct addr_item *items;
    int n = collect_new_slaves(master, host, port, &items);
    instance_reset_master(master, 0);
    vstr_free(master->host);
    master->host = vstr_from(host);
    master->port = port;
    for (int i = 0; i < n; i++) {
        const char *err;
        struct instance *s =
            instance_create(NULL, INST_SLAVE, items[i].host, items[i].port, 0, master, &err);
        if (s)
            events_instance(LOG_NOTICE, "+slave", s, NULL);
        vstr_free(items[i].host);
    }
    mem_free(items);
    return 0;
}

vstr instance_flags_string(const struct instance *ri)
{
    static const struct {
        int flag;
        const char *name;
    } names[] = {
        {INST_S_DOWN, "s_down"},
        {INST_O_DOWN, "o_down"},
        {INST_MASTER, "master"},
        {INST_SLAVE, "slave"},
        {INST_SENTINEL, "sentinel"},
        {0, "disconnected"},
        {INST_MASTER_DOWN, "master_down"},
        {INST_FAILOVER_IN_PROGRESS, "failover_in_progress"},
        {INST_PROMOTED, "promoted"},
        {INST_RECONF_SENT, "reconf_sent"},
        {INST_RECONF_INPROG, "reconf_inprog"},
        {INST_RECONF_DONE, "reconf_done"},
        {INST_FORCE_FAILOVER, "force_failover"},
        {INST_SCRIPT_KILL_SENT, "script_kill_sent"},
        {INST_MASTER_REBOOT, "master_reboot"},
    };
    vstr s = vstr_empty();
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        int on = names[i].flag ? (ri->flags & names[i].flag) != 0 : ri->cc_disconnected;
        if (on)
            s = vstr_catfmt(s, "%s%s", vstr_len(s) ? "," : "", names[i].name);
    }
    return s;
}

const char *instance_failover_state_name(enum failover_state st)
{
    switch (st) {
    case FAILOVER_NONE: return "none";
    case FAILOVER_WAIT_START: return "wait_start";
    case FAILOVER_SELECT_SLAVE: return "select_slave";
    case FAILOVER_SEND_SLAVEOF_NOONE: return "send_slaveof_noone";
    case FAILOVER_WAIT_PROMOTION: return "wait_promotion";
    case FAILOVER_RECONF_SLAVES: return "reconf_slaves";
    case FAILOVER_UPDATE_CONFIG: return "update_config";
    }
    return "unknown";
}

void instance_current_master_addr(const struct instance *master, const char **host, int *port)
{
    if ((master->flags & INST_FAILOVER_IN_PROGRESS) && master->promoted_slave &&
        master->failover_state >= FAILOVER_RECONF_SLAVES) {
        *host = master->promoted_slave->host;
        *port = master->promoted_slave->port;
    } else {
        *host = master->host;
        *port = master->port;
    }
}
