/* infoparse — pure parsers for what instances send the sentinel: the text
 * of an INFO reply and the payload of a `__sentinel__:hello` message.
 * Both inputs come from the network: every field is validated and a
 * malformed input is rejected or skipped, never trusted.
 */
#ifndef VIGIL_SENTINEL_INFOPARSE_H
#define VIGIL_SENTINEL_INFOPARSE_H

#include <stddef.h>
#include <stdint.h>

#include "vstr.h"

#define INFOPARSE_ROLE_UNKNOWN 0
#define INFOPARSE_ROLE_MASTER 1
#define INFOPARSE_ROLE_SLAVE 2

struct info_replica {
    vstr ip;
    int port;
};

struct info_result {
    vstr run_id; /* NULL if absent or not 40 characters */
    int role;
    struct info_replica *replicas;
    int nreplicas;
    /* Replica fields. */
    vstr master_host;
    int master_port;
    int master_link_up;
    long long master_link_down_ms; /* -1 if the line was absent */
    int slave_priority;            /* -1 if absent */
    long long slave_repl_offset;
    int replica_announced; /* -1 if absent */
};

void infoparse_info(const char *text, size_t len, struct info_result *out);
void infoparse_info_free(struct info_result *r);

/* ip,port,runid,current_epoch,master_name,master_ip,master_port,master_config_epoch */
struct hello_msg {
    vstr ip;
    int port;
    vstr runid;
    uint64_t current_epoch;
    vstr master_name;
    vstr master_ip;
    int master_port;
    uint64_t master_config_epoch;
};

/* 0, or -1 if the payload is not a well-formed hello (nothing to free). */
int infoparse_hello(const char *msg, size_t len, struct hello_msg *out);
void infoparse_hello_free(struct hello_msg *h);
/* The payload for our own hello. */
vstr infoparse_hello_format(const struct hello_msg *h);

#endif
