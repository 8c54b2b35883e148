/* command_families — the list of command tables that commands.c loads.
 * A new family (a file with its own struct command array) is added here. */
#ifndef VIGIL_COMMAND_FAMILIES_H
#define VIGIL_COMMAND_FAMILIES_H

#include "commands.h"

extern struct command string_commands[];
extern struct command keyspace_commands[];
extern struct command ttl_commands[];
extern struct command connection_commands[];
extern struct command config_commands[];
extern struct command hash_commands[];
extern struct command set_commands[];
extern struct command sort_commands[];
extern struct command list_commands[];
extern struct command info_commands[];
extern struct command command_info_commands[];
extern struct command slowlog_commands[];
extern struct command latency_commands[];
extern struct command debug_commands[];
extern struct command server_cmds_commands[];
extern struct command zset_commands[];
extern struct command zset_blocking_commands[];
extern struct command pubsub_commands[];
extern struct command multi_commands[];
extern struct command client_commands[];
extern struct command monitor_commands[];
extern struct command shutdown_commands[];
extern struct command snapshot_commands[];
extern struct command dump_commands[];
extern struct command aof_commands[];
extern struct command replication_commands[];

static struct command *const command_families[] = {
    string_commands,
    keyspace_commands,
    ttl_commands,
    connection_commands,
    config_commands,
    hash_commands,
    set_commands,
    sort_commands,
    list_commands,
    info_commands,
    command_info_commands,
    slowlog_commands,
    latency_commands,
    debug_commands,
    server_cmds_commands,
    zset_commands,
    zset_blocking_commands,
    pubsub_commands,
    multi_commands,
    client_commands,
    monitor_commands,
    shutdown_commands,
    snapshot_commands,
    dump_commands,
    aof_commands,
    replication_commands,
    NULL,
};

#endif
