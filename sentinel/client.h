/* client — the sentinel's own clients: listening sockets, reading and
 * parsing requests, reply buffers, and pub/sub delivery of events.
 *
 * Requests are parsed with common/resp and handed to commands_exec();
 * replies are appended to the client's output vstr with common/resp_write
 * and written when the socket is writable.
 */
#ifndef VIGIL_SENTINEL_CLIENT_H
#define VIGIL_SENTINEL_CLIENT_H

#include <stddef.h>

#include "resp.h"
#include "vstr.h"

struct client {
    long long id;
    struct conn *conn;
    vstr querybuf;
    vstr out;
    struct resp_request req;
    char addr[128], laddr[128];
    vstr name;
    vstr user; /* authenticated user name */
    int authenticated;
    int close_after_reply;
    long long ctime, last_interaction;
    vstr *channels, *patterns;
    int nchannels, npatterns;
    vstr last_cmd;
    struct client *prev, *next;
};

/* Opens the configured bind addresses (all interfaces if none). 0 or -1. */
int client_listen(void);

/* Delivers msg to subscribers of channel and matching patterns;
 * returns how many received it. */
int client_publish(const char *channel, const char *msg, size_t len);

/* Appends CLIENT LIST lines for every client. */
vstr client_list(vstr out);
struct client *client_by_id(long long id);
struct client *client_by_addr(const char *addr);
/* Closes another client now (never the one running a command). */
void client_close(struct client *c);
/* Closes c once its pending reply is written (at once if none). */
void client_close_later(struct client *c);
int client_count(void);

/* Counters for INFO stats; the instantaneous rates are averages over the
 * last client_stats_sample() calls. */
struct client_stats {
    long long connections, commands, errors;
    long long net_input_bytes, net_output_bytes, reads, writes;
    double ops_per_sec, input_kbps, output_kbps;
};
const struct client_stats *client_get_stats(void);
/* Records one sample of the counters (called from the 100 ms timer). */
void client_stats_sample(long long now_ms);
/* Distinct channels and patterns with at least one subscriber. */
int client_pubsub_channels(void);
int client_pubsub_patterns(void);
/* The largest query and output buffers among connected clients. */
void client_max_buffers(size_t *query, size_t *out);

/* Pub/sub commands for one client. */
void client_subscribe(struct client *c, int pattern, int argc, struct resp_arg *argv);
void client_unsubscribe(struct client *c, int pattern, int argc, struct resp_arg *argv);
int client_subscriptions(const struct client *c);

#endif
