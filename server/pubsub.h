/* pubsub — publish/subscribe: SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE, their
 * UNSUBSCRIBE forms, PUBLISH, SPUBLISH and PUBSUB.
 *
 * The server keeps one table per kind of subscription (channels, shard
 * channels, patterns) from name to its subscribed clients; each client
 * keeps the names it is subscribed to.  Both sides change together, and a
 * name with no subscriber left is dropped.  A client with any subscription
 * carries CLIENT_PUBSUB, which limits a RESP2 client to the subscription
 * commands (commands.c) and puts it in the pubsub output-buffer class.
 */
#ifndef VIGIL_PUBSUB_H
#define VIGIL_PUBSUB_H

#include "commands.h"

#include <stddef.h>

struct client;

extern struct command pubsub_commands[];

/* Creates the tables and hooks client release; called once at startup. */
void pubsub_init(void);

/* Delivers msg to every subscriber of channel and of each matching
 * pattern; returns the number of deliveries. */
long long pubsub_publish(const char *channel, size_t chlen, const char *msg, size_t msglen);

/* Drops all of c's subscriptions without replying (RESET, client free). */
void pubsub_reset_client(struct client *c);

/* Per-client counts (CLIENT LIST sub=, psub=, ssub=). */
long pubsub_client_channel_count(const struct client *c);
long pubsub_client_pattern_count(const struct client *c);
long pubsub_client_shard_channel_count(const struct client *c);

/* Server-wide counts (INFO pubsub_channels, pubsub_patterns,
 * pubsubshard_channels). */
long pubsub_channel_count(void);
long pubsub_pattern_count(void);
long pubsub_shard_channel_count(void);

#endif
