/* instance — the sentinel's model of the world.
 *
 * One struct instance per monitored primary, per replica of a primary and
 * per other sentinel watching a primary.  Primaries live in the global
 * state's masters dict (by name); each primary owns a dict of replicas
 * ("ip:port") and a dict of sentinels (run id).  The global state holds
 * what Redis keeps in its `sentinel` struct: our id, the current epoch,
 * global settings, TILT.  Other modules read and change these fields
 * directly; this module creates, finds, resets and frees instances.
 */
#ifndef VIGIL_SENTINEL_INSTANCE_H
#define VIGIL_SENTINEL_INSTANCE_H

#include <ev.h>
#include <stdint.h>

#include "dict.h"
#include "vstr.h"

#define INST_MASTER (1 << 0)
#define INST_SLAVE (1 << 1)
#define INST_SENTINEL (1 << 2)
#define INST_S_DOWN (1 << 3)
#define INST_O_DOWN (1 << 4)
#define INST_MASTER_DOWN (1 << 5) /* a sentinel said the primary is down */
#define INST_FAILOVER_IN_PROGRESS (1 << 6)
#define INST_PROMOTED (1 << 7)
#define INST_RECONF_SENT (1 << 8)
#define INST_RECONF_INPROG (1 << 9)
#define INST_RECONF_DONE (1 << 10)
#define INST_FORCE_FAILOVER (1 << 11)
#define INST_SCRIPT_KILL_SENT (1 << 12)
#define INST_MASTER_REBOOT (1 << 13)

enum failover_state {
    FAILOVER_NONE,
    FAILOVER_WAIT_START,
    FAILOVER_SELECT_SLAVE,
    FAILOVER_SEND_SLAVEOF_NOONE,
    FAILOVER_WAIT_PROMOTION,
    FAILOVER_RECONF_SLAVES,
    FAILOVER_UPDATE_CONFIG
};

/* Timing constants, milliseconds (changeable with SENTINEL DEBUG). */
struct sentinel_timing {
    long long info_period, ping_period, ask_period, publish_period;
    long long default_down_after, default_failover_timeout;
    long long tilt_trigger, tilt_period, slave_reconf_timeout;
    long long min_link_reconnect_period, election_timeout;
    long long script_max_runtime, script_retry_delay;
};

struct instance {
    int flags;
    vstr name;
    vstr runid; /* NULL until INFO or hello told us */
    vstr host;
    int port;
    struct instance *master; /* NULL for primaries */

    /* Links: the command link for all, the pub/sub link for primaries and replicas. */
    struct link *cc, *pc;
    long long cc_conn_time, pc_conn_time, pc_last_activity, last_reconn_time;
    int cc_disconnected; /* no usable command link (Redis's link->disconnected) */

    long long act_ping_time;  /* oldest PING without a reply, 0 = none */
    long long last_ping_time; /* last PING sent */
    long long last_pong_time; /* last reply of any kind to PING */
    long long last_avail_time; /* last valid PING reply */
    long long last_pub_time, last_hello_time, last_master_down_reply_time;
    long long s_down_since_time, o_down_since_time;
    long long down_after_period;
    long long info_refresh; /* last INFO reply, 0 = never */
    int info_pending;       /* an INFO request is out */
    vstr info;
    int role_reported;
    long long role_reported_time, slave_conf_change_time;

    /* Primaries. */
    dict *sentinels, *slaves;
    unsigned int quorum;
    int parallel_syncs;
    vstr auth_pass, auth_user;
    uint64_t config_epoch;
    long long master_reboot_down_after_period, master_reboot_since_time;
    vstr notification_script, client_reconfig_script;
    /* rename-command: pairs (original, new name) used towards the
     * primary and its replicas. */
    vstr *renamed_commands;
    int nrenamed;

    /* Replicas, from their INFO. */
    long long master_link_down_time;
    vstr slave_master_host;
    int slave_master_port;
    int slave_master_link_up;
    int slave_priority;
    int replica_announced;
    unsigned long long slave_repl_offset;
    long long slave_reconf_sent_time;

    /* Election: for a primary, whom we voted for; for a sentinel, whom it voted for. */
    vstr leader;
    uint64_t leader_epoch;

    /* Failover (primaries). */
    uint64_t failover_epoch;
    enum failover_state failover_state;
    long long failover_state_change_time, failover_start_time, failover_timeout;
    long long failover_delay_logged;
    struct instance *promoted_slave;
};

#define SENTINEL_SIMFAILURE_CRASH_AFTER_ELECTION (1 << 0)
#define SENTINEL_SIMFAILURE_CRASH_AFTER_PROMOTION (1 << 1)

struct sentinel_state {
    struct ev_loop *loop;
    char myid[41];
    uint64_t current_epoch;
    dict *masters;
    int tilt;
    long long tilt_start_time, previous_time;
    int simfailure_flags;
    struct sentinel_timing timing;

    /* Settings. */
    int port;
    vstr bind[16];
    int bind_count;
    vstr dir, pidfile, logfile, config_file;
    int daemonize;
    vstr requirepass;
    vstr announce_ip;
    int announce_port;
    int resolve_hostnames, announce_hostnames, deny_scripts_reconfig;
    vstr sentinel_user, sentinel_pass;
    long long start_time; /* for INFO uptime */
    char run_id[41];      /* per-process id for INFO, not the persistent myid */
};

extern struct sentinel_state sentinel;

/* Wall-clock milliseconds, the time base of every field above. */
long long instance_now(void);

void instance_state_init(void);
/* Creates a primary, replica or sentinel.  NULL (and *err set to the
 * reply error text) if the name is taken or the address unusable. */
struct instance *instance_create(const char *name, int flags, const char *host, int port,
                                 unsigned int quorum, struct instance *master, const char **err);
void instance_release(struct instance *ri);
struct instance *instance_master_by_name(const char *name);
/* Primary at ip:port (for is-master-down-by-addr). */
struct instance *instance_master_by_addr(const char *host, int port);
struct instance *instance_slave_by_addr(struct instance *master, const char *host, int port);
/* Sentinel of master matching address and/or run id (NULL = any). */
struct instance *instance_sentinel_lookup(struct instance *master, const char *host, int port,
                                          const char *runid);
/* Removes the sentinels of master with run id runid; returns how many. */
int instance_remove_sentinel_by_runid(struct instance *master, const char *runid);

#define INSTANCE_RESET_SENTINELS 1
/* Forgets replicas (and sentinels with INSTANCE_RESET_SENTINELS), failover
 * and down state, and drops the links so they are recreated. */
void instance_reset_master(struct instance *master, int flags);
/* After a failover: master now lives at host:port; the old address and the
 * other replicas become its replicas.  0, or -1 if host is unusable. */
int instance_change_master_address(struct instance *master, const char *host, int port);

/* Records that master's instances know command `from` as `to`; a `to`
 * equal to `from` (ignoring case) drops the renaming. */
void instance_rename_command(struct instance *master, const char *from, const char *to);
/* The name to send for command name to ri (its primary's renamings). */
const char *instance_command_name(const struct instance *ri, const char *name);

/* "s_down,master,disconnected" style flags text. */
vstr instance_flags_string(const struct instance *ri);
const char *instance_failover_state_name(enum failover_state st);
/* The address other processes should use: the primary's during a
 * failover is the promoted replica's once it is promoted. */
void instance_current_master_addr(const struct instance *master, const char **host, int *port);
/* Drops both links; they are recreated by the monitor's next tick. */
void instance_drop_links(struct instance *ri);
/* Drops the links to every other sentinel (new credentials apply to the
 * connections made next). */
void instance_drop_sentinel_links(void);

#endif
